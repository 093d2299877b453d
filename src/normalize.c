/* normalize.c — clean every line in place.
 *
 * Per line:  text -> core (spaces, NFC, tone marks)
 *                 -> markup (only when the `trigger` rule of rules/markup.rules
 *                    finds a candidate character): classify the line (rule,
 *                    pipe, heading, footnote), strip bold marks while pairing
 *                    them across lines, apply the group's replace rules
 *                 -> core again when markup changed anything (removing a tag
 *                    can leave two spaces; &nbsp; leaves a U+00A0).
 * All markup vocabulary is in the rule file; this file knows only rule names.
 * The core works on UTF-16 scratch buffers that are reused from line to line,
 * so a line costs one allocation (its result), none when it is unchanged. */
#include "normalize.h"

#include <pthread.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* A run of bold lines longer than this is a stray "**", not an emphasised
 * heading: the longest real bold block seen is a three-line title (seed 002,
 * lines 17-19).  Without the cap one stray mark in a document with no blank
 * lines (seed 003) would make everything after it bold. */
#define CD_BOLD_MAX_LINES 12
/* Lines up to this many UTF-16 units are normalised in stack buffers by
 * cd_normalize_text (other stages call it on short field texts). */
#define CD_SMALL_UNITS 256

/* ------------------------------------------------------------------ scratch */

typedef struct scratch {
    cd_arena *arena;
    UChar *u, *v; /* UTF-16 work buffers, cap16 units each */
    int32_t cap16;
    char *out;       /* UTF-8 result buffer, 3 * cap16 + 1 bytes */
    const char *res; /* the result: out, or the input itself when it was already clean */
    size_t len8;
} scratch;

/* Make room for `units` UTF-16 units, keeping the first `keep` units of u. */
static void scratch_reserve(scratch *sc, int32_t units, int32_t keep) {
    if (units <= sc->cap16) return;
    int32_t cap = sc->cap16 * 2 > units ? sc->cap16 * 2 : units;
    UChar *u = cd_arena_alloc(sc->arena, sizeof(UChar) * (size_t)cap);
    if (keep) memcpy(u, sc->u, sizeof(UChar) * (size_t)keep);
    sc->u = u;
    sc->v = cd_arena_alloc(sc->arena, sizeof(UChar) * (size_t)cap);
    sc->out = cd_arena_alloc(sc->arena, 3 * (size_t)cap + 1);
    sc->cap16 = cap;
}

/* ------------------------------------------------------------------ spaces */

/* Characters that count as a space: ASCII space, the odd Unicode spaces and
 * control characters (a form feed from a PDF page break, a stray C1 byte); a
 * tab is not one — it separates table cells. */
static bool is_space_like(UChar c) {
    if (c == ' ') return true;
    if (c < 0x20) return c != '\t';
    if (c < 0x7F) return false;
    return c <= 0xA0 /* DEL, C1 controls incl. NEL, NBSP */ || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static bool is_zero_width(UChar c) { return (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF; }

/* Map spaces, drop zero-width characters, collapse runs, trim the ends and
 * both sides of every tab.  In place; returns the new length. */
static int32_t fix_spaces16(UChar *s, int32_t n) {
    int32_t o = 0;
    bool pending = false;
    for (int32_t i = 0; i < n; i++) {
        UChar c = s[i];
        if (is_zero_width(c)) continue;
        if (is_space_like(c)) {
            pending = true;
            continue;
        }
        if (c != '\t' && pending && o > 0 && s[o - 1] != '\t') s[o++] = ' ';
        pending = false;
        s[o++] = c;
    }
    return o;
}

/* The same for pure-ASCII text, byte by byte, into out. */
static size_t fix_spaces_ascii(const char *s, size_t n, char *out) {
    size_t o = 0;
    bool pending = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || ((unsigned char)c < 0x20 && c != '\t') || c == 0x7F) {
            pending = true;
            continue;
        }
        if (c != '\t' && pending && o > 0 && out[o - 1] != '\t') out[o++] = ' ';
        pending = false;
        out[o++] = c;
    }
    return o;
}

/* ------------------------------------------------------------------ tone marks */

/* Old-style tone placement puts the mark on the second vowel of oa, oe, uy in
 * an open syllable ("hoà", "khoẻ", "uỷ"); the modern one on the first ("hòa",
 * "khỏe", "ủy").  With a final consonant or a third vowel the mark stays
 * ("hoàn", "hoài", "huỳnh"), and after q the u belongs to the consonant
 * ("quý").  Tones in order: grave, acute, hook above, tilde, dot below;
 * [0] lower case, [1] upper case.  Orthography, not vocabulary. */
typedef struct tone_pair {
    UChar first[2]; /* o / u */
    UChar first_toned[2][5];
    UChar second[2]; /* a / e / y */
    UChar second_toned[2][5];
    bool after_q_is_consonant; /* "qu": the u is part of the initial */
} tone_pair;

static const tone_pair k_tone_pairs[] = {
    {{'o', 'O'},
     {{0xF2, 0xF3, 0x1ECF, 0xF5, 0x1ECD}, {0xD2, 0xD3, 0x1ECE, 0xD5, 0x1ECC}},
     {'a', 'A'},
     {{0xE0, 0xE1, 0x1EA3, 0xE3, 0x1EA1}, {0xC0, 0xC1, 0x1EA2, 0xC3, 0x1EA0}},
     false},
    {{'o', 'O'},
     {{0xF2, 0xF3, 0x1ECF, 0xF5, 0x1ECD}, {0xD2, 0xD3, 0x1ECE, 0xD5, 0x1ECC}},
     {'e', 'E'},
     {{0xE8, 0xE9, 0x1EBB, 0x1EBD, 0x1EB9}, {0xC8, 0xC9, 0x1EBA, 0x1EBC, 0x1EB8}},
     false},
    {{'u', 'U'},
     {{0xF9, 0xFA, 0x1EE7, 0x169, 0x1EE5}, {0xD9, 0xDA, 0x1EE6, 0x168, 0x1EE4}},
     {'y', 'Y'},
     {{0x1EF3, 0xFD, 0x1EF7, 0x1EF9, 0x1EF5}, {0x1EF2, 0xDD, 0x1EF6, 0x1EF8, 0x1EF4}},
     true},
};

/* A letter or a combining mark: the syllable goes on. */
static bool continues_word(UChar c) { return u_isalpha(c) || (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0; }

/* A vowel letter, whatever its diacritics (base letter of the NFD form). */
static bool is_vowel(UChar c) {
    UChar base = c;
    if (c >= 0x80) {
        UErrorCode err = U_ZERO_ERROR;
        UChar buf[8];
        const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
        if (U_SUCCESS(err) && unorm2_getDecomposition(nfd, c, buf, 8, &err) > 0 && U_SUCCESS(err)) base = buf[0];
    }
    return base && base < 0x80 && strchr("aeiouyAEIOUY", (char)base) != NULL;
}

static void fix_tones16(UChar *s, int32_t n) {
    for (int32_t i = 1; i < n; i++) {
        UChar c = s[i], prev = s[i - 1];
        if (c < 0xC0) continue; /* every toned a/e/y is at or above U+00C0 */
        if (prev != 'o' && prev != 'O' && prev != 'u' && prev != 'U') continue;
        for (size_t p = 0; p < sizeof k_tone_pairs / sizeof *k_tone_pairs; p++) {
            const tone_pair *tp = &k_tone_pairs[p];
            int first_case = prev == tp->first[0] ? 0 : prev == tp->first[1] ? 1 : -1;
            if (first_case < 0) continue;
            int second_case = -1, tone = -1;
            for (int k = 0; k < 2 && tone < 0; k++)
                for (int t = 0; t < 5; t++)
                    if (tp->second_toned[k][t] == c) {
                        second_case = k;
                        tone = t;
                        break;
                    }
            if (tone < 0) continue;
            if (i + 1 < n && continues_word(s[i + 1])) break; /* closed syllable: hoàn, khoẻo */
            if (i >= 2) {
                UChar pp = s[i - 2];
                if (tp->after_q_is_consonant && (pp == 'q' || pp == 'Q')) break; /* quý */
                if (is_vowel(pp)) break;                                         /* not the start of the nucleus */
            }
            s[i - 1] = tp->first_toned[first_case][tone];
            s[i] = tp->second[second_case];
            break;
        }
    }
}

/* The first vowels (o, u: either case) after which c is a toned second vowel
 * that fix_tones16 may act on, as a bit set: 1 = after o, 2 = after u. */
static unsigned second_toned_after(UChar32 c) {
    unsigned after = 0;
    for (size_t p = 0; p < sizeof k_tone_pairs / sizeof *k_tone_pairs; p++)
        for (int k = 0; k < 2; k++)
            for (int t = 0; t < 5; t++)
                if (k_tone_pairs[p].second_toned[k][t] == c) after |= k_tone_pairs[p].first[0] == 'o' ? 1u : 2u;
    return after;
}

/* ------------------------------------------------------------------ core */

/* Would core leave s[0..n) exactly as it is?  True when the spaces are
 * already single ASCII spaces (none at the ends, none beside a tab), there
 * is no control, odd or zero-width space, every character is NFC_QC=Yes with
 * combining class 0 (so the text is NFC: Unicode's quick check), and no
 * toned a/e/y follows an o/u (the only place fix_tones16 acts).  Most lines
 * of a directive are like this; checking costs one pass over the UTF-8 and
 * saves the round trip through UTF-16.  The input is valid UTF-8 (cd_read). */
/* Characters below this are classified once into a table: Vietnamese text
 * lives in Latin-1, Latin Extended and Latin Extended Additional (U+1Exx). */
#define CLEAN_TABLE_END 0x2100

/* bit 0: plain; bit 1: toned second vowel after o; bit 2: after u */
static unsigned char clean_table[CLEAN_TABLE_END];
static pthread_once_t clean_table_once = PTHREAD_ONCE_INIT;
/* every character of the lead bytes block_clean passes is clean: blocks may be skipped */
static bool clean_blocks;

static bool plain_char(UChar32 c) {
    if (c <= 0xFFFF && (is_space_like((UChar)c) || is_zero_width((UChar)c))) return false;
    return u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES && u_getCombiningClass(c) == 0;
}

static void build_clean_table(void) {
    for (UChar32 c = 0x80; c < CLEAN_TABLE_END; c++)
        clean_table[c] = (unsigned char)((plain_char(c) ? 1u : 0u) | second_toned_after(c) << 1);
    /* what block_clean takes for granted (true of every Unicode version) */
    bool plain = true;
    for (UChar32 c = 0xC0; c < 0x1C0; c++)
        plain = plain && (clean_table[c] & 1) && (c < 0x100 || !(clean_table[c] & 6));
    for (UChar32 c = 0x1E80; c < 0x1F00; c++)
        plain = plain && (clean_table[c] & 1);
    clean_blocks = plain;
}

/* Check the characters of u from i (a character boundary) on until one
 * starts at or after stop; *end gets where that one starts.  False when one
 * of them is not clean.  The previous characters are read back from the
 * bytes: the ones that matter (o, u, q, space, tab) are ASCII, and a byte
 * before a character that is not ASCII is a continuation byte, which is none
 * of them. */
static bool clean_chars(const unsigned char *u, size_t n, size_t i, size_t stop, size_t *end) {
    while (i < stop) {
        while (i < n && u[i] > 0x20 && u[i] < 0x7F) /* printable ASCII: the bulk of it */
            i++;
        if (i >= n) break;
        unsigned char b = u[i];
        if (b == ' ') {
            if (u[i - 1] == '\t' || (i + 1 < n && (u[i + 1] == ' ' || u[i + 1] == '\t'))) return false;
            i++;
            continue;
        }
        if (b == '\t') {
            if (i && u[i - 1] == ' ') return false;
            i++;
            continue;
        }
        if (b < 0x80) return false; /* a control character or DEL */
        size_t start = i;
        UChar32 c;
        U8_NEXT_UNSAFE(u, i, c);
        unsigned cls = c < CLEAN_TABLE_END ? clean_table[c] : plain_char(c) ? 1 : 0;
        if (!(cls & 1)) return false;
        if (!(cls & 6) || !start) continue;
        unsigned char prev = u[start - 1], prev2 = start > 1 ? u[start - 2] : 0;
        if (((cls & 2) && (prev == 'o' || prev == 'O')) || ((cls & 4) && (prev == 'u' || prev == 'U'))) {
            /* an ASCII letter next closes the syllable ("hoàn"): the mark stays */
            unsigned char next = i < n ? u[i] : 0;
            bool closed = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z');
            bool after_q = (cls & 4) && (prev2 == 'q' || prev2 == 'Q'); /* "quý": the u is consonant */
            if (!closed && !after_q) return false;
        }
    }
    *end = i;
    return true;
}

/* Sixteen bytes at a time (GCC vector extensions: SSE2 here, whatever the
 * target has elsewhere), a block is plainly clean when every byte and the
 * byte after it (u[0..17) is read) show nothing clean_chars would look at
 * twice: no control or DEL; no space beside a space or a tab; only the lead
 * bytes C3-C6 (U+00C0-U+01BF) and E1 BA, E1 BB (U+1E80-U+1EFF), every
 * character of which is NFC, combining class 0 and no space (checked when
 * the table is made: clean_blocks); and no o, O, u, U before C3 or E1, the
 * only places a toned second vowel can be.  Anything else is left to
 * clean_chars. */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

static bool block_clean(const unsigned char *u) {
    bytes16 b, c;
    memcpy(&b, u, 16);
    memcpy(&c, u + 1, 16);
    bytes16 bad = ((b < 0x20) & (b != '\t')) | (b == 0x7F);
    bytes16 cont = (b & 0xC0) == 0x80, lead = ((b >= 0xC3) & (b <= 0xC6)) | (b == 0xE1);
    bad |= (b >= 0x80) & ~cont & ~lead;
    bad |= (b == 0xE1) & (c != 0xBA) & (c != 0xBB);
    bad |= ((b == 'o') | (b == 'O') | (b == 'u') | (b == 'U')) & ((c == 0xC3) | (c == 0xE1));
    bad |= ((b == ' ') & ((c == ' ') | (c == '\t'))) | ((b == '\t') & (c == ' '));
    uint64_t half[2];
    memcpy(half, &bad, 16);
    return !(half[0] | half[1]);
}

static bool already_clean(const char *s, size_t n) {
    pthread_once(&clean_table_once, build_clean_table);
    const unsigned char *u = (const unsigned char *)s;
    if (!n) return true;
    if (u[0] == ' ' || u[n - 1] == ' ') return false;
    size_t i = 0; /* checked up to here: a character boundary */
    while (i < n) {
        /* blocks start a byte early: the pair across the boundary is checked */
        size_t p = i ? i - 1 : 0;
        while (clean_blocks && p + 17 <= n && block_clean(u + p))
            p += 16;
        size_t from = p > i ? p : i; /* back to the start of the character at p */
        while (from > i && (u[from] & 0xC0) == 0x80)
            from--;
        size_t stop = p + 17 <= n ? p + 16 : n;
        if (!clean_chars(u, n, from, stop, &i)) return false;
    }
    return true;
}

/* Spaces + NFC + tone marks of s[0..n).  The result is sc->res / sc->len8,
 * valid until the next call (and while s is). */
static void core(scratch *sc, const char *s, size_t n) {
    if (already_clean(s, n)) { /* most lines: nothing to copy */
        sc->res = s;
        sc->len8 = n;
        return;
    }
    bool ascii = true;
    for (size_t i = 0; i < n && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    scratch_reserve(sc, (int32_t)n + 1, 0);
    sc->res = sc->out;
    if (ascii) { /* already NFC, no tone marks: spaces only */
        sc->len8 = fix_spaces_ascii(s, n, sc->out);
        sc->out[sc->len8] = 0;
        return;
    }
    UErrorCode err = U_ZERO_ERROR;
    int32_t n16 = 0;
    u_strFromUTF8WithSub(sc->u, sc->cap16, &n16, s, (int32_t)n, 0xFFFD, NULL, &err);
    if (U_FAILURE(err)) n16 = 0;
    n16 = fix_spaces16(sc->u, n16);
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
    if (U_SUCCESS(err) && unorm2_quickCheck(nfc, sc->u, n16, &err) != UNORM_YES && U_SUCCESS(err)) {
        int32_t need = unorm2_normalize(nfc, sc->u, n16, sc->v, sc->cap16, &err);
        if (err == U_BUFFER_OVERFLOW_ERROR) { /* NFC can lengthen a few rare characters */
            scratch_reserve(sc, need + 1, n16);
            err = U_ZERO_ERROR;
            need = unorm2_normalize(nfc, sc->u, n16, sc->v, sc->cap16, &err);
        }
        if (U_SUCCESS(err)) {
            UChar *t = sc->u;
            sc->u = sc->v;
            sc->v = t;
            n16 = need;
        }
    }
    fix_tones16(sc->u, n16);
    err = U_ZERO_ERROR;
    int32_t n8 = 0;
    u_strToUTF8(sc->out, 3 * sc->cap16 + 1, &n8, sc->u, n16, &err);
    if (U_FAILURE(err)) n8 = 0;
    sc->len8 = (size_t)n8;
    sc->out[n8] = 0;
}

char *cd_normalize_text(const char *s, size_t len, size_t *out_len, cd_arena *a) {
    UChar su[CD_SMALL_UNITS], sv[CD_SMALL_UNITS];
    char sout[3 * CD_SMALL_UNITS + 1];
    scratch sc = {a, su, sv, CD_SMALL_UNITS, sout, sout, 0};
    core(&sc, s ? s : "", s ? len : 0);
    if (out_len) *out_len = sc.len8;
    return cd_arena_strndup(a, sc.res, sc.len8);
}

/* ------------------------------------------------------------------ markup */

typedef struct markup {
    const cd_rule_group *group;
    const cd_rule *trigger, *rule, *pipe, *heading, *footnote, *bold;
} markup;

typedef struct bold_state {
    bool open;    /* a bold mark is open at the end of the previous line */
    size_t since; /* index of the line where it opened */
} bold_state;

/* Letters and digits make a segment "content"; spaces and punctuation
 * around bold text ("- **X**", "**Nơi nhận:**") do not. */
static bool has_content(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return true;
    }
    return false;
}

/* Record a segment of a line, inside bold or not, if it has content. */
static void note_segment(bool in_bold, const char *s, size_t n, bool *any_bold, bool *any_plain) {
    if (!has_content(s, n)) return;
    if (in_bold)
        *any_bold = true;
    else
        *any_plain = true;
}

/* Strip the bold marks of t, toggling bs->open at each; *bold says whether
 * every content segment of the line was inside bold.  Returns t itself when
 * it has no marks. */
static const char *strip_bold(const markup *mk, bold_state *bs, const char *t, size_t n, size_t *out_len, bool *bold,
                              cd_arena *a) {
    bool any_bold = false, any_plain = false;
    cd_buf b;
    cd_buf_init(&b, a);
    size_t pos = 0;
    cd_match m;
    bool marks = false;
    while (mk->bold && pos < n && cd_rule_search(mk->bold, t, n, pos, &m) && m.ov[1] > m.ov[0]) {
        note_segment(bs->open, t + pos, m.ov[0] - pos, &any_bold, &any_plain);
        cd_buf_add(&b, t + pos, m.ov[0] - pos);
        bs->open = !bs->open;
        pos = m.ov[1];
        marks = true;
    }
    note_segment(bs->open, t + pos, n - pos, &any_bold, &any_plain);
    *bold = any_bold && !any_plain;
    if (!marks) {
        *out_len = n;
        return t;
    }
    cd_buf_add(&b, t + pos, n - pos);
    *out_len = b.len;
    return cd_buf_str(&b);
}

static bool group_text(const cd_match *m, const char *name, const char **s, size_t *n) {
    if (cd_match_group(m, name, s, n)) return true;
    *s = "";
    *n = 0;
    return false;
}

/* Classify and strip the markup of one clean line t (NUL-terminated, in the
 * arena).  Returns the new text (t when nothing changed). */
static const char *apply_markup(const markup *mk, cd_line *ln, bold_state *bs, const char *t, size_t n, size_t *out_len,
                                cd_arena *a) {
    cd_match m;
    if (mk->pipe && cd_rule_search(mk->pipe, t, n, 0, &m)) ln->flags |= CD_LINE_PIPE;
    if (mk->rule && cd_rule_search(mk->rule, t, n, 0, &m)) {
        ln->flags |= CD_LINE_RULE;
        *out_len = 0;
        return "";
    }
    const char *s = t;
    size_t len = n;
    if (mk->heading && cd_rule_search(mk->heading, s, len, 0, &m)) {
        ln->flags |= CD_LINE_HEADING;
        group_text(&m, "text", &s, &len);
    }
    if (mk->footnote && cd_rule_search(mk->footnote, s, len, 0, &m)) {
        const char *num;
        size_t num_len;
        if (group_text(&m, "n", &num, &num_len)) {
            int v = 0;
            for (size_t i = 0; i < num_len && num[i] >= '0' && num[i] <= '9'; i++)
                v = v * 10 + (num[i] - '0');
            ln->flags |= CD_LINE_FOOTNOTE;
            ln->footnote = v;
            group_text(&m, "text", &s, &len);
        }
    }
    bool bold = false;
    s = strip_bold(mk, bs, s, len, &len, &bold, a);
    if (bold) ln->flags |= CD_LINE_BOLD;
    if (s != t || len != n) s = cd_arena_strndup(a, s, len); /* NUL-terminate the slice */
    char *r = cd_group_replace(mk->group, s, len, out_len, a);
    return (*out_len == n && !memcmp(r, t, n)) ? t : r;
}

int cd_normalize(cd_document *doc, const cd_options *opt) {
    cd_arena *a = &doc->arena;
    markup mk = {0};
    if (opt && opt->rules && (mk.group = cd_rules_group(opt->rules, "markup"))) {
        mk.trigger = cd_rules_get(opt->rules, "markup", "trigger");
        mk.rule = cd_rules_get(opt->rules, "markup", "rule");
        mk.pipe = cd_rules_get(opt->rules, "markup", "pipe");
        mk.heading = cd_rules_get(opt->rules, "markup", "heading");
        mk.footnote = cd_rules_get(opt->rules, "markup", "footnote");
        mk.bold = cd_rules_get(opt->rules, "markup", "bold-mark");
    }
    size_t longest = 0;
    for (size_t i = 0; i < doc->n_lines; i++)
        if (doc->lines[i].len > longest) longest = doc->lines[i].len;
    scratch sc = {a, NULL, NULL, 0, NULL, NULL, 0};
    scratch_reserve(&sc, (int32_t)longest + 1, 0);

    bold_state bs = {false, 0};
    for (size_t i = 0; i < doc->n_lines; i++) {
        cd_line *ln = &doc->lines[i];
        ln->flags = 0;
        ln->footnote = 0;
        core(&sc, ln->text, ln->len);
        if (!sc.len8) { /* a blank line ends a paragraph, and any bold in it */
            if (bs.open)
                for (size_t k = bs.since; k < i; k++)
                    doc->lines[k].flags &= ~(unsigned)CD_LINE_BOLD;
            bs.open = false;
            ln->flags |= CD_LINE_BLANK;
            if (ln->len) ln->text = cd_arena_strndup(a, "", 0);
            ln->len = 0;
            continue;
        }
        const char *text = sc.res;
        size_t len = sc.len8;
        bool was_open = bs.open;
        cd_match m;
        if (mk.group && (!mk.trigger || cd_rule_search(mk.trigger, text, len, 0, &m))) {
            /* the next core() reuses the scratch: keep a copy unless it is the line itself */
            const char *clean = text == ln->text ? text : cd_arena_strndup(a, text, len);
            size_t out_len;
            const char *res = apply_markup(&mk, ln, &bs, clean, len, &out_len, a);
            if (res != clean) {
                core(&sc, res, out_len);
                text = sc.res;
                len = sc.len8;
            } else {
                text = clean;
            }
        } else if (bs.open && has_content(text, len)) { /* inside a bold span, no marks here */
            ln->flags |= CD_LINE_BOLD;
        }
        if (!was_open && bs.open) bs.since = i;
        if (bs.open && i + 1 - bs.since > CD_BOLD_MAX_LINES) {
            for (size_t k = bs.since; k <= i; k++)
                doc->lines[k].flags &= ~(unsigned)CD_LINE_BOLD;
            bs.open = false;
        }
        if (!len) ln->flags |= CD_LINE_BLANK;
        if (memchr(text, '\t', len)) ln->flags |= CD_LINE_TABS;
        if (text != ln->text && (len != ln->len || memcmp(text, ln->text, len)))
            ln->text = cd_arena_strndup(a, text, len);
        ln->len = len;
    }
    if (bs.open) /* a bold mark never closed: it was a stray "**" */
        for (size_t k = bs.since; k < doc->n_lines; k++)
            doc->lines[k].flags &= ~(unsigned)CD_LINE_BOLD;
    return CD_EXIT_OK;
}
