/// The models MockScope knows (catalog/models.yaml, built in; `--models FILE`; a fixtures
/// folder's `models.yaml`), looked up by the name a request gives. A value: it lives in
/// `MockSettings`, so a server state and its decision memo see one catalog.
public struct ModelCatalog: Sendable, Equatable {
    /// Every row by its exact name.
    private var rows: [String: ModelInfo]
    /// Rows that also answer for `name-<anything>`, longest name first.
    private var snapshotRows: [ModelInfo]

    public init(_ models: [ModelInfo] = []) {
        rows = [:]
        snapshotRows = []
        for model in models { add(model) }
    }

    /// The built-in catalog (catalog/models.yaml as embedded in the binary).
    public static let builtIn: ModelCatalog = {
        switch ModelCatalogLoader.parse(yaml: EmbeddedCatalog.modelsYAML, file: "catalog/models.yaml (built in)", base: ModelCatalog()) {
        case .success(let catalog): return catalog
        case .failure(let problem): fatalError("the built-in model catalog does not load: \(problem); fix catalog/models.yaml and re-embed")
        }
    }()

    /// The model `name` names: its own row, else the longest snapshot row it extends
    /// (`qwen-plus-2025-07-28` → `qwen-plus`); nil for a model the catalog does not know.
    public func model(named name: String) -> ModelInfo? {
        if let row = rows[name] { return row }
        return snapshotRows.first { name.hasPrefix($0.name + "-") }
    }

    /// Every row, by name.
    public var models: [ModelInfo] { rows.values.sorted { $0.name < $1.name } }

    /// Adds `model`, replacing a row of the same name.
    public mutating func add(_ model: ModelInfo) {
        rows[model.name] = model
        snapshotRows.removeAll { $0.name == model.name }
        if model.snapshots {
            snapshotRows.append(model)
            snapshotRows.sort { $0.name.count > $1.name.count }
        }
    }

    /// This catalog with `other`'s rows added over its own.
    public func merging(_ other: ModelCatalog) -> ModelCatalog {
        var merged = self
        for model in other.models { merged.add(model) }
        return merged
    }
}
