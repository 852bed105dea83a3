/* cache.c - the shared cache: per-key values (when each expires, when it was
 * written, the recompute time stored with it), the keys' records made on
 * first touch, the initial contents, the get that reads a key for an attempt,
 * the write of a query's value, and the flush.  Invariant: a key's value is
 * fresh while present (written in the current flush epoch) and now < expiry. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "model_impl.h"

_Static_assert(sizeof(keystate) == 32 && sizeof(keygroup) == 12,
               "per-key state: the README promises 32 + 12 bytes (+ the strategies' slots)");

#define KEYS_CAP0 1024u    /* records at first, with the hashed store */

/* A uniform in [0, 1) that is a function of (seed, id) alone: a key's initial
 * expiry does not depend on when the run first touches it. */
static double key_uniform(uint64_t seed, uint64_t id)
{
    return (double)(key_hash(seed ^ key_hash(id + 0x9e3779b97f4a7c15u)) >> 11) * 0x1p-53;
}

/* Key id's state at its first touch: the initial contents, unless a flush
 * has emptied them already; its strategy slots zeroed. */
static void key_init(sim *s, uint32_t ki, uint64_t id)
{
    const scenario *sc = s->sc;
    keystate *ks = &s->keys[ki];
    memset(ks, 0, sizeof *ks);
    memset(&s->kgrp[ki], 0, sizeof s->kgrp[ki]);
    ks->id = id;
    if (sc->cache.ttl > 0 && sc->cache.initial != INIT_COLD && !s->init_flushed) {
        ks->epoch = s->epoch;
        ks->delta = (float)dist_mean(&sc->db.latency);   /* Δ is the mean recompute time */
        ks->expiry = sc->cache.initial == INIT_SYNCHRONIZED
                         ? sc->cache.ttl
                         : sc->cache.ttl * (1.0 - key_uniform(s->key_seed, id));
        ks->written = ks->expiry - sc->cache.ttl;
    }
}

int cache_setup(sim *s)
{
    const scenario *sc = s->sc;
    s->epoch = 1;
    s->key_seed = rng_below(s->r[RNG_INITIAL], UINT64_MAX);
    if (s->keys_dense) {
        uint32_t n = (uint32_t)sc->keys.count;
        if (!(s->keys = malloc(n * sizeof *s->keys)) || !(s->kgrp = malloc(n * sizeof *s->kgrp))) return -1;
        s->keys_cap = s->nkeys = n;
        for (uint32_t k = 0; k < n; k++) key_init(s, k, k);
        return 0;
    }
    s->keys_cap = KEYS_CAP0;
    s->khash_mask = 2 * KEYS_CAP0 - 1;
    if (!(s->keys = malloc(KEYS_CAP0 * sizeof *s->keys)) || !(s->kgrp = malloc(KEYS_CAP0 * sizeof *s->kgrp)) ||
        !(s->khash = calloc(2 * KEYS_CAP0, sizeof *s->khash)))
        return -1;
    return 0;
}

void cache_free(sim *s)
{
    free(s->keys);
    free(s->kgrp);
    free(s->khash);
}

/* Room for twice the records, and the strategies' key slots likewise. */
static int keys_grow(sim *s)
{
    if (s->keys_cap >= UINT32_MAX / 2) return -1;
    uint32_t cap = 2 * s->keys_cap;
    keystate *k = realloc(s->keys, (size_t)cap * sizeof *k);
    if (!k) return -1;
    s->keys = k;
    keygroup *g = realloc(s->kgrp, (size_t)cap * sizeof *g);
    if (!g) return -1;
    s->kgrp = g;
    for (unsigned i = 0; i < s->ninst; i++)   /* the new slots zeroed: a key's start empty */
        if (slots_grow(&s->inst[i].key_slots, s->inst[i].ops->key_slot, s->keys_cap, cap)) return -1;
    s->keys_cap = cap;
    return 0;
}

/* A table twice as large, every record placed again by its id. */
static int khash_grow(sim *s)
{
    uint64_t size = 2 * (s->khash_mask + 1), m = size - 1;
    uint64_t *t = calloc(size, sizeof *t);
    if (!t) return -1;
#ifdef MADV_HUGEPAGE
    /* Read at random and filled at least 3/8: huge pages spare TLB misses
     * and cost no memory.  Only a hint. */
    if (size * sizeof *t >= ((size_t)8 << 20)) {
        uintptr_t a = ((uintptr_t)t + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)(t + size)) & ~(uintptr_t)4095;
        (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
    }
#endif
    for (uint32_t k = 0; k < s->nkeys; k++) {
        uint64_t hv = key_hash(s->keys[k].id), h = hv & m;
        while (t[h]) h = (h + 1) & m;
        t[h] = (hv >> 32 << 32) | (k + 1u);
    }
    free(s->khash);
    s->khash = t;
    s->khash_mask = m;
    return 0;
}

/* Key id (hash hv) is touched for the first time; slot is its empty place
 * in the table.  The table stays at most 3/4 full. */
uint32_t key_new(sim *s, uint64_t id, uint64_t hv, uint64_t slot)
{
    if (s->nkeys >= UINT32_MAX - 1) return KEY_NONE;
    if (s->nkeys == s->keys_cap && keys_grow(s)) return KEY_NONE;
    if (4 * ((uint64_t)s->nkeys + 1) > 3 * (s->khash_mask + 1)) {
        if (khash_grow(s)) return KEY_NONE;
        slot = hv & s->khash_mask;
        while (s->khash[slot]) slot = (slot + 1) & s->khash_mask;
    }
    uint32_t ki = s->nkeys++;
    key_init(s, ki, id);   /* its strategy slots are zero since they were made (keys_grow) */
    s->khash[slot] = (hv >> 32 << 32) | (ki + 1u);
    return ki;
}

lookup_view model_look(const sim *s, uint32_t key)
{
    return key_view(s, &s->keys[key]);
}

void cache_flush(sim *s)
{
    s->init_flushed = true;
    if (++s->epoch == 0) {   /* 65,535 flushes: the records made so far are emptied once */
        for (uint32_t k = 0; k < s->nkeys; k++) s->keys[k].epoch = 0;
        s->epoch = 1;
    }
    s->look_in = 1;
}
