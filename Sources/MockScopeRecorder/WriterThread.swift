import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One thread of its own for the recorder's writes (fixture files, fsync included), in the order
/// they were asked for, at a lower CPU priority than the threads relaying streams: when sixteen
/// recordings end together, their writes wait for the relay rather than the relay for them (bench
/// figure 4, 16 streams at once). A dispatch queue's QoS does not change a thread's priority on
/// Linux, and a pool thread given a higher nice value could not be given its old one back.
final class WriterThread: Sendable {
    /// The nice value the thread runs at: 0 is the process's own, 19 the lowest. A share of the
    /// CPU still (about a tenth of a busy core's), so writes are never starved.
    static let niceness: Int32 = 10

    private let jobs = Mutex<(queue: [@Sendable () -> Void], stopped: Bool)>(([], false))
    /// One signal per job, and one for the stop.
    private let ready = DispatchSemaphore(value: 0)

    init(name: String) {
        let thread = Thread { [self] in
            Self.lowerPriority()
            while true {
                ready.wait()
                let job = jobs.withLock { $0.queue.isEmpty ? nil : $0.queue.removeFirst() }
                guard let job else { return }  // stopped, nothing left
                job()
            }
        }
        thread.name = name
        thread.start()
    }

    /// Runs `job` after the jobs before it; after `stop`, on the caller's thread.
    func async(_ job: @escaping @Sendable () -> Void) {
        let queued = jobs.withLock { state -> Bool in
            if state.stopped { return false }
            state.queue.append(job)
            return true
        }
        if queued { ready.signal() } else { job() }
    }

    /// Ends the thread once the jobs queued so far have run.
    func stop() {
        let first = jobs.withLock { state -> Bool in
            defer { state.stopped = true }
            return !state.stopped
        }
        if first { ready.signal() }
    }

    /// Raises this thread's nice value to `niceness` (never lowers it: a process already run
    /// nicer keeps its value).
    private static func lowerPriority() {
        #if canImport(Glibc)
        // Linux keeps a nice value per thread: PRIO_PROCESS for "0", the caller, is this thread only.
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        if currentNiceness() < niceness { _ = setpriority(which, 0, niceness) }
        #endif
    }

    /// The calling thread's nice value.
    static func currentNiceness() -> Int32 {
        #if canImport(Glibc)
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
        return 0
        #endif
    }
}
