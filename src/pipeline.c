/* pipeline.c — load a document and run the stages in order. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/utf8.h>
#include <unistd.h>

#include "chidao.h"
#include "decode.h"
#include "extract.h"
#include "limits.h"
#include "metadata.h"
#include "normalize.h"
#include "read.h"
#include "structure.h"
#include "validate.h"

/* The display name comes from the file system, not from the decoded text,
 * and may be any bytes; every output carries it (source.path, the CSV key),
 * so ill-formed UTF-8 in it becomes U+FFFD. */
static const char *utf8_name(cd_arena *a, const char *s) {
    int32_t n = (int32_t)strlen(s);
    cd_buf b;
    cd_buf_init(&b, a);
    for (int32_t i = 0; i < n;) {
        int32_t start = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0)
            cd_buf_add(&b, "\xEF\xBF\xBD", 3);
        else
            cd_buf_add(&b, s + start, (size_t)(i - start));
    }
    return cd_buf_str(&b);
}

static void init(cd_document *doc, const char *display) {
    memset(doc, 0, sizeof *doc);
    cd_arena_init(&doc->arena);
    cd_diags_init(&doc->diags, &doc->arena);
    doc->path = utf8_name(&doc->arena, display ? display : "-");
}

void cd_document_init_bytes(cd_document *doc, const unsigned char *bytes, size_t n, const char *display) {
    init(doc, display);
    doc->bytes = bytes;
    doc->n_bytes = n;
}

/* Read all of fd into the document's arena: one read for a regular file of
 * known size, growing chunks for a pipe.  One byte past the cap (max: the
 * file-size limit) is read so that an oversized input is reported by
 * cd_decode, not silently truncated. */
static bool read_all(cd_document *doc, int fd, size_t size_hint, size_t max) {
    size_t cap = (size_hint ? size_hint : 65536) + 1;
    if (cap > max + 1) cap = max + 1;
    char *data = cd_arena_alloc(&doc->arena, cap + 1);
    size_t len = 0;
    for (;;) {
        if (len == cap) {
            if (len > max) break;
            size_t grown = 2 * cap > max + 1 ? max + 1 : 2 * cap;
            data = cd_arena_grow(&doc->arena, data, 1, len, grown + 1);
            cap = grown;
        }
        ssize_t n = read(fd, data + len, cap - len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        if (n == 0) break;
        len += (size_t)n;
    }
    doc->bytes = (const unsigned char *)data;
    doc->n_bytes = len;
    return true;
}

/* A document's allocation failure (arena.h): the error names the file, the
 * code is the one for an input over a limit.  The diagnostic is added under
 * a guard of its own: when even that fails, the code alone says it. */
static int out_of_memory(cd_document *doc) {
    cd_arena_guard g;
    if (!setjmp(g.on_failure)) {
        cd_arena_guard_enter(&g, &doc->arena);
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "out-of-memory", doc->path, 0, "out of memory");
        cd_arena_guard_leave(&g);
    }
    return CD_EXIT_INPUT;
}

/* read_all under a guard: 1 read, 0 read error, -1 out of memory (a file
 * too big for the memory left must not take the batch down). */
static int read_guarded(cd_document *doc, int fd, size_t size_hint, size_t max) {
    cd_arena_guard g;
    if (setjmp(g.on_failure)) return -1;
    cd_arena_guard_enter(&g, &doc->arena);
    bool ok = read_all(doc, fd, size_hint, max);
    cd_arena_guard_leave(&g);
    return ok;
}

int cd_document_load(cd_document *doc, const char *path, const char *display) {
    return cd_document_load_opt(doc, path, display, NULL);
}

int cd_document_load_opt(cd_document *doc, const char *path, const char *display, const cd_options *opt) {
    init(doc, display ? display : path);
    size_t max = (size_t)cd_limit(opt, CD_LIMIT_FILE_SIZE);
    bool is_stdin = !strcmp(path, "-");
    /* O_NONBLOCK: opening a FIFO with no writer must not hang the batch; the
     * file type is checked before anything is read */
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "unreadable", doc->path, 0, "cannot open: %s", strerror(errno));
        return CD_EXIT_INPUT;
    }
    struct stat st;
    size_t size_hint = 0;
    if (!is_stdin) {
        bool stat_ok = fstat(fd, &st) == 0;
        if (!stat_ok || !S_ISREG(st.st_mode)) {
            cd_diag_add(&doc->diags, CD_SEV_ERROR, "unreadable", doc->path, 0, "%s",
                        !stat_ok              ? strerror(errno)
                        : S_ISDIR(st.st_mode) ? "is a directory"
                                              : "not a regular file");
            close(fd);
            return CD_EXIT_INPUT;
        }
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        size_hint = (size_t)st.st_size;
        if (size_hint > max) { /* refused unread */
            close(fd);
            return cd_limit_exceeded(doc, opt, 0, CD_LIMIT_FILE_SIZE, "the file is %zu bytes", size_hint);
        }
    }
    int ok = read_guarded(doc, fd, size_hint, max);
    int err = errno;
    if (!is_stdin) close(fd);
    if (ok < 0) return out_of_memory(doc);
    if (!ok) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "unreadable", doc->path, 0, "read error: %s", strerror(err));
        return CD_EXIT_INPUT;
    }
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

/* A document of only spaces and line breaks (a blank page, a DOCX without
 * text) has nothing to convert: the same error as 0 bytes. */
static int refuse_blank(cd_document *doc, const cd_options *opt) {
    (void)opt;
    for (size_t i = 0; i < doc->n_lines; i++) {
        const char *t = doc->lines[i].text;
        if (t[strspn(t, " \t\f\v")]) return CD_EXIT_OK;
    }
    cd_diag_add(&doc->diags, CD_SEV_ERROR, "empty-input", doc->path, 0, "empty input (only white space)");
    return CD_EXIT_INPUT;
}

static int run_stages(cd_document *doc, const cd_options *opt) {
    int (*stages[])(cd_document *, const cd_options *) = {cd_decode,  cd_read,    refuse_blank, cd_normalize,
                                                          cd_structure, cd_metadata, cd_extract, cd_pages, cd_validate};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        int rc = stages[i](doc, opt);
        if (rc == CD_EXIT_OK) rc = cd_limit_check_time(doc, opt); /* the batch's time budget */
        if (rc != CD_EXIT_OK) return rc;
#ifndef NDEBUG
        check_invariants(doc, i);
#endif
    }
    return CD_EXIT_OK;
}

/* The stages under a guard: an allocation failure anywhere in them fails
 * this document only (arena.h), with what it held outside the arena
 * released by the cleanups it registered. */
int cd_process(cd_document *doc, const cd_options *opt) {
    cd_arena_guard g;
    if (setjmp(g.on_failure)) return out_of_memory(doc);
    cd_arena_guard_enter(&g, &doc->arena);
    int rc = run_stages(doc, opt);
    cd_arena_guard_leave(&g);
    return rc;
}

void cd_document_free(cd_document *doc) { cd_arena_free(&doc->arena); }
