import MockScopeHTTPTypes

/// Stage 4: the fixture that matches answers; otherwise a path with nothing recorded is the
/// protocol's "invalid URL" (an empty 404 where no protocol owns it), a synthesized answer when
/// `--unmatched synthesize` and the module makes one, else the no-match error naming the closest
/// fixtures. A module's own state (a stored response, a task) and what the catalog settles (the
/// model list: `ProtocolModule.catalogAnswer`) answer before synthesis, whatever `--unmatched` says.
struct FixtureDecision: Sendable {
    /// What stateful modules keep between requests.
    let states: ModuleStateStore
    /// Each test's own answer-sequence positions.
    let testScopes: TestScopeTable
    /// What the near-miss report's log line must not show.
    let secrets: SecretPolicy

    func run(_ request: HTTPRequest, _ exchange: inout Exchange, state: ServerState) {
        guard let validated = exchange.validated else { return }
        // No fixture on the route (a synthesized answer's usual case): nothing to project or look up.
        let input = state.store.mayHaveFixtures(method: request.method, path: request.path)
            ? MatchInput(request, endpoint: exchange.endpoint, body: validated.body) : nil
        guard let input, let fixture = state.store.fixture(for: input) else {
            return missed(request, &exchange, input: input, validated: validated, state: state)
        }
        exchange.note.fixture = fixture.name
        exchange.fixture = fixture
        guard fixture.isSequence else { return exchange.plan = fixture.plan }
        let positions = exchange.heads.testID.map {
            testScopes.scope($0, nowMs: exchange.note.clockMs).positions(generation: state.storeGeneration)
        } ?? state.store.positions
        guard let index = positions.take(fixture) else {
            return exchange.refuse(ErrorCatalog.noMatch, message: "Fixture \(fixture.name) has served all its \(fixture.responses.count) "
                                   + "answers and says after_last: error; POST /__admin/reset starts it again.")
        }
        exchange.note.sequenceIndex = index
        exchange.plan = fixture.plan(at: index)
    }

    /// No fixture matched: module state, the catalog, synthesis, else the refusal. The near-miss
    /// report is built only when the refusal that carries it is sent (it costs more than a synthesized answer).
    private func missed(_ request: HTTPRequest, _ exchange: inout Exchange, input: MatchInput?, validated: ValidatedRequest,
                        state: ServerState) {
        let endpoint = exchange.endpoint
        guard endpoint.apiProtocol != nil else {
            exchange.note.error = "not_found"
            exchange.plan = ResponsePlan(status: 404, headers: HeaderFields([("x-request-id", exchange.note.requestID)]), body: .whole([]))
            return
        }
        let context = ModuleContext(request: request, requestID: exchange.note.requestID, nowMs: exchange.note.clockMs,
                                    states: states, settings: state.settings)
        if let plan = endpoint.module.answerFromState(validated, context: context) {
            exchange.plan = plan
            return
        }
        switch endpoint.module.catalogAnswer(request, endpoint: endpoint, context: state.settings.validationContext,
                                             requestID: exchange.note.requestID) {
        case .answer(let plan)?: return exchange.plan = plan
        case let .refused(spec, message)?: return exchange.refuse(spec, message: message)
        case nil: break
        }
        if state.settings.unmatched == .synthesize, let plan = endpoint.module.synthesize(validated, context: context) {
            exchange.note.synthesized = true
            exchange.plan = plan
            return
        }
        if !endpoint.isGeneration, input == nil || state.store.fixturesOnRoute(method: request.method, path: request.path) == 0 {
            return exchange.refuse(ErrorCatalog.invalidURL)
        }
        let report = state.store.nearMiss(for: input ?? MatchInput(request, endpoint: endpoint, body: validated.body)).description  // written once: the body, the journal and the log share it
        exchange.note.nearMiss = report
        exchange.note.secrets = secrets.scope(headers: request.headers.fields, query: request.query, parsedBody: validated.body)
        exchange.refuse(ErrorCatalog.noMatch, message: report)
    }
}
