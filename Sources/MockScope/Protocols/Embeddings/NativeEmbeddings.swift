import MockScopeHTTPTypes

/// The native half of `EmbeddingsModule` (`dashscope.TextEmbedding.call`): `input.texts`,
/// `parameters.dimension` / `text_type` / `output_type`, answers under `output.embeddings`, each
/// with its `text_index` (and `sparse_embedding` when asked). docs/protocol-notes.md, surface §1.
struct NativeEmbeddings: ProtocolModule {
    var name: String { "native-embeddings" }
    var errorProtocol: APIProtocol? { .native }
    var expectedMethod: String? { "POST" }
    var understandsBodies: Bool { true }

    func endpoint(for path: String) -> Endpoint? { path == EmbeddingsModule.nativePath ? Endpoint(module: self) : nil }

    func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        ChatRequestChecks.validated(request, heads: heads, endpoint: endpoint, context: context, model: \.model) {
            EmbeddingRequest.read($0, native: true, context: context, dialect: errorDialect)
        }
    }

    func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? {
        guard let embedding = EmbeddingsModule.reread(request, native: true) else { return nil }
        let embedder = TextEmbedder(dimensions: embedding.dimensions)
        var writer = JSONWriter()
        writer.object { o in
            o.field("output", object: { out in
                out.field("embeddings", array: embedding.texts.enumerated().map { index, text in { w in
                    w.object { item in
                        if embedding.output.dense { item.rawField("embedding", VectorText.json(embedder.vector(text), encoding: .float)) }
                        if embedding.output.sparse {
                            item.field("sparse_embedding", array: embedder.sparse(text).map { entry in { e in
                                e.object { s in
                                    s.field("index", .number(Double(entry.index)))
                                    s.field("value", .number(entry.value))
                                    s.field("token", string: entry.token)
                                }
                            } })
                        }
                        item.field("text_index", .number(Double(index)))
                    }
                } })
            })
            o.field("usage", object: { u in u.field("total_tokens", .number(Double(embedding.tokens))) })
            o.field("request_id", string: requestID)
        }
        return ChatSynthesis.wholePlan(writer.text, requestID: requestID)
    }
}
