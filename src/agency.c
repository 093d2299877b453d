/* agency.c — split lead/support cells into agencies and canonicalise them.
 *
 * All vocabulary (abbreviations, titles, heads, collective nouns, department
 * names, the gazetteer, slips) is in rules/agency.rules; this file holds only
 * the mechanics:
 *   - split on ';' (outside parentheses), then inside each part on ',' and on
 *     "và" — but never inside a protected name ([protect]: "Sở Văn hóa, Thể
 *     thao và Du lịch") or a parenthesis, never on a comma that continues a
 *     collective ([collective-open] + [continuation]: "Các sở, ban, ngành"),
 *     and on "và" only when an agency follows;
 *   - "Các Sở: A, B" distributes its head over the items ([distribute]);
 *   - "Văn phòng Tỉnh ủy/UBND Tỉnh" shares its head across '/' ([slash-pair]);
 *   - each entry is canonicalised: role check, qualifier and title dropped,
 *     abbreviations expanded, the file's substitutions applied, first letter
 *     capitalised, then kind and gazetteer lookup.
 * Every string returned lives in the caller's arena. */
#include "agency.h"

#include "memo.h"

#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define AGENCY_GROUP "agency"

/* ---------- rule access ---------- */

static const cd_rule *rule(const cd_rules *rs, const char *name) {
    return rs ? cd_rules_get(rs, AGENCY_GROUP, name) : NULL;
}

static bool search_at(const cd_rules *rs, const char *name, const char *s, size_t n, size_t start, cd_match *m) {
    return cd_rule_search(rule(rs, name), s, n, start, m);
}

static bool matches(const cd_rules *rs, const char *name, const char *s, size_t n) {
    cd_match m;
    return search_at(rs, name, s, n, 0, &m);
}

/* Offsets of a named group of m, relative to the subject. */
static bool group_span(const cd_match *m, const char *name, size_t *b, size_t *e) {
    const char *g;
    size_t n;
    if (!cd_match_group(m, name, &g, &n)) return false;
    *b = (size_t)(g - m->subject);
    *e = *b + n;
    return true;
}

/* ---------- byte-level helpers ---------- */

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static bool has_suffix(const char *s, size_t b, size_t e, const char *t) {
    size_t n = strlen(t);
    return e - b >= n && !memcmp(s + e - n, t, n);
}

static bool has_prefix(const char *s, size_t b, size_t e, const char *t) {
    size_t n = strlen(t);
    return e - b >= n && !memcmp(s + b, t, n);
}

/* Trim blanks, and the punctuation a cell may end with ("…đặc khu.", "…,",
 * "…”" from a quoted amendment) or start with (a quote, a bullet dash). */
static void clean_span(const char *s, size_t *b, size_t *e) {
    for (;;) {
        while (*e > *b && is_space(s[*e - 1]))
            (*e)--;
        if (*e > *b && strchr(".;,:\"'", s[*e - 1])) {
            (*e)--;
        } else if (has_suffix(s, *b, *e, "\xE2\x80\x9D") || has_suffix(s, *b, *e, "\xE2\x80\x99")) {
            *e -= 3; /* ” ’ */
        } else {
            break;
        }
    }
    for (;;) {
        while (*b < *e && is_space(s[*b]))
            (*b)++;
        if (*b < *e && (s[*b] == '"' || s[*b] == '\'' || (s[*b] == '-' && *b + 1 < *e && is_space(s[*b + 1])))) {
            (*b)++;
        } else if (has_prefix(s, *b, *e, "\xE2\x80\x9C")) {
            *b += 3; /* “ */
        } else {
            break;
        }
    }
}

/* Copy with runs of blanks collapsed to one space and the ends trimmed. */
static char *squeeze(cd_arena *a, const char *s, size_t n, size_t *out_len) {
    char *out = cd_arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_space(s[i])) {
            if (k && out[k - 1] != ' ') out[k++] = ' ';
        } else {
            out[k++] = s[i];
        }
    }
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = 0;
    *out_len = k;
    return out;
}

static size_t skip_spaces(const char *s, size_t i, size_t e) {
    while (i < e && is_space(s[i]))
        i++;
    return i;
}

/* Append s[from, to) to b with every code point upper- or lower-cased. */
static void add_cased(cd_buf *b, const char *s, size_t from, size_t to, bool upper) {
    int32_t i = (int32_t)from;
    while (i < (int32_t)to) {
        int32_t start = i;
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, (int32_t)to, c);
        if (c < 0) {
            cd_buf_add(b, s + start, (size_t)(i - start));
            continue;
        }
        c = upper ? u_totitle(c) : u_tolower(c);
        char tmp[U8_MAX_LENGTH];
        int32_t k = 0;
        UBool err = false;
        U8_APPEND((uint8_t *)tmp, k, U8_MAX_LENGTH, c, err);
        if (err)
            cd_buf_add(b, s + start, (size_t)(i - start));
        else
            cd_buf_add(b, tmp, (size_t)k);
    }
}

/* Byte length of the first code point (0 for an empty string). */
static size_t first_cp_len(const char *s, size_t n) {
    if (!n) return 0;
    int32_t i = 0;
    UChar32 c;
    U8_NEXT((const uint8_t *)s, i, (int32_t)n, c);
    (void)c;
    return (size_t)i;
}

/* Does s[0, n) hold a letter?  An entry of bare punctuation ("()") is none. */
static bool has_letter(const char *s, size_t n) {
    int32_t i = 0;
    while (i < (int32_t)n) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, (int32_t)n, c);
        if (c >= 0 && u_isalpha(c)) return true;
    }
    return false;
}

/* s with its first code point title-cased ("các cơ quan" -> "Các cơ quan"). */
static char *capitalise(cd_arena *a, const char *s, size_t n, size_t *out_len) {
    cd_buf b;
    cd_buf_init(&b, a);
    size_t k = first_cp_len(s, n);
    add_cased(&b, s, 0, k, true);
    cd_buf_add(&b, s + k, n - k);
    *out_len = b.len;
    return cd_buf_str(&b);
}

/* ---------- canonical-name steps ---------- */

/* Replace every abbreviation ([abbrev], case-sensitive whole words) by its
 * agency-abbrev value. */
static char *expand_abbrev(const cd_rules *rs, const char *s, size_t n, cd_arena *a, size_t *out_len) {
    const cd_rule *r = rule(rs, "abbrev"), *list = rule(rs, "agency-abbrev");
    cd_buf b;
    cd_buf_init(&b, a);
    size_t pos = 0, copied = 0;
    cd_match m;
    while (pos < n && cd_rule_search(r, s, n, pos, &m)) {
        if (m.ov[1] == m.ov[0]) { /* cannot happen with a list of words; never loop */
            pos = m.ov[1] + 1;
            continue;
        }
        const char *v = cd_list_lookup(list, s + m.ov[0], m.ov[1] - m.ov[0]);
        cd_buf_add(&b, s + copied, m.ov[0] - copied);
        if (v)
            cd_buf_adds(&b, v);
        else
            cd_buf_add(&b, s + m.ov[0], m.ov[1] - m.ov[0]);
        copied = pos = m.ov[1];
    }
    cd_buf_add(&b, s + copied, n - copied);
    *out_len = b.len;
    return cd_buf_str(&b);
}

/* Does s begin like an agency: a head, a collective, or a bare "sở, ban, …"?
 * Abbreviations are expanded first, so "UBND …", "BQL …" count. */
static bool core_looks_like(const cd_rules *rs, const char *s, size_t n, cd_arena *a) {
    size_t en;
    char *ex = expand_abbrev(rs, s, n, a, &en);
    return matches(rs, "head", ex, en) || matches(rs, "collective-start", ex, en) ||
           matches(rs, "bare-collective", ex, en);
}

/* Lower the generic nouns of a collective printed with capitals ("Các Sở,
 * ngành" -> "Các sở, ngành"). */
static char *lower_generic(const cd_rules *rs, const char *s, size_t n, cd_arena *a, size_t *out_len) {
    const cd_rule *r = rule(rs, "generic-noun");
    cd_buf b;
    cd_buf_init(&b, a);
    size_t pos = first_cp_len(s, n), copied = 0; /* the leading "Các" stays */
    cd_match m;
    while (pos < n && cd_rule_search(r, s, n, pos, &m) && m.ov[1] > m.ov[0]) {
        cd_buf_add(&b, s + copied, m.ov[0] - copied);
        add_cased(&b, s, m.ov[0], m.ov[1], false);
        copied = pos = m.ov[1];
    }
    cd_buf_add(&b, s + copied, n - copied);
    *out_len = b.len;
    return cd_buf_str(&b);
}

/* Canonical name of one entry.  inherit_cac: the entry before it was "Các …",
 * so a bare lower-case continuation ("đảng ủy trực thuộc Tỉnh ủy" after "Các
 * cơ quan …;") is a collective too. */
static const char *canonical(const cd_rules *rs, const char *text, size_t len, cd_arena *a, bool inherit_cac,
                             cd_agency_kind *kind, bool *known) {
    size_t b = 0, e = len, n;
    clean_span(text, &b, &e);
    char *s = squeeze(a, text + b, e - b, &n);
    *kind = CD_AGENCY_AGENCY;
    *known = false;
    if (!n) return s;
    cd_match m;
    if (matches(rs, "role", s, n)) { /* kept whole, first letter capitalised like any entry */
        *kind = CD_AGENCY_ROLE;
        return capitalise(a, s, n, &n);
    }
    const char *whole = s;
    size_t whole_n = n;
    if (search_at(rs, "qualifier", s, n, 0, &m) && m.ov[0] > 0) n = m.ov[0];
    if (search_at(rs, "leading-junk", s, n, 0, &m)) {
        size_t k = skip_spaces(s, m.ov[1], n);
        s += k;
        n -= k;
    }
    if (search_at(rs, "title", s, n, 0, &m)) {
        size_t k = skip_spaces(s, m.ov[1], n);
        if (!core_looks_like(rs, s + k, n - k, a)) { /* "Trưởng Ban": an official, no agency */
            *kind = CD_AGENCY_ROLE;
            return capitalise(a, whole, whole_n, &whole_n);
        }
        s += k;
        n -= k;
    }

    cd_buf pre;
    cd_buf_init(&pre, a);
    if (search_at(rs, "bare-collective", s, n, 0, &m)) {
        /* "Sở, ban, ngành" -> "Các sở, ban, ngành" */
        const char *prefix = cd_match_emit(&m, "prefix", a);
        cd_buf_adds(&pre, prefix ? prefix : "");
        cd_buf_addc(&pre, ' ');
        size_t k = first_cp_len(s, n);
        add_cased(&pre, s, 0, k, false);
        cd_buf_add(&pre, s + k, n - k);
    } else if (inherit_cac && !matches(rs, "collective-start", s, n) &&
               search_at(rs, "inherit-collective", s, n, 0, &m)) {
        const char *prefix = cd_match_emit(&m, "prefix", a);
        cd_buf_adds(&pre, prefix ? prefix : "");
        cd_buf_addc(&pre, ' ');
        cd_buf_add(&pre, s, n);
    } else {
        cd_buf_add(&pre, s, n);
    }

    size_t en, rn, cn;
    char *ex = expand_abbrev(rs, pre.data ? pre.data : "", pre.len, a, &en);
    char *rep = cd_group_replace(cd_rules_group(rs, AGENCY_GROUP), ex, en, &rn, a);
    char *sq = squeeze(a, rep, rn, &rn);
    char *name = capitalise(a, sq, rn, &cn);

    /* A department's canonical spelling ("Sở Công thương" -> "Sở Công Thương"). */
    size_t db, de;
    if (search_at(rs, "department", name, cn, 0, &m) && group_span(&m, "dept", &db, &de)) {
        const char *v = cd_list_lookup(rule(rs, "agency-departments"), name + db, de - db);
        if (v) {
            name = cd_arena_printf(a, "%.*s%s", (int)db, name, v);
            cn = strlen(name);
        }
    }

    if (matches(rs, "group", name, cn)) {
        *kind = CD_AGENCY_GROUP;
        *known = true; /* a recognised collective: nothing to report */
        if (matches(rs, "collective-start", name, cn)) name = lower_generic(rs, name, cn, a, &cn);
    } else {
        *known = matches(rs, "known", name, cn);
    }
    return name;
}

/* ---------- splitting ---------- */

typedef struct span {
    size_t b, e;
} span;

typedef struct splitter {
    const cd_rules *rs;
    const char *s; /* the whole text; every offset below is into it */
    cd_agency_list *out;
    cd_arena *a;
    bool prev_cac; /* the previous entry was a "Các …" collective */
} splitter;

static void push(splitter *sp, const char *raw, size_t raw_n, const char *text, size_t text_n) {
    cd_agency ag;
    ag.raw = cd_arena_strndup(sp->a, raw, raw_n);
    ag.name = canonical(sp->rs, text, text_n, sp->a, sp->prev_cac, &ag.kind, &ag.known);
    if (!*ag.name) return;
    cd_agency_push(sp->a, sp->out, ag);
    sp->prev_cac = ag.kind == CD_AGENCY_GROUP && matches(sp->rs, "collective-start", ag.name, strlen(ag.name));
}

/* One entry s[b, e): a role, a slash pair, or one agency. */
static void emit_entry(splitter *sp, size_t b, size_t e) {
    const char *s = sp->s;
    clean_span(s, &b, &e);
    if (b >= e || !has_letter(s + b, e - b)) return;
    cd_match m;
    if (matches(sp->rs, "role", s + b, e - b)) {
        /* a role keeps its commas and wording; only its first letter is capitalised ("các chủ đầu tư") */
        size_t cn;
        cd_agency ag = {capitalise(sp->a, s + b, e - b, &cn), cd_arena_strndup(sp->a, s + b, e - b), CD_AGENCY_ROLE,
                        false};
        cd_agency_push(sp->a, sp->out, ag);
        sp->prev_cac = false;
        return;
    }
    size_t hb, he, ab, ae, bb, be;
    if (search_at(sp->rs, "slash-pair", s + b, e - b, 0, &m) && group_span(&m, "head", &hb, &he) &&
        group_span(&m, "a", &ab, &ae) && group_span(&m, "b", &bb, &be)) {
        /* "Văn phòng Tỉnh ủy/UBND Tỉnh": both halves get the head. */
        const char *base = s + b;
        char *second = cd_arena_printf(sp->a, "%.*s %.*s", (int)(he - hb), base + hb, (int)(be - bb), base + bb);
        push(sp, base, ae, base, ae);
        push(sp, base + bb, be - bb, second, strlen(second));
        return;
    }
    push(sp, s + b, e - b, s + b, e - b);
}

/* "Các Sở: Ngoại vụ, Tư pháp, Văn hóa, Thể thao và Du lịch" */
static bool distribute(splitter *sp, size_t b, size_t e) {
    cd_match m;
    size_t hb, he, ib, ie;
    if (!search_at(sp->rs, "distribute", sp->s + b, e - b, 0, &m) || !group_span(&m, "items", &ib, &ie)) return false;
    /* the head each item gets: "Sở", or "UBND huyện" for "UBND các huyện:" */
    char *prefix = cd_match_emit(&m, "prefix", sp->a);
    size_t pl = prefix ? strlen(prefix) : 0;
    while (pl && prefix[pl - 1] == ' ')
        prefix[--pl] = 0;
    if (!pl) return false;
    const char *s = sp->s;
    hb = 0, he = pl;
    ib += b;
    size_t pos = ib;
    bool any = false;
    while (pos < e) {
        size_t xb, xe;
        /* a new shared head further on ("… và UBND các huyện: X, Y") takes over */
        if (pos > ib && distribute(sp, pos, e)) return true;
        if (!search_at(sp->rs, "distribute-item", s, e, pos, &m) || m.ov[1] <= pos) break;
        if (!group_span(&m, "dept", &xb, &xe) && !group_span(&m, "other", &xb, &xe)) break;
        pos = m.ov[1];
        clean_span(s, &xb, &xe);
        if (xb < xe) {
            /* An item that is itself an agency ("…, UBND tỉnh") keeps its own head. */
            char *text = core_looks_like(sp->rs, s + xb, xe - xb, sp->a)
                             ? cd_arena_strndup(sp->a, s + xb, xe - xb)
                             : cd_arena_printf(sp->a, "%.*s %.*s", (int)(he - hb), prefix + hb, (int)(xe - xb), s + xb);
            push(sp, s + xb, xe - xb, text, strlen(text));
            any = true;
        }
        if (pos >= e) break;
        if (!search_at(sp->rs, "item-separator", s, e, pos, &m) || m.ov[1] <= pos) break;
        pos = m.ov[1];
    }
    return any;
}

/* Bytes of the text after a "và" that decide whether an agency starts there:
 * a head is a few words, so a bounded window keeps a long cell linear.  Cut
 * on a character boundary. */
#define AGENCY_HEAD_WINDOW 192

static size_t head_window_end(const char *s, size_t j, size_t e) {
    if (e - j <= AGENCY_HEAD_WINDOW) return e;
    size_t k = j + AGENCY_HEAD_WINDOW;
    while (k > j && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

/* One ';'-separated part s[b, e). */
static void split_part(splitter *sp, size_t b, size_t e) {
    const char *s = sp->s;
    clean_span(s, &b, &e);
    if (b >= e) return;
    if (matches(sp->rs, "role", s + b, e - b)) { /* people: never split on commas */
        emit_entry(sp, b, e);
        return;
    }
    if (distribute(sp, b, e)) return;

    /* Names that hold a comma or "và" themselves. */
    span *prot = NULL;
    size_t n_prot = 0;
    cd_match m;
    for (size_t pos = b; pos < e && search_at(sp->rs, "protect", s, e, pos, &m);) {
        if (m.ov[1] <= m.ov[0]) {
            pos = m.ov[0] + 1;
            continue;
        }
        if (!(n_prot & (n_prot - 1))) /* capacity doubles at powers of two */
            prot = cd_arena_grow(sp->a, prot, sizeof *prot, n_prot, n_prot ? 2 * n_prot : 4);
        prot[n_prot++] = (span){m.ov[0], m.ov[1]};
        pos = m.ov[1];
    }

    size_t start = b, pk = 0; /* pk: first protected span not yet behind i */
    int depth = 0;
    int open = -1; /* is the current entry a collective? -1: not asked yet */
    for (size_t i = b; i < e; i++) {
        char c = s[i];
        if (c == '(')
            depth++;
        else if (c == ')' && depth > 0)
            depth--;
        while (pk < n_prot && prot[pk].e <= i)
            pk++;
        if (depth || (pk < n_prot && i >= prot[pk].b)) continue;
        if (c == ',') {
            /* A comma inside a collective ("Các sở, ban, ngành") continues it;
             * a continued collective stays open, so ask once per entry. */
            size_t j = skip_spaces(s, i + 1, e);
            if (open < 0) open = matches(sp->rs, "collective-open", s + start, i - start);
            if (!(open && matches(sp->rs, "continuation", s + j, e - j))) {
                emit_entry(sp, start, i);
                start = i + 1;
                open = -1;
            }
        } else if (i > b && is_space(s[i - 1]) && search_at(sp->rs, "conjunction", s, e, i, &m)) {
            /* "và" splits only when another agency follows it. */
            size_t j = skip_spaces(s, m.ov[1], e);
            if (j < e && core_looks_like(sp->rs, s + j, head_window_end(s, j, e) - j, sp->a)) {
                emit_entry(sp, start, i);
                start = j;
                i = j - 1;
                open = -1;
            }
        }
    }
    emit_entry(sp, start, e);
}

static void split_uncached(const cd_rules *rules, const char *text, size_t len, cd_agency_list *out, cd_arena *a) {
    size_t b = 0, e = len;
    clean_span(text, &b, &e);
    cd_match m;
    /* "… theo chức năng, nhiệm vụ" qualifies the whole list: cut it first, or
     * its comma would split. */
    if (b < e && search_at(rules, "qualifier", text + b, e - b, 0, &m) && m.ov[0] > 0) {
        e = b + m.ov[0];
        clean_span(text, &b, &e);
    }
    splitter sp = {rules, text, out, a, false};
    size_t start = b;
    int depth = 0;
    for (size_t i = b; i <= e; i++) {
        if (i == e || (text[i] == ';' && depth == 0)) {
            split_part(&sp, start, i);
            start = i + 1;
        } else if (text[i] == '(') {
            depth++;
        } else if (text[i] == ')' && depth > 0) {
            depth--;
        }
    }
}

/* Results are cached per thread (memo.h): a blob of entries, each
 * kind, known, name NUL, raw NUL. */
static void append_blob(cd_agency_list *out, const char *blob, size_t len, cd_arena *a) {
    const char *p = blob, *end = blob + len;
    while (p + 2 < end) {
        cd_agency ag;
        ag.kind = (cd_agency_kind)p[0];
        ag.known = p[1];
        p += 2;
        size_t n = strlen(p);
        ag.name = cd_arena_strndup(a, p, n);
        p += n + 1;
        n = strlen(p);
        ag.raw = cd_arena_strndup(a, p, n);
        p += n + 1;
        cd_agency_push(a, out, ag);
    }
}

void cd_agency_split(const cd_rules *rules, const char *text, size_t len, cd_agency_list *out, cd_arena *a) {
    if (!text) return;
    uint64_t id = cd_rules_id(rules);
    size_t blob_len;
    const char *blob = cd_memo_get(CD_MEMO_AGENCY_SPLIT, id, text, len, &blob_len);
    if (blob) {
        append_blob(out, blob, blob_len, a);
        return;
    }
    cd_agency_list fresh = {0};
    split_uncached(rules, text, len, &fresh, a);
    cd_buf b;
    cd_buf_init(&b, a);
    for (size_t i = 0; i < fresh.n; i++) {
        const cd_agency *ag = &fresh.items[i];
        char head[2] = {(char)ag->kind, (char)ag->known};
        cd_buf_add(&b, head, 2);
        cd_buf_add(&b, ag->name, strlen(ag->name) + 1);
        cd_buf_add(&b, ag->raw, strlen(ag->raw) + 1);
        cd_agency_push(a, out, *ag);
    }
    cd_memo_put(CD_MEMO_AGENCY_SPLIT, id, text, len, b.data ? b.data : "", b.len);
}

/* ---------- lead / support, looks-like, canonical ---------- */

static bool split_lead_support_uncached(const cd_rules *rules, const char *text, size_t len, size_t *lead_end,
                                        size_t *support_start);

/* Cached per thread (memo.h): found, then the two offsets. */
bool cd_agency_split_lead_support(const cd_rules *rules, const char *text, size_t len, size_t *lead_end,
                                  size_t *support_start) {
    if (!text) return false;
    typedef struct {
        bool found;
        size_t lead_end, support_start;
    } answer;
    uint64_t id = cd_rules_id(rules);
    size_t n;
    const void *hit = cd_memo_get(CD_MEMO_LEAD_SUPPORT, id, text, len, &n);
    answer a;
    if (hit && n == sizeof a) {
        memcpy(&a, hit, sizeof a);
    } else {
        memset(&a, 0, sizeof a);
        a.found = split_lead_support_uncached(rules, text, len, &a.lead_end, &a.support_start);
        cd_memo_put(CD_MEMO_LEAD_SUPPORT, id, text, len, &a, sizeof a);
    }
    if (a.found) {
        *lead_end = a.lead_end;
        *support_start = a.support_start;
    }
    return a.found;
}

static bool split_lead_support_uncached(const cd_rules *rules, const char *text, size_t len, size_t *lead_end,
                                        size_t *support_start) {
    static const char *const forms[] = {"lead-support", "lead-support-2"};
    for (size_t k = 0; k < sizeof forms / sizeof *forms; k++) {
        cd_match m;
        size_t lb, le, sb, se;
        if (!search_at(rules, forms[k], text, len, 0, &m) || !group_span(&m, "lead", &lb, &le) ||
            !group_span(&m, "support", &sb, &se))
            continue;
        if (!cd_agency_looks_like(rules, text + lb, le - lb)) continue;
        *lead_end = le;
        *support_start = sb;
        return true;
    }
    return false;
}

static bool looks_like_uncached(const cd_rules *rules, const char *text, size_t len);

bool cd_agency_looks_like(const cd_rules *rules, const char *text, size_t len) {
    if (!text) return false;
    uint64_t id = cd_rules_id(rules);
    size_t n;
    const char *hit = cd_memo_get(CD_MEMO_AGENCY_LOOKS, id, text, len, &n);
    if (hit) return hit[0] == 1;
    bool yes = looks_like_uncached(rules, text, len);
    char v = yes ? 1 : 0;
    cd_memo_put(CD_MEMO_AGENCY_LOOKS, id, text, len, &v, 1);
    return yes;
}

static bool looks_like_uncached(const cd_rules *rules, const char *text, size_t len) {
    size_t b = 0, e = len;
    clean_span(text, &b, &e);
    if (b >= e) return false;
    cd_arena tmp;
    cd_arena_init(&tmp);
    size_t n;
    char *s = squeeze(&tmp, text + b, e - b, &n);
    cd_match m;
    bool ok;
    if (matches(rules, "not-agency", s, n)) {
        ok = false;
    } else if (matches(rules, "role", s, n)) {
        ok = true;
    } else if (search_at(rules, "title", s, n, 0, &m)) {
        size_t k = skip_spaces(s, m.ov[1], n);
        ok = core_looks_like(rules, s + k, n - k, &tmp);
    } else {
        ok = core_looks_like(rules, s, n, &tmp);
    }
    cd_arena_free(&tmp);
    return ok;
}

const char *cd_agency_canonical(const cd_rules *rules, const char *text, size_t len, cd_arena *a, cd_agency_kind *kind,
                                bool *known) {
    cd_agency_kind k;
    bool kn;
    const char *name = canonical(rules, text ? text : "", text ? len : 0, a, false, &k, &kn);
    if (kind) *kind = k;
    if (known) *known = kn;
    return name;
}
