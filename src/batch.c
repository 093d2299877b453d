/* batch.c — many documents, one rule set, N threads.
 *
 * Workers take the next input index from an atomic counter, run the pipeline
 * and write the per-document outputs themselves.  Combined outputs (CSV,
 * NDJSON, the workbook) are appended under one lock in input order: a worker
 * that finished document k waits until k-1 has been appended.  The wait is
 * short (at most the time of one document per other worker) and buys
 * reproducible files whatever -j is. */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "chidao.h"
#include "emit_csv.h"
#include "emit_json.h"
#include "emit_xlsx.h"
#include "emit_xml.h"
#include "limits.h"
#include "outfile.h"

/* A stem longer than this is cut (at a character boundary): file systems
 * limit a name to 255 bytes and the stem gets a suffix and an extension. */
#define CD_STEM_MAX 180

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("chidao: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

static char *xprintf(const char *fmt, const char *a, const char *b) {
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    char *s = xmalloc(n);
    snprintf(s, n, fmt, a, b);
    return s;
}

unsigned cd_formats_parse(const char *list) {
    static const struct {
        const char *name;
        unsigned bit;
    } names[] = {{"json", CD_FMT_JSON},
                 {"xml", CD_FMT_XML},
                 {"xlsx", CD_FMT_XLSX},
                 {"csv", CD_FMT_CSV},
                 {"ndjson", CD_FMT_NDJSON}};
    unsigned bits = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        unsigned bit = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strlen(names[i].name) == n && !strncmp(p, names[i].name, n)) bit = names[i].bit;
        if (!bit) return 0;
        bits |= bit;
        p += n;
        if (*p == ',') p++;
    }
    return bits;
}

/* ---------- inputs ---------- */

static void paths_push(cd_paths *l, char *owned) {
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->items = realloc(l->items, l->cap * sizeof *l->items);
        if (!l->items) {
            fputs("chidao: out of memory\n", stderr);
            abort();
        }
    }
    l->items[l->n++] = owned;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Recursion depth cap for directory walks: a deeper tree is a loop made with
 * bind mounts or a hostile layout, not a folder of directives. */
#define CD_WALK_MAX_DEPTH 64

static bool walk(cd_paths *l, const char *dir, int depth) {
    if (depth > CD_WALK_MAX_DEPTH) {
        errno = ELOOP;
        return false;
    }
    DIR *d = opendir(dir);
    if (!d) return false;
    cd_paths names = {0};
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') paths_push(&names, xstrdup(e->d_name));
    closedir(d);
    if (names.n) /* an empty directory: no array, and qsort(NULL, 0) is undefined */
        qsort(names.items, names.n, sizeof *names.items, cmp_name);
    bool ok = true;
    for (size_t i = 0; i < names.n; i++) {
        size_t dl = strlen(dir);
        char *p =
            dl && dir[dl - 1] == '/' ? xprintf("%s%s", dir, names.items[i]) : xprintf("%s/%s", dir, names.items[i]);
        struct stat st;
        /* lstat: a symbolic link to a directory is not followed (no loops);
         * a link to a file is taken as that file */
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (!walk(l, p, depth + 1)) ok = false;
            free(p);
        } else if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode) && stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            free(p);
        } else {
            paths_push(l, p);
        }
    }
    cd_paths_free(&names);
    return ok;
}

bool cd_paths_add_input(cd_paths *l, const char *path) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return walk(l, path, 0);
    paths_push(l, xstrdup(path));
    return true;
}

void cd_paths_add_lines(cd_paths *l, FILE *f) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        if (n > 0) paths_push(l, xstrdup(line));
    }
    free(line);
}

void cd_paths_shard(cd_paths *l, size_t index, size_t n) {
    size_t kept = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (i % n == index - 1)
            l->items[kept++] = l->items[i];
        else
            free(l->items[i]);
    }
    l->n = kept;
}

void cd_paths_free(cd_paths *l) {
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* ---------- output names ---------- */

/* The file name without directory and extension, made safe for a file name:
 * no '/' (so no "../" and no absolute path), no control characters, no
 * leading dot (hidden, "..") or dash (read as an option by the next tool),
 * valid UTF-8 (other bytes become '_'), at most CD_STEM_MAX bytes. */
static char *safe_stem(const char *path) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    char *s = xmalloc(n + 16);
    size_t o = 0;
    for (size_t i = 0; i < n && o < CD_STEM_MAX;) {
        unsigned char c = (unsigned char)base[i];
        size_t len = c < 0x80                 ? 1
                     : c >= 0xC2 && c <= 0xDF ? 2
                     : c >= 0xE0 && c <= 0xEF ? 3
                     : c >= 0xF0 && c <= 0xF4 ? 4
                                              : 0;
        bool ok = len && i + len <= n;
        for (size_t k = 1; ok && k < len; k++)
            ok = ((unsigned char)base[i + k] & 0xC0) == 0x80;
        if (!ok || c < 0x20 || c == 0x7F || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' ||
            c == '>' || c == '|') {
            s[o++] = '_';
            i += ok ? len : 1;
            continue;
        }
        if (o + len > CD_STEM_MAX) break;
        memcpy(s + o, base + i, len);
        o += len;
        i += len;
    }
    s[o] = 0;
    if (o == 0)
        strcpy(s, "document");
    else if (s[0] == '.' || s[0] == '-')
        s[0] = '_';
    return s;
}

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Reserved names: the combined outputs. */
static bool reserved_stem(const char *s) {
    return !strcmp(s, "tasks") || !strcmp(s, "documents") || !strcmp(s, "indicators") || !strcmp(s, "diagnostics");
}

/* One stem per input, unique in the batch ("plan", "plan-2", …), assigned in
 * input order so that the same list always gives the same names. */
static char **unique_stems(const cd_paths *in) {
    size_t cap = 16;
    while (cap < 2 * in->n + 16)
        cap *= 2;
    const char **table = calloc(cap, sizeof *table);
    char **stems = xmalloc(in->n * sizeof *stems);
    if (!table) abort();
    for (size_t i = 0; i < in->n; i++) {
        char *base = safe_stem(in->items[i]);
        char *s = reserved_stem(base) ? xprintf("%s%s", base, "-doc") : xstrdup(base);
        for (unsigned k = 2;; k++) {
            size_t h = hash_str(s) & (cap - 1);
            while (table[h] && strcmp(table[h], s))
                h = (h + 1) & (cap - 1);
            if (!table[h]) {
                table[h] = s;
                break;
            }
            free(s);
            char num[16];
            snprintf(num, sizeof num, "-%u", k);
            s = xprintf("%s%s", base, num);
        }
        stems[i] = s;
        free(base);
    }
    free(table);
    return stems;
}

/* ---------- the run ---------- */

typedef struct run {
    const cd_paths *in;
    const cd_batch_options *opt;
    char **stems;
    atomic_size_t next;
    /* combined outputs, appended in input order under lock */
    pthread_mutex_t lock;
    pthread_cond_t turn;
    size_t commit_next;
    cd_csv *csv;
    cd_outfile csv_files[4];
    cd_outfile ndjson;
    cd_xlsx *xlsx;
    char *xlsx_tmp, *xlsx_path;
    /* results, under lock */
    cd_batch_result *res;
    size_t failures_cap;
    struct timespec start, last_report;
} run;

static double seconds_since(const struct timespec *t0) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void set_output_error(run *r, const char *path, int err) {
    if (r->res->output_error) return;
    r->res->output_error = xprintf("%s: %s", path, strerror(err));
}

static const char *first_error(const cd_document *doc) {
    for (size_t i = 0; i < doc->diags.n; i++)
        if (doc->diags.items[i].severity == CD_SEV_ERROR) return doc->diags.items[i].message;
    return "conversion failed";
}

static void add_failure(run *r, const cd_document *doc, int status) {
    cd_batch_result *res = r->res;
    if (res->n_failures == r->failures_cap) {
        r->failures_cap = r->failures_cap ? 2 * r->failures_cap : 16;
        res->failures = realloc(res->failures, r->failures_cap * sizeof *res->failures);
        if (!res->failures) abort();
    }
    const char *why = first_error(doc);
    int line = 0;
    for (size_t i = 0; i < doc->diags.n; i++)
        if (doc->diags.items[i].severity == CD_SEV_ERROR) {
            line = doc->diags.items[i].line;
            break;
        }
    cd_batch_failure *f = &res->failures[res->n_failures++];
    f->path = xstrdup(doc->path);
    if (line) {
        char num[24];
        snprintf(num, sizeof num, "%d", line);
        f->reason = xprintf("line %s: %s", num, why);
    } else {
        f->reason = xstrdup(why);
    }
    f->status = status;
}

/* One per-document output (json or xml) written atomically. */
static void write_one(run *r, const cd_document *doc, size_t i, const char *ext,
                      int (*emit)(const cd_document *, FILE *)) {
    char *path = xprintf("%s/%s", r->opt->outdir, r->stems[i]);
    char *full = xprintf("%s%s", path, ext);
    free(path);
    cd_outfile o;
    if (!cd_outfile_open(&o, full)) {
        pthread_mutex_lock(&r->lock);
        set_output_error(r, full, errno);
        pthread_mutex_unlock(&r->lock);
        free(full);
        return;
    }
    int rc = emit(doc, o.f);
    if (rc != CD_EXIT_OK) {
        cd_outfile_abort(&o);
        errno = EIO;
    }
    if (rc != CD_EXIT_OK || !cd_outfile_commit(&o)) {
        int e = errno;
        pthread_mutex_lock(&r->lock);
        set_output_error(r, full, e);
        pthread_mutex_unlock(&r->lock);
    }
    free(full);
}

static bool combined(const run *r) { return r->csv || r->xlsx || r->ndjson.f; }

/* Append document i to the combined outputs, in input order.  Called with
 * r->lock held. */
static void append_combined(run *r, const cd_document *doc, int status) {
    if (r->csv && cd_csv_add(r->csv, doc, status) != CD_EXIT_OK) set_output_error(r, "CSV output", EIO);
    if (r->xlsx && cd_xlsx_add(r->xlsx, doc, status) != CD_EXIT_OK) set_output_error(r, r->xlsx_path, EIO);
    if (r->ndjson.f && status == CD_EXIT_OK && cd_emit_ndjson(doc, r->ndjson.f) != CD_EXIT_OK)
        set_output_error(r, r->ndjson.path, EIO);
}

static void report(run *r, bool final) {
    /* called with r->lock held */
    if (!r->opt->progress) return;
    double t = seconds_since(&r->last_report);
    if (!final && t < 0.1) return;
    clock_gettime(CLOCK_MONOTONIC, &r->last_report);
    cd_batch_progress p = r->res->totals;
    p.seconds = seconds_since(&r->start);
    r->opt->progress(&p, r->opt->progress_ctx);
}

static void *worker(void *arg) {
    run *r = arg;
    const cd_batch_options *opt = r->opt;
    for (;;) {
        size_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->in->n) break;
        cd_document doc;
        /* the document's own time budget (limits.h: time), from before it is read */
        cd_options pipeline = *opt->pipeline;
        pipeline.deadline_ns = cd_limit_deadline(&pipeline);
        int status = cd_document_load_opt(&doc, r->in->items[i], r->in->items[i], &pipeline);
        if (status == CD_EXIT_OK) status = cd_process(&doc, &pipeline);
        if (status == CD_EXIT_OK) {
            if (opt->formats & CD_FMT_JSON) write_one(r, &doc, i, ".json", cd_emit_json);
            if (opt->formats & CD_FMT_XML) write_one(r, &doc, i, ".xml", cd_emit_xml);
        }
        pthread_mutex_lock(&r->lock);
        if (combined(r)) {
            while (r->commit_next != i)
                pthread_cond_wait(&r->turn, &r->lock);
            append_combined(r, &doc, status);
            r->commit_next++;
            pthread_cond_broadcast(&r->turn);
        }
        if (status != CD_EXIT_OK) {
            add_failure(r, &doc, status);
            r->res->totals.failed++;
        } else if (cd_diags_count(&doc.diags, CD_SEV_ERROR)) {
            r->res->errors++;
        }
        r->res->totals.done++;
        r->res->totals.bytes_done += doc.n_bytes;
        report(r, false);
        pthread_mutex_unlock(&r->lock);
        cd_document_free(&doc);
    }
    cd_rules_thread_done();
    return NULL;
}

static bool mkdir_p(const char *dir) {
    char *p = xstrdup(dir);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return false;
        }
        *s = '/';
    }
    bool ok = mkdir(p, 0777) == 0 || errno == EEXIST;
    free(p);
    struct stat st;
    if (ok && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        errno = ENOTDIR;
        ok = false;
    }
    return ok;
}

static bool open_combined(run *r) {
    const char *dir = r->opt->outdir;
    if (r->opt->formats & CD_FMT_CSV) {
        static const char *names[4] = {"documents.csv", "tasks.csv", "indicators.csv", "diagnostics.csv"};
        for (int k = 0; k < 4; k++) {
            char *p = xprintf("%s/%s", dir, names[k]);
            bool ok = cd_outfile_open(&r->csv_files[k], p);
            if (!ok) set_output_error(r, p, errno);
            free(p);
            if (!ok) return false;
        }
        r->csv = cd_csv_open(r->csv_files[0].f, r->csv_files[1].f, r->csv_files[2].f, r->csv_files[3].f);
        if (!r->csv) {
            set_output_error(r, "CSV output", ENOMEM);
            return false;
        }
        cd_csv_keep_formulas(r->csv, r->opt->pipeline->csv_formulas_keep);
    }
    if (r->opt->formats & CD_FMT_NDJSON) {
        char *p = xprintf("%s/%s", dir, "documents.ndjson");
        bool ok = cd_outfile_open(&r->ndjson, p);
        if (!ok) set_output_error(r, p, errno);
        free(p);
        if (!ok) return false;
    }
    if (r->opt->formats & CD_FMT_XLSX) {
        r->xlsx_path = xprintf("%s/%s", dir, "tasks.xlsx");
        r->xlsx_tmp = cd_outfile_tmp_name(r->xlsx_path);
        r->xlsx = cd_xlsx_open(r->xlsx_tmp, true);
        if (!r->xlsx) {
            set_output_error(r, r->xlsx_path, EIO);
            return false;
        }
    }
    return true;
}

/* Finish the combined outputs: rename them into place when everything was
 * written, drop them otherwise. */
static void close_combined(run *r) {
    bool ok = !r->res->output_error;
    if (r->csv && cd_csv_close(r->csv) != CD_EXIT_OK) {
        set_output_error(r, "CSV output", EIO);
        ok = false;
    }
    for (int k = 0; k < 4; k++) {
        if (!r->csv_files[k].f) continue;
        if (!ok)
            cd_outfile_abort(&r->csv_files[k]);
        else if (!cd_outfile_commit(&r->csv_files[k])) {
            set_output_error(r, "CSV output", errno);
            ok = false;
        }
    }
    if (r->ndjson.f) {
        char *p = xstrdup(r->ndjson.path);
        if (!ok)
            cd_outfile_abort(&r->ndjson);
        else if (!cd_outfile_commit(&r->ndjson))
            set_output_error(r, p, errno);
        free(p);
    }
    if (r->xlsx) {
        int rc = cd_xlsx_close(r->xlsx);
        if (rc != CD_EXIT_OK) set_output_error(r, r->xlsx_path, EIO);
        if (rc != CD_EXIT_OK || r->res->output_error || rename(r->xlsx_tmp, r->xlsx_path) != 0) {
            if (!r->res->output_error) set_output_error(r, r->xlsx_path, errno);
            remove(r->xlsx_tmp);
        }
    }
    free(r->xlsx_tmp);
    free(r->xlsx_path);
}

int cd_batch_run(const cd_paths *inputs, const cd_batch_options *opt, cd_batch_result *res) {
    memset(res, 0, sizeof *res);
    if (!mkdir_p(opt->outdir)) {
        res->output_error = xprintf("%s: %s", opt->outdir, strerror(errno));
        return CD_EXIT_INTERNAL;
    }
    cd_outfile_clean_stale(opt->outdir);
    run r = {.in = inputs, .opt = opt, .res = res};
    res->totals.total = inputs->n;
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.turn, NULL);
    atomic_init(&r.next, 0);
    clock_gettime(CLOCK_MONOTONIC, &r.start);
    r.last_report = r.start;
    r.stems = unique_stems(inputs);
    if (open_combined(&r)) {
        int jobs = opt->jobs < 1 ? 1 : opt->jobs;
        if ((size_t)jobs > inputs->n) jobs = inputs->n ? (int)inputs->n : 1;
        pthread_t *threads = xmalloc((size_t)jobs * sizeof *threads);
        int started = 0;
        for (; started < jobs; started++)
            if (pthread_create(&threads[started], NULL, worker, &r) != 0) break;
        if (started == 0) worker(&r); /* no threads to be had: do it here */
        for (int t = 0; t < started; t++)
            pthread_join(threads[t], NULL);
        free(threads);
    }
    close_combined(&r);
    pthread_mutex_lock(&r.lock);
    report(&r, true);
    pthread_mutex_unlock(&r.lock);
    res->totals.seconds = seconds_since(&r.start);
    for (size_t i = 0; i < inputs->n; i++)
        free(r.stems[i]);
    free(r.stems);
    pthread_mutex_destroy(&r.lock);
    pthread_cond_destroy(&r.turn);
    if (res->output_error) return CD_EXIT_INTERNAL;
    return res->n_failures ? CD_EXIT_SOME_FAILED : CD_EXIT_OK;
}

void cd_batch_result_free(cd_batch_result *res) {
    for (size_t i = 0; i < res->n_failures; i++) {
        free(res->failures[i].path);
        free(res->failures[i].reason);
    }
    free(res->failures);
    free(res->output_error);
    memset(res, 0, sizeof *res);
}
