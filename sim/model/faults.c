/* faults.c - the scenario's faults (FAULT_KINDS in scenario.h): a
 * cache_flush is an event that empties the cache at its time; a db_slowdown
 * multiplies the service time of every query that starts within its window
 * (windows that overlap multiply). */
#include <stdlib.h>

#include "model_impl.h"

int faults_setup(sim *s)
{
    const scenario *sc = s->sc;
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
    return 0;
}

/* The flushes' events, before any arrival's. */
void faults_start(sim *s)
{
    const scenario *sc = s->sc;
    for (size_t i = 0; i < sc->nfaults; i++)
        if (sc->faults[i].kind == FAULT_CACHE_FLUSH) sched(s, sc->faults[i].at, EV_FAULT, (uint32_t)i, 0, 0);
}

void faults_free(sim *s)
{
    free(s->slow_at);
    free(s->slow_until);
    free(s->slow_factor);
}

void on_fault(sim *s, uint32_t fi)
{
    if (s->sc->faults[fi].kind == FAULT_CACHE_FLUSH) cache_flush(s);
}

double faults_slowdown(const sim *s, double t)
{
    double f = 1.0;
    for (size_t i = 0; i < s->nslow; i++)
        if (t >= s->slow_at[i] && t < s->slow_until[i]) f *= s->slow_factor[i];
    return f;
}
