/// One batch as MockScope keeps it. Its status follows from its times on MockScope's clock: it
/// validates for the tasks' pending time, runs for their running time, finalizes for the pending
/// time again, then is completed (`TaskTimings`); a cancel makes it `cancelling` for the pending
/// time, then `cancelled`.
struct Batch: Sendable {
    let id: String
    let inputFileID: String
    let endpoint: String
    let completionWindow: String
    /// The window in seconds (`expires_at`).
    let windowSeconds: Int
    /// `metadata` as sent (an object), or nil.
    let metadata: JSONValue?
    let createdMs: Double
    let timings: TaskTimings
    /// The input's lines as answered: one output line each, or one error line.
    let outcome: BatchOutcome
    var cancelledMs: Double?
    /// Set once completed and the files exist in `FileStore`.
    var outputFileID: String?
    var errorFileID: String?

    var inProgressMs: Double { createdMs + timings.pendingMs }
    var finalizingMs: Double { inProgressMs + timings.runningMs }
    var completedMs: Double { finalizingMs + timings.pendingMs }
    var cancelledDoneMs: Double? { cancelledMs.map { $0 + timings.pendingMs } }

    func status(at nowMs: Double) -> BatchStatus {
        if let cancelledMs, nowMs >= cancelledMs { return nowMs >= cancelledMs + timings.pendingMs ? .cancelled : .cancelling }
        if nowMs < inProgressMs { return .validating }
        if nowMs < finalizingMs { return .inProgress }
        if nowMs < completedMs { return .finalizing }
        return .completed
    }

    /// The batch object at `nowMs`.
    func json(at nowMs: Double) -> String {
        let status = status(at: nowMs)
        func stamp(_ ms: Double?, _ reached: Bool) -> JSONValue {
            guard reached, let ms else { return .null }
            return .number(Double(MockTime.unixSeconds(ms)))
        }
        let started = status != .validating && (cancelledMs.map { $0 > inProgressMs } ?? true)
        let finalizing = [.finalizing, .completed].contains(status)
        var writer = JSONWriter()
        writer.object { o in
            o.field("id", string: id)
            o.field("object", string: "batch")
            o.field("endpoint", string: endpoint)
            o.field("errors", .null)
            o.field("input_file_id", string: inputFileID)
            o.field("completion_window", string: completionWindow)
            o.field("status", string: status.rawValue)
            o.field("output_file_id", string: status == .completed ? outputFileID : nil)
            o.field("error_file_id", string: status == .completed ? errorFileID : nil)
            o.field("created_at", .number(Double(MockTime.unixSeconds(createdMs))))
            o.field("in_progress_at", stamp(inProgressMs, started))
            o.field("expires_at", .number(Double(MockTime.unixSeconds(createdMs) + windowSeconds)))
            o.field("finalizing_at", stamp(finalizingMs, finalizing))
            o.field("completed_at", stamp(completedMs, status == .completed))
            o.field("failed_at", .null)
            o.field("expired_at", .null)
            o.field("cancelling_at", stamp(cancelledMs, cancelledMs != nil))
            o.field("cancelled_at", stamp(cancelledDoneMs, status == .cancelled))
            o.field("request_counts", object: { c in
                let counted = status != .validating
                c.field("total", .number(Double(counted ? outcome.total : 0)))
                c.field("completed", .number(Double(status == .completed ? outcome.completed.count : 0)))
                c.field("failed", .number(Double(status == .completed ? outcome.failed.count : 0)))
            })
            o.field("metadata", metadata ?? .null)
        }
        return writer.text
    }
}
