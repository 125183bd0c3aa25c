import MockScopeHTTPTypes

/// The request header values MockScope's decisions read, found in one pass over the fields (a
/// lookup by name per value scanned every field again: a visible share of a replayed request).
/// Each is the first field of its name, compared without regard to case, as `HeaderFields[...]`.
public struct RequestHeads: Sendable {
    public private(set) var authorization: String?
    public private(set) var contentType: String?
    /// `Host`, `Origin`, `Sec-Fetch-Site`: what tells a web page's request apart (`BrowserGuard`).
    public private(set) var host: String?
    /// The native stream switch: `X-DashScope-SSE: enable` or an `Accept` naming `text/event-stream`.
    public private(set) var nativeStream = false
    /// `X-DashScope-Async: enable`: a task-style call (`AsyncCall`).
    public private(set) var asyncCall = false
    /// The headers few requests send, boxed (nil when none is there): the heads are copied from
    /// stage to stage, and each copy retained every string; ten of them cost 4 % of a replayed
    /// request's instructions (`bench/profile instructions`), three cost what they did before.
    private var rare: Rare?

    final class Rare: Sendable {
        let xAPIKey, speed, fault, scenario, testID, origin, fetchSite: String?
        init(xAPIKey: String?, speed: String?, fault: String?, scenario: String?, testID: String?, origin: String?, fetchSite: String?) {
            (self.xAPIKey, self.speed, self.fault, self.scenario) = (xAPIKey, speed, fault, scenario)
            (self.testID, self.origin, self.fetchSite) = (testID, origin, fetchSite)
        }
    }

    /// `X-Api-Key` (the Anthropic-compatible API's key header).
    public var xAPIKey: String? { rare?.xAPIKey }
    /// `X-MockScope-Speed`, `X-MockScope-Fault`, `X-MockScope-Scenario`.
    public var speed: String? { rare?.speed }
    public var fault: String? { rare?.fault }
    public var scenario: String? { rare?.scenario }
    /// `X-MockScope-Test-Id` (nil when absent or empty).
    public var testID: String? { rare?.testID }
    public var origin: String? { rare?.origin }
    public var fetchSite: String? { rare?.fetchSite }

    public init(_ headers: HeaderFields) {
        let fields = headers.fields
        var xAPIKey, speed, fault, scenario, testID, origin, fetchSite: String?
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
        if xAPIKey != nil || speed != nil || fault != nil || scenario != nil || testID != nil || origin != nil || fetchSite != nil {
            rare = Rare(xAPIKey: xAPIKey, speed: speed, fault: fault, scenario: scenario, testID: testID, origin: origin, fetchSite: fetchSite)
        }
    }

    /// Whether `name` starts with the lower-case ASCII `letter`, in either case: rules out most
    /// names of the same length before a whole comparison.
    @inline(__always) private static func startsWith(_ name: String, _ letter: Unicode.Scalar) -> Bool {
        guard let first = name.utf8.first else { return false }
        return first | 0x20 == UInt8(letter.value)
    }
}
