/* deadline.c — normalise printed deadlines with rules/deadline.rules.
 *
 * The rule file knows every wording; this file only knows the meaning of the
 * keys a rule emits (documented at the top of the rule file) and the calendar
 * arithmetic: the first and last day of a day, month, quarter, half or year. */
#include "deadline.h"

#include "memo.h"

#include <stdio.h>
#include <string.h>

/* The rule group (file stem) and the lists it reads numerals through. */
#define DEADLINE_GROUP "deadline"
#define QUARTER_NUMERAL_LIST "deadline-quarter-numeral"
#define QUARTER_OCR_LIST "deadline-quarter-ocr"

/* A rule may hand back a shorter text to parse instead ("retry"); a rule
 * file that keeps doing so (a retry that matches itself) stops here. */
#define DEADLINE_MAX_RETRIES 4

/* Years outside this span are misread numbers, not deadlines. */
#define DEADLINE_YEAR_MIN 1900
#define DEADLINE_YEAR_MAX 2199

/* Longest decimal field a rule may emit ("2026"); longer is a rule bug. */
#define DEADLINE_NUMBER_DIGITS 4

/* The CONTRACT's names, which rules emit as `kind` and emitters print. */
static const char *const kind_names[] = {
    [CD_DL_DATE] = "date",   [CD_DL_MONTH] = "month",     [CD_DL_QUARTER] = "quarter", [CD_DL_HALF] = "half",
    [CD_DL_YEAR] = "year",   [CD_DL_RANGE] = "range",     [CD_DL_ONGOING] = "ongoing", [CD_DL_RECURRING] = "recurring",
    [CD_DL_EVENT] = "event", [CD_DL_UNKNOWN] = "unknown",
};

const char *cd_deadline_kind_name(cd_deadline_kind k) {
    return (unsigned)k <= CD_DL_UNKNOWN ? kind_names[k] : "unknown";
}

static bool kind_from_name(const char *name, cd_deadline_kind *kind) {
    for (int k = 0; k < CD_DL_UNKNOWN; k++)
        if (!strcmp(kind_names[k], name)) {
            *kind = (cd_deadline_kind)k;
            return true;
        }
    return false;
}

/* ---------- text spans ---------- */

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Punctuation that closes a cell or a sentence ("Tháng 1/2026.", "…2024./.")
 * and never belongs to the deadline itself. */
static bool is_closing_punct(char c) { return c == '.' || c == ';' || c == ',' || c == ':' || c == '/'; }

static void trim_spaces(const char **s, size_t *n) {
    while (*n && is_space(**s))
        (*s)++, (*n)--;
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

static void trim_closing(const char *s, size_t *n) {
    while (*n && (is_space(s[*n - 1]) || is_closing_punct(s[*n - 1])))
        (*n)--;
}

/* ---------- what a rule says ---------- */

/* One end of a deadline: fields are 0 when the rule does not give them. */
typedef struct period {
    int year, month, day, quarter, half;
} period;

typedef struct form {
    cd_deadline_kind kind;
    const char *recurrence;
    period from, to;
    bool repaired;                       /* a numeral came through the OCR list */
    const char *ocr_printed, *ocr_meant; /* for the ocr-repair message */
    const char *problem;                 /* why a matched form is not a deadline */
} form;

/* The emitted value of key, or NULL when absent or empty. */
static const char *emitted(const cd_match *m, const char *key, cd_arena *a) {
    char *v = cd_match_emit(m, key, a);
    return v && *v ? v : NULL;
}

/* Decimal digits ("02", "2026") as a number; -1 when not a number.  No
 * calendar field is ever zero, so a printed "00" is -1 too. */
static int decimal(const char *v) {
    int n = 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9' || p - v == DEADLINE_NUMBER_DIGITS) return -1;
        n = n * 10 + (*p - '0');
    }
    return n ? n : -1;
}

/* A decimal field: 0 = absent; -1 = not a number. */
static int decimal_field(const cd_match *m, const char *key, cd_arena *a) {
    const char *v = emitted(m, key, a);
    return v ? decimal(v) : 0;
}

/* A numeral field (quarter, half): through the numeral list, then the OCR
 * list (recording the repair), then as decimal digits.  0 = absent; -1 = not
 * a numeral. */
static int numeral_field(const cd_rules *rules, const cd_match *m, const char *key, form *f, cd_arena *a) {
    const char *v = emitted(m, key, a);
    if (!v) return 0;
    const cd_rule *numerals = cd_rules_get(rules, DEADLINE_GROUP, QUARTER_NUMERAL_LIST);
    const char *number = cd_list_lookup(numerals, v, strlen(v));
    if (!number) {
        const char *meant = cd_list_lookup(cd_rules_get(rules, DEADLINE_GROUP, QUARTER_OCR_LIST), v, strlen(v));
        if (meant) number = cd_list_lookup(numerals, meant, strlen(meant));
        if (number) {
            f->repaired = true;
            f->ocr_printed = v;
            f->ocr_meant = meant;
        }
    }
    return decimal(number ? number : v);
}

/* The first rule in file order that matches s and names a form (emits kind
 * or retry).  Lists and sentence-clause rules emit neither and are passed. */
static const cd_rule *first_form(const cd_rule_group *g, const char *s, size_t n, cd_match *m, cd_arena *a) {
    if (!cd_group_may_match(g, s, n)) return NULL;
    for (size_t i = 0; i < cd_group_size(g); i++) {
        const cd_rule *r = cd_group_rule(g, i);
        /* vocabulary lists and sentence-clause rules are not forms */
        if (cd_rule_is_list(r) || cd_rule_has_group(r, "clause")) continue;
        if (!cd_rule_search(r, s, n, 0, m)) continue;
        if (emitted(m, "kind", a) || emitted(m, "retry", a)) return r;
    }
    return NULL;
}

static void read_period(const cd_rules *rules, const cd_match *m, const char *suffix, period *p, form *f, cd_arena *a) {
    char key[16];
    snprintf(key, sizeof key, "year%s", suffix);
    p->year = decimal_field(m, key, a);
    snprintf(key, sizeof key, "month%s", suffix);
    p->month = decimal_field(m, key, a);
    snprintf(key, sizeof key, "day%s", suffix);
    p->day = decimal_field(m, key, a);
    snprintf(key, sizeof key, "quarter%s", suffix);
    p->quarter = numeral_field(rules, m, key, f, a);
    snprintf(key, sizeof key, "half%s", suffix);
    p->half = numeral_field(rules, m, key, f, a);
}

/* Match text against the forms, following retries.  false: no form. */
static bool read_form_uncached(const cd_rules *rules, const char *text, size_t len, form *f, cd_arena *a);

/* read_form's result as a memo blob (memo.h): this header, then the present
 * strings, each NUL-terminated, in field order. */
typedef struct form_blob {
    bool found, repaired;
    cd_deadline_kind kind;
    period from, to;
    bool has[4]; /* recurrence, ocr_printed, ocr_meant, problem */
} form_blob;

static bool read_form(const cd_rules *rules, const char *text, size_t len, form *f, cd_arena *a) {
    uint64_t id = cd_rules_id(rules);
    size_t blob_len;
    const char *blob = cd_memo_get(CD_MEMO_DEADLINE_FORM, id, text, len, &blob_len);
    const char **strings[4] = {&f->recurrence, &f->ocr_printed, &f->ocr_meant, &f->problem};
    if (blob && blob_len >= sizeof(form_blob)) {
        form_blob h;
        memcpy(&h, blob, sizeof h);
        memset(f, 0, sizeof *f);
        f->kind = h.kind;
        f->from = h.from;
        f->to = h.to;
        f->repaired = h.repaired;
        const char *p = blob + sizeof h;
        for (int i = 0; i < 4; i++) {
            if (!h.has[i]) continue;
            size_t n = strlen(p);
            *strings[i] = cd_arena_strndup(a, p, n);
            p += n + 1;
        }
        return h.found;
    }
    bool found = read_form_uncached(rules, text, len, f, a);
    form_blob h;
    memset(&h, 0, sizeof h);
    h.found = found;
    h.repaired = f->repaired;
    h.kind = f->kind;
    h.from = f->from;
    h.to = f->to;
    for (int i = 0; i < 4; i++)
        h.has[i] = *strings[i] != NULL;
    cd_buf b;
    cd_buf_init(&b, a);
    cd_buf_add(&b, (const char *)&h, sizeof h);
    for (int i = 0; i < 4; i++)
        if (h.has[i]) cd_buf_add(&b, *strings[i], strlen(*strings[i]) + 1);
    cd_memo_put(CD_MEMO_DEADLINE_FORM, id, text, len, b.data, b.len);
    return found;
}

static bool read_form_uncached(const cd_rules *rules, const char *text, size_t len, form *f, cd_arena *a) {
    memset(f, 0, sizeof *f);
    f->kind = CD_DL_UNKNOWN;
    const cd_rule_group *g = rules ? cd_rules_group(rules, DEADLINE_GROUP) : NULL;
    if (!g) return false;
    const char *s = text;
    size_t n = len;
    for (int attempt = 0; attempt <= DEADLINE_MAX_RETRIES; attempt++) {
        trim_spaces(&s, &n);
        trim_closing(s, &n);
        if (!n) return false;
        cd_match m;
        const cd_rule *r = first_form(g, s, n, &m, a);
        if (!r) return false;
        const char *kind = emitted(&m, "kind", a);
        if (!kind) { /* retry */
            s = emitted(&m, "retry", a);
            n = strlen(s);
            continue;
        }
        if (!kind_from_name(kind, &f->kind)) {
            f->problem = cd_arena_printf(a, "rule '%s' emits unknown kind '%s'", cd_rule_name(r), kind);
            return true;
        }
        f->recurrence = emitted(&m, "recurrence", a);
        read_period(rules, &m, "", &f->from, f, a);
        read_period(rules, &m, "2", &f->to, f, a);
        return true;
    }
    return false;
}

/* ---------- calendar (month lengths: cd_days_in_month in model.c) ---------- */

/* Any leap year: a day printed without a year is checked against it, so
 * 29/02 passes until the year is known. */
#define ANY_LEAP_YEAR 2000

/* Are the fields of p possible? */
static bool period_valid(const period *p) {
    if (p->year < 0 || p->month < 0 || p->day < 0 || p->quarter < 0 || p->half < 0) return false;
    if (p->year && (p->year < DEADLINE_YEAR_MIN || p->year > DEADLINE_YEAR_MAX)) return false;
    if (p->month > 12 || p->quarter > 4 || p->half > 2) return false;
    if (p->day && (!p->month || p->day > cd_days_in_month(p->year ? p->year : ANY_LEAP_YEAR, p->month))) return false;
    return true;
}

static bool has_subyear(const period *p) { return p->month || p->day || p->quarter || p->half; }

static cd_date first_day(int year, const period *p) {
    if (p->month) return (cd_date){year, p->month, p->day ? p->day : 1};
    if (p->quarter) return (cd_date){year, 3 * p->quarter - 2, 1};
    if (p->half) return (cd_date){year, 6 * p->half - 5, 1};
    return (cd_date){year, 1, 1};
}

static cd_date last_day(int year, const period *p) {
    int month = p->month ? p->month : p->quarter ? 3 * p->quarter : p->half ? 6 * p->half : 12;
    if (p->day) return (cd_date){year, month, p->day};
    return (cd_date){year, month, cd_days_in_month(year, month)};
}

static int date_cmp(cd_date x, cd_date y) {
    if (x.y != y.y) return x.y < y.y ? -1 : 1;
    if (x.m != y.m) return x.m < y.m ? -1 : 1;
    return x.d < y.d ? -1 : x.d > y.d;
}

static bool date_valid(cd_date d) {
    return d.y >= DEADLINE_YEAR_MIN && d.y <= DEADLINE_YEAR_MAX && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
           d.d <= cd_days_in_month(d.y, d.m);
}

/* Fill out->start/end from the form.  false (with f->problem) when the
 * fields make no date. */
static bool resolve_dates(form *f, int doc_year, cd_deadline *out) {
    if (f->kind == CD_DL_ONGOING || f->kind == CD_DL_RECURRING || f->kind == CD_DL_EVENT) return true;
    period from = f->from, to = f->to;
    /* A day given without its month in the end period belongs to the start month. */
    if (to.day && !to.month) to.month = from.month;
    if (!period_valid(&from) || !period_valid(&to)) {
        f->problem = "not a valid date";
        return false;
    }
    /* "Tháng 02 đến hết năm 2026": the year printed at the end is the start's too. */
    int start_year = from.year ? from.year : to.year ? to.year : doc_year;
    int end_year = to.year ? to.year : start_year;
    if (!start_year) return true; /* kind known, dates unknown */
    cd_date start = first_day(start_year, &from);
    cd_date end;
    if (has_subyear(&to))
        end = last_day(end_year, &to);
    else if (to.year)
        end = (cd_date){end_year, 12, 31}; /* "… đến hết năm 2026" */
    else
        end = last_day(end_year, &from); /* one period */
    /* "Tháng 10 đến tháng 3/2027": an unprinted start year is the year before. */
    if (date_cmp(start, end) > 0 && !from.year && to.year) start.y--;
    if (!date_valid(start) || !date_valid(end)) {
        f->problem = "not a valid date";
        return false;
    }
    if (date_cmp(start, end) > 0) {
        f->problem = "its period ends before it starts";
        return false;
    }
    if (f->kind != CD_DL_DATE) out->start = start;
    out->end = end;
    return true;
}

/* ---------- entry points ---------- */

bool cd_deadline_parse(const cd_rules *rules, const char *text, size_t len, int doc_year, cd_deadline *out, cd_arena *a,
                       cd_diag_list *diags, const char *file, int line) {
    memset(out, 0, sizeof *out);
    out->kind = CD_DL_UNKNOWN;
    const char *s = text ? text : "";
    size_t n = text ? len : 0;
    trim_spaces(&s, &n);
    out->raw = cd_arena_strndup(a, s, n);
    form f;
    bool ok = read_form(rules, s, n, &f, a) && !f.problem && resolve_dates(&f, doc_year, out);
    if (!ok) {
        out->start = out->end = (cd_date){0, 0, 0};
        if (diags) {
            if (f.problem)
                cd_diag_add(diags, CD_SEV_WARNING, "deadline-unparsed", file, line, "deadline \"%s\": %s", out->raw,
                            f.problem);
            else
                cd_diag_add(diags, CD_SEV_WARNING, "deadline-unparsed", file, line,
                            "deadline \"%s\" fits no form in deadline.rules", out->raw);
        }
        return false;
    }
    out->kind = f.kind;
    out->recurrence = f.recurrence;
    if (f.repaired) {
        out->repaired = true;
        if (diags)
            cd_diag_add(diags, CD_SEV_WARNING, "ocr-repair", file, line,
                        "deadline \"%s\": quarter \"%s\" read as \"%s\"", out->raw, f.ocr_printed, f.ocr_meant);
    }
    return true;
}

bool cd_deadline_looks_like(const cd_rules *rules, const char *text, size_t len) {
    cd_arena scratch;
    cd_arena_init(&scratch);
    cd_deadline d;
    bool yes = cd_deadline_parse(rules, text, len, 0, &d, &scratch, NULL, NULL, 0);
    cd_arena_free(&scratch);
    return yes;
}

/* The longest prefix of s[b..e) ending at a word end that parses as a
 * deadline; its end in *found_end. */
static bool longest_deadline_prefix(const cd_rules *rules, const char *s, size_t b, size_t e, size_t *found_end,
                                    cd_arena *scratch) {
    while (e > b) {
        size_t n = e - b;
        trim_closing(s + b, &n);
        if (!n) return false;
        cd_deadline d;
        if (cd_deadline_parse(rules, s + b, n, 0, &d, scratch, NULL, NULL, 0)) {
            *found_end = b + n;
            return true;
        }
        /* drop the last word */
        e = b + n;
        while (e > b && !is_space(s[e - 1]))
            e--;
        while (e > b && is_space(s[e - 1]))
            e--;
    }
    return false;
}

bool cd_deadline_find_in_sentence(const cd_rules *rules, const char *s, size_t len, size_t *start, size_t *end) {
    const cd_rule_group *g = rules ? cd_rules_group(rules, DEADLINE_GROUP) : NULL;
    if (!g || !s) return false;
    cd_arena scratch;
    cd_arena_init(&scratch);
    bool found = false;
    for (size_t i = 0; i < cd_group_size(g); i++) {
        const cd_rule *r = cd_group_rule(g, i);
        if (cd_rule_is_list(r) || !cd_rule_has_group(r, "clause")) continue; /* a form or a list */
        cd_match m;
        size_t from = 0;
        while (from <= len && cd_rule_search(r, s, len, from, &m)) {
            const char *clause;
            size_t clause_len;
            if (!cd_match_group(&m, "clause", &clause, &clause_len)) break; /* a form or a list */
            size_t b = (size_t)(clause - s), e;
            /* The clause nearest the end wins. */
            if ((!found || b > *start) && longest_deadline_prefix(rules, s, b, b + clause_len, &e, &scratch)) {
                *start = b;
                *end = e;
                found = true;
            }
            /* next marker: one character on */
            from = m.ov[0] + 1;
            while (from < len && ((unsigned char)s[from] & 0xC0) == 0x80)
                from++;
        }
    }
    cd_arena_free(&scratch);
    return found;
}
