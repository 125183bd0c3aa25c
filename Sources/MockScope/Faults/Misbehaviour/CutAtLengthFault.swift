/// `cut_at_length where=tool_call|json|text`: the answer stops at the token limit in the middle of
/// something: the finish reason is each protocol's "length" (compatible and native `length`,
/// Responses `incomplete` with `max_output_tokens`, Anthropic `max_tokens`).
///
/// - `tool_call`: the last tool call's arguments are cut in half (not JSON); later calls never
///   came. An answer without calls is left alone.
/// - `json`, `text`: the content is cut in half (JSON mode's object no longer parses); tool calls go.
/// - absent: `tool_call` when the answer has calls, else `text`.
public struct CutAtLengthFault: AnswerFault {
    public static let kind = "cut_at_length"
    public static let parameterNames: Set<String> = ["where"]
    static let places = ["tool_call", "json", "text"]

    public var place: String?

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        place = try parameters.choice("where", Self.places)
    }

    public var description: String { FaultText.describe(Self.kind, [("where", place)]) }

    func misbehave(_ answer: inout SynthesizedAnswer, facts: AnswerFacts) {
        if place ?? (answer.toolCalls.isEmpty ? "text" : "tool_call") == "tool_call" {
            guard let last = answer.toolCalls.indices.last else { return }
            answer.toolCalls[last].arguments = JSONBreaking.truncated(answer.toolCalls[last].arguments)
        } else {
            answer.toolCalls = []
            answer.content = JSONBreaking.truncated(answer.content)
        }
        answer.stoppedByLength = true
    }
}
