/// A chat request as both protocols' catalog checks read it: the model and its catalog row, the
/// stream switch, and the settings object (compatible: the body; native: `parameters`).
struct ChatCall {
    var model: String
    var info: ModelInfo?
    var stream: Bool
    var settings: [String: JSONValue]
    var body: JSONValue
    var surface: SynthesisInput.Surface
    /// Whose parameter ranges apply (the seed's differ).
    var ranges: APIProtocol

    /// `enable_thinking` as the request sets it (nil: absent).
    var enableThinking: Bool? { settings["enable_thinking"]?.boolValue }

    /// Whether the model thinks on this call: the catalog's default unless `enable_thinking` says
    /// otherwise (a model the catalog does not know thinks only when asked).
    var thinks: Bool { info?.thinks(enableThinking: enableThinking) ?? (enableThinking ?? false) }
}
