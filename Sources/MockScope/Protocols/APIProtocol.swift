/// The protocols DashScope speaks; each has its own error dialect.
public enum APIProtocol: String, Sendable, Codable {
    /// `/compatible-mode/v1/...`: OpenAI's shapes.
    case compatible
    /// `/api/v1/...`: DashScope's own shapes.
    case native
    /// `/apps/anthropic/v1/...`: Anthropic's Messages API shapes.
    case anthropic
}

extension APIProtocol {
    /// The error dialect DashScope speaks in this protocol.
    public var errorDialect: any ErrorDialect {
        switch self {
        case .compatible: CompatibleErrorDialect()
        case .native: NativeErrorDialect()
        case .anthropic: AnthropicErrorDialect()
        }
    }
}
