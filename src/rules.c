/* rules.c — load, compile, match and self-test rule files (rules/README.md). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rules.h"

#include <stdatomic.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "limits.h"
#include "memo.h"

/* A rule file larger than this is refused: rule files are hand-written. */
#define CD_RULE_FILE_MAX (4 * 1024 * 1024)

typedef struct cd_emit {
    const char *key;
    const char *tmpl;
} cd_emit;

typedef struct cd_example {
    const char *input;
    const char *expect; /* "no match", "k=v; k=v" or a replace/list result */
    int line;
} cd_example;

typedef struct cd_list_entry {
    const char *item;
    const char *value; /* NULL: the item itself */
    char *folded;      /* case-folded item, for lookup */
} cd_list_entry;

struct cd_rule {
    const char *name;
    const char *file;
    int line;
    bool is_list;
    char *pattern_src; /* as written (pattern lines concatenated) */
    int pattern_line;
    char *requires_src; /* a pattern every match contains (requires lines concatenated) */
    int requires_line;
    const char *flags;
    const char *replace;
    cd_emit *emits;
    size_t n_emits;
    cd_example *examples;
    size_t n_examples;
    cd_list_entry *items;
    size_t n_items;
    pcre2_code *code;
    pcre2_code *requires; /* requires_src compiled: searched first, a fast "no" */
    const cd_rule_group *group;
    const char *expanded; /* the pattern as compiled (lists expanded) */
    uint32_t options;     /* its PCRE2 compile options */
    uint32_t min_chars;   /* the shortest match, in characters (PCRE2_INFO_MINLENGTH) */
    bool has_first_bytes; /* first_bytes holds every byte a match can begin with */
    bool anchored;        /* matches only at the start of the subject */
    uint64_t first_bytes[4];
    uint64_t needed_bytes[4]; /* a match holds one of these bytes (all zero: no such byte known) */
};

struct cd_rule_group {
    const cd_rules *owner;
    const char *name; /* file stem */
    const char *file;
    bool first_mode; /* mode = first (default): examples must be answered by their rule */
    cd_rule **rules;
    size_t n;
};

/* Lookups by "group/name" go through an open-addressing hash: stages look
 * rules up by name in their inner loops. */
typedef struct cd_rule_slot {
    const char *group, *name; /* NULL: empty slot */
    const void *value;        /* cd_rule* or cd_rule_group* (name NULL) */
    size_t hash;              /* compared before the names */
} cd_rule_slot;

struct cd_rules {
    cd_arena arena;
    cd_rule_group **groups;
    size_t n_groups;
    pcre2_match_context *mctx;
    cd_rule_slot *index;
    size_t index_cap; /* a power of two */
    uint64_t id;      /* unique per load: keys the memo caches (memo.h) */
};

static atomic_uint_fast64_t rules_loaded;

static void build_index(cd_rules *rs);
static void first_bytes_of(cd_rule *r);

/* ---------- small helpers ---------- */

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

/* Case-fold UTF-8 (stateless ICU calls, so lookups are thread-safe). */
static char *fold(cd_arena *a, const char *s, size_t n) {
    UErrorCode err = U_ZERO_ERROR;
    int32_t cap16 = (int32_t)n + 8, len16 = 0;
    UChar *u = cd_arena_alloc(a, sizeof(UChar) * (size_t)cap16);
    u_strFromUTF8(u, cap16, &len16, s, (int32_t)n, &err);
    UChar *f = cd_arena_alloc(a, sizeof(UChar) * (size_t)(cap16 * 2));
    int32_t flen = U_SUCCESS(err) ? u_strFoldCase(f, cap16 * 2, u, len16, U_FOLD_CASE_DEFAULT, &err) : 0;
    char *out = cd_arena_alloc(a, (size_t)flen * 3 + 1);
    int32_t olen = 0;
    if (U_SUCCESS(err)) u_strToUTF8(out, flen * 3 + 1, &olen, f, flen, &err);
    if (U_FAILURE(err)) return cd_arena_strndup(a, s, n);
    out[olen] = 0;
    return out;
}

/* Escape regex metacharacters so an item matches literally; whitespace in an
 * item matches any run of spaces. */
static void quote_literal(cd_buf *b, const char *s) {
    for (; *s; s++) {
        if (*s == ' ') {
            cd_buf_adds(b, "\\s+");
            while (s[1] == ' ')
                s++;
        } else if (strchr("\\^$.|?*+()[]{}/-#&", *s)) {
            cd_buf_addc(b, '\\');
            cd_buf_addc(b, *s);
        } else {
            cd_buf_addc(b, *s);
        }
    }
}

static int cmp_len_desc(const void *a, const void *b) {
    const cd_list_entry *x = a, *y = b;
    size_t lx = strlen(x->item), ly = strlen(y->item);
    return lx < ly ? 1 : lx > ly ? -1 : strcmp(x->item, y->item);
}

static const cd_rule *find_list(const cd_rules *rs, const char *name, size_t n) {
    for (size_t g = 0; g < rs->n_groups; g++)
        for (size_t i = 0; i < rs->groups[g]->n; i++) {
            const cd_rule *r = rs->groups[g]->rules[i];
            if (r->is_list && strlen(r->name) == n && !memcmp(r->name, name, n)) return r;
        }
    return NULL;
}

/* ---------- parsing ---------- */

static char *slurp(const char *path, size_t *len, cd_diag_list *errs) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        cd_diag_add(errs, CD_SEV_ERROR, "rules-unreadable", path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    char *buf = malloc(CD_RULE_FILE_MAX + 1);
    if (!buf) abort();
    size_t n = fread(buf, 1, CD_RULE_FILE_MAX + 1, f);
    fclose(f);
    if (n > CD_RULE_FILE_MAX) {
        free(buf);
        cd_diag_add(errs, CD_SEV_ERROR, "rules-too-large", path, 0, "rule file larger than %d bytes", CD_RULE_FILE_MAX);
        return NULL;
    }
    buf[n] = 0;
    /* Rule files are UTF-8 text: their patterns and examples are matched in
     * UTF mode without a validity check (pcre2_jit_match), where an invalid
     * sequence is undefined behaviour, not an error. */
    int line = 1;
    for (int32_t i = 0; (size_t)i < n;) {
        int32_t at = i;
        UChar32 c;
        U8_NEXT(buf, i, (int32_t)n, c);
        if (c <= 0) {
            if (c)
                cd_diag_add(errs, CD_SEV_ERROR, "rules-encoding", path, line,
                            "invalid UTF-8 byte 0x%02X at offset %d: rule files are UTF-8", (unsigned char)buf[at], at);
            else
                cd_diag_add(errs, CD_SEV_ERROR, "rules-encoding", path, line,
                            "NUL byte at offset %d: rule files are text", at);
            free(buf);
            return NULL;
        }
        if (c == '\n') line++;
    }
    *len = n;
    return buf;
}

static void push_rule(cd_arena *a, cd_rule_group *g, cd_rule *r) {
    g->rules = cd_arena_grow(a, g->rules, sizeof *g->rules, g->n, g->n + 1);
    g->rules[g->n++] = r;
}

static bool parse_file(cd_rules *rs, const char *path, const char *stem, cd_diag_list *errs) {
    cd_arena *a = &rs->arena;
    size_t len;
    char *text = slurp(path, &len, errs);
    if (!text) return false;
    cd_rule_group *g = cd_arena_alloc(a, sizeof *g);
    g->owner = rs;
    g->name = cd_arena_strdup(a, stem);
    g->file = cd_arena_strdup(a, path);
    g->first_mode = true;
    cd_rule *cur = NULL;
    cd_buf pat, req;
    bool ok = true;
    int lineno = 0;
    char *save = NULL;
    for (char *line = text; line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl) *nl = 0;
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        if (*s == '[') {
            char *end = strrchr(s, ']');
            if (!end) {
                cd_diag_add(errs, CD_SEV_ERROR, "rules-syntax", path, lineno, "unclosed '[' in block name");
                ok = false;
                continue;
            }
            *end = 0;
            char *name = trim(s + 1);
            cur = cd_arena_alloc(a, sizeof *cur);
            if (!strncmp(name, "list ", 5)) {
                cur->is_list = true;
                name = trim(name + 5);
            }
            cur->name = cd_arena_strdup(a, name);
            cur->file = g->file;
            cur->line = lineno;
            cur->group = g;
            cd_buf_init(&pat, a);
            cd_buf_init(&req, a);
            push_rule(a, g, cur);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            cd_diag_add(errs, CD_SEV_ERROR, "rules-syntax", path, lineno, "expected 'key = value': %s", s);
            ok = false;
            continue;
        }
        *eq = 0;
        char *key = trim(s), *val = trim(eq + 1);
        if (!cur) {
            if (!strcmp(key, "mode")) {
                g->first_mode = strcmp(val, "each") != 0;
            } else if (strcmp(key, "about") != 0) {
                cd_diag_add(errs, CD_SEV_ERROR, "rules-syntax", path, lineno,
                            "unknown file setting '%s' (expected mode or about)", key);
                ok = false;
            }
            continue;
        }
        if (!strcmp(key, "pattern")) {
            if (!pat.len) cur->pattern_line = lineno;
            cd_buf_adds(&pat, val);
            cur->pattern_src = cd_buf_str(&pat);
        } else if (!strcmp(key, "requires")) {
            if (!req.len) cur->requires_line = lineno;
            cd_buf_adds(&req, val);
            cur->requires_src = cd_buf_str(&req);
        } else if (!strcmp(key, "flags")) {
            cur->flags = cd_arena_strdup(a, val);
        } else if (!strcmp(key, "replace")) {
            cur->replace = cd_arena_strdup(a, val);
        } else if (!strcmp(key, "emit")) {
            /* k=v; k=v */
            for (char *part = strtok(val, ";"); part; part = strtok(NULL, ";")) {
                char *e = strchr(part, '=');
                if (!e) {
                    cd_diag_add(errs, CD_SEV_ERROR, "rules-syntax", path, lineno,
                                "emit needs key=value pairs separated by ';'");
                    ok = false;
                    break;
                }
                *e = 0;
                cur->emits = cd_arena_grow(a, cur->emits, sizeof *cur->emits, cur->n_emits, cur->n_emits + 1);
                cur->emits[cur->n_emits].key = cd_arena_strdup(a, trim(part));
                cur->emits[cur->n_emits].tmpl = cd_arena_strdup(a, trim(e + 1));
                cur->n_emits++;
            }
        } else if (!strcmp(key, "example")) {
            char *arrow = strstr(val, "=>");
            if (!arrow) {
                cd_diag_add(errs, CD_SEV_ERROR, "rules-syntax", path, lineno, "example needs 'INPUT => EXPECTED'");
                ok = false;
                continue;
            }
            *arrow = 0;
            cur->examples =
                cd_arena_grow(a, cur->examples, sizeof *cur->examples, cur->n_examples, cur->n_examples + 1);
            cd_example *ex = &cur->examples[cur->n_examples++];
            ex->input = cd_arena_strdup(a, trim(val));
            ex->expect = cd_arena_strdup(a, trim(arrow + 2));
            ex->line = lineno;
        } else if (!strcmp(key, "item") && cur->is_list) {
            char *arrow = strstr(val, "=>");
            cur->items = cd_arena_grow(a, cur->items, sizeof *cur->items, cur->n_items, cur->n_items + 1);
            cd_list_entry *it = &cur->items[cur->n_items++];
            if (arrow) {
                *arrow = 0;
                it->value = cd_arena_strdup(a, trim(arrow + 2));
            }
            it->item = cd_arena_strdup(a, trim(val));
        } else if (!strcmp(key, "note")) {
            /* free text for readers */
        } else {
            cd_diag_add(errs, CD_SEV_ERROR, "rules-syntax", path, lineno, "unknown key '%s'", key);
            ok = false;
        }
    }
    free(text);
    rs->groups = cd_arena_grow(a, rs->groups, sizeof *rs->groups, rs->n_groups, rs->n_groups + 1);
    rs->groups[rs->n_groups++] = g;
    return ok;
}

/* ---------- compiling ---------- */

/* Expand the {{list}} references of p (written at line `line` of r's file).
 * Returns false (with an error) on an unknown list. */
static bool expand_macros(cd_rules *rs, const cd_rule *r, const char *p, int line, cd_buf *out, cd_diag_list *errs) {
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            cd_buf_adds(out, p);
            break;
        }
        const char *close = strstr(open, "}}");
        if (!close) {
            cd_buf_adds(out, p);
            break;
        }
        cd_buf_add(out, p, (size_t)(open - p));
        const cd_rule *list = find_list(rs, open + 2, (size_t)(close - open - 2));
        if (!list) {
            cd_diag_add(errs, CD_SEV_ERROR, "rules-unknown-list", r->file, line,
                        "pattern refers to unknown list {{%.*s}}", (int)(close - open - 2), open + 2);
            return false;
        }
        cd_buf_adds(out, "(?:");
        for (size_t i = 0; i < list->n_items; i++) {
            if (i) cd_buf_addc(out, '|');
            quote_literal(out, list->items[i].item);
        }
        cd_buf_addc(out, ')');
        p = close + 2;
    }
    return true;
}

/* Compile one pattern of r (expanded from `written`, at `line`); NULL with an
 * error pointing into the pattern when PCRE2 refuses it. */
static pcre2_code *compile_pattern(const cd_rule *r, const char *key, const char *pattern, const char *written,
                                   int line, uint32_t opts, cd_diag_list *errs) {
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &errcode, &erroff, NULL);
    if (code) return code;
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(errcode, msg, sizeof msg);
    /* Point the caret into the pattern as written when no list was expanded. */
    const char *shown = strcmp(pattern, written) ? pattern : written;
    int col = (int)strlen(key) + 3; /* "pattern = " */
    /* caret counts characters, not bytes */
    int chars = 0;
    for (size_t i = 0; i < erroff && shown[i]; i++)
        chars += ((unsigned char)shown[i] & 0xC0) != 0x80;
    cd_diag_add(errs, CD_SEV_ERROR, "rules-bad-pattern", r->file, line,
                "rule '%s': PCRE2 error at offset %zu: %s\n    %s = %s\n    %*s^", r->name, (size_t)erroff, msg, key,
                shown, col + chars, "");
    return NULL;
}

static bool compile_rule(cd_rules *rs, cd_rule *r, cd_diag_list *errs) {
    cd_arena *a = &rs->arena;
    cd_buf src;
    cd_buf_init(&src, a);
    if (r->is_list) {
        if (!r->n_items) {
            cd_diag_add(errs, CD_SEV_ERROR, "rules-syntax", r->file, r->line, "list '%s' has no items", r->name);
            return false;
        }
        qsort(r->items, r->n_items, sizeof *r->items, cmp_len_desc); /* longest first */
        for (size_t i = 0; i < r->n_items; i++)
            r->items[i].folded = fold(a, r->items[i].item, strlen(r->items[i].item));
        /* A list matches its items as whole words. */
        cd_buf_adds(&src, "(?<![\\p{L}\\p{N}])(?:");
        for (size_t i = 0; i < r->n_items; i++) {
            if (i) cd_buf_addc(&src, '|');
            quote_literal(&src, r->items[i].item);
        }
        cd_buf_adds(&src, ")(?![\\p{L}\\p{N}])");
        r->pattern_src = cd_buf_str(&src);
        r->pattern_line = r->line;
    } else {
        if (!r->pattern_src) {
            cd_diag_add(errs, CD_SEV_ERROR, "rules-syntax", r->file, r->line, "rule '%s' has no pattern", r->name);
            return false;
        }
        if (!expand_macros(rs, r, r->pattern_src, r->pattern_line, &src, errs)) return false;
    }
    uint32_t opts = PCRE2_UTF | PCRE2_UCP;
    bool case_sensitive = false;
    for (const char *f = r->flags ? r->flags : ""; *f; f++) {
        if (*f == 'i')
            opts |= PCRE2_CASELESS;
        else if (*f == 'x')
            opts |= PCRE2_EXTENDED;
        else if (*f == 's')
            opts |= PCRE2_DOTALL;
        else if (*f == 'm')
            opts |= PCRE2_MULTILINE;
        else if (*f == 'C')
            case_sensitive = true;
        else if (*f != ' ' && *f != ',') {
            cd_diag_add(errs, CD_SEV_ERROR, "rules-syntax", r->file, r->line, "unknown flag '%c'", *f);
            return false;
        }
    }
    if (r->is_list && !case_sensitive) opts |= PCRE2_CASELESS;
    const char *pattern = cd_buf_str(&src);
    r->expanded = pattern;
    r->options = opts;
    r->code = compile_pattern(r, "pattern", pattern, r->pattern_src, r->pattern_line, opts, errs);
    if (!r->code) return false;
    uint32_t captures = 0;
    pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &captures);
    if (captures + 1 > CD_RULE_MAX_CAPTURES) {
        cd_diag_add(errs, CD_SEV_ERROR, "rules-bad-pattern", r->file, r->pattern_line,
                    "rule '%s' has %u capturing groups; at most %d", r->name, captures, CD_RULE_MAX_CAPTURES - 1);
        return false;
    }
    pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter when JIT is unavailable */
    pcre2_pattern_info(r->code, PCRE2_INFO_MINLENGTH, &r->min_chars);
    if (r->requires_src) {
        if (r->is_list) {
            cd_diag_add(errs, CD_SEV_ERROR, "rules-syntax", r->file, r->requires_line, "list '%s' cannot have requires",
                        r->name);
            return false;
        }
        cd_buf req;
        cd_buf_init(&req, a);
        if (!expand_macros(rs, r, r->requires_src, r->requires_line, &req, errs)) return false;
        r->requires = compile_pattern(r, "requires", cd_buf_str(&req), r->requires_src, r->requires_line, opts, errs);
        if (!r->requires) return false;
        pcre2_jit_compile(r->requires, PCRE2_JIT_COMPLETE);
    }
    first_bytes_of(r);
    return true;
}

/* Does an inline option group of p ("(?i)", "(?xi:") turn on caseless
 * matching for part of the pattern? */
static bool inline_caseless(const char *p) {
    for (; (p = strstr(p, "(?")); p += 2)
        for (const char *q = p + 2; *q && *q != ':' && *q != ')'; q++) {
            if (*q == 'i') return true;
            if (!strchr("msxnJU-^", *q)) break; /* not an option group: (?<name>, (?= … */
        }
    return false;
}

/* The bytes a code unit can be matched by: itself, and for an ASCII letter
 * its other case and the lead bytes of the non-ASCII characters Unicode
 * folds with it (Kelvin sign, long s, dotted/dotless i).  false when
 * unusable: a non-ASCII unit under caseless matching. */
static bool unit_bytes(uint32_t cu, bool caseless, uint64_t set[4]) {
    if (cu > 0xFF || (cu >= 0x80 && caseless)) return false;
    uint32_t units[4] = {cu, cu, cu, cu};
    if ((cu | 0x20) >= 'a' && (cu | 0x20) <= 'z') { /* both cases even when not caseless: a superset is safe */
        units[1] = cu ^ 0x20;
        if ((cu | 0x20) == 'k') units[2] = 0xE2; /* U+212A KELVIN SIGN */
        if ((cu | 0x20) == 's') units[2] = 0xC5; /* U+017F LATIN SMALL LETTER LONG S */
        if ((cu | 0x20) == 'i') units[2] = 0xC4; /* U+0130, U+0131 */
    }
    for (int k = 0; k < 4; k++)
        set[units[k] >> 6] |= 1ull << (units[k] & 63);
    return true;
}

/* The bytes a match of r can begin with, when PCRE2's own start analysis
 * knows them: the start bitmap it builds (which allows for case folding), or
 * a fixed first code unit.  The group iterations (cd_group_first,
 * cd_group_replace) then skip, with one look at the set of the bytes of the
 * subject, every rule that cannot start in it: most rules of a group on
 * most lines (a fixed unit widened by unit_bytes).  A pattern that can
 * match the empty string is never skipped. */
static void first_bytes_of(cd_rule *r) {
    uint32_t empty = 1, type = 0;
    r->has_first_bytes = false;
    memset(r->first_bytes, 0, sizeof r->first_bytes);
    memset(r->needed_bytes, 0, sizeof r->needed_bytes);
    if (pcre2_pattern_info(r->code, PCRE2_INFO_MATCHEMPTY, &empty) != 0 || empty) return;
    bool caseless = (r->options & PCRE2_CASELESS) || inline_caseless(r->expanded);
    /* the rightmost literal unit every match holds (PCRE2_INFO_LASTCODEUNIT):
     * a subject without it is skipped like one without a first byte */
    uint32_t last_type = 0, last = 0;
    if (pcre2_pattern_info(r->code, PCRE2_INFO_LASTCODETYPE, &last_type) == 0 && last_type == 1 &&
        pcre2_pattern_info(r->code, PCRE2_INFO_LASTCODEUNIT, &last) == 0 &&
        !unit_bytes(last, caseless, r->needed_bytes))
        memset(r->needed_bytes, 0, sizeof r->needed_bytes);
    if (pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODETYPE, &type) != 0) return;
    uint32_t all = 0;
    r->anchored = pcre2_pattern_info(r->code, PCRE2_INFO_ALLOPTIONS, &all) == 0 && (all & PCRE2_ANCHORED);
    const uint8_t *map = NULL;
    if (type == 1) {
        uint32_t cu = 0;
        if (pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTCODEUNIT, &cu) != 0) return;
        r->has_first_bytes = unit_bytes(cu, caseless, r->first_bytes);
        return;
    }
    if (pcre2_pattern_info(r->code, PCRE2_INFO_FIRSTBITMAP, &map) != 0 || !map) return;
    for (unsigned c = 0; c < 256; c++)
        if (map[c >> 3] & (1u << (c & 7))) r->first_bytes[c >> 6] |= 1ull << (c & 63);
    r->has_first_bytes = true;
}

/* The set of the bytes of s[start..len). */
typedef struct byte_set {
    uint64_t w[4];
} byte_set;

static void byte_set_of(const char *s, size_t len, size_t start, byte_set *b) {
    memset(b, 0, sizeof *b);
    if (len - start < 64) {
        for (size_t i = start; i < len; i++) {
            unsigned char c = (unsigned char)s[i];
            b->w[c >> 6] |= 1ull << (c & 63);
        }
        return;
    }
    /* A long subject: a byte table first (independent stores, where setting
     * bits in four words makes each byte wait for the previous one), then
     * each eight table bytes (0 or 1) gathered into eight bits by one
     * multiplication. */
    unsigned char seen[256] = {0};
    for (size_t i = start; i < len; i++)
        seen[(unsigned char)s[i]] = 1;
    for (unsigned k = 0; k < 256; k += 8) {
        uint64_t x;
        memcpy(&x, seen + k, 8);
        b->w[k >> 6] |= ((x * 0x0102040810204080ull) >> 56) << (k & 63);
    }
}

/* The subject of a group iteration, its byte set made on first use. */
typedef struct subject_bytes {
    const char *s;
    size_t len;
    bool made;
    byte_set set;
} subject_bytes;

static bool meets(const uint64_t set[4], const byte_set *b) {
    return ((set[0] & b->w[0]) | (set[1] & b->w[1]) | (set[2] & b->w[2]) | (set[3] & b->w[3])) != 0;
}

/* false when r cannot match in sb's subject: it holds none of the bytes a
 * match of r begins with, or none of the bytes every match holds. */
static bool may_start_in(const cd_rule *r, subject_bytes *sb) {
    if (r->has_first_bytes && r->anchored) { /* one byte to look at (cheaper than the set) */
        unsigned char c = sb->len ? (unsigned char)sb->s[0] : 0;
        return sb->len && (r->first_bytes[c >> 6] & (1ull << (c & 63)));
    }
    bool needs = (r->needed_bytes[0] | r->needed_bytes[1] | r->needed_bytes[2] | r->needed_bytes[3]) != 0;
    /* the set costs a pass over the subject: made for the first bytes, only
     * looked at for the needed ones (PCRE2 checks those itself, more slowly) */
    if (!r->has_first_bytes && (!needs || !sb->made)) return true;
    if (!sb->made) {
        byte_set_of(sb->s, sb->len, 0, &sb->set);
        sb->made = true;
    }
    return (!needs || meets(r->needed_bytes, &sb->set)) && (!r->has_first_bytes || meets(r->first_bytes, &sb->set));
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

const char *cd_rules_default_dir(void) {
    const char *env = getenv("CHIDAO_RULES");
    if (env && *env) return env;
#ifdef CHIDAO_RULES_DIR
    return CHIDAO_RULES_DIR;
#else
    return "rules";
#endif
}

void cd_rules_set_limits(cd_rules *rs, uint32_t match_limit, uint32_t depth_limit) {
    pcre2_set_match_limit(rs->mctx, match_limit);
    pcre2_set_depth_limit(rs->mctx, depth_limit);
}

cd_rules *cd_rules_load_dir(const char *dir, cd_diag_list *errs) {
    DIR *d = opendir(dir);
    if (!d) {
        cd_diag_add(errs, CD_SEV_ERROR, "rules-unreadable", dir, 0, "cannot open rule directory: %s", strerror(errno));
        return NULL;
    }
    cd_rules *rs = calloc(1, sizeof *rs);
    if (!rs) abort();
    cd_arena_init(&rs->arena);
    rs->mctx = pcre2_match_context_create(NULL);
    cd_rules_set_limits(rs, (uint32_t)cd_limit_table[CD_LIMIT_REGEX_MATCH].value,
                        (uint32_t)cd_limit_table[CD_LIMIT_REGEX_DEPTH].value);
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 6 && !strcmp(e->d_name + l - 6, ".rules") && e->d_name[0] != '.') {
            names = cd_arena_grow(&rs->arena, names, sizeof *names, n, n + 1);
            names[n++] = cd_arena_strdup(&rs->arena, e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char *path = cd_arena_printf(&rs->arena, "%s/%s", dir, names[i]);
        char *stem = cd_arena_strndup(&rs->arena, names[i], strlen(names[i]) - 6);
        ok &= parse_file(rs, path, stem, errs);
    }
    if (!n) {
        cd_diag_add(errs, CD_SEV_ERROR, "rules-empty", dir, 0, "no *.rules files in rule directory");
        ok = false;
    }
    /* Lists first, so that patterns can expand {{list}}. */
    for (int pass = 0; ok && pass < 2; pass++)
        for (size_t g = 0; g < rs->n_groups; g++)
            for (size_t i = 0; i < rs->groups[g]->n; i++) {
                cd_rule *r = rs->groups[g]->rules[i];
                if (r->is_list == (pass == 0)) ok &= compile_rule(rs, r, errs);
            }
    if (!ok) {
        cd_rules_free(rs);
        return NULL;
    }
    build_index(rs);
    rs->id = atomic_fetch_add(&rules_loaded, 1) + 1;
    return rs;
}

void cd_rules_free(cd_rules *rs) {
    if (!rs) return;
    cd_rules_thread_done();
    for (size_t g = 0; g < rs->n_groups; g++) {
        for (size_t i = 0; i < rs->groups[g]->n; i++) {
            pcre2_code_free(rs->groups[g]->rules[i]->code);
            pcre2_code_free(rs->groups[g]->rules[i]->requires);
        }
    }
    pcre2_match_context_free(rs->mctx);
    cd_arena_free(&rs->arena);
    free(rs);
}

/* ---------- lookups ---------- */

static size_t slot_hash(const char *group, const char *name) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a over "group/name" */
    for (const char *p = group; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    h = (h ^ '/') * 1099511628211ull;
    for (const char *p = name ? name : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    return (size_t)h;
}

static cd_rule_slot *find_slot(const cd_rules *rs, const char *group, const char *name, size_t hash) {
    size_t mask = rs->index_cap - 1;
    for (size_t h = hash & mask;; h = (h + 1) & mask) {
        cd_rule_slot *sl = &rs->index[h];
        if (!sl->group) return sl;
        if (sl->hash == hash && !strcmp(sl->group, group) && (name ? sl->name && !strcmp(sl->name, name) : !sl->name))
            return sl;
    }
}

/* Called once all files are parsed.  The first rule of a name wins, as the
 * linear search it replaces did. */
static void build_index(cd_rules *rs) {
    size_t n = rs->n_groups;
    for (size_t g = 0; g < rs->n_groups; g++)
        n += rs->groups[g]->n;
    rs->index_cap = 16;
    while (rs->index_cap < 2 * n)
        rs->index_cap *= 2;
    rs->index = cd_arena_alloc(&rs->arena, rs->index_cap * sizeof *rs->index);
    for (size_t g = 0; g < rs->n_groups; g++) {
        cd_rule_group *grp = rs->groups[g];
        size_t h = slot_hash(grp->name, NULL);
        cd_rule_slot *sl = find_slot(rs, grp->name, NULL, h);
        if (!sl->group) *sl = (cd_rule_slot){grp->name, NULL, grp, h};
        for (size_t i = 0; i < grp->n; i++) {
            h = slot_hash(grp->name, grp->rules[i]->name);
            sl = find_slot(rs, grp->name, grp->rules[i]->name, h);
            if (!sl->group) *sl = (cd_rule_slot){grp->name, grp->rules[i]->name, grp->rules[i], h};
        }
    }
}

const cd_rule_group *cd_rules_group(const cd_rules *rs, const char *group) {
    if (!rs || !rs->index) return NULL;
    return find_slot(rs, group, NULL, slot_hash(group, NULL))->value;
}

/* Rules are looked up by name for every cell, line and sentence, from call
 * sites that pass literal names: a small per-thread cache by the names'
 * addresses skips hashing them.  A hit is checked against the rule's own
 * names (a reused buffer cannot fool it) and the rule set's load id (a rule
 * set freed and another loaded at the same address cannot either). */
#define GET_CACHE_SLOTS 256
typedef struct get_cache_entry {
    uint64_t rules_id;
    const char *group, *name;
    const cd_rule *rule;
} get_cache_entry;
static _Thread_local get_cache_entry get_cache[GET_CACHE_SLOTS];

const cd_rule *cd_rules_get(const cd_rules *rs, const char *group, const char *name) {
    if (!rs || !rs->index || !name) return NULL;
    uint64_t k = ((uint64_t)(uintptr_t)name ^ ((uint64_t)(uintptr_t)group << 7)) * 0x9E3779B97F4A7C15ull;
    get_cache_entry *e = &get_cache[(k >> 32) % GET_CACHE_SLOTS];
    if (e->rules_id == rs->id && e->name == name && e->group == group && !strcmp(e->rule->name, name) &&
        !strcmp(e->rule->group->name, group))
        return e->rule;
    const cd_rule *r = find_slot(rs, group, name, slot_hash(group, name))->value;
    if (r) *e = (get_cache_entry){rs->id, group, name, r};
    return r;
}

bool cd_rule_is_list(const cd_rule *r) { return r && r->is_list; }

bool cd_rule_has_group(const cd_rule *r, const char *name) {
    return r && r->code && pcre2_substring_number_from_name(r->code, (PCRE2_SPTR)name) > 0;
}

size_t cd_group_size(const cd_rule_group *g) { return g ? g->n : 0; }
const cd_rule *cd_group_rule(const cd_rule_group *g, size_t i) { return g->rules[i]; }
const char *cd_rule_name(const cd_rule *r) { return r->name; }

/* ---------- matching ---------- */

static pcre2_match_context *match_ctx(const cd_rule *r) { return r->group->owner->mctx; }

/* One match-data block per thread, reused by every search: results are
 * copied into the caller's cd_match before the next search can run. */
static _Thread_local pcre2_match_data *thread_match_data;

/* PCRE2's return code for code (r's pattern or its requires) on s from start. */
static int match_code(const cd_rule *r, const pcre2_code *code, const char *s, size_t len, size_t start,
                      pcre2_match_data *md) {
    int rc = pcre2_jit_match(code, (PCRE2_SPTR)s, len, start, 0, md, match_ctx(r));
    if (rc == PCRE2_ERROR_JIT_BADOPTION) rc = pcre2_match(code, (PCRE2_SPTR)s, len, start, 0, md, match_ctx(r));
    return rc;
}

/* cd_rule_search, with or without the requires pattern's quick refusal
 * (without: for checking that it refuses nothing the pattern matches). */
static bool search(const cd_rule *r, const char *s, size_t len, size_t start, cd_match *m, bool prefilter) {
    if (!r || !r->code || start > len) return false;
    /* fewer bytes than the shortest match has characters: no call needed
     * (blank lines, short cells) */
    if (len - start < r->min_chars) return false;
    if (!thread_match_data) thread_match_data = pcre2_match_data_create(CD_RULE_MAX_CAPTURES, NULL);
    pcre2_match_data *md = thread_match_data;
    if (!md) abort();
    if (prefilter && r->requires && match_code(r, r->requires, s, len, start, md) <= 0) return false;
    int rc = match_code(r, r->code, s, len, start, md);
    bool ok = rc > 0;
    if (ok) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        m->rule = r;
        m->subject = s;
        m->subject_len = len;
        m->pairs = rc;
        for (int i = 0; i < CD_RULE_MAX_CAPTURES; i++) {
            bool set = i < rc && ov[2 * i] != PCRE2_UNSET;
            m->ov[2 * i] = set ? ov[2 * i] : SIZE_MAX;
            m->ov[2 * i + 1] = set ? ov[2 * i + 1] : SIZE_MAX;
        }
    }
    return ok;
}

bool cd_rule_search(const cd_rule *r, const char *s, size_t len, size_t start, cd_match *m) {
    return search(r, s, len, start, m, true);
}

void cd_rules_thread_done(void) {
    pcre2_match_data_free(thread_match_data);
    thread_match_data = NULL;
    cd_memo_thread_done();
}

uint64_t cd_rules_id(const cd_rules *rs) { return rs ? rs->id : 0; }

/* false only when no pattern rule of g can start in s: none of their first
 * bytes is there.  (A group-wide alternation used to answer this with one
 * PCRE2 search: it cost more than the per-rule first-byte checks it saved,
 * 5% of a batch, as PCRE2 cannot scan fast for an alternation's start.) */
bool cd_group_may_match(const cd_rule_group *g, const char *s, size_t len) {
    if (!g) return false;
    subject_bytes bytes = {s, len, false, {{0}}};
    for (size_t i = 0; i < g->n; i++) {
        const cd_rule *r = g->rules[i];
        if (r->is_list && g->n > 1) continue; /* lists in a rule group are vocabulary for macros */
        if (may_start_in(r, &bytes)) return true;
    }
    return false;
}

const cd_rule *cd_group_first(const cd_rule_group *g, const char *s, size_t len, cd_match *m) {
    if (!g) return NULL;
    subject_bytes bytes = {s, len, false, {{0}}};
    for (size_t i = 0; i < g->n; i++) {
        const cd_rule *r = g->rules[i];
        if (r->is_list && g->n > 1) continue; /* lists in a rule group are vocabulary for macros */
        if (may_start_in(r, &bytes) && cd_rule_search(r, s, len, 0, m)) return r;
    }
    return NULL;
}

bool cd_group_matches(const cd_rule_group *g, const char *s, size_t len) {
    cd_match m;
    return cd_group_first(g, s, len, &m) != NULL;
}

bool cd_match_group_n(const cd_match *m, int num, const char **s, size_t *n) {
    if (num < 0 || num >= CD_RULE_MAX_CAPTURES || m->ov[2 * num] == SIZE_MAX) return false;
    *s = m->subject + m->ov[2 * num];
    *n = m->ov[2 * num + 1] - m->ov[2 * num];
    return true;
}

bool cd_match_group(const cd_match *m, const char *name, const char **s, size_t *n) {
    int num = pcre2_substring_number_from_name(m->rule->code, (PCRE2_SPTR)name);
    if (num < 0) return false;
    /* duplicate names (?J): take the first set one */
    if (cd_match_group_n(m, num, s, n)) return true;
    PCRE2_SPTR first, last;
    uint32_t entry = 0;
    int size = pcre2_substring_nametable_scan(m->rule->code, (PCRE2_SPTR)name, &first, &last);
    if (size <= 0) return false;
    for (PCRE2_SPTR e = first; e <= last; e += size) {
        entry = ((uint32_t)e[0] << 8) | e[1];
        if (cd_match_group_n(m, (int)entry, s, n)) return true;
    }
    return false;
}

static void expand_template(const cd_match *m, const char *t, cd_buf *out) {
    for (const char *p = t; *p; p++) {
        if (*p == '\\' && p[1] == 'x' && isxdigit((unsigned char)p[2]) && isxdigit((unsigned char)p[3])) {
            /* \xHH: a byte, so a value can begin or end with a space */
            char hex[3] = {p[2], p[3], 0};
            cd_buf_addc(out, (char)strtol(hex, NULL, 16));
            p += 3;
            continue;
        }
        if (*p == '\\' && (p[1] == '\\' || p[1] == '$')) {
            cd_buf_addc(out, *++p);
            continue;
        }
        if (*p != '$') {
            cd_buf_addc(out, *p);
            continue;
        }
        const char *s;
        size_t n;
        if (p[1] >= '0' && p[1] <= '9') {
            if (cd_match_group_n(m, p[1] - '0', &s, &n)) cd_buf_add(out, s, n);
            p++;
        } else if (p[1] == '{') {
            const char *end = strchr(p, '}');
            if (!end) {
                cd_buf_addc(out, '$');
                continue;
            }
            char name[64];
            size_t l = (size_t)(end - p - 2);
            if (l >= sizeof name) l = sizeof name - 1;
            memcpy(name, p + 2, l);
            name[l] = 0;
            if (cd_match_group(m, name, &s, &n)) cd_buf_add(out, s, n);
            p = end;
        } else if (p[1] == '$') {
            cd_buf_addc(out, '$');
            p++;
        } else {
            cd_buf_addc(out, '$');
        }
    }
}

char *cd_match_emit(const cd_match *m, const char *key, cd_arena *a) {
    if (!strcmp(key, "match")) return cd_arena_strndup(a, m->subject + m->ov[0], m->ov[1] - m->ov[0]);
    for (size_t i = 0; i < m->rule->n_emits; i++) {
        if (strcmp(m->rule->emits[i].key, key)) continue;
        cd_buf b;
        cd_buf_init(&b, a);
        expand_template(m, m->rule->emits[i].tmpl, &b);
        return cd_buf_str(&b);
    }
    /* a named group is an implicit emit of the same name ("" when unset) */
    if (m->rule->code && pcre2_substring_number_from_name(m->rule->code, (PCRE2_SPTR)key) >= 0) {
        const char *s;
        size_t n;
        return cd_match_group(m, key, &s, &n) ? cd_arena_strndup(a, s, n) : cd_arena_strdup(a, "");
    }
    return NULL;
}

static char *replace_one(const cd_rule *r, const char *s, size_t len, size_t *out_len, cd_arena *a) {
    cd_buf b;
    cd_buf_init(&b, a);
    size_t pos = 0, copied = 0;
    cd_match m;
    bool changed = false;
    while (pos <= len && cd_rule_search(r, s, len, pos, &m)) {
        cd_buf_add(&b, s + copied, m.ov[0] - copied);
        expand_template(&m, r->replace, &b);
        copied = m.ov[1];
        changed = true;
        if (m.ov[1] == m.ov[0]) {
            /* empty match: copy one character and move on */
            if (m.ov[1] >= len) break;
            size_t step = 1;
            while (m.ov[1] + step < len && ((unsigned char)s[m.ov[1] + step] & 0xC0) == 0x80)
                step++;
            cd_buf_add(&b, s + m.ov[1], step);
            copied = pos = m.ov[1] + step;
        } else {
            pos = m.ov[1];
        }
    }
    if (!changed) {
        *out_len = len;
        return NULL;
    }
    if (copied < len) cd_buf_add(&b, s + copied, len - copied);
    *out_len = b.len;
    return cd_buf_str(&b);
}

char *cd_group_replace(const cd_rule_group *g, const char *s, size_t len, size_t *out_len, cd_arena *a) {
    const char *cur = s;
    size_t cur_len = len;
    subject_bytes bytes = {cur, cur_len, false, {{0}}};
    for (size_t i = 0; g && i < g->n; i++) {
        if (!g->rules[i]->replace || !may_start_in(g->rules[i], &bytes)) continue;
        size_t nl;
        char *next = replace_one(g->rules[i], cur, cur_len, &nl, a);
        if (next) {
            cur = next;
            cur_len = nl;
            bytes = (subject_bytes){cur, cur_len, false, {{0}}}; /* the replacement may bring new bytes */
        }
    }
    if (out_len) *out_len = cur_len;
    return cur == s ? cd_arena_strndup(a, s, len) : (char *)cur;
}

/* ---------- lists ---------- */

const char *cd_list_lookup(const cd_rule *list, const char *text, size_t n) {
    if (!list || !list->is_list) return NULL;
    cd_arena tmp;
    cd_arena_init(&tmp);
    /* collapse runs of spaces like the list pattern does */
    cd_buf b;
    cd_buf_init(&b, &tmp);
    for (size_t i = 0; i < n; i++) {
        if (text[i] == ' ' && b.len && b.data[b.len - 1] == ' ') continue;
        cd_buf_addc(&b, text[i]);
    }
    char *f = fold(&tmp, cd_buf_str(&b), b.len);
    const char *res = NULL;
    for (size_t i = 0; i < list->n_items && !res; i++)
        if (!strcmp(list->items[i].folded, f)) res = list->items[i].value ? list->items[i].value : list->items[i].item;
    cd_arena_free(&tmp);
    return res;
}

size_t cd_list_size(const cd_rule *list) { return list ? list->n_items : 0; }
const char *cd_list_item(const cd_rule *list, size_t i) { return list->items[i].item; }

/* ---------- inline examples ---------- */

/* Compare "k=v; k=v" expectations with what the match emits. */
static bool check_emits(const cd_match *m, const char *expect, cd_arena *a, cd_buf *why) {
    char *copy = cd_arena_strdup(a, expect);
    bool ok = true;
    char *save;
    for (char *part = strtok_r(copy, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
        char *e = strchr(part, '=');
        if (!e) continue;
        *e = 0;
        char *k = trim(part), *v = trim(e + 1);
        char *got = cd_match_emit(m, k, a);
        if (!got) got = "(none)";
        got = trim(got);
        if (strcmp(got, v)) {
            ok = false;
            cd_buf_adds(why, cd_arena_printf(a, " %s: expected '%s', got '%s';", k, v, got));
        }
    }
    return ok;
}

/* A requires pattern must be found inside every match of its rule: checked
 * on each example the pattern matches (searched without the requires, from
 * every match on). */
static bool requires_holds(const cd_rule *r, const char *in, size_t n, cd_arena *a, cd_buf *why) {
    cd_match m;
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md) abort();
    bool ok = true;
    for (size_t pos = 0; ok && pos <= n && search(r, in, n, pos, &m, false);) {
        size_t b = m.ov[0], e = m.ov[1];
        ok = match_code(r, r->requires, in + b, e - b, 0, md) > 0;
        if (!ok)
            cd_buf_adds(why, cd_arena_printf(a, " requires '%s' is not found in the match '%.*s'", r->requires_src,
                                             (int)(e - b), in + b));
        pos = e > b ? e : e + 1;
        while (pos < n && ((unsigned char)in[pos] & 0xC0) == 0x80)
            pos++;
    }
    pcre2_match_data_free(md);
    return ok;
}

int cd_rules_test(const cd_rules *rs, FILE *out, int *total) {
    int failed = 0, run = 0;
    for (size_t gi = 0; gi < rs->n_groups; gi++) {
        const cd_rule_group *g = rs->groups[gi];
        for (size_t i = 0; i < g->n; i++) {
            const cd_rule *r = g->rules[i];
            for (size_t k = 0; k < r->n_examples; k++) {
                const cd_example *ex = &r->examples[k];
                cd_arena a;
                cd_arena_init(&a);
                cd_buf why;
                cd_buf_init(&why, &a);
                bool want_none = !strcmp(ex->expect, "no match");
                size_t in_len = strlen(ex->input);
                cd_match m;
                bool ok;
                if (r->is_list) {
                    bool hit = cd_rule_search(r, ex->input, in_len, 0, &m);
                    if (want_none) {
                        ok = !hit;
                        if (!ok) cd_buf_adds(&why, " expected no match");
                    } else {
                        const char *v = hit ? cd_list_lookup(r, m.subject + m.ov[0], m.ov[1] - m.ov[0]) : NULL;
                        ok = v && !strcmp(v, ex->expect);
                        if (!ok) cd_buf_adds(&why, cd_arena_printf(&a, " got '%s'", v ? v : "(no match)"));
                    }
                } else if (r->replace && !want_none) {
                    size_t nl;
                    char *res = replace_one(r, ex->input, in_len, &nl, &a);
                    char *got = trim(cd_arena_strdup(&a, res ? res : ex->input));
                    ok = !strcmp(got, ex->expect);
                    if (!ok) cd_buf_adds(&why, cd_arena_printf(&a, " got '%s'", got));
                } else {
                    bool hit = cd_rule_search(r, ex->input, in_len, 0, &m);
                    if (want_none) {
                        ok = !hit;
                        if (!ok) cd_buf_adds(&why, " expected no match, but it matched");
                    } else if (!hit) {
                        ok = false;
                        cd_buf_adds(&why, " the rule does not match");
                    } else {
                        ok = check_emits(&m, ex->expect, &a, &why);
                        if (ok && g->first_mode) {
                            cd_match fm;
                            const cd_rule *first = cd_group_first(g, ex->input, in_len, &fm);
                            if (first != r) {
                                ok = false;
                                cd_buf_adds(&why, cd_arena_printf(&a, " shadowed by earlier rule '%s'",
                                                                  first ? first->name : "?"));
                            }
                        }
                    }
                }
                if (ok && r->requires) ok = requires_holds(r, ex->input, in_len, &a, &why);
                run++;
                if (!ok) {
                    failed++;
                    fprintf(out, "%s:%d: [%s] example '%s' failed:%s\n", r->file, ex->line, r->name, ex->input,
                            cd_buf_str(&why));
                }
                cd_arena_free(&a);
            }
        }
    }
    if (total) *total = run;
    return failed;
}
