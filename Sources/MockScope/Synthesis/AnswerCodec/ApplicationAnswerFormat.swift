/// An application's completion (`/api/v1/apps/{id}/completion`): text only (`output.text`, each
/// event everything so far or only its piece with `incremental_output`; `ApplicationRenderer`
/// renders). It carries no tool calls and no reasoning: faults that would add calls leave its
/// answers alone, and reasoning is not rendered.
struct ApplicationAnswerFormat: AnswerFormat {
    /// The application id (the endpoint's detail).
    var id: String

    var carriesToolCalls: Bool { false }

    func input(for request: JSONValue) -> SynthesisInput { SynthesisInput(surface: .application(id: id), body: request) }

    func maxTokens(in request: JSONValue) -> Int? { request.value(at: "parameters.max_tokens")?.intValue }

    func read(whole body: JSONValue, input: SynthesisInput) -> SynthesizedAnswer? {
        guard let text = body.value(at: "output.text")?.stringValue else { return nil }
        var builder = AnswerBuilder()
        builder.content = text
        builder.stoppedByLength = body.value(at: "output.finish_reason")?.stringValue == "length"
        builder.inputTokens = Self.inputTokens(body) ?? input.estimatedInputTokens
        return builder.answer
    }

    func read(events: [JSONValue], input: SynthesisInput) -> SynthesizedAnswer? {
        var builder = AnswerBuilder()
        builder.inputTokens = input.estimatedInputTokens
        var sawOutput = false
        for event in events {
            guard let text = event.value(at: "output.text")?.stringValue else { continue }
            sawOutput = true
            if input.incrementalRequested { builder.content += text } else { builder.content = text }
            if event.value(at: "output.finish_reason")?.stringValue == "length" { builder.stoppedByLength = true }
            if let tokens = Self.inputTokens(event) { builder.inputTokens = tokens }
        }
        return sawOutput ? builder.answer : nil
    }

    /// `usage.models[0].input_tokens` (apps report usage per model).
    private static func inputTokens(_ value: JSONValue) -> Int? {
        value["usage"]?["models"]?.arrayValue?.first?["input_tokens"]?.intValue
    }

    func body(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String) -> String {
        ApplicationRenderer(input: input, answer: answer, requestID: requestID).body()
    }

    func events(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String, original: [JSONValue]) -> [String] {
        ApplicationRenderer(input: input, answer: answer, requestID: requestID).events()
    }
}
