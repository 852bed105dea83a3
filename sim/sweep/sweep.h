/* sweep.h - parameter sweeps: a grid of scenario variants (the cross product of
 * --vary lists), each simulated R times on common random numbers, summarised
 * per point and label with 95% confidence intervals; partial sweeps and merge.
 *
 * Ownership: sweep_open creates a sweep that the caller ends with sweep_close;
 * a failing call prints its problem (when told to speak) and leaves nothing
 * to free.  The results folder is built in a hidden sibling and renamed into
 * place, so it is written whole or not at all.  The library keeps no global
 * mutable state except the SIGINT flag of a sweep in progress. */
#ifndef STAMPEDE_SWEEP_H
#define STAMPEDE_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

/* Most values one --vary may give. */
#define SWEEP_MAX_VALUES 10000

/* The values of one --vary: the text each gives scenario_load (as a --set
 * value) and the cell shown for it in the CSV files (a number in seconds for
 * numbers and durations, else the text). */
typedef struct sweep_values {
    size_t n;
    char **text;     /* n strings */
    char **shown;    /* n strings */
    double *num;     /* n numbers; NAN where the value is not a number */
    bool log;        /* from a lo:hi:xN range */
} sweep_values;

/* Parses VALUES: a list "a,b,c" (commas inside JSON brackets or strings do
 * not split), a range "lo:hi:step" (hi included when it lands within 1e-9
 * relative) or "lo:hi:xN" (N geometrically spaced points, both ends
 * included); bounds and step are numbers or durations ("10s").  Returns 0, or
 * -1 with a message in err and *out empty. */
int sweep_parse_values(const char *spec, sweep_values *out, char *err, size_t errlen);
void sweep_values_free(sweep_values *v);

/* A mean and its 95% confidence half-width (Student t, n-1 degrees of
 * freedom); NaN values are left out, n counts the others; ci95 is NAN when
 * n < 2 and mean is NAN when n = 0. */
typedef struct sweep_stat { double mean, ci95; size_t n; } sweep_stat;
sweep_stat sweep_mean_ci(const double *x, size_t n);
/* The same for the paired differences a[i] - b[i] (pairs with a NaN left out). */
sweep_stat sweep_paired_ci(const double *a, const double *b, size_t n);

/* One varied field of a sweep, and the whole grid: what every folder of one
 * sweep agrees on (its sweep.json). */
typedef struct sweep_vary {
    char *path, *spec;
    sweep_values v;
} sweep_vary;

typedef struct sweep_grid {
    char *scenario, *name, *hash, *version;
    sweep_vary *vary;
    size_t nvary;
    size_t reps, points, runs;
} sweep_grid;

/* Reads dir/sweep.json strictly (the one reader, for merge and plot): the
 * grid and the runs the folder holds (increasing, malloc'd).  Returns 0, or a
 * TI_* error (textin.h) with "FILE:LINE:COL: error: /pointer: what" in err
 * and nothing to free. */
int sweep_manifest_read(const char *dir, sweep_grid *g, size_t **runs, size_t *nruns, char *err, size_t errlen);
void sweep_grid_free(sweep_grid *g);

/* `stampede sweep ARGS` and `stampede merge ARGS` (argv without the command
 * name); each returns the exit status: 0, 1 a failure while running, 2 bad
 * usage or an invalid scenario at some point of the grid. */
int sweep_command(int argc, char **argv);
int merge_command(int argc, char **argv);

/* Reads the partial sweep folders dirs[0..n) as merge does (manifests, every
 * cell of runs.csv, the labels of every run) and writes nothing: 0, or 2 (a
 * bad part) or 1 (no memory) with the problem in err. */
int sweep_merge_check(const char *const *dirs, size_t n, char *err, size_t errlen);

/* ---- the pieces of sweep_command, for stampede-mpi ---- */

typedef struct sweep sweep;

#define SWEEP_DONE (-1)   /* sweep_open finished the command (--help, --list-runs) */

/* Parses the sweep arguments and loads the scenario at every grid point.
 * Returns 0 with *out, SWEEP_DONE, or an exit status (1, 2).  speak: print
 * errors, help and the run list (false on all but one MPI rank). */
int sweep_open(int argc, char **argv, bool speak, sweep **out);
/* The runs this invocation computes (all, or the --runs/--shard selection),
 * numbered k = 0..count-1 in increasing run index. */
size_t sweep_count(const sweep *sw);
/* The number of doubles in the result of the k-th run, and where it lives. */
size_t sweep_width(const sweep *sw, size_t k);
double *sweep_slot(sweep *sw, size_t k);
/* --jobs as given, or 0 when it was not. */
int sweep_jobs(const sweep *sw);
/* Computes the runs ks[0..n) with jobs threads into their slots; progress on
 * stderr when show is true.  Returns 0, or 1 after printing the failure. */
int sweep_execute(sweep *sw, const size_t *ks, size_t n, int jobs, bool show);
/* Writes the results folder from the slots of every run; prints the
 * --minimize answer.  Returns 0 or an exit status. */
int sweep_finish(sweep *sw);
void sweep_close(sweep *sw);

/* ---- charts (plot_sweep.c) ---- */

/* Draws the charts of the sweep folder dir (sweep.csv, sweep.json) into
 * dir/charts/, each chart's gnuplot script beside it, in formats (plot.h's
 * PLOT_SVG | ...).  Returns 0, or -2 (the folder is not a sweep folder or is
 * damaged) or -1 (a failure while drawing) with a message in err; dir/charts
 * is then left as it was. */
int plot_sweep_folder(const char *dir, unsigned formats, char *err, size_t errlen);
/* Reads the sweep folder dir as plot_sweep_folder does and draws nothing:
 * 0, -2 or -1 with err. */
int plot_sweep_check(const char *dir, char *err, size_t errlen);

/* The kind (csvin.h) of a sweep.csv column by name; CK_ANY when unknown. */
unsigned sweep_csv_kind(const char *name);

#endif
