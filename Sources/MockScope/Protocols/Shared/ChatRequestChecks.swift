import MockScopeHTTPTypes

/// The checks every chat-like module makes first: a JSON content type and a JSON object body.
enum ChatRequestChecks {
    /// The settings that decide a chat answer in both protocols (compatible: top level; native:
    /// `parameters`); the rest, e.g. `temperature`, do not.
    static let decidingSettings = [
        "tools", "tool_choice", "parallel_tool_calls", "enable_thinking", "thinking_budget",
        "response_format", "n", "enable_search", "max_tokens", "stop", "logprobs", "top_logprobs",
    ]

    /// The refusal `jsonObject` gave (a success is no refusal: it never comes here).
    static func refusal<Parsed>(_ result: Result<Parsed, Refusal>) -> Validation {
        if case .failure(let refusal) = result { return refusal.validation }
        return .refused(ErrorCatalog.invalidJSON)
    }

    /// The body as an object, or the refusal the real service gives.
    static func jsonObject(_ request: HTTPRequest, heads: borrowing RequestHeads) -> Result<(JSONValue, [String: JSONValue]), Refusal> {
        let contentType = heads.contentType ?? ""
        guard contentType.containsASCIICaseInsensitive("application/json") else {
            return .failure(Refusal(ErrorCatalog.unsupportedContentType,
                                    "Content-Type must be application/json (got \(contentType.isEmpty ? "none" : "\"\(contentType)\""))."))
        }
        guard let parsed = try? JSONValue.parse(request.body), case .object(let object) = parsed else {
            return .failure(Refusal(ErrorCatalog.invalidJSON))
        }
        return .success((parsed, object))
    }

    struct Refusal: Error {
        var spec: ErrorSpec
        var message: String?
        init(_ spec: ErrorSpec, _ message: String? = nil) {
            self.spec = spec
            self.message = message
        }
        var validation: Validation { .refused(spec, message: message) }
    }
}

/// A body on a path MockScope has no protocol knowledge of.
public enum GenericBody {
    /// JSON if it parses, else its text; nil when empty.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        if let value = try? JSONValue.parse(bytes) { return value }
        return .string(String(decoding: bytes, as: UTF8.self))
    }
}

/// Reading what the user said in a body.
public enum ChatText {
    /// The last thing the user said (compatible `messages`, native `input.messages` or `input.prompt`, an embedding's input).
    public static func lastUserText(_ body: JSONValue?) -> String? {
        guard let body else { return nil }
        func text(of content: JSONValue?) -> String? {
            if let string = content?.stringValue { return string }
            for part in content?.arrayValue ?? [] {
                if let string = part["text"]?.stringValue { return string }
            }
            return nil
        }
        let input = body["input"]
        let messages = body["messages"]?.arrayValue ?? input?["messages"]?.arrayValue
        if let messages {
            for message in messages.reversed() where message["role"]?.stringValue == "user" {
                if let found = text(of: message["content"]) { return found }
            }
        }
        if let prompt = input?["prompt"]?.stringValue { return prompt }
        // Embedding and rerank inputs: a text, a list of texts, `texts`.
        if let string = input?.stringValue { return string }
        if let first = input?.arrayValue?.first?.stringValue { return first }
        if let first = input?["texts"]?.arrayValue?.first?.stringValue { return first }
        return nil
    }
}
