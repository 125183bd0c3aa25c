import Testing
@testable import MockScope

/// The schema-instance generator behind structured output and tool arguments. Each instance is
/// checked against its schema by `SchemaConformance` and by exact expectations; the pytest suite
/// checks the same generator with the jsonschema library (test_structured_output.py).
@Suite struct SchemaInstanceGeneratorTests {
    private func generate(_ schema: String, text: String = "") throws -> (value: JSONValue, text: String, schema: JSONValue) {
        let parsed = try JSONValue.parse(schema)
        var generator = SchemaInstanceGenerator(schema: parsed, hints: UserTextHints(userText: text), hash: StableHash(text))
        let instance = generator.instance()
        return (try JSONValue.parse(instance.text), instance.text, parsed)
    }

    private func accepted(_ schema: String, text: String = "") throws -> JSONValue {
        let result = try generate(schema, text: text)
        #expect(SchemaConformance(document: SchemaDocument(root: result.schema)).accepts(result.value, result.schema),
                "\(result.text) does not fit \(schema)")
        return result.value
    }

    @Test func constEnumRequiredAndClosedObjects() throws {
        let value = try accepted(##"{"type":"object","properties":{"a":{"const":"x"},"b":{"enum":["p","q"]},"c":{"type":"integer"}},"required":["c","a"],"additionalProperties":false}"##)
        #expect(value == ["a": "x", "b": "p", "c": 1])
        let text = try generate(##"{"type":"object","properties":{"z":{"type":"string"},"c":{"type":"integer"}},"required":["z"]}"##).text
        #expect(text == ##"{"z": "z value", "c": 1}"##, "required first in its order, then the rest by key")
    }

    @Test func enumValueNamedByTheUserWins() throws {
        let value = try accepted(##"{"type":"object","properties":{"unit":{"enum":["celsius","fahrenheit"]}}}"##, text: "in Fahrenheit please")
        #expect(value["unit"] == "fahrenheit")
    }

    @Test func arraysHonourCountsAndUniqueness() throws {
        let value = try accepted(##"{"type":"array","items":{"type":"integer","minimum":2},"minItems":3,"maxItems":4,"uniqueItems":true}"##)
        #expect(value == [2, 3, 4])
        let strings = try accepted(##"{"type":"array","items":{"type":"string"},"minItems":2,"uniqueItems":true}"##)
        #expect(strings.arrayValue?.count == 2)
        let tuple = try accepted(##"{"type":"array","prefixItems":[{"type":"string","format":"date"},{"type":"boolean"}],"items":false}"##)
        #expect(tuple == ["2025-03-14", true])
        #expect(try accepted(##"{"type":"array","maxItems":0}"##) == [])
    }

    @Test func oneOfPicksABranchNoOtherAccepts() throws {
        #expect(try accepted(##"{"oneOf":[{"type":"integer","multipleOf":2},{"type":"integer","multipleOf":3}]}"##) == 2)
        #expect(try accepted(##"{"oneOf":[{"type":"string"},{"type":"string","maxLength":20},{"type":"number"}]}"##) == 1)
        let optional = try accepted(##"{"anyOf":[{"type":"null"},{"type":"string","format":"email"}]}"##, text: "write to jo@example.org")
        #expect(optional == "jo@example.org")
    }

    @Test func refsAndAllOfResolveAndRecursionEnds() throws {
        let linked = try accepted(##"{"$defs":{"Node":{"type":"object","properties":{"v":{"type":"integer"},"next":{"anyOf":[{"$ref":"#/$defs/Node"},{"type":"null"}]}},"required":["v","next"]}},"$ref":"#/$defs/Node"}"##)
        var depth = 0
        var node: JSONValue? = linked
        while case .object(let members)? = node { depth += 1; node = members["next"] }
        #expect(node == .null && depth == SchemaInstanceGenerator.fullDepth - 1 + 1 || depth > 0 && node == .null)
        let tree = try accepted(##"{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#"}}},"required":["kids"]}"##)
        #expect(tree["kids"]?.arrayValue?.count == 1)
        let merged = try accepted(##"{"definitions":{"a":{"properties":{"a":{"type":"string","minLength":3}},"required":["a"]}},"allOf":[{"$ref":"#/definitions/a"},{"properties":{"b":{"type":"number","exclusiveMinimum":5}},"required":["b"]}]}"##)
        #expect(merged == ["a": "a value", "b": 6])
    }

    @Test func stringsFitFormatsPatternsAndLengths() throws {
        let value = try accepted(##"{"type":"object","required":["d","t","id","ip","code","short","long"],"properties":{"d":{"type":"string","format":"date-time"},"t":{"type":"string","format":"time"},"id":{"type":"string","format":"uuid"},"ip":{"type":"string","format":"ipv4"},"code":{"type":"string","pattern":"^[A-Z]{2}-\\d{3}(x|y)?$"},"short":{"type":"string","maxLength":3},"long":{"type":"string","minLength":12}}}"##, text: "due 2024-02-29")
        #expect(value["d"] == "2024-02-29T09:30:00Z")
        #expect(value["t"] == "09:30:00Z")
        #expect(value["ip"] == "192.0.2.10")
        #expect(value["code"] == "AA-111x")
        #expect(value["short"] == "sho")
        #expect(value["long"] == "long valuexx")
        let id = try #require(value["id"]?.stringValue)
        #expect(id.count == 36 && Array(id)[14] == "4" && id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
    }

    @Test func numbersFitBoundsAndMultiples() throws {
        let value = try accepted(##"{"type":"object","required":["a","b","c","d"],"properties":{"a":{"type":"integer","minimum":10,"maximum":20,"multipleOf":7},"b":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1},"c":{"type":"number","multipleOf":0.1,"minimum":0.25},"d":{"type":"integer","maximum":-5}}}"##)
        #expect(value["a"] == 14)
        #expect(value["b"]?.numberValue.map { $0 > 0 && $0 < 1 } == true)
        #expect(value["d"] == -5)
    }

    @Test func valuesComeFromTheUserText() throws {
        let schema = ##"{"type":"object","required":["location","query","name","email","date","count","price"],"properties":{"location":{"type":"string"},"query":{"type":"string"},"name":{"type":"string"},"email":{"type":"string"},"date":{"type":"string"},"count":{"type":"integer"},"price":{"type":"number"}}}"##
        let text = "Book 2 rooms in New York for John Smith on 2025-10-03 under 180.5 dollars, mail john@corp.io"
        let value = try accepted(schema, text: text)
        #expect(value == ["location": "New York", "query": .string(text), "name": "John Smith", "email": "john@corp.io",
                          "date": "2025-10-03", "count": 2, "price": 180.5])
        #expect(try accepted(##"{"properties":{"city":{"type":"string"}}}"##, text: "东京明天会下雨吗")["city"] == "东京")
    }

    @Test func patternSamplerRefusesWhatItCannotSample() {
        #expect(PatternSampler.sample("^\\d{5}$") == "11111")
        #expect(PatternSampler.sample("[^abc]+@(?:x|y)\\.com") == "x@x.com")
        #expect(PatternSampler.sample("(?=a)b") == nil)
        #expect(PatternSampler.sample("(a") == nil)
        #expect(PatternSampler.sample("a{2000}") == nil)
        #expect(PatternSampler.sample("\\1") == nil)
    }

    @Test func listStyleParametersBecomeASchema() throws {
        let parameters = try JSONValue.parse(##"[{"name":"city","type":"string","required":true},{"name":"days","type":"int","required":true},{"name":"raw","type":"bool"}]"##)
        #expect(ToolArguments.json(for: parameters, chinese: false, userText: "weather in Tokyo for 5 days")
            == ##"{"city": "Tokyo", "days": 5}"##, "optional ones only when named")
        #expect(ToolArguments.json(for: .array([]), chinese: false) == "{}")
        #expect(ToolArguments.json(for: "not a schema", chinese: false) == "{}")
    }

    /// Random schemas from a fixed seed, hostile ones included: every one gives JSON, the same twice.
    @Test func fuzzedSchemasNeverCrashOrLoop() throws {
        var random = SeededRandom(seed: 13)
        let hostile = [
            ##"{"$ref":"#"}"##, ##"{"allOf":[{"$ref":"#"}]}"##, ##"{"properties":{"a":{"$ref":"#"}},"required":["a"]}"##,
            ##"{"type":"array","minItems":100000,"items":{"type":"array","minItems":64,"items":{"type":"array","minItems":64}}}"##,
            ##"{"$ref":"#/nowhere"}"##, ##"{"oneOf":[{},{},{}]}"##, ##"{"type":"string","minLength":1e300}"##, ##"[1,2]"##, ##"false"##,
            ##"{"type":"integer","minimum":5,"maximum":1}"##, ##"{"type":"number","multipleOf":-3}"##, ##"{"pattern":"((((((((((((((((((((((a))))))))))))))))))))))"}"##,
            ##"{"type":"object","maxProperties":0,"required":["a"]}"##, ##"{"enum":[]}"##, ##"{"$ref":"#/$defs/a","$defs":{"a":{"$ref":"#/$defs/b"},"b":{"$ref":"#/$defs/a"}}}"##,
        ]
        var schemas = try hostile.map { try JSONValue.parse($0) }
        for _ in 0..<300 { schemas.append(Self.randomSchema(&random, depth: 0)) }
        for schema in schemas {
            var first = SchemaInstanceGenerator(schema: schema, hints: UserTextHints(userText: "weather in Tokyo 3 days"))
            var second = first
            let text = first.instance().text
            #expect(second.instance().text == text)
            #expect((try? JSONValue.parse(text)) != nil, "not JSON: \(text.prefix(200)) from \(CanonicalJSON.string(schema))")
        }
    }

    private static func randomSchema(_ random: inout SeededRandom, depth: Int) -> JSONValue {
        let keywords = ["type", "properties", "required", "items", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "minItems",
                        "maxItems", "minimum", "maximum", "minLength", "pattern", "format", "additionalProperties", "uniqueItems", "multipleOf"]
        let types: [JSONValue] = ["string", "integer", "number", "boolean", "null", "array", "object", ["string", "null"], 7]
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int(random.next() % 4) {
            let keyword = keywords[Int(random.next() % UInt64(keywords.count))]
            let nested = { (random: inout SeededRandom) -> JSONValue in depth < 4 ? randomSchema(&random, depth: depth + 1) : .object([:]) }
            switch keyword {
            case "type": members[keyword] = types[Int(random.next() % UInt64(types.count))]
            case "properties": members[keyword] = .object(["a": nested(&random), "b": nested(&random)])
            case "required": members[keyword] = ["a", "c"]
            case "items", "additionalProperties": members[keyword] = random.next() % 5 == 0 ? .bool(false) : nested(&random)
            case "enum": members[keyword] = random.next() % 3 == 0 ? [] : [1, "x", nil]
            case "const": members[keyword] = .number(Double(random.next() % 9))
            case "anyOf", "oneOf", "allOf": members[keyword] = [nested(&random), nested(&random)]
            case "$ref": members[keyword] = ["#", "#/properties/a", "#/$defs/x", "nope"][Int(random.next() % 4)]
            case "pattern": members[keyword] = ["^[a-z]+$", "(", "\\d{3}-\\w+", "[^]"][Int(random.next() % 4)]
            case "format": members[keyword] = ["date", "uuid", "email", "weird"][Int(random.next() % 4)]
            case "uniqueItems": members[keyword] = true
            default: members[keyword] = .number(Double(Int(random.next() % 7) - 2) * (random.next() % 2 == 0 ? 1 : 0.5))
            }
        }
        return .object(members)
    }
}
