import MockScopeHTTP

/// One SSE event (or any piece of a streamed body) with its time from the request, in ms.
public struct PlannedEvent: Sendable, Equatable {
    public var atMs: Double
    public var bytes: [UInt8]
    public init(atMs: Double, bytes: [UInt8]) {
        self.atMs = atMs
        self.bytes = bytes
    }
    public init(atMs: Double, text: String) {
        self.init(atMs: atMs, bytes: Array(text.utf8))
    }
}

/// What MockScope has decided to answer: a value that faults rewrite before the HTTP layer runs it.
/// Times are the recorded ones; `speed` scales them when the plan becomes an HTTPResponse.
public struct ResponsePlan: Sendable {
    public enum Body: Sendable {
        case whole([UInt8])
        case events([PlannedEvent])
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body
    /// How a streamed body ends (a whole body always ends normally).
    public var ending: StreamEnding = .complete
    /// Extra wait before the status line, in ms (not scaled by speed).
    public var firstByteDelayMs: Double?
    /// Never answer (until `hangMs`, then close without a byte).
    public var hang = false
    public var hangMs: Double?
    /// 1 = recorded timing, 2 = twice as fast, 0 = no delays.
    public var speed: Double = 1

    public init(status: Int, headers: HTTPHeaders, body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var isStream: Bool {
        if case .events = body { return true }
        return false
    }

    /// The HTTP layer's form of this plan, with the speed applied.
    public func httpResponse(tag: (any Sendable)? = nil) -> HTTPResponse {
        let httpBody: HTTPBody
        switch body {
        case .whole(let bytes):
            httpBody = .bytes(bytes)
        case .events(let events):
            httpBody = .stream(events.map { TimedChunk(offsetNanos: scaled($0.atMs), bytes: $0.bytes) }, ending: ending)
        }
        return HTTPResponse(status: status, headers: headers, body: httpBody,
                            headerDelayNanos: firstByteDelayMs.map(Self.nanos), hang: hang,
                            hangNanos: hangMs.map(Self.nanos), tag: tag)
    }

    private func scaled(_ ms: Double) -> UInt64 {
        guard speed > 0, ms > 0 else { return 0 }
        return Self.nanos(ms / speed)
    }

    static func nanos(_ ms: Double) -> UInt64 {
        ms <= 0 || !ms.isFinite ? 0 : UInt64(ms * 1_000_000)
    }
}
