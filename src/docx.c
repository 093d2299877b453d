/* docx.c — a DOCX package to chidao's text form (decode.h).
 *
 * libzip opens the package from memory and inflates the parts by their fixed
 * names (an entry name is never used as a file path); libxml2 parses them
 * with no network and no entity expansion.  word/document.xml gives the
 * paragraphs and tables; word/numbering.xml the list labels Word generates
 * (w:numPr), which are written out as printed; word/styles.xml what a style
 * contributes (bold, font, numbering); word/footnotes.xml the footnote
 * texts.  Text set in a legacy Vietnamese font (".VnTime", "VNI-Times")
 * goes through cd_font_text_to_utf8. */
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "convert.h"
#include "limits.h"

/* Caps from limits.h: zip-part-size (a part inflating to more is refused,
 * whatever its header claims), zip-entries, zip-ratio, xml-depth and
 * xml-nodes (counted as libxml2 builds the tree, so that neither hostile
 * nesting nor millions of empty elements get past the parser). */
/* Parts that inflate to less than this are not held to zip-ratio: a small
 * part of repeated markup may compress a hundredfold and costs nothing. */
#define ZIP_RATIO_FLOOR (1u << 20)
/* Style inheritance (w:basedOn) followed at most this far: stops cycles. */
#define DOCX_MAX_STYLE_CHAIN 16
/* Word's list levels: w:ilvl 0..8. */
#define DOCX_LEVELS 9
/* A cell spans at most this many grid columns (w:gridSpan, w:gridBefore). */
#define DOCX_MAX_SPAN 64

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char W_NS_STRICT[] = "http://purl.oclc.org/ooxml/wordprocessingml/main";
static const char MC_NS[] = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/* ---------- the package ---------- */

typedef struct {
    cd_document *doc;
    zip_t *zip;
    const cd_options *opt;
} package;

static void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n);
    if (!q) {
        fputs("chidao: out of memory\n", stderr);
        abort();
    }
    return q;
}

/* Inflate the entry named part (at most the zip-part-size limit, and at
 * most zip-ratio times its compressed size) into a malloc'ed buffer the
 * caller frees.  *found is false when there is no such entry; NULL with an
 * error diagnostic when it cannot be read. */
static char *inflate_part(package *pkg, const char *part, size_t *len, bool *found) {
    *found = false;
    zip_int64_t index = zip_name_locate(pkg->zip, part, 0);
    if (index < 0) return NULL;
    *found = true;
    size_t max = (size_t)cd_limit(pkg->opt, CD_LIMIT_ZIP_PART_SIZE);
    uint64_t ratio = cd_limit(pkg->opt, CD_LIMIT_ZIP_RATIO);
    /* the compressed size as the directory says, but no more than the whole
     * file: a header cannot buy a part more room */
    zip_stat_t st;
    uint64_t packed = pkg->doc->n_bytes;
    if (zip_stat_index(pkg->zip, (zip_uint64_t)index, 0, &st) == 0 && (st.valid & ZIP_STAT_COMP_SIZE) &&
        st.comp_size < packed)
        packed = st.comp_size;
    if (!packed) packed = 1;
    zip_file_t *f = zip_fopen_index(pkg->zip, (zip_uint64_t)index, 0);
    if (!f) {
        cd_diag_add(&pkg->doc->diags, CD_SEV_ERROR, "invalid-docx", pkg->doc->path, 0,
                    "DOCX entry %s cannot be read: %s", part, zip_strerror(pkg->zip));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = xrealloc(NULL, cap);
    for (;;) {
        bool too_big = n > max, bomb = n > ZIP_RATIO_FLOOR && n / packed > ratio;
        if (too_big || bomb) {
            zip_fclose(f); /* before the diagnostic's allocation: nothing to leak if it fails */
            free(buf);
            if (too_big)
                cd_limit_exceeded(pkg->doc, pkg->opt, 0, CD_LIMIT_ZIP_PART_SIZE,
                                  "DOCX entry %s inflates to more than %zu bytes", part, max);
            else
                cd_limit_exceeded(pkg->doc, pkg->opt, 0, CD_LIMIT_ZIP_RATIO,
                                  "DOCX entry %s inflates to over %llu times its %llu compressed bytes", part,
                                  (unsigned long long)ratio, (unsigned long long)packed);
            return NULL;
        }
        if (n == cap) {
            /* one byte over the cap is enough to know */
            cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            buf = xrealloc(buf, cap);
        }
        zip_int64_t got = zip_fread(f, buf + n, cap - n);
        if (got < 0) {
            char why[256];
            snprintf(why, sizeof why, "%s", zip_file_strerror(f));
            zip_fclose(f);
            free(buf);
            cd_diag_add(&pkg->doc->diags, CD_SEV_ERROR, "invalid-docx", pkg->doc->path, 0,
                        "DOCX entry %s is corrupt: %s", part, why);
            return NULL;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    zip_fclose(f);
    *len = n;
    return buf;
}

/* libxml2's message, first line only, ASCII only: it quotes the input's
 * bytes, which need not be UTF-8, and diagnostics must be. */
static void plain_message(const char *msg, char *buf, size_t size) {
    size_t k = 0;
    for (; *msg && *msg != '\n' && k + 1 < size; msg++)
        buf[k++] = (unsigned char)*msg >= 0x20 && (unsigned char)*msg < 0x7f ? *msg : '?';
    buf[k] = 0;
}

/* The xml-depth and xml-nodes limits, enforced while libxml2 builds the
 * tree: its element callbacks are wrapped, and the first element past a
 * limit stops the parser. */
typedef struct xml_guard {
    startElementNsSAX2Func start;
    endElementNsSAX2Func end;
    uint64_t max_depth, max_nodes, depth, nodes;
    int over; /* 0, or 1 + the cd_limit_id passed */
    int line;
} xml_guard;

static void guarded_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int n_ns,
                          const xmlChar **ns, int n_attrs, int n_defaulted, const xmlChar **attrs) {
    xmlParserCtxt *ctxt = ctx;
    xml_guard *g = ctxt->_private;
    g->depth++;
    g->nodes++;
    if (g->depth > g->max_depth || g->nodes > g->max_nodes) {
        g->over = 1 + (g->depth > g->max_depth ? CD_LIMIT_XML_DEPTH : CD_LIMIT_XML_NODES);
        g->line = xmlSAX2GetLineNumber(ctx);
        xmlStopParser(ctxt);
        return;
    }
    if (g->start) g->start(ctx, local, prefix, uri, n_ns, ns, n_attrs, n_defaulted, attrs);
}

static void guarded_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri) {
    xmlParserCtxt *ctxt = ctx;
    xml_guard *g = ctxt->_private;
    g->depth--;
    if (g->end) g->end(ctx, local, prefix, uri);
}

/* Parse a part.  NULL either when it is absent (*rc stays OK) or when it is
 * unreadable or not well-formed XML or over a limit (*rc = CD_EXIT_INPUT,
 * diagnostic added). */
static xmlDoc *parse_part(package *pkg, const char *part, int *rc) {
    size_t len = 0;
    bool found;
    char *bytes = inflate_part(pkg, part, &len, &found);
    if (!bytes) {
        if (found) *rc = CD_EXIT_INPUT;
        return NULL;
    }
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        fputs("chidao: out of memory\n", stderr);
        abort();
    }
    xml_guard g = {ctxt->sax->startElementNs,
                   ctxt->sax->endElementNs,
                   cd_limit(pkg->opt, CD_LIMIT_XML_DEPTH),
                   cd_limit(pkg->opt, CD_LIMIT_XML_NODES),
                   0,
                   0,
                   0,
                   0};
    ctxt->_private = &g;
    ctxt->sax->startElementNs = guarded_start;
    ctxt->sax->endElementNs = guarded_end;
    /* no network, no DTD loading, no entity substitution (no
     * XML_PARSE_NOENT, XML_PARSE_DTDLOAD): a hostile part cannot reach out
     * (XXE) or blow up (billion laughs) */
    xmlDoc *xml =
        xmlCtxtReadMemory(ctxt, bytes, (int)len, part, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (g.over && xml) { /* stopped: what was built is only a part of the part */
        xmlFreeDoc(xml);
        xml = NULL;
    }
    const xmlError *err = xml ? NULL : xmlCtxtGetLastError(ctxt);
    char msg[256];
    plain_message(err && err->message ? err->message : "parse error", msg, sizeof msg);
    int line = err ? err->line : 0;
    xmlFreeParserCtxt(ctxt); /* before the diagnostic's allocation: nothing to leak if it fails */
    free(bytes);
    if (g.over) {
        cd_limit_id id = (cd_limit_id)(g.over - 1);
        cd_limit_exceeded(pkg->doc, pkg->opt, 0, id, "DOCX entry %s, line %d: %s", part, g.line,
                          id == CD_LIMIT_XML_DEPTH ? "elements nested deeper" : "more elements");
        *rc = CD_EXIT_INPUT;
    } else if (!xml) {
        cd_diag_add(&pkg->doc->diags, CD_SEV_ERROR, "invalid-docx", pkg->doc->path, 0,
                    "DOCX entry %s is not well-formed XML (line %d): %s", part, line, msg);
        *rc = CD_EXIT_INPUT;
    }
    return xml;
}

/* ---------- WordprocessingML helpers ---------- */

static bool w_ns(const xmlNs *ns) {
    return ns && (!strcmp((const char *)ns->href, W_NS) || !strcmp((const char *)ns->href, W_NS_STRICT));
}

/* Is n the element w:<local>? */
static bool is_w(const xmlNode *n, const char *local) {
    return n && n->type == XML_ELEMENT_NODE && w_ns(n->ns) && !strcmp((const char *)n->name, local);
}

static const char *attr(const xmlNode *n, const char *local) {
    for (const xmlAttr *a = n ? n->properties : NULL; a; a = a->next)
        if (w_ns(a->ns) && !strcmp((const char *)a->name, local) && a->children && a->children->type == XML_TEXT_NODE)
            return (const char *)a->children->content;
    return NULL;
}

static xmlNode *child(const xmlNode *n, const char *local) {
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is_w(c, local)) return c;
    return NULL;
}

static int int_attr(const xmlNode *n, const char *local, int fallback) {
    const char *v = attr(n, local);
    if (!v) return fallback;
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || x < -1000000 || x > 1000000) return fallback;
    return (int)x;
}

/* A toggle property (<w:b/>, <w:b w:val="0"/>): -1 absent, 0 off, 1 on. */
static int toggle(const xmlNode *props, const char *local) {
    const xmlNode *p = child(props, local);
    if (!p) return -1;
    const char *v = attr(p, "val");
    return !v || (strcmp(v, "0") && strcmp(v, "false") && strcmp(v, "off"));
}

static const char *font_of(const xmlNode *rpr) {
    const xmlNode *fonts = child(rpr, "rFonts");
    const char *f = attr(fonts, "ascii");
    return f ? f : attr(fonts, "hAnsi");
}

/* ---------- styles ---------- */

typedef struct {
    const char *id, *based_on;
    int bold;         /* -1 not set */
    const char *font; /* NULL not set */
    const char *num_id;
    int ilvl;
} style;

typedef struct {
    style *items;
    size_t n;
    int default_bold;
    const char *default_font;
} styles;

static void read_styles(cd_arena *a, xmlDoc *xml, styles *st) {
    st->default_bold = 0;
    xmlNode *root = xml ? xmlDocGetRootElement(xml) : NULL;
    xmlNode *defaults = child(child(child(root, "docDefaults"), "rPrDefault"), "rPr");
    if (toggle(defaults, "b") == 1) st->default_bold = 1;
    st->default_font = font_of(defaults);
    for (xmlNode *s = root ? root->children : NULL; s; s = s->next) {
        if (!is_w(s, "style") || !attr(s, "styleId")) continue;
        st->items = cd_arena_grow(a, st->items, sizeof *st->items, st->n, st->n + 1);
        style *x = &st->items[st->n++];
        x->id = attr(s, "styleId");
        x->based_on = attr(child(s, "basedOn"), "val");
        xmlNode *rpr = child(s, "rPr");
        x->bold = toggle(rpr, "b");
        x->font = font_of(rpr);
        xmlNode *num = child(child(s, "pPr"), "numPr");
        x->num_id = attr(child(num, "numId"), "val");
        x->ilvl = int_attr(child(num, "ilvl"), "val", 0);
    }
}

static const style *find_style(const styles *st, const char *id) {
    for (size_t i = 0; id && i < st->n; i++)
        if (!strcmp(st->items[i].id, id)) return &st->items[i];
    return NULL;
}

/* Bold as a style (and the styles it is based on) sets it; -1 if none does. */
static int style_bold(const styles *st, const char *id) {
    const style *s = find_style(st, id);
    for (int depth = 0; s && depth < DOCX_MAX_STYLE_CHAIN; depth++, s = find_style(st, s->based_on))
        if (s->bold >= 0) return s->bold;
    return -1;
}

static const char *style_font(const styles *st, const char *id) {
    const style *s = find_style(st, id);
    for (int depth = 0; s && depth < DOCX_MAX_STYLE_CHAIN; depth++, s = find_style(st, s->based_on))
        if (s->font) return s->font;
    return NULL;
}

static const style *style_numbering(const styles *st, const char *id) {
    const style *s = find_style(st, id);
    for (int depth = 0; s && depth < DOCX_MAX_STYLE_CHAIN; depth++, s = find_style(st, s->based_on))
        if (s->num_id) return s;
    return NULL;
}

/* ---------- numbering ---------- */

typedef struct {
    const char *format; /* w:numFmt: decimal, lowerLetter, upperRoman, bullet ... */
    const char *text;   /* w:lvlText: "%1.", "%1)", "%1.%2." */
    int start;
} level;

typedef struct {
    const char *id;
    level levels[DOCX_LEVELS];
} abstract_num;

typedef struct {
    const char *id;
    const abstract_num *abstract;
    int start_override[DOCX_LEVELS]; /* -1: none */
    int count[DOCX_LEVELS];
    bool started[DOCX_LEVELS];
} list;

typedef struct {
    abstract_num *abstracts;
    size_t n_abstracts;
    list *lists;
    size_t n_lists;
} numbering;

static void read_levels(xmlNode *parent, level *levels) {
    for (xmlNode *l = parent->children; l; l = l->next) {
        if (!is_w(l, "lvl")) continue;
        int i = int_attr(l, "ilvl", -1);
        if (i < 0 || i >= DOCX_LEVELS) continue;
        levels[i].format = attr(child(l, "numFmt"), "val");
        levels[i].text = attr(child(l, "lvlText"), "val");
        levels[i].start = int_attr(child(l, "start"), "val", 1);
    }
}

static void read_numbering(cd_arena *a, xmlDoc *xml, numbering *nb) {
    xmlNode *root = xml ? xmlDocGetRootElement(xml) : NULL;
    for (xmlNode *n = root ? root->children : NULL; n; n = n->next) {
        if (!is_w(n, "abstractNum") || !attr(n, "abstractNumId")) continue;
        nb->abstracts = cd_arena_grow(a, nb->abstracts, sizeof *nb->abstracts, nb->n_abstracts, nb->n_abstracts + 1);
        abstract_num *x = &nb->abstracts[nb->n_abstracts++];
        x->id = attr(n, "abstractNumId");
        read_levels(n, x->levels);
    }
    for (xmlNode *n = root ? root->children : NULL; n; n = n->next) {
        if (!is_w(n, "num") || !attr(n, "numId")) continue;
        const char *abstract_id = attr(child(n, "abstractNumId"), "val");
        const abstract_num *abstract = NULL;
        for (size_t i = 0; abstract_id && i < nb->n_abstracts; i++)
            if (!strcmp(nb->abstracts[i].id, abstract_id)) abstract = &nb->abstracts[i];
        if (!abstract) continue;
        nb->lists = cd_arena_grow(a, nb->lists, sizeof *nb->lists, nb->n_lists, nb->n_lists + 1);
        list *x = &nb->lists[nb->n_lists++];
        x->id = attr(n, "numId");
        x->abstract = abstract;
        for (int i = 0; i < DOCX_LEVELS; i++)
            x->start_override[i] = -1;
        for (xmlNode *o = n->children; o; o = o->next) {
            int i = is_w(o, "lvlOverride") ? int_attr(o, "ilvl", -1) : -1;
            if (i >= 0 && i < DOCX_LEVELS) x->start_override[i] = int_attr(child(o, "startOverride"), "val", -1);
        }
    }
}

static int level_start(const list *l, int i) {
    return l->start_override[i] >= 0 ? l->start_override[i] : l->abstract->levels[i].start;
}

static void add_roman(cd_buf *b, int n, bool upper) {
    static const int values[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    static const char *const lower[] = {"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"};
    static const char *const upper_[] = {"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"};
    if (n <= 0 || n >= 4000) {
        char num[16];
        snprintf(num, sizeof num, "%d", n);
        cd_buf_adds(b, num);
        return;
    }
    for (int i = 0; n > 0; i++)
        for (; n >= values[i]; n -= values[i])
            cd_buf_adds(b, upper ? upper_[i] : lower[i]);
}

/* A counter as a level's w:numFmt prints it. */
static void add_counter(cd_buf *b, const char *format, int n) {
    char num[16];
    if (!format) format = "decimal";
    if (!strcmp(format, "lowerLetter") || !strcmp(format, "upperLetter")) {
        /* Word: a..z, then aa..zz, aaa.. */
        if (n < 1) n = 1;
        char c = (char)((!strcmp(format, "lowerLetter") ? 'a' : 'A') + (n - 1) % 26);
        for (int k = 0; k <= (n - 1) / 26 && k < 8; k++)
            cd_buf_addc(b, c);
    } else if (!strcmp(format, "lowerRoman") || !strcmp(format, "upperRoman")) {
        add_roman(b, n, format[0] == 'u');
    } else if (!strcmp(format, "decimalZero")) {
        snprintf(num, sizeof num, "%02d", n);
        cd_buf_adds(b, num);
    } else if (strcmp(format, "none")) {
        snprintf(num, sizeof num, "%d", n); /* decimal and every other format */
        cd_buf_adds(b, num);
    }
}

/* Advance list num_id at level ilvl and append its label ("1.", "a)",
 * "II.", "-" for a bullet) followed by a space. */
static void add_label(cd_arena *a, numbering *nb, const char *num_id, int ilvl, cd_buf *b) {
    list *l = NULL;
    for (size_t i = 0; num_id && i < nb->n_lists; i++)
        if (!strcmp(nb->lists[i].id, num_id)) l = &nb->lists[i];
    if (!l || ilvl < 0 || ilvl >= DOCX_LEVELS) return; /* numId 0: numbering switched off */
    l->count[ilvl] = l->started[ilvl] ? l->count[ilvl] + 1 : level_start(l, ilvl);
    l->started[ilvl] = true;
    for (int deeper = ilvl + 1; deeper < DOCX_LEVELS; deeper++)
        l->started[deeper] = false; /* a lower level restarts after a higher one */
    const level *lv = &l->abstract->levels[ilvl];
    if (lv->format && !strcmp(lv->format, "bullet")) {
        cd_buf_adds(b, "- ");
        return;
    }
    const char *t = lv->text;
    if (!t || !*t) return;
    cd_buf label;
    cd_buf_init(&label, a);
    for (; *t; t++) {
        if (t[0] == '%' && t[1] >= '1' && t[1] <= '9') {
            int k = t[1] - '1';
            int n = k <= ilvl && l->started[k] ? l->count[k] : level_start(l, k < DOCX_LEVELS ? k : 0);
            add_counter(&label, l->abstract->levels[k].format, n);
            t++;
        } else {
            cd_buf_addc(&label, *t);
        }
    }
    if (label.len) {
        cd_buf_add(b, label.data, label.len);
        cd_buf_addc(b, ' ');
    }
}

/* ---------- the converter ---------- */

typedef struct {
    cd_document *doc;
    cd_arena *arena;
    styles styles;
    numbering numbering;
    xmlDoc *footnotes;
    const char **footnote_ids; /* w:id of footnote N+1, in order of reference */
    size_t n_footnotes;
    int max_depth; /* xml-depth: the parser refused deeper parts, so this never stops a walk */
} docx;

/* Text boxes (w:txbxContent) anchored in a paragraph: their paragraphs
 * follow it. */
typedef struct {
    const xmlNode **items;
    size_t n;
} boxes;

/* A paragraph being assembled. */
typedef struct {
    cd_buf *text;
    const char *para_style;
    bool has_text, all_bold;
    boxes *boxes;
} para;

/* The text boxes inside a drawing; of an mc:AlternateContent only the
 * mc:Choice, whose mc:Fallback repeats the same text for older readers. */
static void find_boxes(docx *d, const xmlNode *n, boxes *b, int depth) {
    if (depth > d->max_depth) return;
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (c->ns && !strcmp((const char *)c->ns->href, MC_NS) && !strcmp((const char *)c->name, "Fallback")) continue;
        if (is_w(c, "txbxContent")) {
            b->items = cd_arena_grow(d->arena, b->items, sizeof *b->items, b->n, b->n + 1);
            b->items[b->n++] = c;
        } else {
            find_boxes(d, c, b, depth + 1);
        }
    }
}

static bool all_space(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') return false;
    return true;
}

static bool run_bold(const docx *d, const para *p, const xmlNode *rpr) {
    int b = toggle(rpr, "b");
    if (b < 0) b = style_bold(&d->styles, attr(child(rpr, "rStyle"), "val"));
    if (b < 0) b = style_bold(&d->styles, p->para_style);
    return b < 0 ? d->styles.default_bold : b;
}

static const char *run_font(const docx *d, const para *p, const xmlNode *rpr) {
    const char *f = font_of(rpr);
    if (!f) f = style_font(&d->styles, attr(child(rpr, "rStyle"), "val"));
    if (!f) f = style_font(&d->styles, p->para_style);
    return f ? f : d->styles.default_font;
}

static void footnote_reference(docx *d, para *p, const char *id) {
    size_t n = 0;
    while (n < d->n_footnotes && strcmp(d->footnote_ids[n], id))
        n++;
    if (n == d->n_footnotes) {
        d->footnote_ids = cd_arena_grow(d->arena, d->footnote_ids, sizeof *d->footnote_ids, n, n + 1);
        d->footnote_ids[d->n_footnotes++] = id;
    }
    char mark[32];
    snprintf(mark, sizeof mark, "[^%zu]", n + 1);
    cd_buf_adds(p->text, mark);
}

/* The text of one run: w:t in its font's encoding, w:tab as a space, w:br
 * as a new line, footnote references as [^N]. */
static void run(docx *d, para *p, const xmlNode *r) {
    const xmlNode *rpr = child(r, "rPr");
    if (toggle(rpr, "vanish") == 1) return; /* hidden text */
    bool bold = run_bold(d, p, rpr);
    const char *font = NULL;
    bool font_known = false;
    for (const xmlNode *c = r->children; c; c = c->next) {
        if (is_w(c, "t")) {
            /* text nodes only: an entity reference (never expanded) is left out */
            for (const xmlNode *t = c->children; t; t = t->next) {
                if ((t->type != XML_TEXT_NODE && t->type != XML_CDATA_SECTION_NODE) || !t->content) continue;
                const char *s = (const char *)t->content;
                size_t n = strlen(s);
                if (!font_known) font = run_font(d, p, rpr), font_known = true;
                if (!font || !cd_font_text_to_utf8(font, s, n, p->text)) cd_buf_add(p->text, s, n);
                if (!all_space(s, n)) {
                    p->has_text = true;
                    if (!bold) p->all_bold = false;
                }
            }
        } else if (is_w(c, "tab") || is_w(c, "ptab")) {
            cd_buf_addc(p->text, ' '); /* tabs separate cells in the text form */
        } else if (is_w(c, "br") || is_w(c, "cr")) {
            const char *type = attr(c, "type");
            cd_buf_addc(p->text, type && strcmp(type, "textWrapping") ? ' ' : '\n');
        } else if (is_w(c, "noBreakHyphen")) {
            cd_buf_addc(p->text, '-');
        } else if (is_w(c, "footnoteReference") && attr(c, "id")) {
            footnote_reference(d, p, attr(c, "id"));
        } else if (is_w(c, "drawing") || is_w(c, "pict") ||
                   (c->type == XML_ELEMENT_NODE && c->ns && !strcmp((const char *)c->ns->href, MC_NS))) {
            find_boxes(d, c, p->boxes, 0);
        }
    }
}

/* Runs and the inline containers around them (hyperlinks, insertions,
 * fields, content controls); deleted text is skipped. */
static void inline_content(docx *d, para *p, const xmlNode *parent, int depth) {
    if (!parent || depth > d->max_depth) return;
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (is_w(c, "r"))
            run(d, p, c);
        else if (is_w(c, "sdt"))
            inline_content(d, p, child(c, "sdtContent"), depth + 1);
        else if (is_w(c, "hyperlink") || is_w(c, "ins") || is_w(c, "moveTo") || is_w(c, "smartTag") ||
                 is_w(c, "fldSimple") || is_w(c, "customXml") || is_w(c, "dir") || is_w(c, "bdo"))
            inline_content(d, p, c, depth + 1);
    }
}

/* Trim each line of s and drop empty ones; a tab left in the text is a
 * space (tabs separate cells in the text form). */
static void tidy_lines(cd_buf *out, const char *s, size_t n) {
    size_t i = 0;
    bool first = true;
    while (i < n) {
        size_t e = i;
        while (e < n && s[e] != '\n')
            e++;
        size_t a = i, z = e;
        while (a < z && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
            a++;
        while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t' || s[z - 1] == '\r'))
            z--;
        if (z > a) {
            if (!first) cd_buf_addc(out, '\n');
            for (size_t k = a; k < z; k++)
                cd_buf_addc(out, s[k] == '\t' || s[k] == '\r' ? ' ' : s[k]);
            first = false;
        }
        i = e + 1;
    }
}

/* A paragraph's printed text: its list label, then its runs, lines trimmed.
 * *bold: every run with text in it is bold; *in_boxes: its text boxes. */
static void paragraph(docx *d, const xmlNode *p, cd_buf *out, bool *bold, boxes *in_boxes) {
    cd_buf raw;
    cd_buf_init(&raw, d->arena);
    const xmlNode *ppr = child(p, "pPr");
    para st = {&raw, attr(child(ppr, "pStyle"), "val"), false, true, in_boxes};
    const xmlNode *num = child(ppr, "numPr");
    const char *num_id = attr(child(num, "numId"), "val");
    int ilvl = int_attr(child(num, "ilvl"), "val", 0);
    if (!num) { /* numbering that comes with the paragraph's style */
        const style *s = style_numbering(&d->styles, st.para_style);
        if (s) num_id = s->num_id, ilvl = s->ilvl;
    }
    if (num_id) add_label(d->arena, &d->numbering, num_id, ilvl, &raw);
    inline_content(d, &st, p, 0);
    tidy_lines(out, raw.data ? raw.data : "", raw.len);
    *bold = st.has_text && st.all_bold;
}

/* Everything in a table cell on one line: paragraphs joined by a space
 * (nested tables too); tabs and line breaks become spaces. */
static void cell_text(docx *d, const xmlNode *parent, cd_buf *cell, int depth) {
    if (!parent || depth > d->max_depth) return;
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (is_w(c, "p")) {
            cd_buf line;
            cd_buf_init(&line, d->arena);
            bool bold;
            boxes in_boxes = {0};
            paragraph(d, c, &line, &bold, &in_boxes);
            if (line.len && cell->len) cd_buf_addc(cell, ' ');
            for (size_t i = 0; i < line.len; i++)
                cd_buf_addc(cell, line.data[i] == '\n' || line.data[i] == '\t' ? ' ' : line.data[i]);
            for (size_t i = 0; i < in_boxes.n; i++)
                cell_text(d, in_boxes.items[i], cell, depth + 1);
        } else if (is_w(c, "tbl") || is_w(c, "tr") || is_w(c, "tc") || is_w(c, "sdt") || is_w(c, "sdtContent") ||
                   is_w(c, "customXml")) {
            cell_text(d, c, cell, depth + 1);
        }
    }
}

/* The cells of a row (w:tc, also inside content controls), each followed
 * by empty cells for the grid columns it spans; *cells counts positions. */
/* Grid columns whose vertically merged text is remembered; wider tables
 * just leave merged positions empty past it. */
#define DOCX_MERGE_COLUMNS 256

/* The text of the vMerge "restart" cell above each grid column. */
typedef struct merges {
    const char *text[DOCX_MERGE_COLUMNS];
} merges;

static void row_cells(docx *d, const xmlNode *parent, cd_buf *row, int *cells, bool *any, merges *mg, int depth) {
    if (!parent || depth > d->max_depth) return;
    for (const xmlNode *tc = parent->children; tc; tc = tc->next) {
        if (is_w(tc, "sdt"))
            row_cells(d, child(tc, "sdtContent"), row, cells, any, mg, depth + 1);
        else if (is_w(tc, "customXml"))
            row_cells(d, tc, row, cells, any, mg, depth + 1);
        if (!is_w(tc, "tc")) continue;
        const xmlNode *tcpr = child(tc, "tcPr");
        int span = int_attr(child(tcpr, "gridSpan"), "val", 1);
        if (span < 1 || span > DOCX_MAX_SPAN) span = 1;
        /* vMerge "restart" holds the text; a bare vMerge or "continue" is
         * a position the cell above covers: it gets that text too, as the
         * contract gives a cell two rows share to both (a lead or deadline
         * merged down several rows belongs to each) */
        const xmlNode *vmerge = child(tcpr, "vMerge");
        const char *merge = attr(vmerge, "val");
        bool covered = vmerge && (!merge || !strcmp(merge, "continue"));
        int col = *cells;
        if (*cells) cd_buf_addc(row, '\t');
        if (covered) {
            if (col < DOCX_MERGE_COLUMNS && mg->text[col]) cd_buf_adds(row, mg->text[col]);
        } else {
            cd_buf cell;
            cd_buf_init(&cell, d->arena);
            cell_text(d, tc, &cell, depth + 1);
            if (cell.len) *any = true;
            cd_buf_add(row, cell.data ? cell.data : "", cell.len);
            if (col < DOCX_MERGE_COLUMNS) mg->text[col] = vmerge ? cd_buf_str(&cell) : NULL;
        }
        for (int i = 1; i < span; i++)
            cd_buf_addc(row, '\t');
        *cells += span;
    }
}

/* One w:tr as a line of tab-separated cells: a horizontally merged cell's
 * text in its first cell and empty cells for the positions it spans, a
 * vertically merged cell's text in every row it covers.  A row with nothing
 * of its own in it is left out. */
static void table_row(docx *d, const xmlNode *tr, cd_buf *out, merges *mg) {
    cd_buf row;
    cd_buf_init(&row, d->arena);
    int before = int_attr(child(child(tr, "trPr"), "gridBefore"), "val", 0);
    if (before < 0 || before > DOCX_MAX_SPAN) before = 0;
    int cells = 0;
    for (; cells < before; cells++)
        if (cells) cd_buf_addc(&row, '\t');
    bool any = false;
    row_cells(d, tr, &row, &cells, &any, mg, 0);
    if (!any) return;
    cd_buf_add(out, row.data, row.len);
    cd_buf_addc(out, '\n');
}

/* Start a new block: a blank line after whatever came before. */
static void block_break(cd_buf *out) {
    if (!out->len) return;
    if (out->data[out->len - 1] != '\n') cd_buf_addc(out, '\n');
    if (out->len < 2 || out->data[out->len - 2] != '\n') cd_buf_addc(out, '\n');
}

static void table_rows(docx *d, const xmlNode *parent, cd_buf *out, merges *mg, int depth) {
    if (!parent || depth > d->max_depth) return;
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (is_w(c, "tr"))
            table_row(d, c, out, mg);
        else if (is_w(c, "sdt"))
            table_rows(d, child(c, "sdtContent"), out, mg, depth + 1); /* content controls */
        else if (is_w(c, "customXml"))
            table_rows(d, c, out, mg, depth + 1);
    }
}

/* A table: one line per row, a blank line before and after. */
static void table(docx *d, const xmlNode *tbl, cd_buf *out) {
    merges *mg = cd_arena_alloc(d->arena, sizeof *mg);
    block_break(out);
    table_rows(d, tbl, out, mg, 0);
    block_break(out);
}

/* Paragraphs (one per line, a blank line between, "**…**" when bold as a
 * whole) and tables, in document order. */
static void block_content(docx *d, const xmlNode *parent, cd_buf *out, int depth) {
    if (!parent || depth > d->max_depth) return;
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (is_w(c, "p")) {
            cd_buf line;
            cd_buf_init(&line, d->arena);
            bool bold;
            boxes in_boxes = {0};
            paragraph(d, c, &line, &bold, &in_boxes);
            if (line.len) {
                block_break(out);
                if (bold) cd_buf_adds(out, "**");
                cd_buf_add(out, line.data, line.len);
                if (bold) cd_buf_adds(out, "**");
                cd_buf_addc(out, '\n');
            }
            for (size_t i = 0; i < in_boxes.n; i++)
                block_content(d, in_boxes.items[i], out, depth + 1);
        } else if (is_w(c, "tbl")) {
            table(d, c, out);
        } else if (is_w(c, "sdt")) {
            block_content(d, child(c, "sdtContent"), out, depth + 1);
        } else if (is_w(c, "customXml") || is_w(c, "ins") || is_w(c, "moveTo")) {
            block_content(d, c, out, depth + 1);
        }
    }
}

/* "[^N]: text" lines for the footnotes referenced, in order. */
static void footnotes(docx *d, cd_buf *out) {
    xmlNode *root = d->footnotes ? xmlDocGetRootElement(d->footnotes) : NULL;
    bool first = true;
    for (size_t i = 0; i < d->n_footnotes; i++) {
        const xmlNode *note = NULL;
        for (xmlNode *f = root ? root->children : NULL; f && !note; f = f->next)
            if (is_w(f, "footnote") && attr(f, "id") && !strcmp(attr(f, "id"), d->footnote_ids[i])) note = f;
        if (!note) continue;
        cd_buf text;
        cd_buf_init(&text, d->arena);
        cell_text(d, note, &text, 0);
        if (first) block_break(out);
        first = false;
        char mark[32];
        snprintf(mark, sizeof mark, "[^%zu]: ", i + 1);
        cd_buf_adds(out, mark);
        cd_buf_add(out, text.data ? text.data : "", text.len);
        cd_buf_addc(out, '\n');
    }
}

static void discard_zip(void *zip) { zip_discard(zip); }
static void free_xml(void *xml) { xmlFreeDoc(xml); }

int cd_docx_to_text(cd_document *doc, const cd_options *opt, cd_buf *out) {
    xmlInitParser(); /* idempotent, under libxml2's lock: batch workers call this */
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(doc->bytes, doc->n_bytes, 0, &zerr);
    zip_t *zip = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
    if (!zip) {
        char why[256]; /* libzip's message, copied: nothing held across the diagnostic's allocation */
        snprintf(why, sizeof why, "%s", zip_error_strerror(&zerr));
        if (src) zip_source_free(src);
        zip_error_fini(&zerr);
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "invalid-docx", doc->path, 0, "not a DOCX file: %s", why);
        return CD_EXIT_INPUT;
    }
    zip_error_fini(&zerr);
    /* held across arena allocations: released by the arena if the document
     * runs out of memory (arena.h) */
    cd_arena_cleanup *held[5] = {cd_arena_defer(&doc->arena, discard_zip, zip)};
    package pkg = {doc, zip, opt};
    zip_int64_t entries = zip_get_num_entries(zip, 0);
    if (entries < 0 || (uint64_t)entries > cd_limit(opt, CD_LIMIT_ZIP_ENTRIES)) {
        zip_discard(zip);
        cd_arena_undefer(held[0]);
        return cd_limit_exceeded(doc, opt, 0, CD_LIMIT_ZIP_ENTRIES, "the DOCX zip has %lld entries",
                                 (long long)entries);
    }
    int rc = CD_EXIT_OK;
    xmlDoc *body = parse_part(&pkg, "word/document.xml", &rc);
    held[1] = cd_arena_defer(&doc->arena, free_xml, body);
    if (!body && rc == CD_EXIT_OK) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "invalid-docx", doc->path, 0,
                    "not a DOCX file: the zip has no word/document.xml");
        rc = CD_EXIT_INPUT;
    }
    xmlDoc *style_xml = rc == CD_EXIT_OK ? parse_part(&pkg, "word/styles.xml", &rc) : NULL;
    held[2] = cd_arena_defer(&doc->arena, free_xml, style_xml);
    xmlDoc *numbering_xml = rc == CD_EXIT_OK ? parse_part(&pkg, "word/numbering.xml", &rc) : NULL;
    held[3] = cd_arena_defer(&doc->arena, free_xml, numbering_xml);
    xmlDoc *footnote_xml = rc == CD_EXIT_OK ? parse_part(&pkg, "word/footnotes.xml", &rc) : NULL;
    held[4] = cd_arena_defer(&doc->arena, free_xml, footnote_xml);
    if (rc == CD_EXIT_OK) {
        docx d = {.doc = doc,
                  .arena = &doc->arena,
                  .footnotes = footnote_xml,
                  .max_depth = (int)cd_limit(opt, CD_LIMIT_XML_DEPTH)};
        read_styles(d.arena, style_xml, &d.styles);
        read_numbering(d.arena, numbering_xml, &d.numbering);
        const xmlNode *root = xmlDocGetRootElement(body);
        const xmlNode *wbody = child(root, "body");
        if (!is_w(root, "document") || !wbody) {
            cd_diag_add(&doc->diags, CD_SEV_ERROR, "invalid-docx", doc->path, 0,
                        "not a DOCX file: word/document.xml has no w:document/w:body");
            rc = CD_EXIT_INPUT;
        } else {
            block_content(&d, wbody, out, 0);
            footnotes(&d, out);
            if (!out->len) cd_buf_addc(out, '\n'); /* an empty document: the text path says so */
        }
    }
    xmlFreeDoc(body);
    xmlFreeDoc(style_xml);
    xmlFreeDoc(numbering_xml);
    xmlFreeDoc(footnote_xml);
    zip_discard(zip);
    for (int i = 0; i < 5; i++)
        cd_arena_undefer(held[i]);
    return rc;
}
