import Foundation
import Logging
import MockScope
import MockScopeRuntime

/// A MockScope server started in-process on a free port, for Swift tests.
///
///     let server = try TestServer(fixtures: ["Tests/Fixtures"])
///     defer { server.stop() }
///     // point a client at server.compatibleBaseURL / server.nativeBaseURL, then:
///     #expect(server.requests(path: "/compatible-mode/v1/chat/completions").count == 1)
public final class TestServer: Sendable {
    public let server: MockScopeServer

    /// Starts a server on 127.0.0.1, port 0, with fixtures from folders (none: the built-in defaults),
    /// scenarios (files, or names of built-in ones) activated, and fixtures/scenarios built in code.
    /// Logs are dropped unless a logger is given.
    public init(fixtures: [String] = [], settings: MockSettings = MockSettings(), scenarios: [String] = [],
                extraFixtures: [Fixture] = [], extraScenarios: [Scenario] = [], seed: UInt64 = 1, clock: MockClock.Mode = .real,
                logger: Logger = Logger(label: "mockscope.test", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        var options = ServerOptions()
        options.fixtureDirectories = fixtures
        options.settings = settings
        options.scenarios = scenarios
        options.seed = seed
        options.clock = clock
        server = try MockScopeServer(options: options, logger: logger)
        for fixture in extraFixtures { server.mock.addFixture(fixture) }
        for scenario in extraScenarios { server.mock.scenarios.add(scenario, active: true, nowMs: server.mock.clock.nowMs()) }
        try server.start()
    }

    public var port: UInt16 { server.port }
    public var baseURL: String { server.baseURL }
    /// For the `openai` SDK's `base_url`.
    public var compatibleBaseURL: String { server.compatibleBaseURL }
    /// For the `dashscope` SDK's `base_http_api_url`.
    public var nativeBaseURL: String { server.nativeBaseURL }
    /// Streams the HTTP layer is sending right now.
    public var activeStreams: Int { server.http.activeStreams }

    /// Adds a fixture (a stub local to one test).
    public func add(_ fixture: Fixture) { server.mock.addFixture(fixture) }

    /// Adds and activates a scenario written in YAML (docs/scenarios.md).
    public func addScenario(yaml: String) throws {
        switch ScenarioLoader.parse(yaml: yaml, file: "test") {
        case .success(let scenario): server.mock.scenarios.add(scenario, active: true, nowMs: server.mock.clock.nowMs())
        case .failure(let problem): throw problem
        }
    }

    /// Requests the server has seen (the journal), optionally filtered.
    public func requests(path: String? = nil, fixture: String? = nil, model: String? = nil) -> [JournalEntry] {
        var filter = JournalFilter()
        filter.path = path
        filter.fixture = fixture
        filter.model = model
        return server.mock.journal.entries(filter)
    }

    /// Waits until at least `count` journal entries match and every one of them is complete
    /// (`bytesSent`, `durationMs`, `clientWentAway` filled in), and returns them. An exchange is
    /// journaled before its first byte is sent; its outcome follows a moment after the client has
    /// read the answer. Throws `TestServerError.timedOut` with what the journal held.
    public func waitForRequests(_ count: Int, path: String? = nil, fixture: String? = nil, model: String? = nil,
                                timeout: Duration = .seconds(5)) throws -> [JournalEntry] {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let entries = requests(path: path, fixture: fixture, model: model)
            if entries.count >= count, entries.allSatisfy(\.complete) { return entries }
            if clock.now >= deadline {
                throw TestServerError.timedOut("the journal has \(entries.count) matching entries (\(entries.filter(\.complete).count) complete) "
                                               + "after \(timeout), expected at least \(count), all complete")
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Moves a virtual clock (start with `clock: .virtual`).
    public func advanceClock(ms: Double) { server.mock.clock.advance(ms: ms) }

    public func stop() { server.stop() }
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
