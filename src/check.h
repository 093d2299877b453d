/* check.h — conformance of a program to a template (check) and what changed
 * between two versions of a program (diff), with their reports: text for a
 * terminal, JSON (jansson) for programs, XLSX (libxlsxwriter) for reviewers.
 *
 * check: every required task of the template is looked for among the
 * document's tasks and target rows (indicators) with the matcher (match.h);
 * a required task is covered by the best candidate the matcher accepts, and
 * that cover is late when the candidate's deadline ends after the
 * template's, with a different lead when the template names a lead and none
 * of its names leads the candidate.  The document conforms when no required
 * task is missing or late, it carries every document element the template
 * lists, and every task has the template's fields.  A different lead is
 * reported, not counted against conformance.
 *
 * diff: rows with the same wording pair first (in order), then the rest by
 * whole-text score (>= diff-same, best first); unpaired old rows are
 * removed, unpaired new rows added, and a pair is changed when its wording,
 * lead, support, deadline or output differs. */
#ifndef CD_CHECK_H
#define CD_CHECK_H
#include <stdbool.h>
#include <stdio.h>

#include "match.h"
#include "model.h"
#include "template.h"

typedef struct cd_req_result {
    const cd_tpl_task *req;
    bool covered;
    bool late;                     /* covered, but its deadline ends after the template's */
    bool deadline_unknown;         /* covered; the template has an end date, the task none to compare */
    bool other_lead;               /* covered, by a task none of the template's leads leads */
    const cd_task *task;           /* the covering task, or (not covered) the closest one; may be NULL */
    const cd_indicator *indicator; /* or the covering / closest target row */
    cd_similarity sim;
    cd_strs words; /* shared words (match.h cd_match_words) */
} cd_req_result;

typedef struct cd_incomplete_task {
    const cd_task *task;
    cd_strs fields; /* the template's fields it lacks */
} cd_incomplete_task;

typedef struct cd_check_result {
    const cd_document *doc;
    cd_req_result *reqs; /* one per template task, in template order */
    size_t n_reqs;
    cd_strs missing_elements;
    cd_incomplete_task *incomplete;
    size_t n_incomplete;
    size_t n_covered, n_late, n_other_lead, n_missing;
    bool conforms;
} cd_check_result;

/* Check one processed document against t.  Everything lives in a. */
void cd_check_document(const cd_template *t, const cd_matcher *m, const cd_document *doc, cd_check_result *r,
                       cd_arena *a);

typedef enum { CD_REPORT_TEXT, CD_REPORT_JSON, CD_REPORT_XLSX } cd_report_format;
/* "text", "json" or "xlsx"; false for anything else. */
bool cd_report_format_parse(const char *s, cd_report_format *f);

/* Write the results of checking n documents against t.  XLSX is built in a
 * temporary file under $TMPDIR and copied to out.  Returns CD_EXIT_OK or
 * CD_EXIT_INTERNAL (a write failed). */
int cd_check_report(const cd_template *t, const cd_check_result *r, size_t n, cd_report_format f, FILE *out);

enum {
    CD_CHANGE_TEXT = 1u << 0,
    CD_CHANGE_LEAD = 1u << 1,
    CD_CHANGE_SUPPORT = 1u << 2,
    CD_CHANGE_DEADLINE = 1u << 3,
    CD_CHANGE_OUTPUT = 1u << 4,
};

typedef enum { CD_DIFF_REMOVED, CD_DIFF_ADDED, CD_DIFF_CHANGED, CD_DIFF_SAME } cd_diff_kind;

typedef struct cd_diff_entry {
    cd_diff_kind kind;
    const cd_task *old_task, *new_task; /* NULL for added / removed */
    unsigned changes;                   /* CD_CHANGE_* of a changed pair */
    double score;                       /* whole-text score of a pair (1 for the same wording) */
} cd_diff_entry;

typedef struct cd_diff_result {
    const cd_document *old_doc, *new_doc;
    cd_diff_entry *entries; /* in the new document's order, a removed row after its old predecessor */
    size_t n_entries;
    size_t n_added, n_removed, n_changed, n_same;
} cd_diff_result;

void cd_diff_documents(const cd_matcher *m, const cd_document *old_doc, const cd_document *new_doc, cd_diff_result *r,
                       cd_arena *a);
/* Write the changes (CD_DIFF_SAME entries are counted, not listed).  Returns
 * CD_EXIT_OK or CD_EXIT_INTERNAL. */
int cd_diff_report(const cd_diff_result *r, cd_report_format f, FILE *out);

/* ---------- what the commands run (main.c parses options, then calls these) ---------- */

/* Load and process path with rules; its error diagnostics are copied to errs.
 * doc must be freed with cd_document_free whatever this returns
 * (CD_EXIT_OK or the failing stage's code). */
int cd_load_processed(cd_document *doc, const char *path, const cd_rules *rules, cd_diag_list *errs);

/* `chidao check`: load the template (validated against schema), check every
 * input, write the report to out.  Returns CD_EXIT_OK when every document
 * conforms, CD_EXIT_STRICT (1) when one does not, CD_EXIT_INPUT when an input
 * or the template cannot be read, CD_EXIT_RULES when the rules or the
 * template are invalid, CD_EXIT_INTERNAL when the report cannot be written.
 * Problems are appended to errs. */
int cd_check_run(const cd_rules *rules, const char *template_path, const char *schema, char *const *inputs,
                 size_t n_inputs, cd_report_format f, FILE *out, cd_diag_list *errs);

/* `chidao diff`: CD_EXIT_OK (changes or not), CD_EXIT_INPUT, CD_EXIT_RULES or
 * CD_EXIT_INTERNAL. */
int cd_diff_run(const cd_rules *rules, const char *old_path, const char *new_path, cd_report_format f, FILE *out,
                cd_diag_list *errs);

/* `chidao template derive`: the derived template as XML on out.
 * CD_EXIT_OK; CD_EXIT_STRICT (1) when no input cites o->cite (nothing
 * written); CD_EXIT_INPUT, CD_EXIT_RULES or CD_EXIT_INTERNAL. */
int cd_derive_run(const cd_rules *rules, char *const *inputs, size_t n_inputs, const cd_derive_options *o, FILE *out,
                  cd_diag_list *errs);

#endif
