import Foundation
import MockScopeHTTPTypes
import Synchronization

/// The shapes both protocols share a need for: error bodies and the headers of every answer.
public enum ProtocolResponses {
    /// A new request id, shaped like DashScope's (a random lower-case UUID, version 4).
    public static func newRequestID() -> String { RequestID.next().text }

    /// Headers the real gateway sends on every answer.
    public static func headers(contentType: String, requestID: String) -> HeaderFields {
        HeaderFields([("content-type", contentType), ("x-request-id", requestID), ("x-dashscope-call-gateway", "true")])
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
            return ResponsePlan(status: status, headers: HeaderFields([("x-request-id", requestID)]), body: .whole([]))
        }
        let body = errorBody(spec, api: api, requestID: requestID, message: message)
        return ResponsePlan(status: status, headers: headers(contentType: "application/json", requestID: requestID),
                            body: .whole(Array(body.utf8)))
    }
}

/// A request id: 128 random bits, written out (as DashScope's: a lower-case UUID, version 4) only
/// when someone reads it — most replayed exchanges are never looked at.
public struct RequestID: Sendable, Equatable {
    let high: UInt64
    let low: UInt64

    /// Request ids need to be unique, not secret: SplitMix64 seeded once from the system's
    /// generator, its state advanced atomically (no lock on the request path).
    private static let state = Atomic<UInt64>(UInt64.random(in: 1...UInt64.max))

    public static func next() -> RequestID {
        let state = state.wrappingAdd(2 &* SeededRandom.increment, ordering: .relaxed).newValue
        return RequestID(high: SeededRandom.mix(state &- SeededRandom.increment), low: SeededRandom.mix(state))
    }

    /// Built without Foundation's formatter.
    public var text: String {
        String(unsafeUninitializedCapacity: 36) { text in
            var at = 0
            for index in 0..<16 {
                var byte = UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> ((index % 8) * 8))
                if index == 6 { byte = (byte & 0x0F) | 0x40 }
                if index == 8 { byte = (byte & 0x3F) | 0x80 }
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[at] = UInt8(ascii: "-")
                    at += 1
                }
                text[at] = Self.hexDigit(byte >> 4)
                text[at + 1] = Self.hexDigit(byte & 0x0F)
                at += 2
            }
            return at
        }
    }

    @inline(__always) private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x57 + value
    }
}
