/* chidao.h — the library entry points: load a document, run the pipeline,
 * free it.  The CLI (main.c) and the tests use only these and the emitters.
 *
 *   read -> normalize -> structure -> metadata -> extract -> validate
 */
#ifndef CHIDAO_H
#define CHIDAO_H
#include "emit_json.h"
#include "model.h"

#define CHIDAO_VERSION "0.1.0"

/* Initialise doc and load the bytes of path ("-" = standard input) into its
 * arena.  display is the name used in diagnostics and source.path.  Returns
 * CD_EXIT_OK or CD_EXIT_INPUT (with an error diagnostic). */
int cd_document_load(cd_document *doc, const char *path, const char *display);
/* Initialise doc over bytes owned by the caller (kept until cd_document_free). */
void cd_document_init_bytes(cd_document *doc, const unsigned char *bytes, size_t n, const char *display);
/* Run every stage.  Returns CD_EXIT_OK or the first failing stage's code. */
int cd_process(cd_document *doc, const cd_options *opt);
/* Release everything the document holds (one arena). */
void cd_document_free(cd_document *doc);

#endif
