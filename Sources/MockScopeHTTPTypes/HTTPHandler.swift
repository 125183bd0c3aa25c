/// The HTTP layer's one client: turns each request into a response. Called on a libmicrohttpd
/// thread: it must be quick and must never wait.
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPResponse
    func completed(_ request: HTTPRequest, outcome: HTTPOutcome)
}
