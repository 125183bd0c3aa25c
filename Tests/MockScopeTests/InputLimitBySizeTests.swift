import Foundation
import Testing
@testable import MockScope
import MockScopeHTTPTypes

/// `ChatCall.withinInputLimitByItsSize` lets the input-length check skip the token estimate for a
/// body too short to exceed the limit. That is only right if no body's estimate is ever above the
/// bound its size gives: these bodies try to break it (wide characters, CRLF, escapes, parts).
@Suite struct InputLimitBySizeTests {
    static let texts = [
        "", "a", "hello world", "line\r\nline\r\n", "\r\n\r\n\r\n", "9.9和9.11谁大", String(repeating: "谁", count: 300),
        "한국어 텍스트", "ᄀᄁᄂ", "emoji 👩‍👩‍👧‍👦 and flags 🇨🇳🇺🇸", "e\u{301}\u{302}\u{303} combining", "ｆｕｌｌｗｉｄｔｈ",
        "tab\tquote\"backslash\\", String(repeating: "ab\r\n", count: 200), "\u{20000}\u{2A6D6}",
    ]

    /// The body's bytes with every non-ASCII character written as `\u` escapes (as Python's json.dumps does).
    static func escaped(_ json: String) -> [UInt8] {
        var out = ""
        for unit in json.utf16 {
            if unit < 0x80 { out.unicodeScalars.append(Unicode.Scalar(unit)!) } else { out += String(format: "\\u%04x", unit) }
        }
        return Array(out.utf8)
    }

    static func bound(_ bytes: Int) -> Int { TextMetrics.tokens(units: 3 * bytes) + SynthesizedAnswer.promptOverhead }

    func check(_ object: [String: Any], surface: SynthesisInput.Surface) throws {
        let plain = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        let parsed = try JSONValue.parse(Array(plain))
        let estimate = SynthesisInput.estimatedInputTokens(surface: surface, body: parsed)
        for bytes in [Array(plain), Self.escaped(String(decoding: plain, as: UTF8.self))] {
            #expect(try JSONValue.parse(bytes) == parsed)
            #expect(estimate <= Self.bound(bytes.count), "\(estimate) tokens > bound \(Self.bound(bytes.count)) for \(bytes.count) bytes")
        }
    }

    @Test func noEstimateExceedsTheBoundOfItsBodysSize() throws {
        for text in Self.texts {
            try check(["model": "m", "messages": [["role": "user", "content": text]]], surface: .compatible)
            try check(["model": "m", "messages": [["role": "system", "content": text], ["role": "user", "content": text + text]]],
                      surface: .compatible)
            // Content parts are joined with a newline the body does not hold: each part's own syntax pays for it.
            try check(["model": "m", "messages": [["role": "user", "content": [["type": "text", "text": text], ["type": "text", "text": ""],
                                                                            ["type": "text", "text": text]]]]], surface: .compatible)
            try check(["model": "m", "input": ["prompt": text]], surface: .native(multimodal: false))
            try check(["model": "m", "input": ["messages": [["role": "user", "content": [["text": text], ["text": text]]]]]],
                      surface: .native(multimodal: false))
        }
    }

    @Test func theSizeDecidesOnlyWhatItCan() throws {
        let body = try JSONValue.parse(#"{"model":"m","messages":[]}"#)
        func call(_ surface: SynthesisInput.Surface, bytes: Int?) -> ChatCall {
            ChatCall(model: "m", info: nil, stream: false, settings: [:], body: body, surface: surface, ranges: .compatible, sentBytes: bytes)
        }
        #expect(call(.compatible, bytes: 1000).withinInputLimitByItsSize(Self.bound(1000)))
        #expect(!call(.compatible, bytes: 1000).withinInputLimitByItsSize(Self.bound(1000) - 1))
        #expect(!call(.compatible, bytes: nil).withinInputLimitByItsSize(1_000_000))  // a converted body: always counted
        #expect(!call(.native(multimodal: true), bytes: 10).withinInputLimitByItsSize(1_000_000))  // images count on their own
    }

    @Test func aPromptJustOverTheLimitIsStillRefused() throws {
        // qwen-mt-plus takes 8,192 input tokens: 8,192 tokens of CJK (1.5 characters a token) is
        // far fewer bytes than the size bound needs, so the estimate decides, and refuses.
        let info = try #require(ModelCatalog.builtIn.model(named: "qwen-mt-plus"))
        let characters = (info.maxInput - SynthesizedAnswer.promptOverhead) * 3 / 2 + 3
        let text = String(repeating: "谁", count: characters)
        let raw = Array(#"{"model":"qwen-mt-plus","messages":[{"role":"user","content":"\#(text)"}]}"#.utf8)
        let request = HTTPRequest(method: "POST", path: "/compatible-mode/v1/chat/completions",
                                  headers: HeaderFields([("Content-Type", "application/json"), ("Authorization", "Bearer k")]), body: raw)
        let module = CompatibleChatModule()
        let heads = RequestHeads(request.headers)
        guard case .refused(let spec, let message) = module.validate(request, heads: heads, endpoint: module.endpoint(for: request.path)!,
                                                                    context: ValidationContext()) else {
            Issue.record("a prompt over qwen-mt-plus's limit was accepted")
            return
        }
        #expect(spec == ErrorCatalog.inputTooLong)
        #expect(message == String(info.maxInput))
        // And one under it is accepted.
        let short = Array(#"{"model":"qwen-mt-plus","messages":[{"role":"user","content":"\#(String(text.prefix(characters - 40)))"}]}"#.utf8)
        let shortRequest = HTTPRequest(method: "POST", path: request.path, headers: request.headers, body: short)
        guard case .valid = module.validate(shortRequest, heads: RequestHeads(shortRequest.headers), endpoint: module.endpoint(for: request.path)!,
                                            context: ValidationContext()) else {
            Issue.record("a prompt under qwen-mt-plus's limit was refused")
            return
        }
    }
}
