// Fuzz target: the fixture loader. Any bytes go through FixtureLoader.parse (files on disk and
// `POST /__admin/fixtures` bodies alike). What loads must be usable: indexed in a store, and found
// again by a request made from its own pattern (a recorded exchange replays for the request that
// recorded it), its plan handed to the HTTP layer.
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFixture(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.bytes(data, size)
    guard case .success(let fixture) = FixtureLoader.parse(input, file: "fuzz.json", defaultName: "fuzz") else { return 0 }
    // Values, not only syntax: a status that has a body, event times within a day.
    Fuzz.require((200...599).contains(fixture.response.status) && fixture.response.status != 304,
                 "status \(fixture.response.status) loaded: \(Fuzz.show(input, limit: 300))")
    if case .events(let events) = fixture.response.body {
        Fuzz.require(events.allSatisfy { $0.atMs.isFinite && $0.atMs >= 0 && $0.atMs <= FixtureLimits.maxEventMs }, "event time out of range")
    }
    _ = fixture.plan.httpResponse()
    guard !fixture.isPartial else { return 0 }
    let store = FixtureStore([fixture])
    let pattern = fixture.request
    let request = MatchInput(method: pattern.method, path: pattern.path,
                             query: pattern.query.map { (name: $0.key, value: $0.value) },
                             headers: pattern.headers, body: pattern.body)
    switch store.match(request) {
    case .matched: break
    case .missed(let nearMiss):
        Fuzz.require(false, "a fixture does not match the request it describes: \(nearMiss.description.prefix(400)); fixture \(Fuzz.show(input, limit: 600))")
    }
    return 0
}
