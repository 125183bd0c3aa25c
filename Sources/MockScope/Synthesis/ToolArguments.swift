/// The `arguments` text of a synthesized tool call, from the function's parameters: a JSON Schema
/// or DashScope's older list style (`LegacyToolParameters`), through `SchemaInstanceGenerator`.
/// `required` properties always (optional ones only when the schema lists none required, or when
/// the user's text names one of their `enum` values). The text uses the `": "` and `", "` separators the real model emits: `{"location": "Tokyo"}`.
enum ToolArguments {
    /// The arguments for `parameters` (absent or empty: `{}`), with canned values; `chinese` picks the place names.
    static func json(for parameters: JSONValue?, chinese: Bool) -> String {
        json(for: parameters, chinese: chinese, hints: UserTextHints(), hash: StableHash(""))
    }

    /// The arguments for `parameters` with values taken from `userText` where a field fits
    /// ("weather in Tokyo" → `{"location": "Tokyo"}`).
    static func json(for parameters: JSONValue?, chinese: Bool, userText: String) -> String {
        json(for: parameters, chinese: chinese, hints: UserTextHints(userText: userText), hash: StableHash(userText))
    }

    static func json(for parameters: JSONValue?, chinese: Bool, hints: UserTextHints, hash: StableHash) -> String {
        instance(for: parameters, chinese: chinese, hints: hints, hash: hash).text
    }

    /// The arguments as an ordered value; always an object.
    static func instance(for parameters: JSONValue?, chinese: Bool, hints: UserTextHints, hash: StableHash) -> SchemaInstance {
        guard let schema = LegacyToolParameters.schema(parameters) else { return .object([]) }
        var generator = SchemaInstanceGenerator(schema: schema, hints: hints, hash: hash, chinese: chinese, optionalProperties: .requiredOrNamed)
        let value = generator.instance()
        if case .object = value { return value }
        return .object([])
    }
}
