/// The Anthropic-compatible API's words for every `ErrorCatalog` name: status, `error.type` and
/// message (docs/protocol-notes.md, anthropic §7 and the "anthropic" section), and where each comes
/// from. The type follows the status as DashScope's table gives it (400 `invalid_request_error`,
/// 401 `authentication_error`, 403 `permission_error`, 404 `not_found_error`, 413
/// `request_too_large`, 429 `rate_limit_error`, 500 `api_error`, 529 `overloaded_error`), except
/// where the doc names a native code as the type (`Arrearage`). Data only: `AnthropicErrorDialect`
/// reads it.
enum AnthropicErrorTable {
    /// The `error.type` for a status no entry names (`http_error status=418`).
    static func type(forStatus status: Int) -> String {
        switch status {
        case 401: return "authentication_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 413: return "request_too_large"
        case 429: return "rate_limit_error"
        case 529: return "overloaded_error"
        case 500...: return "api_error"
        default: return "invalid_request_error"
        }
    }

    private static func row(_ status: Int, _ message: String, _ source: String, type: String? = nil) -> ErrorWording {
        let type = type ?? Self.type(forStatus: status)
        return ErrorWording(status: status, code: type, type: type, message: message, source: source)
    }

    static let entries: [String: ErrorWording] = [
        "invalid_parameter": row(400, "Invalid request: required parameter(s) missing or invalid.",
            "anthropic §7 status/type; wording [chosen] (validation states the field: `max_tokens: Field required`)"),
        "messages_missing": row(400, "messages: Field required", "anthropic §7 (wording as the doc's `max_tokens: Field required`) [chosen]"),
        "model_not_found": row(404, "The model `{model}` does not exist or you do not have access to it.",
            "anthropic §7 (404 not_found_error: unknown model); wording as compat [chosen]"),
        "data_inspection_failed": row(400, "Input data may contain inappropriate content.",
            "anthropic §7 status; type invalid_request_error and compat wording [chosen]"),
        "arrearage": row(400, "Access denied, please make sure your account is in good standing. For details, see: https://help.aliyun.com/zh/model-studio/error-code#overdue-payment",
            "anthropic §7 (page-zh: 400, type `Arrearage`); wording as compat", type: "Arrearage"),
        "empty_model": row(400, "model: Field required", "anthropic §7; wording as `max_tokens: Field required` [chosen]"),
        "empty_input": row(400, "messages: at least one message is required", "anthropic §7 status/type; wording [chosen]"),
        "invalid_json": row(400, "The request body is not valid JSON.", "anthropic §7 status/type; wording [chosen]"),
        "unsupported_content_type": row(400, "Content-Type must be application/json.", "anthropic §7 status/type; wording [chosen]"),
        "stream_only": row(400, "This model only support stream mode, please enable the stream parameter to access the model.",
            "compat §5.2 wording; anthropic §7 type"),
        "invalid_url": row(404, "Not found: the Anthropic-compatible API serves only POST /v1/messages.",
            "anthropic §1 (only /v1/messages; /v1/models 404) and §7 (404 not_found_error: wrong path); wording [chosen]"),
        "method_not_allowed": row(400, "Request method '{detail}' is not supported.", "errors §4 wording; anthropic §7 type [chosen]"),
        "invalid_api_key": row(401, "invalid x-api-key", "anthropic §7 (openapi example; page-zh says 403 [unverified which])"),
        "access_denied": row(403, "Access denied.", "anthropic §7 status/type; wording [unverified]"),
        "access_denied_unpurchased": row(403, "Access to model denied. Please make sure you are eligible for using the model.",
            "compat wording; anthropic §7 type [unverified]"),
        "request_timeout": row(500, "Request timed out, try again later.", "errors §9 wording; anthropic §7 type"),
        "request_too_large": row(413, "Payload Too Large: the request body exceeds the size limit.", "anthropic mapping 413; wording as compat [chosen]"),
        "throttling": row(429, "Rate limit exceeded", "anthropic §7 (page-zh, openapi example)"),
        "rate_limit_requests": row(429, "Rate limit exceeded", "anthropic §7 (page-zh, openapi example)"),
        "rate_limit_tokens": row(429, "Rate limit exceeded: too many tokens per minute.", "anthropic §7 status/type; wording [chosen]"),
        "burst_rate": row(429, "Request rate increased too quickly.", "anthropic §7 status/type; compat wording [unverified]"),
        "internal_error": row(500, "An internal error has occured, please try again later or contact service support.",
            "anthropic §7 (500 api_error); compat wording"),
        "internal_error_algo": row(500, "An internal error has occured during execution, please try again later or contact service support.",
            "anthropic §7 (500 api_error); compat wording"),
        "service_unavailable": row(529, "Overloaded", "anthropic §7 (page-zh: 529 overloaded_error, server overloaded); wording as Anthropic's [chosen]"),
        "gateway_timeout": row(504, "Gateway timeout, please try again later.", "compat wording; type api_error (>= 500) [chosen]"),
        "thinking_non_stream": row(400, "parameter.enable_thinking must be set to false for non-streaming calls", "errors §1 wording; anthropic §7 type"),
        "thinking_needs_incremental": row(400, "The incremental_output parameter must be \"true\" when enable_thinking is true",
            "errors §1 (native-only rule) [chosen]"),
        "thinking_needs_message_format": row(400, "The result_format parameter must be \"message\" when enable_thinking is true",
            "errors §1 (native-only rule) [chosen]"),
        "thinking_required": row(400, "thinking: this model only works with thinking enabled.", "errors §1 rule; wording [chosen]"),
        "thinking_unsupported": row(400, "thinking: the model {detail} does not support thinking.", "errors §1 rule; wording [chosen]"),
        "json_mode_without_json": row(400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
            "anthropic §4 (output_config.format falls back to JSON mode) and errors §2 wording"),
        "json_mode_with_thinking": row(400, "Json mode response is not supported when enable_thinking is true", "errors §2 wording [chosen for this route]"),
        "bad_response_format": row(400, "output_config.format: {detail}", "anthropic §4; wording [chosen]"),
        "bad_json_schema": row(400, "{detail}", "errors §2 rule; wording [chosen]"),
        "bad_tool_parameters": row(400, "{detail}", "errors §3 rule; wording [chosen]"),
        "tool_choice_in_thinking": row(400, "The tool_choice parameter does not support being set to required or object in thinking mode",
            "errors §3 capture wording (the backend is shared) [chosen for this route]"),
        "bad_tool_choice": row(400, "tool_choice: {detail}", "anthropic §4 (auto, any, none, tool); wording [chosen]"),
        "input_too_long": row(400, "Range of input length should be [1, {detail}]", "errors §4 wording; anthropic §7 type"),
        "max_tokens_out_of_range": row(400, "Range of max_tokens should be [1, {detail}]", "errors §4 wording; anthropic §7 type"),
        "parameter_out_of_range": row(400, "{detail}", "errors §5 wording; anthropic §7 type"),
        "seed_out_of_range": row(400, "{detail}", "errors §5 (the Messages API has no seed) [chosen]"),
        "wrong_generation_url": row(404, "url error, please check url!", "errors §6 (native only) [chosen]"),
        "no_match": row(400, "No fixture matches this request.", "MockScope's own; 400 so that no client retries it"),
        "bad_fault": row(400, "The fault specification cannot be used.", "MockScope's own"),
        // The surface's names (embeddings, rerank, tokenizer): not served under /apps/anthropic,
        // stated so that every catalog name has Anthropic's shape [chosen wordings].
        "batch_too_large": row(400, "too many inputs: at most {detail}", "anthropic §7 status/type; wording [chosen]"),
        "input_not_texts": row(400, "input: must be a string or a list of strings", "anthropic §7 status/type; wording [chosen]"),
        "input_list_empty": row(400, "input: at least one item is required", "anthropic §7 status/type; wording [chosen]"),
        "model_not_for_endpoint": row(400, "The model is not served on this endpoint. Supported models: {detail}.",
            "anthropic §7 status/type; wording as the surface's [chosen]"),
        "field_required": row(400, "{detail}: Field required", "anthropic §7 (as `max_tokens: Field required`)"),
    ]
}
