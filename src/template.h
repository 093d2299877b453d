/* template.h — what a conforming work program must carry, as an XML file
 * (schemas/template.xsd): the central document's identity and plan year,
 * the document elements a program must have, the fields every task must
 * have, and the required tasks (id, wording, deadline, lead where the
 * template names one, the rows they were taken from).
 *
 * Read with libxml2 (no network, no entity expansion) and validated against
 * the XSD; written with xmlTextWriter; derived from documents that cite the
 * central program (cd_template_derive). */
#ifndef CD_TEMPLATE_H
#define CD_TEMPLATE_H
#include <stdbool.h>
#include <stdio.h>

#include "match.h"
#include "model.h"

/* Where a required task was read from. */
typedef struct cd_tpl_source {
    const char *document; /* the document's path as given */
    const char *number;   /* its symbol ("07-QĐ/BCĐ"); NULL for a draft without one */
    const char *task;     /* the row's label ("20") */
    const char *cites;    /* the Văn bản giao / Ghi chú text that cites the template */
    int first_line, last_line;
    bool merged; /* the row merges this task with others */
} cd_tpl_source;

typedef struct cd_tpl_task {
    const char *id;        /* "R01" */
    const char *text;      /* the wording */
    cd_deadline *deadline; /* NULL: none required */
    cd_strs lead;          /* canonical agency names; empty: the template names none */
    cd_tpl_source *sources;
    size_t n_sources;
} cd_tpl_task;

typedef struct cd_template {
    cd_arena arena;
    const char *path; /* the file it was read from (NULL when derived) */
    const char *note; /* a comment written at the top (how it was derived); not read back */
    const char *kind, *number, *issuer, *title;
    cd_date date;
    int year;
    cd_strs elements; /* document elements: number, date, issuer, title, signer, recipients */
    cd_strs fields;   /* task fields: lead, support, deadline, output, assigned_by, note, direction */
    cd_tpl_task *tasks;
    size_t n_tasks;
} cd_template;

/* The document elements and task fields a template may name. */
extern const char *const cd_tpl_element_names[];
extern const char *const cd_tpl_field_names[];

/* The schema next to the rule directory: <rules_dir>/../schemas/template.xsd
 * (malloc'd; the caller frees). */
char *cd_template_default_schema(const char *rules_dir);

/* Read and validate path against the XSD at schema, then fill t (init'd
 * here; free with cd_template_free).  rules normalises a deadline given only
 * as printed text.  Returns CD_EXIT_OK; CD_EXIT_INPUT when the file cannot be
 * read; CD_EXIT_RULES when it is not well-formed or not valid (each problem
 * an error in errs, with its line). */
int cd_template_load(cd_template *t, const char *path, const char *schema, const cd_rules *rules, cd_diag_list *errs);
void cd_template_free(cd_template *t);

/* Write t as XML (the format cd_template_load reads) to out.  Returns
 * CD_EXIT_OK or CD_EXIT_INTERNAL. */
int cd_template_write(const cd_template *t, FILE *out);

typedef struct cd_derive_options {
    const char *cite;   /* the central document's symbol: "02-CTr/BCĐTW" (required) */
    const char *issuer; /* its issuer, when known (NULL: left out) */
} cd_derive_options;

/* Collect, from the processed documents docs[0..n), the tasks whose
 * assigned_by or note cites o->cite; one required task per central task: a
 * row of one document that carries two or more different rows of others in
 * its clauses (score >= derive-same, rules/match.rules) is a merged source of
 * each; other rows of different documents that read alike as wholes, or of
 * which one carries the other, are one task.  The
 * wording is the first source's (input order), the deadline the latest any
 * source allows, the lead the sources' when they all agree.  Identity: the
 * citation's kind and date from a document's references.  t is init'd here.
 * Returns the number of required tasks (0: nothing cites o->cite). */
size_t cd_template_derive(cd_template *t, const cd_document *docs, size_t n, const cd_matcher *m,
                          const cd_derive_options *o);

#endif
