/* The rule-file loader (rules/README.md format: blocks, lists, {{list}}
 * macros, emits, examples, PCRE2 compilation with its error caret) and the
 * example runner, over one rule file written to a private directory.  The
 * loader reads directories, so the input goes through a real file. */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char fuzz_dir[] = "/tmp/chidao-fuzz-rules-XXXXXX";
static char fuzz_file[sizeof fuzz_dir + 16];

static void remove_dir(void) {
    unlink(fuzz_file);
    rmdir(fuzz_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    if (!mkdtemp(fuzz_dir)) abort();
    snprintf(fuzz_file, sizeof fuzz_file, "%s/fuzz.rules", fuzz_dir);
    atexit(remove_dir);
    fuzz_sink = fopen("/dev/null", "w");
    if (!fuzz_sink) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FILE *f = fopen(fuzz_file, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f)) abort();
    cd_arena a;
    cd_arena_init(&a);
    cd_diag_list errs;
    cd_diags_init(&errs, &a);
    cd_rules *rs = cd_rules_load_dir(fuzz_dir, &errs);
    if (rs) {
        int total = 0;
        cd_rules_test(rs, fuzz_sink, &total);
        cd_rules_free(rs);
    }
    cd_arena_free(&a);
    return 0;
}
