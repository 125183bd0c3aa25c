import Foundation
import Logging
import MockScope
import MockScopeHTTP

/// Everything `mockscope serve` needs, in one place: where fixtures come from, how to listen.
public struct ServerOptions: Sendable {
    public var host = "127.0.0.1"
    public var port: UInt16 = 0
    /// Fixture folders; empty = `./fixtures` when it exists, else the built-in defaults.
    public var fixtureDirectories: [String] = []
    public var settings = MockSettings()
    public var http = HTTPServerConfiguration()
    /// Scenarios to load and activate: file paths, or names in `./scenarios` or the built-in library.
    public var scenarios: [String] = []
    /// Seed for chance and jitter.
    public var seed: UInt64 = 1
    public var clock: MockClock.Mode = .real

    public init() {}
}

/// A MockScope server: fixtures loaded, the domain and the HTTP layer wired together.
public final class MockScopeServer: Sendable {
    public let mock: MockServer
    public let http: HTTPServer
    public let options: ServerOptions
    /// Where the fixtures came from (folders, or "built-in defaults").
    public let fixtureSource: String

    /// Loads fixtures (throws `FixtureLoadError` with every problem) and prepares the server.
    public init(options: ServerOptions, logger: Logger = Logger(label: "mockscope")) throws {
        let (fixtures, source) = try Self.loadFixtures(options.fixtureDirectories)
        var http = options.http
        http.host = options.host
        http.port = options.port
        self.options = options
        self.fixtureSource = source
        self.mock = MockServer(store: FixtureStore(fixtures), settings: options.settings, clock: MockClock(mode: options.clock),
                               seed: options.seed, logger: logger)
        try Self.loadScenarios(options.scenarios, into: mock)
        self.http = HTTPServer(configuration: http, handler: mock)
        let server = self.http
        mock.reportActiveStreams { server.activeStreams }
    }

    /// Every built-in scenario is known (inactive) so `X-MockScope-Scenario: NAME` can pick it;
    /// the ones named in `references` are loaded and activated.
    static func loadScenarios(_ references: [String], into mock: MockServer) throws {
        let builtIn = ScenarioLoader.builtIn()
        let now = mock.clock.nowMs()
        for scenario in builtIn { mock.scenarios.add(scenario, active: false, nowMs: now) }
        if let local = try? FileManager.default.contentsOfDirectory(atPath: "scenarios"), !local.isEmpty {
            let (scenarios, _) = ScenarioLoader.loadDirectory("scenarios")
            for scenario in scenarios { mock.scenarios.add(scenario, active: false, nowMs: now) }
        }
        var problems: [ScenarioProblem] = []
        for reference in references {
            switch ScenarioLoader.resolve(reference, builtIn: builtIn) {
            case .success(let scenario): mock.scenarios.add(scenario, active: true, nowMs: now)
            case .failure(let problem): problems.append(problem)
            }
        }
        if !problems.isEmpty { throw ScenarioLoadError(problems: problems) }
    }

    static func loadFixtures(_ directories: [String]) throws -> ([Fixture], String) {
        if !directories.isEmpty {
            return (try FixtureLoader.load(directories: directories), directories.joined(separator: ", "))
        }
        if let local = FixtureLoader.defaultDirectory() {
            return (try FixtureLoader.load(directories: [local]), local)
        }
        return (try FixtureLoader.loadEmbedded(), "built-in defaults")
    }

    public func start() throws { try http.start() }
    public func stop() { http.stop() }

    public var port: UInt16 { http.port }
    public var baseURL: String {
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        return "http://\(host):\(port)"
    }
    /// Base URL for the `openai` SDK.
    public var compatibleBaseURL: String { baseURL + "/compatible-mode/v1" }
    /// Base URL for the `dashscope` SDK (`dashscope.base_http_api_url`).
    public var nativeBaseURL: String { baseURL + "/api/v1" }
}

/// Scenarios named at start that could not be loaded.
public struct ScenarioLoadError: Error, CustomStringConvertible {
    public var problems: [ScenarioProblem]
    public var description: String {
        "\(problems.count) problem(s) in scenarios:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
