import MockScope
import MockScopeRecorder

/// What `--upstream`/`--region`, `--record-to`, `--redact` and `--keep-partial` say.
public struct RecordingSetup: Sendable {
    public var upstream: Upstream
    /// Where fixtures are written; nil = the first fixture folder, else `./fixtures`.
    public var directory: String?
    public var redact: [String] = []
    public var keepPartial = false
    /// `--record-buffer-bytes`: see `RecorderOptions.clientQueueBytes`.
    public var clientQueueBytes = RecorderOptions.defaultClientQueueBytes
    /// `--record-normalize`: written into every recorded chat fixture's `request.normalize`.
    public var normalize: [BuiltinNormalizer] = []

    public init(upstream: Upstream, directory: String? = nil, redact: [String] = [], keepPartial: Bool = false,
                clientQueueBytes: Int = RecorderOptions.defaultClientQueueBytes, normalize: [BuiltinNormalizer] = []) {
        self.normalize = normalize
        self.upstream = upstream
        self.directory = directory
        self.redact = redact
        self.keepPartial = keepPartial
        self.clientQueueBytes = clientQueueBytes
    }
}
