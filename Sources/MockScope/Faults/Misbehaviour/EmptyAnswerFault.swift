/// `empty_answer`: the model answers nothing: no text (`""`), no reasoning, no tool calls, and
/// the usual `stop` finish.
public struct EmptyAnswerFault: AnswerFault {
    public static let kind = "empty_answer"
    public static let parameterNames: Set<String> = []

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {}

    public var description: String { Self.kind }

    func misbehave(_ answer: inout SynthesizedAnswer, facts: AnswerFacts) {
        answer.reasoning = ""
        answer.content = ""
        answer.toolCalls = []
        answer.stoppedByLength = false
    }
}
