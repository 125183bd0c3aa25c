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
        self.mock = MockServer(store: FixtureStore(fixtures), settings: options.settings, logger: logger)
        self.http = HTTPServer(configuration: http, handler: mock)
        let server = self.http
        mock.reportActiveStreams { server.activeStreams }
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
