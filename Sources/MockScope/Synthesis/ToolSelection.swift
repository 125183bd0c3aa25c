/// Which tools a synthesized answer calls, as DashScope's models do under each `tool_choice`:
///
/// - `none`, or no tools: no call.
/// - The user spoke last: a named choice calls that tool; `auto` and `required` call the tool
///   with the best `ToolRelevance` score (ties: the earlier tool); with `parallel_tool_calls: true`
///   every tool scoring at least half the best (and above 0) is called, in the offered order.
/// - A tool result came last: `auto` answers in prose; a named choice calls that tool unless the
///   conversation already called it; `required` calls the finishing tool (`isFinishing`) when one
///   is offered and not yet called, else the best-scoring tool not yet called. A tool the
///   conversation already called is never called again after a result (the answer is then prose),
///   so no loop repeats a call.
struct ToolSelection {
    var input: SynthesisInput
    var chinese: Bool

    /// A call to make: the tool and its arguments.
    struct Planned: Sendable, Equatable {
        var tool: OfferedTool
        var arguments: SchemaInstance
    }

    static let finishingWords: Set<String> = ["final", "submit", "respond", "response", "answer", "finish", "done", "complete", "reply"]

    /// Names like `final_answer`, `final_result`, `submit`, `respond`, `FinalResponse`.
    static func isFinishing(_ name: String) -> Bool {
        FieldMeaning.words(name).contains(where: finishingWords.contains)
    }

    var calls: [Planned] {
        let tools = input.tools
        guard !tools.isEmpty, input.toolChoice != .none, let last = input.turns.last?.role else { return [] }
        let afterResult = last == "tool" || last == "function"
        guard afterResult || last == "user" else { return [] }
        let userText = input.lastUserText
        let hints = UserTextHints(userText: userText, toolResult: afterResult ? resultText : nil)
        func planned(_ tool: OfferedTool) -> Planned {
            Planned(tool: tool, arguments: ToolArguments.instance(for: tool.parameters, chinese: chinese, hints: hints,
                                                                  hash: input.hash.derived("arguments-" + tool.name)))
        }
        let ranked = ToolRelevance.ranked(tools, against: userText)
        let named: OfferedTool? = {
            if case .named(let name) = input.toolChoice { return tools.first { $0.name == name } }
            return nil
        }()

        if !afterResult {
            if let named { return [planned(named)] }
            guard input.parallelToolCalls, ranked[0].score > 0 else { return [planned(ranked[0].tool)] }
            let best = ranked[0].score
            return ranked.filter { $0.score > 0 && $0.score * 2 >= best }.sorted { $0.offset < $1.offset }.map { planned($0.tool) }
        }

        let called = calledNames
        func fresh(_ tool: OfferedTool) -> Planned? { called.contains(tool.name) ? nil : planned(tool) }
        switch input.toolChoice {
        case .named: return named.flatMap(fresh).map { [$0] } ?? []
        case .required:
            if let finishing = ranked.first(where: { Self.isFinishing($0.tool.name) }), let call = fresh(finishing.tool) { return [call] }
            for candidate in ranked { if let call = fresh(candidate.tool) { return [call] } }
            return []
        default:
            return []
        }
    }

    /// The results after the last assistant turn, joined.
    private var resultText: String {
        input.turns.reversed().prefix(while: { $0.role == "tool" || $0.role == "function" }).reversed().map(\.text).joined(separator: "; ")
    }

    /// The functions earlier assistant turns called.
    private var calledNames: Set<String> {
        Set(input.turns.filter { $0.role == "assistant" }.flatMap { $0.toolCalls.map(\.name) })
    }
}
