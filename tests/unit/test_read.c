/* test_read.c — cd_read: BOM, line ends, UTF-8 validation and repair, NUL
 * bytes, empty input, limits, indentation, sha256. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* cmocka needs the headers above first */
#include <cmocka.h>

#include "limits.h"
#include "read.h"

typedef struct tdoc {
    cd_document d;
    int rc;
} tdoc;

static void open_n(tdoc *t, const char *bytes, size_t n, bool repair) {
    memset(t, 0, sizeof *t);
    cd_arena_init(&t->d.arena);
    cd_diags_init(&t->d.diags, &t->d.arena);
    t->d.path = "in.txt";
    t->d.bytes = (const unsigned char *)bytes;
    t->d.n_bytes = n;
    cd_options opt = {.repair = repair};
    t->rc = cd_read(&t->d, &opt);
}

static void open_s(tdoc *t, const char *s) { open_n(t, s, strlen(s), false); }
static void close_doc(tdoc *t) { cd_arena_free(&t->d.arena); }

/* The only diagnostic, which must have this code and severity. */
static const cd_diag *only_diag(tdoc *t, const char *code, cd_severity sev) {
    assert_int_equal(t->d.diags.n, 1);
    const cd_diag *d = &t->d.diags.items[0];
    assert_string_equal(d->code, code);
    assert_int_equal(d->severity, sev);
    return d;
}

static void test_lines_lf(void **state) {
    (void)state;
    tdoc t;
    open_s(&t, "một\nhai\n\nbốn\n");
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_int_equal(t.d.n_lines, 4); /* a final newline adds no empty line */
    assert_string_equal(t.d.lines[0].text, "một");
    assert_int_equal(t.d.lines[0].len, strlen("một"));
    assert_string_equal(t.d.lines[1].text, "hai");
    assert_string_equal(t.d.lines[2].text, "");
    assert_string_equal(t.d.lines[3].text, "bốn");
    for (size_t i = 0; i < t.d.n_lines; i++)
        assert_int_equal(t.d.lines[i].src, (int)i + 1);
    assert_string_equal(t.d.encoding, "UTF-8");
    assert_string_equal(t.d.format, "text");
    assert_int_equal(t.d.diags.n, 0);
    close_doc(&t);
}

static void test_last_line_without_newline(void **state) {
    (void)state;
    tdoc t;
    open_s(&t, "a\nb");
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_int_equal(t.d.n_lines, 2);
    assert_string_equal(t.d.lines[1].text, "b");
    assert_int_equal(t.d.lines[1].src, 2);
    close_doc(&t);

    open_s(&t, "\n");
    assert_int_equal(t.d.n_lines, 1);
    assert_string_equal(t.d.lines[0].text, "");
    close_doc(&t);

    open_s(&t, "a\n\n");
    assert_int_equal(t.d.n_lines, 2);
    close_doc(&t);
}

static void test_crlf_and_cr(void **state) {
    (void)state;
    tdoc t;
    open_s(&t, "a\r\nb\r\n\r\nc");
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_int_equal(t.d.n_lines, 4);
    assert_string_equal(t.d.lines[0].text, "a");
    assert_int_equal(t.d.lines[0].len, 1);
    assert_string_equal(t.d.lines[1].text, "b");
    assert_string_equal(t.d.lines[2].text, "");
    assert_string_equal(t.d.lines[3].text, "c");
    close_doc(&t);

    /* lone CR (old Mac), and a mixture */
    open_s(&t, "a\rb\rc\r");
    assert_int_equal(t.d.n_lines, 3);
    assert_string_equal(t.d.lines[2].text, "c");
    close_doc(&t);

    /* CR, CRLF, LF, CR: each one terminator */
    open_s(&t, "a\r\r\nb\n\rc");
    assert_int_equal(t.d.n_lines, 5);
    assert_string_equal(t.d.lines[0].text, "a");
    assert_string_equal(t.d.lines[1].text, "");
    assert_string_equal(t.d.lines[2].text, "b");
    assert_string_equal(t.d.lines[3].text, "");
    assert_string_equal(t.d.lines[4].text, "c");
    close_doc(&t);
}

static void test_mixed_tail(void **state) {
    (void)state;
    tdoc t;
    open_s(&t, "a\r\nb\rc\nd");
    assert_int_equal(t.d.n_lines, 4);
    assert_string_equal(t.d.lines[3].text, "d");
    assert_int_equal(t.d.lines[3].src, 4);
    close_doc(&t);
}

static void test_bom(void **state) {
    (void)state;
    tdoc t;
    open_s(&t, "\xEF\xBB\xBFSố: 07\nx");
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_string_equal(t.d.lines[0].text, "Số: 07");
    assert_int_equal(t.d.n_lines, 2);
    close_doc(&t);

    /* only a BOM: nothing to read */
    open_s(&t, "\xEF\xBB\xBF");
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    only_diag(&t, "empty-input", CD_SEV_ERROR);
    close_doc(&t);
}

static void test_empty_input(void **state) {
    (void)state;
    tdoc t;
    open_n(&t, "", 0, false);
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    const cd_diag *d = only_diag(&t, "empty-input", CD_SEV_ERROR);
    assert_string_equal(d->message, "empty input");
    assert_string_equal(d->file, "in.txt");
    assert_int_equal(t.d.n_lines, 0);
    close_doc(&t);
}

static void test_invalid_utf8(void **state) {
    (void)state;
    tdoc t;
    /* line 2, column 3 ("đ" counts as one character), byte offset 7 */
    open_s(&t, "abc\nđx\xC3(y\n");
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    const cd_diag *d = only_diag(&t, "invalid-utf8", CD_SEV_ERROR);
    assert_int_equal(d->line, 2);
    assert_string_equal(d->file, "in.txt");
    assert_string_equal(d->message, "invalid UTF-8 byte 0xC3 at offset 7 (line 2, column 3)");
    close_doc(&t);

    /* several: the first is named, the count given */
    open_s(&t, "\xFF\n\xFE");
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    d = only_diag(&t, "invalid-utf8", CD_SEV_ERROR);
    assert_int_equal(d->line, 1);
    assert_non_null(strstr(d->message, "byte 0xFF at offset 0 (line 1, column 1)"));
    assert_non_null(strstr(d->message, "2 invalid sequences"));
    close_doc(&t);
}

static void test_invalid_utf8_repair(void **state) {
    (void)state;
    tdoc t;
    open_n(&t, "abc\nđx\xC3(y\n", strlen("abc\nđx\xC3(y\n"), true);
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_int_equal(t.d.n_lines, 2);
    assert_string_equal(t.d.lines[1].text, "đx\xEF\xBF\xBD(y");
    const cd_diag *d = only_diag(&t, "encoding-repaired", CD_SEV_WARNING);
    assert_int_equal(d->line, 2);
    assert_non_null(strstr(d->message, "offset 7"));
    close_doc(&t);

    /* a truncated sequence at the very end, and one before a newline */
    const char *s = "a\xE1\xBB\nb\xF0\x9F\x98";
    open_n(&t, s, strlen(s), true);
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_int_equal(t.d.n_lines, 2);
    assert_string_equal(t.d.lines[0].text, "a\xEF\xBF\xBD"); /* one U+FFFD per maximal subpart */
    assert_string_equal(t.d.lines[1].text, "b\xEF\xBF\xBD");
    close_doc(&t);
}

static void test_overlong_and_out_of_range(void **state) {
    (void)state;
    static const struct {
        const char *bytes;
        const char *repaired; /* U+FFFD per maximal subpart (Unicode 3.9, W3C practice) */
    } cases[] = {
        {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},                                 /* overlong '/' (2 bytes) */
        {"\xC1\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD"},                                 /* overlong, C1 lead */
        {"\xE0\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},                 /* overlong '/' (3 bytes) */
        {"\xF0\x80\x80\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* overlong (4) */
        {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},                 /* surrogate U+D800 */
        {"\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* U+110000 */
        {"\xF5\x80", "\xEF\xBF\xBD\xEF\xBF\xBD"},                                 /* F5: never a lead byte */
        {"\x80", "\xEF\xBF\xBD"},                                                 /* lone continuation */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tdoc t;
        open_s(&t, cases[i].bytes);
        assert_int_equal(t.rc, CD_EXIT_INPUT);
        only_diag(&t, "invalid-utf8", CD_SEV_ERROR);
        close_doc(&t);
        open_n(&t, cases[i].bytes, strlen(cases[i].bytes), true);
        assert_int_equal(t.rc, CD_EXIT_OK);
        assert_string_equal(t.d.lines[0].text, cases[i].repaired);
        close_doc(&t);
    }
}

static void test_valid_utf8_edges(void **state) {
    (void)state;
    /* the extremes that must pass: U+0080, U+07FF, U+0800, U+D7FF, U+E000,
     * U+FFFD, U+10000, U+10FFFF, and Vietnamese */
    const char *s = "\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xEF\xBF\xBD"
                    "\xF0\x90\x80\x80\xF4\x8F\xBF\xBF Việt Nam Đồng Tháp";
    tdoc t;
    open_s(&t, s);
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_int_equal(t.d.diags.n, 0);
    assert_string_equal(t.d.lines[0].text, s);
    close_doc(&t);
}

static void test_truncated_at_end(void **state) {
    (void)state;
    /* a sequence cut off by the end of the file, after good text and a
     * newline: the fast check must not take the file's end as a boundary */
    static const char *const cut[] = {"ok\nVi\xE1\xBB", "ok\n\xC3", "ok\n\xF0\x9F\x98", "ok\n\xE1"};
    for (size_t i = 0; i < sizeof cut / sizeof *cut; i++) {
        tdoc t;
        open_s(&t, cut[i]);
        assert_int_equal(t.rc, CD_EXIT_INPUT);
        const cd_diag *d = only_diag(&t, "invalid-utf8", CD_SEV_ERROR);
        assert_int_equal(d->line, 2);
        close_doc(&t);
    }
}

/* Read s under the lines limit given as "lines=N". */
static void open_limited(tdoc *t, const char *s, const char *lines_limit) {
    memset(t, 0, sizeof *t);
    cd_arena_init(&t->d.arena);
    cd_diags_init(&t->d.diags, &t->d.arena);
    t->d.path = "in.txt";
    t->d.bytes = (const unsigned char *)s;
    t->d.n_bytes = strlen(s);
    cd_limits l;
    cd_limits_init(&l);
    assert_null(cd_limits_set(&l, lines_limit));
    cd_options opt = {.limits = &l};
    t->rc = cd_read(&t->d, &opt);
}

static void test_lines_limit_exact(void **state) {
    (void)state;
    /* CRLF counts two terminator bytes a line: the bound the fast check
     * takes is over the limit, the exact count is not */
    tdoc t;
    open_limited(&t, "a\r\nb\r\nc\r\n", "lines=3");
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_int_equal(t.d.n_lines, 3);
    close_doc(&t);
    open_limited(&t, "a\nb\nc\n", "lines=3");
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_int_equal(t.d.n_lines, 3);
    close_doc(&t);
    open_limited(&t, "a\nb\nc\nd", "lines=3");
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    assert_non_null(strstr(only_diag(&t, "limit-exceeded", CD_SEV_ERROR)->message, "limit exceeded: lines: "));
    close_doc(&t);
}

static void test_nul_byte(void **state) {
    (void)state;
    tdoc t;
    open_n(&t, "ab\ncd\0ef", 8, false);
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    const cd_diag *d = only_diag(&t, "binary-input", CD_SEV_ERROR);
    assert_int_equal(d->line, 2);
    assert_non_null(strstr(d->message, "offset 5"));
    close_doc(&t);
    /* --repair does not make binary input text */
    open_n(&t, "ab\ncd\0ef", 8, true);
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    close_doc(&t);
}

static void test_limits(void **state) {
    (void)state;
    tdoc t;
    /* the size is checked before a byte is read */
    memset(&t, 0, sizeof t);
    cd_arena_init(&t.d.arena);
    cd_diags_init(&t.d.diags, &t.d.arena);
    t.d.bytes = (const unsigned char *)"x";
    t.d.n_bytes = (size_t)cd_limit_table[CD_LIMIT_FILE_SIZE].value + 1;
    assert_int_equal(cd_read(&t.d, NULL), CD_EXIT_INPUT);
    const cd_diag *d = only_diag(&t, "limit-exceeded", CD_SEV_ERROR);
    assert_non_null(strstr(d->message, "limit exceeded: file-size: "));
    close_doc(&t);

    size_t max_line = (size_t)cd_limit_table[CD_LIMIT_LINE_LENGTH].value, n = max_line + 1;
    char *big = malloc(n + 8);
    assert_non_null(big);
    memcpy(big, "ok\n", 3);
    memset(big + 3, 'a', n);
    open_n(&t, big, n + 3, false);
    assert_int_equal(t.rc, CD_EXIT_INPUT);
    d = only_diag(&t, "limit-exceeded", CD_SEV_ERROR);
    assert_int_equal(d->line, 2);
    assert_non_null(strstr(d->message, "limit exceeded: line-length: line 2"));
    close_doc(&t);

    /* exactly the limit is fine */
    open_n(&t, big, max_line + 3, false);
    assert_int_equal(t.rc, CD_EXIT_OK);
    assert_int_equal(t.d.lines[1].len, max_line);
    close_doc(&t);
    free(big);
}

static void test_indent_and_text_kept(void **state) {
    (void)state;
    tdoc t;
    open_s(&t, "  a\n\tb\n \t c  \nd");
    assert_int_equal(t.d.lines[0].indent, 2);
    assert_int_equal(t.d.lines[1].indent, 4);
    assert_int_equal(t.d.lines[2].indent, 6);
    assert_int_equal(t.d.lines[3].indent, 0);
    assert_string_equal(t.d.lines[2].text, " \t c  "); /* read keeps the text as is */
    assert_int_equal(t.d.lines[0].flags, 0);
    close_doc(&t);
}

static void test_sha256(void **state) {
    (void)state;
    tdoc t;
    open_s(&t, "abc");
    assert_string_equal(t.d.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    close_doc(&t);
    /* of the file's bytes, BOM included */
    open_s(&t, "\xEF\xBB\xBF"
               "abc");
    assert_string_not_equal(t.d.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(strlen(t.d.sha256), 64);
    close_doc(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_lf),
        cmocka_unit_test(test_last_line_without_newline),
        cmocka_unit_test(test_crlf_and_cr),
        cmocka_unit_test(test_mixed_tail),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_invalid_utf8_repair),
        cmocka_unit_test(test_overlong_and_out_of_range),
        cmocka_unit_test(test_valid_utf8_edges),
        cmocka_unit_test(test_truncated_at_end),
        cmocka_unit_test(test_lines_limit_exact),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_indent_and_text_kept),
        cmocka_unit_test(test_sha256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
