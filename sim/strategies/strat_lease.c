/* strat_lease.c - memcache leases (Nishtala et al., NSDI 2013): a get that
 * finds no fresh value receives the key's lease when it is free (never
 * granted, released, or granted more than lease_ttl ago), and its holder
 * queries the DB; the others wait `retry` and get again, or take the expired
 * value when accept_stale.  The lease is a lock per key (keylock.h), taken by
 * the get itself rather than by a separate cache operation, and released
 * when its holder's value is written (memcache's set with the lease token), so
 * lease_ttl only bounds a lease whose holder never writes.  When the get
 * fails (a cache outage, cache.timeout) with app.on_cache_error "db", no
 * lease is granted and the attempt queries the DB without one (memcache
 * clients treat a failed get as a miss).  Slots: the lease per key; per
 * attempt, whether it was counted as a lock wait. */
#include <math.h>
#include <stddef.h>

#include "keylock.h"
#include "model/model.h"
#include "model/strategy.h"

typedef struct lease_params {
    double lease_ttl, retry;
    bool accept_stale;
} lease_params;

enum { TAG_RETRY, TAG_GET };

/* A get of attempt att has just read the cache (first or after a retry). */
static void lease_read(sim *s, struct strategy *self, uint32_t att, const lookup_view *v, bool first)
{
    const lease_params *p = self->params;
    keylock *k = strategy_key_slot(self, model_att_key(s, att));
    uint8_t *waited = strategy_att_slot(self, att);
    if (v->fresh) {
        model_finish(s, att, first ? OUT_HIT : OUT_WAITED);
        return;
    }
    if (v->cache_error) {   /* no lease from a failed get */
        model_cache_fallback(s, att);
        return;
    }
    if (keylock_free(s, k, p->lease_ttl)) {
        if (keylock_take(s, k, att, p->lease_ttl, CAUSE_LEASE, true) == MODEL_NONE) model_fail(s, att, FAIL_REJECTED);
        return;
    }
    if (p->accept_stale && v->present) {
        model_finish(s, att, OUT_STALE);
        return;
    }
    if (!*waited) {
        *waited = 1;
        model_count(s, att, CNT_LOCK_WAITS);
    }
    model_sleep(s, self, att, p->retry, TAG_RETRY);
}

static void lease_lookup(sim *s, struct strategy *self, uint32_t att, const lookup_view *v)
{
    lease_read(s, self, att, v, true);
}

static void lease_wake(sim *s, struct strategy *self, uint32_t att, uint32_t tag)
{
    if (tag & MODEL_CACHE_FAILED) {   /* the get again failed: to the DB without a lease */
        model_cache_fallback(s, att);
    } else if (tag == TAG_RETRY) {
        model_cache_step(s, self, att, TAG_GET);
    } else {
        lookup_view v = model_look(s, model_att_key(s, att));
        lease_read(s, self, att, &v, false);
    }
}

static void lease_query_done(sim *s, struct strategy *self, uint32_t q, bool ok)
{
    keylock_query_done(s, strategy_key_slot(self, model_query_key(s, q)), q, ok);
    model_answer_issuer(s, q, ok);
}

/* As a recompute: a refresh is made by whoever gets the key's lease. */
static uint32_t lease_early(sim *s, struct strategy *self, uint32_t att, enum cause c, bool wait)
{
    const lease_params *p = self->params;
    keylock *k = strategy_key_slot(self, model_att_key(s, att));
    if (!model_cache_up(s) || !keylock_free(s, k, p->lease_ttl)) return MODEL_NONE;
    return keylock_take(s, k, att, p->lease_ttl, c, wait);
}

/* It gets again every retry until the lease lapses and it takes it. */
static void lease_polls(const void *params, double *every, double *wait, const char **field)
{
    const lease_params *p = params;
    *every = p->retry;
    *wait = p->lease_ttl + p->retry;
    *field = "retry";
}

static const param_spec lease_specs[] = {
    { .name = "lease_ttl", .type = PARAM_DURATION, .offset = offsetof(lease_params, lease_ttl), .def = "10s",
      .min = 0, .min_open = true, .max = INFINITY, .help = "a lease its holder never releases (no write) lapses after this" },
    { .name = "retry", .type = PARAM_DURATION, .offset = offsetof(lease_params, retry), .def = "10ms",
      .min = 0, .min_open = true, .max = INFINITY, .help = "wait before getting again when another holds the lease" },
    { .name = "accept_stale", .type = PARAM_BOOL, .offset = offsetof(lease_params, accept_stale), .def = "false",
      .help = "take the expired value instead of waiting" },
};

const strategy_ops strategy_lease = {
    .name = "lease",
    .summary = "memcache leases: one lease per key per lease_ttl; the others retry or take stale",
    .params = lease_specs,
    .nparams = sizeof lease_specs / sizeof lease_specs[0],
    .params_size = sizeof(lease_params),
    .key_slot = sizeof(keylock),
    .att_slot = sizeof(uint8_t),
    .lookup = lease_lookup,
    .wake = lease_wake,
    .query_done = lease_query_done,
    .early = lease_early,
    .polls = lease_polls,
};
