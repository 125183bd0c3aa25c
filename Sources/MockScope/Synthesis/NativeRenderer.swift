/// Renders a synthesized answer in DashScope's native shapes (text and multimodal generation),
/// with the key orders of the recorded fixtures (fixtures/native).
struct NativeRenderer {
    var input: SynthesisInput
    var answer: SynthesizedAnswer
    var requestID: String

    var multimodal: Bool { input.isMultimodal }

    /// `output.choices[0].message` rather than `output.text`: asked for, or forced as the real
    /// service does (multimodal answers, offered tools, reasoning).
    var messageFormat: Bool {
        multimodal || input.messageFormatRequested || !input.tools.isEmpty || answer.hasReasoning
    }

    /// Each event carries only its new piece (else everything so far). Thinking calls must ask
    /// for it (validation refuses them otherwise, as the real service does).
    var incremental: Bool { input.incrementalRequested }

    /// The non-stream body.
    func body() -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("output") { output in
                if messageFormat {
                    output.field("choices", array: [{ w in
                        w.object { choice in
                            choice.field("finish_reason", string: answer.finishReason)
                            choice.field("message") { m in
                                m.field("role", string: "assistant")
                                m.rawField("content", content(answer.content))
                                if answer.hasReasoning { m.field("reasoning_content", string: answer.reasoning) }
                                if !answer.toolCalls.isEmpty {
                                    m.field("tool_calls", array: answer.toolCalls.enumerated().map { index, call in
                                        { w in
                                            w.object { c in
                                                c.field("type", string: "function")
                                                c.field("id", string: call.id)
                                                c.field("index", .number(Double(index)))
                                                c.field("function") { f in
                                                    f.field("name", string: call.name)
                                                    f.field("arguments", string: call.arguments)
                                                }
                                            }
                                        }
                                    })
                                }
                            }
                        }
                    }])
                } else {
                    output.field("finish_reason", string: answer.finishReason)
                    output.field("text", string: answer.content)
                }
            }
            o.field("usage") { u in
                if multimodal {
                    u.field("output_tokens", .number(Double(answer.outputTokens)))
                    u.field("input_tokens", .number(Double(answer.inputTokens)))
                    if answer.imageTokens > 0 { u.field("image_tokens", .number(Double(answer.imageTokens))) }
                } else {
                    u.field("total_tokens", .number(Double(answer.totalTokens)))
                    u.field("output_tokens", .number(Double(answer.outputTokens)))
                    u.field("input_tokens", .number(Double(answer.inputTokens)))
                }
                if answer.hasReasoning {
                    u.field("output_tokens_details") { d in d.field("reasoning_tokens", .number(Double(answer.reasoningTokens))) }
                }
            }
            o.field("request_id", string: requestID)
        }
        return writer.text
    }

    /// The SSE events, `id:1` first. The last one has `finish_reason` `"stop"` or `"tool_calls"`,
    /// every other the string `"null"`. Answers with reasoning or a tool call end with an event of
    /// their own (empty when incremental); plain text ends on its last piece.
    func events() -> [String] {
        let steps = answer.steps
        let separateFinal = answer.hasReasoning || !answer.toolCalls.isEmpty
        var progress = AnswerProgress()
        var payloads: [String] = []
        payloads.reserveCapacity(steps.count + 1)

        for (number, step) in steps.enumerated() {
            progress.apply(step.delta, calls: answer.toolCalls)
            let finish = number == steps.count - 1 && !separateFinal ? answer.finishReason : "null"
            let message: String
            if incremental {
                switch step.delta {
                case .reasoning(let piece): message = self.message(content: "", reasoning: piece, toolCalls: nil)
                case .content(let piece): message = self.message(content: piece, reasoning: "", toolCalls: nil)
                case .toolCall(let index, let opening, let arguments):
                    message = self.message(content: "", reasoning: "",
                                           toolCalls: toolCalls([fragment(index: index, opening: opening, arguments: arguments)]))
                }
            } else {
                message = self.message(progress)
            }
            payloads.append(event(message: message, text: incremental ? step.delta.text : progress.content, finish: finish,
                                  outputTokens: step.outputTokens, reasoningTokens: step.reasoningTokens))
        }
        if separateFinal || steps.isEmpty {
            let message = incremental ? self.message(content: "", reasoning: "", toolCalls: nil) : self.message(progress)
            payloads.append(event(message: message, text: incremental ? "" : progress.content, finish: answer.finishReason,
                                  outputTokens: answer.outputTokens, reasoningTokens: answer.reasoningTokens))
        }
        return payloads.enumerated().map { StreamFraming.native(id: $0.offset + 1, $0.element) }
    }

    // MARK: - Pieces

    /// A message-format event holds `message`; a text-format event holds `text`.
    private func event(message: String, text: String, finish: String, outputTokens: Int, reasoningTokens: Int) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("output") { output in
                if messageFormat {
                    var choice = JSONWriter()
                    choice.object { c in
                        c.rawField("message", message)
                        c.field("finish_reason", string: finish)
                    }
                    output.rawField("choices", "[" + choice.text + "]")
                } else {
                    output.field("finish_reason", string: finish)
                    output.field("text", string: text)
                }
            }
            o.field("usage") { u in
                if multimodal {
                    u.field("input_tokens", .number(Double(answer.inputTokens)))
                    u.field("output_tokens", .number(Double(outputTokens)))
                    if answer.imageTokens > 0 { u.field("image_tokens", .number(Double(answer.imageTokens))) }
                } else {
                    u.field("total_tokens", .number(Double(answer.inputTokens + outputTokens)))
                    u.field("input_tokens", .number(Double(answer.inputTokens)))
                    u.field("output_tokens", .number(Double(outputTokens)))
                }
                if answer.hasReasoning {
                    u.field("output_tokens_details") { d in d.field("reasoning_tokens", .number(Double(reasoningTokens))) }
                }
            }
            o.field("request_id", string: requestID)
        }
        return writer.text
    }

    /// A streamed message: `content`, `reasoning_content` (when the answer thinks), `tool_calls`, `role`.
    private func message(content text: String, reasoning: String, toolCalls: String?) -> String {
        var writer = JSONWriter()
        writer.object { m in
            m.rawField("content", content(text))
            if answer.hasReasoning { m.field("reasoning_content", string: reasoning) }
            if let toolCalls { m.rawField("tool_calls", toolCalls) }
            m.field("role", string: "assistant")
        }
        return writer.text
    }

    /// The cumulative message: everything so far.
    private func message(_ progress: AnswerProgress) -> String {
        let calls = progress.toolCalls.isEmpty ? nil : toolCalls(progress.toolCalls.enumerated().map { index, call in
            fragment(index: index, id: call.id, name: call.name, arguments: call.arguments)
        })
        return message(content: progress.content, reasoning: progress.reasoning, toolCalls: calls)
    }

    /// Text content, or for multimodal a list of `{"text":...}` parts (empty list for no text).
    private func content(_ text: String) -> String {
        var writer = JSONWriter()
        if multimodal {
            guard !text.isEmpty else { return "[]" }
            writer.raw("[")
            writer.object { p in p.field("text", string: text) }
            writer.raw("]")
        } else {
            writer.string(text)
        }
        return writer.text
    }

    private func toolCalls(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    /// An incremental fragment: the opening one has the id and name, later ones `id:""` and no name.
    private func fragment(index: Int, opening: Bool, arguments: String) -> String {
        let call = answer.toolCalls[index]
        return fragment(index: index, id: opening ? call.id : "", name: opening ? call.name : nil, arguments: arguments)
    }

    private func fragment(index: Int, id: String, name: String?, arguments: String) -> String {
        var writer = JSONWriter()
        writer.object { c in
            c.field("index", .number(Double(index)))
            c.field("id", string: id)
            c.field("type", string: "function")
            c.field("function") { f in
                if let name { f.field("name", string: name) }
                f.field("arguments", string: arguments)
            }
        }
        return writer.text
    }
}

extension SynthesizedAnswer.Delta {
    /// The answer text this delta adds ("" for reasoning and tool calls).
    var text: String {
        if case .content(let piece) = self { return piece }
        return ""
    }
}
