#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CoreMetrics
import MockScopeHTTPTypes
import Synchronization

/// Memoizes what the pipeline's authenticate → validate → decide stages made of a request, keyed
/// by every input those stages read, so that a repeated request skips them (the design's measured
/// hot spot: JSON parsing and matching). It never re-checks anything itself: a hit is the stages'
/// own earlier output for the same inputs. It belongs to one `ServerState` (one store and one set
/// of settings): a change starts an empty memo.
///
/// Remembered only where the key is all the stages read: a chat-like endpoint, no query, a body
/// within the limits, a fixture that matched on a route where no fixture compares headers.
final class DecisionMemo: Sendable {
    /// The stages' inputs: request line, body, and the header values they read. Built only to be
    /// remembered; a lookup reads the request and its heads in place (`digest`, `matches`): building
    /// a key per request retained and released each of its strings (`bench/profile instructions`).
    struct Key: Sendable {
        var method: String
        var path: String
        /// The native stream switch (X-DashScope-SSE / Accept), which takes part in matching.
        var nativeStream: Bool
        /// `X-DashScope-Async: enable`, which chat endpoints refuse (`AsyncCall`).
        var asyncCall: Bool
        var authorization: String?
        /// `X-Api-Key`, which a module may read its key from (`ProtocolModule.apiKey`).
        var xAPIKey: String?
        var contentType: String?
        var body: [UInt8]

        init(_ request: HTTPRequest, heads: borrowing RequestHeads) {
            method = request.method
            path = request.path
            nativeStream = heads.nativeStream
            asyncCall = heads.asyncCall
            authorization = heads.authorization
            xAPIKey = heads.xAPIKey
            contentType = heads.contentType
            body = request.body
        }

        /// One quick digest of every part that tells keys apart most often (SipHash over the bytes
        /// themselves was a visible share of a replayed request); `matches` settles the rest.
        static func digest(_ request: HTTPRequest, heads: borrowing RequestHeads) -> UInt64 {
            var state = ByteDigest.of(request.body, seed: heads.nativeStream ? 1 : 0)
            state = ByteDigest.of(request.path, seed: state)
            if let authorization = heads.authorization { state = ByteDigest.of(authorization, seed: state) }
            if let xAPIKey = heads.xAPIKey { state = ByteDigest.of(xAPIKey, seed: state) }
            return ByteDigest.of(request.method, seed: state)
        }

        /// Whether `request` with `heads` is this key, byte for byte (the body with memcmp).
        func matches(_ request: HTTPRequest, heads: borrowing RequestHeads) -> Bool {
            nativeStream == heads.nativeStream && asyncCall == heads.asyncCall && body.count == request.body.count
                && method == request.method && path == request.path
                && authorization == heads.authorization && xAPIKey == heads.xAPIKey && contentType == heads.contentType
                && body.withUnsafeBytes { x in
                    request.body.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
                }
        }
    }

    /// The stages' output for one key, shared by every request that repeats it.
    final class Hit: Sendable {
        /// The inputs it was decided from.
        let key: Key
        let fixture: Fixture
        let validated: ValidatedRequest
        /// The key `Authorization` named (for faults and rate limits).
        let apiKey: String?
        /// The model the body names.
        let model: String?
        /// The fixture's answer built once for the HTTP layer (whole answers only).
        let prepared: (any PreparedAnswer)?
        /// What the fixture's answer asks a client to wait before retrying, in ms.
        let retryAfterMs: Double?
        /// A streamed answer's events as the HTTP layer sends them at the recorded timing.
        let recordedChunks: [TimedChunk]?
        /// The requests counter of the exchange as it is answered unchanged (path, fixture, status).
        let requestCounter: CoreMetrics.Counter

        var body: JSONValue? { validated.body }
        var stream: Bool { validated.stream }

        init(key: Key, fixture: Fixture, validated: ValidatedRequest, apiKey: String?, model: String?, prepared: (any PreparedAnswer)?,
             requestCounter: CoreMetrics.Counter) {
            self.key = key
            self.fixture = fixture
            self.requestCounter = requestCounter
            self.validated = validated
            self.apiKey = apiKey
            self.model = model
            self.prepared = prepared
            self.retryAfterMs = RetryAfter.ms(fixture.response.headers)
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

    /// Keyed by the key's digest; each hit holds its whole key, checked on recall. Two keys of one
    /// digest (rare) take turns: the later replaces the earlier, which is decided afresh next time.
    private struct Table {
        var entries: [UInt64: Hit] = [:]
        var bodyBytes = 0
        /// One prepared answer per fixture, whatever bodies led to it.
        var prepared: [String: any PreparedAnswer] = [:]
    }

    private let table = Mutex(Table())
    /// Builds whole answers in the HTTP layer's form (nil: none).
    private let preparer: (any AnswerPreparer)?

    init(preparer: (any AnswerPreparer)?) { self.preparer = preparer }

    /// Whether a request's decision may be remembered at all (before its key is built).
    static func admits(_ request: HTTPRequest, endpoint: Endpoint) -> Bool {
        endpoint.module.understandsBodies && request.query.isEmpty && !request.bodyTooLarge && request.body.count <= maxBodyBytes
    }

    /// The decision remembered for this request, if it is the same in every input the stages read.
    func recall(_ request: HTTPRequest, heads: borrowing RequestHeads) -> Hit? {
        let digest = Key.digest(request, heads: heads)
        guard let hit = table.withLock({ $0.entries[digest] }), hit.key.matches(request, heads: heads) else { return nil }
        return hit
    }

    /// Remembers the stages' output for `key`: a fixture that needs no header or query of its own,
    /// and not an answer sequence (each repeat must take its next answer).
    func remember(_ request: HTTPRequest, heads: borrowing RequestHeads, fixture: Fixture, validated: ValidatedRequest, apiKey: String?,
                  model: String?, requestCounter: CoreMetrics.Counter) {
        guard !fixture.isSequence, request.body.count <= Self.maxBodyBytes, fixture.request.headers.allSatisfy({ Matcher.isStreamSwitch($0.name) }),
              fixture.request.query.isEmpty else { return }
        let key = Key(request, heads: heads), digest = Key.digest(request, heads: heads)
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
            let hit = Hit(key: key, fixture: fixture, validated: validated, apiKey: apiKey, model: model, prepared: prepared,
                          requestCounter: requestCounter)
            let replaced = table.entries.updateValue(hit, forKey: digest)
            table.bodyBytes += key.body.count - (replaced?.key.body.count ?? 0)
        }
    }
}
