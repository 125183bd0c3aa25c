/// What a module's `validate` may read besides the request: the settings in force that decide a
/// refusal. Part of one `ServerState`'s settings, so the decision memo stays right.
public struct ValidationContext: Sendable {
    public var catalog: ModelCatalog
    public var unknownModels: UnknownModelPolicy

    public init(catalog: ModelCatalog = .builtIn, unknownModels: UnknownModelPolicy = .accept) {
        self.catalog = catalog
        self.unknownModels = unknownModels
    }
}
