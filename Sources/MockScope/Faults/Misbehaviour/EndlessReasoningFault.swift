import MockScopeHTTPTypes

/// `endless_reasoning tokens=N`: a thinking model that never reaches an answer: reasoning only
/// (the answer's own reasoning, then a sentence of second thoughts again and again) up to N tokens
/// (default: the request's `max_tokens` / `max_output_tokens`, else 256), no text, no tool
/// calls, and the "length" finish of the protocol (as `cut_at_length`).
public struct EndlessReasoningFault: AnswerFault {
    public static let kind = "endless_reasoning"
    public static let parameterNames: Set<String> = ["tokens"]
    static let defaultTokens = 256
    static let maxTokens = 32_768
    static let english = " Wait, let me reconsider the question from the beginning."
    static let chinese = "等等，让我从头再想一想这个问题。"

    public var tokens: Int?

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        tokens = try parameters.int("tokens", atLeast: 1)
        if let tokens, tokens > Self.maxTokens {
            throw .invalidValue(kind: Self.kind, name: "tokens", value: String(tokens), expected: "a whole number from 1 to \(Self.maxTokens)")
        }
    }

    public var description: String { FaultText.describe(Self.kind, [("tokens", FaultText.number(tokens))]) }

    func misbehave(_ answer: inout SynthesizedAnswer, facts: AnswerFacts) {
        let budget = min(tokens ?? facts.maxTokens ?? Self.defaultTokens, Self.maxTokens) * 12
        let sentence = facts.input.prefersChinese ? Self.chinese : Self.english
        var reasoning = ""
        var units = 0
        var source = answer.reasoning.isEmpty ? sentence.trimmedSpaces : answer.reasoning
        while units < budget {
            for character in source {
                let cost = TextMetrics.tokenUnits(String(character))
                guard units + cost <= budget else { units = budget; break }
                units += cost
                reasoning.append(character)
            }
            source = sentence
        }
        answer.reasoning = reasoning
        answer.content = ""
        answer.toolCalls = []
        answer.stoppedByLength = true
    }
}
