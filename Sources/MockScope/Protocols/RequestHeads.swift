import MockScopeHTTP

/// The request header values MockScope's decisions read, found in one pass over the fields (a
/// lookup by name per value scanned every field again: a visible share of a replayed request).
/// Each is the first field of its name, compared without regard to case, as `HTTPHeaders[...]`.
struct RequestHeads {
    var authorization: String?
    var contentType: String?
    /// `X-MockScope-Speed`, `X-MockScope-Fault`, `X-MockScope-Scenario`.
    var speed: String?
    var fault: String?
    var scenario: String?
    /// The native stream switch: `X-DashScope-SSE: enable` or an `Accept` naming `text/event-stream`.
    var nativeStream = false

    init(_ headers: HTTPHeaders) {
        for field in headers.fields {
            let name = field.name
            // The length first: most fields are ruled out without comparing a byte.
            switch name.utf8.count {
            case 6:
                if !nativeStream, name.caseInsensitiveEquals("accept") {
                    nativeStream = field.value.containsASCIICaseInsensitive("text/event-stream")
                }
            case 12:
                if contentType == nil, name.caseInsensitiveEquals("content-type") { contentType = field.value }
            case 13:
                if authorization == nil, name.caseInsensitiveEquals("authorization") { authorization = field.value }
            case 15:
                if !nativeStream, name.caseInsensitiveEquals("x-dashscope-sse") { nativeStream = field.value.caseInsensitiveEquals("enable") }
            case 17:
                if speed == nil, name.caseInsensitiveEquals(speedHeader) { speed = field.value }
                else if fault == nil, name.caseInsensitiveEquals(faultHeader) { fault = field.value }
            case 20:
                if scenario == nil, name.caseInsensitiveEquals(scenarioHeader) { scenario = field.value }
            default:
                break
            }
        }
    }
}
