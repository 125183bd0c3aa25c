import Foundation
import MockScopeHTTP
import Synchronization

/// The shapes both protocols share a need for: error bodies and the headers of every answer.
public enum ProtocolResponses {
    /// Request ids need to be unique, not secret: a fast generator seeded once from the system's.
    private static let idGenerator = Mutex(SeededRandom(seed: UInt64.random(in: 1...UInt64.max)))

    /// A new request id, shaped like DashScope's (a random lower-case UUID, version 4), built
    /// without Foundation's formatter: this runs for every request.
    public static func newRequestID() -> String {
        let (high, low) = idGenerator.withLock { ($0.next(), $0.next()) }
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (index * 8))
            bytes[index + 8] = UInt8(truncatingIfNeeded: low >> (index * 8))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

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
                compatibleError(message: message ?? spec.compatibleMessage, type: spec.compatibleType, code: spec.compatibleCode, into: &o)
                o.field("request_id", string: requestID)
            }
        }
        return writer.text
    }

    /// Compatible mode's error member, `"error":{"message","type","param":null,"code"}`, as the
    /// real service writes it (body, pre-stream and mid-stream alike).
    public static func compatibleError(message: String, type: String, code: String, into o: inout JSONWriter.ObjectWriter) {
        o.field("error", object: { e in
            e.field("message", string: message)
            e.field("type", string: type)
            e.field("param", string: nil)
            e.field("code", string: code)
        })
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
