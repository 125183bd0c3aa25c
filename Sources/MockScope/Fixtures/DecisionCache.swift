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
    static let maxBodyBytes = 64 * 1024

    private let entries = Mutex<[Key: Hit]>([:])

    func hit(_ key: Key) -> Hit? { entries.withLock { $0[key] } }

    func remember(_ key: Key, _ hit: Hit) {
        guard key.body.count <= Self.maxBodyBytes, hit.fixture.request.headers.allSatisfy({ Matcher.isStreamSwitch($0.name) }),
              hit.fixture.request.query.isEmpty else { return }
        entries.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[key] = hit
        }
    }
}
