/* model.c — small helpers of the document model. */
#include "model.h"

/* Lists keep no capacity field: their capacity is the next power of two at
 * or above n, so they grow when n is 0 or a power of two, and a long list
 * costs amortised O(1) per push. */
static bool full(size_t n) { return !(n & (n - 1)); }

void cd_strs_push(cd_arena *a, cd_strs *l, const char *s) {
    if (full(l->n)) l->items = cd_arena_grow(a, l->items, sizeof *l->items, l->n, l->n ? l->n * 2 : 1);
    l->items[l->n++] = s;
}

void cd_agency_push(cd_arena *a, cd_agency_list *l, cd_agency ag) {
    if (full(l->n)) l->items = cd_arena_grow(a, l->items, sizeof *l->items, l->n, l->n ? l->n * 2 : 1);
    l->items[l->n++] = ag;
}
