/// Stage 2: as the real service does it, a missing or malformed key (`Authorization: Bearer`, or
/// where the module reads it, `ProtocolModule.apiKey`) gets the protocol's 401; any non-empty key
/// passes unless `--api-key` lists the ones that do. A path no protocol owns, or whose module says
/// so (`asksForKey`), asks for no key.
struct Authentication: Sendable {
    func run(_ exchange: inout Exchange, settings: MockSettings) {
        exchange.apiKey = exchange.endpoint.module.apiKey(exchange.heads)
        guard exchange.endpoint.apiProtocol != nil, exchange.endpoint.module.asksForKey else { return }
        if !settings.accepts(exchange.apiKey) { exchange.refuse(ErrorCatalog.invalidApiKey) }
    }
}
