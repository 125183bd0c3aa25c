import Logging
@testable import MockScope
import MockScopeHTTPTypes
import Testing

// A protocol with error shapes of its own, added the way a new one would be: a module and its
// dialect, registered in a registry. Nothing in Faults/ or Pipeline/ knows of it.

/// Anthropic-shaped errors: `{"type":"error","error":{"type","message"}}`; in a stream, an
/// `event: error` with that body.
private struct ToyAnthropicDialect: ErrorDialect {
    /// Its own table: the catalog names it words differently; the rest get its generic error.
    static let table: [String: ErrorWording] = [
        ErrorCatalog.rateLimitRequests.name: ErrorWording(status: 429, code: "rate_limit_error", type: "rate_limit_error",
                                                          message: "Number of requests has exceeded your rate limit.", source: "toy"),
        ErrorCatalog.dataInspectionFailed.name: ErrorWording(status: 400, code: "invalid_request_error", type: "invalid_request_error",
                                                             message: "Output blocked by content filtering policy.", source: "toy"),
        ErrorCatalog.invalidApiKey.name: ErrorWording(status: 401, code: "authentication_error", type: "authentication_error",
                                                      message: "invalid x-api-key", source: "toy"),
    ]

    func stated(_ spec: ErrorSpec, message: String?, model: String?) -> StatedError {
        stated(spec, in: Self.table, message: message, model: model)
    }

    func generic(status: Int, message: String?) -> StatedError { .generic(status: status, code: "api_error", message: message) }

    func body(_ error: StatedError, requestID: String) -> String {
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

    var eventStreamContentType: String { "text/event-stream; charset=utf-8" }

    func preStreamFrame(_ error: StatedError, requestID: String) -> String {
        midStreamFrame(error, number: 1, requestID: requestID)
    }

    func midStreamFrame(_ error: StatedError, number: Int, requestID: String) -> String {
        "event: error\ndata: " + body(error, requestID: requestID) + "\n\n"
    }

    func minimalEvent(number: Int, requestID: String, payload: String?) -> String {
        "event: ping\ndata: " + (payload ?? #"{"type":"ping"}"#) + "\n\n"
    }
}

/// `/toy/v1/messages`: every valid request gets a four-event stream (when synthesizing).
private struct ToyMessagesModule: ProtocolModule {
    static let path = "/toy/v1/messages"
    static let events = [
        #"event: message_start"# + "\n" + #"data: {"type":"message_start"}"# + "\n\n",
        #"event: content_block_delta"# + "\n" + #"data: {"type":"content_block_delta","delta":{"text":"Hi"}}"# + "\n\n",
        #"event: content_block_delta"# + "\n" + #"data: {"type":"content_block_delta","delta":{"text":"!"}}"# + "\n\n",
        #"event: message_stop"# + "\n" + #"data: {"type":"message_stop"}"# + "\n\n",
    ]

    var name: String { "toy-messages" }
    /// A path a protocol owns (keys are asked for, faults apply); its errors are its dialect's.
    var errorProtocol: APIProtocol? { .compatible }
    var errorDialect: any ErrorDialect { ToyAnthropicDialect() }

    func endpoint(for path: String) -> Endpoint? { path == Self.path ? Endpoint(module: self) : nil }

    func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        ResponsePlan(status: 200, headers: ProtocolResponses.headers(contentType: errorDialect.eventStreamContentType, requestID: requestID),
                     body: .events(Self.events.enumerated().map { PlannedEvent(atMs: 10 * Double($0.offset), text: $0.element) }))
    }
}

@Suite struct ErrorDialectSeamTests {
    private let handler = ExchangeHandler(
        store: FixtureStore([]), settings: MockSettings(speed: 0, unmatched: .synthesize),
        logger: Logger(label: "seam", factory: { _ in SwiftLogNoOpLogHandler() }),
        protocols: ProtocolRegistry(modules: [ToyMessagesModule()] + ProtocolRegistry.standard.modules))

    private func post(fault: String?, key: String? = "sk-toy") -> (status: Int, headers: HeaderFields, body: String) {
        var fields: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let key { fields.append(("Authorization", "Bearer \(key)")) }
        if let fault { fields.append((faultHeader, fault)) }
        let request = HTTPRequest(method: "POST", path: ToyMessagesModule.path, headers: HeaderFields(fields),
                                  body: Array(#"{"model":"toy","messages":[{"role":"user","content":"Hi"}],"stream":true}"#.utf8))
        let response = handler.handle(request)
        let bytes: [UInt8]
        switch response.body {
        case .bytes(let whole): bytes = whole
        case .stream(let chunks, _): bytes = chunks.flatMap(\.bytes)
        case .live, .prepared: bytes = []
        }
        return (response.status, response.headers, String(decoding: bytes, as: UTF8.self))
    }

    @Test func theToyStreamsWithoutFaults() {
        let answer = post(fault: nil)
        #expect(answer.status == 200)
        #expect(answer.body == ToyMessagesModule.events.joined())
    }

    @Test func httpErrorComesInTheToysShape() {
        let answer = post(fault: "http_error status=429")
        #expect(answer.status == 429)
        #expect(answer.headers["content-type"] == "application/json")
        #expect(answer.body == #"{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit."}}"#)
        // Before a stream: the dialect's frame and content type.
        let sse = post(fault: "http_error status=429 format=sse")
        #expect(sse.status == 429)
        #expect(sse.headers["content-type"] == "text/event-stream; charset=utf-8")
        #expect(sse.body == "event: error\ndata: " + answer.body + "\n\n")
        // A status the toy's table has no entry for: its generic error.
        #expect(post(fault: "http_error status=418").body == #"{"type":"error","error":{"type":"api_error","message":"HTTP 418"}}"#)
    }

    @Test func streamErrorComesInTheToysShape() {
        let answer = post(fault: "stream_error after_events=2")
        #expect(answer.status == 200)
        let error = "event: error\ndata: " + #"{"type":"error","error":{"type":"invalid_request_error","message":"Output blocked by content filtering policy."}}"# + "\n\n"
        #expect(answer.body == ToyMessagesModule.events.prefix(2).joined() + error)
    }

    @Test func malformedChunkAndRefusalsUseTheToysDialect() {
        // Past the stream's end, the broken event is made from the last one, its framing kept.
        let broken = post(fault: "malformed_chunk after_events=9")
        #expect(broken.body == ToyMessagesModule.events.joined() + "event: message_stop\ndata: <html><body>502 Bad Gateway</body></html>\n\n")
        // The pipeline's own refusals: a missing key.
        let refused = post(fault: nil, key: nil)
        #expect(refused.status == 401)
        #expect(refused.body == #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#)
    }
}
