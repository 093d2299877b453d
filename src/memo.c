/* memo.c — a direct-mapped, per-thread cache of byte blobs. */
#include "memo.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot {
    uint64_t hash, rules_id;
    unsigned what;
    size_t key_len, value_len;
    char *mem; /* key bytes then value bytes (malloc'd) */
} slot;

static _Thread_local slot *slots;

/* Eight bytes at a time (keys are whole lines and cells, hundreds of bytes:
 * a byte-at-a-time hash was most of the cost of a lookup).  Each word is
 * mixed in with a multiply and a fold of the high half, as in the mixers
 * of splitmix64; the tail is read as one zero-padded word. */
static uint64_t mix(uint64_t h, uint64_t w) {
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

static uint64_t hash_key(unsigned what, uint64_t rules_id, const char *key, size_t n) {
    uint64_t h = 0x243F6A8885A308D3ull ^ (what * 0xBF58476D1CE4E5B9ull) ^ rules_id ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, key + i, 8);
        h = mix(h, w);
    }
    if (i < n) {
        uint64_t w = 0;
        memcpy(&w, key + i, n - i);
        h = mix(h, w);
    }
    return mix(h, 0x94D049BB133111EBull);
}

const void *cd_memo_get(unsigned what, uint64_t rules_id, const char *key, size_t n, size_t *len) {
    if (!slots || n > CD_MEMO_MAX_KEY) return NULL;
    uint64_t h = hash_key(what, rules_id, key, n);
    const slot *s = &slots[h % CD_MEMO_SLOTS];
    if (!s->mem || s->hash != h || s->what != what || s->rules_id != rules_id || s->key_len != n ||
        memcmp(s->mem, key, n) != 0)
        return NULL;
    *len = s->value_len;
    return s->mem + n;
}

void cd_memo_put(unsigned what, uint64_t rules_id, const char *key, size_t n, const void *blob, size_t len) {
    if (n > CD_MEMO_MAX_KEY || len > CD_MEMO_MAX_VALUE) return;
    if (!slots && !(slots = calloc(CD_MEMO_SLOTS, sizeof *slots))) return; /* no cache, no harm */
    uint64_t h = hash_key(what, rules_id, key, n);
    slot *s = &slots[h % CD_MEMO_SLOTS];
    char *mem = malloc(n + len + 1);
    if (!mem) return;
    memcpy(mem, key, n);
    memcpy(mem + n, blob, len);
    free(s->mem);
    *s = (slot){h, rules_id, what, n, len, mem};
}

void cd_memo_thread_done(void) {
    if (!slots) return;
    for (size_t i = 0; i < CD_MEMO_SLOTS; i++)
        free(slots[i].mem);
    free(slots);
    slots = NULL;
}
