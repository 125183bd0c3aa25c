/// The Responses API's own settings (`mockscope serve --responses-...`).
public struct ResponsesSettings: Sendable, Equatable {
    /// How streamed function-call arguments are sent.
    public enum FunctionCallEvents: String, Sendable, CaseIterable {
        /// `response.custom_tool_call_input.delta/.done`: the events DashScope's page lists for function tools.
        case customToolCallInput = "custom_tool_call_input"
        /// `response.function_call_arguments.delta/.done`: OpenAI's, which the openai SDK's stream helper accumulates.
        case functionCallArguments = "function_call_arguments"
    }

    /// The most responses kept for `previous_response_id`, retrieve, delete and input items; the
    /// oldest go first (`--responses-store-size`).
    public var storeSize = 10_000
    /// How long a stored response lives on MockScope's clock: DashScope's documented 7 days.
    public var retentionMs = 7 * 24 * 3_600_000.0
    /// Honour `text.format` (JSON schema / JSON object) as chat's `response_format`; DashScope ignores it
    /// (`--responses-honour-text-format`).
    public var honoursTextFormat = false
    public var functionCallEvents: FunctionCallEvents = .customToolCallInput

    public init() {}
}
