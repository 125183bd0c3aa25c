/// `refusal message="..."`: the model declines: the answer is the refusal's text, with no tool
/// calls or reasoning and the usual `stop` finish. DashScope has no refusal field (compatible
/// mode's `message.refusal` is never sent, docs/protocol-notes.md "Misbehaviour faults"), so the
/// refusal is text only, in every protocol. Default text: English, or Chinese for a Chinese prompt [chosen].
public struct RefusalFault: AnswerFault {
    public static let kind = "refusal"
    public static let parameterNames: Set<String> = ["message"]
    static let english = "I'm sorry, but I can't help with that request."
    static let chinese = "抱歉，我无法协助处理这个请求。"

    public var message: String?

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        message = parameters.string("message")
    }

    public var description: String { FaultText.describe(Self.kind, [("message", message)]) }

    func misbehave(_ answer: inout SynthesizedAnswer, facts: AnswerFacts) {
        answer.reasoning = ""
        answer.toolCalls = []
        answer.content = message ?? (facts.input.prefersChinese ? Self.chinese : Self.english)
        answer.stoppedByLength = false
    }
}
