// Fuzz target: request -> domain value. Any bytes become an HTTPRequest (method, path, query,
// headers, body: see RequestText); a server made as `mockscope serve` makes it with the default
// fixtures handles it, the exchange is completed (journal, log line, metrics), and the journal is
// read back over the admin API. Nothing may crash, and every answer must be sendable as is: an
// HTTP status, header fields without CR/LF, JSON that parses when it says it is JSON.
import FuzzSupport
import MockScopeHTTPTypes

private let admin = HTTPRequest(method: "GET", path: "/__admin/requests")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Fuzz.bytes(data, size)
    let request = RequestText.decode(input)
    // The first byte picks the unmatched policy, so synthesis is fuzzed too.
    var settings = MockSettings()
    if let first = input.first, first & 1 == 1 { settings.unmatched = .synthesize }
    let server = Defaults.freshServer(settings: settings)
    let response = server.handle(request)
    ResponseChecks.check(response, for: request, input: input)

    var bytes = 0
    if case .bytes(let body) = response.body { bytes = body.count }
    if case .stream(let chunks, _) = response.body { bytes = chunks.reduce(0) { $0 + $1.bytes.count } }
    server.completed(request, outcome: HTTPOutcome(status: response.status, bytesSent: bytes, durationNanos: 1_000,
                                                    clientWentAway: false, tag: response.tag))
    let journal = server.handle(admin)
    ResponseChecks.check(journal, for: admin, input: input)
    return 0
}
