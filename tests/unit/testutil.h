/* testutil.h — shared set-up for the cmocka unit tests: the rule set is
 * loaded once from $CHIDAO_RULES (the Makefile sets it to rules/). */
#ifndef CD_TESTUTIL_H
#define CD_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* cmocka needs the headers above first */
#include <cmocka.h>

#include "rules.h"

static cd_rules *test_rules;

/* The rule files of dir, or NULL with the errors printed; a is initialised
 * here and holds the errors (the caller frees it). */
static cd_rules *load_rules_from(const char *dir, cd_arena *a) {
    cd_arena_init(a);
    cd_diag_list errs;
    cd_diags_init(&errs, a);
    cd_rules *rs = cd_rules_load_dir(dir, &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s:%d: %s\n", errs.items[i].file ? errs.items[i].file : "?", errs.items[i].line,
                errs.items[i].message);
    return rs;
}

static int test_rules_setup(void **state) {
    (void)state;
    cd_arena a;
    test_rules = load_rules_from(cd_rules_default_dir(), &a);
    cd_arena_free(&a);
    return test_rules ? 0 : -1;
}

static int test_rules_teardown(void **state) {
    (void)state;
    cd_rules_free(test_rules);
    test_rules = NULL;
    return 0;
}

#endif
