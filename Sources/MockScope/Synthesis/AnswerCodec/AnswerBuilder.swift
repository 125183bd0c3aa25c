/// Gathers a streamed answer's pieces (reasoning, text, tool-call fragments by index) into a
/// `SynthesizedAnswer`.
struct AnswerBuilder {
    var reasoning = ""
    var content = ""
    var calls: [Int: SynthesizedToolCall] = [:]
    var inputTokens = 0
    var stoppedByLength = false

    /// One tool-call fragment: the opening one names the call (a later fragment's empty id or
    /// missing name keeps the first).
    mutating func addCall(index: Int, id: String?, name: String?, arguments: String) {
        var call = calls[index] ?? SynthesizedToolCall(id: "", name: "", arguments: "")
        if let id, !id.isEmpty, call.id.isEmpty { call.id = id }
        if let name, !name.isEmpty, call.name.isEmpty { call.name = name }
        call.arguments += arguments
        calls[index] = call
    }

    /// Sets a call whole (a cumulative stream's latest state, or a whole body's).
    mutating func setCall(index: Int, id: String, name: String, arguments: String) {
        calls[index] = SynthesizedToolCall(id: id, name: name, arguments: arguments)
    }

    var answer: SynthesizedAnswer {
        SynthesizedAnswer(reasoning: reasoning, content: content, toolCalls: calls.keys.sorted().compactMap { calls[$0] },
                          inputTokens: inputTokens, stoppedByLength: stoppedByLength)
    }
}

extension JSONValue {
    /// An integer value (`index`, token counts), nil when not a number.
    var intValue: Int? { numberValue.map { Int($0) } }
}
