/* model.c - the simulated system: arrivals, attempts, the cache, the DB (pool,
 * FIFO queue, USL processor sharing) and faults, driven by the event loop.
 * Invariant: an attempt's pending events carry its gen; when the attempt ends
 * its gen changes, so events of an ended attempt are recognised and dropped. */
#include "model.h"
#include "trace.h"

#include "arrivals.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/numtext.h"

_Static_assert(sizeof(keystate) == 48, "per-key state: the README promises 48 bytes (+8 of Zipf table)");

enum ev_kind {
    EV_ARRIVAL,    /* a: source (0 Poisson/schedule, 1+i burst i) */
    EV_CLOSED,     /* a: closed-loop client */
    EV_TRACE,      /* next row of a replayed trace */
    EV_RETRY,      /* a: attempt, b: gen */
    EV_GET,        /* a: attempt, b: gen */
    EV_WAKE,       /* a: attempt, b: gen, c: strategy tag */
    EV_TIMEOUT,    /* a: attempt, b: gen */
    EV_DB_DONE,    /* a: query, b: its serial (fixed service time) */
    EV_DB_PS,      /* the next processor-sharing completion */
    EV_FAULT,      /* a: fault index */
    EV_DB_ABORT,   /* a: query, b: its serial: statement_timeout of a fixed service time */
    EV_STMT_TIMEOUT,   /* a: query, b: its serial: statement_timeout under processor sharing */
    EV_QUEUE_TIMEOUT,  /* a: query, b: its serial: queue_timeout */
};

#define LOOK_EVERY (1u << 16)   /* events between looks at progress, the stop flag and memory */

/* A step of the common path of a request, inlined into its callers: each
 * runs once or twice per request, and the calls (register saves and
 * restores) were 5% of an M/M/1 run. */
#define HOT static inline __attribute__((always_inline))
/* A step off the common path (a control that is off by default), kept out of
 * line so that the common path around it stays small enough to inline. */
#define RARE static __attribute__((noinline))

/* FIFO lanes of the engine for events a constant delay after now. */
enum { LANE_TIMEOUT, LANE_CACHE, LANE_DB, LANE_ARRIVAL, LANE_QUEUE_TIMEOUT, LANE_STMT_TIMEOUT };
_Static_assert(LANE_STMT_TIMEOUT < ENGINE_LANES, "one engine lane each");

/* ---------------------------------------------------------------- pools */

static uint32_t att_alloc(sim *s)
{
    if (s->att_free) {
        uint32_t i = s->att_free;
        s->att_free = s->att[i].next;
        s->live++;
        return i;
    }
    if (s->natt == s->att_cap) {
        uint32_t ncap = s->att_cap * 2;
        attempt *na = realloc(s->att, (size_t)ncap * sizeof *na);
        if (!na) return NONE;
        memset(na + s->att_cap, 0, (size_t)(ncap - s->att_cap) * sizeof *na);
        s->att = na;
        s->att_cap = ncap;
    }
    s->live++;
    return s->natt++;
}

static void att_release(sim *s, uint32_t i)
{
    attempt *a = &s->att[i];
    uint32_t gen = a->gen + 1;   /* gen survives reuse, so old events stay stale */
    memset(a, 0, sizeof *a);
    a->gen = gen;
    a->state = AS_FREE;
    a->next = s->att_free;
    s->att_free = i;
    s->live--;
}

static uint32_t q_alloc(sim *s)
{
    if (s->q_free) {
        uint32_t i = s->q_free;
        s->q_free = s->q[i].next;
        return i;
    }
    if (s->nq == s->q_cap) {
        uint32_t ncap = s->q_cap * 2;
        query *nq = realloc(s->q, (size_t)ncap * sizeof *nq);
        if (!nq) return NONE;
        s->q = nq;
        s->q_cap = ncap;
    }
    return s->nq++;
}

/* A serial for a query or a lock: never 0 (a free slot's, and "no owner"),
 * and not repeated within 2^32 - 1 of them. */
static inline uint32_t next_serial(sim *s)
{
    if (++s->serial == 0) ++s->serial;
    return s->serial;
}

static void q_release(sim *s, uint32_t i)
{
    memset(&s->q[i], 0, sizeof s->q[i]);
    s->q[i].next = s->q_free;
    s->q_free = i;
}

static int nomem(sim *s)
{
    s->fail = 1;
    return -1;
}

/* Schedules or records an out-of-memory failure (checked by the loop). */
HOT uint64_t sched(sim *s, double t, uint32_t kind, uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t h = engine_schedule(&s->eng, t, kind, a, b, c);
    if (!h) nomem(s);
    return h;
}

HOT void sched_fifo(sim *s, unsigned ln, double t, uint32_t kind, uint32_t a, uint32_t b, uint32_t c)
{
    if (!engine_schedule_fifo(&s->eng, ln, t, kind, a, b, c)) nomem(s);
}

/* A cache operation for attempt ai ending after a sample of cache latency. */
HOT void sched_cache_op(sim *s, uint32_t ai, uint32_t kind, uint32_t tag)
{
    const dist *d = &s->sc->cache.latency;
    if (d->kind == DIST_CONSTANT)   /* no draw: a constant leaves its stream untouched */
        sched_fifo(s, LANE_CACHE, model_now(s) + d->p1, kind, ai, s->att[ai].gen, tag);
    else
        sched(s, model_now(s) + dist_sample(d, s->r[RNG_CACHE]), kind, ai, s->att[ai].gen, tag);
}

/* ---------------------------------------------------------------- trace output */

static void trace_attempt(sim *s, const attempt *a, enum outcome o)
{
    acct_trace_attempt(s->trace_req, a->req, a->no, a->node, a->key, a->t_arr, model_now(s), a->t_first, o, a->issued);
}

/* A query's row, when it ends now; t_start is empty for one that never started. */
static void trace_query(sim *s, const query *q, enum query_end how)
{
    acct_trace_query(s->trace_db, q->key, q->node, q->t_issue, q->flags & QF_INSERVICE, q->t_start, model_now(s),
                     (enum cause)q->cause, q->req, query_end_names[how]);
}

/* ---------------------------------------------------------------- the retry budget */

/* Moves the window to the slice holding now, emptying the slices it leaves. */
RARE void budget_advance(sim *s)
{
    double f = floor(model_now(s) / BUDGET_SLICE);
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
RARE void budget_deposit(sim *s)
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

HOT void start_attempt(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    double now = model_now(s);
    acct_attempt(s->m, a->counted, a->no);
    a->state = AS_GET;
    a->query = NONE;
    uint8_t counted = a->counted;   /* issued, read_stale and sflag start at 0 */
    a->flags = 0;
    a->counted = counted;
    if (s->has_timeout)
        sched_fifo(s, LANE_TIMEOUT, now + s->sc->clients.timeout, EV_TIMEOUT, ai, a->gen, 0);
    sched_cache_op(s, ai, EV_GET, 0);
}

/* A new request (its first attempt) arrives now. */
HOT void new_request(sim *s, uint32_t key, uint32_t node, uint32_t client)
{
    uint32_t ai = att_alloc(s);
    if (ai == NONE) { nomem(s); return; }
    attempt *a = &s->att[ai];
    double now = model_now(s);
    a->req = s->next_req++;
    a->t_first = a->t_arr = now;
    a->key = key;
    a->node = node;
    a->client = client;
    a->no = 1;
    a->counted = now >= s->sc->warmup && now < s->sc->duration;
    if (s->has_budget) budget_deposit(s);
    start_attempt(s, ai);
}

static uint32_t draw_key(sim *s)
{
    return arrivals_key(s->sc, s->kp, s->r[RNG_KEYS]);
}

static uint32_t draw_node(sim *s, rng *r)
{
    return arrivals_node(s->sc, r);
}

HOT void end_request(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    double now = model_now(s);
    uint32_t client = a->client;
    metrics_in_system(s->m, a->t_first, now);
    att_release(s, ai);
    if (client) {
        double t = now + dist_sample(&s->sc->clients.think, s->r[RNG_THINK]);
        if (t < s->sc->duration) sched(s, t, EV_CLOSED, client - 1, 0, 0);
    }
}

void model_unjoin(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    if (a->query != NONE) {
        s->q[a->query].waiting--;
        a->query = NONE;
    }
}

void model_join(sim *s, uint32_t ai, uint32_t qi)
{
    attempt *a = &s->att[ai];
    a->query = qi;
    a->state = AS_QUERY;
    s->q[qi].waiting++;
    s->q[qi].flags |= QF_WAITERS;
}

/* Attempt ai ends now with outcome o: the attempt-level counts and its trace row. */
HOT void end_attempt(sim *s, uint32_t ai, enum outcome o)
{
    attempt *a = &s->att[ai];
    model_unjoin(s, ai);
    acct_attempt_end(s->m, a->counted, o);
    if (s->trace_req) trace_attempt(s, a, o);
}

void model_finish(sim *s, uint32_t ai, enum outcome o)
{
    attempt *a = &s->att[ai];
    end_attempt(s, ai, o);
    /* Answered: the request succeeded, and ends here. */
    acct_answered(s->m, a->counted, model_now(s) - a->t_first);
    end_request(s, ai);
}

void model_fail(sim *s, uint32_t ai, enum failure f)
{
    attempt *a = &s->att[ai];
    const scenario *sc = s->sc;
    double now = model_now(s);
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

/* ---------------------------------------------------------------- DB */

static double usl_rate(const sim *s, uint64_t n)
{
    double dn = (double)n;
    return n ? 1.0 / (1.0 + s->sc->db.sigma * (dn - 1) + s->sc->db.kappa * dn * (dn - 1)) : 1.0;
}

/* Advances the virtual clock: each query in service has done vclock of work. */
static void ps_update(sim *s)
{
    double now = model_now(s);
    s->vclock += (now - s->vlast) * usl_rate(s, s->in_service);
    s->vlast = now;
}

static inline bool ps_before(const sim *s, uint32_t x, uint32_t y)
{
    const query *a = &s->q[x], *b = &s->q[y];
    return a->work < b->work || (a->work == b->work && a->serial < b->serial);
}

static void ps_sift_up(sim *s, uint32_t i)
{
    uint32_t *h = s->ps, x = h[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (!ps_before(s, x, h[p])) break;
        h[i] = h[p];
        s->q[h[i]].heap = i;
        i = p;
    }
    h[i] = x;
    s->q[x].heap = i;
}

static void ps_sift_down(sim *s, uint32_t i)
{
    uint32_t *h = s->ps, x = h[i], n = s->nps;
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && ps_before(s, h[c + 1], h[c])) c++;
        if (!ps_before(s, h[c], x)) break;
        h[i] = h[c];
        s->q[h[i]].heap = i;
        i = c;
    }
    h[i] = x;
    s->q[x].heap = i;
}

static uint32_t ps_pop(sim *s)
{
    uint32_t top = s->ps[0];
    s->ps[0] = s->ps[--s->nps];
    if (s->nps) ps_sift_down(s, 0);
    return top;
}

/* Removes the query at heap position i (aborted or cancelled in service). */
static void ps_remove(sim *s, uint32_t i)
{
    uint32_t last = s->ps[--s->nps];
    if (i == s->nps) return;
    s->ps[i] = last;
    s->q[last].heap = i;
    ps_sift_up(s, i);
    ps_sift_down(s, s->q[last].heap);
}

/* Keeps one pending completion event no later than the next completion.  A
 * later completion (the DB got busier) leaves the event in place: when it
 * fires early it completes nothing and is set again.  So the heap holds one
 * PS event, not one per change of the number in service. */
static void ps_reschedule(sim *s)
{
    s->ps_dirty = false;
    if (!s->nps) return;
    double dt = (s->q[s->ps[0]].work - s->vclock) / usl_rate(s, s->in_service);
    double t = model_now(s) + (dt > 0 ? dt : 0);
    if (s->ps_event && s->ps_at <= t) return;
    if (s->ps_event) engine_cancel(&s->eng, s->ps_event);
    s->ps_at = t;
    s->ps_event = sched(s, t, EV_DB_PS, 0, 0, 0);
}

static double slowdown(const sim *s, double t)
{
    double f = 1.0;
    for (size_t i = 0; i < s->nslow; i++)
        if (t >= s->slow_at[i] && t < s->slow_until[i]) f *= s->slow_factor[i];
    return f;
}

/* The queue or statement timeout of query qi, from now (a constant delay:
 * its own FIFO lane). */
RARE void sched_deadline(sim *s, unsigned ln, uint32_t kind, uint32_t qi)
{
    double tau = kind == EV_QUEUE_TIMEOUT ? s->sc->db.queue_timeout : s->sc->db.statement_timeout;
    sched_fifo(s, ln, model_now(s) + tau, kind, qi, s->q[qi].serial, 0);
}

/* A fixed service time longer than statement_timeout: the query ends at the
 * timeout instead (with a constant one, every query ends one delay ahead). */
RARE void sched_abort(sim *s, uint32_t qi)
{
    double t = model_now(s) + s->sc->db.statement_timeout;
    if (s->db_fifo) sched_fifo(s, LANE_DB, t, EV_DB_ABORT, qi, s->q[qi].serial, 0);
    else sched(s, t, EV_DB_ABORT, qi, s->q[qi].serial, 0);
}

/* ---- the DB queue: a FIFO, doubly linked so that a query leaves from
 * anywhere (queue_timeout from the head, a cancellation from the middle) in
 * O(1).  The head's prev is never set nor read: qhead says where it starts. */

HOT void queue_push(sim *s, uint32_t qi)
{
    s->q[qi].prev = s->qtail;
    if (s->queued++) s->q[s->qtail].next = qi;
    else s->qhead = qi;
    s->qtail = qi;
}

HOT uint32_t queue_pop(sim *s)
{
    uint32_t qi = s->qhead;
    s->qhead = s->q[qi].next;
    s->q[qi].next = NONE;
    s->queued--;
    return qi;
}

static void queue_unlink(sim *s, uint32_t qi)
{
    query *q = &s->q[qi];
    if (qi == s->qhead) s->qhead = q->next;
    else s->q[q->prev].next = q->next;
    if (qi == s->qtail) s->qtail = q->prev;
    else s->q[q->next].prev = q->prev;
    q->next = NONE;
    s->queued--;
}

HOT void start_service(sim *s, uint32_t qi)
{
    double now = model_now(s);
    double svc = dist_sample(&s->sc->db.latency, s->r[RNG_DB]);
    if (s->nslow) svc *= slowdown(s, now);
    query *q = &s->q[qi];
    q->t_start = now;
    q->flags |= QF_INSERVICE;
    if (s->sc->db.usl) {
        ps_update(s);
        s->in_service++;
        q->work = s->vclock + svc;
        if (s->nps == s->ps_cap) {
            uint32_t ncap = s->ps_cap ? s->ps_cap * 2 : 64;
            uint32_t *np = realloc(s->ps, (size_t)ncap * sizeof *np);
            if (!np) { nomem(s); return; }
            s->ps = np;
            s->ps_cap = ncap;
        }
        s->ps[s->nps] = qi;
        ps_sift_up(s, s->nps++);
        s->ps_dirty = true;
        /* Its speed changes with the load: the deadline is its own event. */
        if (s->sc->db.statement_timeout < INFINITY) sched_deadline(s, LANE_STMT_TIMEOUT, EV_STMT_TIMEOUT, qi);
    } else {
        s->in_service++;
        if (__builtin_expect(svc > s->sc->db.statement_timeout, 0)) sched_abort(s, qi);
        else if (s->db_fifo) sched_fifo(s, LANE_DB, now + svc, EV_DB_DONE, qi, q->serial, 0);
        else sched(s, now + svc, EV_DB_DONE, qi, q->serial, 0);
    }
}

uint32_t model_query(sim *s, uint32_t ai, enum cause c, bool wait)
{
    attempt *a = &s->att[ai];
    const scenario *sc = s->sc;
    metrics *m = s->m;
    double now = model_now(s);
    bool has_worker = s->in_service < sc->db.workers;   /* UNLIMITED is UINT64_MAX */
    if (!has_worker && sc->db.queue_limit != UNLIMITED && s->queued >= sc->db.queue_limit) {
        acct_rejected(m, a->counted);
        if (s->trace_db) {
            query tmp = { .t_issue = now, .key = a->key, .node = a->node, .req = a->req, .cause = (uint8_t)c };
            trace_query(s, &tmp, QEND_REJECTED);
        }
        return NONE;
    }
    uint32_t qi = q_alloc(s);
    if (qi == NONE) { nomem(s); return NONE; }
    a = &s->att[ai];
    query *q = &s->q[qi];
    *q = (query){ .t_issue = now, .req = a->req, .key = a->key, .node = a->node, .serial = next_serial(s),
                  .cause = (uint8_t)c, .out = c == CAUSE_EARLY ? OUT_REFRESH : OUT_FETCH,
                  .flags = a->counted ? QF_COUNTED : 0 };
    if (wait) {
        q->issuer = ai;
        q->issuer_gen = a->gen;
        a->issued = 1;
        model_join(s, ai, qi);
    }
    keystate *k = &s->keys[q->key];
    acct_query_issue(m, a->counted, c, &k->grp_inflight, &k->grp_size, &k->grp_counted);
    if (has_worker) {
        start_service(s, qi);
    } else {
        queue_push(s, qi);
        if (s->has_queue_timeout) sched_deadline(s, LANE_QUEUE_TIMEOUT, EV_QUEUE_TIMEOUT, qi);
    }
    metrics_db_level(m, now, s->in_service, s->queued);
    return qi;
}

void model_answer_issuer(sim *s, uint32_t qi, bool ok)
{
    query *q = &s->q[qi];
    uint32_t ai = q->issuer;
    if (ai == NONE) return;
    attempt *a = &s->att[ai];
    if (a->gen != q->issuer_gen || a->query != qi) return;
    if (ok) model_finish(s, ai, (enum outcome)q->out);
    else model_fail(s, ai, (enum failure)q->fail);
}

static void strategy_query_done(sim *s, uint32_t qi, bool ok);

/* A worker frees now: the query at the head of the queue starts. */
HOT void worker_freed(sim *s)
{
    s->in_service--;
    if (s->queued) start_service(s, queue_pop(s));
}

/* Query qi leaves service now: its value is written, a worker frees, and the
 * strategy answers whoever waits on it. */
HOT void query_finish(sim *s, uint32_t qi)
{
    const scenario *sc = s->sc;
    metrics *m = s->m;
    double now = model_now(s);
    query *q = &s->q[qi];
    keystate *k = &s->keys[q->key];
    if (sc->cache.ttl > 0) {
        double ttl = sc->cache.ttl;
        if (sc->cache.ttl_jitter > 0)
            ttl *= 1.0 + sc->cache.ttl_jitter * (2.0 * rng_uniform(s->r[RNG_JITTER]) - 1.0);
        k->expiry = now + ttl;
        k->written = now;
        k->delta = (float)(now - q->t_issue);
        k->present = 1;
    }
    if ((q->flags & QF_LOCK) && k->lock_owner == q->serial && now < k->lock_until)
        k->lock_owner = 0;   /* the holder's value releases its lock */
    acct_query_done(m, (q->flags & (QF_WAITERS | QF_COUNTED)) == (QF_WAITERS | QF_COUNTED) && q->waiting == 0,
                    &k->grp_inflight);
    if (s->trace_db) trace_query(s, q, QEND_OK);
    worker_freed(s);
    metrics_db_level(m, now, s->in_service, s->queued);
    strategy_query_done(s, qi, true);
    q_release(s, qi);
}

/* Query qi ends now without a value (queue_timeout, statement_timeout,
 * cancelled): nothing is written and no lock is released; it leaves its
 * stampede group, its place in the queue or its worker frees at once, and the
 * strategy answers whoever waits on it with an error. */
RARE void query_fail(sim *s, uint32_t qi, enum query_end how)
{
    metrics *m = s->m;
    query *q = &s->q[qi];
    if (q->flags & QF_COUNTED) {
        if (how == QEND_QUEUE_TIMEOUT) m->db_queue_timeouts++;
        else if (how == QEND_STATEMENT_TIMEOUT) m->db_statement_timeouts++;
        else m->db_cancelled++;
    }
    /* What its waiters fail with (a cancelled one has none left). */
    q->fail = how == QEND_QUEUE_TIMEOUT ? FAIL_QUEUE_TIMEOUT : how == QEND_STATEMENT_TIMEOUT ? FAIL_STATEMENT_TIMEOUT
                                                                                       : FAIL_TIMEOUT;
    s->keys[q->key].grp_inflight--;
    if (s->trace_db) trace_query(s, q, how);
    if (q->flags & QF_INSERVICE) {
        if (s->sc->db.usl) {
            ps_update(s);   /* the others' progress so far, at the old speed */
            ps_remove(s, q->heap);
            s->ps_dirty = true;
        }
        /* A fixed service time's end event stays behind: its serial no longer matches. */
        worker_freed(s);
    } else {
        queue_unlink(s, qi);
    }
    metrics_db_level(m, model_now(s), s->in_service, s->queued);
    strategy_query_done(s, qi, false);
    q_release(s, qi);
}

/* The event of query qi with serial: still about the same query (slots are
 * reused, serials never). */
static inline bool query_is(const sim *s, uint32_t qi, uint32_t serial)
{
    return s->q[qi].serial == serial;
}

RARE void on_queue_timeout(sim *s, uint32_t qi, uint32_t serial)
{
    if (query_is(s, qi, serial) && !(s->q[qi].flags & QF_INSERVICE)) query_fail(s, qi, QEND_QUEUE_TIMEOUT);
}

/* statement_timeout under processor sharing: wall time in service.  A query
 * whose work ends at this very instant completes instead. */
RARE void on_statement_timeout(sim *s, uint32_t qi, uint32_t serial)
{
    if (!query_is(s, qi, serial)) return;
    ps_update(s);
    if (s->q[qi].work - s->vclock <= 1e-9 * (1.0 + fabs(s->vclock))) return;
    query_fail(s, qi, QEND_STATEMENT_TIMEOUT);
}

/* clients.cancel: attempt ai's timeout just ended its wait on query qi.  The
 * query is cancelled when it was issued for a waiting attempt, nobody waits
 * on it any more (issuer and joiners have all ended), and it is queued (or,
 * with "all", in service).  Lock and lease pollers wait on the cache, not on
 * the query: they do not keep it going. */
RARE void cancel_if_unwaited(sim *s, uint32_t qi)
{
    const query *q = &s->q[qi];
    if (q->waiting || q->issuer == NONE) return;
    if ((q->flags & QF_INSERVICE) && s->sc->clients.cancel != CANCEL_ALL) return;
    query_fail(s, qi, QEND_CANCELLED);
}

static void ps_complete(sim *s)
{
    s->ps_event = 0;
    ps_update(s);
    if (!s->nps) return;
    /* Done: work within a nanosecond of the virtual clock (rounding of the
     * event time); queries ending together complete in start order. */
    double w = s->q[s->ps[0]].work;
    if (w - s->vclock <= 1e-9 * (1.0 + fabs(s->vclock))) {
        if (s->vclock < w) s->vclock = w;
        while (s->nps && s->q[s->ps[0]].work <= w) query_finish(s, ps_pop(s));
    }
    s->ps_dirty = true;
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
    } else if (model_query(s, ai, CAUSE_MISS, true) == NONE) {
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

static void strategy_wake(sim *s, uint32_t ai, uint32_t tag)
{
    if (!(tag & INNER_TAG)) {
        s->ops->wake(s, ai, tag);
        return;
    }
    ctx c = enter_inner(s);
    s->iops->wake(s, ai, tag & ~INNER_TAG);
    leave_inner(s, c);
}

static void strategy_query_done(sim *s, uint32_t qi, bool ok)
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
    sched(s, model_now(s) + dt, EV_WAKE, ai, a->gen, tag | (s->in_inner ? INNER_TAG : 0));
}

uint32_t model_lock_take(sim *s, uint32_t ai, double ttl, enum cause c, bool wait)
{
    keystate *k = &s->keys[s->att[ai].key];
    k->lock_until = model_now(s) + ttl;
    uint32_t q = model_query(s, ai, c, wait);
    k = &s->keys[s->att[ai].key];
    if (q == NONE) {
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
    } else if (model_query(s, ai, CAUSE_GIVEUP, true) == NONE) {
        model_fail(s, ai, FAIL_REJECTED);
    }
}

void model_count(sim *s, uint32_t ai, enum counter c)
{
    acct_count(s->m, s->att[ai].counted, c);
}

/* ---------------------------------------------------------------- events */

HOT void on_get(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    keystate *k = &s->keys[a->key];
    double now = model_now(s);
    lookup_view v = { .present = k->present, .fresh = k->present && now < k->expiry,
                      .expiry = k->expiry, .delta = k->delta };
    acct_lookup(s->m, a->counted, v.fresh);
    a->state = AS_STRATEGY;
    s->ops->lookup(s, ai, &v);
}

static void on_timeout(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    if (a->state == AS_BACKOFF || a->state == AS_FREE) return;
    uint32_t qi = a->query;
    strategy_abandon(s, ai);
    model_fail(s, ai, FAIL_TIMEOUT);
    if (qi != NONE && s->sc->clients.cancel != CANCEL_NONE) cancel_if_unwaited(s, qi);
}

static void on_retry(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    a->no++;
    a->t_arr = model_now(s);
    a->node = draw_node(s, s->r[RNG_RETRIES]);
    start_attempt(s, ai);
}

/* Open-loop arrivals: source 0 is the Poisson/scheduled stream, 1+i burst i
 * (the draws are arrivals.h's, shared with the live driver). */
HOT void schedule_poisson(sim *s, double from)
{
    double t = arrivals_poisson_next(s->sc, &s->sched_i, s->r[RNG_ARRIVALS], from);
    if (t < INFINITY) sched_fifo(s, LANE_ARRIVAL, t, EV_ARRIVAL, 0, 0, 0);
}

static void schedule_burst(sim *s, size_t bi)
{
    double t = arrivals_burst_next(s->sc, bi, &s->burst_left[bi], &s->burst_pos[bi], s->r[RNG_ARRIVALS]);
    if (t < INFINITY) sched(s, t, EV_ARRIVAL, (uint32_t)(bi + 1), 0, 0);
}

HOT void on_arrival(sim *s, uint32_t src)
{
    if (src == 0) {
        new_request(s, draw_key(s), draw_node(s, s->r[RNG_NODES]), NONE);
        schedule_poisson(s, model_now(s));
        return;
    }
    size_t bi = src - 1;
    uint32_t key = arrivals_burst_key(s->sc, bi, s->kp, s->r[RNG_KEYS]);
    s->burst_left[bi]--;
    new_request(s, key, draw_node(s, s->r[RNG_NODES]), NONE);
    schedule_burst(s, bi);
}

/* Reads the next row of the trace and schedules it (trace.h says what a row
 * is); a row at or after duration ends the replay.  A problem stops the run
 * with the reader's message. */
static void trace_next(sim *s)
{
    trace_row row;
    int r = trace_read(s->trace, &row, s->trace_msg, sizeof s->trace_msg);
    if (r == TI_END) return;
    if (r != TI_LINE) {
        s->trace_rc = r;
        s->fail = 1;
        return;
    }
    if (row.t >= s->sc->duration) return;
    s->trace_key = (uint32_t)row.key;
    s->trace_node = row.node;
    sched(s, row.t, EV_TRACE, 0, 0, 0);
}

static void on_trace(sim *s)
{
    uint32_t node = s->trace_node == UINT32_MAX ? draw_node(s, s->r[RNG_NODES]) : s->trace_node;
    new_request(s, s->trace_key, node, NONE);
    trace_next(s);
}

/* A flush clears every key: the loop looks at the stop flag after it, and
 * within it every 2^20 keys (a flush of 4e9 keys takes seconds). */
static void on_fault(sim *s, uint32_t fi)
{
    const fault *f = &s->sc->faults[fi];
    if (f->kind != FAULT_CACHE_FLUSH) return;
    uint64_t n = s->sc->keys.count;
    for (uint64_t k = 0; k < n; k++) {
        s->keys[k].present = 0;
        if ((k & 0xfffff) == 0xfffff && s->stop && *s->stop) break;
    }
    s->look_in = 1;
}

/* An event for an attempt that has ended since it was scheduled. */
static inline bool stale(const sim *s, const event *ev)
{
    return ev->kind >= EV_RETRY && ev->kind <= EV_TIMEOUT && s->att[ev->a].gen != ev->b;
}

HOT void dispatch(sim *s, const event *ev)
{
    switch (ev->kind) {
    case EV_ARRIVAL: on_arrival(s, ev->a); break;
    case EV_CLOSED:
        new_request(s, draw_key(s), draw_node(s, s->r[RNG_NODES]), ev->a + 1);
        break;
    case EV_TRACE: on_trace(s); break;
    case EV_RETRY: on_retry(s, ev->a); break;
    case EV_GET: on_get(s, ev->a); break;
    case EV_WAKE: strategy_wake(s, ev->a, ev->c); break;
    case EV_TIMEOUT: on_timeout(s, ev->a); break;
    case EV_DB_DONE: if (query_is(s, ev->a, ev->b)) query_finish(s, ev->a); break;
    case EV_DB_PS: ps_complete(s); break;
    case EV_FAULT: on_fault(s, ev->a); break;
    case EV_DB_ABORT: if (query_is(s, ev->a, ev->b)) query_fail(s, ev->a, QEND_STATEMENT_TIMEOUT); break;
    case EV_STMT_TIMEOUT: on_statement_timeout(s, ev->a, ev->b); break;
    case EV_QUEUE_TIMEOUT: on_queue_timeout(s, ev->a, ev->b); break;
    default: break;
    }
}

/* ---------------------------------------------------------------- set-up */

static int setup(sim *s, const scenario *sc, size_t si, const run_opts *o, metrics *m)
{
    memset(s, 0, sizeof *s);
    s->sc = sc;
    s->cfg = &sc->strategies[si];
    s->ops = s->cfg->ops;
    s->params = s->cfg->params;
    s->m = m;
    if (o) {
        s->trace_req = o->trace_req;
        s->trace_db = o->trace_db;
        s->progress = o->progress;
        s->progress_ctx = o->progress_ctx;
        s->stop = o->stop;
    }
    if (engine_init(&s->eng, 1024)) return -1;
    for (unsigned p = 0; p < RNG_NPURPOSES; p++)
        if (!(s->r[p] = rng_new(sc->seed, p, o ? o->salt : 0))) return -1;
    if (sc->keys.count > 1 && !(s->kp = keypick_new(sc->keys.count, sc->keys.zipf_s))) return -1;
    s->db_fifo = sc->db.latency.kind == DIST_CONSTANT && !sc->db.usl;
    s->has_timeout = sc->clients.timeout < INFINITY;
    s->has_queue_timeout = sc->db.queue_timeout < INFINITY;
    s->has_budget = sc->clients.retry_budget < INFINITY && sc->clients.retries_max > 0;
    if (!(s->keys = calloc(sc->keys.count, sizeof *s->keys))) return -1;
    s->att_cap = s->q_cap = 1024;
    s->natt = s->nq = 1;   /* index 0 is NONE */
    if (!(s->att = calloc(s->att_cap, sizeof *s->att))) return -1;
    if (!(s->q = calloc(s->q_cap, sizeof *s->q))) return -1;

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

    size_t nslow = 0;
    for (size_t i = 0; i < sc->nfaults; i++) nslow += sc->faults[i].kind == FAULT_DB_SLOWDOWN;
    if (nslow) {
        s->db_fifo = false;   /* service times vary with the window */
        s->slow_at = malloc(nslow * sizeof(double));
        s->slow_until = malloc(nslow * sizeof(double));
        s->slow_factor = malloc(nslow * sizeof(double));
        if (!s->slow_at || !s->slow_until || !s->slow_factor) return -1;
        for (size_t i = 0; i < sc->nfaults; i++) {
            const fault *f = &sc->faults[i];
            if (f->kind != FAULT_DB_SLOWDOWN) continue;
            s->slow_at[s->nslow] = f->at;
            s->slow_until[s->nslow] = f->until;
            s->slow_factor[s->nslow++] = f->factor;
        }
    }
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

    /* First events: faults, then arrivals, in a fixed order. */
    for (size_t i = 0; i < sc->nfaults; i++)
        if (sc->faults[i].kind == FAULT_CACHE_FLUSH) sched(s, sc->faults[i].at, EV_FAULT, (uint32_t)i, 0, 0);
    switch (sc->clients.kind) {
    case ARR_RATE:
    case ARR_SCHEDULE: schedule_poisson(s, 0.0); break;
    case ARR_CLOSED:
        for (uint64_t c = 0; c < sc->clients.population; c++) sched(s, 0.0, EV_CLOSED, (uint32_t)c, 0, 0);
        break;
    case ARR_TRACE: {
        if (!(s->trace = malloc(sizeof *s->trace))) return -1;
        int r = trace_open(s->trace, sc->clients.trace, sc->keys.count, sc->app.nodes, s->stop, s->trace_msg,
                           sizeof s->trace_msg);
        if (r) {
            s->trace_rc = r;
            return -1;
        }
        trace_next(s);
        if (s->fail) return -1;
        /* A trace that replays nothing is a mistake, not an experiment. */
        if (s->trace->rows == 0 || s->trace->last >= sc->duration) {
            if (s->trace->rows == 0)
                snprintf(s->trace_msg, sizeof s->trace_msg,
                         "%s: error: the trace has no rows (expected lines t,key[,node])", sc->clients.trace);
            else
            {
                char t[40], d[40];
                num_fmt_shortest(t, sizeof t, s->trace->last);
                num_fmt_shortest(d, sizeof d, sc->duration);
                snprintf(s->trace_msg, sizeof s->trace_msg,
                         "%s:%llu: error: the first row is at t = %s s, not before duration (%s s): the trace "
                         "would replay no request", sc->clients.trace, (unsigned long long)trace_lineno(s->trace), t, d);
            }
            s->trace_rc = TI_BAD;
            return -1;
        }
        break;
    }
    }
    if (sc->clients.nbursts) {
        s->burst_left = calloc(sc->clients.nbursts, sizeof *s->burst_left);
        s->burst_pos = calloc(sc->clients.nbursts, sizeof *s->burst_pos);
        if (!s->burst_left || !s->burst_pos) return -1;
        for (size_t i = 0; i < sc->clients.nbursts; i++) {
            s->burst_left[i] = sc->clients.bursts[i].requests;
            schedule_burst(s, i);
        }
    }
    return s->fail ? -1 : 0;
}

static void teardown(sim *s)
{
    if (s->ops && s->ops->fini) s->ops->fini(s);
    if (s->iops && s->iops->fini) {
        ctx c = enter_inner(s);
        s->iops->fini(s);
        leave_inner(s, c);
    }
    engine_free(&s->eng);
    for (unsigned p = 0; p < RNG_NPURPOSES; p++) rng_free(s->r[p]);
    keypick_free(s->kp);
    free(s->keys);
    free(s->att);
    free(s->q);
    free(s->ps);
    free(s->slow_at);
    free(s->slow_until);
    free(s->slow_factor);
    free(s->burst_left);
    free(s->burst_pos);
    if (s->trace) {
        trace_close(s->trace);
        free(s->trace);
    }
}

/* The triggers of sc whose recovery metrics judges: every fault, then every
 * burst.  Returns 0 or -1 on no memory. */
static int set_triggers(const scenario *sc, metrics *m)
{
    size_t n = sc->nfaults + sc->clients.nbursts, k = 0;
    trigger *t = n ? calloc(n, sizeof *t) : NULL;
    if (n && !t) return -1;
    for (size_t i = 0; i < sc->nfaults; i++)
        t[k++] = (trigger){ (unsigned)sc->faults[i].kind, sc->faults[i].at, sc->faults[i].until };
    for (size_t i = 0; i < sc->clients.nbursts; i++) {
        const burst *b = &sc->clients.bursts[i];
        t[k++] = (trigger){ TRIG_BURST, b->at, b->at + b->over };
    }
    int rc = metrics_set_triggers(m, t, n, sc->recovery.tolerance, sc->recovery.latency_factor, sc->recovery.hold);
    free(t);
    return rc;
}

/* ---------------------------------------------------------------- memory */

/* Bytes the run holds in what grows with the work in flight and with time. */
typedef struct held {
    double events, requests, queries, rows, total;
} held;

static held held_of(const sim *s)
{
    held h;
    const engine *e = &s->eng;
    h.events = (double)e->cap * sizeof(event) + (double)e->cancel_cap * sizeof(uint64_t);
    for (int l = 0; l < ENGINE_LANES; l++) h.events += (double)e->lanes[l].cap * sizeof(event);
    h.requests = (double)s->att_cap * sizeof(attempt);
    h.queries = (double)s->q_cap * sizeof(query) + (double)s->ps_cap * sizeof(uint32_t);
    h.rows = (double)s->m->rows_cap * sizeof(ts_row);
    h.total = h.events + h.requests + h.queries + h.rows;
    return h;
}

static void fmt_mb(char *buf, size_t n, double bytes)
{
    if (bytes >= 1e9) snprintf(buf, n, "%.1f GB", bytes / 1e9);
    else snprintf(buf, n, "%.0f MB", bytes / 1e6);
}

/* What grew, and the field to change: after "out of memory" or beyond the
 * run's memory bound. */
static void describe_memory(const sim *s, const char *what, char *buf, size_t n)
{
    held h = held_of(s);
    char ev[32], rq[32], qu[32], ro[32];
    fmt_mb(ev, sizeof ev, h.events);
    fmt_mb(rq, sizeof rq, h.requests);
    fmt_mb(qu, sizeof qu, h.queries);
    fmt_mb(ro, sizeof ro, h.rows);
    const char *field;
    double inq = (double)(s->in_service + s->queued);
    if (h.rows >= h.events && h.rows >= h.requests && h.rows >= h.queries)
        field = "raise bin or lower drain (the time series grew)";
    else if (inq >= 0.5 * (double)s->live)
        field = "set db.queue_limit (or lower the arrival rate, or raise db.workers): the DB queue grew";
    else
        field = "set clients.timeout (or lower the arrival rate): requests waiting outside the DB grew";
    snprintf(buf, n, "%s at t = %.6g s: %llu events pending (%s), %llu requests in flight (%s), %.0f DB queries "
             "in flight (%s), %llu time-series rows (%s); %s",
             what, model_now(s), (unsigned long long)engine_pending(&s->eng), ev, (unsigned long long)s->live, rq, inq,
             qu, (unsigned long long)s->m->nrows, ro, field);
}

/* ---------------------------------------------------------------- the run */

/* The run stops at duration + drain with work in flight: each request still
 * unanswered fails as unfinished, in the bin of the cut. */
static int cut_at_drain(sim *s, double end)
{
    metrics *m = s->m;
    if (metrics_advance(m, end, s->in_service, s->queued)) return nomem(s);
    s->eng.now = end;
    m->drain_limited = true;
    m->cut_requests = s->live;
    m->cut_queries = s->in_service + s->queued;
    for (uint32_t i = 1; i < s->natt; i++) {
        attempt *a = &s->att[i];
        if (a->state == AS_FREE) continue;
        if (a->state != AS_BACKOFF) end_attempt(s, i, OUT_UNFINISHED);
        metrics_fail(m, a->counted, FAIL_UNFINISHED);
        metrics_in_system(m, a->t_first, end);
        att_release(s, i);
    }
    return 0;
}

int run_metrics_setup(const scenario *sc, metrics *m)
{
    m->slo_latency = sc->slo.latency;
    m->slo_target = sc->slo.target;
    return set_triggers(sc, m);
}

/* A run that held too much memory: what, then what it held. */
static enum status_code memory_status(const sim *s, const char *what, struct status *st)
{
    char buf[2048];
    describe_memory(s, what, buf, sizeof buf);
    return status_set(st, STATUS_FAILED, "%s", buf);
}

/* Why a run that set s->fail stopped: the stop flag while reading a trace,
 * the trace reader's problem (an unreadable or malformed trace is bad input),
 * or no memory. */
static enum status_code failure_status(const sim *s, struct status *st)
{
    if (s->trace_rc == TI_STOP) return STATUS_STOPPED;
    if (s->trace_rc)
        return status_set(st, s->trace_rc == TI_BAD ? STATUS_INPUT : STATUS_FAILED, "%s", s->trace_msg);
    return memory_status(s, "out of memory", st);
}

enum status_code sim_run(const scenario *sc, size_t si, const run_opts *o, metrics *m, struct status *st)
{
    sim s;
    enum status_code rc = STATUS_OK;
    m->drain = sc->drain;
    if (setup(&s, sc, si, o, m) || run_metrics_setup(sc, m)) {
        if (s.trace_rc) rc = failure_status(&s, st);
        else rc = status_set(st, STATUS_FAILED, "out of memory setting up the run (keys.count %llu)",
                             (unsigned long long)sc->keys.count);
        teardown(&s);
        return rc;
    }
    event ev;
    double bin_end = sc->bin, last = 0, drain_end = sc->duration + sc->drain;
    double bound = o ? o->memory : 0;
    bool warm = sc->warmup <= 0, past = false, over = false;
    s.look_in = LOOK_EVERY;
    /* The first time at which an event needs more than its handler: the end
     * of the current bin, the end of warmup, duration (what is in flight
     * then), past the drain limit.  One comparison per event. */
    double beyond_drain = nextafter(drain_end, INFINITY);
    double mark = fmin(fmin(bin_end, sc->duration), fmin(warm ? INFINITY : sc->warmup, beyond_drain));
    while (!s.fail && engine_pop(&s.eng, &ev)) {
        if (stale(&s, &ev)) continue;
        if (ev.t >= mark) {
            if (!past && ev.t >= sc->duration) {
                past = true;
                m->flight_requests = s.live;
                m->flight_queries = s.in_service + s.queued;
            }
            if (ev.t > drain_end) {
                /* Work still in flight: the drain limit. */
                if (s.live || s.in_service || s.queued) {
                    if (cut_at_drain(&s, drain_end) == 0) last = drain_end;
                }
                break;
            }
            if (ev.t >= bin_end) {
                if (metrics_advance(m, ev.t, s.in_service, s.queued)) { nomem(&s); break; }
                bin_end = (double)(m->cur + 1) * sc->bin;
            }
            if (!warm && ev.t >= sc->warmup) {
                warm = true;
                metrics_db_level(m, ev.t, s.in_service, s.queued);
            }
            mark = fmin(fmin(bin_end, past ? INFINITY : sc->duration), fmin(warm ? INFINITY : sc->warmup, beyond_drain));
        }
        last = ev.t;
        m->events++;
        dispatch(&s, &ev);
        if (s.ps_dirty) ps_reschedule(&s);
        if (--s.look_in == 0) {
            s.look_in = LOOK_EVERY;
            if (s.progress) s.progress(s.progress_ctx, ev.t);
            if (s.stop && *s.stop) { rc = STATUS_STOPPED; break; }
            if (bound > 0) {
                /* every part may double before the next look: room for that */
                if (2 * held_of(&s).total > bound) { over = true; break; }
            }
        }
    }
    if (over) {
        char b1[32], b2[96];
        fmt_mb(b1, sizeof b1, bound);
        snprintf(b2, sizeof b2, "the run outgrew the %s of memory it may use", b1);
        rc = memory_status(&s, b2, st);
    } else if (s.fail) {
        rc = failure_status(&s, st);
    }
    if (rc == STATUS_OK) {
        metrics_close(m, last);
        for (uint64_t k = 0; k < sc->keys.count; k++)
            metrics_group_close(m, s.keys[k].grp_size, s.keys[k].grp_counted);
    }
    teardown(&s);
    return rc;
}
