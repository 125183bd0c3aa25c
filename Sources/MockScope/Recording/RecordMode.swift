/// VCR's record modes.
public enum RecordMode: String, Sendable, CaseIterable {
    /// Replay only.
    case none
    /// Record everything when the fixture folder has no fixtures yet; replay only otherwise.
    case once
    /// Replay what matches; forward and record what does not.
    case new
    /// Always forward and record (overwriting).
    case all
}
