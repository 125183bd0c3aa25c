/// The error and framing shapes a module's answers take: DashScope speaks two.
public enum APIProtocol: String, Sendable, Codable {
    /// `/compatible-mode/v1/...`: OpenAI's shapes.
    case compatible
    /// `/api/v1/...`: DashScope's own shapes.
    case native
}
