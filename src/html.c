/* html.c — an HTML page to chidao's text form (decode.h), as a browser
 * would show its text.
 *
 * libxml2's HTML parser (no network, errors recovered silently) reads the
 * page in its <meta charset> (UTF-8 when it names none).  Block elements
 * (<p>, <div>, <h1>…<h6>, <li>) end lines, <br> breaks one; white space
 * collapses as in a browser; a block bold as a whole is wrapped in "**…**";
 * list items get their labels ("-", "1.", "a."); a <table> becomes one line
 * per row with its cells separated by tabs (rowspan: the text in every row
 * the cell covers; colspan: the text in the
 * first cell, empty cells for the positions it covers), unless it only lays
 * the page out (it holds another table, or it is a single cell).  Portal
 * chrome — navigation, page header and footer, forms, menus, by tag and by
 * class/id words (rules/html.rules) — is skipped, as are scripts and
 * styles.  Footnotes exported by LibreOffice, Word or pandoc become "[^N]"
 * references and "[^N]: text" lines at the end.  Text in a legacy
 * Vietnamese font (<font face=".VnTime">, font-family: VNI-Times) goes
 * through cd_font_text_to_utf8. */
#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert.h"
#include "limits.h"

/* How much of the start of the page is searched for <meta charset>. */
#define HTML_SNIFF_BYTES 4096
/* rowspan/colspan beyond this are taken as 1 (a hostile span would make
 * every row thousands of cells wide).  The other caps are limits.h's:
 * xml-depth and xml-nodes (counted as libxml2 builds the tree), columns (a
 * wider row is refused). */
#define HTML_MAX_SPAN 64

/* Elements that never hold document text. */
static const char *const SKIPPED[] = {"script", "style",    "noscript", "template", "head",   "iframe",
                                      "object", "embed",    "svg",      "canvas",   "button", "select",
                                      "input",  "textarea", "map",      "audio",    "video",  "math"};
/* Elements that end the line before and after them. */
static const char *const BLOCKS[] = {
    "p",      "div",    "h1",         "h2", "h3",         "h4",    "h5",      "h6",       "li",      "ul",
    "ol",     "dl",     "dt",         "dd", "blockquote", "pre",   "section", "article",  "main",    "address",
    "center", "figure", "figcaption", "hr", "table",      "tr",    "caption", "fieldset", "details", "summary",
    "body",   "html",   "legend",     "td", "th",         "thead", "tbody",   "tfoot"};

static bool name_in(const char *name, const char *const *names, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(name, names[i])) return true;
    return false;
}

static bool is_el(const xmlNode *n, const char *name) {
    return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* An attribute's value (HTML attributes have no namespace), NULL if absent. */
static const char *attr(const xmlNode *n, const char *name) {
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (!strcasecmp((const char *)a->name, name))
            return a->children && a->children->type == XML_TEXT_NODE ? (const char *)a->children->content : "";
    return NULL;
}

static int int_attr(const xmlNode *n, const char *name, int fallback) {
    const char *v = attr(n, name);
    if (!v) return fallback;
    char *end;
    long x = strtol(v, &end, 10);
    return end == v || x < -1000000 || x > 1000000 ? fallback : (int)x;
}

static bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* ---------- the converter's state ---------- */

typedef struct {
    int number;
    const char *text;
} footnote;

typedef struct {
    cd_document *doc;
    cd_arena *arena;
    /* NULL without rules */
    const cd_rule *chrome_tags, *chrome_words, *footnote_target, *footnote_backlink;
    cd_buf *out;
    /* the line (paragraph) being built */
    cd_buf line;
    bool space;    /* a collapsed white space is pending */
    bool has_text; /* it has text, not only a list label */
    bool all_bold; /* every piece of its text is bold */
    int in_cell;   /* inside a table cell or a footnote: breaks are spaces */
    /* a list item's label, written before the item's first text (which may
     * be in a <p> inside the <li>) */
    const char *label;
    footnote *notes;
    size_t n_notes;
    int max_depth, max_cols; /* xml-depth (the parser refused deeper pages), columns */
    int wide_row, wide_line; /* the first row over max_cols: its cells and line (0: none) */
} html;

typedef struct {
    bool bold;
    const char *font; /* a legacy font named by <font face> or font-family */
} inline_style;

/* ---------- text ---------- */

static bool at_line_start(const html *h) { return !h->line.len || h->line.data[h->line.len - 1] == '\n'; }

static void add_label(html *h) {
    if (!h->label) return;
    cd_buf_adds(&h->line, h->label);
    cd_buf_addc(&h->line, ' ');
    h->label = NULL;
}

/* Text as a browser shows it: runs of white space are one space, none at
 * the start of a line. */
static void add_text(html *h, const char *s, size_t n, const inline_style *st) {
    cd_buf collapsed;
    cd_buf_init(&collapsed, h->arena);
    bool visible = false;
    for (size_t i = 0; i < n; i++) {
        if (is_space((unsigned char)s[i])) {
            h->space = true;
            continue;
        }
        if (h->space && (collapsed.len || !at_line_start(h))) cd_buf_addc(&collapsed, ' ');
        h->space = false;
        cd_buf_addc(&collapsed, s[i]);
        visible = true;
    }
    if (!collapsed.len) return;
    const char *t = collapsed.data;
    size_t tn = collapsed.len;
    if (h->label) { /* the item's first text: its label goes first */
        add_label(h);
        if (*t == ' ') t++, tn--;
    }
    if (!st->font || !cd_font_text_to_utf8(st->font, t, tn, &h->line)) cd_buf_add(&h->line, t, tn);
    if (visible) {
        h->has_text = true;
        if (!st->bold) h->all_bold = false;
    }
}

/* Markup of the text form ("[^1]"): not text, not bold. */
static void add_mark(html *h, const char *mark) {
    bool labelled = h->label != NULL;
    add_label(h);
    if (h->space && !labelled && !at_line_start(h)) cd_buf_addc(&h->line, ' ');
    h->space = false;
    cd_buf_adds(&h->line, mark);
}

static void line_break(html *h) {
    if (h->in_cell) {
        h->space = true;
        return;
    }
    if (h->line.len && !at_line_start(h)) cd_buf_addc(&h->line, '\n');
    h->space = false;
}

/* Start a new block of the output: a blank line after what came before. */
static void block_break(cd_buf *out) {
    if (!out->len) return;
    if (out->data[out->len - 1] != '\n') cd_buf_addc(out, '\n');
    if (out->len < 2 || out->data[out->len - 2] != '\n') cd_buf_addc(out, '\n');
}

/* Each line of s trimmed, empty ones dropped, joined by sep. */
static void tidy_lines(cd_buf *to, const char *s, size_t n, char sep) {
    bool first = true;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        size_t a = i, z = e;
        while (a < z && s[a] == ' ')
            a++;
        while (z > a && s[z - 1] == ' ')
            z--;
        if (z > a) {
            if (!first) cd_buf_addc(to, sep);
            cd_buf_add(to, s + a, z - a);
            first = false;
        }
        i = e + 1;
    }
}

/* End the current paragraph: in a cell a space, else its lines go out
 * ("**…**" when bold as a whole) followed by a blank line. */
static void end_paragraph(html *h) {
    if (h->in_cell) {
        h->space = true;
        return;
    }
    if (h->has_text) {
        block_break(h->out);
        if (h->all_bold) cd_buf_adds(h->out, "**");
        tidy_lines(h->out, h->line.data, h->line.len, '\n');
        if (h->all_bold) cd_buf_adds(h->out, "**");
        cd_buf_addc(h->out, '\n');
    }
    cd_buf_init(&h->line, h->arena);
    h->space = false;
    h->has_text = false;
    h->all_bold = true;
}

/* ---------- what to skip ---------- */

/* Does a class/id/role value contain a chrome word ("main-nav")? */
static bool chrome_words(const html *h, const char *value) {
    if (!value || !h->chrome_words) return false;
    for (const char *s = value; *s;) {
        while (*s && !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
            s++;
        const char *w = s;
        while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9'))
            s++;
        if (s > w && cd_list_lookup(h->chrome_words, w, (size_t)(s - w))) return true;
    }
    return false;
}

static bool hidden(const xmlNode *n) {
    if (attr(n, "hidden")) return true;
    const char *style = attr(n, "style");
    if (!style) return false;
    char squeezed[256];
    size_t k = 0;
    for (const char *s = style; *s && k + 1 < sizeof squeezed; s++)
        if (!is_space((unsigned char)*s)) squeezed[k++] = (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
    squeezed[k] = 0;
    return strstr(squeezed, "display:none") || strstr(squeezed, "visibility:hidden");
}

static bool skipped(const html *h, const xmlNode *n) {
    const char *name = (const char *)n->name;
    if (name_in(name, SKIPPED, sizeof SKIPPED / sizeof *SKIPPED) || hidden(n)) return true;
    if (h->chrome_tags && cd_list_lookup(h->chrome_tags, name, strlen(name))) return true;
    return chrome_words(h, attr(n, "class")) || chrome_words(h, attr(n, "id")) || chrome_words(h, attr(n, "role"));
}

/* ---------- inline style ---------- */

/* The value of a CSS property in a style attribute, up to ';' (into buf). */
static const char *css_value(const char *style, const char *property, char *buf, size_t size) {
    const char *p = style ? strstr(style, property) : NULL;
    if (!p) return NULL;
    p += strlen(property);
    while (is_space((unsigned char)*p))
        p++;
    if (*p != ':') return NULL;
    p++;
    size_t k = 0;
    while (*p && *p != ';' && k + 1 < size)
        buf[k++] = *p++;
    buf[k] = 0;
    return buf;
}

/* The first family of a font list: `".VnTime", serif` -> .VnTime */
static const char *first_family(cd_arena *a, const char *list) {
    while (is_space((unsigned char)*list) || *list == '\'' || *list == '"')
        list++;
    size_t n = strcspn(list, ",'\"");
    while (n && is_space((unsigned char)list[n - 1]))
        n--;
    return n ? cd_arena_strndup(a, list, n) : NULL;
}

static inline_style style_of(html *h, const xmlNode *n, inline_style st) {
    const char *name = (const char *)n->name;
    if (!strcmp(name, "b") || !strcmp(name, "strong") ||
        (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]))
        st.bold = true;
    const char *face = is_el(n, "font") ? attr(n, "face") : NULL;
    if (face) st.font = first_family(h->arena, face);
    const char *style = attr(n, "style");
    char value[128];
    if (css_value(style, "font-family", value, sizeof value)) st.font = first_family(h->arena, value);
    if (css_value(style, "font-weight", value, sizeof value)) {
        const char *v = value;
        while (is_space((unsigned char)*v))
            v++;
        st.bold = !strncmp(v, "bold", 4) || (atoi(v) >= 600);
    }
    return st;
}

/* ---------- footnotes ---------- */

/* The footnote number an id or link target ("sdfootnote1sym", "_ftn1")
 * names; 0 if none. */
static int footnote_number(const html *h, const char *id) {
    cd_match m;
    const char *digits;
    size_t n;
    if (!id || !h->footnote_target || !cd_rule_search(h->footnote_target, id, strlen(id), 0, &m) ||
        !cd_match_group(&m, "n", &digits, &n))
        return 0;
    return atoi(digits);
}

/* Is the text of n a footnote mark: "1", "[1]", "↩"? */
static bool mark_text(const xmlNode *n) {
    xmlChar *content = xmlNodeGetContent(n);
    bool digit = false, other = false;
    for (const xmlChar *s = content; s && *s; s++) {
        if (*s >= '0' && *s <= '9')
            digit = true;
        else if (!is_space(*s) && *s != '[' && *s != ']' && *s != '(' && *s != ')')
            other = true;
    }
    xmlFree(content);
    return digit && !other;
}

static void walk(html *h, const xmlNode *n, inline_style st, int depth);

static void children(html *h, const xmlNode *n, inline_style st, int depth) {
    for (const xmlNode *c = n->children; c; c = c->next)
        walk(h, c, st, depth + 1);
}

/* Walk n with a fresh line in cell mode and return its text on one line. */
static const char *text_of(html *h, const xmlNode *n, inline_style st, int depth) {
    cd_buf saved = h->line;
    bool space = h->space, has_text = h->has_text, all_bold = h->all_bold;
    const char *label = h->label;
    h->label = NULL;
    cd_buf_init(&h->line, h->arena);
    h->space = false;
    h->in_cell++;
    children(h, n, st, depth);
    h->in_cell--;
    cd_buf text;
    cd_buf_init(&text, h->arena);
    tidy_lines(&text, h->line.data, h->line.len, ' ');
    h->line = saved;
    h->space = space, h->has_text = has_text, h->all_bold = all_bold;
    h->label = label;
    return cd_buf_str(&text);
}

static void footnote_body(html *h, const xmlNode *n, int number, int depth) {
    inline_style plain = {false, NULL};
    const char *text = text_of(h, n, plain, depth);
    h->notes = cd_arena_grow(h->arena, h->notes, sizeof *h->notes, h->n_notes, h->n_notes + 1);
    h->notes[h->n_notes++] = (footnote){number, text};
}

/* ---------- lists ---------- */

static void add_roman(cd_buf *b, int n, bool upper) {
    static const int values[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    static const char *const lower[] = {"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"};
    static const char *const upper_[] = {"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"};
    for (int i = 0; n > 0 && n < 4000; i++)
        for (; n >= values[i]; n -= values[i])
            cd_buf_adds(b, upper ? upper_[i] : lower[i]);
}

/* An <ol> item's label as a browser prints it: "3.", "c.", "III.". */
static const char *ol_label(cd_arena *a, const char *type, int n) {
    cd_buf b;
    cd_buf_init(&b, a);
    if (type && (!strcmp(type, "a") || !strcmp(type, "A")) && n >= 1)
        for (int k = 0; k <= (n - 1) / 26 && k < 8; k++)
            cd_buf_addc(&b, (char)(type[0] + (n - 1) % 26));
    else if (type && (!strcmp(type, "i") || !strcmp(type, "I")) && n >= 1 && n < 4000)
        add_roman(&b, n, type[0] == 'I');
    else
        cd_buf_adds(&b, cd_arena_printf(a, "%d", n));
    cd_buf_addc(&b, '.');
    return cd_buf_str(&b);
}

static void list(html *h, const xmlNode *n, inline_style st, int depth) {
    bool ordered = is_el(n, "ol");
    const char *type = attr(n, "type");
    int counter = int_attr(n, "start", 1);
    end_paragraph(h);
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_el(c, "li")) {
            walk(h, c, st, depth + 1);
            continue;
        }
        if (skipped(h, c)) continue;
        end_paragraph(h);
        int note = footnote_number(h, attr(c, "id"));
        if (note) { /* pandoc's footnotes: an <ol> of <li id="fn1"> */
            footnote_body(h, c, note, depth);
            continue;
        }
        if (ordered) counter = int_attr(c, "value", counter);
        h->label = ordered ? ol_label(h->arena, type, counter) : "-";
        counter++;
        children(h, c, style_of(h, c, st), depth + 1);
        end_paragraph(h);
        h->label = NULL; /* an item with no text: no line */
    }
    end_paragraph(h);
}

/* ---------- tables ---------- */

/* A table that lays the page out rather than holding data: it has a table
 * inside, or a single cell, or says so (role="presentation"). */
static bool layout_table(const xmlNode *table) {
    const char *role = attr(table, "role");
    if (role && !strcmp(role, "presentation")) return true;
    int cells = 0;
    for (const xmlNode *n = table->children; n;) {
        if (n->type == XML_ELEMENT_NODE) {
            if (n != table && is_el(n, "table")) return true;
            if (is_el(n, "td") || is_el(n, "th")) cells++;
            if (n->children) {
                n = n->children;
                continue;
            }
        }
        while (n && !n->next && n != table)
            n = n->parent;
        if (!n || n == table) break;
        n = n->next;
    }
    return cells <= 1;
}

typedef struct {
    int rows_left;    /* rows a rowspan still covers in this column */
    const char *text; /* the spanning cell's text */
} column;

/* Positions from *col on that a rowspan from above still covers: they get
 * the spanning cell's text, as the contract gives a cell two rows share to
 * both (a lead or deadline merged down several rows belongs to each). */
static void covered_cells(const html *h, cd_buf *row, column *cols, int *col) {
    for (; *col < h->max_cols && cols[*col].rows_left > 0; (*col)++) {
        cols[*col].rows_left--;
        if (*col) cd_buf_addc(row, '\t');
        cd_buf_adds(row, cols[*col].text ? cols[*col].text : "");
    }
}

/* One <tr> as a line of tab-separated cells; a row with nothing in it is
 * left out. */
static void table_row(html *h, const xmlNode *tr, column *cols, inline_style st, int depth) {
    cd_buf row;
    cd_buf_init(&row, h->arena);
    int col = 0, width = 0;
    bool any = false;
    for (const xmlNode *c = tr->children; c; c = c->next)
        if (is_el(c, "td") || is_el(c, "th")) {
            int span = int_attr(c, "colspan", 1);
            width += span >= 1 && span <= HTML_MAX_SPAN ? span : 1;
        }
    if (width > h->max_cols) { /* refused (limits.h: columns) once the walk is over */
        if (!h->wide_row) h->wide_row = width, h->wide_line = (int)xmlGetLineNo(tr);
        return;
    }
    for (const xmlNode *c = tr->children; c; c = c->next) {
        if (!is_el(c, "td") && !is_el(c, "th")) continue;
        covered_cells(h, &row, cols, &col);
        if (col >= h->max_cols) break;
        int colspan = int_attr(c, "colspan", 1), rowspan = int_attr(c, "rowspan", 1);
        if (colspan < 1 || colspan > HTML_MAX_SPAN) colspan = 1;
        if (rowspan < 1 || rowspan > HTML_MAX_SPAN) rowspan = 1;
        const char *text = skipped(h, c) ? "" : text_of(h, c, style_of(h, c, st), depth);
        if (*text) any = true;
        if (col) cd_buf_addc(&row, '\t');
        cd_buf_adds(&row, text);
        for (int k = 0; k < colspan && col < h->max_cols; k++, col++) {
            if (k) cd_buf_addc(&row, '\t');
            if (rowspan > 1) {
                cols[col].rows_left = rowspan - 1;
                cols[col].text = k ? "" : text; /* a colspan's text stays in its first column */
            }
        }
    }
    covered_cells(h, &row, cols, &col);
    if (!any) return;
    cd_buf_add(h->out, row.data, row.len);
    cd_buf_addc(h->out, '\n');
}

static void table_rows(html *h, const xmlNode *parent, column *cols, inline_style st, int depth) {
    if (depth > h->max_depth) return;
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || skipped(h, c)) continue;
        if (is_el(c, "tr"))
            table_row(h, c, cols, st, depth + 1);
        else if (is_el(c, "thead") || is_el(c, "tbody") || is_el(c, "tfoot"))
            table_rows(h, c, cols, st, depth + 1);
    }
}

static void table(html *h, const xmlNode *n, inline_style st, int depth) {
    if (layout_table(n)) { /* its cells are just places on the page */
        end_paragraph(h);
        for (const xmlNode *c = n->children; c; c = c->next)
            walk(h, c, st, depth + 1);
        end_paragraph(h);
        return;
    }
    if (h->in_cell) { /* a data table inside a cell: its text, in the cell */
        children(h, n, st, depth);
        return;
    }
    end_paragraph(h);
    for (const xmlNode *c = n->children; c; c = c->next)
        if (is_el(c, "caption")) {
            walk(h, c, st, depth + 1);
            end_paragraph(h);
        }
    column *cols = cd_arena_alloc(h->arena, (size_t)h->max_cols * sizeof *cols);
    block_break(h->out);
    table_rows(h, n, cols, st, depth + 1);
    block_break(h->out);
}

/* ---------- the walk ---------- */

static void walk(html *h, const xmlNode *n, inline_style st, int depth) {
    if (depth > h->max_depth) return;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        const char *s = (const char *)n->content;
        if (s) add_text(h, s, strlen(s), &st);
        return;
    }
    if (n->type != XML_ELEMENT_NODE || skipped(h, n)) return;
    const char *name = (const char *)n->name;
    int note = footnote_number(h, attr(n, "id"));
    if (!note && !is_el(n, "a")) note = footnote_number(h, attr(n, "name"));
    if (note && !is_el(n, "a")) { /* a footnote's text: it goes at the end */
        end_paragraph(h);
        footnote_body(h, n, note, depth);
        return;
    }
    if (is_el(n, "a")) {
        const char *href = attr(n, "href");
        cd_match m;
        if (href && href[0] == '#' && h->footnote_backlink &&
            cd_rule_search(h->footnote_backlink, href + 1, strlen(href + 1), 0, &m))
            return; /* a footnote's link back to its reference ("1", "↩"): not text */
        int ref = href && href[0] == '#' && mark_text(n) ? footnote_number(h, href + 1) : 0;
        if (ref) {
            add_mark(h, cd_arena_printf(h->arena, "[^%d]", ref));
            return;
        }
    }
    if (!strcmp(name, "br")) {
        line_break(h);
        return;
    }
    if (!strcmp(name, "ul") || !strcmp(name, "ol")) {
        list(h, n, st, depth);
        return;
    }
    if (!strcmp(name, "table")) {
        table(h, n, st, depth);
        return;
    }
    bool block = name_in(name, BLOCKS, sizeof BLOCKS / sizeof *BLOCKS);
    if (block) end_paragraph(h);
    if (!strcmp(name, "pre")) { /* pre keeps its line breaks */
        for (const xmlNode *c = n->children; c; c = c->next) {
            if (c->type != XML_TEXT_NODE) {
                walk(h, c, style_of(h, n, st), depth + 1);
                continue;
            }
            const char *s = (const char *)c->content;
            for (const char *e; s && *s; s = *e ? e + 1 : e) {
                e = s + strcspn(s, "\n");
                add_text(h, s, (size_t)(e - s), &st);
                if (*e) line_break(h);
            }
        }
    } else {
        children(h, n, style_of(h, n, st), depth);
    }
    if (block) end_paragraph(h);
}

/* ---------- the page ---------- */

/* libxml2's message, first line only, ASCII only: it quotes the input's
 * bytes, which need not be UTF-8, and diagnostics must be. */
static void plain_message(const char *msg, char *buf, size_t size) {
    size_t k = 0;
    for (; *msg && *msg != '\n' && k + 1 < size; msg++)
        buf[k++] = (unsigned char)*msg >= 0x20 && (unsigned char)*msg < 0x7f ? *msg : '?';
    buf[k] = 0;
}

/* The charset a <meta> near the start of the page names, or NULL. */
static const char *meta_charset(cd_arena *a, const unsigned char *b, size_t n) {
    if (n > HTML_SNIFF_BYTES) n = HTML_SNIFF_BYTES;
    const char *s = (const char *)b;
    for (size_t i = 0; i + 7 < n; i++) {
        if (strncasecmp(s + i, "charset", 7)) continue;
        size_t k = i + 7;
        while (k < n && is_space(b[k]))
            k++;
        if (k >= n || s[k] != '=') continue;
        k++;
        while (k < n && (is_space(b[k]) || s[k] == '"' || s[k] == '\''))
            k++;
        size_t e = k;
        while (e < n && ((s[e] >= 'a' && s[e] <= 'z') || (s[e] >= 'A' && s[e] <= 'Z') || (s[e] >= '0' && s[e] <= '9') ||
                         s[e] == '-' || s[e] == '_' || s[e] == '.' || s[e] == ':'))
            e++;
        if (e > k) return cd_arena_strndup(a, s + k, e - k);
    }
    return NULL;
}

static void free_page(void *page) { xmlFreeDoc(page); }

/* The xml-depth and xml-nodes limits, enforced while libxml2 builds the
 * tree: its element callback is wrapped, and the first element past a limit
 * stops the parser. */
typedef struct html_guard {
    startElementSAXFunc start;
    uint64_t max_depth, max_nodes, nodes;
    int over; /* 0, or 1 + the cd_limit_id passed */
    int line;
} html_guard;

static void guarded_start(void *ctx, const xmlChar *name, const xmlChar **attrs) {
    htmlParserCtxt *ctxt = ctx;
    html_guard *g = ctxt->_private;
    g->nodes++;
    /* the parser pushes an element on its stack before this call: nameNr is
     * the element's depth in the tree */
    if ((uint64_t)ctxt->nameNr > g->max_depth || g->nodes > g->max_nodes) {
        g->over = 1 + ((uint64_t)ctxt->nameNr > g->max_depth ? CD_LIMIT_XML_DEPTH : CD_LIMIT_XML_NODES);
        g->line = xmlSAX2GetLineNumber(ctx);
        xmlStopParser(ctxt);
        return;
    }
    if (g->start) g->start(ctx, name, attrs);
}

int cd_html_to_text(cd_document *doc, const cd_options *opt, cd_buf *out) {
    xmlInitParser(); /* idempotent, under libxml2's lock: batch workers call this */
    const unsigned char *b = doc->bytes ? doc->bytes : (const unsigned char *)"";
    size_t n = doc->bytes ? doc->n_bytes : 0;
    if (n > (size_t)0x7fffffff) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "limit-exceeded", doc->path, 0, "limit exceeded: HTML page over 2 GB");
        return CD_EXIT_INPUT;
    }
    /* a BOM says it all (UTF-16 is left to libxml2's detection); then the
     * page's own <meta charset>; then UTF-8 */
    const char *encoding = "UTF-8";
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        encoding = NULL;
    else if (!(n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)) {
        const char *declared = meta_charset(&doc->arena, b, n);
        if (declared) encoding = declared;
    }
    htmlParserCtxt *ctxt = htmlNewParserCtxt();
    if (!ctxt) {
        fputs("chidao: out of memory\n", stderr);
        abort();
    }
    html_guard g = {
        ctxt->sax->startElement, cd_limit(opt, CD_LIMIT_XML_DEPTH), cd_limit(opt, CD_LIMIT_XML_NODES), 0, 0, 0};
    ctxt->_private = &g;
    ctxt->sax->startElement = guarded_start;
    /* no network; the HTML parser never loads a DTD nor expands an entity
     * it does not know (an XXE's &xxe; stays text) */
    xmlDoc *page =
        htmlCtxtReadMemory(ctxt, (const char *)b, (int)n, doc->path, encoding,
                           HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER);
    if (g.over) { /* stopped: what was built is only a part of the page */
        xmlFreeDoc(page);
        htmlFreeParserCtxt(ctxt);
        cd_limit_id id = (cd_limit_id)(g.over - 1);
        return cd_limit_exceeded(doc, opt, g.line, id, "the HTML page has %s",
                                 id == CD_LIMIT_XML_DEPTH ? "elements nested deeper" : "more elements");
    }
    if (!page || !xmlDocGetRootElement(page)) {
        const xmlError *err = xmlCtxtGetLastError(ctxt);
        char msg[256];
        plain_message(err && err->message ? err->message : "no document", msg, sizeof msg);
        int line = err ? err->line : 0;
        xmlFreeDoc(page); /* before the diagnostic's allocation: nothing to leak if it fails */
        htmlFreeParserCtxt(ctxt);
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "invalid-html", doc->path, line,
                    "cannot read the HTML page%s%s: %s", encoding ? " as " : "", encoding ? encoding : "", msg);
        return CD_EXIT_INPUT;
    }
    htmlFreeParserCtxt(ctxt);
    /* held across arena allocations: released by the arena if the document
     * runs out of memory (arena.h) */
    cd_arena_cleanup *held = cd_arena_defer(&doc->arena, free_page, page);
    if (encoding && strcasecmp(encoding, "UTF-8") && strcasecmp(encoding, "utf8")) doc->encoding = encoding;
    const cd_rules *rules = opt ? opt->rules : NULL;
    html h = {.doc = doc,
              .arena = &doc->arena,
              .out = out,
              .all_bold = true,
              .max_depth = (int)cd_limit(opt, CD_LIMIT_XML_DEPTH),
              .max_cols = (int)cd_limit(opt, CD_LIMIT_COLUMNS)};
    if (rules) {
        h.chrome_tags = cd_rules_get(rules, "html", "html-chrome-tags");
        h.chrome_words = cd_rules_get(rules, "html", "html-chrome");
        h.footnote_target = cd_rules_get(rules, "html", "footnote-target");
        h.footnote_backlink = cd_rules_get(rules, "html", "footnote-backlink");
    }
    cd_buf_init(&h.line, h.arena);
    inline_style plain = {false, NULL};
    walk(&h, xmlDocGetRootElement(page), plain, 0);
    end_paragraph(&h);
    if (h.n_notes) block_break(out);
    for (size_t i = 0; i < h.n_notes; i++)
        cd_buf_adds(out, cd_arena_printf(h.arena, "[^%d]: %s\n", h.notes[i].number, h.notes[i].text));
    if (!out->len) cd_buf_addc(out, '\n'); /* nothing to read: the text path says so */
    xmlFreeDoc(page);
    cd_arena_undefer(held);
    if (h.wide_row)
        return cd_limit_exceeded(doc, opt, h.wide_line, CD_LIMIT_COLUMNS, "an HTML table row of %d cells", h.wide_row);
    return CD_EXIT_OK;
}
