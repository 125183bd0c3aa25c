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
    /// The body's size as sent, when `body` is that body (nil: converted from another protocol's).
    var sentBytes: Int? = nil

    /// Whether the body as sent is too short for its prompt to exceed `maxInput` tokens, whatever
    /// its text: the estimate costs at most 3 twelfths of a token a UTF-8 byte (a wide character,
    /// 8, has 3 bytes or more), and the texts it counts are part of the body (JSON escapes only
    /// lengthen them). Images count on their own (native multimodal: never decided by size).
    /// The exact estimate cost a served miss 120 k instructions (bench/RESULTS.md, "misses").
    func withinInputLimitByItsSize(_ maxInput: Int) -> Bool {
        guard let sentBytes, surface != .native(multimodal: true) else { return false }
        return TextMetrics.tokens(units: 3 * sentBytes) + SynthesizedAnswer.promptOverhead <= maxInput
    }

    /// `enable_thinking` as the request sets it (nil: absent).
    var enableThinking: Bool? { settings["enable_thinking"]?.boolValue }

    /// Whether the model thinks on this call: the catalog's default unless `enable_thinking` says
    /// otherwise (a model the catalog does not know thinks only when asked).
    var thinks: Bool { info?.thinks(enableThinking: enableThinking) ?? (enableThinking ?? false) }
}
