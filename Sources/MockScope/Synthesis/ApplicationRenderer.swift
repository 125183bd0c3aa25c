/// Renders a synthesized answer as an application (`/api/v1/apps/{id}/completion`) answer, with
/// the key orders of fixtures/apps.
struct ApplicationRenderer {
    var input: SynthesisInput
    var answer: SynthesizedAnswer
    var requestID: String

    /// The model reported in `usage.models` (`parameters.model`, else qwen-plus).
    var modelID: String { input.model }

    /// The request's `input.session_id`, else 32 hex digits from the request.
    var sessionID: String { input.sessionID ?? input.hash.derived("session").hex(32) }

    func body() -> String {
        payload(text: answer.content, finish: answer.finishReason, final: true)
    }

    /// One event per piece (`incremental_output: true`) or the text so far on each (otherwise);
    /// `usage` is `{}` until the last event.
    func events() -> [String] {
        let pieces = TextMetrics.pieces(answer.content)
        var soFar = ""
        var events: [String] = []
        events.reserveCapacity(pieces.count)
        for (number, piece) in pieces.enumerated() {
            soFar += piece
            let last = number == pieces.count - 1
            let json = payload(text: input.incrementalRequested ? piece : soFar,
                               finish: last ? answer.finishReason : "null", final: last)
            events.append(StreamFraming.native(id: number + 1, json))
        }
        return events
    }

    private func payload(text: String, finish: String, final: Bool) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("output") { output in
                output.field("text", string: text)
                output.field("finish_reason", string: finish)
                output.field("session_id", string: sessionID)
            }
            o.field("usage") { u in
                guard final else { return }
                u.field("models", array: [{ w in
                    w.object { m in
                        m.field("model_id", string: modelID)
                        m.field("input_tokens", .number(Double(answer.inputTokens)))
                        m.field("output_tokens", .number(Double(answer.outputTokens)))
                    }
                }])
            }
            o.field("request_id", string: requestID)
        }
        return writer.text
    }
}
