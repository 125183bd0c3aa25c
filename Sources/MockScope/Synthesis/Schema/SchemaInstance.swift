/// A generated JSON value whose object members keep the order they were generated in (a model
/// writes properties in schema order; `JSONValue` objects are unordered).
indirect enum SchemaInstance: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([SchemaInstance])
    case object([Member])

    struct Member: Sendable, Equatable {
        var key: String
        var value: SchemaInstance
    }

    /// One-line JSON with the `": "` and `", "` separators Qwen models write: `{"location": "Tokyo"}`.
    var text: String {
        var writer = JSONWriter()
        write(into: &writer)
        return writer.text
    }

    private func write(into writer: inout JSONWriter) {
        switch self {
        case .null: writer.raw("null")
        case .bool(let flag): writer.raw(flag ? "true" : "false")
        case .number(let number): writer.number(number)
        case .string(let string): writer.string(string)
        case .array(let items):
            writer.byte(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { writer.raw(", ") }
                item.write(into: &writer)
            }
            writer.byte(0x5D)
        case .object(let members):
            writer.byte(0x7B)
            for (index, member) in members.enumerated() {
                if index > 0 { writer.raw(", ") }
                writer.string(member.key)
                writer.raw(": ")
                member.value.write(into: &writer)
            }
            writer.byte(0x7D)
        }
    }

    /// The same value as an unordered `JSONValue` (for checks against a schema).
    var json: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let number): return .number(number)
        case .string(let string): return .string(string)
        case .array(let items): return .array(items.map(\.json))
        case .object(let members):
            var object: [String: JSONValue] = [:]
            for member in members { object[member.key] = member.value.json }
            return .object(object)
        }
    }

    /// A value copied from a schema (`const`, `enum`, `default`, `examples`); object members in key order.
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .number(number)
        case .string(let string): self = .string(string)
        case .array(let items): self = .array(items.map(SchemaInstance.init))
        case .object(let members):
            self = .object(members.keys.sorted().map { Member(key: $0, value: SchemaInstance(members[$0]!)) })
        }
    }
}
