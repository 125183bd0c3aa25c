/// Where an asynchronous task is (`output.task_status`; dashscope `common/constants.py` TaskStatus,
/// docs/protocol-notes.md, tasks).
public enum TaskStatus: String, Sendable, CaseIterable {
    case pending = "PENDING"
    case running = "RUNNING"
    case succeeded = "SUCCEEDED"
    case failed = "FAILED"
    case canceled = "CANCELED"
    case unknown = "UNKNOWN"

    /// A status the SDK's `wait` stops polling at.
    public var isFinal: Bool { self != .pending && self != .running }
}
