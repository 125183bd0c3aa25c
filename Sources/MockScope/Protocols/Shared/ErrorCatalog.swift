/// One error as each protocol sends it.
public struct ErrorSpec: Sendable, Equatable {
    /// A stable name, used by faults and scenarios (`http_error code=rate_limit_requests`).
    public var name: String
    public var nativeStatus: Int
    public var nativeCode: String
    public var nativeMessage: String
    public var compatibleStatus: Int
    public var compatibleCode: String
    public var compatibleType: String
    public var compatibleMessage: String
    /// Where the wording comes from (docs/protocol-notes.md), or why it is a guess.
    public var source: String

    public func status(for api: APIProtocol) -> Int { api == .native ? nativeStatus : compatibleStatus }
}

/// Every error MockScope can send, with its status, code and message in both protocols, taken from
/// docs/protocol-notes.md, native §8 and compat §5 (the full catalog: errors §0–§12).
public enum ErrorCatalog {
    public static let invalidParameter = ErrorSpec(
        name: "invalid_parameter", nativeStatus: 400, nativeCode: "InvalidParameter",
        nativeMessage: "Required parameter(s) missing or invalid, please check the request parameters.",
        compatibleStatus: 400, compatibleCode: "invalid_parameter_error", compatibleType: "invalid_request_error",
        compatibleMessage: "Required parameter(s) missing or invalid, please check the request parameters.",
        source: "native §8.2 (docs); compat code/type §5.2")
    public static let messagesMissing = ErrorSpec(
        name: "messages_missing", nativeStatus: 400, nativeCode: "InvalidParameter",
        nativeMessage: "Either \"prompt\" or \"messages\" must exist and cannot both be none",
        compatibleStatus: 400, compatibleCode: "invalid_parameter_error", compatibleType: "invalid_request_error",
        compatibleMessage: "Either \"prompt\" or \"messages\" must exist and cannot both be none",
        source: "native §8.2 (docs); compat wording [unverified]")
    public static let modelNotFound = ErrorSpec(
        name: "model_not_found", nativeStatus: 400, nativeCode: "InvalidParameter", nativeMessage: "Model not exist.",
        compatibleStatus: 404, compatibleCode: "model_not_found", compatibleType: "invalid_request_error",
        compatibleMessage: "The model `{model}` does not exist or you do not have access to it.",
        source: "native §8.2 [unverified captures]; compat §5.2 (issue AIDotNet/OpenDeepWiki#308)")
    public static let dataInspectionFailed = ErrorSpec(
        name: "data_inspection_failed", nativeStatus: 400, nativeCode: "DataInspectionFailed",
        nativeMessage: "Input or output data may contain inappropriate content.",
        compatibleStatus: 400, compatibleCode: "data_inspection_failed", compatibleType: "data_inspection_failed",
        compatibleMessage: "Input data may contain inappropriate content.",
        source: "native §8.2 (docs); compat §5.2")
    public static let arrearage = ErrorSpec(
        name: "arrearage", nativeStatus: 400, nativeCode: "Arrearage",
        nativeMessage: "Access denied, please make sure your account is in good standing. For details, see: https://help.aliyun.com/zh/model-studio/error-code#overdue-payment",
        compatibleStatus: 400, compatibleCode: "Arrearage", compatibleType: "Arrearage",
        compatibleMessage: "Access denied, please make sure your account is in good standing. For details, see: https://help.aliyun.com/zh/model-studio/error-code#overdue-payment",
        source: "native §8.1; compat §5.2 [unverified type]")
    public static let emptyModel = ErrorSpec(
        name: "empty_model", nativeStatus: 400, nativeCode: "BadRequest.EmptyModel",
        nativeMessage: "Required parameter \"model\" missing from request.",
        compatibleStatus: 400, compatibleCode: "invalid_parameter_error", compatibleType: "invalid_request_error",
        compatibleMessage: "Required parameter \"model\" missing from request.",
        source: "native §8.2 (docs); compat wording [unverified]")
    public static let emptyInput = ErrorSpec(
        name: "empty_input", nativeStatus: 400, nativeCode: "BadRequest.EmptyInput",
        nativeMessage: "Required input parameter missing from request.",
        compatibleStatus: 400, compatibleCode: "invalid_parameter_error", compatibleType: "invalid_request_error",
        compatibleMessage: "Required input parameter missing from request.",
        source: "native §8.2 (docs); compat wording [unverified]")
    public static let invalidJSON = ErrorSpec(
        name: "invalid_json", nativeStatus: 400, nativeCode: "InvalidParameter",
        nativeMessage: "The request body is not valid JSON.",
        compatibleStatus: 400, compatibleCode: "invalid_parameter_error", compatibleType: "invalid_request_error",
        compatibleMessage: "The request body is not valid JSON.",
        source: "codes from §8.2/§5.2; wording [unverified]")
    public static let unsupportedContentType = ErrorSpec(
        name: "unsupported_content_type", nativeStatus: 400, nativeCode: "InvalidParameter",
        nativeMessage: "Content-Type must be application/json.",
        compatibleStatus: 400, compatibleCode: "invalid_parameter_error", compatibleType: "invalid_request_error",
        compatibleMessage: "Content-Type must be application/json.",
        source: "codes from §8.2/§5.2; wording [unverified]")
    public static let streamOnly = ErrorSpec(
        name: "stream_only", nativeStatus: 400, nativeCode: "InvalidParameter",
        nativeMessage: "This model only support stream mode, please enable the stream parameter to access the model.",
        compatibleStatus: 400, compatibleCode: "invalid_parameter_error", compatibleType: "invalid_request_error",
        compatibleMessage: "This model only support stream mode, please enable the stream parameter to access the model.",
        source: "compat §5.2 (docs error-code page); native code [unverified]")
    public static let invalidURL = ErrorSpec(
        name: "invalid_url", nativeStatus: 404, nativeCode: "InvalidURL", nativeMessage: "Invalid URL provided in your request.",
        compatibleStatus: 404, compatibleCode: "", compatibleType: "", compatibleMessage: "",
        source: "native code §8.2 (status 404 [unverified]); compat: 404 with an empty body (§1, cline/cline#926)")
    public static let methodNotAllowed = ErrorSpec(
        name: "method_not_allowed", nativeStatus: 405, nativeCode: "InvalidURL", nativeMessage: "Method not allowed on this URL.",
        compatibleStatus: 405, compatibleCode: "invalid_request_error", compatibleType: "invalid_request_error",
        compatibleMessage: "Method not allowed on this URL.",
        source: "[unverified]: no capture of the real service's answer")
    public static let invalidApiKey = ErrorSpec(
        name: "invalid_api_key", nativeStatus: 401, nativeCode: "InvalidApiKey", nativeMessage: "Invalid API-key provided.",
        compatibleStatus: 401, compatibleCode: "invalid_api_key", compatibleType: "invalid_request_error",
        compatibleMessage: "Incorrect API key provided. For details, see: https://help.aliyun.com/zh/model-studio/error-code#apikey-error",
        source: "native §8.1 (dinoanderson/qwen_cli_coder#1); compat §5.1")
    public static let accessDenied = ErrorSpec(
        name: "access_denied", nativeStatus: 403, nativeCode: "AccessDenied", nativeMessage: "Access denied.",
        compatibleStatus: 403, compatibleCode: "AccessDenied", compatibleType: "AccessDenied", compatibleMessage: "Access denied.",
        source: "native §8.2 (docs); compat shape [unverified]")
    public static let accessDeniedUnpurchased = ErrorSpec(
        name: "access_denied_unpurchased", nativeStatus: 403, nativeCode: "AccessDenied.Unpurchased",
        nativeMessage: "Access to model denied. Please make sure you are eligible for using the model.",
        compatibleStatus: 403, compatibleCode: "AccessDenied.Unpurchased", compatibleType: "AccessDenied.Unpurchased",
        compatibleMessage: "Access to model denied. Please make sure you are eligible for using the model.",
        source: "native §8.2 (docs); compat shape [unverified]")
    public static let requestTimeout = ErrorSpec(
        name: "request_timeout", nativeStatus: 408, nativeCode: "RequestTimeOut",
        nativeMessage: "Request timed out, please try again later.",
        compatibleStatus: 408, compatibleCode: "RequestTimeOut", compatibleType: "RequestTimeOut",
        compatibleMessage: "Request timed out, please try again later.",
        source: "native §8.2 (docs); compat shape [unverified]")
    public static let tooLarge = ErrorSpec(
        name: "request_too_large", nativeStatus: 413, nativeCode: "BadRequest.TooLarge",
        nativeMessage: "Payload Too Large: the request body exceeds the size limit.",
        compatibleStatus: 413, compatibleCode: "BadRequest.TooLarge", compatibleType: "invalid_request_error",
        compatibleMessage: "Payload Too Large: the request body exceeds the size limit.",
        source: "native code §8.2 (docs; message not captured); compat [unverified]")
    public static let throttling = ErrorSpec(
        name: "throttling", nativeStatus: 429, nativeCode: "Throttling", nativeMessage: "Requests throttling triggered.",
        compatibleStatus: 429, compatibleCode: "limit_requests", compatibleType: "limit_requests",
        compatibleMessage: "You have exceeded your current request limit. For details, see: https://help.aliyun.com/zh/model-studio/error-code#rate-limit",
        source: "native §8.2 (docs); compat §5.2")
    public static let rateLimitRequests = ErrorSpec(
        name: "rate_limit_requests", nativeStatus: 429, nativeCode: "Throttling.RateQuota",
        nativeMessage: "Requests rate limit exceeded, please try again later.",
        compatibleStatus: 429, compatibleCode: "limit_requests", compatibleType: "limit_requests",
        compatibleMessage: "You have exceeded your current request limit. For details, see: https://help.aliyun.com/zh/model-studio/error-code#rate-limit",
        source: "native §8.2 (docs); compat §5.2 [unverified capture]")
    public static let rateLimitTokens = ErrorSpec(
        name: "rate_limit_tokens", nativeStatus: 429, nativeCode: "Throttling.AllocationQuota",
        nativeMessage: "Allocated quota exceeded, please increase your quota limit.",
        compatibleStatus: 429, compatibleCode: "insufficient_quota", compatibleType: "insufficient_quota",
        compatibleMessage: "You exceeded your current quota, please check your plan and billing details. For details, see: https://help.aliyun.com/zh/model-studio/error-code#token-limit",
        source: "native §8.2 (docs); compat §5.2 (can1357/oh-my-pi#8496)")
    public static let burstRate = ErrorSpec(
        name: "burst_rate", nativeStatus: 429, nativeCode: "Throttling.BurstRate", nativeMessage: "Request rate increased too quickly.",
        compatibleStatus: 429, compatibleCode: "limit_burst_rate", compatibleType: "limit_burst_rate",
        compatibleMessage: "Request rate increased too quickly.",
        source: "native message (rate-limit docs), code [unverified]; compat code [unverified]")
    public static let internalError = ErrorSpec(
        name: "internal_error", nativeStatus: 500, nativeCode: "InternalError",
        nativeMessage: "An internal error has occured, please try again later or contact service support.",
        compatibleStatus: 500, compatibleCode: "internal_error", compatibleType: "internal_error",
        compatibleMessage: "An internal error has occured, please try again later or contact service support.",
        source: "native §8.2 (docs); compat §5.2 [unverified code/type]")
    public static let internalErrorAlgo = ErrorSpec(
        name: "internal_error_algo", nativeStatus: 500, nativeCode: "InternalError.Algo",
        nativeMessage: "An internal error has occured during execution, please try again later or contact service support.",
        compatibleStatus: 500, compatibleCode: "internal_error", compatibleType: "internal_error",
        compatibleMessage: "An internal error has occured during execution, please try again later or contact service support.",
        source: "native §8.2 (docs); compat [unverified]")
    public static let serviceUnavailable = ErrorSpec(
        name: "service_unavailable", nativeStatus: 503, nativeCode: "ServiceUnavailable",
        nativeMessage: "Service temporarily unavailable, please try again later.",
        compatibleStatus: 503, compatibleCode: "ServiceUnavailable", compatibleType: "ServiceUnavailable",
        compatibleMessage: "Service temporarily unavailable, please try again later.",
        source: "code from dashscope/v2/errors.py:ErrorCode; message [unverified]")
    public static let gatewayTimeout = ErrorSpec(
        name: "gateway_timeout", nativeStatus: 504, nativeCode: "GatewayTimeout", nativeMessage: "Gateway timeout, please try again later.",
        compatibleStatus: 504, compatibleCode: "GatewayTimeout", compatibleType: "GatewayTimeout",
        compatibleMessage: "Gateway timeout, please try again later.",
        source: "code from dashscope/v2/errors.py:ErrorCode; message [unverified]")
    /// MockScope's own: no fixture matched (the message carries the near-miss report).
    public static let noMatch = ErrorSpec(
        name: "no_match", nativeStatus: 400, nativeCode: "MockScope.NoMatch", nativeMessage: "No fixture matches this request.",
        compatibleStatus: 400, compatibleCode: "mockscope_no_match", compatibleType: "invalid_request_error",
        compatibleMessage: "No fixture matches this request.",
        source: "MockScope's own; 400 so that no client retries it")

    /// MockScope's own: a fault header or scenario name that cannot be used.
    public static let badFault = ErrorSpec(
        name: "bad_fault", nativeStatus: 400, nativeCode: "MockScope.BadFault", nativeMessage: "The fault specification cannot be used.",
        compatibleStatus: 400, compatibleCode: "mockscope_bad_fault", compatibleType: "invalid_request_error",
        compatibleMessage: "The fault specification cannot be used.",
        source: "MockScope's own")

    /// Every entry, for lookup by name and for tests that walk the catalog.
    public static let all: [ErrorSpec] = [
        invalidParameter, messagesMissing, modelNotFound, dataInspectionFailed, arrearage, emptyModel, emptyInput,
        invalidJSON, unsupportedContentType, streamOnly, invalidURL, methodNotAllowed, invalidApiKey, accessDenied,
        accessDeniedUnpurchased, requestTimeout, tooLarge, throttling, rateLimitRequests, rateLimitTokens, burstRate,
        internalError, internalErrorAlgo, serviceUnavailable, gatewayTimeout, noMatch, badFault,
    ]

    public static func named(_ name: String) -> ErrorSpec? { all.first { $0.name == name } }
}
