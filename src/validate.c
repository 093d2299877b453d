/* validate.c — diagnostics on the finished records (CONTRACT "diagnostics").
 *
 * Other stages raise the diagnostics whose evidence only they hold: read
 * (encoding-repaired, invalid input), metadata (blank-number, blank-date,
 * date-mismatch, metadata-from-caption) and deadline (deadline-unparsed,
 * ocr-repair of a quarter).  This stage checks the records as a whole:
 * missing-lead, missing-deadline, numbering-gap, numbering-duplicate,
 * deadline-outside-year, unknown-agency, ocr-repair of an agency name and
 * no-tasks.  Every diagnostic names the task (id and printed number) or quotes
 * the printed text, and carries the source line it is about.
 *
 * Severity policy (one rule for every stage):
 *   error   — the record cannot be used as it stands.  --strict turns an error
 *             into exit 1 (for a whole batch too); raise one only when the
 *             record plainly misses what the document is for.  Besides input
 *             that cannot be read at all (read.c), that is a document that
 *             prints assigned work — at least NO_TASKS_EVIDENCE lead or
 *             deadline fields or rows of a task table — and yet gave no task.
 *             A plan with only numbered items is not enough: a plan for a
 *             conference may hold nothing but purposes and duties.
 *   warning — the record holds what the page says, but the page (or our
 *             reading of it) is doubtful and a person should look: a field
 *             missing where the other tasks of its section have it, a
 *             numbering gap or repeat, a deadline that cannot be read or lies
 *             outside the year the title names, a repaired quarter ("Quý 11"),
 *             a blank draft number or date, a dateline that disagrees with the
 *             attachment's caption, replaced invalid UTF-8, a program or plan
 *             with no tasks in a short text (an excerpt may hold none).
 *   info    — the record is right and complete for what the page prints: a
 *             field this layout never has (no task of the section has it),
 *             number or date taken from an appendix caption, an agency not in
 *             the gazetteer, an obvious slip repaired in a canonical agency
 *             name ("Đài PTTH tinh" -> "… tỉnh"; `raw` keeps the print). */
#include "validate.h"

#include <stdlib.h>
#include <string.h>

/* A document that prints at least this many lead or deadline fields or
 * task-table rows and yet gave no task lost its tasks: an error.  Fewer may
 * be stray fields under "Tổ chức thực hiện" (not tasks). */
#define NO_TASKS_EVIDENCE 3
/* Quotes of task wording and headings in messages stop after this many
 * bytes (at a character boundary), so a message stays one readable line. */
#define QUOTE_MAX_BYTES 60

/* ---------- helpers ---------- */

/* s cut to at most QUOTE_MAX_BYTES at a UTF-8 boundary, "…" marking the cut. */
static const char *excerpt(cd_document *doc, const char *s) {
    size_t n = strlen(s);
    if (n <= QUOTE_MAX_BYTES) return s;
    n = QUOTE_MAX_BYTES;
    while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    size_t word_end = n; /* cut at a word end when one is near */
    while (word_end > n / 2 && s[word_end] != ' ')
        word_end--;
    if (s[word_end] == ' ') n = word_end;
    while (n && strchr(" ,;:", s[n - 1]))
        n--;
    return cd_arena_cat(&doc->arena, cd_arena_strndup(&doc->arena, s, n), "…");
}

/* "T012 (1.2)" or "T012" for an unlabelled task: the id is the record's key,
 * the number is what the page prints. */
static const char *task_name(cd_document *doc, const cd_task *t) {
    return *t->number ? cd_arena_cat(&doc->arena, t->id, " (", t->number, ")") : t->id;
}

/* Index of the first line whose source line is >= src (lines are sorted). */
static size_t line_index(const cd_document *doc, int src) {
    size_t lo = 0, hi = doc->n_lines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (doc->lines[mid].src < src)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int line_with(const cd_document *doc, int first, int last, const char *probe) {
    for (size_t i = line_index(doc, first); i < doc->n_lines && doc->lines[i].src <= last; i++)
        if (strstr(doc->lines[i].text, probe)) return doc->lines[i].src;
    return 0;
}

/* The source line in [first, last] that prints needle; fallback otherwise.
 * Text split over two lines is found by its first words. */
static int line_printing(const cd_document *doc, int first, int last, const char *needle, int fallback) {
    if (!needle || !*needle || first <= 0) return fallback;
    int line = line_with(doc, first, last, needle);
    size_t n = strlen(needle);
    if (!line && n >= 12) {
        char head[32]; /* about the first 24 bytes, cut at a word end */
        size_t k = n < 24 ? n : 24;
        while (k > 8 && needle[k] != ' ')
            k--;
        memcpy(head, needle, k);
        head[k] = 0;
        line = line_with(doc, first, last, head);
    }
    return line ? line : fallback;
}

/* ---------- missing-lead / missing-deadline ---------- */

/* Tasks grouped by section by sorting on a key: the headings joined by a
 * separator no heading contains (O(n log n), not a pairwise comparison). */
typedef struct section_key {
    const char *key;
    size_t task;
} section_key;

static int by_section(const void *a, const void *b) {
    const section_key *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->task > y->task) - (x->task < y->task);
}

static const char *section_of(cd_document *doc, const cd_task *t) {
    cd_buf b;
    cd_buf_init(&b, &doc->arena);
    for (size_t i = 0; i < t->section.n; i++) {
        cd_buf_adds(&b, t->section.items[i]);
        cd_buf_addc(&b, '\x1f');
    }
    return cd_buf_str(&b);
}

static void missing_field(cd_document *doc, const cd_task *t, const char *code, const char *what, bool peers) {
    /* a slip when the section's other tasks print the field; the layout's
     * way when none does */
    cd_diag_add(&doc->diags, peers ? CD_SEV_WARNING : CD_SEV_INFO, code, doc->path, t->first_line,
                "task %s \"%s\" has no %s; %s", task_name(doc, t), excerpt(doc, t->text), what,
                peers ? "other tasks of its section have one" : "no task of its section has one");
}

static void missing_fields(cd_document *doc) {
    if (!doc->n_tasks) return;
    section_key *keys = cd_arena_alloc(&doc->arena, doc->n_tasks * sizeof *keys);
    /* per task: does any task of its section have a lead / a deadline */
    bool *peers_lead = cd_arena_alloc(&doc->arena, doc->n_tasks * sizeof(bool));
    bool *peers_deadline = cd_arena_alloc(&doc->arena, doc->n_tasks * sizeof(bool));
    for (size_t i = 0; i < doc->n_tasks; i++)
        keys[i] = (section_key){section_of(doc, &doc->tasks[i]), i};
    qsort(keys, doc->n_tasks, sizeof *keys, by_section);
    for (size_t from = 0, to; from < doc->n_tasks; from = to) {
        bool lead = false, deadline = false;
        for (to = from; to < doc->n_tasks && !strcmp(keys[to].key, keys[from].key); to++) {
            lead |= doc->tasks[keys[to].task].lead.n > 0;
            deadline |= doc->tasks[keys[to].task].deadline != NULL;
        }
        for (size_t k = from; k < to; k++) {
            peers_lead[keys[k].task] = lead;
            peers_deadline[keys[k].task] = deadline;
        }
    }
    for (size_t i = 0; i < doc->n_tasks; i++) {
        const cd_task *t = &doc->tasks[i];
        /* a task without the field is not its own peer: "any task" is "another task" here */
        if (!t->lead.n) missing_field(doc, t, "missing-lead", "lead agency", peers_lead[i]);
        if (!t->deadline) missing_field(doc, t, "missing-deadline", "deadline", peers_deadline[i]);
    }
}

/* ---------- numbering-gap / numbering-duplicate ---------- */

/* The value of the last component of a label, or 0 when not numeric.  Letter
 * labels are not checked: documents differ on whether f, j, w, z and đ are
 * used, so a "missing" letter is no evidence. */
static int label_value(const cd_block *b) {
    if (b->label_kind == CD_LABEL_ROMAN) return cd_roman_value(b->label, strlen(b->label));
    if (b->label_kind == CD_LABEL_ARABIC) return atoi(b->label);
    if (b->label_kind == CD_LABEL_DOTTED) {
        const char *dot = strrchr(b->label, '.');
        return dot ? atoi(dot + 1) : 0;
    }
    return 0;
}

/* Length of a dotted label's parent ("1.2" of "1.2.3"); 0 for other labels. */
static size_t parent_len(const cd_block *b) {
    const char *dot = b->label_kind == CD_LABEL_DOTTED ? strrchr(b->label, '.') : NULL;
    return dot ? (size_t)(dot - b->label) : 0;
}

/* A sibling number printed the way b prints its label: roman, arabic, or
 * under the same parent. */
static const char *label_for(cd_document *doc, const cd_block *b, int v) {
    if (b->label_kind == CD_LABEL_ROMAN) {
        static const struct {
            int v;
            const char *s;
        } digits[] = {{100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"},
                      {9, "IX"},  {5, "V"},   {4, "IV"}, {1, "I"}};
        cd_buf r;
        cd_buf_init(&r, &doc->arena);
        for (size_t i = 0; i < sizeof digits / sizeof digits[0]; i++)
            for (; v >= digits[i].v; v -= digits[i].v)
                cd_buf_adds(&r, digits[i].s);
        return cd_buf_str(&r);
    }
    size_t p = parent_len(b);
    return p ? cd_arena_printf(&doc->arena, "%.*s.%d", (int)p, b->label, v) : cd_arena_printf(&doc->arena, "%d", v);
}

/* "411/QĐ-TTg" wrapped to the start of a line reads as item 411: a label
 * followed by '/' in the source is a document number, not a list number. */
static bool label_is_doc_number(const cd_document *doc, const cd_block *b) {
    size_t i = line_index(doc, b->first);
    if (i >= doc->n_lines || doc->lines[i].src != b->first) return false;
    const char *text = doc->lines[i].text, *at = strstr(text, b->label);
    return at && at - text < 8 && at[strlen(b->label)] == '/';
}

/* What a block prints besides its label: a row's text cell, an item's text. */
static const char *block_text(const cd_block *b) {
    if (b->kind == CD_BLOCK_ROW)
        for (size_t i = 0; i < b->table->n_cols; i++)
            if (b->table->cols[i] == CD_FIELD_TEXT && b->cells[i]) return b->cells[i];
    return b->text;
}

static void numbering_step(cd_document *doc, const cd_block *prev, const cd_block *b) {
    int pv = label_value(prev), v = label_value(b);
    if (!v || !pv) return;
    size_t pp = parent_len(prev);
    if (pp != parent_len(b) || strncmp(prev->label, b->label, pp)) return; /* another parent: a new list */
    const char *text = excerpt(doc, block_text(b));
    if (v == pv) {
        cd_diag_add(&doc->diags, CD_SEV_WARNING, "numbering-duplicate", doc->path, b->first,
                    "item %s \"%s\" repeats the number of item %s (line %d)", b->label, text, prev->label, prev->first);
    } else if (v > pv + 1) {
        const char *lo = label_for(doc, b, pv + 1), *hi = label_for(doc, b, v - 1);
        if (v == pv + 2)
            cd_diag_add(&doc->diags, CD_SEV_WARNING, "numbering-gap", doc->path, b->first,
                        "item %s \"%s\" follows item %s (line %d): there is no item %s", b->label, text, prev->label,
                        prev->first, lo);
        else
            cd_diag_add(&doc->diags, CD_SEV_WARNING, "numbering-gap", doc->path, b->first,
                        "item %s \"%s\" follows item %s (line %d): items %s to %s are missing", b->label, text,
                        prev->label, prev->first, lo, hi);
    }
}

/* Sibling items (and numbered table rows) of the body, compared with the last
 * open item of the same kind and depth.  A heading outside a table starts
 * afresh; a quarter heading or a table's group row does not (rows run on
 * across them). */
static void numbering(cd_document *doc) {
    enum { MAX_DEPTH = 16 };
    const cd_block *open[MAX_DEPTH];
    int depth = 0;
    for (size_t i = 0; i < doc->n_blocks; i++) {
        const cd_block *b = &doc->blocks[i];
        if (b->kind == CD_BLOCK_HEADING && !b->table && b->label_kind != CD_LABEL_QUARTER) depth = 0;
        if (b->kind != CD_BLOCK_ITEM && b->kind != CD_BLOCK_ROW) continue;
        /* letter items stay on the stack (they close the lists below them) but are not compared */
        if (b->label_kind == CD_LABEL_NONE || (b->kind == CD_BLOCK_ITEM && label_is_doc_number(doc, b))) continue;
        int at = -1;
        for (int k = depth - 1; k >= 0; k--)
            if (open[k]->label_kind == b->label_kind && open[k]->depth == b->depth) {
                at = k;
                break;
            }
        if (at >= 0) {
            numbering_step(doc, open[at], b);
            depth = at;
        }
        if (depth < MAX_DEPTH) open[depth++] = b;
    }
}

/* ---------- deadline-outside-year ---------- */

static int date_cmp(cd_date a, cd_date b) {
    if (a.y != b.y) return a.y < b.y ? -1 : 1;
    if (a.m != b.m) return a.m < b.m ? -1 : 1;
    return (a.d > b.d) - (a.d < b.d);
}

/* Only when the title names a single year Y (CONTRACT).  Reading: a deadline
 * is outside Y when none of its days falls in Y.  A date is one day; a month,
 * quarter, half, year or range covers [start, end].  So in a 2026 program
 * "2026-2030" and "Tháng 10/2025 đến tháng 3/2026" pass (part of the work
 * falls in 2026), while "Quý I/2027" or "31/12/2025" is flagged: the program's
 * own year cannot hold it, so it is next year's work or a slip for 2026.
 * Ongoing, recurring, event and unread deadlines have no days to compare.
 * A plan "giai đoạn 2026-2030", or one whose year comes only from its date,
 * names no single year: a multi-year plan's later deadlines are normal. */
static void deadline_outside_year(cd_document *doc) {
    int y = doc->meta.title_year;
    if (!y) return;
    cd_date jan1 = {y, 1, 1}, dec31 = {y, 12, 31};
    for (size_t i = 0; i < doc->n_tasks; i++) {
        const cd_task *t = &doc->tasks[i];
        const cd_deadline *d = t->deadline;
        if (!d || !d->end.y) continue;
        cd_date start = d->start.y ? d->start : d->end;
        if (date_cmp(d->end, jan1) >= 0 && date_cmp(start, dec31) <= 0) continue;
        const char *span = cd_arena_printf(&doc->arena, "%04d-%02d-%02d", d->end.y, d->end.m, d->end.d);
        if (date_cmp(start, d->end))
            span = cd_arena_printf(&doc->arena, "%04d-%02d-%02d to %s", start.y, start.m, start.d, span);
        cd_diag_add(&doc->diags, CD_SEV_WARNING, "deadline-outside-year", doc->path,
                    t->deadline_line ? t->deadline_line : t->first_line,
                    "task %s: deadline \"%s\" (%s) falls outside %d, the year the title names", task_name(doc, t),
                    d->raw, span, y);
    }
}

/* ---------- unknown-agency / ocr-repair of agency names ---------- */

/* The substitution rules of agency.rules named "slip-…" repair typing and
 * OCR slips ("tinh" for "tỉnh"); the others only move tone marks or fix
 * capitals, which is normalisation, not repair. */
#define SLIP_RULE_PREFIX "slip-"
/* More slip rules than this are not looked at (agency.rules has two). */
#define MAX_SLIP_RULES 32

typedef struct agency_check {
    const cd_rule *slips[MAX_SLIP_RULES];
    size_t n_slips;
    const char *field;       /* "lead", "support" */
    const cd_task *task;     /* the record the list belongs to: a task … */
    const cd_indicator *ind; /* … or an indicator */
} agency_check;

static void find_slip_rules(agency_check *c, const cd_options *opt) {
    const cd_rule_group *g = opt && opt->rules ? cd_rules_group(opt->rules, "agency") : NULL;
    for (size_t i = 0; g && i < cd_group_size(g) && c->n_slips < MAX_SLIP_RULES; i++) {
        const cd_rule *r = cd_group_rule(g, i);
        if (!strncmp(cd_rule_name(r), SLIP_RULE_PREFIX, strlen(SLIP_RULE_PREFIX))) c->slips[c->n_slips++] = r;
    }
}

/* A slip rule that fires on the printed entry but no longer on its canonical
 * name, i.e. a slip the canonical name repaired; m holds the printed slip. */
static bool repaired_slip(const agency_check *c, const cd_agency *ag, cd_match *m) {
    for (size_t i = 0; i < c->n_slips; i++) {
        cd_match in_name;
        if (cd_rule_search(c->slips[i], ag->raw, strlen(ag->raw), 0, m) &&
            !cd_rule_search(c->slips[i], ag->name, strlen(ag->name), 0, &in_name))
            return true;
    }
    return false;
}

/* "lead of task T012 (12)", and the line of the record that prints raw. */
static const char *agency_site(cd_document *doc, const agency_check *c, const char *raw, int *line) {
    if (c->task) {
        *line = line_printing(doc, c->task->first_line, c->task->last_line, raw, c->task->first_line);
        return cd_arena_printf(&doc->arena, "%s of task %s", c->field, task_name(doc, c->task));
    }
    *line = line_printing(doc, c->ind->first_line, c->ind->last_line, raw, c->ind->first_line);
    if (c->ind->number && *c->ind->number)
        return cd_arena_printf(&doc->arena, "%s of indicator %s (%s)", c->field, c->ind->id, c->ind->number);
    return cd_arena_printf(&doc->arena, "%s of indicator %s", c->field, c->ind->id);
}

static void check_agencies(cd_document *doc, const agency_check *c, const cd_agency_list *l) {
    for (size_t i = 0; i < l->n; i++) {
        const cd_agency *ag = &l->items[i];
        if (ag->kind == CD_AGENCY_ROLE) continue; /* people and roles are never agencies to look up or repair */
        cd_match m;
        bool slip = repaired_slip(c, ag, &m), unknown = ag->kind == CD_AGENCY_AGENCY && !ag->known;
        if (!slip && !unknown) continue;
        int line;
        const char *site = agency_site(doc, c, ag->raw, &line);
        if (slip) {
            const char *printed;
            size_t n;
            cd_match_group_n(&m, 0, &printed, &n);
            cd_diag_add(&doc->diags, CD_SEV_INFO, "ocr-repair", doc->path, line,
                        "%s: \"%s\" has the slip \"%.*s\", read as \"%s\"", site, ag->raw, (int)n, printed, ag->name);
        }
        if (unknown && strcmp(ag->raw, ag->name))
            cd_diag_add(&doc->diags, CD_SEV_INFO, "unknown-agency", doc->path, line,
                        "%s: \"%s\" (printed \"%s\") is not in the gazetteer", site, ag->name, ag->raw);
        else if (unknown)
            cd_diag_add(&doc->diags, CD_SEV_INFO, "unknown-agency", doc->path, line,
                        "%s: \"%s\" is not in the gazetteer", site, ag->name);
    }
}

static void agencies(cd_document *doc, const cd_options *opt) {
    agency_check c = {.n_slips = 0};
    find_slip_rules(&c, opt);
    for (size_t i = 0; i < doc->n_tasks; i++) {
        c.task = &doc->tasks[i];
        c.field = "lead";
        check_agencies(doc, &c, &c.task->lead);
        c.field = "support";
        check_agencies(doc, &c, &c.task->support);
    }
    c.task = NULL;
    c.field = "lead";
    for (size_t i = 0; i < doc->n_indicators; i++) {
        c.ind = &doc->indicators[i];
        check_agencies(doc, &c, &c.ind->lead);
    }
}

/* ---------- no-tasks ---------- */

/* Lead and deadline fields ("- Chủ trì: …", "- Thời gian: …") and rows of a
 * table with a lead or deadline column: the print of assigned work. */
static bool prints_assignment(const cd_block *b) {
    if (b->kind == CD_BLOCK_FIELD) return b->field == CD_FIELD_LEAD || b->field == CD_FIELD_DEADLINE;
    if (b->kind != CD_BLOCK_ROW || b->table->indicators) return false;
    for (size_t c = 0; c < b->table->n_cols; c++)
        if (b->table->cols[c] == CD_FIELD_LEAD || b->table->cols[c] == CD_FIELD_DEADLINE) return true;
    return false;
}

/* A document that prints assigned work (see the policy above) but gave no
 * task lost what it is for: an error.  A program or plan with no task and no
 * such print may be a short text or an excerpt: a warning. */
static void no_tasks(cd_document *doc) {
    if (doc->n_tasks) return;
    const char *kind = doc->meta.kind ? doc->meta.kind : "document";
    const char *title = doc->meta.title ? cd_arena_printf(&doc->arena, " \"%s\"", excerpt(doc, doc->meta.title)) : "";
    size_t evidence = 0;
    int first = 0; /* the line of the first such print */
    for (size_t i = 0; i < doc->n_blocks; i++)
        if (prints_assignment(&doc->blocks[i]) && !evidence++) first = doc->blocks[i].first;
    if (evidence >= NO_TASKS_EVIDENCE) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "no-tasks", doc->path, first,
                    "the %s%s prints %zu lead or deadline fields or task-table rows, but no task was read", kind, title,
                    evidence);
        return;
    }
    int line = (size_t)doc->meta.body_start < doc->n_lines ? doc->lines[doc->meta.body_start].src : 0;
    if (!doc->n_indicators && (!strcmp(kind, "program") || !strcmp(kind, "plan")))
        cd_diag_add(&doc->diags, CD_SEV_WARNING, "no-tasks", doc->path, line,
                    "the %s%s has no tasks (a short text, or an excerpt?)", kind, title);
}

int cd_validate(cd_document *doc, const cd_options *opt) {
    missing_fields(doc);
    numbering(doc);
    deadline_outside_year(doc);
    agencies(doc, opt);
    no_tasks(doc);
    return CD_EXIT_OK;
}
