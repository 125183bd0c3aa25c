import MockScopeHTTPTypes

/// Record mode: `all` sends every request upstream, `new` those no fixture matches. Only a
/// request the protocol accepts (authenticated and validated before) gets here: what the real
/// service would refuse is answered here, never forwarded and recorded. `run` decides (a pending
/// forward that faults may still replace or give effects to), `start` forwards.
struct Forwarding: Sendable {
    func run(_ request: HTTPRequest, _ exchange: inout Exchange, state: ServerState, forwarder: (any Forwarder)?) {
        let record = state.settings.record
        guard record == .all || record == .new, forwarder != nil else { return }
        if record == .new, state.store.mayHaveFixtures(method: request.method, path: request.path) {
            if state.store.fixture(for: MatchInput(request, endpoint: exchange.endpoint, body: exchange.validated?.body)) != nil { return }
        }
        exchange.note.forwarded = true
        exchange.plan = .pendingForward()
    }

    /// Starts the forward the plan still stands for, with the effects faults gave it; a plan a
    /// fault replaced (an error, a rate limit's 429, a hang) is answered as it is, not forwarded.
    func start(_ request: HTTPRequest, _ exchange: inout Exchange, forwarder: (any Forwarder)?) {
        guard let plan = exchange.plan else { return }
        guard plan.forwardPending, let forwarder else {
            exchange.note.forwarded = false
            return
        }
        let outcome = RecordingOutcome()
        exchange.note.recording = outcome
        var started = plan
        started.body = .live(forwarder.forward(request, requestID: exchange.note.requestID, effects: plan.liveEffects, outcome: outcome))
        started.forwardPending = false
        started.liveEffects = []
        exchange.plan = started
    }
}
