/* The PDF reader (poppler-glib text layer, lines, reading order, tables from
 * geometry, running headers), then the pipeline. */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fuzz_load_rules();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_run(data, size, "pdf", NULL, false);
    return 0;
}
