extension String {
    /// Whether `needle` (ASCII, lower case) occurs in this string, ignoring ASCII case. Byte-level:
    /// used on the request path, where Foundation's string search costs too much.
    public func containsASCIICaseInsensitive(_ needle: String) -> Bool {
        if let found = utf8.withContiguousStorageIfAvailable({ hay in
            needle.utf8.withContiguousStorageIfAvailable { pattern in Self.asciiLowerContains(hay, pattern) }
        }), let found { return found }
        return Array(utf8).withUnsafeBufferPointer { hay in Array(needle.utf8).withUnsafeBufferPointer { Self.asciiLowerContains(hay, $0) } }
    }

    private static func asciiLowerContains(_ hay: UnsafeBufferPointer<UInt8>, _ pattern: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !pattern.isEmpty else { return true }
        guard hay.count >= pattern.count else { return false }
        outer: for start in 0...(hay.count - pattern.count) {
            for offset in 0..<pattern.count {
                let byte = hay[start + offset]
                let lower = (byte >= 65 && byte <= 90) ? byte + 32 : byte
                if lower != pattern[offset] { continue outer }
            }
            return true
        }
        return false
    }

    /// The string without leading and trailing spaces and tabs (no Foundation).
    public var trimmedSpaces: String {
        let bytes = utf8
        guard let first = bytes.first, let last = bytes.last,
              first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return self }
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }

    /// ASCII case-insensitive comparison, enough for HTTP field names. Reads both strings in
    /// place (no copies: it runs for every header field of every request).
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        if let result = utf8.withContiguousStorageIfAvailable({ x in
            other.utf8.withContiguousStorageIfAvailable { y in Self.asciiCaseInsensitiveEqual(x, y) }
        }), let result { return result }
        return Self.asciiCaseInsensitiveEqual(Array(utf8), Array(other.utf8))
    }

    private static func asciiCaseInsensitiveEqual<C: RandomAccessCollection>(_ x: C, _ y: C) -> Bool where C.Element == UInt8, C.Index == Int {
        for index in 0..<x.count {
            let a = x[x.startIndex + index], b = y[y.startIndex + index]
            if a == b { continue }
            let la = a | 0x20
            guard la == b | 0x20, la >= 0x61, la <= 0x7A else { return false }
        }
        return true
    }
}
