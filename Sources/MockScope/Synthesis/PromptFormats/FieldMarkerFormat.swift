/// Field-marker templates (DSPy's ChatAdapter and its kin): the instructions show sections headed
/// `[[ ## name ## ]]` and end the answer with `[[ ## completed ## ]]`; the output fields are the
/// ones the instructions list as outputs (`Your output fields are:`), else the ones the last user
/// message asks for (`Respond with ... [[ ## field ## ]]`), else the sections it does not fill.
/// Each gets a value of its type: prose, a number, `True`, one of a choice, or JSON conforming to
/// the schema the note gives.
///
/// Agent templates whose choice offers a finishing option (`finish`) pick the first other option
/// (the first tool) until an `observation` section is back, then the finishing one; a free-form
/// dict after such a choice gets that tool's arguments, from the schema the prompt prints.
struct FieldMarkerFormat {
    var outputs: [FieldMarkerField]
    var conversation: PromptConversation

    static let completed = "completed"

    init?(_ conversation: PromptConversation) {
        let text = conversation.instructions
        let sections = Self.sections(in: text)
        guard sections.contains(where: { $0.name == Self.completed }),
              sections.contains(where: { $0.name != Self.completed }) else { return nil }
        self.conversation = conversation

        let annotations = Self.listedOutputs(in: text)
        var names = annotations.map(\.name)
        if names.isEmpty, let request = conversation.latestText.range(of: "Respond with") {
            names = Self.sections(in: String(conversation.latestText[request.lowerBound...])).map(\.name)
        }
        if names.isEmpty {
            let filled = Set(Self.sections(in: conversation.latestText).map(\.name))
            names = sections.map(\.name).filter { !filled.contains($0) }
        }
        var seen: Set<String> = []
        outputs = names.filter { $0 != Self.completed && seen.insert($0).inserted }.map { name in
            let note = sections.first(where: { $0.name == name }).flatMap { section in
                section.value.range(of: "# note:").map { section.value[$0.upperBound...] }
            }
            let annotation = annotations.first(where: { $0.name == name })?.type
            return FieldMarkerField(name: name, kind: FieldMarkerField.kind(note: note, annotation: annotation))
        }
        guard !outputs.isEmpty else { return nil }
    }

    func reply(input: SynthesisInput, phrases: Phrases) -> PromptFormatReply {
        let chinese = input.prefersChinese
        let filled = Self.sections(in: conversation.latestText)
        let question = filled.first(where: { !$0.value.isEmpty && !$0.name.hasPrefix("trajectory") })
            .map { String($0.value) } ?? input.lastUserText
        let observations = filled.filter { $0.name.hasPrefix("observation") }.map { Self.paragraph($0.value) }
        let calledTool = filled.first(where: { $0.name.hasPrefix("tool_name") }).map { String(Self.paragraph($0.value)) }
        let result = observations.first.map(String.init)

        // An agent's choice of tool: the first one until an observation is back, then the finishing one.
        var chosenTool: String?
        for field in outputs {
            guard case .choice(let options) = field.kind, options.contains(where: PromptFormats.finishingNames.contains) else { continue }
            chosenTool = result == nil
                ? options.first(where: { !PromptFormats.finishingNames.contains($0) }) ?? options[0]
                : options.first(where: PromptFormats.finishingNames.contains)
            break
        }
        let callsTool = chosenTool.map { !PromptFormats.finishingNames.contains($0) } ?? false

        let thought: String
        if let result {
            thought = phrases.reasoningAfterTool(result: result)
        } else if callsTool, let chosenTool {
            thought = phrases.reasoningBeforeCall(question: question, tool: chosenTool)
        } else {
            thought = phrases.reasoning(question: question)
        }
        let answer = result.map { phrases.answerFromTool(result: TextMetrics.excerpt($0, limit: SynthesizedAnswer.echoLength), tool: calledTool) }
            ?? phrases.answer(question: TextMetrics.excerpt(question, limit: SynthesizedAnswer.echoLength))

        var text = ""
        for field in outputs {
            let value: String
            switch field.kind {
            case .text:
                let lower = field.name.lowercased()
                value = ["reason", "thought", "rationale"].contains(where: lower.contains) ? thought : answer
            case .integer:
                value = String(input.hash.derived("field-" + field.name).value % 100 + 1)
            case .number:
                value = String(input.hash.derived("field-" + field.name).value % 100 + 1) + ".5"
            case .boolean:
                value = "True"
            case .choice(let options):
                if let chosenTool, options.contains(chosenTool) {
                    value = chosenTool
                } else {
                    value = options[Int(input.hash.derived("field-" + field.name).value % UInt64(options.count))]
                }
            case .schema(let schema):
                if Self.isFreeObject(schema), let chosenTool {
                    value = PromptFormats.arguments(schema: toolSchema(chosenTool), chinese: chinese)
                } else {
                    value = Self.json(for: schema, chinese: chinese)
                }
            }
            text += "[[ ## \(field.name) ## ]]\n\(value)\n\n"
        }
        text += "[[ ## \(Self.completed) ## ]]"
        return PromptFormatReply(content: text, reasoning: thought)
    }

    // MARK: - Reading the template

    struct Section {
        var name: String
        /// The text up to the next marker, trimmed.
        var value: Substring
    }

    /// The `[[ ## name ## ]]` sections of `text` in order.
    static func sections(in text: String) -> [Section] {
        var found: [(name: String, start: String.Index, end: String.Index)] = []
        var rest = text[...]
        while let open = rest.range(of: "[[ ## ") {
            let afterOpen = rest[open.upperBound...]
            let name = afterOpen.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
            guard !name.isEmpty, afterOpen[name.endIndex...].hasPrefix(" ## ]]") else {
                rest = afterOpen
                continue
            }
            let end = afterOpen.index(name.endIndex, offsetBy: " ## ]]".count)
            found.append((String(name), open.lowerBound, end))
            rest = text[end...]
        }
        return found.enumerated().map { index, marker in
            let valueEnd = index + 1 < found.count ? found[index + 1].start : text.endIndex
            return Section(name: marker.name, value: text[marker.end..<valueEnd].trimmingWhite())
        }
    }

    /// `Your output fields are:` followed by ``1. `name` (type): ...`` lines.
    static func listedOutputs(in text: String) -> [(name: String, type: Substring)] {
        guard let heading = text.range(of: "Your output fields are:") else { return [] }
        var listed: [(name: String, type: Substring)] = []
        for line in PromptFormats.trimmedLines(String(text[heading.upperBound...])) {
            let number = line.prefix(while: \.isNumber)
            guard !number.isEmpty, line[number.endIndex...].hasPrefix(". `") else {
                if !listed.isEmpty && (line.isEmpty || line.hasPrefix("All interactions")) { break }
                continue
            }
            let nameStart = line.index(number.endIndex, offsetBy: 3)
            guard let nameEnd = line[nameStart...].firstIndex(of: "`") else { continue }
            var type: Substring = ""
            let afterName = line[line.index(after: nameEnd)...]
            if afterName.hasPrefix(" ("), let close = afterName.firstIndex(of: ")") {
                type = afterName[afterName.index(afterName.startIndex, offsetBy: 2)..<close]
            }
            listed.append((String(line[nameStart..<nameEnd]), type))
        }
        return listed
    }

    /// The first paragraph of a section's value (what follows a blank line is the next request).
    static func paragraph(_ value: Substring) -> Substring {
        value.range(of: "\n\n").map { value[..<$0.lowerBound] } ?? value
    }

    /// The schema the instructions print for tool `name` (DSPy: `(1) name, ... It takes arguments {...}.`).
    func toolSchema(_ name: String) -> JSONValue? {
        for line in PromptFormats.trimmedLines(conversation.instructions) {
            guard line.hasPrefix("("), let close = line.firstIndex(of: ")") else { continue }
            let rest = line[line.index(after: close)...].trimmingWhite()
            guard rest.hasPrefix(name), rest.dropFirst(name.count).first.map({ !$0.isLetter && !$0.isNumber && $0 != "_" }) ?? true,
                  let arguments = rest.range(of: "It takes arguments") else { continue }
            return PythonLiteral.leadingObject(in: rest[arguments.upperBound...])
        }
        return nil
    }

    /// An object schema with no properties of its own (`dict[str, Any]`).
    static func isFreeObject(_ schema: JSONValue) -> Bool {
        SchemaDocument.typeNames(schema["type"]).first { $0 != "null" } == "object" && schema["properties"] == nil
    }

    /// A value for `schema` as JSON text, from the schema-instance generator (any type).
    static func json(for schema: JSONValue, chinese: Bool) -> String {
        var generator = SchemaInstanceGenerator(schema: schema, chinese: chinese, optionalProperties: .requiredOrNamed)
        return generator.instance().text
    }
}
