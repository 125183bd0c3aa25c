import Testing
@testable import MockScope

@Suite struct MatcherTests {
    let chat = Endpoint(path: "/compatible-mode/v1/chat/completions")
    let native = Endpoint(path: "/api/v1/services/aigc/text-generation/generation")

    @Test func routesByPath() {
        #expect(chat == .compatibleChat)
        #expect(native == .nativeGeneration(multimodal: false))
        #expect(Endpoint(path: "/api/v1/services/aigc/multimodal-generation/generation") == .nativeGeneration(multimodal: true))
        #expect(Endpoint(path: "/api/v1/apps/abc123/completion") == .application(id: "abc123"))
        #expect(Endpoint(path: "/compatible-mode/v1/embeddings") == Endpoint(module: EmbeddingsModule()))
        #expect(Endpoint(path: "/compatible-mode/v1/files") == Endpoint(module: CompatibleFilesModule()))
        #expect(Endpoint(path: "/api/v1/tasks/abc") == Endpoint(module: TasksModule(), detail: "abc"))
        #expect(Endpoint(path: "/compatible-mode/v1/fine_tuning/jobs") == .compatibleOther)
        #expect(Endpoint(path: "/api/v1/tasks/abc/def/ghi") == .nativeOther)
        #expect(Endpoint(path: "/v1/other") == .unknown)
        #expect(Endpoint(path: "/__admin/status") == .admin)
    }

    @Test func samplingKnobsDoNotDecideTheAnswer() throws {
        let a = try JSONValue.parse(#"{"model":"qwen-plus","messages":[{"role":"user","content":"hi"}],"temperature":0.2}"#)
        let b = try JSONValue.parse(#"{"messages":[{"content":"hi","role":"user"}],"model":"qwen-plus","top_p":0.9}"#)
        #expect(Matcher.key(Matcher.project(chat, headers: [], body: a)) == Matcher.key(Matcher.project(chat, headers: [], body: b)))
    }

    @Test func defaultsAreFilledSoAbsentEqualsFalse() throws {
        let a = try JSONValue.parse(#"{"model":"m","messages":[],"stream":false}"#)
        let b = try JSONValue.parse(#"{"model":"m","messages":[],"stream_options":{"include_usage":false}}"#)
        let c = try JSONValue.parse(#"{"model":"m","messages":[],"stream":true}"#)
        #expect(Matcher.key(Matcher.project(chat, headers: [], body: a)) == Matcher.key(Matcher.project(chat, headers: [], body: b)))
        #expect(Matcher.key(Matcher.project(chat, headers: [], body: a)) != Matcher.key(Matcher.project(chat, headers: [], body: c)))
    }

    @Test func openAIExtraNullsInMessagesDoNotMatter() throws {
        let a = try JSONValue.parse(#"{"model":"m","messages":[{"role":"assistant","content":"x","refusal":null,"audio":null}]}"#)
        let b = try JSONValue.parse(#"{"model":"m","messages":[{"role":"assistant","content":"x"}]}"#)
        #expect(Matcher.key(Matcher.project(chat, headers: [], body: a)) == Matcher.key(Matcher.project(chat, headers: [], body: b)))
    }

    @Test func nativeStreamComesFromHeaders() throws {
        let body = try JSONValue.parse(#"{"model":"m","input":{"prompt":"hi"},"parameters":{}}"#)
        let plain = Matcher.key(Matcher.project(native, headers: [], body: body))
        let sse = Matcher.key(Matcher.project(native, headers: [("X-DashScope-SSE", "enable")], body: body))
        let accept = Matcher.key(Matcher.project(native, headers: [("accept", "text/event-stream")], body: body))
        #expect(plain != sse)
        #expect(sse == accept)
    }

    @Test func subsetMatching() throws {
        let pattern = try JSONValue.parse(#"{"model":"qwen-plus","parameters":{"seed":1}}"#)
        #expect(Matcher.isSubset(pattern, of: try JSONValue.parse(#"{"model":"qwen-plus","parameters":{"seed":1,"x":2},"input":{}}"#)))
        #expect(!Matcher.isSubset(pattern, of: try JSONValue.parse(#"{"model":"qwen-plus","parameters":{"seed":2}}"#)))
        #expect(!Matcher.isSubset(pattern, of: try JSONValue.parse(#"{"model":"qwen-plus"}"#)))
    }

    @Test func differencesNameTheFieldPath() throws {
        let a = try JSONValue.parse(#"{"messages":[{"content":"9.9和9.11谁大"}],"model":"qwq-plus"}"#)
        let b = try JSONValue.parse(#"{"messages":[{"content":"9.9和9.12谁大"}],"model":"qwq-plus"}"#)
        let differences = Matcher.differences(fixture: a, request: b)
        #expect(differences.map(\.path) == ["messages.0.content"])
    }
}
