/// What a module settles from the model catalog for a request no fixture matches
/// (`ProtocolModule.catalogAnswer`): an answer, or the real service's refusal.
public enum CatalogAnswer: Sendable {
    case answer(ResponsePlan)
    /// Refused as `Validation.refused` is (an unknown model id: the protocol's model-not-found).
    case refused(ErrorSpec, message: String?)
}
