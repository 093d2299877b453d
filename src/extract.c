/* extract.c — blocks to tasks and indicators.  Walks the blocks with a stack
 * of open headings; decides which items are tasks (leaf items under a task
 * section, agency headings in letters, rows of task tables, one-sentence
 * assignments) and collects their fields.  Agencies and deadlines are
 * normalised afterwards (agency.c, deadline.c). */
#include "extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agency.h"
#include "deadline.h"
#include "limits.h"
#include "structure.h"

/* Headings nest at most this deep; deeper ones replace the innermost. */
#define CD_MAX_SECTION_DEPTH 16

typedef enum { SEC_UNKNOWN = 0, SEC_TASKS, SEC_NOT_TASKS } sec_class;

typedef struct section {
    cd_label_kind kind;
    int depth;
    const char *display; /* as the task's section path prints it */
    sec_class cls;
    bool agency; /* a letter's agency heading: its items are that agency's */
    const char *agency_text;
    const cd_table *table;
} section;

typedef struct walker {
    cd_document *doc;
    const cd_rules *rules;
    cd_arena *a;
    section stack[CD_MAX_SECTION_DEPTH];
    int depth;
    const cd_table *table; /* the table whose rows we are in */
    const char *last_caption;
    bool caption_pending;             /* a heading came after the last item: a table below is under it */
    bool complete;                    /* the text runs to its end (signature, "Nơi nhận", "./."), not an excerpt */
    size_t tasks_cap, indicators_cap; /* room in doc->tasks / doc->indicators */
    const cd_options *opt;
    uint64_t max_tasks;         /* limits.h: tasks */
    bool over_tasks, over_time; /* the walk stopped: too many tasks, time ran out */
} walker;

/* Room for one more element in an arena array of *cap: doubling, so a
 * document of n tasks copies O(n) elements, not O(n^2). */
static void *room_for_one(cd_arena *a, void *items, size_t elem, size_t n, size_t *cap) {
    if (n < *cap) return items;
    *cap = *cap ? 2 * *cap : 64;
    return cd_arena_grow(a, items, elem, n, *cap);
}

static sec_class classify(walker *w, const char *text) {
    cd_match m;
    const cd_rule *r = cd_group_first(cd_rules_group(w->rules, "sections"), text, strlen(text), &m);
    if (!r) return SEC_UNKNOWN;
    const char *v = cd_match_emit(&m, "tasks", w->a);
    return v && !strcmp(v, "yes") ? SEC_TASKS : SEC_NOT_TASKS;
}

static const char *display_of(walker *w, const cd_block *b) {
    if (!*b->label || b->label_kind == CD_LABEL_QUARTER || b->label_kind == CD_LABEL_PART) return b->text;
    if (b->kind == CD_BLOCK_HEADING && b->table) {
        /* a table heading row: its label cell and text joined by one space */
        const char *num = NULL;
        for (size_t i = 0; i < b->table->n_cols; i++)
            if (b->table->cols[i] == CD_FIELD_NUMBER && b->cells && b->cells[i]) num = b->cells[i];
        return cd_arena_cat(w->a, num ? num : b->label, " ", b->text);
    }
    const char *sep = b->label_kind == CD_LABEL_LETTER ? ") " : ". ";
    return cd_arena_cat(w->a, b->label, sep, b->text);
}

/* Pop to the sibling of (kind, depth) if it is open; returns the new depth. */
static void place_in_stack(walker *w, cd_label_kind kind, int depth) {
    for (int i = w->depth - 1; i >= 0; i--)
        if (w->stack[i].kind == kind && w->stack[i].depth == depth) {
            w->depth = i;
            return;
        }
}

static void push(walker *w, section s) {
    if (w->depth == CD_MAX_SECTION_DEPTH) w->depth--;
    w->stack[w->depth++] = s;
}

static bool in_stack(const walker *w, cd_label_kind kind, int depth) {
    for (int i = 0; i < w->depth; i++)
        if (w->stack[i].kind == kind && w->stack[i].depth == depth) return true;
    return false;
}

/* Innermost classification that is not an agency heading decides; an agency
 * heading makes tasks only where nothing outer says otherwise. */
static sec_class effective_class(const walker *w, bool *under_agency, const section **agency) {
    bool ag = false;
    *agency = NULL;
    for (int i = w->depth - 1; i >= 0; i--) {
        if (w->stack[i].agency && !*agency) {
            *agency = &w->stack[i];
            ag = true;
        }
        if (w->stack[i].cls != SEC_UNKNOWN && !w->stack[i].agency) {
            *under_agency = ag;
            return w->stack[i].cls;
        }
    }
    *under_agency = ag;
    return ag ? SEC_TASKS : SEC_UNKNOWN;
}

static cd_strs section_path(walker *w) {
    cd_strs s = {0};
    for (int i = 0; i < w->depth; i++)
        if (w->stack[i].display) cd_strs_push(w->a, &s, w->stack[i].display);
    return s;
}

static cd_task *new_task(walker *w, const char *number, const char *text, int first, int last) {
    cd_document *doc = w->doc;
    doc->tasks = room_for_one(w->a, doc->tasks, sizeof *doc->tasks, doc->n_tasks, &w->tasks_cap);
    cd_task *t = &doc->tasks[doc->n_tasks++];
    memset(t, 0, sizeof *t);
    t->number = number ? number : "";
    t->text = text;
    t->first_line = first;
    t->last_line = last;
    t->section = section_path(w);
    return t;
}

static const char *append_raw(walker *w, const char *old, const char *add) {
    if (!add || !*add) return old;
    return old ? cd_arena_cat(w->a, old, "; ", add) : add;
}

/* Strip a closing "./." and spaces: the sentence's full stop stays. */
static const char *clean_text(walker *w, const char *s) {
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n >= 3 && !memcmp(s + n - 3, "./.", 3))
        n -= 2;
    else if (n >= 2 && !memcmp(s + n - 2, "/.", 2))
        n -= 1;
    return cd_arena_strndup(w->a, s, n);
}

static void apply_field(walker *w, cd_task *t, const cd_block *f) {
    const char *v = f->text;
    switch (f->field) {
    case CD_FIELD_LEAD:
        t->lead_raw = append_raw(w, t->lead_raw, v);
        break;
    case CD_FIELD_SUPPORT:
        t->support_raw = append_raw(w, t->support_raw, v);
        break;
    case CD_FIELD_DEADLINE:
        if (!t->deadline_raw) {
            t->deadline_raw = v;
            t->deadline_line = f->first;
        }
        break;
    case CD_FIELD_OUTPUT:
        t->output = append_raw(w, t->output, v);
        break;
    case CD_FIELD_ASSIGNED_BY:
        t->assigned_by = append_raw(w, t->assigned_by, v);
        break;
    case CD_FIELD_NOTE:
        t->note = append_raw(w, t->note, v);
        break;
    case CD_FIELD_DIRECTION: {
        const char *p = v;
        while (*p) {
            const char *q = strchr(p, ';');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            while (n && p[n - 1] == ' ')
                n--;
            while (n && *p == ' ')
                p++, n--;
            if (n) cd_strs_push(w->a, &t->direction, cd_arena_strndup(w->a, p, n));
            if (!q) break;
            p = q + 1;
        }
        break;
    }
    default:
        break;
    }
    if (f->last > t->last_line) t->last_line = f->last;
}

/* Does block i start fields that belong to the thing before it? */
static size_t fields_after(const cd_document *doc, size_t i, bool *has_lead_or_deadline) {
    size_t j = i + 1;
    *has_lead_or_deadline = false;
    while (j < doc->n_blocks && doc->blocks[j].kind == CD_BLOCK_FIELD) {
        cd_field_kind f = doc->blocks[j].field;
        if (f == CD_FIELD_LEAD || f == CD_FIELD_DEADLINE || f == CD_FIELD_SUPPORT) *has_lead_or_deadline = true;
        j++;
    }
    return j;
}

static bool heading_like(const cd_block *b) {
    size_t n = strlen(b->text);
    while (n && b->text[n - 1] == ' ')
        n--;
    if (b->emphasised) return true;
    if (!n) return true;
    char c = b->text[n - 1];
    if (c == '.' || c == ';' || c == '!' || c == '?' || c == ')') return false;
    /* a closing quote or an ellipsis ends a sentence; a Vietnamese letter
     * ("… chính quyền số") does not */
    if (n >= 3 && (!memcmp(b->text + n - 3, "\xE2\x80\x9D", 3) || !memcmp(b->text + n - 3, "\xE2\x80\xA6", 3)))
        return false;
    return true;
}

/* The agency list of a letter's agency heading, without trailing qualifiers
 * ("… theo chức năng, nhiệm vụ"): rules/header.rules [agency-heading-tail]. */
static const char *agency_heading_text(walker *w, const char *text) {
    const cd_rule *tail = cd_rules_get(w->rules, "header", "agency-heading-tail");
    cd_match m;
    size_t n = strlen(text);
    if (tail && cd_rule_search(tail, text, n, 0, &m)) n = m.ov[0];
    while (n && (text[n - 1] == ' ' || text[n - 1] == ':' || text[n - 1] == '.'))
        n--;
    return cd_arena_strndup(w->a, text, n);
}

/* The support list of an assignment: the agencies before its action words. */
static const char *support_before_action(walker *w, const char *rest, size_t rl) {
    const cd_rule *verbs = cd_rules_get(w->rules, "header", "action-verbs");
    cd_match vm;
    size_t end = rl;
    if (verbs && cd_rule_search(verbs, rest, rl, 0, &vm)) end = vm.ov[0];
    while (end && (rest[end - 1] == ' ' || rest[end - 1] == ',' || rest[end - 1] == '.'))
        end--;
    return end ? cd_arena_strndup(w->a, rest, end) : NULL;
}

/* A request item or bullet with no field bullets names its lead, support and
 * deadline in its sentence: "Sở X chủ trì, phối hợp với Y …; hoàn thành
 * trước ngày …", "Sở Tài chính tham mưu …", "…; Sở X chủ trì, hoàn thành …"
 * (rules/header.rules [sentence-lead], [clause-lead], [action-verbs]). */
static void sentence_fields(walker *w, cd_task *t, const char *text, int line) {
    size_t len = strlen(text);
    cd_match m;
    const char *s;
    size_t sl;
    if (!t->lead_raw) {
        const cd_rule *forms[] = {cd_rules_get(w->rules, "header", "sentence-lead"),
                                  cd_rules_get(w->rules, "header", "clause-lead")};
        for (size_t k = 0; k < 2 && !t->lead_raw; k++) {
            if (!forms[k] || !cd_rule_search(forms[k], text, len, 0, &m)) continue;
            if (!cd_match_group(&m, "lead", &s, &sl) || !cd_agency_looks_like(w->rules, s, sl)) continue;
            t->lead_raw = cd_arena_strndup(w->a, s, sl);
            if (!t->support_raw && cd_match_group(&m, "rest", &s, &sl) && sl)
                t->support_raw = support_before_action(w, s, sl);
        }
    }
    if (!t->lead_raw) {
        /* the agencies a request names as its subject, up to its first action word */
        const cd_rule *verbs = cd_rules_get(w->rules, "header", "action-verbs");
        const cd_rule *intro = cd_rules_get(w->rules, "header", "sentence-subject");
        size_t from = intro && cd_rule_search(intro, text, len, 0, &m) && m.ov[0] == 0 ? m.ov[1] : 0;
        if (verbs && cd_rule_search(verbs, text, len, from, &m) && m.ov[0] > from) {
            size_t e = m.ov[0];
            while (e > from && (text[e - 1] == ' ' || text[e - 1] == ','))
                e--;
            if (e > from && !memchr(text + from, ';', e - from) &&
                cd_agency_looks_like(w->rules, text + from, e - from))
                t->lead_raw = cd_arena_strndup(w->a, text + from, e - from);
        }
    }
    size_t ds, de;
    if (!t->deadline_raw && cd_deadline_find_in_sentence(w->rules, text, len, &ds, &de)) {
        t->deadline_raw = cd_arena_strndup(w->a, text + ds, de - ds);
        t->deadline_line = line;
    }
}

static void item_block(walker *w, size_t i) {
    cd_document *doc = w->doc;
    const cd_block *b = &doc->blocks[i];
    place_in_stack(w, b->label_kind, b->depth);
    bool has_fields;
    size_t next = fields_after(doc, i, &has_fields);
    /* a heading when its next labelled sibling-or-child is a child, or when a
     * paragraph of its own follows a heading-like line */
    bool heading = false;
    const cd_block *nb = next < doc->n_blocks ? &doc->blocks[next] : NULL;
    if (!has_fields && nb) {
        if (nb->kind == CD_BLOCK_ITEM && !(nb->label_kind == b->label_kind && nb->depth == b->depth) &&
            !in_stack(w, nb->label_kind, nb->depth))
            heading = true;
        else if (nb->kind == CD_BLOCK_PARA && heading_like(b))
            heading = true;
        else if (nb->kind == CD_BLOCK_BULLET && heading_like(b))
            heading = true;
    }
    section s = {b->label_kind, b->depth, display_of(w, b), classify(w, b->text), false, NULL, NULL};
    if (heading) {
        if (s.cls == SEC_UNKNOWN && cd_agency_looks_like(w->rules, b->text, strlen(b->text))) {
            s.agency = true;
            s.agency_text = agency_heading_text(w, b->text);
        }
        push(w, s);
        return;
    }
    bool under_agency;
    const section *agency;
    sec_class cls = effective_class(w, &under_agency, &agency);
    bool task = cls == SEC_TASKS || (cls == SEC_UNKNOWN && has_fields);
    if (task) {
        cd_task *t = new_task(w, b->label, clean_text(w, b->text), b->first, b->last);
        for (size_t j = i + 1; j < next; j++)
            apply_field(w, t, &doc->blocks[j]);
        if (!t->lead_raw && agency) t->lead_raw = agency->agency_text;
        if (next == i + 1) sentence_fields(w, t, t->text, b->first);
    } else if (cls == SEC_UNKNOWN && !under_agency) {
        /* a numbered one-sentence assignment ("2. Giao X chủ trì, …; hoàn thành …") */
        const cd_rule *r = cd_rules_get(w->rules, "header", "assignment");
        cd_match m;
        if (r && cd_rule_search(r, b->text, strlen(b->text), 0, &m)) {
            cd_task *t = new_task(w, b->label, clean_text(w, b->text), b->first, b->last);
            sentence_fields(w, t, t->text, b->first);
        }
    }
    /* a leaf is still a sibling level for what follows */
    push(w, s);
}

static void paragraph_task(walker *w, size_t i) {
    cd_document *doc = w->doc;
    const cd_block *b = &doc->blocks[i];
    bool has_fields;
    size_t next = fields_after(doc, i, &has_fields);
    cd_task *t = new_task(w, "", clean_text(w, b->text), b->first, b->last);
    for (size_t j = i + 1; j < next; j++)
        apply_field(w, t, &doc->blocks[j]);
    bool under_agency;
    const section *agency;
    effective_class(w, &under_agency, &agency);
    if (!t->lead_raw && agency) t->lead_raw = agency->agency_text;
    if (next == i + 1 && b->kind == CD_BLOCK_BULLET) sentence_fields(w, t, t->text, b->first);
}

/* "Giao X chủ trì, phối hợp với Y <việc>…; hoàn thành trước ngày …" */
static bool assignment(walker *w, const cd_block *b) {
    const cd_rule *r = cd_rules_get(w->rules, "header", "assignment");
    cd_match m;
    size_t len = strlen(b->text);
    if (!r || !cd_rule_search(r, b->text, len, 0, &m)) return false;
    const char *lead, *rest;
    size_t ll, rl;
    cd_match_group(&m, "lead", &lead, &ll);
    /* the task is the assignment sentence onwards: a paragraph may open with
     * a sentence of context ("UBND tỉnh thống nhất chủ trương. Giao …") */
    const char *from = b->text + m.ov[0];
    len -= m.ov[0];
    cd_task *t = new_task(w, "", clean_text(w, from), b->first, b->last);
    t->lead_raw = cd_arena_strndup(w->a, lead, ll);
    if (cd_match_group(&m, "rest", &rest, &rl)) t->support_raw = support_before_action(w, rest, rl);
    size_t ds, de;
    if (cd_deadline_find_in_sentence(w->rules, from, len, &ds, &de)) {
        t->deadline_raw = cd_arena_strndup(w->a, from + ds, de - ds);
        t->deadline_line = b->first;
    }
    return true;
}

static const char *cell(const cd_block *row, cd_field_kind k) {
    const char *v = NULL;
    for (size_t i = 0; i < row->table->n_cols; i++)
        if (row->table->cols[i] == k && row->cells[i]) v = v ? v : row->cells[i];
    return v;
}

static void table_row(walker *w, const cd_block *row) {
    cd_document *doc = w->doc;
    const char *text = cell(row, CD_FIELD_TEXT);
    if (!text) return;
    if (row->table->indicators) {
        doc->indicators =
            room_for_one(w->a, doc->indicators, sizeof *doc->indicators, doc->n_indicators, &w->indicators_cap);
        cd_indicator *ind = &doc->indicators[doc->n_indicators++];
        memset(ind, 0, sizeof *ind);
        ind->number = row->label;
        ind->section = section_path(w);
        ind->name = text;
        ind->unit = cell(row, CD_FIELD_UNIT);
        ind->target = cell(row, CD_FIELD_TARGET);
        ind->lead_raw = cell(row, CD_FIELD_LEAD);
        ind->first_line = row->first;
        ind->last_line = row->last;
        return;
    }
    cd_task *t = new_task(w, row->label, clean_text(w, text), row->first, row->last);
    t->lead_raw = cell(row, CD_FIELD_LEAD);
    t->support_raw = cell(row, CD_FIELD_SUPPORT);
    t->deadline_raw = cell(row, CD_FIELD_DEADLINE);
    for (size_t i = 0; i < row->table->n_cols; i++)
        if (row->table->cols[i] == CD_FIELD_DEADLINE && row->cells[i]) t->deadline_line = row->cell_last[i];
    t->output = cell(row, CD_FIELD_OUTPUT);
    t->assigned_by = cell(row, CD_FIELD_ASSIGNED_BY);
    t->note = cell(row, CD_FIELD_NOTE);
    const char *dir = cell(row, CD_FIELD_DIRECTION);
    if (dir) cd_strs_push(w->a, &t->direction, dir);
}

/* A table sits under the caption printed above it ("PHỤ LỤC" / its title),
 * or, when it follows a numbered heading directly, under that heading. */
static void enter_table(walker *w, const cd_table *t) {
    if (w->table == t) return;
    w->table = t;
    if (!w->caption_pending) return;
    w->depth = 0;
    if (w->last_caption) push(w, (section){CD_LABEL_NONE, 0, w->last_caption, SEC_TASKS, false, NULL, t});
}

/* A table's own heading rows replace its caption in the section path. */
static void drop_caption(walker *w, const cd_table *t) {
    if (w->depth && w->stack[0].kind == CD_LABEL_NONE && w->stack[0].table == t) {
        memmove(w->stack, w->stack + 1, sizeof *w->stack * (size_t)(w->depth - 1));
        w->depth--;
    }
}

static void walk(walker *w) {
    cd_document *doc = w->doc;
    int body_src = doc->meta.body_start < (int)doc->n_lines ? doc->lines[doc->meta.body_start].src : 0;
    const cd_rule *caption_rule = cd_rules_get(w->rules, "header", "caption");
    for (size_t i = 0; i < doc->n_blocks; i++) {
        const cd_block *b = &doc->blocks[i];
        w->over_tasks = doc->n_tasks > w->max_tasks;
        w->over_time = i % CD_LIMIT_TIME_EVERY == 0 && cd_time_up(w->opt);
        if (w->over_tasks || w->over_time) return;
        if (b->kind == CD_BLOCK_ROW || (b->kind == CD_BLOCK_HEADING && b->table)) {
            enter_table(w, b->table);
            if (b->kind == CD_BLOCK_HEADING) {
                drop_caption(w, b->table);
                place_in_stack(w, b->label_kind, b->depth ? b->depth : 1);
                push(w, (section){b->label_kind, b->depth ? b->depth : 1, display_of(w, b), SEC_TASKS, false, NULL,
                                  b->table});
            } else {
                table_row(w, b);
            }
            continue;
        }
        w->table = NULL;
        if (b->first < body_src) continue; /* the header block */
        switch (b->kind) {
        case CD_BLOCK_HEADING: {
            cd_match m;
            if (caption_rule && cd_rule_search(caption_rule, b->text, strlen(b->text), 0, &m)) break;
            if (b->label_kind == CD_LABEL_QUARTER) {
                place_in_stack(w, CD_LABEL_QUARTER, 1);
                push(w, (section){CD_LABEL_QUARTER, 1, b->text, SEC_TASKS, false, NULL, NULL});
            } else {
                w->depth = 0;
                push(w, (section){b->label_kind, 1, display_of(w, b), classify(w, b->text), false, NULL, NULL});
            }
            w->last_caption = b->text;
            w->caption_pending = true;
            break;
        }
        case CD_BLOCK_ITEM:
            item_block(w, i);
            w->caption_pending = false;
            break;
        case CD_BLOCK_PARA: {
            cd_match m;
            if (caption_rule && cd_rule_search(caption_rule, b->text, strlen(b->text), 0, &m)) break;
            if (classify(w, b->text) == SEC_NOT_TASKS && strchr(b->text, ':')) {
                /* "Nơi nhận:" and the like end the task sections */
                w->depth = 0;
                push(w, (section){CD_LABEL_NONE, 1, b->text, SEC_NOT_TASKS, false, NULL, NULL});
                break;
            }
            bool under_agency;
            const section *agency;
            sec_class cls = effective_class(w, &under_agency, &agency);
            if (cls == SEC_NOT_TASKS) break;
            const cd_rule *intro = cd_rules_get(w->rules, "header", "request-intro");
            if (cls == SEC_UNKNOWN && w->complete && intro && cd_rule_search(intro, b->text, strlen(b->text), 0, &m)) {
                /* "Chủ tịch UBND tỉnh yêu cầu:": the requests below are tasks.  The
                 * paragraph is no heading, so it adds nothing to the section path.
                 * Only in a whole text: an excerpt stops inside its requests. */
                push(w, (section){CD_LABEL_NONE, 0, NULL, SEC_TASKS, false, NULL, NULL});
                break;
            }
            /* a paragraph right under a heading item is that heading's task */
            const cd_block *prev = i ? &doc->blocks[i - 1] : NULL;
            if (prev && prev->kind == CD_BLOCK_ITEM && w->depth && w->stack[w->depth - 1].kind == prev->label_kind &&
                (cls == SEC_TASKS || under_agency || prev->emphasised)) {
                if (heading_like(prev)) {
                    paragraph_task(w, i);
                    break;
                }
            }
            assignment(w, b);
            break;
        }
        case CD_BLOCK_BULLET: {
            bool under_agency;
            const section *agency;
            sec_class cls = effective_class(w, &under_agency, &agency);
            const cd_block *prev = i ? &doc->blocks[i - 1] : NULL;
            bool after_heading =
                prev && (prev->kind == CD_BLOCK_BULLET || (prev->kind == CD_BLOCK_ITEM && heading_like(prev)));
            if (cls == SEC_TASKS && after_heading && w->depth && w->stack[w->depth - 1].kind != CD_LABEL_NONE)
                paragraph_task(w, i);
            break;
        }
        default:
            break;
        }
    }
}

/* The year of the tasks when nothing else names it: the most common year
 * printed in the deadlines. */
static int year_from_deadlines(cd_document *doc, const cd_options *opt) {
    int years[64] = {0}, counts[64] = {0}, n = 0;
    for (size_t i = 0; i < doc->n_tasks; i++) {
        const char *raw = doc->tasks[i].deadline_raw;
        if (!raw) continue;
        cd_deadline d;
        if (!cd_deadline_parse(opt->rules, raw, strlen(raw), 0, &d, &doc->arena, NULL, NULL, 0) || !d.end.y) continue;
        int k;
        for (k = 0; k < n && years[k] != d.end.y; k++) {
        }
        if (k == n && n < 64) years[n++] = d.end.y;
        if (k < 64) counts[k]++;
    }
    int best = 0;
    for (int k = 1; k < n; k++)
        if (counts[k] > counts[best]) best = k;
    return n ? years[best] : 0;
}

/* "T007", "I012", "T1234": a letter and the number, at least three digits
 * (what "%c%03zu" prints, without printf: one per task). */
static const char *record_id(cd_arena *a, char letter, size_t n) {
    char digits[24];
    size_t k = 0;
    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (k < 3)
        digits[k++] = '0';
    char *id = cd_arena_alloc(a, k + 2);
    id[0] = letter;
    for (size_t i = 0; i < k; i++)
        id[1 + i] = digits[k - 1 - i];
    id[k + 1] = 0;
    return id;
}

/* false when the time budget ran out (limits.h) */
static bool resolve(cd_document *doc, const cd_options *opt) {
    cd_arena *a = &doc->arena;
    if (!doc->meta.year) doc->meta.year = year_from_deadlines(doc, opt);
    for (size_t i = 0; i < doc->n_tasks; i++) {
        if (i % CD_LIMIT_TIME_EVERY == 0 && cd_time_up(opt)) return false;
        cd_task *t = &doc->tasks[i];
        t->id = record_id(a, 'T', i + 1);
        size_t lead_end, support_start;
        if (t->lead_raw &&
            cd_agency_split_lead_support(opt->rules, t->lead_raw, strlen(t->lead_raw), &lead_end, &support_start)) {
            /* "X chủ trì phối hợp với Y" in a lead field: Y co-operates, before any support field */
            const char *with = t->lead_raw + support_start;
            t->support_raw = t->support_raw ? cd_arena_cat(a, with, "; ", t->support_raw) : with;
            t->lead_raw = cd_arena_strndup(a, t->lead_raw, lead_end);
        }
        if (t->lead_raw) cd_agency_split(opt->rules, t->lead_raw, strlen(t->lead_raw), &t->lead, a);
        if (t->support_raw) cd_agency_split(opt->rules, t->support_raw, strlen(t->support_raw), &t->support, a);
        if (t->deadline_raw && *t->deadline_raw) {
            t->deadline = cd_arena_alloc(a, sizeof *t->deadline);
            cd_deadline_parse(opt->rules, t->deadline_raw, strlen(t->deadline_raw), doc->meta.year, t->deadline, a,
                              &doc->diags, doc->path, t->deadline_line ? t->deadline_line : t->first_line);
        }
    }
    for (size_t i = 0; i < doc->n_indicators; i++) {
        cd_indicator *ind = &doc->indicators[i];
        ind->id = record_id(a, 'I', i + 1);
        if (ind->lead_raw) cd_agency_split(opt->rules, ind->lead_raw, strlen(ind->lead_raw), &ind->lead, a);
    }
    return true;
}

int cd_extract(cd_document *doc, const cd_options *opt) {
    walker w = {0};
    w.doc = doc;
    w.rules = opt->rules;
    w.a = &doc->arena;
    w.complete = doc->meta.signer_name || doc->meta.recipients.n;
    for (size_t i = doc->n_lines; i-- > 0 && !w.complete;) {
        const cd_line *ln = &doc->lines[i];
        size_t n = ln->len;
        while (n && ln->text[n - 1] == ' ')
            n--;
        w.complete = n >= 2 && !memcmp(ln->text + n - 2, "/.", 2);
    }
    w.opt = opt;
    w.max_tasks = cd_limit(opt, CD_LIMIT_TASKS);
    walk(&w);
    if (w.over_tasks || doc->n_tasks > w.max_tasks)
        return cd_limit_exceeded(doc, opt, 0, CD_LIMIT_TASKS, "the document gives more than %llu tasks",
                                 (unsigned long long)w.max_tasks);
    if (w.over_time || !resolve(doc, opt)) return cd_limit_check_time(doc, opt);
    return CD_EXIT_OK;
}
