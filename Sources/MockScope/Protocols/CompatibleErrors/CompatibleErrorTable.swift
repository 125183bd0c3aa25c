/// Compatible mode's words for every `ErrorCatalog` name: status, code, type and message as the
/// OpenAI-compatible endpoints send them (docs/protocol-notes.md, compat §5), and where each comes
/// from. Data only: `CompatibleErrorDialect` reads it.
enum CompatibleErrorTable {
    struct Entry: Sendable, Equatable {
        var status: Int
        /// Empty for an error answered with an empty body (`invalid_url`: the real 404).
        var code: String
        var type: String
        var message: String
        /// Where the wording comes from, or why it is a guess.
        var source: String
        /// The wording when the error comes in the middle of a stream, where it differs.
        var midStreamMessage: String? = nil
    }

    /// openai-compatible.md §5.3: an output inspection failure mid-stream.
    static let outputInspectionMessage = "Output data may contain inappropriate content."

    /// A status with no catalog entry: MockScope's own code and type, the message `HTTP <status>`.
    static let genericCode = "http_error"

    static let entries: [String: Entry] = [
        "invalid_parameter": Entry(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
            message: "Required parameter(s) missing or invalid, please check the request parameters.",
            source: "compat code/type §5.2"),
        "messages_missing": Entry(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
            message: "Either \"prompt\" or \"messages\" must exist and cannot both be none",
            source: "compat wording [unverified]"),
        "model_not_found": Entry(status: 404, code: "model_not_found", type: "invalid_request_error",
            message: "The model `{model}` does not exist or you do not have access to it.",
            source: "compat §5.2 (issue AIDotNet/OpenDeepWiki#308)"),
        "data_inspection_failed": Entry(status: 400, code: "data_inspection_failed", type: "data_inspection_failed",
            message: "Input data may contain inappropriate content.",
            source: "compat §5.2", midStreamMessage: outputInspectionMessage),
        "arrearage": Entry(status: 400, code: "Arrearage", type: "Arrearage",
            message: "Access denied, please make sure your account is in good standing. For details, see: https://help.aliyun.com/zh/model-studio/error-code#overdue-payment",
            source: "compat §5.2 [unverified type]"),
        "empty_model": Entry(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
            message: "Required parameter \"model\" missing from request.",
            source: "compat wording [unverified]"),
        "empty_input": Entry(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
            message: "Required input parameter missing from request.",
            source: "compat wording [unverified]"),
        "invalid_json": Entry(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
            message: "The request body is not valid JSON.",
            source: "codes from §8.2/§5.2; wording [unverified]"),
        "unsupported_content_type": Entry(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
            message: "Content-Type must be application/json.",
            source: "codes from §8.2/§5.2; wording [unverified]"),
        "stream_only": Entry(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
            message: "This model only support stream mode, please enable the stream parameter to access the model.",
            source: "compat §5.2 (docs error-code page)"),
        "invalid_url": Entry(status: 404, code: "", type: "",
            message: "",
            source: "compat: 404 with an empty body (§1, cline/cline#926)"),
        "method_not_allowed": Entry(status: 405, code: "invalid_request_error", type: "invalid_request_error",
            message: "Method not allowed on this URL.",
            source: "[unverified]: no capture of the real service's answer"),
        "invalid_api_key": Entry(status: 401, code: "invalid_api_key", type: "invalid_request_error",
            message: "Incorrect API key provided. For details, see: https://help.aliyun.com/zh/model-studio/error-code#apikey-error",
            source: "compat §5.1"),
        "access_denied": Entry(status: 403, code: "AccessDenied", type: "AccessDenied",
            message: "Access denied.",
            source: "compat shape [unverified]"),
        "access_denied_unpurchased": Entry(status: 403, code: "AccessDenied.Unpurchased", type: "AccessDenied.Unpurchased",
            message: "Access to model denied. Please make sure you are eligible for using the model.",
            source: "compat shape [unverified]"),
        "request_timeout": Entry(status: 408, code: "RequestTimeOut", type: "RequestTimeOut",
            message: "Request timed out, please try again later.",
            source: "compat shape [unverified]"),
        "request_too_large": Entry(status: 413, code: "BadRequest.TooLarge", type: "invalid_request_error",
            message: "Payload Too Large: the request body exceeds the size limit.",
            source: "native code §8.2 (docs; message not captured); compat [unverified]"),
        "throttling": Entry(status: 429, code: "limit_requests", type: "limit_requests",
            message: "You have exceeded your current request limit. For details, see: https://help.aliyun.com/zh/model-studio/error-code#rate-limit",
            source: "compat §5.2"),
        "rate_limit_requests": Entry(status: 429, code: "limit_requests", type: "limit_requests",
            message: "You have exceeded your current request limit. For details, see: https://help.aliyun.com/zh/model-studio/error-code#rate-limit",
            source: "compat §5.2 [unverified capture]"),
        "rate_limit_tokens": Entry(status: 429, code: "insufficient_quota", type: "insufficient_quota",
            message: "You exceeded your current quota, please check your plan and billing details. For details, see: https://help.aliyun.com/zh/model-studio/error-code#token-limit",
            source: "compat §5.2 (can1357/oh-my-pi#8496)"),
        "burst_rate": Entry(status: 429, code: "limit_burst_rate", type: "limit_burst_rate",
            message: "Request rate increased too quickly.",
            source: "compat code [unverified]"),
        "internal_error": Entry(status: 500, code: "internal_error", type: "internal_error",
            message: "An internal error has occured, please try again later or contact service support.",
            source: "compat §5.2 [unverified code/type]"),
        "internal_error_algo": Entry(status: 500, code: "internal_error", type: "internal_error",
            message: "An internal error has occured during execution, please try again later or contact service support.",
            source: "compat [unverified]"),
        "service_unavailable": Entry(status: 503, code: "ServiceUnavailable", type: "ServiceUnavailable",
            message: "Service temporarily unavailable, please try again later.",
            source: "code from dashscope/v2/errors.py:ErrorCode; message [unverified]"),
        "gateway_timeout": Entry(status: 504, code: "GatewayTimeout", type: "GatewayTimeout",
            message: "Gateway timeout, please try again later.",
            source: "code from dashscope/v2/errors.py:ErrorCode; message [unverified]"),
        "no_match": Entry(status: 400, code: "mockscope_no_match", type: "invalid_request_error",
            message: "No fixture matches this request.",
            source: "MockScope's own; 400 so that no client retries it"),
        "bad_fault": Entry(status: 400, code: "mockscope_bad_fault", type: "invalid_request_error",
            message: "The fault specification cannot be used.",
            source: "MockScope's own"),
    ]
}
