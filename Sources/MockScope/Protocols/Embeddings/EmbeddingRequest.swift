/// An embedding request of either protocol, read and checked as the real service checks it
/// (docs/protocol-notes.md, surface §1): compatible mode's `input`, `dimensions`,
/// `encoding_format`; the native `input.texts`, `parameters.dimension`, `text_type`, `output_type`.
struct EmbeddingRequest: Sendable, Equatable {
    /// How vectors are written: compatible mode's `encoding_format`.
    enum Encoding: String, Sendable {
        case float
        /// Little-endian float32, base64 (what the openai SDK asks for by default and decodes).
        case base64
    }

    /// The native `output_type`: dense vectors, sparse ones, or both.
    struct Output: Sendable, Equatable {
        var dense: Bool
        var sparse: Bool
    }

    var model: String
    var texts: [String]
    var dimensions: Int
    var encoding: Encoding
    var output: Output
    /// Tokens of all texts (usage), at the synthesizer's rate.
    var tokens: Int { texts.reduce(0) { $0 + Self.tokens(of: $1) } }

    static let defaultModel = "text-embedding-v4"
    /// The vector lengths a model the catalog does not know may ask for [chosen].
    static let unknownModelDimensions = 1...8192

    static func tokens(of text: String) -> Int { TextMetrics.tokens(units: TextMetrics.tokenUnits(text)) }

    /// Reads a compatible-mode body (`native` false) or a native one, or the refusal for it.
    static func read(_ object: [String: JSONValue], native: Bool, context: ValidationContext,
                     dialect: any ErrorDialect) -> Result<EmbeddingRequest, ChatRequestChecks.Refusal> {
        guard let model = object["model"]?.stringValue, !model.isEmpty else { return .failure(.init(ErrorCatalog.emptyModel)) }
        let parameters = native ? object["parameters"]?.objectValue ?? [:] : object
        let input: JSONValue?
        if native {
            guard let container = object["input"], container != .null else { return .failure(.init(ErrorCatalog.emptyInput)) }
            input = container["texts"] ?? (container.objectValue == nil ? container : nil)
            if input == nil { return .failure(.init(ErrorCatalog.fieldRequired, "input.texts")) }
        } else {
            input = object["input"]
            if input == nil || input == .null { return .failure(.init(ErrorCatalog.fieldRequired, "input")) }
        }
        let texts: [String]
        switch input {
        case .string(let text)?: texts = [text]
        case .array(let items)?:
            let strings = items.compactMap(\.stringValue)
            guard strings.count == items.count else { return .failure(.init(ErrorCatalog.inputNotTexts)) }
            texts = strings
        default: return .failure(.init(ErrorCatalog.inputNotTexts))
        }
        guard !texts.isEmpty else { return .failure(.init(ErrorCatalog.inputListEmpty)) }

        let info = context.catalog.model(named: model)
        if let refusal = modelRefusal(model, info: info, surface: .embeddings, context: context, dialect: dialect) { return .failure(refusal) }
        if let info, info.maxBatch > 0, texts.count > info.maxBatch {
            return .failure(.init(ErrorCatalog.batchTooLarge, String(info.maxBatch)))
        }
        let maxTokens = info?.maxInput ?? 0
        for text in texts {
            let count = tokens(of: text)
            if count == 0 || (maxTokens > 0 && count > maxTokens) {
                return .failure(.init(ErrorCatalog.inputTooLong, maxTokens > 0 ? String(maxTokens) : "xxx"))
            }
        }

        let field = native ? "dimension" : "dimensions"
        var dimensions = info?.vectorLength ?? 1024
        if let requested = parameters[field], requested != .null {
            let allowed = info?.dimensions ?? []
            guard let number = requested.numberValue, number == number.rounded(), number >= 1, number <= 1e6,
                  allowed.isEmpty ? unknownModelDimensions.contains(Int(number)) : allowed.contains(Int(number)) else {
                let list = allowed.isEmpty ? "an integer in [1, \(unknownModelDimensions.upperBound)]"
                                           : "one of [" + allowed.map(String.init).joined(separator: ", ") + "]"
                return .failure(.init(ErrorCatalog.parameterOutOfRange,
                                      "Value error, \(field) is invalid for model \(model): it should be \(list)."))
            }
            dimensions = Int(number)
        }

        var encoding = Encoding.float
        if !native, let format = object["encoding_format"], format != .null {
            guard let name = format.stringValue, let known = Encoding(rawValue: name) else {
                return .failure(.init(ErrorCatalog.parameterOutOfRange, "Value error, encoding_format should be float or base64."))
            }
            encoding = known
        }

        var output = Output(dense: true, sparse: false)
        if native {
            if let textType = parameters["text_type"], textType != .null, !["query", "document"].contains(textType.stringValue ?? "") {
                return .failure(.init(ErrorCatalog.parameterOutOfRange, "Value error, text_type should be query or document."))
            }
            if let type = parameters["output_type"], type != .null {
                switch type.stringValue {
                case "dense"?: output = Output(dense: true, sparse: false)
                case "sparse"?: output = Output(dense: false, sparse: true)
                case "dense&sparse"?: output = Output(dense: true, sparse: true)
                default:
                    return .failure(.init(ErrorCatalog.parameterOutOfRange, "Value error, output_type should be dense, sparse or dense&sparse."))
                }
            }
        }
        return .success(EmbeddingRequest(model: model, texts: texts, dimensions: dimensions, encoding: encoding, output: output))
    }

    /// The model against the catalog: unknown (refused under `--unknown-models reject`), or known but
    /// served elsewhere ("The model name is invalid. Supported models: ..." with the catalog's models of `surface`).
    static func modelRefusal(_ model: String, info: ModelInfo?, surface: ModelInfo.Surface, context: ValidationContext,
                             dialect: any ErrorDialect) -> ChatRequestChecks.Refusal? {
        guard let info else {
            guard context.unknownModels == .reject else { return nil }
            return .init(ErrorCatalog.modelNotFound, dialect.stated(ErrorCatalog.modelNotFound, message: nil, model: model).message)
        }
        guard !info.surfaces.contains(surface) else { return nil }
        let served = context.catalog.models.filter { $0.surfaces.contains(surface) }.map(\.name).sorted(by: >)
        return .init(ErrorCatalog.modelNotForEndpoint, served.joined(separator: ", "))
    }
}
