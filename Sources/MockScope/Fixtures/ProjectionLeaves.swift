/// The leaves of a projection (`messages.1.content` = `"hi"`), each as one 64-bit digest of its
/// path and canonical value: what the near-miss index compares. Two bodies that share a leaf have
/// the same value at the same path.
enum ProjectionLeaves {
    static func digests(of value: JSONValue?) -> [UInt64] {
        guard let value else { return [] }
        var digests: [UInt64] = []
        collect(value, path: StableHash(""), pathIsEmpty: true, into: &digests)
        return digests
    }

    /// `path` is the hash of the dotted path so far (`messages.1.content`), extended a part at a
    /// time rather than hashed again from a string built for each leaf (the same digests).
    private static func collect(_ value: JSONValue, path: StableHash, pathIsEmpty: Bool, into digests: inout [UInt64]) {
        switch value {
        case .object(let fields):
            for (key, field) in fields {
                var child = path
                if !pathIsEmpty { child.add(".") }
                child.add(key)
                collect(field, path: child, pathIsEmpty: pathIsEmpty && key.isEmpty, into: &digests)
            }
        case .array(let items):
            for (index, item) in items.enumerated() {
                var child = path
                child.add(".")
                child.add(String(index))
                collect(item, path: child, pathIsEmpty: false, into: &digests)
            }
        default:
            var hash = path
            hash.add("\u{1}")
            hash.add(bytes: CanonicalJSON.bytes(value))
            digests.append(hash.value)
        }
    }
}
