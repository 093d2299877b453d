/* test_normalize.c — cd_normalize / cd_normalize_text: NFC, tone marks,
 * spaces, markup removal (rules/markup.rules), line flags, and the seeds'
 * tricky lines. */
#include <time.h>

#include "testutil.h"

#include "normalize.h"
#include "read.h"

/* ---- helpers: one document at a time, freed by the next call ---- */

static cd_document g_doc;
static bool g_open;

static void doc_close(void) {
    if (g_open) cd_arena_free(&g_doc.arena);
    g_open = false;
}

static cd_document *doc_n(const char *bytes, size_t n) {
    doc_close();
    memset(&g_doc, 0, sizeof g_doc);
    cd_arena_init(&g_doc.arena);
    cd_diags_init(&g_doc.diags, &g_doc.arena);
    g_doc.path = "test";
    g_doc.bytes = (const unsigned char *)bytes;
    g_doc.n_bytes = n;
    g_open = true;
    cd_options opt = {.rules = test_rules};
    assert_int_equal(cd_read(&g_doc, &opt), CD_EXIT_OK);
    assert_int_equal(cd_normalize(&g_doc, &opt), CD_EXIT_OK);
    return &g_doc;
}

static cd_document *doc(const char *text) { return doc_n(text, strlen(text)); }

/* The one line of text after normalize. */
static const cd_line *line1(const char *text) {
    cd_document *d = doc(text);
    assert_true(d->n_lines >= 1);
    return &d->lines[0];
}

static const char *norm(const char *text) { return line1(text)->text; }

static char *ntext(const char *s, cd_arena *a) { return cd_normalize_text(s, strlen(s), NULL, a); }

static void check_pairs(const char *const (*pairs)[2], size_t n) {
    for (size_t i = 0; i < n; i++) {
        const cd_line *l = line1(pairs[i][0]);
        if (strcmp(l->text, pairs[i][1]))
            fail_msg("normalize('%s') = '%s', expected '%s'", pairs[i][0], l->text, pairs[i][1]);
        assert_int_equal(l->len, strlen(pairs[i][1]));
    }
}
#define CHECK_PAIRS(p) check_pairs(p, sizeof p / sizeof *p)

/* ---- NFC ---- */

static void test_nfc(void **state) {
    (void)state;
    static const char *const pairs[][2] = {
        {"Vie\xCC\x82\xCC\xA3t Nam", "Việt Nam"}, /* e + circumflex + dot below */
        {"Vie\xCC\xA3\xCC\x82t Nam", "Việt Nam"}, /* marks in the other order */
        {"Quy\xCC\x81 II/2026", "Quý II/2026"},
        {"D\xC6\xB0\xCC\x9B", "Dư\xCC\x9B"}, /* nothing composes with a second horn */
        {"ho\xCC\x80"
         "a",
         "hòa"},                /* decomposed, already modern */
        {"hoa\xCC\x80", "hòa"}, /* decomposed old style: NFC, then tone */
        {"Tie\xCC\x82\xCC\x81ng Vie\xCC\x82\xCC\xA3t", "Tiếng Việt"},
        {"\xE2\x84\xA6", "\xCE\xA9"}, /* OHM SIGN is canonically omega */
    };
    CHECK_PAIRS(pairs);
}

/* ---- tone marks ---- */

static void test_tone_moves(void **state) {
    (void)state;
    static const char *const pairs[][2] = {
        {"hoà", "hòa"},
        {"hoá", "hóa"},
        {"hoả", "hỏa"},
        {"hoã", "hõa"},
        {"hoạ", "họa"},
        {"xoá", "xóa"},
        {"khoẻ", "khỏe"},
        {"loè", "lòe"},
        {"uỷ", "ủy"},
        {"Tỉnh uỷ", "Tỉnh ủy"},
        {"thuý", "thúy"},
        {"Thuỵ", "Thụy"},
        {"tuỳ", "tùy"},
        {"HOÀ", "HÒA"},
        {"UỶ", "ỦY"},
        {"KHOẺ", "KHỎE"},
        {"Hoá", "Hóa"},
        {"oà", "òa"},
        {"Uỷ ban", "Ủy ban"},
        {"số hoá, xã hội hoá.", "số hóa, xã hội hóa."},
        {"(hoà)", "(hòa)"},
        {"Thanh Hoá, ngày 27", "Thanh Hóa, ngày 27"},
        {"Chánh Văn phòng Tỉnh uỷ\tCác cơ quan", "Chánh Văn phòng Tỉnh ủy\tCác cơ quan"},
        {"sức khoẻ hiệu quả", "sức khỏe hiệu quả"},
    };
    CHECK_PAIRS(pairs);
}

static void test_tone_stays(void **state) {
    (void)state;
    static const char *const stay[] = {
        "hoàn",  "hoàng",  "toán", "hoạch", "khoẻo", "ngoèo",       "hoài",       "xoáy",       "huỳnh",
        "khuỷu", "thuyền", "quý",  "quỳ",   "quỷ",   "Quý II/2026", "QUÝ I/2026", "Quỹ đầu tư", "giá",
        "già",   "hòa",    "ủy",   "thủy",  "Huế",   "quà",         "Hoàng Sa",   "toàn bộ",    "HOÀN THÀNH",
    };
    for (size_t i = 0; i < sizeof stay / sizeof *stay; i++) {
        const char *got = norm(stay[i]);
        if (strcmp(got, stay[i])) fail_msg("normalize('%s') = '%s', expected it unchanged", stay[i], got);
    }
}

/* ---- spaces ---- */

static void test_spaces(void **state) {
    (void)state;
    static const char *const pairs[][2] = {
        {"a\xC2\xA0"
         "b",
         "a b"}, /* NBSP */
        {"a\xE2\x80\x83"
         "b\xE2\x80\xAF"
         "c\xE3\x80\x80"
         "d",
         "a b c d"}, /* em, narrow nbsp, ideographic */
        {"a\xE2\x81\x9F"
         "b\xE2\x80\x80"
         "c\xE2\x80\x8A"
         "d",
         "a b c d"}, /* U+205F, U+2000, U+200A */
        {"Vi\xE2\x80\x8B\xE1\xBB\x87t\xE2\x80\x8C\xE2\x80\x8D\xE2\x81\xA0\xEF\xBB\xBF", "Việt"}, /* zero width */
        {"a    b", "a b"},
        {"   trước và sau   ", "trước và sau"},
        {"a \xC2\xA0 b", "a b"},
        {"x\fy", "x y"},            /* form feed from a page break */
        {"a \t b", "a\tb"},         /* spaces around a tab go, the tab stays */
        {"\t\ta\t\t", "\t\ta\t\t"}, /* leading/trailing tabs are empty cells */
        {"TT\tNội dung\t \t", "TT\tNội dung\t\t"},
        {"II. CHỈ TIÊU CHỦ YẾU   (Chi tiết tại Phụ lục I)", "II. CHỈ TIÊU CHỦ YẾU (Chi tiết tại Phụ lục I)"},
    };
    CHECK_PAIRS(pairs);

    const cd_line *l = line1("   \xC2\xA0 \xE2\x80\x8B ");
    assert_string_equal(l->text, "");
    assert_int_equal(l->len, 0);
    assert_true(l->flags & CD_LINE_BLANK);
    l = line1("\n");
    assert_int_equal(l->flags, CD_LINE_BLANK);
}

static void test_spelling_kept(void **state) {
    (void)state;
    /* only tone marks move: typos, quotes and odd punctuation stay */
    static const char *const stay[] = {
        "xóa điểm lốm sóng",
        "uơm tạo khởi nghiệp",
        "chuyên đổi số",
        "“Bình dân học vụ số”",
        "\"bài toán - đầu ra\"",
        "nhiệm vụ... tổng hợp",
        "trên địa bàn .",
        "BÍ THƯ'",
        "KH&CN",
        "a < b > c",
        "Phòng Chuyên đổi số - Cơ yếu(P).",
        "5 * 3 = 15",
        "Ghi chú (*)",
        "100$",
        "R&D",
    };
    for (size_t i = 0; i < sizeof stay / sizeof *stay; i++) {
        const char *got = norm(stay[i]);
        if (strcmp(got, stay[i])) fail_msg("normalize('%s') = '%s', expected it unchanged", stay[i], got);
    }
}

static void test_normalize_text(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    size_t n = 0;
    char *s = cd_normalize_text("  Tỉnh uỷ\xC2\xA0 Hoà Bình  ", strlen("  Tỉnh uỷ\xC2\xA0 Hoà Bình  "), &n, &a);
    assert_string_equal(s, "Tỉnh ủy Hòa Bình");
    assert_int_equal(n, strlen(s));
    /* no markup removal here */
    assert_string_equal(ntext("**hoá**", &a), "**hóa**");
    assert_string_equal(ntext("", &a), "");
    assert_string_equal(cd_normalize_text(NULL, 0, NULL, &a), "");
    assert_string_equal(ntext("plain ascii  text", &a), "plain ascii text");
    /* longer than the stack buffers */
    cd_buf b;
    cd_buf_init(&b, &a);
    cd_buf_adds(&b, " ");
    for (int i = 0; i < 400; i++)
        cd_buf_adds(&b, "xoá  uỷ ");
    char *big = ntext(cd_buf_str(&b), &a);
    assert_int_equal(strlen(big), 400 * strlen("xóa ủy ") - 1);
    assert_null(strstr(big, "uỷ"));
    assert_null(strstr(big, "  "));
    cd_arena_free(&a);
}

/* The clean check skips blocks of sixteen bytes: a fault must be seen at
 * every offset, across a block's end as well as inside it. */
static void test_faults_at_every_offset(void **state) {
    (void)state;
    static const struct {
        const char *fault, *fixed;
    } faults[] = {
        {"a  b", "a b"},          {"a \tb", "a\tb"},
        {"a\t b", "a\tb"},        {"ho\u00E0.", "h\u00F2a."},
        {"u\u1EF7 ", "\u1EE7y "}, {"o\u1EA1 ", "\u1ECDa "},
        {"e\u0301", "\u00E9"},    {"a\u00A0b", "a b"},
        {"a\u200Bb", "ab"},       {"a\x7F b", "a b"},
        {"a\u2003b", "a b"},      {"\u1F71", "\u03AC"}, /* Greek: NFC changes it */
    };
    static const char *const kept[] = {"ho\u00E0n", "qu\u00FD ", "ho\u1EA1ch", "\u1EE7y ban", "\u201Cx\u201D", "a\tb"};
    cd_arena a;
    cd_arena_init(&a);
    char in[128], want[128];
    for (size_t f = 0; f < sizeof faults / sizeof *faults; f++)
        for (int at = 0; at < 40; at++) {
            snprintf(in, sizeof in, "S%.*s%s%.*sE", at, "ccccccccccccccccccccccccccccccccccccccccc", faults[f].fault,
                     40 - at, "ddddddddddddddddddddddddddddddddddddddddd");
            snprintf(want, sizeof want, "S%.*s%s%.*sE", at, "ccccccccccccccccccccccccccccccccccccccccc",
                     faults[f].fixed, 40 - at, "ddddddddddddddddddddddddddddddddddddddddd");
            assert_string_equal(ntext(in, &a), want);
        }
    for (size_t k = 0; k < sizeof kept / sizeof *kept; k++)
        for (int at = 0; at < 40; at++) {
            snprintf(in, sizeof in, "S%.*s%s%.*sE", at, "ccccccccccccccccccccccccccccccccccccccccc", kept[k], 40 - at,
                     "ddddddddddddddddddddddddddddddddddddddddd");
            assert_string_equal(ntext(in, &a), in);
        }
    cd_arena_free(&a);
}

/* ---- markup ---- */

static void test_markup_inline(void **state) {
    (void)state;
    static const char *const pairs[][2] = {
        {"Yêu cầu **trước ngày 20 hằng tháng** theo quy định", "Yêu cầu trước ngày 20 hằng tháng theo quy định"},
        {"- *Chủ trì:* Đ/c Ủy viên BCHTW Đảng", "- Chủ trì: Đ/c Ủy viên BCHTW Đảng"},
        {"- Thời gian thực hiện: *Tháng 2/2026.*", "- Thời gian thực hiện: Tháng 2/2026."},
        {"(*qua Văn phòng Tỉnh ủy - Cơ quan Thường trực*)", "(qua Văn phòng Tỉnh ủy - Cơ quan Thường trực)"},
        {"a __đậm__ b", "a đậm b"},
        {"***cả hai***", "cả hai"},
        {"_nghiêng_", "nghiêng"},
        {"<p>Giám đốc Sở Công Thương</p>", "Giám đốc Sở Công Thương"},
        {"<i>Thường xuyên</i>", "Thường xuyên"},
        {"<b>đậm</b> <em>nhấn</em> <strong>mạnh</strong> <u>gạch</u>", "đậm nhấn mạnh gạch"},
        {"Sở Tài chính<br>Sở Nội vụ", "Sở Tài chính Sở Nội vụ"},
        {"Sở Tài chính<br/>Sở Nội vụ<br />Công an", "Sở Tài chính Sở Nội vụ Công an"},
        {"<p>Dòng một</p><p>Dòng hai</p>", "Dòng một Dòng hai"},
        {"trên Hệ thống<sup>2</sup>.", "trên Hệ thống."},
        {"của tỉnh<sup>3</sup>, đặc biệt", "của tỉnh, đặc biệt"},
        {"văn bản [^4] của tỉnh", "văn bản của tỉnh"},
        {"diện tích 500 m<sup>2</sup>", "diện tích 500 m²"},
        {"thông <https://theodoing.dcs.vn>); định kỳ", "thông https://theodoing.dcs.vn); định kỳ"},
        {"KT. CHỦ TỊCH\\", "KT. CHỦ TỊCH"},
        {"Phủ sóng 5G đạt $\\geq 70\\%$ dân số", "Phủ sóng 5G đạt ≥ 70% dân số"},
        {"tỷ lệ $\\leq 5\\%$", "tỷ lệ ≤ 5%"},
        {"$2 \\times 3$", "2 × 3"},
        {"1\\. Sở \\*Tài chính\\* \\_x\\_", "1. Sở *Tài chính* _x_"},
        {"KH&amp;CN &lt;b&gt; &quot;x&quot;", "KH&CN <b> \"x\""},
        {"Số:&nbsp;07-QĐ/BCĐ", "Số: 07-QĐ/BCĐ"},
        {"a &nbsp; b", "a b"},
        {"<p>**hoà**</p>", "hòa"},
    };
    CHECK_PAIRS(pairs);
}

static void test_markup_cells(void **state) {
    (void)state;
    /* seed 002 line 93: a <p> per tab-separated cell */
    const cd_line *l = line1("12\t<p>Kế hoạch tổ chức đánh giá.</p>\t<p>Giám đốc Sở Khoa học và Công nghệ</p>\t"
                             "<p>Ủy viên Ban Chỉ đạo</p>\t<p>Tháng 3</p>\t");
    assert_string_equal(l->text, "12\tKế hoạch tổ chức đánh giá.\tGiám đốc Sở Khoa học và Công nghệ\t"
                                 "Ủy viên Ban Chỉ đạo\tTháng 3\t");
    assert_true(l->flags & CD_LINE_TABS);
    assert_false(l->flags & CD_LINE_BOLD);
    /* a <p> cell with an empty first cell (seed 002 line 91) */
    l = line1("\t<p>du: công nghiệp, y tế...</p>\t\t\t");
    assert_string_equal(l->text, "\tdu: công nghiệp, y tế...\t\t\t");
    /* <p></p> across a tab is two cells, not one paragraph break */
    l = line1("<p>a</p>\t<p>b</p>");
    assert_string_equal(l->text, "a\tb");
}

static void test_headings(void **state) {
    (void)state;
    static const char *const pairs[][2] = {
        {"# A", "A"},
        {"## CHƯƠNG TRÌNH", "CHƯƠNG TRÌNH"},
        {"### Ba", "Ba"},
        {"#### **QUÝ I/2026**", "QUÝ I/2026"},
        {"## Tiêu đề ##", "Tiêu đề"},
    };
    CHECK_PAIRS(pairs);
    const cd_line *l = line1("## CHƯƠNG TRÌNH");
    assert_int_equal(l->flags, CD_LINE_HEADING);
    l = line1("#### **QUÝ I/2026**");
    assert_int_equal(l->flags, CD_LINE_HEADING | CD_LINE_BOLD);
    l = line1("## **2. Sở Tài chính**");
    assert_string_equal(l->text, "2. Sở Tài chính");
    assert_int_equal(l->flags, CD_LINE_HEADING | CD_LINE_BOLD);
    /* not headings */
    l = line1("#hashtag");
    assert_string_equal(l->text, "#hashtag");
    assert_int_equal(l->flags, 0);
    l = line1("Số 5 # 6");
    assert_int_equal(l->flags, 0);
}

static void test_bold_lines(void **state) {
    (void)state;
    const cd_line *l = line1("**Nơi nhận:**");
    assert_string_equal(l->text, "Nơi nhận:");
    assert_int_equal(l->flags, CD_LINE_BOLD);
    l = line1("**PHỤ LỤC**  ");
    assert_int_equal(l->flags, CD_LINE_BOLD);
    l = line1("- **Sở Tài chính**");
    assert_int_equal(l->flags, CD_LINE_BOLD); /* a bullet mark is not content */
    /* partly bold */
    l = line1("Yêu cầu **trước ngày 20** theo quy định");
    assert_int_equal(l->flags, 0);
    l = line1("**Chủ trì:** Sở Tài chính");
    assert_int_equal(l->flags, 0);
    l = line1("Văn bản **số 5**");
    assert_int_equal(l->flags, 0);
    /* __x__ is bold too */
    l = line1("__Nơi nhận:__");
    assert_int_equal(l->flags, CD_LINE_BOLD);
}

static void test_bold_across_lines(void **state) {
    (void)state;
    /* seed 001 lines 3-4 */
    cd_document *d = doc("**ỦY BAN NHÂN DÂN  \nTỈNH QUẢNG NGÃI**\n\nSố: /UBND-KGVX\n");
    assert_int_equal(d->n_lines, 4);
    assert_string_equal(d->lines[0].text, "ỦY BAN NHÂN DÂN");
    assert_string_equal(d->lines[1].text, "TỈNH QUẢNG NGÃI");
    assert_int_equal(d->lines[0].flags, CD_LINE_BOLD);
    assert_int_equal(d->lines[1].flags, CD_LINE_BOLD);
    assert_int_equal(d->lines[2].flags, CD_LINE_BLANK);
    assert_int_equal(d->lines[3].flags, 0);

    /* seed 002 lines 17-19: three lines, the middle one without marks */
    d = doc("**ban hành Chương trình công tác\ncủa Ban Chỉ đạo về phát triển\nvà chuyển đổi số năm 2026**\n"
            "Căn cứ Chương trình");
    for (int i = 0; i < 3; i++)
        assert_int_equal(d->lines[i].flags, CD_LINE_BOLD);
    assert_string_equal(d->lines[1].text, "của Ban Chỉ đạo về phát triển");
    assert_string_equal(d->lines[2].text, "và chuyển đổi số năm 2026");
    assert_int_equal(d->lines[3].flags, 0);

    /* bold that opens mid-line: neither line is bold as a whole, marks go */
    d = doc("Yêu cầu **trước\nngày 20** theo quy định");
    assert_int_equal(d->lines[0].flags, 0);
    assert_int_equal(d->lines[1].flags, 0);
    assert_string_equal(d->lines[0].text, "Yêu cầu trước");
    assert_string_equal(d->lines[1].text, "ngày 20 theo quy định");

    /* a stray mark never closed before the blank line: nothing is bold */
    d = doc("**a\nb\nc\n\nd");
    for (int i = 0; i < 5; i++)
        assert_false(d->lines[i].flags & CD_LINE_BOLD);
    assert_string_equal(d->lines[0].text, "a");

    /* ... nor at the end of the file */
    d = doc("x\n**a\nb");
    for (int i = 0; i < 3; i++)
        assert_false(d->lines[i].flags & CD_LINE_BOLD);

    /* ... nor in a document without blank lines, where it is closed far away */
    cd_buf b;
    cd_arena a;
    cd_arena_init(&a);
    cd_buf_init(&b, &a);
    cd_buf_adds(&b, "1. Mở **\n");
    for (int i = 0; i < 40; i++)
        cd_buf_adds(&b, "dòng thường\n");
    cd_buf_adds(&b, "đóng** ở đây\n");
    d = doc(cd_buf_str(&b));
    for (size_t i = 0; i < d->n_lines; i++)
        assert_false(d->lines[i].flags & CD_LINE_BOLD);
    cd_arena_free(&a);

    /* a blank line ends an open bold span */
    d = doc("**a\n\nb**");
    assert_int_equal(d->lines[2].flags, 0);
}

static void test_footnotes(void **state) {
    (void)state;
    const cd_line *l = line1("<sup>1</sup> Công văn số 3038/UBND-KTTH ngày 13/4/2026");
    assert_string_equal(l->text, "Công văn số 3038/UBND-KTTH ngày 13/4/2026");
    assert_int_equal(l->flags, CD_LINE_FOOTNOTE);
    assert_int_equal(l->footnote, 1);
    l = line1("[^12]: Kế hoạch số 61-KH/TU");
    assert_string_equal(l->text, "Kế hoạch số 61-KH/TU");
    assert_int_equal(l->flags, CD_LINE_FOOTNOTE);
    assert_int_equal(l->footnote, 12);
    /* a marker that starts a continuation line is a reference, not a body */
    l = line1("<sup>2</sup>, đồng thời");
    assert_int_equal(l->flags, 0);
    assert_int_equal(l->footnote, 0);
    assert_string_equal(l->text, ", đồng thời");
}

static void test_rules_lines(void **state) {
    (void)state;
    static const char *const rules[] = {"---", "-------", "___", "* * *", "---------------", "***", "|---|---|"};
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        const cd_line *l = line1(rules[i]);
        if (!(l->flags & CD_LINE_RULE)) fail_msg("'%s' is not a rule line", rules[i]);
        assert_true(l->flags & CD_LINE_BLANK);
        assert_string_equal(l->text, "");
    }
    static const char *const not_rules[] = {"--", "- Chủ trì: Sở Tài chính", "- - a", "Số: ______"};
    for (size_t i = 0; i < sizeof not_rules / sizeof *not_rules; i++) {
        const cd_line *l = line1(not_rules[i]);
        if (l->flags & CD_LINE_RULE) fail_msg("'%s' taken for a rule line", not_rules[i]);
        assert_string_equal(l->text, not_rules[i]);
    }
}

static void test_pipe_and_tabs(void **state) {
    (void)state;
    const cd_line *l = line1("| Số hiệu | 186/KH-UBND |");
    assert_string_equal(l->text, "| Số hiệu | 186/KH-UBND |");
    assert_int_equal(l->flags, CD_LINE_PIPE);
    l = line1("ỦY BAN NHÂN DÂN |");
    assert_int_equal(l->flags, CD_LINE_PIPE);
    l = line1("Số: 130/KH-UBND | Thanh Hoá, ngày 27 tháng 6 năm 2025 |");
    assert_string_equal(l->text, "Số: 130/KH-UBND | Thanh Hóa, ngày 27 tháng 6 năm 2025 |");
    assert_int_equal(l->flags, CD_LINE_PIPE);
    l = line1("|");
    assert_int_equal(l->flags, CD_LINE_PIPE);
    l = line1("Văn phòng Tỉnh ủy/UBND Tỉnh");
    assert_int_equal(l->flags, 0);
    l = line1("STT\tTên nhiệm vụ\tCơ quan chủ trì");
    assert_int_equal(l->flags, CD_LINE_TABS);
    assert_string_equal(l->text, "STT\tTên nhiệm vụ\tCơ quan chủ trì");
    l = line1("\t\t\t");
    assert_int_equal(l->flags, CD_LINE_TABS); /* a row of empty cells is not blank */
}

static void test_src_and_indent_kept(void **state) {
    (void)state;
    cd_document *d = doc("\n  **a**\n\n\t<p>b</p>");
    assert_int_equal(d->n_lines, 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(d->lines[i].src, (int)i + 1);
    assert_int_equal(d->lines[1].indent, 2);
    assert_string_equal(d->lines[1].text, "a");
    assert_int_equal(d->lines[3].indent, 4);
    assert_string_equal(d->lines[3].text, "\tb");
}

static void test_without_rules(void **state) {
    (void)state;
    /* no rule set: text normalisation only, no markup flags */
    doc_close();
    memset(&g_doc, 0, sizeof g_doc);
    cd_arena_init(&g_doc.arena);
    cd_diags_init(&g_doc.diags, &g_doc.arena);
    g_open = true;
    g_doc.bytes = (const unsigned char *)"**Tỉnh  uỷ**";
    g_doc.n_bytes = strlen("**Tỉnh  uỷ**");
    assert_int_equal(cd_read(&g_doc, NULL), CD_EXIT_OK);
    assert_int_equal(cd_normalize(&g_doc, NULL), CD_EXIT_OK);
    assert_string_equal(g_doc.lines[0].text, "**Tỉnh ủy**");
    assert_int_equal(g_doc.lines[0].flags, 0);
}

/* ---- seeds ---- */

static char *g_seed; /* freed by the next seed test or at teardown, also when a check fails */

/* An old-style tone mark at the end of a syllable ("hoá," but not "khoáng"). */
static bool old_tone(const char *t) {
    static const char *const forms[] = {"oà", "oá", "oả", "oã", "oạ", "oè", "oé", "oẻ",
                                        "oẽ", "oẹ", "uỳ", "uý", "uỷ", "uỹ", "uỵ"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++)
        for (const char *p = strstr(t, forms[i]); p; p = strstr(p + 1, forms[i])) {
            unsigned char next = (unsigned char)p[strlen(forms[i])];
            bool letter = next >= 0x80 || ((next | 0x20) >= 'a' && (next | 0x20) <= 'z');
            if (!letter && !(p > t && (p[-1] == 'q' || p[-1] == 'Q') && forms[i][0] == 'u')) return true;
        }
    return false;
}

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s (run the tests from the repository root)", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    *n = fread(buf, 1, (size_t)size, f);
    fclose(f);
    return buf;
}

typedef struct seed_line {
    int src;
    unsigned flags;
    const char *text;     /* exact text, or NULL */
    const char *contains; /* or a substring, or NULL */
} seed_line;

static void check_seed(const char *name, size_t n_lines, const seed_line *checks, size_t n_checks) {
    char path[256];
    snprintf(path, sizeof path, "samples/%s.txt", name);
    size_t n;
    free(g_seed);
    char *buf = g_seed = slurp(path, &n);
    cd_document *d = doc_n(buf, n);
    assert_int_equal(d->n_lines, n_lines);
    for (size_t i = 0; i < n_checks; i++) {
        const cd_line *l = &d->lines[checks[i].src - 1];
        assert_int_equal(l->src, checks[i].src);
        if (l->flags != checks[i].flags)
            fail_msg("%s line %d: flags %#x, expected %#x (%s)", name, l->src, l->flags, checks[i].flags, l->text);
        if (checks[i].text && strcmp(l->text, checks[i].text))
            fail_msg("%s line %d: '%s', expected '%s'", name, l->src, l->text, checks[i].text);
        if (checks[i].contains && !strstr(l->text, checks[i].contains))
            fail_msg("%s line %d: '%s' lacks '%s'", name, l->src, l->text, checks[i].contains);
    }
    /* no markup survives anywhere */
    for (size_t i = 0; i < d->n_lines; i++) {
        const char *t = d->lines[i].text;
        if (strstr(t, "**") || strstr(t, "<p>") || strstr(t, "</p>") || strstr(t, "<sup>") || strstr(t, "$\\") ||
            strstr(t, "<i>") || strstr(t, "  ") || strstr(t, " \t") || strstr(t, "\t ") || t[0] == ' ' ||
            (d->lines[i].len && t[d->lines[i].len - 1] == ' ') || strstr(t, "*Ch"))
            fail_msg("%s line %d keeps markup or spaces: '%s'", name, d->lines[i].src, t);
        if (old_tone(t)) fail_msg("%s line %d keeps an old tone mark: '%s'", name, d->lines[i].src, t);
    }
}

static void test_seed_000(void **state) {
    (void)state;
    static const seed_line checks[] = {
        {3, 0, "TỈNH ỦY QUẢNG NGÃI", NULL},
        {48, 0, "- Chủ trì: Đ/c Ủy viên BCHTW Đảng, Bí thư Tỉnh ủy, Trưởng Ban", NULL},
        {121, 0, "3.1. Phủ sóng 5G đạt ≥ 70% dân số; xóa điểm lốm sóng; thí điểm hạ tầng số cho đô thị thông minh.",
         NULL},
        {143, 0, "- Thời gian thực hiện/hoàn thành: Quý II/2026", NULL},
        {237, 0, NULL, "(qua Văn phòng Tỉnh ủy - Cơ quan Thường trực Ban Chỉ đạo tỉnh) để xem xét"},
        {254, 0, "kiêm", NULL},
        {1, CD_LINE_BLANK, "", NULL},
    };
    check_seed("000_144062e581508771", 257, checks, sizeof checks / sizeof *checks);
}

static void test_seed_001(void **state) {
    (void)state;
    static const seed_line checks[] = {
        {3, CD_LINE_BOLD, "ỦY BAN NHÂN DÂN", NULL},
        {4, CD_LINE_BOLD, "TỈNH QUẢNG NGÃI", NULL},
        {6, CD_LINE_BOLD, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", NULL},
        {7, CD_LINE_BOLD, "Độc lập - Tự do - Hạnh phúc", NULL},
        {9, 0, "Số: /UBND-KGVX", NULL},
        {13, 0, "Về việc triển khai thực hiện", NULL},
        {26, CD_LINE_BOLD, "1. Sở Khoa học và Công nghệ", NULL},
        {50, CD_LINE_BOLD | CD_LINE_HEADING, "2. Sở Tài chính", NULL},
        {64, CD_LINE_BOLD | CD_LINE_HEADING, "4. Công an tỉnh", NULL},
        {84, CD_LINE_RULE | CD_LINE_BLANK, "", NULL},
        {86, CD_LINE_FOOTNOTE, NULL, "Công văn số 3038/UBND-KTTH ngày 13/4/2026 của Chủ tịch UBND tỉnh"},
        {88, 0, NULL, "thông https://theodoing.dcs.vn); định kỳ"},
        {94, 0, NULL, "cập nhật kết quả xử lý trên Hệ thống."},
        {96, 0, NULL, "của Trung ương và của tỉnh, đặc biệt"},
        {98, 0, NULL, "theo quy định./."},
        {100, CD_LINE_BOLD, "Nơi nhận:", NULL},
        {112, CD_LINE_BOLD, "KT. CHỦ TỊCH", NULL},
        {113, CD_LINE_BOLD, "PHÓ CHỦ TỊCH", NULL},
        {117, CD_LINE_FOOTNOTE, NULL, "Công văn 3090/UBND-KGVX"},
        {119, CD_LINE_FOOTNOTE, NULL, "Kế hoạch số 61-KH/TU"},
        {121, CD_LINE_BOLD, "PHỤ LỤC", NULL},
        {122, CD_LINE_BOLD, "NHIỆM VỤ TRỌNG TÂM TRIỂN KHAI NGHỊ QUYẾT SỐ 57-NQ/TW QUÝ II NĂM 2026", NULL},
        {125, CD_LINE_TABS, "STT\tTên nhiệm vụ\tCơ quan chủ trì\tVăn bản giao\tThời hạn", NULL},
    };
    check_seed("001_41fd8fcf13e1293d", 149, checks, sizeof checks / sizeof *checks);
    assert_int_equal(g_doc.lines[85].footnote, 1);
    assert_int_equal(g_doc.lines[116].footnote, 2);
    assert_int_equal(g_doc.lines[118].footnote, 3);
}

static void test_seed_002(void **state) {
    (void)state;
    static const seed_line checks[] = {
        {17, CD_LINE_BOLD, "ban hành Chương trình công tác", NULL},
        {18, CD_LINE_BOLD, "của Ban Chỉ đạo về phát triển khoa học, công nghệ, đổi mới sáng tạo", NULL},
        {19, CD_LINE_BOLD, "và chuyển đổi số tỉnh Đồng Tháp năm 2026", NULL},
        {53, 0, "BÍ THƯ'", NULL},
        {63, CD_LINE_BOLD, "CHƯƠNG TRÌNH CÔNG TÁC", NULL},
        {64, CD_LINE_BOLD, NULL, "CỦA BAN CHỈ ĐẠO VỀ PHÁT TRIỂN"},
        {65, CD_LINE_BOLD, "VÀ CHUYỂN ĐỔI SỐ TỈNH ĐỒNG THÁP NĂM 2026", NULL},
        {67, 0, NULL, "(Ban hành kèm theo Quyết định số 07-QĐ/BCĐ"},
        {71, CD_LINE_TABS,
         "TT\tNội dung công việc\tChủ trì thực hiện\tPhối hợp thực hiện\tKết quả\tThời gian thực hiện\tGhi chú", NULL},
        {81, CD_LINE_TABS, NULL, "\tChánh Văn phòng Tỉnh ủy\tCác cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy;"},
        {91, CD_LINE_TABS, NULL, "\tdu: công nghiệp, nông nghiệp công nghệ cao, chế biến - chế tạo"},
        {93, CD_LINE_TABS,
         "12\tKế hoạch tổ chức đánh giá trình độ công nghệ đối với doanh nghiệp, cụm ngành chủ lực trên địa bàn tỉnh "
         "Đồng Tháp.\tGiám đốc Sở Khoa học và Công nghệ\tỦy viên Ban Chỉ đạo\tKế hoạch của UBND Tỉnh\tTháng 3\t"
         "Bổ sung theo Chương trình số 02-CTr/BCĐTW ngày 02/02/2026 của BCĐTW",
         NULL},
        {100, CD_LINE_TABS, NULL, "chăm sóc sức khỏe hiệu quả"},
        {104, CD_LINE_TABS, "\ttrợ cá nhân hóa việc học dựa trên công nghệ trí tuệ nhân tạo.\t\t\t\t\t", NULL},
        {178, CD_LINE_TABS, NULL, "16\tThời gian phê duyệt nhiệm vụ KHCN"},
    };
    check_seed("002_68621dcf91b9871c", 178, checks, sizeof checks / sizeof *checks);
    /* the tags go, the cells stay: line 91 keeps its 7 cells */
    const char *t = g_doc.lines[90].text;
    int tabs = 0;
    for (; *t; t++)
        tabs += *t == '\t';
    assert_int_equal(tabs, 6);
}

static void test_seed_003(void **state) {
    (void)state;
    static const seed_line checks[] = {
        {1, 0, "KẾ HOẠCH", NULL},
        {12, 0, "II. CHỈ TIÊU CHỦ YẾU (Chi tiết tại Phụ lục I)", NULL},
        {26, 0, NULL, "hoàn thiện thể chế; xóa bỏ mọi tư tưởng"},
        {676, CD_LINE_BLANK, "", NULL},
    };
    check_seed("003_38d040c3a1a7432e", 676, checks, sizeof checks / sizeof *checks);
}

static void test_seed_004(void **state) {
    (void)state;
    static const seed_line checks[] = {
        {3, 0, "Số: /CTr-BCĐ", NULL},
        {7, CD_LINE_HEADING, "CHƯƠNG TRÌNH", NULL},
        {9, CD_LINE_HEADING | CD_LINE_BOLD, NULL, "Công tác Ban Chỉ đạo của UBND tỉnh về phát triển khoa học"},
        {13, CD_LINE_HEADING | CD_LINE_BOLD, "QUÝ I/2026", NULL},
        {32, 0, "- Cơ quan phối hợp: Các sở, ban, ngành thuộc UBND tỉnh, UBND các xã, phường, đặc khu", NULL},
        {36, 0, "- Thời gian thực hiện: Tháng 2/2026.", NULL},
        {114, CD_LINE_HEADING | CD_LINE_BOLD, "QUÝ II/2026", NULL},
        {220, CD_LINE_BOLD, "Nơi nhận:", NULL},
        {231, CD_LINE_BOLD, "TM. BAN CHỈ ĐẠO", NULL},
        {232, CD_LINE_BOLD, "TRƯỞNG BAN", NULL},
    };
    check_seed("004_ff2c98ccd76aaf96", 232, checks, sizeof checks / sizeof *checks);
}

/* ---- hostile input: long lines full of markup finish quickly ---- */

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_pathological(void **state) {
    (void)state;
    static const char *const units[] = {"*a ", "**", "<p", "$\\", "_a ", "[^1", "&amp", "<sup>1", "**a\n", "# "};
    cd_arena a;
    cd_arena_init(&a);
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        cd_buf b;
        cd_buf_init(&b, &a);
        for (int i = 0; i < 20000; i++)
            cd_buf_adds(&b, units[u]);
        double t0 = now();
        doc_n(b.data, b.len);
        double dt = now() - t0;
        if (dt > 5.0) fail_msg("unit '%s' x 20000 took %.1f s", units[u], dt);
    }
    cd_arena_free(&a);
}

static int teardown(void **state) {
    doc_close();
    free(g_seed);
    g_seed = NULL;
    return test_rules_teardown(state);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_tone_moves),
        cmocka_unit_test(test_tone_stays),
        cmocka_unit_test(test_spaces),
        cmocka_unit_test(test_spelling_kept),
        cmocka_unit_test(test_normalize_text),
        cmocka_unit_test(test_faults_at_every_offset),
        cmocka_unit_test(test_markup_inline),
        cmocka_unit_test(test_markup_cells),
        cmocka_unit_test(test_headings),
        cmocka_unit_test(test_bold_lines),
        cmocka_unit_test(test_bold_across_lines),
        cmocka_unit_test(test_footnotes),
        cmocka_unit_test(test_rules_lines),
        cmocka_unit_test(test_pipe_and_tabs),
        cmocka_unit_test(test_src_and_indent_kept),
        cmocka_unit_test(test_without_rules),
        cmocka_unit_test(test_seed_000),
        cmocka_unit_test(test_seed_001),
        cmocka_unit_test(test_seed_002),
        cmocka_unit_test(test_seed_003),
        cmocka_unit_test(test_seed_004),
        cmocka_unit_test(test_pathological),
    };
    return cmocka_run_group_tests(tests, test_rules_setup, teardown);
}
