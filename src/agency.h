/* agency.h — split a lead/support text into agencies and canonicalise each
 * (abbreviations expanded, officials' titles dropped, level words lower-case,
 * collectives kept whole, "Các Sở: A, B" distributed).  Vocabulary:
 * rules/agency.rules. */
#ifndef CD_AGENCY_H
#define CD_AGENCY_H
#include "model.h"

/* Split text and append the entries to out (in printed order). */
void cd_agency_split(const cd_rules *rules, const char *text, size_t len, cd_agency_list *out,
                     cd_arena *a);

/* A lead cell "X phối hợp với Y" / "X chủ trì phối hợp với Y": true with the
 * lead part [0, *lead_end) and the support part [*support_start, len). */
bool cd_agency_split_lead_support(const cd_rules *rules, const char *text, size_t len,
                                  size_t *lead_end, size_t *support_start);

/* Does the text read as a list of agencies (starts with an agency head such as
 * Sở, Ban, UBND, Công an, Văn phòng, Các sở …)?  Used for table cells. */
bool cd_agency_looks_like(const cd_rules *rules, const char *text, size_t len);

/* Canonical name of one entry (no splitting).  *kind gets its kind, *known
 * whether it is in the gazetteer. */
const char *cd_agency_canonical(const cd_rules *rules, const char *text, size_t len, cd_arena *a,
                                cd_agency_kind *kind, bool *known);

#endif
