import MockScopeHTTPTypes

/// One request on its way through the `ExchangePipeline`: each stage reads the request (passed
/// beside it, never copied) and what the stages before it settled, and adds its own part. Once `plan` is set, the answer is decided and
/// the deciding stages that follow pass. Not copyable: it is moved into its journal record at the
/// end (a copy per request would cost a retain and a release per field).
struct Exchange: ~Copyable {
    /// The header values the stages read, found in one pass.
    let heads: RequestHeads
    /// What the journal and the log keep.
    var note: ExchangeNote
    /// The protocol module that serves the path, and what it tells apart.
    var endpoint: Endpoint
    /// The key of `Authorization: Bearer` (nil: none given, or not one parsed yet).
    var apiKey: String?
    /// The request as its module read it.
    var validated: ValidatedRequest?
    /// The fixture that answered.
    var fixture: Fixture?
    /// The memoized decision that answered a repeated request.
    var memo: DecisionMemo.Hit?
    /// The answer, as faults may still rewrite it.
    var plan: ResponsePlan?

    init(request: HTTPRequest, id: RequestID, endpoint: Endpoint, clockMs: Double) {
        self.heads = RequestHeads(request.headers)
        self.note = ExchangeNote(id: id, endpoint: endpoint, clockMs: clockMs)
        self.endpoint = endpoint
        note.testID = heads.testID
    }

    /// The note, moved out for the journal (a placeholder is left in its place: no copy).
    mutating func takeNote() -> ExchangeNote {
        var note = ExchangeNote(id: self.note.id, endpoint: endpoint, clockMs: 0)
        swap(&note, &self.note)
        return note
    }

    /// Whether the answer is decided.
    var isDecided: Bool { plan != nil }

    /// The request's body as the decision read it.
    var body: JSONValue? { memo?.body ?? validated?.body }

    /// Settles the answer as the module's refusal (`spec`, in its protocol's shape).
    mutating func refuse(_ spec: ErrorSpec, message: String? = nil) {
        note.error = spec.name
        plan = endpoint.module.errorPlan(spec, requestID: note.requestID, message: message)
    }
}
