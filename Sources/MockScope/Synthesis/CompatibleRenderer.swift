/// Renders a synthesized answer in OpenAI-compatible shapes (`/compatible-mode/v1/chat/completions`),
/// with the key orders of the recorded fixtures (fixtures/compat).
struct CompatibleRenderer {
    var input: SynthesisInput
    var answer: SynthesizedAnswer
    var requestID: String

    var id: String { "chatcmpl-" + requestID }

    /// The `chat.completion` body.
    func body() -> String { String(decoding: bodyBytes(), as: UTF8.self) }

    /// The `chat.completion` body's bytes (what the plan sends).
    func bodyBytes() -> [UInt8] {
        var writer = JSONWriter()
        writer.object { o in
            o.field("choices", array: [{ w in
                w.object { choice in
                    choice.field("message") { m in
                        m.field("content", string: answer.content)
                        m.field("role", string: "assistant")
                        if answer.hasReasoning { m.field("reasoning_content", string: answer.reasoning) }
                        if !answer.toolCalls.isEmpty {
                            m.field("tool_calls", array: answer.toolCalls.enumerated().map { index, call in
                                { w in
                                    w.object { c in
                                        c.field("id", string: call.id)
                                        c.field("function") { f in
                                            f.field("arguments", string: call.arguments)
                                            f.field("name", string: call.name)
                                        }
                                        c.field("type", string: "function")
                                        c.field("index", integer: index)
                                    }
                                }
                            })
                        }
                    }
                    choice.field("finish_reason", string: answer.finishReason)
                    choice.field("index", integer: 0)
                    choice.rawField("logprobs", "null")
                }
            }])
            o.field("object", string: "chat.completion")
            o.field("usage") { u in usage(&u, outputTokens: answer.outputTokens, reasoningTokens: answer.reasoningTokens) }
            trailer(&o)
        }
        return writer.bytes
    }

    /// The `chat.completion.chunk` events, `[DONE]` last.
    func events() -> [String] { eventBytes().map { String(decoding: $0, as: UTF8.self) } }

    /// The events' bytes (what the plan sends): each event written once, by one writer.
    func eventBytes() -> [[UInt8]] {
        let thinking = answer.hasReasoning
        var choices: [[UInt8]] = []
        var steps = answer.steps[...]

        // The role chunk. Without reasoning, a tool call's opening fragment rides in it.
        if thinking {
            choices.append(choice { d in
                d.rawField("content", "null")
                d.field("role", string: "assistant")
                d.field("reasoning_content", string: "")
            })
        } else if case .toolCall(let index, _, let arguments)? = steps.first?.delta {
            steps = steps.dropFirst()
            choices.append(choice { d in
                d.rawField("content", "null")
                d.field("role", string: "assistant")
                d.rawField("tool_calls", bytes: toolFragment(index: index, opening: true, arguments: arguments))
            })
        } else {
            choices.append(choice { d in
                d.field("content", string: "")
                d.field("role", string: "assistant")
            })
        }

        for step in steps {
            switch step.delta {
            case .reasoning(let piece):
                var writer = JSONWriter()
                writer.object { c in
                    c.rawField("finish_reason", "null")
                    c.rawField("logprobs", "null")
                    c.field("delta") { d in
                        d.rawField("content", "null")
                        d.field("reasoning_content", string: piece)
                    }
                    c.field("index", integer: 0)
                }
                choices.append(writer.bytes)
            case .content(let piece):
                var writer = JSONWriter()
                writer.object { c in
                    c.field("delta") { d in
                        d.field("content", string: piece)
                        if thinking { d.rawField("reasoning_content", "null") }
                    }
                    c.rawField("finish_reason", "null")
                    c.field("index", integer: 0)
                    c.rawField("logprobs", "null")
                }
                choices.append(writer.bytes)
            case .toolCall(let index, let opening, let arguments):
                choices.append(choice { d in
                    if thinking {
                        d.rawField("content", "null")
                        d.rawField("reasoning_content", "null")
                    }
                    d.rawField("tool_calls", bytes: toolFragment(index: index, opening: opening, arguments: arguments))
                })
            }
        }

        var finish = JSONWriter()
        if answer.toolCalls.isEmpty {
            finish.object { c in
                c.field("finish_reason", string: answer.finishReason)
                c.field("delta") { d in
                    d.field("content", string: "")
                    if thinking { d.rawField("reasoning_content", "null") }
                }
                c.field("index", integer: 0)
                c.rawField("logprobs", "null")
            }
        } else {
            finish.object { c in
                c.field("delta") { d in d.field("content", string: "") }
                c.field("index", integer: 0)
                c.rawField("logprobs", "null")
                c.field("finish_reason", string: answer.finishReason)
            }
        }
        choices.append(finish.bytes)

        let trailer = trailerMembers
        var events = choices.map { chunkEvent(choice: $0, usage: nil, trailer: trailer) }
        if input.includeUsage {
            var usage = JSONWriter()
            usage.object { u in self.usage(&u, outputTokens: answer.outputTokens, reasoningTokens: answer.reasoningTokens) }
            events.append(chunkEvent(choice: nil, usage: usage.bytes, trailer: trailer))
        }
        events.append(Array(StreamFraming.compatibleDone.utf8))
        return events
    }

    // MARK: - Pieces

    /// A streamed choice in the order the role, tool-call and finishing chunks use.
    private func choice(_ delta: (inout JSONWriter.ObjectWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter()
        writer.object { c in
            c.field("delta", object: delta)
            c.field("index", integer: 0)
            c.rawField("logprobs", "null")
            c.rawField("finish_reason", "null")
        }
        return writer.bytes
    }

    /// `[{"index":i,"id":...,"type":"function","function":{...}}]`; later fragments have `id:""` and no name.
    private func toolFragment(index: Int, opening: Bool, arguments: String) -> [UInt8] {
        let call = answer.toolCalls[index]
        var writer = JSONWriter()
        writer.raw("[")
        writer.object { c in
            c.field("index", integer: index)
            c.field("id", string: opening ? call.id : "")
            c.field("type", string: "function")
            c.field("function") { f in
                if opening { f.field("name", string: call.name) }
                f.field("arguments", string: arguments)
            }
        }
        writer.raw("]")
        return writer.bytes
    }

    /// A chunk's whole event, `data: ` to the blank line: `choice` (nil: none) and `usage` (nil:
    /// null) between the members every chunk has; `trailer`: `trailerMembers`.
    private func chunkEvent(choice: [UInt8]?, usage: [UInt8]?, trailer: [UInt8]) -> [UInt8] {
        var event: [UInt8] = []
        event.reserveCapacity((choice?.count ?? 0) + (usage?.count ?? 4) + trailer.count + 72)  // one allocation
        event.append(contentsOf: #"data: {"choices":["#.utf8)
        if let choice { event.append(contentsOf: choice) }
        event.append(contentsOf: #"],"object":"chat.completion.chunk","usage":"#.utf8)
        if let usage { event.append(contentsOf: usage) } else { event.append(contentsOf: "null".utf8) }
        event.append(contentsOf: trailer)
        event.append(contentsOf: "}\n\n".utf8)
        return event
    }

    /// `created`, `system_fingerprint`, `model`, `id`: the tail of every body and chunk.
    private func trailer(_ o: inout JSONWriter.ObjectWriter) {
        o.field("created", integer: input.created)
        o.rawField("system_fingerprint", "null")
        o.field("model", string: input.model)
        o.field("id", string: id)
    }

    /// The trailer's members as text, `,` first: written once for all the chunks of a stream.
    private var trailerMembers: [UInt8] {
        var members = JSONWriter.ObjectWriter(writer: JSONWriter(), count: 1)  // as after the chunk's own members
        trailer(&members)
        return members.writer.bytes
    }

    private func usage(_ u: inout JSONWriter.ObjectWriter, outputTokens: Int, reasoningTokens: Int) {
        u.field("prompt_tokens", integer: answer.inputTokens)
        u.field("completion_tokens", integer: outputTokens)
        u.field("total_tokens", integer: answer.inputTokens + outputTokens)
        if answer.hasReasoning {
            u.field("completion_tokens_details") { d in d.field("reasoning_tokens", integer: reasoningTokens) }
        }
    }
}
