/// DashScope's native generation: `output.choices[0].message` or `output.text`, whole or per event
/// (each event everything so far, or only its piece with `incremental_output`; `NativeRenderer` renders).
struct NativeAnswerFormat: AnswerFormat {
    /// The multimodal endpoint (content as a list of parts, its own usage keys).
    var multimodal: Bool

    func input(for request: JSONValue) -> SynthesisInput { SynthesisInput(surface: .native(multimodal: multimodal), body: request) }

    func maxTokens(in request: JSONValue) -> Int? { request.value(at: "parameters.max_tokens")?.intValue }

    func read(whole body: JSONValue, input: SynthesisInput) -> SynthesizedAnswer? {
        var builder = AnswerBuilder()
        guard Self.take(body, into: &builder, incremental: false) else { return nil }
        builder.inputTokens = body.value(at: "usage.input_tokens")?.intValue ?? input.estimatedInputTokens
        return builder.answer
    }

    func read(events: [JSONValue], input: SynthesisInput) -> SynthesizedAnswer? {
        var builder = AnswerBuilder()
        var sawOutput = false
        builder.inputTokens = input.estimatedInputTokens
        for event in events {
            if let prompt = event.value(at: "usage.input_tokens")?.intValue { builder.inputTokens = prompt }
            if Self.take(event, into: &builder, incremental: input.incrementalRequested) { sawOutput = true }
        }
        return sawOutput ? builder.answer : nil
    }

    /// Adds one body's or event's output (replacing what came before unless `incremental`).
    private static func take(_ value: JSONValue, into builder: inout AnswerBuilder, incremental: Bool) -> Bool {
        guard let output = value["output"]?.objectValue else { return false }
        let finish: String?
        if let choice = output["choices"]?.arrayValue?.first {
            let message = choice["message"]
            let content = text(of: message?["content"])
            let reasoning = message?["reasoning_content"]?.stringValue ?? ""
            if incremental {
                builder.content += content
                builder.reasoning += reasoning
            } else {
                builder.content = content
                builder.reasoning = reasoning
            }
            for (position, call) in (message?["tool_calls"]?.arrayValue ?? []).enumerated() {
                let index = call["index"]?.intValue ?? position
                let id = call["id"]?.stringValue ?? ""
                let name = call.value(at: "function.name")?.stringValue ?? ""
                let arguments = call.value(at: "function.arguments")?.stringValue ?? ""
                if incremental {
                    builder.addCall(index: index, id: id, name: name, arguments: arguments)
                } else {
                    builder.setCall(index: index, id: id, name: name, arguments: arguments)
                }
            }
            finish = choice["finish_reason"]?.stringValue
        } else if let text = output["text"]?.stringValue {
            if incremental { builder.content += text } else { builder.content = text }
            finish = output["finish_reason"]?.stringValue
        } else {
            return false
        }
        if finish == "length" { builder.stoppedByLength = true }
        return true
    }

    /// A text content, or the joined `text` parts of a multimodal one.
    private static func text(of content: JSONValue?) -> String {
        if let text = content?.stringValue { return text }
        return (content?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined()
    }

    func body(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String) -> String {
        NativeRenderer(input: input, answer: answer, requestID: requestID).body()
    }

    func events(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String, original: [JSONValue]) -> [String] {
        NativeRenderer(input: input, answer: answer, requestID: requestID).events()
    }
}
