import Foundation
import MockScope

/// One test's view of a shared `TestServer` (`TestServer.scope(testID:)`): its clients send
/// `headers`, and its queries see only its own requests. Its scenario progress, rate-limit
/// windows and answer-sequence positions are its own on the server, so tests running in
/// parallel do not see each other.
///
///     let scope = server.scope()
///     var request = URLRequest(url: ...)
///     for (name, value) in scope.headers { request.setValue(value, forHTTPHeaderField: name) }
///     #expect(scope.requests().count == 1)
public struct TestServerScope: Sendable {
    public let server: TestServer
    /// The value of `X-MockScope-Test-Id` (printable ASCII, at most `TestScopeTable.maxIDBytes` bytes).
    public let testID: String

    init(server: TestServer, testID: String) {
        self.server = server
        self.testID = testID
    }

    /// The header the test's clients send on every request.
    public var headers: [String: String] { [testIDHeader: testID] }

    /// This test's requests in the journal, optionally filtered.
    public func requests(path: String? = nil, fixture: String? = nil, model: String? = nil) -> [JournalEntry] {
        server.requests(path: path, fixture: fixture, model: model, testID: testID)
    }

    /// `TestServer.waitForRequests`, counting this test's requests only.
    public func waitForRequests(_ count: Int, path: String? = nil, fixture: String? = nil, model: String? = nil,
                                timeout: Duration = .seconds(5)) throws -> [JournalEntry] {
        try server.waitForRequests(count, path: path, fixture: fixture, model: model, testID: testID, timeout: timeout)
    }

    /// `TestServer.requests(atLeast:)`, counting this test's requests only.
    public func requests(atLeast count: Int, path: String? = nil, fixture: String? = nil, model: String? = nil,
                         timeout: Duration = .seconds(5)) async throws -> [JournalEntry] {
        try await server.requests(atLeast: count, path: path, fixture: fixture, model: model, testID: testID, timeout: timeout)
    }

    /// The conduct report of this test's requests only.
    public func conduct(maxAttempts: Int = 6, stallTimeoutMs: Double = 60_000) -> ConductReport {
        var filter = JournalFilter()
        filter.testID = testID
        return ConductReport(entries: server.handler.journal.entries(filter), maxAttempts: maxAttempts, stallTimeoutMs: stallTimeoutMs)
    }

    /// A scenario as this test sees it (`matched` counts its requests only); nil when none has that name.
    public func scenario(_ name: String) -> ScenarioEngine.Status? {
        let handler = server.handler
        return handler.scenarios.status(name, scope: handler.testScopes.view(testID, nowMs: handler.clock.nowMs()))
    }

    /// Forgets this test's journal entries, scenario progress, rate-limit windows and sequence
    /// positions (as `POST /__admin/reset?test_id=` does); the rest of the server stays.
    public func reset() {
        server.handler.journal.clear(testID: testID)
        server.handler.testScopes.remove(testID)
    }
}
