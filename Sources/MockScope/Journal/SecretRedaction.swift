import MockScopeHTTP

/// What never reaches a log, the journal or a fixture: credentials in headers.
public enum SecretRedaction {
    public static let placeholder = "REDACTED"

    /// Header names (lower case) whose values are secrets.
    public static let secretHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key",
        "x-dashscope-apikey", "x-dashscope-api-key", "x-dashscope-token", "x-mockscope-admin-token",
    ]

    /// Whether a header carries a secret (the list above, or any name containing "key", "token" or "secret").
    public static func isSecret(header name: String, extra: Set<String> = []) -> Bool {
        let lower = name.lowercased()
        if secretHeaders.contains(lower) || extra.contains(lower) { return true }
        return ["apikey", "api-key", "token", "secret"].contains { name.containsASCIICaseInsensitive($0) }
    }

    /// The value to keep for a secret header: the scheme of an Authorization value, then the placeholder.
    public static func redacted(header name: String, value: String) -> String {
        let lower = name.lowercased()
        if lower == "authorization" || lower == "proxy-authorization", let space = value.firstIndex(of: " ") {
            return String(value[..<space]) + " " + placeholder
        }
        return placeholder
    }

    /// Headers with every secret value replaced.
    public static func headers(_ fields: [(name: String, value: String)], extra: Set<String> = []) -> [(name: String, value: String)] {
        fields.map { isSecret(header: $0.name, extra: extra) ? ($0.name, redacted(header: $0.name, value: $0.value)) : $0 }
    }

    /// A stable, non-reversible name for an API key (`key-1a2b3c4d`), so reports can tell keys apart.
    public static func fingerprint(_ key: String?) -> String? {
        guard let key, !key.isEmpty else { return nil }
        return "key-" + StableHash(key).hex(8)
    }

    /// `text` with every occurrence of `secret` replaced (for secrets that leak into bodies).
    /// Works on UTF-8 bytes: this runs for every journal entry.
    public static func scrub(_ text: String, secret: String?) -> String {
        guard let secret, secret.utf8.count >= 4 else { return text }
        let needle = Array(secret.utf8)
        var bytes = Array(text.utf8)
        guard bytes.firstRange(of: needle) != nil else { return text }
        let replacement = Array(placeholder.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        while let range = bytes.firstRange(of: needle) {
            result += bytes[..<range.lowerBound]
            result += replacement
            bytes.removeSubrange(..<range.upperBound)
        }
        result += bytes
        return String(decoding: result, as: UTF8.self)
    }
}
