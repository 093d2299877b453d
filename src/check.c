/* check.c — template conformance and version diff, and their reports (see
 * check.h).  JSON text comes from jansson, workbooks from libxlsxwriter:
 * neither needs escaping by hand. */
#include "check.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "chidao.h"
#include "deadline.h"
#include "outfile.h"

#define CHECK_SCHEMA "chidao-check/1"
#define DIFF_SCHEMA "chidao-diff/1"
/* Excel's cell limit; longer wordings are cut (the JSON report has them whole). */
#define XLSX_CELL_MAX_BYTES 32000

/* ---------- small helpers ---------- */

static int date_cmp(cd_date a, cd_date b) {
    if (a.y != b.y) return a.y < b.y ? -1 : 1;
    if (a.m != b.m) return a.m < b.m ? -1 : 1;
    return a.d < b.d ? -1 : a.d > b.d;
}

static const char *date_str(cd_date d, char *buf, size_t n) {
    if (!d.y) return NULL;
    snprintf(buf, n, "%04d-%02d-%02d", d.y, d.m, d.d);
    return buf;
}

static bool names_contain(const cd_agency_list *l, const char *name) {
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->items[i].name, name)) return true;
    return false;
}

static bool same_agencies(const cd_agency_list *x, const cd_agency_list *y) {
    if (x->n != y->n) return false;
    for (size_t i = 0; i < x->n; i++)
        if (!names_contain(y, x->items[i].name)) return false;
    return true;
}

static bool same_folded(const char *x, const char *y, cd_arena *a) {
    if (!x || !*x || !y || !*y) return (!x || !*x) == (!y || !*y);
    return !strcmp(cd_fold(x, strlen(x), a), cd_fold(y, strlen(y), a));
}

static char *agencies_joined(const cd_agency_list *l, cd_arena *a) {
    cd_buf b;
    cd_buf_init(&b, a);
    for (size_t i = 0; i < l->n; i++) {
        if (i) cd_buf_adds(&b, "; ");
        cd_buf_adds(&b, l->items[i].name);
    }
    return cd_buf_str(&b);
}

static char *strs_joined(const cd_strs *l, const char *sep, cd_arena *a) {
    cd_buf b;
    cd_buf_init(&b, a);
    for (size_t i = 0; i < l->n; i++) {
        if (i) cd_buf_adds(&b, sep);
        cd_buf_adds(&b, l->items[i]);
    }
    return cd_buf_str(&b);
}

static char *lines_str(int first, int last, cd_arena *a) {
    if (!first) return cd_arena_strdup(a, "");
    return last > first ? cd_arena_printf(a, "%d-%d", first, last) : cd_arena_printf(a, "%d", first);
}

bool cd_report_format_parse(const char *s, cd_report_format *f) {
    if (!strcmp(s, "text"))
        *f = CD_REPORT_TEXT;
    else if (!strcmp(s, "json"))
        *f = CD_REPORT_JSON;
    else if (!strcmp(s, "xlsx"))
        *f = CD_REPORT_XLSX;
    else
        return false;
    return true;
}

/* ---------- check ---------- */

/* A candidate: a task, or a target row worded as "name target unit". */
typedef struct candidate {
    const cd_task *task;
    const cd_indicator *indicator;
    cd_mtext *text;
} candidate;

static candidate *candidates(const cd_matcher *m, const cd_document *doc, size_t *n, cd_arena *a) {
    candidate *c = cd_arena_alloc(a, (doc->n_tasks + doc->n_indicators + 1) * sizeof *c);
    size_t k = 0;
    for (size_t i = 0; i < doc->n_tasks; i++)
        c[k++] = (candidate){&doc->tasks[i], NULL, cd_mtext_new(m, doc->tasks[i].text, a)};
    for (size_t i = 0; i < doc->n_indicators; i++) {
        const cd_indicator *in = &doc->indicators[i];
        if (!in->name || (!in->target && !in->unit)) continue; /* a heading row of the target table */
        const char *text =
            cd_arena_printf(a, "%s %s %s", in->name, in->target ? in->target : "", in->unit ? in->unit : "");
        c[k++] = (candidate){NULL, in, cd_mtext_new(m, text, a)};
    }
    *n = k;
    return c;
}

static bool element_missing(const cd_meta *meta, const char *e) {
    if (!strcmp(e, "number")) return !meta->number;
    if (!strcmp(e, "date")) return !meta->date.y;
    if (!strcmp(e, "issuer")) return !meta->issuer;
    if (!strcmp(e, "title")) return !meta->title;
    if (!strcmp(e, "signer")) return !meta->signer_name;
    if (!strcmp(e, "recipients")) return !meta->recipients.n;
    return false;
}

static bool field_missing(const cd_task *k, const char *f) {
    if (!strcmp(f, "lead")) return !k->lead.n;
    if (!strcmp(f, "support")) return !k->support.n;
    if (!strcmp(f, "deadline")) return !k->deadline;
    if (!strcmp(f, "output")) return !k->output || !*k->output;
    if (!strcmp(f, "assigned_by")) return !k->assigned_by || !*k->assigned_by;
    if (!strcmp(f, "note")) return !k->note || !*k->note;
    if (!strcmp(f, "direction")) return !k->direction.n;
    return false;
}

static void judge_cover(cd_req_result *q) {
    const cd_tpl_task *req = q->req;
    if (q->task && req->deadline && req->deadline->end.y) {
        const cd_deadline *d = q->task->deadline;
        if (d && d->end.y)
            q->late = date_cmp(d->end, req->deadline->end) > 0;
        else
            q->deadline_unknown = true;
    }
    const cd_agency_list *lead = q->task ? &q->task->lead : q->indicator ? &q->indicator->lead : NULL;
    if (req->lead.n && lead && lead->n) { /* no lead at all is a missing field, not a different one */
        bool named = false;
        for (size_t i = 0; lead && i < req->lead.n && !named; i++)
            named = names_contain(lead, req->lead.items[i]);
        q->other_lead = !named;
    }
}

void cd_check_document(const cd_template *t, const cd_matcher *m, const cd_document *doc, cd_check_result *r,
                       cd_arena *a) {
    memset(r, 0, sizeof *r);
    r->doc = doc;
    size_t nc;
    candidate *c = candidates(m, doc, &nc, a);
    r->n_reqs = t->n_tasks;
    r->reqs = cd_arena_alloc(a, (t->n_tasks + 1) * sizeof *r->reqs);
    for (size_t i = 0; i < t->n_tasks; i++) {
        cd_req_result *q = &r->reqs[i];
        q->req = &t->tasks[i];
        cd_mtext *rx = cd_mtext_new(m, q->req->text ? q->req->text : "", a);
        /* the best candidate the matcher accepts; else the closest */
        const candidate *best = NULL, *closest = NULL;
        cd_similarity best_sim = {0}, closest_sim = {0};
        for (size_t k = 0; k < nc; k++) {
            cd_similarity s = cd_match_compare(m, rx, c[k].text);
            if (cd_match_covers(m, &s) && (!best || s.score > best_sim.score)) {
                best = &c[k];
                best_sim = s;
            }
            if (!closest || s.score > closest_sim.score) {
                closest = &c[k];
                closest_sim = s;
            }
        }
        const candidate *pick = best ? best : closest;
        q->covered = best != NULL;
        q->sim = best ? best_sim : closest_sim;
        if (pick) {
            q->task = pick->task;
            q->indicator = pick->indicator;
            q->words = cd_match_words(m, rx, pick->text, &q->sim, a);
        }
        if (!q->covered) {
            r->n_missing++;
            continue;
        }
        r->n_covered++;
        judge_cover(q);
        r->n_late += q->late;
        r->n_other_lead += q->other_lead;
    }
    for (size_t i = 0; i < t->elements.n; i++)
        if (element_missing(&doc->meta, t->elements.items[i]))
            cd_strs_push(a, &r->missing_elements, t->elements.items[i]);
    for (size_t k = 0; k < doc->n_tasks; k++) {
        cd_strs lacks = {0};
        for (size_t i = 0; i < t->fields.n; i++)
            if (field_missing(&doc->tasks[k], t->fields.items[i])) cd_strs_push(a, &lacks, t->fields.items[i]);
        if (!lacks.n) continue;
        r->incomplete = cd_arena_grow(a, r->incomplete, sizeof *r->incomplete, r->n_incomplete, r->n_incomplete + 1);
        r->incomplete[r->n_incomplete++] = (cd_incomplete_task){&doc->tasks[k], lacks};
    }
    r->conforms = !r->n_missing && !r->n_late && !r->missing_elements.n && !r->n_incomplete;
}

static const char *status_word(const cd_req_result *q) {
    if (!q->covered) return "missing";
    if (q->late && q->other_lead) return "covered, late, different lead";
    if (q->late) return "covered, late";
    if (q->other_lead) return "covered, different lead";
    return "covered";
}

/* ---------- diff ---------- */

static unsigned changes_between(const cd_task *o, const cd_task *n, cd_arena *a) {
    unsigned c = 0;
    if (!same_folded(o->text, n->text, a)) c |= CD_CHANGE_TEXT;
    if (!same_agencies(&o->lead, &n->lead)) c |= CD_CHANGE_LEAD;
    if (!same_agencies(&o->support, &n->support)) c |= CD_CHANGE_SUPPORT;
    const cd_deadline *x = o->deadline, *y = n->deadline;
    if (!x != !y || (x && y && (x->kind != y->kind || date_cmp(x->end, y->end) || !same_folded(x->raw, y->raw, a))))
        c |= CD_CHANGE_DEADLINE;
    if (!same_folded(o->output, n->output, a)) c |= CD_CHANGE_OUTPUT;
    return c;
}

typedef struct scored_pair {
    size_t o, n;
    double score;
} scored_pair;

static int cmp_pair(const void *x, const void *y) {
    const scored_pair *a = x, *b = y;
    if (a->score != b->score) return a->score < b->score ? 1 : -1;
    if (a->o != b->o) return a->o < b->o ? -1 : 1;
    return (a->n > b->n) - (a->n < b->n);
}

void cd_diff_documents(const cd_matcher *m, const cd_document *old_doc, const cd_document *new_doc, cd_diff_result *r,
                       cd_arena *a) {
    memset(r, 0, sizeof *r);
    r->old_doc = old_doc;
    r->new_doc = new_doc;
    size_t no = old_doc->n_tasks, nn = new_doc->n_tasks;
    long *pair_of_old = cd_arena_alloc(a, (no + 1) * sizeof *pair_of_old);
    long *pair_of_new = cd_arena_alloc(a, (nn + 1) * sizeof *pair_of_new);
    double *score_of_new = cd_arena_alloc(a, (nn + 1) * sizeof *score_of_new);
    for (size_t i = 0; i < no; i++)
        pair_of_old[i] = -1;
    for (size_t j = 0; j < nn; j++)
        pair_of_new[j] = -1;
    /* the same wording pairs first, in order */
    for (size_t i = 0; i < no; i++)
        for (size_t j = 0; j < nn; j++)
            if (pair_of_new[j] < 0 && same_folded(old_doc->tasks[i].text, new_doc->tasks[j].text, a)) {
                pair_of_old[i] = (long)j;
                pair_of_new[j] = (long)i;
                score_of_new[j] = 1;
                break;
            }
    /* then reworded rows, best score first */
    cd_mtext **ot = cd_arena_alloc(a, (no + 1) * sizeof *ot);
    cd_mtext **nt = cd_arena_alloc(a, (nn + 1) * sizeof *nt);
    for (size_t i = 0; i < no; i++)
        if (pair_of_old[i] < 0) ot[i] = cd_mtext_new(m, old_doc->tasks[i].text, a);
    for (size_t j = 0; j < nn; j++)
        if (pair_of_new[j] < 0) nt[j] = cd_mtext_new(m, new_doc->tasks[j].text, a);
    double same = cd_matcher_setting(m, "diff-same");
    scored_pair *pairs = NULL;
    size_t np = 0;
    for (size_t i = 0; i < no; i++)
        for (size_t j = 0; j < nn; j++) {
            if (pair_of_old[i] >= 0 || pair_of_new[j] >= 0) continue;
            double s = cd_match_compare_whole(m, ot[i], nt[j]).score;
            if (s < same) continue;
            pairs = cd_arena_grow(a, pairs, sizeof *pairs, np, np + 1);
            pairs[np++] = (scored_pair){i, j, s};
        }
    if (np) qsort(pairs, np, sizeof *pairs, cmp_pair);
    for (size_t k = 0; k < np; k++)
        if (pair_of_old[pairs[k].o] < 0 && pair_of_new[pairs[k].n] < 0) {
            pair_of_old[pairs[k].o] = (long)pairs[k].n;
            pair_of_new[pairs[k].n] = (long)pairs[k].o;
            score_of_new[pairs[k].n] = pairs[k].score;
        }
    /* entries in the new order; a removed row right after the entry of its
     * nearest paired predecessor in the old order */
    r->entries = cd_arena_alloc(a, (no + nn + 1) * sizeof *r->entries);
    size_t oi = 0; /* old rows up to here are placed */
    for (size_t j = 0; j <= nn; j++) {
        /* before new row j: removed old rows that come before its partner */
        size_t limit = j < nn && pair_of_new[j] >= 0 ? (size_t)pair_of_new[j] : (j == nn ? no : oi);
        for (; oi < limit && oi < no; oi++)
            if (pair_of_old[oi] < 0) {
                r->entries[r->n_entries++] = (cd_diff_entry){CD_DIFF_REMOVED, &old_doc->tasks[oi], NULL, 0, 0};
                r->n_removed++;
            }
        if (j == nn) break;
        if (pair_of_new[j] < 0) {
            r->entries[r->n_entries++] = (cd_diff_entry){CD_DIFF_ADDED, NULL, &new_doc->tasks[j], 0, 0};
            r->n_added++;
            continue;
        }
        size_t i = (size_t)pair_of_new[j];
        if (i >= oi) oi = i + 1;
        unsigned c = changes_between(&old_doc->tasks[i], &new_doc->tasks[j], a);
        r->entries[r->n_entries++] = (cd_diff_entry){c ? CD_DIFF_CHANGED : CD_DIFF_SAME, &old_doc->tasks[i],
                                                     &new_doc->tasks[j], c, score_of_new[j]};
        if (c)
            r->n_changed++;
        else
            r->n_same++;
    }
}

static const char *const change_names[] = {"text", "lead", "support", "deadline", "output"};

static cd_strs change_list(unsigned c, cd_arena *a) {
    cd_strs l = {0};
    for (unsigned i = 0; i < 5; i++)
        if (c & (1u << i)) cd_strs_push(a, &l, change_names[i]);
    return l;
}

static const char *diff_kind_name(cd_diff_kind k) {
    return k == CD_DIFF_REMOVED ? "removed" : k == CD_DIFF_ADDED ? "added" : k == CD_DIFF_CHANGED ? "changed" : "same";
}

/* ---------- text reports ---------- */

static const char *doc_label(const cd_document *d, cd_arena *a) {
    char date[16];
    const char *ds = date_str(d->meta.date, date, sizeof date);
    return cd_arena_printf(a, "%s (%s%s%s)", d->path, d->meta.number ? d->meta.number : "no number", ds ? ", " : "",
                           ds ? ds : "");
}

static const char *deadline_text(const cd_deadline *d, cd_arena *a) {
    char e[16];
    if (!d) return "none";
    const char *es = date_str(d->end, e, sizeof e);
    return es ? cd_arena_printf(a, "%s (until %s)", d->raw ? d->raw : "", es) : (d->raw ? d->raw : "");
}

static const char *found_label(const cd_req_result *q, cd_arena *a) {
    if (q->task)
        return cd_arena_printf(a, "%s row %s, lines %s", q->task->id, *q->task->number ? q->task->number : "-",
                               lines_str(q->task->first_line, q->task->last_line, a));
    if (q->indicator)
        return cd_arena_printf(a, "target %s row %s, lines %s", q->indicator->id, q->indicator->number,
                               lines_str(q->indicator->first_line, q->indicator->last_line, a));
    return "nothing";
}

static const char *found_text(const cd_req_result *q, cd_arena *a) {
    if (q->task) return q->task->text;
    if (q->indicator)
        return cd_arena_printf(a, "%s: %s %s", q->indicator->name, q->indicator->target ? q->indicator->target : "",
                               q->indicator->unit ? q->indicator->unit : "");
    return "";
}

static void text_words(FILE *out, const cd_strs *w) {
    fputs("      matched:  ", out);
    for (size_t i = 0; i < w->n; i++)
        fprintf(out, "%s\"%s\"", i ? ", " : "", w->items[i]);
    fputc('\n', out);
}

static void text_check_one(FILE *out, const cd_template *t, const cd_check_result *r, cd_arena *a) {
    fprintf(out, "%s against %s %s: %zu required tasks\n", doc_label(r->doc, a), t->kind ? t->kind : "template",
            t->number ? t->number : "", r->n_reqs);
    for (size_t i = 0; i < r->n_reqs; i++) {
        const cd_req_result *q = &r->reqs[i];
        if (q->covered)
            fprintf(out, "  %s %s by %s, score %.2f (coverage %.2f)\n", q->req->id, status_word(q), found_label(q, a),
                    q->sim.score, q->sim.coverage);
        else if (q->task || q->indicator)
            fprintf(out, "  %s missing (closest: %s, score %.2f, not enough)\n", q->req->id, found_label(q, a),
                    q->sim.score);
        else
            fprintf(out, "  %s missing\n", q->req->id);
        fprintf(out, "      required: %s\n", q->req->text ? q->req->text : "");
        if (q->task || q->indicator)
            fprintf(out, "      %s %s\n", q->covered ? "found:   " : "closest: ", found_text(q, a));
        if (q->covered && q->words.n) text_words(out, &q->words);
        if (q->late)
            fprintf(out, "      late: deadline %s, required %s\n", deadline_text(q->task->deadline, a),
                    deadline_text(q->req->deadline, a));
        else if (q->deadline_unknown)
            fprintf(out, "      deadline: required %s; the task's (%s) cannot be compared\n",
                    deadline_text(q->req->deadline, a), deadline_text(q->task->deadline, a));
        if (q->other_lead)
            fprintf(out, "      lead: %s; the template names %s\n",
                    q->task ? agencies_joined(&q->task->lead, a) : agencies_joined(&q->indicator->lead, a),
                    strs_joined(&q->req->lead, "; ", a));
    }
    if (r->missing_elements.n)
        fprintf(out, "  document elements missing: %s\n", strs_joined(&r->missing_elements, ", ", a));
    if (r->n_incomplete) {
        fprintf(out, "  tasks missing a required field: %zu\n", r->n_incomplete);
        for (size_t i = 0; i < r->n_incomplete; i++) {
            const cd_incomplete_task *k = &r->incomplete[i];
            fprintf(out, "    %s row %s (lines %s): %s\n", k->task->id, *k->task->number ? k->task->number : "-",
                    lines_str(k->task->first_line, k->task->last_line, a), strs_joined(&k->fields, ", ", a));
        }
    }
    double pct = r->n_reqs ? 100.0 * (double)r->n_covered / (double)r->n_reqs : 100.0;
    fprintf(out,
            "  summary: %zu/%zu required tasks covered (%.0f%%): %zu late, %zu with a different lead; %zu missing; "
            "%zu document elements missing; %zu tasks missing fields\n",
            r->n_covered, r->n_reqs, pct, r->n_late, r->n_other_lead, r->n_missing, r->missing_elements.n,
            r->n_incomplete);
    fprintf(out, "  verdict: %s\n", r->conforms ? "conforms" : "does not conform");
}

static const char *task_brief(const cd_task *k, cd_arena *a) {
    return cd_arena_printf(a, "%s row %s (lines %s)", k->id, *k->number ? k->number : "-",
                           lines_str(k->first_line, k->last_line, a));
}

static void text_diff(FILE *out, const cd_diff_result *r, cd_arena *a) {
    fprintf(out, "%s -> %s: %zu added, %zu removed, %zu changed, %zu unchanged\n", doc_label(r->old_doc, a),
            doc_label(r->new_doc, a), r->n_added, r->n_removed, r->n_changed, r->n_same);
    for (size_t i = 0; i < r->n_entries; i++) {
        const cd_diff_entry *e = &r->entries[i];
        const cd_task *o = e->old_task, *n = e->new_task;
        switch (e->kind) {
        case CD_DIFF_REMOVED:
            fprintf(out, "  removed %s\n      old: %s\n", task_brief(o, a), o->text);
            break;
        case CD_DIFF_ADDED:
            fprintf(out, "  added   %s\n      new: %s\n", task_brief(n, a), n->text);
            break;
        case CD_DIFF_CHANGED: {
            cd_strs what = change_list(e->changes, a);
            fprintf(out, "  changed %s -> %s: %s\n", task_brief(o, a), task_brief(n, a), strs_joined(&what, ", ", a));
            if (e->changes & CD_CHANGE_TEXT)
                fprintf(out, "      old: %s\n      new: %s\n", o->text, n->text);
            else
                fprintf(out, "      text: %s\n", n->text);
            if (e->changes & CD_CHANGE_LEAD)
                fprintf(out, "      lead: %s -> %s\n", agencies_joined(&o->lead, a), agencies_joined(&n->lead, a));
            if (e->changes & CD_CHANGE_SUPPORT)
                fprintf(out, "      support: %s -> %s\n", agencies_joined(&o->support, a),
                        agencies_joined(&n->support, a));
            if (e->changes & CD_CHANGE_DEADLINE)
                fprintf(out, "      deadline: %s -> %s\n", deadline_text(o->deadline, a),
                        deadline_text(n->deadline, a));
            if (e->changes & CD_CHANGE_OUTPUT)
                fprintf(out, "      output: %s -> %s\n", o->output ? o->output : "none",
                        n->output ? n->output : "none");
            break;
        }
        case CD_DIFF_SAME:
            break;
        }
    }
}

/* ---------- JSON reports ---------- */

static json_t *jstr(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *jdate(cd_date d) {
    char b[16];
    return jstr(date_str(d, b, sizeof b));
}

static json_t *jstrs(const cd_strs *l) {
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->items[i]));
    return a;
}

static json_t *jagencies(const cd_agency_list *l) {
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->items[i].name));
    return a;
}

static json_t *jdeadline(const cd_deadline *d) {
    if (!d) return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "raw", jstr(d->raw));
    json_object_set_new(o, "kind", json_string(cd_deadline_kind_name(d->kind)));
    json_object_set_new(o, "start", jdate(d->start));
    json_object_set_new(o, "end", jdate(d->end));
    return o;
}

static json_t *jlines(int first, int last) {
    if (!first) return json_null();
    return json_pack("[ii]", first, last ? last : first);
}

static json_t *jtask(const cd_task *k) {
    if (!k) return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string("task"));
    json_object_set_new(o, "id", json_string(k->id));
    json_object_set_new(o, "number", jstr(k->number));
    json_object_set_new(o, "lines", jlines(k->first_line, k->last_line));
    json_object_set_new(o, "text", jstr(k->text));
    json_object_set_new(o, "lead", jagencies(&k->lead));
    json_object_set_new(o, "support", jagencies(&k->support));
    json_object_set_new(o, "deadline", jdeadline(k->deadline));
    json_object_set_new(o, "output", jstr(k->output));
    return o;
}

static json_t *jindicator(const cd_indicator *in) {
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string("indicator"));
    json_object_set_new(o, "id", json_string(in->id));
    json_object_set_new(o, "number", jstr(in->number));
    json_object_set_new(o, "lines", jlines(in->first_line, in->last_line));
    json_object_set_new(o, "text", jstr(in->name));
    json_object_set_new(o, "target", jstr(in->target));
    json_object_set_new(o, "unit", jstr(in->unit));
    json_object_set_new(o, "lead", jagencies(&in->lead));
    return o;
}

static json_t *jdocument(const cd_document *d) {
    json_t *o = json_object();
    json_object_set_new(o, "path", jstr(d->path));
    json_object_set_new(o, "kind", jstr(d->meta.kind));
    json_object_set_new(o, "number", jstr(d->meta.number));
    json_object_set_new(o, "date", jdate(d->meta.date));
    json_object_set_new(o, "title", jstr(d->meta.title));
    return o;
}

static json_t *jrequired(const cd_req_result *q) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(q->req->id));
    json_object_set_new(o, "status", json_string(q->covered ? "covered" : "missing"));
    json_object_set_new(o, "late", json_boolean(q->late));
    json_object_set_new(o, "different_lead", json_boolean(q->other_lead));
    json_object_set_new(o, "deadline_comparable", json_boolean(!q->deadline_unknown));
    json_t *req = json_object();
    json_object_set_new(req, "text", jstr(q->req->text));
    json_object_set_new(req, "deadline", jdeadline(q->req->deadline));
    json_object_set_new(req, "lead", jstrs(&q->req->lead));
    json_object_set_new(o, "required", req);
    json_t *found = q->task ? jtask(q->task) : q->indicator ? jindicator(q->indicator) : json_null();
    json_object_set_new(o, q->covered ? "found" : "closest", found);
    json_object_set_new(o, q->covered ? "closest" : "found", json_null());
    json_object_set_new(o, "score", json_real(q->sim.score));
    json_object_set_new(o, "coverage", json_real(q->sim.coverage));
    json_object_set_new(o, "precision", json_real(q->sim.precision));
    json_object_set_new(o, "shared_pairs", json_integer(q->sim.shared));
    json_object_set_new(o, "matched", jstrs(&q->words));
    return o;
}

static json_t *jcheck_one(const cd_check_result *r) {
    json_t *o = jdocument(r->doc);
    json_object_set_new(o, "conforms", json_boolean(r->conforms));
    json_t *s = json_object();
    json_object_set_new(s, "required", json_integer((json_int_t)r->n_reqs));
    json_object_set_new(s, "covered", json_integer((json_int_t)r->n_covered));
    json_object_set_new(s, "late", json_integer((json_int_t)r->n_late));
    json_object_set_new(s, "different_lead", json_integer((json_int_t)r->n_other_lead));
    json_object_set_new(s, "missing", json_integer((json_int_t)r->n_missing));
    json_object_set_new(s, "coverage", json_real(r->n_reqs ? (double)r->n_covered / (double)r->n_reqs : 1.0));
    json_object_set_new(s, "missing_elements", json_integer((json_int_t)r->missing_elements.n));
    json_object_set_new(s, "incomplete_tasks", json_integer((json_int_t)r->n_incomplete));
    json_object_set_new(o, "summary", s);
    json_t *reqs = json_array();
    for (size_t i = 0; i < r->n_reqs; i++)
        json_array_append_new(reqs, jrequired(&r->reqs[i]));
    json_object_set_new(o, "required", reqs);
    json_object_set_new(o, "missing_elements", jstrs(&r->missing_elements));
    json_t *inc = json_array();
    for (size_t i = 0; i < r->n_incomplete; i++) {
        const cd_task *k = r->incomplete[i].task;
        json_t *e = json_object();
        json_object_set_new(e, "id", json_string(k->id));
        json_object_set_new(e, "number", jstr(k->number));
        json_object_set_new(e, "lines", jlines(k->first_line, k->last_line));
        json_object_set_new(e, "missing", jstrs(&r->incomplete[i].fields));
        json_array_append_new(inc, e);
    }
    json_object_set_new(o, "incomplete_tasks", inc);
    return o;
}

static json_t *jtemplate(const cd_template *t) {
    json_t *o = json_object();
    json_object_set_new(o, "path", jstr(t->path));
    json_object_set_new(o, "kind", jstr(t->kind));
    json_object_set_new(o, "number", jstr(t->number));
    json_object_set_new(o, "date", jdate(t->date));
    json_object_set_new(o, "issuer", jstr(t->issuer));
    json_object_set_new(o, "year", json_integer(t->year));
    json_object_set_new(o, "tasks", json_integer((json_int_t)t->n_tasks));
    return o;
}

static int dump_json(json_t *root, FILE *out) {
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 && fputc('\n', out) != EOF
                 ? CD_EXIT_OK
                 : CD_EXIT_INTERNAL;
    json_decref(root);
    return rc;
}

static int json_check(const cd_template *t, const cd_check_result *r, size_t n, FILE *out) {
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string(CHECK_SCHEMA));
    json_object_set_new(root, "template", jtemplate(t));
    json_t *docs = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(docs, jcheck_one(&r[i]));
    json_object_set_new(root, "documents", docs);
    return dump_json(root, out);
}

static int json_diff(const cd_diff_result *r, FILE *out, cd_arena *a) {
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string(DIFF_SCHEMA));
    json_object_set_new(root, "old", jdocument(r->old_doc));
    json_object_set_new(root, "new", jdocument(r->new_doc));
    json_t *s = json_object();
    json_object_set_new(s, "added", json_integer((json_int_t)r->n_added));
    json_object_set_new(s, "removed", json_integer((json_int_t)r->n_removed));
    json_object_set_new(s, "changed", json_integer((json_int_t)r->n_changed));
    json_object_set_new(s, "unchanged", json_integer((json_int_t)r->n_same));
    json_object_set_new(root, "summary", s);
    json_t *changes = json_array();
    for (size_t i = 0; i < r->n_entries; i++) {
        const cd_diff_entry *e = &r->entries[i];
        if (e->kind == CD_DIFF_SAME) continue;
        json_t *c = json_object();
        json_object_set_new(c, "change", json_string(diff_kind_name(e->kind)));
        cd_strs what = change_list(e->changes, a);
        json_object_set_new(c, "fields", jstrs(&what));
        json_object_set_new(c, "old", jtask(e->old_task));
        json_object_set_new(c, "new", jtask(e->new_task));
        json_object_set_new(c, "score", e->kind == CD_DIFF_CHANGED ? json_real(e->score) : json_null());
        json_array_append_new(changes, c);
    }
    json_object_set_new(root, "changes", changes);
    return dump_json(root, out);
}

/* ---------- XLSX reports ---------- */

typedef struct book {
    lxw_workbook *wb;
    lxw_format *header, *wrap;
    lxw_error err; /* the first failure; later writes are skipped */
} book;

typedef struct column {
    const char *header;
    double width;
} column;

static void note_err(book *b, lxw_error e) {
    if (e != LXW_NO_ERROR && b->err == LXW_NO_ERROR) b->err = e;
}

static lxw_worksheet *sheet(book *b, const char *name, const column *cols, int n) {
    lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
    if (!ws) {
        note_err(b, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return NULL;
    }
    for (int c = 0; c < n; c++) {
        note_err(b, worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, cols[c].width, b->wrap));
        note_err(b, worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c].header, b->header));
    }
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
}

static void cell(book *b, lxw_worksheet *ws, lxw_row_t r, int c, const char *s) {
    if (!ws || !s || !*s || b->err != LXW_NO_ERROR) return;
    char cut[XLSX_CELL_MAX_BYTES + 1];
    if (strlen(s) > XLSX_CELL_MAX_BYTES) {
        size_t n = XLSX_CELL_MAX_BYTES;
        while (n && ((unsigned char)s[n] & 0xC0) == 0x80) /* not inside a UTF-8 sequence */
            n--;
        memcpy(cut, s, n);
        cut[n] = 0;
        s = cut;
    }
    note_err(b, worksheet_write_string(ws, r, (lxw_col_t)c, s, b->wrap));
}

static void cell_number(book *b, lxw_worksheet *ws, lxw_row_t r, int c, double v) {
    if (ws && b->err == LXW_NO_ERROR) note_err(b, worksheet_write_number(ws, r, (lxw_col_t)c, v, NULL));
}

static bool book_open(book *b, const char *path) {
    memset(b, 0, sizeof *b);
    b->wb = workbook_new(path);
    if (!b->wb) return false;
    b->header = workbook_add_format(b->wb);
    format_set_bold(b->header);
    b->wrap = workbook_add_format(b->wb);
    format_set_text_wrap(b->wrap);
    format_set_align(b->wrap, LXW_ALIGN_VERTICAL_TOP);
    return true;
}

static int book_close(book *b) {
    lxw_error e = workbook_close(b->wb);
    return b->err == LXW_NO_ERROR && e == LXW_NO_ERROR ? CD_EXIT_OK : CD_EXIT_INTERNAL;
}

static const column check_cols[] = {
    {"Văn bản", 28},           {"Mã", 6},        {"Nhiệm vụ yêu cầu", 50},  {"Thời hạn yêu cầu", 14},
    {"Chủ trì yêu cầu", 20},   {"Kết quả", 16},  {"Nhiệm vụ tìm thấy", 12}, {"Dòng", 8},
    {"Nội dung tìm thấy", 50}, {"Thời hạn", 14}, {"Chủ trì", 22},           {"Điểm", 7},
    {"Từ khớp", 30},
};
static const column docs_cols[] = {
    {"Văn bản", 28},
    {"Số văn bản", 14},
    {"Ngày", 11},
    {"Đạt yêu cầu", 11},
    {"Đã có", 8},
    {"Trễ hạn", 8},
    {"Khác chủ trì", 11},
    {"Thiếu", 8},
    {"Tỷ lệ (%)", 9},
    {"Thiếu thành phần", 24},
    {"Nhiệm vụ thiếu trường", 12},
};
static const column fields_cols[] = {
    {"Văn bản", 28}, {"Nhiệm vụ", 9}, {"STT", 6}, {"Dòng", 8}, {"Nội dung", 60}, {"Thiếu trường", 24},
};

static void xlsx_check_rows(book *b, lxw_worksheet *ws, lxw_row_t *row, const cd_check_result *r, cd_arena *a) {
    for (size_t i = 0; i < r->n_reqs; i++) {
        const cd_req_result *q = &r->reqs[i];
        lxw_row_t at = (*row)++;
        cell(b, ws, at, 0, r->doc->path);
        cell(b, ws, at, 1, q->req->id);
        cell(b, ws, at, 2, q->req->text);
        cell(b, ws, at, 3, q->req->deadline ? deadline_text(q->req->deadline, a) : NULL);
        cell(b, ws, at, 4, strs_joined(&q->req->lead, "; ", a));
        cell(b, ws, at, 5, status_word(q));
        if (!q->covered) continue; /* the closest is in the text and JSON reports */
        cell(b, ws, at, 6, q->task ? q->task->id : q->indicator->id);
        cell(b, ws, at, 7,
             q->task ? lines_str(q->task->first_line, q->task->last_line, a)
                     : lines_str(q->indicator->first_line, q->indicator->last_line, a));
        cell(b, ws, at, 8, found_text(q, a));
        cell(b, ws, at, 9, q->task && q->task->deadline ? deadline_text(q->task->deadline, a) : NULL);
        cell(b, ws, at, 10, q->task ? agencies_joined(&q->task->lead, a) : agencies_joined(&q->indicator->lead, a));
        cell_number(b, ws, at, 11, q->sim.score);
        cell(b, ws, at, 12, strs_joined(&q->words, "; ", a));
    }
}

static int xlsx_check(const cd_template *t, const cd_check_result *r, size_t n, const char *path, cd_arena *a) {
    (void)t;
    book b;
    if (!book_open(&b, path)) return CD_EXIT_INTERNAL;
    lxw_worksheet *ws = sheet(&b, "Kiểm tra", check_cols, (int)(sizeof check_cols / sizeof *check_cols));
    lxw_worksheet *wd = sheet(&b, "Văn bản", docs_cols, (int)(sizeof docs_cols / sizeof *docs_cols));
    lxw_worksheet *wf = sheet(&b, "Thiếu trường", fields_cols, (int)(sizeof fields_cols / sizeof *fields_cols));
    lxw_row_t rc = 1, rf = 1;
    for (size_t d = 0; d < n; d++) {
        const cd_check_result *x = &r[d];
        xlsx_check_rows(&b, ws, &rc, x, a);
        lxw_row_t at = (lxw_row_t)(d + 1);
        char date[16];
        cell(&b, wd, at, 0, x->doc->path);
        cell(&b, wd, at, 1, x->doc->meta.number);
        cell(&b, wd, at, 2, date_str(x->doc->meta.date, date, sizeof date));
        cell(&b, wd, at, 3, x->conforms ? "Đạt" : "Không đạt");
        cell_number(&b, wd, at, 4, (double)x->n_covered);
        cell_number(&b, wd, at, 5, (double)x->n_late);
        cell_number(&b, wd, at, 6, (double)x->n_other_lead);
        cell_number(&b, wd, at, 7, (double)x->n_missing);
        cell_number(&b, wd, at, 8, x->n_reqs ? 100.0 * (double)x->n_covered / (double)x->n_reqs : 100.0);
        cell(&b, wd, at, 9, strs_joined(&x->missing_elements, ", ", a));
        cell_number(&b, wd, at, 10, (double)x->n_incomplete);
        for (size_t i = 0; i < x->n_incomplete; i++) {
            const cd_task *k = x->incomplete[i].task;
            lxw_row_t fr = rf++;
            cell(&b, wf, fr, 0, x->doc->path);
            cell(&b, wf, fr, 1, k->id);
            cell(&b, wf, fr, 2, k->number);
            cell(&b, wf, fr, 3, lines_str(k->first_line, k->last_line, a));
            cell(&b, wf, fr, 4, k->text);
            cell(&b, wf, fr, 5, strs_joined(&x->incomplete[i].fields, ", ", a));
        }
    }
    return book_close(&b);
}

static const column diff_cols[] = {
    {"Thay đổi", 10},    {"Trường", 16},       {"STT cũ", 7},  {"Dòng cũ", 8},  {"Nội dung cũ", 50},
    {"Chủ trì cũ", 20},  {"Thời hạn cũ", 14},  {"STT mới", 7}, {"Dòng mới", 8}, {"Nội dung mới", 50},
    {"Chủ trì mới", 20}, {"Thời hạn mới", 14}, {"Điểm", 7},
};

static void xlsx_diff_side(book *b, lxw_worksheet *ws, lxw_row_t at, int col, const cd_task *k, cd_arena *a) {
    if (!k) return;
    cell(b, ws, at, col, k->number);
    cell(b, ws, at, col + 1, lines_str(k->first_line, k->last_line, a));
    cell(b, ws, at, col + 2, k->text);
    cell(b, ws, at, col + 3, agencies_joined(&k->lead, a));
    cell(b, ws, at, col + 4, k->deadline ? deadline_text(k->deadline, a) : NULL);
}

static int xlsx_diff(const cd_diff_result *r, const char *path, cd_arena *a) {
    book b;
    if (!book_open(&b, path)) return CD_EXIT_INTERNAL;
    lxw_worksheet *ws = sheet(&b, "Thay đổi", diff_cols, (int)(sizeof diff_cols / sizeof *diff_cols));
    lxw_row_t row = 1;
    for (size_t i = 0; i < r->n_entries; i++) {
        const cd_diff_entry *e = &r->entries[i];
        if (e->kind == CD_DIFF_SAME) continue;
        lxw_row_t at = row++;
        cell(&b, ws, at, 0, diff_kind_name(e->kind));
        cd_strs what = change_list(e->changes, a);
        cell(&b, ws, at, 1, strs_joined(&what, ", ", a));
        xlsx_diff_side(&b, ws, at, 2, e->old_task, a);
        xlsx_diff_side(&b, ws, at, 7, e->new_task, a);
        if (e->kind == CD_DIFF_CHANGED) cell_number(&b, ws, at, 12, e->score);
    }
    return book_close(&b);
}

/* libxlsxwriter writes to a file by name: build the workbook in a temporary
 * file, then copy it to out. */
typedef int (*xlsx_writer)(const void *ctx, const char *path, cd_arena *a);

static int xlsx_to_stream(xlsx_writer write, const void *ctx, FILE *out, cd_arena *a) {
    const char *dir = getenv("TMPDIR");
    char base[4096];
    snprintf(base, sizeof base, "%s/chidao-report.xlsx", dir && *dir ? dir : "/tmp");
    char *tmp = cd_outfile_tmp_name(base);
    int rc = write(ctx, tmp, a);
    FILE *in = rc == CD_EXIT_OK ? fopen(tmp, "rb") : NULL;
    if (!in) rc = CD_EXIT_INTERNAL;
    char chunk[65536];
    size_t n;
    while (in && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        if (fwrite(chunk, 1, n, out) != n) rc = CD_EXIT_INTERNAL;
    if (in && ferror(in)) rc = CD_EXIT_INTERNAL;
    if (in) fclose(in);
    remove(tmp);
    free(tmp);
    return rc;
}

typedef struct check_ctx {
    const cd_template *t;
    const cd_check_result *r;
    size_t n;
} check_ctx;

static int write_check_xlsx(const void *ctx, const char *path, cd_arena *a) {
    const check_ctx *c = ctx;
    return xlsx_check(c->t, c->r, c->n, path, a);
}

static int write_diff_xlsx(const void *ctx, const char *path, cd_arena *a) { return xlsx_diff(ctx, path, a); }

/* ---------- entry points ---------- */

int cd_check_report(const cd_template *t, const cd_check_result *r, size_t n, cd_report_format f, FILE *out) {
    cd_arena a;
    cd_arena_init(&a);
    int rc = CD_EXIT_OK;
    if (f == CD_REPORT_JSON) {
        rc = json_check(t, r, n, out);
    } else if (f == CD_REPORT_XLSX) {
        check_ctx c = {t, r, n};
        rc = xlsx_to_stream(write_check_xlsx, &c, out, &a);
    } else {
        for (size_t i = 0; i < n; i++)
            text_check_one(out, t, &r[i], &a);
        if (ferror(out)) rc = CD_EXIT_INTERNAL;
    }
    cd_arena_free(&a);
    return rc;
}

int cd_diff_report(const cd_diff_result *r, cd_report_format f, FILE *out) {
    cd_arena a;
    cd_arena_init(&a);
    int rc = CD_EXIT_OK;
    if (f == CD_REPORT_JSON)
        rc = json_diff(r, out, &a);
    else if (f == CD_REPORT_XLSX)
        rc = xlsx_to_stream(write_diff_xlsx, r, out, &a);
    else {
        text_diff(out, r, &a);
        if (ferror(out)) rc = CD_EXIT_INTERNAL;
    }
    cd_arena_free(&a);
    return rc;
}

/* ---------- command runs ---------- */

int cd_load_processed(cd_document *doc, const char *path, const cd_rules *rules, cd_diag_list *errs) {
    cd_options opt = {.rules = rules};
    int rc = cd_document_load(doc, path, path);
    if (rc == CD_EXIT_OK) rc = cd_process(doc, &opt);
    for (size_t i = 0; i < doc->diags.n; i++) {
        const cd_diag *d = &doc->diags.items[i];
        if (d->severity != CD_SEV_ERROR) continue;
        cd_diag_add(errs, d->severity, d->code, d->file ? cd_arena_strdup(errs->arena, d->file) : path, d->line, "%s",
                    d->message);
    }
    return rc;
}

/* Load every input; false (with *rc set) when one cannot be read. */
static bool load_all(cd_document *docs, char *const *inputs, size_t n, const cd_rules *rules, size_t *loaded, int *rc,
                     cd_diag_list *errs) {
    for (*loaded = 0; *loaded < n; (*loaded)++) {
        int r = cd_load_processed(&docs[*loaded], inputs[*loaded], rules, errs);
        if (r != CD_EXIT_OK) {
            *rc = r;
            (*loaded)++;
            return false;
        }
    }
    return true;
}

static void free_all(cd_document *docs, size_t n) {
    for (size_t i = 0; i < n; i++)
        cd_document_free(&docs[i]);
    free(docs);
}

static cd_document *new_documents(size_t n) {
    cd_document *docs = calloc(n ? n : 1, sizeof *docs);
    if (!docs) abort();
    return docs;
}

int cd_check_run(const cd_rules *rules, const char *template_path, const char *schema, char *const *inputs,
                 size_t n_inputs, cd_report_format f, FILE *out, cd_diag_list *errs) {
    cd_matcher *m = cd_matcher_new(rules, errs);
    if (!m) return CD_EXIT_RULES;
    cd_template t;
    int rc = cd_template_load(&t, template_path, schema, rules, errs);
    cd_document *docs = new_documents(n_inputs);
    size_t loaded = 0;
    if (rc == CD_EXIT_OK && load_all(docs, inputs, n_inputs, rules, &loaded, &rc, errs)) {
        cd_arena a;
        cd_arena_init(&a);
        cd_check_result *r = cd_arena_alloc(&a, (n_inputs + 1) * sizeof *r);
        bool all = true;
        for (size_t i = 0; i < n_inputs; i++) {
            cd_check_document(&t, m, &docs[i], &r[i], &a);
            all &= r[i].conforms;
        }
        rc = cd_check_report(&t, r, n_inputs, f, out);
        if (rc == CD_EXIT_OK && !all) rc = CD_EXIT_STRICT;
        cd_arena_free(&a);
    }
    free_all(docs, loaded);
    cd_template_free(&t);
    cd_matcher_free(m);
    return rc;
}

int cd_diff_run(const cd_rules *rules, const char *old_path, const char *new_path, cd_report_format f, FILE *out,
                cd_diag_list *errs) {
    cd_matcher *m = cd_matcher_new(rules, errs);
    if (!m) return CD_EXIT_RULES;
    char *const inputs[] = {(char *)old_path, (char *)new_path};
    cd_document *docs = new_documents(2);
    size_t loaded = 0;
    int rc = CD_EXIT_OK;
    if (load_all(docs, inputs, 2, rules, &loaded, &rc, errs)) {
        cd_arena a;
        cd_arena_init(&a);
        cd_diff_result r;
        cd_diff_documents(m, &docs[0], &docs[1], &r, &a);
        rc = cd_diff_report(&r, f, out);
        cd_arena_free(&a);
    }
    free_all(docs, loaded);
    cd_matcher_free(m);
    return rc;
}

int cd_derive_run(const cd_rules *rules, char *const *inputs, size_t n_inputs, const cd_derive_options *o, FILE *out,
                  cd_diag_list *errs) {
    cd_matcher *m = cd_matcher_new(rules, errs);
    if (!m) return CD_EXIT_RULES;
    cd_document *docs = new_documents(n_inputs);
    size_t loaded = 0;
    int rc = CD_EXIT_OK;
    if (load_all(docs, inputs, n_inputs, rules, &loaded, &rc, errs)) {
        cd_template t;
        if (!cd_template_derive(&t, docs, n_inputs, m, o)) {
            cd_diag_add(errs, CD_SEV_ERROR, "template-nothing-cited", NULL, 0,
                        "no task of the inputs cites %s (in Văn bản giao or Ghi chú)", o->cite);
            rc = CD_EXIT_STRICT;
        } else {
            rc = cd_template_write(&t, out);
        }
        cd_template_free(&t);
    }
    free_all(docs, loaded);
    cd_matcher_free(m);
    return rc;
}
