import MockScopeHTTPTypes

/// The first checks of the JSON endpoints beside chat, and of native prompts: a JSON object body
/// read into the module's own request type, or the refusal.
extension ChatRequestChecks {
    /// The body read by `read` into a request naming `model(request)`, its catalog row passed on.
    static func validated<Read>(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext,
                                model: (Read) -> String, read: ([String: JSONValue]) -> Result<Read, Refusal>) -> Validation {
        let parsed = jsonObject(request, heads: heads)
        guard case .success(let (body, object)) = parsed else { return refusal(parsed) }
        switch read(object) {
        case .success(let read):
            return .valid(ValidatedRequest(endpoint: endpoint, body: body, stream: false, model: context.catalog.model(named: model(read))))
        case .failure(let refusal):
            return refusal.validation
        }
    }

    /// A native prompt body (`model`, `input.messages` or `input.prompt`): the body, its object and the model.
    static func nativePrompt(_ request: HTTPRequest, heads: borrowing RequestHeads) -> Result<(JSONValue, [String: JSONValue], String), Refusal> {
        let parsed = jsonObject(request, heads: heads)
        guard case .success(let (body, object)) = parsed else { return parsed.map { ($0.0, $0.1, "") } }
        guard let model = object["model"]?.stringValue, !model.isEmpty else { return .failure(Refusal(ErrorCatalog.emptyModel)) }
        guard let input = object["input"]?.objectValue else { return .failure(Refusal(ErrorCatalog.emptyInput)) }
        guard input["messages"]?.arrayValue != nil || input["prompt"]?.stringValue != nil else {
            return .failure(Refusal(ErrorCatalog.messagesMissing))
        }
        return .success((body, object, model))
    }
}
