/* arrivals.c - the merged request stream of the live driver.  Invariant of a
 * reqsrc: t[i] is source i's next arrival, already drawn, and seq[i] the
 * order in which it was drawn; the next request is the least (t, seq), as
 * the simulator's event set would pop it. */
#include "arrivals.h"

#include <stdlib.h>
#include <string.h>

#include "base/textin.h"

/* Draws source i's next arrival after `from` and stamps its tie order.
 * Returns 0, or the trace reader's TI_* error with err set. */
static int draw_next(reqsrc *q, size_t i, double from, char *err, size_t errlen)
{
    const scenario *sc = q->sc;
    if (i == 0) {
        if (sc->clients.kind == ARR_RATE || sc->clients.kind == ARR_SCHEDULE) {
            q->t[0] = arrivals_poisson_next(sc, &q->sched_i, q->arr, from);
        } else if (sc->clients.kind == ARR_TRACE) {
            trace_row row;
            int rc = trace_read(q->trace, &row, err, errlen);
            if (rc != TI_LINE && rc != TI_END) return rc;
            q->t[0] = INFINITY;   /* the end, or a row at or after duration */
            if (rc == TI_LINE && row.t < sc->duration) {
                q->t[0] = row.t;
                q->trace_key = row.key;
                q->trace_node = row.node;
            }
        } else {
            q->t[0] = INFINITY;   /* closed loop: the caller's clients */
        }
    } else {
        q->t[i] = arrivals_burst_next(sc, i - 1, &q->left[i], &q->pos[i], q->arr);
    }
    q->seq[i] = q->next_seq++;
    return 0;
}

int arrivals_src_init(reqsrc *q, const scenario *sc, rng *arr, rng *keys, rng *nodes, const keypick *kp,
                volatile int *stop, char *err, size_t errlen)
{
    memset(q, 0, sizeof *q);
    if (sc->keys.count > (uint64_t)UINT32_MAX + 1) {   /* the simulator's keys are 64-bit, the live driver's 32 */
        snprintf(err, errlen, "keys.count %llu: the live driver takes at most 2^32 keys",
                 (unsigned long long)sc->keys.count);
        return TI_BAD;
    }
    q->sc = sc;
    q->arr = arr;
    q->keys = keys;
    q->nodes = nodes;
    q->kp = kp;
    q->nsrc = 1 + sc->clients.nbursts;
    q->t = calloc(q->nsrc, sizeof *q->t);
    q->seq = calloc(q->nsrc, sizeof *q->seq);
    q->left = calloc(q->nsrc, sizeof *q->left);
    q->pos = calloc(q->nsrc, sizeof *q->pos);
    if (!q->t || !q->seq || !q->left || !q->pos || (sc->clients.kind == ARR_TRACE && !(q->trace = calloc(1, sizeof *q->trace)))) {
        snprintf(err, errlen, "out of memory");
        return TI_IO;
    }
    if (q->trace) {
        int rc = trace_open(q->trace, sc->clients.trace, sc->keys.count, sc->app.nodes, stop, err, errlen);
        if (rc) return rc;
    }
    /* The simulator's set-up order: the Poisson stream or trace, then each burst. */
    int rc = draw_next(q, 0, 0.0, err, errlen);
    if (rc) return rc;
    if (q->trace && !(q->t[0] < INFINITY)) {   /* as the simulator refuses it */
        snprintf(err, errlen, "%s: error: the trace has no row before duration: it would replay no request",
                 sc->clients.trace);
        return TI_BAD;
    }
    for (size_t i = 1; i < q->nsrc; i++) {
        q->left[i] = sc->clients.bursts[i - 1].requests;
        draw_next(q, i, 0.0, err, errlen);   /* a burst's draw cannot fail */
    }
    return 0;
}

static size_t first_source(const reqsrc *q)
{
    size_t best = 0;
    for (size_t i = 1; i < q->nsrc; i++)
        if (q->t[i] < q->t[best] || (q->t[i] == q->t[best] && q->seq[i] < q->seq[best])) best = i;
    return best;
}

double arrivals_src_peek(const reqsrc *q)
{
    return q->t[first_source(q)];
}

int arrivals_src_next(reqsrc *q, uint64_t *id, double *t, uint32_t *key, uint32_t *node, char *err, size_t errlen)
{
    size_t i = first_source(q);
    if (!(q->t[i] < INFINITY)) return 0;
    const scenario *sc = q->sc;
    *t = q->t[i];
    *id = q->next_req++;
    if (i == 0) {
        if (sc->clients.kind == ARR_TRACE) {
            *key = (uint32_t)q->trace_key;   /* the live driver keeps 32-bit keys (reqsrc_init) */
            *node = q->trace_node == UINT32_MAX ? arrivals_node(sc, q->nodes) : q->trace_node;
        } else {
            *key = (uint32_t)arrivals_key(sc, q->kp, q->keys);
            *node = arrivals_node(sc, q->nodes);
        }
    } else {
        *key = (uint32_t)arrivals_burst_key(sc, i - 1, q->kp, q->keys);
        q->left[i]--;
        *node = arrivals_node(sc, q->nodes);
    }
    if (draw_next(q, i, *t, err, errlen)) return -1;
    return 1;
}

void arrivals_src_free(reqsrc *q)
{
    free(q->t);
    free(q->seq);
    free(q->left);
    free(q->pos);
    if (q->trace) {
        trace_close(q->trace);
        free(q->trace);
    }
    memset(q, 0, sizeof *q);
}
