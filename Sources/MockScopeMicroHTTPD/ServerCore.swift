import MockScopeHTTPTypes
import CMicroHTTPDShim
import Synchronization

/// Counters a daemon reports, kept across its runs (read without a lock: a handler may read them
/// while the daemon is being stopped).
final class ServerCounters: Sendable {
    let activeStreams = Atomic<Int>(0)
    let openRequests = Atomic<Int>(0)
}

/// State shared by every callback of one run of a server (from `start` to `stop`; a restart gets
/// a new one).
final class ServerCore: Sendable {
    let handler: any HTTPHandler
    let scheduler: StreamScheduler
    /// What every wait of this run is timed on (the scheduler's clock).
    let clock: any SchedulerClock
    /// True when `clock` is real monotonic time: a request's receipt is then read once for both.
    let clockIsMonotonic: Bool
    let counters: ServerCounters
    let maxBodyBytes: Int
    let streamBlockSize: Int
    /// Live responses under way, so that stopping can end them.
    private let live = Mutex<[ObjectIdentifier: LiveResponse]>([:])
    private let stopping = Atomic<Bool>(false)

    /// Registers a live response; false when the server is stopping (end it instead).
    func track(_ response: LiveResponse) -> Bool {
        live.withLock { table in
            if stopping.load(ordering: .acquiring) { return false }
            table[ObjectIdentifier(response)] = response
            return true
        }
    }

    func untrack(_ response: LiveResponse) { live.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(response)) } }

    func shutDownLiveResponses() {
        let all = live.withLock { table -> [LiveResponse] in
            stopping.store(true, ordering: .releasing)
            return Array(table.values)
        }
        for response in all { response.shutdown() }
    }

    init(handler: any HTTPHandler, configuration: DaemonConfiguration, counters: ServerCounters) {
        self.handler = handler
        self.clock = configuration.clock
        self.clockIsMonotonic = configuration.clock is MonotonicSchedulerClock
        self.scheduler = StreamScheduler(clock: configuration.clock, wake: ConnectionHandle.resume(token:))
        self.counters = counters
        self.maxBodyBytes = configuration.maxBodyBytes
        self.streamBlockSize = configuration.streamBlockSize
    }
}
