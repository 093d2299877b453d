/* arena.h — one bump allocator per document: freeing a document is one call.
 * Allocation failure aborts with a message (the project's out-of-memory
 * policy): callers never check for NULL. */
#ifndef CD_ARENA_H
#define CD_ARENA_H
#include <stdarg.h>
#include <stddef.h>

typedef struct cd_arena_chunk cd_arena_chunk;
typedef struct cd_arena {
    cd_arena_chunk *head;
    size_t used_bytes; /* total handed out, for the benchmark's peak figure */
} cd_arena;

void cd_arena_init(cd_arena *a);
void *cd_arena_alloc(cd_arena *a, size_t n);                  /* zeroed, 16-aligned */
char *cd_arena_strndup(cd_arena *a, const char *s, size_t n); /* NUL-terminated */
char *cd_arena_strdup(cd_arena *a, const char *s);
char *cd_arena_printf(cd_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grow an arena array: returns a copy of old (n_old elements) with room for
 * n_new elements.  The old block is simply abandoned to the arena. */
char *cd_arena_vprintf(cd_arena *a, const char *fmt, va_list ap);
void *cd_arena_grow(cd_arena *a, void *old, size_t elem, size_t n_old, size_t n_new);
void cd_arena_free(cd_arena *a);

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
