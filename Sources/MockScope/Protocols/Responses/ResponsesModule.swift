import MockScopeHTTPTypes

/// OpenAI's Responses API as DashScope serves it (docs/protocols/responses.md,
/// docs/protocol-notes.md responses): `POST /compatible-mode/v1/responses` (and the legacy
/// `/api/v2/apps/protocols/compatible-mode/v1/responses`), `GET`/`DELETE …/responses/{id}` and
/// `GET …/responses/{id}/input_items`. Synthesized responses are kept in a `ResponsesStore`
/// (unless `store: false`) for `previous_response_id` and the id routes, which are answered from
/// that state whatever `--unmatched` says.
public struct ResponsesModule: ProtocolModule {
    public static let path = "/compatible-mode/v1/responses"
    public static let legacyPath = "/api/v2/apps/protocols/compatible-mode/v1/responses"
    /// The body fields that decide an answer (DashScope ignores `text`, `include`, `truncation`, …).
    static let decidingFields = [
        "model", "input", "instructions", "previous_response_id", "tools", "tool_choice", "parallel_tool_calls",
        "reasoning", "enable_thinking", "max_output_tokens",
    ]
    /// The smallest `max_output_tokens` (responses §3).
    static let minimumOutputTokens = 16
    /// The models whose `max_output_tokens` counts reasoning as well as the answer (responses §2).
    static let reasoningCountingFamily = "qwen3.8"

    public init() {}
    public var name: String { "responses" }
    public var errorProtocol: APIProtocol? { .compatible }
    public var errorDialect: any ErrorDialect { ResponsesErrorDialect() }
    public var understandsBodies: Bool { true }

    public func endpoint(for path: String) -> Endpoint? {
        for prefix in [Self.path, Self.legacyPath] where path.hasPrefix(prefix) {
            guard let route = ResponsesRoute(rest: path.dropFirst(prefix.count)) else { return nil }
            return Endpoint(module: self, detail: route.detail)
        }
        return nil
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        let route = ResponsesRoute(detail: endpoint.detail)
        guard route.methods.contains(request.method) else { return .refused(ErrorCatalog.methodNotAllowed, message: request.method) }
        guard route == .create else { return .valid(ValidatedRequest(endpoint: endpoint, body: nil, stream: false)) }

        let parsed = ChatRequestChecks.jsonObject(request, heads: heads)
        guard case .success(let (body, object)) = parsed else { return ChatRequestChecks.refusal(parsed) }
        guard let model = object["model"]?.stringValue, !model.isEmpty else { return .refused(ErrorCatalog.emptyModel) }
        let items: [JSONValue]
        switch ResponsesInputItems.read(object["input"], hash: Self.itemHash(body)) {
        case .success(let read): items = read
        case .failure(let problem): return problem.validation
        }
        if let limit = object["max_output_tokens"], limit != .null {
            guard let number = limit.numberValue, number >= Double(Self.minimumOutputTokens) else {
                return ResponsesInputProblem.belowMinimum("max_output_tokens", minimum: Self.minimumOutputTokens, got: limit).validation
            }
        }
        if let previous = object["previous_response_id"], previous != .null, previous.stringValue == nil {
            return ResponsesInputProblem.invalidType("previous_response_id", expected: "a string", got: previous).validation
        }
        // Outputs answering calls of a stored response are checked once its history is read (`answerFromState`).
        if object["previous_response_id"]?.stringValue == nil, let problem = ResponsesInputItems.checkCallOutputs(items) {
            return problem.validation
        }
        let stream = object["stream"]?.boolValue ?? false
        // The checks read the request's own `tools` and `tool_choice` (so a refusal names its fields
        // as sent), its thinking switch as chat's, and the conversation as chat messages.
        var settings = object
        settings["enable_thinking"] = ResponsesChatBody.thinking(body)
        let call = ChatCall(model: model, info: context.catalog.model(named: model), stream: stream, settings: settings,
                            body: ResponsesChatBody.make(body, items: items, honoursTextFormat: false), surface: .compatible, ranges: .compatible)
        // The catalog's rules chat completions share; a thinking answer needs no stream here (responses §4).
        if let refusal = CatalogChecks.unknownModel(call, context: context, dialect: errorDialect)
            ?? CatalogChecks.tools(call) ?? CatalogChecks.ranges(call) ?? CatalogChecks.lengths(call) {
            return refusal
        }
        return .valid(ValidatedRequest(endpoint: endpoint, body: body, stream: stream, model: call.info))
    }

    public func projection(of body: JSONValue?, headers: [(name: String, value: String)], endpoint: Endpoint) -> JSONValue? {
        guard let object = body?.objectValue else { return body }
        var result: [String: JSONValue] = [:]
        for key in Self.decidingFields { result[key] = object[key] }
        result["stream"] = .bool(object["stream"]?.boolValue ?? false)
        return CanonicalJSON.normalized(.object(result))
    }

    public func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        let store = store(context)
        let settings = context.settings.responses
        let requestID = context.requestID
        switch ResponsesRoute(detail: request.endpoint.detail) {
        case .create:
            // Only a create that cannot go on is answered here: its history or its call outputs are wrong.
            guard let body = request.body else { return nil }
            switch conversation(body, context: context) {
            case .success: return nil
            case .failure(let problem): return errorPlan(problem.spec, requestID: requestID, message: problem.message)
            }
        case .response(let id):
            if context.request.method == "DELETE" {
                return store.delete(id, nowMs: context.nowMs, retentionMs: settings.retentionMs)
                    ? ResponsesStateAnswers.deleted(id, requestID: requestID) : ResponsesStateAnswers.notFound(id, requestID: requestID)
            }
            guard let stored = store.get(id, nowMs: context.nowMs, retentionMs: settings.retentionMs) else {
                return ResponsesStateAnswers.notFound(id, requestID: requestID)
            }
            return ResponsesStateAnswers.retrieve(stored, requestID: requestID)
        case .inputItems(let id):
            guard let stored = store.get(id, nowMs: context.nowMs, retentionMs: settings.retentionMs) else {
                return ResponsesStateAnswers.notFound(id, requestID: requestID)
            }
            switch ResponsesStateAnswers.inputItems(stored, query: context.request.query, requestID: requestID) {
            case .success(let plan): return plan
            case .failure(let problem): return errorPlan(problem.spec, requestID: requestID, message: problem.message)
            }
        }
    }

    /// A created response is a model's answer; stored ones, listings and deletions are not.
    public func answerCodec(for endpoint: Endpoint) -> AnswerCodec? {
        ResponsesRoute(detail: endpoint.detail) == .create ? .responses : nil
    }

    public func synthesize(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        guard ResponsesRoute(detail: request.endpoint.detail) == .create, let body = request.body,
              case .success(let (items, previous)) = conversation(body, context: context) else { return nil }
        let settings = context.settings.responses
        let chat = ResponsesChatBody.make(body, items: items, honoursTextFormat: settings.honoursTextFormat)
        let input = SynthesisInput(surface: .compatible, body: chat, model: request.model)
        var answer = SynthesizedAnswer(input)
        // `max_output_tokens` stops the answer: qwen3.8 counts its reasoning, the others only the answer (responses §2).
        let stopped = body["max_output_tokens"]?.numberValue.flatMap {
            answer.stopped(atOutputTokens: Int($0), countsReasoning: input.model.hasPrefix(Self.reasoningCountingFamily))
        }
        if let stopped { answer = stopped }
        var renderer = ResponsesRenderer(input: input, answer: answer, requestID: context.requestID,
                                         tools: body["tools"]?.arrayValue ?? [],
                                         toolChoice: ResponsesChatBody.echoedToolChoice(body["tool_choice"]),
                                         parallelToolCalls: body["parallel_tool_calls"]?.boolValue ?? false,
                                         functionCallEvents: settings.functionCallEvents)
        renderer.incomplete = stopped != nil
        let response = renderer.body()
        if body["store"]?.boolValue != false {
            let output = renderer.outputItems().compactMap { try? JSONValue.parse($0) }
            store(context).put(StoredResponse(id: renderer.responseID, body: response, inputItems: items, output: output,
                                              model: input.model, createdAt: renderer.createdAt, previousResponseID: previous?.id,
                                              storedAtMs: context.nowMs),
                               capacity: settings.storeSize)
        }
        return request.stream ? ChatSynthesis.streamPlan(renderer.events(), requestID: context.requestID)
                              : ChatSynthesis.wholePlan(response, requestID: context.requestID)
    }

    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String {
        let prefix = path.hasPrefix(Self.legacyPath) ? Self.legacyPath : Self.path
        return prefix + ResponsesRoute(detail: endpoint.detail).metricSuffix
    }

    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) {
        ("responses", model(of: body))
    }

    /// What the user said last: the `input` text, else the last user message's text.
    public func lastUserText(_ body: JSONValue?) -> String? {
        if let text = body?["input"]?.stringValue { return text }
        for item in (body?["input"]?.arrayValue ?? []).reversed() where item["role"]?.stringValue == "user" {
            if let text = item["content"]?.stringValue { return text }
            if let text = item["content"]?.arrayValue?.lazy.compactMap({ $0["text"]?.stringValue }).first { return text }
        }
        return nil
    }

    // MARK: - The conversation

    /// The items a create continues from and adds (the stored history of `previous_response_id`,
    /// then its own input), and the stored response it continues; or why it cannot.
    private func conversation(_ body: JSONValue, context: ModuleContext)
        -> Result<([JSONValue], StoredResponse?), ResponsesInputProblem> {
        let items: [JSONValue]
        switch ResponsesInputItems.read(body["input"], hash: Self.itemHash(body)) {
        case .success(let read): items = read
        case .failure(let problem): return .failure(problem)
        }
        guard let id = body["previous_response_id"]?.stringValue else { return .success((items, nil)) }
        guard let previous = store(context).get(id, nowMs: context.nowMs, retentionMs: context.settings.responses.retentionMs) else {
            return .failure(.previousResponseNotFound(id))
        }
        let all = previous.conversation + items
        if let problem = ResponsesInputItems.checkCallOutputs(all) { return .failure(problem) }
        return .success((all, previous))
    }

    private func store(_ context: ModuleContext) -> ResponsesStore { context.states.state(name, make: ResponsesStore.init) }

    /// What the ids of input items a client sent without one derive from: the body without its stream switch.
    static func itemHash(_ body: JSONValue) -> StableHash {
        StableHash("responses-input\n" + CanonicalJSON.string(body.removing(path: "stream")))
    }
}
