/// Figure 6's request bodies, byte for byte what bench/run's heredoc writes (Python's `json.dump`:
/// `", "` and `": "` separators).
enum SynthesisBodies {
    static let kinds = ["plain", "tools", "schema20", "stream"]

    static let user = #"[{"role": "user", "content": "What is the weather in Tokyo tomorrow, and should I take an umbrella?"}]"#

    static func tool(_ name: String, _ text: String, _ properties: [(String, String)]) -> String {
        let props = properties.map { #""\#($0.0)": \#($0.1)"# }.joined(separator: ", ")
        let required = properties.map { #""\#($0.0)""# }.joined(separator: ", ")
        return #"{"type": "function", "function": {"name": "\#(name)", "description": "\#(text)", "parameters": {"type": "object", "properties": {\#(props)}, "required": [\#(required)]}}}"#
    }

    static var tools: String {
        "[" + [
            tool("get_weather", "Current weather and forecast for a city",
                 [("location", #"{"type": "string"}"#), ("days", #"{"type": "integer", "minimum": 1}"#)]),
            tool("search_web", "Search the web for a query", [("query", #"{"type": "string"}"#)]),
            tool("final_answer", "Give the final answer to the user", [("answer", #"{"type": "string"}"#)]),
        ].joined(separator: ", ") + "]"
    }

    static var schema: String {
        let names = (0..<20).map { "field_" + ($0 < 10 ? "0" : "") + String($0) }
        let fields = names.enumerated().map { i, name -> String in
            let type: String
            switch i % 4 {
            case 0: type = #"{"type": "string"}"#
            case 1: type = #"{"type": "integer", "minimum": 0}"#
            case 2: type = #"{"type": "boolean"}"#
            default: type = #"{"type": "array", "items": {"type": "string"}, "minItems": 1}"#
            }
            return #""\#(name)": \#(type)"#
        }
        let required = names.map { #""\#($0)""# }.joined(separator: ", ")
        return #"{"type": "object", "properties": {\#(fields.joined(separator: ", "))}, "required": [\#(required)], "additionalProperties": false}"#
    }

    static func body(_ kind: String) -> String {
        switch kind {
        case "plain": return #"{"model": "qwen-plus", "messages": \#(user)}"#
        case "tools": return #"{"model": "qwen-plus", "messages": \#(user), "tools": \#(tools)}"#
        case "schema20":
            let messages = #"[{"role": "system", "content": "Answer in JSON."}, "# + user.dropFirst()
            return #"{"model": "qwen-plus", "messages": \#(messages), "response_format": {"type": "json_schema", "json_schema": {"name": "report", "schema": \#(schema), "strict": true}}}"#
        case "stream": return #"{"model": "qwen-plus", "messages": \#(user), "stream": true, "stream_options": {"include_usage": true}}"#
        default: fatalError("--synthesize takes plain, tools, schema20, stream or all, not \(kind)")
        }
    }
}
