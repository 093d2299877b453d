/* model.c — small helpers of the document model. */
#include "model.h"

int cd_days_in_month(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

bool cd_date_valid(int y, int m, int d) {
    return y >= 1900 && y <= 2200 && m >= 1 && m <= 12 && d >= 1 && d <= cd_days_in_month(y, m);
}

int cd_roman_value(const char *s, size_t n) {
    int v = 0, prev = 0;
    for (size_t i = n; i-- > 0;) {
        int d = s[i] == 'I' ? 1 : s[i] == 'V' ? 5 : s[i] == 'X' ? 10 : s[i] == 'L' ? 50 : s[i] == 'C' ? 100 : 0;
        if (!d) return 0;
        v += d < prev ? -d : d;
        if (d > prev) prev = d;
    }
    return v;
}

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

const char *cd_agency_kind_name(cd_agency_kind k) {
    return k == CD_AGENCY_GROUP ? "group" : k == CD_AGENCY_ROLE ? "role" : "agency";
}
