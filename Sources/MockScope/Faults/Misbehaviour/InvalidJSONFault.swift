import MockScopeHTTPTypes

/// `invalid_json mode=trailing_comma|fenced|prose|single_quotes`: JSON mode's content is not JSON,
/// as models get it wrong: a trailing comma before the last closing bracket, the object in a
/// Markdown ```json fence, a sentence before it, or single quotes for double ones. The finish
/// reason stays `stop`. Empty content (a tool-call answer) is left alone.
public struct InvalidJSONFault: AnswerFault {
    public static let kind = "invalid_json"
    public static let parameterNames: Set<String> = ["mode"]
    static let modes = ["trailing_comma", "fenced", "prose", "single_quotes"]

    public var mode: String

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        mode = try parameters.choice("mode", Self.modes) ?? "trailing_comma"
    }

    public var description: String { FaultText.describe(Self.kind, [("mode", mode)]) }

    func misbehave(_ answer: inout SynthesizedAnswer, facts: AnswerFacts) {
        let content = answer.content.trimmedSpaces
        guard !content.isEmpty else { return }
        switch mode {
        case "fenced": answer.content = "```json\n" + content + "\n```"
        case "prose": answer.content = (facts.input.prefersChinese ? "以下是所需的 JSON：\n" : "Here is the JSON you asked for:\n") + content
        case "single_quotes": answer.content = String(content.map { $0 == "\"" ? "'" : $0 })
        default:
            guard let last = content.lastIndex(where: { $0 == "}" || $0 == "]" }) else {
                answer.content = content + ","
                return
            }
            var text = content
            text.insert(",", at: last)
            answer.content = text
        }
    }
}
