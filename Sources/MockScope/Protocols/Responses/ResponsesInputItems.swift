/// A create request's `input` read into the items DashScope stores and lists (`input_items`):
/// each an object with an `id` (`msg_…` where the client gave none) and, for messages, content as
/// parts (`input_text` / `output_text`) and `status: "completed"`. Checks the shape of every item.
enum ResponsesInputItems {
    /// The item types this path accepts (docs/protocol-notes.md, responses §3.1).
    static let types = ["message", "function_call", "function_call_output", "reasoning", "web_search_call"]
    static let roles = ["user", "assistant", "system", "developer"]

    /// `input` (a string or an array of items) as items; `hash` names the ids it adds.
    static func read(_ input: JSONValue?, hash: StableHash) -> Result<[JSONValue], ResponsesInputProblem> {
        switch input {
        case nil, .null?:
            return .failure(.missing("input"))
        case .string(let text)?:
            return .success([message(role: "user", parts: [part("input_text", text)], id: ResponsesIDs.item(hash.derived("input-0")))])
        case .array(let items)?:
            var read: [JSONValue] = []
            for (index, item) in items.enumerated() {
                switch self.item(item, at: "input[\(index)]", id: ResponsesIDs.item(hash.derived("input-\(index)"))) {
                case .success(let value): read.append(value)
                case .failure(let problem): return .failure(problem)
                }
            }
            return .success(read)
        case let other?:
            return .failure(.invalidType("input", expected: "one of a string or array of input items", got: other))
        }
    }

    /// Every `function_call_output` answers a `function_call` made just before it: among the
    /// calls and outputs that immediately precede it (DashScope: it "must immediately follow its
    /// function_call").
    static func checkCallOutputs(_ items: [JSONValue]) -> ResponsesInputProblem? {
        for (index, item) in items.enumerated() where item["type"]?.stringValue == "function_call_output" {
            let callID = item["call_id"]?.stringValue ?? ""
            var cursor = index - 1
            var found = false
            while cursor >= 0, let type = items[cursor]["type"]?.stringValue, type == "function_call" || type == "function_call_output" {
                if type == "function_call", items[cursor]["call_id"]?.stringValue == callID { found = true }
                cursor -= 1
            }
            if !found { return .noCall(for: callID) }
        }
        return nil
    }

    private static func item(_ value: JSONValue, at field: String, id: String) -> Result<JSONValue, ResponsesInputProblem> {
        guard case .object(var members) = value else {
            return .failure(.invalidType(field, expected: "an input item object", got: value))
        }
        let type = members["type"]?.stringValue ?? (members["role"] != nil ? "message" : "")
        guard !type.isEmpty else { return .failure(.missing(field + ".type")) }
        guard types.contains(type) else { return .failure(.invalidValue(field + ".type", type, supported: types)) }
        if members["id"]?.stringValue == nil { members["id"] = .string(id) }
        members["type"] = .string(type)
        switch type {
        case "message":
            guard let role = members["role"]?.stringValue else { return .failure(.missing(field + ".role")) }
            guard roles.contains(role) else { return .failure(.invalidValue(field + ".role", role, supported: roles)) }
            switch members["content"] {
            case .string(let text)?:
                members["content"] = .array([part(role == "assistant" ? "output_text" : "input_text", text)])
            case .array(let parts)?:
                for (number, part) in parts.enumerated() {
                    guard part.objectValue != nil else {
                        return .failure(.invalidType("\(field).content[\(number)]", expected: "a content part object", got: part))
                    }
                    guard part["type"]?.stringValue != nil else { return .failure(.missing("\(field).content[\(number)].type")) }
                }
            case nil, .null?:
                return .failure(.missing(field + ".content"))
            case let other?:
                return .failure(.invalidType(field + ".content", expected: "one of a string or array of content parts", got: other))
            }
            if members["status"] == nil { members["status"] = "completed" }
        case "function_call":
            for name in ["call_id", "name", "arguments"] where members[name]?.stringValue == nil {
                return .failure(members[name] == nil ? .missing("\(field).\(name)")
                                                     : .invalidType("\(field).\(name)", expected: "a string", got: members[name]!))
            }
        case "function_call_output":
            guard members["call_id"]?.stringValue != nil else { return .failure(.missing(field + ".call_id")) }
            guard let output = members["output"] else { return .failure(.missing(field + ".output")) }
            guard output.stringValue != nil || output.arrayValue != nil else {
                return .failure(.invalidType(field + ".output", expected: "a string", got: output))
            }
        default:
            break
        }
        return .success(.object(members))
    }

    static func part(_ type: String, _ text: String) -> JSONValue {
        type == "output_text" ? ["type": .string(type), "text": .string(text), "annotations": []] : ["type": .string(type), "text": .string(text)]
    }

    static func message(role: String, parts: [JSONValue], id: String) -> JSONValue {
        ["id": .string(id), "type": "message", "role": .string(role), "status": "completed", "content": .array(parts)]
    }
}
