/* validate.h — diagnostics on the extracted records: missing lead or
 * deadline, numbering gaps and duplicates, unknown agencies (CONTRACT
 * "diagnostics"). */
#ifndef CD_VALIDATE_H
#define CD_VALIDATE_H
#include "model.h"

int cd_validate(cd_document *doc, const cd_options *opt);

#endif
