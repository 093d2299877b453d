/* convert.h — the converters cd_decode dispatches to.  Each reads
 * doc->bytes/n_bytes, appends chidao's text form (decode.h) to out, may add
 * diagnostics to doc->diags, and returns CD_EXIT_OK or CD_EXIT_INPUT (with an
 * error diagnostic naming the file and, where there is one, the position). */
#ifndef CD_CONVERT_H
#define CD_CONVERT_H
#include "arena.h"
#include "model.h"

/* A text file in a legacy or UTF-16 encoding to UTF-8 (encoding.c).
 * encoding: the --encoding override or NULL to detect.  Sets doc->encoding
 * to the encoding found ("UTF-8", "UTF-16LE", "windows-1258", "TCVN3",
 * "VNI", "VISCII" …); appends nothing and returns CD_EXIT_OK when the bytes
 * already are UTF-8 (doc->text stays NULL). */
int cd_text_to_utf8(cd_document *doc, const char *encoding, cd_buf *out);

/* Is name one --encoding accepts (case, '-', '_' and spaces ignored)? */
bool cd_encoding_known(const char *name);

/* Text set in a legacy Vietnamese font (".VnTime" and other ".Vn…" fonts:
 * TCVN3; "VNI-…" fonts: VNI), as DOCX and HTML files still carry it: its
 * characters are the legacy encoding's bytes.  Appends the Unicode text to
 * out and returns true when font is such a font; false (nothing appended)
 * otherwise.  For the DOCX and HTML converters. */
bool cd_font_text_to_utf8(const char *font, const char *s, size_t n, cd_buf *out);

/* A DOCX package (docx.c): libzip + libxml2. */
int cd_docx_to_text(cd_document *doc, const cd_options *opt, cd_buf *out);
/* An HTML page (html.c): libxml2's HTML parser. */
int cd_html_to_text(cd_document *doc, const cd_options *opt, cd_buf *out);
/* A PDF's text layer (pdf.c); also sets doc->line_pages. */
int cd_pdf_to_text(cd_document *doc, const cd_options *opt, cd_buf *out);

#endif
