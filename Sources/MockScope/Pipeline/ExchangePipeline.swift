import MockScopeHTTPTypes

/// The whole path of a request, stage by stage. Each stage is a type in `Stages/`; protocol
/// knowledge lives in the modules under `Protocols/`, reached through the endpoint.
///
///   0. MockScope's own routes (`/__admin/`) → `AdminAPI`
///   1. route         the path names a protocol module             `Routing`
///      guard         what a web page could send is refused          `BrowserGuard`
///   2. authenticate  `Authorization: Bearer`                        `Authentication`
///   3. validate      method, size, the module's own checks         `RequestValidation`
///      record mode   a valid request goes upstream (`new`, `all`)   `Forwarding`
///   4. decide        fixture, invalid URL, synthesis, no match      `FixtureDecision`
///      (2–4 are memoized by their inputs: a repeated request skips them, `DecisionMemo`)
///   5. faults        global, scenarios', the request's own          `FaultApplication`
///   6. journal       before the first byte                          `Journaling`
///   7. respond       the plan at the speed asked for                `Responding`
struct ExchangePipeline: Sendable {
    let routing: Routing
    let browserGuard = BrowserGuard()
    let forwarding = Forwarding()
    let authentication = Authentication()
    let validation = RequestValidation()
    let decision: FixtureDecision
    let faults: FaultApplication
    let responding: Responding

    /// The answer to a protocol request (not an admin one) on the endpoint `routing` found, journaled.
    func run(_ request: HTTPRequest, endpoint: Endpoint, id: RequestID, state: ServerState, forwarder: (any Forwarder)?, clockMs: Double,
             metrics: ServerMetrics) -> HTTPResponse {
        var exchange = Exchange(request: request, id: id, endpoint: endpoint, clockMs: clockMs)
        let settings = state.settings
        browserGuard.run(&exchange, settings: settings)
        if !exchange.isDecided, let id = exchange.heads.testID, let problem = TestScopeTable.problem(with: id) {
            exchange.refuse(ErrorCatalog.badFault, message: problem)
        }
        let recording = settings.record != .none
        if recording || exchange.isDecided {
            // Recording: only what the protocol accepts goes upstream (and so into a fixture).
            if !exchange.isDecided { authentication.run(&exchange, settings: settings) }
            if !exchange.isDecided { validation.run(request, &exchange, settings: settings) }
            if !exchange.isDecided { forwarding.run(request, &exchange, state: state, forwarder: forwarder) }
            if exchange.plan?.forwardPending == true {
                exchange.note.model = exchange.endpoint.module.model(of: exchange.validated?.body)
                // Faults apply to forwarded traffic too: before it (an error, a 429) or to the
                // client's copy of the answer (a cut, a stall, a mid-stream error).
                faults.run(request, &exchange, settings: settings)
                forwarding.start(request, &exchange, forwarder: forwarder)
            }
            if let plan = exchange.plan.take() { return responding.run(request, &exchange, plan: plan) }
        }

        let started = MonotonicClock.now()
        // Recording has authenticated and validated already (above): the memo is for replay.
        let memoized = !recording && DecisionMemo.admits(request, endpoint: exchange.endpoint)
        if memoized, let hit = state.memo.recall(request, heads: exchange.heads) {
            exchange.memo = hit
            exchange.note.memo = hit
            exchange.note.stream = hit.stream
            exchange.apiKey = hit.apiKey
        } else {
            if !recording {
                authentication.run(&exchange, settings: settings)
                if !exchange.isDecided { validation.run(request, &exchange, settings: settings) }
            }
            if !exchange.isDecided { decision.run(request, &exchange, state: state) }
            exchange.note.model = exchange.endpoint.module.model(of: exchange.validated?.body)
            if memoized, let fixture = exchange.fixture, let validated = exchange.validated,
               !state.store.comparesExtras(method: request.method, path: request.path) {
                let endpoint = exchange.endpoint
                let counter = metrics.requestCounter(path: endpoint.module.metricPath(request.path, endpoint: endpoint, fixture: fixture.name),
                                                     status: fixture.response.status, fixture: fixture.name)
                state.memo.remember(request, heads: exchange.heads, fixture: fixture, validated: validated,
                                    apiKey: exchange.apiKey, model: exchange.note.model, requestCounter: counter)
            }
        }
        metrics.matched(nanoseconds: MonotonicClock.now() &- started)

        if !faults.mayApply(exchange.heads, settings: settings), let hit = exchange.memo,
           let body = responding.rememberedBody(hit, speed: responding.speed(exchange, settings: settings)) {
            return responding.run(request, &exchange, remembered: hit, body: body)
        }
        if exchange.plan == nil, let hit = exchange.memo { exchange.plan = hit.fixture.plan }
        exchange.plan!.applySpeed(responding.speed(exchange, settings: settings))
        faults.run(request, &exchange, settings: settings)
        let plan = exchange.plan.take()!
        return responding.run(request, &exchange, plan: plan)
    }
}
