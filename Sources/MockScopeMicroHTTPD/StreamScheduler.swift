import Foundation
import HeapModule

/// One thread and a min-heap of due times: it resumes suspended connections when their next
/// event is due. Wake-ups that fall due together are resumed in one batch, so libmicrohttpd
/// scans its suspended list once per batch rather than once per connection.
///
/// A registration and the suspension it pairs with happen under one lock, so the scheduler can
/// never resume a connection before it has been suspended.
///
/// Due times are on `clock`: real monotonic time by default, or a `ManualSchedulerClock` that a
/// test advances.
public final class StreamScheduler: @unchecked Sendable {
    // Every stored property below is guarded by `condition`.
    private let condition = NSCondition()
    private var heap = Heap<Entry>()
    private var sequence: UInt64 = 0
    private var stopped = false
    private var started = false
    /// What due times are measured on, and how the thread waits for them.
    public let clock: any SchedulerClock
    /// Entries due within this much of now are resumed in the same batch.
    private let slackNanos: UInt64
    /// What resuming the waiter a token names means (for the HTTP layer: resume that connection).
    private let wake: @Sendable (UInt) -> Void

    /// A plain value (no closure, no reference): moving entries about the heap costs no
    /// reference counting, and a registration allocates nothing (beyond the heap's storage
    /// growing). Ordered by due time, then by registration.
    struct Entry: Comparable {
        var due: UInt64
        var sequence: UInt64
        var token: UInt

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.due != rhs.due ? lhs.due < rhs.due : lhs.sequence < rhs.sequence
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.due == rhs.due && lhs.sequence == rhs.sequence
        }
    }

    /// `wake` is called on the scheduler's thread (or in `stop`) with each due token.
    /// `slackNanos` nil = the clock's `batchingSlackNanos` (200 µs for real time, 0 for a manual clock).
    public init(clock: any SchedulerClock = MonotonicSchedulerClock(), slackNanos: UInt64? = nil,
                wake: @escaping @Sendable (UInt) -> Void) {
        self.clock = clock
        self.slackNanos = slackNanos ?? clock.batchingSlackNanos
        self.wake = wake
    }

    /// Number of connections waiting for their wake-up.
    public var pending: Int {
        condition.lock(); defer { condition.unlock() }
        return heap.count
    }

    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = true
        let thread = Thread { [self] in run() }
        thread.name = "mockscope-scheduler"
        thread.qualityOfService = .userInteractive
        thread.start()
    }

    /// Runs `suspend` and registers `token` to be woken at `due` (on `clock`, ns), atomically.
    /// Returns false, without calling `suspend`, once the scheduler is stopped: the caller must
    /// then end the exchange instead of waiting.
    public func suspend(until due: UInt64, token: UInt, suspend: () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if stopped { return false }
        suspend()
        sequence &+= 1
        let entry = Entry(due: due, sequence: sequence, token: token)
        // The thread needs waking only when this entry is now the earliest.
        let first = heap.min.map { entry < $0 } ?? true
        heap.insert(entry)
        if first { condition.signal() }
        return true
    }

    /// Stops the thread and wakes every pending token now (so no connection stays suspended).
    public func stop() {
        condition.lock()
        stopped = true
        let remaining = heap.unordered
        heap = Heap()
        condition.broadcast()
        condition.unlock()
        for entry in remaining { wake(entry.token) }
    }

    public var isStopped: Bool {
        condition.lock(); defer { condition.unlock() }
        return stopped
    }

    private func run() {
        var batch: [UInt] = []
        condition.lock()
        while !stopped {
            guard let first = heap.min else {
                condition.wait()
                continue
            }
            let limit = clock.now() &+ slackNanos
            if first.due > limit {
                clock.wait(on: condition, until: first.due)
                continue
            }
            // Every entry due by `limit`, earliest first.
            while let next = heap.min, next.due <= limit {
                batch.append(heap.removeMin().token)
            }
            condition.unlock()
            for token in batch { wake(token) }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
        }
        condition.unlock()
    }
}
