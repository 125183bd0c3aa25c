import MockScopeHTTPTypes

/// The request header values MockScope's decisions read, found in one pass over the fields (a
/// lookup by name per value scanned every field again: a visible share of a replayed request).
/// Each is the first field of its name, compared without regard to case, as `HeaderFields[...]`.
public struct RequestHeads: Sendable {
    public private(set) var authorization: String?
    public private(set) var contentType: String?
    /// `X-MockScope-Speed`, `X-MockScope-Fault`, `X-MockScope-Scenario`.
    public private(set) var speed: String?
    public private(set) var fault: String?
    public private(set) var scenario: String?
    /// `Host`, `Origin`, `Sec-Fetch-Site`: what tells a web page's request apart (`BrowserGuard`).
    public private(set) var host: String?
    public private(set) var origin: String?
    public private(set) var fetchSite: String?
    /// The native stream switch: `X-DashScope-SSE: enable` or an `Accept` naming `text/event-stream`.
    public private(set) var nativeStream = false

    public init(_ headers: HeaderFields) {
        let fields = headers.fields
        for index in fields.indices {
            // The length first: most fields are ruled out without comparing a byte.
            switch fields[index].name.utf8.count {
            case 4:
                if host == nil, fields[index].name.caseInsensitiveEquals("host") { host = fields[index].value }
            case 6:
                if !nativeStream, fields[index].name.caseInsensitiveEquals("accept") {
                    nativeStream = fields[index].value.containsASCIICaseInsensitive("text/event-stream")
                } else if origin == nil, fields[index].name.caseInsensitiveEquals("origin") {
                    origin = fields[index].value
                }
            case 12:
                if contentType == nil, fields[index].name.caseInsensitiveEquals("content-type") { contentType = fields[index].value }
            case 13:
                if authorization == nil, fields[index].name.caseInsensitiveEquals("authorization") { authorization = fields[index].value }
            case 14:
                if fetchSite == nil, fields[index].name.caseInsensitiveEquals("sec-fetch-site") { fetchSite = fields[index].value }
            case 15:
                if !nativeStream, fields[index].name.caseInsensitiveEquals("x-dashscope-sse") {
                    nativeStream = fields[index].value.caseInsensitiveEquals("enable")
                }
            case 17:
                if speed == nil, fields[index].name.caseInsensitiveEquals(speedHeader) { speed = fields[index].value }
                else if fault == nil, fields[index].name.caseInsensitiveEquals(faultHeader) { fault = fields[index].value }
            case 20:
                if scenario == nil, fields[index].name.caseInsensitiveEquals(scenarioHeader) { scenario = fields[index].value }
            default:
                break
            }
        }
    }
}
