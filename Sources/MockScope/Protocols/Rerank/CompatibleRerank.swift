import MockScopeHTTPTypes

/// The compatible rerank route, `POST /compatible-api/v1/reranks` (top-level `query`,
/// `documents`, `top_n`): answers in the Jina/Cohere-style shape `{"object":"list","results":[...],
/// "model","usage":{"total_tokens"},"id"}` [unverified shape], errors in compatible mode's.
struct CompatibleRerank: ProtocolModule {
    var name: String { "compatible-rerank" }
    var errorProtocol: APIProtocol? { .compatible }
    var expectedMethod: String? { "POST" }
    var understandsBodies: Bool { true }

    func endpoint(for path: String) -> Endpoint? { path == RerankModule.compatiblePath ? Endpoint(module: self) : nil }

    func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        ChatRequestChecks.validated(request, heads: heads, endpoint: endpoint, context: context, model: \.model) {
            RerankRequest.read($0, native: false, context: context, dialect: errorDialect)
        }
    }

    func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let rerank = RerankModule.reread(request, native: false) else { return nil }
        var writer = JSONWriter()
        writer.object { o in
            o.field("object", string: "list")
            o.field("results", array: RerankModule.results(rerank))
            o.field("model", string: rerank.model)
            o.field("usage", object: { u in u.field("total_tokens", .number(Double(rerank.tokens))) })
            o.field("id", string: requestID)
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: requestID)
    }

    func lastUserText(_ body: JSONValue?) -> String? { body?["query"]?.stringValue }
}
