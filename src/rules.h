/* rules.h — the rule-file engine.  All vocabulary and patterns live in
 * rules/NAME.rules (format: rules/README.md).  A rule set is loaded and compiled
 * once (PCRE2, JIT where available) and is then read-only: threads may share
 * it.  Each match copies its offsets into a cd_match on the caller's stack, so
 * no match state is shared either. */
#ifndef CD_RULES_H
#define CD_RULES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"

/* Capturing groups a rule may use (PCRE2 has no such cap; ours keeps a
 * cd_match on the stack). */
#define CD_RULE_MAX_CAPTURES 24

typedef struct cd_rules cd_rules;
typedef struct cd_rule_group cd_rule_group; /* one file: rules in file order */
typedef struct cd_rule cd_rule;             /* one [block]: a rule or a list */

typedef struct cd_match {
    const cd_rule *rule;
    const char *subject;
    size_t subject_len;
    int pairs;                           /* ovector pairs filled */
    size_t ov[2 * CD_RULE_MAX_CAPTURES]; /* SIZE_MAX where a group is unset */
} cd_match;

/* Load every NAME.rules file of dir (sorted by name).  Returns NULL and appends
 * errors (file, line, message with the pattern and a caret) on failure.
 * Free with cd_rules_free. */
cd_rules *cd_rules_load_dir(const char *dir, cd_diag_list *errors);
void cd_rules_free(cd_rules *rs);
/* PCRE2's match and depth limits on every match of rs (the regex-match
 * and regex-depth rows of limits.h: a match that reaches one fails instead
 * of backtracking for ever).  Loading sets the defaults; call this before
 * the set is shared between threads. */
void cd_rules_set_limits(cd_rules *rs, uint32_t match_limit, uint32_t depth_limit);
/* Release the calling thread's match scratch (worker threads call this
 * before they exit; cd_rules_free does it for the calling thread). */
void cd_rules_thread_done(void);
/* A number unique to this loaded rule set (never reused in the process):
 * caches of results computed with it are keyed by it. */
uint64_t cd_rules_id(const cd_rules *rs);
/* The directory chidao uses by default: $CHIDAO_RULES, else the compiled-in
 * path, else ./rules. */
const char *cd_rules_default_dir(void);

/* Lookups.  A missing group or rule is a programming/installation error: these
 * return NULL and callers treat NULL as "no rule". */
const cd_rule_group *cd_rules_group(const cd_rules *rs, const char *group);
const cd_rule *cd_rules_get(const cd_rules *rs, const char *group, const char *name);
size_t cd_group_size(const cd_rule_group *g);
const cd_rule *cd_group_rule(const cd_rule_group *g, size_t i);
const char *cd_rule_name(const cd_rule *r);
/* Is r a [list NAME] block (vocabulary) rather than a pattern rule? */
bool cd_rule_is_list(const cd_rule *r);
/* Does r's pattern have a named capturing group called name? */
bool cd_rule_has_group(const cd_rule *r, const char *name);

/* Search r's pattern in s[start..len).  true and fills m on a match. */
bool cd_rule_search(const cd_rule *r, const char *s, size_t len, size_t start, cd_match *m);
/* The first rule of g, in file order, whose pattern matches s; NULL if none. */
const cd_rule *cd_group_first(const cd_rule_group *g, const char *s, size_t len, cd_match *m);
/* false only when no pattern rule of g can match s (none of the bytes a
 * match could start with is in s); true when one may. */
bool cd_group_may_match(const cd_rule_group *g, const char *s, size_t len);
/* Convenience: does any rule of the group match? */
bool cd_group_matches(const cd_rule_group *g, const char *s, size_t len);

/* The rule's `emit` value for key (or, failing that, the named group key: "" when unset), with $1 / ${name} expanded
 * from m.  NULL when the rule does not emit key.  The special key "match" is the whole match.  The result lives in a.
 */
char *cd_match_emit(const cd_match *m, const char *key, cd_arena *a);
/* Captured group (by name) as a slice; false when the group is unset. */
bool cd_match_group(const cd_match *m, const char *name, const char **s, size_t *n);
/* Captured group by number. */
bool cd_match_group_n(const cd_match *m, int num, const char **s, size_t *n);

/* Apply every `replace` rule of g in file order, each globally.  Returns a
 * new NUL-terminated string in a (or s itself, copied, when nothing
 * changed). */
char *cd_group_replace(const cd_rule_group *g, const char *s, size_t len, size_t *out_len, cd_arena *a);

/* Lists: for a `[list NAME]` block, the value of the item equal (case-
 * insensitively) to text, or the item as written when it has no "=> value";
 * NULL when text is not an item. */
const char *cd_list_lookup(const cd_rule *list, const char *text, size_t n);
size_t cd_list_size(const cd_rule *list);
const char *cd_list_item(const cd_rule *list, size_t i);

/* Run every inline example; print failures to out.  Returns the number of
 * failed examples; *total gets the number run. */
int cd_rules_test(const cd_rules *rs, FILE *out, int *total);

#endif
