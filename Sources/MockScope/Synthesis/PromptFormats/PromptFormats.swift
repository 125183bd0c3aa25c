/// Calling formats that frameworks describe in the prompt instead of sending `tools`, and
/// parse back out of the model's text. When the instructions ask for one (recognised by the
/// format's own markers, never by a framework's name), the synthesized content follows it:
///
/// - `HermesToolFormat`: Qwen's / Hermes' `<tools>` list and `<tool_call>` blocks;
/// - `ReActFormat`: `Thought:` / `Action:` / `Action Input:` / `Observation:` / `Final Answer:`;
/// - `FieldMarkerFormat`: `[[ ## field ## ]]` sections ending with `[[ ## completed ## ]]`.
///
/// Each calls a tool at most once per result: once a result is back, it answers.
enum PromptFormats {
    /// The reply the instructions of `input` ask for, or nil when they describe no known format.
    static func reply(to input: SynthesisInput, phrases: Phrases) -> PromptFormatReply? {
        let conversation = PromptConversation(input.turns)
        let text = conversation.instructions
        guard !text.isEmpty else { return nil }
        // Each format is read only when its markers' bytes occur (they must for it to be found;
        // reading the formats of plain prose cost a tenth of a plain answer).
        if ASCIIText.containsBytes(text, "[[ ## "), ASCIIText.containsBytes(text, " ## ]]"),
           let format = FieldMarkerFormat(conversation) { return format.reply(input: input, phrases: phrases) }
        if ASCIIText.containsBytes(text, "<tool_call>"), ASCIIText.containsBytes(text, "<tools>"),
           let format = HermesToolFormat(conversation) { return format.reply(input: input, phrases: phrases) }
        if ASCIIText.containsBytes(text, "Final Answer:"), let format = ReActFormat(conversation) {
            return format.reply(input: input, phrases: phrases)
        }
        return nil
    }

    /// Tool names that end an agent's loop (a framework's "finish" tool).
    static let finishingNames: Set<String> = ["finish", "final_answer", "final_result", "submit", "respond", "done"]

    /// The arguments text for a schema found in a prompt: a JSON Schema object, or (as LangChain
    /// and DSPy print them) a bare `properties` map.
    static func arguments(schema: JSONValue?, chinese: Bool) -> String {
        guard let schema, case .object(let members) = schema else { return ToolArguments.json(for: nil, chinese: chinese) }
        if members["properties"] != nil || members["type"] != nil {
            return ToolArguments.json(for: schema, chinese: chinese)
        }
        return ToolArguments.json(for: .object(["type": .string("object"), "properties": schema]), chinese: chinese)
    }

    /// The lines of `text` with their leading white space removed.
    static func trimmedLines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.drop(while: \.isWhitespace) }
    }
}
