/// `latency ms=N | min=A max=B | mean=M stddev=S [seed=N]`: waits before the status line. The wait
/// adds to any already planned. Random draws come from `context.random`, or, with `seed=N`, from a
/// generator of that seed made afresh on every application (so the same seed gives the same
/// wait on every request it is applied to).
public struct LatencyFault: Fault {
    public static let kind = "latency"
    public static let parameterNames: Set<String> = ["ms", "min", "max", "mean", "stddev", "seed"]

    public enum Delay: Sendable, Equatable {
        case fixed(Double)
        case uniform(min: Double, max: Double)
        case normal(mean: Double, stddev: Double)
    }

    public var delay: Delay
    public var seed: UInt64?

    static let forms = "use ms=N, or min=A max=B, or mean=M stddev=S"

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        try parameters.exclusive("ms", with: ["min", "max", "mean", "stddev"], hint: Self.forms)
        try parameters.exclusive("min", with: ["mean", "stddev"], hint: Self.forms)
        try parameters.exclusive("max", with: ["mean", "stddev"], hint: Self.forms)
        seed = try parameters.seed()
        if let ms = try parameters.milliseconds("ms") {
            delay = .fixed(ms)
        } else if let range = try parameters.range() {
            delay = .uniform(min: range.0, max: range.1)
        } else {
            let mean = try parameters.milliseconds("mean")
            let stddev = try parameters.milliseconds("stddev")
            switch (mean, stddev) {
            case let (.some(mean), .some(stddev)):
                delay = .normal(mean: mean, stddev: stddev)
            case (.some, nil):
                throw .missingParameter(kind: Self.kind, expected: "stddev=S with mean=M (a normal distribution, in ms)")
            case (nil, .some):
                throw .missingParameter(kind: Self.kind, expected: "mean=M with stddev=S (a normal distribution, in ms)")
            case (nil, nil):
                throw .missingParameter(kind: Self.kind, expected: "a delay: ms=N, or min=A max=B, or mean=M stddev=S (in ms)")
            }
        }
    }

    public var description: String {
        var parameters: [(String, String?)]
        switch delay {
        case .fixed(let ms): parameters = [("ms", FaultText.number(ms))]
        case let .uniform(low, high): parameters = [("min", FaultText.number(low)), ("max", FaultText.number(high))]
        case let .normal(mean, stddev): parameters = [("mean", FaultText.number(mean)), ("stddev", FaultText.number(stddev))]
        }
        parameters.append(("seed", FaultText.number(seed)))
        return FaultText.describe(Self.kind, parameters)
    }

    /// The wait in ms, drawn from `random` when the delay is random.
    public func draw(_ random: inout SeededRandom) -> Double {
        switch delay {
        case .fixed(let ms): return ms
        case let .uniform(low, high): return random.uniform(low, high)
        case let .normal(mean, stddev): return max(0, random.normal(mean: mean, stddev: stddev))
        }
    }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        // A pending forward waits too: the upstream is asked at once, its head reaches the client late.
        guard !PlanCutting.isStartedLive(plan) else { return }
        let wait: Double
        if let seed {
            var random = SeededRandom(seed: seed)
            wait = draw(&random)
        } else {
            wait = draw(&context.random)
        }
        plan.firstByteDelayMs = (plan.firstByteDelayMs ?? 0) + wait
    }
}
