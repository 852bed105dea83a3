/* db.c - the database: a pool of workers (db.workers), a FIFO queue
 * (db.queue_limit) and, with db.usl, processor sharing at the Universal
 * Scalability Law's speed; the overload controls (db.queue_timeout,
 * db.statement_timeout, clients.cancel); the query records.  A query admitted
 * ends exactly once: query_finish (its value written) or query_fail
 * (dropped, aborted or cancelled), each handing it to the strategy.
 * Invariants: in_service counts the queries holding a worker (all of them
 * under processor sharing, whose heap orders them by finish target on the
 * virtual clock); queued counts the FIFO's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_impl.h"

static uint32_t q_alloc(sim *s)
{
    if (s->q_free) {
        uint32_t i = s->q_free;
        s->q_free = s->q[i].next;
        return i;
    }
    if (s->nq == s->q_cap) {
        uint32_t ncap = s->q_cap * 2, old = s->q_cap;
        query *nq = realloc(s->q, (size_t)ncap * sizeof *nq);
        if (!nq) return MODEL_NONE;
        s->q = nq;
        s->q_cap = ncap;
        if (strategy_slots_grow(s, s->att_cap, old)) return MODEL_NONE;
    }
    return s->nq++;
}

/* Frees query i: a serial of 0 marks it free for the events still pending
 * for it; model_query sets every field of a record in use. */
static void q_release(sim *s, uint32_t i)
{
    s->q[i].serial = 0;
    s->q[i].next = s->q_free;
    s->q_free = i;
}

/* A query's row, when it ends now; t_start is empty for one that never started. */
static void trace_query(sim *s, const query *q, enum query_end how)
{
    acct_trace_query(s->trace_db, key_id(s, q->key), q->node, q->t_issue, q->flags & QF_INSERVICE, q->t_start, s->eng.now,
                     (enum cause)q->cause, q->req, vocab_query_end_names[how]);
}

static double usl_rate(const sim *s, uint64_t n)
{
    double dn = (double)n;
    return n ? 1.0 / (1.0 + s->sc->db.sigma * (dn - 1) + s->sc->db.kappa * dn * (dn - 1)) : 1.0;
}

/* Advances the virtual clock: each query in service has done vclock of work. */
static void ps_update(sim *s)
{
    double now = s->eng.now;
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
void model_ps_reschedule(sim *s)
{
    s->ps_dirty = false;
    if (!s->nps) return;
    double dt = (s->q[s->ps[0]].work - s->vclock) / usl_rate(s, s->in_service);
    double t = s->eng.now + (dt > 0 ? dt : 0);
    if (s->ps_event && s->ps_at <= t) return;
    if (s->ps_event) engine_cancel(&s->eng, s->ps_event);
    s->ps_at = t;
    s->ps_event = sched(s, t, EV_DB_PS, 0, 0, 0);
}

/* The queue or statement timeout of query qi, from now (a constant delay:
 * its own FIFO lane). */
RARE void sched_deadline(sim *s, unsigned ln, uint32_t kind, uint32_t qi)
{
    double tau = kind == EV_QUEUE_TIMEOUT ? s->sc->db.queue_timeout : s->sc->db.statement_timeout;
    sched_fifo(s, ln, s->eng.now + tau, kind, qi, s->q[qi].serial, 0);
}

/* A fixed service time longer than statement_timeout: the query ends at the
 * timeout instead (with a constant one, every query ends one delay ahead). */
RARE void sched_abort(sim *s, uint32_t qi)
{
    double t = s->eng.now + s->sc->db.statement_timeout;
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
    s->q[qi].next = MODEL_NONE;
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
    q->next = MODEL_NONE;
    s->queued--;
}

HOT void start_service(sim *s, uint32_t qi)
{
    double now = s->eng.now;
    double svc = dist_sample(&s->sc->db.latency, s->r[RNG_DB]);
    if (s->nslow) svc *= faults_slowdown(s, now);
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

/* The row of a query attempt ai's request asked for and the DB did not
 * admit (how: refused or rejected), when the DB is traced. */
static void trace_unadmitted(sim *s, const attempt *a, enum cause c, enum query_end how)
{
    if (!s->trace_db) return;
    query tmp = { .t_issue = s->eng.now, .key = a->key, .node = a->node, .req = a->req, .cause = (uint8_t)c };
    trace_query(s, &tmp, how);
}

uint32_t model_query(sim *s, uint32_t ai, enum cause c, bool wait)
{
    attempt *a = &s->att[ai];
    const scenario *sc = s->sc;
    metrics *m = s->m;
    double now = s->eng.now;
    bool has_worker = s->in_service < sc->db.workers;   /* UNLIMITED is UINT64_MAX */
    if (__builtin_expect(s->db_down != 0, 0)) {   /* a db_outage: refused at once */
        if (a->counted) m->db_refused++;
        trace_unadmitted(s, a, c, QEND_REFUSED);
        return MODEL_NONE;
    }
    if (!has_worker && sc->db.queue_limit != UNLIMITED && s->queued >= sc->db.queue_limit) {
        acct_rejected(m, a->counted);
        trace_unadmitted(s, a, c, QEND_REJECTED);
        return MODEL_NONE;
    }
    uint32_t qi = q_alloc(s);
    if (qi == MODEL_NONE) { nomem(s); return MODEL_NONE; }
    a = &s->att[ai];
    query *q = &s->q[qi];
    *q = (query){ .t_issue = now, .req = a->req, .key = a->key, .node = a->node, .serial = next_serial(s),
                  .cause = (uint8_t)c, .out = c == CAUSE_EARLY ? OUT_REFRESH : OUT_FETCH,
                  .flags = a->counted ? QF_COUNTED : 0 };
    if (wait) {
        q->issuer = ai;
        q->issuer_gen = a->gen;
        a->issued = 1;
        att_join(s, ai, qi);
    }
    for (unsigned i = 0; i < s->nq_slotted; i++) {   /* the strategies' slots start zeroed */
        struct strategy *st = s->q_slotted[i];
        memset(strategy_query_slot(st, qi), 0, st->ops->query_slot);
    }
    keygroup *k = key_group(s, q->key);
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
    metrics *m = s->m;
    double now = s->eng.now;
    query *q = &s->q[qi];
    keygroup *k = key_group(s, q->key);
    bool orphan = q->flags & QF_ORPHAN;   /* its node crashed: nothing written, nobody told */
    if (!orphan) cache_write(s, q);
    acct_query_done(m, (q->flags & (QF_WAITERS | QF_COUNTED)) == (QF_WAITERS | QF_COUNTED) && q->waiting == 0,
                    &k->grp_inflight);
    if (s->trace_db) trace_query(s, q, orphan ? QEND_ORPHANED : QEND_OK);
    worker_freed(s);
    metrics_db_level(m, now, s->in_service, s->queued);
    if (!orphan) strategy_query_done(s, qi, true);
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
        else if (how == QEND_DB_OUTAGE) m->db_outage_failed++;
        else m->db_cancelled++;
    }
    /* What its waiters fail with (a cancelled one has none left). */
    bool orphan = q->flags & QF_ORPHAN;   /* the strategies heard of it at the crash */
    if (!orphan)
        q->fail = how == QEND_QUEUE_TIMEOUT       ? FAIL_QUEUE_TIMEOUT
                  : how == QEND_STATEMENT_TIMEOUT ? FAIL_STATEMENT_TIMEOUT
                  : how == QEND_DB_OUTAGE         ? FAIL_DB_OUTAGE
                                                  : FAIL_TIMEOUT;
    key_group(s, q->key)->grp_inflight--;
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
    metrics_db_level(m, s->eng.now, s->in_service, s->queued);
    if (!orphan) strategy_query_done(s, qi, false);
    q_release(s, qi);
}

/* A DB outage starts now: every query in flight fails (the queued ones from
 * the head first, so that no worker freed here starts one, then those in
 * service in the order of their records). */
void db_outage_start(sim *s)
{
    s->db_down++;
    while (s->queued) query_fail(s, s->qhead, QEND_DB_OUTAGE);
    for (uint32_t qi = 1; qi < s->nq; qi++)
        if (s->q[qi].serial && (s->q[qi].flags & QF_INSERVICE)) query_fail(s, qi, QEND_DB_OUTAGE);
}


void model_on_queue_timeout(sim *s, uint32_t qi, uint32_t serial)
{
    if (query_is(s, qi, serial) && !(s->q[qi].flags & QF_INSERVICE)) query_fail(s, qi, QEND_QUEUE_TIMEOUT);
}

/* statement_timeout under processor sharing: wall time in service.  A query
 * whose work ends at this very instant completes instead. */
void model_on_statement_timeout(sim *s, uint32_t qi, uint32_t serial)
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
void model_cancel_if_unwaited(sim *s, uint32_t qi)
{
    const query *q = &s->q[qi];
    if (q->waiting || q->issuer == MODEL_NONE) return;
    if ((q->flags & QF_INSERVICE) && s->sc->clients.cancel != CANCEL_ALL) return;
    query_fail(s, qi, QEND_CANCELLED);
}

void model_ps_complete(sim *s)
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


void model_on_db_done(sim *s, uint32_t qi, uint32_t serial)
{
    if (query_is(s, qi, serial)) query_finish(s, qi);
}

void model_on_db_abort(sim *s, uint32_t qi, uint32_t serial)
{
    if (query_is(s, qi, serial)) query_fail(s, qi, QEND_STATEMENT_TIMEOUT);
}

int db_setup(sim *s)
{
    const scenario *sc = s->sc;
    s->db_fifo = sc->db.latency.kind == DIST_CONSTANT && !sc->db.usl;
    s->has_queue_timeout = sc->db.queue_timeout < INFINITY;
    s->q_cap = 1024;
    s->nq = 1;   /* index 0 is MODEL_NONE */
    if (!(s->q = calloc(s->q_cap, sizeof *s->q))) return -1;
    return 0;
}

void db_free(sim *s)
{
    free(s->q);
    free(s->ps);
}
