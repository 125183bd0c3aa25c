import Foundation
import Logging
import MockScope
import MockScopeHTTPTypes
import MockScopeMicroHTTPD
import MockScopeRecorder

/// Everything `mockscope serve` needs, in one place: where fixtures come from, how to listen.
public struct ServerOptions: Sendable {
    public var host = "127.0.0.1"
    public var port: UInt16 = 0
    /// Fixture folders; empty = `./fixtures` when it exists, else the built-in defaults.
    public var fixtureDirectories: [String] = []
    public var settings = MockSettings()
    public var http = DaemonConfiguration()
    /// Scenarios to load and activate: file paths, or names in `./scenarios` or the built-in library.
    public var scenarios: [String] = []
    /// Seed for chance and jitter.
    public var seed: UInt64 = 1
    public var clock: MockClock.Mode = .real
    /// How many exchanges the request journal keeps.
    public var journalSize = 1000
    /// Recording (`settings.record` other than `none`): the upstream and where to write.
    public var recording: RecordingSetup?
    /// `--redact` names: more headers, query parameters and body fields the secret policy
    /// redacts everywhere (fixtures, journal, log).
    public var redact: [String] = []

    /// The one secret policy every writer uses.
    public var secretPolicy: SecretPolicy { SecretPolicy(extraNames: redact + (recording?.redact ?? [])) }

    public init() {}
}

/// What `--upstream`/`--region`, `--record-to`, `--redact` and `--keep-partial` say.
public struct RecordingSetup: Sendable {
    public var upstream: Upstream
    /// Where fixtures are written; nil = the first fixture folder, else `./fixtures`.
    public var directory: String?
    public var redact: [String] = []
    public var keepPartial = false

    public init(upstream: Upstream, directory: String? = nil, redact: [String] = [], keepPartial: Bool = false) {
        self.upstream = upstream
        self.directory = directory
        self.redact = redact
        self.keepPartial = keepPartial
    }
}

/// A record mode was asked for without an upstream.
public struct RecordingConfigurationError: Error, CustomStringConvertible {
    public var description: String
}

/// A MockScope server: fixtures loaded, the domain and the HTTP layer wired together.
public final class MockScopeServer: Sendable {
    public let mock: ExchangeHandler
    public let http: MicroHTTPDDaemon
    public let options: ServerOptions
    /// Where the fixtures came from (folders, or "built-in defaults").
    public let fixtureSource: String
    /// The forwarder in record mode (`once` resolved at start: `all` into an empty folder, else `none`).
    public let recorder: Recorder?
    /// The record mode in force (`once` resolved).
    public var recordMode: RecordMode { mock.settings.record }

    /// Loads fixtures (throws `FixtureLoadError` with every problem) and prepares the server.
    public init(options: ServerOptions, logger: Logger = Logger(label: "mockscope")) throws {
        var options = options
        let recordTo = try Self.prepareRecording(&options)
        // The built-in scenario library is parsed while the fixtures load.
        let builtInScenarios = BackgroundValue { ScenarioLoader.builtIn() }
        let (fixtures, source) = try Self.loadFixtures(options.fixtureDirectories)
        var http = options.http
        http.host = options.host
        http.port = options.port
        self.options = options
        self.fixtureSource = source
        if !Self.isLoopback(options.host), options.settings.adminToken == nil {
            throw StartError.adminTokenRequired(host: options.host)
        }
        self.mock = ExchangeHandler(store: FixtureStore(fixtures), settings: options.settings, clock: MockClock(mode: options.clock),
                               seed: options.seed, journalSize: options.journalSize, logger: logger,
                               preparer: MicroHTTPDAnswerPreparer(), secrets: options.secretPolicy)
        let directories = options.fixtureDirectories
        mock.setFixtureSource { try Self.loadFixtures(directories).0 }
        if let setup = options.recording, let recordTo {
            let mock = self.mock
            let recorder = Recorder(options: RecorderOptions(upstream: setup.upstream, directory: recordTo, redact: setup.redact,
                                                             keepPartial: setup.keepPartial),
                                    logger: logger, onRecorded: { [weak mock] fixture in mock?.addFixture(fixture) })
            mock.attachForwarder(recorder)
            self.recorder = recorder
        } else {
            self.recorder = nil
        }
        try Self.loadScenarios(options.scenarios, builtIn: builtInScenarios.value, into: mock)
        self.http = MicroHTTPDDaemon(configuration: http, handler: mock)
        let server = self.http
        // Weak: the HTTP server holds the mock as its handler; a strong capture here would be a cycle (BUG-9).
        mock.reportActiveStreams({ [weak server] in server?.activeStreams ?? 0 }, openRequests: { [weak server] in server?.openRequests ?? 0 })
    }

    /// Whether a bind address is loopback only.
    public static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// Every built-in scenario is known (inactive) so `X-MockScope-Scenario: NAME` can pick it;
    /// the ones named in `references` are loaded and activated.
    static func loadScenarios(_ references: [String], builtIn: [Scenario] = ScenarioLoader.builtIn(), into mock: ExchangeHandler) throws {
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

    /// Record mode: checks there is an upstream, creates the recording folder, resolves `once`, and
    /// makes the served folders the `--fixtures` ones plus the recording folder (only it without
    /// `--fixtures`), so what is recorded replays after a restart. Returns the recording folder.
    static func prepareRecording(_ options: inout ServerOptions) throws -> String? {
        let mode = options.settings.record
        guard mode != .none else { return nil }
        guard let setup = options.recording else {
            throw RecordingConfigurationError(description: "--record \(mode.rawValue) needs an upstream: --upstream URL or --region beijing|singapore|us")
        }
        let cwd = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            ((path.hasPrefix("/") ? path : (cwd as NSString).appendingPathComponent(path)) as NSString).standardizingPath
        }
        let folder = absolute(setup.directory ?? options.fixtureDirectories.first ?? "fixtures")
        let alreadyHadFixtures = !FixtureLoader.loadDirectory(folder).0.isEmpty
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw RecordingConfigurationError(description: "--record-to \(folder): cannot create the folder: \(error.localizedDescription)")
        }
        if mode == .once { options.settings.record = alreadyHadFixtures ? .none : .all }
        let served = options.fixtureDirectories.map(absolute)
        if !served.contains(where: { folder == $0 || folder.hasPrefix($0 + "/") }) {
            options.fixtureDirectories.append(folder)
        }
        return folder
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
    public func stop() {
        http.stop()
        recorder?.shutdown()
    }

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

/// Why a server refuses to start.
public enum StartError: Error, CustomStringConvertible {
    case adminTokenRequired(host: String)

    public var description: String {
        switch self {
        case .adminTokenRequired(let host):
            return "binding \(host) exposes the admin API beyond this machine: pass --admin-token TOKEN (clients then send it as Authorization: Bearer TOKEN on /__admin/ routes), or bind 127.0.0.1"
        }
    }
}

/// A value computed on another thread from the moment it is made; `value` waits for it.
final class BackgroundValue<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: T?  // written once before `done` is signalled, read after

    init(_ compute: @escaping @Sendable () -> T) {
        DispatchQueue.global().async {
            self.result = compute()
            self.done.signal()
        }
    }

    var value: T {
        done.wait()
        done.signal()
        return result!
    }
}
