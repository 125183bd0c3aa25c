/// One asynchronous task as MockScope keeps it: what was asked for, when, and how long each
/// status lasts. Its status at any moment follows from these on MockScope's clock.
struct AsyncTask: Sendable {
    /// What the task makes (the task API's results differ by kind).
    enum Kind: String, Sendable {
        case image
    }

    let id: String
    let kind: Kind
    let model: String
    let prompt: String
    /// Each result image's size in pixels.
    let width: Int
    let height: Int
    /// How many images (`parameters.n`).
    let count: Int
    /// MockScope's clock when the task was created, in ms.
    let submittedMs: Double
    let timings: TaskTimings
    /// Where the client reached MockScope when it created the task (result URLs point there).
    let baseURL: String
    /// When a `cancel` took it, in ms (only a pending task can be canceled).
    var canceledMs: Double?

    /// The status at `nowMs`.
    func status(at nowMs: Double) -> TaskStatus {
        if let canceledMs, nowMs >= canceledMs { return .canceled }
        if nowMs < scheduledMs { return .pending }
        if nowMs < endMs { return .running }
        return .succeeded
    }

    /// When it leaves `PENDING`.
    var scheduledMs: Double { submittedMs + timings.pendingMs }
    /// When it is done (canceled: when canceled).
    var endMs: Double { canceledMs ?? scheduledMs + timings.runningMs }

    /// The URL of result image `index` (served by `GeneratedImageModule`).
    func imageURL(_ index: Int) -> String {
        baseURL + GeneratedImageModule.path(seed: id + "/" + String(index), width: width, height: height)
    }
}
