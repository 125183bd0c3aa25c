/// What the model catalog knows of one model (catalog/models.yaml, docs/model-catalog.md): where
/// it is served, whether it thinks, its limits, what it supports, and the parameter ranges that
/// differ from `ParameterRange.defaults`.
public struct ModelInfo: Sendable, Equatable {
    /// Whether and how a model reasons before it answers.
    public enum Thinking: String, Sendable, CaseIterable {
        /// No thinking mode: `enable_thinking: true` is refused.
        case never
        /// Thinks when `enable_thinking: true`.
        case optional
        /// Thinks unless `enable_thinking: false` (Qwen3.5 and later, Qwen3 open source).
        case defaultOn = "default-on"
        /// Always thinks: `enable_thinking: false` is refused.
        case always
    }

    /// The endpoint families a model is served on.
    public enum Surface: String, Sendable, CaseIterable {
        case compatible
        case textGeneration = "text-generation"
        case multimodalGeneration = "multimodal-generation"
        case embeddings
        case rerank
    }

    public var name: String
    /// Whether `name-<anything>` (dated snapshots, `-latest`, `-preview`) is this model too.
    public var snapshots: Bool
    /// Where the row's figures come from (a doc URL or a named page of the catalog's header).
    public var source: String
    public var surfaces: Set<Surface>
    public var thinking: Thinking
    /// Refuses non-stream calls ("This model only support stream mode, ...").
    public var streamOnly: Bool
    /// Answers a thinking call that is not streamed (the deep-thinking FAQ's list); otherwise such
    /// a call is refused ("parameter.enable_thinking must be set to false for non-streaming calls").
    public var nonStreamThinking = false
    public var inputModalities: [String]
    public var outputModalities: [String]
    /// Input plus output, in tokens.
    public var contextWindow: Int
    /// The longest prompt, in tokens ("Range of input length should be [1, N]").
    public var maxInput: Int
    /// The largest `max_tokens` ("Range of max_tokens should be [1, N]").
    public var maxOutput: Int
    public var tools: Bool
    public var jsonMode: Bool
    public var search: Bool
    /// Ranges that differ from `ParameterRange.defaults`, by parameter name.
    public var parameters: [String: ParameterRange]
    /// Embedding models: the `dimensions` a request may ask for (empty: any).
    public var dimensions: [Int] = []
    /// Embedding models: the vector length when a request names none (0: the first of `dimensions`, else 1024).
    public var defaultDimensions = 0
    /// Embedding and rerank models: the most texts (documents) one request may carry (0: no limit).
    public var maxBatch = 0

    /// Whether `enable_thinking` (absent: nil) makes this model think.
    public func thinks(enableThinking: Bool?) -> Bool {
        switch thinking {
        case .never: return false
        case .always: return true
        case .optional: return enableThinking ?? false
        case .defaultOn: return enableThinking ?? true
        }
    }

    /// An embedding's length when the request names none.
    public var vectorLength: Int { defaultDimensions > 0 ? defaultDimensions : dimensions.first ?? 1024 }

    /// The range `parameter` must be in for this model (its own, else the default), if any.
    public func range(of parameter: String, surface: APIProtocol) -> ParameterRange? {
        parameters[parameter] ?? ParameterRange.defaults(for: surface)[parameter]
    }
}
