import MockScopeHTTPTypes

/// `stall after_events=N | after_bytes=N [ms=N]`: sends that much of the answer, then nothing while
/// the connection stays open (for `ms`, or until the client gives up), then closes it without the
/// terminating chunk. A whole body is sent as one chunk first, so `after_bytes` truncates it.
public struct StallFault: Fault {
    public static let kind = "stall"
    public static let parameterNames: Set<String> = ["after_events", "after_bytes", "ms"]

    var cut: CutPoint
    /// How long the stall lasts; nil: until the client goes away.
    public var ms: Double?

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        cut = try CutPoint(parameters)
        ms = try parameters.milliseconds("ms")
    }

    public var description: String {
        FaultText.describe(Self.kind, [(cut.unit == .events ? "after_events" : "after_bytes", String(cut.count)),
                                       ("ms", FaultText.number(ms))])
    }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        let ending = StreamEnding.stall(nanos: ms.map { UInt64($0 * 1_000_000) })
        if PlanCutting.addLiveEffect(cut.liveEffect(.end(ending)), to: &plan) { return }
        guard !PlanCutting.isLive(plan) else { return }
        cut.cut(&plan)
        plan.ending = ending
    }
}
