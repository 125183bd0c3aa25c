import Foundation
import MockScopeHTTPTypes
import Synchronization

/// One exchange as the journal keeps it. The journal records an exchange as soon as its answer is
/// decided (before the first byte goes out), so a client that has read its answer always finds it
/// here; the outcome (`status` of a forwarded exchange, `bytesSent`, `durationMs`,
/// `clientWentAway`) is filled in when the exchange completes (`complete` turns true).
///
/// The request is kept as it arrived and its secrets are redacted when read: the hot path only
/// copies, the admin API (rarely called) does the redacting.
public struct JournalEntry: Sendable {
    public var id: Int
    /// Wall-clock time the request was complete.
    public var arrivedAt: Date
    /// `arrivedAt` in ISO 8601 (formatted when asked: formatting is not free).
    public var time: String { Journal.timestamp(arrivedAt) }
    /// The server clock (ms) at that time: real or virtual.
    public var clockMs: Double
    /// Monotonic ms at which the request was complete (for the time between attempts).
    public var receivedMs: Double
    /// What the answer asked the client to wait before retrying (`retry-after-ms` / `retry-after`), in ms.
    public var retryAfterMs: Double?
    public var requestID: String
    public var method: String
    public var path: String
    /// The request as it arrived (secrets included); read `query`, `headers`, `body`.
    var rawQuery: [(name: String, value: String)]
    var rawHeaders: [(name: String, value: String)]
    var rawBody: [UInt8]
    var rawNearMiss: String?
    var rawFaults: [String]
    public var model: String?
    public var stream: Bool
    /// A fingerprint of the API key (`SecretPolicy.fingerprint`), never the key.
    public var apiKey: String?
    public var fixture: String?
    public var synthesized: Bool
    /// Forwarded to the real service (record mode).
    public var forwarded: Bool
    public var error: String?
    public var scenarios: [String]
    /// The answer's status (0 for a forwarded exchange until upstream has answered).
    public var status: Int
    public var bytesSent: Int
    public var durationMs: Double
    public var clientWentAway: Bool
    /// False while the answer is still being sent (a stream, a slow or hanging answer).
    public var complete: Bool

    public init(id: Int = 0, arrivedAt: Date, clockMs: Double, receivedMs: Double, retryAfterMs: Double?, requestID: String,
                method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)],
                body: [UInt8], model: String?, stream: Bool, apiKey: String?, fixture: String?, nearMiss: String?,
                synthesized: Bool, forwarded: Bool, error: String?, faults: [String], scenarios: [String],
                status: Int, bytesSent: Int = 0, durationMs: Double = 0, clientWentAway: Bool = false, complete: Bool = false) {
        self.id = id
        self.arrivedAt = arrivedAt
        self.clockMs = clockMs
        self.receivedMs = receivedMs
        self.retryAfterMs = retryAfterMs
        self.requestID = requestID
        self.method = method
        self.path = path
        rawQuery = query
        rawHeaders = headers
        rawBody = body.count <= Journal.bodyLimit ? body : Array(body.prefix(Journal.bodyLimit))  // shared, not copied
        rawNearMiss = nearMiss
        rawFaults = faults
        self.model = model
        self.stream = stream
        self.apiKey = apiKey
        self.fixture = fixture
        self.synthesized = synthesized
        self.forwarded = forwarded
        self.error = error
        self.scenarios = scenarios
        self.status = status
        self.bytesSent = bytesSent
        self.durationMs = durationMs
        self.clientWentAway = clientWentAway
        self.complete = complete
    }

    /// The secret policy the journal reads entries with (`--redact` included).
    var policy = SecretPolicy.standard
    /// Every secret value the request carried: secret headers, query values and body fields.
    var secrets: SecretScope { policy.scope(headers: rawHeaders, query: rawQuery, body: rawBody) }
    /// Query parameters, secret values redacted.
    public var query: [(name: String, value: String)] { secrets.query(rawQuery) }
    /// Request headers, secret values redacted.
    public var headers: [(name: String, value: String)] { secrets.headers(HeaderFields(rawHeaders)).fields }
    /// The body as text (first `Journal.bodyLimit` bytes): secret fields and the request's secrets redacted.
    public var body: String { secrets.text(String(decoding: rawBody, as: UTF8.self)) }
    /// Why nothing matched, the request's secrets redacted.
    public var nearMiss: String? { rawNearMiss.map { secrets.text($0) } }
    /// Faults applied (header syntax), the request's secrets scrubbed.
    public var faults: [String] {
        let secrets = self.secrets
        return secrets.secrets.isEmpty ? rawFaults : rawFaults.map { secrets.scrub($0) }
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Which entries a query wants; every field given must match.
public struct JournalFilter: Sendable {
    /// Exact path, or a prefix ending in `*`.
    public var path: String?
    public var method: String?
    public var model: String?
    public var fixture: String?
    /// `Name: value` (value compared exactly; name case-insensitive).
    public var header: (name: String, value: String)?
    public var apiKey: String?
    public var status: Int?
    /// Only entries with a larger id.
    public var after: Int?
    public var limit: Int?

    public init() {}

    public func admits(_ entry: JournalEntry) -> Bool {
        if let path {
            if path.hasSuffix("*") { guard entry.path.hasPrefix(String(path.dropLast())) else { return false } }
            else if entry.path != path { return false }
        }
        if let method, entry.method != method.uppercased() { return false }
        if let model, entry.model != model { return false }
        if let fixture, entry.fixture != fixture { return false }
        if let apiKey, entry.apiKey != apiKey { return false }
        if let status, entry.status != status { return false }
        if let after, entry.id <= after { return false }
        if let header, entry.header(header.name) != header.value { return false }
        return true
    }
}

/// One exchange while the journal holds it: the request as it arrived and what was decided,
/// shared (not copied) with the HTTP layer, which hands it back when the exchange completes. The
/// outcome fields are written and read only under the owning `Journal`'s lock (hence unchecked).
final class JournalRecord: @unchecked Sendable {
    struct Outcome {
        /// The answer's status (0 for a forwarded exchange until upstream has answered).
        var status: Int
        var bytesSent = 0
        var durationMs = 0.0
        var clientWentAway = false
        var complete = false
    }

    let request: HTTPRequest
    let note: ExchangeNote
    var id = 0
    var outcome: Outcome

    init(request: HTTPRequest, note: consuming ExchangeNote, status: Int) {
        var request = request
        if request.body.count > Journal.bodyLimit { request.body = Array(request.body.prefix(Journal.bodyLimit)) }
        self.request = request
        self.note = note
        self.outcome = Outcome(status: status)
    }

    /// The public form, with `id` and `outcome` as read under the journal's lock. The key's
    /// fingerprint is worked out here, from the request's `Authorization`, unless the note has one.
    func entry(id: Int, outcome: Outcome, fingerprints: KeyFingerprints, policy: SecretPolicy) -> JournalEntry {
        var entry = JournalEntry(id: id, arrivedAt: note.arrivedAt, clockMs: note.clockMs, receivedMs: Double(request.receivedAt) / 1e6,
                     retryAfterMs: note.retryAfterMs, requestID: note.requestID, method: request.method, path: request.path,
                     query: request.query, headers: request.headers.fields, body: request.body, model: note.modelName,
                     stream: note.stream, apiKey: note.apiKey ?? fingerprints.fingerprint(BearerKey.parse(request.headers)),
                     fixture: note.fixtureName, nearMiss: note.nearMiss,
                     synthesized: note.synthesized, forwarded: note.forwarded, error: note.error, faults: note.faults,
                     scenarios: note.scenarios, status: outcome.status, bytesSent: outcome.bytesSent,
                     durationMs: outcome.durationMs, clientWentAway: outcome.clientWentAway, complete: outcome.complete)
        entry.policy = policy
        return entry
    }
}

/// The last N exchanges, in a ring: a long soak does not grow it.
public final class Journal: Sendable {
    public static let bodyLimit = 16 * 1024

    private struct State {
        var ring: [JournalRecord?]
        var nextID = 1
        var total = 0
    }

    public let capacity: Int
    private let state: Mutex<State>
    private let fingerprints = KeyFingerprints()

    /// What is secret in what the journal hands out.
    public let policy: SecretPolicy

    public init(capacity: Int = 1000, policy: SecretPolicy = .standard) {
        self.policy = policy
        self.capacity = max(1, capacity)
        state = Mutex(State(ring: Array(repeating: nil, count: max(1, capacity))))
    }

    /// Records an exchange whose answer is decided and gives it its id. Ids follow recording
    /// order, so the ring is in id order and a full ring drops the oldest record.
    func record(_ record: JournalRecord) {
        // The record it replaces is freed after the lock is released.
        let replaced = state.withLock { state -> JournalRecord? in
            record.id = state.nextID
            state.nextID += 1
            state.total += 1
            let slot = record.id % state.ring.count
            let replaced = state.ring[slot].take()
            state.ring[slot] = record
            return replaced
        }
        withExtendedLifetime(replaced) {}
    }

    /// Fills in how an exchange ended (kept even when the ring has dropped it: nobody reads it then).
    func complete(_ record: JournalRecord, status: Int, bytesSent: Int, durationMs: Double, clientWentAway: Bool) {
        let outcome = JournalRecord.Outcome(status: status, bytesSent: bytesSent, durationMs: durationMs,
                                            clientWentAway: clientWentAway, complete: true)
        state.withLock { _ in record.outcome = outcome }
    }

    /// Entries that match, in arrival order (the newest `limit` when a limit is given).
    public func entries(_ filter: JournalFilter = JournalFilter()) -> [JournalEntry] {
        // Only references and outcomes are copied under the lock; entries are built after it.
        let held = state.withLock { state in
            state.ring.compactMap { record in record.map { ($0, $0.id, $0.outcome) } }
        }
        let all = held.map { $0.0.entry(id: $0.1, outcome: $0.2, fingerprints: fingerprints, policy: policy) }.sorted { $0.id < $1.id }
        let matching = all.filter(filter.admits)
        if let limit = filter.limit, matching.count > limit { return Array(matching.suffix(limit)) }
        return matching
    }

    public func count(_ filter: JournalFilter = JournalFilter()) -> Int { entries(filter).count }

    /// Entries ever recorded (including those the ring has dropped).
    public var total: Int { state.withLock { $0.total } }

    public func clear() {
        state.withLock { state in
            state.ring = Array(repeating: nil, count: state.ring.count)
        }
    }


    /// ISO 8601 with milliseconds, UTC.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
