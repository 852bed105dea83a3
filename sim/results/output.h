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

/* The comparison's columns, computed from a run's metrics: how requests ended
 * first (failed, SLO, latency of all requests, recovery), then the rest.
 * Timeouts, errors, stale, waited, hits and misses count attempts. */
enum col {
    COL_REQUESTS, COL_FAILED, COL_FAILED_RATIO,
#define X(id, key, out, words, what) COL_FAILED_BY_##id,
    FAILURE_KINDS(X)
#undef X
    COL_GOOD, COL_GOOD_RATIO, COL_SLO_MET,
    COL_P50_ALL, COL_P90_ALL, COL_P99_ALL, COL_P999_ALL,
    COL_RECOVERY_TIME, COL_RECOVERED, COL_METASTABLE,
    COL_ATTEMPTS, COL_OK, COL_HITS, COL_MISSES, COL_HIT_RATIO,
    COL_STALE, COL_WAITED, COL_TIMEOUTS, COL_ERRORS, COL_RETRIES_DENIED,
    COL_DB_QUERIES, COL_DB_EARLY, COL_DB_REJECTED, COL_DB_QUEUE_TIMEOUTS, COL_DB_STATEMENT_TIMEOUTS,
    COL_DB_CANCELLED, COL_DB_WASTED, COL_PEAK_INFLIGHT, COL_PEAK_QUEUE,
    COL_STAMPEDES, COL_STAMPEDE_MEAN, COL_STAMPEDE_MAX,
    COL_LAT_MEAN, COL_P50, COL_P90, COL_P99, COL_P999, COL_MAX,
    COL_LOCK_WAITS, COL_GIVEUPS, COL_COALESCED, COL_EARLY_REFRESHES, COL_STALE_SERVES,
    COL_EVENTS,
    COL_N
};
extern const char *const col_names[COL_N];
/* What each column holds (csvin.h's enum cell_kind): counts, seconds, ... */
extern const unsigned col_kinds[COL_N];
/* The kind of a comparison.csv column by name (its metrics and the ratios to
 * none); CK_ANY for a column this version does not know. */
unsigned col_kind_of(const char *name);
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
