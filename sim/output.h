/* output.h - the results folder: summary.json, timeseries.csv, comparison.csv
 * and the trace files, written whole or not at all.
 *
 * results_open builds everything in a hidden sibling folder; results_commit
 * swaps it into place in one rename (the previous folder survives until then).
 * results_close frees the handle and, unless it was committed, removes what was
 * built.  The caller owns the handle and always ends it with results_close. */
#ifndef STAMPEDE_OUTPUT_H
#define STAMPEDE_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "metrics.h"
#include "scenario.h"

#define STAMPEDE_VERSION "0.1.0"

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
    COL_STALE, COL_WAITED, COL_TIMEOUTS, COL_ERRORS,
    COL_DB_QUERIES, COL_DB_EARLY, COL_DB_REJECTED, COL_DB_WASTED, COL_PEAK_INFLIGHT, COL_PEAK_QUEUE,
    COL_STAMPEDES, COL_STAMPEDE_MEAN, COL_STAMPEDE_MAX,
    COL_LAT_MEAN, COL_P50, COL_P90, COL_P99, COL_P999, COL_MAX,
    COL_LOCK_WAITS, COL_GIVEUPS, COL_COALESCED, COL_EARLY_REFRESHES, COL_STALE_SERVES,
    COL_EVENTS,
    COL_N
};
extern const char *const col_names[COL_N];
void metrics_columns(const metrics *m, double out[COL_N]);

typedef struct results {
    char *dir;       /* the final folder */
    char *tmp;       /* where it is built */
    char *old;       /* where the previous folder waits while swapping */
    struct result_row { char *label, *strategy; double v[COL_N]; } *rows;
    size_t nrows;
    bool has_slo;        /* the scenario sets slo.latency: the table shows good% */
    bool has_triggers;   /* a trigger after warmup: the table shows recovery */
} results;

/* A folder another run may replace: absent, empty, or holding marker (a file
 * only stampede writes there, e.g. comparison.csv); 0 when it is something
 * else, -1 (errno set) when that cannot be told, e.g. a parent is a file. */
int results_replaceable(const char *dir, const char *marker);

/* Puts the finished folder tmp in place of dir in one rename; a previous dir
 * waits at old meanwhile and is removed after, or put back on failure. */
int folder_swap(const char *tmp, const char *dir, const char *old, char *err, size_t errlen);

/* Returns 0, or -1 with a message in err (e.g. DIR exists and is not a
 * results folder, or cannot be created). */
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

/* Folder helpers: mkdir -p and rm -rf.  Each returns 0, or -1 with errno set. */
int mkdir_p(const char *path);
/* Closes f, written as `what`; on a write or close error puts "cannot write
 * what: reason" in err and returns -1, else 0. */
int close_checked(FILE *f, const char *what, char *err, size_t errlen);
int rm_rf(const char *path);

#endif
