import Foundation
import MockScopeHTTP

/// The shapes both protocols share a need for: error bodies and the headers of every answer.
public enum ProtocolResponses {
    /// A new request id, shaped like DashScope's (a lower-case UUID).
    public static func newRequestID() -> String { UUID().uuidString.lowercased() }

    /// Headers the real gateway sends on every answer.
    public static func headers(contentType: String, requestID: String) -> HTTPHeaders {
        HTTPHeaders([("content-type", contentType), ("x-request-id", requestID), ("x-dashscope-call-gateway", "true")])
    }

    /// The error body of `api` for `spec`, with `message` in place of the catalog's wording when given.
    public static func errorBody(_ spec: ErrorSpec, api: APIProtocol, requestID: String, message: String? = nil) -> String {
        var writer = JSONWriter()
        switch api {
        case .native:
            writer.object { o in
                o.field("code", string: spec.nativeCode)
                o.field("message", string: message ?? spec.nativeMessage)
                o.field("request_id", string: requestID)
            }
        case .compatible:
            writer.object { o in
                o.field("error", object: { e in
                    e.field("message", string: message ?? spec.compatibleMessage)
                    e.field("type", string: spec.compatibleType)
                    e.field("param", string: nil)
                    e.field("code", string: spec.compatibleCode)
                })
                o.field("request_id", string: requestID)
            }
        }
        return writer.text
    }

    /// A complete error answer. Compatible-mode 404s have an empty body, as the real service's do.
    public static func errorPlan(_ spec: ErrorSpec, api: APIProtocol, requestID: String, message: String? = nil) -> ResponsePlan {
        let status = spec.status(for: api)
        if api == .compatible, spec.compatibleCode.isEmpty {
            return ResponsePlan(status: status, headers: HTTPHeaders([("x-request-id", requestID)]), body: .whole([]))
        }
        let body = errorBody(spec, api: api, requestID: requestID, message: message)
        return ResponsePlan(status: status, headers: headers(contentType: "application/json", requestID: requestID),
                            body: .whole(Array(body.utf8)))
    }
}
