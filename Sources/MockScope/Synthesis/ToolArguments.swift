/// Builds the `arguments` string of a synthesized tool call from the function's JSON Schema.
///
/// Every `required` property (all properties when none is required, in key order) gets a value by
/// type: a string's first `enum` value, else a plausible string (a place for `location`/`city`);
/// a number's `minimum`, else 1; `true`; an array of one item; an object, recursively. The text uses
/// the `": "` and `", "` separators the real model emits: `{"location": "杭州市"}`.
enum ToolArguments {
    /// The arguments text for `schema` (absent or empty: `{}`); `chinese` picks the place names.
    static func json(for schema: JSONValue?, chinese: Bool) -> String {
        var text = ""
        write(object(for: schema ?? .object([:]), chinese: chinese, depth: 0), into: &text)
        return text
    }

    /// An argument value with its object members in order.
    indirect enum Value: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([Value])
        case object([(String, Value)])
    }

    /// Past this depth objects and arrays are left empty, so a deeply nested schema stays a short call.
    static let maxDepth = 8

    static func object(for schema: JSONValue, chinese: Bool, depth: Int) -> Value {
        guard depth < maxDepth, let properties = schema["properties"]?.objectValue else { return .object([]) }
        let required = (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        let names = required.isEmpty ? properties.keys.sorted() : required
        var members: [(String, Value)] = []
        for name in names {
            members.append((name, value(for: properties[name] ?? .object([:]), named: name, chinese: chinese, depth: depth + 1)))
        }
        return .object(members)
    }

    static func value(for schema: JSONValue, named name: String, chinese: Bool, depth: Int) -> Value {
        if let constant = schema["const"] { return Value(constant) }
        if let first = schema["enum"]?.arrayValue?.first { return Value(first) }
        switch schemaType(schema) {
        case "integer":
            let minimum = schema["minimum"]?.numberValue ?? schema["exclusiveMinimum"]?.numberValue.map { $0.rounded(.down) + 1 }
            return .number((minimum ?? 1).rounded(.up))
        case "number":
            return .number(schema["minimum"]?.numberValue ?? schema["exclusiveMinimum"]?.numberValue.map { $0 + 1 } ?? 1)
        case "boolean":
            return .bool(true)
        case "null":
            return .null
        case "array":
            guard depth < maxDepth else { return .array([]) }
            return .array([value(for: schema["items"] ?? .object([:]), named: name, chinese: chinese, depth: depth + 1)])
        case "object":
            return object(for: schema, chinese: chinese, depth: depth)
        default:
            return .string(plausibleString(named: name, chinese: chinese))
        }
    }

    /// The schema's type: the first non-null of a type list; guessed from `properties`/`items` when absent.
    static func schemaType(_ schema: JSONValue) -> String {
        switch schema["type"] {
        case .string(let type)?: return type
        case .array(let types)?:
            return types.compactMap(\.stringValue).first { $0 != "null" } ?? "null"
        default:
            if schema["properties"] != nil { return "object" }
            if schema["items"] != nil { return "array" }
            return "string"
        }
    }

    static let placeWords = ["location", "city", "place", "town", "region"]

    static func plausibleString(named name: String, chinese: Bool) -> String {
        let lower = name.lowercased()
        if placeWords.contains(where: lower.contains) { return chinese ? "杭州市" : "Hangzhou" }
        return name + " value"
    }

    static func write(_ value: Value, into text: inout String) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .number(let number):
            var writer = JSONWriter()
            writer.number(number)
            text += writer.text
        case .string(let string):
            var writer = JSONWriter()
            writer.string(string)
            text += writer.text
        case .array(let items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += ", " }
                write(item, into: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += ", " }
                write(.string(member.0), into: &text)
                text += ": "
                write(member.1, into: &text)
            }
            text += "}"
        }
    }
}

extension ToolArguments.Value {
    /// A JSON value from a schema (`enum`/`const`); object members in key order.
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .number(number)
        case .string(let string): self = .string(string)
        case .array(let items): self = .array(items.map(ToolArguments.Value.init))
        case .object(let members): self = .object(members.keys.sorted().map { ($0, ToolArguments.Value(members[$0]!)) })
        }
    }
}
