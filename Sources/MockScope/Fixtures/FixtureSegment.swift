/// Fixtures indexed together, one part of a `FixtureStore`. Immutable: built from entries whose
/// projection and key were worked out once, when their fixture first came in.
struct FixtureSegment: Sendable {
    /// A fixture with what lookups need of it.
    struct Entry: Sendable {
        let fixture: Fixture
        /// Insertion order across the whole store.
        let id: UInt64
        /// The projection as the fixture's own rule compares it (`MatchRule`).
        let projection: JSONValue?
        /// An exact fixture's canonical key (nil: a subset fixture) and the index of its rule.
        let key: String?
        let rule: Int
        /// How much of a body a subset pattern names (more specific subsets are tried first).
        let specificity: Int
    }

    struct Route: Hashable, Sendable {
        var method: String
        /// The path, an alias as the path it stands for (`PathAliases`).
        var path: String

        init(method: String, path: String) {
            self.method = method
            self.path = PathAliases.canonical(path)
        }
    }

    struct ExactKey: Hashable, Sendable {
        var rule: Int
        var route: Route
        var key: String
    }

    let entries: [Entry]
    let exact: [ExactKey: [Int]]
    /// Subset fixtures of a route, most specific first.
    let subset: [Route: [Int]]
    let byRoute: [Route: [Int]]
    /// Per route, the entries holding each projection leaf (`ProjectionLeaves`): the near-miss
    /// report's candidates are the fixtures sharing most leaves with the request, found without
    /// diffing every fixture on the route.
    let byLeaf: [Route: [UInt64: [Int]]]
    let byName: [String: [Int]]
    /// Routes where some fixture compares headers or the query: a request's body and key alone
    /// do not decide there (`DecisionMemo` remembers nothing on them).
    let routesComparingExtras: Set<Route>

    init(_ entries: [Entry]) {
        self.entries = entries
        var exact: [ExactKey: [Int]] = [:], subset: [Route: [Int]] = [:], byRoute: [Route: [Int]] = [:], byName: [String: [Int]] = [:]
        var routesComparingExtras: Set<Route> = []
        var byLeaf: [Route: [UInt64: [Int]]] = [:]
        for (index, entry) in entries.enumerated() {
            let pattern = entry.fixture.request
            let route = Route(method: pattern.method, path: pattern.path)
            byRoute[route, default: []].append(index)
            for leaf in Set(ProjectionLeaves.digests(of: entry.projection)) { byLeaf[route, default: [:]][leaf, default: []].append(index) }
            byName[entry.fixture.name, default: []].append(index)
            if !pattern.query.isEmpty || !pattern.headers.allSatisfy({ Matcher.isStreamSwitch($0.name) }) {
                routesComparingExtras.insert(route)
            }
            if let key = entry.key {
                exact[ExactKey(rule: entry.rule, route: route, key: key), default: []].append(index)
            } else {
                subset[route, default: []].append(index)
            }
        }
        for route in subset.keys {
            // Most specific first; the older first among equals (a stable order).
            subset[route]!.sort { a, b in
                entries[a].specificity != entries[b].specificity ? entries[a].specificity > entries[b].specificity : a < b
            }
        }
        self.exact = exact
        self.subset = subset
        self.byRoute = byRoute
        self.byLeaf = byLeaf
        self.byName = byName
        self.routesComparingExtras = routesComparingExtras
    }

    /// The entries for `fixtures`, ids from `firstID` on. Projecting and keying is pure per
    /// fixture: done on every core. New rules are appended to `rules`.
    static func entries(for fixtures: [Fixture], firstID: UInt64, rules: inout [MatchRule]) -> [Entry] {
        let keyed = fixtures.parallelMap { fixture -> (projection: JSONValue?, key: String?) in
            let pattern = fixture.request
            if pattern.match == .subset || pattern.body == nil {
                return (pattern.rule.apply(to: pattern.body.map(CanonicalJSON.normalized)), nil)
            }
            let projection = pattern.rule.apply(to: Matcher.project(Endpoint(path: pattern.path), headers: pattern.headers, body: pattern.body))
            return (projection, Matcher.key(projection))
        }
        var entries: [Entry] = []
        entries.reserveCapacity(fixtures.count)
        for (index, fixture) in fixtures.enumerated() {
            var setIndex = 0
            if keyed[index].key != nil {
                let rule = fixture.request.rule
                setIndex = rules.firstIndex(of: rule) ?? {
                    rules.append(rule)
                    return rules.count - 1
                }()
            }
            entries.append(Entry(fixture: fixture, id: firstID + UInt64(index), projection: keyed[index].projection, key: keyed[index].key,
                                 rule: setIndex, specificity: specificity(fixture.request.body)))
        }
        return entries
    }

    static func specificity(_ value: JSONValue?) -> Int {
        switch value {
        case .object(let members)?: return members.values.reduce(0) { $0 + specificity($1) }
        case nil: return 0
        default: return 1
        }
    }
}
