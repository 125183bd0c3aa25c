/// The content of an answer under `response_format` JSON modes: one line of JSON, values from the
/// user's text (and the tool result, when one came last) where a field fits.
enum StructuredOutput {
    /// The JSON text, or nil for `text` (prose).
    static func content(for input: SynthesisInput, chinese: Bool) -> String? {
        let schema: JSONValue
        switch input.responseFormat {
        case .text: return nil
        case .jsonObject: schema = PromptedJSONShape.schema(for: input.turns)
        case .jsonSchema(let given): schema = given
        }
        let lastTool = input.turns.last.flatMap { $0.role == "tool" ? $0.text : nil }
        let hints = UserTextHints(userText: input.lastUserText, toolResult: lastTool)
        var generator = SchemaInstanceGenerator(schema: schema, hints: hints, hash: input.hash.derived("structured"), chinese: chinese)
        return generator.instance().text
    }
}
