/* layout.c — space-aligned and pandoc tables to the text form (layout.h).
 *
 * The text is cut into lines and each line into words (runs of non-space
 * characters) with their character columns: code points, not bytes, since a
 * Vietnamese letter takes two or three bytes in UTF-8 and the tools align
 * characters.  Pandoc tables say where their columns are (the "----- ----"
 * rule, the "+----+" border); the other tables are found from geometry: the
 * columns of a run of lines are the positions where words start, after a gap
 * of two spaces or more, on several lines, and that no word of the run
 * crosses.  pdftotext writes a word one or two columns right of where it
 * belongs when the word before it ran long, so a column start also takes the
 * words that begin one column after it. */
#include "layout.h"

#include <stdint.h>
#include <string.h>

/* A table has at most this many columns; more is not a task table. */
#define LAYOUT_MAX_COLUMNS 32
/* Fewer columns than this is a layout of two blocks side by side (a header
 * block, a signature block), not a table: left as it is. */
#define LAYOUT_MIN_COLUMNS 3
/* Lines without a wide gap that may stand between two lines with one in the
 * same table: a tall cell printed alone, vertically centred cells. */
#define LAYOUT_MAX_QUIET_LINES 60
/* How far right of its column start pdftotext may print a word (when the
 * word before it ran long). */
#define LAYOUT_PUSH 1
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
    /* the last space-aligned table: its column starts, and the line after it,
     * so that its continuation at the top of the next page keeps the columns */
    int prev_anchor[LAYOUT_MAX_COLUMNS];
    int prev_n_anchors;
    size_t prev_end;
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

typedef struct columns {
    int start[LAYOUT_MAX_COLUMNS];
    int n;
} columns;

/* Does a word of line l run across column start a (cover both a-1 and a)? */
static bool crosses(const line *l, int a) {
    for (int k = 0; k < l->nw; k++) {
        if (l->w[k].c0 > a - 1) break;
        if (l->w[k].c1 >= a + 1) return true;
    }
    return false;
}

/* A line of prose runs across two column starts or more (one may be a word
 * printed too wide for its column). */
static bool crosses_any(const line *l, const columns *c) {
    int n = 0;
    for (int i = 1; i < c->n; i++)
        n += crosses(l, c->start[i]);
    return n >= 2 || (n == 1 && c->n <= 2);
}

/* The column starts of lines [s, e]: positions where words start (at the
 * line start or after a wide gap) on two lines or more, a word printed one
 * column further right counted with them, and that few words cross. */
static void find_columns(layout *lay, size_t s, size_t e, columns *out) {
    int width = 0;
    for (size_t i = s; i <= e; i++) {
        const line *l = &lay->lines[i];
        if (l->nw && l->w[l->nw - 1].c1 > width) width = l->w[l->nw - 1].c1;
    }
    int *count = cd_arena_alloc(lay->arena, sizeof *count * (size_t)(width + 2));
    for (size_t i = s; i <= e; i++) {
        const line *l = &lay->lines[i];
        for (int k = 0; k < l->nw; k++)
            if (k == 0 || l->w[k].c0 - l->w[k - 1].c1 >= 2) count[l->w[k].c0]++;
    }
    out->n = 0;
    for (int p = 0; p <= width && out->n < LAYOUT_MAX_COLUMNS; p++) {
        if (!count[p]) continue;
        int support = 0, q = p;
        for (; q <= width && q <= p + LAYOUT_PUSH; q++)
            support += count[q];
        if (support >= 2) {
            int crossed = 0;
            for (size_t i = s; i <= e; i++)
                crossed += crosses(&lay->lines[i], p);
            /* a column start that many lines cross is a centred heading
             * word or chance, not a column */
            if (out->n == 0 || crossed * 3 < support) out->start[out->n++] = p;
        }
        p = q - 1;
    }
}

/* The column a word starting at c0 belongs to. */
static int column_of(const columns *c, int c0) {
    int col = 0;
    while (col + 1 < c->n && c->start[col + 1] <= c0)
        col++;
    return col;
}

/* A table continued at the top of a page: its columns mapped onto those of
 * the table the previous page ended with (pdftotext may shift them by a
 * column or two between pages).  map[i]: the column of the previous table;
 * false when they do not match. */
static bool continued_columns(const layout *lay, const columns *c, int *map) {
    if (!lay->prev_n_anchors) return false;
    int last = -1;
    for (int i = 0; i < c->n; i++) {
        int best = -1, best_d = 4;
        for (int k = 0; k < lay->prev_n_anchors; k++) {
            int d = c->start[i] - lay->prev_anchor[k];
            if (d < 0) d = -d;
            if (d < best_d) best = k, best_d = d;
        }
        if (best < 0 || best < last) return false;
        map[i] = last = best;
    }
    return true;
}

/* Lines before i on its page hold nothing: the table opens the page. */
static bool opens_page(const layout *lay, size_t i) {
    for (size_t k = i + 1; k-- > 0;) {
        if (!lay->lines[k].blank && k != i) return false;
        if (lay->lines[k].page_start || k == 0) return k != 0;
    }
    return false;
}

/* Does line s open a page right after a table that ended the page before? */
static bool continues_table(const layout *lay, size_t s) {
    if (!lay->prev_n_anchors || !opens_page(lay, s) || lay->prev_end >= s) return false;
    for (size_t k = lay->prev_end + 1; k < s; k++)
        if (!lay->lines[k].blank) return false;
    return true;
}

static bool page_between(const layout *lay, size_t a, size_t b) {
    for (size_t k = a; k <= b && k < lay->n; k++)
        if (lay->lines[k].page_start) return true;
    return false;
}

/* Writes the rows of the table on lines [s, e] (groups of lines separated
 * by blank lines), without the groups at either end that fill one column
 * only (a caption, a line of prose after the table). */
static void put_table(layout *lay, size_t s, size_t e, const columns *c) {
    int map[LAYOUT_MAX_COLUMNS], n_out = c->n;
    bool cont = opens_page(lay, s) && page_between(lay, lay->prev_end, s) && continued_columns(lay, c, map);
    if (cont) {
        n_out = lay->prev_n_anchors;
    } else {
        for (int i = 0; i < c->n; i++)
            map[i] = i;
    }
    typedef struct group {
        size_t first, last;
        row r;
    } group;
    size_t cap = e - s + 1, n = 0;
    group *g = cd_arena_alloc(lay->arena, sizeof *g * cap);
    for (size_t i = s; i <= e; i++) {
        if (lay->lines[i].blank) continue;
        size_t j = i;
        while (j + 1 <= e && !lay->lines[j + 1].blank)
            j++;
        group *cur = &g[n++];
        cur->first = i;
        cur->last = j;
        row_init(lay, &cur->r, n_out);
        for (size_t k = i; k <= j; k++) {
            const line *l = &lay->lines[k];
            for (int w = 0; w < l->nw; w++)
                cell_add(&cur->r, map[column_of(c, l->w[w].c0)], l->s + l->w[w].b0, l->w[w].b1 - l->w[w].b0);
        }
        i = j;
    }
    size_t a = 0, b = n;
    while (a < b && filled_cells(&g[a].r) < 2)
        a++;
    while (b > a && filled_cells(&g[b - 1].r) < 2)
        b--;
    if (b - a < 2 && !cont) return;
    for (size_t k = a; k < b; k++)
        put_row(lay, &g[k].r, g[k].first, g[k].last);
    /* blank lines between the rows belong to the table */
    for (size_t i = g[a].first; i <= g[b - 1].last; i++)
        lay->lines[i].done = true;
    if (!cont) {
        lay->prev_n_anchors = c->n;
        memcpy(lay->prev_anchor, c->start, sizeof *c->start * (size_t)c->n);
    }
    lay->prev_end = g[b - 1].last;
    lay->tables++;
}

static size_t count_wide(const layout *lay, size_t s, size_t e) {
    size_t k = 0;
    for (size_t i = s; i <= e; i++)
        k += lay->lines[i].wide;
    return k;
}

/* Lines [s, e]: find their columns; lines that cross them are prose and
 * cut the run into parts, each looked at again (depth: how many times). */
static void aligned_run(layout *lay, size_t s, size_t e, int depth) {
    columns c;
    if (count_wide(lay, s, e) >= 2) find_columns(lay, s, e, &c);
    if (count_wide(lay, s, e) < 2 || c.n < LAYOUT_MIN_COLUMNS) {
        /* too little to find columns: the end of a table cut by the page
         * break takes the columns of the page before */
        if (!continues_table(lay, s)) return;
        c.n = lay->prev_n_anchors;
        memcpy(c.start, lay->prev_anchor, sizeof *c.start * (size_t)c.n);
    }
    bool cut = false;
    for (size_t i = s; i <= e && !cut; i++)
        cut = crosses_any(&lay->lines[i], &c);
    if (cut) {
        if (depth == 0) return;
        size_t part = s;
        for (size_t i = s; i <= e; i++) {
            if (!crosses_any(&lay->lines[i], &c)) continue;
            if (i > part) aligned_run(lay, part, i - 1, depth - 1);
            part = i + 1;
        }
        if (part <= e) aligned_run(lay, part, e, depth - 1);
        return;
    }
    /* the lines just above and below that belong to the first and last
     * row: not blank, not crossing a column */
    while (s > 0 && usable(lay, s - 1) && !lay->lines[s - 1].blank && !lay->lines[s].page_start &&
           !crosses_any(&lay->lines[s - 1], &c))
        s--;
    while (e + 1 < lay->n && usable(lay, e + 1) && !lay->lines[e + 1].blank && !lay->lines[e + 1].page_start &&
           !crosses_any(&lay->lines[e + 1], &c))
        e++;
    put_table(lay, s, e, &c);
}

static void aligned_tables(layout *lay) {
    for (size_t i = 0; i < lay->n; i++) {
        if (!lay->lines[i].wide || !usable(lay, i)) continue;
        /* a run: lines with a wide gap, at most LAYOUT_MAX_QUIET_LINES lines
         * without one between them, on one page */
        size_t e = i;
        for (size_t j = i + 1; j < lay->n && j - e <= LAYOUT_MAX_QUIET_LINES; j++) {
            if (!usable(lay, j) || lay->lines[j].page_start) break;
            if (lay->lines[j].wide) e = j;
        }
        aligned_run(lay, i, e, 2);
        i = e;
    }
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
