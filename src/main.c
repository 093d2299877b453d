/* main.c — the thin CLI: parse options, call the library, print
 * diagnostics as "chidao: FILE:LINE: message", map results to exit codes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "check.h"
#include "chidao.h"
#include "convert.h"
#include "decode.h"
#include "emit_csv.h"
#include "emit_xlsx.h"
#include "emit_xml.h"
#include "limits.h"
#include "outfile.h"

static const char *usage_text =
    "usage: chidao extract [-f FMT] [-o FILE] [--from FMT] [--encoding ENC] [--strict] [--repair]\n"
    "                      [--limit NAME=VALUE]... [--csv-formulas keep] [--rules DIR] [FILE|-]\n"
    "       chidao batch -o OUTDIR [-f FMT,...] [-j N] [--files-from FILE|-] [--shard I/N]\n"
    "                    [--from FMT] [--encoding ENC] [--strict] [--repair] [--limit NAME=VALUE]...\n"
    "                    [--csv-formulas keep] [--rules DIR] [INPUT...]\n"
    "       chidao template derive --cite SYMBOL [--issuer TEXT] [-o FILE] [--rules DIR] FILE...\n"
    "       chidao check --template T.xml [-f FMT] [-o FILE] [--schema XSD] [--rules DIR] FILE...\n"
    "       chidao diff [-f FMT] [-o FILE] [--rules DIR] OLD NEW\n"
    "       chidao rules test [DIR]\n"
    "       chidao debug blocks FILE\n"
    "       chidao --help | --version\n"
    "\n"
    "extract   convert one directive document (text or markdown in any encoding offices\n"
    "          use, HTML, DOCX, PDF) into the chidao/1 record (see README.md); standard\n"
    "          input when FILE is - or absent\n"
    "  -f FMT    output format: json (default), xml, ndjson (one line), csv (the\n"
    "            task table), xlsx (a workbook; needs -o or a redirected stdout)\n"
    "  -o FILE   write to FILE (atomically: a temporary file renamed) instead of stdout\n"
    "  --from FMT      input format: text, markdown, html, docx, pdf (default: from the content)\n"
    "  --encoding ENC  a text file's encoding: UTF-8, UTF-16LE, UTF-16BE, windows-1258,\n"
    "                  TCVN3, VNI, VISCII (default: detected)\n"
    "  --strict  exit 1 when the document has error diagnostics\n"
    "  --repair  replace invalid UTF-8 with U+FFFD (with a diagnostic) instead of failing\n"
    "  --limit NAME=VALUE  change a cap on the input (repeatable): file-size, line-length,\n"
    "            lines, tasks, cells, columns, zip-part-size, zip-entries, zip-ratio,\n"
    "            xml-depth, xml-nodes, pdf-pages, pdf-objects, regex-match, regex-depth,\n"
    "            time (ms per document: always in batch, in extract when given);\n"
    "            defaults and units in README.md; sizes take k, M, G.  Over a cap:\n"
    "            \"chidao: FILE: limit exceeded: NAME ...\", exit 3\n"
    "  --csv-formulas keep  write CSV cells starting with = + - @ as they are (database\n"
    "            loads); by default they get a leading ' so spreadsheets show them as text\n"
    "  --rules DIR  rule directory (default: $CHIDAO_RULES, else the installed rules/)\n"
    "batch     convert every INPUT (files; directories are walked recursively) into\n"
    "          OUTDIR: <stem>.json / <stem>.xml per document, tasks.xlsx, the CSV\n"
    "          tables (documents, tasks, indicators, diagnostics), documents.ndjson\n"
    "  -f FMT,...      formats (default json): json, xml, xlsx, csv, ndjson\n"
    "  -j N            worker threads (default: the number of cores)\n"
    "  --files-from F  also read input paths, one per line, from F (- = stdin)\n"
    "  --shard I/N     convert only every N-th input starting at the I-th (1-based)\n"
    "  --from, --encoding, --strict, --repair, --limit, --csv-formulas: as for extract\n"
    "          a file that fails is reported and the batch goes on (exit 2); --limit\n"
    "          time=MS (default 60000) fails a document still converting after MS\n"
    "template derive  a conformance template (XML, schemas/template.xsd) from the tasks\n"
    "          of FILEs whose Văn bản giao or Ghi chú cites SYMBOL (\"02-CTr/BCĐTW\")\n"
    "check     each FILE against a template: required tasks covered (late, with a\n"
    "          different lead) or missing, document elements and task fields missing;\n"
    "          exit 0 when every FILE conforms, 1 when one does not\n"
    "  -f FMT    report format: text (default), json, xlsx (needs -o or a redirected stdout)\n"
    "  --schema XSD  the template schema (default: schemas/template.xsd beside the rules)\n"
    "diff      what changed from OLD to NEW: tasks added, removed, reworded, and changed\n"
    "          in lead, support, deadline or output (-f as for check)\n"
    "rules test  run every inline example of the rule files in DIR\n"
    "\n"
    "exit codes: 0 ok; 1 error diagnostics under --strict; 2 usage, or (batch) some\n"
    "inputs failed; 3 input unreadable or undecodable; 4 rule file invalid; 5 internal\n"
    "or output error; check, diff, derive: 3 an input or the template unreadable, 4 rule\n"
    "file or template invalid\n";

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

/* One document in one format to an open stream. */
static int emit(const cd_document *doc, unsigned format, FILE *out, bool csv_formulas_keep) {
    switch (format) {
    case CD_FMT_XML:
        return cd_emit_xml(doc, out);
    case CD_FMT_NDJSON:
        return cd_emit_ndjson(doc, out);
    case CD_FMT_CSV: {
        cd_csv *c = cd_csv_open(NULL, out, NULL, NULL);
        if (!c) return CD_EXIT_INTERNAL;
        cd_csv_keep_formulas(c, csv_formulas_keep);
        int rc = cd_csv_add(c, doc, CD_EXIT_OK);
        int rc_close = cd_csv_close(c);
        return rc != CD_EXIT_OK ? rc : rc_close;
    }
    default:
        return cd_emit_json(doc, out);
    }
}

/* libxlsxwriter writes a file by name: build the workbook in a temporary
 * file, then copy it to out. */
static int emit_xlsx(const cd_document *doc, FILE *out) {
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/chidao.xlsx", dir && *dir ? dir : "/tmp");
    char *tmp = cd_outfile_tmp_name(path);
    cd_xlsx *x = cd_xlsx_open(tmp, false);
    int rc = x ? cd_xlsx_add(x, doc, CD_EXIT_OK) : CD_EXIT_INTERNAL;
    if (x && cd_xlsx_close(x) != CD_EXIT_OK) rc = CD_EXIT_INTERNAL;
    FILE *in = rc == CD_EXIT_OK ? fopen(tmp, "rb") : NULL;
    if (!in) rc = CD_EXIT_INTERNAL;
    char chunk[65536];
    size_t n;
    while (in && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        if (fwrite(chunk, 1, n, out) != n) rc = CD_EXIT_INTERNAL;
    if (in && ferror(in)) rc = CD_EXIT_INTERNAL;
    if (in) fclose(in);
    remove(tmp);
    free(tmp);
    return rc;
}

/* Write to a temporary file beside the target and rename it, so a reader
 * never sees half a file. */
static int write_output(const cd_document *doc, unsigned format, const char *out_path, bool csv_formulas_keep) {
    if (!out_path) {
        if (format == CD_FMT_XLSX && isatty(fileno(stdout))) {
            fprintf(stderr, "chidao: -f xlsx writes a binary workbook: give -o FILE or redirect stdout\n");
            return CD_EXIT_USAGE;
        }
        int rc = format == CD_FMT_XLSX ? emit_xlsx(doc, stdout) : emit(doc, format, stdout, csv_formulas_keep);
        /* closing stdout is where a full disk or a closed pipe shows */
        if (fclose(stdout) != 0 || rc != CD_EXIT_OK) {
            fprintf(stderr, "chidao: write error on standard output: %s\n", strerror(errno));
            return CD_EXIT_INTERNAL;
        }
        return rc;
    }
    cd_outfile o;
    if (!cd_outfile_open(&o, out_path)) {
        fprintf(stderr, "chidao: %s: cannot write: %s\n", out_path, strerror(errno));
        return CD_EXIT_INTERNAL;
    }
    int rc = format == CD_FMT_XLSX ? emit_xlsx(doc, o.f) : emit(doc, format, o.f, csv_formulas_keep);
    if (rc != CD_EXIT_OK) {
        cd_outfile_abort(&o);
        errno = EIO;
    }
    if (rc != CD_EXIT_OK || !cd_outfile_commit(&o)) {
        fprintf(stderr, "chidao: %s: write failed: %s\n", out_path, strerror(errno));
        return CD_EXIT_INTERNAL;
    }
    return CD_EXIT_OK;
}

/* Options extract and batch share: --limit NAME=VALUE (repeatable) and
 * --csv-formulas keep|neutralise.  true when argv[*i] is one (its value
 * consumed); *rc becomes a usage error when the value is bad; *timed when
 * the time limit was given. */
static bool input_option(int argc, char **argv, int *i, cd_options *opt, cd_limits *limits, bool *timed, int *rc) {
    const char *a = argv[*i];
    if (strcmp(a, "--limit") && strcmp(a, "--csv-formulas")) return false;
    if (*i + 1 >= argc) {
        *rc = usage_error("option needs an argument");
        return true;
    }
    const char *v = argv[++*i];
    if (!strcmp(a, "--limit")) {
        const char *why = cd_limits_set(limits, v);
        if (why) *rc = usage_error(why);
        if (!strncmp(v, "time=", 5)) *timed = true;
        opt->limits = limits;
    } else if (!strcmp(v, "keep")) {
        opt->csv_formulas_keep = true;
    } else if (!strcmp(v, "neutralise") || !strcmp(v, "neutralize")) {
        opt->csv_formulas_keep = false;
    } else {
        *rc = usage_error("--csv-formulas takes keep or neutralise");
    }
    return true;
}

/* The PCRE2 limits in force (--limit regex-match, regex-depth) on the rule
 * set, before any match. */
static void apply_regex_limits(cd_rules *rs, const cd_options *opt) {
    cd_rules_set_limits(rs, (uint32_t)cd_limit(opt, CD_LIMIT_REGEX_MATCH),
                        (uint32_t)cd_limit(opt, CD_LIMIT_REGEX_DEPTH));
}

static int cmd_extract(int argc, char **argv) {
    const char *format = "json", *out_path = NULL, *input = NULL, *rules_dir = NULL;
    cd_options opt = {0};
    cd_limits limits;
    cd_limits_init(&limits);
    bool timed = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int rc = CD_EXIT_OK;
        if (input_option(argc, argv, &i, &opt, &limits, &timed, &rc)) {
            if (rc != CD_EXIT_OK) return rc;
        } else if (!strcmp(a, "-f") || !strcmp(a, "-o") || !strcmp(a, "--rules") || !strcmp(a, "--from") ||
                   !strcmp(a, "--encoding")) {
            if (i + 1 >= argc) return usage_error("option needs an argument");
            const char *v = argv[++i];
            if (!strcmp(a, "-f"))
                format = v;
            else if (!strcmp(a, "-o"))
                out_path = v;
            else if (!strcmp(a, "--from"))
                opt.from = v;
            else if (!strcmp(a, "--encoding"))
                opt.encoding = v;
            else
                rules_dir = v;
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
    unsigned fmt = cd_formats_parse(format);
    if (!fmt || (fmt & (fmt - 1))) return usage_error("unknown format (one of: json, xml, ndjson, csv, xlsx)");
    if (opt.from && !cd_format_known(opt.from))
        return usage_error("unknown input format for --from (text, markdown, html, docx, pdf)");
    if (opt.encoding && !cd_encoding_known(opt.encoding))
        return usage_error("unknown encoding for --encoding (UTF-8, UTF-16LE, UTF-16BE, windows-1258, TCVN3, VNI, VISCII)");
    if (!input) input = "-";
    cd_rules *rs = load_rules(rules_dir ? rules_dir : cd_rules_default_dir());
    if (!rs) return CD_EXIT_RULES;
    apply_regex_limits(rs, &opt);
    opt.rules = rs;
    /* the time budget is batch's; extract keeps one only when asked */
    if (timed) opt.deadline_ns = cd_limit_deadline(&opt);
    cd_document doc;
    int rc = cd_document_load_opt(&doc, input, input, &opt);
    if (rc == CD_EXIT_OK) rc = cd_process(&doc, &opt);
    print_diags(&doc.diags, CD_SEV_ERROR);
    if (rc == CD_EXIT_OK) {
        rc = write_output(&doc, fmt, out_path, opt.csv_formulas_keep);
        if (rc == CD_EXIT_OK && opt.strict && cd_diags_count(&doc.diags, CD_SEV_ERROR)) rc = CD_EXIT_STRICT;
    }
    cd_document_free(&doc);
    cd_rules_free(rs);
    return rc;
}

/* The progress bar (stderr is a terminal): documents, throughput, ETA. */
static void progress_bar(const cd_batch_progress *p, void *ctx) {
    (void)ctx;
    const int width = 30;
    double frac = p->total ? (double)p->done / (double)p->total : 1.0;
    int filled = (int)(frac * width);
    double mbs = p->seconds > 0 ? (double)p->bytes_done / 1e6 / p->seconds : 0;
    double eta = p->done ? p->seconds * (double)(p->total - p->done) / (double)p->done : 0;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r[%s] %zu/%zu documents, %zu failed, %.1f MB/s, ETA %d:%02d ", bar, p->done, p->total, p->failed,
            mbs, (int)eta / 60, (int)eta % 60);
    fflush(stderr);
}

static bool parse_shard(const char *s, size_t *index, size_t *count) {
    char *end;
    unsigned long i = strtoul(s, &end, 10);
    if (end == s || *end != '/') return false;
    const char *n_str = end + 1;
    unsigned long n = strtoul(n_str, &end, 10);
    if (end == n_str || *end || n == 0 || i == 0 || i > n) return false;
    *index = i;
    *count = n;
    return true;
}

static int cmd_batch(int argc, char **argv) {
    const char *formats = "json", *outdir = NULL, *rules_dir = NULL, *files_from = NULL, *shard = NULL;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    cd_options opt = {0};
    cd_limits limits;
    cd_limits_init(&limits);
    bool timed = false; /* batch keeps a time budget whether given or not */
    cd_paths inputs = {0};
    int rc = CD_EXIT_OK;
    for (int i = 0; i < argc && rc == CD_EXIT_OK; i++) {
        const char *a = argv[i];
        if (input_option(argc, argv, &i, &opt, &limits, &timed, &rc)) {
            continue;
        } else if (!strncmp(a, "-j", 2) && a[2]) { /* "-j2", as make spells it */
            char *end;
            jobs = strtol(a + 2, &end, 10);
            if (*end || jobs < 1 || jobs > 1024) rc = usage_error("-j needs a number of threads (1-1024)");
        } else if (!strcmp(a, "-f") || !strcmp(a, "-o") || !strcmp(a, "-j") || !strcmp(a, "--rules") ||
                   !strcmp(a, "--files-from") || !strcmp(a, "--shard") || !strcmp(a, "--from") ||
                   !strcmp(a, "--encoding")) {
            if (i + 1 >= argc) {
                rc = usage_error("option needs an argument");
                break;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "-f"))
                formats = v;
            else if (!strcmp(a, "-o"))
                outdir = v;
            else if (!strcmp(a, "--rules"))
                rules_dir = v;
            else if (!strcmp(a, "--files-from"))
                files_from = v;
            else if (!strcmp(a, "--shard"))
                shard = v;
            else if (!strcmp(a, "--from"))
                opt.from = v;
            else if (!strcmp(a, "--encoding"))
                opt.encoding = v;
            else {
                char *end;
                jobs = strtol(v, &end, 10);
                if (*end || jobs < 1 || jobs > 1024) rc = usage_error("-j needs a number of threads (1-1024)");
            }
        } else if (!strcmp(a, "--strict")) {
            opt.strict = true;
        } else if (!strcmp(a, "--repair")) {
            opt.repair = true;
        } else if (a[0] == '-' && a[1]) {
            rc = usage_error("unknown option");
        } else if (!cd_paths_add_input(&inputs, a)) {
            fprintf(stderr, "chidao: %s: cannot read directory: %s\n", a, strerror(errno));
            rc = CD_EXIT_INPUT;
        }
    }
    unsigned fmt = cd_formats_parse(formats);
    size_t shard_index = 1, shard_count = 1;
    if (rc == CD_EXIT_OK && !outdir) rc = usage_error("batch needs -o OUTDIR");
    if (rc == CD_EXIT_OK && !fmt) rc = usage_error("unknown format (json, xml, xlsx, csv, ndjson)");
    if (rc == CD_EXIT_OK && opt.from && !cd_format_known(opt.from))
        rc = usage_error("unknown input format for --from (text, markdown, html, docx, pdf)");
    if (rc == CD_EXIT_OK && opt.encoding && !cd_encoding_known(opt.encoding))
        rc = usage_error("unknown encoding for --encoding (UTF-8, UTF-16LE, UTF-16BE, windows-1258, TCVN3, VNI, VISCII)");
    if (rc == CD_EXIT_OK && shard && !parse_shard(shard, &shard_index, &shard_count))
        rc = usage_error("--shard needs I/N with 1 <= I <= N");
    if (rc == CD_EXIT_OK && files_from) {
        FILE *f = strcmp(files_from, "-") ? fopen(files_from, "r") : stdin;
        if (!f) {
            fprintf(stderr, "chidao: %s: cannot open: %s\n", files_from, strerror(errno));
            rc = CD_EXIT_INPUT;
        } else {
            cd_paths_add_lines(&inputs, f);
            if (f != stdin) fclose(f);
        }
    }
    if (rc == CD_EXIT_OK && inputs.n == 0 && !files_from) rc = usage_error("batch needs at least one INPUT");
    cd_rules *rs = NULL;
    if (rc == CD_EXIT_OK && !(rs = load_rules(rules_dir ? rules_dir : cd_rules_default_dir()))) rc = CD_EXIT_RULES;
    if (rc != CD_EXIT_OK) {
        cd_paths_free(&inputs);
        return rc;
    }
    cd_paths_shard(&inputs, shard_index, shard_count);
    apply_regex_limits(rs, &opt);
    opt.rules = rs;
    bool tty = isatty(fileno(stderr));
    cd_batch_options bo = {
        .pipeline = &opt, .outdir = outdir, .formats = fmt, .jobs = (int)jobs, .progress = tty ? progress_bar : NULL};
    cd_batch_result res;
    rc = cd_batch_run(&inputs, &bo, &res);
    const cd_batch_progress *t = &res.totals;
    if (tty) fputc('\n', stderr);
    for (size_t i = 0; i < res.n_failures; i++)
        fprintf(stderr, "chidao: %s: %s\n", res.failures[i].path, res.failures[i].reason);
    if (res.output_error) fprintf(stderr, "chidao: cannot write %s\n", res.output_error);
    double mb = (double)t->bytes_done / 1e6;
    fprintf(
        stderr,
        "chidao: batch: %zu documents (%zu converted, %zu failed), %.1f MB in %.2f s: %.1f documents/s, %.1f MB/s\n",
        t->done, t->done - t->failed, t->failed, mb, t->seconds, t->seconds > 0 ? (double)t->done / t->seconds : 0,
        t->seconds > 0 ? mb / t->seconds : 0);
    if (rc == CD_EXIT_OK && opt.strict && res.errors) rc = CD_EXIT_STRICT;
    cd_batch_result_free(&res);
    cd_paths_free(&inputs);
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
        for (size_t c = 0; b->cells && c < b->table->n_cols; c++)
            printf(" |%s", b->cells[c] ? b->cells[c] : "");
        putchar('\n');
    }
    print_diags(&doc.diags, CD_SEV_ERROR);
    cd_document_free(&doc);
    cd_rules_free(rs);
    return rc;
}

/* ---- template derive, check, diff: options here, the work in check.c ---- */

/* The command's arguments, for the run callbacks below. */
typedef struct report_args {
    char **inputs;
    size_t n_inputs;
    const char *template_path, *schema;
    cd_report_format format;
    cd_derive_options derive;
} report_args;

typedef int (*report_run)(const cd_rules *rs, const report_args *a, FILE *out, cd_diag_list *errs);

static int run_check(const cd_rules *rs, const report_args *a, FILE *out, cd_diag_list *errs) {
    return cd_check_run(rs, a->template_path, a->schema, a->inputs, a->n_inputs, a->format, out, errs);
}

static int run_diff(const cd_rules *rs, const report_args *a, FILE *out, cd_diag_list *errs) {
    return cd_diff_run(rs, a->inputs[0], a->inputs[1], a->format, out, errs);
}

static int run_derive(const cd_rules *rs, const report_args *a, FILE *out, cd_diag_list *errs) {
    return cd_derive_run(rs, a->inputs, a->n_inputs, &a->derive, out, errs);
}

/* Load the rules, run, write to stdout or atomically to out_path (kept when
 * the run wrote its report: exit 0, or 1 for "does not conform"). */
static int run_to_output(const char *rules_dir, const char *out_path, bool binary, report_run run,
                         const report_args *args) {
    if (!out_path && binary && isatty(fileno(stdout)))
        return usage_error("-f xlsx writes a binary workbook: give -o FILE or redirect stdout");
    cd_rules *rs = load_rules(rules_dir);
    if (!rs) return CD_EXIT_RULES;
    cd_outfile o;
    FILE *out = stdout;
    if (out_path && !cd_outfile_open(&o, out_path)) {
        fprintf(stderr, "chidao: %s: cannot write: %s\n", out_path, strerror(errno));
        cd_rules_free(rs);
        return CD_EXIT_INTERNAL;
    }
    if (out_path) out = o.f;
    cd_arena a;
    cd_arena_init(&a);
    cd_diag_list errs;
    cd_diags_init(&errs, &a);
    int rc = run(rs, args, out, &errs);
    print_diags(&errs, CD_SEV_ERROR);
    bool written = rc == CD_EXIT_OK || (rc == CD_EXIT_STRICT && run != run_derive);
    if (!out_path) {
        if (fclose(stdout) != 0 && written) {
            fprintf(stderr, "chidao: write error on standard output: %s\n", strerror(errno));
            rc = CD_EXIT_INTERNAL;
        }
    } else if (!written) {
        cd_outfile_abort(&o);
    } else if (!cd_outfile_commit(&o)) {
        fprintf(stderr, "chidao: %s: write failed: %s\n", out_path, strerror(errno));
        rc = CD_EXIT_INTERNAL;
    }
    cd_arena_free(&a);
    cd_rules_free(rs);
    return rc;
}

/* Options shared by the three commands; the rest are inputs (kept in argv).
 * Returns CD_EXIT_OK or a usage error. */
static int report_options(int argc, char **argv, const char *const *valued, const char **values, report_args *args) {
    args->inputs = argv;
    for (int i = 0; i < argc; i++) {
        int k = 0;
        while (valued[k] && strcmp(argv[i], valued[k]))
            k++;
        if (valued[k]) {
            if (i + 1 >= argc) return usage_error("option needs an argument");
            values[k] = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("unknown option");
        } else {
            argv[args->n_inputs++] = argv[i];
        }
    }
    return CD_EXIT_OK;
}

static int cmd_check_or_diff(int argc, char **argv, bool diff) {
    static const char *const valued[] = {"-f", "-o", "--rules", "--template", "--schema", NULL};
    const char *v[5] = {"text", NULL, NULL, NULL, NULL};
    report_args args = {0};
    int rc = report_options(argc, argv, valued, v, &args);
    if (rc != CD_EXIT_OK) return rc;
    if (!cd_report_format_parse(v[0], &args.format)) return usage_error("unknown report format (text, json, xlsx)");
    if (diff && (args.n_inputs != 2 || v[3] || v[4])) return usage_error("expected 'diff [-f FMT] [-o FILE] OLD NEW'");
    if (!diff && !v[3]) return usage_error("check needs --template FILE");
    if (!diff && !args.n_inputs) return usage_error("check needs at least one FILE");
    const char *rules_dir = v[2] ? v[2] : cd_rules_default_dir();
    char *schema = cd_template_default_schema(rules_dir);
    args.template_path = v[3];
    args.schema = v[4] ? v[4] : schema;
    rc = run_to_output(rules_dir, v[1], args.format == CD_REPORT_XLSX, diff ? run_diff : run_check, &args);
    free(schema);
    return rc;
}

static int cmd_template_derive(int argc, char **argv) {
    static const char *const valued[] = {"-o", "--rules", "--cite", "--issuer", NULL};
    const char *v[4] = {NULL};
    report_args args = {0};
    int rc = report_options(argc, argv, valued, v, &args);
    if (rc != CD_EXIT_OK) return rc;
    if (!v[2] || !*v[2]) return usage_error("template derive needs --cite SYMBOL");
    if (!args.n_inputs) return usage_error("template derive needs at least one FILE");
    args.derive = (cd_derive_options){.cite = v[2], .issuer = v[3]};
    return run_to_output(v[1] ? v[1] : cd_rules_default_dir(), v[0], false, run_derive, &args);
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
    if (!strcmp(cmd, "batch")) return cmd_batch(argc - 2, argv + 2);
    if (!strcmp(cmd, "check")) return cmd_check_or_diff(argc - 2, argv + 2, false);
    if (!strcmp(cmd, "diff")) return cmd_check_or_diff(argc - 2, argv + 2, true);
    if (!strcmp(cmd, "template")) {
        if (argc < 3 || strcmp(argv[2], "derive") != 0) return usage_error("expected 'template derive ...'");
        return cmd_template_derive(argc - 3, argv + 3);
    }
    if (!strcmp(cmd, "debug") && argc > 2 && !strcmp(argv[2], "blocks")) return cmd_debug_blocks(argc - 3, argv + 3);
    if (!strcmp(cmd, "rules")) {
        if (argc < 3 || strcmp(argv[2], "test") != 0) return usage_error("expected 'rules test [DIR]'");
        return cmd_rules_test(argc - 3, argv + 3);
    }
    return usage_error("unknown command");
}
