import Foundation
import Logging
import MockScope
import MockScopeHTTPTypes
import MockScopeMicroHTTPD
import MockScopeRecorder

/// MockScope as one service: fixtures and scenarios loaded, the exchange handler (the domain),
/// the libmicrohttpd daemon and the recorder wired together. `run()` is its swift-service-lifecycle
/// life (start, serve until a graceful shutdown, drain); `start()`/`stop()` drive it by hand.
public final class MockScopeService: Sendable {
    /// Every request's handler: the exchange pipeline, the journal, metrics, scenarios.
    public let handler: ExchangeHandler
    /// The HTTP server.
    public let daemon: MicroHTTPDDaemon
    public let options: ServerOptions
    /// Where the fixtures came from (folders, or "built-in defaults").
    public let fixtureSource: String
    /// The forwarder in record mode (`once` resolved at start: `all` into an empty folder, else `none`).
    public let recorder: Recorder?
    /// The record mode in force (`once` resolved).
    public var recordMode: RecordMode { handler.settings.record }

    /// Loads fixtures (throws `FixtureLoadError` with every problem) and prepares the server.
    public init(options: ServerOptions, logger: Logger = Logger(label: "mockscope")) throws {
        var options = options
        let recordTo = try Self.prepareRecording(&options)
        // The built-in scenario library is parsed while the fixtures load.
        let builtInScenarios = BackgroundValue { ScenarioLoader.builtIn() }
        let (fixtures, source) = try Self.loadFixtures(options.fixtureDirectories, workingDirectory: options.readsWorkingDirectory)
        options.settings.catalog = try Self.loadCatalog(options)
        var http = options.http
        http.host = options.host
        http.port = options.port
        options.settings.boundToLoopback = Self.isLoopback(options.host)
        self.options = options
        self.fixtureSource = source
        if let token = options.settings.adminToken, token.allSatisfy(\.isWhitespace) {
            throw StartError.emptyAdminToken
        }
        if !Self.isLoopback(options.host), options.settings.adminToken == nil {
            throw StartError.adminTokenRequired(host: options.host)
        }
        self.handler = ExchangeHandler(store: FixtureStore(fixtures), settings: options.settings, clock: MockClock(mode: options.clock),
                               seed: options.seed, journalSize: options.journalSize, journalBytes: options.journalBytes,
                               rateLimitWindows: options.rateLimitWindows, testScopes: options.testScopes, logger: logger,
                               preparer: options.preparesAnswers ? MicroHTTPDAnswerPreparer() : nil, secrets: options.secretPolicy,
                               logWriter: options.logWriter)
        let directories = options.fixtureDirectories
        let workingDirectory = options.readsWorkingDirectory
        handler.setFixtureSource { try Self.loadFixtures(directories, workingDirectory: workingDirectory).0 }
        if let setup = options.recording, let recordTo {
            let handler = self.handler
            let recorder = Recorder(options: RecorderOptions(upstream: setup.upstream, directory: recordTo, redact: options.redact + setup.redact,
                                                             keepPartial: setup.keepPartial, clientQueueBytes: setup.clientQueueBytes,
                                                             normalize: setup.normalize),
                                    logger: logger, onRecorded: { [weak handler] fixture in handler?.addFixture(fixture) })
            handler.attachForwarder(recorder)
            self.recorder = recorder
        } else {
            self.recorder = nil
        }
        try Self.loadScenarios(options.scenarios, builtIn: builtInScenarios.value, into: handler,
                               workingDirectory: options.readsWorkingDirectory)
        self.daemon = MicroHTTPDDaemon(configuration: http, handler: handler)
        let server = self.daemon
        // Weak: the daemon holds the handler; a strong capture here would be a cycle (BUG-9).
        handler.reportActiveStreams({ [weak server] in server?.activeStreams ?? 0 }, openRequests: { [weak server] in server?.openRequests ?? 0 })
    }

    /// Whether a bind address is loopback only.
    public static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// Every built-in scenario is known (inactive) so `X-MockScope-Scenario: NAME` can pick it;
    /// the ones named in `references` are loaded and activated.
    static func loadScenarios(_ references: [String], builtIn: [Scenario] = ScenarioLoader.builtIn(), into handler: ExchangeHandler,
                              workingDirectory: Bool = true) throws {
        let now = handler.clock.nowMs()
        for scenario in builtIn { handler.scenarios.add(scenario, active: false, nowMs: now) }
        if workingDirectory, let local = try? FileManager.default.contentsOfDirectory(atPath: "scenarios"), !local.isEmpty {
            let (scenarios, _) = ScenarioLoader.loadDirectory("scenarios")
            for scenario in scenarios { handler.scenarios.add(scenario, active: false, nowMs: now) }
        }
        var problems: [ScenarioProblem] = []
        for reference in references {
            switch ScenarioLoader.resolve(reference, builtIn: builtIn) {
            case .success(let scenario): handler.scenarios.add(scenario, active: true, nowMs: now)
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

    static func loadFixtures(_ directories: [String], workingDirectory: Bool = true) throws -> ([Fixture], String) {
        if !directories.isEmpty {
            return (try FixtureLoader.load(directories: directories), directories.joined(separator: ", "))
        }
        if workingDirectory, let local = FixtureLoader.defaultDirectory() {
            return (try FixtureLoader.load(directories: [local]), local)
        }
        return (try FixtureLoader.loadEmbedded(), "built-in defaults")
    }

    /// The settings' catalog with each served fixtures folder's `models.yaml`, then the `--models`
    /// files, added in order; throws the first `ModelCatalogProblem` (file, line, what to fix).
    static func loadCatalog(_ options: ServerOptions) throws -> ModelCatalog {
        var folders = options.fixtureDirectories
        if folders.isEmpty, options.readsWorkingDirectory, let local = FixtureLoader.defaultDirectory() { folders = [local] }
        let files = ModelCatalogLoader.folderFiles(folders) + options.modelFiles
        return try ModelCatalogLoader.load(files: files, base: options.settings.catalog).get()
    }

    public func start() throws { try daemon.start() }

    /// Stops at once: open streams are ended; recordings still open are given up for "server
    /// shutting down" (partial files with `--keep-partial`, else dropped; each logged), and their
    /// writes are waited for (bounded) so that no temporary file is left when this returns.
    public func stop() {
        // First: the recorder's reason must be set before the daemon ends the clients' connections
        // (which would otherwise read as "the client went away").
        recorder?.beginShutdown()
        daemon.stop()
        recorder?.shutdown()
    }

    public var port: UInt16 { daemon.port }
    public var baseURL: String {
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        return "http://\(host):\(port)"
    }
    /// Base URL for the `openai` SDK.
    public var compatibleBaseURL: String { baseURL + "/compatible-mode/v1" }
    /// Base URL for the `dashscope` SDK (`dashscope.base_http_api_url`).
    public var nativeBaseURL: String { baseURL + "/api/v1" }
    /// The coding plan's base URL (chat completions and models under plain `/v1`).
    public var codingPlanBaseURL: String { baseURL + "/v1" }
}
