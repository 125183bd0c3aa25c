import Logging
import MockScope
import MockScopeRuntime

/// A MockScope server started in-process on a free port, for Swift tests.
///
///     let server = try TestServer(fixtures: [fixtureDirectory])
///     defer { server.stop() }
///     // point a client at server.compatibleBaseURL / server.nativeBaseURL
public final class TestServer: Sendable {
    public let server: MockScopeServer

    /// Starts a server on 127.0.0.1, port 0, with fixtures from folders (or the built-in defaults).
    /// Logs are dropped unless a logger is given.
    public init(fixtures: [String] = [], settings: MockSettings = MockSettings(),
                logger: Logger = Logger(label: "mockscope.test", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        var options = ServerOptions()
        options.fixtureDirectories = fixtures
        options.settings = settings
        server = try MockScopeServer(options: options, logger: logger)
        try server.start()
    }

    public var port: UInt16 { server.port }
    public var baseURL: String { server.baseURL }
    public var compatibleBaseURL: String { server.compatibleBaseURL }
    public var nativeBaseURL: String { server.nativeBaseURL }
    /// Streams the HTTP layer is sending right now.
    public var activeStreams: Int { server.http.activeStreams }

    public func stop() { server.stop() }
}
