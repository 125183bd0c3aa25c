import MockScopeHTTPTypes

/// `http_error status=N code=NAME message="..." format=json|sse|html retry_after=S retry_after_ms=MS
/// should_retry=true|false`: answers with the protocol's own error instead of the planned answer.
///
/// The error takes the shapes of the exchange's `ErrorDialect`.
///
/// - `code` names an `ErrorCatalog` entry; with only `status`, the catalog's usual code for that
///   status is used (400 invalid_parameter, 401 invalid_api_key, 403 access_denied,
///   404 model_not_found, 408 request_timeout, 413 request_too_large, 429 rate_limit_requests,
///   500 internal_error, 503 service_unavailable, 504 gateway_timeout), and any other status gets the
///   dialect's generic body (native code `MockScope.HTTPError`, compatible code and type
///   `http_error`, message `HTTP <status>`). With both, the entry's body is sent with the given status.
/// - `format=json` (default): the error body as a non-stream answer (a compatible-mode
///   `invalid_url` is the real empty-bodied 404 unless a message is asked for).
///   `format=sse`: the error as an event stream, as sent to stream requests rejected before
///   streaming (native: one `event:error` frame; compatible: one `data: {"error":...,"id":...}`
///   line), with the error status. `format=html`: a gateway's HTML page.
/// - `retry-after`, `retry-after-ms` and `x-should-retry` are sent only when asked for (the real
///   service never sends them).
/// - A wait planned before the answer (`latency` applied earlier, `hang`) is kept.
public struct HTTPErrorFault: Fault {
    public static let kind = "http_error"
    public static let parameterNames: Set<String> = [
        "status", "code", "message", "format", "retry_after", "retry_after_ms", "should_retry",
    ]

    public enum Format: String, Sendable, CaseIterable {
        case json, sse, html
    }

    public var status: Int?
    public var code: String?
    public var message: String?
    public var format: Format
    public var retryAfter: Double?
    public var retryAfterMs: Double?
    public var shouldRetry: Bool?

    /// The largest `retry_after`, in seconds (a day).
    static let maxRetryAfter = 86_400.0

    /// The catalog entry used when only a status is given.
    static let defaultCodes: [Int: String] = [
        400: "invalid_parameter", 401: "invalid_api_key", 403: "access_denied", 404: "model_not_found",
        408: "request_timeout", 413: "request_too_large", 429: "rate_limit_requests", 500: "internal_error",
        503: "service_unavailable", 504: "gateway_timeout",
    ]

    public init(_ parameters: FaultParameters) throws(FaultSpecError) {
        if let text = parameters.string("status") {
            guard let value = Int(text), (400 ... 599).contains(value) else {
                throw .invalidValue(kind: Self.kind, name: "status", value: text, expected: "an HTTP error status from 400 to 599")
            }
            status = value
        }
        if let text = parameters.string("code") {
            guard ErrorCatalog.named(text) != nil else {
                throw .invalidValue(kind: Self.kind, name: "code", value: text,
                                    expected: "an ErrorCatalog name: \(ErrorCatalog.all.map(\.name).joined(separator: ", "))")
            }
            code = text
        }
        guard status != nil || code != nil else {
            throw .missingParameter(kind: Self.kind, expected: "status=N and/or code=NAME (e.g. status=429 or code=arrearage)")
        }
        message = parameters.string("message")
        format = try parameters.choice("format", Format.allCases.map(\.rawValue)).flatMap(Format.init(rawValue:)) ?? .json
        if let text = parameters.string("retry_after") {
            guard let value = Double(text), value.isFinite, value >= 0, value <= Self.maxRetryAfter else {
                throw .invalidValue(kind: Self.kind, name: "retry_after", value: text,
                                    expected: "a number of seconds from 0 to \(FaultParameters.show(Self.maxRetryAfter)) (a day)")
            }
            retryAfter = value
        }
        retryAfterMs = try parameters.milliseconds("retry_after_ms")
        shouldRetry = try parameters.bool("should_retry")
    }

    public var description: String {
        FaultText.describe(Self.kind, [
            ("status", FaultText.number(status)), ("code", code), ("message", message),
            ("format", format == .json ? nil : format.rawValue),
            ("retry_after", FaultText.number(retryAfter)), ("retry_after_ms", FaultText.number(retryAfterMs)),
            ("should_retry", shouldRetry.map { $0 ? "true" : "false" }),
        ])
    }

    /// The catalog entry this fault sends; nil: a status with no entry (the dialect's generic error).
    public var spec: ErrorSpec? {
        if let code { return ErrorCatalog.named(code) }
        return status.flatMap { Self.defaultCodes[$0] }.flatMap(ErrorCatalog.named)
    }

    /// The error in `dialect`'s words, with this fault's status and message.
    func stated(in dialect: any ErrorDialect, model: String?) -> StatedError {
        var error = spec.map { dialect.stated($0, message: message, model: model) }
            ?? dialect.generic(status: status ?? 500, message: message)
        // An entry answered with no body (compatible invalid_url) gets the generic fields when a body is needed.
        if dialect.answersEmpty(error), message != nil || format != .json {
            error = dialect.generic(status: status ?? error.status, message: message)
        }
        if let status { error.status = status }
        return error
    }

    public func apply(to plan: inout ResponsePlan, context: inout FaultContext) {
        // A pending forward is replaced too: the request is then not forwarded.
        guard !PlanCutting.isStartedLive(plan) else { return }
        let dialect = context.dialect
        let error = stated(in: dialect, model: context.model)
        let requestID = context.requestID
        var answer: ResponsePlan
        switch format {
        case .json:
            answer = dialect.answer(error, requestID: requestID, stream: plan.isStream)
        case .sse:
            answer = dialect.preStreamAnswer(error, requestID: requestID)
        case .html:
            answer = ResponsePlan(status: error.status,
                                  headers: HeaderFields([("content-type", "text/html"), ("x-request-id", requestID)]),
                                  body: .whole(Array(Self.gatewayPage(status: error.status, message: message).utf8)))
        }
        if let retryAfter { answer.headers.set("retry-after", FaultParameters.show(retryAfter)) }
        if let retryAfterMs { answer.headers.set("retry-after-ms", FaultParameters.show(retryAfterMs)) }
        if let shouldRetry { answer.headers.set("x-should-retry", shouldRetry ? "true" : "false") }
        answer.firstByteDelayMs = plan.firstByteDelayMs
        answer.hang = plan.hang
        answer.hangMs = plan.hangMs
        plan = answer
    }

    /// A front gateway's error page (what a load balancer sends when the service behind it fails).
    static func gatewayPage(status: Int, message: String?) -> String {
        let title = "\(status) \(reasonPhrase(status))"
        var page = "<html><body><h1>\(title)</h1>"
        if let message { page += "<p>\(htmlEscaped(message))</p>" }
        return page + "<hr><center>gateway</center></body></html>\n"
    }

    /// The reason phrases nginx-style gateways print.
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Not Allowed"
        case 408: return "Request Time-out"
        case 413: return "Request Entity Too Large"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Temporarily Unavailable"
        case 504: return "Gateway Time-out"
        default: return status < 500 ? "Client Error" : "Server Error"
        }
    }

    static func htmlEscaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.append(character)
            }
        }
        return result
    }
}
