/* test_rules.c — the rule-file engine: loading, errors with carets, lists,
 * macros, emits, substitutions and the example runner. */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static void write_rules(const char *name, const char *text) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int make_dir(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/chidao-rules-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd);
}

/* Loading tmpdir must fail: its one error (a is initialised here and holds
 * it; the caller frees a). */
static const cd_diag *load_fails(cd_arena *a) {
    cd_arena_init(a);
    cd_diag_list errs;
    cd_diags_init(&errs, a);
    assert_null(cd_rules_load_dir(tmpdir, &errs));
    assert_int_equal(errs.n, 1);
    return &errs.items[0];
}

static void test_bad_pattern_names_file_line_and_caret(void **state) {
    (void)state;
    write_rules("bad.rules", "# a comment\n[ok]\npattern = abc\n\n[broken]\npattern = (ab[c\n");
    cd_arena a;
    const cd_diag *e = load_fails(&a);
    assert_int_equal(e->line, 6);
    assert_non_null(strstr(e->file, "bad.rules"));
    assert_non_null(strstr(e->message, "missing terminating ]"));
    assert_non_null(strstr(e->message, "pattern = (ab[c"));
    assert_non_null(strstr(e->message, "^"));
    cd_arena_free(&a);
}

static void test_lists_macros_emits_and_examples(void **state) {
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/bad.rules", tmpdir);
    unlink(path);
    write_rules(
        "vocab.rules",
        "[list depts]\nitem = Tư pháp\nitem = Văn hóa, Thể thao và Du lịch\nitem = KH&CN => Khoa học và Công nghệ\n"
        "example = Sở KH&CN tỉnh => Khoa học và Công nghệ\n\n"
        "[dept]\npattern = ^Sở\\s+(?<name>{{depts}})\nemit = head=Sở; full=Sở ${name}\n"
        "example = Sở Văn hóa, Thể thao và Du lịch => full=Sở Văn hóa, Thể thao và Du lịch; name=Văn hóa, Thể thao và "
        "Du lịch\n"
        "example = Sở Nội vụ => no match\n\n"
        "[ubnd]\npattern = \\bUBND\\b\nreplace = Ủy ban nhân dân\nexample = UBND tỉnh => Ủy ban nhân dân tỉnh\n\n"
        "[wrong]\npattern = ^x\nemit = k=1\nexample = x => k=2\n");
    cd_arena a;
    cd_rules *rs = load_rules_from(tmpdir, &a);
    assert_non_null(rs);
    cd_match m;
    const cd_rule *dept = cd_rules_get(rs, "vocab", "dept");
    assert_true(cd_rule_search(dept, "Sở Tư pháp", strlen("Sở Tư pháp"), 0, &m));
    assert_string_equal(cd_match_emit(&m, "full", &a), "Sở Tư pháp");
    assert_string_equal(cd_match_emit(&m, "match", &a), "Sở Tư pháp");
    assert_null(cd_match_emit(&m, "absent", &a));
    /* lookups are cached by the names' addresses: a buffer reused for
     * another name, or another load of the same files, gets its own rule */
    char name[16] = "dept";
    assert_ptr_equal(cd_rules_get(rs, "vocab", name), dept);
    strcpy(name, "ubnd");
    assert_string_equal(cd_rule_name(cd_rules_get(rs, "vocab", name)), "ubnd");
    strcpy(name, "absent");
    assert_null(cd_rules_get(rs, "vocab", name));
    cd_arena a2;
    cd_rules *rs2 = load_rules_from(tmpdir, &a2);
    assert_non_null(rs2);
    const cd_rule *dept2 = cd_rules_get(rs2, "vocab", "dept");
    assert_non_null(dept2);
    assert_ptr_not_equal(dept2, dept);
    assert_ptr_equal(cd_rules_get(rs, "vocab", "dept"), dept);
    cd_rules_free(rs2);
    cd_arena_free(&a2);
    const cd_rule *depts = cd_rules_get(rs, "vocab", "depts");
    assert_string_equal(cd_list_lookup(depts, "kh&cn", 5), "Khoa học và Công nghệ");
    assert_string_equal(cd_list_lookup(depts, "TƯ PHÁP", strlen("TƯ PHÁP")), "Tư pháp");
    assert_null(cd_list_lookup(depts, "Nội vụ", strlen("Nội vụ")));
    size_t n;
    char *r = cd_group_replace(cd_rules_group(rs, "vocab"), "UBND tỉnh, UBND xã", strlen("UBND tỉnh, UBND xã"), &n, &a);
    assert_string_equal(r, "Ủy ban nhân dân tỉnh, Ủy ban nhân dân xã");
    /* the runner catches the one wrong example and no other */
    FILE *devnull = fopen("/dev/null", "w");
    int total = 0;
    assert_int_equal(cd_rules_test(rs, devnull, &total), 1);
    assert_int_equal(total, 5);
    fclose(devnull);
    cd_rules_free(rs);
    cd_arena_free(&a);
}

/* The group iterations skip a rule when the subject lacks every byte a match
 * could start with or every byte a match must hold: never a rule that would
 * have matched (other cases, Unicode case folds, anchored rules). */
static void test_group_skips_keep_every_match(void **state) {
    (void)state;
    write_rules("skip.rules", "[a]\npattern = (?i)x+yz\nemit = k=a\n\n"
                              "[b]\npattern = [ ]*<b>\\d</b>\nemit = k=b\n\n"
                              "[c]\npattern = (?i)đ\\d\nemit = k=c\n\n"
                              "[d]\npattern = (?i)^k\\d\nemit = k=d\n");
    cd_arena a;
    cd_rules *rs = load_rules_from(tmpdir, &a);
    assert_non_null(rs);
    const cd_rule_group *g = cd_rules_group(rs, "skip");
    static const struct {
        const char *text, *rule;
    } cases[] = {
        {"aaa XXYZ", "a"},    {"aaa xyZ", "a"},        {"văn bản <b>1</b> số", "b"}, {"Số Đ5", "c"},
        {"K7 đầu dòng", "d"}, {"\u212A7 Kelvin", "d"}, {"x y z <b>", NULL},          {"đ k7", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cd_match m;
        const cd_rule *r = cd_group_first(g, cases[i].text, strlen(cases[i].text), &m);
        if (!cases[i].rule)
            assert_null(r);
        else
            assert_string_equal(r ? cd_rule_name(r) : "(none)", cases[i].rule);
    }
    cd_rules_free(rs);
    cd_arena_free(&a);
}

/* A rule's requires pattern refuses a subject without it before the rule's
 * own pattern runs; the example runner checks that it is found inside every
 * match; it is compiled and reported like a pattern. */
static void test_requires(void **state) {
    (void)state;
    write_rules("req.rules",
                "[lead]\npattern = ^(?<lead>[^;]+?)\\s+(?:chủ trì|làm đầu mối)\\b\nrequires = chủ trì|đầu mối\n"
                "example = Sở Y tế chủ trì => lead=Sở Y tế\n"
                "example = Sở Y tế phối hợp => no match\n\n"
                "[narrow]\npattern = ^Sở\\s+\\S+\nrequires = Y tế\n"
                "example = Sở Tư pháp, Sở Y tế => match=Sở Tư\n");
    cd_arena a;
    cd_rules *rs = load_rules_from(tmpdir, &a);
    assert_non_null(rs);
    cd_match m;
    const cd_rule *lead = cd_rules_get(rs, "req", "lead");
    assert_true(cd_rule_search(lead, "Sở Y tế làm đầu mối", strlen("Sở Y tế làm đầu mối"), 0, &m));
    assert_string_equal(cd_match_emit(&m, "lead", &a), "Sở Y tế");
    assert_false(cd_rule_search(lead, "Sở Y tế phối hợp", strlen("Sở Y tế phối hợp"), 0, &m));
    /* the pattern alone matches "Sở Tư"; without "Y tế" in the text the requires refuses it */
    const cd_rule *narrow = cd_rules_get(rs, "req", "narrow");
    assert_false(cd_rule_search(narrow, "Sở Tư pháp", strlen("Sở Tư pháp"), 0, &m));
    /* "narrow" claims every match holds "Y tế": its example shows one that does not */
    char *report = NULL;
    size_t report_len = 0;
    FILE *out = open_memstream(&report, &report_len);
    assert_non_null(out);
    int total = 0;
    assert_int_equal(cd_rules_test(rs, out, &total), 2); /* and vocab.rules' [wrong] */
    fclose(out);
    assert_non_null(strstr(report, "[narrow] example 'Sở Tư pháp, Sở Y tế' failed: requires 'Y tế' is not found in the "
                                   "match 'Sở Tư'"));
    assert_null(strstr(report, "[lead]"));
    free(report);
    cd_rules_free(rs);
    cd_arena_free(&a);

    /* a bad requires pattern is reported at its line; a list cannot have one */
    write_rules("req.rules", "[a]\npattern = x\nrequires = (y\n");
    const cd_diag *e = load_fails(&a);
    assert_int_equal(e->line, 3);
    assert_non_null(strstr(e->message, "requires = (y"));
    cd_arena_free(&a);
    write_rules("req.rules", "[list l]\nitem = x\nrequires = x\n");
    assert_non_null(strstr(load_fails(&a)->message, "cannot have requires"));
    cd_arena_free(&a);
    char path[128];
    snprintf(path, sizeof path, "%s/req.rules", tmpdir);
    unlink(path);
}

static void test_shipped_rules_pass_their_examples(void **state) {
    (void)state;
    int total = 0;
    assert_int_equal(cd_rules_test(test_rules, stderr, &total), 0);
    assert_true(total > 100);
}

int main(void) {
    const struct CMUnitTest dir_tests[] = {
        cmocka_unit_test(test_bad_pattern_names_file_line_and_caret),
        cmocka_unit_test(test_lists_macros_emits_and_examples),
        cmocka_unit_test(test_group_skips_keep_every_match),
        cmocka_unit_test(test_requires),
    };
    const struct CMUnitTest shipped[] = {cmocka_unit_test(test_shipped_rules_pass_their_examples)};
    int failed = cmocka_run_group_tests(dir_tests, make_dir, remove_dir);
    failed += cmocka_run_group_tests(shipped, test_rules_setup, test_rules_teardown);
    return failed;
}
