/* memo.h — per-thread caches for pure functions of short texts: the
 * canonical agencies of a lead cell, the form of a printed deadline, "does
 * this cell look like an agency".  Directives repeat the same few hundred
 * agency names and deadline phrasings, within a document and across a batch,
 * so most lookups hit.
 *
 * A cache is keyed by (what, rule set, text) and holds an opaque byte blob
 * that the caller serialises.  It is bounded (CD_MEMO_SLOTS slots per
 * thread, direct-mapped, a colliding entry replaces the old one), lives in
 * thread-local storage (no locks; batch workers each have their own) and is
 * released by cd_memo_thread_done (cd_rules_thread_done calls it). */
#ifndef CD_MEMO_H
#define CD_MEMO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Slots per thread; with the caps below a thread holds at most ~9 MB and in
 * practice well under 1 MB. */
#define CD_MEMO_SLOTS 4096
/* Longer keys are not cached: task wording is rarely repeated and would only
 * evict the short texts that are. */
#define CD_MEMO_MAX_KEY 512
#define CD_MEMO_MAX_VALUE 2048

/* What a blob is the result of (part of the key). */
enum {
    CD_MEMO_AGENCY_SPLIT = 1,
    CD_MEMO_AGENCY_LOOKS,
    CD_MEMO_DEADLINE_FORM,
    CD_MEMO_DEADLINE_LOOKS,
    CD_MEMO_FIELD_LABEL,
    CD_MEMO_LEAD_SUPPORT,
};

/* The blob stored for (what, rules_id, key[0..n)), or NULL.  The pointer is
 * valid until the next cd_memo_put on this thread. */
const void *cd_memo_get(unsigned what, uint64_t rules_id, const char *key, size_t n, size_t *len);
/* Store a copy of blob (silently skipped when key or blob is too long). */
void cd_memo_put(unsigned what, uint64_t rules_id, const char *key, size_t n, const void *blob, size_t len);
void cd_memo_thread_done(void);

#endif
