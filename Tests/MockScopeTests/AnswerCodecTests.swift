import Testing
@testable import MockScope
import MockScopeHTTPTypes
import MockScopeTesting

private let requestID = "11111111-2222-4333-8444-555555555555"

private struct CodecTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

private let weather = #"{"type":"object","properties":{"location":{"type":"string"},"days":{"type":"integer"}},"required":["location","days"]}"#

/// Chat requests of every protocol with a codec: a tool call, prose, and (where the protocol lets
/// a request ask) reasoning.
private let requests: [(path: String, body: String)] = [
    (CompatibleChatModule.path, #"{"model":"qwen-plus","messages":[{"role":"user","content":"Weather in Tokyo for 3 days?"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":\#(weather)}}]}"#),
    (CompatibleChatModule.path, #"{"model":"qwen-plus","stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Tell me a story"}]}"#),
    (CompatibleChatModule.path, #"{"model":"qwen-plus","enable_thinking":true,"messages":[{"role":"user","content":"Why is the sky blue?"}]}"#),
    (CompatibleChatModule.path, #"{"model":"qwen-plus","response_format":{"type":"json_object"},"messages":[{"role":"user","content":"A JSON object with \"title\" and \"year\""}]}"#),
    (NativeGenerationModule.textPath, #"{"model":"qwen-plus","input":{"messages":[{"role":"user","content":"Weather in Tokyo for 3 days?"}]},"parameters":{"tools":[{"type":"function","function":{"name":"get_weather","parameters":\#(weather)}}]}}"#),
    (NativeGenerationModule.textPath, #"{"model":"qwen-plus","input":{"messages":[{"role":"user","content":"Tell me a story"}]},"parameters":{"incremental_output":true,"enable_thinking":true}}"#),
    (NativeGenerationModule.textPath, #"{"model":"qwen-plus","input":{"prompt":"Tell me a story"}}"#),
    (AnthropicMessagesModule.path, #"{"model":"qwen-plus","max_tokens":200,"messages":[{"role":"user","content":"Weather in Tokyo?"}],"tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}]}"#),
    (AnthropicMessagesModule.path, #"{"model":"qwen-plus","max_tokens":200,"thinking":{"type":"enabled","budget_tokens":100},"messages":[{"role":"user","content":"Tell me a story"}]}"#),
    ("/compatible-mode/v1/responses", #"{"model":"qwen-plus","input":"Weather in Tokyo for 3 days?","tools":[{"type":"function","name":"get_weather","parameters":\#(weather)}]}"#),
    ("/compatible-mode/v1/responses", #"{"model":"qwen-plus","input":"Tell me a story","enable_thinking":true}"#),
    ("/api/v1/apps/0123456789abcdef/completion", #"{"input":{"prompt":"Tell me a story"},"parameters":{}}"#),
    ("/api/v1/apps/0123456789abcdef/completion", #"{"input":{"prompt":"Tell me a story","session_id":"s-1"},"parameters":{"incremental_output":true}}"#),
]

private func synthesized(_ path: String, _ body: String, stream: Bool,
                         settings: MockSettings = MockSettings()) throws -> (ResponsePlan, AnswerCodec, JSONValue) {
    let endpoint = Endpoint(path: path)
    guard let codec = endpoint.module.answerCodec(for: endpoint) else { throw CodecTestError("\(path) has no codec") }
    let json = try JSONValue.parse(body)
    let validated = ValidatedRequest(endpoint: endpoint, body: json, stream: stream)
    let request = HTTPRequest(method: "POST", path: path, headers: HeaderFields([("Content-Type", "application/json")]), body: Array(body.utf8))
    let context = ModuleContext(request: request, requestID: requestID, nowMs: 0, states: ModuleStateStore(), settings: settings)
    guard let plan = endpoint.module.synthesize(validated, context: context) else { throw CodecTestError("\(path) synthesized nothing") }
    return (plan, codec, json)
}

private func bodyText(_ plan: ResponsePlan) -> String {
    switch plan.body {
    case .whole(let bytes): return String(decoding: bytes, as: UTF8.self)
    case .events(let events): return events.map { "\($0.atMs) " + String(decoding: $0.bytes, as: UTF8.self) }.joined()
    case .live: return "live"
    }
}

private func applying(_ spec: String, to plan: ResponsePlan, codec: AnswerCodec?, request: JSONValue?) throws -> ResponsePlan {
    var plan = plan
    var context = FaultContext(dialect: APIProtocol.compatible.errorDialect, requestID: requestID, request: request, codec: codec)
    for fault in try FaultRegistry.parse(spec) { fault.apply(to: &plan, context: &context) }
    return plan
}

@Suite struct AnswerCodecTests {
    /// A synthesized answer read and rendered back is the same bytes at the same times, whole and streamed.
    @Test(arguments: requests.indices, [false, true])
    func synthesizedAnswersRoundTripByteForByte(index: Int, stream: Bool) throws {
        let (path, body) = requests[index]
        let (plan, codec, json) = try synthesized(path, body, stream: stream)
        let facts = codec.facts(request: json)
        let answer = try #require(codec.read(plan, facts: facts), "\(path) \(body): not read")
        let again = codec.render(answer, like: plan, facts: facts, request: json, requestID: requestID)
        #expect(bodyText(again) == bodyText(plan), "\(path) stream=\(stream) \(body)")
    }

    /// A Responses stream with the openai-style function-call events comes back in that style.
    @Test func responsesStreamsKeepTheirFunctionCallEvents() throws {
        var settings = MockSettings()
        settings.responses.functionCallEvents = .functionCallArguments
        let (plan, codec, json) = try synthesized(requests[9].path, requests[9].body, stream: true, settings: settings)
        #expect(bodyText(plan).contains("response.function_call_arguments.delta"))
        let facts = codec.facts(request: json)
        let answer = try #require(codec.read(plan, facts: facts))
        #expect(bodyText(codec.render(answer, like: plan, facts: facts, request: json, requestID: requestID)) == bodyText(plan))
    }

    /// Every default fixture a codec reads gives the same answer once rendered and read again.
    @Test func defaultFixturesReadBackTheSameAnswer() throws {
        var read = 0
        for fixture in try FixtureLoader.load(directories: [repositoryRoot + "/fixtures"]) {
            let endpoint = Endpoint(path: fixture.request.path)
            guard let codec = endpoint.module.answerCodec(for: endpoint), let request = fixture.request.body else { continue }
            var plan = ResponsePlan(status: fixture.response.status, headers: fixture.response.headers, body: fixture.response.body)
            plan.headers.remove("content-length")
            let facts = codec.facts(request: request)
            guard let answer = codec.read(plan, facts: facts) else { continue }
            read += 1
            let rendered = codec.render(answer, like: plan, facts: facts, request: request, requestID: requestID)
            #expect(codec.read(rendered, facts: facts) == answer, "\(fixture.name)")
        }
        #expect(read >= 10, "only \(read) default fixtures were read")
    }

    @Test func toolArgumentsBreakAsAskedAndTheSameRequestGivesTheSameBytes() throws {
        let (plan, codec, json) = try synthesized(requests[0].path, requests[0].body, stream: true)
        let facts = codec.facts(request: json)
        func call(_ spec: String) throws -> SynthesizedToolCall {
            let changed = try applying(spec, to: plan, codec: codec, request: json)
            #expect(bodyText(try applying(spec, to: plan, codec: codec, request: json)) == bodyText(changed))
            return try #require(codec.read(changed, facts: facts)?.toolCalls.first)
        }
        let original = try #require(codec.read(plan, facts: facts)?.toolCalls.first)
        #expect(original.arguments == #"{"location": "Tokyo", "days": 3}"#)
        let truncated = try call("bad_tool_arguments")
        #expect(original.arguments.hasPrefix(truncated.arguments) && (try? JSONValue.parse(truncated.arguments)) == nil)
        #expect(try call("bad_tool_arguments mode=missing_required").arguments == #"{"days": 3}"#)
        #expect(try call("bad_tool_arguments mode=wrong_type").arguments == #"{"days": 3, "location": 5}"#)
        #expect(try call("unknown_tool").name == "get_weather_v2")
        #expect(try call("unknown_tool name=delete_everything").name == "delete_everything")
        let duplicated = try #require(codec.read(try applying("duplicate_tool_ids", to: plan, codec: codec, request: json), facts: facts))
        #expect(duplicated.toolCalls.count == 2 && Set(duplicated.toolCalls.map(\.id)) == [original.id])
        let cut = try #require(codec.read(try applying("cut_at_length", to: plan, codec: codec, request: json), facts: facts))
        #expect(cut.finishReason == "length" && (try? JSONValue.parse(cut.toolCalls[0].arguments)) == nil)
    }

    @Test func answersOtherThanAModelsAreLeftAlone() throws {
        let (plan, codec, json) = try synthesized(requests[1].path, requests[1].body, stream: false)
        let error = APIProtocol.compatible.errorDialect.errorPlan(ErrorCatalog.invalidURL, requestID: requestID, message: nil)
        #expect(bodyText(try applying("refusal", to: error, codec: codec, request: json)) == bodyText(error))
        // No codec (a module whose answers are not a model's): unchanged.
        #expect(bodyText(try applying("empty_answer", to: plan, codec: nil, request: json)) == bodyText(plan))
        // A tool fault on an answer without calls: unchanged.
        #expect(bodyText(try applying("bad_tool_arguments", to: plan, codec: codec, request: json)) == bodyText(plan))
        #expect(bodyText(try applying("refusal", to: plan, codec: codec, request: json)) != bodyText(plan))
        // An application's answer holds no calls: `unknown_tool` leaves it alone, `refusal` rewrites it.
        let (app, appCodec, appJSON) = try synthesized(requests[11].path, requests[11].body, stream: true)
        #expect(bodyText(try applying("unknown_tool", to: app, codec: appCodec, request: appJSON)) == bodyText(app))
        let refused = try applying("refusal", to: app, codec: appCodec, request: appJSON)
        #expect(appCodec.read(refused, facts: appCodec.facts(request: appJSON))?.content == RefusalFault.english)
    }

    @Test func badParametersSayWhatToFix() throws {
        #expect(throws: FaultSpecError.invalidValue(kind: "bad_tool_arguments", name: "mode", value: "cut",
                                                   expected: "one of truncated, wrong_type, missing_required")) {
            try FaultRegistry.parse("bad_tool_arguments mode=cut")
        }
        #expect(throws: FaultSpecError.self) { try FaultRegistry.parse("cut_at_length where=middle") }
        #expect(throws: FaultSpecError.self) { try FaultRegistry.parse("endless_reasoning tokens=0") }
        #expect(throws: FaultSpecError.self) { try FaultRegistry.parse("refusal text=no") }
        for spec in ["bad_tool_arguments mode=wrong_type", "unknown_tool name=x", "cut_at_length where=json", "refusal message=\"No way.\"",
                     "endless_reasoning tokens=64", "invalid_json mode=fenced", "schema_violation mode=wrong_type", "empty_answer", "duplicate_tool_ids"] {
            #expect(try FaultRegistry.parse(spec).map(\.description) == [spec])
        }
    }

    @Test func endlessReasoningFillsTheBoundAndEndsOnLength() throws {
        let body = #"{"model":"qwen-plus","max_tokens":40,"messages":[{"role":"user","content":"Tell me a story"}]}"#
        let (plan, codec, json) = try synthesized(CompatibleChatModule.path, body, stream: true)
        let changed = try #require(codec.read(try applying("endless_reasoning", to: plan, codec: codec, request: json), facts: codec.facts(request: json)))
        #expect(changed.content.isEmpty && changed.toolCalls.isEmpty && changed.finishReason == "length")
        #expect(changed.reasoningTokens == 40 && changed.outputTokens == 40)
    }

    /// The Swift helper: a scenario with a misbehaviour fault, through a real socket.
    @Test func testServerScenariosCarryMisbehaviourFaults() throws {
        let server = try TestServer(settings: MockSettings(speed: 0, unmatched: .synthesize), clock: .virtual)
        defer { server.stop() }
        try server.addScenario(yaml: "name: refuse\nmatch: {model: qwen-plus}\nsteps:\n  - faults: [\"refusal message=Declined.\"]\n")
        let answer = try RawHTTP.exchange(port: server.port, "POST", CompatibleChatModule.path, headers: authJSON, body: requests[0].body)
        let json = try JSONValue.parse(answer.body)
        #expect(json.value(at: "choices.0.message.content")?.stringValue == "Declined.")
        #expect(json.value(at: "choices.0.message.tool_calls") == nil)
        #expect(json.value(at: "choices.0.finish_reason")?.stringValue == "stop")
        #expect(server.requests(path: CompatibleChatModule.path).last?.faults == ["refusal message=Declined."])
    }
}
