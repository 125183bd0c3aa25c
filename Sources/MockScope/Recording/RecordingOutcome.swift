import Synchronization

/// What became of a forwarded exchange's recording, told by the recorder when it knows (after the
/// client's copy may have ended): the journal reads it when it is read.
public final class RecordingOutcome: Sendable {
    public enum State: Sendable, Equatable {
        /// The upstream has not finished yet.
        case pending
        /// The upstream's own bytes were written to `file`; `clientCopyChanged`: faults changed
        /// what the client got (never what was recorded).
        case recorded(file: String, clientCopyChanged: Bool)
        case notRecorded(reason: String)
    }

    private let state = Mutex(State.pending)

    public init() {}

    public var current: State { state.withLock { $0 } }

    public func set(_ new: State) { state.withLock { $0 = new } }

    /// One line for the journal.
    public var text: String {
        switch current {
        case .pending: "pending"
        case .recorded(let file, let changed):
            changed ? "recorded the upstream's bytes to \(file) (faults changed only the client's copy)" : "recorded to \(file)"
        case .notRecorded(let reason): "not recorded: \(reason)"
        }
    }
}
