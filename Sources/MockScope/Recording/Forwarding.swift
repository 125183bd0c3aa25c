import MockScopeHTTPTypes

/// This build's version, written into recorded fixtures' metadata.
public enum MockScopeVersion {
    public static let current = "0.1.0"
}

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

/// Forwards a request to the real service and records the exchange. MockScopeRecorder implements
/// it; the domain only decides when to call it.
public protocol Forwarder: Sendable {
    /// Starts forwarding `request`; the client reads the returned live response as it arrives.
    func forward(_ request: HTTPRequest, requestID: String) -> LiveResponse
}
