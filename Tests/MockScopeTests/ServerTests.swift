import Foundation
import MockScope
import MockScopeTesting
import Testing

/// The whole server in-process on port 0, driven over real sockets.
@Suite(.serialized) struct ServerTests {
    static let chatPath = "/compatible-mode/v1/chat/completions"
    static let nativePath = "/api/v1/services/aigc/text-generation/generation"

    func fixtureBytes(_ name: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/fixtures/" + name + ".json"))
        let root = try JSONValue.parse(Array(data))
        return root["response"]?["body"]?.stringValue ?? ""
    }

    @Test func replaysAWholeFixtureByteForByte() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        let body = #"{"model":"qwen-plus","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"你是谁？"}]}"#
        let response = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: body)
        #expect(response.status == 200)
        #expect(response.text == (try fixtureBytes("compat/qwen-plus/who-are-you")))
        #expect(response.header("x-request-id") == "7889bab6-9ae0-9d87-9fbf-fa151fa2db14")
    }

    @Test func replaysAStreamEventByEventInOrder() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        let body = #"{"model":"qwen-turbo","messages":[{"role":"user","content":"讲个故事"}],"stream":true}"#
        let response = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: body)
        #expect(response.status == 200)
        #expect(response.header("content-type") == "text/event-stream;charset=UTF-8")
        #expect(response.header("transfer-encoding") == "chunked")
        let data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/fixtures/compat/qwen-turbo/tell-a-story.stream.json"))
        let events = try JSONValue.parse(Array(data))["response"]?["events"]?.arrayValue ?? []
        #expect(response.text == events.compactMap { $0["data"]?.stringValue }.joined())
        #expect(response.text.hasSuffix("data: [DONE]\n\n"))
    }

    @Test func aClientThatLeavesMidStreamIsNoticedAndFreed() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 1))
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        try client.send("POST", Self.chatPath, headers: authJSON,
                        body: #"{"model":"qwen-turbo","messages":[{"role":"user","content":"讲个故事"}],"stream":true}"#)
        let head = try client.readHead()
        #expect(head.status == 200)
        _ = try client.readChunk()
        #expect(server.activeStreams == 1)
        client.closeNow()
        try eventually("the server to notice the client left and free its stream") { server.activeStreams == 0 }
    }

    @Test func protocolErrorsForBadInput() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0, apiKeys: ["sk-test"]))
        defer { server.stop() }
        let port = server.port

        let noAuth = try RawHTTP.exchange(port: port, "POST", Self.nativePath, headers: [("Content-Type", "application/json")], body: "{}")
        #expect(noAuth.status == 401)
        let body = try JSONValue.parse(noAuth.body)
        #expect(body["code"] == "InvalidApiKey")
        #expect(body["request_id"]?.stringValue == noAuth.header("x-request-id"))

        let wrongKey = try RawHTTP.exchange(port: port, "POST", Self.chatPath,
                                            headers: [("Authorization", "Bearer other"), ("Content-Type", "application/json")], body: "{}")
        #expect(wrongKey.status == 401)
        #expect(try JSONValue.parse(wrongKey.body)["error"]?["code"] == "invalid_api_key")

        let malformed = try RawHTTP.exchange(port: port, "POST", Self.chatPath, headers: authJSON, body: "{not json")
        #expect(malformed.status == 400)
        #expect(try JSONValue.parse(malformed.body)["error"]?["type"] == "invalid_request_error")

        let noModel = try RawHTTP.exchange(port: port, "POST", Self.nativePath, headers: authJSON, body: #"{"input":{"prompt":"x"}}"#)
        #expect(noModel.status == 400)
        #expect(try JSONValue.parse(noModel.body)["code"] == "BadRequest.EmptyModel")

        let wrongType = try RawHTTP.exchange(port: port, "POST", Self.chatPath,
                                             headers: [("Authorization", "Bearer sk-test"), ("Content-Type", "text/plain")], body: "{}")
        #expect(wrongType.status == 400)

        let wrongMethod = try RawHTTP.exchange(port: port, "GET", Self.chatPath, headers: authJSON)
        // The error-code page: 400 InvalidParameter "Request method 'GET' is not supported." (errors §4).
        #expect(wrongMethod.status == 400)
        #expect(wrongMethod.header("allow") == "POST")
        #expect(try JSONValue.parse(wrongMethod.body)["error"]?["message"] == "Request method 'GET' is not supported.")

        let unknown = try RawHTTP.exchange(port: port, "POST", "/compatible-mode/v1/nothing", headers: authJSON, body: "{}")
        #expect(unknown.status == 404)
        #expect(unknown.body.isEmpty)

        let streamOnly = try RawHTTP.exchange(port: port, "POST", Self.chatPath, headers: authJSON,
                                              body: #"{"model":"qwq-plus","messages":[{"role":"user","content":"hi"}]}"#)
        #expect(streamOnly.status == 400)
        #expect(streamOnly.text.contains("only support stream mode"))

        let unmatched = try RawHTTP.exchange(port: port, "POST", Self.chatPath, headers: authJSON,
                                             body: #"{"model":"qwen-plus","messages":[{"role":"user","content":"你是谁？!"}]}"#)
        #expect(unmatched.status == 400)
        let miss = try JSONValue.parse(unmatched.body)["error"]
        #expect(miss?["code"] == "mockscope_no_match")
        #expect(miss?["message"]?.stringValue?.contains("compat/qwen-plus/who-are-you") == true)
    }

    @Test func oversizedBodiesGet413AndTheServerStaysHealthy() throws {
        var options = MockSettings(speed: 0)
        options.unmatched = .error
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: options)
        defer { server.stop() }
        let big = "{\"model\":\"qwen-plus\",\"messages\":[],\"pad\":\"" + String(repeating: "x", count: 9 * 1024 * 1024) + "\"}"
        let response = try RawHTTP.exchange(port: server.port, "POST", Self.chatPath, headers: authJSON, body: big)
        #expect(response.status == 413)
        let health = try RawHTTP.exchange(port: server.port, "GET", "/__admin/status")
        #expect(health.status == 200)
        #expect(try JSONValue.parse(health.body)["activeStreams"] == 0)
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        let server = try TestServer(fixtures: [repositoryRoot + "/fixtures"], settings: MockSettings(speed: 0))
        defer { server.stop() }
        let client = try RawHTTP(port: server.port)
        for _ in 0..<50 {
            try client.send("GET", "/compatible-mode/v1/models", headers: [("Authorization", "Bearer k")])
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("connection")?.lowercased() != "close")
        }
    }
}

extension RawHTTP {
    func closeNow() { shutdown(fd, Int32(SHUT_RDWR)) }
}
