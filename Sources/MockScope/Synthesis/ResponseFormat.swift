/// What `response_format` asks for (compatible: top level; native: `parameters.response_format`).
enum ResponseFormat: Sendable, Equatable {
    /// Absent or `{"type":"text"}`: prose.
    case text
    /// `{"type":"json_object"}`: a JSON object string (keys from the prompt, `PromptedJSONShape`).
    case jsonObject
    /// `{"type":"json_schema","json_schema":{"name":..,"schema":{..},"strict":..}}`: an instance of the schema.
    case jsonSchema(JSONValue)

    init(_ value: JSONValue?) {
        switch value?["type"]?.stringValue {
        case "json_object"?:
            self = .jsonObject
        case "json_schema"?:
            let wrapper = value?["json_schema"]
            switch wrapper?["schema"] {
            case let schema? where schema.objectValue != nil || schema.boolValue != nil: self = .jsonSchema(schema)
            default: self = .jsonObject
            }
        default:
            self = .text
        }
    }

    var isJSON: Bool { self != .text }
}
