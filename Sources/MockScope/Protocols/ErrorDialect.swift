import MockScopeHTTPTypes

/// An error as one dialect states it: the fields its bodies and frames carry.
public struct StatedError: Sendable, Equatable {
    public var status: Int
    public var code: String
    public var type: String
    public var message: String
}

/// What one protocol says for one catalog name: a row of its error table (data only).
struct ErrorWording: Sendable, Equatable {
    var status: Int
    /// Empty for an error answered with an empty body (compatible mode's `invalid_url`).
    var code: String
    /// nil: the protocol has no type apart from the code (native).
    var type: String? = nil
    /// May hold `{model}`, filled with the request's model when it is known, and `{detail}`,
    /// filled with the message a refusal gives (the rest of the wording stays: a protocol's prefix).
    var message: String
    /// Where the wording comes from (docs/protocol-notes.md), or why it is a guess.
    var source: String
    /// The wording in the middle of a stream, where it differs.
    var midStreamMessage: String? = nil
}

extension StatedError {
    /// `row` stated; `message` fills the wording's `{detail}`, or replaces a wording without one;
    /// `{model}` in the wording becomes `model` when it is known.
    init(_ row: ErrorWording, message: String?, model: String?) {
        var wording = message ?? row.message
        let hasDetail = ASCIIText.containsBytes(row.message, "{detail}")
        if let message, hasDetail { wording = ASCIIText.replacing("{detail}", with: message, in: row.message) }
        if message == nil || hasDetail, let model { wording = ASCIIText.replacing("{model}", with: model, in: wording) }
        // No detail given (a fault naming the error): the error page's own placeholder.
        if message == nil { wording = ASCIIText.replacing("{detail}", with: "xxx", in: wording) }
        self.init(status: row.status, code: row.code, type: row.type ?? row.code, message: wording)
    }

    /// A status no catalog entry names: `code` as code and type, the message `HTTP <status>`.
    static func generic(status: Int, code: String, message: String?) -> StatedError {
        StatedError(status: status, code: code, type: code, message: message ?? "HTTP \(status)")
    }
}

/// How one protocol states and frames its errors: the words for each `ErrorCatalog` name, the
/// whole error body, the error frames before and in a stream, and the few stream events faults
/// need to copy or break. A protocol module names its dialect (`ProtocolModule.errorDialect`);
/// faults and the pipeline frame every error through it, so a protocol with error shapes of its
/// own brings a dialect and changes nothing else.
public protocol ErrorDialect: Sendable {
    /// `spec` in this dialect's words; `message` replaces the wording, and `{model}` in the wording
    /// becomes `model` when it is known.
    func stated(_ spec: ErrorSpec, message: String?, model: String?) -> StatedError
    /// `spec` as sent in the middle of a stream (default: as `stated`).
    func statedMidStream(_ spec: ErrorSpec, message: String?, model: String?) -> StatedError
    /// The error for a status no catalog entry names (`http_error status=418`).
    func generic(status: Int, message: String?) -> StatedError

    /// Whether `error` is answered with an empty body and only a request id (default: never).
    func answersEmpty(_ error: StatedError) -> Bool
    /// The whole answer for `error`; `stream`: the request asked for a stream. Default: `answer`
    /// (its status and body, the same either way). A protocol that reports an error inside an
    /// ordinary answer (the Responses API's rate limit: HTTP 200, a failed Response) says so here.
    func answer(_ error: StatedError, requestID: String, stream: Bool) -> ResponsePlan
    /// The whole error body, as a non-stream answer sends it.
    func body(_ error: StatedError, requestID: String) -> String
    /// The content type of the whole error body (default `application/json`).
    var bodyContentType: String { get }

    /// The content type of this protocol's event streams, and of a stream rejected before streaming.
    var eventStreamContentType: String { get }
    /// The whole body of a stream request rejected before streaming.
    func preStreamFrame(_ error: StatedError, requestID: String) -> String
    /// The event that carries `error` when a stream fails; it is the stream's event number `number`.
    func midStreamFrame(_ error: StatedError, number: Int, requestID: String) -> String
    /// Whether a stream that fails sends no done marker (compatible mode: no `[DONE]` after an error).
    var errorReplacesDone: Bool { get }
    /// Whether `event` is a done marker (default: `data: [DONE]`, spaces around it aside).
    func isDone(_ event: [UInt8]) -> Bool
    /// A small well-formed event, the stream's number `number`, with `payload` as its data when
    /// given (else a minimal JSON one).
    func minimalEvent(number: Int, requestID: String, payload: String?) -> String
    /// `event`, copied from elsewhere in the stream, as its event number `number` (default: unchanged).
    func renumbered(_ event: String, as number: Int) -> String
    /// `event` with `payload` (not JSON) as its data. Default: the event's framing kept and its
    /// `data:` payload replaced; an event without a `data:` line becomes a minimal one.
    func replacingPayload(of event: String, with payload: String) -> String
}

extension ErrorDialect {
    /// `spec` as `table` words it (the dialect's generic 500 for a name the table lacks).
    func stated(_ spec: ErrorSpec, in table: [String: ErrorWording], message: String?, model: String?) -> StatedError {
        guard let row = table[spec.name] else { return generic(status: 500, message: message) }
        return StatedError(row, message: message, model: model)
    }

    public func statedMidStream(_ spec: ErrorSpec, message: String?, model: String?) -> StatedError {
        stated(spec, message: message, model: model)
    }

    public func answersEmpty(_ error: StatedError) -> Bool { false }

    public var bodyContentType: String { "application/json" }

    public func answer(_ error: StatedError, requestID: String, stream: Bool) -> ResponsePlan {
        answer(error, requestID: requestID)
    }

    public var errorReplacesDone: Bool { false }

    public func isDone(_ event: [UInt8]) -> Bool { EventText.isDone(event) }

    public func renumbered(_ event: String, as number: Int) -> String { event }

    public func replacingPayload(of event: String, with payload: String) -> String {
        guard EventText.dataLine(of: event) != nil else { return minimalEvent(number: 1, requestID: "", payload: payload) }
        return EventText.replacingData(of: event) { _ in payload }
    }

    /// The whole error answer for `error`: its status, the gateway's headers and the body (an
    /// empty body with only the request id where the dialect answers so).
    public func answer(_ error: StatedError, requestID: String) -> ResponsePlan {
        if answersEmpty(error) {
            return ResponsePlan(status: error.status, headers: HeaderFields([("x-request-id", requestID)]), body: .whole([]))
        }
        return ResponsePlan(status: error.status, headers: ProtocolResponses.headers(contentType: bodyContentType, requestID: requestID),
                            body: .whole(Array(body(error, requestID: requestID).utf8)))
    }

    /// The error answer for `spec`, with `message` in place of the wording when given (the
    /// pipeline's own refusals, a rate limit's 429); `stream`: the request asked for a stream.
    public func errorPlan(_ spec: ErrorSpec, requestID: String, message: String? = nil, stream: Bool = false) -> ResponsePlan {
        answer(stated(spec, message: message, model: nil), requestID: requestID, stream: stream)
    }

    /// A stream request rejected before streaming: `error`'s status and its one frame at once.
    public func preStreamAnswer(_ error: StatedError, requestID: String) -> ResponsePlan {
        ResponsePlan(status: error.status, headers: ProtocolResponses.headers(contentType: eventStreamContentType, requestID: requestID),
                     body: .events([PlannedEvent(atMs: 0, text: preStreamFrame(error, requestID: requestID))]))
    }
}
