/* test_deadline.c — every row of the CONTRACT's deadline table, the forms
 * without a year, OCR repair, unparsed text, calendar checks, cell
 * classification and deadline clauses in sentences. */
#include "testutil.h"

#include "deadline.h"

/* Parse text with doc_year; diagnostics collected in *diags (arena a). */
static bool parse(const char *text, int doc_year, cd_deadline *out, cd_arena *a, cd_diag_list *diags) {
    return cd_deadline_parse(test_rules, text, strlen(text), doc_year, out, a, diags, "doc.txt", 42);
}

static void assert_date(cd_date d, int y, int m, int day) {
    assert_int_equal(d.y, y);
    if (!y) return;
    assert_int_equal(d.m, m);
    assert_int_equal(d.d, day);
}

/* text must parse to kind with start (sy-sm-sd, 0 = null) and end. */
static void check(const char *text, int doc_year, cd_deadline_kind kind, int sy, int sm, int sd, int ey, int em,
                  int ed) {
    cd_arena a;
    cd_arena_init(&a);
    cd_diag_list diags;
    cd_diags_init(&diags, &a);
    cd_deadline d;
    bool ok = parse(text, doc_year, &d, &a, &diags);
    if (!ok || d.kind != kind) fprintf(stderr, "'%s': kind %s\n", text, cd_deadline_kind_name(d.kind));
    assert_true(ok);
    assert_int_equal(d.kind, kind);
    assert_date(d.start, sy, sm, sd);
    assert_date(d.end, ey, em, ed);
    assert_int_equal(diags.n, 0);
    cd_arena_free(&a);
}

/* text must be recognised as kind with no dates (and recurrence when given). */
static void check_undated(const char *text, cd_deadline_kind kind, const char *recurrence) {
    cd_arena a;
    cd_arena_init(&a);
    cd_deadline d;
    bool ok = parse(text, 2026, &d, &a, NULL);
    if (!ok || d.kind != kind) fprintf(stderr, "'%s': kind %s\n", text, cd_deadline_kind_name(d.kind));
    assert_true(ok);
    assert_int_equal(d.kind, kind);
    assert_int_equal(d.start.y, 0);
    assert_int_equal(d.end.y, 0);
    if (recurrence)
        assert_string_equal(d.recurrence, recurrence);
    else
        assert_null(d.recurrence);
    cd_arena_free(&a);
}

/* text must not be a deadline: unknown, raw kept, one deadline-unparsed. */
static void check_unparsed(const char *text) {
    cd_arena a;
    cd_arena_init(&a);
    cd_diag_list diags;
    cd_diags_init(&diags, &a);
    cd_deadline d;
    bool ok = parse(text, 2026, &d, &a, &diags);
    if (ok) fprintf(stderr, "'%s': kind %s\n", text, cd_deadline_kind_name(d.kind));
    assert_false(ok);
    assert_int_equal(d.kind, CD_DL_UNKNOWN);
    assert_int_equal(d.start.y, 0);
    assert_int_equal(d.end.y, 0);
    assert_non_null(d.raw);
    assert_int_equal(diags.n, 1);
    assert_string_equal(diags.items[0].code, "deadline-unparsed");
    assert_int_equal(diags.items[0].severity, CD_SEV_WARNING);
    assert_string_equal(diags.items[0].file, "doc.txt");
    assert_int_equal(diags.items[0].line, 42);
    cd_arena_free(&a);
}

/* ---- the CONTRACT table ---- */

static void test_date(void **state) {
    (void)state;
    check("30/06/2026", 0, CD_DL_DATE, 0, 0, 0, 2026, 6, 30);
    check("Trước 30/6/2026", 0, CD_DL_DATE, 0, 0, 0, 2026, 6, 30);
    check("trước ngày 20/7/2026", 0, CD_DL_DATE, 0, 0, 0, 2026, 7, 20);
    check("trước ngày 15 tháng 5 năm 2021", 2026, CD_DL_DATE, 0, 0, 0, 2021, 5, 15);
    check("Chậm nhất là ngày 15.12.2026", 0, CD_DL_DATE, 0, 0, 0, 2026, 12, 15);
}

static void test_month(void **state) {
    (void)state;
    check("Tháng 3/2026", 0, CD_DL_MONTH, 2026, 3, 1, 2026, 3, 31);
    check("Tháng 3", 2026, CD_DL_MONTH, 2026, 3, 1, 2026, 3, 31);
    check("Tháng 02", 2026, CD_DL_MONTH, 2026, 2, 1, 2026, 2, 28);
    check("Tháng 1/2026.", 0, CD_DL_MONTH, 2026, 1, 1, 2026, 1, 31);
    check("Trong tháng 6/2024", 0, CD_DL_MONTH, 2024, 6, 1, 2024, 6, 30);
    check("Tháng 12 năm 2026", 0, CD_DL_MONTH, 2026, 12, 1, 2026, 12, 31);
    check("Tháng 3, 4/2026", 0, CD_DL_MONTH, 2026, 3, 1, 2026, 4, 30);
    check("06/2026", 0, CD_DL_MONTH, 2026, 6, 1, 2026, 6, 30);
}

static void test_quarter(void **state) {
    (void)state;
    check("Quý II/2026", 0, CD_DL_QUARTER, 2026, 4, 1, 2026, 6, 30);
    check("Trong quý I/2026", 0, CD_DL_QUARTER, 2026, 1, 1, 2026, 3, 31);
    check("Đầu quý III/2026", 0, CD_DL_QUARTER, 2026, 7, 1, 2026, 9, 30);
    check("Quý IV năm 2026", 0, CD_DL_QUARTER, 2026, 10, 1, 2026, 12, 31);
    check("QUÝ IV/2025", 0, CD_DL_QUARTER, 2025, 10, 1, 2025, 12, 31);
    check("Quý 2/2026", 0, CD_DL_QUARTER, 2026, 4, 1, 2026, 6, 30);
    /* a trailing remark in brackets does not change the deadline */
    check("Quý I/2026 (Sau khi Chính phủ ban hành, triển khai Nghị quyết về phát triển công dân số.)", 0, CD_DL_QUARTER,
          2026, 1, 1, 2026, 3, 31);
}

static void test_quarter_pairs(void **state) {
    (void)state;
    check("Quý I, II/2026", 0, CD_DL_QUARTER, 2026, 1, 1, 2026, 6, 30);
    check("Quý I, III/2026", 0, CD_DL_QUARTER, 2026, 1, 1, 2026, 9, 30);
    check("Quý I và II năm 2026", 0, CD_DL_QUARTER, 2026, 1, 1, 2026, 6, 30);
}

static void test_half(void **state) {
    (void)state;
    check("6 tháng đầu năm 2026", 0, CD_DL_HALF, 2026, 1, 1, 2026, 6, 30);
    check("6 tháng cuối năm 2026", 0, CD_DL_HALF, 2026, 7, 1, 2026, 12, 31);
    check("Trong 6 tháng đầu năm", 2026, CD_DL_HALF, 2026, 1, 1, 2026, 6, 30);
}

static void test_year(void **state) {
    (void)state;
    check("Năm 2026", 0, CD_DL_YEAR, 2026, 1, 1, 2026, 12, 31);
    check("Trong năm 2026", 0, CD_DL_YEAR, 2026, 1, 1, 2026, 12, 31);
}

static void test_range(void **state) {
    (void)state;
    check("Tháng 02 đến hết năm 2026", 2026, CD_DL_RANGE, 2026, 2, 1, 2026, 12, 31);
    check("Tháng 02 đến hết năm 2026", 0, CD_DL_RANGE, 2026, 2, 1, 2026, 12, 31);
    check("2026-2030", 0, CD_DL_RANGE, 2026, 1, 1, 2030, 12, 31);
    check("2026 - 2030", 0, CD_DL_RANGE, 2026, 1, 1, 2030, 12, 31);
    check("Giai đoạn 2026-2030", 0, CD_DL_RANGE, 2026, 1, 1, 2030, 12, 31);
    check("Từ năm 2026 đến năm 2030", 0, CD_DL_RANGE, 2026, 1, 1, 2030, 12, 31);
    check("Từ tháng 3 đến tháng 6/2026", 0, CD_DL_RANGE, 2026, 3, 1, 2026, 6, 30);
    check("Từ tháng 10 đến tháng 3/2027", 0, CD_DL_RANGE, 2026, 10, 1, 2027, 3, 31);
    check("Từ quý II/2026 đến quý I/2027", 0, CD_DL_RANGE, 2026, 4, 1, 2027, 3, 31);
}

static void test_ongoing(void **state) {
    (void)state;
    check_undated("Thường xuyên", CD_DL_ONGOING, NULL);
    check_undated("Thường xuyên theo quy định hiện hành", CD_DL_ONGOING, NULL);
    check_undated("Thường xuyên, liên tục.", CD_DL_ONGOING, NULL);
}

static void test_recurring(void **state) {
    (void)state;
    check_undated("Hằng năm", CD_DL_RECURRING, "yearly");
    check_undated("Hàng năm", CD_DL_RECURRING, "yearly");
    check_undated("hằng tháng", CD_DL_RECURRING, "monthly");
    check_undated("Báo cáo hàng tháng", CD_DL_RECURRING, "monthly");
    check_undated("Định kỳ hằng quý", CD_DL_RECURRING, "quarterly");
    check_undated("trước ngày 20 hằng tháng", CD_DL_RECURRING, "monthly");
    check_undated("Quý I hằng năm", CD_DL_RECURRING, "yearly");
}

static void test_event(void **state) {
    (void)state;
    check_undated("Sau khi Trung ương ban hành Đề án", CD_DL_EVENT, NULL);
    check_undated("Khi Trung ương có hướng dẫn", CD_DL_EVENT, NULL);
    check_undated("Trình Ủy ban nhân dân tỉnh ban hành sau khi Bộ Nội vụ ban hành Đề án", CD_DL_EVENT, NULL);
    check_undated("Theo chương trình HĐND", CD_DL_EVENT, NULL);
    check_undated("Khi Bộ Dân tộc và Tôn giáo triển khai hoàn thiện nền tảng số", CD_DL_EVENT, NULL);
    check_undated("Sau khi nền tảng số được triển khai chính thức áp dụng tại địa phương", CD_DL_EVENT, NULL);
}

/* ---- forms without a year ---- */

static void test_doc_year(void **state) {
    (void)state;
    check("Quý II", 2025, CD_DL_QUARTER, 2025, 4, 1, 2025, 6, 30);
    check("Trước 30/6", 2026, CD_DL_DATE, 0, 0, 0, 2026, 6, 30);
    check("Ngày 20 tháng 7", 2026, CD_DL_DATE, 0, 0, 0, 2026, 7, 20);
    /* unknown year: kind set, dates null, still true and no diagnostic */
    check("Tháng 3", 0, CD_DL_MONTH, 0, 0, 0, 0, 0, 0);
    check("Quý II", 0, CD_DL_QUARTER, 0, 0, 0, 0, 0, 0);
    check("Trước 30/6", 0, CD_DL_DATE, 0, 0, 0, 0, 0, 0);
    /* a year printed in the deadline wins over the document's */
    check("Quý IV/2027", 2025, CD_DL_QUARTER, 2027, 10, 1, 2027, 12, 31);
}

/* ---- raw, trimming, case ---- */

static void test_raw_and_case(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    const char *text = "  Tháng 1/2026.  ";
    cd_deadline d;
    assert_true(parse(text, 0, &d, &a, NULL));
    assert_string_equal(d.raw, "Tháng 1/2026.");
    assert_string_equal(text, "  Tháng 1/2026.  "); /* input untouched */
    assert_true(parse("THƯỜNG XUYÊN", 0, &d, &a, NULL));
    assert_int_equal(d.kind, CD_DL_ONGOING);
    assert_true(parse("TRONG QUÝ III/2026;", 0, &d, &a, NULL));
    assert_int_equal(d.kind, CD_DL_QUARTER);
    /* len bounds the text: the rest of the buffer is not read */
    assert_true(
        cd_deadline_parse(test_rules, "Quý II/2026 và tiếp theo", strlen("Quý II/2026"), 0, &d, &a, NULL, NULL, 0));
    assert_int_equal(d.kind, CD_DL_QUARTER);
    assert_string_equal(d.raw, "Quý II/2026");
    assert_string_equal(cd_deadline_kind_name(CD_DL_RECURRING), "recurring");
    assert_string_equal(cd_deadline_kind_name(CD_DL_UNKNOWN), "unknown");
    cd_arena_free(&a);
}

/* ---- OCR repair ---- */

static void test_ocr_repair(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    cd_diag_list diags;
    cd_diags_init(&diags, &a);
    cd_deadline d;
    assert_true(parse("Quý 11/2026.", 0, &d, &a, &diags));
    assert_int_equal(d.kind, CD_DL_QUARTER);
    assert_true(d.repaired);
    assert_date(d.start, 2026, 4, 1);
    assert_date(d.end, 2026, 6, 30);
    assert_int_equal(diags.n, 1);
    assert_string_equal(diags.items[0].code, "ocr-repair");
    assert_int_equal(diags.items[0].severity, CD_SEV_WARNING);
    assert_string_equal(diags.items[0].file, "doc.txt");
    assert_int_equal(diags.items[0].line, 42);
    assert_non_null(strstr(diags.items[0].message, "11"));

    assert_true(parse("Quý 1V/2026", 0, &d, &a, NULL));
    assert_true(d.repaired);
    assert_date(d.end, 2026, 12, 31);
    /* Arabic 1–4 and lower-case Roman are plain readings, not repairs */
    assert_true(parse("Quý 1/2026", 0, &d, &a, NULL));
    assert_false(d.repaired);
    assert_date(d.end, 2026, 3, 31);
    assert_true(parse("quý ii/2026", 0, &d, &a, NULL));
    assert_false(d.repaired);
    assert_date(d.end, 2026, 6, 30);
    /* "11" is a repair only for a quarter: November stays November */
    assert_true(parse("Tháng 11/2026", 0, &d, &a, NULL));
    assert_false(d.repaired);
    assert_date(d.end, 2026, 11, 30);
    cd_arena_free(&a);
}

/* ---- unparsed and invalid ---- */

static void test_unparsed(void **state) {
    (void)state;
    check_unparsed("Sở Tài chính");
    check_unparsed("Theo dõi, đôn đốc");
    check_unparsed("Quý V/2026");
    check_unparsed("Tháng 13/2026");
    check_unparsed("");
    check_unparsed("   ");
    check_unparsed("2030-2026"); /* runs backwards */
    cd_arena a;
    cd_arena_init(&a);
    cd_deadline d;
    assert_false(parse("  Sở Tài chính ", 2026, &d, &a, NULL)); /* diags may be NULL */
    assert_string_equal(d.raw, "Sở Tài chính");
    cd_arena_free(&a);
}

static void test_calendar(void **state) {
    (void)state;
    check("29/02/2028", 0, CD_DL_DATE, 0, 0, 0, 2028, 2, 29);
    check("29/02/2000", 0, CD_DL_DATE, 0, 0, 0, 2000, 2, 29);
    check("Tháng 2/2028", 0, CD_DL_MONTH, 2028, 2, 1, 2028, 2, 29);
    check("Tháng 02", 2024, CD_DL_MONTH, 2024, 2, 1, 2024, 2, 29);
    check("31/12/2026", 0, CD_DL_DATE, 0, 0, 0, 2026, 12, 31);
    check_unparsed("31/02/2026");
    check_unparsed("29/02/2026");
    check_unparsed("29/02/2100"); /* not a leap year */
    check_unparsed("31/04/2026");
    check_unparsed("00/04/2026");
    check_unparsed("15/13/2026");
    /* 29/02 without a year is only invalid once the year is known */
    check("Trước 29/2", 0, CD_DL_DATE, 0, 0, 0, 0, 0, 0);
    check("Trước 29/2", 2028, CD_DL_DATE, 0, 0, 0, 2028, 2, 29);
    cd_arena a;
    cd_arena_init(&a);
    cd_deadline d;
    assert_false(parse("Trước 29/2", 2026, &d, &a, NULL));
    assert_int_equal(d.kind, CD_DL_UNKNOWN);
    cd_arena_free(&a);
}

/* ---- cell classification ---- */

static bool looks(const char *s) { return cd_deadline_looks_like(test_rules, s, strlen(s)); }

static void test_looks_like(void **state) {
    (void)state;
    assert_false(looks("Sở Tài chính"));
    assert_false(looks("Các sở, ban ngành, UBND cấp huyện"));
    assert_false(looks("Ủy viên Ban Chỉ đạo"));
    assert_false(looks("Các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy (trừ Ban Tổ chức Tỉnh ủy)"));
    assert_false(looks("1.1"));
    assert_false(looks("15"));
    assert_true(looks("Thường xuyên"));
    assert_true(looks("Quý II/2026"));
    assert_true(looks("Tháng 3/2025"));
    assert_true(looks("Hằng năm"));
    assert_true(looks("Tháng 3"));
    assert_true(looks("Sau khi Trung ương ban hành Đề án"));
    assert_false(looks("Xây dựng, ban hành quy định trách nhiệm của cán bộ, công chức, viên chức trong việc thực "
                       "hiện kế hoạch hành động về chuyển đổi số hằng năm."));
    assert_false(looks("Thường xuyên kiểm tra, đôn đốc, định kỳ hoặc đột xuất báo cáo UBND tỉnh kết quả thực hiện."));
    assert_false(looks("Cụ thể hóa các quy định pháp luật về khoa học, công nghệ ngay khi Trung ương hoàn thiện thể "
                       "chế"));
}

/* ---- deadline clauses in sentences ---- */

/* The clause found in s must be exactly want (NULL: none). */
static void check_sentence(const char *s, const char *want) {
    size_t b = 0, e = 0;
    bool found = cd_deadline_find_in_sentence(test_rules, s, strlen(s), &b, &e);
    if (found != (want != NULL) || (found && (e - b != strlen(want) || memcmp(s + b, want, e - b))))
        fprintf(stderr, "in '%s': found %d '%.*s'\n", s, found, found ? (int)(e - b) : 0, s + b);
    if (!want) {
        assert_false(found);
        return;
    }
    assert_true(found);
    assert_int_equal(e - b, strlen(want));
    assert_memory_equal(s + b, want, e - b);
}

static void test_find_in_sentence(void **state) {
    (void)state;
    const char *s = "Giao Sở X chủ trì, phối hợp với Sở Y nghiên cứu, tham mưu UBND tỉnh giải quyết theo đúng quy "
                    "định; hoàn thành trước ngày 21/11/2022.";
    check_sentence(s, "trước ngày 21/11/2022");
    /* the span found parses as the date */
    size_t b, e;
    assert_true(cd_deadline_find_in_sentence(test_rules, s, strlen(s), &b, &e));
    cd_arena a;
    cd_arena_init(&a);
    cd_deadline d;
    assert_true(cd_deadline_parse(test_rules, s + b, e - b, 0, &d, &a, NULL, NULL, 0));
    assert_int_equal(d.kind, CD_DL_DATE);
    assert_date(d.end, 2022, 11, 21);
    cd_arena_free(&a);

    check_sentence("Giao Sở Giao thông vận tải chủ trì, phối hợp với Sở Xây dựng nghiên cứu, đề xuất UBND tỉnh "
                   "phương án; hoàn thành trước ngày 30/6/2024./.",
                   "trước ngày 30/6/2024");
    check_sentence("Giao Sở Nội vụ chủ trì rà soát, tổng hợp, báo cáo UBND tỉnh trước ngày 15/12/2024",
                   "trước ngày 15/12/2024");
    check_sentence("Giao Sở Tài chính chủ trì tham mưu văn bản, hoàn thành trong tháng 6/2024.", "trong tháng 6/2024");
    check_sentence("Tổ chức triển khai thực hiện Đề án; thời gian hoàn thành: Quý II/2026", "Quý II/2026");
    check_sentence("Khẩn trương thực hiện các nhiệm vụ có thời hạn Quý II/2026 tại Phụ lục kèm theo.", "Quý II/2026");
    check_sentence("Thực hiện nghiêm túc các nhiệm vụ được giao, đặc biệt là các nhiệm vụ có thời hạn hoàn thành "
                   "trong Quý II/2026.",
                   "trong Quý II/2026");
    /* time words in the task's own wording are not its deadline */
    check_sentence("Định kỳ đánh giá, công bố mức độ hoàn thành nhiệm vụ chuyển đổi số của cơ quan nhà nước, phục "
                   "vụ công tác thi đua, khen thưởng hằng năm.",
                   NULL);
    check_sentence("Triển khai các chương trình, dự án thúc đẩy các lĩnh vực công nghệ; đến năm 2030, triển khai từ "
                   "01 - 02 dự án trong lĩnh vực trí tuệ nhân tạo.",
                   NULL);
    check_sentence("Bố trí kế hoạch vốn hằng năm từ nguồn ngân sách nhà nước do tỉnh quản lý.", NULL);
    /* a deadline clause followed by another clause is not near the end */
    check_sentence("Hoàn thành trước ngày 30/6/2026; sau đó tổ chức sơ kết, rút kinh nghiệm và nhân rộng mô hình.",
                   NULL);
    check_sentence("", NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_month),
        cmocka_unit_test(test_quarter),
        cmocka_unit_test(test_quarter_pairs),
        cmocka_unit_test(test_half),
        cmocka_unit_test(test_year),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_ongoing),
        cmocka_unit_test(test_recurring),
        cmocka_unit_test(test_event),
        cmocka_unit_test(test_doc_year),
        cmocka_unit_test(test_raw_and_case),
        cmocka_unit_test(test_ocr_repair),
        cmocka_unit_test(test_unparsed),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_looks_like),
        cmocka_unit_test(test_find_in_sentence),
    };
    return cmocka_run_group_tests(tests, test_rules_setup, test_rules_teardown);
}
