/// One asynchronous task as MockScope keeps it: what was asked for, when, and how long each
/// status lasts. Its status at any moment follows from these on MockScope's clock.
struct AsyncTask: Sendable {
    /// What the task makes (the task API's results and usage differ by kind).
    enum Kind: Sendable, Equatable {
        /// `count` images (`output.results[].url`, `usage.image_count`).
        case image
        /// One video (`output.video_url`, `usage.duration` ...) of `seconds` at resolution tier
        /// `tier` (`SR`: "480", "720", "1080").
        case video(seconds: Int, tier: String)
    }

    let id: String
    let kind: Kind
    let model: String
    let prompt: String
    /// Each result's size in pixels.
    let width: Int
    let height: Int
    /// How many results (images: `parameters.n`; a video task makes one).
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

    /// The URL of the result video of a video task (served by `GeneratedVideoModule`), or nil.
    var videoURL: String? {
        guard case .video(let seconds, _) = kind else { return nil }
        return baseURL + GeneratedVideoModule.path(seed: id, width: width, height: height, seconds: seconds)
    }

    /// A task id in DashScope's form (a lower-case UUID), from the create request's body and how
    /// many tasks came before it: distinct for repeated requests, the same for the same sequence
    /// of requests.
    static func id(requestBody body: [UInt8], sequence: Int) -> String {
        StringFormats.uuid(StableHash(String(decoding: body, as: UTF8.self)).derived("task#\(sequence)"))
    }
}
