/* agency.h — split a lead/support text into agencies and canonicalise each
 * (abbreviations expanded, officials' titles dropped, level words lower-case,
 * collectives kept whole, "Các Sở: A, B" distributed).  Vocabulary:
 * rules/agency.rules. */
#ifndef CD_AGENCY_H
#define CD_AGENCY_H
#include "model.h"

/* Split text and append the entries to out (in printed order).  Each entry
 * has raw = the entry as printed (trimmed, final "." / ";" / quotes removed,
 * an official's title kept: "Giám đốc Sở Tài chính"), name = its canonical
 * form (cd_agency_canonical), kind and known.  Roles are kept whole and never
 * split on their commas; known is false for them and true for a recognised
 * collective (kind group), so only agency entries can be unknown.  An entry
 * printed in lower case after a "Các …" entry shares its "Các" ("…; đảng ủy
 * trực thuộc Tỉnh ủy" -> "Các đảng ủy trực thuộc Tỉnh ủy").  The strings
 * live in a. */
void cd_agency_split(const cd_rules *rules, const char *text, size_t len, cd_agency_list *out, cd_arena *a);

/* A lead cell "X phối hợp với Y" / "X chủ trì phối hợp với Y": true with the
 * lead part [0, *lead_end) and the support part [*support_start, len).  Also
 * "X chủ trì, Y phối hợp" (the support part then ends in "phối hợp", which
 * cd_agency_split drops).  False unless X looks like an agency. */
bool cd_agency_split_lead_support(const cd_rules *rules, const char *text, size_t len, size_t *lead_end,
                                  size_t *support_start);

/* Does the text read as a list of agencies (starts with an agency head such as
 * Sở, Ban, UBND, Công an, Văn phòng, Các sở …, a title before one, or a role)?
 * False for task wording and dates ("Các địa phương tập trung triển khai …"),
 * deadlines, numbers and upper-case headings.  Used for table cells and
 * agency headings. */
bool cd_agency_looks_like(const cd_rules *rules, const char *text, size_t len);

/* Canonical name of one entry (no splitting).  *kind gets its kind, *known
 * whether it is in the gazetteer (see cd_agency_split for roles and groups).
 * kind and known may be NULL.  The result lives in a. */
const char *cd_agency_canonical(const cd_rules *rules, const char *text, size_t len, cd_arena *a, cd_agency_kind *kind,
                                bool *known);

#endif
