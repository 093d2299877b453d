/* match.h — the task matcher: how much of one task's wording another task
 * carries, accent- and case-insensitively, on ICU-normalised Vietnamese.
 *
 * A text is cut into words (syllables), each folded (NFD, combining marks
 * dropped, đ -> d, lower case) for comparison and classed by its accented
 * form through the lists of rules/match.rules: function words weigh
 * nothing, boilerplate verbs and domain words ("triển khai", "cơ quan",
 * "KHCN") little, the leading modal/verb words of a task ("Chủ động",
 * "Khẩn trương") little, words inside parentheses and after a purpose
 * marker ("để", "nhằm") less; synonyms ("khoa học và công nghệ", "KH&CN")
 * become one word.  A part of a text is described by weighted word pairs
 * (adjacent and one apart) and single content words.
 *
 * Matching a required task R against a task T compares every leading part
 * of R (R itself, and R cut at a comma or a clause boundary: a reworded or
 * shortened row still carries R's head) with T and every run of up to a few
 * clauses of T (a row that merges two required tasks carries each in its
 * own clauses).  For the best pair of parts: coverage = shared weight / R's
 * weight, precision = shared weight / T's weight, score = their harmonic
 * mean.  Whether that counts as covering is a rule with thresholds from
 * rules/match.rules (cd_match_covers).  All results are deterministic. */
#ifndef CD_MATCH_H
#define CD_MATCH_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "model.h"
#include "rules.h"

typedef struct cd_matcher cd_matcher; /* vocabulary and thresholds; read-only once built */
typedef struct cd_mtext cd_mtext;     /* a text prepared for matching */

/* Build the matcher from the rule set's "match" group.  NULL (with an error
 * in errs) when a list or a setting is missing or malformed.  Free with
 * cd_matcher_free. */
cd_matcher *cd_matcher_new(const cd_rules *rules, cd_diag_list *errs);
void cd_matcher_free(cd_matcher *m);
/* A number from [list match-settings] (every one is checked by
 * cd_matcher_new, so this never fails for the names listed there). */
double cd_matcher_setting(const cd_matcher *m, const char *name);

/* Prepare text (UTF-8; need not be normalised) for matching.  Lives in a. */
cd_mtext *cd_mtext_new(const cd_matcher *m, const char *text, cd_arena *a);
/* The text as prepared (NFC, modern tone marks, single spaces). */
const char *cd_mtext_text(const cd_mtext *x);

typedef struct cd_similarity {
    double score;     /* harmonic mean of coverage and precision, 0..1 */
    double coverage;  /* share of the required part's weight found in the task's part */
    double precision; /* share of the task's part's weight that is shared */
    int shared;       /* shared word pairs (each of some weight): the evidence */
    /* the compared parts, as byte ranges of the prepared texts */
    size_t req_start, req_end, task_start, task_end;
} cd_similarity;

/* How much of required's wording task carries (see the top of this file). */
cd_similarity cd_match_compare(const cd_matcher *m, const cd_mtext *required, const cd_mtext *task);
/* The two whole texts compared with each other (no parts): symmetric. */
cd_similarity cd_match_compare_whole(const cd_matcher *m, const cd_mtext *a, const cd_mtext *b);
/* Does s say that the task covers the required task?  score >= sure-cover;
 * or score >= cover with at least cover-shared shared pairs (one shared
 * phrase is not enough); or score >= weak-cover with at least
 * weak-cover-shared (a long reworded row shares many words at a lower
 * ratio). */
bool cd_match_covers(const cd_matcher *m, const cd_similarity *s);
/* The shared words, as runs of the required text (in its order), for
 * explanations: "danh mục dữ liệu gốc", "dữ liệu mở".  Strings live in a. */
cd_strs cd_match_words(const cd_matcher *m, const cd_mtext *required, const cd_mtext *task, const cd_similarity *s,
                       cd_arena *a);

/* Accent- and case-insensitive form of s: NFD, combining marks dropped,
 * đ/Đ -> d, lower case.  NUL-terminated, in a. */
char *cd_fold(const char *s, size_t n, cd_arena *a);
/* Does haystack contain needle, both folded and with runs of spaces
 * collapsed?  (For "cites 02-CTr/BCĐTW" tests.) */
bool cd_fold_contains(const char *haystack, const char *needle, cd_arena *a);

#endif
