import MockScopeHTTPTypes

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

/// The body of a planned, recorded or fixture answer: whole, or events timed in ms from the
/// request. (The HTTP layer's own form is `HTTPBody`, timed in ns, which adds prepared answers.)
public enum PlannedBody: Sendable {
    case whole([UInt8])
    case events([PlannedEvent])
    /// Proxied from an upstream as it arrives (recording); faults leave it alone.
    case live(LiveResponse)
}

/// What MockScope has decided to answer: the domain's editable form of a response, which faults
/// rewrite before `httpResponse` turns it into the HTTP layer's `HTTPResponse` (the same answer,
/// timed in ns, with prepared bodies). Event times are ms from the request; `applySpeed` scales the
/// recorded ones before faults add their own delays (which are never scaled).
public struct ResponsePlan: Sendable {
    public typealias Body = PlannedBody

    public var status: Int
    public var headers: HeaderFields
    public var body: Body
    /// How a streamed body ends (a whole body always ends normally).
    public var ending: StreamEnding = .complete
    /// Extra wait before the status line, in ms (not scaled by speed).
    public var firstByteDelayMs: Double?
    /// Never answer (until `hangMs`, then close without a byte).
    public var hang = false
    public var hangMs: Double?
    /// A stream's bandwidth in bytes per second (`slow_chunks bytes_per_second`): the events stay
    /// whole and the HTTP layer paces their bytes (nil: no limit). Not scaled by speed.
    public var bytesPerSecond: Int?
    /// A request about to be forwarded upstream (record modes), not yet sent: faults that replace
    /// the answer (`http_error`, a rate limit's 429, `hang`) keep it from being forwarded; faults
    /// that cut a stream add `liveEffects` for the client's copy instead.
    public var forwardPending = false
    /// What faults do to the forwarded answer on its way to the client.
    public var liveEffects: [LiveEffect] = []

    public init(status: Int, headers: HeaderFields, body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The stand-in for a forward not yet started: faults read and rewrite it before the pipeline
    /// forwards (or, when a fault replaced it, answers without forwarding).
    public static func pendingForward() -> ResponsePlan {
        var plan = ResponsePlan(status: 0, headers: HeaderFields(), body: .live(LiveResponse()))
        plan.forwardPending = true
        return plan
    }

    public var isStream: Bool {
        if case .events = body { return true }
        return false
    }

    /// Scales the event times: 1 = recorded timing, 2 = twice as fast, 0 = no delays.
    public mutating func applySpeed(_ speed: Double) {
        guard speed != 1, case .events(var events) = body else { return }
        for index in events.indices {
            events[index].atMs = speed > 0 && speed.isFinite ? events[index].atMs / speed : 0
        }
        body = .events(events)
    }

    /// The HTTP layer's form of this plan.
    public func httpResponse(tag: (any AnyObject & Sendable)? = nil) -> HTTPResponse {
        let httpBody: HTTPBody
        var pacing: Int?
        switch body {
        case .whole(let bytes):
            httpBody = .bytes(bytes)
        case .events(let events):
            httpBody = .stream(events.map { TimedChunk(offsetNanos: Self.nanos($0.atMs), bytes: $0.bytes) }, ending: ending)
            pacing = bytesPerSecond
        case .live(let live):
            httpBody = .live(live)
        }
        return HTTPResponse(status: status, headers: headers, body: httpBody,
                            headerDelayNanos: firstByteDelayMs.map(Self.nanos), hang: hang,
                            hangNanos: hangMs.map(Self.nanos), bytesPerSecond: pacing, tag: tag)
    }

    static func nanos(_ ms: Double) -> UInt64 {
        guard ms > 0 else { return 0 }
        // Anything beyond a year is "never" for a test: clamp rather than overflow.
        return ms.isFinite && ms < 31_536_000_000 ? UInt64(ms * 1_000_000) : 31_536_000_000 * 1_000_000
    }
}
