import MockScopeHTTP
import Synchronization

/// The clock that rate-limit and scenario windows run on: real (monotonic) time, or a virtual
/// clock that moves only when a test advances it over the admin API.
public final class MockClock: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case real
        case virtual
    }

    private struct State {
        var mode: Mode
        var virtualMs: Double
    }

    private let state: Mutex<State>
    private let origin = MonotonicClock.now()

    public init(mode: Mode = .real) {
        state = Mutex(State(mode: mode, virtualMs: 0))
    }

    public var mode: Mode { state.withLock { $0.mode } }

    /// Milliseconds since the server started (real), or the virtual time.
    public func nowMs() -> Double {
        state.withLock { state in
            state.mode == .virtual ? state.virtualMs : Double(MonotonicClock.now() &- origin) / 1e6
        }
    }

    /// Moves a virtual clock forward. Returns false on a real clock.
    @discardableResult
    public func advance(ms: Double) -> Bool {
        state.withLock { state in
            guard state.mode == .virtual else { return false }
            state.virtualMs += max(0, ms)
            return true
        }
    }
}
