/* fuzz.h — what every libFuzzer target shares: the rule set, loaded once
 * from $CHIDAO_RULES or the compiled-in rules/ (LLVMFuzzerInitialize), and
 * one run of the whole pipeline over a byte string with every emitter
 * writing to /dev/null, so the readers, the stages and the emitters all see
 * the input.  A target only chooses the options. */
#ifndef CD_FUZZ_H
#define CD_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "chidao.h"
#include "emit_xml.h"
#include "rules.h"

static cd_rules *fuzz_rules;
static FILE *fuzz_sink;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_load_rules(void) {
    cd_arena a;
    cd_arena_init(&a);
    cd_diag_list errs;
    cd_diags_init(&errs, &a);
    fuzz_rules = cd_rules_load_dir(cd_rules_default_dir(), &errs);
    if (!fuzz_rules) {
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "fuzz: %s:%d: %s\n", errs.items[i].file ? errs.items[i].file : "?", errs.items[i].line,
                    errs.items[i].message);
        abort();
    }
    cd_arena_free(&a);
    fuzz_sink = fopen("/dev/null", "w");
    if (!fuzz_sink) abort();
}

/* The pipeline end to end over data, as `chidao extract` runs it; a document
 * that converts is written as JSON, NDJSON and XML. */
static inline void fuzz_run(const uint8_t *data, size_t size, const char *from, const char *encoding, bool repair) {
    cd_options opt = {.rules = fuzz_rules, .repair = repair, .from = from, .encoding = encoding};
    cd_document doc;
    cd_document_init_bytes(&doc, data, size, "fuzz-input");
    if (cd_process(&doc, &opt) == CD_EXIT_OK) {
        cd_emit_json(&doc, fuzz_sink);
        cd_emit_ndjson(&doc, fuzz_sink);
        cd_emit_xml(&doc, fuzz_sink);
    }
    cd_document_free(&doc);
}

#endif
