/* decode.h — the first stage: whatever the file is, UTF-8 text in chidao's
 * text form for the stages after it.
 *
 * The format is detected from the content (magic bytes, not the file name)
 * unless opt->from names it; a text file's encoding is detected from
 * evidence (BOM, UTF-8 validity, each legacy encoding's Vietnamese letters)
 * unless opt->encoding names it.  source.format and source.encoding say what
 * was found; a text that was not UTF-8 gets an `encoding-repaired` warning.
 *
 * The text form (what every converter writes; the text path reads it as it
 * is): UTF-8, '\n' line ends; one line per paragraph with a blank line
 * between paragraphs (without it the structure stage joins a line that does
 * not end a sentence to the one above, as it must for hard-wrapped text); a
 * hard line break inside a paragraph starts a new line; list labels that a word processor generates
 * written out as printed ("1.", "a)", "-"); a paragraph that is bold as a
 * whole wrapped in "**…**"; a table as one line per row with its cells
 * separated by tabs (the paragraphs of a cell joined by a space, a cell
 * merged across columns: its text in its first cell and empty cells for the
 * rest; a cell merged down rows: its text in every row, as the contract
 * gives a shared cell to each row), with a blank
 * line before and after it; footnotes as markdown "[^N]" references and
 * "[^N]: text" lines at the end.  That is the layout the structure stage
 * already reads from text exported by word processors. */
#ifndef CD_DECODE_H
#define CD_DECODE_H
#include "model.h"

/* Formats, as named in source.format and by --from. */
#define CD_FORMAT_TEXT "text"
#define CD_FORMAT_MARKDOWN "markdown"
#define CD_FORMAT_HTML "html"
#define CD_FORMAT_DOCX "docx"
#define CD_FORMAT_PDF "pdf"

/* Is name one of the formats --from accepts? */
bool cd_format_known(const char *name);
/* The format of bytes by their content: "pdf", "docx", "html" or "text". */
const char *cd_format_detect(const unsigned char *bytes, size_t n);

/* Stage entry: fills doc->sha256, doc->format, doc->encoding and, unless the
 * bytes already are UTF-8 text, doc->text/n_text (and doc->line_pages for a
 * PDF).  Returns CD_EXIT_OK or CD_EXIT_INPUT with an error diagnostic. */
int cd_decode(cd_document *doc, const cd_options *opt);

/* Stage after extract: each task's first_page/last_page from doc->line_pages
 * (a PDF's; nothing to do for other input).  Always CD_EXIT_OK. */
int cd_pages(cd_document *doc, const cd_options *opt);

#endif
