/// The canonical text of a JSON value: keys sorted, numbers normalised (`1.0` is `1`), no
/// whitespace, and object members whose value is null dropped (an explicit null and an absent
/// field mean the same to the service). Two requests that mean the same have the same text.
public enum CanonicalJSON {
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// The canonical text's UTF-8 bytes (what a hash of it reads).
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        write(value, into: &writer)
        return writer.bytes
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
            writer.byte(0x7B)
            var first = true
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if case .null = member { continue }
                if !first { writer.byte(0x2C) }
                first = false
                writer.string(key)
                writer.byte(0x3A)
                write(member, into: &writer)
            }
            writer.byte(0x7D)
        case .array(let items):
            writer.byte(0x5B)
            for (index, item) in items.enumerated() {
                if index > 0 { writer.byte(0x2C) }
                write(item, into: &writer)
            }
            writer.byte(0x5D)
        default:
            writer.value(value)
        }
    }
}
