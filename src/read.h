/* read.h — bytes to lines: BOM, CRLF/CR, a last line without a newline,
 * UTF-8 validation (an invalid byte is an error naming its line and offset
 * unless opt->repair, which replaces it with U+FFFD and records an
 * `encoding-repaired` diagnostic).  Also fills source.sha256/encoding/format. */
#ifndef CD_READ_H
#define CD_READ_H
#include "model.h"

/* doc->bytes/n_bytes must be set.  Returns CD_EXIT_OK or CD_EXIT_INPUT (with
 * an error diagnostic).  Lines: src = 1-based line number, text = the line as
 * printed (NUL-terminated, in doc->arena, terminator and BOM removed), indent
 * = leading spaces (a tab counts 4).  opt may be NULL.
 * Diagnostic codes: errors "empty-input" (0 bytes, or only a BOM),
 * "invalid-utf8" (first bad byte: offset, line, column in characters),
 * "binary-input" (a NUL byte), "limit-exceeded" (limits.h: file-size for
 * the text, line-length, lines); warning
 * "encoding-repaired" (one per document, with --repair). */
int cd_read(cd_document *doc, const cd_options *opt);

#endif
