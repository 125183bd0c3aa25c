/// `drop after_events=N | after_bytes=N`: sends that much of the answer, then closes the
/// connection abruptly (no terminating chunk). A whole body is sent as one chunk first.
public struct DropFault: Fault {
    public static let kind = "drop"
    public static let parameterNames: Set<String> = ["after_events", "after_bytes"]

    var cut: CutPoint

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        cut = try CutPoint(parameters)
    }

    public var description: String { "\(Self.kind) \(cut)" }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        guard !PlanCutting.isLive(plan) else { return }
        cut.cut(&plan)
        plan.ending = .drop
    }
}
