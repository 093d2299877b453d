/* emit_csv.c — four CSV tables for bulk loading (schemas/postgres.sql).
 *
 * Format: RFC 4180, UTF-8 without a BOM, one header row.  Records end in
 * CRLF, as RFC 4180 says: spreadsheets expect it, and PostgreSQL's COPY …
 * CSV, Python's csv module and R read it as they read LF.  A line break
 * inside a value is written as it is, inside quotes.
 *
 * NULL versus empty: PostgreSQL's COPY … CSV reads an unquoted empty field
 * as NULL and a quoted "" as the empty string, so a null value of the JSON
 * record is written as nothing and an empty string as "".  Lists of agencies
 * have a names column ("; "-joined, NULL when the list is empty) and a
 * _json column with the full entries; section and direction are JSON arrays
 * (load them into jsonb).  JSON text comes from jansson, keys in contract
 * order.
 *
 * Formula injection (OWASP, "CSV Injection"): a spreadsheet opening the file
 * runs a cell that starts with = + - @ (or a tab or CR) as a formula, and a
 * hostile document can put one in any text column.  By default such a text
 * cell gets a leading apostrophe, which spreadsheets take as "this is text"
 * and do not show, and is quoted; cd_csv_keep_formulas (--csv-formulas keep)
 * writes them as they are, for database loads, where the apostrophe would
 * be data.  JSON, number and date cells never start with one of those. */
#include "emit_csv.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"

struct cd_csv {
    FILE *documents, *tasks, *indicators, *diagnostics;
    bool write_failed;
    bool keep_formulas;
};

/* The project's out-of-memory policy (arena.h): say so and abort. */
static _Noreturn void out_of_memory(void) {
    fputs("chidao: out of memory\n", stderr);
    abort();
}

/* One record being written to one table. */
typedef struct csv_row {
    FILE *out;
    bool started;       /* a field has been written: the next needs a comma */
    bool keep_formulas; /* the table's cd_csv says so */
} csv_row;

static void next_field(csv_row *r) {
    if (r->started) putc(',', r->out);
    r->started = true;
}

/* RFC 4180: a field containing a comma, a quote, CR or LF is enclosed in
 * quotes, with each quote doubled.  The empty string is quoted too, so
 * that it differs from NULL (an unquoted empty field). */
static bool needs_quotes(const char *s) { return !*s || strpbrk(s, ",\"\r\n") != NULL; }

static void write_quoted(FILE *out, const char *s, bool apostrophe) {
    putc('"', out);
    if (apostrophe) putc('\'', out);
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
        fwrite(s, 1, (size_t)(q - s) + 1, out); /* up to and including the quote */
        putc('"', out);                         /* ... which is doubled */
    }
    fputs(s, out);
    putc('"', out);
}

/* Would a spreadsheet read s as a formula? */
static bool formula_like(const char *s) { return s[0] && strchr("=+-@\t\r", s[0]); }

/* A cell written as it is (quoted as RFC 4180 asks); NULL is the SQL NULL. */
static void cell_raw(csv_row *r, const char *s) {
    next_field(r);
    if (!s) return;
    if (needs_quotes(s))
        write_quoted(r->out, s, false);
    else
        fputs(s, r->out);
}

/* A text cell: as cell_raw, but one a spreadsheet would run as a formula
 * gets a leading apostrophe, unless the table keeps formulas. */
static void cell_text(csv_row *r, const char *s) {
    if (!s || r->keep_formulas || !formula_like(s)) {
        cell_raw(r, s);
        return;
    }
    next_field(r);
    write_quoted(r->out, s, true);
}

static void cell_int(csv_row *r, long long v) {
    next_field(r);
    fprintf(r->out, "%lld", v);
}

/* A number where 0 means absent (year, line). */
static void cell_int_or_null(csv_row *r, long long v) {
    if (v)
        cell_int(r, v);
    else
        next_field(r);
}

static void cell_date(csv_row *r, cd_date d) {
    next_field(r);
    if (d.y) fprintf(r->out, "%04d-%02d-%02d", d.y, d.m, d.d);
}

/* A jsonb cell: v serialised compactly (UTF-8 kept as is), then released. */
static void cell_json(csv_row *r, json_t *v) {
    char *text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(v);
    if (!text) out_of_memory();
    cell_raw(r, text);
    free(text);
}

static void end_row(cd_csv *c, csv_row *r) {
    fputs("\r\n", r->out);
    if (ferror(r->out)) c->write_failed = true;
}

/* ---- JSON values, as in emit_json.c ---- */

static json_t *json_strs(const cd_strs *l) {
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->items[i]));
    return a;
}

static json_t *json_agencies(const cd_agency_list *l) {
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(l->items[i].name));
        json_object_set_new(o, "raw", json_string(l->items[i].raw));
        json_object_set_new(o, "kind", json_string(cd_agency_kind_name(l->items[i].kind)));
        json_array_append_new(a, o);
    }
    return a;
}

/* The canonical names joined by "; " (NULL for an empty list: no one is
 * named), then the full entries as JSON. */
static void cells_agencies(csv_row *r, const cd_agency_list *l) {
    static const char sep[] = "; ";
    char *names = NULL;
    if (l->n) {
        size_t len = 0;
        for (size_t i = 0; i < l->n; i++)
            len += strlen(l->items[i].name) + strlen(sep);
        names = malloc(len + 1);
        if (!names) out_of_memory();
        char *end = names;
        for (size_t i = 0; i < l->n; i++) {
            if (i) end = stpcpy(end, sep);
            end = stpcpy(end, l->items[i].name);
        }
    }
    cell_text(r, names);
    free(names);
    cell_json(r, json_agencies(l));
}

/* ---- headers: the column order of schemas/postgres.sql ---- */

/* clang-format off */
static const char *const documents_header[] = {
    "document", "sha256", "bytes", "encoding", "format", "kind", "kind_label", "number", "issuer",
    "place", "date", "year", "title", "signer_title", "signer_name", "tasks", "indicators", "status",
    "error", NULL};
static const char *const tasks_header[] = {
    "document", "id", "number", "section", "text", "lead", "lead_json", "support", "support_json",
    "direction", "output", "deadline_raw", "deadline_kind", "deadline_start", "deadline_end",
    "deadline_recurrence", "assigned_by", "note", "first_line", "last_line", NULL};
static const char *const indicators_header[] = {
    "document", "id", "number", "section", "name", "unit", "target", "lead", "lead_json",
    "first_line", "last_line", NULL};
static const char *const diagnostics_header[] = {
    "document", "seq", "severity", "code", "message", "line", NULL};
/* clang-format on */

static void write_header(cd_csv *c, FILE *out, const char *const *names) {
    if (!out) return;
    csv_row r = {.out = out};
    for (size_t i = 0; names[i]; i++)
        cell_text(&r, names[i]);
    end_row(c, &r);
}

cd_csv *cd_csv_open(FILE *documents, FILE *tasks, FILE *indicators, FILE *diagnostics) {
    cd_csv *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = (cd_csv){documents, tasks, indicators, diagnostics, false, false};
    write_header(c, documents, documents_header);
    write_header(c, tasks, tasks_header);
    write_header(c, indicators, indicators_header);
    write_header(c, diagnostics, diagnostics_header);
    return c;
}

void cd_csv_keep_formulas(cd_csv *c, bool keep) { c->keep_formulas = keep; }

/* ---- rows ---- */

static const cd_diag *first_error(const cd_document *doc) {
    for (size_t i = 0; i < doc->diags.n; i++)
        if (doc->diags.items[i].severity == CD_SEV_ERROR) return &doc->diags.items[i];
    return NULL;
}

static void add_document(cd_csv *c, const cd_document *doc, bool ok) {
    const cd_meta *m = &doc->meta;
    csv_row r = {.out = c->documents, .keep_formulas = c->keep_formulas};
    cell_text(&r, doc->path);
    /* source facts exist as far as reading got; the metadata only when the
     * pipeline finished */
    cell_text(&r, doc->sha256[0] ? doc->sha256 : NULL);
    if (doc->bytes)
        cell_int(&r, (long long)doc->n_bytes);
    else
        next_field(&r);
    cell_text(&r, doc->encoding);
    cell_text(&r, doc->format);
    cell_text(&r, ok ? (m->kind ? m->kind : "other") : NULL);
    cell_text(&r, ok ? m->kind_label : NULL);
    cell_text(&r, ok ? m->number : NULL);
    cell_text(&r, ok ? m->issuer : NULL);
    cell_text(&r, ok ? m->place : NULL);
    cell_date(&r, ok ? m->date : (cd_date){0});
    cell_int_or_null(&r, ok ? m->year : 0);
    cell_text(&r, ok ? m->title : NULL);
    cell_text(&r, ok ? m->signer_title : NULL);
    cell_text(&r, ok ? m->signer_name : NULL);
    cell_int(&r, ok ? (long long)doc->n_tasks : 0);
    cell_int(&r, ok ? (long long)doc->n_indicators : 0);
    cell_text(&r, ok ? "ok" : "failed");
    const cd_diag *err = ok ? NULL : first_error(doc);
    cell_text(&r, err ? err->message : NULL);
    end_row(c, &r);
}

static void add_task(cd_csv *c, const char *path, const cd_task *t) {
    const cd_deadline *d = t->deadline;
    csv_row r = {.out = c->tasks, .keep_formulas = c->keep_formulas};
    cell_text(&r, path);
    cell_text(&r, t->id);
    cell_text(&r, t->number);
    cell_json(&r, json_strs(&t->section));
    cell_text(&r, t->text);
    cells_agencies(&r, &t->lead);
    cells_agencies(&r, &t->support);
    cell_json(&r, json_strs(&t->direction));
    cell_text(&r, t->output);
    cell_text(&r, d ? d->raw : NULL);
    cell_text(&r, d ? cd_deadline_kind_name(d->kind) : NULL);
    cell_date(&r, d ? d->start : (cd_date){0});
    cell_date(&r, d ? d->end : (cd_date){0});
    cell_text(&r, d && d->kind == CD_DL_RECURRING ? d->recurrence : NULL);
    cell_text(&r, t->assigned_by);
    cell_text(&r, t->note);
    cell_int(&r, t->first_line);
    cell_int(&r, t->last_line);
    end_row(c, &r);
}

static void add_indicator(cd_csv *c, const char *path, const cd_indicator *ind) {
    csv_row r = {.out = c->indicators, .keep_formulas = c->keep_formulas};
    cell_text(&r, path);
    cell_text(&r, ind->id);
    cell_text(&r, ind->number);
    cell_json(&r, json_strs(&ind->section));
    cell_text(&r, ind->name);
    cell_text(&r, ind->unit);
    cell_text(&r, ind->target);
    cells_agencies(&r, &ind->lead);
    cell_int(&r, ind->first_line);
    cell_int(&r, ind->last_line);
    end_row(c, &r);
}

static void add_diagnostic(cd_csv *c, const char *path, long long seq, const cd_diag *d) {
    csv_row r = {.out = c->diagnostics, .keep_formulas = c->keep_formulas};
    cell_text(&r, path);
    cell_int(&r, seq);
    cell_text(&r, cd_severity_name(d->severity));
    cell_text(&r, d->code);
    cell_text(&r, d->message);
    cell_int_or_null(&r, d->line);
    end_row(c, &r);
}

int cd_csv_add(cd_csv *c, const cd_document *doc, int status) {
    bool ok = status == CD_EXIT_OK;
    if (c->documents) add_document(c, doc, ok);
    if (ok && c->tasks)
        for (size_t i = 0; i < doc->n_tasks; i++)
            add_task(c, doc->path, &doc->tasks[i]);
    if (ok && c->indicators)
        for (size_t i = 0; i < doc->n_indicators; i++)
            add_indicator(c, doc->path, &doc->indicators[i]);
    if (c->diagnostics) {
        /* seq numbers the rows written, so (document, seq) is a key; for a
         * finished document it is the position in the JSON's diagnostics */
        long long seq = 0;
        for (size_t i = 0; i < doc->diags.n; i++)
            if (ok || doc->diags.items[i].severity == CD_SEV_ERROR)
                add_diagnostic(c, doc->path, ++seq, &doc->diags.items[i]);
    }
    return c->write_failed ? CD_EXIT_INTERNAL : CD_EXIT_OK;
}

static void flush_table(cd_csv *c, FILE *out) {
    if (out && (fflush(out) != 0 || ferror(out))) c->write_failed = true;
}

int cd_csv_close(cd_csv *c) {
    if (!c) return CD_EXIT_OK;
    flush_table(c, c->documents);
    flush_table(c, c->tasks);
    flush_table(c, c->indicators);
    flush_table(c, c->diagnostics);
    int rc = c->write_failed ? CD_EXIT_INTERNAL : CD_EXIT_OK;
    free(c);
    return rc;
}
