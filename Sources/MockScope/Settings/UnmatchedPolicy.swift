/// What to answer when no fixture matches.
public enum UnmatchedPolicy: String, Sendable, CaseIterable {
    /// The protocol's own error, whose message names the closest fixtures.
    case error
    /// A deterministic generated answer (`ProtocolModule.synthesize`).
    case synthesize
}
