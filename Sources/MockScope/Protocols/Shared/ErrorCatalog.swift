/// One error by its stable name, used by faults and scenarios (`http_error code=rate_limit_requests`).
/// Each protocol states it in its own words: its `ErrorDialect` looks the name up in its table
/// (`CompatibleErrorTable`, `NativeErrorTable`, or a new protocol's own).
public struct ErrorSpec: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }
}

/// Every error MockScope can send, by name (docs/protocol-notes.md, errors §0–§12). What each
/// protocol says for it is data in that protocol's table, next to its dialect.
public enum ErrorCatalog {
    public static let invalidParameter = ErrorSpec("invalid_parameter")
    public static let messagesMissing = ErrorSpec("messages_missing")
    public static let modelNotFound = ErrorSpec("model_not_found")
    public static let dataInspectionFailed = ErrorSpec("data_inspection_failed")
    public static let arrearage = ErrorSpec("arrearage")
    public static let emptyModel = ErrorSpec("empty_model")
    public static let emptyInput = ErrorSpec("empty_input")
    public static let invalidJSON = ErrorSpec("invalid_json")
    public static let unsupportedContentType = ErrorSpec("unsupported_content_type")
    public static let streamOnly = ErrorSpec("stream_only")
    public static let invalidURL = ErrorSpec("invalid_url")
    public static let methodNotAllowed = ErrorSpec("method_not_allowed")
    public static let invalidApiKey = ErrorSpec("invalid_api_key")
    public static let accessDenied = ErrorSpec("access_denied")
    public static let accessDeniedUnpurchased = ErrorSpec("access_denied_unpurchased")
    public static let requestTimeout = ErrorSpec("request_timeout")
    public static let tooLarge = ErrorSpec("request_too_large")
    public static let throttling = ErrorSpec("throttling")
    public static let rateLimitRequests = ErrorSpec("rate_limit_requests")
    public static let rateLimitTokens = ErrorSpec("rate_limit_tokens")
    public static let burstRate = ErrorSpec("burst_rate")
    public static let internalError = ErrorSpec("internal_error")
    public static let internalErrorAlgo = ErrorSpec("internal_error_algo")
    public static let serviceUnavailable = ErrorSpec("service_unavailable")
    public static let gatewayTimeout = ErrorSpec("gateway_timeout")
    // The model catalog's refusals (docs/protocol-notes.md, errors §1–§6; `CatalogChecks`). A
    // `{detail}` in a wording is filled with the refusal's own words (a number, a name).
    public static let thinkingNonStream = ErrorSpec("thinking_non_stream")
    public static let thinkingNeedsIncremental = ErrorSpec("thinking_needs_incremental")
    public static let thinkingNeedsMessageFormat = ErrorSpec("thinking_needs_message_format")
    public static let thinkingRequired = ErrorSpec("thinking_required")
    public static let thinkingUnsupported = ErrorSpec("thinking_unsupported")
    public static let jsonModeWithoutJSON = ErrorSpec("json_mode_without_json")
    public static let jsonModeWithThinking = ErrorSpec("json_mode_with_thinking")
    public static let badResponseFormat = ErrorSpec("bad_response_format")
    public static let badJSONSchema = ErrorSpec("bad_json_schema")
    public static let badToolParameters = ErrorSpec("bad_tool_parameters")
    public static let toolChoiceInThinking = ErrorSpec("tool_choice_in_thinking")
    public static let badToolChoice = ErrorSpec("bad_tool_choice")
    public static let inputTooLong = ErrorSpec("input_too_long")
    public static let maxTokensOutOfRange = ErrorSpec("max_tokens_out_of_range")
    public static let parameterOutOfRange = ErrorSpec("parameter_out_of_range")
    public static let seedOutOfRange = ErrorSpec("seed_out_of_range")
    public static let wrongGenerationURL = ErrorSpec("wrong_generation_url")
    /// MockScope's own: no fixture matched (the message carries the near-miss report).
    public static let noMatch = ErrorSpec("no_match")
    /// MockScope's own: a fault header or scenario name that cannot be used.
    public static let badFault = ErrorSpec("bad_fault")

    /// Every entry, for lookup by name and for tests that walk the catalog.
    public static let all: [ErrorSpec] = [
        invalidParameter, messagesMissing, modelNotFound, dataInspectionFailed, arrearage, emptyModel, emptyInput,
        invalidJSON, unsupportedContentType, streamOnly, invalidURL, methodNotAllowed, invalidApiKey, accessDenied,
        accessDeniedUnpurchased, requestTimeout, tooLarge, throttling, rateLimitRequests, rateLimitTokens, burstRate,
        internalError, internalErrorAlgo, serviceUnavailable, gatewayTimeout,
        thinkingNonStream, thinkingNeedsIncremental, thinkingNeedsMessageFormat, thinkingRequired, thinkingUnsupported,
        jsonModeWithoutJSON, jsonModeWithThinking, badResponseFormat, badJSONSchema, badToolParameters, toolChoiceInThinking,
        badToolChoice, inputTooLong, maxTokensOutOfRange, parameterOutOfRange, seedOutOfRange, wrongGenerationURL,
        noMatch, badFault,
    ] + surface

    public static func named(_ name: String) -> ErrorSpec? { all.first { $0.name == name } }
}
