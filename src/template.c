/* template.c — conformance templates: read (libxml2, validated against
 * schemas/template.xsd), write (xmlTextWriter), derive from documents. */
#include "template.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "normalize.h"

#define TEMPLATE_VERSION "1"
/* Problems reported from one invalid template (the rest are the same kind). */
#define TEMPLATE_MAX_ERRORS 20

const char *const cd_tpl_element_names[] = {"number", "date", "issuer", "title", "signer", "recipients", NULL};
const char *const cd_tpl_field_names[] = {"lead",        "support", "deadline",  "output",
                                          "assigned_by", "note",    "direction", NULL};
/* What a derived template requires until someone edits it. */
static const char *const default_fields[] = {"lead", "deadline", "output", NULL};

char *cd_template_default_schema(const char *rules_dir) {
    const char *tail = "/../schemas/template.xsd";
    size_t n = strlen(rules_dir) + strlen(tail) + 1;
    char *p = malloc(n);
    if (!p) abort();
    snprintf(p, n, "%s%s", rules_dir, tail);
    return p;
}

static void template_init(cd_template *t) {
    memset(t, 0, sizeof *t);
    cd_arena_init(&t->arena);
}

void cd_template_free(cd_template *t) {
    cd_arena_free(&t->arena);
    memset(t, 0, sizeof *t);
}

/* ---------- reading ---------- */

typedef struct error_sink {
    cd_diag_list *errs;
    const char *file;
    int count;
} error_sink;

static void add_xml_error(error_sink *s, const xmlError *e) {
    if (!e || s->count++ >= TEMPLATE_MAX_ERRORS) return;
    char *msg = cd_arena_strdup(s->errs->arena, e->message ? e->message : "invalid");
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = 0;
    cd_diag_add(s->errs, CD_SEV_ERROR, "template-invalid", e->file ? e->file : s->file, e->line, "%s", msg);
}

static void on_schema_error(void *ctx, xmlErrorPtr e) { add_xml_error(ctx, e); }

static bool named(const xmlNode *n, const char *name) {
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static const xmlNode *child(const xmlNode *n, const char *name) {
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (named(c, name)) return c;
    return NULL;
}

/* The element's text, normalised (NFC, single spaces); NULL when absent or
 * blank. */
static const char *text_of(cd_template *t, const xmlNode *n) {
    if (!n) return NULL;
    xmlChar *s = xmlNodeGetContent(n);
    if (!s) return NULL;
    size_t len;
    char *v = cd_normalize_text((const char *)s, strlen((const char *)s), &len, &t->arena);
    xmlFree(s);
    return len ? v : NULL;
}

static const char *attr_of(cd_template *t, const xmlNode *n, const char *name) {
    xmlChar *s = xmlGetProp(n, BAD_CAST name);
    if (!s) return NULL;
    char *v = cd_arena_strdup(&t->arena, (const char *)s);
    xmlFree(s);
    return v;
}

static cd_date parse_date(const char *s) {
    cd_date d = {0};
    if (s && sscanf(s, "%4d-%2d-%2d", &d.y, &d.m, &d.d) == 3 && cd_date_valid(d.y, d.m, d.d)) return d;
    return (cd_date){0};
}

static bool kind_from_name(const char *name, cd_deadline_kind *kind) {
    for (int k = 0; k <= CD_DL_UNKNOWN; k++)
        if (!strcmp(cd_deadline_kind_name((cd_deadline_kind)k), name)) {
            *kind = (cd_deadline_kind)k;
            return true;
        }
    return false;
}

/* A deadline as printed, normalised by its attributes or, without them, the
 * way the pipeline normalises a printed deadline. */
static cd_deadline *read_deadline(cd_template *t, const xmlNode *n, const cd_rules *rules) {
    const char *raw = text_of(t, n);
    if (!raw) return NULL;
    cd_deadline *d = cd_arena_alloc(&t->arena, sizeof *d);
    const char *kind = attr_of(t, n, "kind");
    if (kind && kind_from_name(kind, &d->kind)) {
        d->raw = raw;
        d->start = parse_date(attr_of(t, n, "start"));
        d->end = parse_date(attr_of(t, n, "end"));
    } else {
        cd_deadline_parse(rules, raw, strlen(raw), t->year, d, &t->arena, NULL, NULL, 0);
        d->raw = raw;
    }
    return d;
}

static void read_lines(const char *s, int *first, int *last) {
    *first = *last = 0;
    if (!s) return;
    if (sscanf(s, "%d-%d", first, last) < 2) *last = *first;
}

static void read_task(cd_template *t, const xmlNode *n, const cd_rules *rules) {
    t->tasks = cd_arena_grow(&t->arena, t->tasks, sizeof *t->tasks, t->n_tasks, t->n_tasks + 1);
    cd_tpl_task *k = &t->tasks[t->n_tasks++];
    k->id = attr_of(t, n, "id");
    k->text = text_of(t, child(n, "text"));
    k->deadline = read_deadline(t, child(n, "deadline"), rules);
    for (const xmlNode *c = n->children; c; c = c->next)
        if (named(c, "lead")) {
            const char *v = text_of(t, c);
            if (v) cd_strs_push(&t->arena, &k->lead, v);
        }
    for (const xmlNode *c = child(n, "sources") ? child(n, "sources")->children : NULL; c; c = c->next) {
        if (!named(c, "source")) continue;
        k->sources = cd_arena_grow(&t->arena, k->sources, sizeof *k->sources, k->n_sources, k->n_sources + 1);
        cd_tpl_source *s = &k->sources[k->n_sources++];
        s->document = attr_of(t, c, "document");
        s->number = attr_of(t, c, "number");
        s->task = attr_of(t, c, "task");
        s->cites = text_of(t, c);
        read_lines(attr_of(t, c, "lines"), &s->first_line, &s->last_line);
        const char *merged = attr_of(t, c, "merged");
        s->merged = merged && (!strcmp(merged, "true") || !strcmp(merged, "1"));
    }
}

static void read_names(cd_template *t, const xmlNode *list, const char *item, cd_strs *out) {
    for (const xmlNode *c = list ? list->children : NULL; c; c = c->next)
        if (named(c, item)) {
            const char *v = text_of(t, c);
            if (v) cd_strs_push(&t->arena, out, v);
        }
}

static void read_model(cd_template *t, const xmlNode *root, const cd_rules *rules) {
    const xmlNode *id = child(root, "identity");
    t->kind = text_of(t, child(id, "kind"));
    t->number = text_of(t, child(id, "number"));
    t->issuer = text_of(t, child(id, "issuer"));
    t->title = text_of(t, child(id, "title"));
    t->date = parse_date(text_of(t, child(id, "date")));
    const char *year = text_of(t, child(id, "year"));
    t->year = year ? atoi(year) : t->date.y;
    read_names(t, child(root, "document-elements"), "element", &t->elements);
    read_names(t, child(root, "task-fields"), "field", &t->fields);
    for (const xmlNode *c = child(root, "tasks") ? child(root, "tasks")->children : NULL; c; c = c->next)
        if (named(c, "task")) read_task(t, c, rules);
}

/* Validate doc against the schema file; false with the problems in sink. */
static bool validate(xmlDocPtr doc, const char *schema, error_sink *sink) {
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(schema);
    if (!pc) {
        cd_diag_add(sink->errs, CD_SEV_ERROR, "template-schema", schema, 0, "cannot read the template schema");
        return false;
    }
    error_sink schema_sink = {sink->errs, schema, 0};
    xmlSchemaSetParserStructuredErrors(pc, on_schema_error, &schema_sink);
    xmlSchemaPtr s = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (!s) {
        if (!schema_sink.count)
            cd_diag_add(sink->errs, CD_SEV_ERROR, "template-schema", schema, 0, "cannot read the template schema");
        return false;
    }
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(s);
    if (!vc) abort();
    xmlSchemaSetValidStructuredErrors(vc, on_schema_error, sink);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(s);
    if (rc != 0 && !sink->count)
        cd_diag_add(sink->errs, CD_SEV_ERROR, "template-invalid", sink->file, 0, "not a valid template");
    return rc == 0;
}

int cd_template_load(cd_template *t, const char *path, const char *schema, const cd_rules *rules, cd_diag_list *errs) {
    template_init(t);
    t->path = cd_arena_strdup(&t->arena, path);
    FILE *f = fopen(path, "rb");
    if (!f) {
        cd_diag_add(errs, CD_SEV_ERROR, "template-unreadable", path, 0, "cannot open: %s", strerror(errno));
        return CD_EXIT_INPUT;
    }
    fclose(f);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) abort();
    /* NONET: never fetch anything; no NOENT/DTDLOAD: entities are not
     * expanded nor external ones loaded. */
    xmlDocPtr doc = xmlCtxtReadFile(ctxt, path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    error_sink sink = {errs, path, 0};
    int rc = CD_EXIT_OK;
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        if (e && e->message)
            add_xml_error(&sink, e);
        else
            cd_diag_add(errs, CD_SEV_ERROR, "template-invalid", path, 0, "not well-formed XML");
        rc = CD_EXIT_RULES;
    } else if (doc->intSubset || doc->extSubset) {
        /* a template needs no DTD; one with entities (an XXE, billion laughs)
         * is refused before the schema validator meets its references */
        cd_diag_add(errs, CD_SEV_ERROR, "template-invalid", path, 0, "not a valid template: it has a DOCTYPE");
        rc = CD_EXIT_RULES;
    } else if (!validate(doc, schema, &sink)) {
        rc = CD_EXIT_RULES;
    } else {
        read_model(t, xmlDocGetRootElement(doc), rules);
    }
    if (doc) xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return rc;
}

/* ---------- writing ---------- */

typedef struct xml_out {
    xmlTextWriterPtr w;
    bool failed;
    cd_arena scratch;
} xml_out;

/* XML forbids "--" inside a comment (and a comment ending in "-"). */
static const char *comment_safe(const char *s, cd_arena *a) {
    cd_buf b;
    cd_buf_init(&b, a);
    for (; *s; s++) {
        cd_buf_addc(&b, *s);
        if (*s == '-' && (s[1] == '-' || !s[1])) cd_buf_addc(&b, ' ');
    }
    return cd_buf_str(&b);
}

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
    if (!x->failed && value) check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value));
}

static void content(xml_out *x, const char *s) {
    if (!x->failed && s) check(x, xmlTextWriterWriteString(x->w, BAD_CAST s));
}

static void element(xml_out *x, const char *name, const char *value) {
    if (!value) return;
    start(x, name);
    content(x, value);
    end(x);
}

static const char *date_text(cd_date d, char *buf, size_t n) {
    if (!d.y) return NULL;
    snprintf(buf, n, "%04d-%02d-%02d", d.y, d.m, d.d);
    return buf;
}

static void write_task(xml_out *x, const cd_tpl_task *k) {
    char b1[16], b2[16], lines[32];
    start(x, "task");
    attribute(x, "id", k->id);
    element(x, "text", k->text);
    if (k->deadline && k->deadline->raw) {
        start(x, "deadline");
        attribute(x, "kind", cd_deadline_kind_name(k->deadline->kind));
        attribute(x, "start", date_text(k->deadline->start, b1, sizeof b1));
        attribute(x, "end", date_text(k->deadline->end, b2, sizeof b2));
        content(x, k->deadline->raw);
        end(x);
    }
    for (size_t i = 0; i < k->lead.n; i++)
        element(x, "lead", k->lead.items[i]);
    if (k->n_sources) {
        start(x, "sources");
        for (size_t i = 0; i < k->n_sources; i++) {
            const cd_tpl_source *s = &k->sources[i];
            start(x, "source");
            attribute(x, "document", s->document);
            attribute(x, "number", s->number);
            attribute(x, "task", s->task);
            if (s->first_line) {
                if (s->last_line > s->first_line)
                    snprintf(lines, sizeof lines, "%d-%d", s->first_line, s->last_line);
                else
                    snprintf(lines, sizeof lines, "%d", s->first_line);
                attribute(x, "lines", lines);
            }
            if (s->merged) attribute(x, "merged", "true");
            content(x, s->cites);
            end(x);
        }
        end(x);
    }
    end(x);
}

static void write_template(xml_out *x, const cd_template *t) {
    char date[16], year[16];
    check(x, xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL));
    if (!x->failed && t->note) check(x, xmlTextWriterWriteComment(x->w, BAD_CAST comment_safe(t->note, &x->scratch)));
    start(x, "template");
    attribute(x, "version", TEMPLATE_VERSION);
    start(x, "identity");
    element(x, "kind", t->kind);
    element(x, "number", t->number);
    element(x, "date", date_text(t->date, date, sizeof date));
    element(x, "issuer", t->issuer);
    element(x, "title", t->title);
    snprintf(year, sizeof year, "%d", t->year);
    element(x, "year", year);
    end(x);
    start(x, "document-elements");
    for (size_t i = 0; i < t->elements.n; i++)
        element(x, "element", t->elements.items[i]);
    end(x);
    start(x, "task-fields");
    for (size_t i = 0; i < t->fields.n; i++)
        element(x, "field", t->fields.items[i]);
    end(x);
    start(x, "tasks");
    for (size_t i = 0; i < t->n_tasks; i++)
        write_task(x, &t->tasks[i]);
    end(x);
    end(x);
    if (!x->failed) check(x, xmlTextWriterEndDocument(x->w));
}

int cd_template_write(const cd_template *t, FILE *out) {
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf) abort();
    xml_out x = {xmlNewTextWriterMemory(buf, 0), false, {0}};
    if (!x.w) abort();
    cd_arena_init(&x.scratch);
    check(&x, xmlTextWriterSetIndent(x.w, 1));
    check(&x, xmlTextWriterSetIndentString(x.w, BAD_CAST "  "));
    write_template(&x, t);
    xmlFreeTextWriter(x.w); /* flushes into buf */
    cd_arena_free(&x.scratch);
    int rc = x.failed ? CD_EXIT_INTERNAL : CD_EXIT_OK;
    size_t n = (size_t)xmlBufferLength(buf);
    if (rc == CD_EXIT_OK && fwrite(xmlBufferContent(buf), 1, n, out) != n) rc = CD_EXIT_INTERNAL;
    xmlBufferFree(buf);
    return rc;
}

/* ---------- deriving ---------- */

typedef struct cited {
    const cd_document *doc;
    size_t doc_index;
    const cd_task *task;
    const char *cites;
    cd_mtext *text;
    bool merged; /* the row carries several others */
    int cluster; /* union-find parent */
} cited;

static int find(cited *c, int i) {
    while (c[i].cluster != i) {
        c[i].cluster = c[c[i].cluster].cluster;
        i = c[i].cluster;
    }
    return i;
}

static const char *citation(const cd_task *k, const char *cite, cd_arena *a) {
    if (cd_fold_contains(k->assigned_by, cite, a)) return k->assigned_by;
    if (cd_fold_contains(k->note, cite, a)) return k->note;
    return NULL;
}

static bool same_names(const cd_agency_list *x, const cd_agency_list *y) {
    if (x->n != y->n) return false;
    for (size_t i = 0; i < x->n; i++) {
        bool found = false;
        for (size_t j = 0; j < y->n && !found; j++)
            found = !strcmp(x->items[i].name, y->items[j].name);
        if (!found) return false;
    }
    return true;
}

static int date_cmp(cd_date a, cd_date b) {
    if (a.y != b.y) return a.y < b.y ? -1 : 1;
    if (a.m != b.m) return a.m < b.m ? -1 : 1;
    return a.d < b.d ? -1 : a.d > b.d;
}

static void add_source(cd_template *t, cd_tpl_task *k, const cited *c, bool merged) {
    k->sources = cd_arena_grow(&t->arena, k->sources, sizeof *k->sources, k->n_sources, k->n_sources + 1);
    cd_tpl_source *s = &k->sources[k->n_sources++];
    s->document = cd_arena_strdup(&t->arena, c->doc->path);
    s->number = c->doc->meta.number ? cd_arena_strdup(&t->arena, c->doc->meta.number) : NULL;
    s->task = cd_arena_strdup(&t->arena, c->task->number);
    s->cites = cd_arena_strdup(&t->arena, c->cites);
    s->first_line = c->task->first_line;
    s->last_line = c->task->last_line;
    s->merged = merged;
}

/* The deadline the sources allow at the latest (by end date); without end
 * dates, the first source's. */
static cd_deadline *latest_deadline(cd_template *t, const cited *items, const int *members, size_t n) {
    const cd_deadline *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const cd_deadline *d = items[members[i]].task->deadline;
        if (!d) continue;
        if (!best || (d->end.y && (!best->end.y || date_cmp(d->end, best->end) > 0))) best = d;
    }
    if (!best) return NULL;
    cd_deadline *d = cd_arena_alloc(&t->arena, sizeof *d);
    *d = *best;
    d->raw = cd_arena_strdup(&t->arena, best->raw ? best->raw : "");
    d->recurrence = best->recurrence ? cd_arena_strdup(&t->arena, best->recurrence) : NULL;
    return d;
}

/* The identity of the cited document from the citing documents' references. */
static void derive_identity(cd_template *t, const cd_document *docs, size_t n, const char *cite) {
    t->number = cd_arena_strdup(&t->arena, cite);
    cd_arena tmp;
    cd_arena_init(&tmp);
    const char *want = cd_fold(cite, strlen(cite), &tmp);
    for (size_t i = 0; i < n && !t->date.y; i++)
        for (size_t r = 0; r < docs[i].meta.references.n; r++) {
            const cd_docref *ref = &docs[i].meta.references.items[r];
            if (!ref->number || strcmp(cd_fold(ref->number, strlen(ref->number), &tmp), want)) continue;
            if (ref->kind) t->kind = cd_arena_strdup(&t->arena, ref->kind);
            t->date = ref->date;
            break;
        }
    cd_arena_free(&tmp);
}

size_t cd_template_derive(cd_template *t, const cd_document *docs, size_t n, const cd_matcher *m,
                          const cd_derive_options *o) {
    template_init(t);
    derive_identity(t, docs, n, o->cite);
    if (o->issuer) t->issuer = cd_arena_strdup(&t->arena, o->issuer);
    for (const char *const *e = cd_tpl_element_names; *e; e++)
        cd_strs_push(&t->arena, &t->elements, *e);
    for (const char *const *f = default_fields; *f; f++)
        cd_strs_push(&t->arena, &t->fields, *f);

    cd_arena work;
    cd_arena_init(&work);
    cited *items = NULL;
    int ni = 0;
    for (size_t d = 0; d < n; d++)
        for (size_t k = 0; k < docs[d].n_tasks; k++) {
            const char *cites = citation(&docs[d].tasks[k], o->cite, &work);
            if (!cites) continue;
            items = cd_arena_grow(&work, items, sizeof *items, (size_t)ni, (size_t)ni + 1);
            items[ni] = (cited){&docs[d], d, &docs[d].tasks[k], cites, cd_mtext_new(m, docs[d].tasks[k].text, &work),
                                false,    ni};
            ni++;
        }
    double same = cd_matcher_setting(m, "derive-same");
    /* contains[a*ni+b]: row a carries row b (of another document) in its clauses */
    bool *contains = cd_arena_alloc(&work, (size_t)ni * (size_t)ni + 1);
    bool *alike = cd_arena_alloc(&work, (size_t)ni * (size_t)ni + 1);
    for (int a = 0; a < ni; a++)
        for (int b = 0; b < ni; b++) {
            if (a == b || items[a].doc_index == items[b].doc_index) continue;
            contains[a * ni + b] = cd_match_compare(m, items[b].text, items[a].text).score >= same;
            alike[a * ni + b] = cd_match_compare_whole(m, items[a].text, items[b].text).score >= same;
        }
    /* a merged row carries two rows that are different tasks; any other
     * row that carries (or is carried by) a row of another document, or
     * reads alike as a whole, is the same task */
    for (int a = 0; a < ni; a++)
        for (int b1 = 0; b1 < ni && !items[a].merged; b1++)
            for (int b2 = b1 + 1; b2 < ni && !items[a].merged; b2++)
                if (contains[a * ni + b1] && contains[a * ni + b2] && !alike[b1 * ni + b2]) items[a].merged = true;
    for (int a = 0; a < ni; a++)
        for (int b = a + 1; b < ni; b++)
            if (!items[a].merged && !items[b].merged &&
                (alike[a * ni + b] || contains[a * ni + b] || contains[b * ni + a])) {
                int ra = find(items, a), rb = find(items, b);
                if (ra != rb) items[ra > rb ? ra : rb].cluster = ra < rb ? ra : rb;
            }
    /* one required task per cluster, in the order of its first row */
    int *task_of = cd_arena_alloc(&work, (size_t)ni * sizeof *task_of + sizeof *task_of);
    for (int a = 0; a < ni; a++) {
        task_of[a] = -1;
        if (items[a].merged || find(items, a) != a) continue;
        t->tasks = cd_arena_grow(&t->arena, t->tasks, sizeof *t->tasks, t->n_tasks, t->n_tasks + 1);
        cd_tpl_task *k = &t->tasks[t->n_tasks];
        task_of[a] = (int)t->n_tasks++;
        k->id = cd_arena_printf(&t->arena, "R%02zu", t->n_tasks);
        k->text = cd_arena_strdup(&t->arena, items[a].task->text);
    }
    int *members = cd_arena_alloc(&work, (size_t)ni * sizeof *members + sizeof *members);
    for (size_t ti = 0; ti < t->n_tasks; ti++) {
        cd_tpl_task *k = &t->tasks[ti];
        size_t nm = 0;
        for (int a = 0; a < ni; a++)
            if (!items[a].merged && task_of[find(items, a)] == (int)ti) {
                members[nm++] = a;
                add_source(t, k, &items[a], false);
            }
        size_t plain = nm;
        for (int a = 0; a < ni; a++) {
            if (!items[a].merged) continue;
            bool carries = false;
            for (size_t j = 0; j < plain && !carries; j++)
                carries = contains[a * ni + members[j]];
            if (!carries) continue;
            members[nm++] = a;
            add_source(t, k, &items[a], true);
        }
        k->deadline = latest_deadline(t, items, members, nm);
        bool agree = true;
        for (size_t j = 1; j < nm && agree; j++)
            agree = same_names(&items[members[0]].task->lead, &items[members[j]].task->lead);
        const cd_agency_list *lead = &items[members[0]].task->lead;
        for (size_t j = 0; agree && j < lead->n; j++)
            cd_strs_push(&t->arena, &k->lead, cd_arena_strdup(&t->arena, lead->items[j].name));
    }
    /* the plan year: the citation's, else the citing documents' */
    t->year = t->date.y;
    for (size_t d = 0; d < n && !t->year; d++)
        t->year = docs[d].meta.year;
    cd_buf note;
    cd_buf_init(&note, &t->arena);
    cd_buf_adds(&note, cd_arena_printf(&work, " Derived by chidao template derive, citation %s, from:", o->cite));
    for (size_t d = 0; d < n; d++)
        cd_buf_adds(&note, cd_arena_printf(&work, " %s", docs[d].path));
    cd_buf_adds(&note, ". ");
    t->note = cd_buf_str(&note);
    cd_arena_free(&work);
    return t->n_tasks;
}
