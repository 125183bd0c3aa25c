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

/// Generated answers for requests no fixture matched (`--unmatched synthesize`): each protocol
/// module makes its own (`ProtocolModule.synthesize`).
///
/// The chat answers are deterministic: everything in them (text, tool-call ids, `created`, session
/// ids) derives from an FNV-1a hash of the request body without its streaming switches, and the
/// ids that must match the response headers from `requestID`. Same request, same bytes.
public enum Synthesizer {
    /// The answer to `request`: status 200 in the endpoint's protocol, streamed when asked.
    /// Endpoints whose module synthesizes nothing get the protocol's "invalid URL" error.
    public static func plan(for request: SynthesisRequest) -> ResponsePlan {
        let module = request.endpoint.module
        let validated = ValidatedRequest(endpoint: request.endpoint, body: request.body, stream: request.stream)
        return module.synthesize(validated, requestID: request.requestID)
            ?? module.errorPlan(ErrorCatalog.invalidURL, requestID: request.requestID)
    }
}

/// The plans of the synthesized chat answers: the gateway's headers, whole or as timed events.
enum ChatSynthesis {
    static func wholePlan(_ body: String, requestID: String) -> ResponsePlan {
        wholePlan(bytes: Array(body.utf8), requestID: requestID)
    }

    static func wholePlan(bytes body: [UInt8], requestID: String) -> ResponsePlan {
        ResponsePlan(status: 200, headers: ProtocolResponses.headers(contentType: StreamFraming.jsonContentType, requestID: requestID),
                     body: .whole(body))
    }

    static func streamPlan(_ events: [String], requestID: String) -> ResponsePlan {
        streamPlan(bytes: events.map { Array($0.utf8) }, requestID: requestID)
    }

    static func streamPlan(bytes events: [[UInt8]], requestID: String) -> ResponsePlan {
        ResponsePlan(status: 200,
                     headers: ProtocolResponses.headers(contentType: StreamFraming.eventStreamContentType, requestID: requestID),
                     body: .events(StreamFraming.timed(events)))
    }
}
