/* diag.c — diagnostic records. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>

void cd_diags_init(cd_diag_list *l, cd_arena *a) {
    l->arena = a;
    l->items = NULL;
    l->n = l->cap = 0;
}

void cd_diag_add(cd_diag_list *l, cd_severity sev, const char *code, const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = cd_arena_vprintf(l->arena, fmt, ap);
    va_end(ap);
    /* every allocation before the record counts: a document that runs out
     * of memory here still has a list that can be printed (arena.h) */
    char *file_copy = file ? cd_arena_strdup(l->arena, file) : NULL;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        l->items = cd_arena_grow(l->arena, l->items, sizeof *l->items, l->n, cap);
        l->cap = cap;
    }
    cd_diag *d = &l->items[l->n++];
    d->severity = sev;
    d->code = code;
    d->file = file_copy;
    d->line = line;
    d->message = msg;
}

size_t cd_diags_count(const cd_diag_list *l, cd_severity sev) {
    size_t c = 0;
    for (size_t i = 0; i < l->n; i++)
        c += l->items[i].severity == sev;
    return c;
}

const char *cd_severity_name(cd_severity s) {
    return s == CD_SEV_ERROR ? "error" : s == CD_SEV_WARNING ? "warning" : "info";
}
