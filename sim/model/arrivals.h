/* arrivals.h - the scenario's requests: when they arrive (Poisson at a
 * constant or piecewise-constant rate, bursts, a replayed trace) and which key
 * and node each one gets.
 *
 * The simulator (model.c) schedules each source's next arrival as an event and
 * draws through the inline calls below; the live driver takes the same
 * requests from a reqsrc, which merges the sources in the order the
 * simulator's event set pops them: by time, then by when each was drawn.  Both
 * draw from the same streams (RNG_ARRIVALS for times, RNG_KEYS and RNG_NODES)
 * in the same order, so a live run sends exactly the simulator's requests:
 * the same ids, times, keys and nodes.  A replayed trace is read by
 * trace.h's reader, row by row, as the simulator reads it. */
#ifndef STAMPEDE_ARRIVALS_H
#define STAMPEDE_ARRIVALS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/rng.h"
#include "scenario.h"
#include "trace.h"

/* The next Poisson arrival after `from` (open-loop rate or schedule), or
 * INFINITY when it would come at or after duration.  *sched_i is the
 * schedule step reached (0 at the start). */
static inline double arrivals_poisson_next(const scenario *sc, size_t *sched_i, rng *r, double from)
{
    if (sc->clients.kind == ARR_RATE) {
        double t = from + rng_exponential(r, 1.0 / sc->clients.rate);
        return t < sc->duration ? t : INFINITY;
    }
    /* Piecewise-constant rate: spend one Exp(1) of "rate-time" across steps. */
    double need = rng_exponential(r, 1.0), t = from;
    const sched_step *st = sc->clients.steps;
    size_t n = sc->clients.nsteps, i = *sched_i;
    while (t < sc->duration) {
        while (i < n && st[i].at <= t) i++;
        double rate = i > 0 ? st[i - 1].rate : 0.0;
        double end = i < n ? st[i].at : sc->duration;
        if (end > sc->duration) end = sc->duration;
        if (rate > 0 && need <= (end - t) * rate) {
            t += need / rate;
            *sched_i = i;
            return t < sc->duration ? t : INFINITY;
        }
        if (rate > 0) need -= (end - t) * rate;
        t = end;
    }
    *sched_i = i;
    return INFINITY;
}

/* The next arrival of burst bi, which has *left requests to send and reached
 * position *pos of its window; INFINITY (and *left = 0) when none remains
 * before duration.  Spreads over `over` as the next of the remaining sorted
 * uniforms on (pos, 1), so memory stays O(1). */
static inline double arrivals_burst_next(const scenario *sc, size_t bi, uint64_t *left, double *pos, rng *r)
{
    const burst *b = &sc->clients.bursts[bi];
    if (!*left) return INFINITY;
    double t = b->at;
    if (b->over > 0) {
        double u = *pos;
        double v = rng_uniform_pos(r);
        u += (1.0 - u) * (1.0 - pow(v, 1.0 / (double)*left));
        *pos = u;
        t = b->at + b->over * u;
    }
    if (t < sc->duration) return t;
    *left = 0;
    return INFINITY;
}

/* The key of a request: drawn by popularity (one key: 0, no draw). */
static inline uint64_t arrivals_key(const scenario *sc, const keypick *kp, rng *r)
{
    return sc->keys.count > 1 ? keypick_draw(kp, r) : 0;
}

/* Whether burst bi's requests name their key (*key: its fixed key, or the
 * hottest), rather than drawing it by popularity. */
static inline bool arrivals_burst_fixed(const scenario *sc, size_t bi, uint64_t *key)
{
    int64_t k = sc->clients.bursts[bi].key;
    if (k == BURST_KEY_DRAWN) return false;
    *key = k == BURST_KEY_HOT ? 0 : (uint64_t)k;
    return true;
}

/* The key of a request of burst bi: its fixed key, the hottest, or drawn. */
static inline uint64_t arrivals_burst_key(const scenario *sc, size_t bi, const keypick *kp, rng *r)
{
    uint64_t key;
    return arrivals_burst_fixed(sc, bi, &key) ? key : arrivals_key(sc, kp, r);
}

/* The node of an attempt: uniform over the app nodes (one node: 0, no draw). */
static inline uint32_t arrivals_node(const scenario *sc, rng *r)
{
    return sc->app.nodes > 1 ? (uint32_t)rng_below(r, sc->app.nodes) : 0;
}

/* ---- the merged stream, for the live driver ---- */

typedef struct reqsrc {
    const scenario *sc;
    rng *arr, *keys, *nodes;   /* the streams of purposes RNG_ARRIVALS, RNG_KEYS, RNG_NODES */
    const keypick *kp;         /* NULL with one key */
    size_t nsrc;               /* 1 + bursts: source 0 is Poisson or the trace */
    double *t;                 /* next time per source, INFINITY when it has none */
    uint64_t *seq;             /* when it was drawn: ties go to the earlier */
    uint64_t *left;            /* burst requests left (index 1+i) */
    double *pos;
    uint64_t next_seq, next_req;
    size_t sched_i;
    trace_in *trace;           /* a replayed trace (trace.h), or NULL */
    uint64_t trace_key;
    uint32_t trace_node;
} reqsrc;

/* Starts the stream with the streams and key chooser the caller owns (they
 * must be fresh, as a simulator run's are); closed-loop clients are not
 * generated here.  stop (may be NULL) interrupts a wait on a trace.  Returns
 * 0, or a TI_* error (textin.h) with a message in err: no memory (TI_IO),
 * an unreadable or malformed trace. */
int arrivals_src_init(reqsrc *q, const scenario *sc, rng *arr, rng *keys, rng *nodes, const keypick *kp,
                volatile int *stop, char *err, size_t errlen);
/* The time of the next request, INFINITY when there is none. */
double arrivals_src_peek(const reqsrc *q);
/* Takes the next request: 1 with its id (0, 1, ... in order), time, key and
 * node; 0 at the end; -1 with a message in err (a malformed trace row, a
 * read error or a stop). */
int arrivals_src_next(reqsrc *q, uint64_t *id, double *t, uint32_t *key, uint32_t *node, char *err, size_t errlen);
void arrivals_src_free(reqsrc *q);

#endif
