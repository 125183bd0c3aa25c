import MockScopeHTTPTypes

/// `POST /api/v1/apps/{app_id}/completion`: Model Studio applications (`dashscope.Application.call`).
public struct ApplicationModule: ProtocolModule {
    static let prefix = "/api/v1/apps/"
    static let suffix = "/completion"

    public init() {}
    public var name: String { "application" }
    public var errorProtocol: APIProtocol? { .native }
    public var expectedMethod: String? { "POST" }
    public var understandsBodies: Bool { true }

    /// The app's id is the endpoint's detail.
    public func endpoint(for path: String) -> Endpoint? {
        guard path.hasPrefix(Self.prefix), path.hasSuffix(Self.suffix), path.utf8.count > Self.prefix.utf8.count + Self.suffix.utf8.count
        else { return nil }
        let id = path.dropFirst(Self.prefix.count).dropLast(Self.suffix.count)
        return id.isEmpty || id.contains("/") ? nil : Endpoint(module: self, detail: String(id))
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        let parsed = ChatRequestChecks.jsonObject(request, heads: heads)
        guard case .success(let (body, object)) = parsed else { return ChatRequestChecks.refusal(parsed) }
        guard object["input"]?.objectValue != nil else { return .refused(ErrorCatalog.emptyInput) }
        return .valid(ValidatedRequest(endpoint: endpoint, body: body, stream: heads.nativeStream))
    }

    public func projection(of body: JSONValue?, headers: [(name: String, value: String)], endpoint: Endpoint) -> JSONValue? {
        guard let object = body?.objectValue else { return body }
        let parameters = object["parameters"]?.objectValue ?? [:]
        var projected: [String: JSONValue] = ["incremental_output": .bool(parameters["incremental_output"]?.boolValue ?? false)]
        projected["model"] = parameters["model"]
        var result: [String: JSONValue] = ["parameters": .object(projected), "stream": .bool(Matcher.nativeWantsStream(headers))]
        result["input"] = object["input"]
        return CanonicalJSON.normalized(.object(result))
    }

    public func answerCodec(for endpoint: Endpoint) -> AnswerCodec? { .application(id: endpoint.detail) }

    public func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let body = request.body else { return nil }
        let input = SynthesisInput(surface: .application(id: request.endpoint.detail), body: body)
        let renderer = ApplicationRenderer(input: input, answer: SynthesizedAnswer(input), requestID: requestID)
        return request.stream ? ChatSynthesis.streamPlan(renderer.events(), requestID: requestID)
                              : ChatSynthesis.wholePlan(renderer.body(), requestID: requestID)
    }

    public func model(of body: JSONValue?) -> String? { body?["parameters"]?["model"]?.stringValue }

    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String { "/api/v1/apps/{id}/completion" }

    /// `apps/<app id>/...`.
    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) {
        ("apps", endpoint.detail)
    }
}
