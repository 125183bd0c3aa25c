/// The Anthropic-compatible API's errors (docs/protocol-notes.md, anthropic §6–§7): bodies
/// `{"type":"error","error":{"type","message"}}`, and in a stream an `event: error` frame with
/// that body. Its streams are named events (`event: <type>` then `data: <json>`) with no done marker.
public struct AnthropicErrorDialect: ErrorDialect {
    public init() {}

    public func stated(_ spec: ErrorSpec, message: String?, model: String?) -> StatedError {
        stated(spec, in: AnthropicErrorTable.entries, message: message, model: model)
    }

    /// A status no entry names: the type its status maps to, the message `HTTP <status>`.
    public func generic(status: Int, message: String?) -> StatedError {
        let type = AnthropicErrorTable.type(forStatus: status)
        return StatedError(status: status, code: type, type: type, message: message ?? "HTTP \(status)")
    }

    public func body(_ error: StatedError, requestID: String) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("type", string: "error")
            o.field("error", object: { e in
                e.field("type", string: error.type)
                e.field("message", string: error.message)
            })
        }
        return writer.text
    }

    public var eventStreamContentType: String { StreamFraming.eventStreamContentType }

    /// Rejected before streaming: the one `event: error` frame.
    public func preStreamFrame(_ error: StatedError, requestID: String) -> String {
        midStreamFrame(error, number: 1, requestID: requestID)
    }

    public func midStreamFrame(_ error: StatedError, number: Int, requestID: String) -> String {
        StreamFraming.anthropic(event: "error", body(error, requestID: requestID))
    }

    /// A `ping`, the event Anthropic streams carry to keep a connection alive.
    public func minimalEvent(number: Int, requestID: String, payload: String?) -> String {
        StreamFraming.anthropic(event: "ping", payload ?? #"{"type":"ping"}"#)
    }
}
