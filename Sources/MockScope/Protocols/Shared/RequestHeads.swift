import MockScopeHTTPTypes

/// The request header values MockScope's decisions read, found in one pass over the fields (a
/// lookup by name per value scanned every field again: a visible share of a replayed request).
/// Each is the first field of its name, compared without regard to case, as `HeaderFields[...]`.
/// Not copyable: it lives inline in the `Exchange` and the stages borrow it. Each copy of a
/// copyable struct retained its every string (three copies per replayed request, 4 % of its
/// instructions), and a class cost an allocation per request (`bench/profile instructions`).
public struct RequestHeads: ~Copyable, Sendable {
    public let authorization: String?
    /// `X-Api-Key` (the Anthropic-compatible API's key header).
    public let xAPIKey: String?
    public let contentType: String?
    /// `X-MockScope-Speed`, `X-MockScope-Fault`, `X-MockScope-Scenario`.
    public let speed: String?
    public let fault: String?
    public let scenario: String?
    /// `X-MockScope-Test-Id` (nil when absent or empty).
    public let testID: String?
    /// `Host`, `Origin`, `Sec-Fetch-Site`: what tells a web page's request apart (`BrowserGuard`).
    public let host: String?
    public let origin: String?
    public let fetchSite: String?
    /// The native stream switch: `X-DashScope-SSE: enable` or an `Accept` naming `text/event-stream`.
    public let nativeStream: Bool
    /// `X-DashScope-Async: enable`: a task-style call (`AsyncCall`).
    public let asyncCall: Bool

    public init(_ headers: HeaderFields) {
        let fields = headers.fields
        var authorization, xAPIKey, contentType, speed, fault, scenario, testID, host, origin, fetchSite: String?
        var nativeStream = false, asyncCall = false
        for index in fields.indices {
            // The length first: most fields are ruled out without comparing a byte.
            switch fields[index].name.utf8.count {
            case 4:
                if host == nil, Self.startsWith(fields[index].name, "h"), fields[index].name.caseInsensitiveEquals("host") { host = fields[index].value }
            case 6:
                if !nativeStream, fields[index].name.caseInsensitiveEquals("accept") {
                    nativeStream = fields[index].value.containsASCIICaseInsensitive("text/event-stream")
                } else if origin == nil, Self.startsWith(fields[index].name, "o"), fields[index].name.caseInsensitiveEquals("origin") {
                    origin = fields[index].value
                }
            case 9:
                if xAPIKey == nil, Self.startsWith(fields[index].name, "x"), fields[index].name.caseInsensitiveEquals("x-api-key") {
                    xAPIKey = fields[index].value
                }
            case 12:
                if contentType == nil, fields[index].name.caseInsensitiveEquals("content-type") { contentType = fields[index].value }
            case 13:
                if authorization == nil, fields[index].name.caseInsensitiveEquals("authorization") { authorization = fields[index].value }
            case 14:
                if fetchSite == nil, Self.startsWith(fields[index].name, "s"), fields[index].name.caseInsensitiveEquals("sec-fetch-site") {
                    fetchSite = fields[index].value
                }
            case 15:
                if !nativeStream, fields[index].name.caseInsensitiveEquals("x-dashscope-sse") {
                    nativeStream = fields[index].value.caseInsensitiveEquals("enable")
                }
            case 17:
                if speed == nil, fields[index].name.caseInsensitiveEquals(speedHeader) { speed = fields[index].value }
                else if fault == nil, fields[index].name.caseInsensitiveEquals(faultHeader) { fault = fields[index].value }
                else if !asyncCall, fields[index].name.caseInsensitiveEquals(AsyncCall.header) {
                    asyncCall = fields[index].value.caseInsensitiveEquals("enable")
                }
            case 19:
                if testID == nil, fields[index].name.caseInsensitiveEquals(testIDHeader), !fields[index].value.isEmpty {
                    testID = fields[index].value
                }
            case 20:
                if scenario == nil, fields[index].name.caseInsensitiveEquals(scenarioHeader) { scenario = fields[index].value }
            default:
                break
            }
        }
        (self.authorization, self.xAPIKey, self.contentType, self.speed, self.fault) = (authorization, xAPIKey, contentType, speed, fault)
        (self.scenario, self.testID, self.host, self.origin, self.fetchSite) = (scenario, testID, host, origin, fetchSite)
        (self.nativeStream, self.asyncCall) = (nativeStream, asyncCall)
    }

    /// Whether `name` starts with the lower-case ASCII `letter`, in either case: rules out most
    /// names of the same length before a whole comparison.
    @inline(__always) private static func startsWith(_ name: String, _ letter: Unicode.Scalar) -> Bool {
        guard let first = name.utf8.first else { return false }
        return first | 0x20 == UInt8(letter.value)
    }
}
