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
 * CD_EXIT_OK or CD_EXIT_INPUT (with an error diagnostic; "out of memory"
 * when the file does not fit in the memory left). */
int cd_document_load(cd_document *doc, const char *path, const char *display);
/* The same, reading no more than opt's file-size limit (limits.h): a larger
 * regular file is refused unread ("limit exceeded: file-size"). */
int cd_document_load_opt(cd_document *doc, const char *path, const char *display, const cd_options *opt);
/* Initialise doc over bytes owned by the caller (kept until cd_document_free). */
void cd_document_init_bytes(cd_document *doc, const unsigned char *bytes, size_t n, const char *display);
/* Run every stage.  Returns CD_EXIT_OK or the first failing stage's code;
 * an allocation failure in any stage fails this document only: CD_EXIT_INPUT
 * with an "out of memory" error diagnostic, nothing leaked (arena.h).  After
 * a failure only doc->path and doc->diags are to be read. */
int cd_process(cd_document *doc, const cd_options *opt);
/* Release everything the document holds (one arena). */
void cd_document_free(cd_document *doc);

#endif
