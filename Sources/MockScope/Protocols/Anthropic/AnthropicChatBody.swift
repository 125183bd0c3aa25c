/// A Messages API body read as the equivalent compatible-mode chat body, the shape the catalog
/// checks and the synthesizer already read: `system` becomes a system message, content blocks
/// become text (images counted), `tool_use` blocks become `tool_calls`, `tool_result` blocks
/// become `tool` messages, `thinking` becomes `enable_thinking`, `stop_sequences` `stop`, and
/// `output_config.format` a `json_schema` `response_format` (the schema the answer follows).
enum AnthropicChatBody {
    /// The chat body for `body` (a Messages request the checks accepted). `info` is the model's
    /// catalog row: without a `thinking` field, only a model that always thinks thinks (the
    /// Messages API's own default is no thinking) [chosen].
    static func chat(from body: JSONValue, info: ModelInfo?) -> JSONValue {
        var chat: [String: JSONValue] = [:]
        chat["model"] = body["model"]
        var messages: [JSONValue] = []
        if let system = systemText(body["system"]), !system.isEmpty {
            messages.append(["role": "system", "content": .string(system)])
        }
        for message in body["messages"]?.arrayValue ?? [] {
            messages.append(contentsOf: chatMessages(message))
        }
        chat["messages"] = .array(messages)
        for (from, to) in [("max_tokens", "max_tokens"), ("temperature", "temperature"), ("top_p", "top_p"), ("top_k", "top_k"),
                           ("stop_sequences", "stop")] {
            if let value = body[from], value != .null { chat[to] = value }
        }
        if let tools = body["tools"]?.arrayValue {
            chat["tools"] = .array(tools.map { tool in
                var function: [String: JSONValue] = ["name": tool["name"] ?? ""]
                if let description = tool["description"] { function["description"] = description }
                if let schema = tool["input_schema"] { function["parameters"] = schema }
                return ["type": "function", "function": .object(function)]
            })
        }
        if let choice = toolChoice(body["tool_choice"]) { chat["tool_choice"] = choice }
        // Anthropic's default: several tool_use blocks may come at once, unless the choice disables it.
        if body["tools"] != nil {
            chat["parallel_tool_calls"] = .bool(body["tool_choice"]?["disable_parallel_tool_use"]?.boolValue != true)
        }
        switch body["thinking"]?["type"]?.stringValue {
        case "enabled"?: chat["enable_thinking"] = true
        case "disabled"?: chat["enable_thinking"] = false
        default: if info?.thinking != .always { chat["enable_thinking"] = false }
        }
        if let schema = body.value(at: "output_config.format.schema") {
            chat["response_format"] = ["type": "json_schema", "json_schema": ["name": "output", "schema": schema]]
        }
        return .object(chat)
    }

    /// `system` as one text: a string, or its text blocks joined with newlines.
    static func systemText(_ system: JSONValue?) -> String? {
        switch system {
        case .string(let text)?: return text
        case .array(let blocks)?: return blocks.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        default: return nil
        }
    }

    /// One Messages API message as chat messages: tool results first (each its own `tool`
    /// message), then the rest of the message.
    private static func chatMessages(_ message: JSONValue) -> [JSONValue] {
        let role = message["role"]?.stringValue ?? "user"
        guard let blocks = message["content"]?.arrayValue else {
            return [["role": .string(role), "content": message["content"] ?? ""]]
        }
        var result: [JSONValue] = []
        var parts: [JSONValue] = []
        var calls: [JSONValue] = []
        for block in blocks {
            switch block["type"]?.stringValue {
            case "text"?:
                parts.append(["type": "text", "text": block["text"] ?? ""])
            case "image"?, "video"?:
                parts.append(["type": "image_url", "image_url": ["url": block.value(at: "source.url") ?? ""]])
            case "tool_use"?:
                let arguments = CanonicalJSON.string(block["input"] ?? [:])
                calls.append(["id": block["id"] ?? "", "type": "function",
                              "function": ["name": block["name"] ?? "", "arguments": .string(arguments)]])
            case "tool_result"?:
                result.append(["role": "tool", "tool_call_id": block["tool_use_id"] ?? "",
                               "content": .string(resultText(block["content"]))])
            default:
                break  // thinking blocks sent back, and blocks DashScope does not support: ignored
            }
        }
        if !parts.isEmpty || !calls.isEmpty {
            var chat: [String: JSONValue] = ["role": .string(role), "content": .array(parts)]
            if !calls.isEmpty { chat["tool_calls"] = .array(calls) }
            result.append(.object(chat))
        }
        return result
    }

    /// A `tool_result`'s content as text: a string, or its text blocks joined.
    private static func resultText(_ content: JSONValue?) -> String {
        switch content {
        case .string(let text)?: return text
        case .array(let blocks)?: return blocks.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
        default: return ""
        }
    }

    /// `tool_choice` in compatible mode's words: `auto`, `any` → `required`, `none`, `tool` → the named function.
    private static func toolChoice(_ choice: JSONValue?) -> JSONValue? {
        switch choice?["type"]?.stringValue {
        case "auto"?: return "auto"
        case "any"?: return "required"
        case "none"?: return "none"
        case "tool"?: return ["type": "function", "function": ["name": choice?["name"] ?? ""]]
        default: return nil
        }
    }
}
