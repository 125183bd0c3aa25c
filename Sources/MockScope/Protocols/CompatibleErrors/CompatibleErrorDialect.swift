/// OpenAI-compatible mode's errors (openai-compatible.md §5): bodies
/// `{"error":{"message","type","param":null,"code"},"request_id"}`, `data:` lines in streams, no
/// `[DONE]` after a mid-stream error, and the real empty-bodied 404 for an invalid URL.
public struct CompatibleErrorDialect: ErrorDialect {
    public init() {}

    public func stated(_ spec: ErrorSpec, message: String?, model: String?) -> StatedError {
        stated(spec, in: CompatibleErrorTable.entries, message: message, model: model)
    }

    /// Mid-stream, an entry's own mid-stream wording (output inspection) when no message is given.
    public func statedMidStream(_ spec: ErrorSpec, message: String?, model: String?) -> StatedError {
        stated(spec, message: message ?? CompatibleErrorTable.entries[spec.name]?.midStreamMessage, model: model)
    }

    public func generic(status: Int, message: String?) -> StatedError {
        .generic(status: status, code: CompatibleErrorTable.genericCode, message: message)
    }

    /// An entry without a code (`invalid_url`) is the real service's empty-bodied answer.
    public func answersEmpty(_ error: StatedError) -> Bool { error.code.isEmpty }

    public func body(_ error: StatedError, requestID: String) -> String {
        var writer = JSONWriter()
        writer.object { o in
            Self.errorMember(error, into: &o)
            o.field("request_id", string: requestID)
        }
        return writer.text
    }

    public var eventStreamContentType: String { "text/event-stream" }

    /// Rejected before streaming: the whole body is one `data:` line with the error and the
    /// completion id, members in the captured order (code, param, message, type).
    public func preStreamFrame(_ error: StatedError, requestID: String) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("error", object: { e in
                e.field("code", string: error.code)
                e.field("param", string: nil)
                e.field("message", string: error.message)
                e.field("type", string: error.type)
            })
            o.field("id", string: "chatcmpl-" + requestID)
        }
        return "data: " + writer.text + "\n\n"
    }

    /// Failing mid-stream: an ordinary chunk holding only the error (message, type, param, code).
    public func midStreamFrame(_ error: StatedError, number: Int, requestID: String) -> String {
        var writer = JSONWriter()
        writer.object { o in Self.errorMember(error, into: &o) }
        return "data: " + writer.text + "\n\n"
    }

    public var errorReplacesDone: Bool { true }

    public func minimalEvent(number: Int, requestID: String, payload: String?) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("id", string: "chatcmpl-" + requestID)
            o.field("object", string: "chat.completion.chunk")
            o.field("choices", .array([]))
        }
        return "data: " + (payload ?? writer.text) + "\n\n"
    }

    /// A compatible event is its `data:` line: the whole event is replaced.
    public func replacingPayload(of event: String, with payload: String) -> String {
        minimalEvent(number: 1, requestID: "", payload: payload)
    }

    /// The error member, `"error":{"message","type","param":null,"code"}`, as the real service
    /// writes it in bodies and mid-stream.
    static func errorMember(_ error: StatedError, into o: inout JSONWriter.ObjectWriter) {
        o.field("error", object: { e in
            e.field("message", string: error.message)
            e.field("type", string: error.type)
            e.field("param", string: nil)
            e.field("code", string: error.code)
        })
    }
}
