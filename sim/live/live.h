/* live.h - `stampede live`: a scenario's requests sent in real time to a real
 * Redis (the cache) and PostgreSQL (the database), each strategy done as
 * production code does it, counted into the same metrics record as a
 * simulated run.
 *
 * live_open connects once (Redis: command and pub/sub connections; PostgreSQL:
 * a pool of db.workers connections) and live_run runs one strategy on them,
 * as often as wanted; live_close ends the connections.  Each run uses its own
 * key names and removes its keys when it ends.  One event loop on one thread
 * (epoll), with hiredis's async API and libpq's non-blocking one.  The caller
 * owns the session and the metrics it passes in; a failed call leaves
 * nothing behind but its message in err (no "stampede: " prefix). */
#ifndef STAMPEDE_LIVE_H
#define STAMPEDE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/hist.h"
#include "model/metrics.h"
#include "model/scenario.h"

typedef struct live_config {
    const char *redis_url;       /* redis://[:password@]host[:port][/db] or unix://[:password@]/path[?db=N] */
    const char *pg_conninfo;     /* a libpq connection string or URI */
    double max_drain;            /* how long work may go on after duration; beyond it the run fails */
} live_config;

/* What a live run measured about itself (summary.json's "live" object). */
typedef struct live_stats {
    hist rtt;                    /* round trips of requests' gets (their first read of the cache) */
    hist lag;                    /* how late each request was sent against its scheduled time */
    double db_overhead;          /* a query's time beyond its pg_sleep, measured when the pool opened */
    double svc_err_sum, svc_err_max;   /* a query's measured time in service minus the drawn one */
    uint64_t svc_n;
    uint64_t redis_commands;
    uint32_t redis_connections, pg_connections;
} live_stats;

typedef struct live live;

/* A message when a strategy or the scenario cannot run live (e.g. USL
 * overload: a real database has its own), NULL when it can. */
const char *live_refusal(const scenario *sc, char *buf, size_t n);

/* Connects to both servers and prepares them.  Returns 0, -1 with a message
 * (unreachable, refused, bad credentials), or -2 when the URL or the
 * connection string itself is wrong (a usage error). */
int live_open(live **out, const scenario *sc, const live_config *cfg, char *err, size_t errlen);

/* Runs strategy si of the session's scenario in real time and fills *m
 * (initialised by the caller with metrics_init) and *st.  The trace files
 * get the simulator's rows when not NULL.  Returns 0; 1 when *stop was set
 * (a signal); -1 on a failure (a server error, a lost connection, a run that
 * did not drain in time). */
int live_run(live *L, size_t si, metrics *m, live_stats *st, FILE *treq, FILE *tdb, volatile int *stop, char *err,
             size_t errlen);

void live_close(live *L);

/* The URL or connection string with any password replaced by "***". */
void live_redact(const char *in, char *out, size_t n);

#endif
