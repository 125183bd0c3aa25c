import MockScopeHTTPTypes
import Foundation

/// One thread and a min-heap of due times: it resumes suspended connections when their next
/// event is due. Wake-ups that fall due together are resumed in one batch, so libmicrohttpd
/// scans its suspended list once per batch rather than once per connection.
///
/// A registration and the suspension it pairs with happen under one lock, so the scheduler can
/// never resume a connection before it has been suspended.
public final class StreamScheduler: @unchecked Sendable {
    // Every stored property below is guarded by `condition`.
    private let condition = NSCondition()
    private var heap: [Entry] = []
    private var sequence: UInt64 = 0
    private var stopped = false
    private var started = false
    /// Entries due within this much of now are resumed in the same batch.
    private let slackNanos: UInt64
    /// What resuming the waiter a token names means (for the HTTP layer: resume that connection).
    private let wake: @Sendable (UInt) -> Void

    /// A plain value (no closure, no reference): moving entries about the heap costs no
    /// reference counting, and a registration allocates nothing.
    struct Entry {
        var due: UInt64
        var sequence: UInt64
        var token: UInt

        func precedes(_ other: Entry) -> Bool {
            due != other.due ? due < other.due : sequence < other.sequence
        }
    }

    /// `wake` is called on the scheduler's thread (or in `stop`) with each due token.
    public init(slackNanos: UInt64 = 200_000, wake: @escaping @Sendable (UInt) -> Void) {
        self.slackNanos = slackNanos
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

    /// Runs `suspend` and registers `token` to be woken at `due` (monotonic ns), atomically.
    /// Returns false, without calling `suspend`, once the scheduler is stopped: the caller must
    /// then end the exchange instead of waiting.
    public func suspend(until due: UInt64, token: UInt, suspend: () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if stopped { return false }
        suspend()
        sequence &+= 1
        let entry = Entry(due: due, sequence: sequence, token: token)
        let first = push(entry)
        if first { condition.signal() }
        return true
    }

    /// Stops the thread and wakes every pending token now (so no connection stays suspended).
    public func stop() {
        condition.lock()
        stopped = true
        let remaining = heap
        heap.removeAll()
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
            guard let first = heap.first else {
                condition.wait()
                continue
            }
            let now = MonotonicClock.now()
            if first.due > now + slackNanos {
                let seconds = Double(first.due - now) / 1e9
                _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
                continue
            }
            popDue(before: now + slackNanos, into: &batch)
            condition.unlock()
            for token in batch { wake(token) }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
        }
        condition.unlock()
    }

    // MARK: binary heap (worked on through one buffer access, not one access per element)

    /// Adds `entry`; true when it is now the earliest.
    private func push(_ entry: Entry) -> Bool {
        heap.append(entry)
        return heap.withUnsafeMutableBufferPointer { heap in
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[child].precedes(heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
            return child == 0
        }
    }

    /// Moves the tokens of every entry due by `limit` into `batch`, earliest first.
    private func popDue(before limit: UInt64, into batch: inout [UInt]) {
        var count = heap.count
        heap.withUnsafeMutableBufferPointer { heap in
            while count > 0, heap[0].due <= limit {
                batch.append(heap[0].token)
                count -= 1
                heap[0] = heap[count]
                var parent = 0
                while true {
                    let left = 2 * parent + 1, right = left + 1
                    var best = parent
                    if left < count, heap[left].precedes(heap[best]) { best = left }
                    if right < count, heap[right].precedes(heap[best]) { best = right }
                    if best == parent { break }
                    heap.swapAt(parent, best)
                    parent = best
                }
            }
        }
        heap.removeLast(heap.count - count)
    }
}
