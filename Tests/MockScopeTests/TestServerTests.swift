import Foundation
import MockScope
import MockScopeHTTPTypes
import MockScopeTesting
import Testing

/// The Swift test helper, used the way a client project would.
@Suite(.serialized) struct TestServerTests {
    @Test func builtInDefaultsStubsInCodeScenariosAndTheJournal() throws {
        let stub = Fixture(name: "code/stub", origin: "code",
                           request: RequestPattern(method: "POST", path: "/compatible-mode/v1/chat/completions",
                                                   body: ["model": "stub", "messages": [["role": "user", "content": "hi"]]]),
                           response: RecordedResponse(status: 200, headers: HeaderFields([("content-type", "application/json")]),
                                                      body: .whole(Array(#"{"ok":true}"#.utf8))))
        let server = try TestServer(settings: MockSettings(speed: 0), extraFixtures: [stub], clock: .virtual)
        defer { server.stop() }
        #expect(server.compatibleBaseURL.hasSuffix("/compatible-mode/v1"))
        #expect(server.nativeBaseURL.hasSuffix("/api/v1"))
        let body = #"{"model":"stub","messages":[{"role":"user","content":"hi"}]}"#
        #expect(try RawHTTP.exchange(port: server.port, "POST", "/compatible-mode/v1/chat/completions", headers: authJSON, body: body).text == #"{"ok":true}"#)
        // The built-in defaults are there too.
        let models = try RawHTTP.exchange(port: server.port, "GET", "/compatible-mode/v1/models", headers: [("Authorization", "Bearer k")])
        #expect(models.status == 200)

        try server.addScenario(yaml: "name: twice-429\nmatch: {model: stub}\nsteps:\n  - times: 2\n    faults: [\"http_error status=429\"]\n  - faults: []\n")
        let statuses = try (0..<3).map { _ in
            try RawHTTP.exchange(port: server.port, "POST", "/compatible-mode/v1/chat/completions", headers: authJSON, body: body).status
        }
        #expect(statuses == [429, 429, 200])
        let stubbed = try server.waitForRequests(4, fixture: "code/stub")
        #expect(stubbed.count == 4)
        #expect(stubbed.allSatisfy { $0.complete && $0.bytesSent > 0 })
        #expect(stubbed.map(\.status) == [200, 429, 429, 200])
        #expect(throws: TestServerError.self) { try server.waitForRequests(5, fixture: "code/stub", timeout: .milliseconds(50)) }
        #expect(server.requests(path: "/compatible-mode/v1/models").count == 1)
        // The coding plan's base URL: the same stub answers there, the path journaled as sent.
        #expect(server.codingPlanBaseURL == server.baseURL + "/v1")
        #expect(try RawHTTP.exchange(port: server.port, "POST", "/v1/chat/completions", headers: authJSON, body: body).text == #"{"ok":true}"#)
        #expect(server.requests(path: "/v1/chat/completions").map(\.fixture) == ["code/stub"])
        #expect(throws: ScenarioProblem.self) { try server.addScenario(yaml: "name: x\nsteps: []\n") }
    }
}

/// `anthropicURL`: the anthropic SDK's `base_url`, which it extends with `/v1/messages`.
@Suite(.serialized) struct TestServerAnthropicTests {
    @Test func anthropicURLServesTheMessagesAPI() throws {
        let server = try TestServer(settings: MockSettings(speed: 0, unmatched: .synthesize), clock: .virtual)
        defer { server.stop() }
        #expect(server.anthropicURL == server.baseURL + "/apps/anthropic")
        let path = String(server.anthropicURL.dropFirst(server.baseURL.count)) + "/v1/messages"
        let answer = try RawHTTP.exchange(port: server.port, "POST", path,
                                          headers: [("x-api-key", "sk-ant"), ("Content-Type", "application/json")],
                                          body: #"{"model":"qwen-plus","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}"#)
        #expect(answer.status == 200)
        #expect(answer.text.hasPrefix(#"{"id":"msg_"#))
        #expect(server.requests(path: path).count == 1)
    }
}
