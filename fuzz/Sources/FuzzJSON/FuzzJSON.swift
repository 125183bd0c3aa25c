// Fuzz target: the JSON canonicalizer and the matcher. Bytes that parse as JSON are
// canonicalized; the canonical text must parse again to the same canonical text (it is a key:
// two requests that mean the same must get the same one). The value is then projected for every
// endpoint and matched against the default fixtures, as a body and inside a chat request.
import FuzzSupport

private let paths = [
    "/compatible-mode/v1/chat/completions", "/api/v1/services/aigc/text-generation/generation",
    "/api/v1/services/aigc/multimodal-generation/generation", "/api/v1/apps/weather-app/completion",
    "/compatible-mode/v1/embeddings", "/other",
]
private let headerSets: [[(name: String, value: String)]] = [[], [("X-DashScope-SSE", "enable")], [("Accept", "text/event-stream")]]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.bytes(data, size)
    guard let value = try? JSONValue.parse(input) else { return 0 }
    let canonical = CanonicalJSON.string(value)
    guard let again = try? JSONValue.parse(canonical) else {
        Fuzz.require(false, "canonical text does not parse: \(canonical.prefix(300)) from \(Fuzz.show(input))")
        return 0
    }
    let second = CanonicalJSON.string(again)
    Fuzz.require(second == canonical, "canonical text is not stable: \(canonical.prefix(300)) then \(second.prefix(300)) from \(Fuzz.show(input))")
    Fuzz.require(CanonicalJSON.normalized(again) == CanonicalJSON.normalized(value),
                 "canonical text changes the value: \(canonical.prefix(300)) from \(Fuzz.show(input))")

    for (index, path) in paths.enumerated() {
        let headers = headerSets[index % headerSets.count]
        let endpoint = Endpoint(path: path)
        let projection = Matcher.project(endpoint, headers: headers, body: value)
        _ = Matcher.key(projection)
        let input = MatchInput(method: "POST", path: path, headers: headers, body: value)
        switch Defaults.store.match(input) {
        case .matched: break
        case .missed(let nearMiss): _ = nearMiss.description
        }
    }
    // The value as the messages of a chat request, and as a subset pattern against itself.
    let chat: JSONValue = .object(["model": "qwen-plus", "messages": .array([.object(["role": "user", "content": value])])])
    if case .missed(let nearMiss) = Defaults.store.match(MatchInput(method: "POST", path: paths[0], headers: [], body: chat)) {
        _ = nearMiss.description
    }
    Fuzz.require(Matcher.isSubset(value, of: value), "a value is not a subset of itself: \(canonical.prefix(300))")
    Fuzz.require(Matcher.differences(fixture: value, request: value).isEmpty,
                 "a value differs from itself: \(canonical.prefix(300))")
    // Ignore paths taken from the value's own strings.
    if case .object(let members) = value {
        for key in members.keys.prefix(4) { _ = value.removing(path: key); _ = value.value(at: key + ".0") }
    }
    return 0
}
