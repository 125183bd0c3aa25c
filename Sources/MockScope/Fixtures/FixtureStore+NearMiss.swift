extension FixtureStore {
    /// How many fixtures the near-miss report diffs field by field: those sharing most leaves with
    /// the request (then the oldest on the route). At 10,000 fixtures on a route, diffing them all
    /// cost milliseconds per miss; the index finds these in microseconds (`NearMissRanking`).
    static let nearMissCandidates = 16
    /// How many of them the report names: the fewest differences first.
    static let nearMissNamed = 3

    /// Why nothing matched `input`: computed for each miss, from the leaf index and the picks' diffs.
    public func nearMiss(for input: MatchInput) -> NearMiss {
        let route = FixtureSegment.Route(method: input.method, path: input.path)
        var leaves = ProjectionLeaves.digests(of: input.projection)
        leaves.sort()
        var onRoute = 0
        var ranking = NearMissRanking(limit: Self.nearMissCandidates)
        let removed = self.removed
        for (s, segment) in segments.enumerated() {
            onRoute += liveCount(segment, route)
            guard let byLeaf = segment.byLeaf[route] else { continue }
            var postings: [[Int]] = []
            for (k, leaf) in leaves.enumerated() where k == 0 || leaves[k - 1] != leaf {
                if let list = byLeaf[leaf] { postings.append(list) }
            }
            ranking.rank(postings, ids: segment.ids, segment: s) { removed.isEmpty || !removed.contains($0) }
        }
        var picked = ranking.picks.map { segments[$0.segment].entries[$0.index] }
        if picked.count < Self.nearMissCandidates {
            // Too few share anything (normalized or subset fixtures, a very different request): the oldest on the route.
            let chosen = Set(picked.map(\.id))
            fill: for segment in segments {
                for index in segment.byRoute[route] ?? [] {
                    let id = segment.ids[index]
                    guard !removed.contains(id), !chosen.contains(id) else { continue }
                    picked.append(segment.entries[index])
                    if picked.count == Self.nearMissCandidates { break fill }
                }
            }
        }
        picked.sort { $0.id < $1.id }
        // The request as each pick's rule compares it, keys sorted: once per distinct rule (most share one).
        var rules: [(rule: MatchRule, subset: Bool)] = [], values: [SortedJSON?] = [], changes: [[Normalizer]] = []
        func request(for pattern: RequestPattern) -> Int {
            let subset = pattern.match == .subset
            for k in rules.indices where rules[k].subset == subset && rules[k].rule == pattern.rule { return k }
            let (value, changedBy) = pattern.rule.applyReporting(to: subset ? input.body : input.projection)
            rules.append((pattern.rule, subset))
            values.append(value.map(SortedJSON.init))
            changes.append(changedBy)
            return rules.count - 1
        }
        // Fewest differences first; among equals, the order on the route (a stable report).
        let counts = picked.map { entry in
            Matcher.differenceCount(fixture: entry.projection, request: values[request(for: entry.fixture.request)],
                                    fixtureSideOnly: entry.fixture.request.match == .subset)
        }
        let named = picked.indices.sorted { counts[$0] != counts[$1] ? counts[$0] < counts[$1] : $0 < $1 }.prefix(Self.nearMissNamed)
        let candidates = named.map { k -> NearMiss.Candidate in
            let entry = picked[k], pattern = entry.fixture.request
            let compared = request(for: pattern)
            var differences = Matcher.differences(fixture: entry.projection, request: values[compared])
            if pattern.match == .subset { differences = differences.filter { $0.fixture != nil } }
            return NearMiss.Candidate(fixture: entry.fixture.name, differences: differences, normalizedBy: changes[compared].map(\.description))
        }
        return NearMiss(method: input.method, path: input.path, candidates: candidates, fixturesOnRoute: onRoute)
    }

    /// False when no fixture, live or removed, was ever on `method` `path` in this store: then no
    /// lookup can match, and the request need not be projected (one hash look-up per segment).
    public func mayHaveFixtures(method: String, path: String) -> Bool {
        let route = FixtureSegment.Route(method: method, path: path)
        return segments.contains { $0.byRoute[route] != nil }
    }

    /// How many live fixtures answer `method` on `path` (whatever their bodies).
    public func fixturesOnRoute(method: String, path: String) -> Int {
        let route = FixtureSegment.Route(method: method, path: path)
        return segments.reduce(0) { $0 + liveCount($1, route) }
    }

    /// The live fixtures of `segment` on `route`: its count there less the removed ones, found
    /// from whichever is shorter (a miss does not walk 10,000 entries to count them).
    private func liveCount(_ segment: FixtureSegment, _ route: FixtureSegment.Route) -> Int {
        guard let onRoute = segment.byRoute[route] else { return 0 }
        if removed.isEmpty { return onRoute.count }
        if onRoute.count <= removed.count { return onRoute.reduce(0) { $0 + (removed.contains(segment.ids[$1]) ? 0 : 1) } }
        var gone = 0
        for id in removed {
            if let index = segment.ids.sortedIndex(of: id), onRoute.sortedIndex(of: index) != nil { gone += 1 }
        }
        return onRoute.count - gone
    }
}
