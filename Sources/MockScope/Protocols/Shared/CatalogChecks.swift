/// The refusals both chat protocols share, from the model catalog (docs/protocol-notes.md,
/// errors §1–§6): each returns the real service's refusal, or nil when the call passes. The
/// modules call them in the order the comment in `all` gives, around their own rules.
enum CatalogChecks {
    /// The model, when `--unknown-models reject` and the catalog does not know it: the dialect's
    /// model-not-found error with the name filled in.
    static func unknownModel(_ call: ChatCall, context: ValidationContext, dialect: any ErrorDialect) -> Validation? {
        guard call.info == nil, context.unknownModels == .reject else { return nil }
        let stated = dialect.stated(ErrorCatalog.modelNotFound, message: nil, model: call.model)
        return .refused(ErrorCatalog.modelNotFound, message: stated.message)
    }

    /// Stream-only models; `enable_thinking` against what the model can do; thinking on a non-stream call.
    static func streamingAndThinking(_ call: ChatCall) -> Validation? {
        if let info = call.info {
            if info.streamOnly, !call.stream { return .refused(ErrorCatalog.streamOnly) }
            if info.thinking == .always, call.enableThinking == false { return .refused(ErrorCatalog.thinkingRequired) }
            if info.thinking == .never, call.enableThinking == true {
                return .refused(ErrorCatalog.thinkingUnsupported, message: call.model)
            }
        }
        if call.thinks, !call.stream, call.info?.nonStreamThinking != true { return .refused(ErrorCatalog.thinkingNonStream) }
        return nil
    }

    /// `response_format`: its shape, a valid schema, JSON mode's word "json" and no thinking.
    static func responseFormat(_ call: ChatCall) -> Validation? {
        guard let format = call.settings["response_format"], format != .null else { return nil }
        guard let object = format.objectValue, let type = object["type"]?.stringValue,
              ["text", "json_object", "json_schema"].contains(type) else {
            let type = format.objectValue?["type"]
            let given = type?.stringValue ?? type.map(CanonicalJSON.string) ?? CanonicalJSON.string(format)
            return .refused(ErrorCatalog.badResponseFormat, message: given)
        }
        if type == "json_schema" {
            guard let wrapper = object["json_schema"]?.objectValue else {
                return .refused(ErrorCatalog.badJSONSchema, message: "response_format.json_schema must be an object with a `schema` (type json_schema)")
            }
            if let schema = wrapper["schema"], let problem = SchemaCheck.problem(in: schema, at: "response_format.json_schema.schema") {
                return .refused(ErrorCatalog.badJSONSchema, message: problem)
            }
        }
        guard type != "text" else { return nil }
        if call.thinks { return .refused(ErrorCatalog.jsonModeWithThinking) }
        if type == "json_object", !mentionsJSON(call.body) { return .refused(ErrorCatalog.jsonModeWithoutJSON) }
        return nil
    }

    /// Each tool's `parameters` is a schema; `tool_choice` is a known string or an object, and
    /// neither `required` nor an object in thinking mode.
    static func tools(_ call: ChatCall) -> Validation? {
        for (index, tool) in (call.settings["tools"]?.arrayValue ?? []).enumerated() {
            let function = tool["function"] ?? tool
            let field = tool["function"] != nil ? "tools[\(index)].function.parameters" : "tools[\(index)].parameters"
            guard let parameters = function["parameters"], parameters != .null else { continue }
            if case .array(let items) = parameters {
                // DashScope's older list style: `[{"name": ..., "type": ..., "required": true}]`.
                if let bad = items.firstIndex(where: { $0["name"]?.stringValue == nil }) {
                    return .refused(ErrorCatalog.badToolParameters, message: "\(field)[\(bad)] must be an object with a `name`")
                }
                continue
            }
            if let problem = SchemaCheck.problem(in: parameters, at: field, requireObject: true) {
                return .refused(ErrorCatalog.badToolParameters, message: problem)
            }
        }
        switch call.settings["tool_choice"] {
        case .string(let choice)?:
            guard ["none", "auto", "required"].contains(choice) else { return .refused(ErrorCatalog.badToolChoice) }
            if choice == "required", call.thinks { return .refused(ErrorCatalog.toolChoiceInThinking) }
        case .object?:
            if call.thinks { return .refused(ErrorCatalog.toolChoiceInThinking) }
        case nil, .null?:
            break
        default:
            return .refused(ErrorCatalog.badToolChoice)
        }
        return nil
    }

    /// The prompt against the model's input limit (the synthesizer's token estimate) and
    /// `max_tokens` against its output limit.
    static func lengths(_ call: ChatCall) -> Validation? {
        if let maxTokens = call.settings["max_tokens"], maxTokens != .null {
            let limit = call.info?.maxOutput ?? Int.max
            guard let value = maxTokens.numberValue, value == value.rounded(), value >= 1, value <= Double(limit) else {
                return .refused(ErrorCatalog.maxTokensOutOfRange, message: call.info.map { String($0.maxOutput) } ?? "xxx")
            }
        }
        if let info = call.info, info.maxInput > 0, !call.withinInputLimitByItsSize(info.maxInput) {
            let tokens = SynthesisInput.estimatedInputTokens(surface: call.surface, body: call.body)
            if tokens > info.maxInput { return .refused(ErrorCatalog.inputTooLong, message: String(info.maxInput)) }
        }
        return nil
    }

    /// The sampling parameters against their ranges (the model's own, else the protocol's defaults).
    static func ranges(_ call: ChatCall) -> Validation? {
        for name in ["temperature", "top_p", "top_k", "presence_penalty", "n", "seed", "top_logprobs"] {
            guard let value = call.settings[name], value != .null else { continue }
            let range = call.info?.range(of: name, surface: call.ranges) ?? ParameterRange.defaults(for: call.ranges)[name]
            guard let range else { continue }
            let spec = name == "seed" && call.ranges == .compatible ? ErrorCatalog.seedOutOfRange : ErrorCatalog.parameterOutOfRange
            guard let number = value.numberValue, !range.integer || number == number.rounded() else {
                return .refused(spec, message: "'\(name)' must be \(range.integer ? "Integer" : "Float")")
            }
            if !range.contains(number) { return .refused(spec, message: range.refusal(name, value: number, surface: call.ranges)) }
        }
        return nil
    }

    /// Whether any message (any role) says "json", in any case: JSON-object mode needs it.
    static func mentionsJSON(_ body: JSONValue) -> Bool {
        let messages = body["messages"]?.arrayValue ?? body.value(at: "input.messages")?.arrayValue ?? []
        func says(_ value: JSONValue?) -> Bool {
            switch value {
            case .string(let text)?: return text.lowercased().contains("json")
            case .array(let parts)?: return parts.contains { says($0["text"]) }
            default: return false
            }
        }
        return messages.contains { says($0["content"]) } || says(body.value(at: "input.prompt"))
    }
}
