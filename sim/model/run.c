/* run.c - one run: sim_run sets up a sim for one strategy of a scenario
 * (each part of the model in a fixed order, then the first events: faults,
 * then arrivals), runs the event loop until the events run out or the drain
 * limit cuts it, closes the metrics and frees everything.  The loop has one
 * way to get an event (engine_pop) and one place that hands it to its part
 * of the model (dispatch). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_impl.h"
#include "trace.h"

#define LOOK_EVERY (1u << 16)   /* events between looks at progress, the stop flag and memory */

/* An event for an attempt that has ended since it was scheduled. */
static inline bool stale(const sim *s, const event *ev)
{
    return ev->kind >= EV_RETRY && s->att[ev->a].gen != ev->b;
}

/* Fault fi starts or ends now: a DB outage's start to the DB, a crash to the
 * model, the rest to faults.c. */
static void fault_event(sim *s, uint32_t fi, uint32_t end)
{
    const fault *f = &s->sc->faults[fi];
    if (!end && f->kind == FAULT_DB_OUTAGE) db_outage_start(s);
    else if (!end && f->kind == FAULT_NODE_CRASH) model_node_crash(s, f->node);
    else model_on_fault(s, fi, end);
}

HOT void dispatch(sim *s, const event *ev)
{
    switch (ev->kind) {
    case EV_ARRIVAL: model_on_arrival(s, ev->a); break;
    case EV_CLOSED: model_on_closed(s, ev->a); break;
    case EV_TRACE: model_on_trace(s); break;
    case EV_RETRY: model_on_retry(s, ev->a); break;
    case EV_GET:
        if (__builtin_expect(ev->c != 0, 0)) model_on_get_failed(s, ev->a);
        else on_get(s, ev->a);
        break;
    case EV_TIMEOUT: model_on_timeout(s, ev->a); break;
    case EV_DB_DONE: model_on_db_done(s, ev->a, ev->b); break;
    case EV_DB_PS: model_ps_complete(s); break;
    case EV_FAULT: fault_event(s, ev->a, ev->c); break;
    case EV_DB_ABORT: model_on_db_abort(s, ev->a, ev->b); break;
    case EV_STMT_TIMEOUT: model_on_statement_timeout(s, ev->a, ev->b); break;
    case EV_QUEUE_TIMEOUT: model_on_queue_timeout(s, ev->a, ev->b); break;
    default: strategy_wake(s, ev->kind - EV_WAKE, ev->a, ev->c); break;   /* EV_WAKE + i */
    }
}

/* ---------------------------------------------------------------- set-up */

static int setup(sim *s, const scenario *sc, size_t si, const run_opts *o, metrics *m)
{
    memset(s, 0, sizeof *s);
    s->sc = sc;
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
    s->keys_dense = sc->keys.count <= KEYS_DENSE_MAX && !(o && o->keys_hashed);
    if (model_attempts_setup(s) || db_setup(s) || cache_setup(s) || faults_setup(s) ||
        strategy_setup(s, &sc->strategies[si]))
        return -1;
    if (s->kp) {   /* the keys of the first KEYS_AHEAD requests, in the stream's order */
        if (!(s->kahead = malloc(KEYS_AHEAD * sizeof *s->kahead))) return -1;
        for (unsigned i = 0; i < KEYS_AHEAD; i++) {
            s->kahead[i] = keypick_draw(s->kp, s->r[RNG_KEYS]);
            key_prefetch(s, s->kahead[i], false);
        }
    }
    /* First events: faults, then arrivals, in a fixed order. */
    faults_start(s);
    if (sources_setup(s)) return -1;
    return s->fail ? -1 : 0;
}

static void teardown(sim *s)
{
    strategy_teardown(s);
    engine_free(&s->eng);
    for (unsigned p = 0; p < RNG_NPURPOSES; p++) rng_free(s->r[p]);
    keypick_free(s->kp);
    free(s->kahead);
    model_attempts_free(s);
    db_free(s);
    cache_free(s);
    faults_free(s);
    sources_free(s);
}

/* The triggers of sc whose recovery metrics judges: every fault, then every
 * burst.  Returns 0 or -1 on no memory. */
static int set_triggers(const scenario *sc, metrics *m)
{
    size_t n = sc->nfaults + sc->clients.nbursts, k = 0;
    trigger *t = n ? calloc(n, sizeof *t) : NULL;
    if (n && !t) return -1;
    for (size_t i = 0; i < sc->nfaults; i++)
        t[k++] = (trigger){ (unsigned)sc->faults[i].kind, sc->faults[i].at,
                            /* a node that stays down: over at duration */
                            isfinite(sc->faults[i].until) ? sc->faults[i].until : sc->duration };
    for (size_t i = 0; i < sc->clients.nbursts; i++) {
        const burst *b = &sc->clients.bursts[i];
        t[k++] = (trigger){ TRIG_BURST, b->at, b->at + b->over };
    }
    int rc = metrics_set_triggers(m, t, n, sc->recovery.tolerance, sc->recovery.latency_factor, sc->recovery.hold);
    free(t);
    return rc;
}

/* ---------------------------------------------------------------- memory */

/* The most slot bytes per key, attempt and query over sc's strategy chains. */
static void slot_bytes(const scenario *sc, double *key, double *att, double *qry)
{
    *key = *att = *qry = 0;
    for (size_t i = 0; i < sc->nstrategies; i++) {
        double k = 0, a = 0, q = 0;
        for (const strategy_cfg *c = &sc->strategies[i]; c; c = strategy_cfg_inner(c)) {
            k += (double)c->ops->key_slot;
            a += (double)c->ops->att_slot;
            q += (double)c->ops->query_slot;
        }
        *key = fmax(*key, k);
        *att = fmax(*att, a);
        *qry = fmax(*qry, q);
    }
}

double sim_key_bytes(const scenario *sc)
{
    double k, a, q;
    slot_bytes(sc, &k, &a, &q);
    return (double)(sizeof(keystate) + sizeof(keygroup)) + k;
}

double sim_keys_made(const scenario *sc, double touched)
{
    return sc->keys.count <= KEYS_DENSE_MAX ? (double)sc->keys.count : touched;
}

double sim_keys_bytes(const scenario *sc, double touched)
{
    double made = sim_keys_made(sc, touched);
    if (sc->keys.count <= KEYS_DENSE_MAX) return made * sim_key_bytes(sc);
    /* the table: a power of two at least 4/3 of the records, 8 bytes a
     * slot, the old one beside the new while it doubles */
    double slots = 2048;
    while (3 * slots < 4 * made) slots *= 2;
    return made * sim_key_bytes(sc) + 1.5 * 8 * slots;
}

double sim_client_bytes(const scenario *sc)
{
    double k, a, q;
    slot_bytes(sc, &k, &a, &q);
    return (double)(sizeof(attempt) + 2 * sizeof(event)) + a;
}

double sim_flight_bytes(const scenario *sc)
{
    double k, a, q;
    slot_bytes(sc, &k, &a, &q);
    return (double)(sizeof(attempt) + sizeof(query) + 2 * sizeof(event)) + a + q;
}

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
             what, s->eng.now, (unsigned long long)engine_pending(&s->eng), ev, (unsigned long long)s->live, rq, inq,
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
        if (s.ps_dirty) model_ps_reschedule(&s);
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
        for (uint32_t k = 0; k < s.nkeys; k++) {
            metrics_group_close(m, s.kgrp[k].grp_size, s.kgrp[k].grp_counted);
            m->keys_touched += s.keys[k].touched;
        }
    }
    teardown(&s);
    return rc;
}
