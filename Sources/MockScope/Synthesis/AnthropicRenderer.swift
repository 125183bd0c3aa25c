/// Renders a synthesized answer as the Anthropic-compatible Messages API sends it (docs/protocol-notes.md,
/// anthropic §5–§6): a `message` object with `thinking` (signature `""`), `text` and `tool_use`
/// blocks, or the named-event stream `message_start`, `content_block_start`, `ping`,
/// `content_block_delta` …, `content_block_stop`, `message_delta`, `message_stop`. `stop_reason`
/// is `tool_use`, `max_tokens` (the text cut to `max_tokens`) or `end_turn` (also on a stop
/// sequence, which is never echoed: `stop_sequence` is always null).
struct AnthropicRenderer {
    var input: SynthesisInput
    var requestID: String
    /// The answer's blocks in order.
    var blocks: [Block]
    var stopReason: String
    var inputTokens: Int

    /// One content block of the answer.
    enum Block: Sendable, Equatable {
        case thinking(String)
        case text(String)
        /// `arguments` is the input object's JSON text (whole as `input`, streamed as `input_json_delta` pieces).
        case toolUse(id: String, name: String, arguments: String)
    }

    init(input: SynthesisInput, answer: SynthesizedAnswer, requestID: String, maxTokens: Int?) {
        self.input = input
        self.requestID = requestID
        inputTokens = answer.inputTokens
        var blocks: [Block] = []
        if answer.hasReasoning { blocks.append(.thinking(answer.reasoning)) }
        var text = answer.content
        var stop = answer.stoppedByLength ? "max_tokens" : (answer.toolCalls.isEmpty ? "end_turn" : "tool_use")
        // `max_tokens` bounds the answer, not the thinking (anthropic §4): a longer text is cut.
        if let maxTokens, answer.toolCalls.isEmpty, TextMetrics.tokens(units: TextMetrics.tokenUnits(text)) > maxTokens {
            var cut = ""
            var units = 0
            for character in text {
                let cost = TextMetrics.tokenUnits(String(character))
                if units + cost > maxTokens * 12 { break }
                units += cost
                cut.append(character)
            }
            text = cut
            stop = "max_tokens"
        }
        // An answer stopped while thinking has no text block.
        if !text.isEmpty || (answer.toolCalls.isEmpty && !(answer.stoppedByLength && answer.hasReasoning)) { blocks.append(.text(text)) }
        for call in answer.toolCalls { blocks.append(.toolUse(id: call.id, name: call.name, arguments: call.arguments)) }
        self.blocks = blocks
        stopReason = stop
    }

    /// `msg_` and the request id (a UUID, as DashScope's `msg_<uuid>`).
    var id: String { "msg_" + requestID }

    /// The output tokens of the blocks, at the synthesizer's rate.
    var outputTokens: Int {
        var units = 0
        for block in blocks {
            switch block {
            case .thinking(let text), .text(let text): units += TextMetrics.tokenUnits(text)
            case .toolUse(_, let name, let arguments): units += TextMetrics.tokenUnits(name) + TextMetrics.tokenUnits(arguments)
            }
        }
        return TextMetrics.tokens(units: units)
    }

    /// The `message` body, keys in the doc example's order.
    func body() -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("id", string: id)
            o.field("type", string: "message")
            o.field("role", string: "assistant")
            o.field("model", string: input.model)
            o.field("content", array: blocks.map { block in { w in w.raw(Self.json(block, opening: false)) } })
            o.field("stop_reason", string: stopReason)
            o.rawField("stop_sequence", "null")
            o.rawField("usage", usage(final: true))
        }
        return writer.text
    }

    /// The stream's events, each `event: <type>` and `data: <json>`.
    func events() -> [String] {
        var events: [String] = []
        func emit(_ type: String, _ body: (inout JSONWriter.ObjectWriter) -> Void) {
            var writer = JSONWriter()
            writer.object { o in
                o.field("type", string: type)
                body(&o)
            }
            events.append(StreamFraming.anthropic(event: type, writer.text))
        }
        emit("message_start") { o in
            o.field("message") { m in
                m.field("id", string: id)
                m.field("type", string: "message")
                m.field("role", string: "assistant")
                m.field("model", string: input.model)
                m.rawField("content", "[]")
                m.rawField("stop_reason", "null")
                m.rawField("stop_sequence", "null")
                m.rawField("usage", usage(final: false))
            }
        }
        for (index, block) in blocks.enumerated() {
            emit("content_block_start") { o in
                o.field("index", .number(Double(index)))
                o.rawField("content_block", Self.json(block, opening: true))
            }
            if index == 0 { emit("ping") { _ in } }
            for delta in Self.deltas(of: block) {
                emit("content_block_delta") { o in
                    o.field("index", .number(Double(index)))
                    o.rawField("delta", delta)
                }
            }
            emit("content_block_stop") { o in o.field("index", .number(Double(index))) }
        }
        emit("message_delta") { o in
            o.field("delta") { d in
                d.field("stop_reason", string: stopReason)
                d.rawField("stop_sequence", "null")
            }
            o.rawField("usage", usage(final: true))
        }
        emit("message_stop") { _ in }
        return events
    }

    // MARK: - Pieces

    /// A block whole, or as `content_block_start` opens it (empty text, `input: {}`).
    private static func json(_ block: Block, opening: Bool) -> String {
        var w = JSONWriter()
        w.object { b in
            switch block {
            case .thinking(let text):
                b.field("type", string: "thinking")
                b.field("thinking", string: opening ? "" : text)
                b.field("signature", string: "")
            case .text(let text):
                b.field("type", string: "text")
                b.field("text", string: opening ? "" : text)
            case .toolUse(let id, let name, let arguments):
                b.field("type", string: "tool_use")
                b.field("id", string: id)
                b.field("name", string: name)
                if opening {
                    b.rawField("input", "{}")
                } else {
                    // Arguments that are not JSON (cut by a fault) cannot be an `input` object: `{}` [chosen].
                    b.rawField("input", (try? JSONValue.parse(arguments)) == nil ? "{}" : arguments)
                }
            }
        }
        return w.text
    }

    /// A block's deltas: text and thinking in pieces (thinking closed by its empty
    /// `signature_delta`), a tool's input as `input_json_delta` fragments.
    private static func deltas(of block: Block) -> [String] {
        func delta(_ type: String, _ key: String, _ value: String) -> String {
            var writer = JSONWriter()
            writer.object { d in
                d.field("type", string: type)
                d.field(key, string: value)
            }
            return writer.text
        }
        switch block {
        case .thinking(let text):
            return TextMetrics.pieces(text).map { delta("thinking_delta", "thinking", $0) } + [delta("signature_delta", "signature", "")]
        case .text(let text):
            return TextMetrics.pieces(text).map { delta("text_delta", "text", $0) }
        case .toolUse(_, _, let arguments):
            return TextMetrics.pieces(arguments).map { delta("input_json_delta", "partial_json", $0) }
        }
    }

    /// `message_start` carries only the two counts; the final usage all four (anthropic §6).
    private func usage(final: Bool) -> String {
        var writer = JSONWriter()
        writer.object { u in
            u.field("input_tokens", .number(Double(inputTokens)))
            u.field("output_tokens", .number(Double(final ? outputTokens : 0)))
            if final {
                u.field("cache_creation_input_tokens", .number(0))
                u.field("cache_read_input_tokens", .number(0))
            }
        }
        return writer.text
    }
}
