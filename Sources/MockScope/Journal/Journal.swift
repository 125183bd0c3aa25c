import Foundation
import Synchronization

/// One exchange as the journal keeps it (secrets redacted).
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
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    /// The body as text, cut at `Journal.bodyLimit` bytes.
    public var body: String
    public var model: String?
    public var stream: Bool
    /// A fingerprint of the API key (`SecretRedaction.fingerprint`), never the key.
    public var apiKey: String?
    public var fixture: String?
    public var nearMiss: String?
    public var synthesized: Bool
    /// Forwarded to the real service (record mode).
    public var forwarded: Bool
    public var error: String?
    public var faults: [String]
    public var scenarios: [String]
    public var status: Int
    public var bytesSent: Int
    public var durationMs: Double
    public var clientWentAway: Bool

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

/// The last N exchanges, in a ring: a long soak does not grow it.
public final class Journal: Sendable {
    public static let bodyLimit = 16 * 1024

    private struct State {
        var ring: [JournalEntry?]
        var next = 0
        var nextID = 1
        var total = 0
    }

    public let capacity: Int
    private let state: Mutex<State>

    public init(capacity: Int = 1000) {
        self.capacity = max(1, capacity)
        state = Mutex(State(ring: Array(repeating: nil, count: max(1, capacity))))
    }

    /// A new entry id, taken when the request arrives so that ids follow arrival order.
    public func nextID() -> Int {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Adds a completed exchange. Exchanges complete out of arrival order, so a full journal
    /// drops the entry that arrived first (the smallest id), not the one completed first.
    public func append(_ entry: JournalEntry) {
        state.withLock { state in
            state.total += 1
            if state.next < state.ring.count, state.ring[state.next] == nil {
                state.ring[state.next] = entry
                state.next += 1
                return
            }
            var oldest = 0
            for index in state.ring.indices where (state.ring[index]?.id ?? Int.min) < (state.ring[oldest]?.id ?? Int.min) {
                oldest = index
            }
            if let kept = state.ring[oldest], kept.id > entry.id { return }
            state.ring[oldest] = entry
        }
    }

    /// Entries that match, in arrival order (the newest `limit` when a limit is given).
    public func entries(_ filter: JournalFilter = JournalFilter()) -> [JournalEntry] {
        let all = state.withLock { state -> [JournalEntry] in
            state.ring.compactMap { $0 }
        }.sorted { $0.id < $1.id }
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
            state.next = 0
        }
    }


    /// ISO 8601 with milliseconds, UTC.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
