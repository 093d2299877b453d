/* test_docx_html.c — the DOCX and HTML converters on small hand-made
 * inputs: paragraphs, bold, list labels Word generates (numbering.xml),
 * tables with merged cells, footnotes, legacy fonts, portal chrome, the
 * page's charset, and broken or hostile packages. */
#include "testutil.h"


#include "convert.h"
#include "ziputil.h"

static cd_document doc;
static cd_buf out;

static void open_doc(const void *bytes, size_t n, const char *path) {
    memset(&doc, 0, sizeof doc);
    cd_arena_init(&doc.arena);
    cd_diags_init(&doc.diags, &doc.arena);
    doc.path = path;
    doc.bytes = bytes;
    doc.n_bytes = n;
    doc.encoding = "UTF-8";
    cd_buf_init(&out, &doc.arena);
}

static void close_doc(void) { cd_arena_free(&doc.arena); }

static const char *text(void) { return out.data ? cd_buf_str(&out) : ""; }

/* ---------- DOCX packages made in memory ---------- */

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define DOCUMENT(body)                                                                                                 \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " W_NS "><w:body>" body "</w:body></w:document>"
#define P(runs) "<w:p>" runs "</w:p>"
#define R(t) "<w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define RB(t) "<w:r><w:rPr><w:b/></w:rPr><w:t>" t "</w:t></w:r>"
#define NUM(id, lvl) "<w:pPr><w:numPr><w:ilvl w:val=\"" #lvl "\"/><w:numId w:val=\"" #id "\"/></w:numPr></w:pPr>"


static unsigned char *package;

/* Convert a package of parts; returns the converter's exit code. */
static int docx(const char *const *parts, size_t n_parts) {
    size_t len;
    package = test_zip_parts(parts, n_parts, &len);
    open_doc(package, len, "t.docx");
    cd_options opt = {.rules = test_rules};
    return cd_docx_to_text(&doc, &opt, &out);
}

static void docx_done(void) {
    close_doc();
    free(package);
    package = NULL;
}

static int docx_body(const char *document) {
    const char *parts[] = {"word/document.xml", document};
    return docx(parts, 2);
}

static void test_docx_paragraphs(void **state) {
    (void)state;
    assert_int_equal(
        docx_body(DOCUMENT(P(R("Kính gửi:")) P(RB("ỦY BAN NHÂN DÂN") "<w:r><w:br/></w:r>" RB("TỈNH QUẢNG NGÃI")) P(
            RB("Chủ trì:") R(" Sở Tài chính")) P("") P(R("a") "<w:r><w:tab/><w:t>b</w:t></w:r>") P(R("  cách  ")))),
        CD_EXIT_OK);
    /* a blank line between paragraphs; a bold paragraph wrapped whole, its
     * line break kept; a partly bold one not wrapped; tabs are spaces */
    assert_string_equal(text(),
                        "Kính gửi:\n\n**ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI**\n\nChủ trì: Sở Tài chính\n\na b\n\ncách\n");
    docx_done();
}

static void test_docx_runs_skipped_and_kept(void **state) {
    (void)state;
    assert_int_equal(docx_body(DOCUMENT(P(R("Giữ ") "<w:r><w:rPr><w:vanish/></w:rPr><w:t>ẩn</w:t></w:r>"
                                                    "<w:del><w:r><w:delText>xóa</w:delText></w:r></w:del>"
                                                    "<w:ins><w:r><w:t>thêm</w:t></w:r></w:ins>"
                                                    "<w:hyperlink><w:r><w:t> liên kết</w:t></w:r></w:hyperlink>"
                                                    "<w:r><w:instrText>PAGE</w:instrText></w:r>"))),
                     CD_EXIT_OK);
    assert_string_equal(text(), "Giữ thêm liên kết\n");
    docx_done();
}

static const char STYLES[] =
    "<w:styles " W_NS ">"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading\"><w:rPr><w:b/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:basedOn w:val=\"Heading\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Loop\"><w:basedOn w:val=\"Loop\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Listed\"><w:pPr><w:numPr><w:numId "
    "w:val=\"1\"/></w:numPr></w:pPr></w:style>"
    "</w:styles>";

static void test_docx_bold_from_styles(void **state) {
    (void)state;
    const char *parts[] = {"word/document.xml",
                           DOCUMENT("<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr>" R(
                               "2. Sở Tài chính") "</w:p>"
                                                  "<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr>"
                                                  "<w:r><w:rPr><w:b w:val=\"0\"/></w:rPr><w:t>thường</w:t></w:r></w:p>"
                                                  "<w:p><w:pPr><w:pStyle w:val=\"Loop\"/></w:pPr>" R("vòng") "</w:p>"),
                           "word/styles.xml", STYLES};
    assert_int_equal(docx(parts, 4), CD_EXIT_OK);
    /* bold through basedOn; w:b="0" switches it off; a style cycle ends */
    assert_string_equal(text(), "**2. Sở Tài chính**\n\nthường\n\nvòng\n");
    docx_done();
}

static const char NUMBERING[] =
    "<w:numbering " W_NS ">"
    "<w:abstractNum w:abstractNumId=\"10\">"
    "<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"upperRoman\"/><w:lvlText w:val=\"%1.\"/></w:lvl>"
    "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%2.\"/></w:lvl>"
    "<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"%3)\"/></w:lvl>"
    "<w:lvl w:ilvl=\"3\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%2.%4.\"/></w:lvl>"
    "<w:lvl w:ilvl=\"4\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\xef\x82\xb7\"/></w:lvl>"
    "</w:abstractNum>"
    "<w:abstractNum w:abstractNumId=\"20\">"
    "<w:lvl w:ilvl=\"0\"><w:start w:val=\"3\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"Điều %1.\"/></w:lvl>"
    "</w:abstractNum>"
    "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"10\"/></w:num>"
    "<w:num w:numId=\"2\"><w:abstractNumId w:val=\"20\"/></w:num>"
    "<w:num w:numId=\"3\"><w:abstractNumId w:val=\"10\"/>"
    "<w:lvlOverride w:ilvl=\"1\"><w:startOverride w:val=\"7\"/></w:lvlOverride></w:num>"
    "</w:numbering>";

static void test_docx_numbering(void **state) {
    (void)state;
    const char *parts[] = {
        "word/document.xml",
        DOCUMENT("<w:p>" NUM(1, 0) R(
            "MỤC ĐÍCH") "</w:p>"
                        "<w:p>" NUM(1, 1)
                            R("Mục đích") "</w:p>"
                                          "<w:p>" NUM(1, 4) R(
                                              "gạch") "</w:p>"
                                                      "<w:p>" NUM(1, 1) R(
                                                          "Yêu cầu") "</w:p>"
                                                                     "<w:p>" NUM(1, 2) R(
                                                                         "Chủ trì") "</w:p>"
                                                                                    "<w:p>" NUM(1, 2)
                                                                                        R("Phối hợp") "</w:p>"
                                                                                                      "<w:p>" NUM(1, 3) R(
                                                                                                          "Chi "
                                                                                                          "tiết") "</"
                                                                                                                  "w:p>"
                                                                                                                  "<w:"
                                                                                                                  "p"
                                                                                                                  ">" NUM(1, 0) R(
                                                                                                                      "NHIỆM VỤ") "</w:p>" /* level 1 restarts under a new level 0 */
                                                                                                                                  "<w:p>" NUM(1, 1) R(
                                                                                                                                      "Nâng cao") "</w:p>"
                                                                                                                                                  "<w:p>" NUM(2, 0) R(
                                                                                                                                                      "Phạm vi") "</w:p>"
                                                                                                                                                                 "<w:p>" NUM(
                                                                                                                                                                     3,
                                                                                                                                                                     1)
                                                                                                                                                                     R("Khác") "</w:p>" /* another list: its own counters, a start override */
                                                                                                                                                                               "<w:p>" NUM(
                                                                                                                                                                                   0,
                                                                                                                                                                                   0)
                                                                                                                                                                                   R("Không số") "</w:p>"
                                                                                                                                                                                                 "<w:p><w:pPr><w:pStyle w:val=\"Listed\"/></w:pPr>" R(
                                                                                                                                                                                                     "Theo kiểu") "</w:p>"),
        "word/numbering.xml",
        NUMBERING,
        "word/styles.xml",
        STYLES};
    assert_int_equal(docx(parts, 6), CD_EXIT_OK);
    assert_string_equal(text(), "I. MỤC ĐÍCH\n\n1. Mục đích\n\n- gạch\n\n2. Yêu cầu\n\na) Chủ trì\n\nb) Phối hợp\n\n"
                                "2.1. Chi tiết\n\nII. NHIỆM VỤ\n\n1. Nâng cao\n\nĐiều 3. Phạm vi\n\n7. Khác\n\n"
                                "Không số\n\nIII. Theo kiểu\n");
    docx_done();
}

static void test_docx_table(void **state) {
    (void)state;
    assert_int_equal(
        docx_body(DOCUMENT(P(R(
            "Trước")) "<w:tbl>"
                      "<w:tr><w:tc>" P(R("TT")) "</w:tc><w:tc>" P(R("Nội dung")) "</w:tc><w:tc>" P(R(
                          "Chủ "
                          "tr"
                          "ì")) "</w:tc><w:tc>" P(R("Thời gian")) "</w:tc></w:tr>"
                                                                  "<w:tr><w:tc>" P(R("1")) "</w:tc><w:tc>" P(R("Xây "
                                                                                                               "dựng"))
                                                                      P(R("kế hoạch")) "</w:tc>"
                                                                                       "<w:tc><w:tcPr><w:vMerge "
                                                                                       "w:val=\"restart\"/></w:tcPr>" P(R("Sở Nội vụ")) "</w:tc><w:tc>" P(R(
                                                                                           "Quý") "<w:r><w:tab/><w:br/"
                                                                                                  "><w:t>I</"
                                                                                                  "w:t></w:r>") "</"
                                                                                                                "w:tc><"
                                                                                                                "/"
                                                                                                                "w:tr>"
                                                                                                                "<w:tr>"
                                                                                                                "<w:"
                                                                                                                "tc>" P(R("2")) "</w:tc><w:tc>" P(R(
                                                                                                                    "Tr"
                                                                                                                    "iể"
                                                                                                                    "n "
                                                                                                                    "kh"
                                                                                                                    "a"
                                                                                                                    "i")) "</"
                                                                                                                          "w:"
                                                                                                                          "tc"
                                                                                                                          ">"
                                                                                                                          "<w"
                                                                                                                          ":t"
                                                                                                                          "c>"
                                                                                                                          "<w"
                                                                                                                          ":t"
                                                                                                                          "cP"
                                                                                                                          "r>"
                                                                                                                          "<w"
                                                                                                                          ":v"
                                                                                                                          "Me"
                                                                                                                          "rg"
                                                                                                                          "e/"
                                                                                                                          "><"
                                                                                                                          "/w"
                                                                                                                          ":t"
                                                                                                                          "cP"
                                                                                                                          "r"
                                                                                                                          ">" P("") "</w:tc><w:tc>" P(R(
                                                                                                                              "Tháng 3")) "</w:tc></w:tr>"
                                                                                                                                          "<w:tr><w:tc>" P(R("A")) "</w:tc><w:tc><w:tcPr><w:gridSpan w:val=\"3\"/></w:tcPr>" P(
                                                                                                                                              R("NỘI DUNG KHÁC")) "</w:tc></w:tr>"
                                                                                                                                                                  "<w:tr><w:tc>" P("") "</w:tc><w:tc>" P(
                                                                                                                                                                      "") "</w:tc></w:tr>"
                                                                                                                                                                          "</w:tbl>" P(
                                                                                                                                                                              R("Sau")))),
        CD_EXIT_OK);
    assert_string_equal(text(), "Trước\n\nTT\tNội dung\tChủ trì\tThời gian\n"
                                "1\tXây dựng kế hoạch\tSở Nội vụ\tQuý I\n"
                                "2\tTriển khai\tSở Nội vụ\tTháng 3\n"
                                "A\tNỘI DUNG KHÁC\t\t\n"
                                "\nSau\n");
    docx_done();
}

static void test_docx_footnotes(void **state) {
    (void)state;
    const char *parts[] = {
        "word/document.xml",
        DOCUMENT(P(R("Hệ thống") "<w:r><w:footnoteReference w:id=\"5\"/></w:r>" R(" theo dõi"))
                     P(R("Các văn bản") "<w:r><w:footnoteReference w:id=\"2\"/></w:r>" R(
                         ".") "<w:r><w:footnoteReference w:id=\"5\"/></w:r>")),
        "word/footnotes.xml",
        "<w:footnotes " W_NS
        "><w:footnote w:type=\"separator\" w:id=\"0\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>"
        "<w:footnote w:id=\"2\"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:tab/><w:t>Kế hoạch số "
        "61.</w:t></w:r></w:p></w:footnote>"
        "<w:footnote w:id=\"5\"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space=\"preserve\"> Công văn "
        "3090.</w:t></w:r></w:p>"
        "<w:p>" R("Trang 2.") "</w:p></w:footnote></w:footnotes>"};
    assert_int_equal(docx(parts, 4), CD_EXIT_OK);
    /* numbered in the order of first reference, texts at the end */
    assert_string_equal(text(), "Hệ thống[^1] theo dõi\n\nCác văn bản[^2].[^1]\n\n"
                                "[^1]: Công văn 3090. Trang 2.\n[^2]: Kế hoạch số 61.\n");
    docx_done();
}

static void test_docx_text_boxes(void **state) {
    (void)state;
    /* a text box's paragraphs follow the paragraph it is anchored in; the
     * mc:Fallback copy of it is not read again */
    assert_int_equal(
        docx_body(
            "<w:document " W_NS " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
            "<w:body><w:p><w:r><w:t>Neo</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\">"
            "<w:drawing><w:txbxContent>" P(R("Số: 12/KH-UBND")) P(
                R("Hộp")) "</w:txbxContent></w:drawing>"
                          "</mc:Choice><mc:Fallback><w:pict><w:txbxContent>" P(R("Số: 12/KH-UBND"))
                              P(R("Hộp")) "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>" P(
                                  R("Sau")) "</w:body></w:document>"),
        CD_EXIT_OK);
    assert_string_equal(text(), "Neo\n\nSố: 12/KH-UBND\n\nHộp\n\nSau\n");
    docx_done();
}

static void test_docx_legacy_font(void **state) {
    (void)state;
    /* "Kế hoạch" as Word keeps text in a TCVN3 (".VnTime") or VNI font: the
     * legacy bytes as characters; other fonts' text is left alone */
    assert_int_equal(docx_body(DOCUMENT("<w:p><w:r><w:rPr><w:rFonts w:ascii=\".VnTime\"/></w:rPr>"
                                        "<w:t>K\xc3\x95 ho\xc2\xb9\x63h</w:t></w:r>"
                                        "<w:r><w:rPr><w:rFonts w:ascii=\"Times New Roman\"/></w:rPr>"
                                        "<w:t xml:space=\"preserve\"> v\xc3\xa0 </w:t></w:r>"
                                        "<w:r><w:rPr><w:rFonts w:ascii=\"VNI-Times\"/></w:rPr>"
                                        "<w:t>Ke\xc3\xa1 hoa\xc3\xaf"
                                        "ch</w:t></w:r></w:p>")),
                     CD_EXIT_OK);
    assert_string_equal(text(), "Kế hoạch và Kế hoạch\n");
    docx_done();
}

static void test_docx_hostile_xml(void **state) {
    (void)state;
    /* an internal entity is not expanded, an external one not fetched */
    assert_int_equal(docx_body("<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY boom \"BOOM\">"
                               "<!ENTITY file SYSTEM \"file:///etc/passwd\">]>"
                               "<w:document " W_NS "><w:body>" P(R("a")) "<w:p><w:r><w:t>&boom;&file;</w:t></w:r></w:p>"
                                                                         "</w:body></w:document>"),
                     CD_EXIT_OK);
    assert_string_equal(text(), "a\n");
    docx_done();
}

static void only_error(const char *code, const char *message_part) {
    assert_int_equal(doc.diags.n, 1);
    assert_int_equal(doc.diags.items[0].severity, CD_SEV_ERROR);
    assert_string_equal(doc.diags.items[0].code, code);
    assert_string_equal(doc.diags.items[0].file, doc.path);
    if (!strstr(doc.diags.items[0].message, message_part)) fail_msg("message: %s", doc.diags.items[0].message);
}

static void test_docx_errors(void **state) {
    (void)state;
    open_doc("PK\x03\x04 not a zip", 14, "x.docx");
    assert_int_equal(cd_docx_to_text(&doc, NULL, &out), CD_EXIT_INPUT);
    only_error("invalid-docx", "not a DOCX file");
    close_doc();

    const char *no_document[] = {"word/other.xml", "<a/>"};
    assert_int_equal(docx(no_document, 2), CD_EXIT_INPUT);
    only_error("invalid-docx", "no word/document.xml");
    docx_done();

    assert_int_equal(docx_body("<w:document " W_NS "><w:body><w:p></w:body>"), CD_EXIT_INPUT);
    only_error("invalid-docx", "DOCX entry word/document.xml is not well-formed XML (line 1)");
    docx_done();

    const char *bad_styles[] = {"word/document.xml", DOCUMENT(P(R("a"))), "word/styles.xml", "<w:styles"};
    assert_int_equal(docx(bad_styles, 4), CD_EXIT_INPUT);
    only_error("invalid-docx", "word/styles.xml");
    docx_done();

    assert_int_equal(docx_body("<x/>"), CD_EXIT_INPUT);
    only_error("invalid-docx", "no w:document/w:body");
    docx_done();
}

/* ---------- HTML ---------- */

static int html(const char *page) {
    open_doc(page, strlen(page), "t.html");
    cd_options opt = {.rules = test_rules};
    return cd_html_to_text(&doc, &opt, &out);
}

static void test_html_blocks(void **state) {
    (void)state;
    assert_int_equal(html("<html><head><title>Tiêu đề</title><style>p{}</style></head><body>\n"
                          "<p><b>ỦY BAN NHÂN DÂN<br>TỈNH QUẢNG NGÃI</b></p>\n"
                          "<p>  Kính   gửi:\n các sở,&nbsp;ban &amp; ngành</p>"
                          "<div>Chữ <strong>đậm</strong> một phần<div>lồng</div>tiếp</div>"
                          "<h2>2. Sở Tài chính</h2><p><span style=\"font-weight: bold\">Nơi nhận:</span></p>"
                          "<p><b> </b></p>Chữ rời<script>var x = '<p>không</p>';</script></body></html>"),
                     CD_EXIT_OK);
    assert_string_equal(text(),
                        "**ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI**\n\n"
                        "Kính gửi: các sở,\xc2\xa0"
                        "ban & ngành\n\n"
                        "Chữ đậm một phần\n\nlồng\n\ntiếp\n\n**2. Sở Tài chính**\n\n**Nơi nhận:**\n\nChữ rời\n");
    close_doc();
}

static void test_html_lists(void **state) {
    (void)state;
    assert_int_equal(html("<ul><li>Một</li><li>Hai<ol start=\"3\"><li>Ba</li><li value=\"7\">Bảy</li></ol></li></ul>"
                          "<ol type=\"a\"><li>chữ</li><li>chữ</li></ol><ol type=\"I\" start=\"4\"><li>La Mã</li></ol>"
                          "<ul><li></li></ul><ol><li><p>trong <b>p</b></p><p>đoạn hai</p></li></ol>"),
                     CD_EXIT_OK);
    assert_string_equal(
        text(), "- Một\n\n- Hai\n\n3. Ba\n\n7. Bảy\n\na. chữ\n\nb. chữ\n\nIV. La Mã\n\n1. trong p\n\nđoạn hai\n");
    close_doc();
}

static void test_html_tables(void **state) {
    (void)state;
    assert_int_equal(
        html("<p>Trước</p><table><caption>Phụ lục</caption>"
             "<thead><tr><th>TT</th><th>Nội dung</th><th>Chủ trì</th><th>Thời gian</th></tr></thead>"
             "<tbody><tr><td>1</td><td><p>Xây dựng</p><p>kế hoạch</p></td><td rowspan=\"2\">Sở Nội vụ</td>"
             "<td>Quý<br>I</td></tr>"
             "<tr><td>2</td><td>Triển khai</td><td>Tháng 3</td></tr>"
             "<tr><td>A</td><td colspan=\"3\">NỘI DUNG KHÁC</td></tr>"
             "<tr><td></td><td> </td></tr>"
             "<tr><td>3</td><td rowspan=\"9999\" colspan=\"9999\">lớn</td></tr></tbody></table><p>Sau</p>"),
        CD_EXIT_OK);
    assert_string_equal(text(), "Trước\n\nPhụ lục\n\nTT\tNội dung\tChủ trì\tThời gian\n"
                                "1\tXây dựng kế hoạch\tSở Nội vụ\tQuý I\n"
                                "2\tTriển khai\tSở Nội vụ\tTháng 3\n"
                                "A\tNỘI DUNG KHÁC\t\t\n"
                                "3\tlớn\n"
                                "\nSau\n");
    close_doc();
}

static void test_html_layout_tables(void **state) {
    (void)state;
    /* a page laid out with tables: its cells are places, not data */
    assert_int_equal(html("<table><tr><td>Trái</td><td><table><tr><td>Số</td><td>Ngày</td></tr>"
                          "<tr><td>1</td><td>2</td></tr></table><p>Đoạn</p></td></tr></table>"
                          "<table><tr><td><p>Khung một</p><p>Khung hai</p></td></tr></table>"),
                     CD_EXIT_OK);
    assert_string_equal(text(), "Trái\n\nSố\tNgày\n1\t2\n\nĐoạn\n\nKhung một\n\nKhung hai\n");
    close_doc();
}

static void test_html_chrome(void **state) {
    (void)state;
    assert_int_equal(html("<body><header><h1>Cổng thông tin</h1></header><nav><a href=\"/\">Trang chủ</a></nav>"
                          "<div class=\"main-menu\">Menu</div><div id=\"site_footer\">Chân</div>"
                          "<div role=\"navigation\">Điều hướng</div><div style=\"display: none\">Ẩn</div>"
                          "<form><p>Tìm kiếm</p></form><noscript>JS</noscript>"
                          "<div class=\"article-content\"><p>Nội dung</p></div>"
                          "<footer>Bản quyền</footer></body>"),
                     CD_EXIT_OK);
    assert_string_equal(text(), "Nội dung\n");
    close_doc();
}

static void test_html_footnotes(void **state) {
    (void)state;
    /* LibreOffice's, Word's and pandoc's exports */
    assert_int_equal(html("<p>Hệ thống<a class=\"sdfootnoteanc\" name=\"sdfootnote1anc\" href=\"#sdfootnote1sym\">"
                          "<sup>1</sup></a> theo dõi, km<sup>2</sup>.</p>"
                          "<p>Văn bản<a href=\"#_ftn2\" name=\"_ftnref2\"><span>[2]</span></a>.</p>"
                          "<p>Nghị quyết<a href=\"#fn3\" class=\"footnote-ref\" id=\"fnref3\"><sup>3</sup></a>.</p>"
                          "<div id=\"sdfootnote1\"><p><a class=\"sdfootnotesym\" name=\"sdfootnote1sym\" "
                          "href=\"#sdfootnote1anc\">1</a>Công văn 3090.</p></div>"
                          "<div id=\"ftn2\"><p><a href=\"#_ftnref2\" name=\"_ftn2\">[2]</a> Kế hoạch 61.</p></div>"
                          "<section class=\"footnotes\"><hr><ol><li id=\"fn3\"><p>Quyết định 74.<a href=\"#fnref3\" "
                          "class=\"footnote-back\">↩︎</a></p></li></ol></section>"),
                     CD_EXIT_OK);
    assert_string_equal(text(), "Hệ thống[^1] theo dõi, km2.\n\nVăn bản[^2].\n\nNghị quyết[^3].\n\n"
                                "[^1]: Công văn 3090.\n[^2]: Kế hoạch 61.\n[^3]: Quyết định 74.\n");
    close_doc();
}

static void test_html_charset(void **state) {
    (void)state;
    /* windows-1258 as declared: "Việt" is V i ê + combining dot below t
     * there (iconv composes it) */
    assert_int_equal(html("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1258\">"
                          "</head><body><p>Vi\xea\xf2t</p></body></html>"),
                     CD_EXIT_OK);
    assert_string_equal(text(), "Việt\n");
    assert_string_equal(doc.encoding, "windows-1258");
    close_doc();
    /* no charset: UTF-8, not the parser's Latin-1 default */
    assert_int_equal(html("<p>Việt Nam</p>"), CD_EXIT_OK);
    assert_string_equal(text(), "Việt Nam\n");
    assert_string_equal(doc.encoding, "UTF-8");
    close_doc();
}

static void test_html_legacy_font(void **state) {
    (void)state;
    assert_int_equal(
        html("<meta charset=\"utf-8\"><p><font face=\".VnTime, serif\">K\xc3\x95 ho\xc2\xb9\x63h</font> và "
             "<span style=\"font-family: 'VNI-Times'\">Ke\xc3\xa1 hoa\xc3\xaf"
             "ch</span></p>"),
        CD_EXIT_OK);
    assert_string_equal(text(), "Kế hoạch và Kế hoạch\n");
    close_doc();
}

static void test_html_empty(void **state) {
    (void)state;
    assert_int_equal(html("<html><body><script>x</script></body></html>"), CD_EXIT_OK);
    assert_string_equal(text(), "\n"); /* something to read: the text path reports the emptiness */
    close_doc();
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docx_paragraphs),
        cmocka_unit_test(test_docx_runs_skipped_and_kept),
        cmocka_unit_test(test_docx_bold_from_styles),
        cmocka_unit_test(test_docx_numbering),
        cmocka_unit_test(test_docx_table),
        cmocka_unit_test(test_docx_footnotes),
        cmocka_unit_test(test_docx_text_boxes),
        cmocka_unit_test(test_docx_legacy_font),
        cmocka_unit_test(test_docx_hostile_xml),
        cmocka_unit_test(test_docx_errors),
        cmocka_unit_test(test_html_blocks),
        cmocka_unit_test(test_html_lists),
        cmocka_unit_test(test_html_tables),
        cmocka_unit_test(test_html_layout_tables),
        cmocka_unit_test(test_html_chrome),
        cmocka_unit_test(test_html_footnotes),
        cmocka_unit_test(test_html_charset),
        cmocka_unit_test(test_html_legacy_font),
        cmocka_unit_test(test_html_empty),
    };
    return cmocka_run_group_tests(tests, test_rules_setup, test_rules_teardown);
}
