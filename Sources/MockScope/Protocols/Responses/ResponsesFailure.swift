/// A Response object that failed: what DashScope answers, with HTTP 200, when it rate-limits a
/// Responses call ("rely on `status`, not the HTTP code"; docs/protocol-notes.md, responses §7),
/// and what a `response.failed` event carries. Keys in the documented order.
enum ResponsesFailure {
    /// The failed Response for `error` (its code and message), id `resp_<requestID>`; `model` is
    /// empty as in DashScope's example unless given.
    static func response(code: String, message: String, requestID: String, createdAt: Int, model: String = "") -> String {
        response(error: (code, message), requestID: requestID, createdAt: createdAt, model: model)
    }

    /// The same Response as `response.created` shows it before the failure: queued, no error.
    static func queued(requestID: String, createdAt: Int) -> String {
        response(error: nil, requestID: requestID, createdAt: createdAt, model: "")
    }

    private static func response(error: (code: String, message: String)?, requestID: String, createdAt: Int, model: String) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("created_at", .number(Double(createdAt)))
            if let error {
                o.field("error") { e in
                    e.field("code", string: error.code)
                    e.field("message", string: error.message)
                }
            }
            o.field("id", string: ResponsesIDs.response(requestID))
            o.field("model", string: model)
            o.field("object", string: "response")
            o.field("output", .array([]))
            o.field("parallel_tool_calls", .bool(false))
            o.field("status", string: error == nil ? "queued" : "failed")
            o.field("tool_choice", string: "auto")
            o.field("tools", .array([]))
        }
        return writer.text
    }

    /// The `response.failed` event data, sequence number `sequence`.
    static func failedEvent(_ response: String, sequence: Int) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.rawField("response", response)
            o.field("sequence_number", .number(Double(sequence)))
            o.field("type", string: "response.failed")
        }
        return writer.text
    }
}
