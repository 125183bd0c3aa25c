/// The Messages API's own rules for a request body (docs/protocol-notes.md, anthropic §4 and the
/// "anthropic" section), before the catalog's: each returns the refusal, or nil when the body
/// passes. Field paths in messages are written as the API writes them (`messages.1.content.0`).
enum AnthropicRequestChecks {
    /// Content block types DashScope reads; `thinking`/`redacted_thinking` (sent back by clients)
    /// and the blocks its page lists as unsupported are accepted and ignored [chosen].
    static let readBlocks: Set<String> = ["text", "image", "video", "tool_use", "tool_result"]
    static let ignoredBlocks: Set<String> = [
        "thinking", "redacted_thinking", "document", "search_result", "server_tool_use", "web_search_tool_result",
        "code_execution_tool_result", "mcp_tool_use", "mcp_tool_result", "container_upload",
    ]

    /// Every rule in the order they are checked [chosen order].
    static func refusal(_ object: [String: JSONValue], info: ModelInfo?) -> Validation? {
        maxTokens(object) ?? messages(object["messages"]) ?? system(object["system"]) ?? thinking(object, info: info)
            ?? stopSequences(object["stop_sequences"]) ?? tools(object) ?? outputFormat(object)
    }

    private static func invalid(_ message: String) -> Validation { .refused(ErrorCatalog.invalidParameter, message: message) }

    /// `max_tokens` is required and a positive integer (the doc's own example: `max_tokens: Field required`).
    static func maxTokens(_ object: [String: JSONValue]) -> Validation? {
        guard let value = object["max_tokens"], value != .null else { return invalid("max_tokens: Field required") }
        guard let number = value.numberValue, number == number.rounded() else { return invalid("max_tokens: Input should be a valid integer") }
        if number < 1 { return invalid("max_tokens: Input should be greater than or equal to 1") }
        return nil
    }

    /// `messages`: a non-empty list of `user`/`assistant` messages whose content is a string or
    /// known blocks, each `tool_result` answering a `tool_use` of the message before it, and each
    /// `tool_use` answered in the message after it.
    static func messages(_ value: JSONValue?) -> Validation? {
        guard let value, value != .null else { return .refused(ErrorCatalog.messagesMissing) }
        guard let messages = value.arrayValue else { return invalid("messages: Input should be a valid list") }
        if messages.isEmpty { return .refused(ErrorCatalog.emptyInput) }
        var openCalls: [String] = []
        for (index, message) in messages.enumerated() {
            guard message.objectValue != nil else { return invalid("messages.\(index): Input should be a valid dictionary") }
            let role = message["role"]?.stringValue
            guard role == "user" || role == "assistant" else { return invalid("messages.\(index).role: Input should be 'user' or 'assistant'") }
            var uses: [String] = []
            var results: [String] = []
            switch message["content"] {
            case .string?:
                break
            case .array(let blocks)?:
                for (number, block) in blocks.enumerated() {
                    let at = "messages.\(index).content.\(number)"
                    if let problem = blockProblem(block, at: at, role: role!) { return invalid(problem) }
                    if block["type"]?.stringValue == "tool_use", let id = block["id"]?.stringValue { uses.append(id) }
                    if block["type"]?.stringValue == "tool_result", let id = block["tool_use_id"]?.stringValue { results.append(id) }
                }
            default:
                return invalid("messages.\(index).content: Input should be a valid string or a list of content blocks")
            }
            if let stray = results.first(where: { !openCalls.contains($0) }) {
                return invalid("messages.\(index).content: unexpected `tool_use_id` found in `tool_result` blocks: \(stray). "
                    + "Each `tool_result` block must have a corresponding `tool_use` block in the previous message.")
            }
            let unanswered = openCalls.filter { !results.contains($0) }
            if !unanswered.isEmpty {
                return invalid("messages.\(index): `tool_use` ids were found without `tool_result` blocks immediately after: "
                    + unanswered.joined(separator: ", ") + ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.")
            }
            openCalls = uses
        }
        return nil
    }

    /// What is wrong with one content block, or nil.
    private static func blockProblem(_ block: JSONValue, at path: String, role: String) -> String? {
        guard let type = block["type"]?.stringValue else { return "\(path).type: Field required" }
        if ignoredBlocks.contains(type) { return nil }
        guard readBlocks.contains(type) else {
            return "\(path): Input tag '\(type)' found using 'type' does not match any of the expected tags: "
                + readBlocks.sorted().map { "'\($0)'" }.joined(separator: ", ")
        }
        switch type {
        case "text":
            if block["text"]?.stringValue == nil { return "\(path).text: Field required" }
        case "image", "video":
            guard let source = block["source"]?.objectValue else { return "\(path).source: Field required" }
            switch source["type"]?.stringValue {
            case "url"?: if source["url"]?.stringValue == nil { return "\(path).source.url: Field required" }
            case "base64"?: if source["data"]?.stringValue == nil { return "\(path).source.data: Field required" }
            default: return "\(path).source.type: Input should be 'base64' or 'url'"
            }
        case "tool_use":
            if role != "assistant" { return "\(path): `tool_use` blocks may only appear in assistant messages" }
            if block["id"]?.stringValue?.isEmpty ?? true { return "\(path).id: Field required" }
            if block["name"]?.stringValue?.isEmpty ?? true { return "\(path).name: Field required" }
            if block["input"]?.objectValue == nil { return "\(path).input: Input should be a valid dictionary" }
        case "tool_result":
            if role != "user" { return "\(path): `tool_result` blocks may only appear in user messages" }
            if block["tool_use_id"]?.stringValue?.isEmpty ?? true { return "\(path).tool_use_id: Field required" }
            switch block["content"] {
            case nil, .string?, .array?: break
            default: return "\(path).content: Input should be a valid string or a list of content blocks"
            }
        default:
            break
        }
        return nil
    }

    /// `system`: a string or a list of text blocks.
    static func system(_ value: JSONValue?) -> Validation? {
        switch value {
        case nil, .null?, .string?: return nil
        case .array(let blocks)?:
            for (index, block) in blocks.enumerated() where block["type"]?.stringValue != "text" || block["text"]?.stringValue == nil {
                return invalid("system.\(index): Input should be a text block ({\"type\":\"text\",\"text\":...})")
            }
            return nil
        default:
            return invalid("system: Input should be a valid string or a list of text blocks")
        }
    }

    /// `thinking`: `{"type":"enabled","budget_tokens":N}` or `{"type":"disabled"}`, against what the model can do.
    static func thinking(_ object: [String: JSONValue], info: ModelInfo?) -> Validation? {
        guard let value = object["thinking"], value != .null else { return nil }
        switch value["type"]?.stringValue {
        case "enabled"?:
            guard let budget = value["budget_tokens"] else { return invalid("thinking.enabled.budget_tokens: Field required") }
            guard let number = budget.numberValue, number == number.rounded(), number >= 1 else {
                return invalid("thinking.enabled.budget_tokens: Input should be a positive integer")
            }
            if info?.thinking == .never { return .refused(ErrorCatalog.thinkingUnsupported, message: object["model"]?.stringValue ?? "") }
        case "disabled"?:
            if info?.thinking == .always { return .refused(ErrorCatalog.thinkingRequired) }
        default:
            return invalid("thinking.type: Input should be 'enabled' or 'disabled'")
        }
        return nil
    }

    /// `stop_sequences`: a list of strings.
    static func stopSequences(_ value: JSONValue?) -> Validation? {
        guard let value, value != .null else { return nil }
        guard let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
            return invalid("stop_sequences: Input should be a valid list of strings")
        }
        return nil
    }

    /// `tools`: each with a `name` and an object `input_schema`; `tool_choice` one of `auto`, `any`, `none`, `tool` (with a name).
    static func tools(_ object: [String: JSONValue]) -> Validation? {
        if let tools = object["tools"], tools != .null {
            guard let list = tools.arrayValue else { return invalid("tools: Input should be a valid list") }
            for (index, tool) in list.enumerated() {
                if tool["name"]?.stringValue?.isEmpty ?? true { return invalid("tools.\(index).name: Field required") }
                if tool["input_schema"]?.objectValue == nil { return invalid("tools.\(index).input_schema: Field required") }
            }
        }
        guard let choice = object["tool_choice"], choice != .null else { return nil }
        switch choice["type"]?.stringValue {
        case "auto"?, "any"?, "none"?: return nil
        case "tool"?:
            if choice["name"]?.stringValue?.isEmpty ?? true { return .refused(ErrorCatalog.badToolChoice, message: "tool_choice.tool.name: Field required") }
            return nil
        default:
            return .refused(ErrorCatalog.badToolChoice, message: "Input should be {\"type\": \"auto\" | \"any\" | \"none\" | \"tool\"}")
        }
    }

    /// `output_config.format`: `{"type":"json_schema","schema":{...}}`. Models other than
    /// DeepSeek and GLM degrade it to JSON mode, which needs the word "json" in `system` or
    /// `messages` (anthropic §4).
    static func outputFormat(_ object: [String: JSONValue]) -> Validation? {
        guard let format = object["output_config"]?["format"], format != .null else { return nil }
        guard format["type"]?.stringValue == "json_schema" else {
            return .refused(ErrorCatalog.badResponseFormat, message: "type should be 'json_schema'")
        }
        guard let schema = format["schema"], schema.objectValue != nil else {
            return .refused(ErrorCatalog.badJSONSchema, message: "output_config.format.schema: Field required (a JSON Schema object)")
        }
        if let problem = SchemaCheck.problem(in: schema, at: "output_config.format.schema") {
            return .refused(ErrorCatalog.badJSONSchema, message: problem)
        }
        let model = (object["model"]?.stringValue ?? "").lowercased()
        let strict = model.hasPrefix("deepseek") || model.hasPrefix("glm")
        if !strict, !mentionsJSON(object) { return .refused(ErrorCatalog.jsonModeWithoutJSON) }
        return nil
    }

    /// Whether `system` or any message says "json", in any case.
    static func mentionsJSON(_ object: [String: JSONValue]) -> Bool {
        func says(_ value: JSONValue?) -> Bool {
            switch value {
            case .string(let text)?: return text.lowercased().contains("json")
            case .array(let parts)?: return parts.contains { says($0["text"]) || says($0["content"]) }
            default: return false
            }
        }
        return says(object["system"]) || (object["messages"]?.arrayValue ?? []).contains { says($0["content"]) }
    }
}
