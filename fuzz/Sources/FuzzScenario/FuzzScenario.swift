// Fuzz target: the scenario loader. The bytes are read as YAML (files, --scenario) and, when they
// are JSON, as the admin API's JSON; a scenario that loads is activated and asked for the faults
// of a few requests, as the server does on every request.
import FuzzSupport

private let probes: [ScenarioRequest] = [
    ScenarioRequest(path: "/compatible-mode/v1/chat/completions", model: "qwen-plus", headers: [("X-Test-Case", "retries")],
                    fixture: "compat/qwen-plus/who-are-you", apiKey: "sk-test"),
    ScenarioRequest(path: "/api/v1/services/aigc/text-generation/generation", model: "qwq-plus", headers: [],
                    fixture: nil, apiKey: nil),
]

private func exercise(_ scenario: Scenario) {
    // Values, not only syntax: what loads is within the documented limits (docs/scenarios.md),
    // and walking the steps never overflows, however far the count goes.
    for step in scenario.steps {
        Fuzz.require((step.times ?? 1) >= 1 && (step.times ?? 1) <= ScenarioLimits.maxCount, "times out of range: \(step.times ?? 0)")
        Fuzz.require((step.every ?? 1) >= 1 && (step.every ?? 1) <= ScenarioLimits.maxCount, "every out of range: \(step.every ?? 0)")
        for ms in [step.fromMs, step.untilMs].compactMap({ $0 }) {
            Fuzz.require(ms.isFinite && ms >= 0 && ms <= ScenarioLimits.maxWindowMs, "window out of range: \(ms)")
        }
        if let chance = step.chance { Fuzz.require(chance >= 0 && chance <= 1, "chance out of range: \(chance)") }
    }
    for n in [1, 2, 1_000_000_000, Int.max / 2, Int.max] { _ = scenario.step(forRequest: n) }
    let engine = ScenarioEngine(defaultSeed: 1)
    engine.add(scenario, active: true, nowMs: 0)
    for round in 0..<3 {
        for probe in probes {
            let selected = engine.faults(for: probe, forced: [], nowMs: Double(round) * 1000)
            for fault in selected.faults { _ = fault.description }
        }
    }
    _ = engine.status(scenario.name)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.bytes(data, size)
    if case .success(let scenario) = ScenarioLoader.parse(yaml: String(decoding: input, as: UTF8.self), file: "fuzz.yaml") {
        exercise(scenario)
    }
    if let json = try? JSONValue.parse(input), case .success(let scenario) = ScenarioLoader.parse(json: json) {
        exercise(scenario)
    }
    return 0
}
