/* strat_lock.c - a lock per key, held in the shared cache (keylock.h).  After
 * a miss an attempt makes lock steps (each one cache operation): it is served
 * a fresh value, or takes a free lock and queries the DB, or sleeps `poll` and
 * tries again, until max_wait after its first step.  The lock is released
 * when its taker's value is written, if the taker still holds it; else it
 * lapses after lock_ttl.  The lock is in the cache: when the get or a lock
 * step fails (a cache outage, cache.timeout) with app.on_cache_error "db",
 * the attempt queries the DB without the lock, as a Redis-lock client that
 * falls through on an error does.  Slots: the lock per key; per attempt,
 * whether it made its first step, left the loop, and was counted as a lock
 * wait. */
#include <math.h>
#include <stddef.h>

#include "keylock.h"
#include "model/model.h"
#include "model/strategy.h"

typedef struct lock_params {
    double poll, max_wait, lock_ttl;
    int on_give_up;
    bool stale_while_locked;
} lock_params;

enum { TAG_STEP, TAG_POLL, TAG_GIVEUP };
enum { STARTED = 1, DONE = 2, WAITED = 4 };   /* an attempt's slot */

static void lock_lookup(sim *s, struct strategy *self, uint32_t att, const lookup_view *v)
{
    if (v->fresh) {
        model_finish(s, att, OUT_HIT);
        return;
    }
    if (v->cache_error) {   /* the lock is out of reach too */
        model_cache_fallback(s, att);
        return;
    }
    model_read_stale(s, att, v->present);
    model_cache_step(s, self, att, TAG_STEP);
}

/* A lock step ended now: read the value and take the lock if it is free. */
static void lock_step(sim *s, struct strategy *self, uint32_t att)
{
    const lock_params *p = self->params;
    uint8_t *flags = strategy_att_slot(self, att);
    uint32_t key = model_att_key(s, att);
    keylock *k = strategy_key_slot(self, key);
    bool first = !(*flags & STARTED);
    *flags |= STARTED;
    lookup_view v = model_look(s, key);
    if (v.fresh) {
        *flags |= DONE;
        model_finish(s, att, OUT_WAITED);
        return;
    }
    model_read_stale(s, att, v.present);
    if (keylock_free(s, k, p->lock_ttl)) {
        *flags |= DONE;
        if (keylock_take(s, k, att, p->lock_ttl, CAUSE_LOCK, true) == MODEL_NONE) model_fail(s, att, FAIL_REJECTED);
        return;
    }
    if (p->stale_while_locked && v.present) {
        *flags |= DONE;
        model_finish(s, att, OUT_STALE);
        return;
    }
    if (!(*flags & WAITED)) {
        *flags |= WAITED;
        model_count(s, att, CNT_LOCK_WAITS);
    }
    if (first && isfinite(p->max_wait)) model_sleep(s, self, att, p->max_wait, TAG_GIVEUP);
    model_sleep(s, self, att, p->poll, TAG_POLL);
}

static void lock_wake(sim *s, struct strategy *self, uint32_t att, uint32_t tag)
{
    const lock_params *p = self->params;
    uint8_t *flags = strategy_att_slot(self, att);
    if (*flags & DONE) return;
    if (tag & MODEL_CACHE_FAILED) {   /* a lock step failed: to the DB without the lock */
        *flags |= DONE;
        model_cache_fallback(s, att);
        return;
    }
    switch (tag) {
    case TAG_STEP: lock_step(s, self, att); break;
    case TAG_POLL: model_cache_step(s, self, att, TAG_STEP); break;
    case TAG_GIVEUP:
        *flags |= DONE;
        model_give_up(s, att, (enum give_up)p->on_give_up);
        break;
    }
}

static void lock_query_done(sim *s, struct strategy *self, uint32_t q, bool ok)
{
    keylock_query_done(s, strategy_key_slot(self, model_query_key(s, q)), q, ok);
    model_answer_issuer(s, q, ok);
}

/* As a recompute: a refresh is made by whoever takes the free lock, once. */
static uint32_t lock_early(sim *s, struct strategy *self, uint32_t att, enum cause c, bool wait)
{
    const lock_params *p = self->params;
    keylock *k = strategy_key_slot(self, model_att_key(s, att));
    if (!model_cache_up(s) || !keylock_free(s, k, p->lock_ttl)) return MODEL_NONE;
    return keylock_take(s, k, att, p->lock_ttl, c, wait);
}

/* It waits until max_wait, or until the lock lapses and it takes it. */
static void lock_polls(const void *params, double *every, double *wait, const char **field)
{
    const lock_params *p = params;
    *every = p->poll;
    *wait = fmin(p->max_wait, p->lock_ttl + p->poll);
    *field = "poll";
}

static const param_spec lock_specs[] = {
    { .name = "poll", .type = PARAM_DURATION, .offset = offsetof(lock_params, poll), .def = "50ms",
      .min = 0, .min_open = true, .max = INFINITY, .help = "sleep between lock steps" },
    { .name = "max_wait", .type = PARAM_DURATION, .offset = offsetof(lock_params, max_wait), .def = "1s",
      .min = 0, .max = INFINITY, .help = "give up this long after the first lock step" },
    { .name = "on_give_up", .type = PARAM_ENUM, .offset = offsetof(lock_params, on_give_up), .def = "db",
      .choices = model_give_up_choices, .help = "at max_wait: query the DB (db), fail (error) or serve the expired value (stale)" },
    { .name = "stale_while_locked", .type = PARAM_BOOL, .offset = offsetof(lock_params, stale_while_locked),
      .def = "false", .help = "serve the expired value at once while another holds the lock" },
    { .name = "lock_ttl", .type = PARAM_DURATION, .offset = offsetof(lock_params, lock_ttl), .def = "10s",
      .min = 0, .min_open = true, .max = INFINITY, .help = "a lock not released lapses after this" },
};

const strategy_ops strategy_lock = {
    .name = "lock",
    .summary = "a lock per key in the cache: one attempt recomputes, the others poll",
    .params = lock_specs,
    .nparams = sizeof lock_specs / sizeof lock_specs[0],
    .params_size = sizeof(lock_params),
    .key_slot = sizeof(keylock),
    .att_slot = sizeof(uint8_t),
    .lookup = lock_lookup,
    .wake = lock_wake,
    .query_done = lock_query_done,
    .early = lock_early,
    .polls = lock_polls,
};
