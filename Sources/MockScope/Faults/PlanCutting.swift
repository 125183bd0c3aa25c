import MockScopeHTTPTypes

/// Where `stall`, `drop` and `reset` cut a stream: after N events or after N bytes.
struct CutPoint: Sendable, Equatable, CustomStringConvertible {
    enum Unit: Sendable, Equatable {
        case events
        case bytes
    }

    var unit: Unit
    var count: Int

    /// Reads `after_events=N` or `after_bytes=N` (exactly one of them).
    init(_ parameters: FaultParameters) throws(FaultSpecError) {
        let events = try parameters.int("after_events")
        let bytes = try parameters.int("after_bytes")
        switch (events, bytes) {
        case let (.some(n), nil):
            self.unit = .events
            self.count = n
        case let (nil, .some(n)):
            self.unit = .bytes
            self.count = n
        case (.some, .some):
            throw .invalidValue(kind: parameters.kind, name: "after_bytes", value: parameters.values["after_bytes"] ?? "",
                                expected: "left out when after_events is given (cut after_events=N or after_bytes=N, not both)")
        case (nil, nil):
            throw .missingParameter(kind: parameters.kind, expected: "after_events=N or after_bytes=N (where to cut the answer)")
        }
    }

    /// `after_events=N` or `after_bytes=N`.
    var description: String { unit == .events ? "after_events=\(count)" : "after_bytes=\(count)" }

    /// The same cut on a forwarded answer's way to the client.
    func liveEffect(_ action: LiveEffect.Action) -> LiveEffect {
        LiveEffect(unit: unit == .events ? .events : .bytes, count: count, action: action)
    }

    /// Cuts `plan` here (a whole body becomes a one-event stream first).
    func cut(_ plan: inout ResponsePlan) {
        PlanCutting.makeStreamable(&plan)
        switch unit {
        case .events: PlanCutting.keepEvents(count, of: &plan)
        case .bytes: PlanCutting.keepBytes(count, of: &plan)
        }
    }
}

/// Plan surgery shared by the kinds that cut a stream.
enum PlanCutting {
    /// True for an answer proxied from an upstream as it arrives: faults leave those alone (once
    /// the forward has started; before, see `ResponsePlan.forwardPending`).
    static func isLive(_ plan: ResponsePlan) -> Bool {
        if case .live = plan.body { return true }
        return false
    }

    /// True for a live answer already under way (not a pending forward): nothing to rewrite.
    static func isStartedLive(_ plan: ResponsePlan) -> Bool { isLive(plan) && !plan.forwardPending }

    /// A pending forward: `effect` acts on the client's copy (true), else nothing to do (false:
    /// the caller rewrites the planned answer as usual).
    static func addLiveEffect(_ effect: LiveEffect, to plan: inout ResponsePlan) -> Bool {
        guard plan.forwardPending else { return false }
        plan.liveEffects.append(effect)
        return true
    }


    /// A whole body becomes a stream of one event at 0 ms (none for an empty body), with the same
    /// status and headers. The HTTP layer then sends it chunked, so `content-length` goes.
    static func makeStreamable(_ plan: inout ResponsePlan) {
        guard case .whole(let bytes) = plan.body else { return }
        plan.body = .events(bytes.isEmpty ? [] : [PlannedEvent(atMs: 0, bytes: bytes)])
        plan.headers.remove("content-length")
    }

    /// Keeps the first `count` events (all of them when there are fewer).
    static func keepEvents(_ count: Int, of plan: inout ResponsePlan) {
        guard case .events(let events) = plan.body else { return }
        plan.body = .events(Array(events.prefix(max(0, count))))
    }

    /// Keeps the first `count` bytes of the stream, splitting the event that straddles the cut
    /// (the kept piece keeps that event's time).
    static func keepBytes(_ count: Int, of plan: inout ResponsePlan) {
        guard case .events(let events) = plan.body else { return }
        var kept: [PlannedEvent] = []
        var remaining = max(0, count)
        for event in events {
            guard remaining > 0 else { break }
            if event.bytes.count <= remaining {
                kept.append(event)
                remaining -= event.bytes.count
            } else {
                kept.append(PlannedEvent(atMs: event.atMs, bytes: Array(event.bytes.prefix(remaining))))
                remaining = 0
            }
        }
        plan.body = .events(kept)
    }
}

/// A fault that sends part of the answer and then ends the connection in its own way (drop, reset).
protocol ConnectionCutFault: Fault {
    static var ending: StreamEnding { get }
    var cut: CutPoint { get }
    init(cut: CutPoint)
}

extension ConnectionCutFault {
    public static var parameterNames: Set<String> { ["after_events", "after_bytes"] }

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        self.init(cut: try CutPoint(parameters))
    }

    public var description: String { "\(Self.kind) \(cut)" }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        if PlanCutting.addLiveEffect(cut.liveEffect(.end(Self.ending)), to: &plan) { return }
        guard !PlanCutting.isLive(plan) else { return }
        cut.cut(&plan)
        plan.ending = Self.ending
    }
}
