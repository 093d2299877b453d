/* diag.h — diagnostics are records (severity, code, file, line, message),
 * appended by every stage and printed only by the CLI. */
#ifndef CD_DIAG_H
#define CD_DIAG_H
#include <stddef.h>

#include "arena.h"

typedef enum { CD_SEV_ERROR, CD_SEV_WARNING, CD_SEV_INFO } cd_severity;

typedef struct cd_diag {
    cd_severity severity;
    const char *code;    /* stable kebab-case word: "missing-lead" */
    const char *file;    /* may be NULL */
    int line;            /* 1-based, 0 = none */
    const char *message; /* may contain newlines (rule-file carets) */
} cd_diag;

typedef struct cd_diag_list {
    cd_arena *arena; /* where messages live */
    cd_diag *items;
    size_t n, cap;
} cd_diag_list;

void cd_diags_init(cd_diag_list *l, cd_arena *a);
void cd_diag_add(cd_diag_list *l, cd_severity sev, const char *code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
size_t cd_diags_count(const cd_diag_list *l, cd_severity sev);
const char *cd_severity_name(cd_severity s);

#endif
