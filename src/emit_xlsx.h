/* emit_xlsx.h — one workbook for reviewers (libxlsxwriter): sheets
 * "Nhiệm vụ" (tasks), "Chỉ tiêu" (indicators), "Cảnh báo" (diagnostics and
 * files that failed) and "Văn bản" (one row per document). */
#ifndef CD_EMIT_XLSX_H
#define CD_EMIT_XLSX_H
#include <stdbool.h>

#include "model.h"

typedef struct cd_xlsx cd_xlsx;

/* Start a workbook to be written at path (the caller renames it into place).
 * constant_memory streams rows to temporary files (in path's directory) so
 * a batch of any size uses bounded memory.  NULL on failure; nothing is
 * written then. */
cd_xlsx *cd_xlsx_open(const char *path, bool constant_memory);
/* Append one document's rows (in call order).  status as for cd_csv_add: a
 * failed document gets a "Văn bản" row saying so and its errors in
 * "Cảnh báo".  Returns CD_EXIT_OK or CD_EXIT_INTERNAL. */
int cd_xlsx_add(cd_xlsx *x, const cd_document *doc, int status);
/* Write the workbook and free x (also on failure).  Returns CD_EXIT_OK, or
 * CD_EXIT_INTERNAL when a cell or the file could not be written: the file
 * at path is then incomplete or absent and must not be renamed into place. */
int cd_xlsx_close(cd_xlsx *x);

#endif
