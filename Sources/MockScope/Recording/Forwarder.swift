import MockScopeHTTPTypes

/// Forwards a request to the real service and records the exchange. MockScopeRecorder implements
/// it; the domain only decides when to call it.
public protocol Forwarder: Sendable {
    /// Starts forwarding `request`; the client reads the returned live response as it arrives.
    /// `effects` (from faults) change only the client's copy of the answer: what is recorded is the
    /// upstream's own bytes, or nothing; `outcome` is told which.
    func forward(_ request: HTTPRequest, requestID: String, effects: [LiveEffect], outcome: RecordingOutcome) -> LiveResponse
}
