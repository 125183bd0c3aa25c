#include "process_memory.h"
#include <stdio.h>
#include <stdlib.h>  /* defines __GLIBC__ on glibc */
#include <unistd.h>
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

long process_memory_resident_bytes(void) {
    FILE *file = fopen("/proc/self/statm", "r");
    if (file == NULL) return 0;
    long size = 0, resident = 0;
    int read = fscanf(file, "%ld %ld", &size, &resident);
    fclose(file);
    return read == 2 ? resident * sysconf(_SC_PAGESIZE) : 0;
}
