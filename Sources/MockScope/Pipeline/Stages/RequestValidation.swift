import MockScopeHTTPTypes

/// Stage 3: the method the path takes, the size limit, then the module's own checks, which read
/// the request into its parsed form.
struct RequestValidation: Sendable {
    func run(_ request: HTTPRequest, _ exchange: inout Exchange, settings: MockSettings) {
        let endpoint = exchange.endpoint
        if endpoint.apiProtocol != nil {
            if let method = endpoint.expectedMethod, request.method != method {
                exchange.refuse(ErrorCatalog.methodNotAllowed, message: request.method)
                exchange.plan?.headers.add("Allow", method)
                return
            }
            if request.bodyTooLarge { return exchange.refuse(ErrorCatalog.tooLarge) }
        }
        switch endpoint.module.validate(request, heads: exchange.heads, endpoint: endpoint, context: settings.validationContext) {
        case .valid(let validated):
            exchange.validated = validated
            exchange.note.stream = validated.stream
        case let .refused(spec, message):
            exchange.refuse(spec, message: message)
        }
    }
}
