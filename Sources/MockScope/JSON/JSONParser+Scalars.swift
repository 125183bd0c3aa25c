/// The parser's out-of-line pieces: numbers too long for the fast path, UTF-8 sequence checks,
/// and every error it raises with what it found.
extension JSONParser {
    /// The number in `start..<end` through the standard library's `strtod` (C locale): the value
    /// JSONDecoder gives, including its errors for what rounds to infinity or to zero.
    @inline(never)
    static func parseWithStrtod(_ start: Int, _ end: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Double {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite, value != 0 else {
            throw JSONParseError("the number \(text) is out of range for a 64-bit floating-point value", at: start, in: bytes)
        }
        return value
    }

    /// The length of the well-formed UTF-8 sequence of a non-ASCII scalar at `offset` (Unicode
    /// Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or nil.
    @inline(__always)
    static func utf8SequenceLength(at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        @inline(__always) func continuation(_ i: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            i < count && bytes[i] >= low && bytes[i] <= high
        }
        switch bytes[offset] {
        case 0xC2...0xDF:
            return continuation(offset + 1) ? 2 : nil
        case 0xE0:
            return continuation(offset + 1, 0xA0) && continuation(offset + 2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(offset + 1) && continuation(offset + 2) ? 3 : nil
        case 0xED:
            return continuation(offset + 1, 0x80, 0x9F) && continuation(offset + 2) ? 3 : nil
        case 0xF0:
            return continuation(offset + 1, 0x90) && continuation(offset + 2) && continuation(offset + 3) ? 4 : nil
        case 0xF1...0xF3:
            return continuation(offset + 1) && continuation(offset + 2) && continuation(offset + 3) ? 4 : nil
        case 0xF4:
            return continuation(offset + 1, 0x80, 0x8F) && continuation(offset + 2) && continuation(offset + 3) ? 4 : nil
        default:
            return nil
        }
    }

    /// Every error the parser raises, out of line.
    enum Errors {
        @inline(never)
        static func raise(_ message: String, _ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            throw JSONParseError(message, at: offset, in: bytes)
        }

        /// "expected X, found Y" at `offset`.
        @inline(never)
        static func expected(_ what: String, _ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("expected \(what), found \(found(offset, bytes))", offset, bytes)
        }

        @inline(never)
        static func notAValue(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            let hint = switch offset < bytes.count ? bytes[offset] : 0 {
            case UInt8(ascii: "'"): " (strings take double quotes)"
            case UInt8(ascii: "/"): " (JSON has no comments)"
            case JSONParser.plus: " (a number must not start with '+')"
            case JSONParser.dot: " (a number must start with a digit)"
            case UInt8(ascii: "N"), UInt8(ascii: "I"): " (NaN and Infinity are not JSON)"
            default: ""
            }
            try expected("a JSON value" + hint, offset, bytes)
        }

        @inline(never)
        static func trailing(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("unexpected \(found(offset, bytes)) after the JSON value; a document holds exactly one value", offset, bytes)
        }

        @inline(never)
        static func badLiteral(_ word: StaticString, _ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try expected("'\(word)'", offset, bytes)
        }

        @inline(never)
        static func tooDeep(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("arrays and objects are nested deeper than \(JSONParser.maxDepth) levels", offset, bytes)
        }

        @inline(never)
        static func trailingComma(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("expected a value after ',', found ']' (trailing commas are not allowed)", offset, bytes)
        }

        /// What is wrong where an object key should start.
        @inline(never)
        static func notAKey(first: Bool, _ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            if first { try expected("a string key or '}'", offset, bytes) }
            if offset < bytes.count && bytes[offset] == JSONParser.closeBrace {
                try raise("expected a string key after ',', found '}' (trailing commas are not allowed)", offset, bytes)
            }
            try expected("a string key after ','", offset, bytes)
        }

        @inline(never)
        static func unterminated(_ open: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("unterminated string: expected '\"' before the end of input", open, bytes)
        }

        @inline(never)
        static func unterminatedEscape(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("unterminated string: expected an escape after '\\', found end of input", offset, bytes)
        }

        @inline(never)
        static func controlCharacter(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("a control character (U+\(hex(UInt32(bytes[offset])))) must be escaped in a string", offset, bytes)
        }

        @inline(never)
        static func invalidUTF8(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("invalid UTF-8 in a string", offset, bytes)
        }

        @inline(never)
        static func badEscape(_ backslash: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("invalid escape: \(found(backslash + 1, bytes)) after '\\' in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                      backslash, bytes)
        }

        @inline(never)
        static func loneLowSurrogate(_ value: UInt32, _ backslash: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("invalid \\u escape: a low surrogate (\\u\(hex(value))) without a high surrogate before it", backslash, bytes)
        }

        @inline(never)
        static func loneHighSurrogate(_ value: UInt32, _ backslash: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("invalid \\u escape: a high surrogate (\\u\(hex(value))) must be followed by a \\u escape of a low surrogate",
                      backslash, bytes)
        }

        @inline(never)
        static func badLowSurrogate(_ high: UInt32, _ low: UInt32, _ backslash: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("invalid \\u escape: a high surrogate (\\u\(hex(high))) must be followed by a low surrogate, not \\u\(hex(low))",
                      backslash, bytes)
        }

        @inline(never)
        static func leadingZero(_ start: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws -> Never {
            try raise("a number must not have a leading zero", start, bytes)
        }

        /// At least four hex digits.
        static func hex(_ value: UInt32) -> String {
            let text = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - text.count)) + text
        }

        /// The byte (or character) at `offset`, for a message.
        static func found(_ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
            guard offset < bytes.count else { return "end of input" }
            let byte = bytes[offset]
            if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            if byte >= 0x80, let length = JSONParser.utf8SequenceLength(at: offset, in: bytes) {
                var decoder = UTF8()
                var iterator = UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]).makeIterator()
                if case .scalarValue(let scalar) = decoder.decode(&iterator) {
                    return "'\(Character(scalar))' (U+\(hex(scalar.value)))"
                }
            }
            let hex = String(byte, radix: 16, uppercase: true)
            return "byte 0x\(byte < 0x10 ? "0" : "")\(hex)"
        }
    }
}
