#include "process_memory.h"
#include <stdlib.h>  /* defines __GLIBC__ on glibc */
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#define MMAP_THRESHOLD (256 * 1024)
#define TRIM_THRESHOLD (1024 * 1024)

/* Before main: glibc must see these before any thread has an arena of its own. */
__attribute__((constructor)) static void process_memory_configure(void) {
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
#endif
}

int process_memory_mmap_threshold(void) { return MMAP_THRESHOLD; }

void process_memory_trim(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

long process_memory_free_bytes(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 info = mallinfo2();
    return (long)info.fordblks;
#else
    return 0;
#endif
}
