extension Matcher {
    /// One field that differs between a fixture and a request.
    public struct Difference: Sendable, Equatable {
        public var path: String
        public var fixture: JSONValue?
        public var request: JSONValue?
    }

    /// The leaf paths where `fixture` and `request` differ, in a stable order (keys ascending).
    public static func differences(fixture: JSONValue?, request: JSONValue?, path: String = "") -> [Difference] {
        differences(fixture: fixture, request: request.map(SortedJSON.init), path: path)
    }

    static func differences(fixture: JSONValue?, request: SortedJSON?, path: String = "") -> [Difference] {
        var walk = DifferenceWalk(listing: true, fixtureSideOnly: false, path: path)
        walk.visit(fixture, request)
        return walk.found
    }

    /// How many differences `differences` finds (only those where the fixture has a value, with
    /// `fixtureSideOnly`), without building them: what the near-miss report ranks fixtures by.
    static func differenceCount(fixture: JSONValue?, request: SortedJSON?, fixtureSideOnly: Bool) -> Int {
        var walk = DifferenceWalk(listing: false, fixtureSideOnly: fixtureSideOnly, path: "")
        walk.visit(fixture, request)
        return walk.count
    }
}

/// One walk of a fixture's value against a request's: descends where both are objects or both
/// arrays, and counts (or lists, with their paths) the places where they differ.
private struct DifferenceWalk {
    /// Whether to build each difference (in key order) or only count them (in any order).
    let listing: Bool
    /// Count only differences where the fixture has a value (subset fixtures).
    let fixtureSideOnly: Bool
    /// The path so far, as `differences` writes it (built only when listing).
    var path: String
    var count = 0
    var found: [Matcher.Difference] = []

    init(listing: Bool, fixtureSideOnly: Bool, path: String) {
        self.listing = listing
        self.fixtureSideOnly = fixtureSideOnly
        self.path = path
    }

    mutating func visit(_ fixture: JSONValue?, _ request: SortedJSON?) {
        // Descends where both are objects or both arrays; the request's kind is read from its
        // flags, the fixture's payload bound once (a switch over the pair copied both).
        if let request {
            if request.isObject, case .object(let a)? = fixture { return objects(a, request) }
            if request.isArray, case .array(let a)? = fixture { return arrays(a, request) }
        }
        let requestValue = request?.value
        if fixture == requestValue || (fixtureSideOnly && fixture == nil) { return }
        count += 1
        if listing { found.append(Matcher.Difference(path: path.isEmpty ? "(body)" : path, fixture: fixture, request: requestValue)) }
    }

    private mutating func objects(_ a: [String: JSONValue], _ request: SortedJSON) {
        if listing {
            let keys = a.keys.sorted()
            var i = 0, j = 0
            while i < keys.count || j < request.keys.count {
                if j == request.keys.count || (i < keys.count && keys[i] < request.keys[j]) {
                    child(keys[i]) { $0.visit(a[keys[i]], nil) }
                    i += 1
                } else if i == keys.count || request.keys[j] < keys[i] {
                    child(request.keys[j]) { $0.visit(nil, request.members[j]) }
                    j += 1
                } else {
                    child(keys[i]) { $0.visit(a[keys[i]], request.members[j]) }
                    i += 1
                    j += 1
                }
            }
        } else {
            var shared = 0
            for (key, member) in a {
                let other = request.member(key)
                if other != nil { shared += 1 }
                visit(member, other)
            }
            // Each request member the fixture lacks is one difference (nothing against a value).
            if !fixtureSideOnly { count += request.keys.count - shared }
        }
    }

    private mutating func arrays(_ a: [JSONValue], _ request: SortedJSON) {
        // An item one array lacks compares as null (as the report has always shown it).
        let items = request.members
        for index in 0..<max(a.count, items.count) {
            child(String(index)) { $0.visit(index < a.count ? a[index] : .null, index < items.count ? items[index] : SortedJSON.null) }
        }
    }

    /// Visits below `component` of the path (the path is only built when listing).
    private mutating func child(_ component: @autoclosure () -> String, _ body: (inout DifferenceWalk) -> Void) {
        guard listing else { return body(&self) }
        let saved = path
        let part = component()
        path = path.isEmpty ? part : path + "." + part
        body(&self)
        path = saved
    }
}
