/* test_validate.c — the diagnostics of CONTRACT "diagnostics", pinned on the
 * real cases of the seed documents (samples/) and on small synthetic texts:
 * code, severity and source line of each, and what --strict sees. */
#include "testutil.h"

#include "chidao.h"

static cd_document doc;

static void run_opts(const char *text, bool strict) {
    cd_options opt = {.rules = test_rules, .strict = strict};
    cd_document_init_bytes(&doc, (const unsigned char *)text, strlen(text), "test.txt");
    assert_int_equal(cd_process(&doc, &opt), CD_EXIT_OK);
}

static void run(const char *text) { run_opts(text, false); }

static void run_sample(const char *path) {
    cd_options opt = {.rules = test_rules};
    assert_int_equal(cd_document_load(&doc, path, path), CD_EXIT_OK);
    assert_int_equal(cd_process(&doc, &opt), CD_EXIT_OK);
}

static void done(void) { cd_document_free(&doc); }

/* The n-th (0-based) diagnostic with this code, or NULL. */
static const cd_diag *nth_diag(const char *code, size_t n) {
    for (size_t i = 0; i < doc.diags.n; i++)
        if (!strcmp(doc.diags.items[i].code, code) && !n--) return &doc.diags.items[i];
    return NULL;
}

static size_t count_diags(const char *code) {
    size_t c = 0;
    while (nth_diag(code, c))
        c++;
    return c;
}

/* The only diagnostic with this code: its severity and line, and a piece of
 * its message. */
static const cd_diag *expect_one(const char *code, cd_severity sev, int line, const char *in_message) {
    if (count_diags(code) != 1) fprintf(stderr, "%s: %zu diagnostics\n", code, count_diags(code));
    assert_int_equal(count_diags(code), 1);
    const cd_diag *d = nth_diag(code, 0);
    assert_int_equal(d->severity, sev);
    assert_int_equal(d->line, line);
    if (in_message && !strstr(d->message, in_message))
        fail_msg("%s: \"%s\" lacks \"%s\"", code, d->message, in_message);
    return d;
}

/* ---------- the seed cases ---------- */

/* Seed 000: "I. Nhiệm vụ trọng tâm" (line 22) is followed by "III. Nhiệm vụ cụ
 * thể" (line 42): section II is missing, compared like with like. */
static void test_seed000_numbering_gap(void **state) {
    (void)state;
    run_sample("samples/000_144062e581508771.txt");
    const cd_diag *d = expect_one("numbering-gap", CD_SEV_WARNING, 42, "item III");
    assert_non_null(strstr(d->message, "follows item I (line 22)"));
    assert_non_null(strstr(d->message, "no item II"));
    /* I.1–I.8 print no field, and no task of their section does: info */
    assert_int_equal(count_diags("missing-lead"), 8);
    assert_int_equal(nth_diag("missing-lead", 0)->severity, CD_SEV_INFO);
    assert_int_equal(nth_diag("missing-lead", 0)->line, 24);
    assert_int_equal(count_diags("numbering-duplicate"), 0);
    done();
}

/* Seed 001: a draft letter, "Số: /UBND-KGVX" and "Quảng Ngãi, ngày tháng năm 2026". */
static void test_seed001_blank_number_and_date(void **state) {
    (void)state;
    run_sample("samples/001_41fd8fcf13e1293d.txt");
    expect_one("blank-number", CD_SEV_WARNING, 9, "\"Số: /UBND-KGVX\"");
    expect_one("blank-date", CD_SEV_WARNING, 11, "ngày tháng năm 2026");
    assert_null(doc.meta.number);
    assert_int_equal(doc.meta.date.y, 0);
    /* the agency items lack deadlines while others of their section have one: warnings */
    const cd_diag *d = nth_diag("missing-deadline", 0);
    assert_non_null(d);
    assert_int_equal(d->severity, CD_SEV_WARNING);
    assert_int_equal(d->line, 28);
    done();
}

/* Seed 002: the dateline says 07/3/2026 (line 13), the attached program's
 * caption 06/03/2026 (line 67). */
static void test_seed002_date_mismatch(void **state) {
    (void)state;
    run_sample("samples/002_68621dcf91b9871c.txt");
    const cd_diag *d = expect_one("date-mismatch", CD_SEV_WARNING, 67, "2026-03-07");
    assert_non_null(strstr(d->message, "2026-03-06"));
    assert_non_null(strstr(d->message, "line 13"));
    /* B restarts its rows at 1 under a new section: no duplicate */
    assert_int_equal(count_diags("numbering-duplicate"), 0);
    assert_int_equal(count_diags("numbering-gap"), 0);
    done();
}

/* Seed 003: no header block (number and date from the appendix caption, line
 * 115) and the slip "Đài PTTH tinh" (line 358) repaired in row 2's support. */
static void test_seed003_caption_metadata_and_agency_slip(void **state) {
    (void)state;
    run_sample("samples/003_38d040c3a1a7432e.txt");
    assert_int_equal(count_diags("metadata-from-caption"), 2);
    for (size_t i = 0; i < 2; i++) {
        const cd_diag *d = nth_diag("metadata-from-caption", i);
        assert_int_equal(d->severity, CD_SEV_INFO);
        assert_int_equal(d->line, 115);
    }
    assert_non_null(strstr(nth_diag("metadata-from-caption", 0)->message, "51/KH-UBND"));
    assert_non_null(strstr(nth_diag("metadata-from-caption", 1)->message, "2025-03-07"));
    const cd_diag *d = expect_one("ocr-repair", CD_SEV_INFO, 358, "\"Đài PTTH tinh\"");
    assert_non_null(strstr(d->message, "Đài Phát thanh - Truyền hình tỉnh"));
    /* the title names no single year: later deadlines of a multi-year plan are normal */
    assert_int_equal(doc.meta.title_year, 0);
    assert_int_equal(count_diags("deadline-outside-year"), 0);
    /* the 59 body items print no lead, nor does any item of their sections */
    assert_int_equal(count_diags("missing-lead"), 59);
    done();
}

/* Seed 004: a draft program ("Số: /CTr-BCĐ", a blank date) with the deadline
 * "Quý 11/2026." (line 193) read as Quý II. */
static void test_seed004_blanks_and_quarter_repair(void **state) {
    (void)state;
    run_sample("samples/004_ff2c98ccd76aaf96.txt");
    expect_one("blank-number", CD_SEV_WARNING, 3, "\"Số: /CTr-BCĐ\"");
    expect_one("blank-date", CD_SEV_WARNING, 5, "ngày tháng năm 2025");
    expect_one("ocr-repair", CD_SEV_WARNING, 193, "Quý 11/2026");
    done();
}

/* Every seed: each diagnostic has a code, a message and a known line, and
 * none is an error, so --strict converts all five. */
static void test_seeds_have_lines_and_no_errors(void **state) {
    (void)state;
    static const char *const seeds[] = {
        "samples/000_144062e581508771.txt", "samples/001_41fd8fcf13e1293d.txt", "samples/002_68621dcf91b9871c.txt",
        "samples/003_38d040c3a1a7432e.txt", "samples/004_ff2c98ccd76aaf96.txt",
    };
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        run_sample(seeds[s]);
        for (size_t i = 0; i < doc.diags.n; i++) {
            const cd_diag *d = &doc.diags.items[i];
            if (d->line <= 0 || !*d->message || !*d->code)
                fail_msg("%s: %s without a line or message", seeds[s], d->code);
        }
        assert_int_equal(cd_diags_count(&doc.diags, CD_SEV_ERROR), 0);
        done();
    }
}

/* ---------- synthetic cases ---------- */

static const char *const program_2026 = "CHƯƠNG TRÌNH\n"                                 /* 1 */
                                        "công tác năm 2026\n"                            /* 2 */
                                        "\n"                                             /* 3 */
                                        "I. NHIỆM VỤ\n"                                  /* 4 */
                                        "1. Xây dựng kế hoạch chuyển đổi số.\n"          /* 5 */
                                        "- Chủ trì: Sở Khoa học và Công nghệ\n"          /* 6 */
                                        "- Thời gian: Quý I/2027\n"                      /* 7 */
                                        "2. Triển khai nền tảng số dùng chung.\n"        /* 8 */
                                        "- Chủ trì: Sở Tài chính\n"                      /* 9 */
                                        "- Thời gian: 2026-2030\n"                       /* 10 */
                                        "2. Tổ chức hội nghị sơ kết.\n"                  /* 11 */
                                        "- Chủ trì: Sở Không Tồn Tại Ở Đâu\n"            /* 12 */
                                        "- Thời gian: 31/12/2025\n"                      /* 13 */
                                        "3. Tuyên truyền về chuyển đổi số.\n"            /* 14 */
                                        "- Chủ trì: Ủy viên Ban Chỉ đạo\n"               /* 15 */
                                        "- Phối hợp: Sở Nội vụ\n"                        /* 16 */
                                        "- Thời gian: Vào một ngày đẹp trời\n"           /* 17 */
                                        "4. Tổng kết năm.\n"                             /* 18 */
                                        "- Chủ trì: Sở Nội vụ\n"                         /* 19 */
                                        "- Thời gian: Tháng 10/2025 đến tháng 3/2026\n"; /* 20 */

static void test_numbering_duplicate(void **state) {
    (void)state;
    run(program_2026);
    const cd_diag *d = expect_one("numbering-duplicate", CD_SEV_WARNING, 11, "item 2");
    assert_non_null(strstr(d->message, "(line 8)"));
    /* 3 after the repeated 2 is no gap */
    assert_int_equal(count_diags("numbering-gap"), 0);
    done();
    /* a gap of several items names them all */
    run("I. NHIỆM VỤ\n1. Làm việc A.\n5. Làm việc E.\n");
    expect_one("numbering-gap", CD_SEV_WARNING, 3, "items 2 to 4 are missing");
    done();
    /* "411/QĐ-TTg" wrapped to the start of a line is no item 411 */
    run("I. MỤC ĐÍCH\n- Thực hiện Quyết định số\n411/QĐ-TTg ngày 31 tháng 3 năm 2022.\n- Thực hiện Quyết định số\n"
        "466/QĐ-BTTTT ngày 28 tháng 3 năm 2023.\n- Thực hiện Quyết định số\n466/QĐ-BTTTT nói trên.\n");
    assert_int_equal(count_diags("numbering-gap"), 0);
    assert_int_equal(count_diags("numbering-duplicate"), 0);
    done();
}

/* The title names 2026: "Quý I/2027" and "31/12/2025" lie wholly outside it;
 * "2026-2030" and "Tháng 10/2025 đến tháng 3/2026" overlap it. */
static void test_deadline_outside_year(void **state) {
    (void)state;
    run(program_2026);
    assert_int_equal(doc.meta.title_year, 2026);
    assert_int_equal(count_diags("deadline-outside-year"), 2);
    const cd_diag *d = nth_diag("deadline-outside-year", 0);
    assert_int_equal(d->severity, CD_SEV_WARNING);
    assert_int_equal(d->line, 7);
    assert_non_null(strstr(d->message, "\"Quý I/2027\""));
    d = nth_diag("deadline-outside-year", 1);
    assert_int_equal(d->line, 13);
    assert_non_null(strstr(d->message, "\"31/12/2025\""));
    done();
    /* a period in the title is no single year: nothing to be outside of */
    run("KẾ HOẠCH\nchuyển đổi số giai đoạn 2026-2030\n\nI. NHIỆM VỤ\n1. Xây dựng kế hoạch.\n"
        "- Chủ trì: Sở Tài chính\n- Thời gian: Quý I/2027\n");
    assert_int_equal(doc.meta.title_year, 0);
    assert_int_equal(count_diags("deadline-outside-year"), 0);
    done();
}

static void test_deadline_unparsed(void **state) {
    (void)state;
    run(program_2026);
    expect_one("deadline-unparsed", CD_SEV_WARNING, 17, "\"Vào một ngày đẹp trời\"");
    assert_int_equal(doc.tasks[3].deadline->kind, CD_DL_UNKNOWN);
    done();
}

/* An agency outside the gazetteer is reported on the line that prints it; a
 * role ("Ủy viên Ban Chỉ đạo") never is. */
static void test_unknown_agency_never_for_role(void **state) {
    (void)state;
    run(program_2026);
    expect_one("unknown-agency", CD_SEV_INFO, 12, "\"Sở Không Tồn Tại Ở Đâu\"");
    assert_int_equal(doc.tasks[3].lead.items[0].kind, CD_AGENCY_ROLE);
    for (size_t i = 0; i < doc.diags.n; i++)
        assert_null(strstr(doc.diags.items[i].message, "Ủy viên Ban Chỉ đạo"));
    done();
}

/* missing-lead: a warning when another task of the section has a lead, info
 * when none does. */
static void test_missing_lead_severity(void **state) {
    (void)state;
    run("I. NHIỆM VỤ\n1. Làm việc A.\n- Chủ trì: Sở Tài chính\n- Thời gian: Quý I/2026\n2. Làm việc B.\n"
        "- Thời gian: Quý II/2026\n"
        "II. NHIỆM VỤ KHÁC\n1. Làm việc C.\n- Thời gian: Quý III/2026\n");
    assert_int_equal(count_diags("missing-lead"), 2);
    const cd_diag *d = nth_diag("missing-lead", 0);
    assert_int_equal(d->severity, CD_SEV_WARNING);
    assert_int_equal(d->line, 5);
    d = nth_diag("missing-lead", 1);
    assert_int_equal(d->severity, CD_SEV_INFO);
    assert_int_equal(d->line, 8);
    assert_int_equal(count_diags("missing-deadline"), 0);
    done();
}

/* --strict: the CLI exits 1 when a document has an error diagnostic.  A plan
 * that prints lead and deadline fields but gave no task is one; a short plan
 * with no such print only warns; the seeds have none (above). */
static void test_strict_sees_errors_only(void **state) {
    (void)state;
    run_opts("KẾ HOẠCH\nchuyển đổi số năm 2026\n\nI. MỤC ĐÍCH, YÊU CẦU\n1. Quán triệt chủ trương.\n"
             "- Chủ trì: Sở Khoa học và Công nghệ\n- Thời gian: Quý I/2026\n2. Bảo đảm nguồn lực.\n"
             "- Chủ trì: Sở Tài chính\n- Thời gian: Quý II/2026\n",
             true);
    assert_int_equal(doc.n_tasks, 0);
    expect_one("no-tasks", CD_SEV_ERROR, 6, "4 lead or deadline fields");
    assert_int_equal(cd_diags_count(&doc.diags, CD_SEV_ERROR), 1);
    done();
    run_opts("KẾ HOẠCH\nchuyển đổi số năm 2026\n\nI. MỤC ĐÍCH, YÊU CẦU\n1. Quán triệt chủ trương.\n", true);
    expect_one("no-tasks", CD_SEV_WARNING, 4, "has no tasks");
    assert_int_equal(cd_diags_count(&doc.diags, CD_SEV_ERROR), 0);
    done();
    /* warnings alone (blank number, numbering) never make --strict fail */
    run_opts(program_2026, true);
    assert_true(doc.diags.n > 0);
    assert_int_equal(cd_diags_count(&doc.diags, CD_SEV_ERROR), 0);
    done();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed000_numbering_gap),
        cmocka_unit_test(test_seed001_blank_number_and_date),
        cmocka_unit_test(test_seed002_date_mismatch),
        cmocka_unit_test(test_seed003_caption_metadata_and_agency_slip),
        cmocka_unit_test(test_seed004_blanks_and_quarter_repair),
        cmocka_unit_test(test_seeds_have_lines_and_no_errors),
        cmocka_unit_test(test_numbering_duplicate),
        cmocka_unit_test(test_deadline_outside_year),
        cmocka_unit_test(test_deadline_unparsed),
        cmocka_unit_test(test_unknown_agency_never_for_role),
        cmocka_unit_test(test_missing_lead_severity),
        cmocka_unit_test(test_strict_sees_errors_only),
    };
    return cmocka_run_group_tests(tests, test_rules_setup, test_rules_teardown);
}
