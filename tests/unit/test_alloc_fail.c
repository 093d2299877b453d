/* test_alloc_fail.c — every allocation a document makes fails once, and the
 * document fails cleanly (arena.h): for small inputs covering every reader
 * (text with a pipe table and field bullets, DOCX, HTML, PDF, TCVN3 and VNI
 * text), count the arena allocations of a clean run, then for each k make
 * the k-th one fail.  cd_process must return CD_EXIT_INPUT with an
 * "out of memory" error naming the file, without crashing; under `make asan`
 * LeakSanitizer (detect_leaks=1) shows nothing held outside the arena leaked.
 * Then a clean run gives the JSON of the first one: a failure leaves no
 * global state behind (the per-thread caches included).
 *
 * ALLOC_FAIL_VERBOSE=1 prints each input's count and time. */
#include "testutil.h"

#include <time.h>

#include "chidao.h"
#include "memo.h"
#include "ziputil.h"

static bool verbose;

/* ---------- the inputs ---------- */

static const char TEXT[] = "ỦY BAN NHÂN DÂN\n"
                           "TỈNH QUẢNG TRỊ\n"
                           "\n"
                           "Số: 12/KH-UBND\n"
                           "\n"
                           "Quảng Trị, ngày 10 tháng 01 năm 2026\n"
                           "\n"
                           "KẾ HOẠCH\n"
                           "Chuyển đổi số năm 2026\n"
                           "\n"
                           "II. NHIỆM VỤ\n"
                           "\n"
                           "1. Ban hành Kế hoạch phát triển hạ tầng số.\n"
                           "\n"
                           "- Thời gian thực hiện: *Quý I/2026*\n"
                           "\n"
                           "- Cơ quan chủ trì: *Sở Nội vụ*\n"
                           "\n"
                           "- Cơ quan phối hợp: *Các Sở, ban, ngành.*\n"
                           "\n"
                           "| TT | Nội dung công việc | Cơ quan chủ trì | Thời gian hoàn thành |\n"
                           "|---|---|---|---|\n"
                           "| 2 | Rà soát Khung kiến trúc số. | Sở Tài chính | Tháng 9/2026 |\n"
                           "\n"
                           "Nơi nhận:\n"
                           "- Lưu: VT.\n";

static const char HTML[] =
    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body>"
    "<nav>Trang chủ</nav>"
    "<p><b>ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM</b></p><p>Số: 05/CT-UBND</p>"
    "<p><b>CHỈ THỊ</b></p><p>Về phòng, chống thiên tai năm 2024</p>"
    "<p>Chủ tịch UBND tỉnh yêu cầu:</p>"
    "<p>1. Sở Tài chính bố trí kinh phí; hoàn thành trong tháng 3/2024.<sup><a href=\"#fn1\" "
    "id=\"r1\">1</a></sup></p>"
    "<table><tr><td>TT</td><td>Nội dung</td><td>Chủ trì</td><td>Thời hạn</td></tr>"
    "<tr><td>2</td><td>Báo cáo kết quả.</td><td>Sở Xây dựng</td><td>15/12/2024</td></tr></table>"
    "<p>Nơi nhận:</p><ul><li>Lưu: VT.</li></ul>"
    "<ol><li id=\"fn1\">Theo Nghị quyết số 52-NQ/TW. <a href=\"#r1\">↩</a></li></ol>"
    "</body></html>";

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""
#define P(runs) "<w:p>" runs "</w:p>"
#define R(t) "<w:r><w:t xml:space=\"preserve\">" t "</w:t></w:r>"
#define RB(t) "<w:r><w:rPr><w:b/></w:rPr><w:t>" t "</w:t></w:r>"
#define NUM "<w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>"
#define TC(t) "<w:tc>" P(R(t)) "</w:tc>"

static const char DOCX_DOCUMENT[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document " W_NS "><w:body>" P(RB("ỦY BAN NHÂN DÂN")) P(
        R("Số: 05/CT-UBND")) P(RB("CHỈ THỊ")) "<w:p><w:pPr><w:pStyle w:val=\"Heading\"/></w:pPr>" R(
        "Về phòng, chống thiên tai") "</w:p>" P(R("Chủ tịch UBND tỉnh yêu cầu:"))
        "<w:p>" NUM R("Sở Tài chính bố trí kinh phí; hoàn thành trong tháng 3/2024.") "<w:r><w:footnoteReference "
        "w:id=\"1\"/></w:r></w:p>"
        "<w:p>" NUM "<w:r><w:rPr><w:rFonts w:ascii=\".VnTime\"/></w:rPr><w:t>Së X©y dùng b¸o c¸o.</w:t></w:r></w:p>"
        "<w:tbl><w:tr>" TC("TT") TC("Nội dung") TC("Chủ trì") "</w:tr><w:tr>" TC("3") TC("Kiểm tra.") TC(
            "Sở Nội vụ") "</w:tr></w:tbl>" P(R("Nơi nhận:")) "</w:body></w:document>";
static const char DOCX_STYLES[] = "<w:styles " W_NS "><w:style w:type=\"paragraph\" w:styleId=\"Heading\">"
                                  "<w:rPr><w:b/></w:rPr></w:style></w:styles>";
static const char DOCX_NUMBERING[] =
    "<w:numbering " W_NS "><w:abstractNum w:abstractNumId=\"10\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/>"
    "<w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl></w:abstractNum>"
    "<w:num w:numId=\"1\"><w:abstractNumId w:val=\"10\"/></w:num></w:numbering>";
static const char DOCX_FOOTNOTES[] = "<w:footnotes " W_NS "><w:footnote w:id=\"1\">" P(R("Theo Nghị quyết 52."))
    "</w:footnote></w:footnotes>";

/* The DOCX package, zipped in memory (the caller frees it). */
static unsigned char *docx_package(size_t *len) {
    const char *parts[] = {"word/document.xml",  DOCX_DOCUMENT,  "word/styles.xml",    DOCX_STYLES,
                           "word/numbering.xml", DOCX_NUMBERING, "word/footnotes.xml", DOCX_FOOTNOTES};
    return test_zip_parts(parts, sizeof parts / sizeof *parts, len);
}

/* A file's first lines, at most max bytes of them (the caller frees it). */
static unsigned char *file_head(const char *path, size_t max, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    unsigned char *b = malloc(max + 1);
    size_t n = fread(b, 1, max, f);
    fclose(f);
    if (n == max)
        while (n && b[n - 1] != '\n')
            n--;
    *len = n;
    return b;
}

/* ---------- the runs ---------- */

/* One run of the pipeline over bytes; returns its exit code, and its JSON
 * (malloc'd, the caller frees it) when it succeeded. */
static int run(const unsigned char *bytes, size_t n, const char *name, char **json) {
    cd_document doc;
    cd_document_init_bytes(&doc, bytes, n, name);
    cd_options opt = {.rules = test_rules};
    int rc = cd_process(&doc, &opt);
    if (json) *json = NULL;
    if (rc == CD_EXIT_OK && json) {
        size_t size;
        FILE *out = open_memstream(json, &size);
        assert_non_null(out);
        assert_int_equal(cd_emit_json(&doc, out), CD_EXIT_OK);
        fclose(out);
    }
    if (rc != CD_EXIT_OK) {
        /* the failure is out of memory, an error naming the file */
        bool found = false;
        for (size_t i = 0; i < doc.diags.n; i++) {
            const cd_diag *d = &doc.diags.items[i];
            if (d->severity == CD_SEV_ERROR && !strcmp(d->code, "out-of-memory")) {
                assert_string_equal(d->message, "out of memory");
                assert_string_equal(d->file, name);
                found = true;
            }
        }
        if (!found) fail_msg("%s: exit %d without an out-of-memory diagnostic", name, rc);
    }
    cd_document_free(&doc);
    return rc;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The whole check for one input. */
static void every_allocation_fails(const unsigned char *bytes, size_t n, const char *name) {
    double t0 = now();
    /* a cold cache each time: every run makes the same allocations */
    cd_memo_thread_done();
    char *expected;
    unsigned long before = cd_arena_guarded_allocs();
    assert_int_equal(run(bytes, n, name, &expected), CD_EXIT_OK);
    unsigned long count = cd_arena_guarded_allocs() - before;
    assert_true(count > 0);
    for (unsigned long k = 1; k <= count; k++) {
        cd_memo_thread_done();
        cd_arena_fail_after((long)k);
        int rc = run(bytes, n, name, NULL);
        cd_arena_fail_after(0);
        if (rc != CD_EXIT_INPUT) fail_msg("%s: allocation %lu of %lu failed, exit %d", name, k, count, rc);
        /* now and then, a clean run over the caches that failed run left */
        if (k % 97 == 0 || k == count) {
            char *json;
            assert_int_equal(run(bytes, n, name, &json), CD_EXIT_OK);
            assert_string_equal(json, expected);
            free(json);
        }
    }
    /* and a failure armed but not reached changes nothing */
    cd_memo_thread_done();
    cd_arena_fail_after((long)count + 1);
    char *json;
    assert_int_equal(run(bytes, n, name, &json), CD_EXIT_OK);
    cd_arena_fail_after(0);
    assert_string_equal(json, expected);
    free(json);
    free(expected);
    if (verbose) fprintf(stderr, "%s: %lu allocations, %.1f s\n", name, count, now() - t0);
}

static void test_text(void **state) {
    (void)state;
    every_allocation_fails((const unsigned char *)TEXT, strlen(TEXT), "plan.txt");
}

/* A whole sample: the paths small inputs miss (sections, indicators,
 * agencies, deadlines, validation). */
static void test_sample(void **state) {
    (void)state;
    size_t len;
    unsigned char *bytes = file_head("samples/004_ff2c98ccd76aaf96.txt", 1 << 20, &len);
    every_allocation_fails(bytes, len, "004.txt");
    free(bytes);
}

static void test_html(void **state) {
    (void)state;
    every_allocation_fails((const unsigned char *)HTML, strlen(HTML), "page.html");
}

static void test_docx(void **state) {
    (void)state;
    size_t len;
    unsigned char *bytes = docx_package(&len);
    every_allocation_fails(bytes, len, "plan.docx");
    free(bytes);
}

static void test_pdf(void **state) {
    (void)state;
    size_t len;
    unsigned char *bytes = file_head("tests/unit/alloc_fail.pdf", 1 << 20, &len);
    every_allocation_fails(bytes, len, "plan.pdf");
    free(bytes);
}

static void test_legacy_encodings(void **state) {
    (void)state;
    /* the start of a sample in TCVN3 and in VNI: every candidate encoding
     * is tried on it (ICU, iconv and the tables) */
    const char *files[] = {"tests/formats/fixtures-enc/000_144062e581508771.tcvn3.txt",
                           "tests/formats/fixtures-enc/000_144062e581508771.vni.txt"};
    for (size_t i = 0; i < 2; i++) {
        size_t len;
        unsigned char *bytes = file_head(files[i], 700, &len);
        every_allocation_fails(bytes, len, i ? "vni.txt" : "tcvn3.txt");
        free(bytes);
    }
}

/* The guard is per document: outside one, nothing is counted or failed. */
static void test_outside_a_document(void **state) {
    (void)state;
    unsigned long before = cd_arena_guarded_allocs();
    cd_arena a;
    cd_arena_init(&a);
    cd_arena_fail_after(1);
    assert_non_null(cd_arena_strdup(&a, "không có guard"));
    cd_arena_fail_after(0);
    cd_arena_free(&a);
    assert_int_equal(cd_arena_guarded_allocs(), before);
}

/* Cleanups: run at free unless undeferred, LIFO, skipped for NULL. */
static int cleaned[4], n_cleaned;
static void note(void *p) { cleaned[n_cleaned++] = *(int *)p; }

static void test_cleanups(void **state) {
    (void)state;
    static int one = 1, two = 2, three = 3;
    n_cleaned = 0;
    cd_arena a;
    cd_arena_init(&a);
    cd_arena_defer(&a, note, &one);
    cd_arena_cleanup *h = cd_arena_defer(&a, note, &two);
    cd_arena_defer(&a, note, NULL);
    cd_arena_cleanup *later = cd_arena_defer(&a, note, NULL);
    cd_arena_redefer(later, &three);
    cd_arena_undefer(h);
    cd_arena_free(&a);
    assert_int_equal(n_cleaned, 2);
    assert_int_equal(cleaned[0], 3);
    assert_int_equal(cleaned[1], 1);
}

/* cd_arena_cat: the pieces in order, empty ones and one alone included. */
static void test_cat(void **state) {
    (void)state;
    cd_arena a;
    cd_arena_init(&a);
    assert_string_equal(cd_arena_cat(&a, "1.2", ". ", "Xây dựng kế hoạch"), "1.2. Xây dựng kế hoạch");
    assert_string_equal(cd_arena_cat(&a, "", "a", ""), "a");
    assert_string_equal(cd_arena_cat(&a, "một"), "một");
    cd_arena_free(&a);
}

int main(void) {
    const char *v = getenv("ALLOC_FAIL_VERBOSE");
    verbose = v && *v && strcmp(v, "0");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outside_a_document),
        cmocka_unit_test(test_cleanups),
        cmocka_unit_test(test_cat),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_sample),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_docx),
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_legacy_encodings),
    };
    return cmocka_run_group_tests(tests, test_rules_setup, test_rules_teardown);
}
