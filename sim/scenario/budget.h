/* budget.h - refuses, before it starts, work that would never finish or not
 * fit: too much work (requests, retries, lock polls, keys to set up and
 * flush, time-series rows), memory beyond what the process may use, --trace
 * files beyond the free disk; and warns of latencies that one draw could push
 * beyond the histogram or the drain limit.
 *
 * The estimates come from the scenario's parameters alone (no simulation).
 * Requests, keys and rows are counted as they will be, on the low side;
 * retries and lock polls as the most the scenario allows (an upper bound: a
 * run refused for them could need that much, and says "up to").  A run's
 * memory is bounded again while it runs (run_opts.memory: what grew is
 * named).  Nothing here allocates; messages go into the caller's buffer. */
#ifndef STAMPEDE_BUDGET_H
#define STAMPEDE_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "model/scenario.h"

#define BUDGET_REQUESTS 2e9        /* simulated requests, summed over the runs */
#define BUDGET_WORK 2e9            /* work in request-equivalents (one ~ a request's events), summed over the runs */
#define BUDGET_BINS 1e7            /* time-series rows of one run, drain included */
#define BUDGET_MEMORY_SHARE 0.8    /* of the memory the process may use */
#define BUDGET_WARN_FACTOR 100     /* a latency this many times the drain limit (or beyond the histogram) is warned of */

/* What running a scenario costs, by estimate. */
typedef struct budget_estimate {
    double requests;   /* first attempts of one run, bursts included; INFINITY: unbounded */
    double per_request;/* attempts one request may make, at most (1 + the retries that fit before duration) */
    double attempts;   /* requests x per_request: attempts of one run, at most */
    double polls;      /* lock and lease polls of one run, at most */
    double keys;       /* distinct keys one run touches, expected (Zipf: distinct draws) */
    double key_setups; /* key records one run makes (state and initial expiry): every key
                        * with few keys, else the touched ones */
    double key_clears; /* keys cleared by one run's cache_flush faults */
    double work;       /* one run's work in request-equivalents */
    double end;        /* simulated end of a run, at least: duration, then work in flight */
    double bins;       /* time-series rows of one run, at least */
    double flight;     /* requests in flight at once (bursts, traffic beyond a DB that is all misses), estimated */
    double memory;     /* bytes held at once: keys' state, closed-loop clients, time series, flight */
    double available;  /* bytes the process may use: physical memory, or a lower rlimit */
    double seconds;    /* wall time of all the runs, roughly */
} budget_estimate;

/* Fills *e for nruns runs (strategies) of sc. */
void budget_estimate_of(const scenario *sc, size_t nruns, budget_estimate *e);

/* 0 when nruns runs of sc fit the limits; else 1 with msg set to
 * "FILE: error: about ... ; lower X, or pass --force to run it anyway".  With
 * force it returns 0, and msg holds the same text as a warning (else "").
 * msg also warns of a run that expects fewer than one request and of
 * latencies beyond the histogram or the drain limit.
 * budget_check is budget_check_runs for every strategy of sc. */
int budget_check_runs(const scenario *sc, size_t nruns, bool force, char *msg, size_t len);
int budget_check(const scenario *sc, bool force, char *msg, size_t len);
/* budget_check_runs for the n strategies idx[0..n) of sc only (run --strategy):
 * polls and give-ups of the others do not count. */
int budget_check_selected(const scenario *sc, const size_t *idx, size_t n, bool force, char *msg, size_t len);

/* --trace: nruns runs of sc write at least this many bytes (requests.csv rows). */
double budget_trace_bytes(const scenario *sc, size_t nruns);
/* 0 when those bytes fit the free space of the disk that holds out (its
 * nearest existing folder); else 1 with msg (a warning with force, 0). */
int budget_check_trace(const scenario *sc, size_t nruns, const char *out, bool force, char *msg, size_t len);

/* The bytes one run of sc may hold beyond its fixed part (the keys' state,
 * closed-loop clients), with jobs runs at once: run_opts.memory. */
double budget_run_memory(const scenario *sc, int jobs);
/* The bytes the process may use: physical memory, or a lower rlimit. */
double budget_available(void);

/* Byte counts and durations as the messages show them: "3.3 GB", "about 10 hours". */
void budget_fmt_bytes(char *buf, size_t n, double x);
void budget_fmt_time(char *buf, size_t n, double s);

#endif
