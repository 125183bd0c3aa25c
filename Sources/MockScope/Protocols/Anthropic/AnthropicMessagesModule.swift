import MockScopeHTTPTypes

/// `POST /apps/anthropic/v1/messages`: Anthropic's Messages API as DashScope serves it
/// (docs/protocol-notes.md, anthropic §1–§9). The key comes in `x-api-key` or `Authorization:
/// Bearer`; `anthropic-version` is accepted, never required.
public struct AnthropicMessagesModule: ProtocolModule {
    public static let prefix = "/apps/anthropic/"
    public static let path = "/apps/anthropic/v1/messages"
    /// The body fields that decide an answer (the rest, e.g. `temperature`, `metadata`, do not).
    static let decidingFields = ["model", "messages", "system", "max_tokens", "tools", "tool_choice", "thinking",
                                 "stop_sequences", "output_config"]

    public init() {}
    public var name: String { "anthropic-messages" }
    public var errorProtocol: APIProtocol? { .anthropic }
    public var expectedMethod: String? { "POST" }
    public var understandsBodies: Bool { true }

    public func endpoint(for path: String) -> Endpoint? {
        path == Self.path ? Endpoint(module: self) : nil
    }

    public func apiKey(_ heads: borrowing RequestHeads) -> String? { AnthropicKey.parse(heads) }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        let parsed = ChatRequestChecks.jsonObject(request, heads: heads)
        guard case .success(let (body, object)) = parsed else { return ChatRequestChecks.refusal(parsed) }
        guard let model = object["model"]?.stringValue, !model.isEmpty else { return .refused(ErrorCatalog.emptyModel) }
        let info = context.catalog.model(named: model)
        if let refusal = AnthropicRequestChecks.refusal(object, info: info) { return refusal }
        let stream = object["stream"]?.boolValue ?? false
        let chat = AnthropicChatBody.chat(from: body, info: info)
        let call = ChatCall(model: model, info: info, stream: stream, settings: chat.objectValue ?? [:], body: chat,
                            surface: .compatible, ranges: .compatible)
        // The catalog's rules as the chat modules apply them. Thinking is answered whole too
        // (the doc's non-stream example has a thinking block), so only stream-only models refuse.
        if let info, info.streamOnly, !stream { return .refused(ErrorCatalog.streamOnly) }
        if let refusal = CatalogChecks.unknownModel(call, context: context, dialect: errorDialect)
            ?? CatalogChecks.responseFormat(call) ?? CatalogChecks.tools(call) ?? CatalogChecks.ranges(call)
            ?? CatalogChecks.lengths(call) {
            return refusal
        }
        return .valid(ValidatedRequest(endpoint: endpoint, body: body, stream: stream, model: info))
    }

    public func projection(of body: JSONValue?, headers: [(name: String, value: String)], endpoint: Endpoint) -> JSONValue? {
        guard let object = body?.objectValue else { return body }
        var result: [String: JSONValue] = [:]
        for key in Self.decidingFields { result[key] = object[key] }
        result["stream"] = .bool(object["stream"]?.boolValue ?? false)
        return CanonicalJSON.normalized(.object(result))
    }

    public func answerCodec(for endpoint: Endpoint) -> AnswerCodec? { .anthropic }

    public func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let body = request.body else { return nil }
        let chat = AnthropicChatBody.chat(from: body, info: request.model)
        let input = SynthesisInput(surface: .compatible, body: chat, model: request.model)
        let renderer = AnthropicRenderer(input: input, answer: SynthesizedAnswer(input), requestID: requestID,
                                         maxTokens: body["max_tokens"]?.numberValue.map { Int($0) })
        return request.stream ? ChatSynthesis.streamPlan(renderer.events(), requestID: requestID)
                              : ChatSynthesis.wholePlan(renderer.body(), requestID: requestID)
    }

    /// The last thing the user said: a string content, or the last text block of the last user message.
    public func lastUserText(_ body: JSONValue?) -> String? {
        for message in (body?["messages"]?.arrayValue ?? []).reversed() where message["role"]?.stringValue == "user" {
            if let text = message["content"]?.stringValue { return text }
            if let text = message["content"]?.arrayValue?.last(where: { $0["type"]?.stringValue == "text" })?["text"]?.stringValue {
                return text
            }
        }
        return nil
    }
}
