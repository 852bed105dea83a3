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
int model_att_grow(sim *s)
{
    uint32_t ncap = s->att_cap * 2;
    attempt *na = realloc(s->att, (size_t)ncap * sizeof *na);
    if (!na) return -1;
    memset(na + s->att_cap, 0, (size_t)(ncap - s->att_cap) * sizeof *na);
    s->att = na;
    uint32_t old = s->att_cap;
    s->att_cap = ncap;
    return strategy_slots_grow(s, old, s->q_cap);
}

int model_attempts_setup(sim *s)
{
    const scenario *sc = s->sc;
    s->has_timeout = sc->clients.timeout < INFINITY;
    s->has_budget = sc->clients.retry_budget < INFINITY && sc->clients.retries_max > 0;
    s->att_cap = 1024;
    s->natt = 1;   /* index 0 is MODEL_NONE */
    if (!(s->att = calloc(s->att_cap, sizeof *s->att))) return -1;
    return 0;
}

void model_attempts_free(sim *s)
{
    free(s->att);
}

/* ---------------------------------------------------------------- trace output */

void trace_attempt(sim *s, const attempt *a, enum outcome o)
{
    acct_trace_attempt(s->trace_req, a->req, a->no, a->node, key_id(s, a->key), a->t_arr, s->eng.now, a->t_first, o, a->issued);
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
    /* While a db_outage refuses every query, a query refused at once was
     * refused by it (the queue takes none then). */
    if (f == FAIL_REJECTED && s->db_down) f = FAIL_DB_OUTAGE;
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

/* ---------------------------------------------------------------- the strategy bridge */

void model_miss(sim *s, struct strategy *self, uint32_t ai, const lookup_view *v)
{
    struct strategy *in = self->inner;
    if (in) in->ops->lookup(s, in, ai, v);
    else model_cache_fallback(s, ai);
}

uint32_t model_refresh(sim *s, struct strategy *self, uint32_t ai, enum cause c, bool wait)
{
    struct strategy *in = self->inner;
    return in ? in->ops->early(s, in, ai, c, wait) : model_query(s, ai, c, wait);
}

void strategy_wake(sim *s, unsigned id, uint32_t ai, uint32_t tag)
{
    struct strategy *st = &s->inst[id];
    if ((tag & MODEL_CACHE_FAILED) && s->sc->app.on_cache_error == CACHE_ERROR_FAIL) {
        strategy_abandon(s, ai);
        model_fail(s, ai, FAIL_CACHE_ERROR);
        return;
    }
    st->ops->wake(s, st, ai, tag);
}

void model_on_get_failed(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    acct_lookup(s->m, a->counted, false);   /* a miss: no value was read */
    if (s->sc->app.on_cache_error == CACHE_ERROR_FAIL) {
        model_fail(s, ai, FAIL_CACHE_ERROR);
        return;
    }
    lookup_view v = { .cache_error = true };
    a->state = AS_STRATEGY;
    s->inst->ops->lookup(s, s->inst, ai, &v);
}

void model_cache_fallback(sim *s, uint32_t ai)
{
    if (model_query(s, ai, CAUSE_MISS, true) == MODEL_NONE) model_fail(s, ai, FAIL_REJECTED);
}

bool model_cache_up(const sim *s) { return !s->cache_down; }
double model_cache_lost_at(const sim *s) { return s->cache_lost_at; }

void strategy_abandon(sim *s, uint32_t ai)
{
    for (unsigned i = 0; i < s->ninst; i++) {
        struct strategy *st = &s->inst[i];
        if (st->ops->abandon) st->ops->abandon(s, st, ai);
    }
}

void model_cache_step(sim *s, struct strategy *self, uint32_t ai, uint32_t tag)
{
    s->att[ai].state = AS_STRATEGY;
    sched_cache_op(s, ai, EV_WAKE + self->id, tag);
}

void model_sleep(sim *s, struct strategy *self, uint32_t ai, double dt, uint32_t tag)
{
    attempt *a = &s->att[ai];
    a->state = AS_STRATEGY;
    sched(s, s->eng.now + dt, EV_WAKE + self->id, ai, a->gen, tag);
}

/* ---------------------------------------------------------------- what strategies see and do */

double model_now(const sim *s) { return s->eng.now; }
uint32_t model_att_key(const sim *s, uint32_t ai) { return s->att[ai].key; }
uint32_t model_att_node(const sim *s, uint32_t ai) { return s->att[ai].node; }
uint32_t model_att_query(const sim *s, uint32_t ai) { return s->att[ai].query; }
uint32_t model_query_key(const sim *s, uint32_t qi) { return s->q[qi].key; }
uint32_t model_query_node(const sim *s, uint32_t qi) { return s->q[qi].node; }
enum cause model_query_cause(const sim *s, uint32_t qi) { return (enum cause)s->q[qi].cause; }
enum failure model_query_failure(const sim *s, uint32_t qi) { return (enum failure)s->q[qi].fail; }
rng *model_strategy_rng(sim *s) { return s->r[RNG_STRATEGY]; }
void model_out_of_memory(sim *s) { nomem(s); }

void model_read_stale(sim *s, uint32_t ai, bool present)
{
    s->att[ai].read_stale = present;
}

const char *const model_give_up_choices[] = { "db", "error", "stale", NULL };

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

void model_on_timeout(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    if (a->state == AS_BACKOFF || a->state == AS_FREE) return;
    uint32_t qi = a->query;
    strategy_abandon(s, ai);
    model_fail(s, ai, FAIL_TIMEOUT);
    if (qi != MODEL_NONE && s->sc->clients.cancel != CANCEL_NONE) model_cancel_if_unwaited(s, qi);
}

/* App node n crashes now: its attempts fail (a retry goes to a live node),
 * then its queries still in flight become orphans: the DB goes on with them,
 * nothing they return is written, and the strategies hear now that they
 * failed (a lock or a lease they hold is never released; the joiners of a
 * flight they lead fail). */
void model_node_crash(sim *s, uint32_t n)
{
    if (s->node_down[n]++) return;   /* down already */
    s->ndown++;
    for (uint32_t ai = 1; ai < s->natt; ai++) {
        attempt *a = &s->att[ai];
        if (a->node != n || a->state == AS_FREE || a->state == AS_BACKOFF) continue;
        strategy_abandon(s, ai);
        model_fail(s, ai, FAIL_NODE_CRASH);
    }
    for (uint32_t qi = 1; qi < s->nq; qi++) {
        query *q = &s->q[qi];
        if (!q->serial || q->node != n || (q->flags & QF_ORPHAN)) continue;
        q->flags |= QF_ORPHAN;
        q->fail = FAIL_NODE_CRASH;
        strategy_query_done(s, qi, false);
    }
}

void model_on_retry(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    a->no++;
    a->t_arr = s->eng.now;
    a->node = arrivals_node(s->sc, s->r[RNG_RETRIES]);
    bool dead = false;
    if (node_is_down(s, a->node)) {   /* a crashed node: re-drawn among the live ones */
        uint32_t n = faults_live_node(s, s->r[RNG_RETRIES]);
        dead = n == UINT32_MAX;
        a->node = dead ? 0 : n;
    }
    start_attempt(s, ai);
    if (dead) model_fail(s, ai, FAIL_NODE_CRASH);   /* every node is down */
}


/* ---------------------------------------------------------------- set-up */

/* The query_done of an instance without one: the issuer gets the usual end. */
static void answer_issuer(sim *s, struct strategy *self, uint32_t qi, bool ok)
{
    (void)self;
    model_answer_issuer(s, qi, ok);
}

int strategy_setup(sim *s, const strategy_cfg *cfg)
{
    unsigned n = 0;
    for (const strategy_cfg *c = cfg; c; c = strategy_cfg_inner(c)) n++;
    s->inst = calloc(n, sizeof *s->inst);
    s->att_slotted = calloc(n, sizeof *s->att_slotted);
    s->q_slotted = calloc(n, sizeof *s->q_slotted);
    if (!s->inst || !s->att_slotted || !s->q_slotted) return -1;
    for (const strategy_cfg *c = cfg; c; c = strategy_cfg_inner(c)) {
        struct strategy *st = &s->inst[s->ninst];
        st->ops = c->ops;
        st->params = c->params;
        st->query_done = st->ops->query_done ? st->ops->query_done : answer_issuer;
        st->id = s->ninst++;
        if (st->id) s->inst[st->id - 1].inner = st;
        if (st->ops->key_slot && !(st->key_slots = calloc(s->keys_cap, st->ops->key_slot))) return -1;
        if (st->ops->att_slot) s->att_slotted[s->natt_slotted++] = st;
        if (st->ops->query_slot) s->q_slotted[s->nq_slotted++] = st;
    }
    if (strategy_slots_grow(s, 0, 0)) return -1;
    for (unsigned i = 0; i < s->ninst; i++)
        if (s->inst[i].ops->init && s->inst[i].ops->init(s, &s->inst[i])) return -1;
    return 0;
}

void strategy_teardown(sim *s)
{
    for (unsigned i = 0; i < s->ninst; i++) {
        struct strategy *st = &s->inst[i];
        if (st->ops->fini) st->ops->fini(s, st);
        free(st->key_slots);
        free(st->att_slots);
        free(st->query_slots);
    }
    free(s->inst);
    free(s->att_slotted);
    free(s->q_slotted);
}
