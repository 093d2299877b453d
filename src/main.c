/* main.c — the thin CLI: parse options, call the library, print
 * diagnostics as "chidao: FILE:LINE: message", map results to exit codes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chidao.h"

static const char *usage_text =
    "usage: chidao extract [-f json] [-o FILE] [--strict] [--repair] [--rules DIR] [FILE|-]\n"
    "       chidao rules test [DIR]\n"
    "       chidao debug blocks FILE\n"
    "       chidao --help | --version\n"
    "\n"
    "extract   convert one directive document (text or markdown, UTF-8) into the\n"
    "          chidao/1 JSON record (see README.md); standard input when FILE is - or absent\n"
    "  -f FMT    output format: json (default)\n"
    "  -o FILE   write to FILE (atomically: a temporary file renamed) instead of stdout\n"
    "  --strict  exit 1 when the document has error diagnostics\n"
    "  --repair  replace invalid UTF-8 with U+FFFD (with a diagnostic) instead of failing\n"
    "  --rules DIR  rule directory (default: $CHIDAO_RULES, else the installed rules/)\n"
    "rules test  run every inline example of the rule files in DIR\n"
    "\n"
    "exit codes: 0 ok; 1 error diagnostics under --strict; 2 usage; 3 input unreadable\n"
    "or undecodable; 4 rule file invalid; 5 internal error\n";

static int usage_error(const char *msg) {
    fprintf(stderr, "chidao: %s\n%s", msg, usage_text);
    return CD_EXIT_USAGE;
}

static void print_diags(const cd_diag_list *l, cd_severity max) {
    for (size_t i = 0; i < l->n; i++) {
        const cd_diag *d = &l->items[i];
        if (d->severity > max) continue;
        if (d->line)
            fprintf(stderr, "chidao: %s:%d: %s\n", d->file ? d->file : "-", d->line, d->message);
        else
            fprintf(stderr, "chidao: %s: %s\n", d->file ? d->file : "-", d->message);
    }
}

static cd_rules *load_rules(const char *dir) {
    cd_arena a;
    cd_arena_init(&a);
    cd_diag_list errs;
    cd_diags_init(&errs, &a);
    cd_rules *rs = cd_rules_load_dir(dir, &errs);
    print_diags(&errs, CD_SEV_INFO);
    cd_arena_free(&a);
    return rs;
}

static int cmd_rules_test(int argc, char **argv) {
    const char *dir = argc > 0 ? argv[0] : cd_rules_default_dir();
    cd_rules *rs = load_rules(dir);
    if (!rs) return CD_EXIT_RULES;
    int total = 0;
    int failed = cd_rules_test(rs, stderr, &total);
    cd_rules_free(rs);
    printf("rules test: %d passed, %d failed\n", total - failed, failed);
    return failed ? CD_EXIT_RULES : CD_EXIT_OK;
}

/* Write to a temporary file beside the target and rename it, so a reader
 * never sees half a file. */
static int write_output(const cd_document *doc, const char *out_path) {
    if (!out_path) {
        int rc = cd_emit_json(doc, stdout);
        /* closing stdout is where a full disk or a closed pipe shows */
        if (fclose(stdout) != 0 || rc != CD_EXIT_OK) {
            fprintf(stderr, "chidao: write error on standard output: %s\n", strerror(errno));
            return CD_EXIT_INTERNAL;
        }
        return rc;
    }
    size_t n = strlen(out_path) + 32;
    char *tmp = malloc(n);
    if (!tmp) abort();
    snprintf(tmp, n, "%s.tmp.%ld", out_path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        fprintf(stderr, "chidao: %s: cannot write: %s\n", out_path, strerror(errno));
        free(tmp);
        return CD_EXIT_INTERNAL;
    }
    int rc = cd_emit_json(doc, f);
    if (fclose(f) != 0) rc = CD_EXIT_INTERNAL;
    if (rc == CD_EXIT_OK && rename(tmp, out_path) != 0) rc = CD_EXIT_INTERNAL;
    if (rc != CD_EXIT_OK) {
        fprintf(stderr, "chidao: %s: write failed: %s\n", out_path, strerror(errno));
        remove(tmp);
    }
    free(tmp);
    return rc;
}

static int cmd_extract(int argc, char **argv) {
    const char *format = "json", *out_path = NULL, *input = NULL, *rules_dir = NULL;
    cd_options opt = {0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-f") || !strcmp(a, "-o") || !strcmp(a, "--rules")) {
            if (i + 1 >= argc) return usage_error("option needs an argument");
            const char *v = argv[++i];
            if (!strcmp(a, "-f")) format = v;
            else if (!strcmp(a, "-o")) out_path = v;
            else rules_dir = v;
        } else if (!strcmp(a, "--strict")) {
            opt.strict = true;
        } else if (!strcmp(a, "--repair")) {
            opt.repair = true;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option");
        } else if (input) {
            return usage_error("extract takes one input file");
        } else {
            input = a;
        }
    }
    if (strcmp(format, "json") != 0) return usage_error("unknown format (supported: json)");
    if (!input) input = "-";
    cd_rules *rs = load_rules(rules_dir ? rules_dir : cd_rules_default_dir());
    if (!rs) return CD_EXIT_RULES;
    opt.rules = rs;
    cd_document doc;
    int rc = cd_document_load(&doc, input, input);
    if (rc == CD_EXIT_OK) rc = cd_process(&doc, &opt);
    print_diags(&doc.diags, CD_SEV_ERROR);
    if (rc == CD_EXIT_OK) {
        rc = write_output(&doc, out_path);
        if (rc == CD_EXIT_OK && opt.strict && cd_diags_count(&doc.diags, CD_SEV_ERROR)) rc = CD_EXIT_STRICT;
    }
    cd_document_free(&doc);
    cd_rules_free(rs);
    return rc;
}

/* "chidao debug blocks FILE": the structure stage's blocks, one per line,
 * for rule writers and for debugging layouts. */
static int cmd_debug_blocks(int argc, char **argv) {
    if (argc != 1) return usage_error("expected 'debug blocks FILE'");
    cd_rules *rs = load_rules(cd_rules_default_dir());
    if (!rs) return CD_EXIT_RULES;
    cd_options opt = {.rules = rs};
    cd_document doc;
    int rc = cd_document_load(&doc, argv[0], argv[0]);
    if (rc == CD_EXIT_OK) rc = cd_process(&doc, &opt);
    static const char *kinds[] = {"para", "item", "heading", "field", "bullet", "row"};
    for (size_t i = 0; i < doc.n_blocks; i++) {
        const cd_block *b = &doc.blocks[i];
        printf("%4d-%-4d %-7s %-3s %s%s", b->first, b->last, kinds[b->kind], b->label, b->emphasised ? "*" : "",
               b->text);
        if (b->kind == CD_BLOCK_FIELD) printf("  [field %d]", (int)b->field);
        for (size_t c = 0; b->cells && c < b->table->n_cols; c++) printf(" |%s", b->cells[c] ? b->cells[c] : "");
        putchar('\n');
    }
    print_diags(&doc.diags, CD_SEV_ERROR);
    cd_document_free(&doc);
    cd_rules_free(rs);
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 2) return usage_error("no command");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage_text, stdout);
        return CD_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("chidao %s\n", CHIDAO_VERSION);
        return CD_EXIT_OK;
    }
    if (!strcmp(cmd, "extract")) return cmd_extract(argc - 2, argv + 2);
    if (!strcmp(cmd, "debug") && argc > 2 && !strcmp(argv[2], "blocks")) return cmd_debug_blocks(argc - 3, argv + 3);
    if (!strcmp(cmd, "rules")) {
        if (argc < 3 || strcmp(argv[2], "test") != 0) return usage_error("expected 'rules test [DIR]'");
        return cmd_rules_test(argc - 3, argv + 3);
    }
    return usage_error("unknown command");
}
