import MockScopeHTTPTypes

/// The Responses API's errors (docs/protocol-notes.md, responses §7): native-shaped bodies
/// `{"request_id","code","message"}`; a rate limit (any 429) answered as HTTP 200 with a
/// `status: "failed"` Response (a stream: `response.created` then `response.failed`); mid-stream,
/// an `error` event followed by `response.failed`, in DashScope's `id:`/`event:` framing.
public struct ResponsesErrorDialect: ErrorDialect {
    public init() {}

    public func stated(_ spec: ErrorSpec, message: String?, model: String?) -> StatedError {
        stated(spec, in: ResponsesErrorTable.entries, message: message, model: model)
    }

    public func generic(status: Int, message: String?) -> StatedError {
        .generic(status: status, code: NativeErrorTable.genericCode, message: message)
    }

    /// Keys in the documented order: request_id, code, message.
    public func body(_ error: StatedError, requestID: String) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("request_id", string: requestID)
            o.field("code", string: error.code)
            o.field("message", string: error.message)
        }
        return writer.text
    }

    public var eventStreamContentType: String { StreamFraming.eventStreamContentType }

    /// A rate limit is no HTTP error here: HTTP 200 and a failed Response (whole, or as the two
    /// lifecycle events of a stream). Every other error is the native-shaped body.
    public func answer(_ error: StatedError, requestID: String, stream: Bool) -> ResponsePlan {
        guard error.status == 429 else { return answer(error, requestID: requestID) }
        let createdAt = ResponsesClock.seconds()
        let failed = ResponsesFailure.response(code: error.code, message: error.message, requestID: requestID, createdAt: createdAt)
        guard stream else { return ChatSynthesis.wholePlan(failed, requestID: requestID) }
        let queued = ResponsesRenderer.lifecycleEvent("response.created",
                                                      response: ResponsesFailure.queued(requestID: requestID, createdAt: createdAt), sequence: 0)
        return ChatSynthesis.streamPlan([
            ResponsesEventFrame.frame(number: 1, type: "response.created", json: queued),
            ResponsesEventFrame.frame(number: 2, type: "response.failed", json: ResponsesFailure.failedEvent(failed, sequence: 1)),
        ], requestID: requestID)
    }

    /// Rejected before streaming: one `error` event with the error's status in its comment line.
    public func preStreamFrame(_ error: StatedError, requestID: String) -> String {
        ResponsesEventFrame.frame(number: 1, type: "error", json: errorEvent(error, sequence: 0), status: error.status)
    }

    /// Failing mid-stream: an `error` event, then `response.failed` with the error in the
    /// Response (its id is the stream's: `resp_<requestID>`).
    public func midStreamFrame(_ error: StatedError, number: Int, requestID: String) -> String {
        let failed = ResponsesFailure.response(code: error.code, message: error.message, requestID: requestID,
                                               createdAt: ResponsesClock.seconds())
        return ResponsesEventFrame.frame(number: number, type: "error", json: errorEvent(error, sequence: number - 1))
            + ResponsesEventFrame.frame(number: number + 1, type: "response.failed",
                                        json: ResponsesFailure.failedEvent(failed, sequence: number))
    }

    public func minimalEvent(number: Int, requestID: String, payload: String?) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("response") { r in
                r.field("id", string: ResponsesIDs.response(requestID))
                r.field("object", string: "response")
                r.field("output", .array([]))
                r.field("status", string: "in_progress")
            }
            o.field("sequence_number", .number(Double(number - 1)))
            o.field("type", string: "response.in_progress")
        }
        return ResponsesEventFrame.frame(number: number, type: "response.in_progress", json: payload ?? writer.text)
    }

    /// Numbered twice: the `id:` line and the data's `sequence_number` (one less).
    public func renumbered(_ event: String, as number: Int) -> String {
        let framed = EventText.replacingLine(in: event, prefix: "id:", with: "id:\(number)")
        return EventText.replacingData(of: framed) { ResponsesEventFrame.renumbering($0, sequence: number - 1) }
    }

    /// `{"code","message","param":null,"sequence_number","type":"error"}` (OpenAI's `error` event; the
    /// openai SDK yields it as `ResponseErrorEvent`).
    private func errorEvent(_ error: StatedError, sequence: Int) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("code", string: error.code)
            o.field("message", string: error.message)
            o.field("param", string: nil)
            o.field("sequence_number", .number(Double(sequence)))
            o.field("type", string: "error")
        }
        return writer.text
    }
}
