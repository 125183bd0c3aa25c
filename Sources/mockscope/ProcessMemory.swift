import CProcessMemory
import Dispatch
import Synchronization

/// glibc keeps what a burst of large requests freed: each thread's arena holds its high-water
/// mark, and its mmap threshold rises after every large free so later large bodies come from the
/// arenas too. After a 3 s burst of 9 MB uploads a server stayed at 91 MB from 39 MB; with one
/// arena, a fixed 256 KiB mmap threshold and a 1 MiB trim threshold (set before main by
/// CProcessMemory) it is back at 41.7 MB. What thousands of held connections freed lies between
/// live allocations, out of the automatic trim's reach: after 2,000 hangs it stayed at 47 MB from
/// 35 MB, and `malloc_trim` returns it (36 MB). So every few seconds, when the resident set has
/// grown by more than a few MiB since the last trim, the heap is trimmed, off the request path
/// (bench/hostile_day.py; RELIABILITY.md, round two).
enum ProcessMemory {
    /// How often the resident set is looked at.
    static let checkInterval: DispatchTimeInterval = .seconds(5)
    /// Growth since the last trim that asks for another.
    static let growthBeforeTrim = 8 * 1024 * 1024

    private static let trimmer = Mutex<DispatchSourceTimer?>(nil)

    /// The mmap threshold in force (referencing it keeps CProcessMemory's constructor linked).
    static var mmapThreshold: Int { Int(process_memory_mmap_threshold()) }

    /// Starts the periodic trim (once).
    static func trimWhenGrown() {
        trimmer.withLock { trimmer in
            guard trimmer == nil else { return }
            let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
            let baseline = Mutex(process_memory_resident_bytes())
            timer.schedule(deadline: .now() + checkInterval, repeating: checkInterval, leeway: .seconds(1))
            timer.setEventHandler {
                let resident = process_memory_resident_bytes()
                guard resident > baseline.withLock({ $0 }) + growthBeforeTrim else { return }
                process_memory_trim()
                baseline.withLock { $0 = process_memory_resident_bytes() }
            }
            timer.resume()
            trimmer = timer
        }
    }
}
