/// Reads a value a prompt prints as JSON or as a Python literal (`{'city': {'type': 'string'}}`,
/// as DSPy and LangChain print tool arguments): dicts, lists, tuples, quoted strings, numbers,
/// `True`/`False`/`None` and their JSON spellings. Anything else gives nil, never a trap.
struct PythonLiteral {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    /// The value of the whole of `text` (surrounding white space allowed), or nil.
    static func value(of text: Substring) -> JSONValue? {
        if let json = try? JSONValue.parse(String(text)) { return json }
        var reader = PythonLiteral(scalars: Array(text.unicodeScalars))
        guard let value = reader.readValue(depth: 0) else { return nil }
        reader.skipSpace()
        guard reader.position == reader.scalars.count else { return Optional.none }
        return value
    }

    /// The value that starts at the first `{` of `text` and ends where its braces balance.
    static func leadingObject(in text: Substring) -> JSONValue? {
        guard let start = text.firstIndex(of: "{") else { return nil }
        var reader = PythonLiteral(scalars: Array(text[start...].unicodeScalars))
        guard let value = reader.readValue(depth: 0), case .object = value else { return nil }
        return value
    }

    private init(scalars: [Unicode.Scalar]) { self.scalars = scalars }

    /// Past this depth a value is refused (a prompt's schema is never this deep).
    private static let maxDepth = 64

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func skipSpace() {
        while let scalar = current, scalar.properties.isWhitespace { position += 1 }
    }

    private mutating func readValue(depth: Int) -> JSONValue? {
        guard depth < Self.maxDepth else { return nil }
        skipSpace()
        guard let scalar = current else { return nil }
        switch scalar {
        case "{": return readDict(depth: depth)
        case "[": return readList(closing: "]", depth: depth)
        case "(": return readList(closing: ")", depth: depth)
        case "'", "\"": return readString().map(JSONValue.string)
        default: return readWord()
        }
    }

    private mutating func readDict(depth: Int) -> JSONValue? {
        position += 1
        var members: [String: JSONValue] = [:]
        while true {
            skipSpace()
            if current == "}" { position += 1; return .object(members) }
            guard let key = readValue(depth: depth + 1) else { return nil }
            skipSpace()
            guard current == ":" else { return nil }
            position += 1
            guard let value = readValue(depth: depth + 1) else { return nil }
            members[key.stringValue ?? CanonicalJSON.string(key)] = value
            skipSpace()
            if current == "," { position += 1 } else if current != "}" { return nil }
        }
    }

    private mutating func readList(closing: Unicode.Scalar, depth: Int) -> JSONValue? {
        position += 1
        var items: [JSONValue] = []
        while true {
            skipSpace()
            if current == closing { position += 1; return .array(items) }
            guard let item = readValue(depth: depth + 1) else { return nil }
            items.append(item)
            skipSpace()
            if current == "," { position += 1 } else if current != closing { return nil }
        }
    }

    private mutating func readString() -> String? {
        guard let quote = current else { return nil }
        position += 1
        var text = String.UnicodeScalarView()
        while let scalar = current {
            position += 1
            if scalar == quote { return String(text) }
            guard scalar == "\\" else { text.append(scalar); continue }
            guard let escaped = current else { return nil }
            position += 1
            switch escaped {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            default: text.append(escaped)
            }
        }
        return nil
    }

    private mutating func readWord() -> JSONValue? {
        var word = ""
        while let scalar = current, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || scalar == "-" || scalar == "+" || scalar == "." || scalar == "_" {
            word.unicodeScalars.append(scalar)
            position += 1
        }
        switch word {
        case "True", "true": return .bool(true)
        case "False", "false": return .bool(false)
        case "None", "null": return .null
        default: return Double(word).map(JSONValue.number)
        }
    }
}
