import MockScopeHTTPTypes
import Synchronization

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

    /// Query parameters whose values are secrets (api_key, key, token, access_token, signature, ...).
    public static func isSecret(query name: String) -> Bool {
        let lower = name.lowercased()
        return ["key", "api_key", "apikey", "token", "access_token", "signature", "sig", "secret", "password"].contains(lower)
            || ["key", "token", "secret"].contains { lower.hasSuffix("_" + $0) || lower.hasSuffix("-" + $0) }
    }

    /// Query parameters with every secret value replaced.
    public static func query(_ fields: [(name: String, value: String)]) -> [(name: String, value: String)] {
        fields.map { isSecret(query: $0.name) ? ($0.name, placeholder) : $0 }
    }

    /// Every secret value a request carries (secret headers' values, the Authorization key, secret
    /// query values): what must not appear in anything written down.
    public static func secrets(headers: [(name: String, value: String)], query: [(name: String, value: String)]) -> [String] {
        var values: [String] = []
        for field in headers where isSecret(header: field.name) {
            let value = field.value.trimmedSpaces
            if let space = value.firstIndex(of: " ") { values.append(String(value[value.index(after: space)...]).trimmedSpaces) }
            values.append(value)
        }
        for field in query where isSecret(query: field.name) { values.append(field.value) }
        return values.filter { $0.utf8.count >= 4 }
    }

    /// `text` with every one of `secrets` replaced.
    public static func scrub(_ text: String, secrets: [String]) -> String {
        secrets.reduce(text) { scrub($0, secret: $1) }
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
        return replacing(secret, in: text)
    }

    /// `text` with every occurrence of `secret` (any length but empty) replaced by the placeholder,
    /// byte by byte: no Foundation search, no copy when it does not occur.
    public static func replacing(_ secret: String, in text: String) -> String {
        let needle = Array(secret.utf8)
        guard !needle.isEmpty else { return text }
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

/// `SecretRedaction.fingerprint` remembered for the last few hundred keys: a test suite uses a
/// handful of keys, and every request needs its key's fingerprint.
final class KeyFingerprints: Sendable {
    private let known = Mutex<[String: String]>([:])
    static let capacity = 256

    func fingerprint(_ key: String?) -> String? {
        guard let key, !key.isEmpty else { return nil }
        if let hit = known.withLock({ $0[key] }) { return hit }
        let fingerprint = SecretRedaction.fingerprint(key)
        known.withLock { known in
            if known.count >= Self.capacity { known.removeAll(keepingCapacity: true) }
            known[key] = fingerprint
        }
        return fingerprint
    }
}
