/// The ReAct text protocol (LangChain's classic prompt and its kin): the instructions show a
/// `Thought:` / `Action:` / `Action Input:` / `Observation:` / `Final Answer:` template and list
/// the tools (`Action: ..., should be one of [a, b]`, else one `name: description` line each).
/// Before any observation the model writes a thought, the best-fitting tool as its `Action`, and an
/// `Action Input` (the tool's arguments when the prompt prints its schema, else the question);
/// after one it writes `Thought: ...` and `Final Answer: ...`. The request's `stop` (often
/// `"\nObservation"`) then cuts the text as usual.
struct ReActFormat {
    var toolNames: [String]
    /// The tools' schemas where the prompt prints them (`name: desc, args: {...}`).
    var schemas: [String: JSONValue]
    /// The text after the template: the question and the scratchpad so far (one-message prompts).
    var scratchpad: String
    var conversation: PromptConversation

    static let labels = ["Thought:", "Action:", "Action Input:", "Observation:", "Final Answer:"]

    init?(_ conversation: PromptConversation) {
        let lines = PromptFormats.trimmedLines(conversation.instructions)
        guard Self.labels.allSatisfy({ label in lines.contains { $0.hasPrefix(label) } }),
              let templateEnd = lines.firstIndex(where: { $0.hasPrefix("Final Answer:") }) else { return nil }
        let template = lines[..<templateEnd]
        self.conversation = conversation
        scratchpad = lines[(templateEnd + 1)...].joined(separator: "\n")

        var names: [String] = []
        if let action = template.first(where: { $0.hasPrefix("Action:") }), let open = action.lastIndex(of: "["),
           let close = action[open...].firstIndex(of: "]") {
            names = action[action.index(after: open)..<close].split(separator: ",").map {
                String($0.trimmingWhite()).trimmingQuotes()
            }.filter { !$0.isEmpty }
        }
        let introduction = template.prefix(while: { !$0.hasPrefix("Thought:") && !$0.hasPrefix("Question:") })
        var schemas: [String: JSONValue] = [:]
        for line in introduction {
            guard let name = Self.describedTool(line) else { continue }
            if !names.contains(name) && names.isEmpty { names.append(name) }
            if let schema = PythonLiteral.leadingObject(in: line) { schemas[name] = schema }
        }
        toolNames = names
        self.schemas = schemas
    }

    /// The tool a `name: description`, `name - description` or `name(args) - description` line describes.
    private static func describedTool(_ line: Substring) -> String? {
        let name = line.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
        guard !name.isEmpty, name.first?.isLetter == true || name.first == "_" else { return nil }
        let rest = line[name.endIndex...]
        guard rest.hasPrefix(":") || rest.hasPrefix(" - ") || rest.hasPrefix("(") else { return nil }
        return String(name)
    }

    /// The text of the latest observation, when one is back.
    var observation: String? {
        if let last = conversation.lastFollowing, last.role == "tool" { return last.text }
        let text = conversation.following.isEmpty ? scratchpad : conversation.latestText
        let lines = PromptFormats.trimmedLines(text)
        guard let start = lines.lastIndex(where: { $0.hasPrefix("Observation:") }) else { return nil }
        var observed = [lines[start].dropFirst("Observation:".count)]
        for line in lines[(start + 1)...] {
            if line.hasPrefix("Thought:") { break }
            observed.append(line)
        }
        return String(observed.joined(separator: "\n").trimmingWhite())
    }

    /// The question: the last `Question:` line after the template, else the last user text.
    func question(_ input: SynthesisInput) -> String {
        let lines = PromptFormats.trimmedLines(scratchpad)
        if let line = lines.last(where: { $0.hasPrefix("Question:") }) {
            return String(line.dropFirst("Question:".count).trimmingWhite())
        }
        return input.lastUserText
    }

    func reply(input: SynthesisInput, phrases: Phrases) -> PromptFormatReply {
        let chinese = input.prefersChinese
        let question = question(input)
        // A prompt that ends with "Thought:" has the model continue that line.
        let thought = conversation.latestText.trimmingWhite().hasSuffix("Thought:") ? " " : "Thought: "
        if let result = observation {
            let excerpt = TextMetrics.excerpt(result, limit: SynthesizedAnswer.echoLength)
            let done = chinese ? "我现在知道最终答案了。" : "I now know the final answer."
            return PromptFormatReply(content: thought + done + "\nFinal Answer: " + phrases.answerFromTool(result: excerpt, tool: lastAction),
                                     reasoning: phrases.reasoningAfterTool(result: result))
        }
        let offered = toolNames.map { OfferedTool(name: $0, parameters: schemas[$0]) }
        guard let tool = ToolRelevance.best(of: offered, for: question)?.name else {
            let answer = phrases.answer(question: TextMetrics.excerpt(question, limit: SynthesizedAnswer.echoLength))
            return PromptFormatReply(content: thought + (chinese ? "我可以直接回答。" : "I can answer this directly.") + "\nFinal Answer: " + answer,
                                     reasoning: phrases.reasoning(question: question))
        }
        let actionInput = schemas[tool].map { PromptFormats.arguments(schema: $0, chinese: chinese) }
            ?? TextMetrics.excerpt(question, limit: Self.inputLength)
        let plan = chinese ? "我需要使用 \(tool) 来回答这个问题。" : "I should use \(tool) to answer this."
        return PromptFormatReply(content: thought + plan + "\nAction: " + tool + "\nAction Input: " + actionInput,
                                 reasoning: phrases.reasoningBeforeCall(question: question, tool: tool))
    }

    /// Characters of the question an `Action Input` carries when the tool's schema is not printed.
    static let inputLength = 200

    /// The tool of the last `Action:` line of the scratchpad or the conversation.
    private var lastAction: String? {
        let texts = [scratchpad] + conversation.following.map(\.text)
        for text in texts.reversed() {
            if let line = PromptFormats.trimmedLines(text).last(where: { $0.hasPrefix("Action:") }) {
                return String(line.dropFirst("Action:".count).trimmingWhite())
            }
        }
        return nil
    }
}
