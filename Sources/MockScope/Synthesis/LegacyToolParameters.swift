/// A tool's `parameters` as a JSON Schema object. DashScope's older list style
/// (`[{"name":"city","type":"string","description":..,"required":true}]`) becomes an object schema
/// with those properties; a schema without `type` but with `properties` is an object.
enum LegacyToolParameters {
    /// nil when there is nothing to generate (absent, `{}`, not a schema).
    static func schema(_ parameters: JSONValue?) -> JSONValue? {
        switch parameters {
        case .object(let members)?:
            return members.isEmpty ? nil : .object(members)
        case .array(let items)?:
            var properties: [String: JSONValue] = [:]
            var required: [JSONValue] = []
            for item in items {
                guard case .object(var members) = item, let name = members["name"]?.stringValue, !name.isEmpty else { continue }
                members["name"] = nil
                let isRequired = members["required"]?.boolValue == true
                    || members["required"]?.stringValue.map { $0.lowercased() == "true" } == true
                members["required"] = nil
                if let type = members["type"]?.stringValue { members["type"] = .string(jsonSchemaType(type)) }
                properties[name] = .object(members)
                if isRequired { required.append(.string(name)) }
            }
            guard !properties.isEmpty else { return nil }
            return .object(["type": "object", "properties": .object(properties), "required": .array(required)])
        default:
            return nil
        }
    }

    /// Python- and Java-style type names (`int`, `float`, `bool`, `list`, `dict`, `str`) in JSON Schema's words.
    static func jsonSchemaType(_ name: String) -> String {
        switch name.lowercased() {
        case "int", "integer", "long", "int32", "int64": return "integer"
        case "float", "double", "number", "decimal": return "number"
        case "bool", "boolean": return "boolean"
        case "list", "array", "tuple": return "array"
        case "dict", "object", "map": return "object"
        case "null", "none": return "null"
        default: return "string"
        }
    }
}
