import MockScopeHTTPTypes

/// What a module is handed beside a request it answers itself, from its own state or by
/// synthesis: the request as received, its id, MockScope's clock and the modules' state.
public struct ModuleContext: Sendable {
    /// The request as received (method, path, query, headers).
    public let request: HTTPRequest
    /// The request id the answer carries.
    public let requestID: String
    /// MockScope's clock (`--clock virtual` moves it only by `POST /__admin/clock`), in ms.
    public let nowMs: Double
    /// Every stateful module's state.
    public let states: ModuleStateStore
    /// The settings in force.
    public let settings: MockSettings

    public init(request: HTTPRequest, requestID: String, nowMs: Double, states: ModuleStateStore, settings: MockSettings) {
        self.request = request
        self.requestID = requestID
        self.nowMs = nowMs
        self.states = states
        self.settings = settings
    }

    /// Where clients reach this server, from the request's `Host` (for URLs an answer points back
    /// at MockScope with: a task's image, an upload policy).
    public var baseURL: String {
        let host = request.headers["host"] ?? "127.0.0.1"
        return "http://" + host
    }
}
