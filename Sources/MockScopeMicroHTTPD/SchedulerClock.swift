import MockScopeHTTPTypes
import Foundation
import Synchronization

/// The time a `StreamScheduler` runs on: what "now" is, and how its thread waits for a deadline.
///
/// `MonotonicSchedulerClock` (the default) is real time; `ManualSchedulerClock` moves only when a
/// test tells it to, so that a stream's events are sent exactly when the test advances it.
public protocol SchedulerClock: Sendable {
    /// Now, in nanoseconds. Never goes back.
    func now() -> UInt64

    /// Wake-ups due within this much of now are resumed in one batch (a clock that moves by
    /// itself catches up within it). A clock that moves only when told must say 0: a connection
    /// woken before its event is due would find nothing to send and ask again, round and round.
    var batchingSlackNanos: UInt64 { get }

    /// Blocks the calling thread, which holds `condition` locked, until `deadline` may have come
    /// on this clock or `condition` is signalled; returns with `condition` locked again. It may
    /// return early: the caller checks the time again.
    func wait(on condition: NSCondition, until deadline: UInt64)
}

/// Real time: CLOCK_MONOTONIC (`MonotonicClock`), waited on with the condition's own timeout.
public struct MonotonicSchedulerClock: SchedulerClock {
    public init() {}

    @inline(__always)
    public func now() -> UInt64 { MonotonicClock.now() }

    public var batchingSlackNanos: UInt64 { 200_000 }

    static let longestWaitNanos: UInt64 = 3_600_000_000_000

    public func wait(on condition: NSCondition, until deadline: UInt64) {
        let now = MonotonicClock.now()
        guard deadline > now else { return }
        // At most an hour at a time: a wait "until the client leaves" is due at UInt64.max, which
        // as a Date overflows the condition's timespec (a trap); the caller looks again anyway.
        let nanos = min(deadline - now, Self.longestWaitNanos)
        _ = condition.wait(until: Date(timeIntervalSinceNow: Double(nanos) / 1e9))
    }
}

/// A clock that stands still until `advance` moves it; moving it wakes every scheduler whose
/// deadline it reaches. For tests: a stream served on it sends each event when the test has
/// advanced the clock to the event's offset, and not before, however loaded the machine is.
public final class ManualSchedulerClock: SchedulerClock {
    private struct Waiter {
        let condition: NSCondition
        let deadline: UInt64
    }

    private struct State {
        var now: UInt64
        /// Schedulers blocked in `wait`, by their condition.
        var waiters: [ObjectIdentifier: Waiter] = [:]
    }

    private let state: Mutex<State>

    public init(now: UInt64 = 0) {
        state = Mutex(State(now: now))
    }

    public func now() -> UInt64 { state.withLock { $0.now } }

    public var batchingSlackNanos: UInt64 { 0 }

    /// The earliest deadline a scheduler is waiting for on this clock (nil: none is waiting for
    /// a time). Tests wait for it to be what they expect before they advance.
    public var nextDeadline: UInt64? { state.withLock { $0.waiters.values.map(\.deadline).min() } }

    /// Moves the clock forward by `nanos` and wakes whatever that makes due.
    public func advance(by nanos: UInt64) {
        advance { now in
            let (sum, overflow) = now.addingReportingOverflow(nanos)
            return overflow ? .max : sum
        }
    }

    /// Moves the clock to `time` (never back) and wakes whatever that makes due.
    public func advance(to time: UInt64) {
        advance { Swift.max($0, time) }
    }

    private func advance(_ move: (UInt64) -> UInt64) {
        let due = state.withLock { state -> [NSCondition] in
            state.now = move(state.now)
            let now = state.now
            return state.waiters.values.filter { $0.deadline <= now }.map(\.condition)
        }
        // Not under `state`: a waiter holds its condition while it registers here.
        for condition in due {
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }
    }

    public func wait(on condition: NSCondition, until deadline: UInt64) {
        let key = ObjectIdentifier(condition)
        // Registered under `state`, checking the time again: an `advance` either sees this waiter
        // (and then signals it once it is really waiting, since the caller holds `condition`) or
        // has already moved the time, which is seen here.
        let registered = state.withLock { state -> Bool in
            guard state.now < deadline else { return false }
            state.waiters[key] = Waiter(condition: condition, deadline: deadline)
            return true
        }
        guard registered else { return }
        condition.wait()
        state.withLock { _ = $0.waiters.removeValue(forKey: key) }
    }
}
