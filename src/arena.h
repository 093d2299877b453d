/* arena.h — one bump allocator per document: freeing a document is one call.
 *
 * Out of memory.  Callers never check for NULL.  What a failed allocation
 * does depends on where it happens:
 *   - inside a document (cd_document_load, cd_process: they hold a guard,
 *     below), it fails that document only: the arena jumps back to the
 *     guard, which reports "out of memory" for that file; a batch goes on
 *     with the other files;
 *   - anywhere else (rule loading, template loading, batch bookkeeping,
 *     emitters), it aborts with a message: without the rules or the template
 *     nothing can be converted anyway.
 *
 * A jump skips the frees on the way out, so anything a stage holds outside
 * the arena across an arena allocation (an xmlDoc, a zip_t, a
 * PopplerDocument, a UConverter, a malloc'd buffer) is registered with
 * cd_arena_defer and released with cd_arena_undefer once freed normally, as
 * with APR pool cleanups or talloc destructors.  An arena initialised while a
 * guard is active (a stage's scratch arena) registers itself with the
 * guarded arena, so a jump out of it leaks nothing either; such an arena
 * must be freed before the function holding it returns. */
#ifndef CD_ARENA_H
#define CD_ARENA_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

typedef struct cd_arena_chunk cd_arena_chunk;
typedef struct cd_arena_cleanup cd_arena_cleanup;
typedef struct cd_arena {
    cd_arena_chunk *head;
    size_t used_bytes;          /* total handed out, for the benchmark's peak figure */
    cd_arena_cleanup *cleanups; /* pending, newest first */
    cd_arena_cleanup *spare;    /* released records, reused by the next defer */
    cd_arena_cleanup *scratch;  /* a scratch arena: its cleanup in the guarded arena */
} cd_arena;

void cd_arena_init(cd_arena *a);
void *cd_arena_alloc(cd_arena *a, size_t n);                  /* zeroed, 16-aligned */
char *cd_arena_strndup(cd_arena *a, const char *s, size_t n); /* NUL-terminated */
char *cd_arena_strdup(cd_arena *a, const char *s);
char *cd_arena_printf(cd_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *cd_arena_vprintf(cd_arena *a, const char *fmt, va_list ap);
/* The strings given, one after the other: the hot paths' "%s %s" without
 * printf's parsing (a tenth of the cost). */
#define cd_arena_cat(a, ...) cd_arena_cat_((a), __VA_ARGS__, (const char *)NULL)
char *cd_arena_cat_(cd_arena *a, ...);
/* Grow an arena array: returns a copy of old (n_old elements) with room for
 * n_new elements.  The old block is simply abandoned to the arena. */
void *cd_arena_grow(cd_arena *a, void *old, size_t elem, size_t n_old, size_t n_new);
/* Run the pending cleanups, then release every chunk. */
void cd_arena_free(cd_arena *a);

/* ---- cleanups ---- */

/* fn(ptr) runs when a is freed or a guarded document fails, unless
 * cd_arena_undefer comes first; fn is not called for a NULL ptr.  If the
 * registration itself cannot be allocated, fn(ptr) runs at once and the
 * failure goes on as any other: call it right after acquiring ptr. */
cd_arena_cleanup *cd_arena_defer(cd_arena *a, void (*fn)(void *), void *ptr);
/* The resource moved (realloc) or was acquired after the registration. */
void cd_arena_redefer(cd_arena_cleanup *h, void *ptr);
/* The resource was released normally: forget the cleanup (NULL: no-op). */
void cd_arena_undefer(cd_arena_cleanup *h);

/* ---- the guard: where a document's allocation failure lands ---- */

typedef struct cd_arena_guard {
    jmp_buf on_failure;
    cd_arena *arena; /* the document's arena */
    struct cd_arena_guard *outer;
} cd_arena_guard;

/* Per thread; setjmp must be called in the frame that stays live:
 *
 *   cd_arena_guard g;
 *   if (setjmp(g.on_failure)) return out_of_memory(doc);  // guard already left
 *   cd_arena_guard_enter(&g, &doc->arena);
 *   ... every stage ...
 *   cd_arena_guard_leave(&g);
 *
 * On a failure, the guard is left, the arena's pending cleanups run (the
 * arena itself stays valid, so diagnostics can still be added and read), and
 * control returns from setjmp with 1. */
void cd_arena_guard_enter(cd_arena_guard *g, cd_arena *a);
void cd_arena_guard_leave(cd_arena_guard *g);

/* ---- allocation-failure injection, for tests ---- */

/* The n-th arena allocation made under a guard from now on (on this thread)
 * fails once, as if malloc had returned NULL; n <= 0 switches it off. */
void cd_arena_fail_after(long n);
/* Arena allocations made under a guard on this thread so far. */
unsigned long cd_arena_guarded_allocs(void);

/* Growable byte buffer in the arena, for building strings. */
typedef struct cd_buf {
    cd_arena *arena;
    char *data;
    size_t len, cap;
} cd_buf;
void cd_buf_init(cd_buf *b, cd_arena *a);
void cd_buf_add(cd_buf *b, const char *s, size_t n);
void cd_buf_addc(cd_buf *b, char c);
void cd_buf_adds(cd_buf *b, const char *s);
char *cd_buf_str(cd_buf *b); /* NUL-terminated view of the contents */

#endif
