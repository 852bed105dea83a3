/* strat_lock.c - a lock per key, held in the shared cache.  After a miss an
 * attempt makes lock steps (each one cache operation): it is served a fresh
 * value, or takes a free lock and queries the DB, or sleeps `poll` and tries
 * again, until max_wait after its first step.  The lock is released when its
 * taker's value is written, if the taker still holds it; else it lapses after
 * lock_ttl.  sflag bits: STARTED (first step done), DONE (left the loop),
 * WAITED (counted as a lock wait). */
#include <math.h>
#include <stddef.h>

#include "model/model.h"

typedef struct lock_params {
    double poll, max_wait, lock_ttl;
    int on_give_up;
    bool stale_while_locked;
} lock_params;

enum { TAG_STEP, TAG_POLL, TAG_GIVEUP };
enum { STARTED = 1, DONE = 2, WAITED = 4 };

static void lock_lookup(sim *s, uint32_t ai, const lookup_view *v)
{
    if (v->fresh) {
        model_finish(s, ai, OUT_HIT);
        return;
    }
    s->att[ai].read_stale = v->present;
    model_cache_step(s, ai, TAG_STEP);
}

/* A lock step ended now: read the value and take the lock if it is free. */
static void lock_step(sim *s, uint32_t ai)
{
    const lock_params *p = s->params;
    attempt *a = &s->att[ai];
    keystate *k = &s->keys[a->key];
    bool first = !(a->sflag & STARTED);
    a->sflag |= STARTED;
    if (key_fresh(s, a->key)) {
        a->sflag |= DONE;
        model_finish(s, ai, OUT_WAITED);
        return;
    }
    a->read_stale = k->present;
    if (model_lock_free(s, a->key)) {
        a->sflag |= DONE;
        if (model_lock_take(s, ai, p->lock_ttl, CAUSE_LOCK, true) == NONE) model_fail(s, ai, FAIL_REJECTED);
        return;
    }
    if (p->stale_while_locked && k->present) {
        a->sflag |= DONE;
        model_finish(s, ai, OUT_STALE);
        return;
    }
    if (!(a->sflag & WAITED)) {
        a->sflag |= WAITED;
        model_count(s, ai, CNT_LOCK_WAITS);
    }
    if (first && isfinite(p->max_wait)) model_sleep(s, ai, p->max_wait, TAG_GIVEUP);
    model_sleep(s, ai, p->poll, TAG_POLL);
}

static void lock_wake(sim *s, uint32_t ai, uint32_t tag)
{
    const lock_params *p = s->params;
    if (s->att[ai].sflag & DONE) return;
    switch (tag) {
    case TAG_STEP: lock_step(s, ai); break;
    case TAG_POLL: model_cache_step(s, ai, TAG_STEP); break;
    case TAG_GIVEUP:
        s->att[ai].sflag |= DONE;
        model_give_up(s, ai, (enum give_up)p->on_give_up);
        break;
    }
}

/* As a recompute: a refresh is made by whoever takes the free lock, once. */
static uint32_t lock_early(sim *s, uint32_t ai, int cause, bool wait)
{
    const lock_params *p = s->params;
    if (!model_lock_free(s, s->att[ai].key)) return NONE;
    return model_lock_take(s, ai, p->lock_ttl, (enum cause)cause, wait);
}

static const param_spec lock_specs[] = {
    { .name = "poll", .type = PARAM_DURATION, .offset = offsetof(lock_params, poll), .def = "50ms",
      .min = 0, .min_open = true, .max = INFINITY, .help = "sleep between lock steps" },
    { .name = "max_wait", .type = PARAM_DURATION, .offset = offsetof(lock_params, max_wait), .def = "1s",
      .min = 0, .max = INFINITY, .help = "give up this long after the first lock step" },
    { .name = "on_give_up", .type = PARAM_ENUM, .offset = offsetof(lock_params, on_give_up), .def = "db",
      .choices = give_up_choices, .help = "at max_wait: query the DB (db), fail (error) or serve the expired value (stale)" },
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
    .lookup = lock_lookup,
    .wake = lock_wake,
    .query_done = model_answer_issuer,
    .early = lock_early,
};
