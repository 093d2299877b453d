/* structure.c — lines to blocks: items, headings, field bullets, paragraphs
 * and table rows. */
#include "structure.h"

#include "memo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "agency.h"
#include "deadline.h"
#include "limits.h"

/* A one-cell-per-line table needs at least this many header cells in a row:
 * fewer would take ordinary short lines ("TT", "Nội dung") for a table. */
#define CD_MIN_STACKED_COLUMNS 3
/* Table width cap: a header with more columns is not a task table. */
#define CD_MAX_TABLE_COLUMNS 64

typedef struct builder {
    cd_document *doc;
    const cd_rules *rules;
    const cd_rule_group *headings, *fieldkinds;
    const cd_rule *field_rule, *dangling;
    size_t cap;
    cd_table *table;           /* current tab/pipe table */
    const char **header_cells; /* its header row as printed */
    size_t table_rows;         /* rows read since its header */
    bool page_break;           /* a repeated table header was just dropped */
    bool blank_before;         /* a blank line (or skipped line) precedes the current one */
    bool skipped_before;       /* a footnote body or rule sits between */
    cd_block *para_blk;        /* the block whose text para holds (append_text) */
    cd_buf para;
    bool para_lower;           /* para has a lowercase letter (cd_text_all_caps, */
    int para_upper;            /* kept as the text grows): and its capitals */
    int hang_col;              /* where the text of the bulleted line that began the last block starts, or 0 */
    /* hard-wrapped text (pdftotext, pandoc -t plain; measure_wrap) */
    int wrap_full;          /* a line broken by the width reaches this far with the next line's first word; 0: not wrapped */
    const cd_line *last_ln; /* the last line taken into block last_ln_block */
    size_t last_ln_block;
    bool block_filled; /* a line of that block before last_ln was broken by the width */
} builder;

/* A paragraph stops taking continuation lines at this length: no real
 * paragraph comes near it, and it bounds the per-line scans of continues()
 * on a file of a million short lines with no full stop. */
#define CD_PARA_MAX_BYTES (16u * 1024)

/* ---------- small text helpers ---------- */

static UChar32 first_letter(const char *s, size_t len, bool *is_letter) {
    size_t i = 0;
    *is_letter = false; /* also when an opening bracket or quote comes first */
    while (i < len) {
        UChar32 c;
        U8_NEXT(s, i, (int32_t)len, c);
        if (c < 0) break;
        if (u_isalpha(c) || u_isdigit(c)) {
            *is_letter = u_isalpha(c);
            return c;
        }
        if (c == '(' || c == '"' || c == 0x201C || c == '\'') return c;
    }
    *is_letter = false;
    return 0;
}

bool cd_text_all_caps(const char *s, size_t len) {
    int letters = 0;
    for (size_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT(s, i, (int32_t)len, c);
        if (c < 0) continue;
        if (u_islower(c)) return false;
        if (u_isupper(c)) letters++;
    }
    return letters >= 2;
}

static bool ends_terminal(const char *s, size_t len) {
    while (len && (s[len - 1] == ' ' || s[len - 1] == '"' || s[len - 1] == '*'))
        len--;
    if (!len) return true;
    char c = s[len - 1];
    if (c == '.' || c == ';' || c == ':' || c == '!' || c == '?') return true;
    /* closing quote or "…" */
    if (len >= 3 && (!memcmp(s + len - 3, "\xE2\x80\x9D", 3) || !memcmp(s + len - 3, "\xE2\x80\xA6", 3))) return true;
    return false;
}

static char *join_text(cd_arena *a, const char *x, const char *y) {
    size_t lx = strlen(x), ly = strlen(y);
    if (!lx) return cd_arena_strdup(a, y);
    if (!ly) return cd_arena_strdup(a, x);
    /* a word split at a hyphen inside a token ("02-" | "CTr/BCĐTW") joins without a space */
    bool glue = x[lx - 1] == '-' && lx >= 2 && x[lx - 2] != ' ';
    return cd_arena_cat(a, x, glue ? "" : " ", y);
}

static cd_field_kind field_of_label_uncached(const cd_rules *rules, const char *label, size_t len, bool *indicators);

/* Labels repeat ("Chủ trì", "Thời gian thực hiện"): answers are cached per
 * thread (memo.h) as two bytes, the kind and the indicators flag. */
cd_field_kind cd_field_of_label(const cd_rules *rules, const char *label, size_t len, bool *indicators) {
    /* trim spaces and a trailing colon */
    while (len && (label[len - 1] == ' ' || label[len - 1] == ':'))
        len--;
    while (len && *label == ' ')
        label++, len--;
    uint64_t id = cd_rules_id(rules);
    size_t n;
    const unsigned char *hit = cd_memo_get(CD_MEMO_FIELD_LABEL, id, label, len, &n);
    if (hit && n == 2) {
        if (indicators) *indicators = hit[1];
        return (cd_field_kind)hit[0];
    }
    bool ind = false;
    cd_field_kind k = field_of_label_uncached(rules, label, len, &ind);
    unsigned char blob[2] = {(unsigned char)k, ind};
    cd_memo_put(CD_MEMO_FIELD_LABEL, id, label, len, blob, 2);
    if (indicators) *indicators = ind;
    return k;
}

static cd_field_kind field_of_label_uncached(const cd_rules *rules, const char *label, size_t len, bool *indicators) {
    const cd_rule_group *g = cd_rules_group(rules, "fieldkinds");
    cd_match m;
    if (indicators) *indicators = false;
    if (!len || !cd_group_first(g, label, len, &m)) return CD_FIELD_NONE;
    cd_arena tmp;
    cd_arena_init(&tmp);
    const char *f = cd_match_emit(&m, "field", &tmp);
    const char *ind = cd_match_emit(&m, "indicators", &tmp);
    if (indicators) *indicators = ind && !strcmp(ind, "yes");
    static const struct {
        const char *name;
        cd_field_kind kind;
    } names[] = {{"number", CD_FIELD_NUMBER},
                 {"text", CD_FIELD_TEXT},
                 {"lead", CD_FIELD_LEAD},
                 {"support", CD_FIELD_SUPPORT},
                 {"deadline", CD_FIELD_DEADLINE},
                 {"output", CD_FIELD_OUTPUT},
                 {"assigned_by", CD_FIELD_ASSIGNED_BY},
                 {"note", CD_FIELD_NOTE},
                 {"direction", CD_FIELD_DIRECTION},
                 {"unit", CD_FIELD_UNIT},
                 {"target", CD_FIELD_TARGET}};
    cd_field_kind k = CD_FIELD_NONE;
    for (size_t i = 0; f && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(f, names[i].name)) k = names[i].kind;
    cd_arena_free(&tmp);
    return k;
}

static cd_block *new_block(builder *b, cd_block_kind kind, int line) {
    cd_document *doc = b->doc;
    if (doc->n_blocks == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        doc->blocks = cd_arena_grow(&doc->arena, doc->blocks, sizeof *doc->blocks, doc->n_blocks, cap);
        b->cap = cap;
    }
    cd_block *blk = &doc->blocks[doc->n_blocks++];
    memset(blk, 0, sizeof *blk);
    blk->kind = kind;
    blk->first = blk->last = line;
    blk->label = "";
    blk->text = "";
    return blk;
}

static cd_block *last_block(builder *b) { return b->doc->n_blocks ? &b->doc->blocks[b->doc->n_blocks - 1] : NULL; }

/* ---------- labels ---------- */

static cd_label_kind label_kind_of(const char *k) {
    if (!k) return CD_LABEL_NONE;
    if (!strcmp(k, "roman")) return CD_LABEL_ROMAN;
    if (!strcmp(k, "arabic")) return CD_LABEL_ARABIC;
    if (!strcmp(k, "dotted")) return CD_LABEL_DOTTED;
    if (!strcmp(k, "letter")) return CD_LABEL_LETTER;
    if (!strcmp(k, "upper")) return CD_LABEL_UPPER;
    if (!strcmp(k, "quarter")) return CD_LABEL_QUARTER;
    if (!strcmp(k, "part")) return CD_LABEL_PART;
    if (!strcmp(k, "article")) return CD_LABEL_ARTICLE;
    return CD_LABEL_NONE;
}

/* Parse a label cell or line start; true when text is a label.  *is_bullet
 * for "- text". */
static bool parse_label(builder *b, const char *s, size_t len, cd_label_kind *kind, const char **label,
                        const char **text, bool *is_bullet) {
    cd_match m;
    const cd_rule *r = cd_group_first(b->headings, s, len, &m);
    if (!r) return false;
    cd_arena *a = &b->doc->arena;
    const char *k = cd_match_emit(&m, "kind", a);
    *is_bullet = k && !strcmp(k, "bullet");
    *kind = label_kind_of(k);
    *label = cd_match_emit(&m, "label", a);
    *text = cd_match_emit(&m, "text", a);
    if (!*label) *label = "";
    if (!*text) *text = "";
    return true;
}

static int label_depth(const char *label) {
    int d = 1;
    for (const char *p = label; *p; p++)
        d += *p == '.';
    return d;
}

/* ---------- hard-wrapped text ----------
 * pdftotext and pandoc -t plain break every paragraph at the page or column
 * width: a line ends a sentence or a list clause and the paragraph goes on
 * ("…dùng chung." / "Phát triển …"), and a paragraph's last line stops
 * short.  Where a document is wrapped so, the width a line reached tells a
 * break forced by the width from the end of a paragraph. */

/* Widths are counted in characters: indentation plus code points. */
static int text_width(const char *s, size_t len) {
    int w = 0;
    for (size_t i = 0; i < len; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static bool prose_line(const cd_line *ln) {
    return ln->len && !(ln->flags & (CD_LINE_BLANK | CD_LINE_TABS | CD_LINE_PIPE | CD_LINE_FOOTNOTE | CD_LINE_RULE));
}

/* How far line a would have reached with the first word of the line after
 * it: beyond the width when the break was forced. */
static int reach(const cd_line *a, const cd_line *next) {
    size_t w = strcspn(next->text, " ");
    return a->indent + text_width(a->text, a->len) + 1 + text_width(next->text, w);
}

#define CD_WRAP_MAX 255     /* reaches counted up to this; beyond is no page width */
#define CD_WRAP_MIN_LINES 8 /* sure breaks needed to call a text wrapped */
#define CD_WRAP_MIN_WIDTH 30

/* Is the document hard-wrapped, and how far does a line broken by the width
 * reach?  Sure breaks are lines followed at the same indentation by a line
 * starting in lowercase (a sentence going on).  Wrapped text breaks them all
 * near one width (the lowest tenth at least 4/5 of the highest tenth); a text
 * with a paragraph a line (Markdown, a web page's text) breaks the few it has
 * anywhere.  Sets b->wrap_full to the lowest tenth's reach, or 0. */
static void measure_wrap(builder *b) {
    size_t hist[CD_WRAP_MAX + 1] = {0}, n = 0;
    const cd_document *doc = b->doc;
    for (size_t i = 0; i + 1 < doc->n_lines; i++) {
        const cd_line *a = &doc->lines[i], *next = &doc->lines[i + 1];
        if (!prose_line(a) || !prose_line(next) || a->indent != next->indent) continue;
        bool letter;
        UChar32 c = first_letter(next->text, next->len, &letter);
        if (!letter || !u_islower(c)) continue;
        int r = reach(a, next);
        hist[r < CD_WRAP_MAX ? r : CD_WRAP_MAX]++;
        n++;
    }
    b->wrap_full = 0;
    if (n < CD_WRAP_MIN_LINES) return;
    int low = -1, high = -1;
    size_t seen = 0;
    for (int r = 0; r <= CD_WRAP_MAX; r++) {
        seen += hist[r];
        if (low < 0 && seen * 10 >= n) low = r;
        if (high < 0 && seen * 10 >= n * 9) high = r;
    }
    if (low >= CD_WRAP_MIN_WIDTH && high < CD_WRAP_MAX && low * 5 >= high * 4) b->wrap_full = low;
}

/* The last line of the last block, when a text line made or joined it. */
static const cd_line *block_last_line(const builder *b) {
    return b->last_ln && b->doc->n_blocks && b->last_ln_block == b->doc->n_blocks - 1 ? b->last_ln : NULL;
}

/* Was the last block's last line broken by the width before ln (at its
 * indentation, nothing between)? */
static bool width_break(const builder *b, const cd_line *ln) {
    const cd_line *last = block_last_line(b);
    return b->wrap_full && last && !b->blank_before && !b->skipped_before && ln->indent == last->indent &&
           reach(last, ln) >= b->wrap_full;
}

/* Did a wrapped paragraph (a line of it broken by the width) end with its
 * last line well short of the width? */
static bool stopped_short(const builder *b, const cd_line *ln) {
    const cd_line *last = block_last_line(b);
    return b->wrap_full && last && b->block_filled && reach(last, ln) * 4 < b->wrap_full * 3;
}

/* ln was taken into the last block: a new one (fresh) or the one it joined. */
static void took_line(builder *b, const cd_line *ln, bool fresh) {
    const cd_line *last = block_last_line(b);
    b->block_filled = !fresh && (b->block_filled || (b->wrap_full && last && reach(last, ln) >= b->wrap_full));
    b->last_ln = ln;
    b->last_ln_block = b->doc->n_blocks - 1;
}

/* ---------- footnotes at the foot of a page ----------
 * pdftotext prints a page's footnotes after its last line: the number alone
 * on a line and the note indented under it ("1" / "    Công văn số …"), or,
 * under a table, the note as a row of its own ("2 Công văn 3090/…").  The
 * text cites the note with the number glued to a word ("Hệ thống2.",
 * "Nghị quyết1 trên"). */

#define CD_FOOTNOTE_MAX_DIGITS 3
/* The citation is on the note's page: looked for this many lines back. */
#define CD_FOOTNOTE_WINDOW 200

/* Is footnote n cited in the lines before line i: digits equal to n right
 * after a letter and before no digit or letter? */
static bool cites_footnote(const builder *b, size_t i, int n) {
    char num[16];
    int k = snprintf(num, sizeof num, "%d", n);
    for (size_t j = i > CD_FOOTNOTE_WINDOW ? i - CD_FOOTNOTE_WINDOW : 0; j < i; j++) {
        const cd_line *ln = &b->doc->lines[j];
        const char *s = ln->text, *end = s + ln->len;
        if (ln->len > INT32_MAX) continue;
        for (const char *p = s; (p = memchr(p, num[0], (size_t)(end - p))); p++) {
            if (p == s || end - p < k || memcmp(p, num, (size_t)k)) continue;
            int32_t at = (int32_t)(p - s);
            UChar32 before, after = 0;
            U8_PREV(s, 0, at, before);
            if (before < 0 || !u_isalpha(before)) continue;
            int32_t q = (int32_t)(p - s) + k;
            if (q < (int32_t)ln->len) U8_NEXT(s, q, (int32_t)ln->len, after);
            if (after > 0 && (u_isalpha(after) || u_isdigit(after))) continue;
            return true;
        }
    }
    return false;
}

/* The footnote number s starts with (followed by end or a space), or 0. */
static int footnote_number(const char *s, size_t len, size_t *used) {
    size_t d = 0;
    while (d < len && s[d] >= '0' && s[d] <= '9')
        d++;
    if (!d || d > CD_FOOTNOTE_MAX_DIGITS || s[0] == '0' || (d < len && s[d] != ' ')) return 0;
    *used = d;
    return atoi(s);
}

/* Line i a footnote's number alone, its note indented under it: returns the
 * line after the note, or i. */
static size_t page_footnote(const builder *b, size_t i) {
    const cd_document *doc = b->doc;
    const cd_line *ln = &doc->lines[i];
    size_t used;
    int n = footnote_number(ln->text, ln->len, &used);
    if (!b->wrap_full || !n || used != ln->len || i + 1 >= doc->n_lines) return i;
    int indent = doc->lines[i + 1].indent;
    if (!prose_line(&doc->lines[i + 1]) || indent <= ln->indent || !cites_footnote(b, i, n)) return i;
    size_t j = i + 1;
    while (j < doc->n_lines && prose_line(&doc->lines[j]) && doc->lines[j].indent >= indent)
        j++;
    return j;
}

/* A table line that is a footnote: the number and its note in the first
 * cell, every other cell empty. */
static bool footnote_row(const builder *b, const cd_line *ln, const char **cells, size_t n) {
    size_t used;
    int num = footnote_number(cells[0], strlen(cells[0]), &used);
    if (!b->wrap_full || !num || !cells[0][used]) return false;
    for (size_t i = 1; i < n; i++)
        if (cells[i][0]) return false;
    return cites_footnote(b, (size_t)(ln - b->doc->lines), num);
}

/* ---------- cells ---------- */

static const char **split_cells(cd_arena *a, const char *s, char sep, size_t *n_out) {
    const char **cells = NULL;
    size_t n = 0, cap = 0;
    const char *p = s, *end = s + strlen(s);
    if (sep == '|') {
        while (p < end && (*p == ' ' || *p == '|')) {
            if (*p == '|') {
                p++;
                break;
            }
            p++;
        }
        while (end > p && (end[-1] == ' '))
            end--;
        if (end > p && end[-1] == '|') end--;
    }
    for (;;) {
        const char *q = memchr(p, sep, (size_t)(end - p));
        const char *ce = q ? q : end;
        const char *cs = p;
        while (cs < ce && *cs == ' ')
            cs++;
        const char *ct = ce;
        while (ct > cs && ct[-1] == ' ')
            ct--;
        if (n == cap) { /* doubling: a 10,000-column line must not cost n^2 */
            cap = cap ? cap * 2 : 16;
            cells = cd_arena_grow(a, cells, sizeof *cells, n, cap);
        }
        cells[n++] = cd_arena_strndup(a, cs, (size_t)(ct - cs));
        if (!q) break;
        p = q + 1;
    }
    *n_out = n;
    return cells;
}

/* Classify header cells; returns the number of cells that name a column. */
static size_t classify_header(builder *b, const char **cells, size_t n, cd_field_kind *cols, bool *indicators) {
    size_t named = 0;
    *indicators = false;
    for (size_t i = 0; i < n; i++) {
        bool ind = false;
        cols[i] = cd_field_of_label(b->rules, cells[i], strlen(cells[i]), &ind);
        if (cols[i] != CD_FIELD_NONE) named++;
        if (ind || cols[i] == CD_FIELD_UNIT) *indicators = true;
    }
    return named;
}

static bool has_col(const cd_field_kind *cols, size_t n, cd_field_kind k) {
    for (size_t i = 0; i < n; i++)
        if (cols[i] == k) return true;
    return false;
}

static void finish_columns(cd_table *t) {
    if (!t->indicators) return;
    /* In a target table "Kết quả" is the target, not a product. */
    for (size_t i = 0; i < t->n_cols; i++)
        if (t->cols[i] == CD_FIELD_OUTPUT) t->cols[i] = CD_FIELD_TARGET;
}

static cd_table *new_table(cd_arena *a, const cd_field_kind *cols, size_t n, bool indicators, int line) {
    cd_table *t = cd_arena_alloc(a, sizeof *t);
    t->n_cols = n;
    t->cols = cd_arena_alloc(a, sizeof *t->cols * n);
    memcpy(t->cols, cols, sizeof *cols * n);
    t->indicators = indicators;
    t->first = line;
    finish_columns(t);
    return t;
}

static bool same_header(const cd_table *t, const cd_field_kind *cols, size_t n) {
    if (!t || t->n_cols != n) return false;
    return !memcmp(t->cols, cols, n * sizeof *cols);
}

/* The block that a table row continues: the last row of the same table. */
static cd_block *last_row(builder *b) {
    cd_block *blk = last_block(b);
    return blk && blk->kind == CD_BLOCK_ROW && blk->table == b->table ? blk : NULL;
}

static void append_cell(cd_arena *a, cd_block *row, size_t col, const char *text, int line) {
    if (!*text) return;
    row->cells[col] = row->cells[col] ? join_text(a, row->cells[col], text) : cd_arena_strdup(a, text);
    row->cell_last[col] = line;
    if (line > row->last) row->last = line;
}

static bool ends_dangling(builder *b, const char *s) {
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    size_t w = n;
    while (w && s[w - 1] != ' ')
        w--;
    return n > w && cd_list_lookup(b->dangling, s + w, n - w) != NULL;
}

static void add_table_row(builder *b, const char **cells, size_t n, int line) {
    cd_table *t = b->table;
    cd_arena *a = &b->doc->arena;
    /* the number column, if any */
    size_t num_col = SIZE_MAX;
    for (size_t i = 0; i < t->n_cols; i++)
        if (t->cols[i] == CD_FIELD_NUMBER) {
            num_col = i;
            break;
        }
    const char *num = num_col < n ? cells[num_col] : "";
    bool any = false;
    for (size_t i = 0; i < n; i++)
        any |= cells[i][0] != 0;
    if (!any) return;
    cd_block *prev = last_row(b);
    if (!*num && prev) {
        /* a row continued on the next line or page: join cell by cell */
        for (size_t i = 0; i < n && i < t->n_cols; i++)
            append_cell(a, prev, i, cells[i], line);
        b->page_break = false;
        return;
    }
    cd_block *row = new_block(b, CD_BLOCK_ROW, line);
    row->table = t;
    row->cells = cd_arena_alloc(a, sizeof *row->cells * t->n_cols);
    row->cell_last = cd_arena_alloc(a, sizeof *row->cell_last * t->n_cols);
    for (size_t i = 0; i < n; i++) {
        size_t col = i < t->n_cols ? i : t->n_cols - 1; /* extra cells fold into the last column */
        append_cell(a, row, col, cells[i], line);
    }
    /* label */
    const char *label = num;
    size_t ll = strlen(label);
    while (ll && (label[ll - 1] == '.' || label[ll - 1] == ')'))
        ll--;
    row->label = cd_arena_strndup(a, label, ll);
    cd_label_kind lk;
    const char *lab, *txt;
    bool bullet;
    char *probe = cd_arena_printf(a, "%s. x", row->label);
    row->label_kind = parse_label(b, probe, strlen(probe), &lk, &lab, &txt, &bullet) && !bullet ? lk : CD_LABEL_NONE;
    row->depth = label_depth(row->label);
    /* A heading row: a section label and only its title filled. */
    size_t filled = 0;
    const char *title = NULL;
    for (size_t i = 0; i < t->n_cols; i++)
        if (i != num_col && row->cells[i]) {
            filled++;
            if (!title) title = row->cells[i];
        }
    if ((row->label_kind == CD_LABEL_ROMAN || row->label_kind == CD_LABEL_UPPER) && filled <= 1) {
        row->kind = CD_BLOCK_HEADING;
        row->text = title ? title : "";
    }
    /* A cell cut at a page break and finished in this row's cell belongs to both rows. */
    if (b->page_break && prev && row->kind == CD_BLOCK_ROW) {
        for (size_t i = 0; i < t->n_cols; i++) {
            if (i == num_col || !prev->cells[i] || !row->cells[i]) continue;
            if (t->cols[i] != CD_FIELD_NOTE && t->cols[i] != CD_FIELD_OUTPUT && t->cols[i] != CD_FIELD_ASSIGNED_BY)
                continue;
            if (!ends_dangling(b, prev->cells[i])) continue;
            char *whole = join_text(a, prev->cells[i], row->cells[i]);
            prev->cells[i] = whole;
            row->cells[i] = whole;
            prev->cell_last[i] = line;
            prev->last = line;
        }
    }
    b->page_break = false;
}

/* A line of a tab or pipe table.  Returns false when the line is not part of
 * a table (ordinary text with a stray tab or pipe). */
static bool table_line(builder *b, const cd_line *ln) {
    char sep = (ln->flags & CD_LINE_TABS) ? '\t' : '|';
    cd_arena *a = &b->doc->arena;
    size_t n;
    const char **cells = split_cells(a, ln->text, sep, &n);
    if (n < 2 || n > CD_MAX_TABLE_COLUMNS) return false;
    /* a markdown separator row ("|---|:---:|") carries nothing */
    bool separator = true;
    for (size_t i = 0; i < n && separator; i++)
        separator = cells[i][0] && strspn(cells[i], "-: ") == strlen(cells[i]);
    if (separator) return b->table != NULL || n >= 2;
    cd_field_kind cols[CD_MAX_TABLE_COLUMNS];
    bool indicators;
    size_t named = classify_header(b, cells, n, cols, &indicators);

    bool header =
        named >= 2 && named * 2 >= n && (has_col(cols, n, CD_FIELD_TEXT) || has_col(cols, n, CD_FIELD_NUMBER)) &&
        (has_col(cols, n, CD_FIELD_LEAD) || has_col(cols, n, CD_FIELD_DEADLINE) || has_col(cols, n, CD_FIELD_UNIT) ||
         has_col(cols, n, CD_FIELD_TARGET) || has_col(cols, n, CD_FIELD_OUTPUT));
    if (header) {
        if (same_header(b->table, cols, n)) {
            b->page_break = true; /* the header repeated on a new page */
            return true;
        }
        b->table = new_table(a, cols, n, indicators, ln->src);
        b->table_rows = 0;
        b->header_cells = cells;
        b->page_break = false;
        return true;
    }
    if (!b->table) return false;
    if (!b->table_rows && n == b->table->n_cols && b->header_cells) {
        /* a header row printed over two lines ("Cơ quan" / "phối hợp"): the
         * second line names columns once joined to the first */
        const char **joined = cd_arena_alloc(a, sizeof *joined * n);
        for (size_t i = 0; i < n; i++)
            joined[i] = join_text(a, b->header_cells[i], cells[i]);
        cd_field_kind cols2[CD_MAX_TABLE_COLUMNS];
        bool ind2;
        size_t named_before = 0, named_after = classify_header(b, joined, n, cols2, &ind2);
        for (size_t i = 0; i < n; i++)
            named_before += b->table->cols[i] != CD_FIELD_NONE;
        if (named_after > named_before) {
            memcpy(b->table->cols, cols2, sizeof *cols2 * n);
            b->table->indicators |= ind2;
            finish_columns(b->table);
            b->header_cells = joined;
            return true;
        }
    }
    if (footnote_row(b, ln, cells, n)) return true;
    b->table_rows++;
    add_table_row(b, cells, n, ln->src);
    return true;
}

/* ---------- one cell per line ---------- */

typedef struct rownum {
    cd_label_kind kind;
    int major, minor; /* arabic n / dotted a.b / roman value */
} rownum;

/* A cell that is only a row number: "12", "12.", "10.1", "VII", "II." */
static bool parse_rownum(const char *s, rownum *r) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == '.' || s[n - 1] == ' '))
        n--;
    if (!n || n > 8) return false;
    if (s[0] >= '0' && s[0] <= '9') {
        char *end;
        long a = strtol(s, &end, 10);
        if ((size_t)(end - s) == n) {
            *r = (rownum){CD_LABEL_ARABIC, (int)a, 0};
            return a > 0 && a < 1000;
        }
        if (*end == '.' && end[1] >= '0' && end[1] <= '9') {
            char *end2;
            long b = strtol(end + 1, &end2, 10);
            if ((size_t)(end2 - s) == n) {
                *r = (rownum){CD_LABEL_DOTTED, (int)a, (int)b};
                return true;
            }
        }
        return false;
    }
    int v = cd_roman_value(s, n);
    if (v > 0 && v < 40) {
        *r = (rownum){CD_LABEL_ROMAN, v, 0};
        return true;
    }
    return false;
}

typedef struct seq_state {
    bool started;
    rownum last;    /* the previous row's number */
    int last_major; /* the last top-level arabic number */
    int last_roman;
    bool after_group; /* the previous row was a roman group row */
} seq_state;

/* Is r a plausible next row number?  Bare numbers also appear as cell values
 * ("10", "1"), so rows are found by the expected sequence, not by looks. */
static bool is_successor(const seq_state *st, const rownum *r) {
    if (!st->started)
        return (r->kind == CD_LABEL_ARABIC && r->major == 1) || (r->kind == CD_LABEL_ROMAN && r->major == 1);
    if (r->kind == CD_LABEL_ROMAN) return r->major == st->last_roman + 1;
    if (r->kind == CD_LABEL_ARABIC) {
        if (r->major == st->last_major + 1) return true;
        return st->after_group && r->major == 1;
    }
    if (r->kind == CD_LABEL_DOTTED) {
        if (st->last.kind == CD_LABEL_ARABIC) return r->major == st->last.major && r->minor == 1;
        if (st->last.kind == CD_LABEL_DOTTED) return r->major == st->last.major && r->minor == st->last.minor + 1;
    }
    return false;
}

static void advance(seq_state *st, const rownum *r) {
    st->started = true;
    st->last = *r;
    st->after_group = r->kind == CD_LABEL_ROMAN;
    if (r->kind == CD_LABEL_ROMAN) st->last_roman = r->major;
    if (r->kind == CD_LABEL_ARABIC) st->last_major = r->major;
    if (r->kind == CD_LABEL_DOTTED) st->last_major = r->major;
}

/* What a cell looks like, computed once per cell (the deadline and agency
 * tests run rules; the placement below asks for every column). */
typedef struct cell_look {
    bool deadline, agency, digit, compare;
    int words;
} cell_look;

static cell_look look_at(builder *b, const char *cell) {
    cell_look l = {0};
    size_t n = strlen(cell);
    l.deadline = cd_deadline_looks_like(b->rules, cell, n);
    l.agency = !l.deadline && cd_agency_looks_like(b->rules, cell, n);
    l.words = 1;
    for (const char *p = cell; *p; p++) {
        l.words += *p == ' ';
        l.digit |= *p >= '0' && *p <= '9';
    }
    l.compare = strstr(cell, "≥") || strstr(cell, "≤") || strchr(cell, '<') || strchr(cell, '>') || strchr(cell, '%');
    return l;
}

/* How well a cell fits a column: used to place the cells of a row whose empty
 * cells were simply left out. */
static double cell_fit(const cell_look *l, cd_field_kind col) {
    switch (col) {
    case CD_FIELD_TEXT:
        return 1;
    case CD_FIELD_LEAD:
    case CD_FIELD_SUPPORT:
        return l->agency ? 3 : l->deadline ? -10 : -2;
    case CD_FIELD_DEADLINE:
        return l->deadline ? 4 : -10;
    case CD_FIELD_UNIT:
        if (l->deadline || l->agency) return -5;
        return l->words <= 6 && !(l->digit && l->compare) ? 2 : -3;
    case CD_FIELD_TARGET:
        if (l->agency) return -5;
        return l->digit || l->compare ? 3 : l->words > 6 ? 1 : -1;
    case CD_FIELD_OUTPUT:
    case CD_FIELD_NOTE:
    case CD_FIELD_ASSIGNED_BY:
        return l->agency || l->deadline ? -1 : 0.5;
    default:
        return -1;
    }
}

/* Place k cells into the table's columns (in order, skipping columns) so that
 * the total fit is best: a small dynamic programme.  The first cell always
 * goes to the first text column. */
static void place_cells(builder *b, cd_block *row, const char **cells, const int *lines, size_t k) {
    cd_table *t = b->table;
    cd_arena *a = &b->doc->arena;
    size_t m = t->n_cols;
    /* best[i][j]: best score placing cells[i..] into columns[j..] */
    double *best = cd_arena_alloc(a, sizeof(double) * (k + 1) * (m + 1));
    unsigned char *take = cd_arena_alloc(a, (k + 1) * (m + 1));
#define BEST(i, j) best[(i) * (m + 1) + (j)]
#define TAKE(i, j) take[(i) * (m + 1) + (j)]
    cell_look *looks = cd_arena_alloc(a, sizeof *looks * (k ? k : 1));
    for (size_t i = 0; i < k; i++)
        looks[i] = look_at(b, cells[i]);
    for (size_t j = 0; j <= m; j++)
        BEST(k, j) = 0;
    for (size_t i = 0; i < k; i++)
        BEST(i, m) = -1e9;
    for (size_t i = k; i-- > 0;)
        for (size_t j = m; j-- > 0;) {
            double skip = BEST(i, j + 1);
            double use = -1e9;
            if (t->cols[j] != CD_FIELD_NUMBER && t->cols[j] != CD_FIELD_NONE) {
                double fit = cell_fit(&looks[i], t->cols[j]);
                if (i == 0 && t->cols[j] != CD_FIELD_TEXT) fit -= 100; /* the name comes first */
                use = fit - 0.001 * (double)j + BEST(i + 1, j + 1);
            }
            TAKE(i, j) = use >= skip;
            BEST(i, j) = use >= skip ? use : skip;
        }
    size_t i = 0, j = 0;
    while (i < k && j < m) {
        if (TAKE(i, j)) {
            append_cell(a, row, j, cells[i], lines[i]);
            i++;
        }
        j++;
    }
#undef BEST
#undef TAKE
}

static bool is_skippable(const cd_line *ln) {
    return (ln->flags & (CD_LINE_BLANK | CD_LINE_FOOTNOTE | CD_LINE_RULE)) || !ln->len;
}

/* Try to read a one-cell-per-line table starting at line index i.  Returns
 * the index after it, or i when there is none. */
static size_t stacked_table(builder *b, size_t i) {
    cd_document *doc = b->doc;
    cd_arena *a = &doc->arena;
    const cd_line *ln = &doc->lines[i];
    if (cd_field_of_label(b->rules, ln->text, ln->len, NULL) != CD_FIELD_NUMBER) return i;
    cd_field_kind cols[CD_MAX_TABLE_COLUMNS];
    bool indicators = false;
    size_t n = 0, j = i;
    while (j < doc->n_lines && n < CD_MAX_TABLE_COLUMNS) {
        const cd_line *h = &doc->lines[j];
        if (is_skippable(h)) {
            j++;
            continue;
        }
        bool ind = false;
        cd_field_kind k = cd_field_of_label(b->rules, h->text, h->len, &ind);
        if (k == CD_FIELD_NONE || (n && k == CD_FIELD_NUMBER)) break;
        if (ind || k == CD_FIELD_UNIT) indicators = true;
        cols[n++] = k;
        j++;
    }
    if (n < CD_MIN_STACKED_COLUMNS) return i;
    cd_table *t = new_table(a, cols, n, indicators, ln->src);
    b->table = t;

    seq_state st = {0};
    const char **cells = cd_arena_alloc(a, sizeof *cells * n);
    int *lines = cd_arena_alloc(a, sizeof *lines * n);
    size_t k = 0;
    cd_block *row = NULL;
    rownum rn = {0};
    const cd_rule *part = cd_rules_get(b->rules, "headings", "part");
    size_t end = j;
    for (; j <= doc->n_lines; j++) {
        const cd_line *c = j < doc->n_lines ? &doc->lines[j] : NULL;
        if (c && is_skippable(c)) continue;
        rownum r;
        bool starts = c && parse_rownum(c->text, &r) && is_successor(&st, &r);
        cd_match m;
        bool stop = !c || (c && cd_rule_search(part, c->text, c->len, 0, &m));
        if (!stop && !starts && row && k >= n - 1) stop = true; /* a full row and no new one: the table ended */
        if (!stop && !starts && !row) stop = true;
        if (starts || stop) {
            if (row) {
                if (row->kind == CD_BLOCK_HEADING || (rn.kind == CD_LABEL_ROMAN && k <= 1)) {
                    row->kind = CD_BLOCK_HEADING;
                    row->text = k ? cells[0] : "";
                    if (k) row->last = lines[0];
                } else {
                    place_cells(b, row, cells, lines, k);
                }
            }
            if (stop) break;
            row = new_block(b, CD_BLOCK_ROW, c->src);
            row->table = t;
            row->cells = cd_arena_alloc(a, sizeof *row->cells * n);
            row->cell_last = cd_arena_alloc(a, sizeof *row->cell_last * n);
            size_t ll = strlen(c->text);
            while (ll && (c->text[ll - 1] == '.' || c->text[ll - 1] == ' '))
                ll--;
            row->label = cd_arena_strndup(a, c->text, ll);
            row->label_kind = r.kind;
            row->depth = r.kind == CD_LABEL_DOTTED ? 2 : 1;
            for (size_t col = 0; col < n; col++)
                if (t->cols[col] == CD_FIELD_NUMBER) {
                    row->cells[col] = row->label;
                    row->cell_last[col] = c->src;
                }
            rn = r;
            advance(&st, &r);
            k = 0;
            end = j + 1;
            continue;
        }
        if (k < n) {
            cells[k] = c->text;
            lines[k] = c->src;
            k++;
        } else {
            /* more lines than columns: a wrapped cell; join it to the last one */
            cells[k - 1] = join_text(a, cells[k - 1], c->text);
            lines[k - 1] = c->src;
        }
        end = j + 1;
    }
    b->table = NULL;
    return end;
}

/* ---------- text lines ---------- */

/* Append a continuation line to blk's text in a growable buffer: joining
 * with join_text copies the whole text each time, quadratic in the number of
 * lines of one paragraph.  Same spacing rule as join_text. */
static void count_case(builder *b, const char *s, size_t len) {
    int32_t n = len > INT32_MAX ? INT32_MAX : (int32_t)len;
    for (int32_t i = 0; i < n && !b->para_lower;) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0) continue;
        if (u_islower(c)) b->para_lower = true;
        if (u_isupper(c)) b->para_upper++;
    }
}

static bool tracked(const builder *b, const cd_block *blk) {
    return blk == b->para_blk && blk->text == b->para.data;
}

static void append_text(builder *b, cd_block *blk, const char *y, size_t ly) {
    if (!tracked(b, blk)) {
        cd_buf_init(&b->para, &b->doc->arena);
        cd_buf_adds(&b->para, blk->text);
        b->para_blk = blk;
        b->para_lower = false;
        b->para_upper = 0;
        count_case(b, b->para.data, b->para.len);
    }
    count_case(b, y, ly);
    size_t lx = b->para.len;
    const char *x = b->para.data;
    if (lx && ly && !(x[lx - 1] == '-' && lx >= 2 && x[lx - 2] != ' ')) cd_buf_addc(&b->para, ' ');
    cd_buf_add(&b->para, y, ly);
    blk->text = b->para.data;
}

static size_t block_text_len(const builder *b, const cd_block *blk) {
    return tracked(b, blk) ? b->para.len : strlen(blk->text);
}

static bool block_all_caps(const builder *b, const cd_block *blk, size_t len) {
    return tracked(b, blk) ? !b->para_lower && b->para_upper >= 2 : cd_text_all_caps(blk->text, len);
}

/* Should this line continue the previous block's text? */
static bool continues(builder *b, const cd_line *ln) {
    cd_block *prev = last_block(b);
    if (!prev || prev->kind == CD_BLOCK_ROW || (prev->kind == CD_BLOCK_HEADING && prev->table)) return false;
    const char *pt = prev->text;
    size_t pl = block_text_len(b, prev);
    if (!pl || pl > CD_PARA_MAX_BYTES) return false;
    bool letter;
    UChar32 c = first_letter(ln->text, ln->len, &letter);
    /* a bulleted field or item wrapped under its own text after a ';' or
     * ':' ("-   Chỉ đạo: Đ/c …, Bí thư …;" / "    Đ/c Phó Chủ tịch …", as
     * pandoc and Markdown wrap list items): a line indented exactly to the
     * bullet's text is not a new paragraph */
    if (b->hang_col > 0 && ln->indent == b->hang_col && !b->blank_before && !b->skipped_before &&
        (prev->kind == CD_BLOCK_FIELD || prev->kind == CD_BLOCK_BULLET) && (pt[pl - 1] == ';' || pt[pl - 1] == ':'))
        return true;
    /* a clause list wrapped mid-sentence: "…; " at a line's end, the next
     * clause in lowercase on the next line, no blank line between */
    if (pt[pl - 1] == ';' && letter && u_islower(c) && !b->blank_before && !b->skipped_before &&
        prev->kind != CD_BLOCK_HEADING)
        return true;
    /* a sentence ended at a line broken by the width: the paragraph goes on */
    if (ends_terminal(pt, pl) && !width_break(b, ln)) return false;
    if (block_all_caps(b, prev, pl) || cd_text_all_caps(ln->text, ln->len)) return false;
    if (prev->kind == CD_BLOCK_HEADING) return false;
    if (letter && u_islower(c)) return true;
    if (b->blank_before || b->skipped_before) return false;
    /* no blank line between: a hard-wrapped line goes on unless it starts a
     * new unit (callers have already ruled out labels and fields) */
    if ((ln->flags & CD_LINE_BOLD) != ((prev->emphasised) ? CD_LINE_BOLD : 0) && prev->kind != CD_BLOCK_PARA)
        return false;
    if (stopped_short(b, ln)) return false;
    return true;
}

static void text_line(builder *b, const cd_line *ln) {
    cd_document *doc = b->doc;
    cd_arena *a = &doc->arena;
    bool emph = (ln->flags & (CD_LINE_BOLD | CD_LINE_HEADING)) != 0;
    const char *text = ln->text;
    size_t len = ln->len;
    char *flat = NULL;
    if (ln->flags & (CD_LINE_PIPE | CD_LINE_TABS)) {
        /* a stray pipe or tab outside a table: keep the words */
        size_t n;
        const char **cells = split_cells(a, text, (ln->flags & CD_LINE_TABS) ? '\t' : '|', &n);
        cd_buf buf;
        cd_buf_init(&buf, a);
        for (size_t i = 0; i < n; i++) {
            if (!*cells[i]) continue;
            if (buf.len) cd_buf_addc(&buf, ' ');
            cd_buf_adds(&buf, cells[i]);
        }
        flat = cd_buf_str(&buf);
        text = flat;
        len = buf.len;
        if (!len) {
            b->blank_before = true;
            return;
        }
    }
    /* a new block from this line: where its wrapped lines would start, for continues() */
    int hang = ln->hang > ln->indent ? ln->hang : 0;
    cd_match m;
    if (cd_rule_search(b->field_rule, text, len, 0, &m)) {
        b->hang_col = hang;
        const char *label, *value;
        size_t ll, vl;
        cd_match_group(&m, "label", &label, &ll);
        if (!cd_match_group(&m, "value", &value, &vl)) value = "", vl = 0;
        cd_block *blk = new_block(b, CD_BLOCK_FIELD, ln->src);
        blk->field = cd_field_of_label(b->rules, label, ll, NULL);
        blk->label = cd_arena_strndup(a, label, ll);
        blk->text = cd_arena_strndup(a, value, vl);
        took_line(b, ln, true);
        return;
    }
    cd_label_kind lk;
    const char *label, *item_text;
    bool bullet;
    if (parse_label(b, text, len, &lk, &label, &item_text, &bullet)) {
        b->hang_col = bullet ? hang : 0;
        cd_block *blk;
        if (bullet) {
            blk = new_block(b, CD_BLOCK_BULLET, ln->src);
        } else if (lk == CD_LABEL_QUARTER || lk == CD_LABEL_PART) {
            blk = new_block(b, CD_BLOCK_HEADING, ln->src);
        } else {
            blk = new_block(b, CD_BLOCK_ITEM, ln->src);
        }
        blk->label = label;
        blk->label_kind = lk;
        blk->depth = lk == CD_LABEL_DOTTED ? label_depth(label) : 1;
        blk->text = lk == CD_LABEL_QUARTER ? label : item_text;
        if (lk == CD_LABEL_PART && !*item_text) blk->text = label;
        blk->emphasised = emph;
        took_line(b, ln, true);
        return;
    }
    if (continues(b, ln)) {
        cd_block *prev = last_block(b);
        append_text(b, prev, text, len);
        prev->last = ln->src;
        took_line(b, ln, false);
        return;
    }
    b->hang_col = 0;
    bool caps = cd_text_all_caps(text, len);
    cd_block *blk = new_block(b, (emph || caps) ? CD_BLOCK_HEADING : CD_BLOCK_PARA, ln->src);
    blk->text = flat ? flat : cd_arena_strndup(a, text, len);
    blk->emphasised = emph;
    /* a bold paragraph continuing a bold heading over several lines */
    if (emph && doc->n_blocks >= 2) {
        cd_block *prev = &doc->blocks[doc->n_blocks - 2];
        if (prev->kind == CD_BLOCK_HEADING && prev->emphasised && !prev->table && prev->last == ln->src - 1 &&
            !b->blank_before) {
            prev->text = join_text(a, prev->text, blk->text);
            prev->last = ln->src;
            doc->n_blocks--;
            took_line(b, ln, false);
            return;
        }
    }
    took_line(b, ln, true);
}

/* The cells split_cells would cut a tab or pipe line into, counted without
 * allocating (the columns and cells limits are checked before the split). */
static size_t cell_count(const char *s, char sep) {
    size_t n = 1;
    for (const char *p = s; (p = strchr(p, sep)); p++)
        n++;
    if (sep == '|' && n > 1) { /* "| a | b |": the outer pipes close no cell */
        const char *p = s + strspn(s, " ");
        size_t e = strlen(s);
        while (e && s[e - 1] == ' ')
            e--;
        if (*p == '|') n--;
        if (e && s[e - 1] == '|' && s + e - 1 > p) n--;
    }
    return n;
}

int cd_structure(cd_document *doc, const cd_options *opt) {
    builder b = {0};
    b.doc = doc;
    b.rules = opt->rules;
    b.headings = cd_rules_group(opt->rules, "headings");
    b.fieldkinds = cd_rules_group(opt->rules, "fieldkinds");
    b.field_rule = cd_rules_get(opt->rules, "fields", "field");
    b.dangling = cd_rules_get(opt->rules, "fieldkinds", "dangling-words");
    if (!b.headings || !b.fieldkinds || !b.field_rule || !b.dangling) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "rules-missing", NULL, 0,
                    "rule set lacks headings/fieldkinds/fields rules");
        return CD_EXIT_RULES;
    }
    measure_wrap(&b);
    uint64_t max_columns = cd_limit(opt, CD_LIMIT_COLUMNS), max_cells = cd_limit(opt, CD_LIMIT_CELLS), cells = 0;
    for (size_t i = 0, turn = 0; i < doc->n_lines; turn++) {
        const cd_line *ln = &doc->lines[i];
        if (turn % CD_LIMIT_TIME_EVERY == 0 && cd_time_up(opt)) return cd_limit_check_time(doc, opt);
        if (ln->flags & (CD_LINE_TABS | CD_LINE_PIPE)) {
            size_t n = cell_count(ln->text, (ln->flags & CD_LINE_TABS) ? '\t' : '|');
            if (n > max_columns)
                return cd_limit_exceeded(doc, opt, ln->src, CD_LIMIT_COLUMNS, "a table row of %zu cells", n);
            if ((cells += n) > max_cells)
                return cd_limit_exceeded(doc, opt, ln->src, CD_LIMIT_CELLS, "%llu table cells up to this line",
                                         (unsigned long long)cells);
        }
        if (ln->flags & (CD_LINE_FOOTNOTE | CD_LINE_RULE)) {
            b.skipped_before = true;
            i++;
            continue;
        }
        if ((ln->flags & CD_LINE_BLANK) || !ln->len) {
            b.blank_before = true;
            i++;
            continue;
        }
        if ((ln->flags & (CD_LINE_TABS | CD_LINE_PIPE)) && table_line(&b, ln)) {
            b.blank_before = b.skipped_before = false;
            b.last_ln = NULL;
            i++;
            continue;
        }
        size_t next = stacked_table(&b, i);
        if (next != i) {
            i = next;
            b.blank_before = true;
            b.last_ln = NULL;
            continue;
        }
        next = page_footnote(&b, i);
        if (next != i) {
            i = next;
            b.skipped_before = true;
            continue;
        }
        /* a non-table line ends a tab/pipe table, except between pages */
        if (!(b.blank_before && b.table && b.page_break)) b.table = NULL;
        text_line(&b, ln);
        b.blank_before = b.skipped_before = false;
        i++;
    }
    return CD_EXIT_OK;
}
