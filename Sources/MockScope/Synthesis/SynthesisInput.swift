/// One conversation turn, reduced to what the synthesizer reads.
struct ConversationTurn: Sendable, Equatable {
    var role: String
    /// The text parts joined with newlines (images and other media are not text).
    var text: String
    /// Image parts (`{"image":...}` native, `{"type":"image_url",...}` compatible).
    var imageCount = 0
    /// Tool messages: the function that produced the result, when the request says.
    var toolName: String?
    var toolCallID: String?
    /// Assistant messages: the calls it made.
    var toolCalls: [MadeCall] = []

    struct MadeCall: Sendable, Equatable {
        var id: String
        var name: String
    }
}

/// A function the request offers the model.
struct OfferedTool: Sendable, Hashable {
    var name: String
    var description = ""
    /// The function's `parameters`: a JSON Schema or the older list style (absent: no arguments).
    var parameters: JSONValue?
}

/// What `tool_choice` asks for.
enum ToolChoice: Sendable, Equatable {
    /// Absent or `"auto"`: the model picks a tool or answers (`ToolSelection`).
    case auto
    /// `"required"`: some tool must be called.
    case required
    case none
    case named(String)

    init(_ value: JSONValue?) {
        switch value {
        case .string("none")?: self = .none
        case .string("required")?: self = .required
        case .object?:
            if let name = value?.value(at: "function.name")?.stringValue ?? value?["name"]?.stringValue {
                self = .named(name)
            } else {
                self = .auto
            }
        default: self = .auto
        }
    }
}

/// A request body read once into the facts every renderer needs.
struct SynthesisInput: Sendable {
    enum Surface: Sendable, Equatable {
        case compatible
        case native(multimodal: Bool)
        case application(id: String)
    }

    var surface: Surface
    /// The model named by the request (`parameters.model` for apps), never empty.
    var model: String
    var turns: [ConversationTurn]
    var tools: [OfferedTool]
    var toolChoice: ToolChoice
    /// `parallel_tool_calls: true`: several tools may be called in one answer.
    var parallelToolCalls: Bool
    /// `response_format` (compatible: top level; native: `parameters`).
    var responseFormat: ResponseFormat
    /// `enable_thinking` (compatible: top level; native: `parameters`); nil when absent.
    var thinkingSetting: Bool?
    /// The catalog's row for `model` (nil: a model the catalog does not know).
    var modelInfo: ModelInfo?
    /// `result_format: "message"` (native).
    var messageFormatRequested: Bool
    /// `parameters.incremental_output: true` (native and apps).
    var incrementalRequested: Bool
    /// `stream_options.include_usage: true` (compatible).
    var includeUsage: Bool
    /// `input.session_id` (apps).
    var sessionID: String?
    /// `stop` (compatible: top level; native: `parameters.stop`): where the content ends.
    var stopSequences: [String]
    /// The hash every deterministic choice derives from: the request without its streaming switches.
    var hash: StableHash

    static let defaultModel = "qwen-plus"

    /// The surface a built-in chat endpoint speaks.
    init(endpoint: Endpoint, body: JSONValue, model: ModelInfo? = nil) {
        let surface: Surface
        switch endpoint.module {
        case is NativeGenerationModule: surface = .native(multimodal: endpoint.detail == NativeGenerationModule.multimodal)
        case is ApplicationModule: surface = .application(id: endpoint.detail)
        default: surface = .compatible
        }
        self.init(surface: surface, body: body, model: model)
    }

    /// `model`: the catalog's row for the body's model (validation found it); nil looks the name
    /// up in the built-in catalog.
    init(surface: Surface, body: JSONValue, model info: ModelInfo? = nil) {
        self.surface = surface
        let parameters = body["parameters"]
        let settings = surface == .compatible ? body : (parameters ?? .null)

        var model = body["model"]?.stringValue ?? ""
        if case .application = surface { model = parameters?["model"]?.stringValue ?? "" }
        self.model = model.isEmpty ? Self.defaultModel : model
        modelInfo = info ?? ModelCatalog.builtIn.model(named: self.model)

        turns = Self.turns(surface: surface, body: body)

        if case .application = surface {
            tools = []
            toolChoice = .auto
            parallelToolCalls = false
            responseFormat = .text
            thinkingSetting = false
        } else {
            tools = (settings["tools"]?.arrayValue ?? []).compactMap(Self.tool)
            toolChoice = ToolChoice(settings["tool_choice"])
            parallelToolCalls = settings["parallel_tool_calls"]?.boolValue == true
            responseFormat = ResponseFormat(settings["response_format"])
            thinkingSetting = settings["enable_thinking"]?.boolValue
        }
        messageFormatRequested = parameters?["result_format"]?.stringValue == "message"
        incrementalRequested = surface != .compatible && parameters?["incremental_output"]?.boolValue == true
        includeUsage = surface == .compatible && body["stream_options"]?["include_usage"]?.boolValue == true
        sessionID = body["input"]?["session_id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        stopSequences = StopSequences.strings(in: settings["stop"])
        var hash = StableHash(Self.surfaceTag(surface) + "\n")
        hash.add(bytes: CanonicalJSON.bytes(Self.withoutStreamingSwitches(body)))
        self.hash = hash
    }

    /// The body without `stream`, `stream_options` and `parameters.incremental_output` (what
    /// `removing(path:)` of each gives, without splitting the paths and copying the body thrice).
    private static func withoutStreamingSwitches(_ body: JSONValue) -> JSONValue {
        guard case .object(var members) = body else { return body }
        members["stream"] = nil
        members["stream_options"] = nil
        if case .object(var parameters)? = members["parameters"], parameters["incremental_output"] != nil {
            parameters["incremental_output"] = nil
            members["parameters"] = .object(parameters)
        }
        return .object(members)
    }

    /// The `created` time of compatible answers: a fixed epoch plus up to a year, from the hash.
    var created: Int { 1_735_000_000 + Int(hash.derived("created").value % 31_536_000) }

    /// Whether the answer starts with reasoning: the catalog's thinking default for the model
    /// (Qwen3.5 and later, QwQ, QVQ think unless told not to, where they may be), else `enable_thinking`.
    var thinks: Bool {
        if case .application = surface { return false }
        return modelInfo?.thinks(enableThinking: thinkingSetting) ?? (thinkingSetting ?? false)
    }

    /// The prompt's tokens as the synthesizer counts them (`usage`), for the context-window check.
    var estimatedInputTokens: Int { Self.estimatedInputTokens(turns, surface: surface) }

    /// `estimatedInputTokens` of the input `body` makes, reading only its turns (validation checks
    /// every request's length; building the whole input there cost a sixth of a plain answer).
    static func estimatedInputTokens(surface: Surface, body: JSONValue) -> Int {
        estimatedInputTokens(turns(surface: surface, body: body), surface: surface)
    }

    private static func estimatedInputTokens(_ turns: [ConversationTurn], surface: Surface) -> Int {
        let units = turns.reduce(0) { $0 + TextMetrics.tokenUnits($1.text) }
        let images = turns.reduce(0) { $0 + $1.imageCount }
        return TextMetrics.tokens(units: units) + SynthesizedAnswer.promptOverhead
            + (surface == .native(multimodal: true) ? images * SynthesizedAnswer.tokensPerImage : 0)
    }

    /// The conversation: compatible `messages`; native and apps `input.messages`, then `input.prompt`.
    private static func turns(surface: Surface, body: JSONValue) -> [ConversationTurn] {
        guard surface != .compatible else { return turns(body["messages"]) }
        var turns = turns(body.value(at: "input.messages"))
        if let prompt = body.value(at: "input.prompt")?.stringValue, !prompt.isEmpty {
            turns.append(ConversationTurn(role: "user", text: prompt))
        }
        return turns
    }

    var isMultimodal: Bool { surface == .native(multimodal: true) }

    /// The last user turn's text ("" when there is none).
    var lastUserText: String { turns.last(where: { $0.role == "user" })?.text ?? "" }

    /// Whether the answer is written in Chinese: the last user text (else any text) has CJK.
    var prefersChinese: Bool {
        let user = lastUserText
        if !user.isEmpty { return TextMetrics.containsCJK(user) }
        return turns.contains { TextMetrics.containsCJK($0.text) }
    }

    /// Images across all turns.
    var imageCount: Int { turns.reduce(0) { $0 + $1.imageCount } }

    private static func surfaceTag(_ surface: Surface) -> String {
        switch surface {
        case .compatible: return "compatible"
        case .native(let multimodal): return multimodal ? "native-multimodal" : "native"
        case .application(let id): return "app:" + id
        }
    }

    /// A tool of `tools` (`{"type":"function","function":{...}}` or the function itself).
    static func tool(_ value: JSONValue) -> OfferedTool? {
        let function = value["function"] ?? value
        guard let name = function["name"]?.stringValue, !name.isEmpty else { return nil }
        return OfferedTool(name: name, description: function["description"]?.stringValue ?? "", parameters: function["parameters"])
    }

    private static func turns(_ value: JSONValue?) -> [ConversationTurn] {
        (value?.arrayValue ?? []).compactMap { message in
            guard case .object = message else { return nil }
            var turn = ConversationTurn(role: message["role"]?.stringValue ?? "user", text: "")
            switch message["content"] {
            case .string(let text)?:
                turn.text = text
            case .array(let parts)?:
                var texts: [String] = []
                for part in parts {
                    if let text = part["text"]?.stringValue {
                        texts.append(text)
                    } else if part["image"] != nil || part["type"]?.stringValue == "image_url" {
                        turn.imageCount += 1
                    }
                }
                turn.text = texts.joined(separator: "\n")
            default:
                break
            }
            turn.toolName = message["name"]?.stringValue
            turn.toolCallID = message["tool_call_id"]?.stringValue
            for call in message["tool_calls"]?.arrayValue ?? [] {
                turn.toolCalls.append(ConversationTurn.MadeCall(
                    id: call["id"]?.stringValue ?? "", name: call.value(at: "function.name")?.stringValue ?? ""))
            }
            return turn
        }
    }
}
