/// The two protocols DashScope speaks.
public enum APIProtocol: String, Sendable, Codable {
    /// `/compatible-mode/v1/...`: OpenAI's shapes.
    case compatible
    /// `/api/v1/...`: DashScope's own shapes.
    case native
}

/// What a request's path names, as far as MockScope needs to know.
public enum Endpoint: Sendable, Equatable {
    case compatibleChat
    case compatibleModels
    /// Another path under `/compatible-mode/v1` (embeddings, ...): replayed generically.
    case compatibleOther
    case nativeGeneration(multimodal: Bool)
    case application(id: String)
    /// Another path under `/api/v1` (embeddings, tasks, ...): replayed generically.
    case nativeOther
    /// MockScope's own routes.
    case admin
    /// A path no protocol owns.
    case unknown

    public static let compatiblePrefix = "/compatible-mode/v1/"
    public static let nativePrefix = "/api/v1/"

    public init(path: String) {
        // The paths nearly every request names, compared whole first (one memcmp).
        switch path {
        case "/compatible-mode/v1/chat/completions": self = .compatibleChat; return
        case "/api/v1/services/aigc/text-generation/generation": self = .nativeGeneration(multimodal: false); return
        case "/api/v1/services/aigc/multimodal-generation/generation": self = .nativeGeneration(multimodal: true); return
        default: break
        }
        if path.hasPrefix(Endpoint.compatiblePrefix) {
            switch path.dropFirst(Endpoint.compatiblePrefix.count) {
            case "chat/completions": self = .compatibleChat
            case "models": self = .compatibleModels
            default: self = .compatibleOther
            }
        } else if path.hasPrefix(Endpoint.nativePrefix) {
            let rest = path.dropFirst(Endpoint.nativePrefix.count)
            if rest == "services/aigc/text-generation/generation" {
                self = .nativeGeneration(multimodal: false)
            } else if rest == "services/aigc/multimodal-generation/generation" {
                self = .nativeGeneration(multimodal: true)
            } else if rest.hasPrefix("apps/"), rest.hasSuffix("/completion") {
                let id = rest.dropFirst("apps/".count).dropLast("/completion".count)
                self = id.isEmpty || id.contains("/") ? .nativeOther : .application(id: String(id))
            } else {
                self = .nativeOther
            }
        } else if path.hasPrefix("/__admin/") || path == "/__admin" {
            self = .admin
        } else {
            self = .unknown
        }
    }

    /// The protocol whose error shapes this path uses.
    public var apiProtocol: APIProtocol? {
        switch self {
        case .compatibleChat, .compatibleModels, .compatibleOther: return .compatible
        case .nativeGeneration, .application, .nativeOther: return .native
        case .admin, .unknown: return nil
        }
    }

    /// The method the real service answers on this path, when MockScope knows it.
    public var expectedMethod: String? {
        switch self {
        case .compatibleChat, .nativeGeneration, .application: return "POST"
        case .compatibleModels: return "GET"
        default: return nil
        }
    }

    /// Whether the path is one of the chat-like endpoints whose body MockScope understands.
    public var isGeneration: Bool {
        switch self {
        case .compatibleChat, .nativeGeneration, .application: return true
        default: return false
        }
    }
}
