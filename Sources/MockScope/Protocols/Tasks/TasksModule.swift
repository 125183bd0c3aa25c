import MockScopeHTTPTypes

/// DashScope's task API (docs/protocol-notes.md, tasks): `GET /api/v1/tasks/{id}` (a task's
/// status and results), `POST /api/v1/tasks/{id}/cancel` (a pending task only) and `GET
/// /api/v1/tasks` (the list, with its filters and pages). Answered from `TaskStore`, whatever
/// `--unmatched` says; tasks are made by the task-style endpoints (`ImageSynthesisModule`,
/// `VideoSynthesisModule`).
public struct TasksModule: ProtocolModule {
    public static let path = "/api/v1/tasks"
    static let cancelSuffix = "/cancel"

    public init() {}
    public var name: String { "tasks" }
    public var errorProtocol: APIProtocol? { .native }

    public func endpoint(for path: String) -> Endpoint? {
        CollectionPath.endpoint(path, base: Self.path, module: self) {
            !$0.isEmpty && $0.split(separator: "/", omittingEmptySubsequences: false).count <= 2
        }
    }

    /// What a path names: the list, one task, or a task's cancel.
    enum Operation: Equatable {
        case list, query(String), cancel(String)
    }

    static func operation(_ detail: String) -> Operation? {
        if detail.isEmpty { return .list }
        if detail.hasSuffix(cancelSuffix) {
            let id = String(detail.dropLast(cancelSuffix.count))
            return id.isEmpty || id.contains("/") ? nil : .cancel(id)
        }
        return detail.contains("/") ? nil : .query(detail)
    }

    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        guard let operation = Self.operation(endpoint.detail) else { return .refused(ErrorCatalog.invalidURL) }
        let method: String
        if case .cancel = operation { method = "POST" } else { method = "GET" }
        guard request.method == method else { return .refused(ErrorCatalog.methodNotAllowed, message: request.method) }
        return .valid(ValidatedRequest(endpoint: endpoint, body: GenericBody.parse(request.body), stream: false))
    }

    public func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        let store = TaskStore.of(context)
        switch Self.operation(request.endpoint.detail) {
        case .query(let id)?:
            guard let task = store.task(id) else {
                return ChatSynthesis.wholePlan(TaskAnswer.unknown(id, requestID: context.requestID), requestID: context.requestID)
            }
            return ChatSynthesis.wholePlan(TaskAnswer.query(task, at: context.nowMs, requestID: context.requestID), requestID: context.requestID)
        case .cancel(let id)?:
            switch store.cancel(id, at: context.nowMs) {
            case .canceled:
                return ChatSynthesis.wholePlan(#"{"request_id":"\#(context.requestID)"}"#, requestID: context.requestID)
            case .notPending:
                return errorDialect.answer(TaskErrors.notCancelable, requestID: context.requestID)
            case .unknown:
                return errorDialect.answer(TaskErrors.notFound, requestID: context.requestID)
            }
        case .list?:
            switch TaskListQuery.parse(context.request.query) {
            case .success(let query):
                let body = query.answer(store.all(), at: context.nowMs, requestID: context.requestID)
                return ChatSynthesis.wholePlan(body, requestID: context.requestID)
            case .failure(let problem):
                return errorDialect.answer(TaskErrors.badListParameter(problem.message), requestID: context.requestID)
            }
        case nil:
            return nil
        }
    }

    /// One label per operation, not per task id.
    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String {
        switch Self.operation(endpoint.detail) {
        case .query?: Self.path + "/{task_id}"
        case .cancel?: Self.path + "/{task_id}" + Self.cancelSuffix
        default: path
        }
    }

    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) { ("native", "tasks") }
}
