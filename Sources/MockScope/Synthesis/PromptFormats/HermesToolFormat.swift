/// Qwen's / Hermes' tool calling written into the system prompt: function signatures (JSON, one
/// a line or as an array) between `<tools>` and `</tools>`, calls answered as
/// `<tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>` and results coming back inside
/// `<tool_response>` (in a user or tool message). The model calls the tool that fits the question best (`ToolRelevance`); once a
/// response is back it answers in prose.
struct HermesToolFormat {
    var tools: [OfferedTool]
    var conversation: PromptConversation

    /// The format, when the instructions list tools in `<tools>` and ask for `<tool_call>` blocks.
    init?(_ conversation: PromptConversation) {
        let text = conversation.instructions
        guard text.contains("<tool_call>"), text.contains("<tools>") else { return nil }
        // Every `<tools>...</tools>` span (the prose before the list often names the tags too).
        var values: [JSONValue] = []
        var rest = text[...]
        while let open = rest.range(of: "<tools>"), let close = rest.range(of: "</tools>", range: open.upperBound..<rest.endIndex) {
            let listed = rest[open.upperBound..<close.lowerBound]
            if let whole = PythonLiteral.value(of: listed) {
                values += whole.arrayValue ?? [whole]
            } else {
                values += PromptFormats.trimmedLines(String(listed)).filter { !$0.isEmpty }.compactMap(PythonLiteral.value)
            }
            rest = rest[close.upperBound...]
        }
        tools = values.compactMap(SynthesisInput.tool)
        self.conversation = conversation
    }

    /// The text inside the latest `<tool_response>` block(s), or a tool turn's text, when a result
    /// is what the model answers now.
    var response: String? {
        guard let last = conversation.lastFollowing else { return nil }
        if last.role == "tool" { return last.text }
        var results: [Substring] = []
        var rest = last.text[...]
        while let open = rest.range(of: "<tool_response>") {
            let after = rest[open.upperBound...]
            let close = after.range(of: "</tool_response>")
            results.append(after[..<(close?.lowerBound ?? after.endIndex)])
            rest = close.map { after[$0.upperBound...] } ?? after[after.endIndex...]
        }
        return results.isEmpty ? nil : results.map { String($0) }.joined(separator: "; ")
    }

    func reply(input: SynthesisInput, phrases: Phrases) -> PromptFormatReply {
        let chinese = input.prefersChinese
        let question = input.lastUserText
        if let result = response {
            let excerpt = TextMetrics.excerpt(result, limit: SynthesizedAnswer.echoLength)
            return PromptFormatReply(content: phrases.answerFromTool(result: excerpt, tool: calledTool),
                                     reasoning: phrases.reasoningAfterTool(result: result))
        }
        guard let tool = ToolRelevance.best(of: tools, for: question) else {
            return PromptFormatReply(content: phrases.answer(question: TextMetrics.excerpt(question, limit: SynthesizedAnswer.echoLength)),
                                     reasoning: phrases.reasoning(question: question))
        }
        var name = JSONWriter()
        name.string(tool.name)
        let arguments = ToolArguments.json(for: tool.parameters, chinese: chinese)
        return PromptFormatReply(content: "<tool_call>\n{\"name\": \(name.text), \"arguments\": \(arguments)}\n</tool_call>",
                                 reasoning: phrases.reasoningBeforeCall(question: question, tool: tool.name))
    }

    /// The function named in the latest assistant `<tool_call>` (what the response answers).
    private var calledTool: String? {
        guard let call = conversation.following.last(where: { $0.role == "assistant" && $0.text.contains("<tool_call>") }),
              let open = call.text.range(of: "<tool_call>") else { return nil }
        let body = call.text[open.upperBound...]
        let json = body.range(of: "</tool_call>").map { body[..<$0.lowerBound] } ?? body
        return PythonLiteral.value(of: json)?["name"]?.stringValue
    }
}
