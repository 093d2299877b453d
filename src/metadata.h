/* metadata.h — the document block (CONTRACT "document") from the document's
 * own header block, not a portal's metadata table before it; the number and
 * date from an appendix caption when the header block is missing. */
#ifndef CD_METADATA_H
#define CD_METADATA_H
#include "model.h"

int cd_metadata(cd_document *doc, const cd_options *opt);

#endif
