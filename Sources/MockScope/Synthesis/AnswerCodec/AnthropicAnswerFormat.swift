/// The Anthropic-compatible Messages API: `thinking`, `text` and `tool_use` blocks, whole or from
/// the stream's block events (`AnthropicRenderer` renders; a stopped answer's `stop_reason` is
/// `max_tokens`). A `tool_use` block's `input` object is read as arguments text with `": "` and
/// `", "` separators (keys sorted).
struct AnthropicAnswerFormat: AnswerFormat {
    func input(for request: JSONValue) -> SynthesisInput {
        SynthesisInput(surface: .compatible, body: AnthropicChatBody.chat(from: request, info: nil))
    }

    func maxTokens(in request: JSONValue) -> Int? { request["max_tokens"]?.intValue }

    func read(whole body: JSONValue, input: SynthesisInput) -> SynthesizedAnswer? {
        guard body["type"]?.stringValue == "message", let blocks = body["content"]?.arrayValue else { return nil }
        var builder = AnswerBuilder()
        for block in blocks {
            switch block["type"]?.stringValue {
            case "thinking": builder.reasoning += block["thinking"]?.stringValue ?? ""
            case "text": builder.content += block["text"]?.stringValue ?? ""
            case "tool_use":
                builder.setCall(index: builder.calls.count, id: block["id"]?.stringValue ?? "", name: block["name"]?.stringValue ?? "",
                                arguments: ArgumentsText.write(block["input"] ?? .object([:])))
            default: break
            }
        }
        builder.stoppedByLength = body["stop_reason"]?.stringValue == "max_tokens"
        builder.inputTokens = body.value(at: "usage.input_tokens")?.intValue ?? input.estimatedInputTokens
        return builder.answer
    }

    func read(events: [JSONValue], input: SynthesisInput) -> SynthesizedAnswer? {
        var builder = AnswerBuilder()
        builder.inputTokens = input.estimatedInputTokens
        var sawMessage = false
        /// Block index → tool-call index.
        var toolBlocks: [Int: Int] = [:]
        for event in events {
            let index = event["index"]?.intValue ?? 0
            switch event["type"]?.stringValue {
            case "message_start":
                sawMessage = true
                if let tokens = event.value(at: "message.usage.input_tokens")?.intValue { builder.inputTokens = tokens }
            case "content_block_start":
                guard let block = event["content_block"], block["type"]?.stringValue == "tool_use" else { continue }
                let call = toolBlocks.count
                toolBlocks[index] = call
                builder.addCall(index: call, id: block["id"]?.stringValue, name: block["name"]?.stringValue, arguments: "")
            case "content_block_delta":
                let delta = event["delta"]
                switch delta?["type"]?.stringValue {
                case "thinking_delta": builder.reasoning += delta?["thinking"]?.stringValue ?? ""
                case "text_delta": builder.content += delta?["text"]?.stringValue ?? ""
                case "input_json_delta":
                    if let call = toolBlocks[index] {
                        builder.addCall(index: call, id: nil, name: nil, arguments: delta?["partial_json"]?.stringValue ?? "")
                    }
                default: break
                }
            case "message_delta":
                if event.value(at: "delta.stop_reason")?.stringValue == "max_tokens" { builder.stoppedByLength = true }
            default:
                break
            }
        }
        return sawMessage ? builder.answer : nil
    }

    func body(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String) -> String {
        AnthropicRenderer(input: input, answer: answer, requestID: requestID, maxTokens: nil).body()
    }

    func events(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String, original: [JSONValue]) -> [String] {
        AnthropicRenderer(input: input, answer: answer, requestID: requestID, maxTokens: nil).events()
    }
}
