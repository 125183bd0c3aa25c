/// JSON text as the model writes tool arguments: `": "` and `", "` separators, keys sorted
/// (`{"location": "Tokyo", "unit": "celsius"}`).
enum ArgumentsText {
    static func write(_ value: JSONValue) -> String {
        var text = ""
        write(value, into: &text)
        return text
    }

    private static func write(_ value: JSONValue, into text: inout String) {
        switch value {
        case .object(let members):
            text += "{"
            for (number, key) in members.keys.sorted().enumerated() {
                if number > 0 { text += ", " }
                var writer = JSONWriter()
                writer.string(key)
                text += writer.text + ": "
                write(members[key]!, into: &text)
            }
            text += "}"
        case .array(let items):
            text += "["
            for (number, item) in items.enumerated() {
                if number > 0 { text += ", " }
                write(item, into: &text)
            }
            text += "]"
        default:
            var writer = JSONWriter()
            writer.value(value)
            text += writer.text
        }
    }
}
