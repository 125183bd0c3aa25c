/// The ways misbehaviour faults break JSON text (tool arguments, JSON-mode content), each
/// deterministic: the same text and schema give the same result.
enum JSONBreaking {
    /// The first half of `text` (at least one character goes), so it no longer parses.
    static func truncated(_ text: String) -> String {
        guard text.count > 1 else { return "" }
        return String(text.prefix(max(1, min(text.count / 2, text.count - 1))))
    }

    /// `text` (a JSON object) without one required field: the first name of the schema's
    /// `required` it holds, else its first key (sorted); nil when nothing can go.
    static func missingRequired(_ text: String, schema: JSONValue?) -> String? {
        guard case .object(var members)? = try? JSONValue.parse(text), let key = field(of: members, schema: schema) else { return nil }
        members[key] = nil
        return ArgumentsText.write(.object(members))
    }

    /// `text` (a JSON object) with one field of the wrong type (the field as for
    /// `missingRequired`): a string becomes a number, a number or a boolean a string, anything else
    /// a number; an object without fields becomes an array. Nil when `text` is not a JSON object.
    static func wrongType(_ text: String, schema: JSONValue?) -> String? {
        guard case .object(var members)? = try? JSONValue.parse(text) else { return nil }
        guard let key = field(of: members, schema: schema) else { return "[]" }
        members[key] = misTyped(members[key] ?? .null)
        return ArgumentsText.write(.object(members))
    }

    static func misTyped(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .number(Double(text.count))
        case .number(let number): return .string(FaultParameters.show(number))
        case .bool(let flag): return .string(flag ? "yes" : "no")
        default: return .number(0)
        }
    }

    /// The field a fault changes: the first `required` name present, else the first key.
    private static func field(of members: [String: JSONValue], schema: JSONValue?) -> String? {
        let required = (schema?["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        return required.first { members[$0] != nil } ?? members.keys.sorted().first
    }
}
