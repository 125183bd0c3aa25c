import MockScopeHTTPTypes
import Synchronization

/// The clock that rate-limit and scenario windows run on: real (monotonic) time, or a virtual
/// clock that moves only when a test advances it over the admin API.
public final class MockClock: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case real
        case virtual
    }

    /// Fixed for the clock's life: a real clock is read without a lock (every request reads it).
    public let mode: Mode
    private let virtualMs = Mutex<Double>(0)
    private let origin = MonotonicClock.now()

    public init(mode: Mode = .real) {
        self.mode = mode
    }

    /// Milliseconds since the server started (real), or the virtual time.
    public func nowMs() -> Double {
        mode == .virtual ? virtualMs.withLock { $0 } : Double(MonotonicClock.now() &- origin) / 1e6
    }

    /// The most one `advance` may move the clock: ten years, in ms (`POST /__admin/clock` refuses more).
    public static let maxAdvanceMs: Double = 315_360_000_000
    /// Where a virtual clock stops: about 31,700 years, where doubles still count every ms exactly.
    public static let maxVirtualMs: Double = 1e15

    /// Moves a virtual clock forward by `ms` (negative and non-finite values count as 0, more than
    /// `maxAdvanceMs` as that), never past `maxVirtualMs`: the clock stays finite, so windows
    /// keep working. Returns false on a real clock.
    @discardableResult
    public func advance(ms: Double) -> Bool {
        guard mode == .virtual else { return false }
        let step = ms.isFinite ? min(max(0, ms), Self.maxAdvanceMs) : 0
        virtualMs.withLock { $0 = min($0 + step, Self.maxVirtualMs) }
        return true
    }
}
