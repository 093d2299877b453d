/* arena.c — chunked bump allocator. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* First chunk size: a typical directive (20-60 KB of text) fits in a few. */
#define CD_ARENA_CHUNK_MIN (64 * 1024)

struct cd_arena_chunk {
    cd_arena_chunk *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

static void cd_oom(size_t n) {
    fprintf(stderr, "chidao: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void cd_arena_init(cd_arena *a) { memset(a, 0, sizeof *a); }

/* Allocation without zeroing, for callers that fill the block at once. */
static void *alloc_raw(cd_arena *a, size_t n) {
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) cd_oom(n);
    cd_arena_chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        size_t size = CD_ARENA_CHUNK_MIN;
        if (c && c->size < 16 * 1024 * 1024) size = c->size * 2;
        if (size < need) size = need;
        c = malloc(sizeof *c + size);
        if (!c) cd_oom(size);
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->used_bytes += need;
    return p;
}

void *cd_arena_alloc(cd_arena *a, size_t n) {
    void *p = alloc_raw(a, n);
    memset(p, 0, n);
    return p;
}

char *cd_arena_strndup(cd_arena *a, const char *s, size_t n) {
    char *p = alloc_raw(a, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *cd_arena_strdup(cd_arena *a, const char *s) { return cd_arena_strndup(a, s, strlen(s)); }

char *cd_arena_vprintf(cd_arena *a, const char *fmt, va_list ap) {
    /* one formatting pass for the usual short result, two for a long one */
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0) n = 0;
    if ((size_t)n < sizeof small) return cd_arena_strndup(a, small, (size_t)n);
    char *p = cd_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *cd_arena_printf(cd_arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *p = cd_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void *cd_arena_grow(cd_arena *a, void *old, size_t elem, size_t n_old, size_t n_new) {
    if (n_new && elem > SIZE_MAX / n_new) cd_oom(SIZE_MAX);
    char *p = alloc_raw(a, elem * n_new);
    size_t kept = old && n_old ? elem * (n_old < n_new ? n_old : n_new) : 0;
    if (kept) memcpy(p, old, kept);
    memset(p + kept, 0, elem * n_new - kept); /* the new part is zeroed, as documented */
    return p;
}

void cd_arena_free(cd_arena *a) {
    cd_arena_chunk *c = a->head;
    while (c) {
        cd_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->used_bytes = 0;
}

void cd_buf_init(cd_buf *b, cd_arena *a) {
    b->arena = a;
    b->data = NULL;
    b->len = b->cap = 0;
}

void cd_buf_add(cd_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->data = cd_arena_grow(b->arena, b->data, 1, b->len, cap);
        b->cap = cap;
    }
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

void cd_buf_addc(cd_buf *b, char c) { cd_buf_add(b, &c, 1); }
void cd_buf_adds(cd_buf *b, const char *s) { cd_buf_add(b, s, strlen(s)); }
char *cd_buf_str(cd_buf *b) {
    if (!b->data) cd_buf_add(b, "", 0);
    return b->data;
}
