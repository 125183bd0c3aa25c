import Synchronization

/// How well a tool fits the user's text: a deterministic lexical score. Each distinct word of the
/// text counts 3 when the tool's name has it, 2 when its description has it, 1 when a parameter's
/// name or description has it. Words are lower-cased, split at `_`/camelCase/punctuation, a
/// plural `s` dropped, common words ignored; Chinese text counts by pairs of ideographs.
enum ToolRelevance {
    /// `tools` best first (ties: the order offered), with their scores against `text`.
    static func ranked(_ tools: [OfferedTool], against text: String) -> [(offset: Int, tool: OfferedTool, score: Int)] {
        let wanted = words(text)  // once for all the tools
        return tools.enumerated()
            .map { (offset: $0.offset, tool: $0.element, score: score($0.element, wanted: wanted)) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.offset < $1.offset }
    }

    /// The tool that fits `text` best (on a tie or all zero, the earliest), nil when none is offered.
    static func best(of tools: [OfferedTool], for text: String) -> OfferedTool? {
        ranked(tools, against: text).first?.tool
    }

    static func score(_ tool: OfferedTool, against text: String) -> Int {
        score(tool, wanted: words(text))
    }

    /// The score for the text's `words`.
    static func score(_ tool: OfferedTool, wanted: Set<String>) -> Int {
        guard !wanted.isEmpty else { return 0 }
        let words = ToolWords.of(tool)
        var score = 0
        for word in wanted {
            if words.name.contains(word) { score += 3 } else if words.description.contains(word) { score += 2 } else if words.parameters.contains(word) { score += 1 }
        }
        return score
    }

    /// A tool's words: of its name, its description, and its parameters' names and descriptions.
    struct ToolWords: Sendable, Equatable {
        var name: Set<String>
        var description: Set<String>
        var parameters: Set<String>

        init(_ tool: OfferedTool) {
            name = words(tool.name)
            description = words(tool.description)
            parameters = words(parameterText(LegacyToolParameters.schema(tool.parameters)))
        }

        /// The tools seen lately, by the whole tool: an agent offers the same ones on every turn, and
        /// their words were most of the ranking's cost (140 k of a 607 k instruction answer with
        /// three tools, callgrind). Emptied when it reaches `knownLimit`.
        private static let known = Mutex<[OfferedTool: ToolWords]>([:])
        static let knownLimit = 256

        /// `ToolWords(tool)`, from `known` when the same tool was offered before.
        static func of(_ tool: OfferedTool) -> ToolWords {
            if let words = known.withLock({ $0[tool] }) { return words }
            let words = ToolWords(tool)
            known.withLock { table in
                if table.count >= knownLimit { table.removeAll(keepingCapacity: true) }
                table[tool] = words
            }
            return words
        }

        static var knownCount: Int { known.withLock { $0.count } }
    }

    static let stopWords: Set<String> = [
        "the", "a", "an", "is", "are", "was", "be", "of", "in", "on", "at", "to", "for", "and", "or", "me", "my", "i", "you",
        "it", "what", "whats", "which", "how", "please", "can", "could", "would", "do", "does", "with", "this", "that", "get",
        "tell", "give", "show", "about", "from", "by", "now", "some", "any", "use", "call", "function", "tool", "value",
        "type", "object", "string", "properties", "required", "description", "title", "s", "now",
    ]

    /// Normalised words and ideograph pairs.
    static func words(_ text: String) -> Set<String> {
        var result: Set<String> = []
        for word in FieldMeaning.words(text) {
            if TextMetrics.containsCJK(word) {
                let scalars = Array(word.unicodeScalars).filter(TextMetrics.isIdeograph)
                if scalars.count == 1 { result.insert(String(Character(scalars[0]))) }
                for index in scalars.indices.dropLast() {
                    var pair = ""
                    pair.unicodeScalars.append(contentsOf: scalars[index...index + 1])
                    result.insert(pair)
                }
                continue
            }
            var normal = word
            if normal.count > 3, normal.hasSuffix("s"), !normal.hasSuffix("ss") { normal.removeLast() }
            if !stopWords.contains(normal) { result.insert(normal) }
        }
        return result
    }

    /// Parameter names and descriptions, one level deep.
    static func parameterText(_ schema: JSONValue?) -> String {
        guard let properties = schema?["properties"]?.objectValue else { return "" }
        return properties.keys.sorted().map { name in name + " " + (properties[name]?["description"]?.stringValue ?? "") }
            .joined(separator: " ")
    }
}
