/// Whether a value can be a JSON Schema, as far as an answer depends on it: an object (or a
/// boolean) whose `type`, `properties`, `items`, `required`, `enum` and combinators are well
/// formed. Finds the first problem and names its field.
enum SchemaCheck {
    static let types: Set<String> = ["object", "array", "string", "number", "integer", "boolean", "null"]

    /// The first problem in `schema` (at the field path `path`), or nil when it is a schema.
    /// `requireObject`: a boolean schema is not enough (a tool's `parameters`).
    static func problem(in schema: JSONValue, at path: String, requireObject: Bool = false, depth: Int = 0) -> String? {
        if depth > 64 { return "\(path) is nested more than 64 levels deep" }
        if case .bool = schema, !requireObject { return nil }
        guard let object = schema.objectValue else {
            return "\(path) must be a JSON Schema object, not \(describe(schema))"
        }
        if let type = object["type"] {
            let names: [JSONValue] = type.arrayValue ?? [type]
            for name in names {
                guard let text = name.stringValue, types.contains(text) else {
                    return "\(path).type: \(CanonicalJSON.string(name)) is not a JSON Schema type (use one of \(types.sorted().joined(separator: ", ")))"
                }
            }
        }
        if let properties = object["properties"] {
            guard let members = properties.objectValue else { return "\(path).properties must be an object of schemas" }
            for key in members.keys.sorted() {
                if let problem = problem(in: members[key]!, at: "\(path).properties.\(key)", depth: depth + 1) { return problem }
            }
        }
        if let required = object["required"] {
            guard let names = required.arrayValue, names.allSatisfy({ $0.stringValue != nil }) else {
                return "\(path).required must be a list of property names"
            }
        }
        if let values = object["enum"], values.arrayValue == nil { return "\(path).enum must be a list" }
        if let items = object["items"] {
            if let list = items.arrayValue {
                for (index, item) in list.enumerated() {
                    if let problem = problem(in: item, at: "\(path).items[\(index)]", depth: depth + 1) { return problem }
                }
            } else if let problem = problem(in: items, at: "\(path).items", depth: depth + 1) {
                return problem
            }
        }
        for combinator in ["anyOf", "oneOf", "allOf"] {
            guard let branches = object[combinator] else { continue }
            guard let list = branches.arrayValue, !list.isEmpty else { return "\(path).\(combinator) must be a non-empty list of schemas" }
            for (index, branch) in list.enumerated() {
                if let problem = problem(in: branch, at: "\(path).\(combinator)[\(index)]", depth: depth + 1) { return problem }
            }
        }
        for definitions in ["$defs", "definitions"] {
            guard let members = object[definitions] else { continue }
            guard let map = members.objectValue else { return "\(path).\(definitions) must be an object of schemas" }
            for key in map.keys.sorted() {
                if let problem = problem(in: map[key]!, at: "\(path).\(definitions).\(key)", depth: depth + 1) { return problem }
            }
        }
        if let extra = object["additionalProperties"], extra.boolValue == nil,
           let problem = problem(in: extra, at: "\(path).additionalProperties", depth: depth + 1) {
            return problem
        }
        return nil
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
