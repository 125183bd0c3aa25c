import Foundation
import Logging
import MockScopeHTTPTypes
import Synchronization

/// The HTTP layer's handler: every request walks the `ExchangePipeline` (admin requests go to
/// `AdminAPI`); every completed exchange is counted, journaled and logged. Holds what a running
/// server may change: fixtures, settings, scenarios, the clock. Runs on the HTTP layer's threads:
/// no I/O, no waiting, locks held only to copy.
public final class ExchangeHandler: HTTPHandler {
    private let state: Mutex<ServerState>
    /// The HTTP layer's counts (`reportActiveStreams`). Held as a class: a closure copied out of
    /// a `Mutex` leaked its context on every read in this toolchain (about 300 bytes per admin
    /// status or metrics request, found by `bench/hostile_day.py`), and a read loop crashed.
    private let activity = Mutex<ActivityCounts?>(nil)
    private let forwarder = Mutex<(any Forwarder)?>(nil)
    public let logger: Logger
    public let scenarios: ScenarioEngine
    public let clock: MockClock
    public let rateLimits: RateLimiterRegistry
    /// What each test (`X-MockScope-Test-Id`) keeps of its own (bounded: `--test-scopes`).
    public let testScopes: TestScopeTable
    public let journal: Journal
    public let metrics = ServerMetrics()
    /// What stateful protocol modules keep between requests (stored responses, tasks, files).
    public let moduleStates = ModuleStateStore()
    /// Reloads the fixtures from where they came from (set by the runtime; admin `reload` and `reset`).
    private let fixtureSource = Mutex<(@Sendable () throws -> [Fixture])?>(nil)
    /// The settings the server started with (admin `reset` returns to them).
    public let initialSettings: MockSettings
    /// Builds whole answers in the HTTP layer's own form (nil: plain bytes, e.g. in memory).
    private let preparer: (any AnswerPreparer)?
    private let pipeline: ExchangePipeline
    private let log: ExchangeLog

    public init(store: FixtureStore, settings: MockSettings = MockSettings(), clock: MockClock = MockClock(), seed: UInt64 = 1,
                journalSize: Int = 1000, journalBytes: Int = Journal.defaultByteLimit,
                rateLimitWindows: Int = RateLimiterRegistry.defaultMaxWindows, testScopes: Int = TestScopeTable.defaultLimit, logger: Logger = Logger(label: "mockscope"),
                preparer: (any AnswerPreparer)? = nil, protocols: ProtocolRegistry = .standard, secrets: SecretPolicy = .standard,
                logWriter: BufferedLogWriter? = nil) {
        self.preparer = preparer
        self.state = Mutex(ServerState(store: store, settings: settings, storeGeneration: 0, preparer: preparer))
        self.initialSettings = settings
        self.journal = Journal(capacity: journalSize, byteLimit: journalBytes, policy: secrets)
        self.rateLimits = RateLimiterRegistry(maxWindows: rateLimitWindows)
        let scopes = TestScopeTable(limit: testScopes)
        self.testScopes = scopes
        self.logger = logger
        self.clock = clock
        self.scenarios = ScenarioEngine(defaultSeed: seed)
        self.log = ExchangeLog(logger: logger, policy: secrets, writer: logWriter)
        self.pipeline = ExchangePipeline(
            routing: Routing(registry: protocols),
            decision: FixtureDecision(states: moduleStates, testScopes: scopes, secrets: secrets),
            faults: FaultApplication(scenarios: scenarios, clock: clock, rateLimits: rateLimits, testScopes: scopes,
                                     headerRandom: FaultApplication.HeaderRandom(seed: seed)),
            responding: Responding(journaling: Journaling(journal: journal)))
    }

    /// Streams the HTTP layer is sending right now.
    public var activeStreamCount: Int { activity.withLock { $0 }?.streams() ?? 0 }

    public var store: FixtureStore { state.withLock { $0 }.store }
    public var settings: MockSettings { state.withLock { $0 }.settings }

    public func replaceStore(_ store: FixtureStore) {
        state.withLock { $0 = ServerState(store: store, settings: $0.settings, storeGeneration: $0.storeGeneration + 1, preparer: preparer) }
    }

    public func updateSettings(_ change: (inout MockSettings) -> Void) {
        state.withLock { state in
            var settings = state.settings
            change(&settings)
            state = ServerState(store: state.store, settings: settings, storeGeneration: state.storeGeneration, preparer: preparer)
        }
    }

    /// Replaces the store with `change(current store)` (nil: no change). The new store is built
    /// outside the lock — requests must not wait on it (a recording session adds a fixture per
    /// exchange) — then swapped in, unless the store changed meanwhile: then it is built again
    /// from that one. Returns whether it changed.
    private func changeStore(_ change: (FixtureStore) -> FixtureStore?) -> Bool {
        while true {
            let current = state.withLock { $0 }
            guard let store = change(current.store) else { return false }
            let swapped = state.withLock { state -> Bool in
                guard state.storeGeneration == current.storeGeneration else { return false }
                state = ServerState(store: store, settings: state.settings, storeGeneration: state.storeGeneration + 1, preparer: preparer)
                return true
            }
            if swapped { return true }
        }
    }

    /// Where `reloadFixtures` reads from.
    public func setFixtureSource(_ source: @escaping @Sendable () throws -> [Fixture]) { fixtureSource.withLock { $0 = source } }

    /// Reloads fixtures from their source (runtime additions are dropped). Throws the loader's error.
    public func reloadFixtures() throws -> Int {
        guard let source = fixtureSource.withLock({ $0 }) else { return store.count }
        let store = FixtureStore(try source())
        replaceStore(store)
        return store.count
    }

    /// Removes a fixture by name; false when there is none.
    public func removeFixture(named name: String) -> Bool {
        changeStore { $0.removing(named: name) }
    }

    /// Attaches the recorder's forwarder (used when `settings.record` is `new` or `all`).
    public func attachForwarder(_ forwarder: any Forwarder) { self.forwarder.withLock { $0 = forwarder } }

    /// Adds (or replaces, by name) a fixture at runtime: a new recording, or a test's own stub.
    public func addFixture(_ fixture: Fixture) {
        _ = changeStore { $0.adding(fixture) }
    }

    /// Lets the admin status report the HTTP layer's counts of open streams and open requests.
    public func reportActiveStreams(_ streams: @escaping @Sendable () -> Int, openRequests: @escaping @Sendable () -> Int = { 0 }) {
        let counts = ActivityCounts(streams: streams, requests: openRequests)
        activity.withLock { $0 = counts }
    }

    /// Requests received and not yet completed (streams, waits and hangs included).
    public var openRequestCount: Int { activity.withLock { $0 }?.requests() ?? 0 }

    // MARK: HTTPHandler

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let id = RequestID.next()
        let endpoint = pipeline.routing.endpoint(for: request.path)
        if endpoint.isAdmin { return AdminAPI(server: self).handle(request, requestID: id.text).httpResponse() }
        // One reference to the store and settings in force (not copies: their storage is shared
        // by the HTTP layer's threads, and every copy would touch its reference counts).
        let state = state.withLock { $0 }
        let forwarder = state.settings.record == .none ? nil : self.forwarder.withLock { $0 }
        return pipeline.run(request, endpoint: endpoint, id: id, state: state, forwarder: forwarder, clockMs: clock.nowMs(), metrics: metrics)
    }

    public func completed(_ request: HTTPRequest, outcome: HTTPOutcome) {
        guard let record = outcome.tag as? JournalRecord else { return }
        // The note's fields are read in place (a copy of the whole note costs a retain per field).
        let millis = Double(outcome.durationNanos) / 1e6
        if let hit = record.note.memo, outcome.status == hit.fixture.response.status {
            // A remembered answer, sent as the fixture has it: its counter is known.
            metrics.exchange(counter: hit.requestCounter, bytes: outcome.bytesSent)
        } else {
            let endpoint = record.note.endpoint
            let fixture = record.note.fixtureName
            let answer = fixture ?? (record.note.synthesized ? "(synthesized)" : record.note.forwarded ? "(forwarded)" : "(none)")
            metrics.exchange(path: endpoint.module.metricPath(request.path, endpoint: endpoint, fixture: fixture), status: outcome.status,
                             fixture: answer, bytes: outcome.bytesSent)
        }
        for fault in record.note.faults { metrics.faultFired(kind: String(fault.prefix { $0 != " " })) }
        // After the metrics: a test that waited for the entry to complete then finds them counted.
        journal.complete(record, status: outcome.status, bytesSent: outcome.bytesSent, durationMs: millis,
                         clientWentAway: outcome.clientWentAway)
        if log.writes(record.note) { log.completed(request, note: record.note, outcome: outcome, millis: millis) }
    }
}
