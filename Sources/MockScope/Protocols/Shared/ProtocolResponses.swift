import Foundation
import MockScopeHTTPTypes
import Synchronization

/// What every protocol's answers share: request ids and the gateway's headers (errors: `ErrorDialect`).
public enum ProtocolResponses {
    /// A new request id, shaped like DashScope's (a random lower-case UUID, version 4).
    public static func newRequestID() -> String { RequestID.next().text }

    /// Headers the real gateway sends on every answer.
    public static func headers(contentType: String, requestID: String) -> HeaderFields {
        HeaderFields([("content-type", contentType), ("x-request-id", requestID), ("x-dashscope-call-gateway", "true")])
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
