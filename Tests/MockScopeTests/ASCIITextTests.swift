@testable import MockScope
import Testing

/// The byte-level fast paths give what the `Character`-level code they stand in for gives.
@Suite struct ASCIITextTests {
    static let texts = [
        "", "{model}", "no placeholder here", "model {model} and again {model}.", "{model}{model}",
        "edge at the end {model}", "中文 {model} 中文", "中文{model}中文", "e\u{301}{model}", "{model}\u{301} combining after",
        "{mode} {model", "crlf\r\n{model}\r\n", "emoji 👍🏽{model}👍🏽 and {model}",
    ]

    @Test(arguments: texts, ["qwen-plus", "", "模型", "{model}"])
    func replacingMatchesStringReplacing(text: String, replacement: String) {
        #expect(ASCIIText.replacing("{model}", with: replacement, in: text) == text.replacing("{model}", with: replacement))
    }

    @Test func aNearMissReportIsFilledIn() {
        let row = ErrorWording(status: 400, code: "invalid_request_error", message: "<400> InternalError.Algo.InvalidParameter: {detail}",
                               source: "test")
        let detail = "No fixture matches POST /x. Closest: \"a\" (messages.0.content: fixture has \"你好\", request has \"{model}\")."
        let stated = StatedError(row, message: detail, model: "qwen-plus")
        #expect(stated.message == "<400> InternalError.Algo.InvalidParameter: " + detail.replacing("{model}", with: "qwen-plus"))
    }
}
