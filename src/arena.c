/* arena.c — chunked bump allocator, with cleanups and a per-thread guard
 * that turns an allocation failure inside a document into a jump (arena.h). */
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

/* A registered cleanup; lives in its owner's chunks. */
struct cd_arena_cleanup {
    void (*fn)(void *);
    void *ptr;
    cd_arena *owner;
    cd_arena_cleanup *prev, *next; /* owner->cleanups; next also links owner->spare */
};

/* The innermost guard of this thread, and the failure injection (arena.h). */
static _Thread_local cd_arena_guard *guard;
static _Thread_local long fail_countdown; /* 0: off */
static _Thread_local unsigned long guarded_allocs;

static void run_cleanups(cd_arena *a) {
    cd_arena_cleanup *h;
    while ((h = a->cleanups)) {
        void (*fn)(void *) = h->fn;
        void *ptr = h->ptr;
        cd_arena_undefer(h);
        if (ptr) fn(ptr);
    }
}

/* Out of memory (or an injected failure): jump to the guard, or abort where
 * there is none (arena.h). */
static _Noreturn void fail(size_t n) {
    cd_arena_guard *g = guard;
    if (!g) {
        fprintf(stderr, "chidao: out of memory (allocating %zu bytes)\n", n);
        abort();
    }
    guard = g->outer;
    run_cleanups(g->arena);
    longjmp(g->on_failure, 1);
}

static void free_chunks(cd_arena_chunk *c) {
    while (c) {
        cd_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
}

/* A scratch arena's cleanup, run by the guarded arena when the document
 * fails: its own cleanups, then its chunks.  The failure runs it before the
 * jump, while the frame holding the scratch arena is still there. */
static void release_scratch(void *arena) {
    cd_arena *a = arena;
    run_cleanups(a);
    free_chunks(a->head);
    a->head = NULL;
    a->scratch = NULL; /* its record is being released by the caller */
}

void cd_arena_init(cd_arena *a) {
    memset(a, 0, sizeof *a);
    /* initialised under a guard: a stage's scratch arena (freed before the
     * stage returns), which the document releases if it fails */
    if (guard && guard->arena != a) a->scratch = cd_arena_defer(guard->arena, release_scratch, a);
}

/* An allocation, or NULL when out of memory (real or injected). */
static void *try_alloc(cd_arena *a, size_t n) {
    if (guard) {
        guarded_allocs++;
        if (__builtin_expect(fail_countdown > 0, 0) && --fail_countdown == 0) return NULL;
    }
    size_t need = (n + 15) & ~(size_t)15;
    if (need < n) return NULL;
    cd_arena_chunk *c = a->head;
    if (!c || c->size - c->used < need) {
        size_t size = CD_ARENA_CHUNK_MIN;
        if (c && c->size < 16 * 1024 * 1024) size = c->size * 2;
        if (size < need) size = need;
        if (size > SIZE_MAX - sizeof *c) return NULL;
        c = malloc(sizeof *c + size);
        if (!c) return NULL;
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

/* Allocation without zeroing, for callers that fill the block at once. */
static void *alloc_raw(cd_arena *a, size_t n) {
    void *p = try_alloc(a, n);
    if (!p) fail(n);
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

char *cd_arena_cat_(cd_arena *a, ...) {
    va_list ap;
    size_t n = 0;
    va_start(ap, a);
    for (const char *s; (s = va_arg(ap, const char *));)
        n += strlen(s);
    va_end(ap);
    char *out = alloc_raw(a, n + 1), *p = out;
    va_start(ap, a);
    for (const char *s; (s = va_arg(ap, const char *));) {
        size_t k = strlen(s);
        memcpy(p, s, k);
        p += k;
    }
    va_end(ap);
    *p = 0;
    return out;
}

char *cd_arena_printf(cd_arena *a, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *p = cd_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void *cd_arena_grow(cd_arena *a, void *old, size_t elem, size_t n_old, size_t n_new) {
    if (n_new && elem > SIZE_MAX / n_new) fail(SIZE_MAX);
    char *p = alloc_raw(a, elem * n_new);
    size_t kept = old && n_old ? elem * (n_old < n_new ? n_old : n_new) : 0;
    if (kept) memcpy(p, old, kept);
    memset(p + kept, 0, elem * n_new - kept); /* the new part is zeroed, as documented */
    return p;
}

void cd_arena_free(cd_arena *a) {
    run_cleanups(a); /* their records live in the chunks */
    cd_arena_undefer(a->scratch);
    free_chunks(a->head);
    memset(a, 0, sizeof *a);
}

cd_arena_cleanup *cd_arena_defer(cd_arena *a, void (*fn)(void *), void *ptr) {
    cd_arena_cleanup *h = a->spare;
    if (h) {
        a->spare = h->next;
    } else if (!(h = try_alloc(a, sizeof *h))) {
        if (ptr) fn(ptr);
        fail(sizeof *h);
    }
    *h = (cd_arena_cleanup){fn, ptr, a, NULL, a->cleanups};
    if (a->cleanups) a->cleanups->prev = h;
    a->cleanups = h;
    return h;
}

void cd_arena_redefer(cd_arena_cleanup *h, void *ptr) {
    if (h) h->ptr = ptr;
}

void cd_arena_undefer(cd_arena_cleanup *h) {
    if (!h) return;
    cd_arena *a = h->owner;
    if (h->prev)
        h->prev->next = h->next;
    else
        a->cleanups = h->next;
    if (h->next) h->next->prev = h->prev;
    h->fn = NULL;
    h->ptr = NULL;
    h->prev = NULL;
    h->next = a->spare;
    a->spare = h;
}

void cd_arena_guard_enter(cd_arena_guard *g, cd_arena *a) {
    g->arena = a;
    g->outer = guard;
    guard = g;
}

void cd_arena_guard_leave(cd_arena_guard *g) {
    if (guard == g) guard = g->outer;
}

void cd_arena_fail_after(long n) { fail_countdown = n > 0 ? n : 0; }
unsigned long cd_arena_guarded_allocs(void) { return guarded_allocs; }

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
