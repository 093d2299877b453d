/* test_encoding.c — cd_text_to_utf8 and cd_font_text_to_utf8: every
 * Vietnamese letter through each legacy encoding and back, detection on each
 * sample in each encoding, UTF-16 faults named by offset, the UTF-8 hot path,
 * --encoding names, fonts-as-encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* cmocka needs the headers above first */
#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "convert.h"

/* ------------------------------------------------------------------ helpers */

typedef struct tdoc {
    cd_document d;
    cd_buf out;
    int rc;
} tdoc;

static void convert(tdoc *t, const void *bytes, size_t n, const char *encoding) {
    memset(t, 0, sizeof *t);
    cd_arena_init(&t->d.arena);
    cd_diags_init(&t->d.diags, &t->d.arena);
    t->d.path = "in.txt";
    t->d.bytes = bytes;
    t->d.n_bytes = n;
    cd_buf_init(&t->out, &t->d.arena);
    t->rc = cd_text_to_utf8(&t->d, encoding, &t->out);
}

static void close_doc(tdoc *t) { cd_arena_free(&t->d.arena); }

/* NFC of s[0..n), NUL-terminated, in a. */
static char *nfc(cd_arena *a, const char *s, size_t n) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *norm = unorm2_getNFCInstance(&err);
    UChar *u = cd_arena_alloc(a, (n + 1) * sizeof *u), *v = cd_arena_alloc(a, (3 * n + 1) * sizeof *v);
    int32_t nu = 0, nv, n8 = 0;
    u_strFromUTF8(u, (int32_t)n + 1, &nu, s, (int32_t)n, &err);
    nv = unorm2_normalize(norm, u, nu, v, 3 * (int32_t)n + 1, &err);
    char *out = cd_arena_alloc(a, 3 * (size_t)nv + 1);
    u_strToUTF8(out, 3 * nv + 1, &n8, v, nv, &err);
    assert_true(U_SUCCESS(err));
    out[n8] = 0;
    return out;
}

/* The converted text, composed. */
static char *result(tdoc *t) {
    assert_non_null(t->out.data);
    return nfc(&t->d.arena, t->out.data, t->out.len);
}

static const cd_diag *find_diag(tdoc *t, const char *code) {
    for (size_t i = 0; i < t->d.diags.n; i++)
        if (!strcmp(t->d.diags.items[i].code, code)) return &t->d.diags.items[i];
    return NULL;
}

/* The 134 letters of the Vietnamese alphabet beyond ASCII: twelve vowels
 * with each of five tones or none, and đ, in both cases, separated by spaces
 * (lower case first, then upper; upper only or lower only when asked). */
enum { LOWER = 1, UPPER = 2 };
static char *vn_letters(cd_arena *a, int cases) {
    static const UChar32 vowels[] = {'a', 0x103, 0xE2, 'e', 0xEA, 'i', 'o', 0xF4, 0x1A1, 'u', 0x1B0, 'y'};
    static const UChar32 tones[] = {0, 0x300, 0x301, 0x303, 0x309, 0x323};
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *norm = unorm2_getNFCInstance(&err);
    cd_buf b;
    cd_buf_init(&b, a);
    int count = 0;
    for (int upper = 0; upper < 2; upper++) {
        if (!(cases & (upper ? UPPER : LOWER))) continue;
        for (size_t v = 0; v < sizeof vowels / sizeof *vowels; v++)
            for (size_t t = 0; t < sizeof tones / sizeof *tones; t++) {
                UChar32 base = upper ? u_toupper(vowels[v]) : vowels[v];
                if (base < 0x80 && !tones[t]) continue; /* plain ASCII */
                /* NFC, not composePair: ậ is ạ + circumflex, not â + dot below */
                UChar pair[2] = {(UChar)base, (UChar)tones[t]}, c[2];
                assert_int_equal(unorm2_normalize(norm, pair, tones[t] ? 2 : 1, c, 2, &err), 1);
                char u[4];
                int32_t k = 0;
                U8_APPEND_UNSAFE(u, k, c[0]);
                cd_buf_add(&b, u, (size_t)k);
                cd_buf_addc(&b, ' ');
                count++;
            }
        cd_buf_adds(&b, upper ? "\xC4\x90" : "\xC4\x91"); /* Đ / đ */
        cd_buf_addc(&b, ' ');
        count++;
    }
    assert_int_equal(count, (cases == (LOWER | UPPER) ? 134 : 67));
    return cd_buf_str(&b);
}

/* text in charset by glibc's iconv; a character it cannot hold becomes '?'
 * both in the result and in *expected (text as the encoding carries it). */
static char *iconv_encode(cd_arena *a, const char *charset, const char *text, size_t *n, char **expected) {
    iconv_t cd = iconv_open(charset, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t len = strlen(text), cap = 4 * len + 16;
    char *out = cd_arena_alloc(a, cap), *o = out, *in = (char *)text;
    size_t left = len, room = cap;
    cd_buf carried;
    cd_buf_init(&carried, a);
    while (left) {
        char *from = in;
        if (iconv(cd, &in, &left, &o, &room) != (size_t)-1) {
            cd_buf_add(&carried, from, (size_t)(in - from));
            break;
        }
        assert_int_equal(errno, EILSEQ);
        cd_buf_add(&carried, from, (size_t)(in - from));
        int32_t skip = 0;
        UChar32 c;
        U8_NEXT(in, skip, (int32_t)left, c);
        (void)c;
        in += skip;
        left -= (size_t)skip;
        *o++ = '?';
        room--;
        cd_buf_addc(&carried, '?');
    }
    iconv(cd, NULL, NULL, &o, &room);
    iconv_close(cd);
    *n = (size_t)(o - out);
    if (expected) *expected = cd_buf_str(&carried);
    return out;
}

/* VNI, written here from the scheme itself (not from rules/encodings/vni.map):
 * a base letter and a mark byte per tone and vowel sign, single bytes for ơ ư
 * đ, the toned i and ỵ; capitals have capital mark bytes.  Tones in the order
 * acute, grave, hook, tilde, dot below; [0] lower, [1] upper case. */
static const unsigned char vni_tone[2][5] = {{0xF9, 0xF8, 0xFB, 0xF5, 0xEF}, {0xD9, 0xD8, 0xDB, 0xD5, 0xCF}};
static const unsigned char vni_circumflex[2][6] = {{0xE2, 0xE1, 0xE0, 0xE5, 0xE3, 0xE4},
                                                   {0xC2, 0xC1, 0xC0, 0xC5, 0xC3, 0xC4}};
static const unsigned char vni_breve[2][6] = {{0xEA, 0xE9, 0xE8, 0xFA, 0xFC, 0xEB},
                                              {0xCA, 0xC9, 0xC8, 0xDA, 0xDC, 0xCB}};
static const unsigned char vni_i[2][5] = {{0xED, 0xEC, 0xE6, 0xF3, 0xF2}, {0xCD, 0xCC, 0xC6, 0xD3, 0xD2}};

static int tone_index(UChar32 mark) { /* 1..5, 0 for none */
    static const UChar32 order[] = {0x301, 0x300, 0x309, 0x303, 0x323};
    for (int i = 0; i < 5; i++)
        if (order[i] == mark) return i + 1;
    return 0;
}

static char *vni_encode(cd_arena *a, const char *text, size_t *n) {
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
    cd_buf b;
    cd_buf_init(&b, a);
    for (int32_t i = 0, end = (int32_t)strlen(text); i < end;) {
        UChar32 c;
        U8_NEXT(text, i, end, c);
        if (c < 0x80) {
            cd_buf_addc(&b, (char)c);
            continue;
        }
        if (c == 0x111 || c == 0x110) {
            cd_buf_addc(&b, c == 0x111 ? (char)0xF1 : (char)0xD1);
            continue;
        }
        UChar parts[4];
        int32_t np = unorm2_getDecomposition(nfd, c, parts, 4, &err);
        if (np < 2) { /* not a letter: Windows-1252, the code page VNI was used under */
            char u8[5] = {0};
            int32_t k = 0;
            U8_APPEND_UNSAFE(u8, k, c);
            size_t one;
            char *carried;
            const char *byte = iconv_encode(a, "WINDOWS-1252", u8, &one, &carried);
            assert_string_equal(carried, u8);
            cd_buf_add(&b, byte, one);
            continue;
        }
        UChar base = parts[0];
        int up = base >= 'A' && base <= 'Z';
        UChar sign = 0, mark = 0;
        for (int32_t j = 1; j < np; j++) {
            if (tone_index(parts[j]))
                mark = parts[j];
            else
                sign = parts[j];
        }
        int tone = tone_index(mark);
        UChar low = up ? (UChar)(base + 0x20) : base;
        if (low == 'i') {
            cd_buf_addc(&b, (char)vni_i[up][tone - 1]);
        } else if (low == 'y' && tone == 5) {
            cd_buf_addc(&b, up ? (char)0xCE : (char)0xEE);
        } else if (sign == 0x31B) { /* horn: ô ö stand for ơ ư */
            cd_buf_addc(&b, (char)(low == 'o' ? (up ? 0xD4 : 0xF4) : (up ? 0xD6 : 0xF6)));
            if (tone) cd_buf_addc(&b, (char)vni_tone[up][tone - 1]);
        } else {
            cd_buf_addc(&b, (char)base);
            if (sign == 0x302)
                cd_buf_addc(&b, (char)vni_circumflex[up][tone]);
            else if (sign == 0x306)
                cd_buf_addc(&b, (char)vni_breve[up][tone]);
            else
                cd_buf_addc(&b, (char)vni_tone[up][tone - 1]);
        }
    }
    *n = b.len;
    return cd_buf_str(&b);
}

/* Bytes as the code points U+0000-U+00FF, in UTF-8: how a DOCX or HTML file
 * carries text set in a legacy font. */
static char *as_latin1(cd_arena *a, const char *bytes, size_t n) {
    cd_buf b;
    cd_buf_init(&b, a);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c < 0x80) {
            cd_buf_addc(&b, (char)c);
        } else {
            cd_buf_addc(&b, (char)(0xC0 | c >> 6));
            cd_buf_addc(&b, (char)(0x80 | (c & 0x3F)));
        }
    }
    return cd_buf_str(&b);
}

/* text upper-cased (ICU, Vietnamese). */
static char *upper(cd_arena *a, const char *text) {
    UErrorCode err = U_ZERO_ERROR;
    size_t n = strlen(text);
    UChar *u = cd_arena_alloc(a, (n + 1) * 2), *v = cd_arena_alloc(a, (2 * n + 1) * 2);
    int32_t nu = 0, n8 = 0;
    u_strFromUTF8(u, (int32_t)n + 1, &nu, text, (int32_t)n, &err);
    int32_t nv = u_strToUpper(v, 2 * (int32_t)n + 1, u, nu, "vi", &err);
    char *out = cd_arena_alloc(a, 3 * (size_t)nv + 1);
    u_strToUTF8(out, 3 * nv + 1, &n8, v, nv, &err);
    assert_true(U_SUCCESS(err));
    return out;
}

static char *read_file(cd_arena *a, const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = cd_arena_alloc(a, (size_t)size + 1);
    assert_int_equal(fread(s, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *n = (size_t)size;
    return s;
}

/* ------------------------------------------------------------------ round trips */

static void test_round_trip_iconv(void **state) {
    (void)state;
    static const struct {
        const char *charset, *name, *reported;
    } encs[] = {
        {"CP1258", "windows-1258", "windows-1258"}, /* ICU decodes, tone marks as combining bytes */
        {"TCVN5712-1", "tcvn3", "TCVN3"},
        {"VISCII", "viscii", "VISCII"},
    };
    for (size_t e = 0; e < sizeof encs / sizeof *encs; e++) {
        cd_arena a;
        cd_arena_init(&a);
        const char *letters = vn_letters(&a, LOWER | UPPER);
        char *carried;
        size_t n;
        const char *bytes = iconv_encode(&a, encs[e].charset, letters, &n, &carried);
        assert_string_equal(carried, letters); /* every letter has a code */
        tdoc t;
        convert(&t, bytes, n, encs[e].name);
        assert_int_equal(t.rc, CD_EXIT_OK);
        assert_string_equal(t.d.encoding, encs[e].reported);
        assert_string_equal(result(&t), letters);
        assert_non_null(find_diag(&t, "encoding-repaired"));
        close_doc(&t);
        cd_arena_free(&a);
    }
}

static void test_round_trip_vni(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    const char *letters = vn_letters(&a, LOWER | UPPER);
    size_t n;
    const char *bytes = vni_encode(&a, letters, &n);
    tdoc t;
    convert(&t, bytes, n, "VNI");
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_string_equal(t.d.encoding, "VNI");
    assert_string_equal(result(&t), letters);
    close_doc(&t);

    /* the examples everyone quotes; a mark typed in the other case */
    convert(&t, "Xin cha\xF8o ca\xF9\x63 ba\xEFn, Vie\xE4t Nam",
            strlen("Xin cha\xF8o ca\xF9\x63 ba\xEFn, Vie\xE4t Nam"), "vni");
    assert_string_equal(result(&t), "Xin chào các bạn, Việt Nam");
    close_doc(&t);
    convert(&t, "A\xF9 a\xD9 \xD4\xF9", 8, "vni");
    assert_string_equal(result(&t), "Á á Ớ");
    close_doc(&t);
    cd_arena_free(&a);
}

/* .VnTime text in a DOCX/HTML run: the VN3 codes as U+00xx; the capitals-only
 * twin (.VnTimeH) shows the same codes as capitals. */
static void test_round_trip_fonts(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    const char *lower = vn_letters(&a, LOWER), *letters = vn_letters(&a, LOWER | UPPER);
    size_t n;
    const char *tcvn3 = iconv_encode(&a, "TCVN5712-1", lower, &n, NULL);
    const char *run = as_latin1(&a, tcvn3, n);
    cd_buf out;
    cd_buf_init(&out, &a);
    assert_true(cd_font_text_to_utf8(".VnTime", run, strlen(run), &out));
    assert_string_equal(nfc(&a, out.data, out.len), lower);
    cd_buf_init(&out, &a);
    assert_true(cd_font_text_to_utf8(".VnTimeH", run, strlen(run), &out));
    assert_string_equal(nfc(&a, out.data, out.len), upper(&a, lower));

    const char *vni = vni_encode(&a, letters, &n);
    run = as_latin1(&a, vni, n);
    cd_buf_init(&out, &a);
    assert_true(cd_font_text_to_utf8("VNI-Times", run, strlen(run), &out));
    assert_string_equal(nfc(&a, out.data, out.len), letters);
    cd_arena_free(&a);
}

static void test_fonts(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    cd_buf out;
    cd_buf_init(&out, &a);
    /* "Việt" in TCVN3 (ệ = D6, here U+00D6) */
    assert_false(cd_font_text_to_utf8("Times New Roman", "Vi\xC3\x96t", 5, &out));
    assert_false(cd_font_text_to_utf8(NULL, "Vi\xC3\x96t", 5, &out));
    assert_int_equal(out.len, 0);
    assert_true(cd_font_text_to_utf8("'.VnArial NarrowH', sans-serif", "Vi\xC3\x96t", 5, &out));
    assert_string_equal(cd_buf_str(&out), "VIỆT");
    /* characters beyond U+00FF are Unicode already: Word's smart quotes */
    cd_buf_init(&out, &a);
    assert_true(cd_font_text_to_utf8(".vntime",
                                     "\xE2\x80\x9C"
                                     "Vi\xC3\x96t"
                                     "\xE2\x80\x9D",
                                     11, &out));
    assert_string_equal(cd_buf_str(&out), "“Việt”");
    /* VNI: "Vieät" with ä = U+00E4; Word's U+F0xx alias of a byte too */
    cd_buf_init(&out, &a);
    assert_true(cd_font_text_to_utf8("vni-helve", "Vie\xC3\xA4t vie\xEF\x83\xA4t", 15, &out));
    assert_string_equal(cd_buf_str(&out), "Việt việt");
    cd_arena_free(&a);
}

/* ------------------------------------------------------------------ detection */

static const char *const samples[] = {
    "samples/000_144062e581508771.txt", "samples/001_41fd8fcf13e1293d.txt", "samples/002_68621dcf91b9871c.txt",
    "samples/003_38d040c3a1a7432e.txt", "samples/004_ff2c98ccd76aaf96.txt",
};

static void test_detect_legacy_samples(void **state) {
    (void)state;
    static const struct {
        const char *charset, *reported;
    } encs[] = {{"CP1258", "windows-1258"}, {"TCVN5712-1", "TCVN3"}, {"VISCII", "VISCII"}, {NULL, "VNI"}};
    for (size_t s = 0; s < sizeof samples / sizeof *samples; s++)
        for (size_t e = 0; e < sizeof encs / sizeof *encs; e++) {
            cd_arena a;
            cd_arena_init(&a);
            size_t n;
            const char *raw = read_file(&a, samples[s], &n);
            const char *text = nfc(&a, raw, n);
            char *carried;
            const char *bytes;
            if (encs[e].charset) {
                bytes = iconv_encode(&a, encs[e].charset, text, &n, &carried);
            } else { /* VNI: the characters beyond its letters and Windows-1252 become '?' first */
                cd_buf b;
                cd_buf_init(&b, &a);
                for (const char *p = text; *p; p++)
                    if (!strncmp(p, "\xE2\x89\xA5", 3) || !strncmp(p, "\xE2\x89\xA4", 3)) { /* ≥ ≤ */
                        cd_buf_addc(&b, '?');
                        p += 2;
                    } else {
                        cd_buf_addc(&b, *p);
                    }
                carried = cd_buf_str(&b);
                bytes = vni_encode(&a, carried, &n);
            }
            tdoc t;
            convert(&t, bytes, n, NULL);
            assert_int_equal(t.rc, CD_EXIT_OK);
            if (strcmp(t.d.encoding, encs[e].reported))
                fail_msg("%s in %s: detected as %s", samples[s], encs[e].reported, t.d.encoding);
            assert_string_equal(result(&t), carried);
            const cd_diag *d = find_diag(&t, "encoding-repaired");
            assert_non_null(d);
            assert_int_equal(d->severity, CD_SEV_WARNING);
            assert_non_null(strstr(d->message, encs[e].reported));
            close_doc(&t);
            cd_arena_free(&a);
        }
}

/* UTF-16 of a UTF-8 text, with a byte-order mark when bom. */
static char *utf16(cd_arena *a, const char *text, bool big_endian, bool bom, size_t *n) {
    UErrorCode err = U_ZERO_ERROR;
    size_t len = strlen(text);
    UChar *u = cd_arena_alloc(a, (len + 1) * 2);
    int32_t nu = 0;
    u_strFromUTF8(u, (int32_t)len + 1, &nu, text, (int32_t)len, &err);
    assert_true(U_SUCCESS(err));
    char *out = cd_arena_alloc(a, 2 * (size_t)nu + 2), *o = out;
    if (bom) {
        *o++ = big_endian ? (char)0xFE : (char)0xFF;
        *o++ = big_endian ? (char)0xFF : (char)0xFE;
    }
    for (int32_t i = 0; i < nu; i++) {
        *o++ = (char)(big_endian ? u[i] >> 8 : u[i] & 0xFF);
        *o++ = (char)(big_endian ? u[i] & 0xFF : u[i] >> 8);
    }
    *n = (size_t)(o - out);
    return out;
}

static void test_detect_utf16_and_nfd(void **state) {
    (void)state;
    for (size_t s = 0; s < sizeof samples / sizeof *samples; s++) {
        cd_arena a;
        cd_arena_init(&a);
        size_t n;
        char *text = read_file(&a, samples[s], &n);
        text[n] = 0;
        for (int be = 0; be < 2; be++) {
            tdoc t;
            size_t n16;
            const char *bytes = utf16(&a, text, be, true, &n16);
            convert(&t, bytes, n16, NULL);
            assert_int_equal(t.rc, CD_EXIT_OK);
            assert_string_equal(t.d.encoding, be ? "UTF-16BE" : "UTF-16LE");
            assert_int_equal(t.out.len, strlen(text));
            assert_memory_equal(t.out.data, text, t.out.len);
            close_doc(&t);
        }
        /* decomposed Unicode is UTF-8: passed through for normalize to compose */
        UErrorCode err = U_ZERO_ERROR;
        UChar *u = cd_arena_alloc(&a, 2 * n + 2), *v = cd_arena_alloc(&a, 6 * n + 2);
        int32_t nu = 0, n8 = 0;
        u_strFromUTF8(u, (int32_t)n + 1, &nu, text, (int32_t)n, &err);
        int32_t nv = unorm2_normalize(unorm2_getNFDInstance(&err), u, nu, v, 3 * (int32_t)n + 1, &err);
        char *decomposed = cd_arena_alloc(&a, 3 * (size_t)nv + 1);
        u_strToUTF8(decomposed, 3 * nv + 1, &n8, v, nv, &err);
        assert_true(U_SUCCESS(err));
        tdoc t;
        convert(&t, decomposed, (size_t)n8, NULL);
        assert_int_equal(t.rc, CD_EXIT_OK);
        assert_string_equal(t.d.encoding, "UTF-8");
        assert_null(t.out.data);
        assert_int_equal(t.d.diags.n, 0);
        close_doc(&t);
        cd_arena_free(&a);
    }
}

/* The hot path: UTF-8 costs no conversion and no diagnostic; a few bad bytes
 * in UTF-8 leave it UTF-8 for the read stage to report. */
static void test_utf8_hot_path(void **state) {
    (void)state;
    tdoc t;
    const char *plain = "Kế hoạch số 12/KH-UBND\nHà Nội, ngày 5 tháng 3 năm 2026\n";
    convert(&t, plain, strlen(plain), NULL);
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_string_equal(t.d.encoding, "UTF-8");
    assert_null(t.out.data);
    assert_int_equal(t.d.diags.n, 0);
    close_doc(&t);

    convert(&t, "only ASCII\n", 11, NULL);
    assert_null(t.out.data);
    close_doc(&t);

    cd_arena a;
    cd_arena_init(&a);
    size_t n;
    char *sample = read_file(&a, samples[0], &n);
    sample[10] = (char)0x93; /* a Windows quote early on, another deep in the file */
    sample[n - 5] = (char)0xE9;
    convert(&t, sample, n, NULL);
    assert_string_equal(t.d.encoding, "UTF-8");
    assert_null(t.out.data);
    close_doc(&t);

    /* one word that reads as Vietnamese in two encodings ("năm" in TCVN3 is
     * "nẵm" in VISCII): no guess */
    convert(&t, "n\xA8m\n", 4, NULL);
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_string_equal(t.d.encoding, "UTF-8");
    assert_null(t.out.data);
    close_doc(&t);

    /* bytes that are no Vietnamese in any encoding: no guess */
    convert(&t, "\x81\x8D\x8F\x90 \x9D\x81\x8D", 8, NULL);
    assert_string_equal(t.d.encoding, "UTF-8");
    assert_null(t.out.data);
    close_doc(&t);
    cd_arena_free(&a);
}

/* .VnTime text as Word saves it: VN3 codes, smart quotes in 80-9F
 * (Windows-1252), capitals with a tone in lower case (they came from the
 * .VnTimeH font). */
static void test_tcvn3_windows_punctuation(void **state) {
    (void)state;
    const char *line = "K\xD5 ho\xB9"
                       "ch th\xF9"
                       "c hi\xD6n \x93"
                       "b\xB5i to\xB8n l\xEDn\x94 c\xF1"
                       "a \xF1y ban "
                       "nh\xA9n d\xA9n t\xD8nh \xAE\xE3ng g\xE3p v\xB5o m\xF4"
                       "c ti\xAAu t\xA8ng tr\xAD\xEBng "
                       "\xAE\xAD\xEE"
                       "c giao \x96 n\xA8m 2026.\n";
    tdoc t;
    convert(&t, line, strlen(line), NULL);
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_string_equal(t.d.encoding, "TCVN3");
    assert_string_equal(result(&t), "Kế hoạch thực hiện “bài toán lớn” của ủy ban nhân dân tỉnh đóng góp vào mục tiêu "
                                    "tăng trưởng được giao – năm 2026.\n");
    const cd_diag *d = find_diag(&t, "encoding-repaired");
    assert_non_null(d);
    assert_non_null(strstr(d->message, "tcvn3.map"));
    close_doc(&t);
}

/* ------------------------------------------------------------------ UTF-16 faults */

static void test_utf16_errors(void **state) {
    (void)state;
    tdoc t;
    /* odd length: "Ab" then a lone byte */
    convert(&t, "\xFF\xFE\x41\x00\x62\x00\x0A\x00\x63", 9, NULL);
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    const cd_diag *d = find_diag(&t, "invalid-utf16");
    assert_non_null(d);
    assert_int_equal(d->severity, CD_SEV_ERROR);
    assert_string_equal(d->file, "in.txt");
    assert_int_equal(d->line, 2);
    assert_non_null(strstr(d->message, "truncated UTF-16LE"));
    assert_non_null(strstr(d->message, "offset 8"));
    close_doc(&t);

    /* a high surrogate followed by "x" (big-endian) */
    convert(&t, "\xFE\xFF\x00\x4B\xD8\x3D\x00\x78", 8, NULL);
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    d = find_diag(&t, "invalid-utf16");
    assert_non_null(d);
    assert_string_equal(d->message, "invalid UTF-16BE: lone high surrogate 0xD83D at offset 4 (line 1)");
    close_doc(&t);

    /* a low surrogate alone */
    convert(&t, "\xFF\xFE\x41\x00\x00\xDC", 6, NULL);
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    assert_non_null(strstr(find_diag(&t, "invalid-utf16")->message, "lone low surrogate 0xDC00 at offset 4"));
    close_doc(&t);

    /* the file ends after the first half of a pair */
    convert(&t, "\xFF\xFE\x41\x00\x3D\xD8", 6, NULL);
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    assert_non_null(strstr(find_diag(&t, "invalid-utf16")->message, "first half of a surrogate pair"));
    close_doc(&t);

    /* a proper pair: U+1F600 */
    convert(&t, "\xFF\xFE\x3D\xD8\x00\xDE", 6, NULL);
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_int_equal(t.out.len, 4);
    assert_memory_equal(t.out.data, "\xF0\x9F\x98\x80", 4);
    close_doc(&t);
}

static void test_utf16_without_bom(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    const char *text = "ỦY BAN NHÂN DÂN TỈNH\nKế hoạch số 12\n";
    size_t n;
    const char *bytes = utf16(&a, text, false, false, &n);
    tdoc t;
    convert(&t, bytes, n, NULL);
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_string_equal(t.d.encoding, "UTF-16LE");
    assert_string_equal(result(&t), text);
    close_doc(&t);
    /* zero bytes that are no UTF-16: left for the read stage ("NUL byte") */
    convert(&t, "ab\0\0cd\0\0\xD8\0", 10, NULL);
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_null(t.out.data);
    close_doc(&t);
    cd_arena_free(&a);
}

/* ------------------------------------------------------------------ --encoding */

static void test_encoding_names(void **state) {
    (void)state;
    tdoc t;
    const char *vni = "Vie\xE4t Nam\n";
    static const char *const vni_names[] = {"vni", "VNI", "Vni-Win", "vni_windows"};
    for (size_t i = 0; i < sizeof vni_names / sizeof *vni_names; i++) {
        convert(&t, vni, strlen(vni), vni_names[i]);
        assert_int_equal(t.rc, CD_EXIT_OK);
        assert_string_equal(t.d.encoding, "VNI");
        assert_string_equal(result(&t), "Việt Nam\n");
        close_doc(&t);
    }
    /* "Việt" in windows-1258: Vi + ê (EA) + dot below (F2) + t */
    convert(&t, "Vi\xEA\xF2t", 5, "CP1258");
    assert_string_equal(t.d.encoding, "windows-1258");
    assert_string_equal(result(&t), "Việt");
    close_doc(&t);
    convert(&t, "Vi\xD6t", 4, "tcvn");
    assert_string_equal(t.d.encoding, "TCVN3");
    assert_string_equal(result(&t), "Việt");
    close_doc(&t);
    convert(&t, "Vi\xAEt", 4, "VISCII");
    assert_string_equal(t.d.encoding, "VISCII");
    assert_string_equal(result(&t), "Việt");
    close_doc(&t);
    convert(&t, "\xFE\xFF\x00V", 4, "utf-16");
    assert_string_equal(t.d.encoding, "UTF-16BE");
    close_doc(&t);
    convert(&t, "V\x00", 2, "UTF16LE");
    assert_string_equal(t.d.encoding, "UTF-16LE");
    close_doc(&t);
    /* told UTF-8: nothing converted, even if it is not */
    convert(&t, "Vi\xD6t", 4, "utf8");
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_string_equal(t.d.encoding, "UTF-8");
    assert_null(t.out.data);
    close_doc(&t);

    convert(&t, "abc", 3, "utf-8-but-a-name-far-too-long-to-be-any-encoding");
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    close_doc(&t);
    convert(&t, "abc", 3, "latin9");
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    const cd_diag *d = find_diag(&t, "unknown-encoding");
    assert_non_null(d);
    assert_int_equal(d->severity, CD_SEV_ERROR);
    assert_non_null(strstr(d->message, "'latin9'"));
    close_doc(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_iconv),      cmocka_unit_test(test_round_trip_vni),
        cmocka_unit_test(test_round_trip_fonts),      cmocka_unit_test(test_fonts),
        cmocka_unit_test(test_detect_legacy_samples), cmocka_unit_test(test_detect_utf16_and_nfd),
        cmocka_unit_test(test_utf8_hot_path),         cmocka_unit_test(test_tcvn3_windows_punctuation),
        cmocka_unit_test(test_utf16_errors),          cmocka_unit_test(test_utf16_without_bom),
        cmocka_unit_test(test_encoding_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
