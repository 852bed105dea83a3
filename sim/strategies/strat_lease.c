/* strat_lease.c - memcache leases (Nishtala et al., NSDI 2013): a get that
 * finds no fresh value receives the key's lease when it is free (never
 * granted, released, or granted more than lease_ttl ago), and its holder
 * queries the DB; the others wait `retry` and get again, or take the expired
 * value when accept_stale.  The lease is the key's lock (model_lock_*), taken
 * by the get itself rather than by a separate cache operation, and released
 * when its holder's value is written (memcache's set with the lease token), so
 * lease_ttl only bounds a lease whose holder never writes. */
#include <math.h>
#include <stddef.h>

#include "model/model.h"

typedef struct lease_params {
    double lease_ttl, retry;
    bool accept_stale;
} lease_params;

enum { TAG_RETRY, TAG_GET };
enum { WAITED = 1 };

/* A get of attempt ai has just read the cache (first or after a retry). */
static void lease_read(sim *s, uint32_t ai, bool first)
{
    const lease_params *p = s->params;
    attempt *a = &s->att[ai];
    keystate *k = &s->keys[a->key];
    if (key_fresh(s, a->key)) {
        model_finish(s, ai, first ? OUT_HIT : OUT_WAITED);
        return;
    }
    if (model_lock_free(s, a->key)) {
        if (model_lock_take(s, ai, p->lease_ttl, CAUSE_LEASE, true) == NONE) model_fail(s, ai, FAIL_REJECTED);
        return;
    }
    if (p->accept_stale && k->present) {
        model_finish(s, ai, OUT_STALE);
        return;
    }
    if (!(a->sflag & WAITED)) {
        a->sflag |= WAITED;
        model_count(s, ai, CNT_LOCK_WAITS);
    }
    model_sleep(s, ai, p->retry, TAG_RETRY);
}

static void lease_lookup(sim *s, uint32_t ai, const lookup_view *v)
{
    (void)v;
    lease_read(s, ai, true);
}

static void lease_wake(sim *s, uint32_t ai, uint32_t tag)
{
    if (tag == TAG_RETRY) model_cache_step(s, ai, TAG_GET);
    else lease_read(s, ai, false);
}

/* As a recompute: a refresh is made by whoever gets the key's lease. */
static uint32_t lease_early(sim *s, uint32_t ai, int cause, bool wait)
{
    const lease_params *p = s->params;
    if (!model_lock_free(s, s->att[ai].key)) return NONE;
    return model_lock_take(s, ai, p->lease_ttl, (enum cause)cause, wait);
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
    .lookup = lease_lookup,
    .wake = lease_wake,
    .query_done = model_answer_issuer,
    .early = lease_early,
};
