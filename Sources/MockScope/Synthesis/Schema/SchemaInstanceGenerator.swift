/// Builds a value that validates against a JSON Schema: the one generator behind structured output
/// (`response_format` `json_schema`) and tool-call arguments.
///
/// Rules (docs/synthesis.md lists them for users):
/// - `const`, else an `enum` value the user's text names, else the first `enum` value.
/// - `anyOf`/`oneOf`: the first branch that is not `null` (deep in recursion: the `null` branch or
///   the first); for `oneOf` the first branch whose value no other branch accepts. `allOf` and
///   `$ref` (`#/$defs`, `#/definitions`, `#`, any pointer) are resolved first.
/// - Objects: every property down to `fullDepth` levels (tool arguments: see `OptionalProperties`),
///   below that only `required` ones; `required` names come first in their order, the rest in key order.
/// - Arrays: one item (or `minItems`, at most `maxItems`), distinct items for `uniqueItems`.
/// - Strings: by `format`, else a `pattern` sample, else from the user's text when the field's
///   name or description fits (`FieldMeaning`), else `"<name> value"`; then fitted to the lengths.
/// - Numbers: the user's numbers in order, else 1 (30 for an age, 2025 for a year), fitted to the range.
/// - Bounded: nesting past `maxDepth`, or more than `maxNodes` values, gives the simplest values.
struct SchemaInstanceGenerator {
    var document: SchemaDocument
    var hints: UserTextHints
    var hash: StableHash
    var chinese: Bool
    var optionalProperties: OptionalProperties
    /// The user's numbers already used.
    private var numbersUsed = 0
    private var nodes = 0

    /// Which properties outside `required` an object gets.
    enum OptionalProperties: Sendable {
        /// All of them (down to `fullDepth`): structured output.
        case all
        /// None when the schema lists `required` (all when it lists none), except those whose `enum`
        /// value the user's text names: tool arguments, as a model fills what the user asked for.
        case requiredOrNamed
    }

    static let fullDepth = 4
    static let maxDepth = 24
    static let maxNodes = 2_000
    static let maxItems = 64

    init(schema: JSONValue, hints: UserTextHints = UserTextHints(), hash: StableHash = StableHash(""), chinese: Bool = false,
         optionalProperties: OptionalProperties = .all) {
        document = SchemaDocument(root: schema)
        self.optionalProperties = optionalProperties
        self.hints = hints
        self.hash = hash
        self.chinese = chinese
    }

    /// An instance of the root schema.
    mutating func instance() -> SchemaInstance {
        instance(of: document.root, name: "", depth: 0, variant: 0)
    }

    private var conformance: SchemaConformance { SchemaConformance(document: document) }

    mutating func instance(of schema: JSONValue, name: String, depth: Int, variant: Int) -> SchemaInstance {
        switch schema {
        case .bool(false): return .null
        case .object: break
        default: return .string(text(for: [:], name: name, variant: variant))
        }
        let resolved = document.resolved(schema)
        guard case .object(let s) = resolved else { return .null }
        nodes += 1
        guard depth < Self.maxDepth, nodes < Self.maxNodes else { return simplest(s) }

        if let constant = s["const"] { return SchemaInstance(constant) }
        if let options = s["enum"]?.arrayValue, !options.isEmpty { return SchemaInstance(choice(among: options, variant: variant)) }
        if let branches = s["oneOf"]?.arrayValue, !branches.isEmpty {
            return oneOf(branches, parent: s, name: name, depth: depth, variant: variant)
        }
        if let branches = s["anyOf"]?.arrayValue, !branches.isEmpty {
            let order = branchOrder(branches, depth: depth)
            var rest = s
            rest["anyOf"] = nil
            return instance(of: SchemaDocument.merged(document.resolved(branches[order[0]]), .object(rest)), name: name, depth: depth + 1, variant: variant)
        }

        switch type(of: s, depth: depth) {
        case "null": return .null
        case "boolean": return .bool(variant % 2 == 0)
        case "integer": return .number(number(s, name: name, integer: true, variant: variant))
        case "number": return .number(number(s, name: name, integer: false, variant: variant))
        case "array": return array(s, name: name, depth: depth, variant: variant)
        case "object": return object(s, depth: depth, variant: variant)
        default: return .string(text(for: s, name: name, variant: variant))
        }
    }

    // MARK: - Choices

    /// Whether the user's text names one of the property's `enum` strings.
    private func namesEnumValue(_ property: JSONValue?) -> Bool {
        guard let options = property.map({ document.resolved($0) })?["enum"]?.arrayValue, !hints.question.isEmpty else { return false }
        let question = hints.question.lowercased()
        return options.contains { $0.stringValue.map { $0.count > 1 && question.contains($0.lowercased()) } ?? false }
    }

    /// An `enum` value the user's text contains (a string), else the first; `variant` moves along the list.
    private func choice(among options: [JSONValue], variant: Int) -> JSONValue {
        if variant == 0, !hints.question.isEmpty {
            let question = hints.question.lowercased()
            if let named = options.first(where: { $0.stringValue.map { $0.count > 1 && question.contains($0.lowercased()) } ?? false }) {
                return named
            }
        }
        return options[variant % options.count]
    }

    /// Branch indices in the order they are tried: non-null first, or (deep in recursion) null and
    /// then branches without a `$ref` first.
    private func branchOrder(_ branches: [JSONValue], depth: Int) -> [Int] {
        let isNull = { (index: Int) in SchemaDocument.typeNames(branches[index]["type"]) == ["null"] }
        let indices = Array(branches.indices)
        if depth >= Self.fullDepth {
            let refless = { (index: Int) in branches[index]["$ref"] == nil }
            return indices.filter(isNull) + indices.filter { !isNull($0) && refless($0) } + indices.filter { !isNull($0) && !refless($0) }
        }
        let order = indices.filter { !isNull($0) } + indices.filter(isNull)
        return order
    }

    private mutating func oneOf(_ branches: [JSONValue], parent: [String: JSONValue], name: String, depth: Int, variant: Int) -> SchemaInstance {
        var rest = parent
        rest["oneOf"] = nil
        let saved = (numbersUsed, nodes)
        var firstTry: SchemaInstance?
        for index in branchOrder(branches, depth: depth).prefix(8) {
            numbersUsed = saved.0
            let candidate = instance(of: SchemaDocument.merged(document.resolved(branches[index]), .object(rest)),
                                     name: name, depth: depth + 1, variant: variant)
            if firstTry == nil { firstTry = candidate }
            let json = candidate.json
            let others = branches.indices.filter { $0 != index && conformance.accepts(json, branches[$0]) }
            if others.isEmpty { return candidate }
        }
        return firstTry ?? .null
    }

    /// The schema's type: one of a type list (non-null first; `null` first deep in recursion),
    /// else guessed from its keywords; an empty schema gets a string.
    private func type(of s: [String: JSONValue], depth: Int) -> String {
        let names = SchemaDocument.typeNames(s["type"])
        if !names.isEmpty {
            if depth >= Self.fullDepth, names.contains("null") { return "null" }
            return names.first { $0 != "null" } ?? "null"
        }
        if s["properties"] != nil || s["required"] != nil || s["additionalProperties"] != nil || s["minProperties"] != nil { return "object" }
        if s["items"] != nil || s["prefixItems"] != nil || s["minItems"] != nil || s["contains"] != nil { return "array" }
        if s["minimum"] != nil || s["maximum"] != nil || s["multipleOf"] != nil || s["exclusiveMinimum"] != nil { return "number" }
        return "string"
    }

    /// The plainest value of the schema's type (when the bounds on work are reached).
    private func simplest(_ s: [String: JSONValue]) -> SchemaInstance {
        if let constant = s["const"] { return SchemaInstance(constant) }
        if let first = s["enum"]?.arrayValue?.first { return SchemaInstance(first) }
        switch type(of: s, depth: Self.fullDepth) {
        case "null": return .null
        case "boolean": return .bool(true)
        case "integer": return .number(NumberBounds(s).fit(0, integer: true))
        case "number": return .number(NumberBounds(s).fit(0, integer: false))
        case "array": return .array([])
        case "object": return .object([])
        default: return .string(String(repeating: "x", count: min(Int(s["minLength"]?.numberValue ?? 0), 1_000)))
        }
    }

    // MARK: - Objects and arrays

    private mutating func object(_ s: [String: JSONValue], depth: Int, variant: Int) -> SchemaInstance {
        let properties = s["properties"]?.objectValue ?? [:]
        let required = (s["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        var names: [String] = []
        for name in required where !names.contains(name) { names.append(name) }
        if depth < Self.fullDepth {
            for name in properties.keys.sorted() where !names.contains(name) {
                if optionalProperties == .requiredOrNamed, !required.isEmpty, !namesEnumValue(properties[name]) { continue }
                names.append(name)
            }
        }
        let extra = s["additionalProperties"]
        let allowsExtra = extra != .bool(false)
        var members: [SchemaInstance.Member] = []
        for name in names {
            let schema = properties[name] ?? (allowsExtra ? (extra ?? .object([:])) : .object([:]))
            members.append(.init(key: name, value: instance(of: schema, name: name, depth: depth + 1, variant: variant)))
        }
        // A map (`additionalProperties` a schema, no properties): one entry; then up to `minProperties`.
        var wanted = Int(min(s["minProperties"]?.numberValue ?? 0, Double(Self.maxItems)))
        if properties.isEmpty, case .object? = extra, depth < Self.fullDepth { wanted = max(wanted, 1) }
        var number = 1
        while members.count < wanted, allowsExtra, number <= Self.maxItems {
            let key = number == 1 ? "key" : "key\(number)"
            number += 1
            if members.contains(where: { $0.key == key }) { continue }
            members.append(.init(key: key, value: instance(of: extra ?? .object([:]), name: key, depth: depth + 1, variant: variant)))
        }
        if let most = s["maxProperties"]?.numberValue, Double(members.count) > most {
            let limit = max(Int(most), 0)
            members = members.filter { required.contains($0.key) } + members.filter { !required.contains($0.key) }
            members = Array(members.prefix(max(limit, min(required.count, members.count))))
        }
        return .object(members)
    }

    private mutating func array(_ s: [String: JSONValue], name: String, depth: Int, variant: Int) -> SchemaInstance {
        let tuple = s["prefixItems"]?.arrayValue ?? s["items"]?.arrayValue
        let prefix = tuple ?? []
        let rest: JSONValue? = s["prefixItems"] != nil ? s["items"] : (s["items"]?.arrayValue != nil ? s["additionalItems"] : s["items"])
        let low = Int(min(max(s["minItems"]?.numberValue ?? 0, 0), Double(Self.maxItems)))
        let high = s["maxItems"]?.numberValue.map { Int(min(max($0, 0), Double(Self.maxItems))) } ?? Self.maxItems
        var count = depth < Self.fullDepth ? max(low, 1, prefix.count) : max(low, 0)
        if tuple != nil, rest == .bool(false) { count = min(count, prefix.count) }
        count = min(count, high)
        let unique = s["uniqueItems"]?.boolValue == true
        var items: [SchemaInstance] = []
        var attempt = 0
        while items.count < count, attempt < count + 8 {
            let position = items.count
            let schema: JSONValue
            if position < prefix.count { schema = prefix[position] }
            else if position == 0, let contains = s["contains"] { schema = contains }
            else { schema = rest ?? .object([:]) }
            let item = instance(of: schema, name: Self.singular(name), depth: depth + 1, variant: unique ? variant + attempt : variant)
            attempt += 1
            if unique, items.contains(item) { continue }
            items.append(item)
        }
        return .array(items)
    }

    /// `cities` → `city`, `tags` → `tag`: an item is named after its list.
    static func singular(_ name: String) -> String {
        if name.hasSuffix("ies"), name.count > 4 { return String(name.dropLast(3)) + "y" }
        if name.hasSuffix("s"), !name.hasSuffix("ss"), name.count > 3 { return String(name.dropLast()) }
        return name
    }

    // MARK: - Strings and numbers

    private mutating func text(for s: [String: JSONValue], name: String, variant: Int) -> String {
        let description = s["description"]?.stringValue ?? s["title"]?.stringValue
        var value: String
        if let format = s["format"]?.stringValue, let sample = StringFormats.sample(format, hints: hints, seed: hash.derived(name), variant: variant) {
            value = sample
        } else if let pattern = s["pattern"]?.stringValue, let sample = PatternSampler.sample(pattern) {
            value = sample
        } else {
            value = meaningful(FieldMeaning(name: name, description: description), name: name)
            if variant > 0 { value += " \(variant + 1)" }
        }
        return Self.fitted(value, s)
    }

    /// A string for a field of this meaning: from the user's text where it has one.
    private func meaningful(_ meaning: FieldMeaning, name: String) -> String {
        switch meaning {
        case .place: return hints.place ?? (chinese ? "杭州市" : "Hangzhou")
        case .query: return hints.question.isEmpty ? name + " value" : hints.question
        case .person: return hints.person ?? (chinese ? "张伟" : "Alex Chen")
        case .firstName: return (hints.person ?? "Alex Chen").split(separator: " ").first.map(String.init) ?? "Alex"
        case .lastName: return (hints.person ?? "Alex Chen").split(separator: " ").dropFirst().last.map(String.init) ?? "Chen"
        case .date: return hints.date ?? StringFormats.defaultDate
        case .dateTime: return (hints.date ?? StringFormats.defaultDate) + "T09:30:00Z"
        case .time: return "09:30"
        case .email: return hints.email ?? "alex.chen@example.com"
        case .url: return hints.url ?? "https://example.com/mockscope"
        case .phone: return "+1-555-0100"
        case .language: return chinese ? "zh" : "en"
        case .identifier: return name.isEmpty ? "id-" + hash.derived("id").hex(8) : name + "-" + hash.derived(name).hex(8)
        case .answer: return answerText
        case .age, .year, .generic: return name.isEmpty ? "value" : name + " value"
        }
    }

    /// The text of an answer-like field: from the tool result when one came back, else about the question.
    private var answerText: String {
        let question = TextMetrics.excerpt(hints.question, limit: SynthesizedAnswer.echoLength)
        if let result = hints.toolResult {
            let excerpt = TextMetrics.excerpt(result, limit: SynthesizedAnswer.echoLength)
            return chinese ? "根据工具返回的结果：“\(excerpt)”" : "Based on the tool result: \"\(excerpt)\""
        }
        if question.isEmpty { return chinese ? "MockScope 合成的回答" : "An answer synthesized by MockScope" }
        return chinese ? "关于“\(question)”的回答" : "An answer to \"\(question)\""
    }

    /// `value` cut to `maxLength` and padded to `minLength` (in Unicode scalars, as JSON Schema counts).
    static func fitted(_ value: String, _ s: [String: JSONValue]) -> String {
        let most = s["maxLength"], least = s["minLength"]
        guard most != nil || least != nil else { return value }  // no bounds: as it is
        var scalars = Array(value.unicodeScalars)
        if let most = most?.numberValue, most >= 0, Double(scalars.count) > most {
            scalars = Array(scalars.prefix(Int(min(most, 100_000))))
        }
        if let least = least?.numberValue, Double(scalars.count) < least {
            scalars += Array(repeating: "x", count: Int(min(least, 100_000)) - scalars.count)
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }

    private mutating func number(_ s: [String: JSONValue], name: String, integer: Bool, variant: Int) -> Double {
        let bounds = NumberBounds(s)
        if variant == 0, numbersUsed < hints.numbers.count {
            let candidate = hints.numbers[numbersUsed]
            if bounds.admits(candidate), !integer || candidate.rounded() == candidate {
                numbersUsed += 1
                return candidate
            }
        }
        var preferred: Double = 1
        switch FieldMeaning(name: name, description: nil) {
        case .age: preferred = 30
        case .year: preferred = 2025
        default: break
        }
        return bounds.fit(preferred + Double(variant), integer: integer)
    }
}
