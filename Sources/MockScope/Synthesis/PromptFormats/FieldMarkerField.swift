/// One output field of a field-marker template and the type of value it asks for.
struct FieldMarkerField: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case text
        case integer
        case number
        /// Written `True` / `False`, as the template asks.
        case boolean
        case choice([String])
        /// A value conforming to this JSON Schema (lists, dicts, typed objects).
        case schema(JSONValue)
    }

    var name: String
    var kind: Kind

    /// The kind a template's note asks for (`# note: the value you produce must be a single int
    /// value`), else the kind of its type annotation (`int`, `bool`, `list[str]`, ...).
    static func kind(note: Substring?, annotation: Substring?) -> Kind {
        if let note {
            if note.contains("must be True or False") { return .boolean }
            if note.contains("single int value") { return .integer }
            if note.contains("single float value") { return .number }
            if let range = note.range(of: "JSON schema:"), let schema = PythonLiteral.value(of: note[range.upperBound...]) {
                return .schema(schema)
            }
            if let range = note.range(of: "one of:") {
                let options = note[range.upperBound...].split(separator: ";").map { String($0.trimmingWhite()) }.filter { !$0.isEmpty }
                if !options.isEmpty { return .choice(options) }
            }
        }
        switch annotation.map({ $0.lowercased() }) {
        case "int"?: return .integer
        case "float"?: return .number
        case "bool"?: return .boolean
        case let type? where type.hasPrefix("list") || type.hasPrefix("tuple"):
            return .schema(.object(["type": .string("array"), "items": .object(["type": .string("string")])]))
        case let type? where type.hasPrefix("dict"):
            return .schema(.object(["type": .string("object")]))
        default: return .text
        }
    }
}
