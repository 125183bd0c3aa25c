/// Why a text is not JSON, and where: `offset` is the 0-based byte offset of the offending byte
/// (the input's length when the text ends too soon), `line` and `column` are 1-based. Lines are
/// counted at LF; the column counts characters (Unicode scalars), not bytes, so that it matches
/// what an editor shows on a line with non-ASCII text.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int
    /// What was expected and what was found, e.g. "expected ',' or '}' after an object member, found ']'".
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }

    public init(offset: Int, line: Int, column: Int, message: String) {
        self.offset = offset
        self.line = line
        self.column = column
        self.message = message
    }

    /// The error at `offset` in `bytes`, its line and column counted from the start.
    init(_ message: String, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        for i in 0..<end where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<end where bytes[i] & 0xC0 != 0x80 { column += 1 }   // skip continuation bytes
        self.init(offset: offset, line: line, column: column, message: message)
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes (recursive descent): one value, optionally surrounded
/// by whitespace (space, tab, CR, LF). Rejected: trailing commas, leading zeros, `+1`, `.5`, `1.`,
/// NaN and Infinity, single quotes, comments, unescaped control characters, invalid escapes, lone
/// surrogates, invalid UTF-8, trailing bytes (NUL included), and nesting deeper than 512 levels, so
/// that an untrusted body cannot exhaust the stack. A leading UTF-8 byte order mark is skipped (RFC
/// 8259 §8.1 allows it); UTF-16 and UTF-32 texts are rejected.
///
/// Where Foundation's JSONDecoder (as `JSONValue` used it through `Decodable`) had a say, this
/// parser decides the same:
/// - scalars are accepted at the top level;
/// - a duplicate object key keeps its FIRST value (JSONDecoder's dictionary decoding keeps the
///   first; JSONSerialization keeps the last);
/// - a `\u` escape of a lone or misordered surrogate is an error;
/// - a number is the correctly rounded `Double` (what `strtod` gives); one that rounds to infinity
///   (`1e400`), or to zero although it has a non-zero digit (`1e-400`), is an error;
/// - nesting is limited to 512 arrays/objects.
/// JSONDecoder is laxer about trailing commas (`[1,]`), UTF-16/32 input and bytes after a NUL, and it
/// wrongly rejects some zeros with an exponent (`0e5`); this parser rejects the former, accepts the latter.
enum JSONParser {
    /// The deepest nesting of arrays and objects accepted (JSONDecoder's limit too).
    static let maxDepth = 512

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var state = State(bytes: bytes)
        defer { state.scratch?.deallocate() }
        // Untyped `throws` inside: a typed error takes a stack slot at every call site, and the
        // recursive functions' frames are what bound the nesting the stack can take.
        do {
            return try state.document()
        } catch let error as JSONParseError {
            throw error
        } catch {
            preconditionFailure("JSONParser threw \(error)")
        }
    }

    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    static let minus = UInt8(ascii: "-"), plus = UInt8(ascii: "+"), dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")

    /// Exact powers of ten: every one up to 1e22 is a Double without rounding.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    private struct State {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0
        /// The decoded bytes of a string with escapes: `scratchCount` of them, room for
        /// `scratchCapacity`. Decoding never lengthens a string, so room for the rest of the input is enough.
        var scratch: UnsafeMutablePointer<UInt8>?
        var scratchCapacity = 0
        var scratchCount = 0
        /// The elements of the arrays being parsed, innermost last (one exact-size array each at the end).
        var elements: [JSONValue] = []
        /// The members of the objects being parsed, innermost last.
        var members: [Member] = []

        struct Member {
            var key: String
            var value: JSONValue
        }

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        // MARK: Structure
        // The recursion is value → array/object → value. Every error is raised by a static function
        // that is never inlined, so that the messages' strings stay out of those three frames.

        mutating func document() throws -> JSONValue {
            if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { index = 3 }
            skipWhitespace()
            let value = try self.value()
            skipWhitespace()
            if index != bytes.count { try Errors.trailing(index, bytes) }
            return value
        }

        @inline(__always)
        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func value() throws -> JSONValue {
            guard index < bytes.count else { try Errors.notAValue(index, bytes) }
            switch bytes[index] {
            case JSONParser.quote: return .string(try string())
            case JSONParser.openBrace: return try object()
            case JSONParser.openBracket: return try array()
            case JSONParser.minus, JSONParser.zero...JSONParser.nine: return .number(try number())
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return try literal()
            default: try Errors.notAValue(index, bytes)
            }
        }

        /// `true`, `false` or `null`, at a 't', 'f' or 'n'.
        @inline(never)
        mutating func literal() throws -> JSONValue {
            let (word, value): (StaticString, JSONValue) = switch bytes[index] {
            case UInt8(ascii: "t"): ("true", .bool(true))
            case UInt8(ascii: "f"): ("false", .bool(false))
            default: ("null", .null)
            }
            let start = word.utf8Start
            for i in 0..<word.utf8CodeUnitCount where index + i >= bytes.count || bytes[index + i] != start[i] {
                try Errors.badLiteral(word, index + i, bytes)
            }
            index += word.utf8CodeUnitCount
            return value
        }

        @inline(__always)
        mutating func enter() throws {
            depth += 1
            if depth > JSONParser.maxDepth { try Errors.tooDeep(index, bytes) }
        }

        @inline(never)
        mutating func array() throws -> JSONValue {
            try enter()
            index += 1   // [
            skipWhitespace()
            if index < bytes.count && bytes[index] == JSONParser.closeBracket {
                index += 1
                depth -= 1
                return .array([])
            }
            let base = elements.count
            while true {
                elements.append(try value())
                skipWhitespace()
                if index < bytes.count && bytes[index] == JSONParser.comma {
                    index += 1
                    skipWhitespace()
                    if index < bytes.count && bytes[index] == JSONParser.closeBracket { try Errors.trailingComma(index, bytes) }
                    continue
                }
                if index < bytes.count && bytes[index] == JSONParser.closeBracket {
                    index += 1
                    depth -= 1
                    return popArray(from: base)
                }
                try Errors.expected("',' or ']' after an array element", index, bytes)
            }
        }

        @inline(never)
        mutating func object() throws -> JSONValue {
            try enter()
            index += 1   // {
            skipWhitespace()
            if index < bytes.count && bytes[index] == JSONParser.closeBrace {
                index += 1
                depth -= 1
                return .object([:])
            }
            let base = members.count
            while true {
                guard index < bytes.count, bytes[index] == JSONParser.quote else {
                    try Errors.notAKey(first: members.count == base, index, bytes)
                }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == JSONParser.colon else {
                    try Errors.expected("':' after an object key", index, bytes)
                }
                index += 1
                skipWhitespace()
                members.append(Member(key: key, value: try value()))
                skipWhitespace()
                if index < bytes.count && bytes[index] == JSONParser.comma {
                    index += 1
                    skipWhitespace()
                    continue
                }
                if index < bytes.count && bytes[index] == JSONParser.closeBrace {
                    index += 1
                    depth -= 1
                    return popObject(from: base)
                }
                try Errors.expected("',' or '}' after an object member", index, bytes)
            }
        }

        /// The array of the elements from `base` on, removed from `elements`.
        @inline(never)
        mutating func popArray(from base: Int) -> JSONValue {
            let items = Array(elements[base...])
            elements.removeLast(elements.count - base)
            return .array(items)
        }

        /// The object of the members from `base` on, removed from `members`.
        @inline(never)
        mutating func popObject(from base: Int) -> JSONValue {
            var object = [String: JSONValue](minimumCapacity: members.count - base)
            // Backwards, so that a duplicate key ends with its first value, as with JSONDecoder.
            for member in members[base...].reversed() { object[member.key] = member.value }
            members.removeLast(members.count - base)
            return .object(object)
        }

        // MARK: Strings

        /// A string starting at the opening quote.
        @inline(never)
        mutating func string() throws -> String {
            let open = index
            let start = index + 1
            let end = try scanPlain(from: start)
            guard end < bytes.count else { try Errors.unterminated(open, bytes) }
            if bytes[end] == JSONParser.quote {
                index = end + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
            // A backslash: decode the whole string into `scratch`.
            let room = bytes.count - start
            if room > scratchCapacity {
                scratch?.deallocate()
                scratch = .allocate(capacity: room)
                scratchCapacity = room
            }
            scratchCount = 0
            var runStart = start
            var position = end
            while true {
                (scratch.unsafelyUnwrapped + scratchCount)
                    .initialize(from: bytes.baseAddress.unsafelyUnwrapped + runStart, count: position - runStart)
                scratchCount += position - runStart
                if bytes[position] == JSONParser.quote {
                    index = position + 1
                    return String(decoding: UnsafeBufferPointer(start: scratch, count: scratchCount), as: UTF8.self)
                }
                index = position
                try escape()
                runStart = index
                position = try scanPlain(from: index)
                guard position < bytes.count else { try Errors.unterminated(open, bytes) }
            }
        }

        /// The offset of the first quote or backslash from `start` (or the end of the input),
        /// checking that the bytes before it are well-formed UTF-8 without control characters.
        @inline(__always)
        func scanPlain(from start: Int) throws -> Int {
            let count = bytes.count
            guard let base = bytes.baseAddress else { return start }
            var position = start
            while true {
                // Eight bytes at a time while none is a quote, a backslash, a control character or non-ASCII.
                while position + 8 <= count {
                    let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                    let quotes = word ^ (ones &* UInt64(JSONParser.quote))
                    let backslashes = word ^ (ones &* UInt64(JSONParser.backslash))
                    let special = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
                        | ((word &- ones &* 0x20) & ~word) | word
                    if special & highs != 0 { break }
                    position += 8
                }
                guard position < count else { return position }
                let byte = base[position]
                if byte < 0x80 {
                    if byte == JSONParser.quote || byte == JSONParser.backslash { return position }
                    if byte < 0x20 { try Errors.controlCharacter(position, bytes) }
                    position += 1
                } else {
                    guard let length = JSONParser.utf8SequenceLength(at: position, in: bytes) else {
                        try Errors.invalidUTF8(position, bytes)
                    }
                    position += length
                }
            }
        }

        /// One escape sequence at `index` (the backslash), appended to `scratch`.
        mutating func escape() throws {
            let backslashAt = index
            index += 1
            guard index < bytes.count else { try Errors.unterminatedEscape(index, bytes) }
            let decoded: UInt8
            switch bytes[index] {
            case UInt8(ascii: "\""): decoded = 0x22
            case UInt8(ascii: "\\"): decoded = 0x5C
            case UInt8(ascii: "/"): decoded = 0x2F
            case UInt8(ascii: "b"): decoded = 0x08
            case UInt8(ascii: "f"): decoded = 0x0C
            case UInt8(ascii: "n"): decoded = 0x0A
            case UInt8(ascii: "r"): decoded = 0x0D
            case UInt8(ascii: "t"): decoded = 0x09
            case UInt8(ascii: "u"):
                index += 1
                var value = try hex4()
                if value >= 0xDC00 && value <= 0xDFFF { try Errors.loneLowSurrogate(value, backslashAt, bytes) }
                if value >= 0xD800 && value <= 0xDBFF {
                    guard index + 1 < bytes.count, bytes[index] == JSONParser.backslash, bytes[index + 1] == UInt8(ascii: "u") else {
                        try Errors.loneHighSurrogate(value, backslashAt, bytes)
                    }
                    index += 2
                    let low = try hex4()
                    guard low >= 0xDC00 && low <= 0xDFFF else { try Errors.badLowSurrogate(value, low, backslashAt, bytes) }
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
                appendUTF8(value)
                return
            default:
                try Errors.badEscape(backslashAt, bytes)
            }
            scratch.unsafelyUnwrapped[scratchCount] = decoded
            scratchCount += 1
            index += 1
        }

        /// Four hex digits at `index`.
        mutating func hex4() throws -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count else { try Errors.expected("4 hex digits after '\\u'", index, bytes) }
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: try Errors.expected("4 hex digits after '\\u'", index, bytes)
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        mutating func appendUTF8(_ value: UInt32) {
            let out = scratch.unsafelyUnwrapped + scratchCount
            switch value {
            case 0..<0x80:
                out[0] = UInt8(value)
                scratchCount += 1
            case 0x80..<0x800:
                out[0] = UInt8(0xC0 | value >> 6)
                out[1] = UInt8(0x80 | value & 0x3F)
                scratchCount += 2
            case 0x800..<0x10000:
                out[0] = UInt8(0xE0 | value >> 12)
                out[1] = UInt8(0x80 | value >> 6 & 0x3F)
                out[2] = UInt8(0x80 | value & 0x3F)
                scratchCount += 3
            default:
                out[0] = UInt8(0xF0 | value >> 18)
                out[1] = UInt8(0x80 | value >> 12 & 0x3F)
                out[2] = UInt8(0x80 | value >> 6 & 0x3F)
                out[3] = UInt8(0x80 | value & 0x3F)
                scratchCount += 4
            }
        }

        // MARK: Numbers

        /// A number at `index` ('-' or a digit). Validated against the JSON grammar first; then
        /// the correctly rounded Double: exact arithmetic when the digits and the power of ten
        /// are both exact Doubles (one rounding, the same result as strtod), strtod otherwise.
        @inline(never)
        mutating func number() throws -> Double {
            let start = index
            var negative = false
            if bytes[index] == JSONParser.minus {
                negative = true
                index += 1
            }
            var mantissa: UInt64 = 0
            var digits = 0            // digits in the integer and fraction parts
            var nonZero = false       // whether any of them is not 0
            var fractionDigits = 0
            guard index < bytes.count, bytes[index] >= JSONParser.zero && bytes[index] <= JSONParser.nine else {
                try Errors.expected("a digit after '-'", index, bytes)
            }
            if bytes[index] == JSONParser.zero {
                index += 1
                digits = 1
                if index < bytes.count && bytes[index] >= JSONParser.zero && bytes[index] <= JSONParser.nine {
                    try Errors.leadingZero(start, bytes)
                }
            } else {
                while index < bytes.count, case let digit = bytes[index] &- JSONParser.zero, digit <= 9 {
                    if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(digit) }
                    digits += 1
                    nonZero = true
                    index += 1
                }
            }
            if index < bytes.count && bytes[index] == JSONParser.dot {
                index += 1
                guard index < bytes.count, bytes[index] >= JSONParser.zero && bytes[index] <= JSONParser.nine else {
                    try Errors.expected("a digit after the decimal point", index, bytes)
                }
                while index < bytes.count, case let digit = bytes[index] &- JSONParser.zero, digit <= 9 {
                    if digits < 19 { mantissa = mantissa &* 10 &+ UInt64(digit) }
                    digits += 1
                    fractionDigits += 1
                    if digit != 0 { nonZero = true }
                    index += 1
                }
            }
            var exponent = 0
            if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
                index += 1
                var negativeExponent = false
                if index < bytes.count && (bytes[index] == JSONParser.plus || bytes[index] == JSONParser.minus) {
                    negativeExponent = bytes[index] == JSONParser.minus
                    index += 1
                }
                guard index < bytes.count, bytes[index] >= JSONParser.zero && bytes[index] <= JSONParser.nine else {
                    try Errors.expected("a digit in the exponent", index, bytes)
                }
                while index < bytes.count, case let digit = bytes[index] &- JSONParser.zero, digit <= 9 {
                    if exponent < 100_000 { exponent = exponent * 10 + Int(digit) }
                    index += 1
                }
                if negativeExponent { exponent = -exponent }
            }

            if !nonZero { return negative ? -0.0 : 0.0 }
            // Fast path: at most 15 digits (< 2^53, exact) and 10^|e| <= 10^22 (exact).
            let scale = exponent - fractionDigits
            if digits <= 15 && scale >= -22 && scale <= 22 {
                var value = Double(mantissa)
                if scale >= 0 { value *= JSONParser.powersOfTen[scale] } else { value /= JSONParser.powersOfTen[-scale] }
                return negative ? -value : value
            }
            return try JSONParser.parseWithStrtod(start, index, bytes)
        }
    }
}
