/* emit_json.h — the CONTRACT.md record as JSON (jansson; jansson does the
 * escaping).  Absent values are null or [], never omitted. */
#ifndef CD_EMIT_JSON_H
#define CD_EMIT_JSON_H
#include <stdio.h>

#include "model.h"

/* Write doc to out.  Returns CD_EXIT_OK, or CD_EXIT_INTERNAL on a write error. */
int cd_emit_json(const cd_document *doc, FILE *out);
/* The same record on one line (NDJSON: one document per line). */
int cd_emit_ndjson(const cd_document *doc, FILE *out);

#endif
