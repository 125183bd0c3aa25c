import CProcessMemory
import Dispatch
import Synchronization

/// glibc keeps what a burst of large requests freed: each thread's arena holds its high-water
/// mark, and its mmap threshold rises after every large free so later large bodies come from the
/// arenas too. After a 3 s burst of 9 MB uploads a server stayed at 91 MB from 39 MB; with one
/// arena, a fixed 256 KiB mmap threshold and a 1 MiB trim threshold (set before main by
/// CProcessMemory) it is back at 41.7 MB. What thousands of held connections freed lies between
/// live allocations, out of the automatic trim's reach: after 2,000 hangs it stayed at 47 MB from
/// 35 MB (98 MB after 10,000), and `malloc_trim` returns it (36 MB; 37 MB). So every few seconds,
/// when malloc holds more than a few MiB free, the heap is trimmed, off the request path
/// (bench/hostile_day.py; RELIABILITY.md, round two).
enum ProcessMemory {
    /// How often the resident set is looked at.
    static let checkInterval: DispatchTimeInterval = .seconds(5)
    /// More free memory held by malloc than at the last trim (or the least since) that asks for
    /// another. (Trimmed pages still count as free to malloc: the figure says what was freed since.)
    static let freedBeforeTrim = 8 * 1024 * 1024

    private static let trimmer = Mutex<DispatchSourceTimer?>(nil)

    /// The mmap threshold in force (referencing it keeps CProcessMemory's constructor linked).
    static var mmapThreshold: Int { Int(process_memory_mmap_threshold()) }

    /// Starts the periodic trim (once).
    static func trimWhenGrown() {
        trimmer.withLock { trimmer in
            guard trimmer == nil else { return }
            let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
            timer.schedule(deadline: .now() + checkInterval, repeating: checkInterval, leeway: .seconds(1))
            let baseline = Mutex(0)
            timer.setEventHandler {
                let free = process_memory_free_bytes()
                let trims = baseline.withLock { baseline -> Bool in
                    baseline = min(baseline, free)
                    guard free > baseline + freedBeforeTrim else { return false }
                    baseline = free
                    return true
                }
                if trims { process_memory_trim() }
            }
            timer.resume()
            trimmer = timer
        }
    }
}
