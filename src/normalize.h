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

/* What a line looks like afterwards (opt->rules supplies the "markup" group;
 * without it only the text is normalised and no markup flag is set):
 *  - text: NFC, modern tone marks, single spaces, no leading/trailing space,
 *    no space next to a tab; tabs kept, leading and trailing ones included
 *    (they are empty cells); markup gone; pipes kept.  src and indent are
 *    untouched (indent is the source's).
 *  - CD_LINE_BLANK: text is "" (spaces only, or markup only: a rule line).
 *  - CD_LINE_RULE: a separator ("---", "___", "* * *", "|---|---|"); its text
 *    is "" and it is BLANK too.
 *  - CD_LINE_HEADING: the line began with 1-6 '#' (removed).
 *  - CD_LINE_BOLD: every letter/digit of the line is inside bold (** or __),
 *    the marks possibly opening or closing on another line of the same
 *    paragraph ("**a\nb\nc**": three bold lines).  A mark never closed before
 *    a blank line, or open for more than 12 lines, is stray: no BOLD.
 *    Bullets and punctuation outside the bold do not count ("- **X**" is BOLD).
 *  - CD_LINE_FOOTNOTE + footnote = N: the line began with "<sup>N</sup>" or
 *    "[^N]:" (marker removed).  Footnote references inside running text are
 *    simply removed.
 *  - CD_LINE_PIPE: the line starts or ends with '|'; CD_LINE_TABS: it holds
 *    a tab.  Both may be set with any other flag.
 * Returns CD_EXIT_OK. */
int cd_normalize(cd_document *doc, const cd_options *opt);

/* Normalise one string (NFC + tone placement + spaces, no markup removal),
 * for tests and for other stages.  s need not be NUL-terminated; NULL is "".
 * The result is NUL-terminated, in a; *out_len (if out_len) gets its length. */
char *cd_normalize_text(const char *s, size_t len, size_t *out_len, cd_arena *a);

#endif
