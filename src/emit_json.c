/* emit_json.c — CONTRACT.md JSON with jansson, keys in contract order. */
#include "emit_json.h"

#include <jansson.h>
#include <stdio.h>

#include "deadline.h"

#define CD_SCHEMA "chidao/1"

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *date_or_null(cd_date d) {
    if (!d.y) return json_null();
    char buf[16];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.y, d.m, d.d);
    return json_string(buf);
}

static json_t *strs(const cd_strs *l) {
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++) json_array_append_new(a, json_string(l->items[i]));
    return a;
}

static const char *agency_kind_name(cd_agency_kind k) {
    return k == CD_AGENCY_GROUP ? "group" : k == CD_AGENCY_ROLE ? "role" : "agency";
}

static json_t *agencies(const cd_agency_list *l) {
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(l->items[i].name));
        json_object_set_new(o, "raw", json_string(l->items[i].raw));
        json_object_set_new(o, "kind", json_string(agency_kind_name(l->items[i].kind)));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *lines(int first, int last) {
    json_t *a = json_array();
    json_array_append_new(a, json_integer(first));
    json_array_append_new(a, json_integer(last));
    return a;
}

static json_t *docrefs(const cd_docrefs *r) {
    json_t *a = json_array();
    for (size_t i = 0; i < r->n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "kind", str_or_null(r->items[i].kind));
        json_object_set_new(o, "number", str_or_null(r->items[i].number));
        json_object_set_new(o, "date", date_or_null(r->items[i].date));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *deadline(const cd_deadline *d) {
    if (!d) return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "raw", json_string(d->raw));
    json_object_set_new(o, "kind", json_string(cd_deadline_kind_name(d->kind)));
    json_object_set_new(o, "start", date_or_null(d->start));
    json_object_set_new(o, "end", date_or_null(d->end));
    if (d->kind == CD_DL_RECURRING) json_object_set_new(o, "recurrence", str_or_null(d->recurrence));
    return o;
}

static json_t *document(const cd_document *doc) {
    const cd_meta *m = &doc->meta;
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(m->kind ? m->kind : "other"));
    json_object_set_new(o, "kind_label", str_or_null(m->kind_label));
    json_object_set_new(o, "number", str_or_null(m->number));
    json_object_set_new(o, "issuer", str_or_null(m->issuer));
    json_object_set_new(o, "place", str_or_null(m->place));
    json_object_set_new(o, "date", date_or_null(m->date));
    json_object_set_new(o, "year", m->year ? json_integer(m->year) : json_null());
    json_object_set_new(o, "title", str_or_null(m->title));
    json_t *signer = json_object();
    json_object_set_new(signer, "title", str_or_null(m->signer_title));
    json_object_set_new(signer, "name", str_or_null(m->signer_name));
    json_object_set_new(o, "signer", signer);
    json_object_set_new(o, "references", docrefs(&m->references));
    json_object_set_new(o, "replaces", docrefs(&m->replaces));
    json_object_set_new(o, "recipients", strs(&m->recipients));
    return o;
}

static json_t *task(const cd_task *t) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(t->id));
    json_object_set_new(o, "number", json_string(t->number));
    json_object_set_new(o, "section", strs(&t->section));
    json_object_set_new(o, "text", json_string(t->text));
    json_object_set_new(o, "lead", agencies(&t->lead));
    json_object_set_new(o, "support", agencies(&t->support));
    json_object_set_new(o, "direction", strs(&t->direction));
    json_object_set_new(o, "output", str_or_null(t->output));
    json_object_set_new(o, "deadline", deadline(t->deadline));
    json_object_set_new(o, "assigned_by", str_or_null(t->assigned_by));
    json_object_set_new(o, "note", str_or_null(t->note));
    json_object_set_new(o, "lines", lines(t->first_line, t->last_line));
    return o;
}

static json_t *indicator(const cd_indicator *ind) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(ind->id));
    json_object_set_new(o, "number", str_or_null(ind->number));
    json_object_set_new(o, "section", strs(&ind->section));
    json_object_set_new(o, "name", str_or_null(ind->name));
    json_object_set_new(o, "unit", str_or_null(ind->unit));
    json_object_set_new(o, "target", str_or_null(ind->target));
    json_object_set_new(o, "lead", agencies(&ind->lead));
    json_object_set_new(o, "lines", lines(ind->first_line, ind->last_line));
    return o;
}

int cd_emit_json(const cd_document *doc, FILE *out) {
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string(CD_SCHEMA));
    json_t *src = json_object();
    json_object_set_new(src, "path", json_string(doc->path));
    json_object_set_new(src, "sha256", json_string(doc->sha256));
    json_object_set_new(src, "bytes", json_integer((json_int_t)doc->n_bytes));
    json_object_set_new(src, "encoding", str_or_null(doc->encoding));
    json_object_set_new(src, "format", str_or_null(doc->format));
    json_object_set_new(root, "source", src);
    json_object_set_new(root, "document", document(doc));
    json_t *tasks = json_array();
    for (size_t i = 0; i < doc->n_tasks; i++) json_array_append_new(tasks, task(&doc->tasks[i]));
    json_object_set_new(root, "tasks", tasks);
    json_t *inds = json_array();
    for (size_t i = 0; i < doc->n_indicators; i++) json_array_append_new(inds, indicator(&doc->indicators[i]));
    json_object_set_new(root, "indicators", inds);
    json_t *diags = json_array();
    for (size_t i = 0; i < doc->diags.n; i++) {
        const cd_diag *d = &doc->diags.items[i];
        json_t *o = json_object();
        json_object_set_new(o, "severity", json_string(cd_severity_name(d->severity)));
        json_object_set_new(o, "code", json_string(d->code));
        json_object_set_new(o, "message", json_string(d->message));
        json_object_set_new(o, "line", d->line ? json_integer(d->line) : json_null());
        json_array_append_new(diags, o);
    }
    json_object_set_new(root, "diagnostics", diags);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF) return CD_EXIT_INTERNAL;
    return CD_EXIT_OK;
}
