/// The Responses API's words for every `ErrorCatalog` name. Its bodies take the native shape
/// (`{"request_id","code","message"}`, docs/protocol-notes.md responses §7), so the native table
/// is the base; the rows below are where this path words an error its own way. Data only:
/// `ResponsesErrorDialect` reads it.
enum ResponsesErrorTable {
    /// What DashScope says when it rate-limits a Responses call (inside a failed Response, HTTP 200).
    static let rateLimitCode = "server_error"
    static let rateLimitMessage = "Operation model request rate limit exceeded, please try again later."

    static let overrides: [String: ErrorWording] = [
        "empty_model": ErrorWording(status: 400, code: "InvalidParameter",
            message: "[400] missing_required_parameter: Missing required parameter: 'model'.",
            source: "responses §7 (openapi-openai-responses.json, 400 example)"),
        "empty_input": ErrorWording(status: 400, code: "InvalidParameter",
            message: "[400] missing_required_parameter: Missing required parameter: 'input'.",
            source: "responses §7: the documented 'model' wording with 'input' [chosen]"),
        "messages_missing": ErrorWording(status: 400, code: "InvalidParameter",
            message: "[400] missing_required_parameter: Missing required parameter: 'input'.",
            source: "responses §7: the documented 'model' wording with 'input' [chosen]"),
        "rate_limit_requests": ErrorWording(status: 429, code: rateLimitCode, message: rateLimitMessage,
            source: "responses §7 (openapi-openai-responses.json, rate-limit example: HTTP 200, status failed)"),
        "rate_limit_tokens": ErrorWording(status: 429, code: rateLimitCode, message: rateLimitMessage,
            source: "responses §7: the documented rate-limit answer, for token limits too [chosen]"),
        "throttling": ErrorWording(status: 429, code: rateLimitCode, message: rateLimitMessage,
            source: "responses §7: the documented rate-limit answer [chosen]"),
        "burst_rate": ErrorWording(status: 429, code: rateLimitCode, message: rateLimitMessage,
            source: "responses §7: the documented rate-limit answer [chosen]"),
    ]

    static let entries: [String: ErrorWording] = NativeErrorTable.entries.merging(overrides) { _, own in own }
}
