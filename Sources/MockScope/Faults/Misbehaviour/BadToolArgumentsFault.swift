/// `bad_tool_arguments mode=truncated|wrong_type|missing_required`: every tool call's `arguments`
/// broken as a real model breaks them: cut in half (no longer JSON, `json.loads` fails), one field
/// of the wrong type, or a field the tool's schema requires left out (the schema of the offered
/// tool the call names, from the request's `tools`; without `required` the first field goes).
/// The finish reason stays `tool_calls`. An answer without tool calls is left alone.
public struct BadToolArgumentsFault: AnswerFault {
    public static let kind = "bad_tool_arguments"
    public static let parameterNames: Set<String> = ["mode"]
    static let modes = ["truncated", "wrong_type", "missing_required"]

    public var mode: String

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        mode = try parameters.choice("mode", Self.modes) ?? "truncated"
    }

    public var description: String { FaultText.describe(Self.kind, [("mode", mode)]) }

    func misbehave(_ answer: inout SynthesizedAnswer, facts: AnswerFacts) {
        for index in answer.toolCalls.indices {
            let call = answer.toolCalls[index]
            let schema = LegacyToolParameters.schema(facts.input.tools.first { $0.name == call.name }?.parameters)
            switch mode {
            case "wrong_type": answer.toolCalls[index].arguments = JSONBreaking.wrongType(call.arguments, schema: schema) ?? call.arguments
            case "missing_required":
                answer.toolCalls[index].arguments = JSONBreaking.missingRequired(call.arguments, schema: schema) ?? call.arguments
            default: answer.toolCalls[index].arguments = JSONBreaking.truncated(call.arguments)
            }
        }
    }
}
