import MockScopeHTTPTypes

/// Record mode: `all` sends every request upstream, `new` those no fixture matches. Only a
/// request the protocol accepts (authenticated and validated before) gets here: what the real
/// service would refuse is answered here, never forwarded and recorded.
struct Forwarding: Sendable {
    func run(_ request: HTTPRequest, _ exchange: inout Exchange, state: ServerState, forwarder: (any Forwarder)?) {
        let record = state.settings.record
        guard record == .all || record == .new, let forwarder else { return }
        if record == .new {
            let input = MatchInput(method: request.method, path: request.path, query: request.query, headers: request.headers.fields,
                                   body: exchange.validated?.body, endpoint: exchange.endpoint)
            if case .matched = state.store.match(input) { return }
        }
        exchange.note.forwarded = true
        exchange.plan = ResponsePlan(status: 0, headers: HeaderFields(),
                                     body: .live(forwarder.forward(request, requestID: exchange.note.requestID)))
    }
}
