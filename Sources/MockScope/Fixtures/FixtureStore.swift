import MockScopeHTTPTypes

/// What a request looks like to the store: computed once per request.
public struct MatchInput: Sendable {
    public var method: String
    public var path: String
    public var endpoint: Endpoint
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    /// The parsed body (nil when empty or not JSON).
    public var body: JSONValue?
    /// `Matcher.project` of the body.
    public var projection: JSONValue?

    public init(method: String, path: String, query: [(name: String, value: String)] = [],
                headers: [(name: String, value: String)], body: JSONValue?, endpoint: Endpoint? = nil) {
        self.method = method
        self.path = path
        self.endpoint = endpoint ?? Endpoint(path: path)
        self.query = query
        self.headers = headers
        self.body = body
        self.projection = Matcher.project(self.endpoint, headers: headers, body: body)
    }
}

/// Why nothing matched: the closest fixtures and how they differ.
public struct NearMiss: Sendable, CustomStringConvertible {
    public struct Candidate: Sendable {
        public var fixture: String
        public var differences: [Matcher.Difference]
    }
    public var method: String
    public var path: String
    public var candidates: [Candidate]
    public var fixturesOnRoute: Int

    public var description: String {
        var text = "No fixture matches \(method) \(path)."
        if candidates.isEmpty {
            text += " No fixture is recorded for this method and path."
        } else {
            let parts = candidates.map { candidate -> String in
                guard let first = candidate.differences.first else { return "\"\(candidate.fixture)\" (its headers or query differ)" }
                let more = candidate.differences.count > 1 ? "\(candidate.differences.count) differences, first " : ""
                return "\"\(candidate.fixture)\" (\(more)\(first.path): fixture has \(Self.show(first.fixture)), request has \(Self.show(first.request)))"
            }
            text += " Closest: " + parts.joined(separator: "; ") + "."
        }
        return text + " Record it, add a fixture, or serve with --unmatched synthesize."
    }

    static func show(_ value: JSONValue?) -> String {
        guard let value else { return "nothing" }
        var text = CanonicalJSON.string(value)
        if text.count > 80 { text = String(text.prefix(77)) + "..." }
        return text
    }
}

/// The outcome of a lookup.
public enum MatchResult: Sendable {
    case matched(Fixture)
    case missed(NearMiss)
}

/// Fixtures indexed for lookup: exact fixtures by method, path and canonical key (cost does not
/// grow with their number), then subset fixtures of the same route, most specific first.
public final class FixtureStore: Sendable {
    public let fixtures: [Fixture]
    private let ignoreSets: [[String]]
    private let exact: [ExactKey: [Int]]
    private let subset: [Route: [Int]]
    private let byRoute: [Route: [Int]]
    /// Precomputed per fixture: its projection with its own ignore paths removed.
    private let projections: [JSONValue?]
    /// Routes where some fixture compares headers or the query: a request's body and key alone
    /// do not decide there (`DecisionMemo` remembers nothing on them).
    private let routesComparingExtras: Set<Route>

    struct Route: Hashable {
        var method: String
        var path: String
    }

    struct ExactKey: Hashable {
        var ignoreSet: Int
        var route: Route
        var key: String
    }

    public init(_ fixtures: [Fixture]) {
        let live = fixtures.filter { !$0.isPartial }
        self.fixtures = live
        var ignoreSets: [[String]] = []
        var exact: [ExactKey: [Int]] = [:]
        var subset: [Route: [Int]] = [:]
        var byRoute: [Route: [Int]] = [:]
        var projections: [JSONValue?] = []
        // Projecting and keying is pure per fixture: done on every core, then indexed in order.
        let keyed = live.parallelMap { fixture -> (projection: JSONValue?, key: String?) in
            let pattern = fixture.request
            if pattern.match == .subset || pattern.body == nil {
                return (Matcher.applying(ignore: pattern.ignore, to: pattern.body.map(CanonicalJSON.normalized)), nil)
            }
            let projection = Matcher.applying(ignore: pattern.ignore,
                                              to: Matcher.project(Endpoint(path: pattern.path), headers: pattern.headers, body: pattern.body))
            return (projection, Matcher.key(projection))
        }
        var routesComparingExtras: Set<Route> = []
        for (index, fixture) in live.enumerated() {
            let pattern = fixture.request
            let route = Route(method: pattern.method, path: pattern.path)
            byRoute[route, default: []].append(index)
            if !pattern.query.isEmpty || !pattern.headers.allSatisfy({ Matcher.isStreamSwitch($0.name) }) {
                routesComparingExtras.insert(route)
            }
            projections.append(keyed[index].projection)
            guard let key = keyed[index].key else {
                subset[route, default: []].append(index)
                continue
            }
            let ignoreKey = pattern.ignore.sorted()
            let setIndex = ignoreSets.firstIndex(of: ignoreKey) ?? {
                ignoreSets.append(ignoreKey)
                return ignoreSets.count - 1
            }()
            exact[ExactKey(ignoreSet: setIndex, route: route, key: key), default: []].append(index)
        }
        for route in subset.keys {
            subset[route]!.sort { Self.specificity(live[$0].request.body) > Self.specificity(live[$1].request.body) }
        }
        self.ignoreSets = ignoreSets
        self.exact = exact
        self.subset = subset
        self.byRoute = byRoute
        self.projections = projections
        self.routesComparingExtras = routesComparingExtras
    }

    /// Whether some fixture on this route compares headers (other than the stream switches) or the query.
    public func comparesExtras(method: String, path: String) -> Bool {
        !routesComparingExtras.isEmpty && routesComparingExtras.contains(Route(method: method, path: path))
    }

    static func specificity(_ value: JSONValue?) -> Int {
        switch value {
        case .object(let members)?: return members.values.reduce(0) { $0 + specificity($1) }
        case nil: return 0
        default: return 1
        }
    }

    public var count: Int { fixtures.count }

    public func fixture(named name: String) -> Fixture? { fixtures.first { $0.name == name } }

    /// Finds the fixture for a request, or reports the closest ones.
    public func match(_ input: MatchInput) -> MatchResult {
        let route = Route(method: input.method, path: input.path)
        for (setIndex, ignore) in ignoreSets.enumerated() {
            let key = Matcher.key(Matcher.applying(ignore: ignore, to: input.projection))
            if let candidates = exact[ExactKey(ignoreSet: setIndex, route: route, key: key)] {
                for index in candidates where extrasMatch(fixtures[index].request, input) { return .matched(fixtures[index]) }
            }
        }
        for index in subset[route] ?? [] {
            let pattern = fixtures[index].request
            guard extrasMatch(pattern, input) else { continue }
            guard let wanted = pattern.body else { return .matched(fixtures[index]) }
            let body = Matcher.applying(ignore: pattern.ignore, to: input.body) ?? .null
            if Matcher.isSubset(Matcher.applying(ignore: pattern.ignore, to: wanted)!, of: body) { return .matched(fixtures[index]) }
        }
        return .missed(nearMiss(input, route: route))
    }

    /// Query and listed headers (the native stream switches are part of the projection instead).
    private func extrasMatch(_ pattern: RequestPattern, _ input: MatchInput) -> Bool {
        for (name, value) in pattern.query where !input.query.contains(where: { $0.name == name && $0.value == value }) {
            return false
        }
        for field in pattern.headers where !Matcher.isStreamSwitch(field.name) {
            guard input.headers.contains(where: { $0.name.caseInsensitiveEquals(field.name) && $0.value == field.value }) else { return false }
        }
        return true
    }

    private func nearMiss(_ input: MatchInput, route: Route) -> NearMiss {
        let onRoute = byRoute[route] ?? []
        var candidates: [NearMiss.Candidate] = []
        for index in onRoute.prefix(500) {
            let pattern = fixtures[index].request
            let request = Matcher.applying(ignore: pattern.ignore, to: pattern.match == .subset ? input.body : input.projection)
            var differences = Matcher.differences(fixture: projections[index], request: request)
            if pattern.match == .subset { differences = differences.filter { $0.fixture != nil } }
            candidates.append(NearMiss.Candidate(fixture: fixtures[index].name, differences: differences))
        }
        candidates.sort { $0.differences.count < $1.differences.count }
        return NearMiss(method: input.method, path: input.path, candidates: Array(candidates.prefix(3)), fixturesOnRoute: onRoute.count)
    }
}
