import ArgumentParser
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import MockScope
import MockScopeRecorder
import MockScopeRuntime

@main
struct MockScopeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mockscope",
        abstract: "A local mock-and-replay server for Alibaba Cloud DashScope (Qwen): OpenAI-compatible and native protocols.",
        discussion: "Point the openai SDK at http://HOST:PORT/compatible-mode/v1 and the dashscope SDK at http://HOST:PORT/api/v1; MockScope answers from recorded fixtures, with their timing, and breaks on request (faults, scenarios, rate limits).",
        version: MockScopeVersion.current,
        subcommands: [Serve.self, Record.self, Validate.self, Drift.self],
        defaultSubcommand: Serve.self)
}

extension UnmatchedPolicy: ExpressibleByArgument {}
extension MockClock.Mode: ExpressibleByArgument {}
extension RecordMode: ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}
extension UnknownModelPolicy: ExpressibleByArgument {}
extension Upstream.Region: ExpressibleByArgument {}

/// Where recordings come from and go (`serve --record MODE`, `record`).
struct RecordingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Forward to this base URL when recording (any http:// or https:// URL).", valueName: "url"))
    var upstream: String?

    @Option(help: ArgumentHelp("Forward to DashScope in this region when recording: beijing (dashscope.aliyuncs.com), singapore (dashscope-intl), us (dashscope-us).", valueName: "region"))
    var region: Upstream.Region?

    @Option(name: .customLong("record-to"), help: ArgumentHelp("Folder recordings are written to (default: the first --fixtures folder, else ./fixtures). Without --fixtures it is also the only folder served.", valueName: "dir"))
    var recordTo: String?

    @Option(name: .customLong("redact"), help: ArgumentHelp("Also redact this header, query parameter or JSON body field (case-insensitive; repeatable). Authorization, DashScope key headers, cookies, api_key/token query parameters and api_key/access_token/secret/password body fields always are.", valueName: "name"))
    var redact: [String] = []

    @Flag(name: .customLong("keep-partial"), help: "Keep an interrupted recording as a fixture marked \"partial\": true (replay ignores it).")
    var keepPartial = false

    @Option(name: .customLong("record-normalize"), help: ArgumentHelp("Write this normalizer into every recorded chat fixture, so its volatile parts match again (repeatable): \(BuiltinNormalizer.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var recordNormalize: [String] = []

    @Option(name: .customLong("record-buffer-bytes"),
            help: "Most bytes of an answer held for a client that reads slower than the upstream sends; over it the upstream read pauses (default 1048576, at least 16384).")
    var recordBufferBytes = RecorderOptions.defaultClientQueueBytes

    /// Checks the options for `mode`; nil when no upstream was given.
    func setup(for mode: RecordMode) throws -> RecordingSetup? {
        if upstream != nil, region != nil { throw ValidationError("Give --upstream or --region, not both.") }
        let resolved: Upstream?
        if let upstream {
            do { resolved = try Upstream(url: upstream) } catch { throw ValidationError("\(error)") }
        } else {
            resolved = region.map { Upstream(region: $0) }
        }
        guard let resolved else {
            if mode != .none {
                throw ValidationError("--record \(mode.rawValue) forwards to the real service: give --upstream URL or --region beijing|singapore|us.")
            }
            return nil
        }
        var normalize: [BuiltinNormalizer] = []
        for name in recordNormalize {
            guard let builtin = BuiltinNormalizer(rawValue: name) else {
                throw ValidationError("--record-normalize \(name): use one of \(BuiltinNormalizer.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            normalize.append(builtin)
        }
        return RecordingSetup(upstream: resolved, directory: recordTo, redact: redact, keepPartial: keepPartial,
                              clientQueueBytes: recordBufferBytes, normalize: normalize)
    }
}

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record: serve with --record new against an upstream (--upstream URL or --region).",
        discussion: "The same as `mockscope serve --record new`: requests a fixture matches are replayed; the others are forwarded to the upstream, streamed back as they arrive, and written (secrets redacted) to --record-to, then replayed from there. Takes every `serve` option; --record is always `new` here.")

    @OptionGroup var serve: ServeOptions

    func validate() throws {
        guard serve.record == .none || serve.record == .new else {
            throw ValidationError("`mockscope record` always records new requests; use `mockscope serve --record \(serve.record.rawValue)` for that mode.")
        }
        _ = try serve.recording.setup(for: .new)
    }

    func run() throws {
        var serve = self.serve
        serve.record = .new
        try serve.run()
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve fixtures over HTTP.",
        discussion: "With no --fixtures, serves ./fixtures when it exists, else the built-in default fixtures. Per request, the headers X-MockScope-Speed, X-MockScope-Fault and X-MockScope-Scenario override the server's settings (docs/faults.md, docs/scenarios.md). With --record new|all|once, requests are forwarded to --upstream/--region and recorded (see `mockscope record`).")

    @OptionGroup var options: ServeOptions

    func run() throws { try options.run() }
}

/// Every `serve` option (shared with `record`, which is `serve --record new`).
struct ServeOptions: ParsableArguments {

    @Option(help: "Address to bind (numeric IPv4 or IPv6). Loopback unless you need otherwise.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (printed at start, and written to --port-file).")
    var port: UInt16 = 8089

    @Option(name: .customLong("port-file"), help: ArgumentHelp("Once listening, write the bound port (decimal, then a newline) to this file, atomically (a temporary file in the same folder, renamed over it); the folder must exist. The file is left in place at exit.", valueName: "path"))
    var portFile: String?

    @Option(name: .customLong("fixtures"), help: ArgumentHelp("A folder of fixture files (repeatable).", valueName: "dir"))
    var fixtures: [String] = []

    @Option(name: .customLong("models"), help: ArgumentHelp("A model catalog file (YAML, the format of catalog/models.yaml) whose rows are added over the built-in catalog and the fixtures folders' models.yaml (repeatable; docs/model-catalog.md).", valueName: "file"))
    var models: [String] = []

    @Option(name: .customLong("unknown-models"), help: ArgumentHelp("A chat request naming a model the catalog does not know: accept (default; default ranges, thinking only when asked) or reject (the protocol's model-not-found error).", valueName: "accept|reject"))
    var unknownModels: UnknownModelPolicy = .accept

    @Option(name: .customLong("task-pending-ms"), help: ArgumentHelp("How long a created asynchronous task (an image task) stays PENDING, in ms of the server's clock (real or virtual).", valueName: "ms"))
    var taskPendingMs = TaskTimings.standard.pendingMs

    @Option(name: .customLong("task-running-ms"), help: ArgumentHelp("How long a task then stays RUNNING before it is SUCCEEDED, in ms of the server's clock.", valueName: "ms"))
    var taskRunningMs = TaskTimings.standard.runningMs

    @Option(help: "Replay speed: 1 = recorded timing, 2 = twice as fast, 0 = no delays.")
    var speed: Double = 1

    @Option(help: "When nothing matches: 'error' (the protocol's error with a near-miss report) or 'synthesize' (a generated answer).")
    var unmatched: UnmatchedPolicy = .error

    @Option(name: .customLong("api-key"), help: ArgumentHelp("Accept only this key (repeatable). Default: any non-empty key.", valueName: "key"))
    var apiKeys: [String] = []

    @Option(name: .customLong("scenario"), help: ArgumentHelp("Activate a scenario: a YAML file, or a name in ./scenarios or the built-in library (repeatable).", valueName: "name|file"))
    var scenarios: [String] = []

    @Option(help: "Seed for chance and jitter in faults: the same seed gives the same faults.")
    var seed: UInt64 = 1

    @Option(help: "Clock for rate-limit and scenario windows: 'real', or 'virtual' (moved by POST /__admin/clock).")
    var clock: MockClock.Mode = .real

    @Option(name: .customLong("rate-limit"), help: ArgumentHelp("Enforce per-minute limits on every request, e.g. \"rpm=60 tpm=100000\"; \"\" for the model tiers' documented defaults.", valueName: "limits"))
    var rateLimit: String?

    @Option(name: .customLong("admin-token"), help: ArgumentHelp("Require this token on /__admin/ routes (needed when --host is not loopback).", valueName: "token"))
    var adminToken: String?

    @Flag(name: .customLong("allow-browser-requests"), help: "Answer protocol requests a web page could send (a foreign Origin, Sec-Fetch-Site: cross-site, a non-loopback Host while bound to loopback); refused with the protocol's 403 by default.")
    var allowBrowserRequests = false

    @Option(help: "How many exchanges the request journal keeps (a ring: older ones drop off).")
    var journalSize = 1000

    @Option(help: ArgumentHelp("The most bytes the journal's entries hold (at least 1 MiB; the oldest drop off first; each client string is capped too).", valueName: "bytes"))
    var journalBytes = Journal.defaultByteLimit

    @Option(help: ArgumentHelp("The most rate-limit windows held at once (idle ones expire after a minute on the server's clock; the least recently used go when full).", valueName: "count"))
    var rateLimitWindows = RateLimiterRegistry.defaultMaxWindows

    @Option(help: ArgumentHelp("The most tests (X-MockScope-Test-Id) whose scenario progress, rate-limit windows and sequence positions are kept apart at once (the least recently used is forgotten when full).", valueName: "count"))
    var testScopes = TestScopeTable.defaultLimit

    @Option(help: "Largest request body accepted, in bytes (larger gets the protocol's 413).")
    var maxBodyBytes = 8 * 1024 * 1024

    @Option(help: ArgumentHelp("Memory per connection, in bytes: the request's header block must fit in about half of it (larger gets 431); streams held at once cost about this much each.", valueName: "bytes"))
    var connectionMemory = ServerOptions().http.connectionMemoryLimit

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: ArgumentHelp("Log layout on standard error: text (swift-log's) or json (one object per line, for log shippers).", valueName: "format"))
    var logFormat: LogFormat = .text

    @Option(help: ArgumentHelp("How often buffered log lines are written to standard error, in ms (also at exit; a crash loses at most this much).", valueName: "ms"))
    var logFlushMs = BufferedLogWriter.defaultFlushIntervalMillis

    @Option(help: ArgumentHelp("The most log bytes held while standard error does not keep up (past it lines are dropped and counted, never waited for).", valueName: "bytes"))
    var logBufferBytes = BufferedLogWriter.defaultMaxBufferedBytes

    @Option(help: ArgumentHelp("Record mode: none (replay only), once (record everything when the recording folder has no fixtures yet, else replay only), new (replay what matches, forward and record the rest), all (forward and record everything, overwriting). Needs --upstream or --region.", valueName: "mode"))
    var record: RecordMode = .none

    @OptionGroup(title: "Recording")
    var recording: RecordingOptions

    @OptionGroup(title: "Responses API")
    var responses: ResponsesOptions

    func validate() throws {
        _ = try recording.setup(for: record)
        guard speed >= 0, speed.isFinite else { throw ValidationError("--speed must be a number >= 0 (0 = no delays).") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard taskPendingMs >= 0, taskPendingMs.isFinite, taskRunningMs >= 0, taskRunningMs.isFinite else {
            throw ValidationError("--task-pending-ms and --task-running-ms must be numbers >= 0 (ms).")
        }
        guard maxBodyBytes > 0 else { throw ValidationError("--max-body-bytes must be positive.") }
        guard (1...10_000).contains(logFlushMs) else { throw ValidationError("--log-flush-ms must be between 1 and 10000.") }
        guard logBufferBytes >= 64 * 1024 else { throw ValidationError("--log-buffer-bytes must be at least 65536.") }
        guard journalBytes >= Journal.minimumByteLimit else {
            throw ValidationError("--journal-bytes must be at least \(Journal.minimumByteLimit) (1 MiB).")
        }
        guard rateLimitWindows >= 1 else { throw ValidationError("--rate-limit-windows must be at least 1.") }
        guard testScopes >= 1 else { throw ValidationError("--test-scopes must be at least 1.") }
        guard connectionMemory >= 4096 else { throw ValidationError("--connection-memory must be at least 4096 bytes.") }
        if let rateLimit {
            do { _ = try FaultRegistry.parse("rate_limit " + rateLimit) } catch { throw ValidationError("--rate-limit: \(error)") }
        }
    }

    func run() throws {
        _ = ProcessMemory.mmapThreshold  // glibc set to give freed memory back (CProcessMemory)
        ProcessMemory.trimWhenGrown()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        // One buffered writer for every line on standard error, written by a timer (no syscall
        // per request), flushed before exit.
        let logWriter = BufferedLogWriter(fd: 2, format: logFormat, flushIntervalMillis: logFlushMs, maxBufferedBytes: logBufferBytes)
        defer { logWriter.close() }
        LoggingSystem.bootstrap { label in BufferedLogHandler(label: label, writer: logWriter, level: level) }
        var options = ServerOptions()
        options.host = host
        options.port = port
        options.fixtureDirectories = fixtures
        let globalFaults = try rateLimit.map { try FaultRegistry.parse("rate_limit " + $0) } ?? []
        options.settings = MockSettings(speed: speed, unmatched: unmatched, apiKeys: Set(apiKeys), globalFaults: globalFaults)
        options.settings.adminToken = adminToken
        options.settings.refusesBrowserRequests = !allowBrowserRequests
        options.settings.unknownModels = unknownModels
        options.settings.responses = responses.settings
        options.settings.taskTimings = TaskTimings(pendingMs: taskPendingMs, runningMs: taskRunningMs)
        options.modelFiles = models
        options.journalSize = journalSize
        options.journalBytes = journalBytes
        options.rateLimitWindows = rateLimitWindows
        options.testScopes = testScopes
        options.scenarios = scenarios
        options.seed = seed
        options.clock = clock
        options.http.maxBodyBytes = maxBodyBytes
        options.http.connectionMemoryLimit = connectionMemory
        options.settings.record = record
        options.recording = try recording.setup(for: record)
        options.redact = recording.redact
        options.logWriter = logWriter

        let server: MockScopeService
        do {
            server = try MockScopeService(options: options)
            try server.start()
        } catch {
            logWriter.close()
            FileHandle.standardError.write(Data("mockscope: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let portFile {
            do {
                try PortFile.save(server.port, to: portFile)
            } catch {
                server.stop()
                FileHandle.standardError.write(Data("mockscope: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        printBanner(server)

        // SIGINT/SIGTERM: a graceful shutdown (stop accepting, let recordings finish, end open
        // streams), then exit 0.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "mockscope.lifecycle")))
        let done = DispatchSemaphore(value: 0)
        Task {
            try? await group.run()
            done.signal()
        }
        done.wait()
        print("MockScope stopped.")
    }

    func printBanner(_ server: MockScopeService) {
        let fixtures = server.handler.store.fixtures
        let compatible = fixtures.filter { Endpoint(path: $0.request.path).apiProtocol == .compatible }.count
        let native = fixtures.filter { Endpoint(path: $0.request.path).apiProtocol == .native }.count
        var lines = [
            "MockScope listening on \(server.baseURL)",
            "  fixtures: \(fixtures.count) (\(compatible) OpenAI-compatible, \(native) native, \(fixtures.count - compatible - native) other) from \(server.fixtureSource)",
            "  openai:    OpenAI(base_url=\"\(server.compatibleBaseURL)\", api_key=...)",
            "  dashscope: dashscope.base_http_api_url = \"\(server.nativeBaseURL)\"",
            "  anthropic: Anthropic(base_url=\"\(server.baseURL)/apps/anthropic\", api_key=...)",
            "  speed \(speed), unmatched requests: \(unmatched.rawValue), clock: \(clock.rawValue), seed \(seed)",
        ]
        let active = server.handler.scenarios.all.filter(\.active).map(\.scenario.name)
        if !active.isEmpty { lines.append("  scenarios active: \(active.joined(separator: ", "))") }
        if let rateLimit { lines.append("  rate limit: \(rateLimit.isEmpty ? "model tier defaults" : rateLimit)") }
        if !apiKeys.isEmpty { lines.append("  accepting \(apiKeys.count) API key(s)") }
        if let recorder = server.recorder {
            let mode = record == .once ? "once (resolved: \(server.recordMode.rawValue))" : record.rawValue
            lines.append("  recording: \(mode), upstream \(recorder.options.upstream), to \(recorder.options.directory)")
        }
        // Written straight to the file descriptor: a pipe must see it at once (Tests/reliability and
        // bench/run wait for it; a program that only needs the port reads --port-file instead).
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

/// `serve --port-file PATH`: the bound port, for a process that started the server on port 0.
enum PortFile {
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes "PORT\n" to `path` atomically: into a temporary file beside it, renamed over it, so
    /// a reader sees no file or the whole line. Touches no other file (the temporary one is
    /// removed when the write fails).
    static func save(_ port: UInt16, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WriteError(description: "--port-file \(path): the folder \(folder) does not exist (create it first)")
        }
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        func failure(_ what: String) -> WriteError {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return WriteError(description: "--port-file \(path): cannot \(what): \(reason)")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create \(temporary)") }
        let line = Array("\(port)\n".utf8)
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            let error = failure("write \(temporary)")
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw failure("write \(temporary)") }
        guard rename(temporary, path) == 0 else { throw failure("rename \(temporary) to it") }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check fixture folders without serving them; prints counts and every problem.")

    @Argument(help: "Fixture folders to check (default: ./fixtures).")
    var directories: [String] = []

    @Option(name: .customLong("scenarios"), help: ArgumentHelp("Scenario folders or files to check (default: ./scenarios when it exists).", valueName: "path"))
    var scenarioPaths: [String] = []

    func run() throws {
        let folders = directories.isEmpty ? ["fixtures"] : directories
        var total = 0
        var problems: [FixtureProblem] = []
        var all: [Fixture] = []
        for folder in folders {
            let (fixtures, found) = FixtureLoader.loadDirectory(folder)
            all += fixtures
            total += fixtures.count + found.count
            problems += found
            print("\(folder): \(fixtures.count) fixture(s) valid, \(found.count) with problems")
        }
        problems += FixtureLoader.duplicateNameProblems(all)
        let streams = all.filter { $0.plan.isStream }.count
        print("\(all.count) fixtures loaded (\(streams) streamed, \(all.count - streams) whole) from \(total) file(s)")
        var messages = problems.map(\.description)

        var scenarioPaths = self.scenarioPaths
        if scenarioPaths.isEmpty, FileManager.default.fileExists(atPath: "scenarios") { scenarioPaths = ["scenarios"] }
        for path in scenarioPaths {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                let (scenarios, found) = ScenarioLoader.loadDirectory(path)
                print("\(path): \(scenarios.count) scenario(s) valid, \(found.count) with problems")
                messages += found.map(\.description)
            } else if case .failure(let problem) = ScenarioLoader.load(file: path) {
                messages.append(problem.description)
            } else {
                print("\(path): valid scenario")
            }
        }
        if messages.isEmpty {
            print("No problems found.")
            return
        }
        print("\(messages.count) problem(s):")
        for message in messages { print("  - \(message)") }
        throw ExitCode(1)
    }
}
