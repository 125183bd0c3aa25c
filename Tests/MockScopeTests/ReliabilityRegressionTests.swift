import Foundation
import Logging
@testable import MockScope
import MockScopeHTTPTypes
@testable import MockScopeMicroHTTPD
import MockScopeRuntime
import MockScopeTesting
import Synchronization
import Testing

// Regression tests for what the reliability work (issue 8, RELIABILITY.md) found. A crash is
// tested in an exit test (a child process), so that one trap does not take the whole test run
// down with it. The HTTP-level findings (smuggling, half-sent requests) are in
// Tests/python/test_reliability.py, over raw sockets against the real binary.
//
// Every finding below was fixed in the session that found it; each test keeps it fixed. A new
// finding runs inside `withKnownIssue` until its fix lands (then the wrapper goes).

@Suite("Reliability regressions (RELIABILITY.md)")
struct ReliabilityRegressionTests {
    static let chatPath = "/compatible-mode/v1/chat/completions"

    static func server(logger: Logger = Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })) throws -> ExchangeHandler {
        ExchangeHandler(store: FixtureStore(try FixtureLoader.loadEmbedded()), settings: MockSettings(speed: 0), logger: logger)
    }

    /// Handles a request and completes it as the HTTP layer would (journal, log line).
    @discardableResult
    static func exchange(_ server: ExchangeHandler, _ request: HTTPRequest) -> HTTPResponse {
        let response = server.handle(request)
        var bytes = 0
        if case .bytes(let body) = response.body { bytes = body.count }
        server.completed(request, outcome: HTTPOutcome(status: response.status, bytesSent: bytes, durationNanos: 1000,
                                                       clientWentAway: false, tag: response.tag))
        return response
    }

    // MARK: BUG-1: a usage count longer than Int traps the fixture loader

    /// Found by fuzz/run fixture (fuzz/crashers/fixture/completion-tokens-overflow.json): reading the
    /// completion tokens of a body multiplies by ten per digit without a bound, so 20 digits
    /// overflow Int and trap: any fixture file, any `POST /__admin/fixtures`, any recording whose
    /// usage says so kills the server.
    @Test func hugeUsageCountsDoNotCrashTheFixtureLoader() async {
        await fixedIssue("BUG-1: Fixture.completionTokens overflows Int") {
        await #expect(processExitsWith: .success) {
            let text = #"{"mockscope":1,"request":{"method":"GET","path":"/u"},"response":{"status":200,"body":"{\"usage\":{\"completion_tokens\":99999999999999999999}}"}}"#
            _ = FixtureLoader.parse(Array(text.utf8), file: "t.json", defaultName: "t")
        }
        await #expect(processExitsWith: .success) {
            let text = #"{"mockscope":1,"request":{"method":"POST","path":"/s"},"response":{"status":200,"events":[{"at":1,"data":"data: {\"usage\":{\"output_tokens\":184467440737095516160}}\n\n"}]}}"#
            _ = FixtureLoader.parse(Array(text.utf8), file: "t.json", defaultName: "t")
        }
        }
    }

    /// The same input over the admin API: one request kills the server.
    @Test func hugeUsageCountsOverTheAdminAPIDoNotCrashTheServer() async {
        await fixedIssue("BUG-1: Fixture.completionTokens overflows Int") {
        await #expect(processExitsWith: .success) {
            let server = try! ReliabilityRegressionTests.server()
            let text = #"{"mockscope":1,"name":"big","request":{"method":"GET","path":"/u"},"response":{"status":200,"body":"{\"usage\":{\"completion_tokens\":99999999999999999999}}"}}"#
            let response = server.handle(HTTPRequest(method: "POST", path: "/__admin/fixtures", body: Array(text.utf8)))
            precondition(response.status == 201 || response.status == 400)
        }
        }
    }

    // MARK: BUG-3: admin routes read a truncated body instead of refusing it

    /// The HTTP layer keeps only the start of a body over --max-body-bytes and flags it; the
    /// protocol routes answer 413, the admin routes parse the start as if it were the whole body.
    @Test func adminRoutesRefuseBodiesOverTheLimit() throws {
        let server = try Self.server()
        let text = #"{"mockscope":1,"name":"big","request":{"method":"GET","path":"/big"},"response":{"status":200,"body":"yyyy"}}"#
        fixedIssue("BUG-3: admin routes ignore bodyTooLarge") {
            for path in ["/__admin/fixtures", "/__admin/scenarios", "/__admin/settings", "/__admin/clock"] {
                let response = server.handle(HTTPRequest(method: "POST", path: path, body: Array(text.utf8), bodyTooLarge: true))
                #expect(response.status == 413, "\(path) answered \(response.status) to a body over the limit")
            }
            #expect(server.store.fixture(named: "big") == nil)
        }
    }

    // MARK: BUG-4: request text forges log lines

    /// A percent-encoded CR/LF in the path (libmicrohttpd decodes it) or in an admin fixture's
    /// name is written raw into the one-line-per-request log: a client can add log lines.
    @Test func logLinesStayOneLine() throws {
        let log = CollectedLog()
        let server = try Self.server(logger: log.logger)
        _ = Self.exchange(server, HTTPRequest(method: "GET", path: "/x\r\n2026-01-01T00:00:00+0000 info mockscope: FORGED"))
        _ = Self.exchange(server, HTTPRequest(method: "POST", path: "/compatible-mode/v1/embeddings\nFORGED",
                                             headers: HeaderFields([("Authorization", "Bearer k")]), body: Array("{}".utf8)))
        let fixture = #"{"mockscope":1,"name":"n\nFORGED NAME","request":{"method":"GET","path":"/forged"},"response":{"status":200,"body":"x"}}"#
        _ = server.handle(HTTPRequest(method: "POST", path: "/__admin/fixtures", body: Array(fixture.utf8)))
        _ = Self.exchange(server, HTTPRequest(method: "GET", path: "/forged"))
        let messages = log.messages
        #expect(messages.count >= 3)
        fixedIssue("BUG-4: request text is logged raw") {
            for message in messages {
                #expect(!message.contains("\n") && !message.contains("\r"), "a log message spans lines: \(message.debugDescription)")
            }
        }
    }

    // MARK: BUG-2: the API key reaches the journal and the log

    /// The key the client authenticated with is scrubbed from the journal's body and near-miss
    /// report (fixed in cc0d3c2), but a key sent as a query parameter is kept as is.
    @Test func theAPIKeyIsNeverJournaledOrLogged() throws {
        let key = "sk-RelSecret7q"
        let log = CollectedLog()
        let server = try Self.server(logger: log.logger)
        let headers = HeaderFields([("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")])
        let nearMiss = #"{"model":"qwen-plus","messages":[{"role":"user","content":"my key is \#(key)"}]}"#
        _ = Self.exchange(server, HTTPRequest(method: "POST", path: Self.chatPath, headers: headers, body: Array(nearMiss.utf8)))
        let generic = #"{"model":"text-embedding-v4","input":"x","api_key":"\#(key)"}"#
        _ = Self.exchange(server, HTTPRequest(method: "POST", path: "/compatible-mode/v1/embeddings", headers: headers, body: Array(generic.utf8)))
        let who = #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"你是谁？"}]}"#
        _ = Self.exchange(server, HTTPRequest(method: "POST", path: Self.chatPath, query: [("api_key", key)], headers: headers,
                                             body: Array(who.utf8)))
        let journal = server.handle(HTTPRequest(method: "GET", path: "/__admin/requests"))
        guard case .bytes(let body) = journal.body else {
            Issue.record("the journal is not a whole body")
            return
        }
        let text = String(decoding: body, as: UTF8.self)
        fixedIssue("BUG-2: the journal keeps an api_key query parameter") {
            #expect(!text.contains(key), "the journal holds the key: \(text)")
        }
        for message in log.messages {
            #expect(!message.contains(key), "a log line holds the key: \(message)")
        }
    }

    // MARK: BUG-8: a fixture does not match its own request when its ignore paths are not sorted

    /// Found by fuzz/run fixture (fuzz/crashers/fixture/ignore-order-self-match.json): the store
    /// removes a fixture's `ignore` paths in file order, a request's in sorted order; removing two
    /// indices of one array is order-dependent, so `["messages.1", "messages.0"]` keeps a different
    /// message on each side, and the near-miss report then says "its headers or query differ".
    @Test func aFixtureMatchesItsOwnRequestWhateverTheOrderOfItsIgnorePaths() throws {
        let text = #"{"mockscope":1,"request":{"method":"POST","path":"/compatible-mode/v1/chat/completions","body":{"model":"m","messages":[1,2,3]},"ignore":["messages.1","messages.0"]},"response":{"status":200,"body":"x"}}"#
        guard case .success(let fixture) = FixtureLoader.parse(Array(text.utf8), file: "t.json", defaultName: "t") else {
            Issue.record("the fixture does not load")
            return
        }
        let store = FixtureStore([fixture])
        let input = MatchInput(method: "POST", path: "/compatible-mode/v1/chat/completions", headers: [], body: fixture.request.body)
        fixedIssue("BUG-8: ignore paths applied in different orders") {
            guard case .matched = store.match(input) else {
                Issue.record("a fixture does not match the request it describes")
                return
            }
        }
    }

    // MARK: BUG-9: a stopped server is never freed

    /// Tests/reliability/asan-storm.sh: LeakSanitizer finds the whole server (MicroHTTPDDaemon,
    /// ServerCore, ExchangeHandler, its journal and fixtures) leaked at exit. MockScopeService.init hands
    /// ExchangeHandler closures that capture the MicroHTTPDDaemon, whose core holds the ExchangeHandler as its
    /// handler: a retain cycle. One per process for `mockscope serve`; one per test for TestServer.
    @Test func aStoppedServerIsFreed() throws {
        weak var http: MicroHTTPDDaemon?
        weak var mock: ExchangeHandler?
        do {
            let server = try TestServer(settings: MockSettings(speed: 0))
            http = server.service.daemon
            mock = server.handler
            server.stop()
        }
        fixedIssue("BUG-9: retain cycle ExchangeHandler -> reportActiveStreams closure -> MicroHTTPDDaemon -> ServerCore -> ExchangeHandler") {
            #expect(http == nil, "the MicroHTTPDDaemon outlives its MockScopeService")
            #expect(mock == nil, "the ExchangeHandler outlives its MockScopeService")
        }
    }
}

/// Each finding of RELIABILITY.md, fixed: the test body runs as a plain test (it used to run inside
/// `withKnownIssue` while the bug was open). A new finding goes back in `withKnownIssue` until fixed.
func fixedIssue(_ finding: String, _ body: () throws -> Void) rethrows { try body() }
func fixedIssue(_ finding: String, _ body: () async throws -> Void) async rethrows { try await body() }
