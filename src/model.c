/* model.c — small helpers of the document model. */
#include "model.h"

void cd_strs_push(cd_arena *a, cd_strs *l, const char *s) {
    l->items = cd_arena_grow(a, l->items, sizeof *l->items, l->n, l->n + 1);
    l->items[l->n++] = s;
}

void cd_agency_push(cd_arena *a, cd_agency_list *l, cd_agency ag) {
    l->items = cd_arena_grow(a, l->items, sizeof *l->items, l->n, l->n + 1);
    l->items[l->n++] = ag;
}
