import Foundation
import Logging
import MockScope
import MockScopeRuntime

/// A MockScope server started in-process for Swift tests: live, on a free port of 127.0.0.1, or
/// in memory, where `respond(to:)` drives the exchange pipeline without a socket (as Hummingbird's
/// `.router` test mode does). It serves what it is given and the built-in defaults, never the
/// working directory's `./fixtures` or `./scenarios`.
///
///     let server = try TestServer(fixtures: ["Tests/Fixtures"])
///     defer { server.stop() }
///     // point a client at server.compatibleBaseURL / server.nativeBaseURL, then:
///     #expect(server.requests(path: "/compatible-mode/v1/chat/completions").count == 1)
public final class TestServer: Sendable {
    /// How the server is reached.
    public enum Mode: Sendable {
        /// A real socket on 127.0.0.1, port 0 (the port the daemon bound is `port`).
        case live
        /// No socket: `respond(to:)` hands requests to the pipeline directly.
        case inMemory
    }

    /// The whole service: handler, daemon, recorder.
    public let service: MockScopeService
    public let mode: Mode
    /// Every request's handler (the exchange pipeline, journal, scenarios, clock).
    public var handler: ExchangeHandler { service.handler }

    /// Starts a server on 127.0.0.1, port 0, with fixtures from folders (none: the built-in defaults),
    /// scenarios (files, or names of built-in ones) activated, and fixtures/scenarios built in code.
    /// Logs are dropped unless a logger is given.
    public init(fixtures: [String] = [], settings: MockSettings = MockSettings(), scenarios: [String] = [],
                extraFixtures: [Fixture] = [], extraScenarios: [Scenario] = [], seed: UInt64 = 1, clock: MockClock.Mode = .real,
                mode: Mode = .live, logger: Logger = Logger(label: "mockscope.test", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        var options = ServerOptions()
        options.readsWorkingDirectory = false
        options.preparesAnswers = mode == .live
        options.fixtureDirectories = fixtures
        options.settings = settings
        options.scenarios = scenarios
        options.seed = seed
        options.clock = clock
        service = try MockScopeService(options: options, logger: logger)
        self.mode = mode
        for fixture in extraFixtures { service.handler.addFixture(fixture) }
        for scenario in extraScenarios { service.handler.scenarios.add(scenario, active: true, nowMs: service.handler.clock.nowMs()) }
        if mode == .live { try service.start() }
    }

    /// The port the daemon bound (live mode; 0 in memory).
    public var port: UInt16 { service.port }
    public var baseURL: String { service.baseURL }
    /// For the `openai` SDK's `base_url` (chat completions and the Responses API alike).
    public var compatibleBaseURL: String { service.compatibleBaseURL }
    /// For the `dashscope` SDK's `base_http_api_url`.
    public var nativeBaseURL: String { service.nativeBaseURL }
    /// For an OpenAI client on the coding plan's base URL (`/v1`).
    public var codingPlanBaseURL: String { service.codingPlanBaseURL }
    /// For the `anthropic` SDK's `base_url` (the SDK appends `/v1/messages`).
    public var anthropicURL: String { baseURL + "/apps/anthropic" }
    /// Streams the HTTP layer is sending right now.
    public var activeStreams: Int { service.daemon.activeStreams }

    /// Adds a fixture (a stub local to one test).
    public func add(_ fixture: Fixture) { handler.addFixture(fixture) }

    /// Adds and activates a scenario written in YAML (docs/scenarios.md).
    public func addScenario(yaml: String) throws {
        switch ScenarioLoader.parse(yaml: yaml, file: "test") {
        case .success(let scenario): handler.scenarios.add(scenario, active: true, nowMs: handler.clock.nowMs())
        case .failure(let problem): throw problem
        }
    }

    /// Requests the server has seen (the journal), optionally filtered.
    public func requests(path: String? = nil, fixture: String? = nil, model: String? = nil) -> [JournalEntry] {
        requests(path: path, fixture: fixture, model: model, testID: nil)
    }

    /// The journal's entries that match, only those of `testID` when one is given.
    func requests(path: String?, fixture: String?, model: String?, testID: String?) -> [JournalEntry] {
        var filter = JournalFilter()
        filter.path = path
        filter.fixture = fixture
        filter.model = model
        filter.testID = testID
        return handler.journal.entries(filter)
    }

    /// Waits until at least `count` journal entries match and every one of them is complete
    /// (`bytesSent`, `durationMs`, `clientWentAway` filled in), and returns them. An exchange is
    /// journaled before its first byte is sent; its outcome follows a moment after the client has
    /// read the answer. Throws `TestServerError.timedOut` with what the journal held.
    public func waitForRequests(_ count: Int, path: String? = nil, fixture: String? = nil, model: String? = nil,
                                timeout: Duration = .seconds(5)) throws -> [JournalEntry] {
        try waitForRequests(count, path: path, fixture: fixture, model: model, testID: nil, timeout: timeout)
    }

    func waitForRequests(_ count: Int, path: String?, fixture: String?, model: String?, testID: String?,
                         timeout: Duration) throws -> [JournalEntry] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let entries = completeRequests(count, path: path, fixture: fixture, model: model, testID: testID,
                                              timedOut: clock.now >= deadline, timeout: timeout) {
                return try entries.get()
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// `waitForRequests` for async tests: suspends instead of blocking a thread.
    public func requests(atLeast count: Int, path: String? = nil, fixture: String? = nil, model: String? = nil,
                         timeout: Duration = .seconds(5)) async throws -> [JournalEntry] {
        try await requests(atLeast: count, path: path, fixture: fixture, model: model, testID: nil, timeout: timeout)
    }

    func requests(atLeast count: Int, path: String?, fixture: String?, model: String?, testID: String?,
                  timeout: Duration) async throws -> [JournalEntry] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let entries = completeRequests(count, path: path, fixture: fixture, model: model, testID: testID,
                                              timedOut: clock.now >= deadline, timeout: timeout) {
                return try entries.get()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The matching entries once there are `count` and all are complete; the timeout error once
    /// `timedOut`; nil while still waiting.
    private func completeRequests(_ count: Int, path: String?, fixture: String?, model: String?, testID: String?, timedOut: Bool,
                                  timeout: Duration) -> Result<[JournalEntry], TestServerError>? {
        let entries = requests(path: path, fixture: fixture, model: model, testID: testID)
        if entries.count >= count, entries.allSatisfy(\.complete) { return .success(entries) }
        guard timedOut else { return nil }
        return .failure(.timedOut("the journal has \(entries.count) matching entries (\(entries.filter(\.complete).count) complete)"
                                  + "\(testID.map { " of test \($0)" } ?? "") after \(timeout), expected at least \(count), all complete"))
    }

    /// A view of this server for one test: the header its clients send (`X-MockScope-Test-Id`)
    /// and journal, wait, conduct and scenario queries that see only that test's requests.
    /// Tests running in parallel (Swift Testing's default) share one server this way. Without a
    /// `testID`, the calling file and function name it (give one for each case of a
    /// parameterized test).
    public func scope(testID: String? = nil, file: String = #fileID, function: String = #function) -> TestServerScope {
        TestServerScope(server: self, testID: testID ?? "\(file)/\(function)")
    }

    /// Moves a virtual clock (start with `clock: .virtual`).
    public func advanceClock(ms: Double) { handler.clock.advance(ms: ms) }

    public func stop() { service.stop() }
}

/// What the test helper reports.
public enum TestServerError: Error, CustomStringConvertible {
    /// A wait ran out; the message says what was there.
    case timedOut(String)

    public var description: String {
        switch self {
        case .timedOut(let message): return message
        }
    }
}
