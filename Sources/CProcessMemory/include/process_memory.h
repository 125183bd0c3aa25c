#ifndef PROCESS_MEMORY_H
#define PROCESS_MEMORY_H
/* Linking this target makes glibc give freed memory back to the system, set before main (before
   any thread has an arena): one arena for every thread, allocations of 256 KiB and more in
   mappings of their own (a fixed threshold: glibc's dynamic one rises after each large free),
   and the heap's free top returned above 1 MiB. No-op elsewhere. */
/* The fixed mmap threshold, in bytes (also keeps the constructor linked). */
int process_memory_mmap_threshold(void);
/* Gives every free page inside the heap back to the system (glibc's malloc_trim: freed memory
   between live allocations, which the automatic trim of the heap's top cannot reach). */
void process_memory_trim(void);
/* Bytes malloc holds free (glibc's mallinfo2: fordblks); 0 elsewhere. */
long process_memory_free_bytes(void);
#endif
