import MockScopeHTTPTypes

/// Text embeddings, compatible mode: `POST /compatible-mode/v1/embeddings` (OpenAI's shape); it
/// also routes the native path to `NativeEmbeddings`. Requests are checked against the model
/// catalog (`EmbeddingRequest`); recorded fixtures replay as on any other path; with
/// `--unmatched synthesize` a request no fixture matches gets `TextEmbedder` vectors.
/// docs/protocol-notes.md, surface §1.
public struct EmbeddingsModule: ProtocolModule {
    public static let compatiblePath = "/compatible-mode/v1/embeddings"
    public static let nativePath = "/api/v1/services/embeddings/text-embedding/text-embedding"

    public init() {}
    public var name: String { "embeddings" }
    public var errorProtocol: APIProtocol? { .compatible }
    public var expectedMethod: String? { "POST" }
    public var understandsBodies: Bool { true }

    public func endpoint(for path: String) -> Endpoint? {
        switch path {
        case Self.compatiblePath: return Endpoint(module: self)
        case Self.nativePath: return Endpoint(module: NativeEmbeddings())
        default: return nil
        }
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        ChatRequestChecks.validated(request, heads: heads, endpoint: endpoint, context: context, model: \.model) {
            EmbeddingRequest.read($0, native: false, context: context, dialect: errorDialect)
        }
    }


    public func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let embedding = Self.reread(request, native: false) else { return nil }
        let embedder = TextEmbedder(dimensions: embedding.dimensions)
        let tokens = embedding.tokens
        var writer = JSONWriter()
        writer.object { o in
            o.field("data", array: embedding.texts.enumerated().map { index, text in { w in
                w.object { item in
                    item.rawField("embedding", VectorText.json(embedder.vector(text), encoding: embedding.encoding))
                    item.field("index", .number(Double(index)))
                    item.field("object", string: "embedding")
                }
            } })
            o.field("model", string: embedding.model)
            o.field("object", string: "list")
            o.field("usage", object: { u in
                u.field("prompt_tokens", .number(Double(tokens)))
                u.field("total_tokens", .number(Double(tokens)))
            })
            o.field("id", string: requestID)
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: requestID)
    }

    /// The request `validate` accepted, read again (with the catalog row it found).
    static func reread(_ request: ValidatedRequest, native: Bool) -> EmbeddingRequest? {
        guard let object = request.body?.objectValue else { return nil }
        var catalog = ModelCatalog()
        if var info = request.model {
            // Found under the name the request gives (a snapshot's row has its base's name).
            info.name = object["model"]?.stringValue ?? info.name
            catalog.add(info)
        }
        let context = ValidationContext(catalog: catalog, unknownModels: .accept)
        return try? EmbeddingRequest.read(object, native: native, context: context, dialect: CompatibleErrorDialect()).get()
    }

    public func lastUserText(_ body: JSONValue?) -> String? { ChatText.lastUserText(body) }
}
