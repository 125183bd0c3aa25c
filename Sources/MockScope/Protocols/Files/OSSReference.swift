import MockScopeHTTPTypes

/// `oss://…` media references (what the dashscope SDK sends for an uploaded local file): the
/// service resolves them only with `X-DashScope-OssResourceResolve: enable`; without it the URL is
/// refused as invalid (errors §6 "The provided URL does not appear to be valid…"; tmpurl doc).
public enum OSSReference {
    public static let resolveHeader = "X-DashScope-OssResourceResolve"
    static let scheme = "oss://"
    static let invalidURL = "The provided URL does not appear to be valid. Ensure it is correctly formatted."

    /// The refusal of a native multimodal body that names an `oss://` URL without the resolve
    /// header, or nil.
    public static func refusal(_ body: [String: JSONValue], request: HTTPRequest) -> Validation? {
        guard let messages = body["input"]?["messages"]?.arrayValue, messages.contains(where: Self.namesOSS) else { return nil }
        if request.headers[resolveHeader]?.caseInsensitiveEquals("enable") == true { return nil }
        return .refused(ErrorCatalog.invalidParameter, message: invalidURL)
    }

    /// Whether a message's content parts name an `oss://` URL.
    static func namesOSS(_ message: JSONValue) -> Bool {
        for part in message["content"]?.arrayValue ?? [] {
            for (_, value) in part.objectValue ?? [:] {
                if let text = value.stringValue, text.hasPrefix(scheme) { return true }
                if value.arrayValue?.contains(where: { $0.stringValue?.hasPrefix(scheme) == true }) == true { return true }
            }
        }
        return false
    }
}
