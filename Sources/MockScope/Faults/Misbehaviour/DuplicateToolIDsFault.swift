/// `duplicate_tool_ids`: tool calls that share one id. Every call gets the first call's id; a
/// single call is made twice (the same id, name and arguments). An answer without calls is left alone.
public struct DuplicateToolIDsFault: AnswerFault {
    public static let kind = "duplicate_tool_ids"
    public static let parameterNames: Set<String> = []

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {}

    public var description: String { Self.kind }

    func misbehave(_ answer: inout SynthesizedAnswer, facts: AnswerFacts) {
        guard let first = answer.toolCalls.first else { return }
        if answer.toolCalls.count == 1 { answer.toolCalls.append(first) }
        for index in answer.toolCalls.indices { answer.toolCalls[index].id = first.id }
    }
}
