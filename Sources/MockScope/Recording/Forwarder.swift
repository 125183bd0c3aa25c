import MockScopeHTTPTypes

/// Forwards a request to the real service and records the exchange. MockScopeRecorder implements
/// it; the domain only decides when to call it.
public protocol Forwarder: Sendable {
    /// Starts forwarding `request`; the client reads the returned live response as it arrives.
    func forward(_ request: HTTPRequest, requestID: String) -> LiveResponse
}
