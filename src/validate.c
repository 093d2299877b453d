/* validate.c — diagnostics on the records. */
#include "validate.h"

#include <stdlib.h>
#include <string.h>

static bool same_section(const cd_task *a, const cd_task *b) {
    if (a->section.n != b->section.n) return false;
    for (size_t i = 0; i < a->section.n; i++)
        if (strcmp(a->section.items[i], b->section.items[i])) return false;
    return true;
}

/* missing-lead / missing-deadline: a warning when other tasks of the same
 * section have one (a slip), info when none do (the layout has no such field). */
static void missing_fields(cd_document *doc) {
    for (size_t i = 0; i < doc->n_tasks; i++) {
        const cd_task *t = &doc->tasks[i];
        bool need_lead = !t->lead.n, need_deadline = !t->deadline;
        if (!need_lead && !need_deadline) continue;
        bool peers_lead = false, peers_deadline = false;
        for (size_t j = 0; j < doc->n_tasks; j++) {
            if (j == i || !same_section(t, &doc->tasks[j])) continue;
            peers_lead |= doc->tasks[j].lead.n > 0;
            peers_deadline |= doc->tasks[j].deadline != NULL;
        }
        if (need_lead)
            cd_diag_add(&doc->diags, peers_lead ? CD_SEV_WARNING : CD_SEV_INFO, "missing-lead", doc->path,
                        t->first_line, "task %s%s has no lead agency", *t->number ? t->number : t->id,
                        peers_lead ? " (other tasks of its section have one)" : "");
        if (need_deadline)
            cd_diag_add(&doc->diags, peers_deadline ? CD_SEV_WARNING : CD_SEV_INFO, "missing-deadline", doc->path,
                        t->first_line, "task %s%s has no deadline", *t->number ? t->number : t->id,
                        peers_deadline ? " (other tasks of its section have one)" : "");
    }
}

/* The value of the last component of a label, or 0 when not numeric. */
static int label_value(const cd_block *b) {
    if (b->label_kind == CD_LABEL_ROMAN) return cd_roman_value(b->label, strlen(b->label));
    if (b->label_kind == CD_LABEL_ARABIC) return atoi(b->label);
    if (b->label_kind == CD_LABEL_DOTTED) {
        const char *dot = strrchr(b->label, '.');
        return dot ? atoi(dot + 1) : 0;
    }
    return 0;
}

/* numbering-gap / numbering-duplicate among sibling items of the body. */
static void numbering(cd_document *doc) {
    enum { MAX_DEPTH = 16 };
    struct {
        cd_label_kind kind;
        int depth, value;
    } stack[MAX_DEPTH];
    int depth = 0;
    for (size_t i = 0; i < doc->n_blocks; i++) {
        const cd_block *b = &doc->blocks[i];
        if (b->kind == CD_BLOCK_HEADING && !b->table && b->label_kind != CD_LABEL_QUARTER) depth = 0;
        if (b->kind != CD_BLOCK_ITEM) continue;
        int v = label_value(b);
        int at = -1;
        for (int k = depth - 1; k >= 0; k--)
            if (stack[k].kind == b->label_kind && stack[k].depth == b->depth) {
                at = k;
                break;
            }
        if (at >= 0) {
            int prev = stack[at].value;
            if (v && prev && v == prev)
                cd_diag_add(&doc->diags, CD_SEV_WARNING, "numbering-duplicate", doc->path, b->first,
                            "item %s repeats the number of the item before it", b->label);
            else if (v && prev && v > prev + 1)
                cd_diag_add(&doc->diags, CD_SEV_WARNING, "numbering-gap", doc->path, b->first,
                            "item %s follows item %d: numbering skips", b->label, prev);
            depth = at;
        }
        if (depth < MAX_DEPTH) {
            stack[depth].kind = b->label_kind;
            stack[depth].depth = b->depth;
            stack[depth].value = v;
            depth++;
        }
    }
}

static void unknown_agencies(cd_document *doc, const cd_agency_list *l, int line) {
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].kind == CD_AGENCY_AGENCY && !l->items[i].known)
            cd_diag_add(&doc->diags, CD_SEV_INFO, "unknown-agency", doc->path, line,
                        "agency not in the gazetteer: %s", l->items[i].name);
}

int cd_validate(cd_document *doc, const cd_options *opt) {
    (void)opt;
    missing_fields(doc);
    numbering(doc);
    for (size_t i = 0; i < doc->n_tasks; i++) {
        unknown_agencies(doc, &doc->tasks[i].lead, doc->tasks[i].first_line);
        unknown_agencies(doc, &doc->tasks[i].support, doc->tasks[i].first_line);
    }
    for (size_t i = 0; i < doc->n_indicators; i++)
        unknown_agencies(doc, &doc->indicators[i].lead, doc->indicators[i].first_line);
    return CD_EXIT_OK;
}
