/* metrics.h - what a run counts: the summary, the time series, the stampede
 * groups, and how each request ended and how fast the run recovered.
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

#include "base/hist.h"
#include "vocab.h"

/* A recovery trigger (a fault or a burst): kind indexes scenario_trigger_names
 * (scenario.h); the trigger is over at `end` (a flush's end is its at). */
typedef struct trigger {
    unsigned kind;
    double at, end;
} trigger;

/* The recovery after one trigger, from the time series (README "Recovery").
 * NAN where a value does not exist (see judged). */
typedef struct recovery {
    trigger t;
    bool listed;          /* at >= warmup: triggers in the warmup are start-up, not listed */
    bool judged;          /* a baseline exists (its own window's, or an earlier trigger's) */
    double base_from, base_to;        /* the baseline's window */
    double base_good, base_p99;       /* its good ratio and p99 of answered requests */
    double worst_good;                /* the lowest good ratio of a bin after at */
    bool recovered, metastable;
    double time;                      /* recovery_time: boundary - end; NAN when not recovered */
} recovery;

#define SIZE_EXACT 1024

/* Bucket b of size_count holds sizes [lo, hi]. */
void metrics_size_bucket(int b, uint64_t *lo, uint64_t *hi);

/* One time-series row. */
typedef struct ts_row {
    uint64_t arrivals, hits, misses, stale, waited, timeouts, errors;   /* attempts */
    uint64_t db_started, db_completed, db_inflight_max, db_queue_max;
    uint64_t succeeded, failed, good;   /* requests that ended in the bin */
    double p50, p99, p999;   /* of requests answered in the bin; NAN when none was */
    double p99_all;          /* of requests ended in the bin; INFINITY when it falls among failed ones */
} ts_row;

typedef struct metrics {
    double warmup, duration, bin;

    /* summary (counted requests only) */
    uint64_t requests, attempts, ok, hits, misses;
    uint64_t failed, failed_by[FAIL_N];   /* requests that ended without a value */
    uint64_t good;                        /* ok within slo_latency of their first arrival */
    uint64_t outcomes[OUT_N];   /* attempts, by outcome */
    uint64_t db_queries, db_early, db_rejected, db_wasted;
    /* queries admitted that ended without a value, and retries not sent */
    uint64_t db_queue_timeouts, db_statement_timeouts, db_cancelled;
    uint64_t db_refused, db_outage_failed;   /* db_outage: refused at once; failed in flight at its start */
    uint64_t retries_denied;
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

    /* the SLO: a request is good when answered within slo_latency of its
     * first arrival (INFINITY: any answer); met when good/requests >= slo_target */
    double slo_latency, slo_target;

    /* recovery: one record per trigger, sorted by at; the baseline of rec[base_next]
     * is being gathered in base_lat and the base_* counts */
    recovery *rec; size_t nrec;
    double rec_tolerance, rec_factor, rec_hold;
    size_t base_next;
    uint64_t base_ended, base_goods, base_bins;
    hist base_lat;
    double last_base_from, last_base_to, last_base_good, last_base_p99;   /* NAN: none yet */

    /* run */
    uint64_t events;
    uint64_t keys_touched;     /* distinct keys a get read (a failed get reads none) */
    double end_time, wall_seconds;
    /* the drain after duration (README "Drain limit"): in flight at duration,
     * and whether the run was cut at duration + drain with work in flight */
    double drain;
    uint64_t flight_requests, flight_queries;      /* at duration */
    bool drain_limited;
    uint64_t cut_requests, cut_queries;            /* at the cut: unfinished requests (all), queries in the DB */
} metrics;

/* Returns 0 or -1 on no memory. */
int metrics_init(metrics *m, double warmup, double duration, double bin);
void metrics_free(metrics *m);

/* Moves the current bin forward to the one holding t (t never goes back);
 * inflight/queued are the DB's counts carried into new bins.  Returns 0 or -1
 * on no memory. */
int metrics_advance(metrics *m, double t, uint64_t inflight, uint64_t queued);
/* Closes the last bin at the end of the run and judges the recovery after
 * each trigger. */
void metrics_close(metrics *m, double t);

/* Sets the triggers whose recovery is judged, before the run (the baseline
 * of each is gathered as the bins close): tolerance on the good ratio, the
 * latency factor on p99, hold in seconds.  Returns 0 or -1 on no memory. */
int metrics_set_triggers(metrics *m, const trigger *t, size_t n, double tolerance, double latency_factor,
                         double hold);
/* Judges recovery on the finished time series (metrics_close does it; a test
 * may fill rows by hand and call it). */
void metrics_judge_recovery(metrics *m);
/* comparison.csv's summary of the listed, judged triggers: the longest
 * recovery time (INFINITY when one did not recover), whether every one
 * recovered and whether one is metastable (1 or 0); NAN without any. */
void metrics_recovery_summary(const metrics *m, double *time, double *recovered, double *metastable);

static inline ts_row *metrics_row(metrics *m) { return m->row; }

/* A request that was in the system from t0 to t1 (for the time-average). */
static inline void metrics_in_system(metrics *m, double t0, double t1)
{
    double a = t0 > m->warmup ? t0 : m->warmup, b = t1 < m->duration ? t1 : m->duration;
    if (b > a) m->in_system_area += b - a;
}

/* A request answered with a value now (it succeeded); latency from its first
 * arrival. */
static inline void metrics_answer(metrics *m, bool counted, double latency)
{
    ts_row *r = m->row;
    bool good = latency <= m->slo_latency;
    r->succeeded++;
    r->good += good;
    hist_add(&m->bin_lat, latency);
    if (counted) {
        m->good += good;
        hist_add(&m->lat, latency);
    }
}

/* A request ended now without a value, the way f. */
static inline void metrics_fail(metrics *m, bool counted, enum failure f)
{
    m->row->failed++;
    if (counted) {
        m->failed++;
        m->failed_by[f]++;
    }
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

/* Why a run was cut at the drain limit, in words: "the DB had not drained
 * 100 s after arrivals stopped: 89,560 queries in flight, 91,020 requests
 * unanswered" (or "N requests unanswered" when the DB was idle). */
void metrics_cut_words(char *buf, size_t n, double drain, double queries, double requests);

#endif
