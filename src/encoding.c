/* encoding.c — a text file in any encoding Vietnamese offices use, to UTF-8.
 *
 * Detection goes by evidence, cheapest first:
 *   1. a byte-order mark (UTF-16LE/BE; a UTF-8 one is left to the read stage),
 *      or the zero bytes of BOM-less UTF-16;
 *   2. UTF-8 validity — the hot path: an ordinary file is settled after its
 *      first few dozen multi-byte characters, and a file that is UTF-8 but for
 *      a few bad bytes stays UTF-8, so that the read stage reports them
 *      precisely (or repairs them under --repair);
 *   3. otherwise every legacy candidate decodes a sample, and the one whose
 *      words are most often Vietnamese syllables (rules/encodings/
 *      syllables.map) wins — if it wins clearly; if not, nothing is guessed
 *      and the read stage reports the first invalid byte.
 * --encoding skips detection.
 *
 * Converters: ICU for windows-1258, glibc's iconv for VISCII and for
 * TCVN5712-1 (VN1, the superset of TCVN3 that glibc has), the tables of
 * rules/encodings/ for TCVN3 as .VnTime text has it (VN3 with Windows
 * punctuation in 80-9F, where VN1 puts capitals) and for VNI.  The tables are
 * compiled in (encoding_tables.h, generated from them): the converters get no
 * rule directory, and cd_font_text_to_utf8 is called per text run by the DOCX
 * and HTML converters.  UTF-16 is decoded here, to name the byte offset of a
 * fault exactly. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include "convert.h"
#include "encoding_tables.h"
#include "read.h"

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
static const char k_replacement[] = "\xEF\xBF\xBD";

static void add_cp(cd_buf *out, UChar32 c) {
    char u[U8_MAX_LENGTH];
    int32_t k = 0;
    U8_APPEND_UNSAFE(u, k, c);
    cd_buf_add(out, u, (size_t)k);
}

/* ------------------------------------------------------------------ legacy decoders */

typedef struct candidate candidate;
/* Decode b[0..n) into out; *unmapped counts the bytes that became U+FFFD.
 * false when this system lacks the converter. */
typedef bool (*decode_fn)(const candidate *c, const unsigned char *b, size_t n, cd_buf *out, size_t *unmapped);

struct candidate {
    const char *name;   /* source.encoding */
    const char *source; /* where its table comes from, for messages */
    decode_fn decode;
    const cd_byte_table *table; /* decode_table */
    const char *charset;        /* decode_icu / decode_iconv */
};

/* Latin-1 letter case, for mark bytes typed in the other case. */
static unsigned char fold_byte(unsigned char b) {
    if ((b >= 'A' && b <= 'Z') || (b >= 0xC0 && b <= 0xDE && b != 0xD7)) return (unsigned char)(b + 0x20);
    return b;
}

static int cmp_pair(const void *key, const void *elem) {
    uint16_t k = *(const uint16_t *)key, e = ((const cd_byte_pair *)elem)->bytes;
    return (k > e) - (k < e);
}

/* The code point of the pair (first, second), 0 when it is not one.  A
 * pair typed with a mark of the other case ("A" + "ù") is read with the case
 * of its base letter. */
static UChar32 pair_cp(const cd_byte_table *t, unsigned char first, unsigned char second) {
    uint16_t key = (uint16_t)(first << 8 | second);
    const cd_byte_pair *p = bsearch(&key, t->pairs, t->n_pairs, sizeof *t->pairs, cmp_pair);
    if (p) return p->cp;
    unsigned char lower = fold_byte(first);
    key = (uint16_t)(lower << 8 | fold_byte(second));
    p = bsearch(&key, t->pairs, t->n_pairs, sizeof *t->pairs, cmp_pair);
    if (!p) return 0;
    return lower != first ? u_toupper(p->cp) : p->cp;
}

/* A table code (rules/encodings/NAME.map); upper: a capitals-only font. */
static size_t table_to_utf8(const cd_byte_table *t, const unsigned char *b, size_t n, bool upper, cd_buf *out) {
    size_t unmapped = 0;
    for (size_t i = 0; i < n;) {
        if (t->n_pairs && i + 1 < n && b[i + 1] >= 0x80) {
            UChar32 cp = pair_cp(t, b[i], b[i + 1]);
            if (cp) {
                add_cp(out, upper ? u_toupper(cp) : cp);
                i += 2;
                continue;
            }
        }
        UChar32 cp = t->bytes[b[i++]];
        unmapped += cp == 0xFFFD;
        if (cp < 0x80)
            cd_buf_addc(out, (char)(upper && cp >= 'a' && cp <= 'z' ? cp - 0x20 : cp));
        else
            add_cp(out, upper ? u_toupper(cp) : cp);
    }
    return unmapped;
}

static bool decode_table(const candidate *c, const unsigned char *b, size_t n, cd_buf *out, size_t *unmapped) {
    *unmapped = table_to_utf8(c->table, b, n, false, out);
    return true;
}

/* Chunk sizes for the streaming converters. */
#define CONVERT_CHUNK 4096

/* The converters are held across arena allocations (cd_buf_add): released by
 * the arena if the document runs out of memory (arena.h). */
static void close_ucnv(void *cv) { ucnv_close(cv); }
static void close_iconv(void *cd) { iconv_close((iconv_t)cd); }

static bool decode_icu(const candidate *c, const unsigned char *b, size_t n, cd_buf *out, size_t *unmapped) {
    UErrorCode err = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(c->charset, &err);
    if (U_FAILURE(err)) return false;
    cd_arena_cleanup *held = cd_arena_defer(out->arena, close_ucnv, cv);
    const char *src = (const char *)b, *end = src + n;
    UChar u[CONVERT_CHUNK];
    char u8[3 * CONVERT_CHUNK];
    do {
        UChar *t = u;
        err = U_ZERO_ERROR;
        ucnv_toUnicode(cv, &t, u + CONVERT_CHUNK, &src, end, NULL, true, &err);
        UErrorCode err8 = U_ZERO_ERROR;
        int32_t len = 0;
        u_strToUTF8(u8, (int32_t)sizeof u8, &len, u, (int32_t)(t - u), &err8);
        if (U_FAILURE(err8)) break;
        cd_buf_add(out, u8, (size_t)len);
    } while (err == U_BUFFER_OVERFLOW_ERROR);
    ucnv_close(cv);
    cd_arena_undefer(held);
    *unmapped = 0; /* ICU's windows-1258 reads every byte (its holes as C1 controls) */
    return U_SUCCESS(err);
}

static bool decode_iconv(const candidate *c, const unsigned char *b, size_t n, cd_buf *out, size_t *unmapped) {
    iconv_t cd = iconv_open("UTF-8", c->charset);
    if (cd == (iconv_t)-1) return false;
    cd_arena_cleanup *held = cd_arena_defer(out->arena, close_iconv, cd);
    char chunk[CONVERT_CHUNK];
    char *in = (char *)b;
    size_t left = n;
    *unmapped = 0;
    while (left) {
        char *o = chunk;
        size_t room = sizeof chunk;
        size_t r = iconv(cd, &in, &left, &o, &room);
        cd_buf_add(out, chunk, (size_t)(o - chunk));
        if (r == (size_t)-1 && errno != E2BIG) { /* a byte with no character, or a sequence cut short */
            cd_buf_add(out, k_replacement, 3);
            in++;
            left--;
            ++*unmapped;
        }
    }
    char *o = chunk; /* glibc's TCVN decoder holds back a letter that a tone mark may follow */
    size_t room = sizeof chunk;
    iconv(cd, NULL, NULL, &o, &room);
    cd_buf_add(out, chunk, (size_t)(o - chunk));
    iconv_close(cd);
    cd_arena_undefer(held);
    return true;
}

/* In the order that breaks a tie. */
static const candidate k_candidates[] = {
    {"windows-1258", "ICU windows-1258", decode_icu, NULL, "windows-1258"},
    {"TCVN3", "rules/encodings/tcvn3.map", decode_table, &cd_table_tcvn3, NULL},
    {"TCVN3", "glibc TCVN5712-1", decode_iconv, NULL, "TCVN5712-1"},
    {"VNI", "rules/encodings/vni.map", decode_table, &cd_table_vni, NULL},
    {"VISCII", "glibc VISCII", decode_iconv, NULL, "VISCII"},
};
#define N_CANDIDATES (sizeof k_candidates / sizeof *k_candidates)

/* ------------------------------------------------------------------ Vietnamese syllables */

static int cmp_str(const void *key, const void *elem) { return strcmp(key, *(const char *const *)elem); }

static bool is_rhyme(const char *s) {
    return bsearch(s, cd_vn_rhymes, sizeof cd_vn_rhymes / sizeof *cd_vn_rhymes, sizeof *cd_vn_rhymes, cmp_str);
}

static bool ends_in_stop(const char *rhyme) {
    size_t n = strlen(rhyme);
    for (size_t i = 0; i < sizeof cd_vn_stop_codas / sizeof *cd_vn_stop_codas; i++) {
        size_t k = strlen(cd_vn_stop_codas[i]);
        if (k <= n && !strcmp(rhyme + n - k, cd_vn_stop_codas[i])) return true;
    }
    return false;
}

/* Is base (lower case, no tone mark) an onset and a rhyme that may carry
 * tone (0 = none, else the combining tone mark)? */
static bool is_syllable_base(const char *base, UChar32 tone) {
    for (size_t i = 0; i <= sizeof cd_vn_onsets / sizeof *cd_vn_onsets; i++) { /* i == 0: no onset */
        const char *onset = i ? cd_vn_onsets[i - 1] : "";
        size_t k = strlen(onset);
        if (strncmp(base, onset, k) || !is_rhyme(base + k)) continue;
        if (ends_in_stop(base + k) && tone != 0x0301 && tone != 0x0323) continue;
        return true;
    }
    return false;
}

static bool is_tone_mark(UChar32 c) { return c == 0x0300 || c == 0x0301 || c == 0x0303 || c == 0x0309 || c == 0x0323; }

/* The longest word is_syllable looks at ("nghiêng" is 7 letters). */
#define SYLLABLE_MAX 12

/* Is the word w[0..n) (letters and combining marks, composed or not) a
 * Vietnamese syllable?  Each letter is split into its base letter (ă â ê ô ơ ư
 * đ count as base letters) and its tone mark, at most one per word. */
static bool is_syllable(const UChar32 *w, size_t n) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
    if (U_FAILURE(err) || n > SYLLABLE_MAX) return false;
    UChar32 letters[SYLLABLE_MAX];
    size_t k = 0;
    UChar32 tone = 0;
    for (size_t i = 0; i < n; i++) {
        UChar parts[8];
        int32_t np = unorm2_getDecomposition(nfd, u_tolower(w[i]), parts, 8, &err);
        if (U_FAILURE(err)) return false;
        if (np < 0) { /* no decomposition: the character itself */
            if (w[i] > 0xFFFF) return false;
            parts[0] = (UChar)u_tolower(w[i]);
            np = 1;
        }
        for (int32_t j = 0; j < np; j++) {
            UChar32 c = parts[j];
            if (is_tone_mark(c)) {
                if (tone) return false;
                tone = c;
            } else if (U_GET_GC_MASK(c) & U_GC_M_MASK) { /* circumflex, breve, horn: part of the base letter */
                UChar32 composed = k ? unorm2_composePair(nfc, letters[k - 1], c) : -1;
                if (composed < 0) return false;
                letters[k - 1] = composed;
            } else {
                letters[k++] = c;
            }
        }
    }
    char base[SYLLABLE_MAX * U8_MAX_LENGTH + 1];
    int32_t len = 0;
    for (size_t i = 0; i < k; i++)
        U8_APPEND_UNSAFE(base, len, letters[i]);
    base[len] = 0;
    return is_syllable_base(base, tone);
}

/* How Vietnamese a decoded text reads. */
typedef struct tally {
    size_t words;     /* words with a character beyond ASCII */
    size_t syllables; /* of those, Vietnamese syllables */
    size_t stray;     /* characters beyond ASCII that are neither letters nor marks nor common punctuation */
} tally;

/* The share of evidence for the encoding: stray characters count against. */
static double tally_share(const tally *t) {
    size_t all = t->words + t->stray;
    return all ? (double)t->syllables / (double)all : 0.0;
}

/* Punctuation a correctly decoded text may well have: quotes, dashes,
 * bullets and the ellipsis of the General Punctuation block, no-break space. */
static bool is_common_punctuation(UChar32 c) { return (c >= 0x2000 && c <= 0x206F) || c == 0xA0; }

/* A word being read: its letters (one more than a syllable can have, to
 * tell a longer word) and whether any is beyond ASCII. */
typedef struct word {
    UChar32 letters[SYLLABLE_MAX + 1];
    size_t len;
    bool beyond_ascii;
} word;

static void end_word(word *w, tally *t) {
    if (w->len && w->beyond_ascii) {
        t->words++;
        t->syllables += is_syllable(w->letters, w->len);
    }
    w->len = 0;
    w->beyond_ascii = false;
}

static void tally_text(const char *s, size_t n, tally *t) {
    memset(t, 0, sizeof *t);
    word w = {.len = 0};
    for (int32_t i = 0, end = (int32_t)n; i < end;) {
        UChar32 c;
        U8_NEXT(s, i, end, c);
        if (c > 0 && (u_isalpha(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK))) {
            if (w.len < SYLLABLE_MAX + 1) w.letters[w.len++] = c;
            w.beyond_ascii |= c >= 0x80;
            continue;
        }
        if (c >= 0x80 && !is_common_punctuation(c)) t->stray++;
        end_word(&w, t);
    }
    end_word(&w, t);
}

/* ------------------------------------------------------------------ detection */

/* Evidence that settles UTF-8 early: this many well-formed multi-byte
 * characters, with at most one ill-formed sequence per UTF8_BAD_RATIO good
 * ones (a stray Windows quote in a UTF-8 file).  Legacy Vietnamese text is
 * ill-formed within its first few letters. */
#define UTF8_ENOUGH 64
#define UTF8_BAD_RATIO 8

/* Is b[0..n) UTF-8 by the evidence?  Stops as soon as it is settled: the
 * read stage validates the whole text again anyway. */
static bool looks_utf8(const unsigned char *b, size_t n) {
    size_t good = 0, bad = 0;
    int32_t i = 0, end = n > INT32_MAX ? INT32_MAX : (int32_t)n;
    while (i < end) {
        if (b[i] < 0x80) { /* skip ASCII eight bytes at a time */
            for (uint64_t w; i + 8 <= end; i += 8) {
                memcpy(&w, b + i, 8);
                if (w & 0x8080808080808080ull) break;
            }
            while (i < end && b[i] < 0x80)
                i++;
            continue;
        }
        UChar32 c;
        int32_t start = i;
        U8_NEXT(b, i, end, c);
        if (c < 0) {
            bad++;
            i = start + 1;
        } else if (++good >= UTF8_ENOUGH && bad * UTF8_BAD_RATIO <= good) {
            return true;
        }
    }
    return bad * UTF8_BAD_RATIO <= good;
}

/* How much of a file the candidates decode to be judged: enough for hundreds
 * of words, however long the file. */
#define SCORE_SAMPLE_BYTES 32768
/* A legacy encoding is taken when its share of syllables is at least this,
 * and at least SCORE_MARGIN above that of any other encoding (a short text
 * that reads as Vietnamese in two encodings is not guessed at). */
#define SCORE_CONVINCING 0.6
#define SCORE_MARGIN 0.1

/* The sample: the first SCORE_SAMPLE_BYTES, cut after a line end so that no
 * two-byte letter is split. */
static size_t sample_length(const unsigned char *b, size_t n) {
    if (n <= SCORE_SAMPLE_BYTES) return n;
    for (size_t k = SCORE_SAMPLE_BYTES; k > SCORE_SAMPLE_BYTES / 2; k--)
        if (b[k - 1] == '\n') return k;
    return SCORE_SAMPLE_BYTES;
}

typedef struct judged {
    const candidate *c; /* NULL: none */
    tally t;
    double share;
} judged;

/* Score the candidates named name (all when NULL) on the sample; best gets
 * the winner, runner_up the best one of another encoding. */
static void judge(const unsigned char *b, size_t n, const char *name, judged *best, judged *runner_up) {
    memset(best, 0, sizeof *best);
    memset(runner_up, 0, sizeof *runner_up);
    best->share = runner_up->share = -1;
    size_t len = sample_length(b, n);
    cd_arena scratch;
    cd_arena_init(&scratch);
    judged all[N_CANDIDATES];
    size_t n_judged = 0;
    for (size_t i = 0; i < N_CANDIDATES; i++) {
        const candidate *c = &k_candidates[i];
        if (name && strcmp(name, c->name)) continue;
        cd_buf text;
        cd_buf_init(&text, &scratch);
        size_t unmapped;
        if (!c->decode(c, b, len, &text, &unmapped)) continue;
        judged *j = &all[n_judged++];
        j->c = c;
        tally_text(text.data ? text.data : "", text.len, &j->t);
        j->share = tally_share(&j->t);
        if (j->share > best->share) *best = *j;
    }
    for (size_t i = 0; i < n_judged; i++)
        if (best->c && strcmp(all[i].c->name, best->c->name) && all[i].share > runner_up->share) *runner_up = all[i];
    cd_arena_free(&scratch);
}

/* Decode the whole file with c into out and say so in an
 * `encoding-repaired` warning; how: why c was chosen. */
static int convert_legacy(cd_document *doc, const candidate *c, const char *how, cd_buf *out) {
    size_t unmapped = 0;
    if (!c->decode(c, doc->bytes, doc->n_bytes, out, &unmapped)) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "unknown-encoding", doc->path, 0,
                    "cannot decode %s: this system has no %s converter", c->name, c->source);
        return CD_EXIT_INPUT;
    }
    doc->encoding = c->name;
    cd_diag_add(&doc->diags, CD_SEV_WARNING, "encoding-repaired", doc->path, 0,
                "decoded as %s with %s (%s) and converted to UTF-8%s", c->name, c->source, how,
                unmapped ? cd_arena_printf(&doc->arena, "; %zu byte%s with no character in %s became U+FFFD", unmapped,
                                           unmapped > 1 ? "s" : "", c->name)
                         : "");
    return CD_EXIT_OK;
}

static int percent(double share) { return (int)(share * 100 + 0.5); }

/* Step 3 of the detection: the best legacy candidate, if it convinces;
 * otherwise the bytes stay as they are for the read stage to report. */
static int detect_legacy(cd_document *doc, cd_buf *out) {
    judged best, runner_up;
    judge(doc->bytes, doc->n_bytes, NULL, &best, &runner_up);
    if (!best.c || best.share < SCORE_CONVINCING || best.share - runner_up.share < SCORE_MARGIN) return CD_EXIT_OK;
    const char *how = cd_arena_printf(
        &doc->arena, "detected: %d%% of %zu sampled words with Vietnamese letters read as Vietnamese syllables%s",
        percent(best.share), best.t.words,
        runner_up.c ? cd_arena_printf(&doc->arena, "; next best %s, %d%%", runner_up.c->name, percent(runner_up.share))
                    : "");
    return convert_legacy(doc, best.c, how, out);
}

/* ------------------------------------------------------------------ UTF-16 */

/* The 16-bit unit at p. */
static UChar32 utf16_unit(const unsigned char *p, bool big_endian) {
    return big_endian ? (p[0] << 8 | p[1]) : (p[1] << 8 | p[0]);
}

/* The first fault of a UTF-16 text: what it is, its byte offset and line. */
typedef struct utf16_fault {
    const char *what; /* NULL: none */
    UChar32 unit;     /* the offending unit; -1 for a lone last byte */
    size_t offset, line;
} utf16_fault;

/* Is b[start..n) well-formed UTF-16?  A separate pass, so that nothing is
 * written for a text that turns out not to be UTF-16. */
static bool utf16_check(const unsigned char *b, size_t n, size_t start, bool big_endian, utf16_fault *f) {
    memset(f, 0, sizeof *f);
    f->line = 1;
    size_t i = start;
    for (; i + 1 < n; i += 2) {
        UChar32 u = utf16_unit(b + i, big_endian);
        if (U16_IS_LEAD(u)) {
            if (i + 3 >= n) {
                f->what = "the file ends after the first half of a surrogate pair";
            } else if (!U16_IS_TRAIL(utf16_unit(b + i + 2, big_endian))) {
                f->what = "lone high surrogate";
            } else {
                i += 2;
                continue;
            }
        } else if (U16_IS_TRAIL(u)) {
            f->what = "lone low surrogate";
        }
        if (f->what) {
            f->unit = u;
            f->offset = i;
            return false;
        }
        f->line += u == '\n';
    }
    if (i < n) {
        f->what = "the file ends in the middle of a 2-byte unit";
        f->unit = -1;
        f->offset = i;
        return false;
    }
    return true;
}

/* Well-formed UTF-16 (utf16_check) into out. */
static void utf16_decode(const unsigned char *b, size_t n, size_t start, bool big_endian, cd_buf *out) {
    for (size_t i = start; i + 1 < n; i += 2) {
        UChar32 u = utf16_unit(b + i, big_endian);
        if (U16_IS_LEAD(u)) {
            u = U16_GET_SUPPLEMENTARY(u, utf16_unit(b + i + 2, big_endian));
            i += 2;
        }
        if (u < 0x80)
            cd_buf_addc(out, (char)u);
        else
            add_cp(out, u);
    }
}

/* UTF-16 from byte start on into out, or an `invalid-utf16` error naming the
 * byte offset (and line) of the first fault. */
static int utf16_to_utf8(cd_document *doc, bool big_endian, size_t start, const char *how, cd_buf *out) {
    const char *name = big_endian ? "UTF-16BE" : "UTF-16LE";
    utf16_fault f;
    if (!utf16_check(doc->bytes, doc->n_bytes, start, big_endian, &f)) {
        if (f.unit < 0)
            cd_diag_add(&doc->diags, CD_SEV_ERROR, "invalid-utf16", doc->path, (int)f.line,
                        "truncated %s: %s (a lone byte at offset %zu, line %zu; the file has %zu bytes, an odd "
                        "number)",
                        name, f.what, f.offset, f.line, doc->n_bytes);
        else
            cd_diag_add(&doc->diags, CD_SEV_ERROR, "invalid-utf16", doc->path, (int)f.line,
                        "invalid %s: %s 0x%04X at offset %zu (line %zu)", name, f.what, (unsigned)f.unit, f.offset,
                        f.line);
        return CD_EXIT_INPUT;
    }
    utf16_decode(doc->bytes, doc->n_bytes, start, big_endian, out);
    doc->encoding = name;
    cd_diag_add(&doc->diags, CD_SEV_WARNING, "encoding-repaired", doc->path, 0,
                "decoded as %s (%s) and converted to UTF-8", name, how);
    return CD_EXIT_OK;
}

/* UTF-16 without a byte-order mark: one of its first bytes is zero (text is
 * never NUL) and, in its first units, the zero bytes of the ASCII
 * characters stand on one side.  0: no; 1: little-endian; 2: big-endian. */
#define UTF16_SNIFF_BYTES 512
static int sniff_utf16(const unsigned char *b, size_t n) {
    if (n < 4 || !memchr(b, 0, n < 16 ? n : 16)) return 0;
    size_t zero_even = 0, zero_odd = 0, len = n < UTF16_SNIFF_BYTES ? n : UTF16_SNIFF_BYTES;
    for (size_t i = 0; i + 1 < len; i += 2) {
        zero_even += !b[i];
        zero_odd += !b[i + 1];
    }
    size_t units = len / 2;
    if (zero_odd * 4 >= units && zero_odd > 4 * zero_even) return 1;
    if (zero_even * 4 >= units && zero_even > 4 * zero_odd) return 2;
    return 0;
}

/* ------------------------------------------------------------------ --encoding */

typedef enum { NAMED_UTF8, NAMED_UTF16, NAMED_UTF16LE, NAMED_UTF16BE, NAMED_LEGACY } named_kind;

/* The names --encoding accepts, compared without case, '-', '_' and spaces;
 * the command line's interface, like the --from names. */
static const struct {
    const char *alias;
    named_kind kind;
    const char *legacy; /* candidate name for NAMED_LEGACY */
} k_names[] = {
    {"utf8", NAMED_UTF8, NULL},
    {"utf16", NAMED_UTF16, NULL},
    {"utf16le", NAMED_UTF16LE, NULL},
    {"utf16be", NAMED_UTF16BE, NULL},
    {"windows1258", NAMED_LEGACY, "windows-1258"},
    {"cp1258", NAMED_LEGACY, "windows-1258"},
    {"tcvn", NAMED_LEGACY, "TCVN3"},
    {"tcvn3", NAMED_LEGACY, "TCVN3"},
    {"tcvn5712", NAMED_LEGACY, "TCVN3"},
    {"tcvn57121", NAMED_LEGACY, "TCVN3"},
    {"abc", NAMED_LEGACY, "TCVN3"},
    {"vni", NAMED_LEGACY, "VNI"},
    {"vniwin", NAMED_LEGACY, "VNI"},
    {"vniwindows", NAMED_LEGACY, "VNI"},
    {"viscii", NAMED_LEGACY, "VISCII"},
};

/* name without case, '-', '_', ':' and spaces, into key (false if too long). */
static bool name_key(const char *name, char *key, size_t cap) {
    size_t k = 0;
    for (; *name; name++) {
        if (*name == '-' || *name == '_' || *name == ' ' || *name == ':') continue;
        if (k + 1 >= cap) return false;
        key[k++] = (char)(*name >= 'A' && *name <= 'Z' ? *name + 0x20 : *name);
    }
    key[k] = 0;
    return true;
}

bool cd_encoding_known(const char *name) {
    char key[32];
    if (!name || !name_key(name, key, sizeof key)) return false;
    for (size_t i = 0; i < sizeof k_names / sizeof *k_names; i++)
        if (!strcmp(key, k_names[i].alias)) return true;
    return false;
}

static int convert_named(cd_document *doc, const char *encoding, cd_buf *out) {
    char key[32];
    size_t count = sizeof k_names / sizeof *k_names, i = name_key(encoding, key, sizeof key) ? 0 : count;
    while (i < count && strcmp(key, k_names[i].alias))
        i++;
    if (i == count) {
        cd_diag_add(&doc->diags, CD_SEV_ERROR, "unknown-encoding", doc->path, 0,
                    "unknown encoding '%s' (known: UTF-8, UTF-16, UTF-16LE, UTF-16BE, windows-1258, TCVN3, VNI, "
                    "VISCII)",
                    encoding);
        return CD_EXIT_INPUT;
    }
    const unsigned char *b = doc->bytes;
    size_t n = doc->n_bytes;
    bool bom_le = n >= 2 && b[0] == 0xFF && b[1] == 0xFE, bom_be = n >= 2 && b[0] == 0xFE && b[1] == 0xFF;
    switch (k_names[i].kind) {
    case NAMED_UTF8:
        return CD_EXIT_OK;
    case NAMED_UTF16: /* the byte-order mark says which; Windows writes little-endian */
        return utf16_to_utf8(doc, bom_be, bom_le || bom_be ? 2 : 0, "--encoding", out);
    case NAMED_UTF16LE:
        return utf16_to_utf8(doc, false, bom_le ? 2 : 0, "--encoding", out);
    case NAMED_UTF16BE:
        return utf16_to_utf8(doc, true, bom_be ? 2 : 0, "--encoding", out);
    case NAMED_LEGACY:
        break;
    }
    /* TCVN3 has two tables (VN3 with Windows punctuation, glibc's VN1): the
     * text says which fits */
    judged best, runner_up;
    judge(b, n, k_names[i].legacy, &best, &runner_up);
    if (!best.c) {
        for (size_t j = 0; j < N_CANDIDATES && !best.c; j++)
            if (!strcmp(k_candidates[j].name, k_names[i].legacy)) best.c = &k_candidates[j];
    }
    return convert_legacy(doc, best.c, cd_arena_printf(&doc->arena, "--encoding %s", encoding), out);
}

/* ------------------------------------------------------------------ entry points */

int cd_text_to_utf8(cd_document *doc, const char *encoding, cd_buf *out) {
    doc->encoding = "UTF-8";
    const unsigned char *b = doc->bytes;
    size_t n = b ? doc->n_bytes : 0;
    if (!n) return CD_EXIT_OK; /* the read stage reports it (cd_decode refused one over file-size) */
    if (encoding) return convert_named(doc, encoding, out);
    if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) return utf16_to_utf8(doc, false, 2, "byte-order mark", out);
    if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) return utf16_to_utf8(doc, true, 2, "byte-order mark", out);
    int utf16 = sniff_utf16(b, n);
    utf16_fault fault;
    if (utf16 && utf16_check(b, n, 0, utf16 == 2, &fault)) /* if not, no guess: the read stage reports the NUL */
        return utf16_to_utf8(doc, utf16 == 2, 0, "no byte-order mark; told by the zero bytes of its ASCII", out);
    if (looks_utf8(b, n)) return CD_EXIT_OK;
    return detect_legacy(doc, out);
}

/* The entry of fonts.map that font (a font name, or a CSS font-family list
 * whose first family counts; quotes and spaces around it ignored) matches. */
static const cd_legacy_font *legacy_font(const char *font) {
    if (!font) return NULL;
    while (*font == ' ' || *font == '"' || *font == '\'')
        font++;
    size_t n = strcspn(font, ",");
    while (n && (font[n - 1] == ' ' || font[n - 1] == '"' || font[n - 1] == '\''))
        n--;
    for (size_t i = 0; i < sizeof cd_legacy_fonts / sizeof *cd_legacy_fonts; i++) {
        const cd_legacy_font *f = &cd_legacy_fonts[i];
        size_t p = strlen(f->prefix), s = strlen(f->suffix);
        if (n >= p + s && !strncasecmp(font, f->prefix, p) && !strncasecmp(font + n - s, f->suffix, s)) return f;
    }
    return NULL;
}

bool cd_font_text_to_utf8(const char *font, const char *s, size_t n, cd_buf *out) {
    const cd_legacy_font *f = legacy_font(font);
    if (!f) return false;
    /* the run's characters up to U+00FF are the font's bytes (as are the
     * U+F0xx aliases Word gives a symbol font's bytes); any other character
     * is Unicode already and is kept */
    unsigned char *bytes = cd_arena_alloc(out->arena, n + 1);
    size_t k = 0;
    for (int32_t i = 0, end = (int32_t)n; i < end;) {
        UChar32 c;
        U8_NEXT(s, i, end, c);
        if (c >= 0 && (c <= 0xFF || (c >= 0xF000 && c <= 0xF0FF))) {
            bytes[k++] = (unsigned char)c;
            continue;
        }
        table_to_utf8(f->table, bytes, k, f->upper, out);
        k = 0;
        if (c < 0)
            cd_buf_add(out, k_replacement, 3);
        else
            add_cp(out, c);
    }
    table_to_utf8(f->table, bytes, k, f->upper, out);
    return true;
}
