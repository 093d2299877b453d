/* test_limits.c — the table of caps (limits.h): --limit parsing, each cap of
 * the text path firing with "limit exceeded: NAME" and CD_EXIT_INPUT, the
 * time budget, and the PCRE2 limits stopping catastrophic backtracking.
 * The DOCX, HTML and PDF caps are shown on generated files by tests/bad.sh. */
#include "testutil.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chidao.h"
#include "limits.h"

static void test_table_is_complete(void **state) {
    (void)state;
    for (int i = 0; i < CD_LIMIT__COUNT; i++) {
        const cd_limit_info *l = &cd_limit_table[i];
        assert_non_null(l->name);
        assert_non_null(l->unit);
        assert_non_null(l->stops);
        assert_true(l->value >= 1 && l->value <= l->max);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(l->name, cd_limit_table[k].name);
    }
    assert_int_equal(cd_limit(NULL, CD_LIMIT_LINES), cd_limit_table[CD_LIMIT_LINES].value);
    cd_options opt = {0};
    assert_int_equal(cd_limit(&opt, CD_LIMIT_TIME), cd_limit_table[CD_LIMIT_TIME].value);
}

static void test_set(void **state) {
    (void)state;
    cd_limits l;
    cd_limits_init(&l);
    assert_null(cd_limits_set(&l, "lines=10"));
    assert_int_equal(l.value[CD_LIMIT_LINES], 10);
    assert_null(cd_limits_set(&l, "file-size=2k"));
    assert_int_equal(l.value[CD_LIMIT_FILE_SIZE], 2048);
    assert_null(cd_limits_set(&l, "zip-part-size=3M"));
    assert_int_equal(l.value[CD_LIMIT_ZIP_PART_SIZE], 3u << 20);
    assert_null(cd_limits_set(&l, "time=250"));
    assert_int_equal(l.value[CD_LIMIT_TIME], 250);
    /* refused: unknown name, no '=', not a number, 0, over the max, a size
     * suffix on a count, trailing junk */
    assert_non_null(cd_limits_set(&l, "frobs=1"));
    assert_non_null(cd_limits_set(&l, "lines"));
    assert_non_null(cd_limits_set(&l, "lines=ten"));
    assert_non_null(cd_limits_set(&l, "lines=0"));
    assert_non_null(cd_limits_set(&l, "lines=-1"));
    assert_non_null(cd_limits_set(&l, "xml-depth=257"));
    assert_non_null(cd_limits_set(&l, "file-size=3G"));
    assert_non_null(cd_limits_set(&l, "lines=2k"));
    assert_non_null(cd_limits_set(&l, "lines=5x"));
    assert_non_null(cd_limits_set(&l, "lines=99999999999999999999999"));
    assert_int_equal(l.value[CD_LIMIT_LINES], 10); /* a refused value changes nothing */
}

/* Run the pipeline on text with one limit set; returns its exit code and
 * leaves the first error's message in *msg (copied). */
static int run_with(const char *text, const char *limit, int64_t deadline_ns, char *msg, size_t size) {
    cd_limits l;
    cd_limits_init(&l);
    if (limit) assert_null(cd_limits_set(&l, limit));
    cd_options opt = {.rules = test_rules, .limits = &l, .deadline_ns = deadline_ns};
    cd_document doc;
    cd_document_init_bytes(&doc, (const unsigned char *)text, strlen(text), "t.txt");
    int rc = cd_process(&doc, &opt);
    msg[0] = 0;
    for (size_t i = 0; i < doc.diags.n; i++)
        if (doc.diags.items[i].severity == CD_SEV_ERROR) {
            snprintf(msg, size, "%s", doc.diags.items[i].message);
            break;
        }
    cd_document_free(&doc);
    return rc;
}

static const char head[] = "Số: 1/KH-UBND\nKẾ HOẠCH\nThực hiện nhiệm vụ năm 2026\n";

static char *with_head(const char *body) {
    char *s = malloc(strlen(head) + strlen(body) + 1);
    assert_non_null(s);
    strcpy(s, head);
    strcat(s, body);
    return s;
}

#define ASSERT_CAP(text, limit, name)                                                                                  \
    do {                                                                                                               \
        char msg_[512];                                                                                                \
        assert_int_equal(run_with(text, limit, 0, msg_, sizeof msg_), CD_EXIT_INPUT);                                  \
        assert_ptr_equal(strstr(msg_, "limit exceeded: " name ": "), msg_);                                            \
        assert_int_equal(run_with(text, NULL, 0, msg_, sizeof msg_), CD_EXIT_OK); /* the default lets it through */    \
    } while (0)

static void test_text_caps_fire(void **state) {
    (void)state;
    char *tasks = with_head("II. NHIỆM VỤ, GIẢI PHÁP\n1. Xây dựng đề án chuyển đổi số.\n- Chủ trì: Sở Tài chính.\n"
                            "2. Tổ chức hội nghị.\n- Chủ trì: Sở Y tế.\n3. Rà soát thủ tục.\n- Chủ trì: Sở Nội vụ.\n");
    ASSERT_CAP(tasks, "file-size=100", "file-size");
    ASSERT_CAP(tasks, "line-length=20", "line-length");
    ASSERT_CAP(tasks, "lines=5", "lines");
    ASSERT_CAP(tasks, "tasks=2", "tasks");
    char msg[512];
    assert_int_equal(run_with(tasks, "tasks=3", 0, msg, sizeof msg), CD_EXIT_OK); /* at the cap is fine */
    free(tasks);

    char *table = with_head("\nTT\tNội dung\tĐơn vị chủ trì\tThời hạn\n1\tXây dựng đề án\tSở Tài chính\tQuý II/2026\n"
                            "2\tTổ chức hội nghị\tSở Y tế\tQuý III/2026\n");
    ASSERT_CAP(table, "columns=3", "columns");
    ASSERT_CAP(table, "cells=10", "cells");
    assert_int_equal(run_with(table, "cells=12", 0, msg, sizeof msg), CD_EXIT_OK);
    free(table);

    char *pipes = with_head("\n| TT | Nội dung | Đơn vị chủ trì |\n|---|---|---|\n| 1 | Đề án | Sở Tài chính |\n");
    ASSERT_CAP(pipes, "columns=2", "columns");
    assert_int_equal(run_with(pipes, "columns=3", 0, msg, sizeof msg), CD_EXIT_OK); /* outer pipes close no cell */
    free(pipes);
}

static void test_time_budget(void **state) {
    (void)state;
    char msg[512];
    char *text = with_head("1. Sở Tài chính chủ trì.\n");
    /* a deadline already past: the first stage boundary stops it */
    assert_int_equal(run_with(text, NULL, 1, msg, sizeof msg), CD_EXIT_INPUT);
    assert_ptr_equal(strstr(msg, "limit exceeded: time: "), msg);
    /* a generous one: converts */
    assert_int_equal(run_with(text, NULL, cd_clock_ns() + 60 * 1000000000LL, msg, sizeof msg), CD_EXIT_OK);
    free(text);

    /* the loops look at the clock too: a million lines with the budget
     * running out inside the structure stage stop there, well before the
     * document would have finished */
    size_t n = 1000000;
    char *big = malloc(strlen(head) + 2 * n + 1);
    assert_non_null(big);
    strcpy(big, head);
    char *p = big + strlen(head);
    for (size_t i = 0; i < n; i++)
        *p++ = 'a', *p++ = '\n';
    *p = 0;
    cd_options opt = {.rules = test_rules};
    cd_document doc;
    cd_document_init_bytes(&doc, (const unsigned char *)big, strlen(big), "big.txt");
    int64_t t0 = cd_clock_ns();
    assert_int_equal(cd_process(&doc, &opt), CD_EXIT_OK);
    int64_t whole = cd_clock_ns() - t0;
    cd_document_free(&doc);
    cd_document_init_bytes(&doc, (const unsigned char *)big, strlen(big), "big.txt");
    opt.deadline_ns = cd_clock_ns() + whole / 4;
    t0 = cd_clock_ns();
    assert_int_equal(cd_process(&doc, &opt), CD_EXIT_INPUT);
    int64_t stopped = cd_clock_ns() - t0;
    assert_non_null(strstr(doc.diags.items[doc.diags.n - 1].message, "limit exceeded: time: "));
    assert_true(stopped < whole);
    cd_document_free(&doc);
    free(big);
}

/* ---- PCRE2: a catastrophic pattern gives up under the match limit ---- */

static char tmpdir[64];

static void test_regex_limits(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/chidao-limits-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    char path[128];
    snprintf(path, sizeof path, "%s/evil.rules", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    /* nested quantifiers: 2^n ways to fail on "aaa…a!" */
    fputs("[evil]\npattern = ^(a+)+$\nexample = aaa => match=aaa\n", f);
    fclose(f);
    cd_arena a;
    cd_rules *rs = load_rules_from(tmpdir, &a);
    assert_non_null(rs);
    const cd_rule *evil = cd_rules_get(rs, "evil", "evil");
    assert_non_null(evil);
    char subject[64];
    memset(subject, 'a', 40);
    strcpy(subject + 40, "!");
    cd_match m;
    /* 2^40 steps without a limit; the default match limit gives up at once */
    int64_t t0 = cd_clock_ns();
    assert_false(cd_rule_search(evil, subject, strlen(subject), 0, &m));
    assert_true(cd_clock_ns() - t0 < 2000000000LL);
    assert_true(cd_rule_search(evil, "aaa", 3, 0, &m));
    /* --limit regex-match=1: even an easy match gives up */
    cd_rules_set_limits(rs, 1, 1);
    assert_false(cd_rule_search(evil, "aaa", 3, 0, &m));
    cd_rules_set_limits(rs, (uint32_t)cd_limit_table[CD_LIMIT_REGEX_MATCH].value,
                        (uint32_t)cd_limit_table[CD_LIMIT_REGEX_DEPTH].value);
    assert_true(cd_rule_search(evil, "aaa", 3, 0, &m));
    cd_rules_free(rs);
    cd_arena_free(&a);
    unlink(path);
    rmdir(tmpdir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_complete), cmocka_unit_test(test_set),
        cmocka_unit_test(test_text_caps_fire),    cmocka_unit_test(test_time_budget),
        cmocka_unit_test(test_regex_limits),
    };
    return cmocka_run_group_tests(tests, test_rules_setup, test_rules_teardown);
}
