/* pipeline.c — load a document and run the stages in order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chidao.h"
#include "extract.h"
#include "metadata.h"
#include "normalize.h"
#include "read.h"
#include "structure.h"
#include "validate.h"

static void init(cd_document *doc, const char *display) {
    memset(doc, 0, sizeof *doc);
    cd_arena_init(&doc->arena);
    cd_diags_init(&doc->diags, &doc->arena);
    doc->path = cd_arena_strdup(&doc->arena, display ? display : "-");
}

void cd_document_init_bytes(cd_document *doc, const unsigned char *bytes, size_t n, const char *display) {
    init(doc, display);
    doc->bytes = bytes;
    doc->n_bytes = n;
}

int cd_document_load(cd_document *doc, const char *path, const char *display) {
    init(doc, display ? display : path);
    bool is_stdin = !strcmp(path, "-");
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "unreadable", doc->path, 0, "cannot open: %s", strerror(errno));
        return CD_EXIT_INPUT;
    }
    struct stat st;
    if (!is_stdin && fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "unreadable", doc->path, 0, "not a regular file");
        fclose(f);
        return CD_EXIT_INPUT;
    }
    cd_buf b;
    cd_buf_init(&b, &doc->arena);
    char chunk[65536];
    size_t n;
    /* read one byte past the cap so an oversized file is reported, not truncated */
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        cd_buf_add(&b, chunk, n);
        if (b.len > CD_READ_MAX_BYTES) break;
    }
    bool err = ferror(f);
    if (!is_stdin) fclose(f);
    if (err) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "unreadable", doc->path, 0, "read error: %s", strerror(errno));
        return CD_EXIT_INPUT;
    }
    doc->bytes = (const unsigned char *)(b.data ? b.data : "");
    doc->n_bytes = b.len;
    return CD_EXIT_OK;
}

#ifndef NDEBUG
/* The model's invariants, checked after every stage in debug builds (as
 * cmark checks its tree): a broken stage fails loudly, near its cause. */
static void check_invariants(const cd_document *doc, size_t stage) {
    const char *why = NULL;
    for (size_t i = 0; i < doc->n_lines && !why; i++) {
        if (!doc->lines[i].text || strlen(doc->lines[i].text) != doc->lines[i].len) why = "line text/len mismatch";
        if (i && doc->lines[i].src <= doc->lines[i - 1].src) why = "source line numbers not increasing";
    }
    for (size_t i = 0; i < doc->n_blocks && !why; i++) {
        const cd_block *b = &doc->blocks[i];
        if (!b->text || !b->label || b->first > b->last || b->first < 1) why = "block without text or with bad lines";
        if (b->kind == CD_BLOCK_ROW && (!b->table || !b->cells)) why = "table row without its table";
    }
    for (size_t i = 0; i < doc->n_tasks && !why; i++) {
        const cd_task *t = &doc->tasks[i];
        if (!t->text || !t->number || t->first_line > t->last_line) why = "task without text or with bad lines";
        for (size_t k = 0; k < t->lead.n && !why; k++)
            if (!t->lead.items[k].name || !t->lead.items[k].raw) why = "agency without name";
    }
    if (why) {
        fprintf(stderr, "chidao: %s: internal error after stage %zu: %s\n", doc->path, stage, why);
        abort();
    }
}
#endif

int cd_process(cd_document *doc, const cd_options *opt) {
    int (*stages[])(cd_document *, const cd_options *) = {cd_read, cd_normalize, cd_structure,
                                                          cd_metadata, cd_extract, cd_validate};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        int rc = stages[i](doc, opt);
        if (rc != CD_EXIT_OK) return rc;
#ifndef NDEBUG
        check_invariants(doc, i);
#endif
    }
    return CD_EXIT_OK;
}

void cd_document_free(cd_document *doc) { cd_arena_free(&doc->arena); }
