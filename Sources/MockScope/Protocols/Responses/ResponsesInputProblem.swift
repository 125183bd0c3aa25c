/// Why a Responses request's `input` (or the conversation it continues) cannot be used: the
/// words of DashScope's `[400] <openai code>: <message>` style (the documented missing-parameter
/// wording; the others in OpenAI's words, [chosen]; docs/protocol-notes.md, responses).
struct ResponsesInputProblem: Error, Sendable, Equatable {
    var spec: ErrorSpec
    var message: String

    static func missing(_ parameter: String) -> ResponsesInputProblem {
        ResponsesInputProblem(spec: parameter == "input" ? ErrorCatalog.emptyInput : ErrorCatalog.invalidParameter,
                              message: "[400] missing_required_parameter: Missing required parameter: '\(parameter)'.")
    }

    static func invalidType(_ parameter: String, expected: String, got value: JSONValue) -> ResponsesInputProblem {
        ResponsesInputProblem(spec: ErrorCatalog.invalidParameter,
                              message: "[400] invalid_type: Invalid type for '\(parameter)': expected \(expected), but got \(kind(of: value)) instead.")
    }

    static func invalidValue(_ parameter: String, _ value: String, supported: [String]) -> ResponsesInputProblem {
        let list = supported.map { "'\($0)'" }.joined(separator: ", ")
        return ResponsesInputProblem(spec: ErrorCatalog.invalidParameter,
                                     message: "[400] invalid_value: Invalid value for '\(parameter)': '\(value)'. Supported values are: \(list).")
    }

    static func noCall(for callID: String) -> ResponsesInputProblem {
        ResponsesInputProblem(spec: ErrorCatalog.invalidParameter,
                              message: "[400] invalid_request_error: No tool call found for function call output with call_id \(callID).")
    }

    static func previousResponseNotFound(_ id: String) -> ResponsesInputProblem {
        ResponsesInputProblem(spec: ErrorCatalog.invalidParameter,
                              message: "[400] previous_response_not_found: Previous response with id '\(id)' not found.")
    }

    static func belowMinimum(_ parameter: String, minimum: Int, got value: JSONValue) -> ResponsesInputProblem {
        ResponsesInputProblem(spec: ErrorCatalog.invalidParameter,
                              message: "[400] integer_below_min_value: Invalid '\(parameter)': integer below minimum value. Expected a value >= \(minimum), but got \(CanonicalJSON.string(value)) instead.")
    }

    var validation: Validation { .refused(spec, message: message) }

    private static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
