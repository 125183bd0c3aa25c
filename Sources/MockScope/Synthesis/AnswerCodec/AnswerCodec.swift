/// Reads a planned chat answer (a whole body or a stream) into the neutral `SynthesizedAnswer`
/// (reasoning, text, tool calls, finish reason, prompt tokens) and renders a changed one back in
/// the same protocol with its own renderer: what the misbehaviour faults (`AnswerFault`) work
/// through. A module names its codec (`ProtocolModule.answerCodec`). Rendered events are spread
/// over the original events' times; status and headers stay. Same plan, same request: same bytes.
public struct AnswerCodec: Sendable {
    let format: any AnswerFormat

    static let compatible = AnswerCodec(format: CompatibleAnswerFormat())
    static let native = AnswerCodec(format: NativeAnswerFormat(multimodal: false))
    static let nativeMultimodal = AnswerCodec(format: NativeAnswerFormat(multimodal: true))
    static let anthropic = AnswerCodec(format: AnthropicAnswerFormat())
    static let responses = AnswerCodec(format: ResponsesAnswerFormat())
    static func application(id: String) -> AnswerCodec { AnswerCodec(format: ApplicationAnswerFormat(id: id)) }

    /// The request's facts, for a fault that needs them (its tools, its response format, its bound).
    func facts(request: JSONValue) -> AnswerFacts {
        AnswerFacts(input: format.input(for: request), maxTokens: format.maxTokens(in: request))
    }

    /// The answer `plan` carries, or nil when it is not a 200 chat answer of this protocol.
    func read(_ plan: ResponsePlan, facts: AnswerFacts) -> SynthesizedAnswer? {
        guard plan.status == 200 else { return nil }
        switch plan.body {
        case .whole(let bytes):
            guard let body = try? JSONValue.parse(bytes) else { return nil }
            return format.read(whole: body, input: facts.input)
        case .events(let events):
            let payloads = events.compactMap { Self.payload(of: $0.bytes) }
            return payloads.isEmpty ? nil : format.read(events: payloads, input: facts.input)
        case .live:
            return nil
        }
    }

    /// `plan` with its body rendered anew from `answer`, whole or streamed as it was.
    func render(_ answer: SynthesizedAnswer, like plan: ResponsePlan, facts: AnswerFacts, request: JSONValue, requestID: String) -> ResponsePlan {
        var result = plan
        switch plan.body {
        case .whole:
            result.body = .whole(Array(format.body(answer, input: facts.input, request: request, requestID: requestID).utf8))
        case .events(let original):
            let texts = format.events(answer, input: facts.input, request: request, requestID: requestID,
                                      original: original.compactMap { Self.payload(of: $0.bytes) })
            result.body = .events(Self.spread(texts, over: original.map(\.atMs)))
        case .live:
            return plan
        }
        result.headers.remove("content-length")
        return result
    }

    /// Reads `plan`, lets `change` rewrite the answer, renders it back; a plan this codec does
    /// not read is left as it is.
    func rewrite(_ plan: inout ResponsePlan, request: JSONValue, requestID: String,
                 change: (inout SynthesizedAnswer, AnswerFacts) -> Void) {
        let facts = facts(request: request)
        guard var answer = read(plan, facts: facts) else { return }
        change(&answer, facts)
        if !format.carriesToolCalls {
            guard answer.toolCalls.isEmpty else { return }
            answer.reasoning = ""
        }
        answer.recount()
        plan = render(answer, like: plan, facts: facts, request: request, requestID: requestID)
    }

    /// New events at the original times: the j-th of m at the original event j·(n−1)/(m−1) (rounded).
    static func spread(_ texts: [String], over times: [Double]) -> [PlannedEvent] {
        guard !times.isEmpty else { return StreamFraming.timed(texts) }
        let last = Double(times.count - 1)
        let steps = Double(max(texts.count - 1, 1))
        return texts.enumerated().map { index, text in
            PlannedEvent(atMs: times[Int((Double(index) * last / steps).rounded())], text: text)
        }
    }

    /// The parsed `data:` payload of one event (its `data:` lines joined), nil for none or `[DONE]`.
    static func payload(of bytes: [UInt8]) -> JSONValue? {
        let text = String(decoding: bytes, as: UTF8.self)
        var data: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.hasPrefix("data:") {
            var rest = line.dropFirst(5)
            if rest.first == " " { rest = rest.dropFirst() }
            if rest.last == "\r" { rest = rest.dropLast() }
            data.append(rest)
        }
        guard !data.isEmpty else { return nil }
        let joined = data.joined(separator: "\n")
        guard joined != "[DONE]", let value = try? JSONValue.parse(joined), value.objectValue != nil else { return nil }
        return value
    }
}

/// What a misbehaviour fault may read of the request: the renderer's input (its tools, response
/// format, model) and the bound on the answer's tokens.
struct AnswerFacts: Sendable {
    var input: SynthesisInput
    var maxTokens: Int?
}
