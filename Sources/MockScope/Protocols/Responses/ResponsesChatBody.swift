/// A Responses request read as the chat-completions body the synthesizer and the catalog checks
/// already understand: `instructions` and the conversation's items become `messages` (function
/// calls an assistant turn with `tool_calls`, their outputs `tool` turns), function tools and
/// `tool_choice` chat's, `reasoning.effort` / `enable_thinking` chat's `enable_thinking`, and
/// `text.format` chat's `response_format` when honoured (DashScope ignores it).
enum ResponsesChatBody {
    /// The chat body for `request` (the create body) over `items` (the whole conversation).
    static func make(_ request: JSONValue, items: [JSONValue], honoursTextFormat: Bool) -> JSONValue {
        var body: [String: JSONValue] = [:]
        body["model"] = request["model"]
        var messages: [JSONValue] = []
        if let instructions = request["instructions"]?.stringValue, !instructions.isEmpty {
            messages.append(["role": "system", "content": .string(instructions)])
        }
        var pendingCalls: [JSONValue] = []
        func flushCalls() {
            guard !pendingCalls.isEmpty else { return }
            messages.append(["role": "assistant", "content": "", "tool_calls": .array(pendingCalls)])
            pendingCalls = []
        }
        for item in items {
            switch item["type"]?.stringValue {
            case "function_call":
                pendingCalls.append(["id": item["call_id"] ?? "", "type": "function",
                                     "function": ["name": item["name"] ?? "", "arguments": item["arguments"] ?? "{}"]])
            case "function_call_output":
                flushCalls()
                messages.append(["role": "tool", "tool_call_id": item["call_id"] ?? "", "content": .string(outputText(item["output"]))])
            case "message":
                flushCalls()
                let role = item["role"]?.stringValue == "developer" ? "system" : (item["role"]?.stringValue ?? "user")
                messages.append(["role": .string(role), "content": .array(chatParts(item["content"]))])
            default:
                break  // reasoning and built-in tool items carry nothing the answer reads
            }
        }
        flushCalls()
        body["messages"] = .array(messages)

        let allowed = allowedTools(request["tool_choice"])
        let tools = (request["tools"]?.arrayValue ?? []).compactMap { tool -> JSONValue? in
            guard tool["type"]?.stringValue == "function", let name = tool["name"]?.stringValue else { return nil }
            if let allowed, !allowed.contains(name) { return nil }
            var function: [String: JSONValue] = ["name": .string(name)]
            function["description"] = tool["description"]
            function["parameters"] = tool["parameters"]
            return ["type": "function", "function": .object(function)]
        }
        if !tools.isEmpty { body["tools"] = .array(tools) }
        body["tool_choice"] = toolChoice(request["tool_choice"])
        body["parallel_tool_calls"] = request["parallel_tool_calls"]
        body["enable_thinking"] = thinking(request)
        body["temperature"] = request["temperature"]
        body["top_p"] = request["top_p"]
        if honoursTextFormat, let format = request.value(at: "text.format"), let chat = responseFormat(format) {
            body["response_format"] = chat
        }
        return .object(body)
    }

    /// Chat's `enable_thinking`: `reasoning.effort` wins (`none` is off, any other effort on), else `enable_thinking`.
    static func thinking(_ request: JSONValue) -> JSONValue? {
        if let effort = request.value(at: "reasoning.effort")?.stringValue { return .bool(effort != "none") }
        return request["enable_thinking"]
    }

    /// `tool_choice` in chat's words: strings as they are; `{"type":"function","name"}` a named
    /// function; `allowed_tools` its mode (the tools it allows are kept by `make`).
    static func toolChoice(_ value: JSONValue?) -> JSONValue? {
        switch value {
        case .string?: return value
        case .object?:
            if value?["type"]?.stringValue == "allowed_tools" { return .string(value?["mode"]?.stringValue ?? "auto") }
            if let name = value?["name"]?.stringValue { return ["type": "function", "function": ["name": .string(name)]] }
            return value
        default: return nil
        }
    }

    /// The echo of `tool_choice` in a Response: `auto`, `none` or `required` only (responses §4.2).
    static func echoedToolChoice(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: return ["auto", "none", "required"].contains(text) ? text : "auto"
        case .object?:
            if value?["type"]?.stringValue == "allowed_tools" { return value?["mode"]?.stringValue == "required" ? "required" : "auto" }
            return "required"
        default: return "auto"
        }
    }

    private static func allowedTools(_ value: JSONValue?) -> Set<String>? {
        guard value?["type"]?.stringValue == "allowed_tools", let tools = value?["tools"]?.arrayValue else { return nil }
        return Set(tools.compactMap { $0["name"]?.stringValue })
    }

    private static func responseFormat(_ format: JSONValue) -> JSONValue? {
        switch format["type"]?.stringValue {
        case "json_object"?: return ["type": "json_object"]
        case "json_schema"?:
            var schema: [String: JSONValue] = [:]
            schema["name"] = format["name"]
            schema["schema"] = format["schema"]
            schema["strict"] = format["strict"]
            return ["type": "json_schema", "json_schema": .object(schema)]
        default: return nil
        }
    }

    /// Content parts as chat's: text parts (`input_text`, `output_text`, `text`) keep their text,
    /// images become `image_url` parts.
    private static func chatParts(_ content: JSONValue?) -> [JSONValue] {
        (content?.arrayValue ?? []).compactMap { part in
            if let text = part["text"]?.stringValue { return ["type": "text", "text": .string(text)] }
            if part["type"]?.stringValue == "input_image" || part["type"]?.stringValue == "image_url" {
                return ["type": "image_url", "image_url": ["url": part["image_url"] ?? ""]]
            }
            return nil
        }
    }

    /// A function call's output as text (an array of parts: their texts joined).
    private static func outputText(_ output: JSONValue?) -> String {
        if let text = output?.stringValue { return text }
        return (output?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
    }
}
