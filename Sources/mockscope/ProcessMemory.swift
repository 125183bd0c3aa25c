import CProcessMemory

/// glibc keeps what a burst of large requests freed: each thread's arena holds its high-water
/// mark, and its mmap threshold rises after every large free so later large bodies come from the
/// arenas too. After a 3 s burst of 9 MB uploads a server stayed at 91 MB from 39 MB; with one
/// arena, a fixed 256 KiB mmap threshold and a 1 MiB trim threshold (set before main by
/// CProcessMemory) it is back at 41 MB (bench/hostile_day.py; RELIABILITY.md, round two).
enum ProcessMemory {
    /// The mmap threshold in force (referencing it keeps CProcessMemory's constructor linked).
    static var mmapThreshold: Int { Int(process_memory_mmap_threshold()) }
}
