/* match.c — the task matcher (see match.h for the method).  Vocabulary and
 * thresholds: rules/match.rules. */
#include "match.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf8.h>

#include "normalize.h"

#define MATCH_GROUP "match"

/* A word longer than this is cut for folding (no Vietnamese syllable comes
 * near; a run of digits or a URL might). */
#define WORD_MAX_BYTES 256
/* Clause windows of a task longer than this many clauses are not all tried
 * (a pathological row of hundreds of clauses stays linear). */
#define CLAUSES_MAX 64
/* Leading parts of a required text compared on their own, at most: a row
 * with thousands of commas would otherwise make quadratically many parts. */
#define REQUIRED_PARTS_MAX 48

typedef enum { FEAT_WORD, FEAT_PAIR, FEAT_SKIP } feat_kind;

typedef struct feat {
    uint64_t key;
    float w;
    uint8_t kind;
} feat;

/* One part of a text and its features, sorted by key. */
typedef struct span {
    int from, to; /* token range [from, to) */
    feat *f;
    size_t n;
    double total;
} span;

enum { TOK_COMMA_AFTER = 1, TOK_CLAUSE_END = 2, TOK_SYMBOL = 4, TOK_AMP = 8 };

typedef struct mtok {
    uint64_t lkey, fkey; /* hash of the lower-case accented form, of the folded form */
    size_t start, end;   /* bytes of the prepared text */
    float w;             /* weight after class and multipliers */
    bool content;        /* a content word (not function, generic or leading) */
    bool full;           /* content at full weight (counts for the minimum size of a part) */
    unsigned flags;
    int depth; /* parenthesis depth */
} mtok;

struct cd_mtext {
    const char *text;
    mtok *t;
    int n;
    span *req_spans, *task_spans; /* the parts compared as required text, as task */
    size_t n_req, n_task;
    span whole;
};

typedef struct phrase {
    uint64_t *keys;
    int n;
    uint64_t canon_lkey, canon_fkey; /* synonyms: the word they become */
} phrase;

typedef struct phrases {
    phrase *items;
    size_t n;
} phrases;

struct cd_matcher {
    cd_arena arena;
    phrases stop, place, generic, prefix, subordinate, synonym;
    const cd_rule *settings;
    double w_generic, w_prefix, w_subordinate, w_paren, w_word, w_pair, w_skip, shared_min;
    double sure_cover, cover, cover_shared, weak_cover, weak_cover_shared;
    int min_req, min_task, window;
};

/* (not fmin: no libm for one comparison) */
static double min_weight(double a, double b) { return a < b ? a : b; }

/* ---------- folding ---------- */

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static uint64_t mix(uint64_t a, uint64_t b, unsigned kind) {
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull * (kind + 1));
    h ^= h >> 31;
    return h * 0xBF58476D1CE4E5B9ull;
}

/* Append the lower-case form of s[0..n) to b. */
static void lower_into(cd_buf *b, const char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0) continue;
        c = u_tolower(c);
        char out[4];
        size_t k = 0;
        U8_APPEND_UNSAFE(out, k, c);
        cd_buf_add(b, out, k);
    }
}

/* Append the folded form of s[0..n) to b: each code point decomposed
 * (canonical), combining marks dropped, đ -> d, lower case. */
static void fold_into(cd_buf *b, const char *s, size_t n) {
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    if (U_FAILURE(st)) nfd = NULL; /* (ICU data missing: fold case only) */
    size_t i = 0;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0) continue;
        UChar dec[16];
        st = U_ZERO_ERROR;
        int32_t len = nfd ? unorm2_getDecomposition(nfd, c, dec, 16, &st) : -1;
        if (U_FAILURE(st)) {
            st = U_ZERO_ERROR;
            len = -1;
        }
        UChar32 cps[16];
        int ncp = 0;
        if (len < 0) {
            cps[ncp++] = c;
        } else {
            for (int32_t j = 0; j < len && ncp < 16;) {
                UChar32 d;
                U16_NEXT(dec, j, len, d);
                cps[ncp++] = d;
            }
        }
        for (int j = 0; j < ncp; j++) {
            UChar32 d = cps[j];
            if (u_charType(d) == U_NON_SPACING_MARK) continue;
            if (d == 0x0111 || d == 0x0110) d = 'd';
            d = u_tolower(d);
            char out[4];
            size_t k = 0;
            U8_APPEND_UNSAFE(out, k, d);
            cd_buf_add(b, out, k);
        }
    }
}

char *cd_fold(const char *s, size_t n, cd_arena *a) {
    cd_buf b;
    cd_buf_init(&b, a);
    fold_into(&b, s ? s : "", s ? n : 0);
    return cd_buf_str(&b);
}

/* Folded, with every run of non-alphanumeric characters made one space. */
static char *fold_words(const char *s, cd_arena *a) {
    char *f = cd_fold(s, strlen(s), a);
    char *o = f;
    bool space = true;
    for (const char *p = f; *p; p++) {
        bool word = ((unsigned char)*p >= 0x80) || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        if (word) {
            *o++ = *p;
            space = false;
        } else if (!space) {
            *o++ = ' ';
            space = true;
        }
    }
    if (o > f && o[-1] == ' ') o--;
    *o = 0;
    return f;
}

bool cd_fold_contains(const char *haystack, const char *needle, cd_arena *a) {
    if (!haystack || !needle) return false;
    const char *n = fold_words(needle, a);
    return *n && strstr(fold_words(haystack, a), n) != NULL;
}

/* ---------- scanning ---------- */

typedef struct raw_word {
    size_t start, end;
    unsigned flags;
    int depth;
} raw_word;

static bool is_word_cp(UChar32 c) { return c >= 0 && (u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK); }

/* A document symbol: starts with a digit and goes on with '-', '/' or '.'
 * joining more letters or digits ("57-NQ/TW", "30/06/2026"). */
static size_t symbol_end(const char *s, size_t i, size_t n) {
    size_t end = i;
    while (end < n) {
        size_t j = end;
        UChar32 c;
        U8_NEXT(s, j, n, c);
        if (is_word_cp(c)) {
            end = j;
            continue;
        }
        if ((c == '-' || c == '/' || c == '.') && j < n) {
            size_t k = j;
            UChar32 d;
            U8_NEXT(s, k, n, d);
            if (is_word_cp(d)) {
                end = j;
                continue;
            }
        }
        break;
    }
    return end;
}

/* Words and the punctuation that matters: commas, clause ends (';', '.'
 * before a space or the end, '…', ': '), parentheses, '&' (part of
 * "KH&CN"). */
static raw_word *scan(const char *s, size_t n, int *count, cd_arena *a) {
    raw_word *w = NULL;
    int nw = 0, cap = 0, depth = 0;
    size_t i = 0;
    while (i < n) {
        size_t at = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (is_word_cp(c) || c == '&') {
            size_t end = i;
            unsigned flags = 0;
            if (c == '&') {
                flags = TOK_AMP;
            } else if (u_isdigit(c)) {
                end = symbol_end(s, at, n);
                for (size_t k = at; k < end; k++)
                    if (s[k] == '-' || s[k] == '/' || s[k] == '.') flags = TOK_SYMBOL;
            } else {
                while (end < n) {
                    size_t j = end;
                    UChar32 d;
                    U8_NEXT(s, j, n, d);
                    if (!is_word_cp(d)) break;
                    end = j;
                }
            }
            if (nw == cap) {
                int ncap = cap ? 2 * cap : 64;
                w = cd_arena_grow(a, w, sizeof *w, (size_t)cap, (size_t)ncap);
                cap = ncap;
            }
            w[nw++] = (raw_word){at, end, flags, depth};
            i = end;
            continue;
        }
        if (!nw && c != '(') continue;
        raw_word *last = nw ? &w[nw - 1] : NULL;
        bool next_blank = i >= n || s[i] == ' ' || s[i] == '\n' || s[i] == '\t';
        if (c == ',' && last)
            last->flags |= TOK_COMMA_AFTER;
        else if ((c == ';' || c == 0x2026) && last)
            last->flags |= TOK_CLAUSE_END;
        else if ((c == '.' || c == ':') && last && next_blank)
            last->flags |= TOK_CLAUSE_END;
        else if (c == '.' && last && i < n && s[i] == '.')
            last->flags |= TOK_CLAUSE_END; /* "..." */
        else if (c == '(')
            depth++;
        else if (c == ')' && depth > 0)
            depth--;
    }
    *count = nw;
    return w;
}

/* ---------- phrase lists ---------- */

static uint64_t lkey_of(const char *s, size_t n, cd_arena *a) {
    cd_buf b;
    cd_buf_init(&b, a);
    lower_into(&b, s, n > WORD_MAX_BYTES ? WORD_MAX_BYTES : n);
    return hash_bytes(b.data ? b.data : "", b.len);
}

static uint64_t fkey_of(const char *s, size_t n, cd_arena *a) {
    cd_buf b;
    cd_buf_init(&b, a);
    fold_into(&b, s, n > WORD_MAX_BYTES ? WORD_MAX_BYTES : n);
    return hash_bytes(b.data ? b.data : "", b.len);
}

static int cmp_phrase_len(const void *x, const void *y) {
    const phrase *p = x, *q = y;
    return (q->n > p->n) - (q->n < p->n);
}

/* The items of [list name] as word sequences (accented lower-case keys, or
 * folded keys for synonyms), longest first. */
static bool load_phrases(cd_matcher *m, const cd_rules *rules, const char *name, bool folded, phrases *out,
                         cd_diag_list *errs) {
    const cd_rule *list = cd_rules_get(rules, MATCH_GROUP, name);
    if (!list || !cd_rule_is_list(list)) {
        cd_diag_add(errs, CD_SEV_ERROR, "match-rules", NULL, 0, "rules: missing [list %s] in %s.rules", name,
                    MATCH_GROUP);
        return false;
    }
    cd_arena tmp;
    cd_arena_init(&tmp);
    out->n = cd_list_size(list);
    out->items = cd_arena_alloc(&m->arena, out->n * sizeof *out->items + 1);
    for (size_t i = 0; i < out->n; i++) {
        const char *listed = cd_list_item(list, i);
        size_t len_item;
        /* as texts are: NFC, modern tone marks ("hoà" -> "hòa") */
        const char *item = cd_normalize_text(listed, strlen(listed), &len_item, &tmp);
        int nw;
        raw_word *w = scan(item, len_item, &nw, &tmp);
        phrase *p = &out->items[i];
        p->keys = cd_arena_alloc(&m->arena, (size_t)nw * sizeof *p->keys + 1);
        for (int k = 0; k < nw; k++) {
            size_t len = w[k].end - w[k].start;
            p->keys[p->n++] = folded ? fkey_of(item + w[k].start, len, &tmp) : lkey_of(item + w[k].start, len, &tmp);
        }
        if (folded) {
            const char *canon = cd_list_lookup(list, listed, strlen(listed));
            if (!canon) canon = listed;
            canon = cd_normalize_text(canon, strlen(canon), NULL, &tmp);
            p->canon_lkey = lkey_of(canon, strlen(canon), &tmp);
            p->canon_fkey = fkey_of(canon, strlen(canon), &tmp);
        }
    }
    cd_arena_free(&tmp);
    qsort(out->items, out->n, sizeof *out->items, cmp_phrase_len);
    return true;
}

/* The longest phrase of l starting at token i (by lower or folded key);
 * NULL if none. */
static const phrase *phrase_at(const phrases *l, const mtok *t, int i, int n, bool folded) {
    for (size_t k = 0; k < l->n; k++) {
        const phrase *p = &l->items[k];
        if (!p->n || i + p->n > n) continue;
        int j = 0;
        while (j < p->n && p->keys[j] == (folded ? t[i + j].fkey : t[i + j].lkey))
            j++;
        if (j == p->n) return p;
    }
    return NULL;
}

/* ---------- settings ---------- */

static bool read_setting(cd_matcher *m, const char *name, double *out, cd_diag_list *errs) {
    const char *v = m->settings ? cd_list_lookup(m->settings, name, strlen(name)) : NULL;
    char *end = NULL;
    double d = v ? strtod(v, &end) : 0;
    if (!v || end == v || *end || !isfinite(d) || d < 0) {
        cd_diag_add(errs, CD_SEV_ERROR, "match-rules", NULL, 0,
                    "rules: [list match-settings] needs '%s => NUMBER' (a number >= 0)", name);
        return false;
    }
    *out = d;
    return true;
}

cd_matcher *cd_matcher_new(const cd_rules *rules, cd_diag_list *errs) {
    cd_matcher *m = calloc(1, sizeof *m);
    if (!m) abort();
    cd_arena_init(&m->arena);
    bool ok = load_phrases(m, rules, "match-stop", false, &m->stop, errs);
    ok &= load_phrases(m, rules, "match-place", false, &m->place, errs);
    ok &= load_phrases(m, rules, "match-generic", false, &m->generic, errs);
    ok &= load_phrases(m, rules, "match-prefix", false, &m->prefix, errs);
    ok &= load_phrases(m, rules, "match-subordinate", false, &m->subordinate, errs);
    ok &= load_phrases(m, rules, "match-synonym", true, &m->synonym, errs);
    m->settings = cd_rules_get(rules, MATCH_GROUP, "match-settings");
    double min_req = 0, min_task = 0, window = 0;
    struct {
        const char *name;
        double *to;
    } s[] = {
        {"weight-generic", &m->w_generic},
        {"weight-leading", &m->w_prefix},
        {"weight-subordinate", &m->w_subordinate},
        {"weight-parenthesis", &m->w_paren},
        {"weight-word", &m->w_word},
        {"weight-pair", &m->w_pair},
        {"weight-skip-pair", &m->w_skip},
        {"shared-pair-min", &m->shared_min},
        {"required-part-min-words", &min_req},
        {"task-part-min-words", &min_task},
        {"task-part-max-clauses", &window},
        {"sure-cover", &m->sure_cover},
        {"cover", &m->cover},
        {"cover-shared", &m->cover_shared},
        {"weak-cover", &m->weak_cover},
        {"weak-cover-shared", &m->weak_cover_shared},
        {"derive-same", &(double){0}},
        {"diff-same", &(double){0}},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        ok &= read_setting(m, s[i].name, s[i].to, errs);
    m->min_req = (int)min_req;
    m->min_task = (int)min_task;
    m->window = window < 1 ? 1 : (int)window;
    if (!ok) {
        cd_matcher_free(m);
        return NULL;
    }
    return m;
}

void cd_matcher_free(cd_matcher *m) {
    if (!m) return;
    cd_arena_free(&m->arena);
    free(m);
}

double cd_matcher_setting(const cd_matcher *m, const char *name) {
    const char *v = cd_list_lookup(m->settings, name, strlen(name));
    return v ? strtod(v, NULL) : 0;
}

/* ---------- preparing a text ---------- */

static bool is_year(const char *s, size_t n) {
    if (n != 4) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    int y = atoi(s);
    return y >= 1900 && y <= 2199;
}

static bool capitalised(const char *s, size_t n) {
    size_t i = 0;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    return c >= 0 && u_isupper(c);
}

/* A place name (match-place) written as one: every word capitalised, so
 * "Nghệ An" is a province and "công nghệ an toàn" is not. */
static const phrase *place_at(const cd_matcher *m, const mtok *t, int i, int n, const char *text) {
    const phrase *p = phrase_at(&m->place, t, i, n, false);
    for (int k = 0; p && k < p->n; k++)
        if (!capitalised(text + t[i + k].start, t[i + k].end - t[i + k].start)) return NULL;
    return p;
}

/* Class weights: function words and place names 0 (a province's name says
 * nothing about which central task a row is), boilerplate low, leading
 * modal/verb words low; then parentheses and purpose clauses scaled down. */
static void weigh(const cd_matcher *m, mtok *t, int n, const char *text) {
    for (int i = 0; i < n; i++) {
        t[i].w = 1;
        t[i].content = true;
    }
    for (int i = 0; i < n;) {
        const phrase *p = phrase_at(&m->stop, t, i, n, false);
        if (!p) p = place_at(m, t, i, n, text);
        double w = 0;
        if (!p) {
            p = phrase_at(&m->generic, t, i, n, false);
            w = m->w_generic;
        }
        int len = p ? p->n : 1;
        if (p) {
            for (int k = i; k < i + len; k++) {
                t[k].w = (float)w;
                t[k].content = false;
            }
        } else if ((t[i].flags & TOK_SYMBOL) || is_year(text + t[i].start, t[i].end - t[i].start)) {
            t[i].w = (t[i].flags & TOK_SYMBOL) ? 0 : (float)m->w_generic; /* a document symbol says nothing */
            t[i].content = false;
        }
        i += len;
    }
    /* leading modal/verb words of the text: "Chủ động rà soát" ~ "Rà soát" */
    for (int i = 0; i < n;) {
        const phrase *p = phrase_at(&m->prefix, t, i, n, false);
        if (!p) break;
        for (int k = i; k < i + p->n; k++) {
            if (t[k].w > m->w_prefix) t[k].w = (float)m->w_prefix;
            t[k].content = false;
        }
        i += p->n;
        if (t[i - 1].flags & TOK_CLAUSE_END) break;
    }
    bool subordinate = false;
    for (int i = 0; i < n; i++) {
        if (!subordinate && phrase_at(&m->subordinate, t, i, n, false)) subordinate = true;
        double f = (subordinate ? m->w_subordinate : 1) * (t[i].depth ? m->w_paren : 1);
        t[i].w = (float)(t[i].w * f);
        t[i].full = t[i].content && f >= 1;
        if (t[i].flags & TOK_CLAUSE_END) subordinate = false;
    }
}

static int cmp_feat(const void *x, const void *y) {
    const feat *a = x, *b = y;
    return (a->key > b->key) - (a->key < b->key);
}

static void add_feat(feat *f, size_t *n, uint64_t key, double w, feat_kind kind) {
    if (w <= 0) return;
    f[*n] = (feat){key, (float)w, (uint8_t)kind};
    (*n)++;
}

/* The features of tokens [from, to): content words, pairs of adjacent
 * weighted words and pairs one apart (within a clause), each key once with
 * its largest weight. */
static span make_span(const cd_matcher *m, const cd_mtext *x, int from, int to, cd_arena *a) {
    span s = {from, to, NULL, 0, 0};
    if (to <= from) return s;
    feat *f = cd_arena_alloc(a, (size_t)(to - from) * 3 * sizeof *f + sizeof *f);
    size_t n = 0;
    int chain[2] = {-1, -1}; /* the last weighted words of the clause, newest first */
    for (int i = from; i < to; i++) {
        const mtok *t = &x->t[i];
        if (t->w > 0) {
            if (t->content) add_feat(f, &n, mix(t->fkey, 0, FEAT_WORD), m->w_word * t->w, FEAT_WORD);
            if (chain[0] >= 0) {
                const mtok *p = &x->t[chain[0]];
                add_feat(f, &n, mix(p->fkey, t->fkey, FEAT_PAIR), m->w_pair * min_weight(p->w, t->w), FEAT_PAIR);
            }
            if (chain[1] >= 0) {
                const mtok *p = &x->t[chain[1]];
                add_feat(f, &n, mix(p->fkey, t->fkey, FEAT_SKIP), m->w_skip * min_weight(p->w, t->w), FEAT_SKIP);
            }
            chain[1] = chain[0];
            chain[0] = i;
        }
        if (t->flags & TOK_CLAUSE_END) chain[0] = chain[1] = -1;
    }
    qsort(f, n, sizeof *f, cmp_feat);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k && f[k - 1].key == f[i].key) {
            if (f[i].w > f[k - 1].w) f[k - 1].w = f[i].w;
            continue;
        }
        f[k++] = f[i];
    }
    s.f = f;
    s.n = k;
    for (size_t i = 0; i < k; i++)
        s.total += f[i].w;
    return s;
}

static int full_words(const cd_mtext *x, int from, int to) {
    int c = 0;
    for (int i = from; i < to; i++)
        c += x->t[i].full;
    return c;
}

static void push_span(span **l, size_t *n, span s, cd_arena *a) {
    if (!s.n) return;
    *l = cd_arena_grow(a, *l, sizeof **l, *n, *n + 1);
    (*l)[(*n)++] = s;
}

/* The parts: as a required text, the whole and every prefix ending at a
 * comma or a clause end with enough content words; as a task, the whole and
 * every run of up to `window` clauses with enough content words. */
static void make_parts(const cd_matcher *m, cd_mtext *x, cd_arena *a) {
    x->whole = make_span(m, x, 0, x->n, a);
    push_span(&x->req_spans, &x->n_req, x->whole, a);
    int words = 0;
    for (int i = 0; i + 1 < x->n && x->n_req < REQUIRED_PARTS_MAX; i++) {
        words += x->t[i].full;
        if ((x->t[i].flags & (TOK_COMMA_AFTER | TOK_CLAUSE_END)) && words >= m->min_req)
            push_span(&x->req_spans, &x->n_req, make_span(m, x, 0, i + 1, a), a);
    }
    push_span(&x->task_spans, &x->n_task, x->whole, a);
    int starts[CLAUSES_MAX + 1], nc = 0;
    starts[nc++] = 0;
    for (int i = 0; i + 1 < x->n && nc < CLAUSES_MAX; i++)
        if (x->t[i].flags & TOK_CLAUSE_END) starts[nc++] = i + 1;
    starts[nc] = x->n;
    if (nc < 2) return;
    for (int i = 0; i < nc; i++)
        for (int j = i + 1; j <= nc && j - i <= m->window; j++) {
            if (i == 0 && j == nc) continue; /* the whole */
            if (full_words(x, starts[i], starts[j]) >= m->min_task)
                push_span(&x->task_spans, &x->n_task, make_span(m, x, starts[i], starts[j], a), a);
        }
}

cd_mtext *cd_mtext_new(const cd_matcher *m, const char *text, cd_arena *a) {
    cd_mtext *x = cd_arena_alloc(a, sizeof *x);
    size_t len;
    x->text = cd_normalize_text(text ? text : "", text ? strlen(text) : 0, &len, a);
    int nw;
    raw_word *w = scan(x->text, len, &nw, a);
    x->t = cd_arena_alloc(a, (size_t)nw * sizeof *x->t + sizeof *x->t);
    for (int i = 0; i < nw; i++) {
        size_t wl = w[i].end - w[i].start;
        x->t[i] = (mtok){lkey_of(x->text + w[i].start, wl, a),
                         fkey_of(x->text + w[i].start, wl, a),
                         w[i].start,
                         w[i].end,
                         1,
                         true,
                         true,
                         w[i].flags,
                         w[i].depth};
    }
    /* synonyms become one word; a '&' left over is dropped */
    int n = 0;
    for (int i = 0; i < nw;) {
        const phrase *p = phrase_at(&m->synonym, x->t, i, nw, true);
        if (p) {
            mtok merged = x->t[i];
            merged.lkey = p->canon_lkey;
            merged.fkey = p->canon_fkey;
            merged.end = x->t[i + p->n - 1].end;
            merged.flags = x->t[i + p->n - 1].flags & ~(unsigned)TOK_AMP;
            x->t[n++] = merged;
            i += p->n;
        } else {
            if (!(x->t[i].flags & TOK_AMP)) x->t[n++] = x->t[i];
            i++;
        }
    }
    x->n = n;
    weigh(m, x->t, n, x->text);
    make_parts(m, x, a);
    return x;
}

const char *cd_mtext_text(const cd_mtext *x) { return x->text; }

/* ---------- comparing ---------- */

static double shared_weight(const cd_matcher *m, const span *r, const span *t, int *shared) {
    double w = 0;
    int pairs = 0;
    size_t i = 0, j = 0;
    while (i < r->n && j < t->n) {
        if (r->f[i].key < t->f[j].key) {
            i++;
        } else if (r->f[i].key > t->f[j].key) {
            j++;
        } else {
            double v = min_weight(r->f[i].w, t->f[j].w);
            w += v;
            if (r->f[i].kind == FEAT_PAIR && v >= m->shared_min) pairs++;
            i++;
            j++;
        }
    }
    if (shared) *shared = pairs;
    return w;
}

static cd_similarity similarity(const cd_matcher *m, const cd_mtext *rx, const span *r, const cd_mtext *tx,
                                const span *t) {
    cd_similarity s = {0};
    if (r->total > 0 && t->total > 0) {
        double w = shared_weight(m, r, t, &s.shared);
        s.coverage = w / r->total;
        s.precision = w / t->total;
        s.score = s.coverage + s.precision > 0 ? 2 * s.coverage * s.precision / (s.coverage + s.precision) : 0;
    }
    s.req_start = r->to > r->from ? rx->t[r->from].start : 0;
    s.req_end = r->to > r->from ? rx->t[r->to - 1].end : 0;
    s.task_start = t->to > t->from ? tx->t[t->from].start : 0;
    s.task_end = t->to > t->from ? tx->t[t->to - 1].end : 0;
    return s;
}

/* Better: a higher score; on a tie more coverage, then more evidence. */
static bool better(const cd_similarity *a, const cd_similarity *b) {
    if (a->score != b->score) return a->score > b->score;
    if (a->coverage != b->coverage) return a->coverage > b->coverage;
    return a->shared > b->shared;
}

cd_similarity cd_match_compare(const cd_matcher *m, const cd_mtext *required, const cd_mtext *task) {
    cd_similarity best = {0};
    for (size_t i = 0; i < required->n_req; i++)
        for (size_t j = 0; j < task->n_task; j++) {
            cd_similarity s = similarity(m, required, &required->req_spans[i], task, &task->task_spans[j]);
            if (better(&s, &best)) best = s;
        }
    return best;
}

cd_similarity cd_match_compare_whole(const cd_matcher *m, const cd_mtext *a, const cd_mtext *b) {
    return similarity(m, a, &a->whole, b, &b->whole);
}

bool cd_match_covers(const cd_matcher *m, const cd_similarity *s) {
    return s->score >= m->sure_cover || (s->score >= m->cover && s->shared >= m->cover_shared) ||
           (s->score >= m->weak_cover && s->shared >= m->weak_cover_shared);
}

/* ---------- explaining ---------- */

static const span *find_span(const span *l, size_t n, const cd_mtext *x, size_t start, size_t end) {
    for (size_t i = 0; i < n; i++)
        if (l[i].to > l[i].from && x->t[l[i].from].start == start && x->t[l[i].to - 1].end == end) return &l[i];
    return NULL;
}

cd_strs cd_match_words(const cd_matcher *m, const cd_mtext *required, const cd_mtext *task, const cd_similarity *s,
                       cd_arena *a) {
    cd_strs out = {0};
    const span *r = find_span(required->req_spans, required->n_req, required, s->req_start, s->req_end);
    const span *t = find_span(task->task_spans, task->n_task, task, s->task_start, s->task_end);
    if (!r) r = find_span(&required->whole, 1, required, s->req_start, s->req_end);
    if (!t) t = find_span(&task->whole, 1, task, s->task_start, s->task_end);
    if (!r || !t) return out;
    /* the keys of pairs both parts share with some weight */
    uint64_t *keys = cd_arena_alloc(a, (r->n < t->n ? r->n : t->n) * sizeof *keys + sizeof *keys);
    size_t nk = 0, i = 0, j = 0;
    while (i < r->n && j < t->n) {
        if (r->f[i].key < t->f[j].key) {
            i++;
        } else if (r->f[i].key > t->f[j].key) {
            j++;
        } else {
            if (r->f[i].kind != FEAT_WORD && min_weight(r->f[i].w, t->f[j].w) >= m->shared_min)
                keys[nk++] = r->f[i].key; /* sorted, as both feature lists are */
            i++;
            j++;
        }
    }
    /* mark every word of the required part that is in such a pair (every
     * occurrence, not only the first) */
    bool *mark = cd_arena_alloc(a, (size_t)required->n + 1);
    int chain[2] = {-1, -1};
    for (int k = r->from; k < r->to; k++) {
        const mtok *x = &required->t[k];
        if (x->w > 0) {
            for (int back = 0; back < 2; back++) {
                if (chain[back] < 0) continue;
                uint64_t key = mix(required->t[chain[back]].fkey, x->fkey, back ? FEAT_SKIP : FEAT_PAIR);
                size_t lo = 0, hi = nk;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (keys[mid] < key)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                if (lo < nk && keys[lo] == key) mark[chain[back]] = mark[k] = true;
            }
            chain[1] = chain[0];
            chain[0] = k;
        }
        if (x->flags & TOK_CLAUSE_END) chain[0] = chain[1] = -1;
    }
    /* runs of marked words, joined across function words between them */
    for (int k = r->from; k < r->to;) {
        if (!mark[k]) {
            k++;
            continue;
        }
        int last = k;
        for (int q = k + 1; q < r->to; q++) {
            if (mark[q]) {
                last = q;
                continue;
            }
            if (required->t[q].w > 0 || (required->t[q - 1].flags & TOK_CLAUSE_END)) break;
        }
        size_t b = required->t[k].start, e = required->t[last].end;
        bool seen = false;
        for (size_t q = 0; q < out.n && !seen; q++)
            seen = strlen(out.items[q]) == e - b && !memcmp(out.items[q], required->text + b, e - b);
        if (!seen) cd_strs_push(a, &out, cd_arena_strndup(a, required->text + b, e - b));
        k = last + 1;
    }
    return out;
}
