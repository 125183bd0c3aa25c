/// Byte-level helpers behind the synthesizer's ASCII fast paths. Every caller keeps its
/// `Character`-level code for text with non-ASCII bytes and takes the fast path only where the
/// two give the same result (pure ASCII; `"\r\n"` is the one ASCII pair that is one `Character`).
/// Hand-written for speed: the `Character` loops (Unicode property look-ups per character) and
/// Foundation's `range(of:)` were about half of a synthesized answer's cost with tools or a schema
/// (with the rest of that change, tools went from 228 to 55 µs a request in process;
/// bench/RESULTS.md, issue 16 target 3).
enum ASCIIText {
    /// `body` over the string's UTF-8 bytes when they are all ASCII, else nil.
    @inline(__always)
    static func withASCII<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        if let result = text.utf8.withContiguousStorageIfAvailable({ bytes -> R? in isASCII(bytes) ? body(bytes) : nil }) {
            return result
        }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { isASCII($0) ? body($0) : nil }
    }

    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var combined: UInt8 = 0
        for byte in bytes { combined |= byte }
        return combined < 0x80
    }

    /// Whether `text` is ASCII.
    static func isASCII(_ text: String) -> Bool { withASCII(text) { _ in true } ?? false }

    /// `"\r\n"` pairs in `bytes` (each is one `Character`).
    static func crlfCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard bytes.count > 1 else { return 0 }
        var count = 0
        for index in 1..<bytes.count where bytes[index] == 0x0A && bytes[index - 1] == 0x0D { count += 1 }
        return count
    }

    /// The ASCII characters for which `Character.isWhitespace` holds (Unicode White_Space).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// Whether `needle`'s bytes occur in `text`'s. For an ASCII needle this is a necessary condition
    /// of any `Character`-level or Foundation match (an ASCII character is canonically equivalent
    /// only to itself), so a miss here settles those searches.
    static func containsBytes(_ text: String, _ needle: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        if let found = text.utf8.withContiguousStorageIfAvailable({ find(pattern, in: $0) }) { return found }
        return Array(text.utf8).withUnsafeBufferPointer { find(pattern, in: $0) }
    }

    /// Whether `pattern` occurs in `bytes`.
    static func find(_ pattern: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        pattern.isEmpty || firstIndex(of: pattern, in: bytes, from: 0) != nil
    }

    /// Where `pattern` (not empty) first occurs in `bytes` at or after `start`.
    static func firstIndex(of pattern: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let first = pattern.first, bytes.count - start >= pattern.count else { return nil }
        let last = bytes.count - pattern.count
        var index = start
        while index <= last {
            if bytes[index] == first {
                var offset = 1
                while offset < pattern.count, bytes[index + offset] == pattern[offset] { offset += 1 }
                if offset == pattern.count { return index }
            }
            index += 1
        }
        return nil
    }

    /// What `Character` says of an ASCII character, one bit a property.
    struct Properties: OptionSet, Sendable {
        let rawValue: UInt8
        static let punctuation = Properties(rawValue: 1), symbol = Properties(rawValue: 2)
    }

    /// The properties of each ASCII byte, read from `Character` itself: they agree by construction.
    static let properties: [Properties] = (0..<128).map { code in
        let character = Character(Unicode.Scalar(UInt8(code)))
        var found: Properties = []
        if character.isPunctuation { found.insert(.punctuation) }
        if character.isSymbol { found.insert(.symbol) }
        return found
    }

    /// The white-space-separated words of ASCII `bytes` (`split(whereSeparator: \.isWhitespace)`).
    static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var words: [String] = []
        var start = -1
        for index in 0..<bytes.count {
            if isWhitespace(bytes[index]) {
                if start >= 0 { words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) }
                start = -1
            } else if start < 0 {
                start = index
            }
        }
        if start >= 0 { words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)) }
        return words
    }

    /// `text.replacing(pattern, with: replacement)` for an ASCII `pattern`, by a byte search:
    /// `String.replacing` (swift-string-processing, by `Character`) cost about 50 k instructions
    /// for an error's 700-byte near-miss report (callgrind). Each match here has ASCII bytes on
    /// both sides, so it is a match of whole characters there too; one with a non-ASCII neighbour
    /// (which a combining or prepended mark could join) is left to `String.replacing`.
    static func replacing(_ pattern: StaticString, with replacement: String, in text: String) -> String {
        guard containsBytes(text, pattern) else { return text }
        let needle = UnsafeBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount)
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + replacement.utf8.count)
        let exact = bytes.withUnsafeBufferPointer { bytes -> Bool in
            var copied = 0
            while let found = firstIndex(of: needle, in: bytes, from: copied) {
                let end = found + needle.count
                if found > 0 && bytes[found - 1] >= 0x80 || end < bytes.count && bytes[end] >= 0x80 { return false }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<found]))
                out.append(contentsOf: replacement.utf8)
                copied = end
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
            return true
        }
        return exact ? String(decoding: out, as: UTF8.self) : text.replacing(String(decoding: needle, as: UTF8.self), with: replacement)
    }
}
