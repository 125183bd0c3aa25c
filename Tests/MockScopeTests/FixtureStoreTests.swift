import MockScopeHTTPTypes
import Testing
@testable import MockScope

@Suite struct FixtureStoreTests {
    static func fixture(_ name: String, body: String, path: String = "/compatible-mode/v1/chat/completions",
                        match: MatchMode = .exact, ignore: [String] = [], headers: [(name: String, value: String)] = [],
                        metadata: JSONValue? = nil) throws -> Fixture {
        Fixture(name: name, origin: "test", metadata: metadata,
                request: RequestPattern(method: "POST", path: path, headers: headers, body: try JSONValue.parse(body), match: match, ignore: ignore),
                response: RecordedResponse(status: 200, headers: HeaderFields(), body: .whole(Array(name.utf8))))
    }

    static func input(_ body: String, path: String = "/compatible-mode/v1/chat/completions",
                      headers: [(name: String, value: String)] = []) throws -> MatchInput {
        MatchInput(method: "POST", path: path, headers: headers, body: try JSONValue.parse(body))
    }

    func matchedName(_ result: MatchResult) -> String? {
        if case .matched(let fixture) = result { return fixture.name }
        return nil
    }

    @Test func exactMatchIgnoresKeyOrderAndSamplingKnobs() throws {
        let store = FixtureStore([
            try Self.fixture("a", body: #"{"model":"qwen-plus","messages":[{"role":"user","content":"hi"}]}"#),
            try Self.fixture("b", body: #"{"model":"qwen-plus","messages":[{"role":"user","content":"bye"}]}"#),
        ])
        #expect(matchedName(store.match(try Self.input(#"{"messages":[{"content":"bye","role":"user"}],"temperature":1,"model":"qwen-plus"}"#))) == "b")
    }

    @Test func perFixtureIgnorePaths() throws {
        let store = FixtureStore([
            try Self.fixture("any-model", body: #"{"model":"qwen-plus","messages":[{"role":"user","content":"hi"}]}"#, ignore: ["model"]),
        ])
        #expect(matchedName(store.match(try Self.input(#"{"model":"qwen-max","messages":[{"role":"user","content":"hi"}]}"#))) == "any-model")
        #expect(matchedName(store.match(try Self.input(#"{"model":"qwen-max","messages":[{"role":"user","content":"ho"}]}"#))) == nil)
    }

    @Test func subsetFixturesMostSpecificFirst() throws {
        let store = FixtureStore([
            try Self.fixture("general", body: #"{"model":"qwen-plus"}"#, match: .subset),
            try Self.fixture("specific", body: #"{"model":"qwen-plus","stream":true}"#, match: .subset),
        ])
        #expect(matchedName(store.match(try Self.input(#"{"model":"qwen-plus","stream":true,"messages":[]}"#))) == "specific")
        #expect(matchedName(store.match(try Self.input(#"{"model":"qwen-plus","messages":[]}"#))) == "general")
        #expect(matchedName(store.match(try Self.input(#"{"model":"qwen-max","messages":[]}"#))) == nil)
    }

    @Test func nearMissNamesClosestFixtureAndField() throws {
        let store = FixtureStore([
            try Self.fixture("compare", body: #"{"model":"qwq-plus","messages":[{"role":"user","content":"9.9和9.11谁大"}],"stream":true}"#),
            try Self.fixture("other", body: #"{"model":"qwen-max","messages":[{"role":"system","content":"x"}]}"#),
        ])
        guard case .missed(let miss) = store.match(try Self.input(#"{"model":"qwq-plus","messages":[{"role":"user","content":"9.9和9.12谁大"}],"stream":true}"#)) else {
            Issue.record("should not match")
            return
        }
        #expect(miss.candidates.first?.fixture == "compare")
        #expect(miss.description.contains("\"compare\" (messages.0.content: fixture has \"9.9和9.11谁大\", request has \"9.9和9.12谁大\")"))
    }

    @Test func nearMissFindsTheClosestAmongThousandsAndAfterAdds() throws {
        // The closest fixture is far down the route (the report once diffed only the first 500).
        func body(_ i: Int, model: String = "qwen-plus") -> String {
            #"{"model":"\#(model)","messages":[{"role":"system","content":"s\#(i % 7)"},{"role":"user","content":"question \#(i)"}]}"#
        }
        var store = FixtureStore(try (0..<2000).map { try Self.fixture("f\($0)", body: body($0)) })
        guard case .missed(let miss) = store.match(try Self.input(body(1500, model: "qwen-max"))) else { Issue.record("matched"); return }
        #expect(miss.candidates.first?.fixture == "f1500")
        #expect(miss.candidates.first?.differences.map(\.path) == ["model"])
        #expect(miss.fixturesOnRoute == 2000)
        // Added later (another segment) and one removed: still found, and the count follows.
        store = store.adding(try Self.fixture("late", body: body(9999)))
        store = store.removing(named: "f3")!
        guard case .missed(let late) = store.match(try Self.input(body(9999, model: "qwen-max"))) else { Issue.record("matched"); return }
        #expect(late.candidates.first?.fixture == "late")
        #expect(late.fixturesOnRoute == 2000)
        // The pipeline's lookup without the report: the same answer, the count without a report.
        let chat = "/compatible-mode/v1/chat/completions"
        #expect(store.fixture(for: try Self.input(body(9999, model: "qwen-max"))) == nil)
        #expect(store.fixture(for: try Self.input(body(9999)))?.name == "late")
        #expect(store.fixturesOnRoute(method: "POST", path: chat) == 2000)
        #expect(store.fixturesOnRoute(method: "GET", path: chat) == 0)
        #expect(store.fixturesOnRoute(method: "POST", path: "/compatible-mode/v1/embeddings") == 0)
        #expect(store.mayHaveFixtures(method: "POST", path: chat))
        #expect(!store.mayHaveFixtures(method: "GET", path: chat))
        #expect(!store.mayHaveFixtures(method: "POST", path: "/compatible-mode/v1/embeddings"))
        #expect(!FixtureStore([]).mayHaveFixtures(method: "POST", path: chat))
    }

    @Test func requiredHeadersAndPartialRecordings() throws {
        let store = FixtureStore([
            try Self.fixture("tenant", body: #"{"model":"m","messages":[]}"#, headers: [("X-DashScope-WorkSpace", "ws1")]),
            try Self.fixture("partial", body: #"{"model":"p","messages":[]}"#, metadata: ["partial": true]),
        ])
        #expect(store.count == 1)
        #expect(matchedName(store.match(try Self.input(#"{"model":"m","messages":[]}"#, headers: [("x-dashscope-workspace", "ws1")]))) == "tenant")
        #expect(matchedName(store.match(try Self.input(#"{"model":"m","messages":[]}"#))) == nil)
        #expect(matchedName(store.match(try Self.input(#"{"model":"p","messages":[]}"#))) == nil)
    }

    @Test func lookupIsByHashNotScan() throws {
        // 5,000 exact fixtures on one route: the right one is found (the index, not a scan, finds it;
        // the benchmarks measure the cost).
        var fixtures: [Fixture] = []
        for i in 0..<5_000 {
            fixtures.append(try Self.fixture("f\(i)", body: #"{"model":"m","messages":[{"role":"user","content":"q\#(i)"}]}"#))
        }
        let store = FixtureStore(fixtures)
        #expect(matchedName(store.match(try Self.input(#"{"model":"m","messages":[{"role":"user","content":"q4321"}]}"#))) == "f4321")
    }
}

/// Issue-19 finding 11: adding a fixture no longer rebuilds the store. A store changed one
/// fixture at a time answers exactly as one built whole from the same fixtures.
@Suite struct FixtureStoreChangeTests {
    static let chat = "/compatible-mode/v1/chat/completions"

    static func body(_ i: Int) -> String { #"{"model":"qwen-plus","messages":[{"role":"user","content":"q\#(i)"}]}"# }

    static func fixture(_ i: Int, name: String? = nil) throws -> Fixture {
        switch i % 4 {
        case 0: return try FixtureStoreTests.fixture(name ?? "f\(i)", body: Self.body(i))
        case 1: return try FixtureStoreTests.fixture(name ?? "f\(i)", body: Self.body(i), ignore: ["messages.0.content"])
        case 2: return try FixtureStoreTests.fixture(name ?? "f\(i)", body: #"{"messages":[{"content":"q\#(i % 7)"}]}"#, match: .subset)
        default: return try FixtureStoreTests.fixture(name ?? "f\(i)", body: Self.body(i), headers: [("X-Tenant", "t\(i % 3)")])
        }
    }

    func answer(_ store: FixtureStore, _ i: Int, tenant: Int) throws -> String {
        let input = try FixtureStoreTests.input(Self.body(i), headers: [("X-Tenant", "t\(tenant)")])
        switch store.match(input) {
        case .matched(let fixture): return fixture.name
        case .missed(let nearMiss): return "miss(\(nearMiss.fixturesOnRoute))"
        }
    }

    @Test func aStoreChangedOneByOneAnswersAsOneBuiltWhole() throws {
        var random = SeededRandom(seed: 7)
        var store = FixtureStore([])
        var reference: [Fixture] = []
        for step in 0..<400 {
            let roll = random.next() % 10
            if roll < 7 {
                // Add, or replace by name (a re-recording).
                let i = Int(random.next() % 120)
                let fixture = try Self.fixture(i, name: roll == 0 ? "f\(i % 40)" : nil)
                store = store.adding(fixture)
                reference.removeAll { $0.name == fixture.name }
                reference.append(fixture)
            } else if let victim = reference.randomElement(using: &random) {
                store = try #require(store.removing(named: victim.name))
                reference.removeAll { $0.name == victim.name }
            }
            if step % 50 == 49 || step == 399 {
                let whole = FixtureStore(reference)
                #expect(store.count == whole.count)
                #expect(store.fixtures.map(\.name) == whole.fixtures.map(\.name))
                for i in 0..<120 {
                    for tenant in 0..<3 {
                        let changed = try answer(store, i, tenant: tenant), built = try answer(whole, i, tenant: tenant)
                        #expect(changed == built, "step \(step), q\(i), t\(tenant)")
                    }
                }
            }
        }
        #expect(store.segments.count <= 12, "segments: \(store.segments.map(\.entries.count))")
        #expect(store.removing(named: "no such fixture") == nil)
    }

    /// Segments stay logarithmic in number, and each fixture is indexed a logarithmic number of times.
    @Test func addsKeepFewSegments() throws {
        var store = FixtureStore([])
        for i in 0..<2000 { store = store.adding(try FixtureStoreTests.fixture("g\(i)", body: Self.body(i))) }
        #expect(store.count == 2000)
        #expect(store.segments.count <= 12, "segments: \(store.segments.map(\.entries.count))")
        if case .matched(let fixture) = store.match(try FixtureStoreTests.input(Self.body(1234))) { #expect(fixture.name == "g1234") } else {
            Issue.record("no match")
        }
    }
}
