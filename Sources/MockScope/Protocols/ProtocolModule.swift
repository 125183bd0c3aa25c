import MockScopeHTTPTypes

/// One family of endpoints (a folder under `Protocols/`): it recognises its paths, checks a request
/// and reads it into what the decision needs, says what of a body decides the answer, synthesizes
/// an answer, and names its labels. Its errors take the shapes of its `errorDialect`. The
/// pipeline knows modules only through this protocol; `ProtocolRegistry` lists them.
public protocol ProtocolModule: Sendable {
    /// A stable name (journal, metrics, logs): `compatible-chat`.
    var name: String { get }
    /// Which of DashScope's protocols it belongs to (labels, recording folders, and by default its
    /// error dialect); nil: no protocol at all (only a recorded fixture answers, anything else gets
    /// an empty 404; no key is asked for).
    var errorProtocol: APIProtocol? { get }
    /// How its errors are stated and framed, whole and in streams (faults and the pipeline's own
    /// refusals alike). Defaults to its `errorProtocol`'s dialect (compatible mode's for none).
    var errorDialect: any ErrorDialect { get }
    /// The method the real service answers on (nil: whatever was recorded).
    var expectedMethod: String? { get }
    /// Whether a request must carry an accepted key (default: yes). No: what stands for a signed
    /// URL of the real service (a generated image, an upload target).
    var asksForKey: Bool { get }
    /// Chat-like: bodies are checked strictly, a miss is a no-match error or a synthesized answer,
    /// and the decision for a repeated request may be remembered (see `DecisionMemo`).
    var understandsBodies: Bool { get }

    /// The API key a request carries, as this protocol reads it (default: `Authorization: Bearer`).
    func apiKey(_ heads: borrowing RequestHeads) -> String?
    /// The endpoint `path` names in this module, or nil when the path is not this module's.
    func endpoint(for path: String) -> Endpoint?
    /// Checks a request (its method and size are checked before) against the protocol and the
    /// model catalog in `context`, and reads it.
    func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation
    /// The fields of a body that decide the answer: what fixtures and requests are compared on.
    func projection(of body: JSONValue?, headers: [(name: String, value: String)], endpoint: Endpoint) -> JSONValue?
    /// A generated answer to a valid request no fixture matched, or nil when the module makes none.
    func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan?
    /// As `synthesize(_:requestID:)`, for modules that read or change their state to answer (a
    /// response continuing a stored one, a task created). Default: the plain one.
    func synthesize(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan?
    /// An answer from what the module keeps between requests (a stored response, a task's
    /// status), asked when no fixture matched, whatever `--unmatched` says; nil: go on to
    /// synthesis or the no-match error. Default: nil.
    func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan?
    /// How the misbehaviour faults read and re-render `endpoint`'s chat answers; nil (the
    /// default): the module's answers are not a model's, and those faults leave them alone.
    func answerCodec(for endpoint: Endpoint) -> AnswerCodec?
    /// An answer the module knows for certain when no fixture matches — not a guess, so whatever
    /// `--unmatched` says (the model list, from the catalog in force) — or nil (the default).
    func catalogAnswer(_ request: HTTPRequest, endpoint: Endpoint, context: ValidationContext, requestID: String) -> CatalogAnswer?
    /// The model a body names (journal, faults).
    func model(of body: JSONValue?) -> String?
    /// The path as metrics label it; `fixture` is the fixture that answered, if one did.
    func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String
    /// Where a recording goes: `<family>/<name>/...` (the name defaults to the model, else the path's last part).
    func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?)
    /// The last thing the user said, for a recording's file name.
    func lastUserText(_ body: JSONValue?) -> String?
}

extension ProtocolModule {
    public var expectedMethod: String? { nil }
    public var understandsBodies: Bool { false }
    public var asksForKey: Bool { true }
    public var errorDialect: any ErrorDialect { (errorProtocol ?? .compatible).errorDialect }

    public func apiKey(_ heads: borrowing RequestHeads) -> String? { BearerKey.parse(heads.authorization) }

    /// A body the module has no knowledge of: JSON if it parses, else its text.
    public func validate(_ request: HTTPRequest, heads: borrowing RequestHeads, endpoint: Endpoint, context: ValidationContext) -> Validation {
        .valid(ValidatedRequest(endpoint: endpoint, body: GenericBody.parse(request.body), stream: false))
    }

    public func projection(of body: JSONValue?, headers: [(name: String, value: String)], endpoint: Endpoint) -> JSONValue? {
        body.map(CanonicalJSON.normalized)
    }

    public func synthesize(_ request: ValidatedRequest, requestID: String) -> ResponsePlan? { nil }

    public func synthesize(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? {
        synthesize(request, requestID: context.requestID)
    }

    public func answerFromState(_ request: ValidatedRequest, context: ModuleContext) -> ResponsePlan? { nil }
    public func catalogAnswer(_ request: HTTPRequest, endpoint: Endpoint, context: ValidationContext, requestID: String) -> CatalogAnswer? { nil }

    public func answerCodec(for endpoint: Endpoint) -> AnswerCodec? { nil }

    public func model(of body: JSONValue?) -> String? { body?["model"]?.stringValue }

    public func metricPath(_ path: String, endpoint: Endpoint, fixture: String?) -> String { path }

    public func recordingFolder(for body: JSONValue?, endpoint: Endpoint) -> (family: String, name: String?) {
        let family: String
        switch errorProtocol {
        case .compatible?: family = "compat"
        case .native?: family = "native"
        case .anthropic?: family = "anthropic"
        case nil: family = "other"
        }
        return (family, model(of: body))
    }

    public func lastUserText(_ body: JSONValue?) -> String? { ChatText.lastUserText(body) }

    /// The module's error answer for `spec` (the pipeline's own refusals).
    public func errorPlan(_ spec: ErrorSpec, requestID: String, message: String? = nil) -> ResponsePlan {
        errorDialect.errorPlan(spec, requestID: requestID, message: message)
    }
}
