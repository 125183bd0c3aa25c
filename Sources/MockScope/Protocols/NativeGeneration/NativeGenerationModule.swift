import MockScopeHTTPTypes

/// `POST /api/v1/services/aigc/{text,multimodal}-generation/generation`: DashScope's own
/// generation protocol (`dashscope.Generation.call`, `MultiModalConversation.call`).
public struct NativeGenerationModule: ProtocolModule {
    public static let textPath = "/api/v1/services/aigc/text-generation/generation"
    public static let multimodalPath = "/api/v1/services/aigc/multimodal-generation/generation"
    /// The endpoint detail of the multimodal path.
    static let multimodal = "multimodal"
    /// The `parameters` that decide an answer.
    static let decidingParameters = ["result_format"] + ChatRequestChecks.decidingSettings

    public init() {}
    public var name: String { "native-generation" }
    public var errorProtocol: APIProtocol? { .native }
    public var expectedMethod: String? { "POST" }
    public var understandsBodies: Bool { true }

    public func endpoint(for path: String) -> Endpoint? {
        switch path {
        case Self.textPath: return Endpoint(module: self)
        case Self.multimodalPath: return Endpoint(module: self, detail: Self.multimodal)
        default: return nil
        }
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        if let refusal = AsyncCall.refusalWhereUnsupported(heads) { return refusal }
        let parsed = ChatRequestChecks.nativePrompt(request, heads: heads)
        guard case .success(let (body, object, model)) = parsed else { return ChatRequestChecks.refusal(parsed) }
        if endpoint.detail == Self.multimodal, let refusal = OSSReference.refusal(object, request: request) { return refusal }
        let stream = heads.nativeStream
        let multimodal = endpoint.detail == Self.multimodal
        let call = ChatCall(model: model, info: context.catalog.model(named: model), stream: stream,
                            settings: object["parameters"]?.objectValue ?? [:], body: body,
                            surface: .native(multimodal: multimodal), ranges: .native, sentBytes: request.body.count)
        // The catalog's rules, in the order the real service is taken to check them [chosen order].
        if let refusal = CatalogChecks.unknownModel(call, context: context, dialect: errorDialect) ?? Self.path(call, multimodal: multimodal)
            ?? CatalogChecks.streamingAndThinking(call) ?? Self.thinkingStream(call) ?? CatalogChecks.responseFormat(call)
            ?? CatalogChecks.tools(call) ?? CatalogChecks.ranges(call) ?? CatalogChecks.lengths(call) {
            return refusal
        }
        return .valid(ValidatedRequest(endpoint: endpoint, body: body, stream: stream, model: call.info))
    }

    /// A model served only on the other generation path: "url error, please check url!" (errors §6).
    static func path(_ call: ChatCall, multimodal: Bool) -> Validation? {
        guard let surfaces = call.info?.surfaces else { return nil }
        let (here, there): (ModelInfo.Surface, ModelInfo.Surface) = multimodal ? (.multimodalGeneration, .textGeneration)
                                                                               : (.textGeneration, .multimodalGeneration)
        return !surfaces.contains(here) && surfaces.contains(there) ? .refused(ErrorCatalog.wrongGenerationURL) : nil
    }

    /// A thinking stream must be incremental and in the message format (errors §1); MockScope no
    /// longer forces either.
    static func thinkingStream(_ call: ChatCall) -> Validation? {
        guard call.thinks, call.stream else { return nil }
        if call.settings["incremental_output"]?.boolValue != true { return .refused(ErrorCatalog.thinkingNeedsIncremental) }
        if call.settings["result_format"]?.stringValue == "text" { return .refused(ErrorCatalog.thinkingNeedsMessageFormat) }
        return nil
    }

    public func projection(of body: JSONValue?, headers: [(name: String, value: String)], endpoint: Endpoint) -> JSONValue? {
        guard let object = body?.objectValue else { return body }
        let parameters = object["parameters"]?.objectValue ?? [:]
        var projected: [String: JSONValue] = [:]
        for key in Self.decidingParameters { projected[key] = parameters[key] }
        projected["incremental_output"] = .bool(parameters["incremental_output"]?.boolValue ?? false)
        var result: [String: JSONValue] = ["parameters": .object(projected), "stream": .bool(Matcher.nativeWantsStream(headers))]
        result["model"] = object["model"]
        result["input"] = object["input"]
        return CanonicalJSON.normalized(.object(result))
    }

    public func answerCodec(for endpoint: Endpoint) -> AnswerCodec? {
        endpoint.detail == Self.multimodal ? .nativeMultimodal : .native
    }

    public func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let body = request.body else { return nil }
        let input = SynthesisInput(surface: .native(multimodal: request.endpoint.detail == Self.multimodal), body: body, model: request.model)
        let renderer = NativeRenderer(input: input, answer: SynthesizedAnswer(input), requestID: requestID)
        return request.stream ? ChatSynthesis.streamPlan(renderer.events(), requestID: requestID)
                              : ChatSynthesis.wholePlan(renderer.body(), requestID: requestID)
    }
}
