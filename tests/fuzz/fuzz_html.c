/* The HTML reader (libxml2's HTML parser, tables with rowspan/colspan,
 * portal chrome, legacy fonts), then the pipeline. */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fuzz_load_rules();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_run(data, size, "html", NULL, false);
    return 0;
}
