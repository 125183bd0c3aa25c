import Logging
@testable import MockScope
import MockScopeHTTPTypes
import Testing

/// The Anthropic-compatible Messages API module and its dialect, through the exchange handler
/// (the Python suite drives it with the anthropic SDK over sockets: test_anthropic.py).
@Suite struct AnthropicMessagesTests {
    private let handler = ExchangeHandler(
        store: FixtureStore([]), settings: MockSettings(speed: 0, unmatched: .synthesize),
        logger: Logger(label: "anthropic", factory: { _ in SwiftLogNoOpLogHandler() }))

    private func post(_ body: String, headers: [(name: String, value: String)] = [("x-api-key", "sk-ant")],
                      path: String = AnthropicMessagesModule.path) -> (status: Int, headers: HeaderFields, body: String) {
        let request = HTTPRequest(method: "POST", path: path,
                                  headers: HeaderFields([("Content-Type", "application/json")] + headers), body: Array(body.utf8))
        let response = handler.handle(request)
        let bytes: [UInt8]
        switch response.body {
        case .bytes(let whole): bytes = whole
        case .stream(let chunks, _): bytes = chunks.flatMap(\.bytes)
        case .live, .prepared: bytes = []
        }
        return (response.status, response.headers, String(decoding: bytes, as: UTF8.self))
    }

    private static let hello = #"{"model":"qwen-plus","max_tokens":256,"messages":[{"role":"user","content":"Hello"}]"#

    @Test func everyCatalogNameIsStatedAndTypesFollowTheStatus() {
        #expect(Set(AnthropicErrorTable.entries.keys) == Set(ErrorCatalog.all.map(\.name)))
        let expected = [400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error",
                        413: "request_too_large", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"]
        for (name, row) in AnthropicErrorTable.entries where row.type != "Arrearage" {
            #expect(row.type == AnthropicErrorTable.type(forStatus: row.status), "\(name)")
        }
        for (status, type) in expected { #expect(AnthropicErrorDialect().generic(status: status, message: nil).type == type) }
    }

    @Test func aMissingMaxTokensIsTheDocsError() {
        let answer = post(#"{"model":"qwen-plus","messages":[{"role":"user","content":"Hi"}]}"#)
        #expect(answer.status == 400)
        #expect(answer.body == #"{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}"#)
    }

    @Test func aToolResultNeedsItsToolUse() {
        let answer = post(#"{"model":"qwen-plus","max_tokens":9,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"x"}]}]}"#)
        #expect(answer.status == 400)
        #expect(answer.body.contains("unexpected `tool_use_id` found in `tool_result` blocks: t1"))
        let unanswered = post(#"{"model":"qwen-plus","max_tokens":9,"messages":[{"role":"user","content":"w?"},"#
            + #"{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},{"role":"user","content":"go on"}]}"#)
        #expect(unanswered.status == 400)
        #expect(unanswered.body.contains("`tool_use` ids were found without `tool_result` blocks immediately after: t1"))
    }

    @Test func theKeyComesFromXApiKeyOrBearer() {
        #expect(post(Self.hello + "}").status == 200)
        #expect(post(Self.hello + "}", headers: [("Authorization", "Bearer sk-ant")]).status == 200)
        let none = post(Self.hello + "}", headers: [])
        #expect(none.status == 401)
        #expect(none.body == #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#)
    }

    @Test func theStreamIsNamedEventsInDashScopesOrder() {
        let answer = post(Self.hello + #","stream":true}"#)
        #expect(answer.status == 200)
        let names = answer.body.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
        #expect(names.first == "message_start" && names.last == "message_stop")
        #expect(Array(names.prefix(3)) == ["message_start", "content_block_start", "ping"])
        #expect(names.contains("content_block_delta") && names.suffix(2).first == "message_delta")
        #expect(!answer.body.contains("[DONE]"))
        // Same request, same bytes apart from the request id in `msg_<id>`.
        let again = post(Self.hello + #","stream":true}"#)
        let strip = { (text: String) in text.split(separator: "\n").filter { !$0.contains("message_start\",") }.joined() }
        #expect(strip(answer.body) == strip(again.body))
    }

    @Test func aMidStreamErrorIsAnErrorEvent() {
        let answer = post(Self.hello + #","stream":true}"#,
                          headers: [("x-api-key", "sk-ant"), (faultHeader, "stream_error after_events=1 code=rate_limit_requests")])
        #expect(answer.status == 200)
        #expect(answer.body.hasSuffix("event: error\n" + #"data: {"type":"error","error":{"type":"rate_limit_error","message":"Rate limit exceeded"}}"# + "\n\n"))
    }

    @Test func otherPathsAreAnthropicShaped404s() {
        let models = post("{}", path: "/apps/anthropic/v1/models")
        #expect(models.status == 404)
        #expect(models.body.hasPrefix(#"{"type":"error","error":{"type":"not_found_error","#))
    }
}
