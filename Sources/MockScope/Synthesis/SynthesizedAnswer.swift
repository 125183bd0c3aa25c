/// A tool call the synthesized answer makes.
struct SynthesizedToolCall: Sendable, Equatable {
    /// `call_` + 22 hex digits derived from the request.
    var id: String
    var name: String
    /// JSON object text with `": "` / `", "` separators.
    var arguments: String
}

/// The content of a synthesized answer, independent of protocol: reasoning, text or a tool call,
/// and token counts. The same request always gives the same answer.
struct SynthesizedAnswer: Sendable, Equatable {
    var reasoning: String
    var content: String
    var toolCalls: [SynthesizedToolCall]
    var inputTokens: Int
    /// Images in the input and their share of `inputTokens` (multimodal only).
    var imageTokens: Int

    private var reasoningUnits: Int
    private var contentUnits: Int
    private var toolUnits: Int
    /// The output stopped at the token limit (a misbehaviour fault's `cut_at_length` or
    /// `endless_reasoning`): `finishReason` is `length`, whatever the answer holds.
    var stoppedByLength = false
    /// The model declines (`refusal`): compatible mode also sets `message.refusal` to this.
    var refusal: String?

    var finishReason: String { stoppedByLength ? "length" : (toolCalls.isEmpty ? "stop" : "tool_calls") }
    var hasReasoning: Bool { !reasoning.isEmpty }
    var outputTokens: Int { TextMetrics.tokens(units: reasoningUnits + contentUnits + toolUnits) }
    var reasoningTokens: Int { TextMetrics.tokens(units: reasoningUnits) }
    var totalTokens: Int { inputTokens + outputTokens }

    /// Token overhead added to every prompt (the chat template).
    static let promptOverhead = 10
    /// What one image costs (the qwen-vl-plus capture in fixtures/native/qwen-vl-plus).
    static let tokensPerImage = 1230
    /// Characters of the user's text echoed in the answer (and of other texts in reasoning).
    static let echoLength = 60
    static let reasoningEchoLength = 40

    init(_ input: SynthesisInput) {
        let chinese = input.prefersChinese
        let phrases = Phrases(chinese: chinese, hash: input.hash)
        let lastRole = input.turns.last?.role

        let planned = ToolSelection(input: input, chinese: chinese).calls
        let calls = planned.enumerated().map { index, call in
            SynthesizedToolCall(id: "call_" + input.hash.derived("call-\(index)").hex(22), name: call.tool.name,
                                arguments: call.arguments.text)
        }
        // JSON modes never reason (thinking with JSON mode is refused by validation).
        let thinks = input.thinks && !input.responseFormat.isJSON

        let question = TextMetrics.excerpt(input.lastUserText, limit: Self.echoLength)
        if let first = calls.first {
            content = ""
            toolCalls = calls
            reasoning = thinks ? phrases.reasoningBeforeCall(question: input.lastUserText, tool: first.name) : ""
        } else if let json = StructuredOutput.content(for: input, chinese: chinese) {
            content = json
            toolCalls = []
            reasoning = ""
        } else if lastRole == "tool" {
            let results = input.turns.reversed().prefix(while: { $0.role == "tool" }).reversed()
            let resultText = results.map(\.text).joined(separator: "; ")
            let toolName = results.last.flatMap { Self.toolName(of: $0, in: input.turns) }
            content = phrases.answerFromTool(result: TextMetrics.excerpt(resultText, limit: Self.echoLength), tool: toolName)
            toolCalls = []
            reasoning = thinks ? phrases.reasoningAfterTool(result: resultText) : ""
        } else {
            content = phrases.answer(question: question)
            toolCalls = []
            reasoning = thinks ? phrases.reasoning(question: input.lastUserText) : ""
        }
        // A prompt-described calling format shapes prose only: JSON mode's structured answer wins.
        if input.tools.isEmpty, !input.responseFormat.isJSON, let reply = PromptFormats.reply(to: input, phrases: phrases) {
            content = reply.content
            reasoning = input.thinks ? reply.reasoning : ""
        }
        content = StopSequences.cut(content, at: input.stopSequences)

        var promptUnits = 0
        for turn in input.turns { promptUnits += TextMetrics.tokenUnits(turn.text) }
        imageTokens = input.isMultimodal ? input.imageCount * Self.tokensPerImage : 0
        inputTokens = TextMetrics.tokens(units: promptUnits) + Self.promptOverhead + imageTokens
        reasoningUnits = TextMetrics.tokenUnits(reasoning)
        contentUnits = TextMetrics.tokenUnits(content)
        toolUnits = toolCalls.reduce(0) { $0 + TextMetrics.tokenUnits($1.name) + TextMetrics.tokenUnits($1.arguments) }
    }

    /// An answer read back from a planned one (`AnswerCodec`), its token counts estimated from its parts.
    init(reasoning: String, content: String, toolCalls: [SynthesizedToolCall], inputTokens: Int, imageTokens: Int = 0,
         stoppedByLength: Bool = false) {
        self.reasoning = reasoning
        self.content = content
        self.toolCalls = toolCalls
        self.inputTokens = inputTokens
        self.imageTokens = imageTokens
        self.stoppedByLength = stoppedByLength
        reasoningUnits = 0
        contentUnits = 0
        toolUnits = 0
        recount()
    }

    /// Counts the output tokens again after its parts changed.
    mutating func recount() {
        reasoningUnits = TextMetrics.tokenUnits(reasoning)
        contentUnits = TextMetrics.tokenUnits(content)
        toolUnits = toolCalls.reduce(0) { $0 + TextMetrics.tokenUnits($1.name) + TextMetrics.tokenUnits($1.arguments) }
    }

    /// The answer stopped where its output reaches `limit` tokens (`max_output_tokens`), or nil
    /// when it fits: reasoning counts only when `countsReasoning`; whole pieces are kept in order
    /// (reasoning, then content) and tool calls are dropped, a cut call being no call [chosen].
    func stopped(atOutputTokens limit: Int, countsReasoning: Bool) -> SynthesizedAnswer? {
        let counted = countsReasoning ? reasoningUnits + contentUnits + toolUnits : contentUnits + toolUnits
        guard TextMetrics.tokens(units: counted) > limit else { return nil }
        var budget = limit * 12  // units are twelfths of a token
        func kept(_ text: String) -> String {
            var result = ""
            for piece in TextMetrics.pieces(text) {
                let units = TextMetrics.tokenUnits(piece)
                guard units <= budget else { break }
                budget -= units
                result += piece
            }
            return result
        }
        var stopped = self
        if countsReasoning { stopped.reasoning = kept(reasoning) }
        stopped.content = kept(content)
        stopped.toolCalls = []
        stopped.reasoningUnits = TextMetrics.tokenUnits(stopped.reasoning)
        stopped.contentUnits = TextMetrics.tokenUnits(stopped.content)
        stopped.toolUnits = 0
        return stopped
    }

    /// The function a tool turn answers: its `name`, else the call with its `tool_call_id`.
    private static func toolName(of turn: ConversationTurn, in turns: [ConversationTurn]) -> String? {
        if let name = turn.toolName, !name.isEmpty { return name }
        guard let id = turn.toolCallID, !id.isEmpty else { return nil }
        for earlier in turns.reversed() {
            if let call = earlier.toolCalls.first(where: { $0.id == id }), !call.name.isEmpty { return call.name }
        }
        return nil
    }

    // MARK: - Streaming

    /// One piece of a streamed answer.
    enum Delta: Sendable, Equatable {
        case reasoning(String)
        case content(String)
        /// A fragment of tool call `index`; the opening fragment carries the id and name.
        case toolCall(index: Int, opening: Bool, arguments: String)
    }

    /// A delta with the output token counts after it (usage is cumulative on every event).
    struct Step: Sendable, Equatable {
        var delta: Delta
        var outputTokens: Int
        var reasoningTokens: Int
    }

    /// The answer in order: reasoning pieces, content pieces, tool-call fragments (pieces of
    /// `TextMetrics.pieceLength` characters). The counts after the last step equal the totals.
    var steps: [Step] {
        var steps: [Step] = []
        var reasoningSoFar = 0
        var outputSoFar = 0
        func append(_ delta: Delta, units: Int, reasoning: Bool) {
            outputSoFar += units
            if reasoning { reasoningSoFar += units }
            steps.append(Step(delta: delta, outputTokens: TextMetrics.tokens(units: outputSoFar),
                              reasoningTokens: TextMetrics.tokens(units: reasoningSoFar)))
        }
        for piece in TextMetrics.pieces(reasoning) {
            append(.reasoning(piece), units: TextMetrics.tokenUnits(piece), reasoning: true)
        }
        for piece in TextMetrics.pieces(content) {
            append(.content(piece), units: TextMetrics.tokenUnits(piece), reasoning: false)
        }
        for (index, call) in toolCalls.enumerated() {
            var fragments = TextMetrics.pieces(call.arguments)
            if fragments.isEmpty { fragments = [""] }
            for (number, fragment) in fragments.enumerated() {
                let nameUnits = number == 0 ? TextMetrics.tokenUnits(call.name) : 0
                append(.toolCall(index: index, opening: number == 0, arguments: fragment),
                       units: nameUnits + TextMetrics.tokenUnits(fragment), reasoning: false)
            }
        }
        return steps
    }
}

/// The answer so far while a stream is rendered: what a cumulative event carries.
struct AnswerProgress: Sendable {
    var reasoning = ""
    var content = ""
    var toolCalls: [SynthesizedToolCall] = []

    mutating func apply(_ delta: SynthesizedAnswer.Delta, calls: [SynthesizedToolCall]) {
        switch delta {
        case .reasoning(let piece): reasoning += piece
        case .content(let piece): content += piece
        case .toolCall(let index, let opening, let arguments):
            if opening {
                toolCalls.append(SynthesizedToolCall(id: calls[index].id, name: calls[index].name, arguments: arguments))
            } else {
                toolCalls[toolCalls.count - 1].arguments += arguments
            }
        }
    }
}

/// The deterministic wording of synthesized answers, in English or Chinese.
struct Phrases: Sendable {
    var chinese: Bool
    var hash: StableHash

    static let englishFillers = [
        "No recorded fixture matched this request, so the reply was generated deterministically.",
        "The same request will always receive exactly this answer.",
        "Record a real exchange to replace this placeholder with a genuine reply.",
        "This text is a stand-in and carries no model output.",
        "Token counts in this reply are estimates derived from the text length.",
        "Ask again with the same words and you will read the same sentences.",
    ]
    static let chineseFillers = [
        "没有录制的夹具与该请求匹配，因此这段回复是确定性生成的。",
        "同样的请求总会得到完全相同的回答。",
        "录制一次真实的交互，即可用真实回复替换这段占位内容。",
        "这段文字只是占位内容，并非模型的真实输出。",
        "本回复中的 token 数是根据文本长度估算的。",
        "用同样的话再问一次，你会看到同样的句子。",
    ]

    /// One or two filler sentences chosen by the hash.
    var fillers: String {
        let list = chinese ? Self.chineseFillers : Self.englishFillers
        let value = hash.derived("fillers").value
        let first = Int(value % UInt64(list.count))
        guard (value >> 32) & 1 == 1 else { return list[first] }
        let second = (first + 1 + Int((value >> 40) % UInt64(list.count - 1))) % list.count
        return list[first] + (chinese ? "" : " ") + list[second]
    }

    func answer(question: String) -> String {
        chinese
            ? "这是 MockScope 合成的回答，针对“\(question)”。" + fillers
            : "MockScope synthesized this answer to \"\(question)\". " + fillers
    }

    func answerFromTool(result: String, tool: String?) -> String {
        if chinese {
            let source = tool.map { "工具 \($0) " } ?? "工具"
            return "这是 MockScope 根据\(source)的返回结果合成的回答：“\(result)”。" + fillers
        }
        let source = tool.map { "the result of \($0)" } ?? "the tool result"
        return "MockScope synthesized this answer from \(source): \"\(result)\". " + fillers
    }

    func reasoning(question: String) -> String {
        let excerpt = TextMetrics.excerpt(question, limit: SynthesizedAnswer.reasoningEchoLength)
        return chinese
            ? "用户问的是“\(excerpt)”。没有匹配的录制内容，MockScope 会合成一个简短且确定的回答。"
            : "The user asks: \"\(excerpt)\". No recording covers this, so MockScope will synthesize a short, deterministic reply."
    }

    func reasoningBeforeCall(question: String, tool: String) -> String {
        let excerpt = TextMetrics.excerpt(question, limit: SynthesizedAnswer.reasoningEchoLength)
        return chinese
            ? "用户问的是“\(excerpt)”。可以调用工具 \(tool)，我会按照它的参数定义生成调用参数。"
            : "The user asks: \"\(excerpt)\". The \(tool) tool can help, so I will call it with arguments built from its schema."
    }

    func reasoningAfterTool(result: String) -> String {
        let excerpt = TextMetrics.excerpt(result, limit: SynthesizedAnswer.reasoningEchoLength)
        return chinese
            ? "工具返回了“\(excerpt)”。我来为用户总结一下这个结果。"
            : "The tool returned \"\(excerpt)\". I will summarize that result for the user."
    }
}
