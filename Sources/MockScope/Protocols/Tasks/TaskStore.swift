import Synchronization

/// Every task created since the server started (or since `POST /__admin/reset`), in creation
/// order: the state the task endpoints answer from.
final class TaskStore: ModuleState {
    /// The name the store is kept under in `ModuleStateStore` (every module that makes or reads
    /// tasks asks for this one).
    static let stateName = "tasks"

    private struct Tasks {
        var byID: [String: AsyncTask] = [:]
        var order: [String] = []
    }
    private let tasks = Mutex(Tasks())

    /// The store in `context`'s module states.
    static func of(_ context: ModuleContext) -> TaskStore { context.states.state(stateName, make: TaskStore.init) }

    /// How many tasks were created: the next task's sequence number (ids stay distinct and
    /// reproducible for a repeated sequence of requests).
    var count: Int { tasks.withLock { $0.order.count } }

    func add(_ task: AsyncTask) {
        tasks.withLock { tasks in
            if tasks.byID[task.id] == nil { tasks.order.append(task.id) }
            tasks.byID[task.id] = task
        }
    }

    func task(_ id: String) -> AsyncTask? { tasks.withLock { $0.byID[id] } }

    /// Every task, oldest first.
    func all() -> [AsyncTask] { tasks.withLock { tasks in tasks.order.compactMap { tasks.byID[$0] } } }

    /// What a cancel request did.
    enum CancelOutcome { case canceled, notPending(TaskStatus), unknown }

    /// Cancels the task when it is still pending at `nowMs`.
    func cancel(_ id: String, at nowMs: Double) -> CancelOutcome {
        tasks.withLock { tasks in
            guard var task = tasks.byID[id] else { return .unknown }
            let status = task.status(at: nowMs)
            guard status == .pending else { return .notPending(status) }
            task.canceledMs = nowMs
            tasks.byID[id] = task
            return .canceled
        }
    }

    func reset() { tasks.withLock { $0 = Tasks() } }
}
