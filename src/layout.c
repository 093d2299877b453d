/* layout.c — space-aligned and pandoc tables to the text form (layout.h).
 *
 * The text is cut into lines and each line into words (runs of non-space
 * characters) with their character columns: code points, not bytes, since a
 * Vietnamese letter takes two or three bytes in UTF-8 and the tools align
 * characters.  Pandoc tables say where their columns are (the "----- ----"
 * rule, the "+----+" border); the other tables are found from geometry, row
 * by row: see "space-aligned tables" below. */
#include "layout.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf8.h>

/* A table has at most this many columns; more is not a task table. */
#define LAYOUT_MAX_COLUMNS 32
/* Fewer columns than this is a layout of two blocks side by side (a header
 * block, a signature block), not a table: left as it is. */
#define LAYOUT_MIN_COLUMNS 3
/* Lines longer than this (in characters) are not looked at: no tool lays
 * out a table that wide, and the column counters stay small. */
#define LAYOUT_MAX_WIDTH 4096
/* How many lines with a wide gap, among how many consecutive lines, make
 * the probe say "maybe a table". */
#define PROBE_WIDE_LINES 3
#define PROBE_WINDOW 8

typedef struct word {
    int c0, c1;    /* columns [c0, c1) */
    size_t b0, b1; /* bytes [b0, b1) of the line */
} word;

typedef struct line {
    const char *s;
    size_t len; /* without '\n' and a '\r' before it */
    word *w;
    int nw;
    bool blank, has_tab, wide, page_start, too_long;
    bool done;  /* taken by a table already */
    char *repl; /* what to write instead of the line (NULL: the line as it is) */
} line;

typedef struct layout {
    cd_arena *arena;
    line *lines;
    size_t n;
    size_t tables;
} layout;

/* ---------- characters ---------- */

/* A combining mark U+0300-U+036F (decomposed text) takes no column. */
static bool combining_at(const unsigned char *p, size_t avail) {
    return avail >= 2 && ((p[0] == 0xCC && p[1] >= 0x80) || (p[0] == 0xCD && p[1] <= 0xAF));
}

/* Does the character at p start a new column? */
static bool takes_column(const unsigned char *p, size_t avail) {
    return (p[0] & 0xC0) != 0x80 && p[0] != '\f' && !combining_at(p, avail);
}

/* Byte offset in l of character column col (l->len when past the end). */
static size_t byte_of_column(const line *l, int col) {
    const unsigned char *s = (const unsigned char *)l->s;
    int c = -1;
    for (size_t i = 0; i < l->len; i++) {
        if (takes_column(s + i, l->len - i) && ++c == col) return i;
    }
    return l->len;
}

static void split_words(cd_arena *a, line *l) {
    const unsigned char *s = (const unsigned char *)l->s;
    int col = 0, n = 0, cap = 0;
    word *w = NULL;
    for (size_t i = 0; i < l->len;) {
        if (s[i] == ' ' || s[i] == '\f') {
            col += s[i] == ' ';
            i++;
            continue;
        }
        if (s[i] == '\t') l->has_tab = true;
        size_t b0 = i;
        int c0 = col;
        while (i < l->len && s[i] != ' ' && s[i] != '\f') {
            if (s[i] == '\t') l->has_tab = true;
            if (takes_column(s + i, l->len - i)) col++;
            i++;
        }
        if (n == cap) {
            w = cd_arena_grow(a, w, sizeof *w, (size_t)n, (size_t)(cap = cap ? 2 * cap : 8));
        }
        w[n++] = (word){c0, col, b0, i};
    }
    l->w = w;
    l->nw = n;
    l->blank = n == 0;
    l->too_long = col > LAYOUT_MAX_WIDTH;
    for (int k = 1; k < n && !l->wide; k++)
        l->wide = w[k].c0 - w[k - 1].c1 >= 2;
}

static void cut_lines(layout *lay, const char *text, size_t n) {
    size_t count = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + n - p))); p++)
        count++;
    lay->lines = cd_arena_alloc(lay->arena, sizeof *lay->lines * count);
    size_t i = 0;
    for (const char *p = text, *end = text + n; p <= end && i < count; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line *l = &lay->lines[i];
        l->s = p;
        l->len = (size_t)(e - p);
        if (l->len && p[l->len - 1] == '\r') l->len--;
        l->page_start = l->len && p[0] == '\f';
        split_words(lay->arena, l);
        p = e + 1;
    }
    lay->n = i;
}

/* Can line i take part in a table? */
static bool usable(const layout *lay, size_t i) {
    const line *l = &lay->lines[i];
    return !l->done && !l->has_tab && !l->too_long;
}

/* ---------- writing rows ---------- */

typedef struct row {
    cd_buf cells[LAYOUT_MAX_COLUMNS];
    int n;
} row;

static void row_init(layout *lay, row *r, int n) {
    r->n = n;
    for (int i = 0; i < n; i++)
        cd_buf_init(&r->cells[i], lay->arena);
}

/* Appends s[0..len) to cell col, a space before it when the cell has text. */
static void cell_add(row *r, int col, const char *s, size_t len) {
    while (len && (*s == ' ' || *s == '\f')) {
        s++;
        len--;
    }
    while (len && s[len - 1] == ' ')
        len--;
    if (!len) return;
    if (r->cells[col].len) cd_buf_addc(&r->cells[col], ' ');
    cd_buf_add(&r->cells[col], s, len);
}

static int filled_cells(const row *r) {
    int k = 0;
    for (int i = 0; i < r->n; i++)
        k += r->cells[i].len > 0;
    return k;
}

/* Writes the row on line first and empties the lines up to last. */
static void put_row(layout *lay, row *r, size_t first, size_t last) {
    cd_buf b;
    cd_buf_init(&b, lay->arena);
    for (int i = 0; i < r->n; i++) {
        if (i) cd_buf_addc(&b, '\t');
        if (r->cells[i].len) cd_buf_add(&b, r->cells[i].data, r->cells[i].len);
    }
    lay->lines[first].repl = cd_buf_str(&b);
    for (size_t i = first; i <= last; i++) {
        lay->lines[i].done = true;
        if (i > first) lay->lines[i].repl = "";
    }
}

static void put_empty(layout *lay, size_t i) {
    lay->lines[i].repl = "";
    lay->lines[i].done = true;
}

/* ---------- pandoc grid tables ---------- */

/* "+----+====+": the columns of the '+' signs; 0 when l is no border. */
static int grid_border(const line *l, int *plus, int max) {
    if (l->nw != 1) return 0;
    const char *s = l->s + l->w[0].b0;
    size_t len = l->w[0].b1 - l->w[0].b0;
    if (len < 3 || s[0] != '+' || s[len - 1] != '+') return 0;
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            if (n == max) return 0;
            plus[n++] = l->w[0].c0 + (int)i;
        } else if (s[i] != '-' && s[i] != '=' && s[i] != ':') {
            return 0;
        }
    }
    return n >= 2 ? n : 0;
}

/* The text of line l between columns c0 and c1, without the '|' borders. */
static void grid_cell(row *r, int col, const line *l, int c0, int c1) {
    size_t b0 = byte_of_column(l, c0 + 1), b1 = byte_of_column(l, c1);
    if (b1 > b0) cell_add(r, col, l->s + b0, b1 - b0);
}

static size_t grid_table(layout *lay, size_t i) {
    int plus[LAYOUT_MAX_COLUMNS + 1];
    int n_plus = grid_border(&lay->lines[i], plus, LAYOUT_MAX_COLUMNS + 1);
    if (!n_plus || !usable(lay, i)) return i;
    size_t j = i + 1;
    while (j < lay->n && usable(lay, j) && !lay->lines[j].blank) {
        const line *l = &lay->lines[j];
        const char *s = l->s + l->w[0].b0;
        if (*s != '|' && *s != '+') break;
        j++;
    }
    if (j == i + 1) return i;
    /* rows between borders */
    put_empty(lay, i);
    size_t start = i + 1;
    for (size_t k = i + 1; k < j; k++) {
        int tmp[LAYOUT_MAX_COLUMNS + 1];
        if (!grid_border(&lay->lines[k], tmp, LAYOUT_MAX_COLUMNS + 1)) continue;
        if (k > start) {
            row r;
            row_init(lay, &r, n_plus - 1);
            for (size_t m = start; m < k; m++)
                for (int c = 0; c + 1 < n_plus; c++)
                    grid_cell(&r, c, &lay->lines[m], plus[c], plus[c + 1]);
            put_row(lay, &r, start, k - 1);
        }
        put_empty(lay, k);
        start = k + 1;
    }
    lay->tables++;
    return j;
}

/* ---------- pandoc simple and multiline tables ---------- */

/* "-----  ------  ---": its dash runs as columns; 0 when l is no rule. */
static int dash_groups(const line *l, int *start, int *end, int max) {
    if (l->nw < 1 || l->nw > max) return 0;
    for (int k = 0; k < l->nw; k++) {
        const word *w = &l->w[k];
        if (w->b1 - w->b0 < 2) return 0;
        for (size_t b = w->b0; b < w->b1; b++)
            if (l->s[b] != '-') return 0;
        start[k] = w->c0;
        end[k] = w->c1;
    }
    return l->nw;
}

/* The cells of one line of a simple table: a word opens the cell of the
 * column it starts in when it starts exactly there or after two spaces;
 * otherwise it goes on with the cell before (a span over several columns). */
static void simple_cells(row *r, const line *l, const int *start, int n) {
    int col = 0;
    for (int k = 0; k < l->nw; k++) {
        const word *w = &l->w[k];
        int at = 0;
        while (at + 1 < n && start[at + 1] <= w->c0)
            at++;
        bool aligned = w->c0 == start[at] || k == 0 || w->c0 - l->w[k - 1].c1 >= 2;
        if (at > col && aligned) col = at;
        cell_add(r, col, l->s + w->b0, w->b1 - w->b0);
    }
}

/* A line of dashes only, as wide as the table: multiline tables open and
 * close with one. */
static bool full_rule(const line *l) {
    int s, e;
    return l->nw == 1 && dash_groups(l, &s, &e, 1) == 1;
}

static size_t simple_table(layout *lay, size_t i) {
    int start[LAYOUT_MAX_COLUMNS], end[LAYOUT_MAX_COLUMNS];
    int n = dash_groups(&lay->lines[i], start, end, LAYOUT_MAX_COLUMNS);
    if (n < 2 || !usable(lay, i)) return i;
    /* the header: the lines above, up to a blank line or an opening rule */
    size_t h = i;
    while (h > 0 && usable(lay, h - 1) && !lay->lines[h - 1].blank && !full_rule(&lay->lines[h - 1]) && i - h < 4)
        h--;
    bool multiline = h > 0 && usable(lay, h - 1) && full_rule(&lay->lines[h - 1]);
    bool headerless = h == i;
    /* the body: up to a blank line (simple), or up to the closing rule
     * (multiline: rows separated by blank lines) */
    size_t j = i + 1;
    while (j < lay->n && usable(lay, j)) {
        const line *l = &lay->lines[j];
        if (multiline ? full_rule(l) : l->blank) break;
        int s2[LAYOUT_MAX_COLUMNS], e2[LAYOUT_MAX_COLUMNS];
        if (headerless && dash_groups(l, s2, e2, LAYOUT_MAX_COLUMNS) == n) break;
        j++;
    }
    if (j == i + 1) return i;
    if (multiline) put_empty(lay, h - 1);
    if (!headerless) {
        row r;
        row_init(lay, &r, n);
        for (size_t k = h; k < i; k++)
            simple_cells(&r, &lay->lines[k], start, n);
        put_row(lay, &r, h, i - 1);
    }
    put_empty(lay, i);
    for (size_t k = i + 1; k < j;) {
        if (lay->lines[k].blank) {
            k++;
            continue;
        }
        /* a simple table has one line per row; a multiline one a group */
        size_t e = k;
        while (multiline && e + 1 < j && !lay->lines[e + 1].blank)
            e++;
        row r;
        row_init(lay, &r, n);
        for (size_t m = k; m <= e; m++)
            simple_cells(&r, &lay->lines[m], start, n);
        put_row(lay, &r, k, e);
        k = e + 1;
    }
    if (j < lay->n && (multiline || headerless) && !lay->lines[j].blank) {
        put_empty(lay, j);
        j++;
    }
    lay->tables++;
    return j;
}

/* ---------- space-aligned tables (pdftotext -layout) ---------- */

/* pdftotext -layout prints each cell's lines at the character column its x
 * position gives, pushed right when the text left of it on the same output
 * line ran long, and a cell vertically centred in a tall row interleaves its
 * lines with those of its neighbours.  The columns of one row are therefore
 * more reliable than those of the page: a table is read row by row.
 *
 * A group is a run of non-blank lines of one page (pdftotext leaves a blank
 * line between rows that have space between them).  Its block starts are
 * the positions that no word runs across and where a word starts at the
 * start of its line or after two spaces or more (strong); where words start
 * after one space only, the position may still start a cell squeezed
 * against the one before it (weak).  A group with three blocks or more is a
 * row of a table; the groups around it that fit its columns (a heading row,
 * a cell continued from the page before) go with it.  The columns of a table
 * on a page are the medians of the block starts of its rows; each row's
 * blocks are mapped onto them in order (a small alignment), an empty column
 * taking a weak start near its position, or else cut out of the block before
 * it line by line where a word starts after a wide gap near it (a cell whose
 * lines pdftotext placed a column or two apart).  A group holding two row
 * labels (no blank line between the rows) is cut between them. */

/* How far (in columns) a block may sit from its column's position. */
#define LAYOUT_TOL 3
/* The alignment cost of a block that shares the column of the block before
 * it (a cell split by chance spaces) against its distance to a column. */
#define LAYOUT_MERGE_COST 8
/* Block starts looked at in one group at most: more is no table row. */
#define LAYOUT_MAX_BLOCKS (2 * LAYOUT_MAX_COLUMNS)

typedef struct group {
    size_t first, last; /* lines */
    int left, right;    /* columns of its text */
    int strong[LAYOUT_MAX_BLOCKS], n_strong;
    int weak[LAYOUT_MAX_BLOCKS], n_weak;
    /* where a word starts after two spaces or more, but a word of another
     * line runs across: a cell that pdftotext placed a column or two off
     * on some of its lines (see group_blocks) */
    int crossed[LAYOUT_MAX_BLOCKS], n_crossed;
    int page;
} group;

typedef struct ltable {
    size_t g0, g1; /* groups [g0, g1) */
    int k;         /* columns */
    int est[LAYOUT_MAX_COLUMNS];
    int page, left, right;
    bool cont;      /* goes on from the table that ended the page before */
    bool ends_page; /* nothing after it on its page */
} ltable;

typedef struct aligned {
    group *g;
    size_t n, cap;
    ltable *t;
    size_t n_t, cap_t;
    bool *crossed;        /* scratch, LAYOUT_MAX_WIDTH + 2 */
    unsigned char *start; /* scratch: 1 a word starts there, 2 after two spaces */
} aligned;

static bool is_tabular(const group *g) { return g->n_strong >= 3; }

/* The block starts of lines [first, last] (all usable, not blank). */
static void analyse(layout *lay, aligned *al, group *g, size_t first, size_t last) {
    g->first = first;
    g->last = last;
    g->left = LAYOUT_MAX_WIDTH;
    g->right = 0;
    g->n_strong = g->n_weak = g->n_crossed = 0;
    for (size_t i = first; i <= last; i++) {
        const line *l = &lay->lines[i];
        if (l->w[0].c0 < g->left) g->left = l->w[0].c0;
        if (l->w[l->nw - 1].c1 > g->right) g->right = l->w[l->nw - 1].c1;
    }
    for (size_t i = first; i <= last; i++) {
        const line *l = &lay->lines[i];
        for (int k = 0; k < l->nw; k++) {
            const word *w = &l->w[k];
            for (int p = w->c0 + 1; p < w->c1; p++)
                al->crossed[p] = true;
            unsigned char kind = k == 0 || w->c0 - l->w[k - 1].c1 >= 2 ? 2 : 1;
            if (kind > al->start[w->c0]) al->start[w->c0] = kind;
        }
    }
    g->strong[g->n_strong++] = g->left;
    bool wild = false;
    for (int p = g->left + 1; p < g->right; p++) {
        if (al->start[p] == 2 && al->crossed[p] && g->n_crossed < LAYOUT_MAX_BLOCKS) g->crossed[g->n_crossed++] = p;
        if (!al->start[p] || al->crossed[p]) continue;
        if (al->start[p] == 2) {
            if (g->n_strong < LAYOUT_MAX_BLOCKS)
                g->strong[g->n_strong++] = p;
            else
                wild = true;
        } else if (g->n_weak < LAYOUT_MAX_BLOCKS) {
            g->weak[g->n_weak++] = p;
        }
    }
    if (wild) g->n_strong = 1, g->n_weak = g->n_crossed = 0; /* more blocks than any table has: no row */
    for (int p = g->left; p <= g->right; p++) {
        al->crossed[p] = false;
        al->start[p] = 0;
    }
}

static group *new_group(aligned *al, cd_arena *a) {
    if (al->n == al->cap) {
        size_t cap = al->cap ? 2 * al->cap : 64;
        al->g = cd_arena_grow(a, al->g, sizeof *al->g, al->n, cap);
        al->cap = cap;
    }
    return &al->g[al->n++];
}

/* A line of prose: three words or more, one space between each. */
static bool prose_line(const line *l) {
    if (l->nw < 3) return false;
    for (int k = 1; k < l->nw; k++)
        if (l->w[k].c0 - l->w[k - 1].c1 >= 2) return false;
    return true;
}

/* Lines [first, last] as one group, or two when the paragraph printed right
 * above a table without a blank line between (its lines one run of words
 * each) leaves a table below. */
static void add_group(layout *lay, aligned *al, size_t first, size_t last, int page) {
    size_t k = first;
    while (k < last && prose_line(&lay->lines[k]))
        k++;
    group *g = new_group(al, lay->arena);
    analyse(lay, al, g, first, last);
    g->page = page;
    if (k == first || is_tabular(g)) return;
    group rest;
    analyse(lay, al, &rest, k, last);
    if (!is_tabular(&rest)) return;
    analyse(lay, al, g, first, k - 1);
    group *h = new_group(al, lay->arena);
    *h = rest;
    h->page = page;
}

static void find_groups(layout *lay, aligned *al) {
    int page = 0;
    size_t start = SIZE_MAX;
    for (size_t i = 0; i <= lay->n; i++) {
        bool end = i == lay->n || !usable(lay, i) || lay->lines[i].blank || lay->lines[i].page_start;
        if (end && start != SIZE_MAX) {
            add_group(lay, al, start, i - 1, page);
            start = SIZE_MAX;
        }
        if (i == lay->n) break;
        if (lay->lines[i].page_start) page++;
        if (start == SIZE_MAX && usable(lay, i) && !lay->lines[i].blank) start = i;
    }
}

/* Block starts s[0..n) onto the columns at est[0..k): in order, each block
 * in a column of its own or in the column of the block before it, at the
 * least total distance.  col gets each block's column. */
static void align_blocks(cd_arena *a, const int *s, int n, const int *est, int k, int *col) {
    int *cost = cd_arena_alloc(a, sizeof *cost * (size_t)(n * k));
    int *from = cd_arena_alloc(a, sizeof *from * (size_t)(n * k));
    for (int c = 0; c < k; c++)
        cost[c] = abs(s[0] - est[c]);
    for (int i = 1; i < n; i++) {
        for (int c = 0; c < k; c++) {
            int d = abs(s[i] - est[c]), best = cost[(i - 1) * k + c] + d / 2 + LAYOUT_MERGE_COST, arg = c;
            for (int b = 0; b < c; b++)
                if (cost[(i - 1) * k + b] + d < best) best = cost[(i - 1) * k + b] + d, arg = b;
            cost[i * k + c] = best;
            from[i * k + c] = arg;
        }
    }
    int c = 0;
    for (int b = 1; b < k; b++)
        if (cost[(n - 1) * k + b] < cost[(n - 1) * k + c]) c = b;
    for (int i = n - 1; i >= 0; i--) {
        col[i] = c;
        if (i) c = from[i * k + c];
    }
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n) (sorted in place). */
static int median(int *v, size_t n) {
    qsort(v, n, sizeof *v, cmp_int);
    return v[n / 2];
}

/* The column positions of groups [g0, g1) for k columns: the medians of the
 * block starts of the rows that fill all k, then of all rows aligned to
 * those (a centred header counts for one row among many); prev (or NULL)
 * when no row fills all columns.  False when there is neither. */
static bool estimate(layout *lay, aligned *al, size_t g0, size_t g1, int k, const int *prev, int *est) {
    size_t n = g1 - g0;
    int *pos = cd_arena_alloc(lay->arena, sizeof *pos * (n + 1) * (size_t)k);
    size_t *np = cd_arena_alloc(lay->arena, sizeof *np * (size_t)k);
    /* (the first row, a header centred over its columns, only when no
     * other row fills them all) */
    size_t from = g0;
    for (size_t i = g0 + 1; i < g1 && from == g0; i++)
        if (al->g[i].n_strong == k) from = g0 + 1;
    if (from == g0 && prev) from = g1; /* the page before says better than a header */
    for (size_t i = from; i < g1; i++)
        if (al->g[i].n_strong == k)
            for (int c = 0; c < k; c++)
                pos[(size_t)c * (n + 1) + np[c]++] = al->g[i].strong[c];
    bool all = true;
    for (int c = 0; c < k && all; c++)
        all = np[c] > 0;
    if (!all && !prev) return false;
    for (int c = 0; c < k; c++)
        est[c] = all ? median(pos + (size_t)c * (n + 1), np[c]) : prev[c];
    int col[LAYOUT_MAX_BLOCKS], head[LAYOUT_MAX_COLUMNS];
    for (int round = 0; round < 2; round++) {
        memset(np, 0, sizeof *np * (size_t)k);
        for (int c = 0; c < k; c++)
            head[c] = -1;
        for (size_t i = g0; i < g1; i++) {
            const group *g = &al->g[i];
            if (g->n_strong < 2) continue;
            align_blocks(lay->arena, g->strong, g->n_strong, est, k, col);
            for (int b = 0; b < g->n_strong; b++) {
                bool alone = (b == 0 || col[b - 1] != col[b]) && (b + 1 == g->n_strong || col[b + 1] != col[b]);
                if (!alone) continue;
                if (i == g0 && g1 - g0 > 1)
                    head[col[b]] = g->strong[b]; /* the header: only where no row says */
                else
                    pos[(size_t)col[b] * (n + 1) + np[col[b]]++] = g->strong[b];
            }
        }
        for (int c = 0; c < k; c++) {
            if (np[c])
                est[c] = median(pos + (size_t)c * (n + 1), np[c]);
            else if (head[c] >= 0)
                est[c] = head[c];
            if (c && est[c] <= est[c - 1]) est[c] = est[c - 1] + 1;
        }
    }
    return true;
}

/* The column (of k at est) that position p falls in. */
static int column_at(const int *est, int k, int p) {
    int c = 0;
    while (c + 1 < k && 2 * p >= est[c] + est[c + 1])
        c++;
    return c;
}

/* Can a group that is no row of cells stand in a table with columns est?
 * A label in the first column and a title after it (a heading row, "I  Quý
 * I năm 2026"); or blocks (a row's end cut by the page break, a label
 * alone) each in a column of its own and within it. */
static bool fits(const layout *lay, const group *g, const int *est, int k) {
    int second = g->n_strong >= 2 ? g->strong[1] : g->n_weak ? g->weak[0] : -1;
    if (second >= 0 && column_at(est, k, g->strong[0]) == 0 && column_at(est, k, second) == 1 &&
        (k < 3 || second < est[2] - LAYOUT_TOL))
        return true;
    for (int b = 0; b < g->n_strong; b++) {
        int c = column_at(est, k, g->strong[b]);
        if (b && c <= column_at(est, k, g->strong[b - 1])) return false;
        if (c + 1 >= k) continue;
        int end = b + 1 < g->n_strong ? g->strong[b + 1] : LAYOUT_MAX_WIDTH + 1, lim = est[c + 1] + 1;
        for (size_t i = g->first; i <= g->last; i++) {
            const line *l = &lay->lines[i];
            for (int w = 0; w < l->nw; w++)
                if (l->w[w].c0 >= g->strong[b] && l->w[w].c0 < end && l->w[w].c1 > lim) return false;
        }
    }
    return true;
}

/* A paragraph: a line of prose from the table's left edge across the
 * columns (at est[0..k)). */
static bool prose_group(const layout *lay, const group *g, int left, const int *est, int k) {
    for (size_t i = g->first; i <= g->last; i++) {
        const line *l = &lay->lines[i];
        if (!prose_line(l) || l->w[0].c0 > left + LAYOUT_TOL) continue;
        /* over two column positions or more */
        int across = 0;
        for (int c = 1; c < k; c++)
            across += l->w[0].c0 < est[c] && l->w[l->nw - 1].c1 > est[c];
        if (across >= 2) return true;
    }
    return false;
}

/* The number of columns of groups [g0, g1): the most blocks that two of
 * its rows have, or the most any has. */
static int choose_k(const aligned *al, size_t g0, size_t g1) {
    int count[LAYOUT_MAX_BLOCKS + 1] = {0}, most = 0;
    for (size_t i = g0; i < g1; i++)
        if (is_tabular(&al->g[i])) {
            count[al->g[i].n_strong]++;
            if (al->g[i].n_strong > most) most = al->g[i].n_strong;
        }
    for (int n = most; n >= 3; n--)
        if (count[n] >= 2) return n;
    return most;
}

static ltable *new_ltable(aligned *al, cd_arena *a) {
    if (al->n_t == al->cap_t) {
        size_t cap = al->cap_t ? 2 * al->cap_t : 16;
        al->t = cd_arena_grow(a, al->t, sizeof *al->t, al->n_t, cap);
        al->cap_t = cap;
    }
    ltable *t = &al->t[al->n_t++];
    memset(t, 0, sizeof *t);
    return t;
}

/* The tables: from a row of cells, with the groups after it on its page
 * that are rows or fit, up to a paragraph; at the top of a page, the
 * groups that fit the table that ended the page before. */
static void find_aligned(layout *lay, aligned *al) {
    size_t prev_i = SIZE_MAX;
    for (size_t i = 0; i < al->n;) {
        const group *g = &al->g[i];
        const ltable *prev = prev_i == SIZE_MAX ? NULL : &al->t[prev_i];
        bool top = i == 0 || al->g[i - 1].page != g->page;
        bool cont = prev && top && prev->ends_page && g->page == prev->page + 1;
        if (!is_tabular(g) && !(cont && fits(lay, g, prev->est, prev->k))) {
            i++;
            continue;
        }
        size_t j = i, last_row = i, est_upto = SIZE_MAX;
        int left = is_tabular(g) ? g->left : prev->left, right = is_tabular(g) ? g->right : prev->right;
        int cur_k = 0, cur_est[LAYOUT_MAX_COLUMNS];
        while (j + 1 < al->n && al->g[j + 1].page == g->page) {
            const group *h = &al->g[j + 1];
            if (is_tabular(h)) {
                if (h->left < left) left = h->left;
                if (h->right > right) right = h->right;
                last_row = ++j;
                continue;
            }
            /* the columns of the rows so far (of the table before, for
             * its continuation), for telling a paragraph */
            if (est_upto != last_row) {
                est_upto = last_row;
                cur_k = choose_k(al, i, last_row + 1);
                if (cur_k < 2 || cur_k > LAYOUT_MAX_COLUMNS || !estimate(lay, al, i, last_row + 1, cur_k, NULL, cur_est)) {
                    cur_k = cont ? prev->k : 0;
                    if (cont) memcpy(cur_est, prev->est, sizeof *cur_est * (size_t)cur_k);
                }
            }
            if (prose_group(lay, h, left, cur_est, cur_k)) break;
            j++;
        }
        bool ends_page = j + 1 >= al->n || al->g[j + 1].page != g->page;
        if (!ends_page) j = last_row;
        int cells = 0;
        for (size_t m = i; m <= j; m++)
            cells += al->g[m].n_strong >= 2;
        int k = choose_k(al, i, j + 1), est[LAYOUT_MAX_COLUMNS];
        if (!k && cont) k = prev->k;
        if ((!cont && cells < 2) || k < LAYOUT_MIN_COLUMNS || k > LAYOUT_MAX_COLUMNS ||
            !estimate(lay, al, i, j + 1, k, cont && prev->k == k ? prev->est : NULL, est)) {
            i++;
            continue;
        }
        ltable *t = new_ltable(al, lay->arena);
        memcpy(t->est, est, sizeof *est * (size_t)k);
        t->g0 = i;
        t->g1 = j + 1;
        t->k = k;
        t->page = g->page;
        t->left = left;
        t->right = right;
        t->cont = cont;
        t->ends_page = ends_page;
        prev_i = al->n_t - 1;
        i = j + 1;
    }
    /* one number of columns for a table and its continuations (their
     * header rows, centred, are left out when there are rows); each page
     * keeps its own positions */
    for (size_t c0 = 0; c0 < al->n_t;) {
        size_t c1 = c0 + 1;
        while (c1 < al->n_t && al->t[c1].cont)
            c1++;
        int count[LAYOUT_MAX_BLOCKS + 1] = {0}, most = 0, k = 0;
        for (int pass = 0; pass < 2 && !most; pass++)
            for (size_t t = c0; t < c1; t++)
                for (size_t i = al->t[t].g0 + (pass ? 0 : 1); i < al->t[t].g1; i++)
                    if (is_tabular(&al->g[i])) {
                        count[al->g[i].n_strong]++;
                        if (al->g[i].n_strong > most) most = al->g[i].n_strong;
                    }
        for (int n = most; n >= 3 && !k; n--)
            if (count[n] >= 2) k = n;
        if (!k) k = most;
        if (k > LAYOUT_MAX_COLUMNS) k = LAYOUT_MAX_COLUMNS;
        const int *prev_est = NULL;
        int prev_k = 0;
        for (size_t t = c0; t < c1; t++) {
            ltable *tb = &al->t[t];
            int est[LAYOUT_MAX_COLUMNS];
            if (k >= LAYOUT_MIN_COLUMNS &&
                estimate(lay, al, tb->g0, tb->g1, k, prev_k == k ? prev_est : NULL, est)) {
                memcpy(tb->est, est, sizeof *est * (size_t)k);
                tb->k = k;
            }
            prev_est = tb->est;
            prev_k = tb->k;
        }
        c0 = c1;
    }
}

/* ---------- the rows of a space-aligned table ---------- */

/* A group's blocks and the column of each (a weak start taken for an
 * empty column). */
typedef struct blocks {
    int start[LAYOUT_MAX_BLOCKS + LAYOUT_MAX_COLUMNS];
    int col[LAYOUT_MAX_BLOCKS + LAYOUT_MAX_COLUMNS];
    int n;
    /* columns found on some lines only (line_cols): at position at[i],
     * column col_of[i], cut out of block in[i] */
    int at[LAYOUT_MAX_COLUMNS], col_of[LAYOUT_MAX_COLUMNS], in[LAYOUT_MAX_COLUMNS];
    int n_ragged;
    int *wcol; /* scratch for line_cols: as many as the most words a line has */
} blocks;

/* Does a word of g start at p with a capital or a digit (a cell's first)? */
static bool cell_word_at(const layout *lay, const group *g, int p) {
    for (size_t i = g->first; i <= g->last; i++) {
        const line *l = &lay->lines[i];
        for (int k = 0; k < l->nw; k++) {
            if (l->w[k].c0 != p) continue;
            UChar32 c;
            int32_t o = 0;
            U8_NEXT((const uint8_t *)l->s + l->w[k].b0, o, (int32_t)(l->w[k].b1 - l->w[k].b0), c);
            if (u_isupper(c) || u_isdigit(c)) return true;
        }
    }
    return false;
}

/* The block of a word starting at c0: a word that starts one column before
 * a block is in it ("6" at 59 under "Tháng" at 60: lines of one centred
 * cell; a word of the block before would run into it). */
static int block_at(const blocks *b, int c0) {
    int i = 0;
    while (i + 1 < b->n && b->start[i + 1] <= c0 + 1)
        i++;
    return i;
}

/* The lines of g where a word of block i starts within LAYOUT_TOL of p
 * after another word of the block: where a column found at p would cut the
 * block's text. */
static int ragged_lines(const layout *lay, const group *g, const blocks *b, int i, int p) {
    int n = 0;
    for (size_t k = g->first; k <= g->last; k++) {
        const line *l = &lay->lines[k];
        for (int w = 1; w < l->nw; w++)
            if (abs(l->w[w].c0 - p) <= LAYOUT_TOL && block_at(b, l->w[w].c0) == i &&
                block_at(b, l->w[w - 1].c0) == i) {
                n++;
                break;
            }
    }
    return n;
}

static void group_blocks(layout *lay, const group *g, const ltable *t, blocks *b) {
    int most = 1;
    for (size_t i = g->first; i <= g->last; i++)
        if (lay->lines[i].nw > most) most = lay->lines[i].nw;
    b->wcol = cd_arena_alloc(lay->arena, sizeof *b->wcol * (size_t)most);
    b->n = g->n_strong;
    memcpy(b->start, g->strong, sizeof *g->strong * (size_t)g->n_strong);
    align_blocks(lay->arena, b->start, b->n, t->est, t->k, b->col);
    /* an empty column whose position falls on a weak start inside a block of
     * a column before it: a cell squeezed against its neighbour (only the
     * label's neighbour when the row has two blocks: a title runs on) */
    for (int c = 1; c < t->k; c++) {
        bool used = false;
        for (int i = 0; i < b->n && !used; i++)
            used = b->col[i] == c;
        if (used || (g->n_strong < 3 && c != 1)) continue;
        int best = -1;
        for (int w = 0; w < g->n_weak; w++) {
            int p = g->weak[w];
            if (abs(p - t->est[c]) > LAYOUT_TOL) continue;
            if (best < 0) {
                best = p;
                continue;
            }
            bool cp = cell_word_at(lay, g, p), cb = cell_word_at(lay, g, best);
            if (cp > cb || (cp == cb && abs(p - t->est[c]) < abs(best - t->est[c]))) best = p;
        }
        if (best < 0) continue;
        int i = 0;
        while (i + 1 < b->n && b->start[i + 1] < best)
            i++;
        if (b->col[i] >= c || (i + 1 < b->n && b->col[i + 1] <= c)) continue;
        memmove(b->start + i + 2, b->start + i + 1, sizeof *b->start * (size_t)(b->n - i - 1));
        memmove(b->col + i + 2, b->col + i + 1, sizeof *b->col * (size_t)(b->n - i - 1));
        b->start[i + 1] = best;
        b->col[i + 1] = c;
        b->n++;
    }
    /* an empty column where a word starts after a wide gap, at a position
     * that a word of another line of the row runs across: pdftotext puts
     * the lines of one cell a column or two apart ("Giám" at 32, "đốc Sở"
     * at 33, "Khoa" at 30), so that no position is free of the text left
     * of them.  The column is cut out of the block before it line by line
     * (line_cols). */
    b->n_ragged = 0;
    for (int c = 1; c < t->k; c++) {
        bool used = false;
        for (int i = 0; i < b->n && !used; i++)
            used = b->col[i] == c;
        if (used) continue;
        int best = -1;
        for (int x = 0; x < g->n_crossed; x++) {
            int p = g->crossed[x], i = block_at(b, p);
            /* in the column's half of the space between its neighbours
             * (pdftotext may print a row narrower than the table) */
            if (b->col[i] >= c || (i + 1 < b->n && b->col[i + 1] <= c)) continue;
            int c_prev = b->col[i], mid = b->start[i] + (t->est[c] - t->est[c_prev]) / 2;
            if (column_at(t->est, t->k, p) != c && p <= mid) continue;
            if (ragged_lines(lay, g, b, i, p) < (g->first == g->last ? 1 : 2)) continue;
            if (best < 0 || abs(p - t->est[c]) < abs(best - t->est[c])) best = p;
        }
        if (best < 0) continue;
        b->at[b->n_ragged] = best;
        b->col_of[b->n_ragged] = c;
        b->in[b->n_ragged++] = block_at(b, best);
    }
}

/* The column of each word of line l (b->wcol[0..l->nw)): its block's; where
 * the row has a ragged column, the words of the block it was found in from
 * the one nearest its position (within LAYOUT_TOL; the left one of two as
 * near) to the end of the block go to it: that word starts the cell's line
 * on this line. */
static const int *line_cols(const blocks *b, const line *l) {
    int *col = b->wcol;
    for (int w = 0; w < l->nw; w++)
        col[w] = b->col[block_at(b, l->w[w].c0)];
    for (int r = 0; r < b->n_ragged; r++) {
        int best = -1;
        for (int w = 0; w < l->nw; w++) {
            int d = abs(l->w[w].c0 - b->at[r]);
            /* (the last word of a line, left of the position: as likely the
             * end of the text before) */
            int tol = w + 1 == l->nw && l->w[w].c0 < b->at[r] ? LAYOUT_TOL - 1 : LAYOUT_TOL;
            if (block_at(b, l->w[w].c0) != b->in[r] || d > tol) continue;
            if (best < 0 || d < abs(l->w[best].c0 - b->at[r])) best = w;
        }
        for (int w = best; best >= 0 && w < l->nw && block_at(b, l->w[w].c0) == b->in[r]; w++)
            col[w] = b->col_of[r];
    }
    return col;
}

/* The first and the last code point of s[0..n). */
static UChar32 first_cp(const char *s, size_t n) {
    UChar32 c = 0;
    int32_t o = 0;
    if (n) U8_NEXT((const uint8_t *)s, o, (int32_t)n, c);
    return c;
}

static UChar32 last_cp(const char *s, size_t n) {
    UChar32 c = 0;
    int32_t o = (int32_t)n;
    if (n) U8_PREV((const uint8_t *)s, 0, o, c);
    return c;
}

/* Letters with no vowel among them ("g", "ng"): the end of a syllable. */
static bool consonants_only(const char *s, size_t n) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
    if (U_FAILURE(err)) return false;
    for (int32_t o = 0; o < (int32_t)n;) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, o, (int32_t)n, c);
        if (c < 0 || !u_isalpha(c)) return false;
        UChar d[8];
        int32_t k = unorm2_getDecomposition(nfd, c, d, 8, &err);
        UChar32 base = k > 0 ? d[0] : c;
        if (U_FAILURE(err)) return false;
        if (base < 128 && strchr("aeiouyAEIOUY", (int)base)) return false;
    }
    return true;
}

/* Does a cell's line ending in word s (full: the line reached the right of
 * the cell's text) go on without a space with the next line's first word t?
 * As pdf.c's glue_after, for character columns: a hyphen or a slash ends
 * the line; punctuation starts the next; a lone consonant is the rest of a
 * syllable; a document code was cut after a capital ("02-CTr/BCĐT" / "W");
 * and on a full line, a cut between digits, capitals, or a capital after a
 * slash ("trình/B" / "áo"). */
static bool joins(const char *s, size_t n, bool full, const char *t, size_t m) {
    if (!n || !m) return false;
    if (n >= 2 && (s[n - 1] == '-' || s[n - 1] == '/') && s[n - 2] != ' ') return true;
    if (strchr(",.;:)!?", t[0])) return true;
    UChar32 last = last_cp(s, n), first = first_cp(t, m);
    size_t letters = 0;
    for (size_t i = 0; i < m; i++)
        letters += ((unsigned char)t[i] & 0xC0) != 0x80;
    if (u_islower(last) && u_islower(first) && letters <= 2 && consonants_only(t, m)) return true;
    if (memchr(s, '/', n) && u_isupper(last) && u_isupper(first) && letters <= 4) {
        bool lower = false;
        for (int32_t o = 0; o < (int32_t)m && !lower;) {
            UChar32 c;
            U8_NEXT((const uint8_t *)t, o, (int32_t)m, c);
            lower = u_islower(c);
        }
        if (!lower) return true;
    }
    if (!full) return false;
    /* (a capital after a small letter starts a word: "lý" / "KKT") */
    bool one_letter = u_isalpha(first) && u_isalpha(last) && (letters == 1 || consonants_only(t, m)) &&
                      !(u_isupper(first) && !u_isupper(last));
    bool digits = u_isdigit(last) && u_isdigit(first);
    bool code = false;
    for (size_t i = 0; i < n && !code; i++)
        code = strchr("/-0123456789", s[i]) != NULL;
    code &= u_isupper(last) && (u_isupper(first) || u_isdigit(first));
    /* the start of the last code point: a capital alone after a non-letter */
    int32_t o = (int32_t)n;
    UChar32 c;
    U8_PREV((const uint8_t *)s, 0, o, c);
    bool lone_capital = u_isupper(last) && u_islower(first) && (o == 0 || !u_isalpha(last_cp(s, (size_t)o)));
    return one_letter || digits || code || lone_capital;
}

/* The cells of lines [from, to] of group g into r (only column only, or all
 * when only < 0).  A cell's lines are joined with a space, or without one
 * where a word was cut (joins). */
static void group_cells(const layout *lay, const group *g, const blocks *b, int k, size_t from, size_t to, int only,
                        row *r) {
    int cap[LAYOUT_MAX_COLUMNS];
    for (int c = 0; c < k; c++)
        cap[c] = -1;
    for (size_t i = g->first; i <= g->last; i++) {
        const line *l = &lay->lines[i];
        const int *col = line_cols(b, l);
        for (int w = 0; w < l->nw; w++) {
            int c = col[w];
            if (l->w[w].c1 > cap[c]) cap[c] = l->w[w].c1;
        }
    }
    /* the last word written to each cell, and the end of its line's text */
    const word *prev[LAYOUT_MAX_COLUMNS] = {0};
    const line *prev_line[LAYOUT_MAX_COLUMNS] = {0};
    int prev_end[LAYOUT_MAX_COLUMNS] = {0};
    for (size_t i = from; i <= to; i++) {
        const line *l = &lay->lines[i];
        const int *col = line_cols(b, l);
        for (int w = 0; w < l->nw; w++) {
            const word *x = &l->w[w];
            int c = col[w];
            if (only >= 0 && c != only) continue;
            const char *s = l->s + x->b0;
            size_t len = x->b1 - x->b0;
            if (prev[c] && prev_line[c] != l) {
                const word *p = prev[c];
                if (joins(prev_line[c]->s + p->b0, p->b1 - p->b0, prev_end[c] >= cap[c] - 1, s, len)) {
                    cd_buf_add(&r->cells[c], s, len);
                    prev[c] = x;
                    prev_line[c] = l;
                    prev_end[c] = x->c1;
                    continue;
                }
            }
            cell_add(r, c, s, len);
            prev[c] = x;
            prev_line[c] = l;
            prev_end[c] = x->c1;
        }
    }
}

/* Lines (relative to g->first) that hold a word of the first column, as
 * runs [run[2i], run[2i + 1]]; returns the number of runs (at most max). */
static int label_runs(const layout *lay, const group *g, const blocks *b, int *run, int max) {
    if (b->n < 2 || b->col[0] != 0) return 0;
    int n = 0;
    for (size_t i = g->first; i <= g->last; i++) {
        const line *l = &lay->lines[i];
        bool label = false;
        for (int w = 0; w < l->nw && !label; w++)
            label = b->col[block_at(b, l->w[w].c0)] == 0;
        if (!label) continue;
        int at = (int)(i - g->first);
        if (n && run[2 * n - 1] == at - 1) {
            run[2 * n - 1] = at;
        } else if (n < max) {
            run[2 * n] = run[2 * n + 1] = at;
            n++;
        }
    }
    return n;
}

/* Has line i a word in column c? */
static bool line_has(const layout *lay, const blocks *b, size_t i, int c) {
    const line *l = &lay->lines[i];
    const int *col = line_cols(b, l);
    for (int w = 0; w < l->nw; w++)
        if (col[w] == c) return true;
    return false;
}

/* Where a group with several row labels in its first column (rows with no
 * blank line between them) parts into rows: cut[i] is the last line of row
 * i (relative to g->first).  Labels at the top of their rows: a row ends
 * before the next label; labels centred in their rows, as the other cells
 * are: a row ends as far below its label as it starts above it.  A cut
 * where more than one column has text on both sides is none.  Returns the
 * number of cuts. */
static int row_cuts(const layout *lay, const group *g, const blocks *b, int k, int *cut, int max) {
    int run[2 * 64];
    int n = label_runs(lay, g, b, run, 64), n_cut = 0, start = 0;
    for (int r = 0; r + 1 < n && n_cut < max; r++) {
        int l1 = run[2 * r], l2 = run[2 * (r + 1)], at;
        if (run[0] == 0) {
            at = l2 - 1;
        } else {
            at = 2 * l1 - start;
            if (at > l2 - 1) at = l2 - 1;
            if (at < run[2 * r + 1]) at = run[2 * r + 1];
        }
        int busy = 0;
        for (int c = 0; c < k; c++)
            busy += line_has(lay, b, g->first + (size_t)at, c) && line_has(lay, b, g->first + (size_t)at + 1, c);
        if (busy > 1) continue;
        cut[n_cut++] = at;
        start = at + 1;
    }
    return n_cut;
}

/* The words of group g, sorted: a header row repeated on the next page has
 * the same ones. */
typedef struct wref {
    const char *s;
    size_t n;
} wref;

static int cmp_wref(const void *a, const void *b) {
    const wref *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->s, y->s, n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static wref *group_words(const layout *lay, const group *g, size_t *n_out) {
    size_t n = 0;
    for (size_t i = g->first; i <= g->last; i++)
        n += (size_t)lay->lines[i].nw;
    wref *w = cd_arena_alloc(lay->arena, sizeof *w * (n + 1));
    n = 0;
    for (size_t i = g->first; i <= g->last; i++) {
        const line *l = &lay->lines[i];
        for (int k = 0; k < l->nw; k++)
            w[n++] = (wref){l->s + l->w[k].b0, l->w[k].b1 - l->w[k].b0};
    }
    qsort(w, n, sizeof *w, cmp_wref);
    *n_out = n;
    return w;
}

static bool same_words(const wref *a, size_t na, const wref *b, size_t nb) {
    if (na != nb) return false;
    for (size_t i = 0; i < na; i++)
        if (cmp_wref(&a[i], &b[i])) return false;
    return true;
}

typedef struct trow {
    size_t first, last;
    row r;
} trow;

/* The cut of the rows in group g (cuts[0..n_cut)), cell columns that run
 * across all of them: a cell spanning those rows (rowspan), which each of
 * them gets whole. */
static bool spans_cuts(const layout *lay, const group *g, const blocks *b, const int *cut, int n_cut, int c) {
    if (!n_cut) return false;
    for (int i = 0; i < n_cut; i++)
        if (!line_has(lay, b, g->first + (size_t)cut[i], c) || !line_has(lay, b, g->first + (size_t)cut[i] + 1, c))
            return false;
    return true;
}

/* Writes table t: each group a row (or the rows its labels part it into),
 * without the rows at either end that fill one cell only (a caption, a line
 * after the table), unless the table goes on from the page before or to
 * the next.  The header row of the first table of a chain is kept for the
 * header rows repeated on the next pages. */
static void put_aligned(layout *lay, aligned *al, const ltable *t, row *header, wref **header_words,
                        size_t *n_header_words) {
    size_t cap = 0;
    for (size_t gi = t->g0; gi < t->g1; gi++)
        cap += al->g[gi].last - al->g[gi].first + 1;
    trow *rows = cd_arena_alloc(lay->arena, sizeof *rows * (cap + 1));
    size_t n = 0;
    for (size_t gi = t->g0; gi < t->g1; gi++) {
        const group *g = &al->g[gi];
        blocks b;
        group_blocks(lay, g, t, &b);
        if (gi == t->g0) {
            size_t nw;
            wref *w = group_words(lay, g, &nw);
            if (!t->cont) {
                row_init(lay, header, t->k);
                group_cells(lay, g, &b, t->k, g->first, g->last, -1, header);
                *header_words = w;
                *n_header_words = nw;
            }
            if (!t->cont || (header->n == t->k && same_words(w, nw, *header_words, *n_header_words))) {
                rows[n].first = g->first;
                rows[n].last = g->last;
                row_init(lay, &rows[n].r, t->k);
                for (int c = 0; c < t->k; c++)
                    cell_add(&rows[n].r, c, header->cells[c].data, header->cells[c].len);
                n++;
                continue;
            }
        }
        int cut[64];
        int n_cut = row_cuts(lay, g, &b, t->k, cut, 64);
        size_t from = g->first;
        for (int i = 0; i <= n_cut; i++) {
            size_t to = i < n_cut ? g->first + (size_t)cut[i] : g->last;
            trow *tr = &rows[n++];
            tr->first = from;
            tr->last = to;
            row_init(lay, &tr->r, t->k);
            for (int c = 0; c < t->k; c++) {
                if (spans_cuts(lay, g, &b, cut, n_cut, c))
                    group_cells(lay, g, &b, t->k, g->first, g->last, c, &tr->r);
                else
                    group_cells(lay, g, &b, t->k, from, to, c, &tr->r);
            }
            from = to + 1;
        }
    }
    size_t a = 0, e = n;
    if (!t->cont)
        while (a < e && filled_cells(&rows[a].r) < 2)
            a++;
    if (!t->ends_page)
        while (e > a && filled_cells(&rows[e - 1].r) < 2)
            e--;
    if (a == e) return;
    for (size_t r = a; r < e; r++)
        put_row(lay, &rows[r].r, rows[r].first, rows[r].last);
    /* the blank lines between the rows belong to the table */
    for (size_t i = rows[a].first; i <= rows[e - 1].last; i++)
        lay->lines[i].done = true;
    lay->tables++;
}

static void aligned_tables(layout *lay) {
    aligned al = {0};
    al.crossed = cd_arena_alloc(lay->arena, sizeof *al.crossed * (LAYOUT_MAX_WIDTH + 2));
    al.start = cd_arena_alloc(lay->arena, sizeof *al.start * (LAYOUT_MAX_WIDTH + 2));
    find_groups(lay, &al);
    find_aligned(lay, &al);
    row header;
    row_init(lay, &header, 0);
    wref *header_words = NULL;
    size_t n_header_words = 0;
    for (size_t t = 0; t < al.n_t; t++)
        put_aligned(lay, &al, &al.t[t], &header, &header_words, &n_header_words);
}

/* ---------- entry points ---------- */

/* Is line [p, e) a pandoc rule ("--- ---") or grid border ("+---+")? */
static bool probe_rule(const char *p, const char *e) {
    while (p < e && *p == ' ')
        p++;
    if (e - p < 5) return false;
    bool grid = *p == '+';
    int groups = 0;
    for (const char *q = p; q < e; q++) {
        if (*q == '-' || *q == '=' || *q == '+') {
            if (q == p || q[-1] == ' ') groups++;
        } else if (*q != ' ' && *q != '\r') {
            return false;
        }
    }
    return grid || groups >= 2;
}

/* Has line [p, e) a gap of two spaces between words (not after a list
 * bullet: pandoc writes "-   text")? */
static bool probe_wide(const char *p, const char *e) {
    while (p < e && *p == ' ')
        p++;
    if (e - p >= 2 && strchr("-*+", *p) && p[1] == ' ')
        for (p++; p < e && *p == ' ';)
            p++;
    for (const char *q = p; (q = memchr(q, ' ', (size_t)(e - q))) && q + 1 < e; q++) {
        if (q[1] != ' ') continue;
        while (q < e && *q == ' ')
            q++;
        return q < e && *q != '\r';
    }
    return false;
}

/* The next place in [p, end) where two spaces or two dashes follow each
 * other; end when none.  Eight bytes at a time: ordinary text has few such
 * pairs, and this scan is all the probe costs it. */
static const char *next_pair(const char *p, const char *end) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    const uint64_t spaces = ones * ' ', dashes = ones * '-';
    for (; end - p > 8; p += 8) {
        uint64_t x, y;
        memcpy(&x, p, 8);
        memcpy(&y, p + 1, 8);
        uint64_t sx = x ^ spaces, sy = y ^ spaces, dx = x ^ dashes, dy = y ^ dashes;
        /* a byte is zero in both: a pair (the test may also fire without one) */
        uint64_t s2 = ((sx | sy) - ones) & ~(sx | sy) & highs;
        uint64_t d2 = ((dx | dy) - ones) & ~(dx | dy) & highs;
        if (!(s2 | d2)) continue;
        for (int i = 0; i < 8; i++)
            if ((p[i] == ' ' || p[i] == '-') && p[i + 1] == p[i]) return p + i;
    }
    for (; p + 1 < end; p++)
        if ((*p == ' ' || *p == '-') && p[1] == *p) return p;
    return end;
}

bool cd_layout_probe(const char *text, size_t n) {
    const char *end = text + n, *counted = text;
    /* the last PROBE_WIDE_LINES - 1 wide lines, a ring */
    size_t recent[PROBE_WIDE_LINES - 1] = {0}, n_wide = 0, line_no = 0;
    for (const char *hit = next_pair(text, end); hit < end;) {
        /* the line the pair is on */
        const char *p = hit;
        while (p > text && p[-1] != '\n')
            p--;
        const char *nl = memchr(hit, '\n', (size_t)(end - hit));
        const char *e = nl ? nl : end;
        const char *dash = memchr(p, '-', (size_t)(e - p));
        if (dash && dash + 1 < e && dash[1] == '-' && probe_rule(p, e)) return true;
        if (probe_wide(p, e)) {
            for (; counted < p; counted++)
                line_no += *counted == '\n';
            size_t *oldest = &recent[n_wide % (PROBE_WIDE_LINES - 1)];
            if (n_wide >= PROBE_WIDE_LINES - 1 && line_no - *oldest < PROBE_WINDOW) return true;
            *oldest = line_no;
            n_wide++;
        }
        hit = nl ? next_pair(nl + 1, end) : end;
    }
    return false;
}

size_t cd_layout_rewrite(const char *text, size_t n, cd_buf *out) {
    layout lay = {.arena = out->arena};
    cut_lines(&lay, text, n);
    for (size_t i = 0; i < lay.n; i++) {
        size_t next = grid_table(&lay, i);
        if (next == i) next = simple_table(&lay, i);
        if (next > i) i = next - 1;
    }
    aligned_tables(&lay);
    for (size_t i = 0; i < lay.n; i++) {
        const line *l = &lay.lines[i];
        bool last = i + 1 == lay.n;
        if (l->repl) {
            cd_buf_adds(out, l->repl);
        } else {
            /* as it was, with its '\r' */
            size_t len = l->len + (l->s + l->len < text + n && l->s[l->len] == '\r');
            cd_buf_add(out, l->s, len);
        }
        if (!last) cd_buf_addc(out, '\n');
    }
    return lay.tables;
}

void cd_layout_document(cd_document *doc) {
    const char *text = (const char *)(doc->text ? doc->text : doc->bytes);
    size_t n = doc->text ? doc->n_text : doc->n_bytes;
    if (!text || !cd_layout_probe(text, n)) return;
    cd_buf out;
    cd_buf_init(&out, &doc->arena);
    if (!cd_layout_rewrite(text, n, &out)) return;
    doc->text = (const unsigned char *)out.data;
    doc->n_text = out.len;
}
