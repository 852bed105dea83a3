/* cache.c - the shared cache: per-key values (when each expires, when it was
 * written, the recompute time stored with it), the initial contents, the get
 * that reads a key for an attempt, the write of a query's value, and the
 * flush.  Invariant: a key's value is fresh while present and now < expiry. */
#include <stdlib.h>

#include "model_impl.h"

_Static_assert(sizeof(keystate) == 32, "per-key state: the README promises 32 bytes (+ the strategy's slots, + 8 of Zipf table)");

int cache_setup(sim *s)
{
    const scenario *sc = s->sc;
    if (!(s->keys = calloc(sc->keys.count, sizeof *s->keys))) return -1;
    /* Initial cache contents: Δ is the mean recompute time. */
    if (sc->cache.ttl > 0 && sc->cache.initial != INIT_COLD) {
        double delta = dist_mean(&sc->db.latency);
        for (uint64_t k = 0; k < sc->keys.count; k++) {
            keystate *ks = &s->keys[k];
            ks->present = 1;
            ks->delta = (float)delta;
            ks->expiry = sc->cache.initial == INIT_SYNCHRONIZED
                             ? sc->cache.ttl
                             : sc->cache.ttl * (1.0 - rng_uniform(s->r[RNG_INITIAL]));
            ks->written = ks->expiry - sc->cache.ttl;
        }
    }
    return 0;
}

void cache_free(sim *s)
{
    free(s->keys);
}

lookup_view model_look(const sim *s, uint32_t key)
{
    const keystate *k = &s->keys[key];
    return (lookup_view){ .present = k->present, .fresh = k->present && s->eng.now < k->expiry,
                          .expiry = k->expiry, .written = k->written, .delta = k->delta };
}

void cache_flush(sim *s)
{
    uint64_t n = s->sc->keys.count;
    for (uint64_t k = 0; k < n; k++) {
        s->keys[k].present = 0;
        if ((k & 0xfffff) == 0xfffff && s->stop && *s->stop) break;
    }
    s->look_in = 1;
}
