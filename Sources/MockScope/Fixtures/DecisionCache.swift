import Synchronization

/// Remembers which fixture answered a request, keyed by the raw bytes that decided it, so that a
/// repeated request is not parsed or matched again (the design's measured hot spot: JSON parsing).
/// Belongs to one FixtureStore: a new store starts with an empty cache. Only fixtures that need no
/// particular header or query are cached (those depend on more than the key holds).
final class DecisionCache: Sendable {
    struct Key: Hashable {
        var method: String
        var path: String
        /// The native stream switch (X-DashScope-SSE / Accept), which takes part in matching.
        var nativeStream: Bool
        var body: [UInt8]

        func hash(into hasher: inout Hasher) {
            hasher.combine(method)
            hasher.combine(path)
            hasher.combine(nativeStream)
            // All bytes at once: combining them one by one costs a call per byte.
            body.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    struct Hit: Sendable {
        var fixture: Fixture
        /// The parsed body, for faults and the journal.
        var body: JSONValue?
        var stream: Bool
    }

    static let capacity = 4096
    /// Bodies larger than this are not worth keeping.
    static let maxBodyBytes = 16 * 1024
    /// Bounded in bytes too, not only in entries (BUG-10): the bodies kept (and their parses, about
    /// as large again) stay under a few tens of MB whatever clients send.
    static let maxTotalBodyBytes = 8 * 1024 * 1024

    private struct Table {
        var entries: [Key: Hit] = [:]
        var bodyBytes = 0
    }

    private let table = Mutex(Table())

    func hit(_ key: Key) -> Hit? { table.withLock { $0.entries[key] } }

    func remember(_ key: Key, _ hit: Hit) {
        guard key.body.count <= Self.maxBodyBytes, hit.fixture.request.headers.allSatisfy({ Matcher.isStreamSwitch($0.name) }),
              hit.fixture.request.query.isEmpty else { return }
        table.withLock { table in
            if table.entries.count >= Self.capacity || table.bodyBytes + key.body.count > Self.maxTotalBodyBytes {
                table.entries.removeAll(keepingCapacity: true)
                table.bodyBytes = 0
            }
            if table.entries.updateValue(hit, forKey: key) == nil { table.bodyBytes += key.body.count }
        }
    }
}
