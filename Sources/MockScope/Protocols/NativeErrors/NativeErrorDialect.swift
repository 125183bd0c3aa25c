/// DashScope's native errors (dashscope-native.md §8): bodies `{"code","message","request_id"}`,
/// and in streams an `event:error` frame with the status in its comment line.
public struct NativeErrorDialect: ErrorDialect {
    public init() {}

    /// Native errors have no type apart from their code.
    public func stated(_ spec: ErrorSpec, message: String?, model: String?) -> StatedError {
        stated(spec, in: NativeErrorTable.entries, message: message, model: model)
    }

    public func generic(status: Int, message: String?) -> StatedError {
        .generic(status: status, code: NativeErrorTable.genericCode, message: message)
    }

    public func body(_ error: StatedError, requestID: String) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("code", string: error.code)
            o.field("message", string: error.message)
            o.field("request_id", string: requestID)
        }
        return writer.text
    }

    public var eventStreamContentType: String { "text/event-stream;charset=UTF-8" }

    /// Rejected before streaming: one `event:error` frame, id 1.
    public func preStreamFrame(_ error: StatedError, requestID: String) -> String {
        midStreamFrame(error, number: 1, requestID: requestID)
    }

    /// `id:<number>`, `event:error`, `:HTTP_STATUS/<status>`, `data:<body>` (no spaces after colons).
    public func midStreamFrame(_ error: StatedError, number: Int, requestID: String) -> String {
        "id:\(number)\nevent:error\n:HTTP_STATUS/\(error.status)\ndata:" + body(error, requestID: requestID) + "\n\n"
    }

    public func minimalEvent(number: Int, requestID: String, payload: String?) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("output", .object([:]))
            o.field("request_id", string: requestID)
        }
        return "id:\(number)\nevent:result\n:HTTP_STATUS/200\ndata:" + (payload ?? writer.text) + "\n\n"
    }

    /// Native events are numbered by their `id:` line.
    public func renumbered(_ event: String, as number: Int) -> String {
        EventText.replacingLine(in: event, prefix: "id:", with: "id:\(number)")
    }
}
