/* emit_json.c — CONTRACT.md JSON, keys in contract order.
 *
 * The record is streamed into one buffer and written with one fwrite:
 * building a jansson tree (a hash table per object, a copy per string) cost
 * more than the whole extraction.  jansson still escapes every string that
 * needs it (json_dump_callback on a string value); a string with no quote,
 * backslash or control character is copied as it is, which is what jansson
 * would write for it.  The layout is jansson's JSON_INDENT(2) / JSON_COMPACT
 * layout, so the output is byte-for-byte what the tree version wrote. */
#include "emit_json.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"

#define CD_SCHEMA "chidao/1"
/* Deeper than the record ever nests; guards the per-level state. */
#define JW_MAX_DEPTH 16

typedef struct jw {
    char *data;
    size_t len, cap;
    bool compact;
    bool failed;
    int depth;
    bool first[JW_MAX_DEPTH]; /* no member written yet at this level */
} jw;

/* Grow the buffer to hold n more bytes (the rare path of reserve). */
static __attribute__((noinline)) void grow(jw *w, size_t n) {
    if (w->failed) return;
    size_t cap = w->cap ? 2 * w->cap : 65536;
    while (cap < w->len + n)
        cap *= 2;
    char *p = realloc(w->data, cap);
    if (!p) {
        w->failed = true;
        return;
    }
    w->data = p;
    w->cap = cap;
}

/* Room for n more bytes: one comparison on the path every byte takes. */
static inline void reserve(jw *w, size_t n) {
    if (w->len + n > w->cap) grow(w, n);
}

static void put(jw *w, const char *s, size_t n) {
    reserve(w, n);
    if (w->failed) return;
    memcpy(w->data + w->len, s, n);
    w->len += n;
}

static void puts_(jw *w, const char *s) { put(w, s, strlen(s)); }

/* A newline and the indentation of the current level, after a comma when
 * asked: one copy. */
static void line_break(jw *w, bool comma) {
    static const char comma_break[] = ",\n                                ";
    size_t max = sizeof comma_break - 3, indent = 2 * (size_t)w->depth < max ? 2 * (size_t)w->depth : max;
    put(w, comma_break + !comma, 1 + comma + indent);
}

static void newline(jw *w) {
    if (!w->compact) line_break(w, false);
}

static int jansson_sink(const char *buf, size_t n, void *data) {
    put(data, buf, n);
    return 0;
}

/* Does s[0..n) hold a byte JSON must escape (a control character, '"' or
 * '\\')?  Eight bytes at a time (the classic has-less/has-zero byte tricks):
 * the emitter copies several times the input's size, and a byte loop was
 * its largest cost. */
static bool needs_escape(const char *s, size_t n) {
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
        if (((x - ones * 0x20) | (quote - ones) | (backslash - ones)) & ~x & highs) {
            /* a byte >= 0x80 can set the high bit of the differences
             * without being special (~x clears it: only ASCII bytes count) */
            for (size_t k = i; k < i + 8; k++) {
                unsigned char c = (unsigned char)s[k];
                if (c < 0x20 || c == '"' || c == '\\') return true;
            }
        }
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\') return true;
    }
    return false;
}

/* s[0..n) between quotes, then tail: one copy for text with nothing to escape. */
static void quoted(jw *w, const char *s, size_t n, const char *tail, size_t tail_len) {
    reserve(w, n + 2 + tail_len);
    if (w->failed) return;
    char *out = w->data + w->len;
    out[0] = '"';
    memcpy(out + 1, s, n);
    out[n + 1] = '"';
    memcpy(out + n + 2, tail, tail_len);
    w->len += n + 2 + tail_len;
}

static void string(jw *w, const char *s) {
    size_t n = strlen(s);
    if (!needs_escape(s, n)) {
        quoted(w, s, n, "", 0);
        return;
    }
    /* every string here is valid UTF-8 (read checks the text, paths are
     * repaired, rule files are checked at load): jansson need not check again */
    json_t *v = json_stringn_nocheck(s, n);
    if (!v || json_dump_callback(v, jansson_sink, w, JSON_ENCODE_ANY) != 0) w->failed = true;
    json_decref(v);
}

/* Start the next member or element at the current level. */
static void next(jw *w) {
    bool first = w->first[w->depth];
    w->first[w->depth] = false;
    if (!w->compact)
        line_break(w, !first);
    else if (!first)
        put(w, ",", 1);
}

/* Keys are the contract's own names (string literals, nothing to escape):
 * written as they are, with their quotes and colon in one copy. */
static void key(jw *w, const char *k) {
    next(w);
    quoted(w, k, strlen(k), ": ", w->compact ? 1 : 2);
}

static void open_(jw *w, char c) {
    put(w, &c, 1);
    if (w->depth + 1 >= JW_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    w->first[++w->depth] = true;
}

static void close_(jw *w, char c) {
    bool empty = w->first[w->depth];
    w->depth--;
    if (!empty) newline(w);
    put(w, &c, 1);
}

static void str_or_null(jw *w, const char *s) {
    if (s)
        string(w, s);
    else
        puts_(w, "null");
}

/* Numbers are formatted by hand: snprintf was a visible share of the
 * emitter's time, for line numbers and dates. */
static void integer(jw *w, long long v) {
    char buf[24];
    size_t i = sizeof buf;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0) buf[--i] = '-';
    put(w, buf + i, sizeof buf - i);
}

static void digits(char *out, int v, int width) {
    for (int i = width - 1; i >= 0; i--, v /= 10)
        out[i] = (char)('0' + v % 10);
}

static void date_or_null(jw *w, cd_date d) {
    if (!d.y) {
        puts_(w, "null");
        return;
    }
    if (d.y < 1000 || d.y > 9999 || d.m < 0 || d.m > 99 || d.d < 0 || d.d > 99) { /* never, by cd_date_valid */
        char wide[48];
        snprintf(wide, sizeof wide, "\"%04d-%02d-%02d\"", d.y, d.m, d.d);
        puts_(w, wide);
        return;
    }
    char buf[12] = "\"0000-00-00\"";
    digits(buf + 1, d.y, 4);
    digits(buf + 6, d.m, 2);
    digits(buf + 9, d.d, 2);
    put(w, buf, sizeof buf);
}

static void strs(jw *w, const cd_strs *l) {
    open_(w, '[');
    for (size_t i = 0; i < l->n; i++) {
        next(w);
        string(w, l->items[i]);
    }
    close_(w, ']');
}

static void agencies(jw *w, const cd_agency_list *l) {
    open_(w, '[');
    for (size_t i = 0; i < l->n; i++) {
        next(w);
        open_(w, '{');
        key(w, "name");
        string(w, l->items[i].name);
        key(w, "raw");
        string(w, l->items[i].raw);
        key(w, "kind");
        string(w, cd_agency_kind_name(l->items[i].kind));
        close_(w, '}');
    }
    close_(w, ']');
}

static void lines(jw *w, int first, int last) {
    open_(w, '[');
    next(w);
    integer(w, first);
    next(w);
    integer(w, last);
    close_(w, ']');
}

static void docrefs(jw *w, const cd_docrefs *r) {
    open_(w, '[');
    for (size_t i = 0; i < r->n; i++) {
        next(w);
        open_(w, '{');
        key(w, "kind");
        str_or_null(w, r->items[i].kind);
        key(w, "number");
        str_or_null(w, r->items[i].number);
        key(w, "date");
        date_or_null(w, r->items[i].date);
        close_(w, '}');
    }
    close_(w, ']');
}

static void deadline(jw *w, const cd_deadline *d) {
    if (!d) {
        puts_(w, "null");
        return;
    }
    open_(w, '{');
    key(w, "raw");
    string(w, d->raw);
    key(w, "kind");
    string(w, cd_deadline_kind_name(d->kind));
    key(w, "start");
    date_or_null(w, d->start);
    key(w, "end");
    date_or_null(w, d->end);
    if (d->kind == CD_DL_RECURRING) {
        key(w, "recurrence");
        str_or_null(w, d->recurrence);
    }
    close_(w, '}');
}

static void document(jw *w, const cd_document *doc) {
    const cd_meta *m = &doc->meta;
    open_(w, '{');
    key(w, "kind");
    string(w, m->kind ? m->kind : "other");
    key(w, "kind_label");
    str_or_null(w, m->kind_label);
    key(w, "number");
    str_or_null(w, m->number);
    key(w, "issuer");
    str_or_null(w, m->issuer);
    key(w, "place");
    str_or_null(w, m->place);
    key(w, "date");
    date_or_null(w, m->date);
    key(w, "year");
    if (m->year)
        integer(w, m->year);
    else
        puts_(w, "null");
    key(w, "title");
    str_or_null(w, m->title);
    key(w, "signer");
    open_(w, '{');
    key(w, "title");
    str_or_null(w, m->signer_title);
    key(w, "name");
    str_or_null(w, m->signer_name);
    close_(w, '}');
    key(w, "references");
    docrefs(w, &m->references);
    key(w, "replaces");
    docrefs(w, &m->replaces);
    key(w, "recipients");
    strs(w, &m->recipients);
    close_(w, '}');
}

static void task(jw *w, const cd_task *t) {
    open_(w, '{');
    key(w, "id");
    string(w, t->id);
    key(w, "number");
    string(w, t->number);
    key(w, "section");
    strs(w, &t->section);
    key(w, "text");
    string(w, t->text);
    key(w, "lead");
    agencies(w, &t->lead);
    key(w, "support");
    agencies(w, &t->support);
    key(w, "direction");
    strs(w, &t->direction);
    key(w, "output");
    str_or_null(w, t->output);
    key(w, "deadline");
    deadline(w, t->deadline);
    key(w, "assigned_by");
    str_or_null(w, t->assigned_by);
    key(w, "note");
    str_or_null(w, t->note);
    key(w, "lines");
    lines(w, t->first_line, t->last_line);
    key(w, "pages");
    if (t->first_page)
        lines(w, t->first_page, t->last_page);
    else
        puts_(w, "null");
    close_(w, '}');
}

static void indicator(jw *w, const cd_indicator *ind) {
    open_(w, '{');
    key(w, "id");
    string(w, ind->id);
    key(w, "number");
    str_or_null(w, ind->number);
    key(w, "section");
    strs(w, &ind->section);
    key(w, "name");
    str_or_null(w, ind->name);
    key(w, "unit");
    str_or_null(w, ind->unit);
    key(w, "target");
    str_or_null(w, ind->target);
    key(w, "lead");
    agencies(w, &ind->lead);
    key(w, "lines");
    lines(w, ind->first_line, ind->last_line);
    close_(w, '}');
}

static void record(jw *w, const cd_document *doc) {
    open_(w, '{');
    key(w, "schema");
    string(w, CD_SCHEMA);
    key(w, "source");
    open_(w, '{');
    key(w, "path");
    string(w, doc->path);
    key(w, "sha256");
    string(w, doc->sha256);
    key(w, "bytes");
    integer(w, (long long)doc->n_bytes);
    key(w, "encoding");
    str_or_null(w, doc->encoding);
    key(w, "format");
    str_or_null(w, doc->format);
    close_(w, '}');
    key(w, "document");
    document(w, doc);
    key(w, "tasks");
    open_(w, '[');
    for (size_t i = 0; i < doc->n_tasks; i++) {
        next(w);
        task(w, &doc->tasks[i]);
    }
    close_(w, ']');
    key(w, "indicators");
    open_(w, '[');
    for (size_t i = 0; i < doc->n_indicators; i++) {
        next(w);
        indicator(w, &doc->indicators[i]);
    }
    close_(w, ']');
    key(w, "diagnostics");
    open_(w, '[');
    for (size_t i = 0; i < doc->diags.n; i++) {
        const cd_diag *d = &doc->diags.items[i];
        next(w);
        open_(w, '{');
        key(w, "severity");
        string(w, cd_severity_name(d->severity));
        key(w, "code");
        string(w, d->code);
        key(w, "message");
        string(w, d->message);
        key(w, "line");
        if (d->line)
            integer(w, d->line);
        else
            puts_(w, "null");
        close_(w, '}');
    }
    close_(w, ']');
    close_(w, '}');
    put(w, "\n", 1);
}

static int dump(const cd_document *doc, FILE *out, bool compact) {
    jw w = {.compact = compact};
    w.first[0] = true;
    reserve(&w, 3 * doc->n_bytes + 4096); /* records run ~2.7 times their source */
    record(&w, doc);
    bool ok = !w.failed && fwrite(w.data, 1, w.len, out) == w.len;
    free(w.data);
    return ok ? CD_EXIT_OK : CD_EXIT_INTERNAL;
}

int cd_emit_json(const cd_document *doc, FILE *out) { return dump(doc, out, false); }

/* Compact: the record on one line (jansson escapes newlines inside strings),
 * so a line is exactly one document. */
int cd_emit_ndjson(const cd_document *doc, FILE *out) { return dump(doc, out, true); }
