import MockScopeHTTPTypes

/// Record mode: `all` sends every request upstream, `new` those no fixture matches. The real
/// service does its own auth and validation, so none is done here.
struct Forwarding: Sendable {
    func run(_ request: HTTPRequest, _ exchange: inout Exchange, state: ServerState, forwarder: (any Forwarder)?) {
        let record = state.settings.record
        guard record == .all || record == .new, let forwarder else { return }
        if record == .new {
            var body = GenericBody.parse(request.body)
            if exchange.endpoint.isGeneration, body?.objectValue == nil { body = nil }
            let input = MatchInput(method: request.method, path: request.path, query: request.query, headers: request.headers.fields,
                                   body: body, endpoint: exchange.endpoint)
            if case .matched = state.store.match(input) { return }
        }
        exchange.note.forwarded = true
        exchange.plan = ResponsePlan(status: 0, headers: HeaderFields(),
                                     body: .live(forwarder.forward(request, requestID: exchange.note.requestID)))
    }
}
