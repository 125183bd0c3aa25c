import MockScopeHTTPTypes

/// `POST /api/v1/tokenizer` (`dashscope.Tokenization.call`): a prompt's tokens and count. With
/// `--unmatched synthesize` the count is the one a synthesized answer to the same messages reports
/// (`PromptTokenizer`); recorded fixtures replay as elsewhere. docs/protocol-notes.md, surface §3.
public struct TokenizerModule: ProtocolModule {
    public static let path = "/api/v1/tokenizer"

    public init() {}
    public var name: String { "native-tokenizer" }
    public var errorProtocol: APIProtocol? { .native }
    public var expectedMethod: String? { "POST" }
    public var understandsBodies: Bool { true }

    public func endpoint(for path: String) -> Endpoint? { path == Self.path ? Endpoint(module: self) : nil }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        let parsed = ChatRequestChecks.nativePrompt(request, heads: heads)
        guard case .success(let (body, _, model)) = parsed else { return ChatRequestChecks.refusal(parsed) }
        let info = context.catalog.model(named: model)
        if info == nil, context.unknownModels == .reject {
            return .refused(ErrorCatalog.modelNotFound, message: errorDialect.stated(ErrorCatalog.modelNotFound, message: nil, model: model).message)
        }
        return .valid(ValidatedRequest(endpoint: endpoint, body: body, stream: false, model: info))
    }

    public func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let body = request.body else { return nil }
        let input = SynthesisInput(surface: .native(multimodal: false), body: body, model: request.model)
        let tokens = PromptTokenizer.tokens(input)
        var writer = JSONWriter()
        writer.object { o in
            o.field("output", object: { out in
                out.field("token_ids", .array(tokens.map { .number(Double($0.id)) }))
                out.field("tokens", .array(tokens.map { .string($0.text) }))
                out.field("prompt", string: PromptTokenizer.prompt(input))
            })
            o.field("usage", object: { u in u.field("input_tokens", .number(Double(tokens.count))) })
            o.field("request_id", string: requestID)
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: requestID)
    }
}
