/* normalize.h — clean every line in place with ICU: NFC; modern tone-mark
 * placement (syllable-aware: "hoà" -> "hòa", "uỷ" -> "ủy", "hoàn" and "quý"
 * stay); NBSP, zero-width and odd spaces; runs of spaces collapsed (tabs are
 * kept: they separate table cells); markup removed by rules/markup.rules
 * (**, *, <p>, <i>, <sup>n</sup> footnote markers, # headings, $\geq$ ...),
 * setting CD_LINE_* flags.  Line numbers (the map back to the source) are
 * kept. */
#ifndef CD_NORMALIZE_H
#define CD_NORMALIZE_H
#include "model.h"

int cd_normalize(cd_document *doc, const cd_options *opt);

/* Normalise one string (NFC + tone placement + spaces), for tests and for
 * other stages.  Result in a. */
char *cd_normalize_text(const char *s, size_t len, size_t *out_len, cd_arena *a);

#endif
