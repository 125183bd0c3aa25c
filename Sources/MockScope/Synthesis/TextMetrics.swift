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

    /// `tokenUnits` of UTF-8 text with non-ASCII bytes, a scalar at a time, when each is a
    /// character of its own: every non-ASCII scalar is one no neighbour joins (`isStandalone`:
    /// letters, punctuation, CJK, kana, Hangul syllables) and ASCII joins only in "\r\n". Else
    /// by `Character`. A synthesized answer is ASCII with a quote or an ellipsis, or Chinese:
    /// walking it by `Character` was a fifth of a plain answer's instructions (callgrind).
    private static func mostlyASCIITokenUnits(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var units = 0
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += lead == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
                units += 3
                continue
            }
            // Valid UTF-8 (a String's): the lead byte gives the length.
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
            guard let scalar = Unicode.Scalar(value), isStandalone(scalar) else {
                return characterTokenUnits(String(decoding: bytes, as: UTF8.self))
            }
            units += isWide(scalar) ? 8 : 3
            index += length
        }
        return units
    }

    /// Scalars whose grapheme-cluster break property is Other (or a Hangul syllable, which joins
    /// only jamo): with no Extend, ZWJ, SpacingMark, Prepend, jamo or flag next to it (none of
    /// them is in this list), such a scalar is a `Character` alone.
    static func isStandalone(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00A0...0x00AC, 0x00AE...0x024F,  // Latin-1 and Latin Extended (U+00AD, soft hyphen, is a control)
             0x2010...0x2027, 0x2030...0x205E,  // general punctuation: dashes, quotes, ellipsis, primes
             0x3000...0x3029, 0x3030...0x303F,  // CJK punctuation (U+302A–302F are combining tone marks)
             0x3041...0x3096, 0x30A0...0x30FF,  // kana (U+3099–309A are combining)
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7A3,  // ideographs; Hangul syllables
             0xFF01...0xFF60:  // full-width forms (the half-width ones include combining marks)
            return true
        default:
            return false
        }
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
