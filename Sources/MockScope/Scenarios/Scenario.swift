/// Which requests a scenario applies to; every field given must match.
public struct ScenarioSelector: Sendable {
    /// An exact path, or a prefix ending in `*`.
    public var path: String?
    public var model: String?
    public var headers: [(name: String, value: String)] = []
    public var fixture: String?
    public var apiKey: String?

    public init(path: String? = nil, model: String? = nil, headers: [(name: String, value: String)] = [],
                fixture: String? = nil, apiKey: String? = nil) {
        self.path = path
        self.model = model
        self.headers = headers
        self.fixture = fixture
        self.apiKey = apiKey
    }

    public func selects(_ request: ScenarioRequest) -> Bool {
        if let path {
            if path.hasSuffix("*") {
                guard request.path.hasPrefix(String(path.dropLast())) else { return false }
            } else if request.path != path {
                return false
            }
        }
        if let model, request.model != model { return false }
        if let fixture, request.fixture != fixture { return false }
        if let apiKey, request.apiKey != apiKey { return false }
        for field in headers {
            guard request.headers.contains(where: { $0.name.lowercased() == field.name.lowercased() && $0.value == field.value }) else {
                return false
            }
        }
        return true
    }
}

/// What a scenario sees of a request.
public struct ScenarioRequest: Sendable {
    public var path: String
    public var model: String?
    public var headers: [(name: String, value: String)]
    public var fixture: String?
    public var apiKey: String?

    public init(path: String, model: String? = nil, headers: [(name: String, value: String)] = [], fixture: String? = nil, apiKey: String? = nil) {
        self.path = path
        self.model = model
        self.headers = headers
        self.fixture = fixture
        self.apiKey = apiKey
    }
}

/// One step of a scenario: which of its requests get which faults.
public struct ScenarioStep: Sendable {
    public var faults: [any Fault]
    /// How many matched requests the step covers; nil = all the rest.
    public var times: Int?
    /// Only every Nth request of the step.
    public var every: Int?
    /// Each request with this probability (seeded).
    public var chance: Double?
    /// Only requests in this window, ms after activation.
    public var fromMs: Double?
    public var untilMs: Double?

    public init(faults: [any Fault], times: Int? = nil, every: Int? = nil, chance: Double? = nil,
                fromMs: Double? = nil, untilMs: Double? = nil) {
        self.faults = faults
        self.times = times
        self.every = every
        self.chance = chance
        self.fromMs = fromMs
        self.untilMs = untilMs
    }
}

/// The bounds the scenario loader holds every value to (docs/scenarios.md, "Limits").
public enum ScenarioLimits {
    /// `times` and `every`: from 1 to a billion requests.
    public static let maxCount = 1_000_000_000
    /// `from_ms` / `until_ms`: ten years, in ms (the bound of `POST /__admin/clock` too).
    public static let maxWindowMs: Double = 315_360_000_000
    /// A scenario file's size, in bytes.
    public static let maxFileBytes = 1 << 20
    /// Nodes in a scenario once YAML aliases are expanded (an alias bomb stops here).
    public static let maxNodes = 100_000
    /// Steps in one scenario.
    public static let maxSteps = 10_000
}

/// A named way to misbehave (docs/scenarios.md).
public struct Scenario: Sendable {
    public var name: String
    public var description: String?
    public var selector: ScenarioSelector
    public var seed: UInt64?
    public var steps: [ScenarioStep]
    /// Where it was loaded from (a file, `admin`, or `built-in`).
    public var origin: String

    public init(name: String, description: String? = nil, selector: ScenarioSelector = ScenarioSelector(), seed: UInt64? = nil,
                steps: [ScenarioStep], origin: String = "code") {
        self.name = name
        self.description = description
        self.selector = selector
        self.seed = seed
        self.steps = steps
        self.origin = origin
    }

    /// The step for the `n`th matched request (1-based) and its position inside that step, or nil
    /// when the steps are used up.
    /// Overflow-safe whatever the steps hold: the loader bounds `times` (`ScenarioLimits`), but a
    /// scenario built in code may not, and a step whose end is past `Int.max` simply never ends.
    public func step(forRequest n: Int) -> (step: ScenarioStep, position: Int)? {
        guard n >= 1 else { return nil }
        var start = 0
        for step in steps {
            guard let times = step.times else { return (step, n - start) }
            let (end, overflow) = start.addingReportingOverflow(max(0, times))
            if overflow || n <= end { return (step, n - start) }
            start = end
        }
        return nil
    }
}
