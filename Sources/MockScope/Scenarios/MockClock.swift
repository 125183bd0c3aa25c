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

    /// Moves a virtual clock forward. Returns false on a real clock.
    @discardableResult
    public func advance(ms: Double) -> Bool {
        guard mode == .virtual else { return false }
        virtualMs.withLock { $0 += max(0, ms) }
        return true
    }
}
