/* decode.c — format and encoding detection, dispatch to the converters. */
#include "decode.h"

#include <openssl/evp.h>
#include <string.h>
#include <strings.h>

#include "convert.h"
#include "layout.h"
#include "limits.h"

bool cd_format_known(const char *name) {
    static const char *const known[] = {CD_FORMAT_TEXT, CD_FORMAT_MARKDOWN, CD_FORMAT_HTML, CD_FORMAT_DOCX,
                                        CD_FORMAT_PDF};
    for (size_t i = 0; name && i < sizeof known / sizeof *known; i++)
        if (!strcmp(name, known[i])) return true;
    return false;
}

/* Does s[0..n) contain needle (case-insensitively for ASCII)? */
static bool contains_nocase(const unsigned char *s, size_t n, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!strncasecmp((const char *)s + i, needle, k)) return true;
    return false;
}

/* How much of the start of a file HTML sniffing looks at. */
#define SNIFF_BYTES 1024

const char *cd_format_detect(const unsigned char *b, size_t n) {
    if (n >= 5 && !memcmp(b, "%PDF-", 5)) return CD_FORMAT_PDF;
    /* a zip (local file header) is taken as DOCX: the converter says so
     * clearly when it is some other zip */
    if (n >= 4 && !memcmp(b, "PK\x03\x04", 4)) return CD_FORMAT_DOCX;
    size_t i = 0;
    if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) i = 3;
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    size_t window = n - i < SNIFF_BYTES ? n - i : SNIFF_BYTES;
    if (window && b[i] == '<' &&
        (contains_nocase(b + i, window, "<!doctype html") || contains_nocase(b + i, window, "<html") ||
         contains_nocase(b + i, window, "<body") || contains_nocase(b + i, window, "<table") ||
         contains_nocase(b + i, window, "<p")))
        return CD_FORMAT_HTML;
    return CD_FORMAT_TEXT;
}

static void sha256_hex(const unsigned char *s, size_t n, char out[65]) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    out[0] = 0;
    if (!EVP_Digest(s, n, md, &md_len, EVP_sha256(), NULL) || md_len != 32) return;
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < md_len; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = 0;
}

int cd_decode(cd_document *doc, const cd_options *opt) {
    const unsigned char *b = doc->bytes ? doc->bytes : (const unsigned char *)"";
    size_t n = doc->bytes ? doc->n_bytes : 0;
    sha256_hex(b, n, doc->sha256);
    if (n > cd_limit(opt, CD_LIMIT_FILE_SIZE)) /* standard input, or bytes a caller handed over */
        return cd_limit_exceeded(doc, opt, 0, CD_LIMIT_FILE_SIZE, "the input is %zu bytes", n);
    const char *from = opt && opt->from ? opt->from : NULL;
    const char *format = from ? from : cd_format_detect(b, n);
    doc->format = format;
    doc->encoding = "UTF-8";
    cd_buf out;
    cd_buf_init(&out, &doc->arena);
    int rc = CD_EXIT_OK;
    if (!strcmp(format, CD_FORMAT_DOCX)) rc = cd_docx_to_text(doc, opt, &out);
    else if (!strcmp(format, CD_FORMAT_HTML)) rc = cd_html_to_text(doc, opt, &out);
    else if (!strcmp(format, CD_FORMAT_PDF)) rc = cd_pdf_to_text(doc, opt, &out);
    else rc = cd_text_to_utf8(doc, opt ? opt->encoding : NULL, &out);
    if (rc != CD_EXIT_OK) return rc;
    if (out.data) {
        doc->text = (const unsigned char *)out.data;
        doc->n_text = out.len;
    }
    /* tables another tool laid out with spaces (pdftotext -layout, pandoc) */
    if (!strcmp(format, CD_FORMAT_TEXT) || !strcmp(format, CD_FORMAT_MARKDOWN)) cd_layout_document(doc);
    return CD_EXIT_OK;
}
