/* validate.h — diagnostics on the finished records: missing lead or
 * deadline, numbering gaps and duplicates, deadlines outside the title's
 * year, unknown agencies, repaired slips in agency names, documents that gave
 * no task (CONTRACT "diagnostics"; the severity policy is in validate.c). */
#ifndef CD_VALIDATE_H
#define CD_VALIDATE_H
#include "model.h"

/* Appends to doc->diags; always returns CD_EXIT_OK (--strict is applied by
 * the caller, which maps error diagnostics to CD_EXIT_STRICT). */
int cd_validate(cd_document *doc, const cd_options *opt);

#endif
