/* limits.h — every cap chidao puts on what it reads, in one table (as md4c
 * names each of its limits): a name, a default, a unit and the pathological
 * input it stops.  The defaults sit far above any real directive (a long
 * one is 2 MB of text, a few thousand lines, a few hundred tasks); they are
 * there so that a hostile or broken file fails fast with a clear reason
 * instead of eating a batch worker's memory or time.
 *
 * `--limit NAME=VALUE` (extract, batch) changes one for a run; the values in
 * force travel in cd_options.limits (NULL: the defaults).  Going over a cap
 * is an error diagnostic, code "limit-exceeded", whose message begins
 * "limit exceeded: NAME" — the CLI prints `chidao: FILE: limit exceeded: …`
 * and exits 3; a batch reports the file and converts the others.  The two
 * PCRE2 limits are the exception: they are set on every match context, and
 * a match that reaches one fails (the rule does not apply) without failing
 * the document. */
#ifndef CD_LIMITS_H
#define CD_LIMITS_H
#include <stdbool.h>
#include <stdint.h>

#include "model.h"

typedef enum cd_limit_id {
    CD_LIMIT_FILE_SIZE,     /* bytes of the input file, and of the text decoded from it */
    CD_LIMIT_LINE_LENGTH,   /* bytes of one line of the text */
    CD_LIMIT_LINES,         /* lines of the text */
    CD_LIMIT_TASKS,         /* tasks extracted from one document */
    CD_LIMIT_CELLS,         /* table cells in one document */
    CD_LIMIT_COLUMNS,       /* cells in one table row */
    CD_LIMIT_ZIP_PART_SIZE, /* bytes a DOCX part inflates to */
    CD_LIMIT_ZIP_ENTRIES,   /* entries in a DOCX zip */
    CD_LIMIT_ZIP_RATIO,     /* inflated / compressed size of a DOCX part */
    CD_LIMIT_XML_DEPTH,     /* element nesting of a DOCX part or an HTML page */
    CD_LIMIT_XML_NODES,     /* elements of a DOCX part or an HTML page */
    CD_LIMIT_PDF_PAGES,     /* pages of a PDF */
    CD_LIMIT_PDF_OBJECTS,   /* objects a PDF holds or declares */
    CD_LIMIT_REGEX_MATCH,   /* PCRE2 match limit */
    CD_LIMIT_REGEX_DEPTH,   /* PCRE2 depth limit */
    CD_LIMIT_TIME,          /* milliseconds per document in a batch */
    CD_LIMIT__COUNT
} cd_limit_id;

/* One row of the table. */
typedef struct cd_limit_info {
    const char *name;  /* what --limit takes and the message names: "file-size" */
    const char *unit;  /* "bytes", "lines", "ms" ... */
    uint64_t value;    /* the default */
    uint64_t max;      /* the largest value --limit accepts (the code's own bounds) */
    const char *stops; /* the pathological case it stops (README's table) */
} cd_limit_info;

extern const cd_limit_info cd_limit_table[CD_LIMIT__COUNT];

/* The values in force for a run. */
struct cd_limits {
    uint64_t value[CD_LIMIT__COUNT];
};

/* Every limit at its default. */
void cd_limits_init(cd_limits *l);
/* Apply "NAME=VALUE" (VALUE a whole number from 1 to the limit's max; for a
 * limit in bytes a k, M or G suffix multiplies by 1024, 1024², 1024³).
 * Returns NULL, or why it was refused (a static message for a usage error). */
const char *cd_limits_set(cd_limits *l, const char *assignment);

/* The value in force: opt->limits', or the default (opt or its limits NULL). */
uint64_t cd_limit(const cd_options *opt, cd_limit_id id);

/* Add the error "limit exceeded: NAME: <what> (the limit is V UNIT; --limit
 * NAME=N changes it)" to doc, at line (0: none), V the value in force under
 * opt.  Returns CD_EXIT_INPUT. */
int cd_limit_exceeded(cd_document *doc, const cd_options *opt, int line, cd_limit_id id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* ---- the per-document time budget (batch) ---- */

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t cd_clock_ns(void);
/* The deadline (for cd_options.deadline_ns) of a document started now. */
int64_t cd_limit_deadline(const cd_options *opt);
/* Has opt's deadline passed?  false when there is none.  One clock read: call
 * it at stage boundaries and every CD_LIMIT_TIME_EVERY iterations of a loop. */
bool cd_time_up(const cd_options *opt);
/* cd_time_up, reported: CD_EXIT_INPUT with the "limit exceeded: time" error,
 * else CD_EXIT_OK. */
int cd_limit_check_time(cd_document *doc, const cd_options *opt);
/* Loops look at the clock once every this many iterations: a clock read is
 * ~20 ns, an iteration (a line, a block) microseconds; 256 keeps the cost
 * unmeasurable and the overrun under a millisecond. */
#define CD_LIMIT_TIME_EVERY 256

#endif
