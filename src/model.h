/* model.h — the one document model every stage reads and extends:
 *   read      -> source bytes, decoded lines (with source line numbers)
 *   normalize -> line text cleaned in place (NFC, tone marks, spaces, markup)
 *   structure -> blocks (paragraphs, items, fields, table rows, headings)
 *   metadata  -> document block (number, date, kind, title, signer ...)
 *   extract   -> tasks and indicators (raw field texts)
 *   deadline / agency -> normalised deadlines and canonical agencies
 *   validate  -> diagnostics
 * Everything lives in doc->arena; cd_document_free releases it in one call. */
#ifndef CD_MODEL_H
#define CD_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "rules.h"

/* Exit codes of the CLI, also returned by pipeline stages. */
enum {
    CD_EXIT_OK = 0,
    CD_EXIT_STRICT = 1, /* the document had error diagnostics under --strict */
    CD_EXIT_USAGE = 2,
    CD_EXIT_INPUT = 3, /* input unreadable or undecodable */
    CD_EXIT_RULES = 4, /* rule file invalid */
    CD_EXIT_INTERNAL = 5,
};

/* The caps in force (limits.h); NULL in cd_options means the defaults. */
typedef struct cd_limits cd_limits;

typedef struct cd_options {
    const cd_rules *rules;
    bool repair; /* --repair: replace invalid UTF-8 instead of failing */
    bool strict;
    const char *from;        /* --from: text|markdown|html|docx|pdf; NULL = detect from the content */
    const char *encoding;    /* --encoding: a text file's encoding; NULL = detect */
    const cd_limits *limits; /* --limit NAME=VALUE; NULL = every default */
    int64_t deadline_ns;     /* the document's time budget ends (CLOCK_MONOTONIC, limits.h); 0 = none */
    bool csv_formulas_keep;  /* --csv-formulas keep: CSV cells starting = + - @ written as they are */
} cd_options;

/* ---- lines ---- */
enum {
    CD_LINE_BLANK = 1u << 0,    /* nothing but spaces/markup */
    CD_LINE_BOLD = 1u << 1,     /* the whole line is emphasised (**...**) */
    CD_LINE_HEADING = 1u << 2,  /* markdown '#' heading */
    CD_LINE_FOOTNOTE = 1u << 3, /* a footnote body ("<sup>1</sup> text", "[^1]: text") */
    CD_LINE_RULE = 1u << 4,     /* a horizontal rule / separator ("---", "-------") */
    CD_LINE_PIPE = 1u << 5,     /* a pipe-table line ("| a | b |" or "a |") */
    CD_LINE_TABS = 1u << 6,     /* cells separated by tabs */
};

typedef struct cd_line {
    char *text; /* NUL-terminated; normalize rewrites it */
    size_t len;
    int src;    /* 1-based line in the source file */
    int indent; /* leading spaces in the source (tabs count 4) */
    int hang;   /* column of the text after a leading bullet ("-   text": 4); indent without one */
    unsigned flags;
    /* footnote number of a footnote body, 0 otherwise */
    int footnote;
} cd_line;

/* ---- agencies ---- */
typedef enum { CD_AGENCY_AGENCY, CD_AGENCY_GROUP, CD_AGENCY_ROLE } cd_agency_kind;

typedef struct cd_agency {
    const char *name; /* canonical */
    const char *raw;  /* as printed, markup removed */
    cd_agency_kind kind;
    bool known; /* found in the gazetteer (unknown-agency otherwise) */
} cd_agency;

typedef struct cd_agency_list {
    cd_agency *items;
    size_t n;
} cd_agency_list;

/* ---- deadlines ---- */
typedef enum {
    CD_DL_DATE,
    CD_DL_MONTH,
    CD_DL_QUARTER,
    CD_DL_HALF,
    CD_DL_YEAR,
    CD_DL_RANGE,
    CD_DL_ONGOING,
    CD_DL_RECURRING,
    CD_DL_EVENT,
    CD_DL_UNKNOWN,
} cd_deadline_kind;

typedef struct cd_date {
    int y, m, d; /* y == 0: null */
} cd_date;

typedef struct cd_deadline {
    const char *raw;
    cd_deadline_kind kind;
    cd_date start, end;
    const char *recurrence; /* "yearly" | "quarterly" | "monthly" | NULL */
    bool repaired;          /* an OCR slip was repaired (Quý 11 -> II) */
} cd_deadline;

/* ---- blocks (structure stage) ---- */
typedef enum {
    CD_BLOCK_PARA,    /* prose, lines joined */
    CD_BLOCK_ITEM,    /* labelled item: "1.", "1.1.", "a)", "I." */
    CD_BLOCK_HEADING, /* unlabelled heading: "QUÝ I/2026", a bold line, "PHỤ LỤC I" */
    CD_BLOCK_FIELD,   /* "- Chủ trì: X" */
    CD_BLOCK_BULLET,  /* "- text" with no field label */
    CD_BLOCK_ROW,     /* table row */
} cd_block_kind;

typedef enum {
    CD_LABEL_NONE,
    CD_LABEL_ROMAN,
    CD_LABEL_ARABIC,
    CD_LABEL_DOTTED,
    CD_LABEL_LETTER,
    CD_LABEL_UPPER,   /* "A", "B" section letters */
    CD_LABEL_QUARTER, /* "QUÝ I/2026" */
    CD_LABEL_PART,    /* "PHẦN I", "Phụ lục I" */
    CD_LABEL_ARTICLE, /* "Điều 1." */
} cd_label_kind;

typedef enum {
    CD_FIELD_NONE,
    CD_FIELD_NUMBER,
    CD_FIELD_TEXT,
    CD_FIELD_LEAD,
    CD_FIELD_SUPPORT,
    CD_FIELD_DEADLINE,
    CD_FIELD_OUTPUT,
    CD_FIELD_ASSIGNED_BY,
    CD_FIELD_NOTE,
    CD_FIELD_DIRECTION,
    CD_FIELD_UNIT,
    CD_FIELD_TARGET,
    CD_FIELD__COUNT
} cd_field_kind;

typedef struct cd_table cd_table;

typedef struct cd_block {
    cd_block_kind kind;
    int first, last;   /* source line numbers (1-based), inclusive */
    const char *label; /* "1.1", "a", "I" — no trailing dot; "" if none */
    cd_label_kind label_kind;
    int depth;           /* components of a dotted label: "1.1" -> 2 */
    const char *text;    /* item text without its label; paragraph text */
    bool emphasised;     /* bold or '#' heading markup */
    cd_field_kind field; /* CD_BLOCK_FIELD: which field */
    /* CD_BLOCK_ROW: one cell per column of its table (NULL = empty) */
    const char **cells;
    int *cell_last; /* last source line contributing to each cell */
    cd_table *table;
} cd_block;

struct cd_table {
    size_t n_cols;
    cd_field_kind *cols; /* role of each column */
    bool indicators;     /* a target table (Chỉ tiêu / Đơn vị / Kết quả) */
    const char *caption; /* the heading above the table, if any */
    int first;           /* source line of its header */
};

/* ---- records ---- */
typedef struct cd_strs {
    const char **items;
    size_t n;
} cd_strs;

typedef struct cd_task {
    const char *id;
    const char *number;
    cd_strs section;
    const char *text;
    cd_agency_list lead, support;
    cd_strs direction;
    const char *output;
    cd_deadline *deadline; /* NULL when none */
    const char *assigned_by, *note;
    int first_line, last_line;
    int first_page, last_page; /* PDF input: the pages of those lines (0: not a PDF) */
    /* field texts as printed, before agency/deadline normalisation */
    const char *lead_raw, *support_raw, *deadline_raw;
    int deadline_line;
} cd_task;

typedef struct cd_indicator {
    const char *id, *number;
    cd_strs section;
    const char *name, *unit, *target;
    cd_agency_list lead;
    const char *lead_raw;
    int first_line, last_line;
} cd_indicator;

typedef struct cd_docref {
    const char *kind, *number;
    cd_date date;
} cd_docref;

typedef struct cd_docrefs {
    cd_docref *items;
    size_t n;
} cd_docrefs;

typedef struct cd_meta {
    const char *kind;       /* program, plan, decision, letter, ... */
    const char *kind_label; /* "QUYẾT ĐỊNH" as printed; NULL for a letter */
    const char *number;
    const char *issuer;
    const char *place;
    cd_date date;
    int year;
    int title_year; /* the single year the title names; 0 if none (deadline-outside-year) */
    const char *title;
    const char *signer_title, *signer_name;
    cd_docrefs references, replaces;
    cd_strs recipients;
    int number_line, date_line; /* for diagnostics */
    int body_start;             /* index into lines where the body begins */
} cd_meta;

typedef struct cd_document {
    cd_arena arena;
    const char *path; /* as given on the command line ("-" for stdin) */
    /* source: the file's bytes as read (sha256 and bytes describe them) */
    const unsigned char *bytes;
    size_t n_bytes;
    char sha256[65];
    const char *encoding, *format;
    /* decode: the UTF-8 text the later stages read (NULL: bytes are that
     * text); for a PDF, the page of each of its lines (1-based, NULL else) */
    const unsigned char *text;
    size_t n_text;
    int *line_pages;
    size_t n_line_pages;
    /* read / normalize */
    cd_line *lines;
    size_t n_lines;
    /* structure */
    cd_block *blocks;
    size_t n_blocks;
    /* metadata / extract */
    cd_meta meta;
    cd_task *tasks;
    size_t n_tasks;
    cd_indicator *indicators;
    size_t n_indicators;
    cd_diag_list diags;
} cd_document;

/* Calendar arithmetic shared by the stages that read dates. */
int cd_days_in_month(int y, int m);      /* m in 1..12 */
bool cd_date_valid(int y, int m, int d); /* a real day of a year 1900-2200 */
/* The value of a Roman numeral ("VII" -> 7); 0 when s is not one. */
int cd_roman_value(const char *s, size_t n);

/* The contract's name of an agency kind: "agency", "group" or "role". */
const char *cd_agency_kind_name(cd_agency_kind k);

/* Append helpers (arena-backed growable arrays). */
void cd_strs_push(cd_arena *a, cd_strs *l, const char *s);
void cd_agency_push(cd_arena *a, cd_agency_list *l, cd_agency ag);

#endif
