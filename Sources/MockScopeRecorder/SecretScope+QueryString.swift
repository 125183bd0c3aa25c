import MockScope

extension SecretScope {
    /// The query as `?a=b&c=REDACTED` (empty when there is none), for logs.
    public func queryString(_ query: [(name: String, value: String)]) -> String {
        let items = self.query(query)
        guard !items.isEmpty else { return "" }
        return "?" + items.map { "\(UpstreamClient.percentEncode($0.name))=\(UpstreamClient.percentEncode($0.value))" }.joined(separator: "&")
    }
}
