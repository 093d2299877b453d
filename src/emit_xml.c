/* emit_xml.c — CONTRACT.md record as XML with libxml2's xmlTextWriter: the
 * fields of emit_json.c in the same order, element names in kebab-case.
 * Null scalars are empty elements with xsi:nil="true", lists are container
 * elements with one child per entry (empty when the list is), so absent
 * values are never omitted here either.  schemas/chidao.xsd describes it. */
#include "emit_xml.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"

#define CD_SCHEMA "chidao/1"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* The writer and a sticky failure flag: every libxml2 call is checked, and
 * after the first failure nothing more is written. */
typedef struct xml_out {
    xmlTextWriterPtr w;
    bool failed;
} xml_out;

static void check(xml_out *x, int rc) {
    if (rc < 0) x->failed = true;
}

static void start(xml_out *x, const char *name) {
    if (!x->failed) check(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

static void end(xml_out *x) {
    if (!x->failed) check(x, xmlTextWriterEndElement(x->w));
}

static void attribute(xml_out *x, const char *name, const char *value) {
    if (!x->failed) check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value));
}

/* The code point of the UTF-8 sequence at s (left bytes remain) and its
 * length in *len; -1 when the bytes are not UTF-8 (stray, truncated,
 * overlong or a surrogate).  libxml2's xmlGetUTF8Char is laxer than this. */
static long utf8_decode(const unsigned char *s, size_t left, size_t *len) {
    static const unsigned long smallest[] = {0, 0, 0x80, 0x800, 0x10000}; /* below: overlong */
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (!n || left < n) return -1;
    unsigned long cp = n == 1 ? c : c & (0x7Fu >> n); /* the lead byte's payload */
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return -1;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
    *len = n;
    return (long)cp;
}

/* Whether XML 1.0 may carry the character at s; *len is its length either
 * way.  Out go C0 controls other than tab, newline and carriage return,
 * U+FFFE, U+FFFF and bytes that are not UTF-8: xmlTextWriter escapes markup
 * but passes such characters through, which would make the output
 * ill-formed.  (The reader validates UTF-8 already; this keeps a slip in a
 * later stage from becoming a broken file.) */
static bool xml_char(const unsigned char *s, size_t left, size_t *len) {
    long cp = utf8_decode(s, left, len);
    if (cp < 0) {
        *len = 1;
        return false;
    }
    return IS_CHAR(cp);
}

/* Text content; characters XML cannot carry are dropped. */
static void text(xml_out *x, const char *s) {
    if (x->failed) return;
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, k;
    while (i < n && xml_char(u + i, n - i, &k))
        i += k;
    if (i == n) { /* the usual case: nothing to drop */
        check(x, xmlTextWriterWriteString(x->w, BAD_CAST s));
        return;
    }
    char *clean = malloc(n + 1);
    if (!clean) abort(); /* the project's out-of-memory policy (arena.h) */
    size_t m = 0;
    for (i = 0; i < n; i += k)
        if (xml_char(u + i, n - i, &k)) {
            memcpy(clean + m, s + i, k);
            m += k;
        }
    clean[m] = 0;
    check(x, xmlTextWriterWriteString(x->w, BAD_CAST clean));
    free(clean);
}

static void nil(xml_out *x, const char *name) {
    start(x, name);
    attribute(x, "xsi:nil", "true");
    end(x);
}

/* <name>s</name>, or <name xsi:nil="true"/> when s is NULL. */
static void str_elem(xml_out *x, const char *name, const char *s) {
    if (!s) {
        nil(x, name);
        return;
    }
    start(x, name);
    text(x, s);
    end(x);
}

static void int_elem(xml_out *x, const char *name, long long v) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    str_elem(x, name, buf);
}

/* An integer where 0 means null (year, a diagnostic's line). */
static void int_or_nil(xml_out *x, const char *name, int v) {
    if (v)
        int_elem(x, name, v);
    else
        nil(x, name);
}

static void date_elem(xml_out *x, const char *name, cd_date d) {
    if (!d.y) {
        nil(x, name);
        return;
    }
    char buf[16];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.y, d.m, d.d);
    str_elem(x, name, buf);
}

/* A list of strings: <list><item>…</item>…</list>. */
static void strs(xml_out *x, const char *list, const char *item, const cd_strs *l) {
    start(x, list);
    for (size_t i = 0; i < l->n; i++)
        str_elem(x, item, l->items[i]);
    end(x);
}

static void agencies(xml_out *x, const char *list, const cd_agency_list *l) {
    start(x, list);
    for (size_t i = 0; i < l->n; i++) {
        start(x, "agency");
        str_elem(x, "name", l->items[i].name);
        str_elem(x, "raw", l->items[i].raw);
        str_elem(x, "kind", cd_agency_kind_name(l->items[i].kind));
        end(x);
    }
    end(x);
}

static void lines(xml_out *x, int first, int last) {
    start(x, "lines");
    int_elem(x, "first", first);
    int_elem(x, "last", last);
    end(x);
}

/* A PDF's pages: <pages><first>3</first><last>4</last></pages>. */
static void pages(xml_out *x, int first, int last) {
    start(x, "pages");
    int_elem(x, "first", first);
    int_elem(x, "last", last);
    end(x);
}

static void docrefs(xml_out *x, const char *list, const cd_docrefs *r) {
    start(x, list);
    for (size_t i = 0; i < r->n; i++) {
        start(x, "reference");
        str_elem(x, "kind", r->items[i].kind);
        str_elem(x, "number", r->items[i].number);
        date_elem(x, "date", r->items[i].date);
        end(x);
    }
    end(x);
}

static void deadline(xml_out *x, const cd_deadline *d) {
    if (!d) {
        nil(x, "deadline");
        return;
    }
    start(x, "deadline");
    str_elem(x, "raw", d->raw);
    str_elem(x, "kind", cd_deadline_kind_name(d->kind));
    date_elem(x, "start", d->start);
    date_elem(x, "end", d->end);
    /* as in JSON: only a recurring deadline has a recurrence */
    if (d->kind == CD_DL_RECURRING) str_elem(x, "recurrence", d->recurrence);
    end(x);
}

static void source(xml_out *x, const cd_document *doc) {
    start(x, "source");
    str_elem(x, "path", doc->path);
    str_elem(x, "sha256", doc->sha256);
    int_elem(x, "bytes", (long long)doc->n_bytes);
    str_elem(x, "encoding", doc->encoding);
    str_elem(x, "format", doc->format);
    end(x);
}

static void document(xml_out *x, const cd_document *doc) {
    const cd_meta *m = &doc->meta;
    start(x, "document");
    str_elem(x, "kind", m->kind ? m->kind : "other");
    str_elem(x, "kind-label", m->kind_label);
    str_elem(x, "number", m->number);
    str_elem(x, "issuer", m->issuer);
    str_elem(x, "place", m->place);
    date_elem(x, "date", m->date);
    int_or_nil(x, "year", m->year);
    str_elem(x, "title", m->title);
    start(x, "signer");
    str_elem(x, "title", m->signer_title);
    str_elem(x, "name", m->signer_name);
    end(x);
    docrefs(x, "references", &m->references);
    docrefs(x, "replaces", &m->replaces);
    strs(x, "recipients", "recipient", &m->recipients);
    end(x);
}

static void task(xml_out *x, const cd_task *t) {
    start(x, "task");
    str_elem(x, "id", t->id);
    str_elem(x, "number", t->number);
    strs(x, "section", "heading", &t->section);
    str_elem(x, "text", t->text);
    agencies(x, "lead", &t->lead);
    agencies(x, "support", &t->support);
    strs(x, "direction", "leader", &t->direction);
    str_elem(x, "output", t->output);
    deadline(x, t->deadline);
    str_elem(x, "assigned-by", t->assigned_by);
    str_elem(x, "note", t->note);
    lines(x, t->first_line, t->last_line);
    if (t->first_page)
        pages(x, t->first_page, t->last_page);
    else
        nil(x, "pages");
    end(x);
}

static void indicator(xml_out *x, const cd_indicator *ind) {
    start(x, "indicator");
    str_elem(x, "id", ind->id);
    str_elem(x, "number", ind->number);
    strs(x, "section", "heading", &ind->section);
    str_elem(x, "name", ind->name);
    str_elem(x, "unit", ind->unit);
    str_elem(x, "target", ind->target);
    agencies(x, "lead", &ind->lead);
    lines(x, ind->first_line, ind->last_line);
    end(x);
}

static void diagnostic(xml_out *x, const cd_diag *d) {
    start(x, "diagnostic");
    str_elem(x, "severity", cd_severity_name(d->severity));
    str_elem(x, "code", d->code);
    str_elem(x, "message", d->message);
    int_or_nil(x, "line", d->line);
    end(x);
}

static void record(xml_out *x, const cd_document *doc) {
    start(x, "chidao");
    attribute(x, "xmlns:xsi", XSI_NS);
    attribute(x, "schema", CD_SCHEMA);
    source(x, doc);
    document(x, doc);
    start(x, "tasks");
    for (size_t i = 0; i < doc->n_tasks; i++)
        task(x, &doc->tasks[i]);
    end(x);
    start(x, "indicators");
    for (size_t i = 0; i < doc->n_indicators; i++)
        indicator(x, &doc->indicators[i]);
    end(x);
    start(x, "diagnostics");
    for (size_t i = 0; i < doc->diags.n; i++)
        diagnostic(x, &doc->diags.items[i]);
    end(x);
    end(x);
}

int cd_emit_xml(const cd_document *doc, FILE *out) {
    /* libxml2 (2.9) must set up its globals before threads use it, and
     * `chidao batch` calls this from worker threads; this call is idempotent
     * and takes libxml2's own lock. */
    xmlInitParser();
    /* The buffer writes straight to out and leaves closing it to the caller. */
    xmlOutputBufferPtr buf = xmlOutputBufferCreateFile(out, NULL);
    if (!buf) return CD_EXIT_INTERNAL;
    xml_out x = {xmlNewTextWriter(buf), false};
    if (!x.w) {
        xmlOutputBufferClose(buf);
        return CD_EXIT_INTERNAL;
    }
    check(&x, xmlTextWriterSetIndent(x.w, 1));
    check(&x, xmlTextWriterSetIndentString(x.w, BAD_CAST "  "));
    if (!x.failed) check(&x, xmlTextWriterStartDocument(x.w, "1.0", "UTF-8", NULL));
    record(&x, doc);
    /* ends the document and flushes libxml2's buffer into out */
    if (!x.failed) check(&x, xmlTextWriterEndDocument(x.w));
    xmlFreeTextWriter(x.w); /* also frees buf */
    return x.failed || ferror(out) ? CD_EXIT_INTERNAL : CD_EXIT_OK;
}
