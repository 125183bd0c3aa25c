/// A rerank request of either route, read and checked (docs/protocol-notes.md, surface §2):
/// native `input.query` / `input.documents` with `parameters.top_n` / `return_documents`, or the
/// compatible route's top-level `query`, `documents`, `top_n`, `return_documents`.
struct RerankRequest: Sendable, Equatable {
    var model: String
    var query: String
    var documents: [String]
    /// How many results to return: all when absent or larger than the documents.
    var topN: Int
    var returnDocuments: Bool

    /// Tokens billed: the query once per document plus every document (the doc's request-size formula).
    var tokens: Int {
        let query = EmbeddingRequest.tokens(of: self.query)
        return documents.reduce(0) { $0 + query + EmbeddingRequest.tokens(of: $1) }
    }

    /// Reads a native body (`native` true) or a compatible-route one, or the refusal for it.
    static func read(_ object: [String: JSONValue], native: Bool, context: ValidationContext,
                     dialect: any ErrorDialect) -> Result<RerankRequest, ChatRequestChecks.Refusal> {
        guard let model = object["model"]?.stringValue, !model.isEmpty else { return .failure(.init(ErrorCatalog.emptyModel)) }
        let input: [String: JSONValue]
        let parameters: [String: JSONValue]
        let prefix = native ? "input." : ""
        if native {
            guard let container = object["input"]?.objectValue else { return .failure(.init(ErrorCatalog.emptyInput)) }
            input = container
            parameters = object["parameters"]?.objectValue ?? [:]
        } else {
            input = object
            parameters = object
        }
        guard let query = input["query"]?.stringValue else { return .failure(.init(ErrorCatalog.fieldRequired, prefix + "query")) }
        guard let list = input["documents"], list != .null else { return .failure(.init(ErrorCatalog.fieldRequired, prefix + "documents")) }
        // A document is a text, or an object with its `text` [chosen: as the answers' `document`].
        guard let items = list.arrayValue else { return .failure(.init(ErrorCatalog.inputNotTexts)) }
        let documents = items.compactMap { $0.stringValue ?? $0["text"]?.stringValue }
        guard documents.count == items.count else { return .failure(.init(ErrorCatalog.inputNotTexts)) }
        guard !documents.isEmpty else { return .failure(.init(ErrorCatalog.inputListEmpty)) }

        let info = context.catalog.model(named: model)
        if let refusal = EmbeddingRequest.modelRefusal(model, info: info, surface: .rerank, context: context, dialect: dialect) {
            return .failure(refusal)
        }
        if let info, info.maxBatch > 0, documents.count > info.maxBatch {
            return .failure(.init(ErrorCatalog.batchTooLarge, String(info.maxBatch)))
        }
        if query.isEmpty { return .failure(.init(ErrorCatalog.inputTooLong, String(info?.maxInput ?? 4000))) }

        var topN = documents.count
        if let value = parameters["top_n"], value != .null {
            guard let number = value.numberValue, number == number.rounded(), number >= 1 else {
                return .failure(.init(ErrorCatalog.parameterOutOfRange, "Value error, top_n should be a positive integer."))
            }
            topN = min(documents.count, number > 1e9 ? documents.count : Int(number))
        }
        var returnDocuments = false
        if let value = parameters["return_documents"], value != .null {
            guard let flag = value.boolValue else {
                return .failure(.init(ErrorCatalog.parameterOutOfRange, "Value error, return_documents should be a boolean."))
            }
            returnDocuments = flag
        }
        return .success(RerankRequest(model: model, query: query, documents: documents, topN: topN, returnDocuments: returnDocuments))
    }
}
