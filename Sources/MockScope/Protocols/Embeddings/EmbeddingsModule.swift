import MockScopeHTTPTypes

/// Text embeddings, both protocols: `POST /compatible-mode/v1/embeddings` (OpenAI's shape) and
/// `POST /api/v1/services/embeddings/text-embedding/text-embedding` (DashScope's). Recorded
/// fixtures replay as on any other path; with `--unmatched synthesize` a request no fixture
/// matches gets `TextEmbedder` vectors of the requested (or the model's default) dimension.
/// docs/protocol-notes.md, embeddings.
public struct EmbeddingsModule: ProtocolModule {
    public static let compatiblePath = "/compatible-mode/v1/embeddings"
    public static let nativePath = "/api/v1/services/embeddings/text-embedding/text-embedding"
    static let native = "native"
    /// text-embedding-v3 and -v4 default to 1024 dimensions (v1/v2: 1536).
    static let defaultDimensions = 1024

    public init() {}
    public var name: String { "embeddings" }
    public var errorProtocol: APIProtocol? { .compatible }
    public var expectedMethod: String? { "POST" }

    public func endpoint(for path: String) -> Endpoint? {
        switch path {
        case Self.compatiblePath: return Endpoint(module: self)
        case Self.nativePath: return Endpoint(module: NativeEmbeddings())
        default: return nil
        }
    }

    public func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let body = request.body?.objectValue else { return nil }
        let texts: [String]
        switch body["input"] {
        case .string(let text)?: texts = [text]
        case .array(let items)?: texts = items.compactMap(\.stringValue)
        default: return nil
        }
        let model = body["model"]?.stringValue ?? "text-embedding-v4"
        let embedder = TextEmbedder(dimensions: Self.dimensions(body["dimensions"], model: model))
        let tokens = texts.reduce(0) { $0 + TextMetrics.tokens(units: TextMetrics.tokenUnits($1)) }
        var writer = JSONWriter()
        writer.object { o in
            o.field("data", array: texts.enumerated().map { index, text in { w in
                w.object { item in
                    item.rawField("embedding", Self.numbers(embedder.vector(text)))
                    item.field("index", .number(Double(index)))
                    item.field("object", string: "embedding")
                }
            } })
            o.field("model", string: model)
            o.field("object", string: "list")
            o.field("usage", object: { u in
                u.field("prompt_tokens", .number(Double(tokens)))
                u.field("total_tokens", .number(Double(tokens)))
            })
            o.field("id", string: requestID)
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: requestID)
    }

    static func dimensions(_ value: JSONValue?, model: String) -> Int {
        if let requested = value?.numberValue, requested >= 1, requested <= 8192, requested.rounded() == requested { return Int(requested) }
        return model.hasSuffix("-v1") || model.hasSuffix("-v2") ? 1536 : defaultDimensions
    }

    static func numbers(_ vector: [Double]) -> String {
        var writer = JSONWriter()
        writer.value(.array(vector.map(JSONValue.number)))
        return writer.text
    }
}

/// The native half of `EmbeddingsModule` (`TextEmbedding.call`): `input.texts`,
/// `parameters.dimension`, answers under `output.embeddings` with `text_index`.
struct NativeEmbeddings: ProtocolModule {
    var name: String { "native-embeddings" }
    var errorProtocol: APIProtocol? { .native }
    var expectedMethod: String? { "POST" }

    func endpoint(for path: String) -> Endpoint? { path == EmbeddingsModule.nativePath ? Endpoint(module: self) : nil }

    func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let body = request.body?.objectValue else { return nil }
        let texts: [String]
        switch body["input"]?["texts"] ?? body["input"] {
        case .string(let text)?: texts = [text]
        case .array(let items)?: texts = items.compactMap(\.stringValue)
        default: return nil
        }
        let model = body["model"]?.stringValue ?? "text-embedding-v4"
        let embedder = TextEmbedder(dimensions: EmbeddingsModule.dimensions(body["parameters"]?["dimension"], model: model))
        let tokens = texts.reduce(0) { $0 + TextMetrics.tokens(units: TextMetrics.tokenUnits($1)) }
        var writer = JSONWriter()
        writer.object { o in
            o.field("output", object: { out in
                out.field("embeddings", array: texts.enumerated().map { index, text in { w in
                    w.object { item in
                        item.rawField("embedding", EmbeddingsModule.numbers(embedder.vector(text)))
                        item.field("text_index", .number(Double(index)))
                    }
                } })
            })
            o.field("usage", object: { u in u.field("total_tokens", .number(Double(tokens))) })
            o.field("request_id", string: requestID)
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: requestID)
    }
}
