/// Renders a synthesized answer as the Responses API's Response object and its stream events
/// (`/compatible-mode/v1/responses`; docs/protocol-notes.md, responses §4–§5), in DashScope's key
/// orders and framing. Output items in order: reasoning (thinking models), the message, function calls.
struct ResponsesRenderer {
    var input: SynthesisInput
    var answer: SynthesizedAnswer
    var requestID: String
    /// The request's `tools` (echoed as given), `tool_choice` echo and `parallel_tool_calls`.
    var tools: [JSONValue]
    var toolChoice: String
    var parallelToolCalls: Bool
    var functionCallEvents: ResponsesSettings.FunctionCallEvents
    /// Stopped by `max_output_tokens`: status `incomplete` and `response.incomplete` last (responses §3).
    var incomplete = false

    private var status: String { incomplete ? "incomplete" : "completed" }
    private var terminalEvent: String { incomplete ? "response.incomplete" : "response.completed" }

    var responseID: String { ResponsesIDs.response(requestID) }
    var createdAt: Int { input.created }

    /// One output item: what it is and its id.
    enum Item {
        case reasoning(id: String)
        case message(id: String)
        case functionCall(id: String, call: Int)
    }

    var items: [Item] {
        var items: [Item] = []
        if answer.hasReasoning { items.append(.reasoning(id: itemID("reasoning"))) }
        if answer.toolCalls.isEmpty { items.append(.message(id: itemID("message"))) }
        for index in answer.toolCalls.indices { items.append(.functionCall(id: itemID("call-\(index)"), call: index)) }
        return items
    }

    private func itemID(_ salt: String) -> String { ResponsesIDs.item(input.hash.derived("responses-" + salt)) }

    /// The finished output items, as JSON texts.
    func outputItems(logprobs: Bool = false) -> [String] {
        items.map { item in
            switch item {
            case .reasoning(let id): return reasoningItem(id: id, text: answer.reasoning)
            case .message(let id): return messageItem(id: id, text: answer.content, status: status, logprobs: logprobs)
            case .functionCall(let id, let call):
                return functionCallItem(id: id, call: answer.toolCalls[call], arguments: answer.toolCalls[call].arguments, status: "completed")
            }
        }
    }

    /// The completed Response object (keys in the order of DashScope's example).
    func body() -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("created_at", .number(Double(createdAt)))
            o.field("id", string: responseID)
            if incomplete { o.field("incomplete_details") { d in d.field("reason", string: "max_output_tokens") } }
            o.field("model", string: input.model)
            o.field("object", string: "response")
            o.rawField("output", "[" + outputItems().joined(separator: ",") + "]")
            o.field("parallel_tool_calls", .bool(parallelToolCalls))
            o.field("status", string: status)
            o.field("tool_choice", string: toolChoice)
            o.rawField("tools", "[" + tools.map(CanonicalJSON.string).joined(separator: ",") + "]")
            o.rawField("usage", usage())
        }
        return writer.text
    }

    /// The stream: `response.created`, `response.in_progress`, each item's events, `response.completed`
    /// (`response.incomplete` when stopped);
    /// DashScope's `id:`/`event:` framing, `sequence_number` from 0.
    func events() -> [String] {
        var frames: [String] = []
        func emit(_ type: String, _ json: (inout JSONWriter.ObjectWriter, Int) -> Void) {
            let sequence = frames.count
            var writer = JSONWriter()
            writer.object { o in json(&o, sequence) }
            frames.append(ResponsesEventFrame.frame(number: sequence + 1, type: type, json: writer.text))
        }
        func lifecycle(_ type: String, status: String) {
            let sequence = frames.count
            frames.append(ResponsesEventFrame.frame(number: sequence + 1, type: type,
                                                    json: Self.lifecycleEvent(type, response: startingResponse(status: status), sequence: sequence)))
        }
        lifecycle("response.created", status: "queued")
        lifecycle("response.in_progress", status: "in_progress")

        let steps = answer.steps
        for (outputIndex, item) in items.enumerated() {
            let index = Double(outputIndex)
            switch item {
            case .reasoning(let id):
                emit("response.output_item.added") { o, n in
                    o.field("sequence_number", .number(Double(n)))
                    o.rawField("item", #"{"summary":[],"type":"reasoning","id":"\#(id)"}"#)
                    o.field("output_index", .number(index))
                    o.field("type", string: "response.output_item.added")
                }
                for step in steps {
                    guard case .reasoning(let piece) = step.delta else { continue }
                    emit("response.reasoning_text.delta") { o, n in
                        o.field("delta", string: piece)
                        o.field("sequence_number", .number(Double(n)))
                        o.field("output_index", .number(index))
                        o.field("type", string: "response.reasoning_text.delta")
                        o.field("item_id", string: id)
                    }
                }
                emit("response.reasoning_text.done") { o, n in
                    o.field("sequence_number", .number(Double(n)))
                    o.field("text", string: answer.reasoning)
                    o.field("output_index", .number(index))
                    o.field("type", string: "response.reasoning_text.done")
                    o.field("item_id", string: id)
                }
                emit("response.output_item.done") { o, n in
                    o.field("sequence_number", .number(Double(n)))
                    o.rawField("item", reasoningItem(id: id, text: answer.reasoning))
                    o.field("output_index", .number(index))
                    o.field("type", string: "response.output_item.done")
                }
            case .message(let id):
                emit("response.output_item.added") { o, n in
                    o.rawField("item", messageItem(id: id, text: nil, status: "in_progress", logprobs: true))
                    o.field("output_index", .number(index))
                    o.field("sequence_number", .number(Double(n)))
                    o.field("type", string: "response.output_item.added")
                }
                emit("response.content_part.added") { o, n in
                    contentPartEvent(&o, id: id, index: index, text: "", sequence: n, type: "response.content_part.added")
                }
                for step in steps {
                    guard case .content(let piece) = step.delta else { continue }
                    emit("response.output_text.delta") { o, n in
                        o.field("content_index", .number(0))
                        o.field("delta", string: piece)
                        o.field("item_id", string: id)
                        o.rawField("logprobs", "[]")
                        o.field("output_index", .number(index))
                        o.field("sequence_number", .number(Double(n)))
                        o.field("type", string: "response.output_text.delta")
                    }
                }
                emit("response.output_text.done") { o, n in
                    o.field("content_index", .number(0))
                    o.field("item_id", string: id)
                    o.rawField("logprobs", "[]")
                    o.field("output_index", .number(index))
                    o.field("sequence_number", .number(Double(n)))
                    o.field("text", string: answer.content)
                    o.field("type", string: "response.output_text.done")
                }
                emit("response.content_part.done") { o, n in
                    contentPartEvent(&o, id: id, index: index, text: answer.content, sequence: n, type: "response.content_part.done")
                }
                emit("response.output_item.done") { o, n in
                    o.rawField("item", messageItem(id: id, text: answer.content, status: status, logprobs: true))
                    o.field("output_index", .number(index))
                    o.field("sequence_number", .number(Double(n)))
                    o.field("type", string: "response.output_item.done")
                }
            case .functionCall(let id, let callIndex):
                let call = answer.toolCalls[callIndex]
                let (deltaType, doneType, doneField) = functionCallEvents == .customToolCallInput
                    ? ("response.custom_tool_call_input.delta", "response.custom_tool_call_input.done", "input")
                    : ("response.function_call_arguments.delta", "response.function_call_arguments.done", "arguments")
                emit("response.output_item.added") { o, n in
                    o.rawField("item", functionCallItem(id: id, call: call, arguments: "", status: "in_progress"))
                    o.field("output_index", .number(index))
                    o.field("sequence_number", .number(Double(n)))
                    o.field("type", string: "response.output_item.added")
                }
                for step in steps {
                    guard case .toolCall(let stepIndex, _, let fragment) = step.delta, stepIndex == callIndex, !fragment.isEmpty else { continue }
                    emit(deltaType) { o, n in
                        o.field("delta", string: fragment)
                        o.field("item_id", string: id)
                        o.field("output_index", .number(index))
                        o.field("sequence_number", .number(Double(n)))
                        o.field("type", string: deltaType)
                    }
                }
                emit(doneType) { o, n in
                    o.field(doneField, string: call.arguments)
                    o.field("item_id", string: id)
                    o.field("output_index", .number(index))
                    o.field("sequence_number", .number(Double(n)))
                    o.field("type", string: doneType)
                }
                emit("response.output_item.done") { o, n in
                    o.rawField("item", functionCallItem(id: id, call: call, arguments: call.arguments, status: "completed"))
                    o.field("output_index", .number(index))
                    o.field("sequence_number", .number(Double(n)))
                    o.field("type", string: "response.output_item.done")
                }
            }
        }
        let sequence = frames.count
        frames.append(ResponsesEventFrame.frame(number: sequence + 1, type: terminalEvent,
                                                json: Self.lifecycleEvent(terminalEvent, response: body(), sequence: sequence)))
        return frames
    }

    /// A lifecycle event's data: `{"sequence_number","type","response"}` (the captured order).
    static func lifecycleEvent(_ type: String, response: String, sequence: Int) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("sequence_number", .number(Double(sequence)))
            o.field("type", string: type)
            o.rawField("response", response)
        }
        return writer.text
    }

    // MARK: - Pieces

    /// The Response as `response.created` / `response.in_progress` show it: no output yet, `model` empty (as captured).
    private func startingResponse(status: String) -> String {
        var writer = JSONWriter()
        writer.object { r in
            r.field("output", .array([]))
            r.field("parallel_tool_calls", .bool(parallelToolCalls))
            r.field("created_at", .number(Double(createdAt)))
            r.field("tool_choice", string: toolChoice)
            r.field("model", string: "")
            r.field("id", string: responseID)
            r.rawField("tools", "[" + tools.map(CanonicalJSON.string).joined(separator: ",") + "]")
            r.field("object", string: "response")
            r.field("status", string: status)
        }
        return writer.text
    }

    private func contentPartEvent(_ o: inout JSONWriter.ObjectWriter, id: String, index: Double, text: String, sequence: Int, type: String) {
        o.field("content_index", .number(0))
        o.field("item_id", string: id)
        o.field("output_index", .number(index))
        o.rawField("part", outputText(text, logprobs: true))
        o.field("sequence_number", .number(Double(sequence)))
        o.field("type", string: type)
    }

    private func outputText(_ text: String, logprobs: Bool) -> String {
        var writer = JSONWriter()
        writer.object { p in
            p.field("annotations", .array([]))
            p.field("text", string: text)
            p.field("type", string: "output_text")
            if logprobs { p.rawField("logprobs", "null") }
        }
        return writer.text
    }

    /// A message item; `text` nil: no content yet (as `output_item.added` shows it).
    private func messageItem(id: String, text: String?, status: String, logprobs: Bool) -> String {
        var writer = JSONWriter()
        writer.object { m in
            if text == nil { m.field("id", string: id) }
            m.rawField("content", text.map { "[" + outputText($0, logprobs: logprobs) + "]" } ?? "[]")
            if text != nil { m.field("id", string: id) }
            m.field("role", string: "assistant")
            m.field("status", string: status)
            m.field("type", string: "message")
        }
        return writer.text
    }

    /// A reasoning item: the text in `summary`, and no `status` (responses §4.3).
    private func reasoningItem(id: String, text: String) -> String {
        var writer = JSONWriter()
        writer.object { r in
            r.field("id", string: id)
            r.field("summary", array: [{ w in
                w.object { s in
                    s.field("type", string: "summary_text")
                    s.field("text", string: text)
                }
            }])
            r.field("type", string: "reasoning")
        }
        return writer.text
    }

    private func functionCallItem(id: String, call: SynthesizedToolCall, arguments: String, status: String) -> String {
        var writer = JSONWriter()
        writer.object { f in
            f.field("arguments", string: arguments)
            f.field("call_id", string: call.id)
            f.field("id", string: id)
            f.field("name", string: call.name)
            f.field("status", string: status)
            f.field("type", string: "function_call")
        }
        return writer.text
    }

    /// `usage` with its details and DashScope's `x_details` (billing type `response_api`).
    private func usage() -> String {
        let input = Double(answer.inputTokens), output = Double(answer.outputTokens), total = Double(answer.totalTokens)
        var writer = JSONWriter()
        writer.object { u in
            u.field("input_tokens", .number(input))
            u.field("input_tokens_details") { d in d.field("cached_tokens", .number(0)) }
            u.field("output_tokens", .number(output))
            u.field("output_tokens_details") { d in d.field("reasoning_tokens", .number(Double(answer.reasoningTokens))) }
            u.field("total_tokens", .number(total))
            u.field("x_details", array: [{ w in
                w.object { x in
                    x.field("input_tokens", .number(input))
                    x.field("output_tokens", .number(output))
                    x.field("total_tokens", .number(total))
                    x.field("x_billing_type", string: "response_api")
                }
            }])
        }
        return writer.text
    }
}
