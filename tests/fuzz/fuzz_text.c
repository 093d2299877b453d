/* The text pipeline end to end (read, normalize, structure, metadata,
 * extract, validate, emitters).  As cmark's fuzzer does, the first byte
 * chooses the options: bit 0 markdown instead of text, bit 1 --repair. */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fuzz_load_rules();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t flags = data[0];
    fuzz_run(data + 1, size - 1, flags & 1 ? "markdown" : "text", "UTF-8", flags & 2);
    return 0;
}
