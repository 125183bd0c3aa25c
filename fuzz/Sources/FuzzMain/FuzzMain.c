// The entry point of every fuzz executable.
//
// SwiftPM links an executable target with `--defsym main=<Module>_main` (so that tests can import
// executables), but under -parse-as-library the Swift module defines no <Module>_main, and the
// link fails (swiftlang/swift-package-manager#8731). This file defines <Module>_main for each fuzz
// target; it hands control to libFuzzer's driver (LLVMFuzzerRunDriver, in the toolchain's
// libclang_rt.fuzzer) with the target's LLVMFuzzerTestOneInput (written in Swift, @_cdecl).
// Built without -sanitize=fuzzer, the driver is absent (a weak reference) and each argument is
// instead read as one input and run once: a plain replay of saved inputs.
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern int LLVMFuzzerRunDriver(int *argc, char ***argv,
                               int (*callback)(const uint8_t *data, size_t size)) __attribute__((weak));

static int replay(int argc, char **argv) {
    int ran = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') continue;
        FILE *file = fopen(argv[i], "rb");
        if (!file) { fprintf(stderr, "cannot open %s\n", argv[i]); return 2; }
        uint8_t *data = NULL;
        size_t size = 0, capacity = 0, n;
        do {
            if (size == capacity) {
                capacity = capacity ? capacity * 2 : 65536;
                data = realloc(data, capacity);
                if (!data) { fclose(file); return 2; }
            }
            n = fread(data + size, 1, capacity - size, file);
            size += n;
        } while (n > 0);
        fclose(file);
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        fprintf(stderr, "ran %s (%zu bytes)\n", argv[i], size);
        ran++;
    }
    fprintf(stderr, "replayed %d input(s) without libFuzzer\n", ran);
    return 0;
}

static int fuzz_main(int argc, char **argv) {
    if (LLVMFuzzerRunDriver) return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
    return replay(argc, argv);
}

int FuzzRequest_main(int argc, char **argv) { return fuzz_main(argc, argv); }
int FuzzJSON_main(int argc, char **argv) { return fuzz_main(argc, argv); }
int FuzzFixture_main(int argc, char **argv) { return fuzz_main(argc, argv); }
int FuzzScenario_main(int argc, char **argv) { return fuzz_main(argc, argv); }
int FuzzFault_main(int argc, char **argv) { return fuzz_main(argc, argv); }
int FuzzSSE_main(int argc, char **argv) { return fuzz_main(argc, argv); }
