/* model.c - the model proper: attempts and requests (arrival of a first
 * attempt, the get, retries with their backoff and the retry budget, client
 * timeouts, the end of a request), the calls strategies make (model.h), and
 * the strategy bridge: the hooks of the run's strategy and of its
 * `recompute`.  Invariant: an attempt's pending events carry its gen; when
 * the attempt ends its gen changes, so events of an ended attempt are
 * recognised and dropped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrivals.h"
#include "model_impl.h"

/* ---------------------------------------------------------------- the attempt pool */

/* The pool is full: twice the records (the new ones zeroed). */
int att_grow(sim *s)
{
    uint32_t ncap = s->att_cap * 2;
    attempt *na = realloc(s->att, (size_t)ncap * sizeof *na);
    if (!na) return -1;
    memset(na + s->att_cap, 0, (size_t)(ncap - s->att_cap) * sizeof *na);
    s->att = na;
    s->att_cap = ncap;
    return 0;
}

int attempts_setup(sim *s)
{
    const scenario *sc = s->sc;
    s->has_timeout = sc->clients.timeout < INFINITY;
    s->has_budget = sc->clients.retry_budget < INFINITY && sc->clients.retries_max > 0;
    s->att_cap = 1024;
    s->natt = 1;   /* index 0 is MODEL_NONE */
    if (!(s->att = calloc(s->att_cap, sizeof *s->att))) return -1;
    return 0;
}

void attempts_free(sim *s)
{
    free(s->att);
}

/* ---------------------------------------------------------------- trace output */

void trace_attempt(sim *s, const attempt *a, enum outcome o)
{
    acct_trace_attempt(s->trace_req, a->req, a->no, a->node, a->key, a->t_arr, s->eng.now, a->t_first, o, a->issued);
}

/* ---------------------------------------------------------------- the retry budget */

/* Moves the window to the slice holding now, emptying the slices it leaves. */
RARE void budget_advance(sim *s)
{
    double f = floor(s->eng.now / BUDGET_SLICE);
    uint64_t b = f < 0x1p62 ? (uint64_t)f : (uint64_t)1 << 62;
    if (b == s->bud_slice) return;
    uint64_t steps = b - s->bud_slice < BUDGET_SLICES ? b - s->bud_slice : BUDGET_SLICES;
    for (uint64_t i = 1; i <= steps; i++) {
        size_t k = (size_t)((s->bud_slice + i) % BUDGET_SLICES);
        s->bud_sum_first -= s->bud_first[k];
        s->bud_sum_retry -= s->bud_retry[k];
        s->bud_first[k] = s->bud_retry[k] = 0;
    }
    s->bud_slice = b;
}

/* A first attempt is sent now: it adds to what retries may spend. */
void budget_deposit(sim *s)
{
    budget_advance(s);
    s->bud_first[s->bud_slice % BUDGET_SLICES]++;
    s->bud_sum_first++;
}

/* A retry is wanted now: granted (and counted) when the retries of the window,
 * this one included, stay within budget x its first attempts.  The relative
 * 1e-12 keeps a product such as 0.29 x 100 = 28.999999999999996 at 29. */
RARE bool budget_withdraw(sim *s)
{
    budget_advance(s);
    if ((double)(s->bud_sum_retry + 1) > s->sc->clients.retry_budget * (double)s->bud_sum_first * (1 + 1e-12))
        return false;
    s->bud_retry[s->bud_slice % BUDGET_SLICES]++;
    s->bud_sum_retry++;
    return true;
}

/* ---------------------------------------------------------------- requests */

void model_unjoin(sim *s, uint32_t ai)
{
    att_unjoin(s, ai);
}

void model_join(sim *s, uint32_t ai, uint32_t qi)
{
    att_join(s, ai, qi);
}

void model_finish(sim *s, uint32_t ai, enum outcome o)
{
    attempt *a = &s->att[ai];
    end_attempt(s, ai, o);
    /* Answered: the request succeeded, and ends here. */
    acct_answered(s->m, a->counted, s->eng.now - a->t_first);
    end_request(s, ai);
}

void model_fail(sim *s, uint32_t ai, enum failure f)
{
    attempt *a = &s->att[ai];
    const scenario *sc = s->sc;
    double now = s->eng.now;
    end_attempt(s, ai, failure_outcome(f));
    if (a->no <= sc->clients.retries_max) {
        double d = sc->clients.backoff * pow(sc->clients.multiplier, (double)(a->no - 1));
        if (sc->clients.full_jitter) d *= rng_uniform(s->r[RNG_RETRIES]);
        if (now + d < sc->duration) {
            if (s->has_budget && !budget_withdraw(s)) {
                /* Not sent: the request fails with this attempt. */
                if (a->counted) s->m->retries_denied++;
                metrics_fail(s->m, a->counted, FAIL_RETRY_DENIED);
                end_request(s, ai);
                return;
            }
            a->gen++;
            a->state = AS_BACKOFF;
            sched(s, now + d, EV_RETRY, ai, a->gen, 0);
            return;
        }
    }
    /* No retry follows (none left, or it would be due at or after
     * duration): the request failed, the way its last attempt did. */
    metrics_fail(s->m, a->counted, f);
    end_request(s, ai);
}

void model_answer_issuer(sim *s, uint32_t qi, bool ok)
{
    query *q = &s->q[qi];
    uint32_t ai = q->issuer;
    if (ai == MODEL_NONE) return;
    attempt *a = &s->att[ai];
    if (a->gen != q->issuer_gen || a->query != qi) return;
    if (ok) model_finish(s, ai, (enum outcome)q->out);
    else model_fail(s, ai, (enum failure)q->fail);
}

/* ---------------------------------------------------------------- the recompute strategy */

#define INNER_TAG 0x80000000u

typedef struct ctx { const void *params; void *strat; bool in_inner; } ctx;

static ctx enter_inner(sim *s)
{
    ctx c = { s->params, s->strat, s->in_inner };
    s->params = s->iparams;
    s->strat = s->istrat;
    s->in_inner = true;
    return c;
}

static void leave_inner(sim *s, ctx c)
{
    s->istrat = s->strat;   /* init may have set it */
    s->params = c.params;
    s->strat = c.strat;
    s->in_inner = c.in_inner;
}

void model_miss(sim *s, uint32_t ai, const lookup_view *v)
{
    if (s->iops) {
        ctx c = enter_inner(s);
        s->iops->lookup(s, ai, v);
        leave_inner(s, c);
    } else if (model_query(s, ai, CAUSE_MISS, true) == MODEL_NONE) {
        model_fail(s, ai, FAIL_REJECTED);
    }
}

uint32_t model_refresh(sim *s, uint32_t ai, enum cause cause, bool wait)
{
    if (!s->iops) return model_query(s, ai, cause, wait);
    ctx c = enter_inner(s);
    uint32_t q = s->iops->early(s, ai, (int)cause, wait);
    leave_inner(s, c);
    return q;
}

void strategy_wake(sim *s, uint32_t ai, uint32_t tag)
{
    if (!(tag & INNER_TAG)) {
        s->ops->wake(s, ai, tag);
        return;
    }
    ctx c = enter_inner(s);
    s->iops->wake(s, ai, tag & ~INNER_TAG);
    leave_inner(s, c);
}

void strategy_query_done(sim *s, uint32_t qi, bool ok)
{
    s->ops->query_done(s, qi, ok);
    if (s->iops) {
        ctx c = enter_inner(s);
        s->iops->query_done(s, qi, ok);
        leave_inner(s, c);
    }
}

static void strategy_abandon(sim *s, uint32_t ai)
{
    if (s->ops->abandon) s->ops->abandon(s, ai);
    if (s->iops && s->iops->abandon) {
        ctx c = enter_inner(s);
        s->iops->abandon(s, ai);
        leave_inner(s, c);
    }
}

/* ---------------------------------------------------------------- strategy calls */

void model_cache_step(sim *s, uint32_t ai, uint32_t tag)
{
    s->att[ai].state = AS_STRATEGY;
    sched_cache_op(s, ai, EV_WAKE, tag | (s->in_inner ? INNER_TAG : 0));
}

void model_sleep(sim *s, uint32_t ai, double dt, uint32_t tag)
{
    attempt *a = &s->att[ai];
    a->state = AS_STRATEGY;
    sched(s, s->eng.now + dt, EV_WAKE, ai, a->gen, tag | (s->in_inner ? INNER_TAG : 0));
}

uint32_t model_lock_take(sim *s, uint32_t ai, double ttl, enum cause c, bool wait)
{
    keystate *k = &s->keys[s->att[ai].key];
    k->lock_until = s->eng.now + ttl;
    uint32_t q = model_query(s, ai, c, wait);
    k = &s->keys[s->att[ai].key];
    if (q == MODEL_NONE) {
        k->lock_owner = next_serial(s);   /* nobody will release it */
    } else {
        k->lock_owner = s->q[q].serial;
        s->q[q].flags |= QF_LOCK;
    }
    return q;
}

const char *const give_up_choices[] = { "db", "error", "stale", NULL };

void model_give_up(sim *s, uint32_t ai, enum give_up g)
{
    model_count(s, ai, CNT_GIVEUPS);
    if (g == GIVE_UP_ERROR) {
        model_fail(s, ai, FAIL_GAVE_UP);
    } else if (g == GIVE_UP_STALE && s->att[ai].read_stale) {
        model_finish(s, ai, OUT_STALE);
    } else if (model_query(s, ai, CAUSE_GIVEUP, true) == MODEL_NONE) {
        model_fail(s, ai, FAIL_REJECTED);
    }
}

void model_count(sim *s, uint32_t ai, enum counter c)
{
    acct_count(s->m, s->att[ai].counted, c);
}

/* ---------------------------------------------------------------- events */

void on_timeout(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    if (a->state == AS_BACKOFF || a->state == AS_FREE) return;
    uint32_t qi = a->query;
    strategy_abandon(s, ai);
    model_fail(s, ai, FAIL_TIMEOUT);
    if (qi != MODEL_NONE && s->sc->clients.cancel != CANCEL_NONE) cancel_if_unwaited(s, qi);
}

void on_retry(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    a->no++;
    a->t_arr = s->eng.now;
    a->node = arrivals_node(s->sc, s->r[RNG_RETRIES]);
    start_attempt(s, ai);
}


/* ---------------------------------------------------------------- set-up */

int strategy_setup(sim *s)
{
    for (size_t k = 0; k < s->ops->nparams; k++) {
        const strategy_cfg *inner;
        if (s->ops->params[k].type != PARAM_STRATEGY) continue;
        memcpy(&inner, (const char *)s->params + s->ops->params[k].offset, sizeof inner);
        if (inner) {
            s->iops = inner->ops;
            s->iparams = inner->params;
        }
    }
    if (s->ops->init && s->ops->init(s)) return -1;
    if (s->iops && s->iops->init) {
        ctx c = enter_inner(s);
        int bad = s->iops->init(s);
        leave_inner(s, c);
        if (bad) return -1;
    }

    return 0;
}

void strategy_teardown(sim *s)
{
    if (s->ops && s->ops->fini) s->ops->fini(s);
    if (s->iops && s->iops->fini) {
        ctx c = enter_inner(s);
        s->iops->fini(s);
        leave_inner(s, c);
    }
}
