import MockScopeHTTPTypes

/// What the synthesizer needs to know about a request no fixture matched.
public struct SynthesisRequest: Sendable {
    public var endpoint: Endpoint
    /// The parsed request body (an object).
    public var body: JSONValue
    /// Whether the client asked for a stream (compat: `stream: true`; native: the SSE header).
    public var stream: Bool
    public var requestID: String

    public init(endpoint: Endpoint, body: JSONValue, stream: Bool, requestID: String) {
        self.endpoint = endpoint
        self.body = body
        self.stream = stream
        self.requestID = requestID
    }
}

/// Generated answers for requests no fixture matched (`--unmatched synthesize`).
///
/// The answer is deterministic: everything in it (text, tool-call ids, `created`, session ids)
/// derives from an FNV-1a hash of the request body without its streaming switches, and the ids
/// that must match the response headers from `requestID`. Same request, same bytes.
public enum Synthesizer {
    /// The answer to `request`: status 200 in the endpoint's protocol, streamed when asked.
    /// Endpoints that are not chat-like get the protocol's "invalid URL" error.
    public static func plan(for request: SynthesisRequest) -> ResponsePlan {
        guard request.endpoint.isGeneration else {
            return ProtocolResponses.errorPlan(ErrorCatalog.invalidURL, api: request.endpoint.apiProtocol ?? .native,
                                               requestID: request.requestID)
        }
        let input = SynthesisInput(endpoint: request.endpoint, body: request.body)
        let answer = SynthesizedAnswer(input)
        let id = request.requestID

        let body: String
        let events: [String]
        switch input.surface {
        case .compatible:
            let renderer = CompatibleRenderer(input: input, answer: answer, requestID: id)
            (body, events) = request.stream ? ("", renderer.events()) : (renderer.body(), [])
        case .native:
            let renderer = NativeRenderer(input: input, answer: answer, requestID: id)
            (body, events) = request.stream ? ("", renderer.events()) : (renderer.body(), [])
        case .application:
            let renderer = ApplicationRenderer(input: input, answer: answer, requestID: id)
            (body, events) = request.stream ? ("", renderer.events()) : (renderer.body(), [])
        }

        if request.stream {
            return ResponsePlan(status: 200,
                                headers: ProtocolResponses.headers(contentType: StreamFraming.eventStreamContentType, requestID: id),
                                body: .events(StreamFraming.timed(events)))
        }
        return ResponsePlan(status: 200,
                            headers: ProtocolResponses.headers(contentType: StreamFraming.jsonContentType, requestID: id),
                            body: .whole(Array(body.utf8)))
    }
}
