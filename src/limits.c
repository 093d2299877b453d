/* limits.c — the table of caps (limits.h) and --limit NAME=VALUE. */
#include "limits.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIB (1024ull * 1024)
/* A length libxml2 and libzip take as an int, a line number we keep in one. */
#define INT_BOUND 2147483647ull

/* clang-format off */
const cd_limit_info cd_limit_table[CD_LIMIT__COUNT] = {
    /* The whole input is read into memory: a mistaken multi-GB file (a
     * video, a disk image) would take it all.  The largest real directive
     * is well under 2 MB of text. */
    [CD_LIMIT_FILE_SIZE] = {"file-size", "bytes", 64 * MIB, INT_BOUND,
        "a multi-GB file read into memory"},
    /* Binary data or a broken export with no line breaks: per-line scans
     * (normalisation, rules) become one enormous subject. */
    [CD_LIMIT_LINE_LENGTH] = {"line-length", "bytes", 1 * MIB, INT_BOUND,
        "one enormous line (binary data, an export without line breaks)"},
    /* 64 MB of line breaks is 64 million line records (2 GB); a long
     * directive has a few thousand lines. */
    [CD_LIMIT_LINES] = {"lines", "lines", 2000000, INT_BOUND,
        "millions of empty or one-character lines"},
    /* A file of "1. a" lines is millions of tasks: records of gigabytes and
     * more rows than a worksheet holds (1,048,576).  A big plan has a few
     * hundred. */
    [CD_LIMIT_TASKS] = {"tasks", "tasks", 100000, INT_BOUND,
        "a file of millions of one-word numbered items"},
    /* Every cell of a tab or pipe row is split out and kept; a huge table
     * of tiny cells costs far more than its bytes. */
    [CD_LIMIT_CELLS] = {"cells", "cells", 1000000, INT_BOUND,
        "a table of millions of tiny cells"},
    /* A row of 10,000 cells is a broken export, not a task table (those
     * have at most a few tens of columns). */
    [CD_LIMIT_COLUMNS] = {"columns", "cells per row", 256, 65536,
        "a table row of thousands of cells"},
    /* A zip bomb: a part inflating to gigabytes whatever its header says
     * (a real document.xml is a few MB). */
    [CD_LIMIT_ZIP_PART_SIZE] = {"zip-part-size", "bytes", 64 * MIB, INT_BOUND,
        "a zip bomb (a DOCX part inflating to gigabytes)"},
    /* A DOCX has tens of entries (hundreds with images); a zip of millions
     * of empty entries costs libzip memory for nothing. */
    [CD_LIMIT_ZIP_ENTRIES] = {"zip-entries", "entries", 10000, 100000000,
        "a zip of millions of entries"},
    /* A zip bomb caught early: XML inflates 5-60 times, deflate's best is
     * about 1,000.  Parts that inflate to less than ZIP_RATIO_FLOOR (docx.c,
     * 1 MiB) are not held to it. */
    [CD_LIMIT_ZIP_RATIO] = {"zip-ratio", "times", 100, 1000000,
        "a zip bomb (a part of a few KB that inflates a thousandfold)"},
    /* Hostile nesting (10,000 levels of tables in cells, of <div>s): the
     * readers walk the tree recursively.  Real documents nest tens deep;
     * libxml2 itself refuses XML deeper than 256. */
    [CD_LIMIT_XML_DEPTH] = {"xml-depth", "levels", 128, 256,
        "elements nested thousands deep"},
    /* A part or page of millions of empty elements: the parsed tree costs
     * about 180 bytes an element.  Counted while parsing, so the tree never
     * grows past it; a 500-page document.xml has about a million. */
    [CD_LIMIT_XML_NODES] = {"xml-nodes", "elements", 1000000, INT_BOUND,
        "millions of empty elements"},
    /* A directive runs to tens of pages; thousands is a gazette or a
     * scanned archive that would hold a worker for minutes. */
    [CD_LIMIT_PDF_PAGES] = {"pdf-pages", "pages", 1000, 1000000,
        "a PDF of thousands of pages"},
    /* Counted in the bytes before poppler parses them (objects headers and
     * the largest /Size declared): a cross-reference of millions of
     * objects, or one declaring billions. */
    [CD_LIMIT_PDF_OBJECTS] = {"pdf-objects", "objects", 1000000, INT_BOUND,
        "a PDF of (or declaring) millions of objects"},
    /* PCRE2's match limit on every match: a pattern that backtracks
     * exponentially on some text gives up instead of running for ever. */
    [CD_LIMIT_REGEX_MATCH] = {"regex-match", "calls", 1000000, UINT32_MAX,
        "a rule backtracking for ever (catastrophic backtracking)"},
    /* PCRE2's depth limit (the interpreter's backtracking depth; the JIT
     * honours the match limit only). */
    [CD_LIMIT_REGEX_DEPTH] = {"regex-depth", "frames", 10000, UINT32_MAX,
        "a rule recursing without end"},
    /* chidao batch: a document still converting after this fails with this
     * reason and the batch goes on (checked between stages and every
     * CD_LIMIT_TIME_EVERY lines, blocks or pages). */
    [CD_LIMIT_TIME] = {"time", "ms", 60000, 86400000,
        "a document holding a batch worker for ever"},
};
/* clang-format on */

void cd_limits_init(cd_limits *l) {
    for (int i = 0; i < CD_LIMIT__COUNT; i++)
        l->value[i] = cd_limit_table[i].value;
}

const char *cd_limits_set(cd_limits *l, const char *assignment) {
    const char *eq = strchr(assignment, '=');
    if (!eq) return "--limit needs NAME=VALUE";
    size_t n = (size_t)(eq - assignment);
    int id = -1;
    for (int i = 0; i < CD_LIMIT__COUNT && id < 0; i++)
        if (strlen(cd_limit_table[i].name) == n && !strncmp(assignment, cd_limit_table[i].name, n)) id = i;
    if (id < 0)
        return "unknown limit for --limit (file-size, line-length, lines, tasks, cells, columns, zip-part-size, "
               "zip-entries, zip-ratio, xml-depth, xml-nodes, pdf-pages, pdf-objects, regex-match, regex-depth, "
               "time; see README.md)";
    const char *v = eq + 1;
    if (*v < '0' || *v > '9') return "--limit VALUE must be a whole number";
    errno = 0;
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno) return "--limit VALUE out of range";
    if (*end && !strcmp(cd_limit_table[id].unit, "bytes") && !end[1]) {
        unsigned shift = *end == 'k' || *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
        if (!shift) return "--limit VALUE: a size takes the suffix k, M or G";
        if (x > (UINT64_MAX >> shift)) return "--limit VALUE out of range";
        x <<= shift;
        end++;
    }
    if (*end) return "--limit VALUE must be a whole number (a size may end in k, M or G)";
    if (x < 1 || x > cd_limit_table[id].max) return "--limit VALUE out of range (see README.md, Limits)";
    l->value[id] = x;
    return NULL;
}

uint64_t cd_limit(const cd_options *opt, cd_limit_id id) {
    return opt && opt->limits ? opt->limits->value[id] : cd_limit_table[id].value;
}

int cd_limit_exceeded(cd_document *doc, const cd_options *opt, int line, cd_limit_id id, const char *fmt, ...) {
    const cd_limit_info *info = &cd_limit_table[id];
    va_list ap;
    va_start(ap, fmt);
    char *what = cd_arena_vprintf(&doc->arena, fmt, ap);
    va_end(ap);
    cd_diag_add(&doc->diags, CD_SEV_ERROR, "limit-exceeded", doc->path, line,
                "limit exceeded: %s: %s (the limit is %llu %s; --limit %s=N changes it)", info->name, what,
                (unsigned long long)cd_limit(opt, id), info->unit, info->name);
    return CD_EXIT_INPUT;
}

int64_t cd_clock_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int64_t cd_limit_deadline(const cd_options *opt) {
    return cd_clock_ns() + (int64_t)cd_limit(opt, CD_LIMIT_TIME) * 1000000;
}

bool cd_time_up(const cd_options *opt) { return opt && opt->deadline_ns && cd_clock_ns() > opt->deadline_ns; }

int cd_limit_check_time(cd_document *doc, const cd_options *opt) {
    if (!cd_time_up(opt)) return CD_EXIT_OK;
    return cd_limit_exceeded(doc, opt, 0, CD_LIMIT_TIME, "still converting when its time ran out");
}
