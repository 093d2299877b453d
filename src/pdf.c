/* pdf.c — a PDF's text layer to chidao's text form (decode.h), with
 * poppler-glib.
 *
 * Poppler gives every character of a page with its box and font; the rest is
 * geometry, done here (no ruling lines: poppler-glib does not give them):
 *   1. characters -> visual lines (boxes that overlap vertically) -> words
 *      (split where the gap is wider than a fraction of the font size);
 *      superscript numbers become footnote references "[^N]";
 *   2. running headers and footers (a line repeated in the top or bottom band
 *      of the pages, a page number) are dropped; footnote bodies (small print
 *      at the foot of a page, starting with a number) go to the end as
 *      "[^N]: text";
 *   3. tables: a run of lines whose words leave the same vertical gutters
 *      free on every line; the gutters are the column boundaries; bands free
 *      of text across the table separate the rows, so that cells centred
 *      vertically (the row label in the middle of its row) stay in their
 *      row (a band holding two row labels is cut where all columns but a
 *      row-spanning one have a gap, and each of the two rows gets the
 *      spanning cell); a row over several columns ("II." and its title)
 *      keeps its text in the column it starts in; a cell's lines are joined,
 *      and a word a narrow column broke is joined back; a header cell
 *      centred over a column of left-aligned cells is merged with them; a
 *      table continued on the next page keeps its columns (also a page with
 *      only the end of a cell under the repeated header), its repeated
 *      header row is dropped, and a token the page break cut is joined
 *      back.  Two blocks side by side (a header block, a signature block)
 *      are written one after the other;
 *   4. the other lines make paragraphs: a line is wrapped (and goes on with
 *      the next) when the first word of the next line would not have fitted
 *      at its end; a gap wider than the usual line spacing ends a paragraph;
 *      a wrapped last line goes on over a page break; a paragraph bold as a
 *      whole is written "**…**", a drawn list bullet "- ".
 * The page of each line written goes to doc->line_pages; cd_pages (a stage
 * after extract) gives each task its pages from them. */
#include <math.h>
#include <poppler.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "decode.h"
#include "limits.h"

/* Pages and objects: limits.h's pdf-pages and pdf-objects (a PDF over
 * either is refused before a page is read). */
/* Characters read from one page at most (a page of text holds about 5,000):
 * a page of glyphs drawn one by one (a map, a chart) is cut here so that
 * the line and table geometry stays cheap. */
#define PDF_MAX_PAGE_CHARS 40000
/* Column gutters followed at once while a table grows (a table has at most a
 * few tens of columns; more is noise). */
#define PDF_MAX_GUTTERS 64

/* Geometry, as fractions of the font size. */
#define WORD_GAP 0.15        /* a wider gap between two glyphs separates words */
#define GUTTER_MIN 0.4       /* a column gutter is at least this wide (a space is ~0.3) */
#define ROW_GAP 0.3          /* a band free of text this high separates table rows */
#define PARA_GAP 0.3         /* space beyond the usual line gap that ends a paragraph */
#define SAME_LINE 0.6        /* boxes overlapping this much vertically share a line */
#define SUPERSCRIPT_SIZE 0.8 /* a superscript's font is smaller than this */
#define SMALL_PRINT 0.9      /* footnotes are set smaller than this */
/* The band at the top and at the bottom of a page where running headers,
 * footers and page numbers sit, as a fraction of the page height. */
#define MARGIN_BAND 0.1
/* A line repeated in that band on this many pages is a running header. */
#define RUNNING_MIN_PAGES 3

typedef struct glyph {
    float x0, y0, x1, y1, size;
    unsigned off; /* bytes [off, off + len) of the page text */
    unsigned char len;
    bool bold;
} glyph;

typedef struct pword {
    float x0, x1, y0, y1;
    float first_w; /* width of its first glyph */
    const char *text;
    bool sup;   /* a superscript */
    bool glued; /* no gap before it (a superscript and what follows it) */
} pword;

enum { LINE_TEXT, LINE_FURNITURE, LINE_FOOTNOTE, LINE_TABLE };

typedef struct pline {
    pword *w;
    int nw;
    float x0, x1, y0, y1, size;
    int page; /* 1-based */
    bool bold;
    int kind;
    float wide_gap; /* a gap this wide is more than a space of this line */
    int table;      /* LINE_TABLE: index into pdf.tables */
    bool spanning;  /* LINE_TABLE: a row that spans columns */
} pline;

typedef struct ptable {
    float *bound; /* column boundaries (gutter middles), n_cols - 1 of them */
    int n_cols;
    size_t first, last; /* its lines */
    bool continued;     /* goes on from the table that ended the page before */
    bool layout;        /* two blocks side by side (a header, a signature) */
} ptable;

typedef struct pdf {
    cd_document *doc;
    cd_arena *arena;
    pline *lines;
    size_t n_lines, cap_lines;
    ptable *tables;
    size_t n_tables, cap_tables;
    size_t *page_first; /* first line of each page; page_first[n_pages] = n_lines */
    double *page_h, *page_w;
    int n_pages;
    float body_size, right_edge, line_gap;
    /* footnote numbers seen at the foot of the pages (for the references) */
    int *notes;
    size_t n_notes;
    cd_strs footnotes; /* "[^N]: text" */
    int last_note_page;   /* the page after the one the last footnote line was on (0-based) */
    float last_note_size; /* the size of that line */
    /* output */
    cd_buf *out;
    int *out_pages;
    size_t n_out, cap_out;
} pdf;

/* ---------- small helpers ---------- */

static bool ascii_ieq(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (!x || x != y) return false;
    }
    return true;
}

/* "Arial-BoldMT", "TimesNewRoman,Bold", "DejaVuSerif-Bold" */
static bool font_is_bold(const char *name) {
    for (const char *p = name; p && *p; p++)
        if (ascii_ieq(p, "bold", 4) || ascii_ieq(p, "black", 5) || ascii_ieq(p, "heavy", 5)) return true;
    return false;
}

static bool is_space_char(gunichar c) {
    return c <= 0x20 || c == 0xA0 || (c >= 0x2000 && c <= 0x200B) || c == 0x3000 || c == 0xFEFF;
}

static bool all_digits(const char *s) {
    if (!*s) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

/* (libm is not linked: these are the few float helpers needed) */
static float min_f(float a, float b) { return a < b ? a : b; }
static float max_f(float a, float b) { return a > b ? a : b; }
static float abs_f(float a) { return a < 0 ? -a : a; }

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* ---------- output ---------- */

/* One line of text (no '\n' in it) on page. */
static void emit(pdf *P, const char *s, size_t n, int page) {
    if (P->n_out == P->cap_out) {
        size_t cap = P->cap_out ? 2 * P->cap_out : 256;
        P->out_pages = cd_arena_grow(P->arena, P->out_pages, sizeof *P->out_pages, P->n_out, cap);
        P->cap_out = cap;
    }
    P->out_pages[P->n_out++] = page;
    cd_buf_add(P->out, s, n);
    cd_buf_addc(P->out, '\n');
}

static bool last_out_blank(const pdf *P) {
    return !P->out->len || (P->out->len >= 2 && P->out->data[P->out->len - 2] == '\n');
}

static void emit_blank(pdf *P, int page) {
    if (P->n_out && !last_out_blank(P)) emit(P, "", 0, page);
}

/* ---------- 1. characters to lines ---------- */

typedef struct page_text {
    char *text; /* copied into the arena */
    glyph *g;
    size_t n;
} page_text;

/* The glyphs of a page (whitespace left out: gaps say where words end). */
static void free_attrs(void *attrs) { poppler_page_free_text_attributes(attrs); }

static void read_glyphs(pdf *P, PopplerPage *page, page_text *pt) {
    memset(pt, 0, sizeof *pt);
    /* held across arena allocations: released by the arena if the document
     * runs out of memory (arena.h); registered before they are acquired */
    cd_arena_cleanup *held_text = cd_arena_defer(P->arena, g_free, NULL);
    cd_arena_cleanup *held_rects = cd_arena_defer(P->arena, g_free, NULL);
    cd_arena_cleanup *held_attrs = cd_arena_defer(P->arena, free_attrs, NULL);
    char *text = poppler_page_get_text(page);
    PopplerRectangle *rects = NULL;
    guint n_rects = 0;
    if (!text || !poppler_page_get_text_layout(page, &rects, &n_rects)) {
        g_free(text);
        g_free(rects);
        cd_arena_undefer(held_attrs);
        cd_arena_undefer(held_rects);
        cd_arena_undefer(held_text);
        return;
    }
    GList *attrs = poppler_page_get_text_attributes(page);
    cd_arena_redefer(held_text, text);
    cd_arena_redefer(held_rects, rects);
    cd_arena_redefer(held_attrs, attrs);
    size_t len = strlen(text);
    pt->text = cd_arena_strndup(P->arena, text, len);
    size_t cap = n_rects < PDF_MAX_PAGE_CHARS ? n_rects : PDF_MAX_PAGE_CHARS;
    pt->g = cd_arena_alloc(P->arena, sizeof *pt->g * (cap ? cap : 1));
    GList *a = attrs;
    const char *p = text;
    for (guint i = 0; i < n_rects && *p && pt->n < cap; i++, p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        while (a && ((PopplerTextAttributes *)a->data)->end_index < (gint)i)
            a = a->next;
        const PopplerRectangle *r = &rects[i];
        if (is_space_char(c) || !(r->x2 > r->x1) || !(r->y2 > r->y1) || !isfinite(r->x1) || !isfinite(r->y1)) continue;
        const PopplerTextAttributes *at = a ? a->data : NULL;
        glyph *g = &pt->g[pt->n++];
        g->x0 = (float)r->x1;
        g->y0 = (float)r->y1;
        g->x1 = (float)r->x2;
        g->y1 = (float)r->y2;
        g->size = at && at->font_size > 0 ? (float)at->font_size : (float)(r->y2 - r->y1) / 1.2f;
        g->bold = at && font_is_bold(at->font_name);
        g->off = (unsigned)(p - text);
        g->len = (unsigned char)(g_utf8_next_char(p) - p);
    }
    poppler_page_free_text_attributes(attrs);
    g_free(rects);
    g_free(text);
    cd_arena_undefer(held_attrs);
    cd_arena_undefer(held_rects);
    cd_arena_undefer(held_text);
}

/* qsort has no context argument: the glyphs being sorted, per thread (batch
 * workers read PDFs in parallel) */
static _Thread_local const glyph *sort_glyphs;

static int by_centre(const void *a, const void *b) {
    const glyph *x = &sort_glyphs[*(const unsigned *)a], *y = &sort_glyphs[*(const unsigned *)b];
    float cx = x->y0 + x->y1, cy = y->y0 + y->y1;
    if (cx != cy) return cx < cy ? -1 : 1;
    return (x->x0 > y->x0) - (x->x0 < y->x0);
}

static int by_x(const void *a, const void *b) {
    const glyph *x = &sort_glyphs[*(const unsigned *)a], *y = &sort_glyphs[*(const unsigned *)b];
    return (x->x0 > y->x0) - (x->x0 < y->x0);
}

static pline *new_line(pdf *P) {
    if (P->n_lines == P->cap_lines) {
        size_t cap = P->cap_lines ? 2 * P->cap_lines : 256;
        P->lines = cd_arena_grow(P->arena, P->lines, sizeof *P->lines, P->n_lines, cap);
        P->cap_lines = cap;
    }
    pline *l = &P->lines[P->n_lines++];
    memset(l, 0, sizeof *l);
    return l;
}

/* The gap that is more than a space on line l: wider than GUTTER_MIN and
 * than 1.4 times the line's narrowest space (justified text stretches all
 * its spaces alike, so none of them counts), but never more than 0.6 em (a
 * line of one-word cells has no narrow space). */
static float wide_gap(const pline *l) {
    float narrowest = INFINITY;
    for (int k = 1; k < l->nw; k++) {
        float g = l->w[k].x0 - l->w[k - 1].x1;
        if (!l->w[k].glued && g < narrowest) narrowest = g;
    }
    float t = 1.4f * narrowest;
    if (t > 0.6f * l->size) t = 0.6f * l->size;
    return t > GUTTER_MIN * l->size ? t : GUTTER_MIN * l->size;
}

/* Glyphs idx[0..n) (one visual line) to a line of words. */
static void make_line(pdf *P, const page_text *pt, unsigned *idx, size_t n, int page) {
    const glyph *g = pt->g;
    sort_glyphs = g;
    qsort(idx, n, sizeof *idx, by_x);
    /* the line's size: the largest font on it (superscripts are smaller) */
    float size = 0;
    for (size_t i = 0; i < n; i++)
        if (g[idx[i]].size > size) size = g[idx[i]].size;
    float base = 0;
    for (size_t i = 0; i < n; i++)
        if (g[idx[i]].size >= size * SUPERSCRIPT_SIZE && g[idx[i]].y1 > base) base = g[idx[i]].y1;
    pline *l = new_line(P);
    l->page = page;
    l->size = size;
    l->x0 = l->y0 = INFINITY;
    l->x1 = l->y1 = -INFINITY;
    l->bold = true;
    l->w = cd_arena_alloc(P->arena, sizeof *l->w * n);
    cd_buf word;
    cd_buf_init(&word, P->arena);
    const glyph *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const glyph *c = &g[idx[i]];
        /* a glyph printed twice at one place (fake bold) counts once */
        if (prev && c->len == prev->len && !memcmp(pt->text + c->off, pt->text + prev->off, c->len) &&
            c->x0 - prev->x0 < 0.15f * size)
            continue;
        bool sup = c->size < size * SUPERSCRIPT_SIZE && c->y1 < base - 0.15f * size;
        pword *w = l->nw ? &l->w[l->nw - 1] : NULL;
        bool gap = prev && c->x0 - prev->x1 > WORD_GAP * size;
        if (!w || gap || sup != w->sup) {
            if (w) w->text = cd_buf_str(&word);
            cd_buf_init(&word, P->arena);
            w = &l->w[l->nw++];
            *w = (pword){c->x0, c->x1, c->y0, c->y1, c->x1 - c->x0, NULL, sup, prev && !gap};
        }
        cd_buf_add(&word, pt->text + c->off, c->len);
        if (c->x1 > w->x1) w->x1 = c->x1;
        if (c->y0 < w->y0) w->y0 = c->y0;
        if (c->y1 > w->y1) w->y1 = c->y1;
        if (!sup) {
            l->bold &= c->bold;
            if (c->y0 < l->y0) l->y0 = c->y0;
            if (c->y1 > l->y1) l->y1 = c->y1;
        }
        if (c->x0 < l->x0) l->x0 = c->x0;
        if (c->x1 > l->x1) l->x1 = c->x1;
        prev = c;
    }
    if (l->nw) l->w[l->nw - 1].text = cd_buf_str(&word);
    l->wide_gap = wide_gap(l);
    if (!isfinite(l->y0)) { /* superscripts only */
        l->y0 = l->w[0].y0;
        l->y1 = l->w[0].y1;
    }
}

static int by_top(const void *a, const void *b) {
    const pline *x = a, *y = b;
    if (x->y0 != y->y0) return x->y0 < y->y0 ? -1 : 1;
    return (x->x0 > y->x0) - (x->x0 < y->x0);
}

/* The visual lines of a page: glyphs sorted by their vertical middle, a
 * glyph joining the line when their boxes overlap enough (a superscript sits
 * inside the box of its line; the next line overlaps it little). */
static void page_lines(pdf *P, const page_text *pt, int page) {
    if (!pt->n) return;
    unsigned *order = cd_arena_alloc(P->arena, sizeof *order * pt->n);
    for (size_t i = 0; i < pt->n; i++)
        order[i] = (unsigned)i;
    sort_glyphs = pt->g;
    qsort(order, pt->n, sizeof *order, by_centre);
    size_t start = 0, first_line = P->n_lines;
    float core0 = pt->g[order[0]].y0, core1 = pt->g[order[0]].y1;
    for (size_t i = 1; i <= pt->n; i++) {
        if (i < pt->n) {
            const glyph *c = &pt->g[order[i]];
            float overlap = min_f(c->y1, core1) - max_f(c->y0, core0);
            float h = min_f(c->y1 - c->y0, core1 - core0);
            if (overlap >= SAME_LINE * h) {
                if (c->y1 - c->y0 > core1 - core0) core0 = c->y0, core1 = c->y1;
                continue;
            }
        }
        make_line(P, pt, order + start, i - start, page);
        if (i < pt->n) {
            start = i;
            core0 = pt->g[order[i]].y0;
            core1 = pt->g[order[i]].y1;
        }
    }
    qsort(P->lines + first_line, P->n_lines - first_line, sizeof *P->lines, by_top);
}

/* ---------- text of lines ---------- */

/* List bullets a word processor draws (a glyph of a symbol font): written
 * out as "-".  Typed ones ("-", "+") stay as they are. */
static const char *const bullet_glyphs[] = {
    "\xE2\x80\xA2" /* • */, "\xE2\x97\x8F" /* ● */, "\xE2\x96\xAA" /* ▪ */, "\xE2\x97\xA6" /* ◦ */,
    "\xE2\x96\xA0" /* ■ */, "\xE2\x97\x86" /* ◆ */, "\xE2\x9E\xA2" /* ➢ */, "\xE2\x80\x93" /* – */,
    "\xEF\x82\xB7",         "\xEF\x82\xA7",         "\xEF\x83\x98", /* Symbol and Wingdings bullets */
};

/* Does l start with a drawn bullet (a lone bullet glyph, then text)? */
static bool is_bullet(const pline *l) {
    if (l->nw < 2) return false;
    for (size_t i = 0; i < sizeof bullet_glyphs / sizeof *bullet_glyphs; i++)
        if (!strcmp(l->w[0].text, bullet_glyphs[i])) return true;
    return false;
}

/* Does l start a list item: a typed dash or plus, or a drawn bullet? */
static bool starts_item(const pline *l) {
    return l->nw >= 2 && (!strcmp(l->w[0].text, "-") || !strcmp(l->w[0].text, "+") || is_bullet(l));
}

/* Is s the number of a footnote found at the foot of a page? */
static bool is_note(const pdf *P, const char *s) {
    if (!all_digits(s) || strlen(s) > 3) return false;
    int n = atoi(s);
    for (size_t i = 0; i < P->n_notes; i++)
        if (P->notes[i] == n) return true;
    return false;
}

/* Appends word w: a superscript footnote number as "[^N]", glued to the
 * word before it. */
static void add_word(const pdf *P, cd_buf *b, const pword *w, bool first) {
    if (w->sup) {
        if (is_note(P, w->text)) {
            cd_buf_adds(b, "[^");
            cd_buf_adds(b, w->text);
            cd_buf_addc(b, ']');
        } else {
            cd_buf_adds(b, w->text);
        }
        return;
    }
    if (!first && !w->glued) cd_buf_addc(b, ' ');
    cd_buf_adds(b, w->text);
}

/* Words [from, to) of l. */
static void add_words(const pdf *P, cd_buf *b, const pline *l, int from, int to) {
    for (int k = from; k < to; k++)
        add_word(P, b, &l->w[k], k == from);
}

/* Does a line broken after word s need no space before the next word?  A
 * hyphen ends it ("2026-" / "2030"); punctuation starts the next line; or a
 * column too narrow for a long token cut it where the line was full
 * (cut_full): digits ("30/0" / "6/2026"), a document number ("02-CTr/B" /
 * "CĐTW"), or a syllable cut before its last letters ("phườn" / "g"). */
static bool glue_after(const char *s, bool cut_full, const char *next) {
    size_t n = strlen(s);
    if (n >= 2 && (s[n - 1] == '-' || s[n - 1] == '/') && s[n - 2] != ' ') return true; /* "2026-", "trình/" */
    if (*next && strchr(",.;:)!?", *next)) return true; /* punctuation never starts a line */
    if (!cut_full || !n || !*next) return false;
    gunichar last = g_utf8_get_char(g_utf8_prev_char(s + n)), first = g_utf8_get_char(next);
    size_t next_len = strlen(next);
    /* the end of a syllable: letters but no vowel ("g", "ng", "nh.") */
    bool vowel = false, letters = false;
    char *nfd = g_utf8_normalize(next, (gssize)next_len, G_NORMALIZE_NFD);
    for (const char *q = nfd; q && *q; q++) {
        vowel |= strchr("aeiouyAEIOUY", *q) != NULL;
        letters |= g_ascii_isalpha(*q);
    }
    g_free(nfd);
    bool one_letter = (letters && !vowel) || g_utf8_strlen(next, -1) == 1;
    bool digits = g_unichar_isdigit(last) && g_unichar_isdigit(first);
    bool code =
        g_unichar_isupper(last) && (g_unichar_isupper(first) || g_unichar_isdigit(first)) && strpbrk(s, "/-0123456789");
    /* a capital cut from its syllable after a slash or a hyphen
     * ("trình/B" / "áo cáo") */
    const char *before_last = g_utf8_prev_char(s + n);
    bool lone_capital = g_unichar_isupper(last) && g_unichar_islower(first) &&
                        (before_last == s || !g_unichar_isalpha(g_utf8_get_char(g_utf8_prev_char(before_last))));
    /* (a syllable cut goes on in letters: "Tháng" / "3" is two words) */
    return (one_letter && g_unichar_isalpha(last) && g_unichar_isalpha(first)) || digits || code || lone_capital;
}

/* ---------- 2. running headers, footers, footnotes ---------- */

/* The text of a line with digits as '#', for comparing across pages. */
static char *line_key(pdf *P, const pline *l) {
    cd_buf b;
    cd_buf_init(&b, P->arena);
    for (int k = 0; k < l->nw; k++) {
        if (k) cd_buf_addc(&b, ' ');
        for (const char *s = l->w[k].text; *s; s++)
            cd_buf_addc(&b, (*s >= '0' && *s <= '9') ? '#' : *s);
    }
    return cd_buf_str(&b);
}

/* "3", "- 3 -", "Trang 3", "3/17", "Page 3 of 17" */
static bool page_number_like(const char *key) {
    bool digit = false;
    for (const char *s = key; *s;) {
        if (*s == '#') {
            digit = true;
            s++;
        } else if (strchr(" -/().[]|", *s)) {
            s++;
        } else if (ascii_ieq(s, "trang", 5)) {
            s += 5;
        } else if (ascii_ieq(s, "page", 4)) {
            s += 4;
        } else if (ascii_ieq(s, "of", 2)) {
            s += 2;
        } else if (!strncmp(s, "\xE2\x80\x93", 3) || !strncmp(s, "\xE2\x80\x94", 3)) {
            s += 3;
        } else {
            return false;
        }
    }
    return digit;
}

static bool in_margin_band(const pdf *P, const pline *l) {
    double h = P->page_h[l->page - 1];
    return l->y1 < h * MARGIN_BAND || l->y0 > h * (1 - MARGIN_BAND);
}

/* A running header stands apart from the text below it, a footer from the
 * text above it (the first lines of a table header repeated on every page
 * do not). */
static bool set_apart(const pdf *P, size_t i, size_t page_a, size_t page_b) {
    const pline *l = &P->lines[i];
    float gap = 0.5f * P->body_size;
    /* (and from the line on its other side: the second line of a table
     * header row repeated on each page, "chủ trì" under "Cơ quan", is no
     * running header) */
    bool after = i + 1 >= page_b || P->lines[i + 1].y0 - l->y1 >= gap;
    bool before = i == page_a || l->y0 - P->lines[i - 1].y1 >= gap;
    return after && before;
}

/* A line in three parts or more, wide gaps between them: the header row of
 * a table repeated at the top of each page, not a running header. */
static bool table_like(const pline *l) {
    int parts = 1;
    for (int k = 1; k < l->nw; k++)
        parts += l->w[k].x0 - l->w[k - 1].x1 >= l->wide_gap;
    return parts >= 3;
}

static void mark_furniture(pdf *P) {
    /* candidates: the first two and last two lines of each page in its bands */
    size_t n_cand = 0;
    size_t *cand = cd_arena_alloc(P->arena, sizeof *cand * (size_t)(4 * P->n_pages + 1));
    char **keys = cd_arena_alloc(P->arena, sizeof *keys * (size_t)(4 * P->n_pages + 1));
    for (int p = 0; p < P->n_pages; p++) {
        size_t a = P->page_first[p], b = P->page_first[p + 1];
        for (size_t i = a; i < b; i++) {
            if (i >= a + 2 && i + 2 < b) continue;
            if (!in_margin_band(P, &P->lines[i]) || !set_apart(P, i, a, b)) continue;
            cand[n_cand] = i;
            keys[n_cand++] = line_key(P, &P->lines[i]);
        }
    }
    for (size_t c = 0; c < n_cand; c++) {
        int pages = 0, last_page = 0;
        for (size_t d = 0; d < n_cand; d++)
            if (!strcmp(keys[c], keys[d]) && P->lines[cand[d]].page != last_page) {
                pages++;
                last_page = P->lines[cand[d]].page;
            }
        if (page_number_like(keys[c]) || (pages >= RUNNING_MIN_PAGES && !table_like(&P->lines[cand[c]])))
            P->lines[cand[c]].kind = LINE_FURNITURE;
    }
}

static void add_note_number(pdf *P, int n) {
    P->notes = cd_arena_grow(P->arena, P->notes, sizeof *P->notes, P->n_notes, P->n_notes + 1);
    P->notes[P->n_notes++] = n;
}

/* Footnote bodies: the lines at the foot of a page in small print, the
 * first of them starting with a number. */
static void mark_footnotes(pdf *P) {
    for (int p = 0; p < P->n_pages; p++) {
        size_t a = P->page_first[p], b = P->page_first[p + 1], top = b;
        while (top > a) {
            const pline *l = &P->lines[top - 1];
            if (l->kind == LINE_FURNITURE || (l->size < SMALL_PRINT * P->body_size && l->nw)) {
                top--;
                continue;
            }
            break;
        }
        while (top < b && P->lines[top].kind == LINE_FURNITURE)
            top++;
        if (top == b) continue;
        /* its number set as a superscript, or the block set apart */
        const pline *first = &P->lines[top];
        bool apart = top == a || first->y0 - P->lines[top - 1].y1 >= P->body_size;
        bool numbered = all_digits(first->w[0].text) && first->nw >= 2;
        /* or the end of the last footnote of the page before, carried over
         * to this page (set apart, in its print size, before any number) */
        bool carried = !numbered && apart && P->footnotes.n && P->last_note_page == p &&
                       abs_f(first->size - P->last_note_size) < 0.5f;
        if (!numbered && !carried) continue;
        if (!first->w[0].sup && !apart) continue;
        cd_buf note;
        cd_buf_init(&note, P->arena);
        if (carried) {
            P->footnotes.n--;
            cd_buf_adds(&note, P->footnotes.items[P->footnotes.n]);
        }
        for (size_t i = top; i <= b; i++) {
            const pline *l = i < b ? &P->lines[i] : NULL;
            if (l && l->kind == LINE_FURNITURE) continue;
            bool starts = l && all_digits(l->w[0].text) && strlen(l->w[0].text) <= 3 && l->nw >= 2;
            if ((starts || !l) && note.len) cd_strs_push(P->arena, &P->footnotes, cd_buf_str(&note));
            if (!l) break;
            P->lines[i].kind = LINE_FOOTNOTE;
            P->last_note_page = p + 1;
            P->last_note_size = l->size;
            if (starts) {
                cd_buf_init(&note, P->arena);
                cd_buf_adds(&note, "[^");
                cd_buf_adds(&note, l->w[0].text);
                cd_buf_adds(&note, "]:");
                add_note_number(P, atoi(l->w[0].text));
                for (int k = 1; k < l->nw; k++) {
                    cd_buf_addc(&note, ' ');
                    cd_buf_adds(&note, l->w[k].text);
                }
            } else {
                for (int k = 0; k < l->nw; k++) {
                    cd_buf_addc(&note, ' ');
                    cd_buf_adds(&note, l->w[k].text);
                }
            }
        }
    }
}

/* ---------- 3. tables ---------- */

typedef struct gutter {
    float a, b;  /* free x range */
    int support; /* lines with words on both sides of it */
    int aligned; /* lines with a word starting at its right edge (a column's text) */
} gutter;

/* Has line l a word starting at x (a column's left edge)? */
static bool starts_at(const pline *l, float x) {
    for (int k = 0; k < l->nw; k++)
        if (abs_f(l->w[k].x0 - x) < 1) return true;
    return false;
}

/* The parts of [a, b] that no word of l covers, at least min wide. */
static int free_parts(const pline *l, float a, float b, float min, gutter *out, int max) {
    int n = 0;
    float from = a;
    for (int k = 0; k < l->nw && from < b; k++) {
        const pword *w = &l->w[k];
        if (w->x1 <= from) continue;
        if (w->x0 >= b) break;
        if (w->x0 - from >= min && n < max) out[n++] = (gutter){from, w->x0, 0, 0};
        from = w->x1;
    }
    if (b - from >= min && n < max) out[n++] = (gutter){from, b, 0, 0};
    return n;
}

/* Has line l a gap wider than its own spaces (l->wide_gap) over [a, b]:
 * words on both sides, the nearest ones that far apart? */
static bool words_both_sides(const pline *l, float a, float b) {
    float left = -INFINITY, right = INFINITY;
    for (int k = 0; k < l->nw; k++) {
        if (l->w[k].x1 <= a && l->w[k].x1 > left) left = l->w[k].x1;
        if (l->w[k].x0 >= b && l->w[k].x0 < right) right = l->w[k].x0;
    }
    return isfinite(left) && isfinite(right) && right - left >= l->wide_gap;
}

typedef struct grower {
    gutter g[PDF_MAX_GUTTERS];
    int n;
} grower;

static bool is_text(const pdf *P, size_t i) { return P->lines[i].kind == LINE_TEXT; }

enum { FITS, KILLS_NEW, KILLS_WEAK, KILLS_ESTABLISHED };

/* How line l fits the gutters: FITS (every gutter between words stays
 * free), KILLS_NEW (it runs across gutters that one line supports so far),
 * KILLS_WEAK (across gutters that few lines support next to the best one:
 * gaps in a centred heading, not columns), KILLS_ESTABLISHED (across a
 * gutter that lines support, or across all).  With commit, the gutters are
 * narrowed to what l leaves free. */
static int narrow(grower *gr, const pline *l, float min, bool commit) {
    gutter next[PDF_MAX_GUTTERS];
    int n = 0, killed = 0, best = 0, n_killed = 0, n_kept = 0;
    for (int i = 0; i < gr->n; i++)
        if (gr->g[i].support > best) best = gr->g[i].support;
    for (int i = 0; i < gr->n; i++) {
        gutter parts[PDF_MAX_GUTTERS];
        int k = free_parts(l, gr->g[i].a, gr->g[i].b, min, parts, PDF_MAX_GUTTERS);
        if (!k && gr->g[i].support > killed) killed = gr->g[i].support;
        if (!k && gr->g[i].support >= 2) n_killed++;
        for (int j = 0; j < k && n < PDF_MAX_GUTTERS; j++) {
            bool both = words_both_sides(l, parts[j].a, parts[j].b);
            parts[j].support = gr->g[i].support + both;
            parts[j].aligned = gr->g[i].aligned + starts_at(l, parts[j].b);
            n_kept += both && gr->g[i].support >= 2;
            next[n++] = parts[j];
        }
    }
    int result = !killed ? FITS : killed == 1 ? KILLS_NEW : 3 * killed <= best ? KILLS_WEAK : KILLS_ESTABLISHED;
    /* a line with cells on both sides of more established gutters than it
     * runs across is a row of the table: the gutters it runs across were
     * gaps inside a column (numbers left-aligned under a centred "STT",
     * until a number of two digits) */
    if (result == KILLS_ESTABLISHED && n_kept >= 2 && n_kept > n_killed) result = KILLS_WEAK;
    if (!n) result = KILLS_ESTABLISHED;
    if (commit && result != KILLS_ESTABLISHED) {
        memcpy(gr->g, next, sizeof *next * (size_t)n);
        gr->n = n;
    }
    return result;
}

/* How many gutters between words line l runs across. */
static int kills(const grower *gr, const pline *l, float min) {
    int n = 0;
    for (int i = 0; i < gr->n; i++) {
        gutter parts[PDF_MAX_GUTTERS];
        if (gr->g[i].support >= 1 && !free_parts(l, gr->g[i].a, gr->g[i].b, min, parts, PDF_MAX_GUTTERS)) n++;
    }
    return n;
}

/* Has line l words on both sides of a gutter that two lines support and
 * that it leaves free (cells of a row)? */
static bool has_cells(const grower *gr, const pline *l, float min) {
    for (int i = 0; i < gr->n; i++) {
        if (gr->g[i].support < 2) continue;
        gutter parts[PDF_MAX_GUTTERS];
        int k = free_parts(l, gr->g[i].a, gr->g[i].b, min, parts, PDF_MAX_GUTTERS);
        for (int j = 0; j < k; j++)
            if (words_both_sides(l, parts[j].a, parts[j].b)) return true;
    }
    return false;
}

/* The leftmost gutter between words (the one after the first column). */
static const gutter *first_gutter(const grower *gr) {
    const gutter *first = NULL;
    for (int i = 0; i < gr->n; i++)
        if (gr->g[i].support >= 1 && (!first || gr->g[i].a < first->a)) first = &gr->g[i];
    return first;
}

/* The leftmost gutter between words that lines of a column start right of
 * (a gap between a centred header cell and the numbers below it is none). */
static const gutter *first_column_gutter(const grower *gr) {
    const gutter *first = NULL;
    for (int i = 0; i < gr->n; i++)
        if (gr->g[i].support >= 1 && gr->g[i].aligned >= 2 && (!first || gr->g[i].a < first->a)) first = &gr->g[i];
    return first ? first : first_gutter(gr);
}

/* A line of a row that spans columns ("II." and a title over the other
 * columns): nothing across the left edge of the first gutter (the gutter
 * may still reach into the second column, a centred header above),
 * something right of it, and no cells on both sides of a later gutter
 * that lines support (a row of cells that runs across a gap inside a
 * cell is no title). */
static bool spans(const grower *gr, const pline *l, float min) {
    const gutter *first = first_column_gutter(gr);
    if (!first) return false;
    float edge = first->a + min / 4;
    bool right = false;
    for (int k = 0; k < l->nw; k++) {
        if (l->w[k].x0 < edge && l->w[k].x1 > edge) return false;
        right |= l->w[k].x0 >= edge;
    }
    for (int i = 0; i < gr->n && right; i++) {
        if (gr->g[i].a <= first->a || gr->g[i].support < 2) continue;
        gutter parts[PDF_MAX_GUTTERS];
        int k = free_parts(l, gr->g[i].a, gr->g[i].b, min, parts, PDF_MAX_GUTTERS);
        for (int j = 0; j < k; j++)
            if (words_both_sides(l, parts[j].a, parts[j].b)) return false;
    }
    return right;
}

/* Does line l hold only a row label (all its words left of the first
 * gutter)? */
static bool label_only(const grower *gr, const pline *l) {
    const gutter *first = first_gutter(gr);
    return first && l->nw && l->x1 <= first->a + 0.5f;
}

/* Does line j come right after the lines of a row spanning columns (the
 * line before spans, or holds the row's label and the one before it
 * spans)? */
static bool after_span(const pdf *P, const grower *gr, const bool *span, size_t seed, size_t j) {
    if (j > seed && span[j - 1 - seed]) return true;
    return j > seed + 1 && span[j - 2 - seed] && label_only(gr, &P->lines[j - 1]);
}

/* Lines a row spanning columns may take (a title wrapped in a cell). */
#define SPAN_MAX_LINES 16

/* A list with hanging indents ("a)", "1.", "•" then the text) leaves a
 * gutter after its labels: not a table when all the left side holds is
 * labels. */
static bool labels_only(const pdf *P, size_t first, size_t last, float bound, const bool *span, size_t seed) {
    for (size_t i = first; i <= last; i++) {
        const pline *l = &P->lines[i];
        if (i >= seed && span[i - seed]) continue; /* a paragraph between two lists */
        int left = 0;
        for (int k = 0; k < l->nw; k++)
            if (l->w[k].x1 <= bound) left++;
        if (left > 1 || (left == 1 && strlen(l->w[0].text) > 5)) return false;
    }
    return true;
}

/* Grows a table from line seed (on the page ending before line end);
 * returns the line after it, seed when there is none. */
static size_t grow_table(pdf *P, size_t page_start, size_t seed, size_t end) {
    const pline *s = &P->lines[seed];
    float min = GUTTER_MIN * P->body_size;
    /* a seed has a wide gap between two of its words */
    bool wide = false;
    for (int k = 1; k < s->nw && !wide; k++)
        wide = s->w[k].x0 - s->w[k - 1].x1 >= s->wide_gap;
    if (!wide) return seed;
    /* the gutters: all the page that the seed's words leave free, narrowed
     * by each line added */
    grower gr = {.n = 0};
    float page_w = (float)P->page_w[s->page - 1];
    gr.n = free_parts(s, -1, page_w > s->x1 ? page_w + 1 : s->x1 + 1, min, gr.g, PDF_MAX_GUTTERS);
    for (int i = 0; i < gr.n; i++)
        gr.g[i].support = words_both_sides(s, gr.g[i].a, gr.g[i].b);
    for (int i = 0; i < gr.n; i++)
        gr.g[i].aligned = starts_at(s, gr.g[i].b);
    size_t last = seed;
    bool *span = cd_arena_alloc(P->arena, sizeof *span * (end - seed + 1));
    /* lines taken across gutters without a cell on both sides of another
     * (a heading after the table, "PHỤ LỤC II", running across the gutter
     * of a narrow first column) are taken on trial: if the table ends
     * before a line with cells on both sides of a gutter, they are given
     * back and the gutters they removed restored */
    grower saved = gr;
    size_t saved_last = last;
    bool on_trial = false;
    for (size_t j = seed + 1; j < end && is_text(P, j); j++) {
        int fit = narrow(&gr, &P->lines[j], min, false);
        /* the title of a row spanning columns goes on below its label
         * (centred in the row, the label sits between the title's lines) */
        if (fit != FITS && spans(&gr, &P->lines[j], min) && after_span(P, &gr, span, seed, j)) {
            span[j - seed] = true;
            last = j;
            continue;
        }
        if (fit == FITS) {
            on_trial &= !has_cells(&gr, &P->lines[j], min);
            narrow(&gr, &P->lines[j], min, true);
            last = j;
            continue;
        }
        /* a row spanning columns, when the table goes on after it: the
         * lines up to one that fits again all start right of the first
         * gutter or fit */
        size_t k = j;
        while (k < end && is_text(P, k) && k - j < SPAN_MAX_LINES) {
            int f = narrow(&gr, &P->lines[k], min, false);
            if (f != FITS && !spans(&gr, &P->lines[k], min)) break;
            if (f == FITS && k > j) break;
            k++;
        }
        /* (a spanning row cut by the page break goes on on the next page) */
        bool page_end = k == end || !is_text(P, k);
        bool goes_on = k > j && (page_end || narrow(&gr, &P->lines[k], min, false) == FITS);
        if (goes_on) {
            for (size_t m = j; m < k; m++) {
                if (narrow(&gr, &P->lines[m], min, false) == FITS)
                    narrow(&gr, &P->lines[m], min, true);
                else
                    span[m - seed] = true;
            }
            last = k - 1;
            j = k - 1;
            continue;
        }
        /* across gutters few lines support (one of them, or weak ones):
         * they were no gutters */
        if (fit == KILLS_WEAK || (fit == KILLS_NEW && kills(&gr, &P->lines[j], min) < 2)) {
            bool cells = has_cells(&gr, &P->lines[j], min);
            if (!cells && !on_trial) {
                saved = gr;
                saved_last = last;
                on_trial = true;
            }
            on_trial &= !cells;
            narrow(&gr, &P->lines[j], min, true);
            last = j;
            continue;
        }
        /* across several, it may be a row spanning columns right after
         * the header */
        if (fit == KILLS_NEW) {
            narrow(&gr, &P->lines[j], min, true);
            last = j;
            on_trial = false;
            continue;
        }
        break;
    }
    if (on_trial) {
        gr = saved;
        last = saved_last;
    }
    int established = 0;
    for (int i = 0; i < gr.n; i++)
        established += gr.g[i].support >= 2;
    if (!established) return seed;
    /* keep the established gutters, left to right */
    gutter keep[PDF_MAX_GUTTERS];
    int n_keep = 0;
    for (int i = 0; i < gr.n; i++)
        if (gr.g[i].support >= 2) keep[n_keep++] = gr.g[i];
    for (int i = 1; i < n_keep; i++)
        for (int j = i; j > 0 && keep[j].a < keep[j - 1].a; j--) {
            gutter t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    gr.n = n_keep;
    memcpy(gr.g, keep, sizeof *keep * (size_t)n_keep);
    /* the lines just above that belong to the same row (a header cell
     * whose text starts higher than the others) */
    size_t first = seed;
    while (first > page_start && is_text(P, first - 1) &&
           P->lines[first].y0 - P->lines[first - 1].y1 < ROW_GAP * P->body_size &&
           narrow(&gr, &P->lines[first - 1], min, false) == FITS)
        first--;
    if (P->n_tables == P->cap_tables) {
        size_t cap = P->cap_tables ? 2 * P->cap_tables : 16;
        P->tables = cd_arena_grow(P->arena, P->tables, sizeof *P->tables, P->n_tables, cap);
        P->cap_tables = cap;
    }
    ptable *t = &P->tables[P->n_tables];
    t->first = first;
    t->last = last;
    t->n_cols = n_keep + 1;
    t->bound = cd_arena_alloc(P->arena, sizeof *t->bound * (size_t)n_keep);
    for (int i = 0; i < n_keep; i++)
        t->bound[i] = (keep[i].a + keep[i].b) / 2;
    t->layout = t->n_cols == 2;
    if (t->layout && labels_only(P, first, last, t->bound[0], span, seed)) return seed;
    t->continued = false;
    for (size_t i = first; i <= last; i++) {
        P->lines[i].kind = LINE_TABLE;
        P->lines[i].table = (int)P->n_tables;
        P->lines[i].spanning = i >= seed && span[i - seed];
    }
    P->n_tables++;
    return last + 1;
}

/* Does a line of t (not one spanning columns) run across x? */
static bool crossed(const pdf *P, const ptable *t, float x) {
    for (size_t i = t->first; i <= t->last; i++) {
        const pline *l = &P->lines[i];
        if (l->spanning) continue;
        for (int k = 0; k < l->nw; k++)
            if (l->w[k].x0 < x && l->w[k].x1 > x) return true;
    }
    return false;
}

/* Do tables a and b share most of their column boundaries? */
static bool same_columns(const pdf *P, const ptable *a, const ptable *b) {
    int shared = 0, fewer = a->n_cols < b->n_cols ? a->n_cols - 1 : b->n_cols - 1;
    float near = 1.5f * GUTTER_MIN * P->body_size;
    for (int i = 0; i + 1 < a->n_cols; i++)
        for (int j = 0; j + 1 < b->n_cols; j++)
            if (abs_f(a->bound[i] - b->bound[j]) < near) {
                shared++;
                break;
            }
    return fewer > 0 && 2 * shared >= fewer;
}

/* A table that goes on at the top of the next page (nothing but running
 * headers, footers and footnotes between) keeps its columns: the tables of
 * such a chain get the boundaries any of them found that none of their
 * lines runs across (a column empty on one page still gets its cells). */
static void join_continued(pdf *P) {
    for (size_t t = 1; t < P->n_tables; t++) {
        ptable *cur = &P->tables[t], *prev = &P->tables[t - 1];
        if (prev->layout || !prev->n_cols) continue;
        if (P->lines[prev->last].page + 1 != P->lines[cur->first].page) continue;
        bool between = false;
        for (size_t i = prev->last + 1; i < cur->first && !between; i++)
            between = P->lines[i].kind == LINE_TEXT;
        if (between) continue;
        if (cur->layout) {
            /* a page holding only the end of a row and the repeated header
             * shows too few gutters: it takes the columns of the page
             * before when none of its lines runs across them */
            bool fits = true;
            for (int i = 0; i + 1 < prev->n_cols && fits; i++)
                fits = !crossed(P, cur, prev->bound[i]);
            if (!fits) continue;
            cur->layout = false;
            cur->bound = prev->bound;
            cur->n_cols = prev->n_cols;
            cur->continued = true;
        } else if (same_columns(P, prev, cur)) {
            cur->continued = true;
        }
    }
    float near = 1.5f * GUTTER_MIN * P->body_size;
    for (size_t c0 = 0; c0 < P->n_tables;) {
        size_t c1 = c0 + 1;
        while (c1 < P->n_tables && P->tables[c1].continued)
            c1++;
        if (c1 - c0 > 1) {
            size_t n = 0;
            for (size_t t = c0; t < c1; t++)
                n += (size_t)(P->tables[t].n_cols - 1);
            float *all = cd_arena_alloc(P->arena, sizeof *all * (n + 1));
            n = 0;
            for (size_t t = c0; t < c1; t++)
                for (int i = 0; i + 1 < P->tables[t].n_cols; i++)
                    all[n++] = P->tables[t].bound[i];
            qsort(all, n, sizeof *all, cmp_float);
            float *keep = cd_arena_alloc(P->arena, sizeof *keep * (n + 1));
            int n_keep = 0;
            for (size_t i = 0; i < n;) {
                size_t j = i;
                while (j + 1 < n && all[j + 1] - all[i] < near)
                    j++;
                /* the first boundary of the cluster no line crosses */
                for (size_t k = i; k <= j; k++) {
                    bool ok = true;
                    for (size_t t = c0; t < c1 && ok; t++)
                        ok = !crossed(P, &P->tables[t], all[k]);
                    if (ok) {
                        keep[n_keep++] = all[k];
                        break;
                    }
                }
                i = j + 1;
            }
            for (size_t t = c0; t < c1; t++) {
                P->tables[t].bound = keep;
                P->tables[t].n_cols = n_keep + 1;
            }
        }
        c0 = c1;
    }
}

/* The top of page p (lines [a, b), tables [k, n_tables) found on it) goes
 * on with the table that ended the page before, when its first lines are
 * in no table, run across none of that table's column boundaries, and one
 * of them has words in two columns (the header row repeated): a page
 * holding only the end of one cell shows no gutters of its own. */
static void continue_table(pdf *P, int p, size_t a, size_t b, size_t k) {
    if (!k || p == 0) return;
    const ptable *prev = &P->tables[k - 1];
    if (prev->layout || prev->n_cols < 2 || P->lines[prev->last].page != p) return; /* pages are 1-based */
    for (size_t i = prev->last + 1; i < a; i++)
        if (P->lines[i].kind == LINE_TEXT) return;
    size_t i = a;
    bool two = false;
    for (; i < b && P->lines[i].kind != LINE_FOOTNOTE; i++) {
        const pline *l = &P->lines[i];
        if (l->kind == LINE_FURNITURE) continue;
        if (l->kind != LINE_TEXT) break;
        bool across = false;
        int first_col = -1, cols = 0;
        for (int w = 0; w < l->nw && !across; w++) {
            int c = 0;
            while (c + 1 < prev->n_cols && prev->bound[c] <= l->w[w].x0)
                c++;
            across = c + 1 < prev->n_cols && l->w[w].x1 > prev->bound[c];
            if (c != first_col) cols++, first_col = c;
        }
        if (across) break;
        two |= cols >= 2;
    }
    while (i > a && P->lines[i - 1].kind != LINE_TEXT)
        i--;
    size_t first = a;
    while (first < i && P->lines[first].kind != LINE_TEXT)
        first++;
    if (first == i || !two) return;
    if (P->n_tables == P->cap_tables) {
        size_t cap = 2 * P->cap_tables;
        P->tables = cd_arena_grow(P->arena, P->tables, sizeof *P->tables, P->n_tables, cap);
        P->cap_tables = cap;
        prev = &P->tables[k - 1];
    }
    /* the tables found lower on the page move up one */
    memmove(P->tables + k + 1, P->tables + k, sizeof *P->tables * (P->n_tables - k));
    P->n_tables++;
    for (size_t j = a; j < b; j++)
        if (P->lines[j].kind == LINE_TABLE) P->lines[j].table++;
    P->tables[k] = (ptable){.bound = prev->bound, .n_cols = prev->n_cols, .first = first, .last = i - 1, .continued = true};
    for (size_t j = first; j < i; j++)
        if (P->lines[j].kind == LINE_TEXT) {
            P->lines[j].kind = LINE_TABLE;
            P->lines[j].table = (int)k;
        }
}

static void find_tables(pdf *P) {
    for (int p = 0; p < P->n_pages; p++) {
        size_t a = P->page_first[p], b = P->page_first[p + 1], k = P->n_tables;
        for (size_t i = a; i < b;) {
            if (!is_text(P, i)) {
                i++;
                continue;
            }
            size_t next = grow_table(P, a, i, b);
            i = next > i ? next : i + 1;
        }
        continue_table(P, p, a, b, k);
    }
    join_continued(P);
}

/* ---------- writing tables ---------- */

static int column_of(const ptable *t, float x) {
    int c = 0;
    while (c + 1 < t->n_cols && t->bound[c] <= x)
        c++;
    return c;
}

typedef struct cell {
    cd_buf text;
    float right;        /* the right edge of the last word added */
    const pword *end;   /* the last word added */
    size_t line;        /* the line it came from */
    int on_line;        /* words it has from that line */
    const pword *start; /* its first word */
    float cap;          /* the right edge of its column's text */
} cell;

typedef struct trow {
    cell *cells;
    size_t first, last; /* lines */
} trow;

/* Adds the words of line i to the cells of row r: all of them when only is
 * -1, else those in column only; none in column skip. */
static void row_add_line(const pdf *P, const ptable *t, trow *r, size_t i, const float *col_right, int only,
                         int skip) {
    const pline *l = &P->lines[i];
    int col = -1;
    for (int k = 0; k < l->nw; k++) {
        const pword *w = &l->w[k];
        /* a row spanning columns keeps its text in the column it starts
         * in (its label, if any, in the first) */
        int at = column_of(t, (w->x0 + w->x1) / 2);
        if (!l->spanning || col < 1 || at == 0) col = at;
        if ((only >= 0 && col != only) || col == skip) continue;
        cell *c = &r->cells[col];
        if (c->text.len && c->line != i) {
            /* the cell goes on from an earlier line: a space, unless the
             * word before was cut (a hyphen, or alone on a full line) */
            bool full = c->on_line == 1 && c->right + w->first_w > col_right[col] + 0.5f;
            if (!glue_after(c->end->text, full, w->text)) cd_buf_addc(&c->text, ' ');
            c->on_line = 0;
        } else if (c->text.len && !w->glued) {
            cd_buf_addc(&c->text, ' ');
        }
        if (!c->start) c->start = w;
        c->cap = col_right[col];
        add_word(P, &c->text, w, true);
        c->right = w->x1;
        c->end = w;
        c->line = i;
        c->on_line++;
    }
}

static int filled(const trow *r, int n_cols) {
    int k = 0;
    for (int i = 0; i < n_cols; i++)
        k += r->cells[i].text.len > 0;
    return k;
}

/* The last line with text on page p is the one before index i. */
static bool ends_page(const pdf *P, size_t last) {
    for (size_t i = last + 1; i < P->n_lines && P->lines[i].page == P->lines[last].page; i++)
        if (P->lines[i].kind == LINE_TEXT || P->lines[i].kind == LINE_TABLE) return false;
    return true;
}

/* The words [from, to) of line l that lie in column side of t. */
static bool side_words(const ptable *t, const pline *l, int side, int *from, int *to) {
    int f = 0;
    while (f < l->nw && column_of(t, (l->w[f].x0 + l->w[f].x1) / 2) != side)
        f++;
    int e = f;
    while (e < l->nw && column_of(t, (l->w[e].x0 + l->w[e].x1) / 2) == side)
        e++;
    *from = f;
    *to = e;
    return f < e;
}

/* Two blocks side by side: the left one, then the right one, each made of
 * paragraphs as the text is (a line goes on with the next when the next
 * line's first word would not have fitted in the block's width; a gap or a
 * change to or from bold ends a paragraph). */
static void write_layout(pdf *P, const ptable *t) {
    emit_blank(P, P->lines[t->first].page);
    for (int side = 0; side < 2; side++) {
        float width = 0;
        for (size_t i = t->first; i <= t->last; i++) {
            const pline *l = &P->lines[i];
            int f, e;
            if (side_words(t, l, side, &f, &e) && l->w[e - 1].x1 - l->w[f].x0 > width)
                width = l->w[e - 1].x1 - l->w[f].x0;
        }
        cd_buf b;
        cd_buf_init(&b, P->arena);
        const pline *prev = NULL;
        int prev_f = 0, prev_e = 0, page = P->lines[t->first].page;
        for (size_t i = t->first; i <= t->last + 1; i++) {
            const pline *l = i <= t->last ? &P->lines[i] : NULL;
            int f = 0, e = 0;
            if (l && !side_words(t, l, side, &f, &e)) continue;
            bool same = false, wrapped_line = false;
            if (prev && l) {
                float used = prev->w[prev_e - 1].x1 - prev->w[prev_f].x0;
                wrapped_line = used + 0.3f * prev->size + (l->w[f].x1 - l->w[f].x0) > width + 0.5f;
                same = l->y0 - prev->y1 <= P->line_gap + PARA_GAP * P->body_size && l->bold == prev->bold;
            }
            if (prev && !(same && wrapped_line)) {
                emit(P, b.data, b.len, page);
                if (!same) emit_blank(P, page);
                cd_buf_init(&b, P->arena);
            }
            if (!l) break;
            if (b.len && !glue_after(prev->w[prev_e - 1].text, false, l->w[f].text)) cd_buf_addc(&b, ' ');
            if (!b.len) page = l->page;
            add_words(P, &b, l, f, e);
            prev = l;
            prev_f = f;
            prev_e = e;
        }
        emit_blank(P, P->lines[t->last].page);
    }
}

/* Does line l have a word in column c of t? */
static bool has_col(const pline *l, const ptable *t, int c) {
    for (int k = 0; k < l->nw; k++)
        if (column_of(t, (l->w[k].x0 + l->w[k].x1) / 2) == c) return true;
    return false;
}

/* Where to cut lines [a, b] (one band of text, two row labels in it) into
 * two rows: after the line before which most columns have a gap -- all
 * but one, the cell that spans both rows (rowspan), whose column goes to
 * *span_col (-1 when every column has the gap).  a..b is at most a
 * table's lines; SIZE_MAX when no such place. */
static size_t rowspan_cut(const pdf *P, const ptable *t, size_t a, size_t b, int *span_col) {
    *span_col = -1;
    /* the first and second block of column 0 (the row labels) */
    size_t first_end = SIZE_MAX, second = SIZE_MAX;
    for (size_t i = a; i <= b; i++) {
        if (!has_col(&P->lines[i], t, 0)) continue;
        if (first_end == SIZE_MAX || P->lines[i].y0 - P->lines[first_end].y1 < ROW_GAP * P->body_size) {
            if (second == SIZE_MAX) first_end = i;
            continue;
        }
        second = i;
        break;
    }
    if (second == SIZE_MAX) return SIZE_MAX;
    size_t best = SIZE_MAX;
    float best_gap = ROW_GAP * P->body_size;
    for (size_t k = first_end; k < second; k++) {
        /* per column: the lowest text above the cut, the highest below */
        int free = 0, busy = -1;
        float narrowest = INFINITY;
        for (int c = 0; c < t->n_cols; c++) {
            float above = -INFINITY, below = INFINITY;
            for (size_t i = a; i <= b; i++) {
                const pline *l = &P->lines[i];
                if (!has_col(l, t, c)) continue;
                if (i <= k && l->y1 > above) above = l->y1;
                if (i > k && l->y0 < below) below = l->y0;
            }
            if (below - above > ROW_GAP * P->body_size) {
                free++;
                if (isfinite(below - above) && below - above < narrowest) narrowest = below - above;
            } else {
                busy = c;
            }
        }
        if (free >= t->n_cols - 1 && isfinite(narrowest) && narrowest > best_gap) {
            best = k;
            best_gap = narrowest;
            *span_col = free == t->n_cols ? -1 : busy;
        }
    }
    return best;
}

/* The rows of t: groups of its lines between bands free of text across
 * the table; a band with two row labels is cut where all columns but one
 * (a cell spanning two rows) have a gap, and each of those rows gets the
 * whole of that cell (as a table with rowspan reads).  *n_rows gets their
 * number. */
static trow *table_rows(pdf *P, const ptable *t, size_t *n_rows) {
    int nc = t->n_cols;
    float *col_right = cd_arena_alloc(P->arena, sizeof *col_right * (size_t)nc);
    for (int c = 0; c < nc; c++)
        col_right[c] = -INFINITY;
    for (size_t i = t->first; i <= t->last; i++) {
        const pline *l = &P->lines[i];
        if (l->spanning) continue;
        for (int k = 0; k < l->nw; k++) {
            int c = column_of(t, (l->w[k].x0 + l->w[k].x1) / 2);
            if (l->w[k].x1 > col_right[c]) col_right[c] = l->w[k].x1;
        }
    }
    /* the bands: [start[i], start[i + 1]) */
    size_t cap = t->last - t->first + 2, n = 0;
    size_t *start = cd_arena_alloc(P->arena, sizeof *start * cap);
    /* span[g]: the column of the cell that the rows before and after
     * start[g] share, -1 if none */
    int *span = cd_arena_alloc(P->arena, sizeof *span * cap);
    float bottom = -INFINITY;
    for (size_t i = t->first; i <= t->last; i++) {
        const pline *l = &P->lines[i];
        if (!n || l->y0 - bottom > ROW_GAP * P->body_size) {
            span[n] = -1;
            start[n++] = i;
        }
        if (l->y1 > bottom) bottom = l->y1;
    }
    start[n] = t->last + 1;
    span[n] = -1;
    for (size_t g = 0; g < n; g++) {
        int col;
        size_t cut = rowspan_cut(P, t, start[g], start[g + 1] - 1, &col);
        if (cut == SIZE_MAX) continue;
        memmove(start + g + 2, start + g + 1, sizeof *start * (n - g));
        memmove(span + g + 2, span + g + 1, sizeof *span * (n - g));
        start[g + 1] = cut + 1;
        span[g + 1] = col;
        n++;
    }
    trow *rows = cd_arena_alloc(P->arena, sizeof *rows * (n + 1));
    for (size_t g = 0; g < n; g++) {
        trow *r = &rows[g];
        r->cells = cd_arena_alloc(P->arena, sizeof *r->cells * (size_t)nc);
        for (int c = 0; c < nc; c++)
            cd_buf_init(&r->cells[c].text, P->arena);
        r->first = start[g];
        r->last = start[g + 1] - 1;
        int shared = span[g] >= 0 ? span[g] : span[g + 1];
        for (size_t i = r->first; i <= r->last; i++)
            row_add_line(P, t, r, i, col_right, -1, shared);
        if (shared < 0) continue;
        /* the shared cell: its lines in all the rows cut from the band */
        size_t a = g, b = g + 1;
        while (a > 0 && span[a] == shared)
            a--;
        while (b < n && span[b] == shared)
            b++;
        for (size_t i = start[a]; i < start[b]; i++)
            row_add_line(P, t, r, i, col_right, shared, -1);
    }
    *n_rows = n;
    return rows;
}

/* A caption above a table or a line of prose below it fills one cell: give
 * such rows back to the text, unless the table goes on from the page before
 * or to the next. */
static void trim_tables(pdf *P) {
    for (size_t ti = 0; ti < P->n_tables; ti++) {
        ptable *t = &P->tables[ti];
        if (t->layout) continue;
        size_t n;
        trow *rows = table_rows(P, t, &n);
        size_t a = 0, b = n;
        if (!t->continued)
            while (a < b && filled(&rows[a], t->n_cols) < 2)
                a++;
        if (!ends_page(P, t->last))
            while (b > a && filled(&rows[b - 1], t->n_cols) < 2)
                b--;
        for (size_t r = 0; r < n; r++) {
            if (r >= a && r < b) continue;
            for (size_t i = rows[r].first; i <= rows[r].last; i++)
                P->lines[i].kind = LINE_TEXT;
        }
        if (a == b) {
            t->n_cols = 0; /* nothing left */
            continue;
        }
        t->first = rows[a].first;
        t->last = rows[b - 1].last;
    }
}

/* Is row r the header row h again (repeated at the top of a page; a cell
 * cut at the page edge may have lost its end)? */
static bool same_row(const trow *r, const trow *h, int n_cols) {
    int same = 0;
    for (int c = 0; c < n_cols; c++) {
        const cd_buf *a = &r->cells[c].text, *b = &h->cells[c].text;
        if (!a->len && !b->len) continue;
        size_t n = a->len < b->len ? a->len : b->len;
        if (!n || memcmp(a->data, b->data, n)) return false;
        same++;
    }
    return same >= 2;
}

/* A row cut by a page break goes on in row next: a token cut at the end of
 * a cell ("30/06/20" / "26") is joined back in the first part; the rest
 * stays in next, which the structure stage joins to the row (its first
 * cell is empty). */
static void glue_page_break(trow *prev, trow *next, int n_cols) {
    for (int c = 0; c < n_cols; c++) {
        cell *a = &prev->cells[c], *b = &next->cells[c];
        if (!a->text.len || !b->text.len || !a->end || !b->start || b->start->sup) continue;
        bool full = a->on_line == 1 && a->right + b->start->first_w > a->cap + 0.5f;
        if (!glue_after(a->end->text, full, b->start->text)) continue;
        size_t k = strlen(b->start->text);
        if (k > b->text.len || memcmp(b->text.data, b->start->text, k)) continue;
        cd_buf_add(&a->text, b->text.data, k);
        while (k < b->text.len && b->text.data[k] == ' ')
            k++;
        memmove(b->text.data, b->text.data + k, b->text.len - k);
        b->text.len -= k;
    }
}

/* Appends the cells of row from to those of row into. */
static void merge_rows(trow *into, const trow *from, int n_cols) {
    for (int c = 0; c < n_cols; c++) {
        const cd_buf *b = &from->cells[c].text;
        if (!b->len) continue;
        if (into->cells[c].text.len) cd_buf_addc(&into->cells[c].text, ' ');
        cd_buf_add(&into->cells[c].text, b->data, b->len);
    }
}

static void emit_row(pdf *P, const trow *r, int n_cols, const bool *dropped) {
    cd_buf line;
    cd_buf_init(&line, P->arena);
    bool first = true;
    for (int c = 0; c < n_cols; c++) {
        if (dropped[c]) continue;
        if (!first) cd_buf_addc(&line, '\t');
        first = false;
        const cell *ce = &r->cells[c];
        if (ce->text.len) cd_buf_add(&line, ce->text.data, ce->text.len);
    }
    emit(P, line.data, line.len, P->lines[r->first].page);
}

/* Columns that are one column of the table: a header cell centred over a
 * column whose cells are left-aligned leaves a gutter between the header's
 * text and the body's ("STT" over "1.", "2."): a column with text in the
 * first row only next to one with text in the other rows only is merged
 * into it.  Columns with no text at all are dropped.  Returns the columns
 * dropped. */
static bool *tidy_columns(pdf *P, trow **all, size_t total, int n_cols) {
    bool *dropped = cd_arena_alloc(P->arena, sizeof *dropped * (size_t)n_cols);
    bool *head = cd_arena_alloc(P->arena, sizeof *head * (size_t)n_cols);
    bool *body = cd_arena_alloc(P->arena, sizeof *body * (size_t)n_cols);
    for (int c = 0; c < n_cols; c++) {
        head[c] = total && all[0]->cells[c].text.len;
        for (size_t r = 1; r < total && !body[c]; r++)
            body[c] = all[r]->cells[c].text.len > 0;
        dropped[c] = !head[c] && !body[c];
    }
    for (int c = 0; c < n_cols; c++) {
        if (!head[c] || body[c] || total < 2) continue;
        int into = c > 0 && !head[c - 1] && body[c - 1] ? c - 1 : c + 1 < n_cols && !head[c + 1] && body[c + 1] ? c + 1 : -1;
        if (into < 0) continue;
        cd_buf *h = &all[0]->cells[into].text;
        cd_buf_add(h, all[0]->cells[c].text.data, all[0]->cells[c].text.len);
        head[into] = true;
        dropped[c] = true;
    }
    return dropped;
}

/* Writes table ti and the tables that continue it on the next pages, as one
 * table: the header row repeated on each page is dropped.  Returns the
 * index of the last table written. */
static size_t write_tables(pdf *P, size_t ti) {
    const ptable *t = &P->tables[ti];
    if (t->layout) {
        write_layout(P, t);
        return ti;
    }
    emit_blank(P, P->lines[t->first].page);
    /* all the rows first: a page break may change the row before it */
    size_t n, total;
    trow *rows = table_rows(P, t, &n);
    trow **all = cd_arena_alloc(P->arena, sizeof *all * (n + 1));
    for (size_t r = 0; r < n; r++)
        all[r] = &rows[r];
    total = n;
    trow *header = n ? &rows[0] : NULL;
    while (ti + 1 < P->n_tables && P->tables[ti + 1].continued && P->tables[ti + 1].n_cols) {
        const ptable *c = &P->tables[++ti];
        trow *more = table_rows(P, c, &n);
        size_t r = 0;
        if (n && header && same_row(&more[0], header, c->n_cols)) r++;
        if (r < n && total && !more[r].cells[0].text.len) {
            trow *prev = all[total - 1];
            if (filled(prev, c->n_cols) <= 2 && prev->cells[0].text.len) {
                /* a heading row ("IV." and its title) cut by the page
                 * break: the structure stage joins rows, not headings */
                merge_rows(prev, &more[r], c->n_cols);
                r++;
            } else {
                glue_page_break(prev, &more[r], c->n_cols);
            }
        }
        all = cd_arena_grow(P->arena, all, sizeof *all, total, total + n - r + 1);
        for (; r < n; r++)
            all[total++] = &more[r];
    }
    bool *dropped = tidy_columns(P, all, total, t->n_cols);
    for (size_t r = 0; r < total; r++)
        emit_row(P, all[r], t->n_cols, dropped);
    return ti;
}

/* ---------- 4. paragraphs ---------- */

/* Would the first word of next have fitted at the end of l?  If not, l was
 * wrapped and the paragraph goes on. */
static bool wrapped(const pdf *P, const pline *l, const pline *next) {
    float w = next->w[0].x1 - next->w[0].x0;
    return l->x1 + 0.3f * l->size + w > P->right_edge - 0.5f;
}

typedef struct para {
    cd_buf text;
    size_t first, last; /* lines */
    bool bold;
    bool open;
} para;

static void para_flush(pdf *P, para *pa) {
    if (!pa->open) return;
    const char *s = cd_buf_str(&pa->text);
    /* a bold paragraph as a whole: "**…**" around it (over its hard breaks) */
    bool bold = pa->bold;
    int page = P->lines[pa->first].page;
    const char *line = s;
    for (const char *q = s;; q++) {
        if (*q && *q != '\n') continue;
        cd_buf l;
        cd_buf_init(&l, P->arena);
        if (bold && line == s) cd_buf_adds(&l, "**");
        cd_buf_add(&l, line, (size_t)(q - line));
        if (bold && !*q) cd_buf_adds(&l, "**");
        emit(P, l.data, l.len, page);
        if (!*q) break;
        line = q + 1;
    }
    emit_blank(P, page);
    pa->open = false;
}

static void para_line(pdf *P, para *pa, size_t i) {
    const pline *l = &P->lines[i];
    if (pa->open) {
        const pline *prev = &P->lines[pa->last];
        bool same_page = prev->page == l->page;
        float gap = l->y0 - prev->y1;
        bool next_para = starts_item(l) || prev->bold != l->bold || abs_f(prev->size - l->size) > 1.0f ||
                         (same_page && gap > P->line_gap + PARA_GAP * P->body_size) ||
                         (!same_page && !wrapped(P, prev, l));
        if (next_para) {
            para_flush(P, pa);
        } else {
            const char *end = prev->w[prev->nw - 1].text;
            if (!wrapped(P, prev, l)) {
                cd_buf_addc(&pa->text, '\n');
            } else if (!glue_after(end, false, l->w[0].text)) {
                cd_buf_addc(&pa->text, ' ');
            }
            add_words(P, &pa->text, l, 0, l->nw);
            pa->last = i;
            return;
        }
    }
    cd_buf_init(&pa->text, P->arena);
    pa->open = true;
    pa->first = pa->last = i;
    pa->bold = l->bold;
    if (is_bullet(l)) {
        cd_buf_adds(&pa->text, "- ");
        add_words(P, &pa->text, l, 1, l->nw);
    } else {
        add_words(P, &pa->text, l, 0, l->nw);
    }
}

static void write_text(pdf *P) {
    para pa = {.open = false};
    for (size_t i = 0; i < P->n_lines; i++) {
        pline *l = &P->lines[i];
        if (l->kind == LINE_TABLE) {
            const ptable *t = &P->tables[l->table];
            if (i != t->first || !t->n_cols) continue;
            para_flush(P, &pa);
            size_t end = write_tables(P, (size_t)l->table);
            emit_blank(P, P->lines[P->tables[end].last].page);
            i = P->tables[end].last;
            continue;
        }
        if (l->kind != LINE_TEXT || !l->nw) continue;
        para_line(P, &pa, i);
    }
    para_flush(P, &pa);
    if (P->footnotes.n) {
        emit_blank(P, P->n_out ? P->out_pages[P->n_out - 1] : 1);
        for (size_t k = 0; k < P->footnotes.n; k++)
            emit(P, P->footnotes.items[k], strlen(P->footnotes.items[k]), P->n_out ? P->out_pages[P->n_out - 1] : 1);
    }
}

/* ---------- measures of the document ---------- */

/* The body text's font size: the size most characters have. */
static float body_size(const pdf *P) {
    float best = 12, best_n = 0;
    float *sizes = cd_arena_alloc(P->arena, sizeof *sizes * (P->n_lines + 1));
    size_t n = 0;
    for (size_t i = 0; i < P->n_lines; i++)
        sizes[n++] = (float)(int)(P->lines[i].size * 2 + 0.5f) / 2;
    qsort(sizes, n, sizeof *sizes, cmp_float);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        float chars = 0;
        while (j < n && sizes[j] == sizes[i])
            j++, chars++;
        if (chars > best_n) best = sizes[i], best_n = chars;
        i = j;
    }
    return best;
}

/* The right edge of the text: where most long lines end. */
static float right_edge(const pdf *P) {
    float *x = cd_arena_alloc(P->arena, sizeof *x * (P->n_lines + 1));
    size_t n = 0;
    for (size_t i = 0; i < P->n_lines; i++)
        if (P->lines[i].kind == LINE_TEXT && P->lines[i].nw >= 4) x[n++] = P->lines[i].x1;
    if (!n) return INFINITY;
    qsort(x, n, sizeof *x, cmp_float);
    return x[(n - 1) * 95 / 100];
}

/* The usual gap between two lines of one paragraph: the median gap after a
 * line that was wrapped. */
static float line_gap(const pdf *P) {
    float *g = cd_arena_alloc(P->arena, sizeof *g * (P->n_lines + 1));
    size_t n = 0;
    for (size_t i = 0; i + 1 < P->n_lines; i++) {
        const pline *a = &P->lines[i], *b = &P->lines[i + 1];
        if (a->kind != LINE_TEXT || b->kind != LINE_TEXT || a->page != b->page || !b->nw) continue;
        if (abs_f(a->size - b->size) > 0.5f || !wrapped(P, a, b)) continue;
        g[n++] = b->y0 - a->y1;
    }
    if (!n) return 0.2f * P->body_size;
    qsort(g, n, sizeof *g, cmp_float);
    return g[n / 2];
}

/* ---------- entry point ---------- */

static bool pdf_space(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'; }

/* The objects a PDF holds or declares, read from its bytes before poppler
 * parses them: the "N G obj" headers counted, and the largest /Size a
 * trailer or cross-reference stream declares (objects in object streams
 * are within it), whichever is larger.  Saturates at UINT64_MAX. */
static uint64_t pdf_objects(const unsigned char *b, size_t n) {
    const unsigned char *end = b + n;
    uint64_t headers = 0, declared = 0;
    /* "12 0 obj": white space and a number before the keyword ("endobj" has
     * none); a count of the headers, whatever the cross-reference says */
    for (const unsigned char *p = b; (p = memchr(p, 'o', (size_t)(end - p))) && end - p >= 3; p++) {
        if (memcmp(p, "obj", 3) || p == b || !pdf_space(p[-1])) continue;
        const unsigned char *q = p - 1;
        while (q > b && pdf_space(*q))
            q--;
        if (*q >= '0' && *q <= '9') headers++;
    }
    for (const unsigned char *p = b; (p = memchr(p, '/', (size_t)(end - p))) && end - p >= 5; p++) {
        if (memcmp(p, "/Size", 5)) continue;
        const unsigned char *q = p + 5;
        while (q < end && pdf_space(*q))
            q++;
        uint64_t v = 0;
        for (; q < end && *q >= '0' && *q <= '9'; q++)
            v = v > (UINT64_MAX - 9) / 10 ? UINT64_MAX : v * 10 + (uint64_t)(*q - '0');
        if (v > declared) declared = v;
    }
    return headers > declared ? headers : declared;
}

int cd_pdf_to_text(cd_document *doc, const cd_options *opt, cd_buf *out) {
    pdf P = {.doc = doc, .arena = &doc->arena, .out = out};
    uint64_t objects = pdf_objects(doc->bytes ? doc->bytes : (const unsigned char *)"", doc->n_bytes);
    if (objects > cd_limit(opt, CD_LIMIT_PDF_OBJECTS))
        return cd_limit_exceeded(doc, opt, 0, CD_LIMIT_PDF_OBJECTS, "the PDF holds or declares %llu objects",
                                 (unsigned long long)objects);
    GBytes *bytes = g_bytes_new_static(doc->bytes ? doc->bytes : (const unsigned char *)"", doc->n_bytes);
    GError *err = NULL;
    PopplerDocument *pd = poppler_document_new_from_bytes(bytes, NULL, &err);
    g_bytes_unref(bytes);
    if (!pd) {
        bool encrypted = err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED;
        char why[512]; /* poppler's message, copied: nothing held across the diagnostic's allocation */
        snprintf(why, sizeof why, "%s", err && err->message ? err->message : "unknown error");
        if (err) g_error_free(err);
        if (encrypted)
            cd_diag_add(&doc->diags, CD_SEV_ERROR, "invalid-pdf", doc->path, 0,
                        "encrypted PDF: it needs a password, which chidao does not take");
        else
            cd_diag_add(&doc->diags, CD_SEV_ERROR, "invalid-pdf", doc->path, 0, "not a readable PDF: %s", why);
        return CD_EXIT_INPUT;
    }
    cd_arena_cleanup *held_pd = cd_arena_defer(P.arena, g_object_unref, pd); /* see read_glyphs */
    int n_pages = poppler_document_get_n_pages(pd);
    if (n_pages > 0 && (uint64_t)n_pages > cd_limit(opt, CD_LIMIT_PDF_PAGES)) {
        g_object_unref(pd);
        cd_arena_undefer(held_pd);
        return cd_limit_exceeded(doc, opt, 0, CD_LIMIT_PDF_PAGES, "the PDF has %d pages", n_pages);
    }
    if (n_pages < 0) n_pages = 0;
    P.n_pages = n_pages;
    P.page_first = cd_arena_alloc(P.arena, sizeof *P.page_first * (size_t)(n_pages + 1));
    P.page_h = cd_arena_alloc(P.arena, sizeof *P.page_h * (size_t)(n_pages + 1));
    P.page_w = cd_arena_alloc(P.arena, sizeof *P.page_w * (size_t)(n_pages + 1));
    for (int p = 0; p < n_pages; p++) {
        if (cd_time_up(opt)) { /* a page can take long: the budget is checked before each */
            g_object_unref(pd);
            cd_arena_undefer(held_pd);
            return cd_limit_check_time(doc, opt);
        }
        PopplerPage *page = poppler_document_get_page(pd, p);
        P.page_first[p] = P.n_lines;
        if (!page) continue;
        cd_arena_cleanup *held_page = cd_arena_defer(P.arena, g_object_unref, page);
        poppler_page_get_size(page, &P.page_w[p], &P.page_h[p]);
        page_text pt;
        read_glyphs(&P, page, &pt);
        page_lines(&P, &pt, p + 1);
        g_object_unref(page);
        cd_arena_undefer(held_page);
    }
    P.page_first[n_pages] = P.n_lines;
    g_object_unref(pd);
    cd_arena_undefer(held_pd);
    if (!P.n_lines) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "no-text-layer", doc->path, 0,
                    "no text layer (a scanned PDF?): it needs OCR");
        return CD_EXIT_INPUT;
    }
    P.body_size = body_size(&P);
    mark_furniture(&P);
    mark_footnotes(&P);
    find_tables(&P);
    trim_tables(&P);
    P.right_edge = right_edge(&P);
    P.line_gap = line_gap(&P);
    write_text(&P);
    doc->line_pages = P.out_pages;
    doc->n_line_pages = P.n_out;
    return CD_EXIT_OK;
}

/* The page of source line `line` (1-based) of a PDF's text. */
static int page_of(const cd_document *doc, int line) {
    if (line < 1) line = 1;
    size_t i = (size_t)line - 1;
    if (i >= doc->n_line_pages) i = doc->n_line_pages - 1;
    return doc->line_pages[i];
}

int cd_pages(cd_document *doc, const cd_options *opt) {
    (void)opt;
    if (!doc->line_pages || !doc->n_line_pages) return CD_EXIT_OK;
    for (size_t i = 0; i < doc->n_tasks; i++) {
        cd_task *t = &doc->tasks[i];
        t->first_page = page_of(doc, t->first_line);
        t->last_page = page_of(doc, t->last_line);
    }
    return CD_EXIT_OK;
}
