/// Stage 1: the path names a protocol module (`ProtocolRegistry`); `/__admin/` is MockScope's own.
struct Routing: Sendable {
    let registry: ProtocolRegistry

    static func isAdmin(_ path: String) -> Bool { path.hasPrefix("/__admin/") || path == "/__admin" }

    func endpoint(for path: String) -> Endpoint { registry.endpoint(for: path) }
}
