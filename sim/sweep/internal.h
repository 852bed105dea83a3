/* internal.h - inside sweep/: the sweep itself, shared by sweep.c (the
 * grid and the selection), exec.c (running it) and folder.c (writing it). */
#ifndef STAMPEDE_SWEEP_INTERNAL_H
#define STAMPEDE_SWEEP_INTERNAL_H

#include "model/scenario.h"
#include "sweep.h"
#include "tables.h"

struct sweep {
    sweep_grid g;
    scenario **sc;           /* one per point, read-only while running */
    size_t **pick, *npick;   /* per point: the strategies that run (--strategy), in order */
    size_t lo, hi, k, n;     /* the selection: runs r in lo..hi with r % n == k */
    size_t *sel, nsel;       /* the runs computed here, increasing */
    bool partial;
    char selection[96];      /* "all", "runs A..B", "shard K/N" */
    double *res;             /* results, COL_N per label, run after run */
    size_t *off;             /* nsel + 1 offsets into res */
    int jobs;
    bool force;
    char *out;
    unsigned plot;           /* chart formats (report/gnuplot.h), 0: no charts */
    sweep_goal goal;
};

/* The kinds of folder a sweep may replace (base/outdir.h). */
extern const char *const sweep_kinds[];

/* Writes a whole sweep folder from its rows (sorted by run): runs.csv and
 * sweep.json, and for a complete sweep sweep.csv, best.txt (with a goal) and
 * the charts (with plot). */
enum status_code sweep_write_folder(const sweep_grid *g, const sweep_rowset *rs, bool partial, const char *selection,
                                    const size_t *runs, size_t nruns, const sweep_goal *gl, unsigned plot,
                                    const char *dir, sweep_written *w, struct status *st);

#endif
