import MockScopeHTTPTypes

/// Reduces a request to what decides its answer, and compares (docs/fixture-format.md).
public enum Matcher {
    /// Whether a native request asks for SSE (header `X-DashScope-SSE: enable` or `Accept: text/event-stream`).
    public static func nativeWantsStream(_ headers: [(name: String, value: String)]) -> Bool {
        for field in headers {
            if field.name.caseInsensitiveEquals("x-dashscope-sse"), field.value.caseInsensitiveEquals("enable") { return true }
            if field.name.caseInsensitiveEquals("accept"), field.value.containsASCIICaseInsensitive("text/event-stream") { return true }
        }
        return false
    }

    /// Headers that feed the projection rather than being compared as such.
    static func isStreamSwitch(_ name: String) -> Bool {
        name.caseInsensitiveEquals("x-dashscope-sse") || name.caseInsensitiveEquals("accept")
    }

    /// The fields of `body` that decide the answer at `endpoint`, with defaults filled in (the
    /// endpoint's module says which: `ProtocolModule.projection`).
    public static func project(_ endpoint: Endpoint, headers: [(name: String, value: String)], body: JSONValue?) -> JSONValue? {
        endpoint.module.projection(of: body, headers: headers, endpoint: endpoint)
    }

    /// `value` with every ignored path removed.
    /// Paths are removed in sorted order, so that both sides (and any order in the fixture file)
    /// give the same result when one path is an array index (BUG-8).
    public static func applying(ignore: [String], to value: JSONValue?) -> JSONValue? {
        guard var value else { return nil }
        for path in ignore.sorted() { value = value.removing(path: path) }
        return value
    }

    /// The canonical key of a projection.
    public static func key(_ value: JSONValue?) -> String {
        value.map(CanonicalJSON.string) ?? "-"
    }

    /// Whether every member of `pattern` is in `value` with an equal value (objects recursively).
    public static func isSubset(_ pattern: JSONValue, of value: JSONValue) -> Bool {
        switch (pattern, value) {
        case let (.object(wanted), .object(actual)):
            for (key, member) in wanted {
                if member == .null { continue }
                guard let other = actual[key], isSubset(member, of: other) else { return false }
            }
            return true
        default:
            return CanonicalJSON.normalized(pattern) == CanonicalJSON.normalized(value)
        }
    }
}
