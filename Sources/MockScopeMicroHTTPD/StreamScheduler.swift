import Foundation
import HeapModule

/// One thread and a min-heap of due times: it resumes suspended connections when their next
/// event is due. Wake-ups that fall due together are resumed in one batch, so libmicrohttpd
/// scans its suspended list once per batch rather than once per connection.
///
/// A suspension may also watch its connection's socket (`watching:`): a hang, a latency or a
/// stall waits for its peer to go without waking. The sockets are in an epoll set of the
/// scheduler's own (`PeerWatch`), which a second thread waits on with no timeout: it resumes
/// a connection early only when its peer has reset (or half-closed, where that ends the wait), so
/// an idle server costs nothing per held connection (before, each was woken every 100 ms to
/// probe its peer: 10,000 hangs took most of a core).
///
/// A registration and the suspension it pairs with happen under one lock, so the scheduler can
/// never resume a connection before it has been suspended; and a token is resumed only while it
/// has a live registration (a watched one woken early leaves a stale heap entry, skipped).
///
/// Due times are on `clock`: real monotonic time by default, or a `ManualSchedulerClock` that a
/// test advances. Watching does not depend on the clock.
public final class StreamScheduler: @unchecked Sendable {
    // Every stored property below is guarded by `condition`.
    private let condition = NSCondition()
    private var heap = Heap<Entry>()
    private var sequence: UInt64 = 0
    private var stopped = false
    private var started = false
    /// Threads (the timer and the watch) still running; `stop` waits for them.
    private var threadsRunning = 0
    /// Watched suspensions still waiting: token -> their registration and socket.
    private var watched: [UInt: (sequence: UInt64, fd: Int32)] = [:]
    /// Heap entries whose watched suspension was already woken by the watch.
    private var staleEntries = 0
    private var wokenCount = 0
    private var watchFD: Int32 = -1
    private var watchWakeFD: Int32 = -1
    /// What due times are measured on, and how the thread waits for them.
    public let clock: any SchedulerClock
    /// Entries due within this much of now are resumed in the same batch.
    private let slackNanos: UInt64
    /// What resuming the waiter a token names means (for the HTTP layer: resume that connection).
    private let wake: @Sendable (UInt) -> Void

    /// Where no watch set can be made (not Linux), a watched wait is cut to this, so its
    /// connection looks at its peer again this often.
    static let fallbackProbeNanos: UInt64 = 100_000_000

    /// A plain value (no closure, no reference): moving entries about the heap costs no
    /// reference counting, and a registration allocates nothing (beyond the heap's storage
    /// growing). Ordered by due time, then by registration.
    struct Entry: Comparable {
        var due: UInt64
        var sequence: UInt64
        var token: UInt
        /// The watched socket, or -1.
        var fd: Int32 = -1

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.due != rhs.due ? lhs.due < rhs.due : lhs.sequence < rhs.sequence
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.due == rhs.due && lhs.sequence == rhs.sequence
        }
    }

    /// `wake` is called on the scheduler's threads (or in `stop`) with each due token.
    /// `slackNanos` nil = the clock's `batchingSlackNanos` (200 µs for real time, 0 for a manual clock).
    public init(clock: any SchedulerClock = MonotonicSchedulerClock(), slackNanos: UInt64? = nil,
                wake: @escaping @Sendable (UInt) -> Void) {
        self.clock = clock
        self.slackNanos = slackNanos ?? clock.batchingSlackNanos
        self.wake = wake
    }

    deinit { PeerWatch.close(watchFD, watchWakeFD) }

    /// Number of connections waiting for their wake-up.
    public var pending: Int {
        condition.lock(); defer { condition.unlock() }
        return heap.count - staleEntries
    }

    /// Tokens woken so far (by their due time or by the watch; not by `stop`). A held connection
    /// that nothing happens to adds nothing.
    public var wakeUps: Int {
        condition.lock(); defer { condition.unlock() }
        return wokenCount
    }

    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !started else { return }
        started = true
        threadsRunning = 1
        let thread = Thread { [self] in run() }
        thread.name = "mockscope-scheduler"
        thread.qualityOfService = .userInteractive
        thread.start()
        if let (fd, wakeFD) = PeerWatch.create() {
            watchFD = fd
            watchWakeFD = wakeFD
            threadsRunning += 1
            let watcher = Thread { [self] in watch(fd) }
            watcher.name = "mockscope-peer-watch"
            watcher.start()
        }
    }

    /// Runs `suspend` and registers `token` to be woken at `due` (on `clock`, ns), atomically.
    /// With `fd` (the connection's socket) it is also woken as soon as its peer resets, or, with
    /// `halfCloseEnds`, half-closes; the woken connection looks at its peer itself
    /// (`PeerWatch.gone`). Returns false, without calling `suspend`, once the scheduler is
    /// stopped: the caller must then end the exchange instead of waiting.
    public func suspend(until due: UInt64, token: UInt, watching fd: Int32 = -1, halfCloseEnds: Bool = false,
                        suspend: () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if stopped { return false }
        suspend()
        sequence &+= 1
        var entry = Entry(due: due, sequence: sequence, token: token)
        if fd >= 0 {
            if watchFD >= 0, PeerWatch.add(watchFD, fd: fd, token: token, halfCloseEnds: halfCloseEnds) {
                watched[token] = (sequence, fd)
                entry.fd = fd
            } else {
                entry.due = min(due, clock.now() &+ Self.fallbackProbeNanos)
            }
        }
        // The thread needs waking only when this entry is now the earliest.
        let first = heap.min.map { entry < $0 } ?? true
        heap.insert(entry)
        if first { condition.signal() }
        return true
    }

    /// Stops the threads (waiting for them: no wake-up is under way once it returns) and wakes
    /// every pending token now (so no connection stays suspended).
    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        if watchWakeFD >= 0 { PeerWatch.signal(watchWakeFD) }
        while threadsRunning > 0 { condition.wait() }
        let remaining = heap.unordered.filter(isLive).map(\.token)
        heap = Heap()
        watched = [:]
        staleEntries = 0
        PeerWatch.close(watchFD, watchWakeFD)
        watchFD = -1
        watchWakeFD = -1
        condition.unlock()
        for token in remaining { wake(token) }
    }

    public var isStopped: Bool {
        condition.lock(); defer { condition.unlock() }
        return stopped
    }

    /// Under the lock: an entry whose suspension is still waiting for it.
    private func isLive(_ entry: Entry) -> Bool {
        entry.fd < 0 || watched[entry.token]?.sequence == entry.sequence
    }

    /// Under the lock: drops the heap's stale entries once they are most of it. A wait "until the
    /// client leaves" is due at UInt64.max, so without this every such client that reset would
    /// leave its entry behind for the server's life.
    private func compactIfMostlyStale() {
        guard staleEntries >= Self.compactionThreshold, staleEntries * 2 >= heap.count else { return }
        heap = Heap(heap.unordered.filter(isLive))
        staleEntries = 0
    }

    static let compactionThreshold = 256

    /// Entries in the heap, stale ones included (for tests).
    var heapCount: Int {
        condition.lock(); defer { condition.unlock() }
        return heap.count
    }

    private func threadEnded() {
        threadsRunning -= 1
        condition.broadcast()
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
                let entry = heap.removeMin()
                if entry.fd >= 0 {
                    guard isLive(entry) else { staleEntries -= 1; continue }
                    watched[entry.token] = nil
                    PeerWatch.remove(watchFD, fd: entry.fd)
                }
                batch.append(entry.token)
            }
            wokenCount += batch.count
            condition.unlock()
            for token in batch { wake(token) }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
        }
        threadEnded()
        condition.unlock()
    }

    /// The watch thread: blocks on the epoll set until a watched peer goes (or `stop`).
    private func watch(_ fd: Int32) {
        var reported: [UInt] = []
        var batch: [UInt] = []
        while true {
            let more = PeerWatch.wait(fd, into: &reported)
            condition.lock()
            if !more || stopped { break }
            for token in reported {
                // Only a suspension still waiting: it may have been woken by its due time since.
                guard let registration = watched.removeValue(forKey: token) else { continue }
                PeerWatch.remove(fd, fd: registration.fd)
                staleEntries += 1
                batch.append(token)
            }
            wokenCount += batch.count
            compactIfMostlyStale()
            condition.unlock()
            for token in batch { wake(token) }
            batch.removeAll(keepingCapacity: true)
        }
        threadEnded()
        condition.unlock()
    }
}
