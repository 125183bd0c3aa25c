import MockScopeHTTPTypes

/// Text rerank, native: `POST /api/v1/services/rerank/text-rerank/text-rerank`
/// (`dashscope.TextReRank.call`); it also routes the compatible route to `CompatibleRerank`.
/// With `--unmatched synthesize` a request no fixture matches is scored by lexical overlap
/// (`LexicalRelevance`). docs/protocol-notes.md, surface §2.
public struct RerankModule: ProtocolModule {
    public static let nativePath = "/api/v1/services/rerank/text-rerank/text-rerank"
    public static let compatiblePath = "/compatible-api/v1/reranks"

    public init() {}
    public var name: String { "native-rerank" }
    public var errorProtocol: APIProtocol? { .native }
    public var expectedMethod: String? { "POST" }
    public var understandsBodies: Bool { true }

    public func endpoint(for path: String) -> Endpoint? {
        switch path {
        case Self.nativePath: return Endpoint(module: self)
        case Self.compatiblePath: return Endpoint(module: CompatibleRerank())
        default: return nil
        }
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        ChatRequestChecks.validated(request, heads: heads, endpoint: endpoint, context: context, model: \.model) {
            RerankRequest.read($0, native: true, context: context, dialect: errorDialect)
        }
    }


    /// The request `validate` accepted, read again.
    static func reread(_ request: ValidatedRequest, native: Bool) -> RerankRequest? {
        guard let object = request.body?.objectValue else { return nil }
        return try? RerankRequest.read(object, native: native, context: ValidationContext(catalog: ModelCatalog(), unknownModels: .accept),
                                       dialect: NativeErrorDialect()).get()
    }

    /// The scored results as both routes write them: `index`, `relevance_score`, and `document` when asked.
    static func results(_ rerank: RerankRequest) -> [(inout JSONWriter) -> Void] {
        LexicalRelevance.rank(query: rerank.query, documents: rerank.documents).prefix(rerank.topN).map { scored in { w in
            w.object { item in
                if rerank.returnDocuments { item.field("document", object: { d in d.field("text", string: rerank.documents[scored.index]) }) }
                item.field("index", .number(Double(scored.index)))
                item.field("relevance_score", .number(scored.score))
            }
        } }
    }

    public func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let rerank = Self.reread(request, native: true) else { return nil }
        var writer = JSONWriter()
        writer.object { o in
            o.field("output", object: { out in out.field("results", array: Self.results(rerank)) })
            o.field("usage", object: { u in u.field("total_tokens", .number(Double(rerank.tokens))) })
            o.field("request_id", string: requestID)
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: requestID)
    }

    public func lastUserText(_ body: JSONValue?) -> String? {
        body?["input"]?["query"]?.stringValue ?? body?["query"]?.stringValue
    }
}
