/* structure.h — recover the document's structure from its normalised lines:
 * paragraphs (lines broken by hard wraps, page breaks and footnotes joined
 * back), numbered items and headings (rules/headings.rules), field bullets
 * (rules/fields.rules), and tables — cells separated by tabs or '|', or one
 * cell per line — with repeated header rows dropped and rows continued on the
 * next page joined.  Fills doc->blocks. */
#ifndef CD_STRUCTURE_H
#define CD_STRUCTURE_H
#include "model.h"

int cd_structure(cd_document *doc, const cd_options *opt);

/* Which field a label or header cell names ("Cơ quan chủ trì" -> LEAD), via
 * rules/fieldkinds.rules; CD_FIELD_NONE if none.  *indicators is set when the
 * label names a target-table column. */
cd_field_kind cd_field_of_label(const cd_rules *rules, const char *label, size_t len, bool *indicators);

/* True when every letter of s is upper case (and it has at least two). */
bool cd_text_all_caps(const char *s, size_t len);

#endif
