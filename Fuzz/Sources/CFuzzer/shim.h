// libFuzzer's driver (compiler-rt, LLVM 11 and later), linked by -sanitize=fuzzer: it parses libFuzzer's options
// from argc/argv and calls `callback` with each input it makes.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
