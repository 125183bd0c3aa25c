import Foundation
@testable import MockScope
import MockScopeHTTPTypes
@testable import MockScopeRecorder
import MockScopeTesting
import Testing

/// Per-test isolation (issue 18, item 3; docs/admin-api.md, "Running tests in parallel"): what a
/// request naming `X-MockScope-Test-Id` keeps of its own, and the admin API's view of it.
@Suite struct TestScopeTests {
    static let chatBody = #"{"model":"qwen-plus","messages":[{"role":"user","content":"scoped"}]}"#

    static func sequence() -> Fixture {
        func answer(_ n: Int) -> RecordedResponse {
            RecordedResponse(status: 200, headers: HeaderFields([("content-type", "application/json")]), body: .whole(Array(#"{"n":\#(n)}"#.utf8)))
        }
        return Fixture(name: "scoped-seq", origin: "test",
                       request: RequestPattern(method: "POST", path: CompatibleChatModule.path, body: try! JSONValue.parse(Array(chatBody.utf8))),
                       responses: [answer(1), answer(2), answer(3)], afterLast: .error)
    }

    static func ask(_ server: TestServer, test: String?, _ extra: [(String, String)] = []) throws -> RawHTTP.Response {
        try RawHTTP.exchange(port: server.port, "POST", CompatibleChatModule.path,
                             headers: authJSON + (test.map { [(testIDHeader, $0)] } ?? []) + extra, body: chatBody)
    }

    @Test func twoTestsEachMeetAScenariosFirstStepAndTheServerKeepsItsOwnCount() throws {
        let server = try TestServer(settings: MockSettings(speed: 0, unmatched: .synthesize))
        defer { server.stop() }
        try server.addScenario(yaml: "name: once\nsteps:\n  - times: 1\n    faults: [\"http_error status=429\"]\n  - faults: []\n")
        #expect(try (0..<2).map { _ in try Self.ask(server, test: "a").status } == [429, 200])
        #expect(try (0..<2).map { _ in try Self.ask(server, test: "b").status } == [429, 200])
        // The server's own scope (no header) has not moved: its first request meets the first step too.
        #expect(try (0..<2).map { _ in try Self.ask(server, test: nil).status } == [429, 200])
        #expect(server.scope(testID: "a").scenario("once")?.matched == 2)
        #expect(server.scope(testID: "never-sent").scenario("once")?.matched == 0)
        #expect(server.handler.scenarios.status("once")?.matched == 2)
        // A scenario reset starts every test again.
        #expect(server.handler.scenarios.reset("once", nowMs: server.handler.clock.nowMs()))
        #expect(try Self.ask(server, test: "a").status == 429)
    }

    @Test func rateLimitWindowsAndSequencePositionsArePerTest() throws {
        let server = try TestServer(settings: MockSettings(speed: 0, unmatched: .synthesize), extraFixtures: [Self.sequence()])
        defer { server.stop() }
        let limited = [(faultHeader, "rate_limit rpm=2")]
        for test in ["a", "b"] {
            #expect(try (0..<3).map { _ in try Self.ask(server, test: test, limited).status } == [200, 200, 429], "test \(test)")
        }
        server.handler.journal.clear()
        #expect(try (0..<3).map { _ in try Self.ask(server, test: "c").text } == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#])
        #expect(try Self.ask(server, test: "d").text == #"{"n":1}"#)
        #expect(try Self.ask(server, test: "c").status == 400)  // after_last: error, for c only
        #expect(try Self.ask(server, test: nil).text == #"{"n":1}"#)
        #expect(server.scope(testID: "c").requests().map(\.sequenceIndex) == [0, 1, 2, nil])
        // A store change starts every test's sequences again.
        server.add(Fixture(name: "other", origin: "test", request: RequestPattern(method: "GET", path: "/x"),
                           response: RecordedResponse(status: 200, headers: HeaderFields(), body: .whole([]))))
        #expect(try Self.ask(server, test: "c").text == #"{"n":1}"#)
    }

    @Test func theAdminAPIFiltersResetsAndJudgesOneTest() throws {
        let server = try TestServer(settings: MockSettings(speed: 0, unmatched: .synthesize), extraFixtures: [Self.sequence()])
        defer { server.stop() }
        for test in ["a", "a", "b"] { _ = try Self.ask(server, test: test) }
        _ = try Self.ask(server, test: nil)
        func admin(_ method: String, _ path: String, _ headers: [(String, String)] = []) throws -> JSONValue {
            let answer = try RawHTTP.exchange(port: server.port, method, "/__admin" + path, headers: headers)
            #expect(answer.status == 200, "\(method) \(path): \(answer.text)")
            return try JSONValue.parse(Array(answer.text.utf8))
        }
        _ = try server.waitForRequests(4)
        #expect(try admin("GET", "/requests/count?test_id=a")["count"]?.numberValue == 2)
        #expect(try admin("GET", "/requests/count", [(testIDHeader, "b")])["count"]?.numberValue == 1)
        #expect(try admin("GET", "/requests/count")["count"]?.numberValue == 4)
        let listed = try admin("GET", "/requests?test_id=a")["requests"]?.arrayValue ?? []
        #expect(listed.map { $0["test_id"]?.stringValue } == ["a", "a"])
        let conduct = try admin("GET", "/conduct?test_id=b")["clients"]?.arrayValue ?? []
        #expect(conduct.map { $0["requests"]?.numberValue } == [1])

        // Resetting a: its entries and its sequence go; b's stay where they were.
        #expect(try admin("POST", "/reset?test_id=a")["test_id"]?.stringValue == "a")
        #expect(try admin("GET", "/requests/count")["count"]?.numberValue == 2)
        #expect(try Self.ask(server, test: "a").text == #"{"n":1}"#)
        #expect(try Self.ask(server, test: "b").text == #"{"n":2}"#)
        _ = try admin("DELETE", "/requests", [(testIDHeader, "b")])
        #expect(server.scope(testID: "b").requests().isEmpty)
        #expect(server.scope(testID: "a").requests().count == 1)
    }

    @Test func aTestIDTooLongOrNotPrintableIsTheProtocolsOwn400() throws {
        let server = try TestServer(settings: MockSettings(speed: 0, unmatched: .synthesize))
        defer { server.stop() }
        let long = try Self.ask(server, test: String(repeating: "x", count: TestScopeTable.maxIDBytes + 1))
        #expect(long.status == 400)
        #expect(long.text.contains("mockscope_bad_fault") && long.text.contains("X-MockScope-Test-Id: at most 256 bytes"))
        #expect(try Self.ask(server, test: "tab\there").status == 400)
        #expect(try Self.ask(server, test: String(repeating: "x", count: TestScopeTable.maxIDBytes)).status == 200)
        #expect(server.handler.testScopes.count == 0)  // a synthesized answer without faults or sequences makes no scope
    }

    @Test func theTableForgetsTheLeastRecentlyUsedTestWhenFull() {
        let table = TestScopeTable(limit: 2)
        let a = table.scope("a", nowMs: 0)
        _ = table.scope("b", nowMs: 0)
        #expect(table.scope("a", nowMs: 1) === a)  // a is used again: b is now the oldest
        _ = table.scope("c", nowMs: 2)
        #expect(table.count == 2)
        #expect(table.existing("b") == nil && table.existing("a") === a && table.existing("c") != nil)
        #expect(TestScopeTable(limit: 0).limit == 1)
    }

    @Test func theTestIDIsNeverForwardedUpstream() {
        let forwarded = UpstreamClient.forwardedHeaders(HeaderFields([
            ("Authorization", "Bearer k"), (testIDHeader, "tests/a.py::test_one"), ("Content-Type", "application/json"),
        ]))
        #expect(!forwarded.contains { $0.name.lowercased() == testIDHeader.lowercased() })
        #expect(forwarded.contains { $0.name == "Authorization" })
    }
}

/// Swift Testing runs these in parallel against ONE server: each test's scope sees only its own
/// requests and meets the scenario's first step, the rate limit and the sequence afresh.
@Suite struct ParallelTestScopeTests {
    static let shared: TestServer = {
        let server = try! TestServer(settings: MockSettings(speed: 0, unmatched: .synthesize), extraFixtures: [TestScopeTests.sequence()])
        try! server.addScenario(yaml: "name: parallel-once\nmatch: {headers: {X-Case: once}}\nsteps:\n  - times: 1\n    faults: [\"http_error status=429\"]\n  - faults: []\n")
        return server
    }()

    /// The sequence fixture's request, or (`content`) one that synthesis answers.
    func ask(_ scope: TestServerScope, _ extra: [(String, String)] = [], content: String? = nil) throws -> RawHTTP.Response {
        let body = content.map { #"{"model":"qwen-plus","messages":[{"role":"user","content":"\#($0)"}]}"# } ?? TestScopeTests.chatBody
        return try RawHTTP.exchange(port: scope.server.port, "POST", CompatibleChatModule.path,
                                    headers: authJSON + scope.headers.map { ($0.key, $0.value) } + extra, body: body)
    }

    @Test(arguments: 0..<4) func eachCaseHasItsOwnScope(_ n: Int) async throws {
        let scope = Self.shared.scope(testID: "parallel-\(n)")
        #expect(try (0..<2).map { _ in try ask(scope, [("X-Case", "once")], content: "case \(n)").status } == [429, 200])
        #expect(try (0..<3).map { _ in try ask(scope, [(faultHeader, "rate_limit rpm=1")], content: "case \(n)").status } == [200, 429, 429])
        let entries = try await scope.requests(atLeast: 5)
        #expect(entries.count == 5 && entries.allSatisfy { $0.testID == "parallel-\(n)" })
        #expect(scope.conduct().clients.map(\.requests) == [5])
        #expect(scope.scenario("parallel-once")?.matched == 2)
    }

    @Test func aSequenceStartsAtItsFirstAnswer() throws {
        let scope = Self.shared.scope()
        #expect(scope.testID.hasSuffix("/aSequenceStartsAtItsFirstAnswer()"))
        #expect(try (0..<2).map { _ in try ask(scope).text } == [#"{"n":1}"#, #"{"n":2}"#])
        #expect(try scope.waitForRequests(2).map(\.sequenceIndex) == [0, 1])
    }

    @Test func anotherSequenceStartsAtItsFirstAnswerToo() throws {
        let scope = Self.shared.scope()
        #expect(try (0..<2).map { _ in try ask(scope).text } == [#"{"n":1}"#, #"{"n":2}"#])
        scope.reset()
        #expect(scope.requests().isEmpty)
        #expect(try ask(scope).text == #"{"n":1}"#)
    }
}
