/// The Responses API: a Response object's `output` items (reasoning, message, function calls),
/// whole or from a stream's `response.output_item.done` events (`ResponsesRenderer` renders;
/// a stopped answer is `incomplete` with `max_output_tokens`).
struct ResponsesAnswerFormat: AnswerFormat {
    func input(for request: JSONValue) -> SynthesisInput {
        let items = (try? ResponsesInputItems.read(request["input"], hash: ResponsesModule.itemHash(request)).get()) ?? []
        return SynthesisInput(surface: .compatible, body: ResponsesChatBody.make(request, items: items, honoursTextFormat: true))
    }

    func maxTokens(in request: JSONValue) -> Int? { request["max_output_tokens"]?.intValue }

    func read(whole body: JSONValue, input: SynthesisInput) -> SynthesizedAnswer? {
        guard body["object"]?.stringValue == "response", let output = body["output"]?.arrayValue else { return nil }
        return answer(items: output, response: body, input: input)
    }

    func read(events: [JSONValue], input: SynthesisInput) -> SynthesizedAnswer? {
        let terminal = events.last { ["response.completed", "response.incomplete"].contains($0["type"]?.stringValue ?? "") }
        guard let response = terminal?["response"] else { return nil }
        let done = events.filter { $0["type"]?.stringValue == "response.output_item.done" }.compactMap { $0["item"] }
        let items = done.isEmpty ? (response["output"]?.arrayValue ?? []) : done
        return answer(items: items, response: response, input: input)
    }

    private func answer(items: [JSONValue], response: JSONValue, input: SynthesisInput) -> SynthesizedAnswer {
        var builder = AnswerBuilder()
        for item in items {
            switch item["type"]?.stringValue {
            case "reasoning":
                let parts = item["summary"]?.arrayValue ?? item["content"]?.arrayValue ?? []
                builder.reasoning += parts.compactMap { $0["text"]?.stringValue }.joined()
            case "message":
                builder.content += (item["content"]?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined()
            case "function_call":
                builder.setCall(index: builder.calls.count, id: item["call_id"]?.stringValue ?? "",
                                name: item["name"]?.stringValue ?? "", arguments: item["arguments"]?.stringValue ?? "")
            default:
                break
            }
        }
        builder.stoppedByLength = response["status"]?.stringValue == "incomplete"
        builder.inputTokens = response.value(at: "usage.input_tokens")?.intValue ?? input.estimatedInputTokens
        return builder.answer
    }

    private func renderer(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String,
                          functionCallEvents: ResponsesSettings.FunctionCallEvents = ResponsesSettings().functionCallEvents) -> ResponsesRenderer {
        var renderer = ResponsesRenderer(input: input, answer: answer, requestID: requestID, tools: request["tools"]?.arrayValue ?? [],
                                         toolChoice: ResponsesChatBody.echoedToolChoice(request["tool_choice"]),
                                         parallelToolCalls: request["parallel_tool_calls"]?.boolValue ?? false,
                                         functionCallEvents: functionCallEvents)
        renderer.incomplete = answer.stoppedByLength
        return renderer
    }

    func body(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String) -> String {
        renderer(answer, input: input, request: request, requestID: requestID).body()
    }

    func events(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String, original: [JSONValue]) -> [String] {
        // The function-call events the original stream used (`--responses-function-call-events`).
        let openAIStyle = original.contains { $0["type"]?.stringValue?.hasPrefix("response.function_call_arguments.") == true }
        return renderer(answer, input: input, request: request, requestID: requestID,
                        functionCallEvents: openAIStyle ? .functionCallArguments : ResponsesSettings().functionCallEvents).events()
    }
}
