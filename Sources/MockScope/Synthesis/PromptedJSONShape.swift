/// The schema a `json_object` answer follows, read from the prompt: the first JSON object example
/// in a system or user message (its keys and value types), else the identifiers the prompt quotes
/// (`"name"`, `'age'`, `` `city` ``), else `{"question": .., "answer": ..}`. Every key is required.
enum PromptedJSONShape {
    static let maxQuotedKeys = 12

    static func schema(for turns: [ConversationTurn]) -> JSONValue {
        let texts = turns.filter { $0.role == "system" || $0.role == "user" }.map(\.text)
        for text in texts {
            if let example = firstObject(in: text) { return schema(of: example, depth: 0) }
        }
        var keys: [String] = []
        for text in texts {
            for key in quotedIdentifiers(in: text) where !keys.contains(key) && keys.count < maxQuotedKeys { keys.append(key) }
        }
        if keys.isEmpty { keys = ["question", "answer"] }
        var properties: [String: JSONValue] = [:]
        for key in keys { properties[key] = ["type": .string(isNumeric(key) ? "integer" : "string")] }
        return ["type": "object", "properties": .object(properties), "required": .array(keys.map(JSONValue.string)),
                "additionalProperties": false]
    }

    /// The schema an example value suggests: its type, and for objects every key required.
    static func schema(of example: JSONValue, depth: Int) -> JSONValue {
        switch example {
        case .object(let members) where depth < 8:
            let keys = members.keys.sorted()
            return ["type": "object", "properties": .object(members.mapValues { schema(of: $0, depth: depth + 1) }),
                    "required": .array(keys.map(JSONValue.string))]
        case .array(let items) where depth < 8:
            return ["type": "array", "items": items.first.map { schema(of: $0, depth: depth + 1) } ?? ["type": "string"]]
        case .number(let number): return ["type": .string(number.rounded() == number ? "integer" : "number")]
        case .bool: return ["type": "boolean"]
        default: return ["type": "string"]
        }
    }

    /// The first balanced `{...}` in `text` that parses as a non-empty JSON object.
    static func firstObject(in text: String) -> JSONValue? {
        let characters = Array(text.unicodeScalars)
        var start = 0
        var tries = 0
        while start < characters.count, tries < 16 {
            guard let open = characters[start...].firstIndex(of: "{") else { return nil }
            tries += 1
            var depth = 0
            var inString = false
            var escaped = false
            var end: Int?
            for index in open..<characters.count {
                let c = characters[index]
                if inString {
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                    continue
                }
                if c == "\"" { inString = true } else if c == "{" { depth += 1 } else if c == "}" {
                    depth -= 1
                    if depth == 0 { end = index; break }
                }
            }
            guard let end else { return nil }
            var candidate = ""
            candidate.unicodeScalars.append(contentsOf: characters[open...end])
            if case .object(let members)? = try? JSONValue.parse(candidate), !members.isEmpty { return .object(members) }
            start = open + 1
        }
        return nil
    }

    /// Identifiers in double, single or back quotes (not the word "json").
    static func quotedIdentifiers(in text: String) -> [String] {
        var found: [String] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let quote = characters[index]
            index += 1
            guard quote == "\"" || quote == "'" || quote == "`" || quote == "“" else { continue }
            let close: Character = quote == "“" ? "”" : quote
            var end = index
            while end < characters.count, end - index <= 40, characters[end] != close { end += 1 }
            guard end < characters.count, characters[end] == close else { continue }
            let word = String(characters[index..<end])
            if let first = word.first, first.isLetter || first == "_", first.isASCII,
               word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), word.lowercased() != "json" {
                found.append(word)
                index = end + 1
            }
        }
        return found
    }

    static func isNumeric(_ key: String) -> Bool {
        let words = FieldMeaning.words(key)
        return ["age", "year", "count", "total", "number", "amount", "quantity", "score", "rating", "price"].contains { words.contains($0) }
    }
}
