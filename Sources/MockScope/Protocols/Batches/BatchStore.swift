import Synchronization

/// Every batch created since the server started (or `POST /__admin/reset`), in creation order.
final class BatchStore: ModuleState {
    static let stateName = "batches"

    private struct Batches {
        var byID: [String: Batch] = [:]
        var order: [String] = []
    }
    private let batches = Mutex(Batches())

    static func of(_ context: ModuleContext) -> BatchStore { context.states.state(stateName, make: BatchStore.init) }

    var count: Int { batches.withLock { $0.order.count } }

    func add(_ batch: Batch) {
        batches.withLock { batches in
            if batches.byID[batch.id] == nil { batches.order.append(batch.id) }
            batches.byID[batch.id] = batch
        }
    }

    /// The batch, its output and error files put in `files` once it has completed at `nowMs`.
    func batch(_ id: String, at nowMs: Double, files: FileStore) -> Batch? {
        batches.withLock { batches in
            guard var batch = batches.byID[id] else { return nil }
            if batch.status(at: nowMs) == .completed, batch.outputFileID == nil {
                let output = files.add(prefix: "file-batch_output-", filename: batch.id + "_output.jsonl", purpose: .batchOutput,
                                       content: BatchOutcome.text(batch.outcome.completed), at: batch.completedMs)
                batch.outputFileID = output.id
                if !batch.outcome.failed.isEmpty {
                    batch.errorFileID = files.add(prefix: "file-batch_error-", filename: batch.id + "_error.jsonl", purpose: .batchOutput,
                                                  content: BatchOutcome.text(batch.outcome.failed), at: batch.completedMs).id
                }
                batches.byID[id] = batch
            }
            return batch
        }
    }

    /// Every batch id, oldest first.
    func ids() -> [String] { batches.withLock { $0.order } }

    /// What a cancel did.
    enum CancelOutcome { case cancelling(Batch), finished(Batch), unknown }

    func cancel(_ id: String, at nowMs: Double) -> CancelOutcome {
        batches.withLock { batches in
            guard var batch = batches.byID[id] else { return .unknown }
            switch batch.status(at: nowMs) {
            case .validating, .inProgress, .finalizing:
                batch.cancelledMs = nowMs
                batches.byID[id] = batch
                return .cancelling(batch)
            default:
                return .finished(batch)
            }
        }
    }

    func reset() { batches.withLock { $0 = Batches() } }
}
