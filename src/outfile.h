/* outfile.h — outputs are written to a temporary file beside the target and
 * renamed into place, so a reader (or a batch killed half-way) never sees
 * half a file: the target either has its old content or the whole new one. */
#ifndef CD_OUTFILE_H
#define CD_OUTFILE_H
#include <stdbool.h>
#include <stdio.h>

typedef struct cd_outfile {
    FILE *f;        /* write here */
    char *path;     /* the target (malloc'd) */
    char *tmp_path; /* ".<name>.chidao-tmp.<pid>.<seq>" in the target's directory (malloc'd) */
} cd_outfile;

/* The marker every temporary output name carries (stale ones are removed by
 * cd_outfile_clean_stale). */
#define CD_OUTFILE_TMP_MARK ".chidao-tmp."

/* Create the temporary file for path.  false (errno set) when it cannot be
 * created; o is then empty. */
bool cd_outfile_open(cd_outfile *o, const char *path);
/* Close the temporary file and rename it over the target.  false (errno set)
 * when a write, the close or the rename failed; the temporary file is then
 * removed.  Frees o's names either way. */
bool cd_outfile_commit(cd_outfile *o);
/* Drop the temporary file without touching the target. */
void cd_outfile_abort(cd_outfile *o);
/* The temporary name cd_outfile_open would use for path (malloc'd): for
 * writers such as libxlsxwriter that open the file themselves. */
char *cd_outfile_tmp_name(const char *path);
/* Remove temporary files left in dir by chidao processes that are no longer
 * running (a batch killed with SIGKILL), and their directories of temporary
 * files (".<name>.chidao-tmp.<pid>.<seq>.d", emit_xlsx.c) with what they
 * hold.  Returns how many were removed. */
int cd_outfile_clean_stale(const char *dir);

#endif
