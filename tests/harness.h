/* harness.h - runs a scenario text through the library in this process, as
 * `stampede run --trace` would, and keeps what each strategy's run gave in
 * memory: its trace rows (every attempt and every query, as requests.csv and
 * db.csv hold them) and its summary numbers (comparison.csv's columns and the
 * outcome counts).  No program, no shell, no files: a strategy case is a
 * scenario snippet and the rows it must give. */
#ifndef STAMPEDE_HARNESS_H
#define STAMPEDE_HARNESS_H

#include <stddef.h>

#include "model/metrics.h"
#include "results/output.h"
#include "testutil.h"

typedef struct hn_run {
    char *label;
    tu_trace t;              /* the trace rows, in the order the run wrote them */
    double col[COL_N];       /* comparison.csv's row (metrics_columns) */
    double outcomes[OUT_N];  /* counted attempts by outcome (summary.json's "outcomes") */
} hn_run;

typedef struct hn_result {
    hn_run *runs; size_t n;  /* one per strategy of the scenario, in its order */
} hn_result;

/* Loads json (a whole scenario) and runs every strategy of it, with its
 * traces captured in memory when trace is set (else the runs' t are empty).
 * 0, or -1 with the loader's or the run's message in err (the result is then
 * empty). */
int hn_run_text(hn_result *r, const char *json, int trace, char *err, size_t errlen);
/* The run of label (NULL: the first), or NULL. */
const hn_run *hn_find(const hn_result *r, const char *label);
/* A column of label's comparison.csv row by its name ("db_queries",
 * "lock_waits", "latency_mean", ...); NAN when there is no such column. */
double hn_col(const hn_run *run, const char *name);
void hn_free(hn_result *r);

#endif
