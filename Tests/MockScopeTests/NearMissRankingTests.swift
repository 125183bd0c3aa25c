import Testing
@testable import MockScope

/// The near-miss report's fast paths (`NearMissRanking`, `SortedJSON`, `Matcher.differenceCount`)
/// give what the plain definitions give: the fixtures sharing most leaves (then the oldest), and
/// the differences as a recursive diff over sorted key unions lists them.
@Suite struct NearMissRankingTests {
    static let chat = "/compatible-mode/v1/chat/completions"

    static func body(_ i: Int, model: String, content: String? = nil) -> String {
        #"{"model":"\#(model)","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"\#(content ?? "question \(i)")"}]}"#
    }

    @Test func aYoungerFixtureSharingMoreLeavesBeatsTheOldestOnes() throws {
        // Every fixture shares the system message (postings longer than the counted ones); only
        // the youngest 150 share the model too (also a long posting): the walk must not stop at
        // the first 16 it meets.
        let fixtures = try (0..<400).map { i in
            try FixtureStoreTests.fixture("f\(i)", body: Self.body(i, model: i < 250 ? "qwen-plus" : "qwen-max"))
        }
        let store = FixtureStore(fixtures)
        guard case .missed(let miss) = store.match(try FixtureStoreTests.input(Self.body(0, model: "qwen-max", content: "another question")))
        else { Issue.record("matched"); return }
        #expect(miss.candidates.map(\.fixture) == ["f250", "f251", "f252"])
        #expect(miss.candidates.map { $0.differences.map(\.path) } == Array(repeating: ["messages.1.content"], count: 3))
        #expect(miss.fixturesOnRoute == 400)
    }

    @Test func theReportNamesWhatCountingEveryFixtureNames() throws {
        // Stores of several segments with removed fixtures, subset and ignoring fixtures among
        // them; each miss's report against the one built from every live fixture's score.
        var random = SeededRandom(seed: 11)
        let models = ["qwen-plus", "qwen-max", "qwen-turbo"]
        func fixture(_ i: Int) throws -> Fixture {
            let body = Self.body(i, model: models[Int(random.next() % 3)], content: "q\(random.next() % 40)")
            switch random.next() % 6 {
            case 0: return try FixtureStoreTests.fixture("f\(i)", body: #"{"model":"\#(models[i % 3])"}"#, match: .subset)
            case 1: return try FixtureStoreTests.fixture("f\(i)", body: body, ignore: ["messages.1.content"])
            default: return try FixtureStoreTests.fixture("f\(i)", body: body)
            }
        }
        var store = FixtureStore(try (0..<400).map(fixture))
        for round in 0..<6 {
            for k in 0..<30 { store = store.adding(try fixture(400 + round * 30 + k)) }
            for _ in 0..<12 { store = store.removing(named: "f\(random.next() % UInt64(400 + round * 30))") ?? store }
            for _ in 0..<10 {
                let request = Self.body(0, model: models[Int(random.next() % 3)], content: "q\(random.next() % 40) or not")
                let input = try FixtureStoreTests.input(request)
                guard case .missed(let miss) = store.match(input) else { continue }
                #expect(miss.candidates.map(\.fixture) == Self.closest(store, input), "round \(round): \(request)")
            }
        }
    }

    /// The names the report should give: every live fixture scored by the leaves it shares.
    static func closest(_ store: FixtureStore, _ input: MatchInput) -> [String] {
        let leaves = Set(ProjectionLeaves.digests(of: input.projection))
        let live = store.segments.flatMap(\.entries).filter { !store.removed.contains($0.id) }
        let scored = live.map { (entry: $0, score: Set(ProjectionLeaves.digests(of: $0.projection)).intersection(leaves).count) }
        var picked = scored.filter { $0.score > 0 }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.entry.id < $1.entry.id }
            .prefix(FixtureStore.nearMissCandidates).map(\.entry)
        for entry in live where picked.count < FixtureStore.nearMissCandidates && !picked.contains(where: { $0.id == entry.id }) {
            picked.append(entry)
        }
        let diffed = picked.sorted { $0.id < $1.id }.map { entry in
            let pattern = entry.fixture.request
            let request = pattern.rule.apply(to: pattern.match == .subset ? input.body : input.projection)
            let differences = plainDifferences(entry.projection, request).filter { pattern.match != .subset || $0.fixture != nil }
            return (name: entry.fixture.name, count: differences.count)
        }
        return diffed.enumerated().sorted { $0.element.count != $1.element.count ? $0.element.count < $1.element.count : $0.offset < $1.offset }
            .prefix(FixtureStore.nearMissNamed).map(\.element.name)
    }

    @Test func differencesAndTheirCountAreThoseOfThePlainDiff() throws {
        var random = SeededRandom(seed: 5)
        for _ in 0..<400 {
            let fixture = Self.randomValue(&random, depth: 3), request = Self.randomValue(&random, depth: 3)
            let plain = Self.plainDifferences(fixture, request)
            #expect(Matcher.differences(fixture: fixture, request: request) == plain)
            let sorted = request.map(SortedJSON.init)
            #expect(Matcher.differenceCount(fixture: fixture, request: sorted, fixtureSideOnly: false) == plain.count)
            #expect(Matcher.differenceCount(fixture: fixture, request: sorted, fixtureSideOnly: true) == plain.filter { $0.fixture != nil }.count)
        }
    }

    /// The diff by its definition: leaf paths where the two differ, keys of both sides sorted; an
    /// item one array lacks is null there (what `Matcher.differences` always did: its `nil` for a
    /// missing item was `JSONValue`'s nil literal).
    static func plainDifferences(_ fixture: JSONValue?, _ request: JSONValue?, path: String = "") -> [Matcher.Difference] {
        func child(_ part: String) -> String { path.isEmpty ? part : path + "." + part }
        switch (fixture, request) {
        case let (.object(a)?, .object(b)?):
            return Set(a.keys).union(b.keys).sorted().flatMap { plainDifferences(a[$0], b[$0], path: child($0)) }
        case let (.array(a)?, .array(b)?):
            return (0..<max(a.count, b.count)).flatMap { i in
                plainDifferences(i < a.count ? a[i] : .null, i < b.count ? b[i] : .null, path: child(String(i)))
            }
        default:
            return fixture == request ? [] : [Matcher.Difference(path: path.isEmpty ? "(body)" : path, fixture: fixture, request: request)]
        }
    }

    /// Small values that often share keys and leaves, nil among them.
    static func randomValue(_ random: inout SeededRandom, depth: Int) -> JSONValue? {
        switch random.next() % (depth > 0 ? 7 : 4) {
        case 0: return nil
        case 1: return .string(["a", "b", ""][Int(random.next() % 3)])
        case 2: return .number(Double(random.next() % 3))
        case 3: return .null
        case 4, 5:
            var members: [String: JSONValue] = [:]
            for key in ["x", "y", "é", "z1", "Z"] where random.next() % 2 == 0 {
                members[key] = randomValue(&random, depth: depth - 1) ?? .bool(true)
            }
            return .object(members)
        default:
            return .array((0..<Int(random.next() % 3)).map { _ in randomValue(&random, depth: depth - 1) ?? .null })
        }
    }
}
