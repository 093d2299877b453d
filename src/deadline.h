/* deadline.h — normalise a printed deadline ("Quý II/2026", "Tháng 02",
 * "Thường xuyên", "trước ngày 20/7/2026" …) into kind/start/end per the
 * CONTRACT table.  Vocabulary and forms: rules/deadline.rules. */
#ifndef CD_DEADLINE_H
#define CD_DEADLINE_H
#include "model.h"

/* Parse text (as printed, markup already removed).  doc_year completes forms
 * that print no year (0 = unknown: such forms keep start/end null).
 * Fills *out (raw is copied into a).  Returns true when text is a recognised
 * deadline form; false leaves out->kind = CD_DL_UNKNOWN.  When diags is not
 * NULL, adds `deadline-unparsed` for an unrecognised text and `ocr-repair` for
 * a repaired quarter ("Quý 11/2026" read as II), both naming file:line. */
bool cd_deadline_parse(const cd_rules *rules, const char *text, size_t len, int doc_year, cd_deadline *out, cd_arena *a,
                       cd_diag_list *diags, const char *file, int line);

/* Does the text read as a deadline (any kind but unknown)?  Used to tell a
 * deadline cell from an agency cell in tables without empty cells. */
bool cd_deadline_looks_like(const cd_rules *rules, const char *text, size_t len);

/* Find a deadline clause inside a sentence ("…; hoàn thành trước ngày
 * 21/11/2022.").  Returns true with the byte span of the deadline text
 * ("trước ngày 21/11/2022") in [*start, *end). */
bool cd_deadline_find_in_sentence(const cd_rules *rules, const char *s, size_t len, size_t *start, size_t *end);

const char *cd_deadline_kind_name(cd_deadline_kind k);

#endif
