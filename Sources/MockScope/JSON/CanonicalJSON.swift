/// The canonical text of a JSON value: keys sorted, numbers normalised (`1.0` is `1`), no
/// whitespace, and object members whose value is null dropped (an explicit null and an absent
/// field mean the same to the service). Two requests that mean the same have the same text.
public enum CanonicalJSON {
    public static func string(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        write(value, into: &writer)
        return writer.text
    }

    /// The value with null members removed at every depth (array elements are kept).
    public static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members where member != .null { result[key] = normalized(member) }
            return .object(result)
        case .array(let items):
            return .array(items.map(normalized))
        default:
            return value
        }
    }

    private static func write(_ value: JSONValue, into writer: inout JSONWriter) {
        switch value {
        case .object(let members):
            writer.raw("{")
            var first = true
            for key in members.keys.sorted() {
                let member = members[key]!
                if member == .null { continue }
                if !first { writer.raw(",") }
                first = false
                writer.string(key)
                writer.raw(":")
                write(member, into: &writer)
            }
            writer.raw("}")
        case .array(let items):
            writer.raw("[")
            for (index, item) in items.enumerated() {
                if index > 0 { writer.raw(",") }
                write(item, into: &writer)
            }
            writer.raw("]")
        default:
            writer.value(value)
        }
    }
}
