/* outfile.c — temporary file + rename. */
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static atomic_uint tmp_seq;

static char *xstrdup(const char *s) {
    char *d = strdup(s);
    if (!d) {
        fputs("chidao: out of memory\n", stderr);
        abort();
    }
    return d;
}

char *cd_outfile_tmp_name(const char *path) {
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path + 1) : 0;
    const char *base = path + dir_len;
    size_t n = strlen(path) + 64;
    char *tmp = malloc(n);
    if (!tmp) {
        fputs("chidao: out of memory\n", stderr);
        abort();
    }
    /* a dot-file in the same directory: rename() stays atomic (same file
     * system) and directory listings of finished outputs do not show it */
    snprintf(tmp, n, "%.*s.%s" CD_OUTFILE_TMP_MARK "%ld.%u", (int)dir_len, path, base, (long)getpid(),
             atomic_fetch_add(&tmp_seq, 1));
    return tmp;
}

bool cd_outfile_open(cd_outfile *o, const char *path) {
    o->path = xstrdup(path);
    o->tmp_path = cd_outfile_tmp_name(path);
    o->f = fopen(o->tmp_path, "wbx");
    if (!o->f) {
        int e = errno;
        free(o->path);
        free(o->tmp_path);
        memset(o, 0, sizeof *o);
        errno = e;
        return false;
    }
    return true;
}

static void release(cd_outfile *o) {
    free(o->path);
    free(o->tmp_path);
    memset(o, 0, sizeof *o);
}

bool cd_outfile_commit(cd_outfile *o) {
    bool ok = !ferror(o->f);
    int e = ok ? 0 : EIO;
    if (fclose(o->f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok && rename(o->tmp_path, o->path) != 0) {
        ok = false;
        e = errno;
    }
    if (!ok) remove(o->tmp_path);
    release(o);
    errno = e;
    return ok;
}

void cd_outfile_abort(cd_outfile *o) {
    if (o->f) fclose(o->f);
    if (o->tmp_path) remove(o->tmp_path);
    release(o);
}

/* A dead run's directory of temporaries (emit_xlsx.c): its files, then it. */
static int remove_dir(const char *path) {
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) break;
        snprintf(p, n, "%s/%s", path, e->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
    return rmdir(path);
}

int cd_outfile_clean_stale(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    int removed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *mark = strstr(e->d_name, CD_OUTFILE_TMP_MARK);
        if (e->d_name[0] != '.' || !mark) continue;
        char *end;
        long pid = strtol(mark + strlen(CD_OUTFILE_TMP_MARK), &end, 10);
        if (pid <= 0 || *end != '.') continue;
        /* a live process may still be writing it */
        if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) continue;
        snprintf(p, n, "%s/%s", dir, e->d_name);
        if (remove(p) == 0 || ((errno == ENOTEMPTY || errno == EEXIST) && remove_dir(p) == 0)) removed++;
        free(p);
    }
    closedir(d);
    return removed;
}
