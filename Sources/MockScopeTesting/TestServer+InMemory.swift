import MockScope
import MockScopeHTTPTypes

extension TestServer {
    /// Hands `request` to the exchange pipeline without a socket and completes the exchange (the
    /// journal, metrics and log see it as sent whole). Timing is not waited out: a stream's chunks
    /// come back with their offsets. In `.live` mode it bypasses the socket all the same.
    /// A forwarded (recording) answer is not available in memory: its status is 0.
    public func respond(to request: HTTPRequest) -> InMemoryResponse { respondInMemory(request) }

    /// `respond(to:)` for async tests.
    public func respond(to request: HTTPRequest) async -> InMemoryResponse { respondInMemory(request) }

    private func respondInMemory(_ request: HTTPRequest) -> InMemoryResponse {
        let response = handler.handle(request)
        var answer = InMemoryResponse(status: response.status, headers: response.headers, body: [], chunks: [], ending: .complete,
                                      hangs: response.hang)
        switch response.body {
        case .bytes(let bytes):
            answer.body = bytes
        case let .stream(chunks, ending):
            answer.chunks = chunks
            answer.ending = ending
            answer.bytesPerSecond = response.bytesPerSecond
            answer.body = chunks.flatMap(\.bytes)
        case .prepared, .live:
            answer.status = response.body.isPrepared ? response.status : 0
        }
        if answer.hangs { answer.body = [] }
        handler.completed(request, outcome: HTTPOutcome(status: answer.status, bytesSent: answer.body.count, durationNanos: 0,
                                                        clientWentAway: answer.hangs, tag: response.tag))
        return answer
    }

    /// A JSON POST with a bearer key: the usual protocol request.
    public func post(_ path: String, json: String, key: String = "sk-test", headers: [(String, String)] = []) -> InMemoryResponse {
        let fields = [("Authorization", "Bearer \(key)"), ("Content-Type", "application/json")] + headers
        return respond(to: HTTPRequest(method: "POST", path: path, headers: HeaderFields(fields.map { (name: $0.0, value: $0.1) }),
                                       body: Array(json.utf8)))
    }
}

extension HTTPBody {
    var isPrepared: Bool {
        if case .prepared = self { return true }
        return false
    }
}
