/// Fixtures indexed for lookup: exact fixtures by method, path and canonical key (cost does not
/// grow with their number), then subset fixtures of the same route, most specific first. Among
/// exact fixtures the one whose rule is strictest wins (`MatchRule.leniency`: no ignore paths before
/// some, fewer before more, normalizers and message windows last), then the one added first.
///
/// Immutable, and cheap to change: a store is a short list of indexed segments (the
/// "logarithmic method"). Adding a fixture appends a segment of one and merges the youngest
/// segments while the younger is at least half the size of the older, so a fixture is re-indexed
/// O(log n) times in all and an add costs amortized O(log n) — from its precomputed projection,
/// never by re-reading the fixtures. A removed or replaced fixture is tombstoned until its segment
/// is next merged. Lookups ask each segment, oldest first, which keeps the first-loaded-wins order
/// of a single index.
public final class FixtureStore: Sendable {
    /// The segments, oldest first.
    let segments: [FixtureSegment]
    /// The fixtures' match rules in the order first seen (shared by every segment: keys name them by index).
    let rules: [MatchRule]
    /// The indices of `rules` in the order lookups try them: the strictest first.
    let lookupOrder: [Int]
    /// Ids of fixtures removed or replaced, still held by a segment.
    let removed: Set<UInt64>
    /// The next fixture's id (ids follow insertion order).
    let nextID: UInt64
    /// How far each answer sequence has got: a new store starts them all again.
    public let positions = SequencePositions()

    public init(_ fixtures: [Fixture]) {
        var rules: [MatchRule] = []
        let live = fixtures.filter { !$0.isPartial }
        let entries = FixtureSegment.entries(for: live, firstID: 0, rules: &rules)
        self.segments = entries.isEmpty ? [] : [FixtureSegment(entries)]
        self.rules = rules
        self.lookupOrder = Self.lookupOrder(rules)
        self.removed = []
        self.nextID = UInt64(live.count)
    }

    init(segments: [FixtureSegment], rules: [MatchRule], removed: Set<UInt64>, nextID: UInt64) {
        self.segments = segments
        self.rules = rules
        self.lookupOrder = Self.lookupOrder(rules)
        self.removed = removed
        self.nextID = nextID
    }

    /// The live fixtures, in the order they were added (built when asked: admin listings, reloads).
    public var fixtures: [Fixture] { liveEntries.map(\.fixture) }

    private var liveEntries: [FixtureSegment.Entry] {
        segments.flatMap { $0.entries }.filter { !removed.contains($0.id) }
    }

    public var count: Int { segments.reduce(0) { $0 + $1.entries.count } - removed.count }

    public func fixture(named name: String) -> Fixture? { live(named: name)?.fixture }

    private func live(named name: String) -> FixtureSegment.Entry? {
        for segment in segments.reversed() {
            for index in segment.byName[name] ?? [] where !removed.contains(segment.entries[index].id) { return segment.entries[index] }
        }
        return nil
    }

    /// The strictest rule first (`MatchRule.leniency`), then by the paths and normalizers: an order
    /// that does not depend on history.
    static func lookupOrder(_ rules: [MatchRule]) -> [Int] {
        rules.indices.sorted { a, b in
            rules[a].leniency != rules[b].leniency ? rules[a].leniency.lexicographicallyPrecedes(rules[b].leniency) : rules[a].sortKey < rules[b].sortKey
        }
    }

    // MARK: changes

    /// This store with `fixture` added last, replacing a fixture of the same name. Amortized
    /// O(log n): see the type's comment. A partial recording is not added.
    public func adding(_ fixture: Fixture) -> FixtureStore {
        guard !fixture.isPartial else { return self }
        var removed = self.removed
        if let old = live(named: fixture.name) { removed.insert(old.id) }
        var rules = self.rules
        var segments = self.segments
        segments.append(FixtureSegment(FixtureSegment.entries(for: [fixture], firstID: nextID, rules: &rules)))
        // Merge while the younger segment is at least half the older: sizes stay roughly
        // doubling from the youngest, so there are O(log n) segments.
        while segments.count >= 2, segments[segments.count - 1].entries.count * 2 >= segments[segments.count - 2].entries.count {
            let young = segments.removeLast(), old = segments.removeLast()
            let kept = (old.entries + young.entries).filter { !removed.contains($0.id) }
            for entry in old.entries + young.entries where removed.contains(entry.id) { removed.remove(entry.id) }
            if !kept.isEmpty { segments.append(FixtureSegment(kept)) }
        }
        return FixtureStore(segments: segments, rules: rules, removed: removed, nextID: nextID + 1).compactedIfMostlyRemoved()
    }

    /// This store without the fixture named `name`, or nil when there is none. O(1) but for the
    /// occasional compaction (when most held fixtures are removed ones).
    public func removing(named name: String) -> FixtureStore? {
        guard let old = live(named: name) else { return nil }
        var removed = self.removed
        removed.insert(old.id)
        return FixtureStore(segments: segments, rules: rules, removed: removed, nextID: nextID).compactedIfMostlyRemoved()
    }

    /// One segment of the live fixtures when tombstones outnumber them (amortized O(1) per removal).
    private func compactedIfMostlyRemoved() -> FixtureStore {
        guard removed.count > 16, removed.count * 2 > count + removed.count else { return self }
        let live = liveEntries
        return FixtureStore(segments: live.isEmpty ? [] : [FixtureSegment(live)], rules: rules, removed: [], nextID: nextID)
    }

    // MARK: lookups

    /// Whether some fixture on this route compares headers (other than the stream switches) or the query.
    public func comparesExtras(method: String, path: String) -> Bool {
        let route = FixtureSegment.Route(method: method, path: path)
        return segments.contains { !$0.routesComparingExtras.isEmpty && $0.routesComparingExtras.contains(route) }
    }

    /// Finds the fixture for a request, or reports the closest ones.
    public func match(_ input: MatchInput) -> MatchResult {
        if let fixture = fixture(for: input) { return .matched(fixture) }
        return .missed(nearMiss(for: input))
    }

    /// The fixture for a request, or nil: `match` without the near-miss report, for callers that
    /// may answer a miss otherwise (synthesis, module state, forwarding) and build it only if sent.
    public func fixture(for input: MatchInput) -> Fixture? {
        let route = FixtureSegment.Route(method: input.method, path: input.path)
        for ruleIndex in lookupOrder {
            let rule = rules[ruleIndex]
            let key = Matcher.key(rule.isPlain ? input.projection : rule.apply(to: input.projection))
            let exactKey = FixtureSegment.ExactKey(rule: ruleIndex, route: route, key: key)
            for segment in segments {
                for index in segment.exact[exactKey] ?? [] {
                    let entry = segment.entries[index]
                    if !removed.contains(entry.id), Self.extrasMatch(entry.fixture.request, input) { return entry.fixture }
                }
            }
        }
        for entry in subsetCandidates(route) {
            let pattern = entry.fixture.request
            guard Self.extrasMatch(pattern, input) else { continue }
            guard let wanted = pattern.body else { return entry.fixture }
            let rule = pattern.rule
            let body = rule.apply(to: input.body) ?? .null
            if Matcher.isSubset(rule.apply(to: wanted)!, of: body) { return entry.fixture }
        }
        return nil
    }

    /// The route's subset fixtures of every segment, most specific first (then oldest first).
    private func subsetCandidates(_ route: FixtureSegment.Route) -> [FixtureSegment.Entry] {
        if segments.count == 1 { return (segments[0].subset[route] ?? []).map { segments[0].entries[$0] }.filter { !removed.contains($0.id) } }
        return segments.flatMap { segment in (segment.subset[route] ?? []).map { segment.entries[$0] } }
            .filter { !removed.contains($0.id) }
            .sorted { $0.specificity != $1.specificity ? $0.specificity > $1.specificity : $0.id < $1.id }
    }

    /// Query and listed headers (the native stream switches are part of the projection instead).
    static func extrasMatch(_ pattern: RequestPattern, _ input: MatchInput) -> Bool {
        for (name, value) in pattern.query where !input.query.contains(where: { $0.name == name && $0.value == value }) {
            return false
        }
        for field in pattern.headers where !Matcher.isStreamSwitch(field.name) {
            guard input.headers.contains(where: { $0.name.caseInsensitiveEquals(field.name) && $0.value == field.value }) else { return false }
        }
        return true
    }
}
