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
            // Overflow-safe: limits and counts are bounded where they are read, but not here.
            let used = admitted[head...].reduce(0) { $0.addingReportingOverflow($1.tokens).partialValue }
            let (total, overflow) = used.addingReportingOverflow(max(0, tokens))
            if overflow || total > tpm { return .tooManyTokens }
        }
        admitted.append((nowMs, tokens))
        return .admitted
    }

    /// Requests admitted in the window ending at `nowMs`.
    public func count(nowMs: Double) -> Int {
        admitted[head...].filter { $0.atMs > nowMs - Self.lengthMs }.count
    }
}

/// Which window a request counts in: the limits and a digest of the scope's API key and model.
/// The raw strings are never kept (a client chooses them: 4 MB model names must not be held), and
/// two 64-bit digests of each make a shared window by accident practically impossible.
public struct RateWindowKey: Hashable, Sendable {
    var rpm: Int
    var tpm: Int
    var apiKey: (UInt64, UInt64)?
    var model: (UInt64, UInt64)?

    public init(rpm: Int?, tpm: Int?, apiKey: String?, model: String?) {
        self.rpm = rpm ?? 0
        self.tpm = tpm ?? 0
        self.apiKey = apiKey.map { (ByteDigest.of($0, seed: 0x6b65_7931), ByteDigest.of($0, seed: 0x6b65_7932)) }
        self.model = model.map { (ByteDigest.of($0, seed: 0x6d6f_6431), ByteDigest.of($0, seed: 0x6d6f_6432)) }
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.rpm == b.rpm && a.tpm == b.tpm && a.apiKey?.0 == b.apiKey?.0 && a.apiKey?.1 == b.apiKey?.1
            && a.model?.0 == b.model?.0 && a.model?.1 == b.model?.1 && (a.apiKey == nil) == (b.apiKey == nil)
            && (a.model == nil) == (b.model == nil)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rpm)
        hasher.combine(tpm)
        hasher.combine(apiKey?.0)
        hasher.combine(apiKey?.1)
        hasher.combine(model?.0)
        hasher.combine(model?.1)
    }
}

/// Every rate window of a server, keyed by limit and scope (digests of API key and model).
/// Bounded: a window idle for a whole window length (on MockScope's clock, so a virtual clock
/// expires them too) is forgotten, and the table holds at most `maxWindows` (the least recently
/// used quarter goes when it is full).
public final class RateLimiterRegistry: Sendable {
    /// The default bound of the table (`--rate-limit-windows`).
    public static let defaultMaxWindows = 10_000

    private struct Slot {
        var window = RateWindow()
        var lastUsedMs: Double

        mutating func admit(tokens: Int, rpm: Int?, tpm: Int?, nowMs: Double) -> RateWindow.Decision {
            lastUsedMs = max(lastUsedMs, nowMs)
            return window.admit(tokens: tokens, rpm: rpm, tpm: tpm, nowMs: nowMs)
        }
    }

    private struct State {
        var windows: [RateWindowKey: Slot] = [:]
        var admitsSinceSweep = 0
        var lastSweepMs = 0.0
    }

    private let state = Mutex(State())
    public let maxWindows: Int

    public init(maxWindows: Int = RateLimiterRegistry.defaultMaxWindows) {
        self.maxWindows = max(1, maxWindows)
    }

    public func admit(key: RateWindowKey, tokens: Int, rpm: Int?, tpm: Int?, nowMs: Double) -> RateWindow.Decision {
        state.withLock { state in
            state.admitsSinceSweep += 1
            // Idle windows go at least once a window length (on this clock), and whenever a new
            // window would not fit; every 1,024 admissions at most otherwise.
            if nowMs - state.lastSweepMs >= RateWindow.lengthMs
                || state.windows[key] == nil && (state.windows.count >= maxWindows || state.admitsSinceSweep >= 1024) {
                Self.sweep(&state, nowMs: nowMs, maxWindows: maxWindows)
            }
            return state.windows[key, default: Slot(lastUsedMs: nowMs)].admit(tokens: tokens, rpm: rpm, tpm: tpm, nowMs: nowMs)
        }
    }

    /// Drops the idle windows; when the table is still full, the least recently used quarter.
    private static func sweep(_ state: inout State, nowMs: Double, maxWindows: Int) {
        state.admitsSinceSweep = 0
        state.lastSweepMs = nowMs
        state.windows = state.windows.filter { $0.value.lastUsedMs > nowMs - RateWindow.lengthMs }
        guard state.windows.count >= maxWindows else { return }
        let keep = maxWindows - max(1, maxWindows / 4)
        let newest = state.windows.sorted { $0.value.lastUsedMs > $1.value.lastUsedMs }.prefix(keep)
        state.windows = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }

    /// Windows held now (idle ones are dropped on the next sweep).
    public var count: Int { state.withLock { $0.windows.count } }

    /// Forgets every window (admin reset).
    public func reset() { state.withLock { $0 = State() } }
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
