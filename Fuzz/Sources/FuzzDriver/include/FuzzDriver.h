#ifndef GARONA_FUZZ_DRIVER_H
#define GARONA_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt's FuzzerDriver.cpp), linked by -sanitize=fuzzer.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));

/// Runs libFuzzer's driver with `test` on the process's arguments.
///
/// SwiftPM links an executable target with its main renamed to `<Module>_main` (so that tests can link the module);
/// a target built with -parse-as-library has no main, so each fuzz target defines `<Module>_main` itself and calls
/// this.
int garona_run_fuzzer(int argc, char **argv, int (*test)(const uint8_t *data, size_t size));

#endif
