/* The DOCX reader (libzip + libxml2: paragraphs, numbering, styles, tables
 * with gridSpan/vMerge, footnotes, legacy fonts), then the pipeline.
 *
 * Mutating a deflated zip rarely reaches the XML, so the first byte chooses
 * what the rest is: even, the .docx file as it is (the zip reader: central
 * directory, entry sizes, bombs); odd, the XML parts themselves, separated
 * by NUL bytes (NUL cannot occur in XML) in the order document.xml,
 * numbering.xml, styles.xml, footnotes.xml, which this target stores in a
 * zip built in memory before handing it to the reader. */
#include <string.h>
#include <zip.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fuzz_load_rules();
    return 0;
}

static const char *const part_names[] = {"word/document.xml", "word/numbering.xml", "word/styles.xml",
                                         "word/footnotes.xml"};

/* A stored (uncompressed) zip of the NUL-separated parts in data; malloc'd,
 * NULL when libzip refuses. */
static uint8_t *package(const uint8_t *data, size_t size, size_t *out_size) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &err);
    if (!mem) return NULL;
    zip_source_keep(mem);
    zip_t *z = zip_open_from_source(mem, ZIP_TRUNCATE, &err);
    if (!z) {
        zip_source_free(mem);
        return NULL;
    }
    size_t start = 0;
    for (size_t k = 0; k < sizeof part_names / sizeof *part_names && start <= size; k++) {
        const uint8_t *nul = start < size ? memchr(data + start, 0, size - start) : NULL;
        size_t end = nul ? (size_t)(nul - data) : size;
        zip_source_t *part = zip_source_buffer(z, data + start, end - start, 0);
        zip_int64_t idx = part ? zip_file_add(z, part_names[k], part, ZIP_FL_OVERWRITE) : -1;
        if (idx < 0)
            zip_source_free(part);
        else
            zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
        if (!nul) break;
        start = end + 1;
    }
    uint8_t *out = NULL;
    zip_stat_t st;
    if (zip_close(z) < 0) {
        zip_discard(z);
    } else if (zip_source_open(mem) == 0) {
        zip_stat_init(&st);
        if (zip_source_stat(mem, &st) == 0 && (st.valid & ZIP_STAT_SIZE) && (out = malloc(st.size + 1))) {
            zip_int64_t got = zip_source_read(mem, out, st.size);
            if (got < 0 || (zip_uint64_t)got != st.size) {
                free(out);
                out = NULL;
            } else {
                *out_size = (size_t)st.size;
            }
        }
        zip_source_close(mem);
    }
    zip_source_free(mem);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    if (!(data[0] & 1)) {
        fuzz_run(data + 1, size - 1, "docx", NULL, false);
        return 0;
    }
    size_t n = 0;
    uint8_t *zipped = package(data + 1, size - 1, &n);
    if (zipped) fuzz_run(zipped, n, "docx", NULL, false);
    free(zipped);
    return 0;
}
