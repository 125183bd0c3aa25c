import Testing
@testable import MockScope

@Suite struct ScenarioTests {
    func scenario(_ yaml: String) throws -> Scenario {
        switch ScenarioLoader.parse(yaml: yaml, file: "s.yaml") {
        case .success(let scenario): return scenario
        case .failure(let problem): throw problem
        }
    }

    func problem(_ yaml: String) -> ScenarioProblem? {
        if case .failure(let problem) = ScenarioLoader.parse(yaml: yaml, file: "s.yaml") { return problem }
        return nil
    }

    @Test func parsesStringAndMapFaultsAndSelectors() throws {
        let s = try scenario("""
        name: burst
        description: two 429s then fine
        match:
          path: /compatible-mode/v1/*
          model: qwen-plus
          headers: {X-Case: a}
        seed: 9
        steps:
          - times: 2
            faults: ["http_error status=429", {kind: latency, ms: 5}]
          - faults: []
        """)
        #expect(s.name == "burst")
        #expect(s.seed == 9)
        #expect(s.steps.count == 2)
        #expect(s.steps[0].faults.map(\.description).count == 2)
        let hit = ScenarioRequest(path: "/compatible-mode/v1/chat/completions", model: "qwen-plus", headers: [("x-case", "a")])
        #expect(s.selector.selects(hit))
        #expect(!s.selector.selects(ScenarioRequest(path: "/api/v1/x", model: "qwen-plus", headers: [("x-case", "a")])))
        #expect(!s.selector.selects(ScenarioRequest(path: hit.path, model: "qwen-max", headers: hit.headers)))
        #expect(s.step(forRequest: 1)?.position == 1)
        #expect(s.step(forRequest: 2)?.step.faults.count == 2)
        #expect(s.step(forRequest: 3)?.step.faults.isEmpty == true)
    }

    @Test func problemsNameTheLineAndWhatToFix() {
        #expect(problem("name: x\nsteps:\n  - faults: [\"boom x=1\"]\n")?.location == "line 3")
        #expect(problem("name: x\nsteps:\n  - faults: [\"boom x=1\"]\n")?.message.contains("unknown fault kind \"boom\"") == true)
        #expect(problem("name: x\nsteps:\n  - faults: []\n    tims: 2\n")?.message.contains("no field \"tims\"") == true)
        #expect(problem("name: x\nsteps:\n  - faults: []\n  - times: 2\n    faults: []\n")?.message.contains("only the last step may omit") == true)
        #expect(problem("name: x\nsteps:\n  - faults: []\n    chance: 2\n")?.location == "line 4")
        #expect(problem("steps: []\n")?.message.contains("missing \"name\"") == true)
        #expect(problem("name: [unclosed\n")?.location.hasPrefix("line") == true)
        #expect(problem("name: x\nsteps:\n  - faults: [\"drop after_events=x\"]\n")?.message.contains("after_events") == true)
    }

    @Test func engineWalksStepsInSequenceAndCountsMatches() throws {
        let engine = ScenarioEngine()
        engine.add(try scenario("name: s\nsteps:\n  - times: 2\n    faults: [\"http_error status=429\"]\n  - faults: []\n"), active: true, nowMs: 0)
        let request = ScenarioRequest(path: "/x")
        let counts = (0..<4).map { _ in engine.faults(for: request, nowMs: 0).faults.count }
        #expect(counts == [1, 1, 0, 0])
        #expect(engine.status("s")?.matched == 4)
        engine.reset("s", nowMs: 0)
        #expect(engine.faults(for: request, nowMs: 0).faults.count == 1)
    }

    @Test func everyNthAndInactiveAndForced() throws {
        let engine = ScenarioEngine()
        engine.add(try scenario("name: fifth\nsteps:\n  - every: 5\n    faults: [\"drop after_events=3\"]\n"), active: true, nowMs: 0)
        let fired = (1...10).filter { _ in !engine.faults(for: ScenarioRequest(path: "/x"), nowMs: 0).faults.isEmpty }
        #expect(fired.count == 2)
        engine.setActive("fifth", false, nowMs: 0)
        #expect(engine.faults(for: ScenarioRequest(path: "/x"), nowMs: 0).fired.isEmpty)
        #expect(engine.status("fifth")?.matched == 10)
        _ = engine.faults(for: ScenarioRequest(path: "/x"), forced: ["fifth"], nowMs: 0)
        #expect(engine.status("fifth")?.matched == 11)
    }

    @Test func seededChanceIsReproducible() throws {
        func run(seed: UInt64) throws -> [Bool] {
            let engine = ScenarioEngine(defaultSeed: seed)
            engine.add(try scenario("name: flaky\nsteps:\n  - chance: 0.3\n    faults: [\"http_error status=500\"]\n"), active: true, nowMs: 0)
            return (0..<40).map { _ in !engine.faults(for: ScenarioRequest(path: "/x"), nowMs: 0).faults.isEmpty }
        }
        #expect(try run(seed: 1) == run(seed: 1))
        #expect(try run(seed: 1) != run(seed: 2))
        let hits = try run(seed: 1).filter { $0 }.count
        #expect(hits > 3 && hits < 25)
    }

    @Test func timeWindowsFollowTheClock() throws {
        let engine = ScenarioEngine()
        let clock = MockClock(mode: .virtual)
        engine.add(try scenario("name: w\nsteps:\n  - from_ms: 1000\n    until_ms: 2000\n    faults: [hang]\n"), active: true, nowMs: clock.nowMs())
        #expect(engine.faults(for: ScenarioRequest(path: "/x"), nowMs: clock.nowMs()).faults.isEmpty)
        clock.advance(ms: 1500)
        #expect(engine.faults(for: ScenarioRequest(path: "/x"), nowMs: clock.nowMs()).faults.count == 1)
        clock.advance(ms: 600)
        #expect(engine.faults(for: ScenarioRequest(path: "/x"), nowMs: clock.nowMs()).faults.isEmpty)
        #expect(!MockClock(mode: .real).advance(ms: 5))
    }

    @Test func rateWindowTripsAtTheLimitAndRefills() {
        var window = RateWindow()
        let decisions = (0..<4).map { _ in window.admit(tokens: 10, rpm: 3, tpm: nil, nowMs: 1000) }
        #expect(decisions == [.admitted, .admitted, .admitted, .tooManyRequests])
        #expect(window.admit(tokens: 10, rpm: 3, tpm: nil, nowMs: 60_999) == .tooManyRequests)
        #expect(window.admit(tokens: 10, rpm: 3, tpm: nil, nowMs: 61_000) == .admitted)
        var tokens = RateWindow()
        #expect(tokens.admit(tokens: 60, rpm: nil, tpm: 100, nowMs: 0) == .admitted)
        #expect(tokens.admit(tokens: 60, rpm: nil, tpm: 100, nowMs: 1) == .tooManyTokens)
        #expect(tokens.admit(tokens: 60, rpm: nil, tpm: 100, nowMs: 60_001) == .admitted)
    }

    @Test func builtInLibraryLoadsAndEveryEntryIsDescribed() {
        let library = ScenarioLoader.builtIn()
        #expect(library.count == EmbeddedScenarios.files.count, "a built-in scenario failed to parse")
        for scenario in library { #expect(scenario.description?.isEmpty == false, "\(scenario.name) needs a description") }
    }
}
