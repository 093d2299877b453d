/* test_match.c — the task matcher: folding, reworded prefixes, merged rows,
 * synonyms, place names, explanations. */
#include "testutil.h"
/* testutil.h first: cmocka needs its headers in order */
#include "match.h"

static cd_matcher *matcher;
static cd_arena arena;

static int setup(void **state) {
    if (test_rules_setup(state)) return -1;
    cd_arena_init(&arena);
    cd_diag_list errs;
    cd_diags_init(&errs, &arena);
    matcher = cd_matcher_new(test_rules, &errs);
    return matcher ? 0 : -1;
}

static int teardown(void **state) {
    cd_matcher_free(matcher);
    cd_arena_free(&arena);
    return test_rules_teardown(state);
}

static cd_similarity compare(const char *required, const char *task) {
    return cd_match_compare(matcher, cd_mtext_new(matcher, required, &arena), cd_mtext_new(matcher, task, &arena));
}

static bool covers(const char *required, const char *task) {
    cd_similarity s = compare(required, task);
    return cd_match_covers(matcher, &s);
}

static void test_fold(void **state) {
    (void)state;
    assert_string_equal(cd_fold("Đổi mới Sáng tạo", strlen("Đổi mới Sáng tạo"), &arena), "doi moi sang tao");
    /* decomposed input (NFD) folds the same */
    const char *nfd = "Thu\xcc\x89 tu\xcc\xa3\xcc\x81"
                      "c";
    assert_string_equal(cd_fold(nfd, strlen(nfd), &arena), "thu tuc");
    assert_string_equal(cd_fold(NULL, 0, &arena), "");
}

static void test_fold_contains(void **state) {
    (void)state;
    const char *note = "Bổ sung theo Chương trình số 02-CTr/BCĐTW ngày 02/02/2026 của BCĐTW";
    assert_true(cd_fold_contains(note, "02-CTr/BCĐTW", &arena));
    assert_true(cd_fold_contains(note, "02-ctr/bcdtw", &arena));
    /* a note broken by a page ("02-" / "CTr/BCĐTW") still cites it */
    assert_true(cd_fold_contains("Bổ sung theo Chương trình số 02- CTr/BCĐTW", "02-CTr/BCĐTW", &arena));
    assert_false(cd_fold_contains("Kế hoạch số 04-KH/BCĐTW", "02-CTr/BCĐTW", &arena));
    assert_false(cd_fold_contains(NULL, "02-CTr/BCĐTW", &arena));
}

static void test_identical_and_case(void **state) {
    (void)state;
    const char *r = "Ban hành danh mục dữ liệu gốc, dữ liệu chủ, dữ liệu mở.";
    cd_similarity s = compare(r, r);
    assert_true(s.score > 0.99);
    assert_true(cd_match_covers(matcher, &s));
    s = compare(r, "BAN HÀNH DANH MỤC DỮ LIỆU GỐC, DỮ LIỆU CHỦ, DỮ LIỆU MỞ");
    assert_true(s.score > 0.99);
    /* without accents: the words still match */
    s = compare(r, "Ban hanh danh muc du lieu goc, du lieu chu, du lieu mo");
    assert_true(cd_match_covers(matcher, &s));
}

static void test_reworded_prefix(void **state) {
    (void)state;
    cd_similarity s =
        compare("Rà soát, nâng cấp và bảo đảm điều kiện tối thiểu phục vụ chuyển đổi số của cơ quan",
                "Chủ động rà soát, nâng cấp và bảo đảm điều kiện tối thiểu phục vụ chuyển đổi số của cơ quan");
    assert_true(s.score > 0.9);
    assert_true(cd_match_covers(matcher, &s));
}

static void test_merged_row(void **state) {
    (void)state;
    const char *r2 = "Chủ động rà soát, tham mưu cấp có thẩm quyền điều chỉnh, bổ sung những cơ chế, chính sách chưa "
                     "được giải quyết ở những văn bản đã ban hành để tiếp tục hoàn thiện thể chế, chính sách cho KHCN, "
                     "ĐMST, CDS.";
    const char *r3 = "Rà soát, xây dựng hoàn thiện các tiêu chuẩn, quy chuẩn, hướng dẫn kỹ thuật cho chuyển đổi số và "
                     "phát triển KHCN, ĐMST, phục vụ phát triển kinh tế xã hội.";
    const char *row22 =
        "Chủ động rà soát, tham mưu cấp có thẩm quyền điều chỉnh, bổ sung những cơ chế, chính sách chưa "
        "được giải quyết ở những văn bản đã ban hành để tiếp tục hoàn thiện thể chế, chính sách cho "
        "KHCN, ĐMST, CDS; Rà soát, xây dựng hoàn thiện các tiêu chuẩn, quy chuẩn, hướng dẫn kỹ thuật "
        "cho chuyển đổi số và phát triển KHCN, ĐMST, phục vụ phát triển kinh tế xã hội.";
    /* each required task is carried by its own clause of the merged row */
    cd_similarity s2 = compare(r2, row22), s3 = compare(r3, row22);
    assert_true(s2.score > 0.95 && s2.coverage > 0.95);
    assert_true(s3.score > 0.95 && s3.coverage > 0.95);
    /* neither carries the whole merged row */
    cd_mtext *m2 = cd_mtext_new(matcher, r2, &arena), *m3 = cd_mtext_new(matcher, r3, &arena);
    cd_mtext *m22 = cd_mtext_new(matcher, row22, &arena);
    assert_true(cd_match_compare_whole(matcher, m22, m2).coverage < 0.8);
    assert_true(cd_match_compare_whole(matcher, m22, m3).coverage < 0.8);
    /* and the two required tasks are different tasks */
    assert_false(covers(r2, r3));
}

static void test_unrelated(void **state) {
    (void)state;
    assert_false(covers("Tổ chức thí điểm tối thiểu 03 gói mua sắm công đối với sản phẩm từ kết quả KHCN",
                        "Ban hành danh mục dữ liệu gốc, dữ liệu mở"));
    /* one shared boilerplate phrase is not enough */
    assert_false(covers("Thời gian phê duyệt nhiệm vụ KHCN, ĐMST trung bình khoảng 90 ngày",
                        "Triển khai Kế hoạch phát triển hạ tầng số đã được phê duyệt."));
}

static void test_places_and_synonyms(void **state) {
    (void)state;
    /* a province's own name says nothing about which task a row is */
    assert_false(covers("Kế hoạch tổ chức đánh giá trình độ công nghệ đối với doanh nghiệp trên địa bàn tỉnh Đồng Tháp",
                        "Xây dựng Đề án hợp tác quốc tế về chuyển đổi số trên địa bàn tỉnh Đồng Tháp"));
    cd_similarity s = compare("Đánh giá trình độ công nghệ của doanh nghiệp tỉnh Nghệ An",
                              "Đánh giá trình độ công nghệ của doanh nghiệp tỉnh Đồng Tháp");
    assert_true(s.score > 0.95);
    /* spellings of one word */
    s = compare("Bố trí ngân sách cho khoa học và công nghệ, đổi mới sáng tạo và chuyển đổi số",
                "Bố trí ngân sách cho KH&CN, ĐMST và CĐS");
    assert_true(s.score > 0.95);
    s = compare("Tổ chức tập huấn kỹ năng số cho cán bộ", "Bồi dưỡng kỹ năng số cho cán bộ");
    assert_true(cd_match_covers(matcher, &s));
}

static void test_explains(void **state) {
    (void)state;
    const char *r = "Ban hành theo thẩm quyền hoặc trình cấp có thẩm quyền ban hành danh mục dữ liệu gốc, dữ liệu chủ, "
                    "dữ liệu mở, làm cơ sở kết nối, chia sẻ và tái sử dụng dữ liệu";
    const char *t = "Rà soát toàn diện văn bản quy phạm pháp luật. Ban hành danh mục dữ liệu gốc, dữ liệu mở, quy định "
                    "quản trị dữ liệu.";
    cd_mtext *rx = cd_mtext_new(matcher, r, &arena), *tx = cd_mtext_new(matcher, t, &arena);
    cd_similarity s = cd_match_compare(matcher, rx, tx);
    assert_true(cd_match_covers(matcher, &s));
    /* the compared part of the task is its second sentence */
    assert_memory_equal(cd_mtext_text(tx) + s.task_start, "Ban hành danh mục", strlen("Ban hành danh mục"));
    cd_strs w = cd_match_words(matcher, rx, tx, &s, &arena);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.items[0], "danh mục dữ liệu gốc, dữ liệu");
    assert_string_equal(w.items[1], "dữ liệu mở");
}

static void test_whole_is_symmetric(void **state) {
    (void)state;
    cd_mtext *a = cd_mtext_new(matcher, "Hoàn thành kết nối, khai thác, chia sẻ hiệu quả dữ liệu", &arena);
    cd_mtext *b = cd_mtext_new(matcher, "Chủ động hoàn thành việc kết nối, chia sẻ dữ liệu", &arena);
    assert_true(cd_match_compare_whole(matcher, a, b).score == cd_match_compare_whole(matcher, b, a).score);
    /* empty and odd texts do not break anything */
    cd_mtext *e = cd_mtext_new(matcher, "", &arena), *p = cd_mtext_new(matcher, "(;...) , .", &arena);
    assert_true(cd_match_compare(matcher, e, a).score == 0);
    assert_true(cd_match_compare(matcher, p, e).score == 0);
    assert_int_equal(cd_match_words(matcher, e, a, &(cd_similarity){0}, &arena).n, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_fold_contains),
        cmocka_unit_test(test_identical_and_case),
        cmocka_unit_test(test_reworded_prefix),
        cmocka_unit_test(test_merged_row),
        cmocka_unit_test(test_unrelated),
        cmocka_unit_test(test_places_and_synonyms),
        cmocka_unit_test(test_explains),
        cmocka_unit_test(test_whole_is_symmetric),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
