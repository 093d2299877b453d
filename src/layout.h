/* layout.h — tables that other tools laid out with spaces, turned into
 * chidao's text form (decode.h): one line per row, cells separated by tabs.
 *
 * Three layouts are recognised:
 *   - `pdftotext -layout`: columns aligned with spaces (each row's on its
 *     own: the tool pushes a cell right when the text left of it ran long),
 *     a cell wrapped over several lines, vertically centred cells whose
 *     lines interleave with their neighbours', rows separated by blank
 *     lines or, where there is none, by their labels in the first column,
 *     form feeds between pages;
 *   - `pandoc -t plain` simple and multiline tables: a "----- ------" rule
 *     under the header gives the columns;
 *   - `pandoc -t plain` grid tables: "+----+----+" borders, "|" separators.
 * Everything else is copied as it is.
 *
 * The line count is kept: a row is written on the first source line of the
 * row and the lines it consumed become empty, so that line numbers (the
 * `lines` of tasks) still point into the original file. */
#ifndef CD_LAYOUT_H
#define CD_LAYOUT_H
#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "model.h"

/* A cheap scan: could text[0..n) hold such a table?  False for ordinary
 * prose and for text that already is in the text form, so that the rewrite
 * costs nothing for them. */
bool cd_layout_probe(const char *text, size_t n);

/* Appends text[0..n) to out with every table found rewritten in the text
 * form; returns the number of tables rewritten (0: out holds a copy).  out
 * lives in its arena; nothing else is allocated outside it. */
size_t cd_layout_rewrite(const char *text, size_t n, cd_buf *out);

/* The text path's entry (decode.c): when the text of doc (doc->text, or its
 * bytes while that is NULL) holds such a table, doc->text/n_text become the
 * rewritten text (in doc->arena).  Ordinary text costs one probe. */
void cd_layout_document(cd_document *doc);

#endif
