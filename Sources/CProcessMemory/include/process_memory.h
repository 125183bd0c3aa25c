#ifndef PROCESS_MEMORY_H
#define PROCESS_MEMORY_H
/* Makes glibc give memory back promptly: a fixed mmap threshold (allocations of at least
   `mmap_threshold` bytes get their own mapping, unmapped when freed) and a trim threshold for
   the heap's free top. No-op elsewhere. */
void process_memory_return_promptly(int mmap_threshold, int trim_threshold);
#endif
