/// Stage 1: the path names a protocol module (`ProtocolRegistry`); `/__admin/` is MockScope's own.
struct Routing: Sendable {
    let registry: ProtocolRegistry

    /// Byte-level: it runs for every request, and the second byte rules out nearly every path.
    static func isAdmin(_ path: String) -> Bool {
        var utf8 = path.utf8.makeIterator()
        guard utf8.next() == UInt8(ascii: "/"), utf8.next() == UInt8(ascii: "_") else { return false }
        return path.hasPrefix("/__admin/") || path == "/__admin"
    }

    func endpoint(for path: String) -> Endpoint { registry.endpoint(for: path) }
}
