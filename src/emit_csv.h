/* emit_csv.h — CSV tables for bulk loading (RFC 4180, UTF-8, header row):
 * documents, tasks, indicators and diagnostics, joined by the column
 * `document` (the source path, as in the JSON's source.path).
 * schemas/postgres.sql creates matching tables. */
#ifndef CD_EMIT_CSV_H
#define CD_EMIT_CSV_H
#include <stdbool.h>
#include <stdio.h>

#include "model.h"

typedef struct cd_csv cd_csv;

/* Start a set of tables; any stream may be NULL (that table is not written).
 * Writes each header row.  The streams stay the caller's to close.  Returns
 * NULL when out of memory. */
cd_csv *cd_csv_open(FILE *documents, FILE *tasks, FILE *indicators, FILE *diagnostics);
/* By default a text cell that starts with = + - @ (or a tab or CR) is
 * written with a leading apostrophe, so that a spreadsheet shows it as text
 * instead of running it as a formula (OWASP's recipe against CSV
 * injection); keep = true writes such cells as they are (--csv-formulas
 * keep: loading a database, where the apostrophe would be data). */
void cd_csv_keep_formulas(cd_csv *c, bool keep);
/* Append one document's rows.  status is the pipeline's result: a document
 * that failed (status != CD_EXIT_OK) gets a documents row saying so and its
 * error diagnostics, and no tasks.  Returns CD_EXIT_OK or CD_EXIT_INTERNAL
 * on a write error. */
int cd_csv_add(cd_csv *c, const cd_document *doc, int status);
/* Flush and free c (not the streams).  Returns CD_EXIT_OK or CD_EXIT_INTERNAL
 * if any write failed. */
int cd_csv_close(cd_csv *c);

#endif
