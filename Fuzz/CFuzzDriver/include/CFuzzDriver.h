// libFuzzer's driver entry (compiler-rt, linked by -sanitize=fuzzer). SwiftPM renames an
// executable's entry point, so libFuzzer's own main cannot be used: each fuzz target's @main
// hands its arguments and its one-input function to this instead.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
