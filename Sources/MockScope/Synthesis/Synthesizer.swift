import MockScopeHTTP

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
