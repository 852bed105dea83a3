/* keylock.h - a lock per key held in the shared cache, as lock and lease
 * keep it in their key slots.  A lock is free when never taken, released, or
 * past its ttl.  Taking it issues the taker's query as its holder; the
 * holder's value, when written, releases it; a holder the DB rejected, or
 * whose query failed, keeps it until its ttl (nobody will release it).
 * Being in the cache, a lock follows it through a cache_outage: none is taken
 * or released while the cache is down (the release is lost: the lock lapses
 * at its ttl), and a cache that comes back empty holds none. */
#ifndef STAMPEDE_KEYLOCK_H
#define STAMPEDE_KEYLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "model/model.h"
#include "model/strategy.h"

typedef struct keylock {
    double until;          /* held while now < until ... */
    uint32_t owner;        /* the holder's query while it may release it, else MODEL_NONE */
    uint8_t held;          /* ... and held (not released) */
} keylock;

/* Whether lock k, taken for ttl, is free now (a lock taken before the cache
 * last came back empty is gone). */
static inline bool keylock_free(const sim *s, const keylock *k, double ttl)
{
    return !k->held || model_now(s) >= k->until || k->until - ttl < model_cache_lost_at(s);
}

/* Takes the free lock k of att's key for ttl and issues att's query as its
 * holder (cause c, wait as model_query); returns the query, or MODEL_NONE
 * when the DB rejected it (the lock then lapses at ttl). */
static inline uint32_t keylock_take(sim *s, keylock *k, uint32_t att, double ttl, enum cause c, bool wait)
{
    k->until = model_now(s) + ttl;
    k->held = 1;
    k->owner = model_query(s, att, c, wait);
    return k->owner;
}

/* Query q of the lock's key ended: the holder's value, written (ok),
 * releases the lock; a holder's failed query leaves it held until its ttl. */
static inline void keylock_query_done(const sim *s, keylock *k, uint32_t q, bool ok)
{
    if (k->owner != q) return;
    if (ok && model_cache_up(s)) k->held = 0;
    k->owner = MODEL_NONE;
}

#endif
