/* sweep.h - parameter sweeps: a grid of scenario variants (the cross product
 * of --vary lists), each simulated R times on common random numbers,
 * summarised per point and label with 95% confidence intervals (stats.h);
 * partial sweeps (--runs, --shard, MPI ranks) and their merge.  What the
 * folder holds: results/sweepfile.h and tables.h.
 *
 * Ownership: sweep_open creates a sweep that the caller ends with
 * sweep_close; a failing call leaves nothing to free and its reason in its
 * status.  The results folder is built in a hidden sibling and renamed into
 * place, so it is written whole or not at all.  Nothing here prints: lines
 * for the user go to the hooks, failures come back as a status. */
#ifndef STAMPEDE_SWEEP_H
#define STAMPEDE_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "goal.h"
#include "results/sweepfile.h"
#include "stats.h"
#include "vary.h"

#define SWEEP_MAX_POINTS 100000    /* points of a grid: each one's scenario is loaded before the first run */
#define SWEEP_MAX_RUNS 100000000   /* runs of a grid: points x replications */

/* What a sweep is asked for (the command line's options, parsed). */
typedef struct sweep_spec {
    const char *scenario;          /* the scenario file */
    const char *const *vary;       /* "PATH=VALUES", nvary of them */
    const bool *zip;               /* per vary, or NULL: --zip, moves with the vary before it */
    size_t nvary;
    const char *const *set;        /* "PATH=VALUE" (--set), applied at every point before the varies */
    size_t nset;
    const char *labels;            /* --strategy L[,L...]: only these labels run; NULL: all */
    size_t reps;                   /* replications, >= 1 */
    int jobs;                      /* threads; 0: not given */
    const char *out;               /* the folder; NULL: results/NAME-sweep[-part] */
    const char *runs, *shard;      /* "A..B" or "K/N" (at most one), or NULL: every run */
    bool force;                    /* run points beyond the limits of one run */
    bool list;                     /* only list the selected runs (sweep_list_runs) */
    unsigned plot;                 /* chart formats (report/gnuplot.h); 0: no charts */
    sweep_goal goal;               /* taken by sweep_open (emptied here) */
} sweep_spec;

/* Where a sweep speaks while it works; any of them may be NULL. */
typedef struct sweep_hooks {
    /* A line for the user: the problems of an invalid point, a warning. */
    void (*note)(void *ctx, const char *line);
    /* done of total runs finished after elapsed seconds (with a mutex held:
     * keep it short). */
    void (*progress)(void *ctx, size_t done, size_t total, double elapsed);
    void *ctx;
} sweep_hooks;

typedef struct sweep sweep;

/* Builds the grid of spec, loads the scenario at every point (its problems
 * go to hooks->note, each distinct one once, the first few in full) and
 * checks everything
 * that could fail after the runs (the folder, gnuplot).  STATUS_OK with *out;
 * STATUS_USAGE (an impossible option: a bad --vary, a grid beyond the
 * limits, a bad selection), STATUS_INPUT (an invalid point, a label the goal
 * names is missing, a folder stampede may not replace) or STATUS_FAILED with
 * st's message.  With spec->list, stops after checking the selection. */
enum status_code sweep_open(sweep_spec *spec, const sweep_hooks *hooks, sweep **out, struct status *st);
/* The selected runs as CSV lines (run,values...,replication), header first,
 * each given to emit, which returns non-zero to stop (a failed write).
 * STATUS_OK, STATUS_FAILED (emit stopped it) or STATUS_STOPPED with st. */
enum status_code sweep_list_runs(const sweep *sw, int (*emit)(void *ctx, const char *line), void *ctx,
                                 struct status *st);
/* The runs this invocation computes (all, or the --runs/--shard selection),
 * numbered k = 0..count-1 in increasing run index. */
size_t sweep_count(const sweep *sw);
/* The number of doubles in the result of the k-th run, and where it lives. */
size_t sweep_width(const sweep *sw, size_t k);
double *sweep_slot(sweep *sw, size_t k);
/* --jobs as given, or 0 when it was not. */
int sweep_jobs(const sweep *sw);
/* Computes the runs ks[0..n) with jobs threads into their slots, progress
 * to hooks.  stop (polled by every run) is raised here when a run fails, so
 * the others end.  STATUS_OK, or the run's failure, or STATUS_STOPPED, with
 * "...; nothing was written to DIR". */
enum status_code sweep_execute(sweep *sw, const size_t *ks, size_t n, int jobs, volatile int *stop,
                               const sweep_hooks *hooks, struct status *st);

/* What a finished sweep or merge wrote (once committed), the caller's to
 * end with sweep_written_free. */
typedef struct sweep_written {
    char *dir;         /* the folder, NULL when nothing was written */
    char *best;        /* best.txt's text, NULL without a goal */
    size_t nruns, runs;
    bool partial;
} sweep_written;
void sweep_written_free(sweep_written *w);
/* Writes the results folder from the slots of every run (and its charts
 * with spec->plot, after the commit: a gnuplot problem does not lose the
 * runs).  STATUS_OK, or a failure with st (w->dir set when the folder was
 * written all the same). */
enum status_code sweep_finish(sweep *sw, sweep_written *w, struct status *st);
void sweep_close(sweep *sw);

/* ---- merge ---- */

/* What a merge is asked for. */
typedef struct sweep_merge_spec {
    const char *const *dirs;       /* the partial folders */
    size_t ndirs;
    const char *out;
    unsigned plot;
    sweep_goal goal;
} sweep_merge_spec;

/* Checks that out is none of the parts (nor holds or lies in one) and may be
 * written, and that gnuplot is there for plot: STATUS_OK, or a failure with
 * st.  Commands call it before reading the parts. */
enum status_code sweep_merge_check_out(const sweep_merge_spec *spec, struct status *st);
/* Reads the parts (every run once, every cell checked) and writes the
 * folder the unsplit sweep would have written, byte for byte. */
enum status_code sweep_merge(const sweep_merge_spec *spec, sweep_written *w, struct status *st);
/* Reads the partial sweep folders dirs[0..n) as merge does and writes
 * nothing: 0, or 2 (a bad part) or 1 (no memory) with the problem in err. */
int sweep_merge_check(const char *const *dirs, size_t n, char *err, size_t errlen);

#endif
