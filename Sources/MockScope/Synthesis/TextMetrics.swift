/// Text measurements the synthesizer needs: CJK detection, token estimates, stream pieces.
enum TextMetrics {
    /// Characters per stream piece.
    static let pieceLength = 8

    /// Whether `text` contains a CJK ideograph (the answer is then written in Chinese).
    static func containsCJK(_ text: String) -> Bool {
        if ASCIIText.isASCII(text) { return false }
        return text.unicodeScalars.contains(where: isIdeograph)
    }

    static func isIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: return true
        default: return false
        }
    }

    /// Characters that cost about 1/1.5 token (ideographs, kana, hangul, full-width punctuation).
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x11FF, 0x2E80...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFE30...0xFE4F,
             0xFF00...0xFFEF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }

    /// Token cost in twelfths: a wide character is 12/1.5 = 8, any other is 12/4 = 3.
    static func tokenUnits(_ text: String) -> Int {
        // ASCII: 3 a character, and every byte is one but a "\r\n" pair.
        if let characters = ASCIIText.withASCII(text, { $0.count - ASCIIText.crlfCount($0) }) { return characters * 3 }
        var text = text
        return text.withUTF8(mostlyASCIITokenUnits)
    }

    /// `tokenUnits` of `Character`s, the first scalar of each deciding.
    static func characterTokenUnits<Text: StringProtocol>(_ text: Text) -> Int {
        var units = 0
        for character in text {
            let first = character.unicodeScalars.first!
            units += isWide(first) ? 8 : 3
        }
        return units
    }

    /// `tokenUnits` of UTF-8 text with non-ASCII bytes: ASCII runs by their bytes, each non-ASCII
    /// run by its `Character`s, together with the ASCII byte on either side of it (a combining
    /// mark joins the character before it, a prepended mark the one after; two ASCII characters
    /// are always two, but for "\r\n", kept together). A synthesized answer is mostly ASCII with
    /// a quote or an ellipsis: walking all of it by `Character` was a fifth of a plain answer's
    /// instructions (callgrind).
    private static func mostlyASCIITokenUnits(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var units = 0
        var index = 0  // bytes before `index` are counted
        while index < bytes.count {
            // The next non-ASCII byte, and the ASCII run before it.
            var wide = index
            while wide < bytes.count, bytes[wide] < 0x80 { wide += 1 }
            guard wide < bytes.count else {
                let run = UnsafeBufferPointer(rebasing: bytes[index..<wide])
                return units + 3 * (run.count - ASCIIText.crlfCount(run))
            }
            // The island: from the ASCII character before the run (with its "\r" when it is a
            // "\n") to the ASCII character after it (with its "\n" when it is a "\r").
            var start = wide
            if start > index {
                start -= 1
                if bytes[start] == 0x0A, start > index, bytes[start - 1] == 0x0D { start -= 1 }
            }
            var end = wide
            while true {
                while end < bytes.count, bytes[end] >= 0x80 { end += 1 }
                guard end < bytes.count else { break }
                // One ASCII character after the run; another non-ASCII run right after it joins the island.
                end += bytes[end] == 0x0D && end + 1 < bytes.count && bytes[end + 1] == 0x0A ? 2 : 1
                guard end < bytes.count, bytes[end] >= 0x80 else { break }
            }
            let run = UnsafeBufferPointer(rebasing: bytes[index..<start])
            units += 3 * (run.count - ASCIIText.crlfCount(run))
            units += characterTokenUnits(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
            index = end
        }
        return units
    }

    /// Whole tokens for `units` twelfths, rounded up.
    static func tokens(units: Int) -> Int { (units + 11) / 12 }

    /// `text` in pieces of `pieceLength` characters (none for the empty string).
    static func pieces(_ text: String, length: Int = pieceLength) -> [String] {
        // ASCII without "\r\n": a character is a byte.
        if let bytes = ASCIIText.withASCII(text, { ASCIIText.crlfCount($0) == 0 ? $0.count : nil }), let count = bytes {
            var result: [String] = []
            result.reserveCapacity((count + length - 1) / length)
            let utf8 = text.utf8
            var index = utf8.startIndex
            var offset = 0
            while offset < count {
                let end = utf8.index(index, offsetBy: min(length, count - offset))
                result.append(String(text[index..<end]))
                index = end
                offset += length
            }
            return result
        }
        var result: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: length, limitedBy: text.endIndex) ?? text.endIndex
            result.append(String(text[index..<end]))
            index = end
        }
        return result
    }

    /// `text` on one line (runs of white space become one space), cut to `limit` characters
    /// with an ellipsis when longer.
    static func excerpt(_ text: String, limit: Int) -> String {
        if let flat = ASCIIText.withASCII(text, { asciiExcerpt($0, limit: limit) }) { return flat }
        var flat = ""
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = !flat.isEmpty
            } else {
                if pendingSpace { flat.append(" ") }
                pendingSpace = false
                flat.append(character)
            }
        }
        guard flat.count > limit else { return flat }
        return String(flat.prefix(limit)) + "…"
    }

    /// `excerpt` of ASCII bytes: the same rules, a byte a character (white space never stays, so
    /// no "\r\n" is left to count as one).
    private static func asciiExcerpt(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> String {
        var flat: [UInt8] = []
        flat.reserveCapacity(min(bytes.count, limit + 1))
        var pendingSpace = false
        for byte in bytes {
            if ASCIIText.isWhitespace(byte) {
                pendingSpace = !flat.isEmpty
            } else {
                if pendingSpace { flat.append(0x20) }
                pendingSpace = false
                flat.append(byte)
                if flat.count > limit { break }
            }
        }
        guard flat.count > limit else { return String(decoding: flat, as: UTF8.self) }
        return String(decoding: flat.prefix(limit), as: UTF8.self) + "…"
    }
}
