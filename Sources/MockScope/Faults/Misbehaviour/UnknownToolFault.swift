/// `unknown_tool name=NAME`: the model calls a tool the request did not offer. The first tool
/// call is renamed (its arguments kept); an answer without calls becomes one call with `{}`
/// arguments. The default name is the first call's (else the first offered tool's, else
/// `search`) with `_v2` added, until no offered tool has it.
public struct UnknownToolFault: AnswerFault {
    public static let kind = "unknown_tool"
    public static let parameterNames: Set<String> = ["name"]

    public var name: String?

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        if let text = parameters.string("name"), text.isEmpty {
            throw .invalidValue(kind: Self.kind, name: "name", value: text, expected: "a tool name that is not empty")
        }
        name = parameters.string("name")
    }

    public var description: String { FaultText.describe(Self.kind, [("name", name)]) }

    func misbehave(_ answer: inout SynthesizedAnswer, facts: AnswerFacts) {
        let offered = Set(facts.input.tools.map(\.name))
        var chosen = name ?? ((answer.toolCalls.first?.name ?? facts.input.tools.first?.name ?? "search") + "_v2")
        if name == nil { while offered.contains(chosen) { chosen += "_v2" } }
        if answer.toolCalls.isEmpty {
            let id = "call_" + facts.input.hash.derived("unknown-tool").hex(22)
            answer.toolCalls = [SynthesizedToolCall(id: id, name: chosen, arguments: "{}")]
            answer.content = ""
        } else {
            answer.toolCalls[0].name = chosen
        }
    }
}
