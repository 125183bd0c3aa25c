#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MockScopeHTTPTypes
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
            // One quick digest of every part, which the Hasher then mixes once (SipHash over the
            // bytes themselves was a visible share of a replayed request).
            var state = ByteDigest.of(body, seed: nativeStream ? 1 : 0)
            state = ByteDigest.of(path, seed: state)
            hasher.combine(ByteDigest.of(method, seed: state))
        }

        /// Byte comparisons with memcmp (the synthesized `==` compared a body byte by byte).
        static func == (a: Key, b: Key) -> Bool {
            a.nativeStream == b.nativeStream && a.method == b.method && a.path == b.path && a.body.count == b.body.count
                && a.body.withUnsafeBytes { x in b.body.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
        }
    }

    /// A remembered decision, shared by every request that repeats it.
    final class Hit: Sendable {
        let fixture: Fixture
        /// The parsed body, for faults and the journal.
        let body: JSONValue?
        let stream: Bool
        /// The model the body names.
        let model: String?
        /// The fixture's answer built once for the HTTP layer (whole answers only).
        let prepared: (any PreparedAnswer)?
        /// What the fixture's answer asks a client to wait before retrying, in ms.
        let retryAfterMs: Double?
        /// A streamed answer's events as the HTTP layer sends them at the recorded timing.
        let recordedChunks: [TimedChunk]?

        init(fixture: Fixture, body: JSONValue?, stream: Bool, model: String?, prepared: (any PreparedAnswer)?) {
            self.fixture = fixture
            self.body = body
            self.stream = stream
            self.model = model
            self.prepared = prepared
            self.retryAfterMs = MockServer.retryAfterMs(fixture.response.headers)
            if case .stream(let chunks, .complete) = fixture.plan.httpResponse().body {
                recordedChunks = chunks
            } else {
                recordedChunks = nil
            }
        }
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
        /// One prepared answer per fixture, whatever bodies led to it.
        var prepared: [String: any PreparedAnswer] = [:]
    }

    private let table = Mutex(Table())

    func hit(_ key: Key) -> Hit? { table.withLock { $0.entries[key] } }

    func remember(_ key: Key, fixture: Fixture, body: JSONValue?, stream: Bool, model: String?, preparer: (any AnswerPreparer)?) {
        guard key.body.count <= Self.maxBodyBytes, fixture.request.headers.allSatisfy({ Matcher.isStreamSwitch($0.name) }),
              fixture.request.query.isEmpty else { return }
        table.withLock { table in
            if table.entries.count >= Self.capacity || table.bodyBytes + key.body.count > Self.maxTotalBodyBytes {
                table.entries.removeAll(keepingCapacity: true)
                table.prepared.removeAll()
                table.bodyBytes = 0
            }
            var prepared = table.prepared[fixture.name]
            if prepared == nil, let preparer, case .whole(let bytes) = fixture.response.body {
                prepared = preparer.prepare(status: fixture.response.status, headers: fixture.response.headers, body: bytes)
                table.prepared[fixture.name] = prepared
            }
            let hit = Hit(fixture: fixture, body: body, stream: stream, model: model, prepared: prepared)
            if table.entries.updateValue(hit, forKey: key) == nil { table.bodyBytes += key.body.count }
        }
    }
}
