/* The encoding detector and converters: a text file of unknown encoding
 * (UTF-8 with or without BOM, UTF-16 with BOM, windows-1258, TCVN3, VNI,
 * VISCII, NFD), detected from evidence and converted, then the pipeline.
 * The first byte chooses: 0-7 detect, else the named encoding (the
 * --encoding override); bit 7 --repair. */
#include "fuzz.h"

static const char *const encodings[] = {NULL,     NULL,  NULL,   NULL,      NULL,     NULL,  NULL,
                                        NULL,     "UTF-8", "UTF-16LE", "UTF-16BE", "windows-1258", "TCVN3", "VNI",
                                        "VISCII", NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fuzz_load_rules();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    uint8_t flags = data[0];
    fuzz_run(data + 1, size - 1, "text", encodings[flags & 15], flags & 0x80);
    return 0;
}
