/* test_structure.c — structure recovery end to end on small documents:
 * tables (tabs, pipes, one cell per line), page breaks, footnotes,
 * headings, and the tasks they give. */
#include "testutil.h"

#include "chidao.h"

static cd_document doc;

static void run(const char *text) {
    cd_options opt = {.rules = test_rules};
    cd_document_init_bytes(&doc, (const unsigned char *)text, strlen(text), "test.txt");
    assert_int_equal(cd_process(&doc, &opt), CD_EXIT_OK);
}

static void done(void) { cd_document_free(&doc); }

static const char *lead0(const cd_task *t) { return t->lead.n ? t->lead.items[0].name : ""; }

static void test_tab_table_pages_joined(void **state) {
    (void)state;
    run("TT\tNội dung công việc\tChủ trì thực hiện\tPhối hợp thực hiện\tThời gian thực hiện\tGhi chú\n"
        "A\tNHỮNG NỘI DUNG TRỌNG TÂM\t\t\t\t\n"
        "1\tXây dựng đề án mô\tGiám đốc Sở Tài chính\tSở Nội vụ\tTháng 3\tBổ sung theo Chương trình số 02-\n"
        "\n"
        "TT\tNội dung công việc\tChủ trì thực hiện\tPhối hợp thực hiện\tThời gian thực hiện\tGhi chú\n"
        "\thình thí điểm.\t\t\t\tCTr/BCĐTW\n"
        "2\tTriển khai bộ quy tắc ứng xử\tSở Nội vụ\tSở Tài chính\tTháng 9\tThay đổi thời gian theo\n"
        "\n"
        "TT\tNội dung công việc\tChủ trì thực hiện\tPhối hợp thực hiện\tThời gian thực hiện\tGhi chú\n"
        "3\tTriển khai đề án văn hóa số\tSở Nội vụ\tSở Tài chính\tTháng 9\tCông văn số 340/SVHTTDL-VP\n");
    assert_int_equal(doc.n_tasks, 3);
    assert_string_equal(doc.tasks[0].text, "Xây dựng đề án mô hình thí điểm.");
    assert_string_equal(doc.tasks[0].note, "Bổ sung theo Chương trình số 02-CTr/BCĐTW");
    assert_int_equal(doc.tasks[0].first_line, 3);
    assert_int_equal(doc.tasks[0].last_line, 6);
    assert_string_equal(lead0(&doc.tasks[0]), "Sở Tài chính");
    assert_string_equal(doc.tasks[0].section.items[0], "A NHỮNG NỘI DUNG TRỌNG TÂM");
    /* a cell cut at a page break goes to both rows */
    assert_string_equal(doc.tasks[1].note, "Thay đổi thời gian theo Công văn số 340/SVHTTDL-VP");
    assert_string_equal(doc.tasks[2].note, "Thay đổi thời gian theo Công văn số 340/SVHTTDL-VP");
    assert_int_equal(doc.tasks[1].deadline->kind, CD_DL_MONTH);
    done();
}

static void test_one_cell_per_line_table(void **state) {
    (void)state;
    run("PHỤ LỤC I\nDANH MỤC CÁC CHỈ TIÊU\nTT\nChỉ tiêu\nĐơn vị\nKết quả\nCơ quan chủ trì theo dõi\n"
        "I\nĐến năm 2030\n"
        "1\nNguồn nhân lực nghiên cứu\nNgười/vạn dân\n10\nSở Khoa học và Công nghệ\n"
        "2\nHạ tầng số\nTiên tiến, hiện đại, dung lượng siêu lớn, băng thông siêu rộng\nSở Khoa học và Công nghệ\n"
        "3\nChỉ tiêu nhóm\n"
        "3.1\nTỷ lệ dân số có chữ ký số\n%\n≥ 50\nVăn phòng UBND tỉnh\n"
        "PHỤ LỤC II\nDANH MỤC NHIỆM VỤ\nTT\nTên nhiệm vụ\nCơ quan chủ trì\nCơ quan phối hợp\nThời gian hoàn thành\n"
        "1.\nXây dựng kế hoạch triển khai.\nCác sở, ban ngành, UBND cấp huyện\nTháng 3/2025\n"
        "2.\nTuyên truyền sâu rộng.\nSở Khoa học và Công nghệ\nĐài PTTH tinh\nThường xuyên\n"
        "3.\nCụ thể hóa quy định.\nCác sở, ban ngành liên quan\nSở Tư pháp\n");
    assert_int_equal(doc.n_indicators, 4);
    assert_string_equal(doc.indicators[0].number, "1");
    assert_string_equal(doc.indicators[0].target, "10"); /* a bare number cell, not a row */
    assert_string_equal(doc.indicators[0].unit, "Người/vạn dân");
    assert_null(doc.indicators[1].unit);
    assert_non_null(strstr(doc.indicators[1].target, "Tiên tiến"));
    assert_null(doc.indicators[2].unit);
    assert_int_equal(doc.indicators[2].lead.n, 0);
    assert_string_equal(doc.indicators[3].number, "3.1");
    assert_string_equal(doc.indicators[3].lead.items[0].name, "Văn phòng Ủy ban nhân dân tỉnh");
    assert_int_equal(doc.n_tasks, 3);
    /* four cells: the agency cell is the lead, no support */
    assert_int_equal(doc.tasks[0].lead.n, 2);
    assert_int_equal(doc.tasks[0].support.n, 0);
    assert_int_equal(doc.tasks[0].deadline->kind, CD_DL_MONTH);
    assert_string_equal(doc.tasks[1].support.items[0].name, "Đài Phát thanh - Truyền hình tỉnh");
    /* two agency cells and no time cell */
    assert_null(doc.tasks[2].deadline);
    assert_string_equal(doc.tasks[2].support.items[0].name, "Sở Tư pháp");
    done();
}

static void test_items_fields_page_break_and_footnote(void **state) {
    (void)state;
    run("III. NHIỆM VỤ CỤ THỂ\n\n1. Công tác chỉ đạo\n\n"
        "1.1. Triển khai hệ thống thông tin có\n\n---\n\n<sup>1</sup> Công văn số 1/UBND.\n\n"
        "tích hợp giải pháp bảo mật<sup>1</sup>.\n\n"
        "- *Cơ quan chủ trì, tham mưu:* Sở KH&CN; Sở Tài chính\n\n"
        "- *Thời gian thực hiện/hoàn thành:* Quý I, III/2026\n"
        "1.2. Rà soát quy định.\n- Cơ quan chủ trì: Văn phòng Tỉnh uỷ\n"
        "IV. TỔ CHỨC THỰC HIỆN\n\n1. Sở Tài chính\n\n- Phối hợp với các sở triển khai.\n");
    assert_int_equal(doc.n_tasks, 2);
    assert_string_equal(doc.tasks[0].number, "1.1");
    assert_string_equal(doc.tasks[0].text, "Triển khai hệ thống thông tin có tích hợp giải pháp bảo mật.");
    assert_int_equal(doc.tasks[0].lead.n, 2);
    assert_string_equal(doc.tasks[0].lead.items[0].name, "Sở Khoa học và Công nghệ");
    assert_int_equal(doc.tasks[0].deadline->end.m, 9);
    assert_int_equal(doc.tasks[0].section.n, 2);
    assert_string_equal(doc.tasks[0].section.items[1], "1. Công tác chỉ đạo");
    assert_string_equal(lead0(&doc.tasks[1]), "Văn phòng Tỉnh ủy");
    done();
}

static void test_pipe_table_and_shared_header_line(void **state) {
    (void)state;
    run("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
        "Số: 125/KH-UBND | Bình Định, ngày 15 tháng 4 năm 2026 |\n"
        "KẾ HOẠCH\nChuyển đổi số năm 2026\n"
        "Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;\n"
        "| TT | Nội dung công việc | Cơ quan chủ trì | Thời hạn |\n|---|---|---|---|\n"
        "| 1 | Xây dựng kế hoạch. | Sở Tài chính | 30/6/2026 |\n");
    assert_string_equal(doc.meta.number, "125/KH-UBND");
    assert_string_equal(doc.meta.place, "Bình Định");
    assert_int_equal(doc.meta.date.d, 15);
    assert_string_equal(doc.meta.kind, "plan");
    assert_int_equal(doc.meta.year, 2026);
    assert_int_equal(doc.n_tasks, 1);
    assert_int_equal(doc.tasks[0].deadline->kind, CD_DL_DATE);
    done();
}

static void test_header_row_over_two_lines(void **state) {
    (void)state;
    run("TT\tNội dung công việc\tCơ quan\tCơ quan\tThời gian\n"
        "\t\tchủ trì\tphối hợp\tthực hiện\n"
        "1\tBan hành kế hoạch.\tSở Nội vụ\tSở Tài chính\tTháng 3/2026\n");
    assert_int_equal(doc.n_tasks, 1);
    assert_string_equal(lead0(&doc.tasks[0]), "Sở Nội vụ");
    assert_string_equal(doc.tasks[0].support.items[0].name, "Sở Tài chính");
    done();
}

static void test_assignment_sentence(void **state) {
    (void)state;
    run("THÔNG TIN PHẢN HỒI\n\nUBND tỉnh có ý kiến như sau:\n\n"
        "Giao Sở Giao thông vận tải chủ trì, phối hợp với Sở Xây dựng, UBND thành phố Đông Hà và các đơn vị có "
        "liên quan nghiên cứu, đề xuất phương án; hoàn thành trước ngày 30/6/2024./.\n");
    assert_int_equal(doc.n_tasks, 1);
    assert_string_equal(lead0(&doc.tasks[0]), "Sở Giao thông vận tải");
    assert_int_equal(doc.tasks[0].support.n, 3);
    assert_string_equal(doc.tasks[0].support.items[1].name, "Ủy ban nhân dân thành phố Đông Hà");
    assert_int_equal(doc.tasks[0].deadline->end.y, 2024);
    assert_string_equal(doc.tasks[0].section.items[0], "THÔNG TIN PHẢN HỒI");
    done();
    /* a sentence of context before the assignment is not part of the task */
    run("UBND tỉnh thống nhất chủ trương đầu tư. Giao Sở Xây dựng chủ trì, cùng Sở Tài chính hướng dẫn Nhà đầu tư; "
        "hoàn thành trước ngày 30/9/2024./.\n");
    assert_int_equal(doc.n_tasks, 1);
    assert_string_equal(
        doc.tasks[0].text,
        "Giao Sở Xây dựng chủ trì, cùng Sở Tài chính hướng dẫn Nhà đầu tư; hoàn thành trước ngày 30/9/2024.");
    assert_string_equal(doc.tasks[0].support.items[0].name, "Sở Tài chính");
    assert_int_equal(doc.tasks[0].deadline->end.m, 9);
    done();
}

static void test_assignment_distributed_heads(void **state) {
    (void)state;
    run("Giao Sở Tài chính chủ trì, phối hợp với các Sở: Xây dựng, Văn hóa, Thể thao và Du lịch và UBND các "
        "huyện: Tuy Phước, Phù Cát tổ chức rà soát; hoàn thành trước ngày 30/6/2026.\n");
    assert_int_equal(doc.n_tasks, 1);
    const cd_agency_list *s = &doc.tasks[0].support;
    assert_int_equal(s->n, 4);
    assert_string_equal(s->items[0].name, "Sở Xây dựng");
    assert_string_equal(s->items[1].name, "Sở Văn hóa, Thể thao và Du lịch");
    assert_string_equal(s->items[2].name, "Ủy ban nhân dân huyện Tuy Phước");
    assert_string_equal(s->items[3].name, "Ủy ban nhân dân huyện Phù Cát");
    done();
}

static void test_request_items_after_intro(void **state) {
    (void)state;
    /* numbered requests after "… yêu cầu:" in a whole text are tasks, their
     * lead and deadline read from the sentence */
    run("Số: 05/CT-UBND\nQuảng Nam, ngày 20 tháng 02 năm 2024\n\nChủ tịch UBND tỉnh yêu cầu:\n\n"
        "1. Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát kinh phí; hoàn thành trong tháng 3/2024.\n\n"
        "2. Sở Nội vụ tham mưu kiện toàn tổ chức.\n\nNơi nhận:\n- Lưu: VT.\n");
    assert_int_equal(doc.n_tasks, 2);
    assert_string_equal(lead0(&doc.tasks[0]), "Sở Tài chính");
    assert_int_equal(doc.tasks[0].support.n, 1);
    assert_int_equal(doc.tasks[0].deadline->end.m, 3);
    assert_int_equal(doc.tasks[0].section.n, 0);
    assert_string_equal(lead0(&doc.tasks[1]), "Sở Nội vụ");
    done();
    /* an excerpt that stops inside its requests yields none */
    run("Số: 05/CT-UBND\n\nChủ tịch UBND tỉnh yêu cầu:\n\n1. Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát\n");
    assert_int_equal(doc.n_tasks, 0);
    done();
}

static void test_bullets_under_heading_ending_in_diacritic(void **state) {
    (void)state;
    run("II. NHIỆM VỤ\n1. Phát triển chính quyền số\n"
        "- Xây dựng kho dữ liệu; Trung tâm Chuyển đổi số chủ trì, hoàn thành trong năm 2024.\n"
        "- Triển khai hệ thống văn bản.\n");
    assert_int_equal(doc.n_tasks, 2);
    assert_string_equal(doc.tasks[0].number, "");
    assert_string_equal(lead0(&doc.tasks[0]), "Trung tâm Chuyển đổi số");
    assert_int_equal(doc.tasks[0].deadline->kind, CD_DL_YEAR);
    assert_string_equal(doc.tasks[1].section.items[1], "1. Phát triển chính quyền số");
    done();
}

static void test_title_year_and_title_end(void **state) {
    (void)state;
    run("HỘI ĐỒNG NHÂN DÂN\nTỈNH BÀ RỊA - VŨNG TÀU\n|\nSố: 25/2024/NQ-HĐND\n|\nBà Rịa - Vũng Tàu, ngày 10 tháng 12 "
        "năm 2024\n|\nNGHỊ QUYẾT\nQUY ĐỊNH MỨC CHI HỖ TRỢ CHUYỂN ĐỔI SỐ NĂM 2025\nHỘI ĐỒNG NHÂN DÂN TỈNH BÀ RỊA - "
        "VŨNG TÀU\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n");
    assert_string_equal(doc.meta.place, "Bà Rịa - Vũng Tàu");
    assert_int_equal(doc.meta.year, 2025); /* "SỐ NĂM 2025" is no document number */
    assert_string_equal(doc.meta.kind, "resolution");
    done();
    run("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\nSố: 45/CT-UBND | TP. Hồ Chí Minh, ngày 03 tháng 11 "
        "năm 2023 |\nCHỈ THỊ\nVề tăng cường công tác phòng cháy\nTrong thời gian qua, tình hình diễn biến phức tạp.\n");
    assert_string_equal(doc.meta.title, "Về tăng cường công tác phòng cháy");
    assert_string_equal(doc.meta.place, "TP. Hồ Chí Minh");
    done();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tab_table_pages_joined),
        cmocka_unit_test(test_one_cell_per_line_table),
        cmocka_unit_test(test_items_fields_page_break_and_footnote),
        cmocka_unit_test(test_pipe_table_and_shared_header_line),
        cmocka_unit_test(test_header_row_over_two_lines),
        cmocka_unit_test(test_assignment_sentence),
        cmocka_unit_test(test_assignment_distributed_heads),
        cmocka_unit_test(test_title_year_and_title_end),
        cmocka_unit_test(test_request_items_after_intro),
        cmocka_unit_test(test_bullets_under_heading_ending_in_diacritic),
    };
    return cmocka_run_group_tests(tests, test_rules_setup, test_rules_teardown);
}
