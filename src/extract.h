/* extract.h — tasks and indicators from the blocks (CONTRACT "tasks",
 * "indicators"), with agencies split and canonicalised and deadlines
 * normalised. */
#ifndef CD_EXTRACT_H
#define CD_EXTRACT_H
#include "model.h"

int cd_extract(cd_document *doc, const cd_options *opt);

#endif
