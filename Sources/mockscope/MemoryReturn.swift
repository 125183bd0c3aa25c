import CProcessMemory

/// glibc keeps what a burst of large requests freed (its mmap threshold rises after each large
/// free, so later large bodies come from the heap, which it rarely trims): a server that met 9 MB
/// bodies stayed 40–60 MB larger for good (bench/hostile_day.py). A fixed threshold keeps every
/// allocation of 256 KiB and more in a mapping of its own, returned when freed, and a low trim
/// threshold gives back the heap's free top.
enum MemoryReturn {
    static func configure() {
        process_memory_return_promptly(256 * 1024, 1024 * 1024)
    }
}
