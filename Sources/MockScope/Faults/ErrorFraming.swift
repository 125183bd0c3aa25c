/// An error as one protocol states it: the fields its bodies and frames carry.
struct StatedError: Sendable, Equatable {
    var status: Int
    var code: String
    var type: String
    var message: String

    /// `spec` in `api`'s words; `message` replaces the catalog's wording, and `{model}` in the
    /// catalog's wording becomes the request's model when it is known.
    init(_ spec: ErrorSpec, api: APIProtocol, message: String?, model: String?) {
        status = spec.status(for: api)
        switch api {
        case .native:
            code = spec.nativeCode
            type = spec.nativeCode
            self.message = message ?? spec.nativeMessage
        case .compatible:
            code = spec.compatibleCode
            type = spec.compatibleType
            self.message = message ?? spec.compatibleMessage
        }
        if message == nil, let model { self.message = self.message.replacing("{model}", with: model) }
    }
}

/// How each protocol frames an error in and before a stream (dashscope-native.md §8.3,
/// openai-compatible.md §5.3).
enum ErrorFraming {
    static let nativeEventStream = "text/event-stream;charset=UTF-8"
    static let compatibleEventStream = "text/event-stream"

    /// Native: `{"code","message","request_id"}`.
    static func nativeJSON(_ error: StatedError, requestID: String) -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("code", string: error.code)
            o.field("message", string: error.message)
            o.field("request_id", string: requestID)
        }
        return writer.text
    }

    /// Native `event:error` frame with the status in its comment line (no spaces after colons).
    static func nativeFrame(id: Int, _ error: StatedError, requestID: String) -> String {
        "id:\(id)\nevent:error\n:HTTP_STATUS/\(error.status)\ndata:" + nativeJSON(error, requestID: requestID) + "\n\n"
    }

    /// Compatible mode, rejected before streaming: the whole body is one `data:` line with the
    /// error and the completion id, members in the captured order (code, param, message, type).
    static func compatiblePreStreamFrame(_ error: StatedError, requestID: String) -> String {
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

    /// Compatible mode, failing mid-stream: an ordinary chunk holding only the error
    /// (message, type, param, code, as captured).
    static func compatibleMidStreamFrame(_ error: StatedError) -> String {
        var writer = JSONWriter()
        writer.object { o in ProtocolResponses.compatibleError(message: error.message, type: error.type, code: error.code, into: &o) }
        return "data: " + writer.text + "\n\n"
    }
}
