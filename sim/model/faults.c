/* faults.c - the scenario's faults (FAULT_KINDS in scenario.h): a
 * cache_flush is an event that empties the cache at its time; a db_slowdown
 * multiplies the service time of every query that starts within its window
 * (windows that overlap multiply); a cache_outage makes every cache operation
 * issued within its window fail (cache operations go through
 * model_sched_cache_op_checked whenever one may fail); a db_outage fails the
 * queries in flight at its start (db.c's db_outage_start) and refuses new
 * ones until its end (db.c's model_query); a node_crash (model.c's
 * node_crash) fails the attempts of its node and orphans the node's queries,
 * and new requests and retries go to the live nodes until the node restarts.
 * This file keeps the faults' state and calls nothing of db.c or model.c:
 * run.c hands the start of a DB outage and a crash to them. */
#include <math.h>
#include <stdlib.h>

#include "model_impl.h"

int faults_setup(sim *s)
{
    const scenario *sc = s->sc;
    size_t nslow = 0;
    bool crash = false;
    s->cache_lost_at = -INFINITY;
    s->cache_checked = sc->cache.timeout < INFINITY;
    for (size_t i = 0; i < sc->nfaults; i++) {
        nslow += sc->faults[i].kind == FAULT_DB_SLOWDOWN;
        s->cache_checked |= sc->faults[i].kind == FAULT_CACHE_OUTAGE;
        crash |= sc->faults[i].kind == FAULT_NODE_CRASH;
    }
    if (crash && !(s->node_down = calloc(sc->app.nodes, sizeof *s->node_down))) return -1;
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
    return 0;
}

/* The faults' events, before any arrival's: a flush at its at; an outage at
 * its at and its until; a crash at its at and at its restart. */
void faults_start(sim *s)
{
    const scenario *sc = s->sc;
    for (size_t i = 0; i < sc->nfaults; i++) {
        const fault *f = &sc->faults[i];
        switch (f->kind) {
        case FAULT_CACHE_FLUSH: sched(s, f->at, EV_FAULT, (uint32_t)i, 0, 0); break;
        case FAULT_CACHE_OUTAGE:
        case FAULT_DB_OUTAGE:
            sched(s, f->at, EV_FAULT, (uint32_t)i, 0, 0);
            sched(s, f->until, EV_FAULT, (uint32_t)i, 0, 1);
            break;
        case FAULT_NODE_CRASH:
            sched(s, f->at, EV_FAULT, (uint32_t)i, 0, 0);
            if (isfinite(f->restart_after)) sched(s, f->at + f->restart_after, EV_FAULT, (uint32_t)i, 0, 1);
            break;
        default: break;
        }
    }
}

void faults_free(sim *s)
{
    free(s->slow_at);
    free(s->slow_until);
    free(s->slow_factor);
    free(s->node_down);
}

void model_on_fault(sim *s, uint32_t fi, uint32_t end)
{
    const fault *f = &s->sc->faults[fi];
    switch (f->kind) {
    case FAULT_CACHE_FLUSH: cache_flush(s); break;
    case FAULT_CACHE_OUTAGE:
        if (!end) {
            s->cache_down++;
            s->cache_mode = f->mode;
        } else {
            s->cache_down--;
            if (f->data_lost) {   /* it restarts empty: values, locks and leases are gone */
                cache_flush(s);
                s->cache_lost_at = s->eng.now;
            }
        }
        break;
    case FAULT_DB_OUTAGE:   /* its start: db_outage_start */
        if (end) s->db_down--;
        break;
    case FAULT_NODE_CRASH:   /* its crash: node_crash */
        if (end && !--s->node_down[f->node]) s->ndown--;   /* back, empty: its flights and waits ended with the crash */
        break;
    default: break;
    }
}

uint32_t faults_live_node(sim *s, rng *r)
{
    uint32_t nodes = s->sc->app.nodes, live = nodes - s->ndown;
    if (!live) return UINT32_MAX;
    uint32_t j = live > 1 ? (uint32_t)rng_below(r, live) : 0;
    for (uint32_t n = 0; n < nodes; n++)
        if (!s->node_down[n] && j-- == 0) return n;
    return UINT32_MAX;
}

/* A cache operation that may fail: while an outage is in progress it fails at
 * once (mode error) or after cache.timeout (mode timeout); otherwise it takes
 * its sample of cache.latency, and fails at cache.timeout when the sample is
 * longer. */
void model_sched_cache_op_checked(sim *s, uint32_t ai, uint32_t kind, uint32_t tag)
{
    const scenario *sc = s->sc;
    double now = s->eng.now, t;
    bool failed = true;
    if (s->cache_down) {
        t = s->cache_mode == OUTAGE_ERROR ? now : now + sc->cache.timeout;
    } else {
        const dist *d = &sc->cache.latency;
        double lat = d->kind == DIST_CONSTANT ? d->p1 : dist_sample(d, s->r[RNG_CACHE]);
        failed = lat > sc->cache.timeout;
        t = now + (failed ? sc->cache.timeout : lat);
    }
    if (failed) tag |= MODEL_CACHE_FAILED;   /* a get's tag is 0 */
    sched(s, t, kind, ai, s->att[ai].gen, tag);
}

double faults_slowdown(const sim *s, double t)
{
    double f = 1.0;
    for (size_t i = 0; i < s->nslow; i++)
        if (t >= s->slow_at[i] && t < s->slow_until[i]) f *= s->slow_factor[i];
    return f;
}
