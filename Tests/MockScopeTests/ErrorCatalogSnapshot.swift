@testable import MockScope
import Testing

/// The error catalog's values as they stood before it was split per protocol (taken from the old
/// `ErrorCatalog` by a throwaway dump): every name's stated error in both built-in dialects.
struct ErrorSnapshotRow: Sendable {
    var name: String
    var native: StatedError
    var compatible: StatedError
}

let errorCatalogSnapshot: [ErrorSnapshotRow] = [
    ErrorSnapshotRow(name: "invalid_parameter",
                     native: .init(status: 400, code: "InvalidParameter", type: "InvalidParameter",
                                   message: "Required parameter(s) missing or invalid, please check the request parameters."),
                     compatible: .init(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
                                       message: "Required parameter(s) missing or invalid, please check the request parameters.")),
    ErrorSnapshotRow(name: "messages_missing",
                     native: .init(status: 400, code: "InvalidParameter", type: "InvalidParameter",
                                   message: "Either \"prompt\" or \"messages\" must exist and cannot both be none"),
                     compatible: .init(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
                                       message: "Either \"prompt\" or \"messages\" must exist and cannot both be none")),
    ErrorSnapshotRow(name: "model_not_found",
                     native: .init(status: 400, code: "InvalidParameter", type: "InvalidParameter",
                                   message: "Model not exist."),
                     compatible: .init(status: 404, code: "model_not_found", type: "invalid_request_error",
                                       message: "The model `{model}` does not exist or you do not have access to it.")),
    ErrorSnapshotRow(name: "data_inspection_failed",
                     native: .init(status: 400, code: "DataInspectionFailed", type: "DataInspectionFailed",
                                   message: "Input or output data may contain inappropriate content."),
                     compatible: .init(status: 400, code: "data_inspection_failed", type: "data_inspection_failed",
                                       message: "Input data may contain inappropriate content.")),
    ErrorSnapshotRow(name: "arrearage",
                     native: .init(status: 400, code: "Arrearage", type: "Arrearage",
                                   message: "Access denied, please make sure your account is in good standing. For details, see: https://help.aliyun.com/zh/model-studio/error-code#overdue-payment"),
                     compatible: .init(status: 400, code: "Arrearage", type: "Arrearage",
                                       message: "Access denied, please make sure your account is in good standing. For details, see: https://help.aliyun.com/zh/model-studio/error-code#overdue-payment")),
    ErrorSnapshotRow(name: "empty_model",
                     native: .init(status: 400, code: "BadRequest.EmptyModel", type: "BadRequest.EmptyModel",
                                   message: "Required parameter \"model\" missing from request."),
                     compatible: .init(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
                                       message: "Required parameter \"model\" missing from request.")),
    ErrorSnapshotRow(name: "empty_input",
                     native: .init(status: 400, code: "BadRequest.EmptyInput", type: "BadRequest.EmptyInput",
                                   message: "Required input parameter missing from request."),
                     compatible: .init(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
                                       message: "Required input parameter missing from request.")),
    ErrorSnapshotRow(name: "invalid_json",
                     native: .init(status: 400, code: "InvalidParameter", type: "InvalidParameter",
                                   message: "The request body is not valid JSON."),
                     compatible: .init(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
                                       message: "The request body is not valid JSON.")),
    ErrorSnapshotRow(name: "unsupported_content_type",
                     native: .init(status: 400, code: "InvalidParameter", type: "InvalidParameter",
                                   message: "Content-Type must be application/json."),
                     compatible: .init(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
                                       message: "Content-Type must be application/json.")),
    ErrorSnapshotRow(name: "stream_only",
                     native: .init(status: 400, code: "InvalidParameter", type: "InvalidParameter",
                                   message: "This model only support stream mode, please enable the stream parameter to access the model."),
                     compatible: .init(status: 400, code: "invalid_parameter_error", type: "invalid_request_error",
                                       message: "This model only support stream mode, please enable the stream parameter to access the model.")),
    ErrorSnapshotRow(name: "invalid_url",
                     native: .init(status: 404, code: "InvalidURL", type: "InvalidURL",
                                   message: "Invalid URL provided in your request."),
                     compatible: .init(status: 404, code: "", type: "",
                                       message: "")),
    ErrorSnapshotRow(name: "method_not_allowed",
                     native: .init(status: 405, code: "InvalidURL", type: "InvalidURL",
                                   message: "Method not allowed on this URL."),
                     compatible: .init(status: 405, code: "invalid_request_error", type: "invalid_request_error",
                                       message: "Method not allowed on this URL.")),
    ErrorSnapshotRow(name: "invalid_api_key",
                     native: .init(status: 401, code: "InvalidApiKey", type: "InvalidApiKey",
                                   message: "Invalid API-key provided."),
                     compatible: .init(status: 401, code: "invalid_api_key", type: "invalid_request_error",
                                       message: "Incorrect API key provided. For details, see: https://help.aliyun.com/zh/model-studio/error-code#apikey-error")),
    ErrorSnapshotRow(name: "access_denied",
                     native: .init(status: 403, code: "AccessDenied", type: "AccessDenied",
                                   message: "Access denied."),
                     compatible: .init(status: 403, code: "AccessDenied", type: "AccessDenied",
                                       message: "Access denied.")),
    ErrorSnapshotRow(name: "access_denied_unpurchased",
                     native: .init(status: 403, code: "AccessDenied.Unpurchased", type: "AccessDenied.Unpurchased",
                                   message: "Access to model denied. Please make sure you are eligible for using the model."),
                     compatible: .init(status: 403, code: "AccessDenied.Unpurchased", type: "AccessDenied.Unpurchased",
                                       message: "Access to model denied. Please make sure you are eligible for using the model.")),
    ErrorSnapshotRow(name: "request_timeout",
                     native: .init(status: 408, code: "RequestTimeOut", type: "RequestTimeOut",
                                   message: "Request timed out, please try again later."),
                     compatible: .init(status: 408, code: "RequestTimeOut", type: "RequestTimeOut",
                                       message: "Request timed out, please try again later.")),
    ErrorSnapshotRow(name: "request_too_large",
                     native: .init(status: 413, code: "BadRequest.TooLarge", type: "BadRequest.TooLarge",
                                   message: "Payload Too Large: the request body exceeds the size limit."),
                     compatible: .init(status: 413, code: "BadRequest.TooLarge", type: "invalid_request_error",
                                       message: "Payload Too Large: the request body exceeds the size limit.")),
    ErrorSnapshotRow(name: "throttling",
                     native: .init(status: 429, code: "Throttling", type: "Throttling",
                                   message: "Requests throttling triggered."),
                     compatible: .init(status: 429, code: "limit_requests", type: "limit_requests",
                                       message: "You have exceeded your current request limit. For details, see: https://help.aliyun.com/zh/model-studio/error-code#rate-limit")),
    ErrorSnapshotRow(name: "rate_limit_requests",
                     native: .init(status: 429, code: "Throttling.RateQuota", type: "Throttling.RateQuota",
                                   message: "Requests rate limit exceeded, please try again later."),
                     compatible: .init(status: 429, code: "limit_requests", type: "limit_requests",
                                       message: "You have exceeded your current request limit. For details, see: https://help.aliyun.com/zh/model-studio/error-code#rate-limit")),
    ErrorSnapshotRow(name: "rate_limit_tokens",
                     native: .init(status: 429, code: "Throttling.AllocationQuota", type: "Throttling.AllocationQuota",
                                   message: "Allocated quota exceeded, please increase your quota limit."),
                     compatible: .init(status: 429, code: "insufficient_quota", type: "insufficient_quota",
                                       message: "You exceeded your current quota, please check your plan and billing details. For details, see: https://help.aliyun.com/zh/model-studio/error-code#token-limit")),
    ErrorSnapshotRow(name: "burst_rate",
                     native: .init(status: 429, code: "Throttling.BurstRate", type: "Throttling.BurstRate",
                                   message: "Request rate increased too quickly."),
                     compatible: .init(status: 429, code: "limit_burst_rate", type: "limit_burst_rate",
                                       message: "Request rate increased too quickly.")),
    ErrorSnapshotRow(name: "internal_error",
                     native: .init(status: 500, code: "InternalError", type: "InternalError",
                                   message: "An internal error has occured, please try again later or contact service support."),
                     compatible: .init(status: 500, code: "internal_error", type: "internal_error",
                                       message: "An internal error has occured, please try again later or contact service support.")),
    ErrorSnapshotRow(name: "internal_error_algo",
                     native: .init(status: 500, code: "InternalError.Algo", type: "InternalError.Algo",
                                   message: "An internal error has occured during execution, please try again later or contact service support."),
                     compatible: .init(status: 500, code: "internal_error", type: "internal_error",
                                       message: "An internal error has occured during execution, please try again later or contact service support.")),
    ErrorSnapshotRow(name: "service_unavailable",
                     native: .init(status: 503, code: "ServiceUnavailable", type: "ServiceUnavailable",
                                   message: "Service temporarily unavailable, please try again later."),
                     compatible: .init(status: 503, code: "ServiceUnavailable", type: "ServiceUnavailable",
                                       message: "Service temporarily unavailable, please try again later.")),
    ErrorSnapshotRow(name: "gateway_timeout",
                     native: .init(status: 504, code: "GatewayTimeout", type: "GatewayTimeout",
                                   message: "Gateway timeout, please try again later."),
                     compatible: .init(status: 504, code: "GatewayTimeout", type: "GatewayTimeout",
                                       message: "Gateway timeout, please try again later.")),
    ErrorSnapshotRow(name: "no_match",
                     native: .init(status: 400, code: "MockScope.NoMatch", type: "MockScope.NoMatch",
                                   message: "No fixture matches this request."),
                     compatible: .init(status: 400, code: "mockscope_no_match", type: "invalid_request_error",
                                       message: "No fixture matches this request.")),
    ErrorSnapshotRow(name: "bad_fault",
                     native: .init(status: 400, code: "MockScope.BadFault", type: "MockScope.BadFault",
                                   message: "The fault specification cannot be used."),
                     compatible: .init(status: 400, code: "mockscope_bad_fault", type: "invalid_request_error",
                                       message: "The fault specification cannot be used.")),
]

@Suite struct ErrorCatalogSnapshotTests {
    /// Each built-in table has exactly the catalog's names: none missing, none extra.
    @Test func everyTableCoversTheCatalog() {
        let names = Set(ErrorCatalog.all.map(\.name))
        #expect(names.count == ErrorCatalog.all.count)
        #expect(Set(NativeErrorTable.entries.keys) == names)
        #expect(Set(CompatibleErrorTable.entries.keys) == names)
    }

    /// Every name the catalog has, in both protocols, states exactly what it stated before the split.
    @Test func everyNameStatesItsSnapshottedValues() throws {
        #expect(ErrorCatalog.all.map(\.name) == errorCatalogSnapshot.map(\.name))
        for expected in errorCatalogSnapshot {
            let spec = try #require(ErrorCatalog.named(expected.name))
            #expect(NativeErrorDialect().stated(spec, message: nil, model: nil) == expected.native, "\(expected.name) native")
            #expect(CompatibleErrorDialect().stated(spec, message: nil, model: nil) == expected.compatible,
                    "\(expected.name) compatible")
        }
    }
}
