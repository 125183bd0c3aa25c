import MockScopeHTTPTypes

/// `POST /compatible-mode/v1/chat/completions`: OpenAI's chat completions as DashScope serves them.
public struct CompatibleChatModule: ProtocolModule {
    public static let path = "/compatible-mode/v1/chat/completions"
    /// The same API under the coding plan's base URL (`https://coding.dashscope.aliyuncs.com/v1`).
    public static let codingPlanPath = "/v1/chat/completions"
    /// The body fields that decide an answer (the rest, e.g. `temperature`, do not).
    static let decidingFields = ["model", "messages"] + ChatRequestChecks.decidingSettings

    public init() {}
    public var name: String { "compatible-chat" }
    public var errorProtocol: APIProtocol? { .compatible }
    public var expectedMethod: String? { "POST" }
    public var understandsBodies: Bool { true }

    public func endpoint(for path: String) -> Endpoint? {
        path == Self.path || path == Self.codingPlanPath ? Endpoint(module: self) : nil
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        let parsed = ChatRequestChecks.jsonObject(request, heads: heads)
        guard case .success(let (body, object)) = parsed else { return ChatRequestChecks.refusal(parsed) }
        guard let model = object["model"]?.stringValue, !model.isEmpty else { return .refused(ErrorCatalog.emptyModel) }
        guard object["messages"]?.arrayValue != nil else { return .refused(ErrorCatalog.messagesMissing) }
        let stream = object["stream"]?.boolValue ?? false
        let call = ChatCall(model: model, info: context.catalog.model(named: model), stream: stream, settings: object, body: body,
                            surface: .compatible, ranges: .compatible, sentBytes: request.body.count)
        // The catalog's rules, in the order the real service is taken to check them [chosen order].
        if let refusal = CatalogChecks.unknownModel(call, context: context, dialect: errorDialect)
            ?? CatalogChecks.streamingAndThinking(call) ?? CatalogChecks.responseFormat(call) ?? CatalogChecks.tools(call)
            ?? CatalogChecks.ranges(call) ?? CatalogChecks.lengths(call) {
            return refusal
        }
        return .valid(ValidatedRequest(endpoint: endpoint, body: body, stream: stream, model: call.info))
    }

    public func projection(of body: JSONValue?, headers: [(name: String, value: String)], endpoint: Endpoint) -> JSONValue? {
        guard let object = body?.objectValue else { return body }
        var result: [String: JSONValue] = [:]
        for key in Self.decidingFields { result[key] = object[key] }
        result["stream"] = .bool(object["stream"]?.boolValue ?? false)
        result["stream_options"] = ["include_usage": .bool(object["stream_options"]?["include_usage"]?.boolValue ?? false)]
        return CanonicalJSON.normalized(.object(result))
    }

    public func answerCodec(for endpoint: Endpoint) -> AnswerCodec? { .compatible }

    public func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let body = request.body else { return nil }
        let input = SynthesisInput(surface: .compatible, body: body, model: request.model)
        let renderer = CompatibleRenderer(input: input, answer: SynthesizedAnswer(input), requestID: requestID)
        return request.stream ? ChatSynthesis.streamPlan(bytes: renderer.eventBytes(), requestID: requestID)
                              : ChatSynthesis.wholePlan(bytes: renderer.bodyBytes(), requestID: requestID)
    }
}
