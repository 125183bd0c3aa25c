import MockScopeHTTPTypes

/// How each client (API key) behaved under faults, read from the journal: did it wait what
/// Retry-After asked, back off between retries, stop retrying what must not be retried, give up
/// after a bounded number of attempts, and cancel stalled streams within its timeout.
public struct ConductReport: Sendable {
    public enum Verdict: String, Sendable {
        case pass
        case fail
        /// Nothing in the journal exercised this.
        case notSeen = "not_seen"
    }

    public struct Check: Sendable {
        public var name: String
        public var verdict: Verdict
        public var detail: String
    }

    public struct Client: Sendable {
        public var apiKey: String
        public var requests: Int
        public var retries: Int
        public var checks: [Check]
        public var verdict: Verdict { checks.contains { $0.verdict == .fail } ? .fail : .pass }
    }

    /// Attempts beyond this for one request are "unbounded".
    public var maxAttempts: Int
    /// A stalled stream must be cancelled within this long.
    public var stallTimeoutMs: Double
    public private(set) var clients: [Client] = []

    /// Statuses a client must not retry.
    static let fatal: Set<Int> = [400, 401, 403, 404]

    /// Exchanges still open (`complete == false`) are judged only for `cancelled_stalls`: a stalled
    /// or hung answer open for longer than `stallTimeoutMs` at `nowMs` (monotonic ms, the clock of
    /// `JournalEntry.receivedMs`) fails it.
    public init(entries: [JournalEntry], maxAttempts: Int = 6, stallTimeoutMs: Double = 60_000,
                nowMs: Double = Double(MonotonicClock.now()) / 1e6) {
        self.maxAttempts = maxAttempts
        self.stallTimeoutMs = stallTimeoutMs
        let byKey = Dictionary(grouping: entries) { $0.apiKey ?? "no-key" }
        clients = byKey.keys.sorted().map { key in judge(key, byKey[key]!.sorted { $0.receivedMs < $1.receivedMs }, nowMs: nowMs) }
    }

    /// Consecutive attempts at the same request (same method, path and body) after a failure: a
    /// request repeated after it succeeded is a new request, not a retry.
    static func attempts(_ entries: [JournalEntry]) -> [[JournalEntry]] {
        var groups: [[JournalEntry]] = []
        for entry in entries {
            if let last = groups.last?.last, last.status >= 400 || last.status == 0 || last.clientWentAway,
               last.method == entry.method, last.path == entry.path, last.rawBody == entry.rawBody {
                groups[groups.count - 1].append(entry)
            } else {
                groups.append([entry])
            }
        }
        return groups
    }

    func judge(_ key: String, _ entries: [JournalEntry], nowMs: Double) -> Client {
        let groups = Self.attempts(entries.filter(\.complete))
        var retryAfter = Check(name: "waited_retry_after", verdict: .notSeen, detail: "no answer asked for a wait")
        var backoff = Check(name: "backed_off", verdict: .notSeen, detail: "no request was retried twice")
        var fatal = Check(name: "no_retry_on_fatal", verdict: .notSeen, detail: "no 400/401/403/404 answer was seen")
        var bounded = Check(name: "bounded_attempts", verdict: .notSeen, detail: "no request was retried")
        var stalls = Check(name: "cancelled_stalls", verdict: .notSeen, detail: "no stalled or hung answer was seen")
        var retries = 0

        for group in groups {
            retries += group.count - 1
            let waits = zip(group, group.dropFirst()).map { previous, next in next.receivedMs - (previous.receivedMs + previous.durationMs) }
            for (index, previous) in group.dropLast().enumerated() {
                if let asked = previous.retryAfterMs {
                    if waits[index] + 50 < asked {
                        retryAfter = Check(name: retryAfter.name, verdict: .fail,
                                           detail: "retried \(Int(waits[index])) ms after an answer that asked for \(Int(asked)) ms (request \(group[index + 1].id))")
                    } else if retryAfter.verdict != .fail {
                        retryAfter = Check(name: retryAfter.name, verdict: .pass, detail: "every retry waited at least what Retry-After asked")
                    }
                }
                if Self.fatal.contains(previous.status) {
                    fatal = Check(name: fatal.name, verdict: .fail,
                                  detail: "retried after HTTP \(previous.status), which must not be retried (request \(group[index + 1].id))")
                }
            }
            for entry in group where Self.fatal.contains(entry.status) && fatal.verdict == .notSeen {
                fatal = Check(name: fatal.name, verdict: .pass, detail: "no 400/401/403/404 answer was retried")
            }
            if group.count > 1 {
                if group.count > maxAttempts {
                    bounded = Check(name: bounded.name, verdict: .fail, detail: "\(group.count) attempts at one request (more than \(maxAttempts))")
                } else if bounded.verdict != .fail {
                    bounded = Check(name: bounded.name, verdict: .pass, detail: "at most \(maxAttempts) attempts per request")
                }
            }
            if waits.count >= 2 {
                let growing = zip(waits, waits.dropFirst()).allSatisfy { $1 >= $0 * 0.8 } && waits[0] >= 50
                if !growing {
                    backoff = Check(name: backoff.name, verdict: .fail,
                                    detail: "waits between attempts were \(waits.map { Int($0) }) ms: not a back-off")
                } else if backoff.verdict != .fail {
                    backoff = Check(name: backoff.name, verdict: .pass, detail: "waits between attempts grew (\(waits.map { Int($0) }) ms)")
                }
            }
        }
        for entry in entries where entry.rawFaults.contains(where: { $0.hasPrefix("stall") || $0.hasPrefix("hang") }) {
            if !entry.complete {
                let open = nowMs - entry.receivedMs
                if open > stallTimeoutMs {
                    stalls = Check(name: stalls.name, verdict: .fail,
                                   detail: "a stalled answer (request \(entry.id)) is still open after \(Int(open)) ms: the client never cancelled it")
                }
                continue
            }
            if !entry.clientWentAway || entry.durationMs > stallTimeoutMs {
                stalls = Check(name: stalls.name, verdict: .fail,
                               detail: "a stalled answer (request \(entry.id)) was not cancelled within \(Int(stallTimeoutMs)) ms")
            } else if stalls.verdict != .fail {
                stalls = Check(name: stalls.name, verdict: .pass, detail: "stalled answers were cancelled after \(Int(entry.durationMs)) ms")
            }
        }
        return Client(apiKey: key, requests: entries.count, retries: retries, checks: [retryAfter, backoff, fatal, bounded, stalls])
    }

    public func json() -> String {
        var writer = JSONWriter()
        writer.object { o in
            o.field("max_attempts", .number(Double(maxAttempts)))
            o.field("stall_timeout_ms", .number(stallTimeoutMs))
            o.field("clients", array: clients.map { client in { w in
                w.object { c in
                    c.field("api_key", string: client.apiKey)
                    c.field("verdict", string: client.verdict.rawValue)
                    c.field("requests", .number(Double(client.requests)))
                    c.field("retries", .number(Double(client.retries)))
                    c.field("checks", array: client.checks.map { check in { w in
                        w.object { k in
                            k.field("name", string: check.name)
                            k.field("verdict", string: check.verdict.rawValue)
                            k.field("detail", string: check.detail)
                        }
                    } })
                }
            } })
        }
        return writer.text
    }
}
