import Foundation
import Testing
@testable import MockScope

/// The parser against Foundation's JSONDecoder (what `JSONValue.parse` used before), the error
/// positions it reports, and a seeded round trip through `JSONWriter`.
@Suite struct JSONParserTests {
    // MARK: Helpers

    /// Decodes a `JSONValue` the way `JSONValue.parse` did through `Decodable` before it had its own parser.
    struct FoundationJSON: Decodable {
        let value: JSONValue

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = .null
            } else if let bool = try? container.decode(Bool.self) {
                value = .bool(bool)
            } else if let number = try? container.decode(Double.self) {
                value = .number(number)
            } else if let string = try? container.decode(String.self) {
                value = .string(string)
            } else if let items = try? container.decode([FoundationJSON].self) {
                value = .array(items.map(\.value))
            } else {
                value = .object(try container.decode([String: FoundationJSON].self).mapValues(\.value))
            }
        }

        static func parse(_ bytes: [UInt8]) -> JSONValue? {
            try? JSONDecoder().decode(FoundationJSON.self, from: Data(bytes)).value
        }
    }

    /// Equal, numbers compared bit for bit (so -0 and 0 differ).
    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): return Array(x.unicodeScalars) == Array(y.unicodeScalars)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { identical(value, $0) } ?? false }
        default: return false
        }
    }

    static func parseError(_ bytes: [UInt8]) -> JSONParseError? {
        do {
            _ = try JSONValue.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    /// Both parsers accept and agree, or both reject.
    static func expectAgreement(_ bytes: [UInt8], _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let ours = try? JSONValue.parse(bytes)
        let theirs = FoundationJSON.parse(bytes)
        switch (ours, theirs) {
        case (let ours?, let theirs?):
            #expect(identical(ours, theirs), "\(label): parsed differently", sourceLocation: sourceLocation)
        case (nil, nil):
            break
        case (nil, _?):
            #expect(Bool(false), "\(label): rejected but JSONDecoder accepts: \(parseError(bytes).map(\.description) ?? "")",
                    sourceLocation: sourceLocation)
        case (_?, nil):
            #expect(Bool(false), "\(label): accepted but JSONDecoder rejects", sourceLocation: sourceLocation)
        }
    }

    /// The fixture files, and every JSON text inside their strings (request/response bodies, SSE `data:` lines).
    static func corpus() throws -> [(label: String, bytes: [UInt8])] {
        let root = repositoryRoot + "/fixtures"
        var result: [(String, [UInt8])] = []
        for relative in FixtureLoader.jsonFiles(below: root) {
            let bytes = try #require(FileManager.default.contents(atPath: root + "/" + relative)).map { $0 }
            result.append((relative, bytes))
            var embedded: [String] = []
            collectEmbeddedJSON(try JSONValue.parse(bytes), into: &embedded)
            for (index, text) in embedded.enumerated() { result.append(("\(relative) #\(index)", Array(text.utf8))) }
        }
        return result
    }

    static func collectEmbeddedJSON(_ value: JSONValue, into texts: inout [String]) {
        switch value {
        case .string(let s):
            let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { texts.append(s) }
            for line in s.split(separator: "\n") where line.hasPrefix("data:") {
                texts.append(String(line.dropFirst("data:".count)))
            }
        case .array(let items): items.forEach { collectEmbeddedJSON($0, into: &texts) }
        case .object(let members): members.values.forEach { collectEmbeddedJSON($0, into: &texts) }
        default: break
        }
    }

    /// A small deterministic generator (SplitMix64).
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    // MARK: Differential against JSONDecoder

    @Test func theFixturesAndTheJSONInsideThemParseAsJSONDecoderParsesThem() throws {
        let corpus = try Self.corpus()
        #expect(corpus.count > 100)
        for (label, bytes) in corpus { Self.expectAgreement(bytes, label) }
        // Every fixture file loads (the loader uses the new parser).
        let fixtures = try FixtureLoader.load(directories: [repositoryRoot + "/fixtures"])
        #expect(fixtures.count >= 15)
    }

    static let validCases: [String] = [
        // Top-level scalars, empty containers, whitespace.
        "true", "false", "null", "0", "\"\"", "\"x\"", "[]", "{}", "[[]]", "{\"a\":{}}", "[{},[],\"\",0,null,false]",
        " \t\r\n[ 1 ,\t2 ,\r\n3 ]\n ", "{ \"a\" : 1 , \"b\" :[ ] }",
        // Strings: escapes, surrogate pairs, raw UTF-8.
        #""\"\\\/\b\f\n\r\t""#, #""\u0000\u001f\u007f\u0080""#, #""\u00e9\u4E2D\u2028""#, #""\ud83d\ude00""#, #""\uD83D\uDE00 x \uDBFF\uDFFF""#,
        #""\ud800\udc00""#, "\"名前 😀 é\"", "\"a\u{7F}b\"", #"{"\u00e9":1,"e\u0301x":2}"#, #""abc\u0041def""#,
        // Numbers.
        "-0", "-0.0", "0.0", "-0e0", "0e-999999", "1", "-1", "1E+2", "1e-0", "1.5E-2", "0.1", "0.30000000000000004", "-1.5e-5",
        "1e308", "1.7976931348623157e308", "1e-320", "4.9e-324", "2.4703282292062328e-324", "2.2250738585072011e-308",
        "2.2250738585072014e-308", "123456789012345678901234567890", "9007199254740993", "9007199254740992", "100000000000000000000000",
        "1234567890.0987654321", "8.98846567431158e307", "0.000000000000000000000000000001", "1e22", "1e23", "123456789012345e-22",
        "999999999999999", "9999999999999999", "4503599627370496.5", "4503599627370497.5", "[1e-5,2.5e+10,-3.25]",
        // Duplicate keys (JSONDecoder keeps the first).
        #"{"a":1,"a":2}"#, #"{"a":{"b":1},"a":2,"a":3}"#,
    ]

    @Test func handWrittenCasesParseAsJSONDecoderParsesThem() throws {
        for text in Self.validCases {
            #expect(throws: Never.self, "\(text)") { try JSONValue.parse(text) }
            Self.expectAgreement(Array(text.utf8), text)
        }
        let deepArrays = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let deepObjects = String(repeating: "{\"a\":", count: 300) + "1" + String(repeating: "}", count: 300)
        Self.expectAgreement(Array(deepArrays.utf8), "512 nested arrays")
        Self.expectAgreement(Array(deepObjects.utf8), "300 nested objects")
        Self.expectAgreement([0xEF, 0xBB, 0xBF] + Array("[1]".utf8), "a UTF-8 byte order mark")
    }

    @Test func theBehavioursMatchedWithJSONDecoder() throws {
        #expect(try JSONValue.parse(#"{"a":1,"a":2}"#) == ["a": 1])                 // the first duplicate wins
        #expect(try JSONValue.parse("42") == 42)                                     // top-level scalars
        #expect(try JSONValue.parse(#""\ud83d\ude00""#) == "😀")
        #expect(Self.parseError(Array(#""\ud800""#.utf8)) != nil)                    // lone surrogates
        #expect(Self.parseError(Array(#""\udc00\ud800""#.utf8)) != nil)
        #expect(Self.parseError(Array("1e400".utf8)) != nil)                         // rounds to infinity
        #expect(Self.parseError(Array("1e-400".utf8)) != nil)                        // rounds to zero
        #expect(try JSONValue.parse("-0").numberValue?.sign == .minus)
        #expect(try JSONValue.parse("[0e5, -0.00e1]") == [0, 0])                   // JSONDecoder wrongly rejects these
        #expect((try? JSONValue.parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512))) != nil)
        #expect(Self.parseError(Array((String(repeating: "[", count: 513) + String(repeating: "]", count: 513)).utf8)) != nil)
    }

    @Test func numbersAreTheDoublesJSONDecoderGives() {
        var random = SeededRandom(state: 0x5EED_0001)
        func digits(_ count: Int, leadingNonZero: Bool) -> String {
            var text = ""
            for i in 0..<count {
                let low = (i == 0 && leadingNonZero) ? 1 : 0
                text += String(Int.random(in: low...9, using: &random))
            }
            return text
        }
        for _ in 0..<20_000 {
            var text = Bool.random(using: &random) ? "-" : ""
            text += Int.random(in: 0..<5, using: &random) == 0 ? "0" : digits(Int.random(in: 1...(Bool.random(using: &random) ? 8 : 25), using: &random), leadingNonZero: true)
            if Bool.random(using: &random) { text += "." + digits(Int.random(in: 1...(Bool.random(using: &random) ? 8 : 25), using: &random), leadingNonZero: false) }
            if Bool.random(using: &random) {
                text += ["e", "E", "e+", "e-", "E-"].randomElement(using: &random)!
                text += String(Int.random(in: 0...(Bool.random(using: &random) ? 30 : 400), using: &random))
            }
            let mantissa = text.prefix { $0 != "e" && $0 != "E" }
            if !mantissa.contains(where: { ("1"..."9").contains($0) }) {
                // Zero. JSONDecoder rejects some zeros with an exponent ("0e5", "0.00e1"): its check
                // for underflow misreads the exponent's digits when they fall in its loop's tail.
                let value = try? JSONValue.parse(text)
                #expect(value?.numberValue == 0 && value?.numberValue?.sign == (text.hasPrefix("-") ? .minus : .plus), "\(text)")
                continue
            }
            Self.expectAgreement(Array(text.utf8), text)
        }
    }

    // MARK: Errors

    struct Invalid: Sendable, CustomTestStringConvertible {
        var bytes: [UInt8]
        var line: Int
        var column: Int
        var message: String
        /// JSONDecoder accepts it; this parser is stricter on purpose.
        var foundationAccepts = false

        init(_ text: String, _ line: Int, _ column: Int, _ message: String, foundationAccepts: Bool = false) {
            self.init(Array(text.utf8), line, column, message, foundationAccepts: foundationAccepts)
        }

        init(_ bytes: [UInt8], _ line: Int, _ column: Int, _ message: String, foundationAccepts: Bool = false) {
            self.bytes = bytes
            self.line = line
            self.column = column
            self.message = message
            self.foundationAccepts = foundationAccepts
        }

        var testDescription: String { String(decoding: bytes.prefix(40), as: UTF8.self).debugDescription }
    }

    static let invalidCases: [Invalid] = [
        Invalid("", 1, 1, "expected a JSON value, found end of input"),
        Invalid("  \n ", 2, 2, "expected a JSON value, found end of input"),
        Invalid("[1,]", 1, 4, "trailing commas are not allowed", foundationAccepts: true),
        Invalid("{\"a\":1,}", 1, 8, "trailing commas are not allowed", foundationAccepts: true),
        Invalid("[1,,2]", 1, 4, "expected a JSON value, found ','"),
        Invalid("01", 1, 1, "leading zero"),
        Invalid("[-01]", 1, 2, "leading zero"),
        Invalid("+1", 1, 1, "must not start with '+'"),
        Invalid(".5", 1, 1, "must start with a digit"),
        Invalid("1.", 1, 3, "expected a digit after the decimal point, found end of input"),
        Invalid("[1.e5]", 1, 4, "expected a digit after the decimal point, found 'e'"),
        Invalid("1e", 1, 3, "expected a digit in the exponent, found end of input"),
        Invalid("1e+x", 1, 4, "expected a digit in the exponent, found 'x'"),
        Invalid("-", 1, 2, "expected a digit after '-', found end of input"),
        Invalid("NaN", 1, 1, "NaN and Infinity are not JSON"),
        Invalid("[-Infinity]", 1, 3, "expected a digit after '-', found 'I'"),
        Invalid("1e400", 1, 1, "out of range"),
        Invalid("[0, -1e-400]", 1, 5, "out of range"),
        Invalid("'a'", 1, 1, "strings take double quotes"),
        Invalid("// c\n1", 1, 1, "JSON has no comments"),
        Invalid("[1] // c", 1, 5, "unexpected '/' after the JSON value"),
        Invalid("[1]]", 1, 4, "unexpected ']' after the JSON value"),
        Invalid("truex", 1, 5, "unexpected 'x' after the JSON value"),
        Invalid("tru", 1, 4, "expected 'true', found end of input"),
        Invalid("[nul]", 1, 5, "expected 'null', found ']'"),
        Invalid("\"a\tb\"", 1, 3, "control character (U+0009) must be escaped"),
        Invalid("\"a\nb\"", 1, 3, "control character (U+000A) must be escaped"),
        Invalid(#""\x""#, 1, 2, "invalid escape: 'x'"),
        Invalid(#""\u12G4""#, 1, 6, "expected 4 hex digits after '\\u', found 'G'"),
        Invalid(#""\ud800""#, 1, 2, "high surrogate (\\uD800) must be followed by a \\u escape of a low surrogate"),
        Invalid(#""ab\udc00""#, 1, 4, "low surrogate (\\uDC00) without a high surrogate"),
        Invalid(#""\ud800\u0041""#, 1, 2, "must be followed by a low surrogate, not \\u0041"),
        Invalid(#""\ud800\ud800""#, 1, 2, "must be followed by a low surrogate, not \\uD800"),
        Invalid([0x22, 0xFF, 0x22], 1, 2, "invalid UTF-8 in a string"),
        Invalid([0x22, 0xC0, 0x80, 0x22], 1, 2, "invalid UTF-8 in a string"),               // overlong
        Invalid([0x22, 0x61, 0xED, 0xA0, 0x80, 0x22], 1, 3, "invalid UTF-8 in a string"),   // an encoded surrogate
        Invalid([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, 2, "invalid UTF-8 in a string"),   // above U+10FFFF
        Invalid([0x22, 0xE4, 0xB8, 0x22], 1, 2, "invalid UTF-8 in a string"),               // truncated
        Invalid([0x5B, 0xFF, 0x5D], 1, 2, "expected a JSON value, found byte 0xFF"),
        Invalid([0x31, 0x00], 1, 2, "unexpected byte 0x00 after the JSON value", foundationAccepts: true),
        Invalid([0xFF, 0xFE, 0x31, 0x00], 1, 1, "expected a JSON value, found byte 0xFF", foundationAccepts: true),  // UTF-16
        Invalid("\"abc", 1, 1, "unterminated string"),
        Invalid("[\"ab\\", 1, 6, "unterminated string: expected an escape after '\\', found end of input"),
        Invalid("{\"a\" 1}", 1, 6, "expected ':' after an object key, found '1'"),
        Invalid("{\"a\":1 \"b\":2}", 1, 8, "expected ',' or '}' after an object member, found '\"'"),
        Invalid("{\"a\":1", 1, 7, "expected ',' or '}' after an object member, found end of input"),
        Invalid("[1 2]", 1, 4, "expected ',' or ']' after an array element, found '2'"),
        Invalid("[1", 1, 3, "expected ',' or ']' after an array element, found end of input"),
        Invalid("{1:2}", 1, 2, "expected a string key or '}', found '1'"),
        Invalid("{\"a\":1,2}", 1, 8, "expected a string key after ',', found '2'"),
        Invalid("\u{201C}a\u{201D}", 1, 1, "found '\u{201C}' (U+201C)"),
        Invalid("{\"a\":\n  [1,\n   2,,\n  ]}", 3, 6, "expected a JSON value, found ','"),
        Invalid("{\"名前\": 1,\n \"键\": x}", 2, 7, "expected a JSON value, found 'x'"),
        Invalid("\r\n\r\n  ]", 3, 3, "expected a JSON value, found ']'"),
        Invalid(String(repeating: "[", count: 513) + String(repeating: "]", count: 513), 1, 513, "nested deeper than 512 levels"),
        Invalid(String(repeating: "{\"a\":", count: 600), 1, 2561, "nested deeper than 512 levels"),
    ]

    @Test(arguments: invalidCases)
    func invalidTextIsRejectedWithItsPosition(_ invalid: Invalid) throws {
        let error = try #require(Self.parseError(invalid.bytes))
        #expect(error.line == invalid.line, "\(error)")
        #expect(error.column == invalid.column, "\(error)")
        #expect(error.message.contains(invalid.message), "\(error)")
        #expect(error.description == "line \(error.line), column \(error.column): \(error.message)")
        #expect(error.offset >= 0 && error.offset <= invalid.bytes.count)
        #expect((FoundationJSON.parse(invalid.bytes) != nil) == invalid.foundationAccepts)
    }

    @Test func veryDeepNestingIsAnErrorNotACrash() {
        for opener in ["[", "{\"k\":", "[{\"k\":"] {
            let text = String(repeating: opener, count: 100_000)
            let error = Self.parseError(Array(text.utf8))
            #expect(error?.message.contains("nested deeper than 512 levels") == true, "\(String(describing: error))")
        }
    }

    @Test func fixtureSyntaxErrorsSayWhereAndWhat() {
        let text = "{\n  \"mockscope\": 1,\n  \"request\": {,}\n}"
        guard case .failure(let problem) = FixtureLoader.parse(Array(text.utf8), file: "t.json", defaultName: "t") else {
            Issue.record("should fail")
            return
        }
        #expect(problem.location == "line 3, column 15")
        #expect(problem.message.contains("expected a string key or '}', found ','"))
        #expect(problem.message.contains("not valid JSON"))
    }

    // MARK: Round trip

    static func randomString(_ random: inout SeededRandom) -> String {
        let pool: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{8}", "\u{C}", "\u{1F}",
                                      "\u{7F}", "é", "中", "😀", "\u{2028}", "\u{FEFF}", "\u{FFFF}", "\u{10FFFF}", "\u{301}"]
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &random) { text.append(pool.randomElement(using: &random)!) }
        return String(text)
    }

    static func randomNumber(_ random: inout SeededRandom) -> Double {
        switch Int.random(in: 0..<5, using: &random) {
        case 0: return Double(Int.random(in: -1_000_000...1_000_000, using: &random))
        case 1: return Double(Int64.random(in: .min ... .max, using: &random))
        case 2: return Double(Int.random(in: -99999...99999, using: &random)) / 100
        case 3:
            var value: Double
            repeat { value = Double(bitPattern: random.next()) } while !value.isFinite
            return value
        default: return [0, -0.0, 1e308, -Double.leastNonzeroMagnitude * 2024, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1, 1e16, 9_007_199_254_740_992].randomElement(using: &random)!
        }
    }

    static func randomValue(_ random: inout SeededRandom, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth < 5 ? 8 : 5), using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(randomNumber(&random))
        case 3, 4: return .string(randomString(&random))
        case 5: return .array((0..<Int.random(in: 0...5, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &random) { members[randomString(&random)] = randomValue(&random, depth: depth + 1) }
            return .object(members)
        }
    }

    @Test func randomValuesRoundTripThroughTheWriter() throws {
        var random = SeededRandom(state: 0x5EED_0002)
        for _ in 0..<2_000 {
            let value = Self.randomValue(&random, depth: 0)
            var writer = JSONWriter()
            writer.value(value)
            let parsed = try JSONValue.parse(writer.text)
            #expect(parsed == value, "\(writer.text)")
            let canonical = CanonicalJSON.string(value)
            #expect(CanonicalJSON.string(try JSONValue.parse(canonical)) == canonical)
            Self.expectAgreement(Array(writer.text.utf8), writer.text)
        }
    }
}
