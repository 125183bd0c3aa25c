import Foundation
@testable import MockScope
import MockScopeHTTPTypes
import MockScopeTesting
import Testing

@Suite struct JournalTests {
    func entry(_ id: Int, path: String = "/x", status: Int = 200, key: String? = "key-a", body: String = "{}",
               receivedMs: Double = 0, durationMs: Double = 1, retryAfterMs: Double? = nil, faults: [String] = [],
               wentAway: Bool = false) -> JournalEntry {
        JournalEntry(id: id, arrivedAt: Date(), clockMs: 0, receivedMs: receivedMs, retryAfterMs: retryAfterMs, requestID: "r\(id)",
                     method: "POST", path: path, query: [], headers: [], body: Array(body.utf8), model: "m", stream: false, apiKey: key,
                     fixture: nil, nearMiss: nil, synthesized: false, forwarded: false, error: nil, faults: faults, scenarios: [],
                     status: status, bytesSent: 0, durationMs: durationMs, clientWentAway: wentAway, complete: true)
    }

    @Test func ringKeepsTheNewestAndFilters() {
        let journal = Journal(capacity: 3)
        for path in ["/a", "/b", "/a", "/c", "/a"] {
            journal.record(JournalRecord(request: HTTPRequest(method: "POST", path: path), note: ExchangeNote(id: RequestID.next()), status: 200))
        }
        #expect(journal.entries().map(\.id) == [3, 4, 5])
        #expect(journal.total == 5)
        var filter = JournalFilter()
        filter.path = "/a"
        #expect(journal.entries(filter).map(\.id) == [3, 5])
        filter.limit = 1
        #expect(journal.entries(filter).map(\.id) == [5])
        journal.clear()
        #expect(journal.entries().isEmpty)
    }

    @Test func conductReportJudgesRetries() {
        // key-a: 429 (asked 1000 ms) then retried after 300 ms; then a 401 retried.
        let bad = [
            entry(1, status: 429, receivedMs: 0, durationMs: 10, retryAfterMs: 1000),
            entry(2, status: 200, receivedMs: 310),
            entry(3, status: 401, body: "{\"b\":1}", receivedMs: 1000),
            entry(4, status: 401, body: "{\"b\":1}", receivedMs: 1100),
        ]
        // key-b: backs off 400 then 800 ms and honours Retry-After.
        let good = [
            entry(5, status: 500, key: "key-b", receivedMs: 0, durationMs: 0, retryAfterMs: 300),
            entry(6, status: 500, key: "key-b", receivedMs: 400, durationMs: 0),
            entry(7, status: 200, key: "key-b", receivedMs: 1200),
        ]
        let report = ConductReport(entries: bad + good)
        let a = report.clients.first { $0.apiKey == "key-a" }!
        let b = report.clients.first { $0.apiKey == "key-b" }!
        func verdict(_ client: ConductReport.Client, _ name: String) -> ConductReport.Verdict? {
            client.checks.first { $0.name == name }?.verdict
        }
        #expect(verdict(a, "waited_retry_after") == .fail)
        #expect(verdict(a, "no_retry_on_fatal") == .fail)
        #expect(a.verdict == .fail)
        #expect(verdict(b, "waited_retry_after") == .pass)
        #expect(verdict(b, "backed_off") == .pass)
        #expect(verdict(b, "no_retry_on_fatal") == .notSeen)
        #expect(b.verdict == .pass)
        let unbounded = ConductReport(entries: (1...8).map { entry($0, status: 503, receivedMs: Double($0) * 1000) })
        #expect(verdict(unbounded.clients[0], "bounded_attempts") == .fail)
        let stalled = ConductReport(entries: [entry(1, faults: ["stall after_events=2"], wentAway: false)])
        #expect(verdict(stalled.clients[0], "cancelled_stalls") == .fail)
        // A hang still open: not judged while young, a failure once older than the stall timeout;
        // an open exchange is no attempt to judge for retries.
        var open = entry(1, receivedMs: 1_000, faults: ["hang"])
        open.complete = false
        let young = ConductReport(entries: [open], stallTimeoutMs: 5_000, nowMs: 3_000)
        #expect(verdict(young.clients[0], "cancelled_stalls") == .notSeen)
        let old = ConductReport(entries: [open], stallTimeoutMs: 5_000, nowMs: 9_000)
        #expect(verdict(old.clients[0], "cancelled_stalls") == .fail)
        #expect(old.clients[0].checks.first { $0.name == "cancelled_stalls" }?.detail.contains("still open") == true)
        var pending = entry(2, status: 0, receivedMs: 1_100)
        pending.complete = false
        let inFlight = ConductReport(entries: [entry(1, status: 429, receivedMs: 0, retryAfterMs: 1000), pending])
        #expect(verdict(inFlight.clients[0], "waited_retry_after") == .notSeen)
    }
}

@Suite(.serialized) struct AdminAPITests {
    static let chatPath = "/compatible-mode/v1/chat/completions"

    @Test func journalRecordsEachExchangeWithSecretsRedacted() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        let body = #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"你是谁？"}]}"#
        _ = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath,
                                 headers: [("Authorization", "Bearer secret-key-123"), ("Content-Type", "application/json"), ("X-Case", "j1")], body: body)
        _ = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: [("Authorization", "Bearer secret-key-123"), ("Content-Type", "application/json")],
                                 body: #"{"model":"qwen-plus","messages":[]}"#)
        let all = try RawHTTP.exchange(port: server.port, "GET", "/__admin/requests")
        #expect(all.status == 200)
        #expect(!all.text.contains("secret-key-123"))
        let list = try JSONValue.parse(all.body)
        #expect(list["count"] == 2)
        let first = list["requests"]?.arrayValue?.first
        #expect(first?["fixture"] == "compat/qwen-plus/who-are-you")
        #expect(first?["headers"]?["authorization"] == "Bearer REDACTED")
        #expect(first?["model"] == "qwen-plus")
        #expect(first?["api_key"]?.stringValue?.hasPrefix("key-") == true)
        let byHeader = try JSONValue.parse(RawHTTP.exchange(port: server.port, "GET", "/__admin/requests?header=X-Case:j1").body)
        #expect(byHeader["count"] == 1)
        let byFixture = try JSONValue.parse(RawHTTP.exchange(port: server.port, "GET", "/__admin/requests/count?fixture=compat/qwen-plus/who-are-you").body)
        #expect(byFixture["count"] == 1)
        #expect(try RawHTTP.exchange(port: server.port, "DELETE", "/__admin/requests").status == 200)
        #expect(try JSONValue.parse(RawHTTP.exchange(port: server.port, "GET", "/__admin/requests").body)["count"] == 0)
    }

    /// An exchange is journaled before its first byte goes out: a test that has read its answer
    /// never races the server's completion callback (CI once saw 6 of 7 entries).
    @Test func anAnswerReadIsAlreadyJournaled() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        let body = #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"你是谁？"}]}"#
        for round in 1...40 {
            let answer = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: body)
            #expect(answer.status == 200)
            let count = try JSONValue.parse(RawHTTP.exchange(port: server.port, "GET", "/__admin/requests/count").body)["count"]
            #expect(count == .number(Double(round)), "round \(round)")
        }
    }

    /// A hanging answer is in the journal while it hangs (`complete: false`), and its outcome is
    /// filled in once the client gives up.
    @Test func anOpenExchangeIsJournaledAndCompletedInPlace() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        let body = #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"你是谁？"}]}"#
        func entry() throws -> JSONValue? {
            try JSONValue.parse(RawHTTP.exchange(port: server.port, "GET", "/__admin/requests").body)["requests"]?.arrayValue?.first
        }
        do {
            let client = try RawHTTP(port: server.port)
            try client.send("POST", Self.chatPath, headers: authJSON + [("X-MockScope-Fault", "hang")], body: body)
            var open: JSONValue?
            try eventually("the hanging exchange in the journal") {
                open = try entry()
                return open != nil
            }
            #expect(open?["complete"] == false)
            #expect(open?["status"] == 200)
            #expect(open?["faults"]?.arrayValue?.first?.stringValue?.hasPrefix("hang") == true)
        }
        var closed: JSONValue?
        try eventually("the exchange completed in the journal once the client left") {
            closed = try entry()
            return closed?["complete"] == true
        }
        #expect(closed?["complete"] == true)
        #expect(closed?["client_went_away"] == true)
    }

    @Test func fixturesCanBeAddedRemovedAndReloadedAtRuntime() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        let stub = #"{"mockscope":1,"name":"test/stub","request":{"method":"POST","path":"/compatible-mode/v1/chat/completions","body":{"model":"stub-model","messages":[{"role":"user","content":"ping"}]}},"response":{"status":200,"headers":{"content-type":"application/json"},"body":"{\"pong\":true}"}}"#
        let added = try RawHTTP.exchange(port: server.port, "POST", "/__admin/fixtures", body: stub)
        #expect(added.status == 201)
        let call = #"{"model":"stub-model","messages":[{"role":"user","content":"ping"}]}"#
        #expect(try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: call).text == #"{"pong":true}"#)
        #expect(try RawHTTP.exchange(port: server.port, "DELETE", "/__admin/fixtures/test/stub").status == 200)
        #expect(try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: call).status == 400)
        let bad = try RawHTTP.exchange(port: server.port, "POST", "/__admin/fixtures", body: #"{"mockscope":1,"request":{"path":"/x"},"response":{"status":200,"body":""}}"#)
        #expect(bad.status == 400)
        #expect(bad.text.contains("request.method"))
        let reload = try RawHTTP.exchange(port: server.port, "POST", "/__admin/fixtures/reload")
        #expect(try JSONValue.parse(reload.body)["fixtures"]?.numberValue ?? 0 >= 15)
    }

    @Test func settingsChangeAtRuntimeAndResetRestoresThem() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 1))
        defer { server.stop() }
        let changed = try RawHTTP.exchange(port: server.port, "PATCH", "/__admin/settings", body: #"{"speed":0,"unmatched":"synthesize"}"#)
        #expect(try JSONValue.parse(changed.body)["unmatched"] == "synthesize")
        let synthesized = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON,
                                               body: #"{"model":"qwen-plus","messages":[{"role":"user","content":"anything at all"}]}"#)
        #expect(synthesized.status == 200)
        #expect(try RawHTTP.exchange(port: server.port, "PATCH", "/__admin/settings", body: #"{"speed":-1}"#).status == 400)
        #expect(try RawHTTP.exchange(port: server.port, "POST", "/__admin/reset").status == 200)
        let settings = try JSONValue.parse(RawHTTP.exchange(port: server.port, "GET", "/__admin/settings").body)
        #expect(settings["speed"] == 1)
        #expect(settings["unmatched"] == "error")
    }

    @Test func anAdminTokenGuardsTheAdminRoutes() throws {
        var settings = MockSettings(speed: 0)
        settings.adminToken = "admin-tok"
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: settings)
        defer { server.stop() }
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/__admin/requests").status == 401)
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/__admin/requests", headers: [("Authorization", "Bearer admin-tok")]).status == 200)
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/__admin/requests", headers: [("X-MockScope-Admin-Token", "admin-tok")]).status == 200)
        // With a token, any Host name will do (a container's, a proxy's), and any Origin: the token
        // is the proof a web page cannot forge.
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/__admin/requests", headers: [("X-MockScope-Admin-Token", "admin-tok")],
                                     host: "mockscope.internal:8080").status == 200)
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/__admin/requests",
                                     headers: [("X-MockScope-Admin-Token", "admin-tok"), ("Origin", "https://dashboard.example")]).status == 200)
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/__admin/requests", headers: [("Origin", "https://dashboard.example")]).status == 401)
    }

    /// A web page the developer visits cannot drive the admin API on 127.0.0.1: not with a
    /// "simple" cross-origin POST (text/plain, no preflight), not through DNS rebinding.
    @Test func aWebPageCannotDriveTheAdminAPI() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        let change = #"{"speed": 7}"#
        func speed() throws -> JSONValue? { try JSONValue.parse(RawHTTP.exchange(port: server.port, "GET", "/__admin/settings").body)["speed"] }
        let before = try speed()
        let crossOrigin = try RawHTTP.exchange(port: server.port, "POST", "/__admin/settings",
                                               headers: [("Origin", "https://evil.example"), ("Content-Type", "text/plain")], body: change)
        #expect(crossOrigin.status == 403)
        #expect(crossOrigin.text.contains("another origin"))
        let fetchMeta = try RawHTTP.exchange(port: server.port, "POST", "/__admin/reset", headers: [("Sec-Fetch-Site", "cross-site")])
        #expect(fetchMeta.status == 403)
        let sandboxed = try RawHTTP.exchange(port: server.port, "POST", "/__admin/settings", headers: [("Origin", "null")], body: change)
        #expect(sandboxed.status == 403)
        let rebound = try RawHTTP.exchange(port: server.port, "POST", "/__admin/settings", body: change, host: "evil.example:\(server.port)")
        #expect(rebound.status == 403)
        #expect(rebound.text.contains("loopback Host"))
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/__admin/requests", host: "attacker.test").status == 403)
        #expect(try speed() == before, "a refused request changed the settings")
        // Probes stay open; test code on loopback (any loopback name, same-origin pages) is served.
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/__admin/health", host: "evil.example").status == 200)
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/__admin/status", host: "localhost:\(server.port)").status == 200)
        #expect(try RawHTTP.exchange(port: server.port, "GET", "/__admin/status", host: "[::1]:\(server.port)").status == 200)
        let sameOrigin = try RawHTTP.exchange(port: server.port, "POST", "/__admin/settings",
                                              headers: [("Origin", "http://127.0.0.1"), ("Content-Type", "application/json")], body: change)
        #expect(sameOrigin.status == 200)
        #expect(try speed() == 7)
        // The protocol routes refuse what a page could send too (a recording must not be planted,
        // near-miss text must not reach another site), unless --allow-browser-requests.
        let body = #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"你是谁？"}]}"#
        let refused = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON + [("Origin", "https://app.example")],
                                           body: body, host: "evil.example")
        #expect(refused.status == 403)
        #expect(refused.text.contains("--allow-browser-requests"))
        #expect(try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON + [("Sec-Fetch-Site", "cross-site")],
                                     body: body).status == 403)
        #expect(try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: body,
                                     host: "rebound.example:\(server.port)").status == 403)
        #expect(try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: body,
                                     host: "localhost:\(server.port)").status == 200)
        var open = MockSettings(speed: 0)
        open.refusesBrowserRequests = false
        let browserApp = try TestServer(settings: open)
        defer { browserApp.stop() }
        #expect(try RawHTTP.exchange(port: browserApp.port, "POST", Self.chatPath, headers: authJSON + [("Origin", "https://app.example")],
                                     body: body, host: "evil.example").status == 200)
    }
}
