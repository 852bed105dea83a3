/* output.h - the folders stampede writes (outdir: one transaction each, with
 * the marker that says they are stampede's), and the results folder of a run:
 * summary.json, timeseries.csv, comparison.csv and the trace files, written
 * whole or not at all.
 *
 * results_open builds everything in a hidden sibling folder; results_commit
 * swaps it into place (the previous folder survives until then).
 * results_close frees the handle and, unless it was committed, removes what was
 * built.  The caller owns the handle and always ends it with results_close. */
#ifndef STAMPEDE_OUTPUT_H
#define STAMPEDE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/outdir.h"
#include "model/metrics.h"
#include "model/scenario.h"

/* The comparison's columns (comparison.csv, runs.csv, sweep.csv), in order:
 * how requests ended first (failed, SLO, latency of all requests, recovery),
 * then the rest.  Timeouts, errors, stale, waited, hits and misses count
 * attempts.  X(id, name, kind, value): kind is what the cells hold (csvin.h's
 * CK_*), value its expression over the run's metrics m and the derived values
 * d (metrics_columns).  The failure kinds and the strategy counters come from
 * their own tables (model/vocab.h) through XFAIL and XCNT, which take those
 * tables' entries. */
#define RESULT_COLUMNS(X, XFAIL, XCNT) \
    X(REQUESTS, "requests", CK_COUNT, (double)m->requests) \
    X(FAILED, "failed", CK_COUNT, (double)m->failed) \
    X(FAILED_RATIO, "failed_ratio", CK_FRACTION | CK_EMPTY, m->requests ? (double)m->failed / (double)m->requests : NAN) \
    FAILURE_KINDS(XFAIL) \
    X(GOOD, "good", CK_COUNT, (double)m->good) \
    X(GOOD_RATIO, "good_ratio", CK_FRACTION | CK_EMPTY, d.good_ratio) \
    X(SLO_MET, "slo_met", CK_FRACTION | CK_EMPTY, isnan(d.good_ratio) ? NAN : d.good_ratio >= m->slo_target) \
    X(P50_ALL, "p50_all", CK_SECONDS | CK_EMPTY | CK_INF, hist_quantile_all(&m->lat, m->failed, 0.50)) \
    X(P90_ALL, "p90_all", CK_SECONDS | CK_EMPTY | CK_INF, hist_quantile_all(&m->lat, m->failed, 0.90)) \
    X(P99_ALL, "p99_all", CK_SECONDS | CK_EMPTY | CK_INF, hist_quantile_all(&m->lat, m->failed, 0.99)) \
    X(P999_ALL, "p999_all", CK_SECONDS | CK_EMPTY | CK_INF, hist_quantile_all(&m->lat, m->failed, 0.999)) \
    X(RECOVERY_TIME, "recovery_time", CK_SECONDS | CK_EMPTY | CK_INF, d.recovery_time) \
    X(RECOVERED, "recovered", CK_FRACTION | CK_EMPTY, d.recovered) \
    X(METASTABLE, "metastable", CK_FRACTION | CK_EMPTY, d.metastable) \
    X(ATTEMPTS, "attempts", CK_COUNT, (double)m->attempts) \
    X(OK, "ok", CK_COUNT, (double)m->ok) \
    X(HITS, "hits", CK_COUNT, (double)m->hits) \
    X(MISSES, "misses", CK_COUNT, (double)m->misses) \
    X(HIT_RATIO, "hit_ratio", CK_FRACTION | CK_EMPTY, \
      m->hits + m->misses ? (double)m->hits / (double)(m->hits + m->misses) : NAN) \
    X(STALE, "stale", CK_COUNT, (double)m->outcomes[OUT_STALE]) \
    X(WAITED, "waited", CK_COUNT, (double)m->outcomes[OUT_WAITED]) \
    X(TIMEOUTS, "timeouts", CK_COUNT, (double)m->outcomes[OUT_TIMEOUT]) \
    X(ERRORS, "errors", CK_COUNT, (double)m->outcomes[OUT_ERROR]) \
    X(RETRIES_DENIED, "retries_denied", CK_COUNT, (double)m->retries_denied) \
    X(DB_QUERIES, "db_queries", CK_COUNT, (double)m->db_queries) \
    X(DB_EARLY, "db_early", CK_COUNT, (double)m->db_early) \
    X(DB_REJECTED, "db_rejected", CK_COUNT, (double)m->db_rejected) \
    X(DB_QUEUE_TIMEOUTS, "db_queue_timeouts", CK_COUNT, (double)m->db_queue_timeouts) \
    X(DB_STATEMENT_TIMEOUTS, "db_statement_timeouts", CK_COUNT, (double)m->db_statement_timeouts) \
    X(DB_CANCELLED, "db_cancelled", CK_COUNT, (double)m->db_cancelled) \
    X(DB_REFUSED, "db_refused", CK_COUNT, (double)m->db_refused) \
    X(DB_OUTAGE_FAILED, "db_outage_failed", CK_COUNT, (double)m->db_outage_failed) \
    X(DB_WASTED, "db_wasted", CK_COUNT, (double)m->db_wasted) \
    X(PEAK_INFLIGHT, "peak_db_inflight", CK_COUNT, (double)m->peak_inflight) \
    X(PEAK_QUEUE, "peak_db_queue", CK_COUNT, (double)m->peak_queue) \
    X(STAMPEDES, "stampedes", CK_COUNT, (double)m->stampedes) \
    X(STAMPEDE_MEAN, "stampede_mean", CK_REAL, metrics_stampede_mean(m)) \
    X(STAMPEDE_MAX, "stampede_max", CK_COUNT, (double)m->stampede_max) \
    X(LAT_MEAN, "latency_mean", CK_SECONDS | CK_EMPTY, hist_mean(&m->lat)) \
    X(P50, "p50", CK_SECONDS | CK_EMPTY, hist_quantile(&m->lat, 0.50)) \
    X(P90, "p90", CK_SECONDS | CK_EMPTY, hist_quantile(&m->lat, 0.90)) \
    X(P99, "p99", CK_SECONDS | CK_EMPTY, hist_quantile(&m->lat, 0.99)) \
    X(P999, "p999", CK_SECONDS | CK_EMPTY, hist_quantile(&m->lat, 0.999)) \
    X(MAX, "latency_max", CK_SECONDS | CK_EMPTY, m->lat.count ? m->lat.max : NAN) \
    COUNTERS(XCNT) \
    X(EVENTS, "events", CK_COUNT, (double)m->events)

/* The column ids: COL_<id>; a failure kind's is COL_FAILED_BY_<id>, a
 * counter's COL_<id>. */
enum col {
#define X(id, name, kind, value) COL_##id,
#define XFAIL(id, key, out, words, what) COL_FAILED_BY_##id,
#define XCNT(id, name, what) COL_##id,
    RESULT_COLUMNS(X, XFAIL, XCNT)
#undef X
#undef XFAIL
#undef XCNT
    COL_N
};
extern const char *const output_col_names[COL_N];
/* What each column holds (csvin.h's enum cell_kind): counts, seconds, ... */
extern const unsigned output_col_kinds[COL_N];
/* The kind of a comparison.csv column by name (its metrics and the ratios to
 * none); CK_ANY for a column this version does not know. */
unsigned output_col_kind_of(const char *name);
void metrics_columns(const metrics *m, double out[COL_N]);

/* The label and strategy cells of the current row of a folder's CSV file
 * (comparison.csv, runs.csv, sweep.csv): a label a scenario could give, a
 * strategy this version knows.  0, or TI_BAD with "FILE:LINE:COL: error:
 * ..." in err. */
struct csvin;
int results_row_names(struct csvin *c, int cl, int cs, char *err, size_t errlen);

/* ---------------------------------------------------------------- the results folder */

typedef struct results {
    outdir out;
    struct result_row { char *label, *strategy; double v[COL_N]; char *cut; } *rows;   /* cut: why, or NULL */
    size_t nrows;
    bool has_slo;        /* the scenario sets slo.latency: the table shows good% */
    bool has_triggers;   /* a trigger after warmup: the table shows recovery */
    /* Set after results_open, by a driver other than the simulator: each
     * summary.json's "mode" ("sim" when NULL), and a hook that adds its own
     * fields to the summary (a cJSON object) of strategy si. */
    const char *mode;
    void (*summary_hook)(void *summary, size_t si, void *ctx);
    void *summary_ctx;
} results;

/* Whether dir may take a run's results (outdir_check): 0, -2 or -1. */
int results_check(const char *dir, char *err, size_t errlen);
/* Returns 0, or -2 / -1 with a message in err (DIR is not a results folder
 * stampede wrote, or cannot be created). */
int results_open(results *r, const char *dir, char *err, size_t errlen);
/* Opens DIR/label/name for writing inside the folder being built. */
FILE *results_file(results *r, const char *label, const char *name, char *err, size_t errlen);
/* Writes label/summary.json and label/timeseries.csv of strategy si and keeps
 * its row for comparison.csv. */
int results_add(results *r, const scenario *sc, size_t si, const metrics *m, char *err, size_t errlen);
/* Writes comparison.csv and scenario.json (the effective scenario) and swaps
 * the folder into place. */
int results_commit(results *r, const scenario *sc, char *err, size_t errlen);
void results_close(results *r);

/* The comparison table of the rows added so far, for a terminal. */
void results_print_table(const results *r, FILE *out);

#endif
