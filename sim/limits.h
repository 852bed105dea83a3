/* limits.h - refuses, before it starts, work that would never finish or not
 * fit: too many simulated requests, keys beyond memory, billions of bins.
 *
 * The estimates come from the scenario's parameters alone (no simulation) and
 * are rough but on the low side, so a refusal is never a false alarm by much.
 * Nothing here allocates; messages go into the caller's buffer. */
#ifndef STAMPEDE_LIMITS_H
#define STAMPEDE_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

#define LIMIT_REQUESTS 2e9        /* simulated requests, summed over the runs */
#define LIMIT_BINS 1e7            /* time-series rows of one run, drain included */
#define LIMIT_MEMORY_SHARE 0.8    /* of the memory the process may use */

/* What running a scenario costs, by estimate. */
typedef struct limits_estimate {
    double requests;   /* first attempts of one run, bursts included; INFINITY: unbounded */
    double end;        /* simulated end of a run, at least: duration, then work in flight */
    double bins;       /* time-series rows of one run */
    double memory;     /* bytes held at once: keys, Zipf table, closed-loop clients, time series */
    double available;  /* bytes the process may use: physical memory, or a lower rlimit */
    double seconds;    /* wall time of all the runs, roughly */
} limits_estimate;

/* Fills *e for nruns runs (strategies) of sc. */
void limits_estimate_of(const scenario *sc, size_t nruns, limits_estimate *e);

/* 0 when nruns runs of sc fit the limits; else 1 with msg set to
 * "FILE: error: about ... ; lower X, or pass --force to run it anyway".  With
 * force it returns 0, and msg holds the same text as a warning (else "").
 * msg also warns of a run that expects fewer than one request.
 * limits_check is limits_check_runs for every strategy of sc. */
int limits_check_runs(const scenario *sc, size_t nruns, bool force, char *msg, size_t len);
int limits_check(const scenario *sc, bool force, char *msg, size_t len);

#endif
