import MockScopeHTTPTypes

/// What an answer asks a client to wait before retrying.
enum RetryAfter {
    /// `retry-after-ms`, or else `retry-after` (seconds), in ms.
    static func ms(_ headers: HeaderFields) -> Double? {
        if let ms = headers["retry-after-ms"].flatMap(Double.init) { return ms }
        return headers["retry-after"].flatMap(Double.init).map { $0 * 1000 }
    }
}
