/// What the HTTP layer sends back.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HeaderFields
    public var body: HTTPBody
    /// Wait this long (ns, from the request) before the status line; `nil` = no wait.
    public var headerDelayNanos: UInt64?
    /// Never answer: keep the connection open until the client goes away (or `hangNanos` passes,
    /// then close it without a byte).
    public var hang: Bool
    public var hangNanos: UInt64?
    /// A streamed body's bandwidth: its bytes go out at this rate (bytes per second), each chunk
    /// starting when it is due or once the previous one is out, whichever is later. The body stays
    /// whole; the HTTP layer sends what is due at each wake-up. nil: no limit.
    public var bytesPerSecond: Int?
    /// Opaque object given back in `HTTPHandler.completed`, e.g. a journal record. An object (not
    /// any value): copying it is one retain, which the request path does several times.
    public var tag: (any AnyObject & Sendable)?

    public init(status: Int, headers: HeaderFields = HeaderFields(), body: HTTPBody = .bytes([]),
                headerDelayNanos: UInt64? = nil, hang: Bool = false, hangNanos: UInt64? = nil, bytesPerSecond: Int? = nil,
                tag: (any AnyObject & Sendable)? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.headerDelayNanos = headerDelayNanos
        self.hang = hang
        self.hangNanos = hangNanos
        self.bytesPerSecond = bytesPerSecond
        self.tag = tag
    }
}
