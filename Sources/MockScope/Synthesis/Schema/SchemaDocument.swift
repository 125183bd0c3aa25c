/// A JSON Schema with its root, so `$ref`s resolve (`#`, `#/$defs/...`, `#/definitions/...`, any
/// JSON pointer into the root) and `allOf` folds into one schema.
struct SchemaDocument: Sendable {
    var root: JSONValue

    /// Refs followed in one chain before giving up (a ref to a ref to ... itself).
    static let maxRefChain = 16
    /// Nested `allOf` levels merged.
    static let maxMergeDepth = 8

    /// `schema` with its `$ref` replaced by the target (sibling keywords kept) and `allOf` merged in.
    func resolved(_ schema: JSONValue, mergeDepth: Int = 0) -> JSONValue {
        var current = schema
        var hops = 0
        while case .object(var members) = current, case .string(let reference)? = members["$ref"], hops < Self.maxRefChain {
            hops += 1
            members["$ref"] = nil
            guard let target = lookup(reference) else { current = .object(members); break }
            current = members.isEmpty ? target : Self.merged(target, .object(members))
        }
        guard case .object(var members) = current else { return current }
        if hops == Self.maxRefChain { members["$ref"] = nil }
        guard let parts = members["allOf"]?.arrayValue, mergeDepth < Self.maxMergeDepth else { return .object(members) }
        members["allOf"] = nil
        var result = JSONValue.object(members)
        for part in parts { result = Self.merged(result, resolved(part, mergeDepth: mergeDepth + 1)) }
        return result
    }

    /// The value a `$ref` names: `#` is the root, `#/a/b` a JSON pointer (`~0`, `~1`, `%xx` decoded).
    func lookup(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var current = root
        for raw in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
            let token = Self.percentDecoded(String(raw)).replacing("~1", with: "/").replacing("~0", with: "~")
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }

    /// Both schemas' constraints in one: properties and `required` united, bounds tightened, `enum`
    /// and `type` intersected; any other keyword from `a` when it has it, else from `b`.
    static func merged(_ a: JSONValue, _ b: JSONValue) -> JSONValue {
        guard case .object(var result) = a else { return b }
        guard case .object(let other) = b else { return a }
        for (key, value) in other {
            guard let existing = result[key] else { result[key] = value; continue }
            switch key {
            case "properties":
                guard case .object(var mine) = existing, case .object(let theirs) = value else { continue }
                for (name, schema) in theirs {
                    mine[name] = mine[name].map { JSONValue.object(["allOf": [$0, schema]]) } ?? schema
                }
                result[key] = .object(mine)
            case "required":
                let names = (existing.arrayValue ?? []) + (value.arrayValue ?? []).filter { !(existing.arrayValue ?? []).contains($0) }
                result[key] = .array(names)
            case "minimum", "minLength", "minItems", "minProperties":
                if let x = existing.numberValue, let y = value.numberValue { result[key] = .number(max(x, y)) }
            case "maximum", "maxLength", "maxItems", "maxProperties":
                if let x = existing.numberValue, let y = value.numberValue { result[key] = .number(min(x, y)) }
            case "enum":
                let common = (existing.arrayValue ?? []).filter { (value.arrayValue ?? []).contains($0) }
                if !common.isEmpty { result[key] = .array(common) }
            case "type":
                let mine = typeNames(existing), theirs = typeNames(value)
                let common = mine.filter { theirs.contains($0) || ($0 == "number" && theirs.contains("integer")) }
                    .map { $0 == "number" && theirs.contains("integer") ? "integer" : $0 }
                if !common.isEmpty { result[key] = common.count == 1 ? .string(common[0]) : .array(common.map(JSONValue.string)) }
            default:
                continue
            }
        }
        return .object(result)
    }

    static func typeNames(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let name)?: return [name]
        case .array(let names)?: return names.compactMap(\.stringValue)
        default: return []
        }
    }

    private static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.first {
            utf8 = utf8.dropFirst()
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
