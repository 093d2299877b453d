/* emit_xml.h — the CONTRACT.md record as XML (libxml2 xmlTextWriter; libxml2
 * does the escaping).  Same fields as JSON in the same order, element names
 * in kebab-case; a null is an empty element with xsi:nil="true", a list a
 * container element with one child per entry.  schemas/chidao.xsd describes
 * it, tests/schemas.sh keeps it in step with the JSON. */
#ifndef CD_EMIT_XML_H
#define CD_EMIT_XML_H
#include <stdio.h>

#include "model.h"

/* Write doc to out as one UTF-8, indented XML document; characters XML 1.0
 * cannot carry (C0 controls other than tab/newline/CR, U+FFFE, U+FFFF) are
 * dropped, so the output is always well-formed.  Safe to call from several
 * threads at once (on different documents and streams).  Returns CD_EXIT_OK,
 * or CD_EXIT_INTERNAL on a write error; out is flushed of libxml2's buffer
 * but not closed. */
int cd_emit_xml(const cd_document *doc, FILE *out);

#endif
