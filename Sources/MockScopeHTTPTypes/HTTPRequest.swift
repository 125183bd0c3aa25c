/// A complete HTTP request as the HTTP layer hands it to its handler.
public struct HTTPRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(name: String, value: String)]
    public var headers: HeaderFields
    public var body: [UInt8]
    /// True when the body was larger than the server's limit; `body` then holds only its start.
    public var bodyTooLarge: Bool
    /// Monotonic time (ns) at which the request was complete.
    public var receivedAt: UInt64

    public init(method: String, path: String, query: [(name: String, value: String)] = [], headers: HeaderFields = HeaderFields(),
                body: [UInt8] = [], bodyTooLarge: Bool = false, receivedAt: UInt64 = MonotonicClock.now()) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.bodyTooLarge = bodyTooLarge
        self.receivedAt = receivedAt
    }
}
