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
    /// The test the request named (`X-MockScope-Test-Id`), if any.
    public var testID: String?
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
    /// Which answer of the fixture's answer sequence was served (0 first); nil for a fixture of one answer.
    public var sequenceIndex: Int?
    public var synthesized: Bool
    /// Forwarded to the real service (record mode).
    public var forwarded: Bool
    /// A forwarded exchange's recording: `pending`, `recorded to FILE` (and whether faults changed
    /// the client's copy), or `not recorded: why`.
    public var recording: String?
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
    /// Only the entries of this test (`X-MockScope-Test-Id`).
    public var testID: String?
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
        if let testID, entry.testID != testID { return false }
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

    /// Written only by `bound(policy:)`, before the record is shared.
    private(set) var request: HTTPRequest
    private(set) var note: ExchangeNote
    var id = 0
    var outcome: Outcome
    /// What the record holds, as the journal accounts it (`Journal.accountedBytes`).
    private(set) var bytes = 0

    init(request: HTTPRequest, note: consuming ExchangeNote, status: Int) {
        var request = request
        if request.body.count > Journal.bodyLimit { request.body = Array(request.body.prefix(Journal.bodyLimit)) }
        self.request = request
        self.note = note
        self.outcome = Outcome(status: status)
    }

    /// Caps every string the client chose (`Journal.stringLimit` each; `Journal.fieldsLimit` for all
    /// the headers, all the query parameters, all the faults) and counts the bytes kept. Called once,
    /// by `Journal.record`, before anything else sees the record. The common request has nothing to
    /// cut: this only counts. Whatever is cut is first scrubbed of the request's secrets (worked out
    /// from the whole request), so a cut never leaves part of a key behind.
    func bound(policy: SecretPolicy) {
        let measured = measure()
        bytes = measured.bytes
        if measured.needsCutting {
            let scope = policy.scope(for: request)
            let limit = Journal.stringLimit
            let cut = { (text: String, limit: Int) -> String in
                text.utf8.count > limit ? Journal.capped(scope.scrub(text), limit) : text
            }
            let longSecret = scope.secrets.contains { $0.utf8.count > limit }
            if longSecret {
                // A key longer than the cap would be cut in the headers and then not found whole
                // in the body when it is read: scrub the body now.
                request.body = Array(scope.scrub(String(decoding: request.body, as: UTF8.self)).utf8.prefix(Journal.bodyLimit))
            }
            request.path = cut(request.path, limit)
            request.query = Journal.cappedFields(request.query.map { (name: cut($0.name, limit), value: cut($0.value, limit)) })
            request.headers = HeaderFields(Journal.cappedFields(request.headers.fields.map {
                (name: cut($0.name, limit), value: policy.isSecretHeader($0.name) && $0.value.utf8.count > limit ? SecretPolicy.placeholder : cut($0.value, limit))
            }))
            request.method = cut(request.method, 64)
            note.model = note.modelName.map { cut($0, limit) }
            note.nearMiss = note.nearMiss.map { cut($0, Journal.nearMissLimit) }
            note.error = note.error.map { cut($0, limit) }
            note.fixture = note.fixture.map { cut($0, limit) }
            note.apiKey = note.apiKey.map { cut($0, limit) }
            note.testID = note.testID.map { cut($0, limit) }
            var faultBytes = 0
            note.faults = note.faults.prefix { fault in
                faultBytes += min(fault.utf8.count, limit)
                return faultBytes <= Journal.fieldsLimit
            }.map { cut($0, limit) }
            note.scenarios = note.scenarios.prefix(64).map { cut($0, limit) }
            if longSecret, let nearMiss = note.nearMiss { note.nearMiss = scope.scrub(nearMiss) }
            bytes = measure().bytes
        }
    }

    /// The bytes the record keeps (its strings and body, plus a fixed overhead per record and per
    /// field), and whether any string is over its cap: one pass that reads lengths only (O(1) per
    /// native string), as it runs for every request.
    private func measure() -> (bytes: Int, needsCutting: Bool) {
        let limit = Journal.stringLimit
        var over = request.path.utf8.count > limit || request.method.utf8.count > 64
        var total = Journal.recordOverhead + request.body.count + request.method.utf8.count + request.path.utf8.count
        var fields = 0
        for field in request.headers.fields {
            let name = field.name.utf8.count, value = field.value.utf8.count
            if name > limit || value > limit { over = true }
            fields += name + value
        }
        total += fields + request.headers.fields.count * Journal.fieldOverhead
        if fields > Journal.fieldsLimit { over = true }
        fields = 0
        for field in request.query {
            let name = field.name.utf8.count, value = field.value.utf8.count
            if name > limit || value > limit { over = true }
            fields += name + value
        }
        total += fields + request.query.count * Journal.fieldOverhead
        if fields > Journal.fieldsLimit { over = true }
        fields = 0
        for fault in note.faults {
            if fault.utf8.count > limit { over = true }
            fields += fault.utf8.count
        }
        total += fields + note.faults.count * Journal.fieldOverhead
        if fields > Journal.fieldsLimit { over = true }
        if note.scenarios.count > 64 { over = true }
        for scenario in note.scenarios {
            if scenario.utf8.count > limit { over = true }
            total += Journal.fieldOverhead + scenario.utf8.count
        }
        let model = note.modelName?.utf8.count ?? 0, nearMiss = note.nearMiss?.utf8.count ?? 0, error = note.error?.utf8.count ?? 0
        let fixture = note.fixture?.utf8.count ?? 0, apiKey = note.apiKey?.utf8.count ?? 0, testID = note.testID?.utf8.count ?? 0
        if model > limit || nearMiss > Journal.nearMissLimit || error > limit || fixture > limit || apiKey > limit || testID > limit { over = true }
        total += (note.model?.utf8.count ?? 0) + nearMiss + error + fixture + apiKey + testID
        return (total, over)
    }

    /// The public form, with `id` and `outcome` as read under the journal's lock. The key's
    /// fingerprint is worked out here, from the request's `Authorization`, unless the note has one.
    func entry(id: Int, outcome: Outcome, fingerprints: KeyFingerprints, policy: SecretPolicy) -> JournalEntry {
        var entry = JournalEntry(id: id, arrivedAt: note.arrivedAt, clockMs: note.clockMs, receivedMs: Double(request.receivedAt) / 1e6,
                     retryAfterMs: note.retryAfterMs, requestID: note.requestID, method: request.method, path: request.path,
                     query: request.query, headers: request.headers.fields, body: request.body, model: note.modelName,
                     stream: note.stream, apiKey: note.apiKey ?? fingerprints.fingerprint(note.endpoint.module.apiKey(RequestHeads(request.headers))),
                     fixture: note.fixtureName, nearMiss: note.nearMiss,
                     synthesized: note.synthesized, forwarded: note.forwarded, error: note.error, faults: note.faults,
                     scenarios: note.scenarios, status: outcome.status, bytesSent: outcome.bytesSent,
                     durationMs: outcome.durationMs, clientWentAway: outcome.clientWentAway, complete: outcome.complete)
        entry.policy = policy
        entry.recording = note.recording?.text
        entry.sequenceIndex = note.sequenceIndex
        entry.testID = note.testID
        return entry
    }
}

/// The last N exchanges, in a ring, and at most `byteLimit` bytes of them: a long soak does not
/// grow it, and neither do requests with huge strings (each is capped, and the oldest entries go
/// first when the total is over the limit).
public final class Journal: Sendable {
    public static let bodyLimit = 16 * 1024
    /// The most kept of any one string a client chose (model, path, a query or header value, an error).
    public static let stringLimit = 4 * 1024
    /// The most kept of a near-miss report.
    public static let nearMissLimit = 8 * 1024
    /// The most kept of all of a request's headers (and of its query parameters, and of its faults):
    /// the later ones are dropped.
    public static let fieldsLimit = 32 * 1024
    /// The default `--journal-bytes`: 64 MiB.
    public static let defaultByteLimit = 64 * 1024 * 1024
    /// The smallest byte limit: a few of the largest records.
    public static let minimumByteLimit = 1024 * 1024
    static let recordOverhead = 512
    static let fieldOverhead = 32

    private struct State {
        var ring: [JournalRecord?]
        var nextID = 1
        var total = 0
        /// The bytes the records in the ring hold (`JournalRecord.bytes`).
        var bytes = 0
        /// Every id below this has left the ring.
        var oldest = 1
    }

    public let capacity: Int
    /// The most bytes the records kept may hold (`--journal-bytes`).
    public let byteLimit: Int
    private let state: Mutex<State>
    private let fingerprints = KeyFingerprints()

    /// What is secret in what the journal hands out.
    public let policy: SecretPolicy

    public init(capacity: Int = 1000, byteLimit: Int = Journal.defaultByteLimit, policy: SecretPolicy = .standard) {
        self.policy = policy
        self.capacity = max(1, capacity)
        self.byteLimit = max(Self.minimumByteLimit, byteLimit)
        state = Mutex(State(ring: Array(repeating: nil, count: max(1, capacity))))
    }

    /// Records an exchange whose answer is decided and gives it its id. Ids follow recording
    /// order, so the ring is in id order; a full ring, or one over its byte limit, drops the oldest.
    func record(_ record: JournalRecord) {
        record.bound(policy: policy)
        // The records it drops are freed after the lock is released.
        // The usual case drops one record, the one whose slot is taken: no array is made for it.
        let dropped = state.withLock { state -> (replaced: JournalRecord?, evicted: [JournalRecord]) in
            record.id = state.nextID
            state.nextID += 1
            state.total += 1
            let slot = record.id % state.ring.count
            var dropped: [JournalRecord] = []
            let replaced = state.ring[slot].take()
            if let replaced { state.bytes -= replaced.bytes }
            state.ring[slot] = record
            state.bytes += record.bytes
            var oldest = max(state.oldest, record.id - state.ring.count + 1)
            while state.bytes > byteLimit, oldest < record.id {
                let index = oldest % state.ring.count
                if let old = state.ring[index], old.id == oldest {
                    state.bytes -= old.bytes
                    dropped.append(old)
                    state.ring[index] = nil
                }
                oldest += 1
            }
            state.oldest = oldest
            return (replaced, dropped)
        }
        withExtendedLifetime(dropped) {}
    }

    /// The bytes the kept records hold, as accounted (never over `byteLimit` but for a single
    /// record, which `JournalRecord.bound` keeps far smaller than the smallest limit).
    public var accountedBytes: Int { state.withLock { $0.bytes } }

    /// A string cut to at most `limit` bytes on a scalar boundary, marked with "…".
    static func capped(_ text: String, _ limit: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: max(0, limit - 3))  // "…" takes 3 bytes
        while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
        return String(decoding: utf8[..<end], as: UTF8.self) + "…"
    }

    /// Fields kept while their names and values add up to at most `fieldsLimit` bytes.
    static func cappedFields(_ fields: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var total = 0
        return Array(fields.prefix { field in
            total += field.name.utf8.count + field.value.utf8.count
            return total <= fieldsLimit
        })
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
            state.ring.compactMap { record in
                record.flatMap { filter.testID == nil || $0.note.testID == filter.testID ? ($0, $0.id, $0.outcome) : nil }
            }
        }
        let all = held.map { $0.0.entry(id: $0.1, outcome: $0.2, fingerprints: fingerprints, policy: policy) }.sorted { $0.id < $1.id }
        let matching = all.filter(filter.admits)
        if let limit = filter.limit, matching.count > limit { return Array(matching.suffix(limit)) }
        return matching
    }

    public func count(_ filter: JournalFilter = JournalFilter()) -> Int { entries(filter).count }

    /// Entries ever recorded (including those the ring has dropped).
    public var total: Int { state.withLock { $0.total } }

    /// Forgets one test's entries (`X-MockScope-Test-Id`); the others stay.
    public func clear(testID: String) {
        let dropped = state.withLock { state -> [JournalRecord] in
            var dropped: [JournalRecord] = []
            for index in state.ring.indices {
                guard let record = state.ring[index], record.note.testID == testID else { continue }
                state.bytes -= record.bytes
                dropped.append(record)
                state.ring[index] = nil
            }
            return dropped
        }
        withExtendedLifetime(dropped) {}
    }

    public func clear() {
        let dropped = state.withLock { state -> [JournalRecord?] in
            let dropped = state.ring
            state.ring = Array(repeating: nil, count: state.ring.count)
            state.bytes = 0
            state.oldest = state.nextID
            return dropped
        }
        withExtendedLifetime(dropped) {}
    }


    /// ISO 8601 with milliseconds, UTC.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
