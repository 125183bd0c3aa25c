/// Renders a synthesized answer in OpenAI-compatible shapes (`/compatible-mode/v1/chat/completions`),
/// with the key orders of the recorded fixtures (fixtures/compat).
struct CompatibleRenderer {
    var input: SynthesisInput
    var answer: SynthesizedAnswer
    var requestID: String

    var id: String { "chatcmpl-" + requestID }

    /// The `chat.completion` body.
    func body() -> String {
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
                                        c.field("index", .number(Double(index)))
                                    }
                                }
                            })
                        }
                    }
                    choice.field("finish_reason", string: answer.finishReason)
                    choice.field("index", .number(0))
                    choice.rawField("logprobs", "null")
                }
            }])
            o.field("object", string: "chat.completion")
            o.rawField("usage", usage(outputTokens: answer.outputTokens, reasoningTokens: answer.reasoningTokens))
            trailer(&o)
        }
        return writer.text
    }

    /// The `chat.completion.chunk` events, `[DONE]` last.
    func events() -> [String] {
        let thinking = answer.hasReasoning
        var choices: [String] = []
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
                d.rawField("tool_calls", toolFragment(index: index, opening: true, arguments: arguments))
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
                    c.field("index", .number(0))
                }
                choices.append(writer.text)
            case .content(let piece):
                var writer = JSONWriter()
                writer.object { c in
                    c.field("delta") { d in
                        d.field("content", string: piece)
                        if thinking { d.rawField("reasoning_content", "null") }
                    }
                    c.rawField("finish_reason", "null")
                    c.field("index", .number(0))
                    c.rawField("logprobs", "null")
                }
                choices.append(writer.text)
            case .toolCall(let index, let opening, let arguments):
                choices.append(choice { d in
                    if thinking {
                        d.rawField("content", "null")
                        d.rawField("reasoning_content", "null")
                    }
                    d.rawField("tool_calls", toolFragment(index: index, opening: opening, arguments: arguments))
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
                c.field("index", .number(0))
                c.rawField("logprobs", "null")
            }
        } else {
            finish.object { c in
                c.field("delta") { d in d.field("content", string: "") }
                c.field("index", .number(0))
                c.rawField("logprobs", "null")
                c.field("finish_reason", string: answer.finishReason)
            }
        }
        choices.append(finish.text)

        let trailer = trailerMembers
        var events = choices.map { StreamFraming.compatible(chunk(choices: "[\($0)]", usage: "null", trailer: trailer)) }
        if input.includeUsage {
            let usage = usage(outputTokens: answer.outputTokens, reasoningTokens: answer.reasoningTokens)
            events.append(StreamFraming.compatible(chunk(choices: "[]", usage: usage, trailer: trailer)))
        }
        events.append(StreamFraming.compatibleDone)
        return events
    }

    // MARK: - Pieces

    /// A streamed choice in the order the role, tool-call and finishing chunks use.
    private func choice(_ delta: (inout JSONWriter.ObjectWriter) -> Void) -> String {
        var writer = JSONWriter()
        writer.object { c in
            c.field("delta", object: delta)
            c.field("index", .number(0))
            c.rawField("logprobs", "null")
            c.rawField("finish_reason", "null")
        }
        return writer.text
    }

    /// `[{"index":i,"id":...,"type":"function","function":{...}}]`; later fragments have `id:""` and no name.
    private func toolFragment(index: Int, opening: Bool, arguments: String) -> String {
        let call = answer.toolCalls[index]
        var writer = JSONWriter()
        writer.raw("[")
        writer.object { c in
            c.field("index", .number(Double(index)))
            c.field("id", string: opening ? call.id : "")
            c.field("type", string: "function")
            c.field("function") { f in
                if opening { f.field("name", string: call.name) }
                f.field("arguments", string: arguments)
            }
        }
        writer.raw("]")
        return writer.text
    }

    /// A chunk; `trailer`: `trailerMembers`.
    private func chunk(choices: String, usage: String, trailer: String) -> String {
        var chunk = #"{"choices":"#
        chunk.reserveCapacity(choices.utf8.count + usage.utf8.count + trailer.utf8.count + 64)  // one allocation
        chunk += choices
        chunk += #","object":"chat.completion.chunk","usage":"#
        chunk += usage
        chunk += trailer
        chunk += "}"
        return chunk
    }

    /// `created`, `system_fingerprint`, `model`, `id`: the tail of every body and chunk.
    private func trailer(_ o: inout JSONWriter.ObjectWriter) {
        o.field("created", .number(Double(input.created)))
        o.rawField("system_fingerprint", "null")
        o.field("model", string: input.model)
        o.field("id", string: id)
    }

    /// The trailer's members as text, `,` first: written once for all the chunks of a stream.
    private var trailerMembers: String {
        var members = JSONWriter.ObjectWriter(writer: JSONWriter(), count: 1)  // as after the chunk's own members
        trailer(&members)
        return members.writer.text
    }

    private func usage(outputTokens: Int, reasoningTokens: Int) -> String {
        var writer = JSONWriter()
        writer.object { u in
            u.field("prompt_tokens", .number(Double(answer.inputTokens)))
            u.field("completion_tokens", .number(Double(outputTokens)))
            u.field("total_tokens", .number(Double(answer.inputTokens + outputTokens)))
            if answer.hasReasoning {
                u.field("completion_tokens_details") { d in d.field("reasoning_tokens", .number(Double(reasoningTokens))) }
            }
        }
        return writer.text
    }
}
