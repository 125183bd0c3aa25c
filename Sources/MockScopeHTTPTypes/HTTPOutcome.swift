/// How an exchange ended, reported once per request.
public struct HTTPOutcome: Sendable {
    public var status: Int
    public var bytesSent: Int
    public var durationNanos: UInt64
    /// The client went away (or the connection failed) before the response was complete.
    public var clientWentAway: Bool
    public var tag: (any AnyObject & Sendable)?

    public init(status: Int, bytesSent: Int, durationNanos: UInt64, clientWentAway: Bool, tag: (any AnyObject & Sendable)?) {
        self.status = status
        self.bytesSent = bytesSent
        self.durationNanos = durationNanos
        self.clientWentAway = clientWentAway
        self.tag = tag
    }
}
