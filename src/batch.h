/* batch.h — convert many documents with one compiled rule set: inputs are
 * files, directories (walked recursively) or a list of paths; work is spread
 * over POSIX threads; every output is written to a temporary file and renamed.
 *
 *   OUTDIR/<stem>.json, <stem>.xml      one per document (stems made unique)
 *   OUTDIR/tasks.xlsx                   one workbook for the whole batch
 *   OUTDIR/{documents,tasks,indicators,diagnostics}.csv
 *   OUTDIR/documents.ndjson             one document per line
 *
 * Combined outputs list documents in input order whatever the thread count,
 * so a batch is reproducible. */
#ifndef CD_BATCH_H
#define CD_BATCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model.h"

/* cd_batch_run's result when some inputs could not be converted. */
#define CD_EXIT_SOME_FAILED 2

enum {
    CD_FMT_JSON = 1u << 0,
    CD_FMT_XML = 1u << 1,
    CD_FMT_XLSX = 1u << 2,
    CD_FMT_CSV = 1u << 3,
    CD_FMT_NDJSON = 1u << 4,
};

/* Parse "json,xml,…" into CD_FMT_* bits; 0 when a name is unknown. */
unsigned cd_formats_parse(const char *list);

/* A list of input paths (malloc'd, owned by the list). */
typedef struct cd_paths {
    char **items;
    size_t n, cap;
} cd_paths;

/* Add path: a regular file as it is, a directory's regular files recursively
 * (sorted, hidden entries and symbolic links to directories skipped).
 * Anything else (missing, FIFO, device) is added too so that the batch
 * reports it.  Returns false on an unreadable directory, with errno set. */
bool cd_paths_add_input(cd_paths *l, const char *path);
/* Add one path per line of f (blank lines skipped, trailing CR dropped). */
void cd_paths_add_lines(cd_paths *l, FILE *f);
/* Keep every n-th path starting at the index-th (1-based): shard index/n. */
void cd_paths_shard(cd_paths *l, size_t index, size_t n);
void cd_paths_free(cd_paths *l);

typedef struct cd_batch_progress {
    size_t done, total, failed;
    size_t bytes_done;
    double seconds;
} cd_batch_progress;

typedef struct cd_batch_options {
    const cd_options *pipeline;
    const char *outdir;
    unsigned formats; /* CD_FMT_* */
    int jobs;         /* worker threads, >= 1 */
    /* called from worker threads (serialised) at most every ~100 ms and once
     * at the end; may be NULL */
    void (*progress)(const cd_batch_progress *p, void *ctx);
    void *progress_ctx;
} cd_batch_options;

/* A file that could not be converted. */
typedef struct cd_batch_failure {
    char *path, *reason; /* malloc'd */
    int status;          /* CD_EXIT_* */
} cd_batch_failure;

typedef struct cd_batch_result {
    cd_batch_progress totals;
    cd_batch_failure *failures;
    size_t n_failures;
    size_t errors;      /* documents with error diagnostics (for --strict) */
    char *output_error; /* an output could not be written (malloc'd), NULL if none */
} cd_batch_result;

/* Convert every path.  Returns CD_EXIT_OK when every document converted and
 * every output was written, CD_EXIT_SOME_FAILED when some input failed (the rest are
 * converted), CD_EXIT_INTERNAL when an output could not be written. */
int cd_batch_run(const cd_paths *inputs, const cd_batch_options *opt, cd_batch_result *res);
void cd_batch_result_free(cd_batch_result *res);

#endif
