/// Where a batch is (docs/protocol-notes.md, batches): `validating → in_progress → finalizing →
/// completed`, or `cancelling → cancelled` after a cancel (`failed` and `expired` are not reached
/// on their own).
enum BatchStatus: String, Sendable, CaseIterable {
    case validating, inProgress = "in_progress", finalizing, completed, failed, expired, cancelling, cancelled
}
