import MockScopeHTTPTypes

/// The key of `Authorization: Bearer <key>`: scheme case-insensitive, spaces around the key
/// ignored. Byte-level: it runs for every request.
public enum BearerKey {
    private static let scheme = Array("bearer".utf8)

    /// The key in a request's `Authorization`, or nil.
    public static func parse(_ headers: HeaderFields) -> String? { parse(headers["authorization"]) }

    /// The key in an `Authorization` value, or nil.
    public static func parse(_ authorization: String?) -> String? {
        guard var value = authorization else { return nil }
        return value.withUTF8 { bytes -> String? in
            var start = 0, end = bytes.count
            while start < end, bytes[start] == 0x20 { start += 1 }
            let scheme = Self.scheme
            guard end - start > scheme.count, bytes[start + scheme.count] == 0x20 else { return nil }
            for (offset, letter) in scheme.enumerated() where bytes[start + offset] | 0x20 != letter { return nil }
            start += scheme.count
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            return start < end ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self) : nil
        }
    }
}
