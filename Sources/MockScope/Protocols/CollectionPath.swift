/// REST-style paths of one collection: the collection itself (`/files`) and what lies below it
/// (`/files/{id}`, `/files/{id}/content`), which the module names in its endpoint's `detail`.
enum CollectionPath {
    /// The endpoint `path` names under `base` in `module`: no detail for the collection, the rest
    /// of the path as the detail when `accepts` takes it, else nil (not this module's path).
    static func endpoint(_ path: String, base: String, module: any ProtocolModule, accepts: (String) -> Bool) -> Endpoint? {
        if path == base { return Endpoint(module: module) }
        guard path.hasPrefix(base + "/") else { return nil }
        let rest = String(path.dropFirst(base.count + 1))
        return accepts(rest) ? Endpoint(module: module, detail: rest) : nil
    }
}
