/// What a chat request naming a model the catalog does not know gets (`--unknown-models`).
public enum UnknownModelPolicy: String, Sendable, CaseIterable {
    /// Served as a model with the default ranges and optional thinking (the default).
    case accept
    /// The protocol's model-not-found error, as the real service answers a model it does not have.
    case reject
}
