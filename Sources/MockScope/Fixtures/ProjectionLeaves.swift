/// The leaves of a projection (`messages.1.content` = `"hi"`), each as one 64-bit digest of its
/// path and canonical value: what the near-miss index compares. Two bodies that share a leaf have
/// the same value at the same path.
enum ProjectionLeaves {
    static func digests(of value: JSONValue?) -> [UInt64] {
        guard let value else { return [] }
        var digests: [UInt64] = []
        collect(value, path: "", into: &digests)
        return digests
    }

    private static func collect(_ value: JSONValue, path: String, into digests: inout [UInt64]) {
        switch value {
        case .object(let fields):
            for (key, field) in fields { collect(field, path: path.isEmpty ? key : path + "." + key, into: &digests) }
        case .array(let items):
            for (index, item) in items.enumerated() { collect(item, path: path + "." + String(index), into: &digests) }
        default:
            var hash = StableHash(path)
            hash.add("\u{1}")
            hash.add(CanonicalJSON.string(value))
            digests.append(hash.value)
        }
    }
}
