/// A JSON value with every object's members sorted by key: the request side when fixtures are
/// diffed against it (`Matcher.differences`), built once per request. A fixture's member is found
/// by comparing keys instead of hashing them, and the union of both sides' keys comes out sorted
/// by a merge: diffing 16 fixtures through `[String: JSONValue]` lookups, `Set` unions and path
/// strings for every field cost 34 k instructions per fixture (bench/RESULTS.md, "misses"). A
/// class: the walk passes nodes along, and a struct's copy retained its three parts.
final class SortedJSON: Sendable {
    let value: JSONValue
    /// Whether `value` is an object, an array, or neither: read without touching `value` (a switch
    /// over it retained and released its payload, for every node the near-miss walk visits).
    let isObject: Bool, isArray: Bool
    /// An object's keys, ascending (empty otherwise).
    let keys: [String]
    /// An object's members in the order of `keys`, or an array's items.
    let members: [SortedJSON]

    static let null = SortedJSON(.null)

    init(_ value: JSONValue) {
        self.value = value
        switch value {
        case .object(let fields):
            let sorted = fields.sorted { $0.key < $1.key }
            keys = sorted.map(\.key)
            members = sorted.map { SortedJSON($0.value) }
            (isObject, isArray) = (true, false)
        case .array(let items):
            keys = []
            members = items.map(SortedJSON.init)
            (isObject, isArray) = (false, true)
        default:
            keys = []
            members = []
            (isObject, isArray) = (false, false)
        }
    }

    /// The member at `key` of an object.
    func member(_ key: String) -> SortedJSON? {
        if keys.count <= 8 {
            for (index, candidate) in keys.enumerated() where candidate == key { return members[index] }
            return nil
        }
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low < keys.count && keys[low] == key ? members[low] : nil
    }
}
