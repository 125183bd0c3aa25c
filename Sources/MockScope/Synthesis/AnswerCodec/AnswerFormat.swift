/// One protocol's chat answers, read into the neutral `SynthesizedAnswer` and rendered back with
/// that protocol's renderer (`AnswerCodec` holds one).
protocol AnswerFormat: Sendable {
    /// Whether its answers can hold tool calls (default yes); a change that gives an answer calls
    /// leaves a plan of a format without them as it was.
    var carriesToolCalls: Bool { get }
    /// The renderer's input for a request body: the chat body the module synthesizes from.
    func input(for request: JSONValue) -> SynthesisInput
    /// The request's bound on the answer's tokens (`max_tokens`, `max_output_tokens`), if any.
    func maxTokens(in request: JSONValue) -> Int?
    /// The answer in a whole body, or nil when the body is not one of this protocol's chat answers.
    func read(whole body: JSONValue, input: SynthesisInput) -> SynthesizedAnswer?
    /// The answer in a stream's `data:` payloads (parsed), or nil when they are not this protocol's chat answer.
    func read(events: [JSONValue], input: SynthesisInput) -> SynthesizedAnswer?
    /// The whole body of `answer`.
    func body(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String) -> String
    /// The stream of `answer`, framed, in the style of the `original` stream's payloads.
    func events(_ answer: SynthesizedAnswer, input: SynthesisInput, request: JSONValue, requestID: String, original: [JSONValue]) -> [String]
}

extension AnswerFormat {
    var carriesToolCalls: Bool { true }
}
