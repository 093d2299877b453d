/* test_layout.c — cd_layout_probe / cd_layout_rewrite: tables laid out with
 * spaces (pdftotext -layout) and pandoc's simple, multiline and grid tables
 * to tab-separated rows, the line count kept, everything else untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* cmocka needs the headers above first */
#include <cmocka.h>

#include "layout.h"

/* The rewrite of s, NUL-terminated, in a (freed by the caller); *tables
 * gets the number of tables rewritten. */
static const char *rewrite(cd_arena *a, const char *s, size_t *tables) {
    cd_buf b;
    cd_buf_init(&b, a);
    *tables = cd_layout_rewrite(s, strlen(s), &b);
    return cd_buf_str(&b);
}

static size_t count_lines(const char *s) {
    size_t n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Line i (0-based) of s, in a. */
static const char *line_at(cd_arena *a, const char *s, size_t i) {
    for (; i && s; i--) {
        s = strchr(s, '\n');
        if (s) s++;
    }
    assert_non_null(s);
    const char *e = strchr(s, '\n');
    return cd_arena_strndup(a, s, e ? (size_t)(e - s) : strlen(s));
}

static void test_probe_ordinary_text(void **state) {
    (void)state;
    const char *prose = "KẾ HOẠCH\n\n1. Ban hành kế hoạch.  Tiếp theo.\n- Chủ trì: Sở Tài chính\n"
                        "TT\tNội dung\tChủ trì\n1\tViệc\tSở A\n**ỦY BAN  \nTỈNH**\n";
    assert_false(cd_layout_probe(prose, strlen(prose)));
    /* a markdown rule, a pandoc bullet list */
    const char *rule = "Đoạn văn.\n\n---\n\n-   Chủ trì: Sở A\n-   Phối hợp: Sở B\n-   Thời gian: Quý I\n";
    assert_false(cd_layout_probe(rule, strlen(rule)));
    assert_false(cd_layout_probe("", 0));
}

static void test_probe_tables(void **state) {
    (void)state;
    const char *simple = "  TT   Nội dung\n  ---- ----------\n  1    Việc\n";
    assert_true(cd_layout_probe(simple, strlen(simple)));
    const char *grid = "+----+----+\n| a  | b  |\n+----+----+\n";
    assert_true(cd_layout_probe(grid, strlen(grid)));
    const char *aligned = "TT   Nội dung     Chủ trì\n1    Việc một     Sở A\n2    Việc hai     Sở B\n";
    assert_true(cd_layout_probe(aligned, strlen(aligned)));
}

static void test_pandoc_simple(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    const char *in = "Bảng:\n"
                     "\n"
                     "  TT   Nội dung công việc     Chủ trì thực hiện   Thời gian\n"
                     "  ---- ---------------------- ------------------- -----------\n"
                     "  1    Phát triển mạng lưới   Sở Khoa học         Tháng 02\n"
                     "  2    Triển khai đề án       Công an tỉnh        Quý II\n"
                     "\n"
                     "Hết.\n";
    size_t tables;
    const char *out = rewrite(&a, in, &tables);
    assert_int_equal(tables, 1);
    assert_int_equal(count_lines(out), count_lines(in));
    assert_string_equal(line_at(&a, out, 0), "Bảng:");
    assert_string_equal(line_at(&a, out, 2), "TT\tNội dung công việc\tChủ trì thực hiện\tThời gian");
    assert_string_equal(line_at(&a, out, 3), "");
    assert_string_equal(line_at(&a, out, 4), "1\tPhát triển mạng lưới\tSở Khoa học\tTháng 02");
    assert_string_equal(line_at(&a, out, 5), "2\tTriển khai đề án\tCông an tỉnh\tQuý II");
    assert_string_equal(line_at(&a, out, 7), "Hết.");
    cd_arena_free(&a);
}

static void test_pandoc_multiline(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    const char *in = "  --------------------------------------\n"
                     "  TT   Nội dung            Chủ trì\n"
                     "  ---- ------------------- -------------\n"
                     "  1    Phát triển mạng     Giám đốc Sở\n"
                     "       lưới kết nối        Khoa học\n"
                     "\n"
                     "  2    Triển khai          Công an\n"
                     "  --------------------------------------\n";
    size_t tables;
    const char *out = rewrite(&a, in, &tables);
    assert_int_equal(tables, 1);
    assert_int_equal(count_lines(out), count_lines(in));
    assert_string_equal(line_at(&a, out, 0), "");
    assert_string_equal(line_at(&a, out, 1), "TT\tNội dung\tChủ trì");
    assert_string_equal(line_at(&a, out, 3), "1\tPhát triển mạng lưới kết nối\tGiám đốc Sở Khoa học");
    assert_string_equal(line_at(&a, out, 4), "");
    assert_string_equal(line_at(&a, out, 6), "2\tTriển khai\tCông an");
    assert_string_equal(line_at(&a, out, 7), "");
    cd_arena_free(&a);
}

static void test_pandoc_grid(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    const char *in = "+------+------------------+------------+\n"
                     "| TT   | Nội dung         | Chủ trì    |\n"
                     "+======+==================+============+\n"
                     "| 1    | Phát triển mạng  | Sở Khoa    |\n"
                     "|      | lưới kết nối     | học        |\n"
                     "+------+------------------+------------+\n"
                     "| 2    | Đoạn một.        | Sở Tài     |\n"
                     "|      |                  | chính      |\n"
                     "|      | Đoạn hai.        |            |\n"
                     "+------+------------------+------------+\n";
    size_t tables;
    const char *out = rewrite(&a, in, &tables);
    assert_int_equal(tables, 1);
    assert_int_equal(count_lines(out), count_lines(in));
    assert_string_equal(line_at(&a, out, 0), "");
    assert_string_equal(line_at(&a, out, 1), "TT\tNội dung\tChủ trì");
    assert_string_equal(line_at(&a, out, 2), "");
    assert_string_equal(line_at(&a, out, 3), "1\tPhát triển mạng lưới kết nối\tSở Khoa học");
    assert_string_equal(line_at(&a, out, 4), "");
    assert_string_equal(line_at(&a, out, 6), "2\tĐoạn một. Đoạn hai.\tSở Tài chính");
    cd_arena_free(&a);
}

/* pdftotext -layout: columns by character (code point) positions, a cell
 * wrapped over lines, rows between blank lines, a word pushed one column
 * right of its column. */
static void test_space_aligned(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    const char *in = "CHƯƠNG TRÌNH công tác năm 2026 của Ban Chỉ đạo về phát triển khoa học\n"
                     "\n"
                     "TT   Nội dung công việc      Chủ trì         Thời gian\n"
                     "\n"
                     "1    Phát triển mạng lưới    Giám đốc Sở     Tháng 02\n"
                     "     kết nối các trung tâm   Khoa học và\n"
                     "                             Công nghệ\n"
                     "\n"
                     "2    Triển khai Đề án số 05   Chánh Văn      Quý II\n"
                     "     của Ban Thường vụ       phòng\n"
                     "\n"
                     "Nơi nhận: như trên, lưu văn thư và các cơ quan có liên quan.\n";
    size_t tables;
    const char *out = rewrite(&a, in, &tables);
    assert_int_equal(tables, 1);
    assert_int_equal(count_lines(out), count_lines(in));
    assert_string_equal(line_at(&a, out, 0), "CHƯƠNG TRÌNH công tác năm 2026 của Ban Chỉ đạo về phát triển khoa học");
    assert_string_equal(line_at(&a, out, 2), "TT\tNội dung công việc\tChủ trì\tThời gian");
    assert_string_equal(line_at(&a, out, 4),
                        "1\tPhát triển mạng lưới kết nối các trung tâm\tGiám đốc Sở Khoa học và Công nghệ\tTháng 02");
    assert_string_equal(line_at(&a, out, 5), "");
    assert_string_equal(line_at(&a, out, 6), "");
    assert_string_equal(line_at(&a, out, 8), "2\tTriển khai Đề án số 05 của Ban Thường vụ\tChánh Văn phòng\tQuý II");
    assert_string_equal(line_at(&a, out, 11), "Nơi nhận: như trên, lưu văn thư và các cơ quan có liên quan.");
    cd_arena_free(&a);
}

/* Two blocks side by side (a signature block) are not a table. */
static void test_two_blocks_left_alone(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    const char *in = "Nơi nhận:                              KT. CHỦ TỊCH\n"
                     "- Như trên;                            PHÓ CHỦ TỊCH\n"
                     "- Lưu: VT.\n"
                     "                                       Trần Văn A\n";
    size_t tables;
    const char *out = rewrite(&a, in, &tables);
    assert_int_equal(tables, 0);
    assert_string_equal(out, in);
    cd_arena_free(&a);
}

/* A table continued on the next page (form feed) keeps its columns. */
static void test_page_break(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    const char *in = "TT   Nội dung công việc      Chủ trì         Thời gian\n"
                     "\n"
                     "1    Phát triển mạng lưới    Giám đốc Sở     Tháng 02\n"
                     "\n"
                     "2    Triển khai đề án        Công an         Quý II\n"
                     "\f     kết nối các trung tâm   tỉnh\n"
                     "\n"
                     "3    Rà soát văn bản         Sở Tư pháp      Quý III\n";
    size_t tables;
    const char *out = rewrite(&a, in, &tables);
    assert_int_equal(count_lines(out), count_lines(in));
    assert_true(tables >= 1);
    assert_string_equal(line_at(&a, out, 4), "2\tTriển khai đề án\tCông an\tQuý II");
    /* the rest of the row, its first cell empty: the structure stage joins it */
    assert_string_equal(line_at(&a, out, 5), "\tkết nối các trung tâm\ttỉnh\t");
    assert_string_equal(line_at(&a, out, 7), "3\tRà soát văn bản\tSở Tư pháp\tQuý III");
    cd_arena_free(&a);
}

/* cd_layout_document: the text path's entry. */
static void test_document(void **state) {
    (void)state;
    cd_document doc;
    memset(&doc, 0, sizeof doc);
    cd_arena_init(&doc.arena);
    const char *in = "  TT   Nội dung   Chủ trì\n  ---- ---------- ---------\n  1    Việc       Sở A\n";
    doc.bytes = (const unsigned char *)in;
    doc.n_bytes = strlen(in);
    cd_layout_document(&doc);
    assert_non_null(doc.text);
    assert_memory_equal(doc.text, "TT\tNội dung\tChủ trì\n\n1\tViệc\tSở A\n", doc.n_text);
    cd_arena_free(&doc.arena);
    /* ordinary text: nothing done */
    memset(&doc, 0, sizeof doc);
    cd_arena_init(&doc.arena);
    doc.bytes = (const unsigned char *)"Kế hoạch số 1.\n";
    doc.n_bytes = strlen("Kế hoạch số 1.\n");
    cd_layout_document(&doc);
    assert_null(doc.text);
    cd_arena_free(&doc.arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_ordinary_text),
        cmocka_unit_test(test_probe_tables),
        cmocka_unit_test(test_pandoc_simple),
        cmocka_unit_test(test_pandoc_multiline),
        cmocka_unit_test(test_pandoc_grid),
        cmocka_unit_test(test_space_aligned),
        cmocka_unit_test(test_two_blocks_left_alone),
        cmocka_unit_test(test_page_break),
        cmocka_unit_test(test_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
