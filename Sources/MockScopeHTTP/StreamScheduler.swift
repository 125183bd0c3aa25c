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

    struct Entry {
        var due: UInt64
        var sequence: UInt64
        var wake: @Sendable () -> Void

        func precedes(_ other: Entry) -> Bool {
            due != other.due ? due < other.due : sequence < other.sequence
        }
    }

    public init(slackNanos: UInt64 = 200_000) {
        self.slackNanos = slackNanos
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

    /// Runs `suspend` and registers `wake` for `due` (monotonic ns), atomically. Returns false,
    /// without calling `suspend`, once the scheduler is stopped: the caller must then end the
    /// exchange instead of waiting.
    public func suspend(until due: UInt64, suspend: () -> Void, wake: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if stopped { return false }
        suspend()
        sequence &+= 1
        let entry = Entry(due: due, sequence: sequence, wake: wake)
        push(entry)
        if heap[0].sequence == entry.sequence { condition.signal() }
        return true
    }

    /// Stops the thread and runs every pending wake-up now (so no connection stays suspended).
    public func stop() {
        condition.lock()
        stopped = true
        let remaining = heap
        heap.removeAll()
        condition.broadcast()
        condition.unlock()
        for entry in remaining { entry.wake() }
    }

    public var isStopped: Bool {
        condition.lock(); defer { condition.unlock() }
        return stopped
    }

    private func run() {
        var batch: [@Sendable () -> Void] = []
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
            while let top = heap.first, top.due <= now + slackNanos {
                batch.append(popFirst().wake)
            }
            condition.unlock()
            for wake in batch { wake() }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
        }
        condition.unlock()
    }

    // MARK: binary heap

    private func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func popFirst() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var best = parent
                if left < heap.count, heap[left].precedes(heap[best]) { best = left }
                if right < heap.count, heap[right].precedes(heap[best]) { best = right }
                if best == parent { break }
                heap.swapAt(parent, best)
                parent = best
            }
        }
        return top
    }
}
