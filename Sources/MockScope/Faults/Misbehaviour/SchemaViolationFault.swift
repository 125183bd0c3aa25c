/// `schema_violation mode=missing_required|wrong_type`: a structured output (JSON mode) that is
/// JSON but breaks its schema: a field the `json_schema` requires left out (without `required`,
/// or with `json_object`, its first field), or one field of the wrong type. Content that is not a
/// JSON object is left alone.
public struct SchemaViolationFault: AnswerFault {
    public static let kind = "schema_violation"
    public static let parameterNames: Set<String> = ["mode"]
    static let modes = ["missing_required", "wrong_type"]

    public var mode: String

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        mode = try parameters.choice("mode", Self.modes) ?? "missing_required"
    }

    public var description: String { FaultText.describe(Self.kind, [("mode", mode)]) }

    func misbehave(_ answer: inout SynthesizedAnswer, facts: AnswerFacts) {
        var schema: JSONValue?
        if case .jsonSchema(let value) = facts.input.responseFormat { schema = value }
        let broken = mode == "wrong_type" ? JSONBreaking.wrongType(answer.content, schema: schema)
                                          : JSONBreaking.missingRequired(answer.content, schema: schema)
        if let broken { answer.content = broken }
    }
}
