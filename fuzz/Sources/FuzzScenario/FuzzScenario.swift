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
