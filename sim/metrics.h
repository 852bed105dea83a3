/* metrics.h - what a run counts: the summary, the time series and the
 * stampede groups.
 *
 * The model reports each happening once, at the simulated time it happens;
 * metrics files it under the summary (only for counted requests, see the
 * contract's "Counting") and under the time-series bin of that time.  Memory
 * is one histogram for the run, one for the current bin, and a fixed row per
 * bin: it grows with simulated time / bin width, never with requests.  The
 * caller owns a metrics record (metrics_init/metrics_free). */
#ifndef STAMPEDE_METRICS_H
#define STAMPEDE_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"

/* Strategy action counters (summary "strategy" object). */
enum counter {
    CNT_LOCK_WAITS,      /* attempts that waited for another's lock */
    CNT_GIVEUPS,         /* attempts that reached max_wait (lock, coalesce) */
    CNT_COALESCED,       /* attempts that joined a query in flight */
    CNT_EARLY_REFRESH,   /* early or background refreshes started */
    CNT_STALE_SERVES,    /* attempts served an expired value */
    CNT_N
};
extern const char *const counter_names[CNT_N];

#define SIZE_EXACT 1024

/* Bucket b of size_count holds sizes [lo, hi]. */
void metrics_size_bucket(int b, uint64_t *lo, uint64_t *hi);

/* One time-series row. */
typedef struct ts_row {
    uint64_t arrivals, hits, misses, stale, waited, timeouts, errors;
    uint64_t db_started, db_completed, db_inflight_max, db_queue_max;
    double p50, p99, p999;   /* NAN when nobody was answered in the bin */
} ts_row;

typedef struct metrics {
    double warmup, duration, bin;

    /* summary (counted requests only) */
    uint64_t requests, attempts, ok, hits, misses;
    uint64_t outcomes[7];
    uint64_t db_queries, db_early, db_rejected, db_wasted;
    uint64_t peak_inflight, peak_queue;
    uint64_t stampedes, stampede_total, stampede_max;
    /* stampede sizes: exact below SIZE_EXACT, then one bucket per power of two */
    uint64_t size_count[SIZE_EXACT + 64];
    uint64_t counters[CNT_N];
    hist lat;
    /* time-average of requests in the system over [warmup, duration): the
     * integral of the number in the system, summed request by request */
    double in_system_area;

    /* time series */
    ts_row *rows; uint64_t nrows, rows_cap;
    uint64_t cur;            /* index of the current bin */
    ts_row *row;             /* &rows[cur], kept by metrics_init/metrics_advance */
    hist bin_lat;

    /* run */
    uint64_t events;
    double end_time, wall_seconds;
} metrics;

/* Returns 0 or -1 on no memory. */
int metrics_init(metrics *m, double warmup, double duration, double bin);
void metrics_free(metrics *m);

/* Moves the current bin forward to the one holding t (t never goes back);
 * inflight/queued are the DB's counts carried into new bins.  Returns 0 or -1
 * on no memory. */
int metrics_advance(metrics *m, double t, uint64_t inflight, uint64_t queued);
/* Closes the last bin at the end of the run. */
void metrics_close(metrics *m, double t);

static inline ts_row *metrics_row(metrics *m) { return m->row; }

/* A request that was in the system from t0 to t1 (for the time-average). */
static inline void metrics_in_system(metrics *m, double t0, double t1)
{
    double a = t0 > m->warmup ? t0 : m->warmup, b = t1 < m->duration ? t1 : m->duration;
    if (b > a) m->in_system_area += b - a;
}

/* A request answered with a value at t; latency from its first arrival. */
static inline void metrics_answer(metrics *m, bool counted, double latency)
{
    hist_add(&m->bin_lat, latency);
    if (counted) hist_add(&m->lat, latency);
}

/* DB occupancy changed (in service, waiting) at t. */
static inline void metrics_db_level(metrics *m, double t, uint64_t inflight, uint64_t queued)
{
    ts_row *r = m->row;
    if (inflight > r->db_inflight_max) r->db_inflight_max = inflight;
    if (queued > r->db_queue_max) r->db_queue_max = queued;
    if (t >= m->warmup) {
        if (inflight > m->peak_inflight) m->peak_inflight = inflight;
        if (queued > m->peak_queue) m->peak_queue = queued;
    }
}

/* Stampede groups, per key: a query issued at t joins the key's current group
 * when one of its queries is unfinished; otherwise the old group closes. */
void metrics_group_issue(metrics *m, uint32_t *inflight, uint32_t *size, uint8_t *counted, bool q_counted);
void metrics_group_close(metrics *m, uint32_t size, uint8_t counted);

double metrics_stampede_mean(const metrics *m);

#endif
