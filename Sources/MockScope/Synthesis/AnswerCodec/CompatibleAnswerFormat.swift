/// OpenAI-compatible chat completions: `choices[0].message` whole, `choices[0].delta` streamed
/// (`CompatibleRenderer` renders).
struct CompatibleAnswerFormat: AnswerFormat {
    func input(for request: JSONValue) -> SynthesisInput { SynthesisInput(surface: .compatible, body: request) }

    func maxTokens(in request: JSONValue) -> Int? {
        (request["max_tokens"] ?? request["max_completion_tokens"])?.intValue
    }

    func read(whole body: JSONValue, input: SynthesisInput) -> SynthesizedAnswer? {
        guard let choice = body["choices"]?.arrayValue?.first, let message = choice["message"]?.objectValue else { return nil }
        var builder = AnswerBuilder()
        builder.content = message["content"]?.stringValue ?? ""
        builder.reasoning = message["reasoning_content"]?.stringValue ?? ""
        for (position, call) in (message["tool_calls"]?.arrayValue ?? []).enumerated() {
            builder.setCall(index: call["index"]?.intValue ?? position, id: call["id"]?.stringValue ?? "",
                            name: call.value(at: "function.name")?.stringValue ?? "",
                            arguments: call.value(at: "function.arguments")?.stringValue ?? "")
        }
        builder.stoppedByLength = choice["finish_reason"]?.stringValue == "length"
        builder.inputTokens = body.value(at: "usage.prompt_tokens")?.intValue ?? input.estimatedInputTokens
        return builder.answer
    }

    func read(events: [JSONValue], input: SynthesisInput) -> SynthesizedAnswer? {
        var builder = AnswerBuilder()
        var sawChoice = false
        builder.inputTokens = input.estimatedInputTokens
        for event in events {
            if let prompt = event.value(at: "usage.prompt_tokens")?.intValue { builder.inputTokens = prompt }
            guard let choice = event["choices"]?.arrayValue?.first else { continue }
            sawChoice = true
            let delta = choice["delta"]
            builder.reasoning += delta?["reasoning_content"]?.stringValue ?? ""
            builder.content += delta?["content"]?.stringValue ?? ""
            for call in delta?["tool_calls"]?.arrayValue ?? [] {
                builder.addCall(index: call["index"]?.intValue ?? 0, id: call["id"]?.stringValue,
                                name: call.value(at: "function.name")?.stringValue,
                                arguments: call.value(at: "function.arguments")?.stringValue ?? "")
            }
            if choice["finish_reason"]?.stringValue == "length" { builder.stoppedByLength = true }
        }
        return sawChoice ? builder.answer : nil
    }

    func body(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String) -> String {
        CompatibleRenderer(input: input, answer: answer, requestID: requestID).body()
    }

    func events(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String, original: [JSONValue]) -> [String] {
        CompatibleRenderer(input: input, answer: answer, requestID: requestID).events()
    }
}
