/// Settings that a running server may change.
public struct MockSettings: Sendable {
    /// 1 = recorded timing, 2 = twice as fast, 0 = no delays.
    public var speed: Double = 1
    public var unmatched: UnmatchedPolicy = .error
    /// Keys accepted in `Authorization: Bearer`; empty = any non-empty key.
    public var apiKeys: Set<String> = []
    /// When set, every `/__admin/` request must carry it (`Authorization: Bearer` or `X-MockScope-Admin-Token`).
    public var adminToken: String?
    /// Faults applied to every protocol request (e.g. `--rate-limit`), before scenarios'.
    public var globalFaults: [any Fault] = []
    /// When to forward to the real service and record (needs a forwarder attached).
    public var record: RecordMode = .none
    /// Refuse protocol requests a web page could send (`BrowserGuard`); `--allow-browser-requests` clears it.
    public var refusesBrowserRequests = true
    /// The server listens on loopback only: a request must then name it by a loopback `Host`
    /// (DNS rebinding). The runtime sets it from the bind address.
    public var boundToLoopback = true
    /// The models chat requests are checked against (`--models`, fixtures folders' `models.yaml`).
    public var catalog: ModelCatalog = .builtIn
    /// What a model the catalog does not know gets (`--unknown-models`).
    public var unknownModels: UnknownModelPolicy = .accept
    /// The Responses API's store and stream options (`--responses-...`).
    public var responses = ResponsesSettings()
    /// How long a created task is pending, then running (`--task-pending-ms`, `--task-running-ms`).
    public var taskTimings: TaskTimings = .standard

    /// What the protocol modules' `validate` reads from the settings.
    var validationContext: ValidationContext { ValidationContext(catalog: catalog, unknownModels: unknownModels) }

    public init(speed: Double = 1, unmatched: UnmatchedPolicy = .error, apiKeys: Set<String> = [], globalFaults: [any Fault] = []) {
        self.speed = speed
        self.unmatched = unmatched
        self.apiKeys = apiKeys
        self.globalFaults = globalFaults
    }

    /// Whether `key` (from `Authorization: Bearer`) is one this server accepts.
    func accepts(_ key: String?) -> Bool {
        guard let key else { return false }
        return apiKeys.isEmpty || apiKeys.contains(key)
    }
}
