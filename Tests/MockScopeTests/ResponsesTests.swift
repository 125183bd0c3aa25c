import Foundation
@testable import MockScope
import MockScopeHTTPTypes
import MockScopeTesting
import Testing

/// The Responses API module through a live `TestServer` (port 0): a stored response and its
/// expiry on the virtual clock, the rate limit as a 200 failed Response, the stream's framing and
/// numbering, and the token counts rate limits charge from this protocol's usage.
@Suite(.serialized) struct ResponsesTests {
    private static let path = "/compatible-mode/v1/responses"

    private func server() throws -> TestServer {
        var settings = MockSettings(speed: 0, unmatched: .synthesize)
        settings.responses.storeSize = 2
        return try TestServer(settings: settings, clock: .virtual)
    }

    private func json(_ response: RawHTTP.Response) throws -> JSONValue { try JSONValue.parse(response.body) }

    @Test func aStoredResponseIsRetrievedUntilItsRetentionPassesOnTheClock() throws {
        let server = try server()
        defer { server.stop() }
        let created = try RawHTTP.exchange(port: server.port, "POST", Self.path, headers: authJSON, body: #"{"model":"qwen-plus","input":"keep"}"#)
        #expect(created.status == 200)
        let id = try #require(try json(created)["id"]?.stringValue)
        #expect(id == "resp_" + (created.header("x-request-id") ?? ""))
        let fetched = try RawHTTP.exchange(port: server.port, "GET", Self.path + "/" + id, headers: authJSON)
        #expect(fetched.body == created.body)
        // A bare UUID names the same response.
        #expect(try RawHTTP.exchange(port: server.port, "GET", Self.path + "/" + id.dropFirst(5), headers: authJSON).status == 200)
        _ = server.handler.clock.advance(ms: ResponsesSettings().retentionMs)
        let gone = try RawHTTP.exchange(port: server.port, "GET", Self.path + "/" + id, headers: authJSON)
        #expect(gone.status == 404)
        #expect(gone.text == #"{"error":{"message":"Response with id '\#(id)' not found.","type":"InvalidParameter"}}"#)
    }

    @Test func theStoreKeepsOnlyItsSizeAndStoreFalseKeepsNothing() throws {
        let server = try server()
        defer { server.stop() }
        var ids: [String] = []
        for text in ["one", "two", "three"] {
            let created = try RawHTTP.exchange(port: server.port, "POST", Self.path, headers: authJSON, body: #"{"model":"qwen-plus","input":"\#(text)"}"#)
            ids.append(try #require(try json(created)["id"]?.stringValue))
        }
        let statuses = try ids.map { try RawHTTP.exchange(port: server.port, "GET", Self.path + "/" + $0, headers: authJSON).status }
        #expect(statuses == [404, 200, 200])
        let unstored = try RawHTTP.exchange(port: server.port, "POST", Self.path, headers: authJSON,
                                            body: #"{"model":"qwen-plus","input":"x","store":false}"#)
        let unstoredID = try #require(try json(unstored)["id"]?.stringValue)
        #expect(try RawHTTP.exchange(port: server.port, "DELETE", Self.path + "/" + unstoredID, headers: authJSON).status == 404)
    }

    @Test func aRateLimitIsA200FailedResponse() throws {
        let server = try server()
        defer { server.stop() }
        let limited = try RawHTTP.exchange(port: server.port, "POST", Self.path, headers: authJSON + [("X-MockScope-Fault", "http_error status=429")],
                                           body: #"{"model":"qwen-plus","input":"hi"}"#)
        #expect(limited.status == 200)
        let body = try json(limited)
        #expect(body["status"] == "failed")
        #expect(body["error"]?["code"] == "server_error")
        #expect(body["output"] == [])
        // Other errors keep their status and the native shape.
        let missing = try RawHTTP.exchange(port: server.port, "POST", Self.path, headers: authJSON, body: #"{"input":"hi"}"#)
        #expect(missing.status == 400)
        #expect(missing.text == #"{"request_id":"\#(missing.header("x-request-id") ?? "")","code":"InvalidParameter","message":"[400] missing_required_parameter: Missing required parameter: 'model'."}"#)
    }

    @Test func streamsAreNumberedInDashScopesFraming() throws {
        let server = try server()
        defer { server.stop() }
        let stream = try RawHTTP.exchange(port: server.port, "POST", Self.path, headers: authJSON,
                                          body: #"{"model":"qwen-plus","input":"hi","stream":true}"#)
        let events = stream.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.count > 8)
        for (index, event) in events.enumerated() {
            let lines = event.components(separatedBy: "\n")
            #expect(lines.count == 4)
            #expect(lines[0] == "id:\(index + 1)")
            #expect(lines[2] == ":HTTP_STATUS/200")
            let data = try JSONValue.parse(String(lines[3].dropFirst("data:".count)))
            #expect(data["sequence_number"] == .number(Double(index)))
            #expect(lines[1] == "event:" + (data["type"]?.stringValue ?? "?"))
        }
        #expect(events.last?.contains("event:response.completed") == true)
        // A stream_error renumbers nothing it keeps and goes on counting: error, then response.failed.
        let failing = try RawHTTP.exchange(port: server.port, "POST", Self.path, headers: authJSON + [("X-MockScope-Fault", "stream_error after_events=3")],
                                           body: #"{"model":"qwen-plus","input":"hi","stream":true}"#)
        let kept = failing.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(kept.count == 5)
        #expect(kept[3].hasPrefix("id:4\nevent:error\n"))
        #expect(kept[4].hasPrefix("id:5\nevent:response.failed\n") && kept[4].contains(#""sequence_number":4"#))
    }

    @Test func rateLimitsChargeTheOutputTokensOfAResponsesAnswer() throws {
        let input = SynthesisInput(surface: .compatible, body: ["model": "qwen-plus", "messages": [["role": "user", "content": "count me"]]])
        let answer = SynthesizedAnswer(input)
        let renderer = ResponsesRenderer(input: input, answer: answer, requestID: "r", tools: [], toolChoice: "auto",
                                         parallelToolCalls: false, functionCallEvents: .customToolCallInput)
        #expect(answer.outputTokens > 0)
        #expect(Fixture.completionTokens(in: .whole(Array(renderer.body().utf8))) == answer.outputTokens)
        let events = StreamFraming.timed(renderer.events())
        #expect(Fixture.completionTokens(in: .events(events)) == answer.outputTokens)
        #expect(TokenEstimate.prompt(["model": "qwen-plus", "input": "count me"]) > 0)
    }

    @Test func theDialectRenumbersCopiedEventsBothWays() {
        let event = ResponsesEventFrame.frame(number: 3, type: "response.output_text.delta",
                                              json: #"{"delta":"a","item":{"sequence_number":9},"sequence_number":2,"type":"response.output_text.delta"}"#)
        let renumbered = ResponsesErrorDialect().renumbered(event, as: 7)
        #expect(renumbered.hasPrefix("id:7\n"))
        #expect(renumbered.contains(#""sequence_number":6,"type""#))
    }
}
