import Testing
@testable import MockScope

// MARK: - Helpers

private let weatherTools = #"[{"type":"function","function":{"name":"get_current_time","description":"当前时间","parameters":{}}},{"type":"function","function":{"name":"get_current_weather","description":"天气","parameters":{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer","minimum":3},"verbose":{"type":"boolean"}},"required":["location","unit","days"]}}}]"#

private func plan(_ endpoint: Endpoint, _ body: String, stream: Bool, requestID: String = "11111111-2222-4333-8444-555555555555") throws -> ResponsePlan {
    Synthesizer.plan(for: SynthesisRequest(endpoint: endpoint, body: try JSONValue.parse(body), stream: stream, requestID: requestID))
}

private func wholeText(_ plan: ResponsePlan) throws -> String {
    guard case .whole(let bytes) = plan.body else { throw SynthTestError("expected a whole body") }
    return String(decoding: bytes, as: UTF8.self)
}

private func eventTexts(_ plan: ResponsePlan) throws -> [String] {
    guard case .events(let events) = plan.body else { throw SynthTestError("expected a stream") }
    return events.map { String(decoding: $0.bytes, as: UTF8.self) }
}

/// The JSON of each compatible chunk (`data: ` stripped); `[DONE]` must be last and is dropped.
private func compatChunks(_ plan: ResponsePlan) throws -> [JSONValue] {
    let texts = try eventTexts(plan)
    #expect(texts.last == "data: [DONE]\n\n")
    var chunks: [JSONValue] = []
    for text in texts.dropLast() {
        #expect(text.hasPrefix("data: ") && text.hasSuffix("\n\n"), "bad framing: \(text)")
        chunks.append(try JSONValue.parse(String(text.dropFirst("data: ".count).dropLast(2))))
    }
    return chunks
}

/// The JSON of each native event, checking the `id:N / event:result / :HTTP_STATUS/200 / data:` framing.
private func nativeEvents(_ plan: ResponsePlan) throws -> [JSONValue] {
    var result: [JSONValue] = []
    for (index, text) in try eventTexts(plan).enumerated() {
        let head = "id:\(index + 1)\nevent:result\n:HTTP_STATUS/200\ndata:"
        #expect(text.hasPrefix(head) && text.hasSuffix("\n\n"), "bad framing: \(text)")
        #expect(!text.dropFirst(head.count).dropLast(2).contains("\n"))
        result.append(try JSONValue.parse(String(text.dropFirst(head.count).dropLast(2))))
    }
    return result
}

private struct SynthTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

private func compatBody(model: String = "qwen-plus", _ prompt: String, extra: String = "") -> String {
    #"{"model":"\#(model)","messages":[{"role":"user","content":"\#(prompt)"}]\#(extra)}"#
}

private func nativeBody(model: String = "qwen-plus", _ prompt: String, parameters: String = "{}") -> String {
    #"{"model":"\#(model)","input":{"messages":[{"role":"user","content":"\#(prompt)"}]},"parameters":\#(parameters)}"#
}

private let native = Endpoint.nativeGeneration(multimodal: false)

/// Synthesized answers (`Synthesizer.plan(for:)`) in both protocols and the apps endpoint.
@Suite struct SynthesizerTests {
    // MARK: - Determinism

    @Test func sameRequestGivesSameBytesAndDifferentPromptsDiffer() throws {
        let requests: [(Endpoint, String, Bool)] = [
            (.compatibleChat, compatBody("Tell me about otters", extra: #","stream":true,"stream_options":{"include_usage":true}"#), true),
            (.compatibleChat, compatBody(model: "qwq-plus", "9.9和9.11谁大", extra: #","tools":\#(weatherTools)"#), false),
            (native, nativeBody("讲个故事", parameters: #"{"result_format":"message","enable_thinking":true}"#), true),
            (.application(id: "app1"), #"{"model":"","input":{"prompt":"hello"},"parameters":{}}"#, true),
        ]
        for (endpoint, body, stream) in requests {
            let first = try plan(endpoint, body, stream: stream)
            let second = try plan(endpoint, body, stream: stream)
            switch (first.body, second.body) {
            case (.whole(let a), .whole(let b)):
                #expect(String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self))
            case (.events(let a), .events(let b)):
                #expect(a.map(\.atMs) == b.map(\.atMs))
                #expect(a.map { String(decoding: $0.bytes, as: UTF8.self) } == b.map { String(decoding: $0.bytes, as: UTF8.self) })
            default:
                Issue.record("body kinds differ")
            }
        }

        let otters = try wholeText(try plan(.compatibleChat, compatBody("Tell me about otters"), stream: false))
        let beavers = try wholeText(try plan(.compatibleChat, compatBody("Tell me about beavers"), stream: false))
        let ottersContent = try JSONValue.parse(otters).value(at: "choices.0.message.content")?.stringValue
        let beaversContent = try JSONValue.parse(beavers).value(at: "choices.0.message.content")?.stringValue
        #expect(ottersContent != beaversContent)
        #expect(ottersContent?.contains("MockScope") == true)
        #expect(ottersContent?.contains("Tell me about otters") == true)
    }

    @Test func hashIsFNV1a64AndIdsAreDerivedFromIt() throws {
        // Published FNV-1a 64 test vectors: a seeded Hasher would fail these.
        #expect(StableHash("").value == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash("a").value == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash("foobar").value == 0x8594_4171_f739_67e8)

        let body = try JSONValue.parse(compatBody("weather?", extra: #","tools":\#(weatherTools)"#))
        let input = SynthesisInput(endpoint: .compatibleChat, body: body)
        let call = try #require(SynthesizedAnswer(input).toolCalls.first)
        #expect(call.id == "call_" + input.hash.derived("call-0").hex(22))
        #expect(call.id.count == 27)
        #expect(call.id.dropFirst(5).allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test func streamingSwitchesDoNotChangeTheAnswer() throws {
        let whole = try JSONValue.parse(try wholeText(try plan(.compatibleChat, compatBody("Same words"), stream: false)))
        let chunks = try compatChunks(try plan(.compatibleChat, compatBody("Same words", extra: #","stream":true"#), stream: true))
        let streamed = chunks.compactMap { $0.value(at: "choices.0.delta.content")?.stringValue }.joined()
        #expect(streamed == whole.value(at: "choices.0.message.content")?.stringValue)
    }

    // MARK: - Compatible stream

    @Test func compatStreamParsesAndHasUsageOnlyWhenAsked() throws {
        for includeUsage in [false, true] {
            let extra = includeUsage ? #","stream":true,"stream_options":{"include_usage":true}"# : #","stream":true"#
            let thePlan = try plan(.compatibleChat, compatBody("Tell me a story", extra: extra), stream: true)
            #expect(thePlan.status == 200)
            #expect(thePlan.headers["content-type"] == "text/event-stream;charset=UTF-8")
            #expect(thePlan.headers["x-request-id"] == "11111111-2222-4333-8444-555555555555")
            let chunks = try compatChunks(thePlan)
            let usageChunks = chunks.filter { $0["choices"]?.arrayValue?.isEmpty == true }
            #expect(usageChunks.count == (includeUsage ? 1 : 0))
            for chunk in chunks {
                #expect(chunk["object"] == "chat.completion.chunk")
                #expect(chunk["id"] == "chatcmpl-11111111-2222-4333-8444-555555555555")
                #expect(chunk["model"] == "qwen-plus")
                if chunk["choices"]?.arrayValue?.isEmpty == true {
                    #expect(chunk.value(at: "usage.total_tokens")?.numberValue != nil)
                } else {
                    #expect(chunk["usage"] == .null)
                }
            }
            if includeUsage {
                #expect(chunks.last?["choices"] == .array([]))
                let usage = try #require(chunks.last?["usage"])
                #expect(usage["total_tokens"]?.numberValue == (usage["prompt_tokens"]?.numberValue ?? 0) + (usage["completion_tokens"]?.numberValue ?? 0))
            }
            #expect(chunks.first?.value(at: "choices.0.delta.role") == "assistant")
            let finishing = chunks.filter { $0.value(at: "choices.0.finish_reason") != nil && $0.value(at: "choices.0.finish_reason") != .null }
            #expect(finishing.count == 1)
            #expect(finishing.first?.value(at: "choices.0.finish_reason") == "stop")
        }
    }

    @Test func compatChunksHaveTheFixtureKeyOrders() throws {
        let texts = try eventTexts(try plan(.compatibleChat, compatBody("hi", extra: #","stream":true"#), stream: true))
        #expect(texts[0].hasPrefix(#"data: {"choices":[{"delta":{"content":"","role":"assistant"},"index":0,"logprobs":null,"finish_reason":null}],"object":"chat.completion.chunk","usage":null,"created":"#))
        #expect(texts[1].hasPrefix(#"data: {"choices":[{"delta":{"content":"MockScop"},"finish_reason":null,"index":0,"logprobs":null}],"#))
        #expect(texts[texts.count - 2].hasPrefix(#"data: {"choices":[{"finish_reason":"stop","delta":{"content":""},"index":0,"logprobs":null}],"#))
        #expect(texts[0].hasSuffix(#","system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-11111111-2222-4333-8444-555555555555"}"# + "\n\n"))

        let body = try wholeText(try plan(.compatibleChat, compatBody("hi"), stream: false))
        #expect(body.hasPrefix(#"{"choices":[{"message":{"content":"MockScope synthesized this answer to \"hi\". "#))
        #expect(body.contains(#""role":"assistant"},"finish_reason":"stop","index":0,"logprobs":null}],"object":"chat.completion","usage":{"prompt_tokens":"#))
        #expect(body.hasSuffix(#","system_fingerprint":null,"model":"qwen-plus","id":"chatcmpl-11111111-2222-4333-8444-555555555555"}"#))
    }

    @Test func streamEventsArePiecesOfEightCharactersEveryThirtyMilliseconds() throws {
        let thePlan = try plan(.compatibleChat, compatBody("请用中文回答这个问题", extra: #","stream":true"#), stream: true)
        guard case .events(let events) = thePlan.body else { Issue.record("not a stream"); return }
        for (index, event) in events.enumerated() { #expect(event.atMs == 300 + 30 * Double(index)) }
        let pieces = try compatChunks(thePlan).compactMap { $0.value(at: "choices.0.delta.content")?.stringValue }.filter { !$0.isEmpty }
        #expect(pieces.count > 2)
        #expect(pieces.dropLast().allSatisfy { $0.count == 8 })
        #expect(pieces.last!.count <= 8)
        #expect(pieces.joined().hasPrefix("这是 MockScope 合成的回答"))
    }

    // MARK: - Reasoning

    @Test func reasoningComesBeforeContentForQwqAndEnableThinking() throws {
        let cases: [(String, String)] = [
            ("qwq-plus", #","stream":true"#),
            ("qwen-plus", #","stream":true,"enable_thinking":true"#),
        ]
        for (model, extra) in cases {
            let chunks = try compatChunks(try plan(.compatibleChat, compatBody(model: model, "9.9和9.11谁大", extra: extra), stream: true))
            #expect(chunks[0].value(at: "choices.0.delta") == ["content": nil, "role": "assistant", "reasoning_content": ""])
            var phase = 0  // 0 reasoning, 1 content
            var reasoning = ""
            var content = ""
            for chunk in chunks.dropFirst().dropLast() {
                if let piece = chunk.value(at: "choices.0.delta.reasoning_content")?.stringValue {
                    #expect(phase == 0, "reasoning after content")
                    #expect(chunk.value(at: "choices.0.delta.content") == .null)
                    reasoning += piece
                } else if let piece = chunk.value(at: "choices.0.delta.content")?.stringValue, !piece.isEmpty {
                    phase = 1
                    #expect(chunk.value(at: "choices.0.delta.reasoning_content") == .null)
                    content += piece
                }
            }
            #expect(!reasoning.isEmpty && !content.isEmpty && phase == 1)
        }

        // Non-stream: reasoning_content and reasoning_tokens; a plain model has neither.
        let thinking = try JSONValue.parse(try wholeText(try plan(.compatibleChat, compatBody("hi", extra: #","enable_thinking":true"#), stream: false)))
        #expect(thinking.value(at: "choices.0.message.reasoning_content")?.stringValue?.isEmpty == false)
        #expect((thinking.value(at: "usage.completion_tokens_details.reasoning_tokens")?.numberValue ?? 0) > 0)
        let plain = try JSONValue.parse(try wholeText(try plan(.compatibleChat, compatBody("hi"), stream: false)))
        #expect(plain.value(at: "choices.0.message.reasoning_content") == nil)
        #expect(plain.value(at: "usage.completion_tokens_details") == nil)

        // Native: reasoning events first, then content; reasoning_tokens on every event.
        let events = try nativeEvents(try plan(native, nativeBody("讲个故事", parameters: #"{"result_format":"message","enable_thinking":true,"incremental_output":true}"#), stream: true))
        let reasoningEvents = events.prefix { $0.value(at: "output.choices.0.message.reasoning_content")?.stringValue?.isEmpty == false }
        #expect(!reasoningEvents.isEmpty)
        #expect(reasoningEvents.allSatisfy { $0.value(at: "output.choices.0.message.content") == "" })
        #expect(events[reasoningEvents.count].value(at: "output.choices.0.message.content")?.stringValue?.isEmpty == false)
        #expect(events.allSatisfy { $0.value(at: "usage.output_tokens_details.reasoning_tokens")?.numberValue != nil })
        #expect(events.last?.value(at: "output.choices.0.finish_reason") == "stop")
        #expect(events.dropLast().allSatisfy { $0.value(at: "output.choices.0.finish_reason") == "null" })
    }

    // MARK: - Tools

    @Test func toolCallFollowsToolChoiceElseBestFittingTool() throws {
        // The text fits the weather tool's description (天气) better than the first tool's.
        let fitting = try JSONValue.parse(try wholeText(try plan(.compatibleChat, compatBody("天气怎么样", extra: #","tools":\#(weatherTools)"#), stream: false)))
        #expect(fitting.value(at: "choices.0.message.tool_calls.0.function.name") == "get_current_weather")

        // No tool fits better than another: the first one (no parameters, so `{}`).
        let first = try JSONValue.parse(try wholeText(try plan(.compatibleChat, compatBody("现在几点", extra: #","tools":\#(weatherTools)"#), stream: false)))
        #expect(first.value(at: "choices.0.finish_reason") == "tool_calls")
        #expect(first.value(at: "choices.0.message.content") == "")
        #expect(first.value(at: "choices.0.message.tool_calls.0.function.name") == "get_current_time")
        #expect(first.value(at: "choices.0.message.tool_calls.0.function.arguments") == "{}")
        #expect(first.value(at: "choices.0.message.tool_calls.0.type") == "function")
        #expect(first.value(at: "choices.0.message.tool_calls.0.index") == 0)

        // Named by tool_choice: required properties only, enum's first value, minimum, CJK place.
        let choice = #","tool_choice":{"type":"function","function":{"name":"get_current_weather"}}"#
        let named = try JSONValue.parse(try wholeText(try plan(.compatibleChat, compatBody("天气怎么样", extra: #","tools":\#(weatherTools)\#(choice)"#), stream: false)))
        let argumentsText = try #require(named.value(at: "choices.0.message.tool_calls.0.function.arguments")?.stringValue)
        #expect(named.value(at: "choices.0.message.tool_calls.0.function.name") == "get_current_weather")
        #expect(argumentsText == #"{"location": "杭州市", "unit": "celsius", "days": 3}"#)
        let arguments = try JSONValue.parse(argumentsText)
        #expect(arguments["location"] == "杭州市")
        #expect(arguments["unit"] == "celsius")
        #expect(arguments["verbose"] == nil)

        // Native, streamed: the fragments rebuild the same arguments; the opening one has id and name.
        let events = try nativeEvents(try plan(native, nativeBody("What's the weather?", parameters: #"{"tools":\#(weatherTools)\#(choice),"incremental_output":true}"#), stream: true))
        let fragments = events.compactMap { $0.value(at: "output.choices.0.message.tool_calls.0") }
        #expect(fragments.count >= 2)
        #expect(fragments[0]["id"]?.stringValue?.hasPrefix("call_") == true)
        #expect(fragments[0].value(at: "function.name") == "get_current_weather")
        #expect(fragments.dropFirst().allSatisfy { $0["id"] == "" && $0.value(at: "function.name") == nil && $0["index"] == 0 })
        let rebuilt = fragments.compactMap { $0.value(at: "function.arguments")?.stringValue }.joined()
        #expect(rebuilt == #"{"location": "Hangzhou", "unit": "celsius", "days": 3}"#)
        #expect(events.last?.value(at: "output.choices.0.finish_reason") == "tool_calls")
        #expect(events.last?.value(at: "output.choices.0.message.tool_calls") == nil)

        // Compatible stream: first delta has index, id, type, name; later ones id "" and arguments only.
        let chunks = try compatChunks(try plan(.compatibleChat, compatBody("weather?", extra: #","stream":true,"tools":\#(weatherTools)\#(choice)"#), stream: true))
        let deltas = chunks.compactMap { $0.value(at: "choices.0.delta.tool_calls.0") }
        #expect(deltas.first?["id"]?.stringValue?.count == 27)
        #expect(deltas.first?["type"] == "function")
        #expect(deltas.first?.value(at: "function.name") == "get_current_weather")
        #expect(deltas.dropFirst().allSatisfy { $0["id"] == "" && $0.value(at: "function.name") == nil })
        #expect(deltas.compactMap { $0.value(at: "function.arguments")?.stringValue }.joined() == rebuilt)
        #expect(chunks.compactMap { $0.value(at: "choices.0.finish_reason") }.filter { $0 != .null } == ["tool_calls"])

        // tool_choice "none": text.
        let none = try JSONValue.parse(try wholeText(try plan(.compatibleChat, compatBody("weather?", extra: #","tools":\#(weatherTools),"tool_choice":"none""#), stream: false)))
        #expect(none.value(at: "choices.0.finish_reason") == "stop")
        #expect(none.value(at: "choices.0.message.tool_calls") == nil)
    }

    @Test func toolArgumentsCoverRequiredOrAllPropertiesByType() throws {
        let schema = try JSONValue.parse(#"{"type":"object","properties":{"city":{"type":"string"},"count":{"type":"number"},"tags":{"type":"array","items":{"type":"string","enum":["a","b"]}},"filter":{"type":"object","properties":{"on":{"type":"boolean"}},"required":["on"]},"mode":{"type":["string","null"]}}}"#)
        #expect(ToolArguments.json(for: schema, chinese: false)
            == #"{"city": "Hangzhou", "count": 1, "filter": {"on": true}, "mode": "mode value", "tags": ["a"]}"#)
        #expect(ToolArguments.json(for: nil, chinese: true) == "{}")
    }

    @Test func toolResultAsLastMessageGivesTextThatEchoesIt() throws {
        let body = #"{"model":"qwen-plus","tools":\#(weatherTools),"messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{}"},"index":0}]},{"role":"tool","tool_call_id":"call_1","content":"Sunny and 25 degrees"}]}"#
        let answer = try JSONValue.parse(try wholeText(try plan(.compatibleChat, body, stream: false)))
        #expect(answer.value(at: "choices.0.finish_reason") == "stop")
        #expect(answer.value(at: "choices.0.message.tool_calls") == nil)
        let content = try #require(answer.value(at: "choices.0.message.content")?.stringValue)
        #expect(content.contains("Sunny and 25 degrees"))
        #expect(content.contains("get_current_weather"))

        let nativeRequest = #"{"model":"qwen-plus","input":{"messages":[{"role":"user","content":"巴黎天气？"},{"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_current_weather","arguments":"{}"}}]},{"role":"tool","name":"get_current_weather","content":"晴，25度"}]},"parameters":{"result_format":"message","tools":\#(weatherTools)}}"#
        let events = try nativeEvents(try plan(native, nativeRequest, stream: true))
        #expect(events.last?.value(at: "output.choices.0.finish_reason") == "stop")
        #expect(events.allSatisfy { $0.value(at: "output.choices.0.message.tool_calls") == nil })
        #expect(events.last?.value(at: "output.choices.0.message.content")?.stringValue?.contains("晴，25度") == true)
    }

    // MARK: - Native

    @Test func nativeCumulativeEventsAreRunningSumsOfIncrementalPieces() throws {
        for parameters in [#"{"result_format":"message"}"#, #"{"result_format":"message","enable_thinking":true}"#, "{}"] {
            let incrementalParameters = String(parameters.dropLast()) + (parameters == "{}" ? "" : ",") + #""incremental_output":true}"#
            let cumulative = try nativeEvents(try plan(native, nativeBody("讲个长一点的故事吧", parameters: parameters), stream: true))
            let incremental = try nativeEvents(try plan(native, nativeBody("讲个长一点的故事吧", parameters: incrementalParameters), stream: true))
            #expect(cumulative.count == incremental.count)
            #expect(cumulative.count > 3)
            for path in ["output.choices.0.message.content", "output.choices.0.message.reasoning_content", "output.text"] {
                var soFar = ""
                for (k, event) in incremental.enumerated() {
                    guard let piece = event.value(at: path)?.stringValue else { continue }
                    soFar += piece
                    #expect(cumulative[k].value(at: path)?.stringValue == soFar, "\(path) event \(k + 1)")
                }
            }
            for (a, b) in zip(cumulative, incremental) { #expect(a["usage"] == b["usage"]) }
        }

        // QwQ thinks on every call; a thinking stream must ask for incremental output (validation
        // refuses it otherwise, as the real service does: Tests/python/test_catalog_refusals.py), so nothing forces it here.
        let qwq = try nativeEvents(try plan(native, nativeBody(model: "qwq-plus", "hi",
                                                               parameters: #"{"result_format":"message","incremental_output":true}"#), stream: true))
        let pieces = qwq.compactMap { $0.value(at: "output.choices.0.message.reasoning_content")?.stringValue }.filter { !$0.isEmpty }
        #expect(pieces.count > 1 && pieces.allSatisfy { $0.count <= 8 })
    }

    @Test func nativeTextAndMessageFormats() throws {
        let text = try wholeText(try plan(native, nativeBody("hi"), stream: false))
        #expect(text.hasPrefix(#"{"output":{"finish_reason":"stop","text":"MockScope synthesized"#))
        #expect(text.contains(#"},"usage":{"total_tokens":"#))
        #expect(text.hasSuffix(#","request_id":"11111111-2222-4333-8444-555555555555"}"#))
        let textJSON = try JSONValue.parse(text)
        #expect(textJSON.value(at: "usage.total_tokens")?.numberValue
            == (textJSON.value(at: "usage.input_tokens")?.numberValue ?? 0) + (textJSON.value(at: "usage.output_tokens")?.numberValue ?? 0))

        let message = try wholeText(try plan(native, nativeBody("hi", parameters: #"{"result_format":"message"}"#), stream: false))
        #expect(message.hasPrefix(#"{"output":{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":"MockScope"#))

        // Tools and always-thinking models force the message format.
        let withTools = try JSONValue.parse(try wholeText(try plan(native, nativeBody("hi", parameters: #"{"tools":\#(weatherTools)}"#), stream: false)))
        #expect(withTools.value(at: "output.choices.0.finish_reason") == "tool_calls")
        #expect(withTools.value(at: "output.text") == nil)
        let qwq = try nativeEvents(try plan(native, nativeBody(model: "qwq-plus", "hi"), stream: true))
        #expect(qwq.allSatisfy { $0.value(at: "output.choices.0.message.role") == "assistant" && $0.value(at: "output.text") == nil })

        // Text-format streams: output.text and the string "null" until the end.
        let textEvents = try nativeEvents(try plan(native, nativeBody("hi"), stream: true))
        #expect(textEvents.dropLast().allSatisfy { $0.value(at: "output.finish_reason") == "null" })
        #expect(textEvents.last?.value(at: "output.finish_reason") == "stop")
        #expect(textEvents.allSatisfy { $0["request_id"] == "11111111-2222-4333-8444-555555555555" && $0.value(at: "usage.output_tokens") != nil })

        // Multimodal: content is a list of text parts, image tokens counted.
        let multimodal = #"{"model":"qwen-vl-plus","input":{"messages":[{"role":"user","content":[{"image":"https://example.com/a.jpg"},{"text":"图片中有什么？"}]}]},"parameters":{}}"#
        let mm = try JSONValue.parse(try wholeText(try plan(.nativeGeneration(multimodal: true), multimodal, stream: false)))
        let parts = try #require(mm.value(at: "output.choices.0.message.content")?.arrayValue)
        #expect(parts.count == 1)
        #expect(parts[0]["text"]?.stringValue?.contains("图片中有什么？") == true)
        #expect(mm.value(at: "usage.image_tokens") == 1230)
    }

    // MARK: - Apps

    @Test func applicationShapes() throws {
        let request = #"{"model":"","input":{"prompt":"请告诉我今天的天气如何？"},"parameters":{"incremental_output":true}}"#
        let events = try nativeEvents(try plan(.application(id: "abf27f9eb6f742ff8f8fcf4d9c8dbb15"), request, stream: true))
        #expect(events.count > 1)
        let session = try #require(events[0].value(at: "output.session_id")?.stringValue)
        #expect(session.count == 32 && session.allSatisfy(\.isHexDigit))
        for event in events.dropLast() {
            #expect(event.value(at: "output.finish_reason") == "null")
            #expect(event["usage"] == .object([:]))
            #expect(event.value(at: "output.session_id")?.stringValue == session)
        }
        #expect(events.last?.value(at: "output.finish_reason") == "stop")
        #expect(events.last?.value(at: "usage.models.0.model_id") == "qwen-plus")
        let streamed = events.compactMap { $0.value(at: "output.text")?.stringValue }.joined()

        let whole = try wholeText(try plan(.application(id: "abf27f9eb6f742ff8f8fcf4d9c8dbb15"),
                                           #"{"input":{"prompt":"请告诉我今天的天气如何？"},"parameters":{"model":"qwen-max"}}"#, stream: false))
        #expect(whole.hasPrefix(#"{"output":{"text":""#))
        #expect(whole.contains(#"","finish_reason":"stop","session_id":""#))
        #expect(whole.contains(#"},"usage":{"models":[{"model_id":"qwen-max","input_tokens":"#))
        let json = try JSONValue.parse(whole)
        #expect(json.value(at: "output.text")?.stringValue?.contains("请告诉我今天的天气如何？") == true)
        #expect(streamed.contains("请告诉我今天的天气如何？"))
        #expect(json.value(at: "usage.models.0.output_tokens")?.numberValue ?? 0 > 0)
    }
}

@Suite struct RequestIDTests {
    /// Request ids look like DashScope's (a lower-case version 4 UUID) and do not repeat.
    @Test func requestIDsAreVersion4UUIDsAndUnique() {
        let ids = (0..<2000).map { _ in ProtocolResponses.newRequestID() }
        #expect(Set(ids).count == ids.count)
        let shape = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        for id in ids { #expect(id.wholeMatch(of: shape) != nil, "\(id)") }
        // Every hex digit turns up in every free position over 2000 ids (no stuck nibble).
        for position in [0, 7, 9, 15, 20, 35] {
            #expect(Set(ids.map { Array($0.utf8)[position] }).count == 16, "position \(position)")
        }
    }
}
