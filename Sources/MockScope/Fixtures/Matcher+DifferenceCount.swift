extension Matcher {
    /// How many differences `differences(fixture:request:)` finds (only those where the fixture
    /// has a value, with `fixtureSideOnly`), without building them: the near-miss report ranks 16
    /// fixtures by this and builds the differences of the 3 it names. Building all 16 cost 550 k
    /// instructions per miss (paths as strings, sorted key sets; bench/RESULTS.md, "misses").
    static func differenceCount(fixture: JSONValue?, request: JSONValue?, fixtureSideOnly: Bool) -> Int {
        switch (fixture, request) {
        case let (.object(a)?, .object(b)?):
            var count = 0
            for (key, member) in a { count += differenceCount(fixture: member, request: b[key], fixtureSideOnly: fixtureSideOnly) }
            if !fixtureSideOnly {
                for (key, member) in b where a[key] == nil { count += differenceCount(fixture: nil, request: member, fixtureSideOnly: false) }
            }
            return count
        case let (.array(a)?, .array(b)?):
            var count = 0
            for index in 0..<max(a.count, b.count) {
                count += differenceCount(fixture: index < a.count ? a[index] : nil, request: index < b.count ? b[index] : nil,
                                         fixtureSideOnly: fixtureSideOnly)
            }
            return count
        default:
            if fixture == request || (fixtureSideOnly && fixture == nil) { return 0 }
            return 1
        }
    }
}
