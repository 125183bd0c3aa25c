/// A small JSON Schema check, enough to pick a `oneOf` branch that no other branch accepts: types,
/// `const`, `enum`, object and array structure, bounds, `anyOf`/`oneOf`/`allOf`/`not`, `$ref`.
/// It ignores `pattern` and `format` (it answers "accepted" for them).
struct SchemaConformance: Sendable {
    var document: SchemaDocument

    /// Nesting followed before a check answers "accepted".
    static let maxDepth = 32

    func accepts(_ value: JSONValue, _ schema: JSONValue, depth: Int = 0) -> Bool {
        guard depth < Self.maxDepth else { return true }
        switch schema {
        case .bool(let flag): return flag
        case .object: break
        default: return true
        }
        let schema = document.resolved(schema)
        guard case .object(let s) = schema else { return true }

        if let constant = s["const"], constant != value { return false }
        if let options = s["enum"]?.arrayValue, !options.contains(value) { return false }
        let types = SchemaDocument.typeNames(s["type"])
        if !types.isEmpty, !types.contains(where: { Self.has(type: $0, value) }) { return false }

        switch value {
        case .object(let members):
            let properties = s["properties"]?.objectValue ?? [:]
            for name in (s["required"]?.arrayValue ?? []).compactMap(\.stringValue) where members[name] == nil { return false }
            for (name, member) in members {
                if let property = properties[name] {
                    if !accepts(member, property, depth: depth + 1) { return false }
                } else if let extra = s["additionalProperties"], s["patternProperties"] == nil {
                    if !accepts(member, extra, depth: depth + 1) { return false }
                }
            }
            if let low = s["minProperties"]?.numberValue, Double(members.count) < low { return false }
            if let high = s["maxProperties"]?.numberValue, Double(members.count) > high { return false }
        case .array(let items):
            if let low = s["minItems"]?.numberValue, Double(items.count) < low { return false }
            if let high = s["maxItems"]?.numberValue, Double(items.count) > high { return false }
            let prefix = s["prefixItems"]?.arrayValue ?? s["items"]?.arrayValue ?? []
            for (index, item) in items.enumerated() {
                if index < prefix.count {
                    if !accepts(item, prefix[index], depth: depth + 1) { return false }
                } else if let each = s["items"], each.arrayValue == nil {
                    if !accepts(item, each, depth: depth + 1) { return false }
                }
            }
            if s["uniqueItems"]?.boolValue == true, Set(items).count != items.count { return false }
        case .string(let text):
            let length = Double(text.unicodeScalars.count)
            if let low = s["minLength"]?.numberValue, length < low { return false }
            if let high = s["maxLength"]?.numberValue, length > high { return false }
        case .number(let number):
            if !NumberBounds(s).admits(number) { return false }
        default:
            break
        }

        if let branches = s["anyOf"]?.arrayValue, !branches.contains(where: { accepts(value, $0, depth: depth + 1) }) { return false }
        if let branches = s["oneOf"]?.arrayValue, branches.filter({ accepts(value, $0, depth: depth + 1) }).count != 1 { return false }
        if let excluded = s["not"], accepts(value, excluded, depth: depth + 1) { return false }
        return true
    }

    static func has(type: String, _ value: JSONValue) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object), ("number", .number):
            return true
        case ("integer", .number(let number)):
            return number.isFinite && number.rounded() == number
        default:
            return false
        }
    }
}
