/* read.c — bytes to lines.
 *
 * Two passes over the input: the first validates UTF-8 (Unicode Table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF), finds NUL bytes
 * and bounds the number of lines without allocating; the second copies the
 * text once into the arena (repairing invalid sequences when asked) and cuts
 * it into NUL-terminated lines in place.  The first pass is a table-driven
 * automaton that only says yes or no; when it says no (or the line count
 * may exceed its limit) a slower scan finds what is wrong and where. */
#include "read.h"

#include "limits.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
static const char k_replacement[] = "\xEF\xBF\xBD";

/* Length of the well-formed UTF-8 sequence at p (1-4), or 0 when it is
 * ill-formed; then *bad gets the length of its maximal subpart (the bytes
 * that one U+FFFD replaces, as the Unicode Standard recommends): the lead byte
 * plus the continuation bytes that were still acceptable. */
static size_t utf8_seq(const unsigned char *p, size_t avail, size_t *bad) {
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates D800-DFFF */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        *bad = 1; /* stray continuation byte, C0/C1 (overlong) or F5-FF */
        return 0;
    }
    size_t i = 1;
    for (; i < need && i < avail; i++) {
        unsigned char b = p[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) break;
    }
    if (i == need) return need;
    *bad = i;
    return 0;
}

typedef struct scan {
    size_t n_lines, n_invalid;
    /* first invalid sequence / NUL / over-long line (offset SIZE_MAX: none) */
    size_t bad_off, bad_line, bad_col;
    unsigned char bad_byte;
    size_t nul_off, nul_line, nul_col;
    size_t long_line, long_len;
} scan;

/* Pass 1: validate and count, no allocation.  Columns are 1-based code-point
 * counts (what an editor shows), offsets are bytes from the start of the
 * file. */
static void scan_input(const unsigned char *s, size_t n, size_t start, uint64_t max_line, scan *sc) {
    memset(sc, 0, sizeof *sc);
    sc->bad_off = sc->nul_off = SIZE_MAX;
    size_t line = 1, col = 1, line_start = start, i = start;
    bool open = false; /* bytes seen since the last terminator */
    while (i < n) {
        unsigned char c = s[i];
        if (c == '\n' || c == '\r') {
            size_t len = i - line_start;
            if (len > max_line && !sc->long_line) {
                sc->long_line = line;
                sc->long_len = len;
            }
            i += (c == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
            sc->n_lines++;
            line++;
            col = 1;
            line_start = i;
            open = false;
            continue;
        }
        open = true;
        if (c >= 0x20 && c < 0x80) { /* a run of printable ASCII: nothing to check but its length */
            size_t j = i + 1;
            while (j < n && s[j] >= 0x20 && s[j] < 0x80)
                j++;
            col += j - i;
            i = j;
            continue;
        }
        /* the two- and three-byte letters of Vietnamese (à ơ đ, ạ ế ữ), whose
         * bytes need no check beyond being continuation bytes */
        if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            i += 2;
            col++;
            continue;
        }
        if (c >= 0xE1 && c <= 0xEC && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80) {
            i += 3;
            col++;
            continue;
        }
        if (c == 0 && sc->nul_off == SIZE_MAX) {
            sc->nul_off = i;
            sc->nul_line = line;
            sc->nul_col = col;
        }
        size_t bad = 0, len = utf8_seq(s + i, n - i, &bad);
        if (!len) {
            if (sc->bad_off == SIZE_MAX) {
                sc->bad_off = i;
                sc->bad_line = line;
                sc->bad_col = col;
                sc->bad_byte = c;
            }
            sc->n_invalid++;
            len = bad;
        }
        i += len;
        col++;
    }
    if (open) {
        if (n - line_start > max_line && !sc->long_line) {
            sc->long_line = line;
            sc->long_len = n - line_start;
        }
        sc->n_lines++; /* a last line without a newline is a line */
    }
}

/* The fast first pass: a UTF-8 automaton in the "shift" form, where each
 * byte's row packs the next state of every state as a 6-bit shift amount, so
 * one step is a table load (independent of the state) and a shift.  States
 * (as shifts): how many continuation bytes are still due, and for the lead
 * bytes E0, ED, F0, F4 the narrower range their second byte must fall in. */
enum {
    U8_OK = 0,     /* between characters */
    U8_CONT1 = 6,  /* one continuation byte due */
    U8_CONT2 = 12, /* two */
    U8_E0 = 18,    /* after E0: A0-BF, then one */
    U8_ED = 24,    /* after ED: 80-9F, then one */
    U8_CONT3 = 30, /* three */
    U8_F0 = 36,    /* after F0: 90-BF, then two */
    U8_F4 = 42,    /* after F4: 80-8F, then two */
    U8_BAD = 48    /* ill-formed (or a NUL byte): stays so */
};
/* The top bit of a row marks a line terminator (CR, LF): counted in passing. */
#define U8_EOL (1ull << 63)
static uint64_t utf8_rows[256];
static pthread_once_t utf8_rows_once = PTHREAD_ONCE_INIT;

static void utf8_row(unsigned b, unsigned from, unsigned to) {
    utf8_rows[b] = (utf8_rows[b] & ~(63ull << from)) | (uint64_t)to << from;
}

static void build_utf8_rows(void) {
    static const unsigned states[] = {U8_OK, U8_CONT1, U8_CONT2, U8_E0, U8_ED, U8_CONT3, U8_F0, U8_F4, U8_BAD};
    for (unsigned b = 0; b < 256; b++) {
        for (size_t k = 0; k < sizeof states / sizeof *states; k++)
            utf8_row(b, states[k], U8_BAD);
        if (b >= 0x01 && b <= 0x7F) utf8_row(b, U8_OK, U8_OK); /* a NUL is refused: the slow scan says where */
        if (b >= 0x80 && b <= 0xBF) {
            utf8_row(b, U8_CONT1, U8_OK);
            utf8_row(b, U8_CONT2, U8_CONT1);
            utf8_row(b, U8_CONT3, U8_CONT2);
            if (b >= 0xA0) utf8_row(b, U8_E0, U8_CONT1);
            if (b <= 0x9F) utf8_row(b, U8_ED, U8_CONT1);
            if (b >= 0x90) utf8_row(b, U8_F0, U8_CONT2);
            if (b <= 0x8F) utf8_row(b, U8_F4, U8_CONT2);
        }
        if (b >= 0xC2 && b <= 0xDF) utf8_row(b, U8_OK, U8_CONT1);
        if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) utf8_row(b, U8_OK, U8_CONT2);
        if (b == 0xE0) utf8_row(b, U8_OK, U8_E0);
        if (b == 0xED) utf8_row(b, U8_OK, U8_ED);
        if (b >= 0xF1 && b <= 0xF3) utf8_row(b, U8_OK, U8_CONT3);
        if (b == 0xF0) utf8_row(b, U8_OK, U8_F0);
        if (b == 0xF4) utf8_row(b, U8_OK, U8_F4);
        if (b == '\n' || b == '\r') utf8_rows[b] |= U8_EOL;
    }
}

/* Is s[start..n) well-formed UTF-8 without NUL bytes?  *eols gets the number
 * of CR and LF bytes: one more is a bound on the number of lines.  Two
 * automata run side by side, on the halves of the text, to keep the
 * processor busy (each step waits for the last): the second half begins at a
 * byte that is not a continuation byte, so each half is checked on its own. */
static bool fast_scan(const unsigned char *s, size_t n, size_t start, size_t *eols) {
    pthread_once(&utf8_rows_once, build_utf8_rows);
    size_t mid = start + (n - start) / 2;
    while (mid < n && (s[mid] & 0xC0) == 0x80)
        mid++;
    uint64_t a = U8_OK, b = U8_OK;
    size_t count = 0, i = start, j = mid;
    for (; i < mid && j < n; i++, j++) {
        uint64_t ra = utf8_rows[s[i]], rb = utf8_rows[s[j]];
        a = ra >> (a & 63);
        b = rb >> (b & 63);
        count += (ra >> 63) + (rb >> 63);
    }
    for (; i < mid; i++) {
        uint64_t ra = utf8_rows[s[i]];
        a = ra >> (a & 63);
        count += ra >> 63;
    }
    for (; j < n; j++) {
        uint64_t rb = utf8_rows[s[j]];
        b = rb >> (b & 63);
        count += rb >> 63;
    }
    *eols = count;
    return (a & 63) == U8_OK && (b & 63) == U8_OK;
}

/* Copy s[start..n) into dst, each invalid sequence replaced by U+FFFD.
 * Returns the bytes written. */
static size_t copy_repaired(const unsigned char *s, size_t n, size_t start, char *dst) {
    size_t o = 0, i = start;
    while (i < n) {
        /* copy the run of ASCII in one go: by far the common case */
        size_t run = i;
        while (run < n && s[run] < 0x80)
            run++;
        memcpy(dst + o, s + i, run - i);
        o += run - i;
        i = run;
        if (i >= n) break;
        size_t bad = 0, len = utf8_seq(s + i, n - i, &bad);
        if (len) {
            memcpy(dst + o, s + i, len);
            o += len;
            i += len;
        } else {
            memcpy(dst + o, k_replacement, 3);
            o += 3;
            i += bad;
        }
    }
    return o;
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

/* Columns taken by a leading list bullet and the spaces after it ("-   ",
 * "• "), 0 when the line does not start with one.  Where a list item's
 * wrapped lines start (pandoc and Markdown indent them to its text). */
static int bullet_width(const char *p) {
    int w;
    if (*p == '-' || *p == '+' || *p == '*')
        p += 1;
    else if (!strncmp(p, "\u2022", 3) || !strncmp(p, "\u2013", 3))
        p += 3;
    else
        return 0;
    if (*p != ' ' && *p != '\t') return 0;
    for (w = 1; *p == ' ' || *p == '\t'; p++)
        w += *p == '\t' ? 4 : 1;
    return w;
}

/* The diagnostic for what the slow scan found wrong, or CD_EXIT_OK when the
 * text can be read (invalid sequences are repaired under --repair). */
static int refuse(cd_document *doc, const cd_options *opt, const scan *sc, bool repair) {
    if (sc->nul_off != SIZE_MAX) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "binary-input", doc->path, (int)sc->nul_line,
                    "NUL byte at offset %zu (line %zu, column %zu): binary input, not text", sc->nul_off, sc->nul_line,
                    sc->nul_col);
        return CD_EXIT_INPUT;
    }
    if (sc->long_line)
        return cd_limit_exceeded(doc, opt, (int)sc->long_line, CD_LIMIT_LINE_LENGTH, "line %zu is %zu bytes long",
                                 sc->long_line, sc->long_len);
    if (sc->n_lines > cd_limit(opt, CD_LIMIT_LINES))
        return cd_limit_exceeded(doc, opt, 0, CD_LIMIT_LINES, "the text has %zu lines", sc->n_lines);
    if (sc->n_invalid && !repair) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "invalid-utf8", doc->path, (int)sc->bad_line,
                    "invalid UTF-8 byte 0x%02X at offset %zu (line %zu, column %zu)%s", sc->bad_byte, sc->bad_off,
                    sc->bad_line, sc->bad_col,
                    sc->n_invalid > 1 ? cd_arena_printf(&doc->arena, "; %zu invalid sequences in all", sc->n_invalid)
                                      : "");
        return CD_EXIT_INPUT;
    }
    return CD_EXIT_OK;
}

int cd_read(cd_document *doc, const cd_options *opt) {
    if (!doc->diags.arena) cd_diags_init(&doc->diags, &doc->arena);
    if (!doc->encoding) doc->encoding = "UTF-8";
    if (!doc->format) doc->format = "text";
    doc->lines = NULL;
    doc->n_lines = 0;
    /* the decoded text when decode converted the file, else its bytes */
    const unsigned char *s = doc->text ? doc->text : doc->bytes;
    size_t n = doc->text ? doc->n_text : s ? doc->n_bytes : 0;
    bool repair = opt && opt->repair;
    if (n > cd_limit(opt, CD_LIMIT_FILE_SIZE))
        return cd_limit_exceeded(doc, opt, 0, CD_LIMIT_FILE_SIZE, "the %s is %zu bytes",
                                 doc->text ? "text decoded from the file" : "input", n);
    if (!doc->sha256[0]) sha256_hex(s ? s : (const unsigned char *)"", n, doc->sha256); /* no decode stage ran */
    size_t start = (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) ? 3 : 0;
    if (n == start) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "empty-input", doc->path, 0, "empty input");
        return CD_EXIT_INPUT;
    }

    /* Pass 1: fast when the text is well-formed and its line count plainly
     * within the limit; otherwise the slow scan says what is wrong. */
    scan sc = {.bad_off = SIZE_MAX, .nul_off = SIZE_MAX};
    size_t eols = 0;
    bool fast = fast_scan(s, n, start, &eols) && eols < cd_limit(opt, CD_LIMIT_LINES);
    if (!fast) {
        scan_input(s, n, start, cd_limit(opt, CD_LIMIT_LINE_LENGTH), &sc);
        int rc = refuse(doc, opt, &sc, repair);
        if (rc != CD_EXIT_OK) return rc;
    } else {
        sc.n_lines = eols + 1; /* a bound: CRLF counts twice, and the last line may be empty */
    }

    /* Pass 2: one copy of the text; terminators become NULs in place.  A
     * U+FFFD is 3 bytes and replaces at least 1, hence the extra room. */
    size_t body = n - start;
    char *text = cd_arena_alloc(&doc->arena, body + 2 * sc.n_invalid + 1);
    size_t len = body;
    if (sc.n_invalid)
        len = copy_repaired(s, n, start, text);
    else
        memcpy(text, s + start, body);
    text[len] = 0;
    if (sc.n_invalid)
        cd_diag_add(&doc->diags, CD_SEV_WARNING, "encoding-repaired", doc->path, (int)sc.bad_line,
                    "replaced %zu invalid UTF-8 sequence%s with U+FFFD (the first, byte 0x%02X, at offset "
                    "%zu, line %zu, column %zu)",
                    sc.n_invalid, sc.n_invalid > 1 ? "s" : "", sc.bad_byte, sc.bad_off, sc.bad_line, sc.bad_col);

    cd_line *lines = cd_arena_alloc(&doc->arena, sizeof *lines * sc.n_lines);
    size_t k = 0, i = 0, max_line = cd_limit(opt, CD_LIMIT_LINE_LENGTH);
    while (i < len && k < sc.n_lines) {
        size_t e = i + strcspn(text + i, "\r\n"); /* text has no NUL (refused above) and ends in one */
        /* the slow scan has checked line lengths already; the fast one has not */
        if (fast && e - i > max_line)
            return cd_limit_exceeded(doc, opt, (int)(k + 1), CD_LIMIT_LINE_LENGTH, "line %zu is %zu bytes long", k + 1,
                                     e - i);
        cd_line *ln = &lines[k];
        ln->text = text + i;
        ln->len = e - i;
        ln->src = (int)(k + 1);
        int indent = 0;
        size_t j = i;
        for (; j < e && (text[j] == ' ' || text[j] == '\t'); j++)
            indent += text[j] == '\t' ? 4 : 1;
        ln->indent = indent;
        ln->hang = indent + bullet_width(text + j); /* reads up to the line's end: a newline or the final NUL */
        k++;
        if (e < len) {
            bool crlf = text[e] == '\r' && e + 1 < len && text[e + 1] == '\n';
            text[e] = 0;
            i = e + (crlf ? 2 : 1);
        } else {
            i = e;
        }
    }
    doc->lines = lines;
    doc->n_lines = k;
    return CD_EXIT_OK;
}
