import MockScopeHTTPTypes
import Synchronization

/// Stage 5: faults rewrite the decided plan: global faults (`--rate-limit`), then active
/// scenarios' (in activation order), then the request's own `X-MockScope-Fault`. A path no
/// protocol owns gets none. A test's request (`X-MockScope-Test-Id`) uses its `TestScope`'s
/// scenario progress and rate-limit windows.
struct FaultApplication: Sendable {
    let scenarios: ScenarioEngine
    let clock: MockClock
    let rateLimits: RateLimiterRegistry
    /// Each test's own scenario progress and rate-limit windows.
    let testScopes: TestScopeTable
    /// Randomness for header faults: seeded once, advanced per request.
    let headerRandom: HeaderRandom

    final class HeaderRandom: Sendable {
        private let generator: Mutex<SeededRandom>
        init(seed: UInt64) { generator = Mutex(SeededRandom(seed: seed)) }
        /// The generator as it is now; the shared one moves on.
        func next() -> SeededRandom {
            generator.withLock { generator in
                let copy = generator
                _ = generator.next()
                return copy
            }
        }
    }

    /// Whether any fault could apply: the request's own headers, global faults, an active scenario.
    func mayApply(_ heads: borrowing RequestHeads, settings: MockSettings) -> Bool {
        heads.fault != nil || heads.scenario != nil || !settings.globalFaults.isEmpty || scenarios.anyActive
    }

    func run(_ request: HTTPRequest, _ exchange: inout Exchange, settings: MockSettings) {
        guard exchange.endpoint.apiProtocol != nil, exchange.plan != nil, mayApply(exchange.heads, settings: settings) else { return }
        var headerFaults: [any Fault] = []
        if let text = exchange.heads.fault {
            do {
                headerFaults = try FaultRegistry.parse(text)
            } catch {
                return exchange.refuse(ErrorCatalog.badFault, message: "\(faultHeader): \(error.description)")
            }
        }
        var forced: [String] = []
        if let names = exchange.heads.scenario {
            forced = names.split(separator: ",").map { String($0).trimmedSpaces }.filter { !$0.isEmpty }
            if let unknown = forced.first(where: { !scenarios.contains($0) }) {
                let known = scenarios.all.map(\.scenario.name).joined(separator: ", ")
                return exchange.refuse(ErrorCatalog.badFault,
                                       message: "\(scenarioHeader): no scenario named \"\(unknown)\"; loaded: \(known.isEmpty ? "none" : known)")
            }
        }
        let model = exchange.note.modelName
        let fixture = exchange.fixture ?? exchange.memo?.fixture
        let nowMs = clock.nowMs()
        let scope = exchange.heads.testID.map { testScopes.scope($0, nowMs: nowMs) }
        let selected = scenarios.faults(for: ScenarioRequest(path: request.path, model: model, headers: request.headers.fields,
                                                              fixture: fixture?.name, apiKey: exchange.apiKey),
                                        forced: forced, nowMs: nowMs, scope: scope)
        let faults = settings.globalFaults + selected.faults + headerFaults
        guard !faults.isEmpty else { return }
        var context = FaultContext(dialect: exchange.endpoint.errorDialect, requestID: exchange.note.requestID, model: model, apiKey: exchange.apiKey,
                                   promptTokens: TokenEstimate.prompt(exchange.body),
                                   completionTokens: fixture?.completionTokens ?? 0,
                                   nowMs: nowMs, random: selected.random ?? headerRandom.next(), rateLimits: scope?.rateLimits ?? rateLimits,
                                   request: exchange.body, codec: exchange.endpoint.module.answerCodec(for: exchange.endpoint))
        for fault in faults {
            fault.apply(to: &exchange.plan!, context: &context)
            exchange.note.faults.append(fault.description)
        }
        exchange.note.scenarios = selected.fired
    }
}
