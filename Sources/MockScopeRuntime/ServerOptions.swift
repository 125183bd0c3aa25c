import Foundation
import MockScope
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
    /// The most bytes the journal's entries may hold (the oldest go first; `--journal-bytes`).
    public var journalBytes = Journal.defaultByteLimit
    /// The most rate-limit windows held at once (idle ones expire; `--rate-limit-windows`).
    public var rateLimitWindows = RateLimiterRegistry.defaultMaxWindows
    /// The most tests kept apart at once (`X-MockScope-Test-Id`; `--test-scopes`).
    public var testScopes = TestScopeTable.defaultLimit
    /// Whether the working directory's `./fixtures` and `./scenarios` are served (the CLI does;
    /// an embedded server such as `TestServer` serves only what it is given and the built-ins).
    public var readsWorkingDirectory = true
    /// Whether repeated whole answers are kept in libmicrohttpd's form (off for in-memory runs,
    /// which read every body as bytes).
    public var preparesAnswers = true
    /// Recording (`settings.record` other than `none`): the upstream and where to write.
    public var recording: RecordingSetup?
    /// `--redact` names: more headers, query parameters and body fields the secret policy
    /// redacts everywhere (fixtures, journal, log).
    public var redact: [String] = []
    /// Where the per-request log line goes as bytes (the CLI's buffered standard error); nil: the
    /// service's `Logger`, a `String` per line.
    public var logWriter: BufferedLogWriter?
    /// `--models` files: model catalog rows added over the built-in catalog and the fixtures
    /// folders' `models.yaml` (docs/model-catalog.md).
    public var modelFiles: [String] = []

    /// The one secret policy every writer uses.
    public var secretPolicy: SecretPolicy { SecretPolicy(extraNames: redact + (recording?.redact ?? [])) }

    public init() {}
}
