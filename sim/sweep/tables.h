/* tables.h - inside sweep/: the two tables of a sweep folder.  runs.csv
 * holds one row per run and label; sweep.csv is always computed from the
 * rows of runs.csv as written (sweep_summarize, one function for every path:
 * a sweep, its parts merged, an MPI sweep), so a merged sweep is byte for
 * byte an unsplit one. */
#ifndef STAMPEDE_SWEEP_TABLES_H
#define STAMPEDE_SWEEP_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "results/output.h"
#include "results/sweepfile.h"
#include "stats.h"

/* One row of runs.csv: a run of one label. */
typedef struct sweep_row {
    size_t run, seq;
    char *label, *strategy;
    double v[COL_N];
    size_t part, line;       /* merge: the part and line it was read from */
} sweep_row;

typedef struct sweep_rowset {
    sweep_row *r;
    size_t n, cap;
} sweep_rowset;

void sweep_rows_free(sweep_rowset *rs);
/* A new zeroed row at the end (its seq set); NULL on no memory. */
sweep_row *sweep_rows_add(sweep_rowset *rs);
/* By run, then in the order the rows were added (qsort). */
int sweep_row_cmp(const void *a, const void *b);
/* The value as runs.csv holds it: what merge reads back is what sweep sums. */
double sweep_csv_round(double v);

/* The cells of a point's varied values, each followed by a comma. */
void sweep_put_point(FILE *f, const sweep_grid *g, size_t point);
/* runs.csv: its header and the rows (sorted by run).  A raised stop flag
 * ends it early (the folder is then not committed). */
void sweep_write_runs(FILE *f, const sweep_grid *g, const sweep_rowset *rs);

/* One row of sweep.csv. */
typedef struct sweep_sumrow {
    size_t point;
    const char *label, *strategy;   /* borrowed from the sweep_rowset */
    size_t n;
    size_t recovered;   /* replications whose recovery_time is finite: every trigger recovered */
    sweep_stat m[COL_N];
    bool has_diff;
    sweep_stat d[COL_N];
} sweep_sumrow;

typedef struct sweep_summary {
    sweep_sumrow *s;
    size_t n;
    bool none_cols;    /* some point has a label of strategy none */
} sweep_summary;

/* Computes sweep.csv's rows from the rows of runs.csv, sorted by run.
 * Labels of a point come in the order of their first row; the reference for
 * the differences is the point's first label of strategy none.  0, or -1 on
 * no memory (*out empty). */
int sweep_summarize(const sweep_grid *g, const sweep_rowset *rs, sweep_summary *out);
void sweep_write_summary(FILE *f, const sweep_grid *g, const sweep_summary *sm);

#endif
