import MockScopeHTTPTypes

/// The one secret policy: what is secret in an exchange, replaced by `SecretPolicy.placeholder`
/// before anything is written down — a fixture, the journal's answers, the log, metrics:
///
/// - headers `Authorization` / `Proxy-Authorization` (the scheme is kept: `Bearer REDACTED`),
///   `Cookie`, `Set-Cookie`, `X-Api-Key`, `Api-Key`, `X-DashScope-*` headers whose name has `key`
///   or `token` in it, and any header whose name has `apikey`, `api-key`, `token` or `secret` in
///   it — request and response alike;
/// - query parameters named like `api_key`, `key`, `token`, `access_token`, `signature`
///   (or ending in `_key`, `_token`, `_secret`, `_signature`);
/// - JSON body fields, at any depth, named `api_key` / `apiKey`, `access_token`, `refresh_token`,
///   `client_secret`, `secret`, `secret_key`, `password`;
/// - any header, query parameter or body field named with `--redact NAME` (case-insensitive);
/// - and every occurrence, in any text written, of a secret value seen in the request (the key of
///   `Authorization` above all), so a key echoed back in a body or an event is caught too.
public struct SecretPolicy: Sendable {
    public static let placeholder = "REDACTED"
    /// Secret values shorter than this are not scrubbed from free text (it would mangle it).
    public static let minimumSecretLength = 6

    /// Extra names from `--redact`, lower-cased.
    public let extraNames: Set<String>

    /// The policy with no `--redact` names.
    public static let standard = SecretPolicy()

    public init(extraNames: [String] = []) {
        self.extraNames = Set(extraNames.map { $0.lowercased() })
    }

    // MARK: names

    static func normalized(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { $0 != "_" && $0 != "-" })
    }

    static let secretFields: Set<String> = ["apikey", "accesstoken", "refreshtoken", "clientsecret", "secret", "secretkey",
                                            "password", "xapikey"]
    static let secretQuery: Set<String> = ["apikey", "key", "token", "accesstoken", "signature", "sig", "secret", "password",
                                           "refreshtoken", "xapikey", "authorization"]

    func isExtra(_ name: String) -> Bool { !extraNames.isEmpty && extraNames.contains(name.lowercased()) }

    /// Whether a header's value is a secret.
    public func isSecretHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        switch lower {
        case "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-mockscope-admin-token": return true
        default: break
        }
        // Byte searches: Foundation's `contains` went through NSString, 96 k instructions for the
        // header names of one request (bench/RESULTS.md, "misses").
        let has = ASCIIText.containsBytes
        if lower.hasPrefix("x-dashscope-"), has(lower, "key") || has(lower, "token") { return true }
        if has(lower, "apikey") || has(lower, "api-key") || has(lower, "api_key") || has(lower, "token") || has(lower, "secret") { return true }
        return isExtra(name)
    }

    /// Whether a query parameter's value is a secret.
    public func isSecretQuery(_ name: String) -> Bool {
        let lower = name.lowercased()
        if Self.secretQuery.contains(Self.normalized(name)) { return true }
        for suffix in ["_key", "-key", "_token", "-token", "_secret", "-secret", "_signature", "-signature"] where lower.hasSuffix(suffix) {
            return true
        }
        return isExtra(name)
    }

    /// Whether a JSON field's value is a secret.
    public func isSecretField(_ name: String) -> Bool {
        // Every secret field's name has 6 letters or more (`secret`, `apikey`): `model`, `role` are not looked up.
        (name.utf8.count >= 6 && Self.secretFields.contains(Self.normalized(name))) || isExtra(name)
    }

    // MARK: one exchange

    /// The secrets of one request: the values to scrub wherever they appear.
    public func scope(for request: HTTPRequest) -> SecretScope {
        scope(headers: request.headers.fields, query: request.query, body: request.body)
    }

    /// The secrets of a request given by its parts.
    public func scope(headers: [(name: String, value: String)], query: [(name: String, value: String)], body: [UInt8]) -> SecretScope {
        scope(headers: headers, query: query, parsedBody: body.isEmpty ? nil : try? JSONValue.parse(body))
    }

    /// The secrets of a request whose body is already parsed (nil: none, or not JSON). Parsing it
    /// again cost a served miss 123 k instructions for its log line (bench/RESULTS.md, "misses").
    public func scope(headers: [(name: String, value: String)], query: [(name: String, value: String)], parsedBody: JSONValue?) -> SecretScope {
        var values: [String] = []
        for field in headers where isSecretHeader(field.name) {
            let parts = field.value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, field.name.lowercased().hasSuffix("authorization") {
                values.append(String(parts[1]).trimmedSpaces)  // the credential, not the scheme
            } else {
                values.append(field.value)
            }
        }
        for item in query where isSecretQuery(item.name) { values.append(item.value) }
        if let parsedBody { collectSecretFields(parsedBody, into: &values) }
        return SecretScope(policy: self, secrets: values)
    }

    private func collectSecretFields(_ value: JSONValue, into values: inout [String]) {
        switch value {
        case .object(let members):
            for (key, member) in members {
                if isSecretField(key), let text = member.stringValue { values.append(text) } else { collectSecretFields(member, into: &values) }
            }
        case .array(let items):
            for item in items { collectSecretFields(item, into: &values) }
        default:
            break
        }
    }

    // MARK: text

    /// `text` with every occurrence of `secret` (any length but empty) replaced by the placeholder,
    /// byte by byte: no Foundation search, no copy when it does not occur.
    public static func replacing(_ secret: String, in text: String) -> String {
        let needle = Array(secret.utf8)
        guard !needle.isEmpty else { return text }
        let bytes = Array(text.utf8)
        guard var found = firstOccurrence(of: needle, in: bytes, from: 0) else { return text }
        let replacement = Array(placeholder.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var start = 0
        while true {
            result += bytes[start..<found]
            result += replacement
            start = found + needle.count
            guard let next = firstOccurrence(of: needle, in: bytes, from: start) else { break }
            found = next
        }
        result += bytes[start...]
        return String(decoding: result, as: UTF8.self)
    }

    /// Where `needle` (not empty) first occurs in `bytes` at or after `start`. Hand-written:
    /// Foundation's `firstRange(of:)` cost 400 k instructions to look for a key in a 700-byte
    /// near-miss report, a third of a miss as served (bench/RESULTS.md, "misses").
    static func firstOccurrence(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        bytes.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { ASCIIText.firstIndex(of: $0, in: haystack, from: start) }
        }
    }

    /// A stable, non-reversible name for an API key (`key-1a2b3c4d`), so reports can tell keys apart.
    public static func fingerprint(_ key: String?) -> String? {
        guard let key, !key.isEmpty else { return nil }
        return "key-" + StableHash(key).hex(8)
    }
}

/// The policy together with the secret values of one request.
public struct SecretScope: Sendable {
    public let policy: SecretPolicy
    /// Secret values to scrub from free text, longest first (so a value containing another goes whole).
    public let secrets: [String]

    public init(policy: SecretPolicy, secrets: [String]) {
        self.policy = policy
        self.secrets = Array(Set(secrets.filter { $0.count >= SecretPolicy.minimumSecretLength && $0 != SecretPolicy.placeholder }))
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// Replaces every secret value in `text`.
    public func scrub(_ text: String) -> String {
        secrets.reduce(text) { SecretPolicy.replacing($1, in: $0) }
    }

    /// A header's value as it may be written.
    public func headerValue(name: String, value: String) -> String {
        guard policy.isSecretHeader(name) else { return scrub(value) }
        if name.caseInsensitiveEquals("authorization") || name.caseInsensitiveEquals("proxy-authorization") {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { return "\(parts[0]) \(SecretPolicy.placeholder)" }
        }
        return SecretPolicy.placeholder
    }

    public func headers(_ headers: HeaderFields) -> HeaderFields {
        HeaderFields(headers.fields.map { ($0.name, headerValue(name: $0.name, value: $0.value)) })
    }

    public func query(_ query: [(name: String, value: String)]) -> [(name: String, value: String)] {
        query.map { ($0.name, policy.isSecretQuery($0.name) ? SecretPolicy.placeholder : scrub($0.value)) }
    }

    /// A JSON value with secret fields replaced (at any depth) and secret values scrubbed from every
    /// string; also returns the dotted paths of the fields replaced.
    public func json(_ value: JSONValue) -> (value: JSONValue, redactedPaths: [String]) {
        var paths: [String] = []
        let result = json(value, path: "", paths: &paths)
        return (result, paths.sorted())
    }

    private func json(_ value: JSONValue, path: String, paths: inout [String]) -> JSONValue {
        func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, member) in members {
                if policy.isSecretField(key), member != .null {
                    result[key] = .string(SecretPolicy.placeholder)
                    paths.append(child(key))
                } else {
                    result[scrub(key)] = json(member, path: child(key), paths: &paths)
                }
            }
            return .object(result)
        case .array(let items):
            return .array(items.enumerated().map { json($1, path: child(String($0)), paths: &paths) })
        case .string(let text):
            return .string(scrub(text))
        default:
            return value
        }
    }

    /// Free text that may hold JSON (a response body, an SSE event): secret values scrubbed, and the
    /// string value of every secret-named JSON field replaced, the other bytes left as they are.
    public func text(_ text: String) -> String {
        redactJSONFields(in: scrub(text))
    }

    /// Replaces the value of every `"name": "value"` pair whose name is a secret field, scanning
    /// the UTF-8 bytes once (string by string, escapes honoured; names up to 64 bytes). An event of
    /// a recorded stream goes through here: a regular expression per event was a third of the
    /// recorder's CPU at the end of each stream (bench/profile pool).
    private func redactJSONFields(in text: String) -> String {
        let bytes = Array(text.utf8)
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), colon = UInt8(ascii: ":")
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        /// The index of the quote closing the string that opens at `start`, or nil.
        func closing(_ start: Int) -> Int? {
            var index = start + 1
            while index < bytes.count {
                if bytes[index] == backslash { index += 2; continue }
                if bytes[index] == quote { return index }
                index += 1
            }
            return nil
        }
        var replacements: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == quote, let nameEnd = closing(index) else { index += 1; continue }
            var cursor = nameEnd + 1
            while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count, bytes[cursor] == colon else { index = nameEnd + 1; continue }
            cursor += 1
            while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count, bytes[cursor] == quote, let valueEnd = closing(cursor) else { index = nameEnd + 1; continue }
            let nameLength = nameEnd - index - 1
            if nameLength >= 1, nameLength <= 64 {
                let name = String(decoding: bytes[(index + 1)..<nameEnd], as: UTF8.self)
                let value = (cursor + 1)..<valueEnd
                if policy.isSecretField(name), !bytes[value].elementsEqual(SecretPolicy.placeholder.utf8) { replacements.append(value) }
            }
            index = valueEnd + 1
        }
        guard !replacements.isEmpty else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var copied = 0
        for range in replacements {
            result += bytes[copied..<range.lowerBound]
            result += SecretPolicy.placeholder.utf8
            copied = range.upperBound
        }
        result += bytes[copied...]
        return String(decoding: result, as: UTF8.self)
    }
}
