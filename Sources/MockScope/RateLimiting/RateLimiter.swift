import Synchronization

/// Requests-per-minute and tokens-per-minute windows, as DashScope enforces them per model and
/// account: a sliding 60-second window of admitted requests and their tokens.
public struct RateWindow: Sendable {
    public static let lengthMs: Double = 60_000
    private var admitted: [(atMs: Double, tokens: Int)] = []
    private var head = 0

    public init() {}

    public enum Decision: Sendable, Equatable {
        case admitted
        case tooManyRequests
        case tooManyTokens
    }

    /// Admits (and records) a request of `tokens` at `nowMs`, unless it would exceed a limit.
    public mutating func admit(tokens: Int, rpm: Int?, tpm: Int?, nowMs: Double) -> Decision {
        while head < admitted.count, admitted[head].atMs <= nowMs - Self.lengthMs { head += 1 }
        if head > 64, head * 2 > admitted.count {
            admitted.removeFirst(head)
            head = 0
        }
        let live = admitted.count - head
        if let rpm, live >= rpm { return .tooManyRequests }
        if let tpm {
            let used = admitted[head...].reduce(0) { $0 + $1.tokens }
            if used + tokens > tpm { return .tooManyTokens }
        }
        admitted.append((nowMs, tokens))
        return .admitted
    }

    /// Requests admitted in the window ending at `nowMs`.
    public func count(nowMs: Double) -> Int {
        admitted[head...].filter { $0.atMs > nowMs - Self.lengthMs }.count
    }
}

/// Every rate window of a server, keyed by limit and scope (API key, model).
public final class RateLimiterRegistry: Sendable {
    private let windows = Mutex<[String: RateWindow]>([:])

    public init() {}

    public func admit(key: String, tokens: Int, rpm: Int?, tpm: Int?, nowMs: Double) -> RateWindow.Decision {
        windows.withLock { $0[key, default: RateWindow()].admit(tokens: tokens, rpm: rpm, tpm: tpm, nowMs: nowMs) }
    }

    /// Forgets every window (admin reset).
    public func reset() { windows.withLock { $0.removeAll() } }
}

/// Default limits per model tier (China site, from docs/protocol-notes.md native §9; the
/// real values change over time: pass rpm/tpm to use others).
public enum RateLimitDefaults {
    public static func limits(for model: String?) -> (rpm: Int, tpm: Int) {
        guard let model else { return (600, 1_000_000) }
        // Dated snapshots (qwen-max-2025-01-25) have much lower limits.
        if model.range(of: #"-\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil { return (60, 100_000) }
        if model.hasPrefix("qwen-plus") { return (15_000, 1_200_000) }
        if model.hasPrefix("qwen-max") { return (1_200, 1_000_000) }
        if model.hasPrefix("qwen-turbo") { return (1_200, 5_000_000) }
        if model.hasPrefix("qwq") { return (600, 1_000_000) }
        return (600, 1_000_000)
    }
}
