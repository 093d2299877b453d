/* metadata.c — the document block from the document's own header: number,
 * dateline (place, date), kind, title, year, issuer, signer, references,
 * replaced documents and recipients (patterns: rules/header.rules). */
#include "metadata.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "structure.h"

/* The header block sits at the top: a document whose preamble has not begun
 * after this many lines has none we can read. */
#define CD_HEADER_MAX_LINES 80
/* The number, dateline or kind heading that anchors the header block is
 * printed within this many lines of the top (portal chrome included). */
#define CD_HEADER_ANCHOR_LINES 40

typedef struct meta_ctx {
    cd_document *doc;
    const cd_rules *rules;
    cd_arena *a;
} meta_ctx;

static const cd_rule *rule(meta_ctx *c, const char *name) { return cd_rules_get(c->rules, "header", name); }

static bool search(meta_ctx *c, const char *name, const char *s, cd_match *m) {
    return cd_rule_search(rule(c, name), s, strlen(s), 0, m);
}

static char *group(meta_ctx *c, const cd_match *m, const char *name) {
    const char *s;
    size_t n;
    if (!cd_match_group(m, name, &s, &n)) return NULL;
    return cd_arena_strndup(c->a, s, n);
}

static int group_int(meta_ctx *c, const cd_match *m, const char *name) {
    char *s = group(c, m, name);
    return s && *s ? atoi(s) : 0;
}

static bool is_blank(const cd_line *ln) { return !ln->len || (ln->flags & CD_LINE_BLANK); }

/* The text of a line with pipes turned into spaces and trimmed. */
static const char *plain(meta_ctx *c, const cd_line *ln) {
    /* normalize left single spaces and no ends: only cells need rewriting */
    if (!memchr(ln->text, '|', ln->len) && !memchr(ln->text, '\t', ln->len)) return ln->text;
    cd_buf b;
    cd_buf_init(&b, c->a);
    for (size_t i = 0; i < ln->len; i++) {
        char ch = ln->text[i];
        if (ch == '|' || ch == '\t') ch = ' ';
        if (ch == ' ' && (!b.len || b.data[b.len - 1] == ' ')) continue;
        cd_buf_addc(&b, ch);
    }
    while (b.len && b.data[b.len - 1] == ' ')
        b.data[--b.len] = 0;
    return cd_buf_str(&b);
}

/* Cells of a header line: portal rows put number and dateline in one line
 * separated by '|'. */
static char **cells_of(meta_ctx *c, const cd_line *ln, size_t *n) {
    char **out = NULL;
    size_t cap = 0;
    *n = 0;
    const char *p = ln->text, *end = ln->text + ln->len;
    while (p <= end) {
        const char *q = p;
        while (q < end && *q != '|' && *q != '\t')
            q++;
        const char *s = p, *e = q;
        while (s < e && *s == ' ')
            s++;
        while (e > s && e[-1] == ' ')
            e--;
        if (e > s) {
            if (*n == cap) { /* doubling: a 10,000-cell line must not cost n^2 */
                cap = cap ? cap * 2 : 16;
                out = cd_arena_grow(c->a, out, sizeof *out, *n, cap);
            }
            out[(*n)++] = cd_arena_strndup(c->a, s, (size_t)(e - s));
        }
        p = q + 1;
    }
    return out;
}

static const char *next_nonblank(meta_ctx *c, size_t i, size_t limit, size_t *at) {
    for (size_t j = i; j < limit && j < c->doc->n_lines; j++) {
        const cd_line *ln = &c->doc->lines[j];
        if (is_blank(ln)) continue;
        const char *t = plain(c, ln);
        if (!*t) continue;
        if (at) *at = j;
        return t;
    }
    return NULL;
}

static bool bare_kind_heading(meta_ctx *c, const cd_line *ln) {
    cd_match m;
    if (!search(c, "kind-heading", plain(c, ln), &m)) return false;
    const char *rest = group(c, &m, "rest");
    return !rest || !*rest;
}

/* Where the header block ends: the first preamble line ("Căn cứ …",
 * "Thực hiện …") after the first header anchor (number, dateline, kind
 * heading or subject).  Portal pages put sentences such as "Để sử dụng …"
 * above the header, so a preamble-like line before the anchor does not count. */
static size_t header_end(meta_ctx *c) {
    cd_document *doc = c->doc;
    size_t limit = doc->n_lines < CD_HEADER_MAX_LINES ? doc->n_lines : CD_HEADER_MAX_LINES;
    cd_match m;
    size_t anchor = SIZE_MAX;
    for (size_t i = 0; i < limit && i < CD_HEADER_ANCHOR_LINES && anchor == SIZE_MAX; i++) {
        const cd_line *ln = &doc->lines[i];
        if (is_blank(ln)) continue;
        size_t n;
        char **cells = cells_of(c, ln, &n);
        for (size_t k = 0; k < n; k++)
            if (search(c, "number", cells[k], &m) || search(c, "dateline", cells[k], &m) ||
                search(c, "dateline-start", cells[k], &m) || search(c, "kind-heading", cells[k], &m) ||
                search(c, "subject", cells[k], &m)) {
                anchor = i;
                break;
            }
    }
    /* after_kind: the line before was a bare kind heading, so this one is its title */
    bool after_kind = anchor != SIZE_MAX && bare_kind_heading(c, &doc->lines[anchor]);
    for (size_t i = anchor == SIZE_MAX ? 0 : anchor + 1; i < limit; i++) {
        const cd_line *ln = &doc->lines[i];
        if (is_blank(ln)) continue;
        if (search(c, "preamble", ln->text, &m) && !(after_kind && search(c, "title-not-preamble", ln->text, &m)))
            return i;
        if (anchor != SIZE_MAX && search(c, "request-intro", ln->text, &m))
            return i; /* "Chủ tịch UBND tỉnh yêu cầu:" */
        after_kind = bare_kind_heading(c, ln);
    }
    return anchor == SIZE_MAX ? 0 : limit;
}

static void set_date(cd_date *d, int y, int m, int day) {
    d->y = y;
    d->m = m;
    d->d = day;
}

static void find_number(meta_ctx *c, size_t end) {
    cd_document *doc = c->doc;
    cd_match m;
    for (size_t i = 0; i < end; i++) {
        size_t n;
        char **cells = cells_of(c, &doc->lines[i], &n);
        for (size_t k = 0; k < n; k++) {
            if (!search(c, "number", cells[k], &m)) continue;
            char *num = group(c, &m, "num");
            if (!num || !*num) {
                /* "Số:" alone: the number is on the next line */
                const char *next = k + 1 < n ? cells[k + 1] : next_nonblank(c, i + 1, end, NULL);
                if (next && search(c, "number-alone", next, &m)) num = group(c, &m, "num");
            }
            doc->meta.number_line = doc->lines[i].src;
            if (num && *num && *num != '/' && *num != '-') {
                doc->meta.number = num;
            } else {
                doc->meta.number = NULL;
                cd_diag_add(&doc->diags, CD_SEV_WARNING, "blank-number", doc->path, doc->lines[i].src,
                            "the number is left blank (a draft): \"%s\"", cells[k]);
            }
            return;
        }
    }
}

static void find_dateline(meta_ctx *c, size_t end, int *dateline_year) {
    cd_document *doc = c->doc;
    cd_match m;
    *dateline_year = 0;
    for (size_t i = 0; i < end; i++) {
        const cd_line *ln = &doc->lines[i];
        if (is_blank(ln)) continue;
        size_t n;
        char **cells = cells_of(c, ln, &n);
        for (size_t k = 0; k < n; k++) {
            char *cell = cells[k];
            bool hit = search(c, "dateline", cell, &m);
            if (!hit && search(c, "dateline-start", cell, &m)) {
                /* the date goes on on the next line */
                const char *next = k + 1 < n ? cells[k + 1] : next_nonblank(c, i + 1, end + 2, NULL);
                if (next) {
                    cell = cd_arena_printf(c->a, "%s %s", cell, next);
                    hit = search(c, "dateline", cell, &m);
                }
            }
            if (!hit) continue;
            char *place = group(c, &m, "place");
            /* the first words of the place on the line above ("Khánh" / "Hòa, ngày") */
            if (k == 0 && i > 0 && !is_blank(&doc->lines[i - 1])) {
                const char *prev = plain(c, &doc->lines[i - 1]);
                cd_match pm;
                if (!(doc->lines[i - 1].flags & CD_LINE_PIPE) && search(c, "place-fragment", prev, &pm) &&
                    !search(c, "motto", prev, &pm) && !cd_text_all_caps(prev, strlen(prev)))
                    place = cd_arena_printf(c->a, "%s %s", prev, place);
            }
            doc->meta.place = place;
            doc->meta.date_line = ln->src;
            int y = group_int(c, &m, "y"), mo = group_int(c, &m, "m"), d = group_int(c, &m, "d");
            *dateline_year = y;
            if (cd_date_valid(y, mo, d)) {
                set_date(&doc->meta.date, y, mo, d);
            } else {
                cd_diag_add(&doc->diags, CD_SEV_WARNING, "blank-date", doc->path, ln->src,
                            "the date of issue is left blank or invalid: \"%s\"", plain(c, ln));
            }
            return;
        }
    }
}

static const char *kind_from_label(meta_ctx *c, const char *label) {
    const char *k = cd_list_lookup(rule(c, "kind-labels"), label, strlen(label));
    return k ? k : "other";
}

/* Kind heading and title; letters take their subject as title. */
static void find_kind_title(meta_ctx *c, size_t end) {
    cd_document *doc = c->doc;
    cd_meta *meta = &doc->meta;
    cd_match m;
    size_t title_from = SIZE_MAX;
    cd_buf title;
    cd_buf_init(&title, c->a);
    for (size_t i = 0; i < end; i++) {
        const cd_line *ln = &doc->lines[i];
        if (is_blank(ln)) continue;
        const char *t = plain(c, ln);
        if (search(c, "kind-heading", t, &m)) {
            char *label = group(c, &m, "label");
            meta->kind_label = label;
            meta->kind = kind_from_label(c, label);
            char *rest = group(c, &m, "rest");
            if (rest && *rest) cd_buf_adds(&title, rest);
            title_from = i + 1;
            break;
        }
        if (search(c, "subject", t, &m)) {
            meta->kind = "letter";
            char *rest = group(c, &m, "text");
            if (rest && *rest) cd_buf_adds(&title, rest);
            title_from = i + 1;
            break;
        }
    }
    if (title_from == SIZE_MAX) {
        /* the subject of a letter can also come after the header zone */
        for (size_t i = end; i < doc->n_lines && i < end + 5; i++) {
            const char *t = plain(c, &doc->lines[i]);
            if (search(c, "subject", t, &m)) {
                meta->kind = "letter";
                cd_buf_adds(&title, group(c, &m, "text"));
                title_from = i + 1;
                break;
            }
        }
    }
    if (title_from != SIZE_MAX) {
        bool any = title.len > 0;
        for (size_t i = title_from; i < doc->n_lines; i++) {
            const cd_line *ln = &doc->lines[i];
            if (is_blank(ln)) {
                if (any) break;
                continue;
            }
            const char *t = plain(c, ln);
            if (!*t) {
                if (any) break;
                continue;
            }
            bool title_line = !any && search(c, "title-not-preamble", t, &m);
            if ((search(c, "preamble", t, &m) && !title_line) || search(c, "authority", t, &m) ||
                search(c, "number", t, &m) || search(c, "dateline", t, &m) || search(c, "recipients", t, &m) ||
                search(c, "motto", t, &m))
                break;
            /* the body's first sentence, or mixed case after an upper-case title */
            size_t tl = strlen(t);
            if (any &&
                (strchr(".;:", t[tl - 1]) || (cd_text_all_caps(title.data, title.len) && !cd_text_all_caps(t, tl))))
                break;
            if (any) cd_buf_addc(&title, ' ');
            cd_buf_adds(&title, t);
            any = true;
        }
        if (title.len) meta->title = cd_buf_str(&title);
    }
    if (!meta->kind && meta->number) {
        if (search(c, "type-code", meta->number, &m)) {
            char *code = group(c, &m, "code");
            const char *k = cd_list_lookup(rule(c, "type-codes"), code, strlen(code));
            meta->kind = k ? k : "other";
        } else {
            meta->kind = "letter"; /* "1234/UBND-KT": a công văn has no type code */
        }
    }
    if (!meta->kind) meta->kind = "other";
}

/* The single year a title names, ignoring dates of cited documents and
 * periods; 0 when none or several. */
static int title_year(meta_ctx *c, const char *title) {
    if (!title) return 0;
    const cd_rule *not_year = rule(c, "title-not-year");
    /* blank the non-year mentions (the rule's replace template is empty) */
    cd_buf b;
    cd_buf_init(&b, c->a);
    size_t len = strlen(title), pos = 0;
    cd_match m;
    while (pos <= len && cd_rule_search(not_year, title, len, pos, &m)) {
        cd_buf_add(&b, title + pos, m.ov[0] - pos);
        cd_buf_addc(&b, ' ');
        pos = m.ov[1] > m.ov[0] ? m.ov[1] : m.ov[1] + 1;
    }
    if (pos < len) cd_buf_add(&b, title + pos, len - pos);
    const char *s = cd_buf_str(&b);
    int year = 0;
    const cd_rule *ty = rule(c, "title-year");
    pos = 0;
    len = strlen(s);
    while (pos < len && cd_rule_search(ty, s, len, pos, &m)) {
        int y = group_int(c, &m, "y");
        if (year && y != year) return 0;
        year = y;
        pos = m.ov[1];
    }
    return year;
}

static char *sentence_join(meta_ctx *c, const char *const *parts, size_t n) {
    cd_buf b;
    cd_buf_init(&b, c->a);
    for (size_t i = 0; i < n; i++) {
        if (b.len) cd_buf_addc(&b, ' ');
        cd_buf_adds(&b, parts[i]);
    }
    return cd_buf_str(&b);
}

static void find_issuer(meta_ctx *c, size_t end) {
    cd_document *doc = c->doc;
    cd_match m;
    char **parts = NULL;
    size_t n = 0;
    for (size_t i = 0; i < end; i++) {
        const cd_line *ln = &doc->lines[i];
        if (is_blank(ln)) continue;
        size_t nc;
        char **cells = cells_of(c, ln, &nc);
        bool stop = false;
        for (size_t k = 0; k < nc; k++) {
            char *t = cells[k];
            if (search(c, "kind-heading", t, &m)) {
                /* the issuer is printed above the kind heading, never below it */
                stop = true;
                goto done;
            }
            if (search(c, "number", t, &m) || search(c, "dateline", t, &m) || search(c, "dateline-start", t, &m)) {
                stop = true;
                break;
            }
            if (search(c, "motto", t, &m) || !cd_text_all_caps(t, strlen(t))) continue;
            if (search(c, "org-head", t, &m)) n = 0; /* a new body starts: the issuer is the last one */
            parts = cd_arena_grow(c->a, parts, sizeof *parts, n, n + 1);
            parts[n++] = t;
        }
        if (stop && n) break;
    }
done:
    if (n) doc->meta.issuer = sentence_join(c, (const char *const *)parts, n);
}

static void find_signer(meta_ctx *c) {
    cd_document *doc = c->doc;
    cd_match m;
    for (size_t i = doc->meta.body_start; i < doc->n_lines; i++) {
        const char *t = plain(c, &doc->lines[i]);
        if (!*t || !search(c, "signer-title", t, &m)) continue;
        const char *titles[8];
        size_t nt = 0;
        titles[nt++] = t;
        for (size_t j = i + 1; j < doc->n_lines && j < i + 10; j++) {
            const char *u = plain(c, &doc->lines[j]);
            if (!*u) continue;
            if (search(c, "signer-title", u, &m) || (cd_text_all_caps(u, strlen(u)) && nt < 8)) {
                if (nt < 8) titles[nt++] = u;
                continue;
            }
            if (search(c, "person-name", u, &m)) {
                doc->meta.signer_name = group(c, &m, "name");
                doc->meta.signer_title = sentence_join(c, titles, nt);
                return;
            }
            break;
        }
    }
}

static void add_docref(meta_ctx *c, cd_docrefs *refs, const cd_match *m) {
    cd_docref r = {0};
    r.kind = group(c, m, "kind");
    r.number = group(c, m, "num");
    int y = group_int(c, m, "y"), mo = group_int(c, m, "m"), d = group_int(c, m, "d");
    if (!y) y = group_int(c, m, "y2"), mo = group_int(c, m, "m2"), d = group_int(c, m, "d2");
    if (cd_date_valid(y, mo, d)) set_date(&r.date, y, mo, d);
    refs->items = cd_arena_grow(c->a, refs->items, sizeof *refs->items, refs->n, refs->n + 1);
    refs->items[refs->n++] = r;
}

static void find_references(meta_ctx *c, size_t start) {
    cd_document *doc = c->doc;
    cd_match m;
    const cd_rule *docref = rule(c, "docref"), *pre = rule(c, "reference-line"), *repl = rule(c, "replaces"),
                  *within = rule(c, "cited-within");
    for (size_t i = start; i < doc->n_lines && i < start + 40; i++) {
        const cd_line *ln = &doc->lines[i];
        if (is_blank(ln)) continue;
        if (!cd_rule_search(pre, ln->text, ln->len, 0, &m)) continue;
        size_t pos = 0;
        while (cd_rule_search(docref, ln->text, ln->len, pos, &m)) {
            /* a document cited inside another citation ("… thực hiện Nghị quyết số …") is not the preamble's */
            cd_match w;
            bool nested = pos > 0 && cd_rule_search(within, ln->text, m.ov[0], pos, &w);
            if (!nested) add_docref(c, &doc->meta.references, &m);
            pos = m.ov[1];
        }
    }
    for (size_t i = 0; i < doc->n_lines; i++) {
        const cd_line *ln = &doc->lines[i];
        if (!cd_rule_search(repl, ln->text, ln->len, 0, &m)) continue;
        size_t after = m.ov[1];
        if (cd_rule_search(docref, ln->text, ln->len, after, &m) && m.ov[0] < after + 4)
            add_docref(c, &doc->meta.replaces, &m);
    }
}

static void find_recipients(meta_ctx *c) {
    cd_document *doc = c->doc;
    cd_match m;
    const cd_rule *rec = rule(c, "recipients"), *signer = rule(c, "signer-title");
    for (size_t i = 0; i < doc->n_lines; i++) {
        const cd_line *ln = &doc->lines[i];
        if (!cd_rule_search(rec, ln->text, ln->len, 0, &m)) continue;
        bool any = false;
        for (size_t j = i + 1; j < doc->n_lines; j++) {
            const cd_line *r = &doc->lines[j];
            if (is_blank(r)) {
                if (any) break;
                continue;
            }
            if (cd_rule_search(signer, r->text, r->len, 0, &m) || cd_text_all_caps(r->text, r->len)) break;
            const char *s = r->text;
            size_t n = r->len;
            bool bullet = *s == '-' || *s == '+' || !strncmp(s, "•", strlen("•"));
            if (bullet) {
                s++, n--;
                while (n && (*s == ' ' || (unsigned char)*s >= 0x80)) {
                    if (*s != ' ') break;
                    s++, n--;
                }
            } else if (any) {
                /* an item continued on the next line */
                cd_strs *l = &doc->meta.recipients;
                l->items[l->n - 1] = cd_arena_printf(c->a, "%s %.*s", l->items[l->n - 1], (int)n, s);
                goto trim_last;
            }
            cd_strs_push(c->a, &doc->meta.recipients, cd_arena_strndup(c->a, s, n));
            any = true;
        trim_last : {
            cd_strs *l = &doc->meta.recipients;
            char *last = (char *)l->items[l->n - 1];
            size_t ll = strlen(last);
            while (ll && strchr(" ;,.", last[ll - 1]))
                last[--ll] = 0;
        }
        }
        return;
    }
}

static void from_caption(meta_ctx *c, int *caption_year) {
    cd_document *doc = c->doc;
    cd_meta *meta = &doc->meta;
    cd_match m;
    *caption_year = 0;
    const cd_rule *caption = rule(c, "caption"); /* tried on every line: looked up once */
    for (size_t i = 0; i < doc->n_lines; i++) {
        const cd_line *ln = &doc->lines[i];
        if (!cd_rule_search(caption, ln->text, ln->len, 0, &m)) continue;
        char *num = group(c, &m, "num");
        int y = group_int(c, &m, "y"), mo = group_int(c, &m, "m"), d = group_int(c, &m, "d");
        if (!y) y = group_int(c, &m, "y2"), mo = group_int(c, &m, "m2"), d = group_int(c, &m, "d2");
        if (!*caption_year) *caption_year = y;
        bool blank_num = !num || !*num || *num == '/';
        if (!meta->number_line && !blank_num) {
            meta->number = num;
            meta->number_line = ln->src;
            cd_diag_add(&doc->diags, CD_SEV_INFO, "metadata-from-caption", doc->path, ln->src,
                        "the header prints no number: %s taken from the appendix caption \"%s\"", num, plain(c, ln));
        }
        if (!meta->date_line && cd_date_valid(y, mo, d)) {
            set_date(&meta->date, y, mo, d);
            meta->date_line = ln->src;
            cd_diag_add(&doc->diags, CD_SEV_INFO, "metadata-from-caption", doc->path, ln->src,
                        "no dateline: date %04d-%02d-%02d taken from the appendix caption \"%s\"", y, mo, d,
                        plain(c, ln));
        } else if (meta->date.y && cd_date_valid(y, mo, d) &&
                   (meta->date.y != y || meta->date.m != mo || meta->date.d != d) && meta->number && num &&
                   !strcmp(num, meta->number)) {
            cd_diag_add(&doc->diags, CD_SEV_WARNING, "date-mismatch", doc->path, ln->src,
                        "dateline (line %d) says %04d-%02d-%02d, the attachment's caption says %04d-%02d-%02d: \"%s\"",
                        meta->date_line, meta->date.y, meta->date.m, meta->date.d, y, mo, d, plain(c, ln));
        }
    }
}

int cd_metadata(cd_document *doc, const cd_options *opt) {
    meta_ctx c = {doc, opt->rules, &doc->arena};
    if (!cd_rules_group(opt->rules, "header")) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "rules-missing", NULL, 0, "rule set lacks header.rules");
        return CD_EXIT_RULES;
    }
    size_t end = header_end(&c);
    doc->meta.body_start = (int)end;
    int dateline_year = 0, caption_year = 0;
    find_number(&c, end);
    find_dateline(&c, end, &dateline_year);
    find_issuer(&c, end);
    find_kind_title(&c, end);
    from_caption(&c, &caption_year);
    find_signer(&c);
    find_references(&c, end);
    find_recipients(&c);
    int y = doc->meta.title_year = title_year(&c, doc->meta.title);
    if (!y) y = doc->meta.date.y;
    if (!y) y = dateline_year;
    if (!y) y = caption_year;
    doc->meta.year = y; /* 0: decided later from the deadlines */
    return CD_EXIT_OK;
}
