/* floor.c — the least any converter must do per document, for the benchmark's
 * ratio: read the file, NFC-normalise it with ICU (UTF-8 -> UTF-16 ->
 * normalise -> UTF-8) and scan it once with one PCRE2-JIT pattern.
 *
 *   usage: floor FILE...      prints documents, MB and seconds */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    *n = buf ? fread(buf, 1, (size_t)len, f) : 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv) {
    int err_code;
    PCRE2_SIZE err_off;
    /* the field labels a converter looks for */
    pcre2_code *re = pcre2_compile((PCRE2_SPTR) "(?i)(chủ trì|phối hợp|thời (gian|hạn)|kết quả)\\s*:?",
                                   PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &err_code, &err_off, NULL);
    if (!re || pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0) return 1;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t bytes = 0, hits = 0;
    for (int i = 1; i < argc; i++) {
        size_t n;
        char *text = slurp(argv[i], &n);
        if (!text) continue;
        bytes += n;
        /* UTF-16 never needs more units than UTF-8 has bytes: one conversion, no preflight */
        int32_t n16 = 0;
        UChar *u = malloc(sizeof(UChar) * (n + 1)), *v = malloc(sizeof(UChar) * (2 * n + 1));
        err = U_ZERO_ERROR;
        u_strFromUTF8(u, (int32_t)n + 1, &n16, text, (int32_t)n, &err);
        err = U_ZERO_ERROR;
        int32_t nv = unorm2_normalize(nfc, u, n16, v, 2 * n16 + 1, &err);
        char *out = malloc(3 * (size_t)nv + 1);
        int32_t n8 = 0;
        err = U_ZERO_ERROR;
        u_strToUTF8(out, 3 * nv + 1, &n8, v, nv, &err);
        PCRE2_SIZE start = 0;
        while (pcre2_jit_match(re, (PCRE2_SPTR)out, (PCRE2_SIZE)n8, start, 0, md, NULL) > 0) {
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            hits++;
            start = ov[1] > start ? ov[1] : start + 1;
        }
        free(text);
        free(u);
        free(v);
        free(out);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%d %zu %.6f %zu\n", argc - 1, bytes, s, hits);
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return 0;
}
