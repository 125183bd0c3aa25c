/// How long a created task stays `PENDING`, then `RUNNING`, before it is `SUCCEEDED`, in ms of
/// MockScope's clock (`--task-pending-ms`, `--task-running-ms`; real or virtual).
public struct TaskTimings: Sendable, Equatable {
    public var pendingMs: Double
    public var runningMs: Double

    /// Half a second pending, a second and a half running: the SDK's `wait` (which polls at 0 s,
    /// 1 s, 2 s, ...) sees every status and is done in about two seconds.
    public static let standard = TaskTimings(pendingMs: 500, runningMs: 1500)

    public init(pendingMs: Double, runningMs: Double) {
        self.pendingMs = pendingMs
        self.runningMs = runningMs
    }
}
