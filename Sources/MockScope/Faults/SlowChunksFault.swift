/// `slow_chunks [ms=N] [factor=F] [min=A max=B] [bytes_per_second=N] [seed=N]`: slower or jittery
/// streams. Only streamed answers change (a whole body is left as it is).
///
/// Every event's gap (from the previous event, or from the request for the first one) becomes
/// `gap · factor + ms + jitter`, where jitter is uniform in min...max, drawn per event; then, with
/// `bytes_per_second`, the stream is paced at that rate: an event starts when it is due or when the
/// previous one has gone out, whichever is later, and its byte `p` is due `p/rate` s after that
/// start. The events stay whole (`ResponsePlan.bytesPerSecond`): the HTTP layer sends what is due
/// at each wake-up, about every 10 ms (`StreamContext`). Before, every event was cut into pieces
/// here, one array per byte at 1 B/s: 2.9 MB per exchange for a 44 KB stream. Any combination may
/// be given; of two rates, the lower holds.
public struct SlowChunksFault: Fault {
    public static let kind = "slow_chunks"
    public static let parameterNames: Set<String> = ["ms", "factor", "min", "max", "bytes_per_second", "seed"]

    public var ms: Double?
    public var factor: Double?
    public var jitter: (min: Double, max: Double)?
    public var bytesPerSecond: Int?
    public var seed: UInt64?

    /// The largest `factor`.
    static let maxFactor = 1000.0

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        ms = try parameters.milliseconds("ms")
        factor = try parameters.positiveDouble("factor")
        if let factor, factor > Self.maxFactor {
            throw .invalidValue(kind: Self.kind, name: "factor", value: parameters.values["factor"] ?? "",
                                expected: "a number > 0 and <= \(FaultParameters.show(Self.maxFactor))")
        }
        jitter = try parameters.range().map { (min: $0.0, max: $0.1) }
        bytesPerSecond = try parameters.int("bytes_per_second", atLeast: 1)
        seed = try parameters.seed()
        if ms == nil, factor == nil, jitter == nil, bytesPerSecond == nil {
            throw .missingParameter(kind: Self.kind,
                                    expected: "at least one of ms=N, factor=F, min=A max=B, bytes_per_second=N")
        }
    }

    public var description: String {
        FaultText.describe(Self.kind, [
            ("ms", FaultText.number(ms)), ("factor", FaultText.number(factor)),
            ("min", FaultText.number(jitter?.min)), ("max", FaultText.number(jitter?.max)),
            ("bytes_per_second", FaultText.number(bytesPerSecond)), ("seed", FaultText.number(seed)),
        ])
    }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        guard !PlanCutting.isLive(plan) else { return }
        guard case .events(var events) = plan.body else { return }
        if let seed {
            var random = SeededRandom(seed: seed)
            delay(&events, random: &random)
        } else {
            delay(&events, random: &context.random)
        }
        plan.body = .events(events)
        if let bytesPerSecond { plan.bytesPerSecond = min(plan.bytesPerSecond ?? .max, bytesPerSecond) }
    }

    /// Stretches the gaps (factor), then adds ms and the jitter before every event.
    func delay(_ events: inout [PlannedEvent], random: inout SeededRandom) {
        guard ms != nil || factor != nil || jitter != nil else { return }
        var previousOriginal = 0.0
        var previousNew = 0.0
        for index in events.indices {
            let original = events[index].atMs
            var gap = max(0, original - previousOriginal) * (factor ?? 1)
            gap += ms ?? 0
            if let jitter { gap += random.uniform(jitter.min, jitter.max) }
            previousOriginal = max(previousOriginal, original)
            previousNew += gap
            events[index].atMs = previousNew
        }
    }
}
