import MockScopeHTTPTypes

/// `hang [ms=N]`: accepts the request and never sends a byte (for `ms`, then closes the
/// connection; without `ms`, until the client gives up).
public struct HangFault: Fault {
    public static let kind = "hang"
    public static let parameterNames: Set<String> = ["ms"]

    public var ms: Double?

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        ms = try parameters.milliseconds("ms")
    }

    public var description: String { FaultText.describe(Self.kind, [("ms", FaultText.number(ms))]) }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        guard !PlanCutting.isStartedLive(plan) else { return }
        // A pending forward: nothing is forwarded, nothing answered.
        if plan.forwardPending { plan = ResponsePlan(status: 200, headers: HeaderFields(), body: .whole([])) }
        plan.hang = true
        plan.hangMs = ms
    }
}
