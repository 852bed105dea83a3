/* plot.h - `stampede plot` below its command line: the charts of a folder
 * stampede wrote, drawn by gnuplot from the templates of plots/ into
 * DIR/charts, and for a results folder report.html beside them, replaced
 * together or not at all; the charts of a results folder (one file each,
 * chart_*.c) and of a sweep folder (plot_sweep.c).
 *
 * Ownership: a plot_done from plot_folder is the caller's, ended by
 * plot_done_free.  A failing call leaves its reason in its status or err
 * (no "stampede: " prefix) and nothing on disk but what it found. */
#ifndef STAMPEDE_PLOT_H
#define STAMPEDE_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "chartset.h"
#include "runfolder.h"

/* The page of a sweep folder's report.html for its charts cs, malloc'd (NULL
 * with err): the sweep layer's (sweep/sweep_report.h), above report/, so it
 * is handed in; NULL draws a sweep's charts alone. */
typedef char *plot_sweep_page(const char *dir, const chartset *cs, char *err, size_t errlen);

/* What plot_folder wrote. */
typedef struct plot_done {
    bool sweep;        /* a sweep folder */
    char *charts;      /* the charts folder written */
    char *report;      /* report.html written; NULL for a sweep drawn without a page */
} plot_done;

/* Draws the charts of dir in formats (gnuplot.h's PLOT_SVG | ...): a results
 * folder's with its report.html, or a sweep folder's; the folder's marker
 * says which (base/outdir.h), else a file only that kind has.  STATUS_OK
 * with *done; STATUS_INPUT when dir is no folder plot draws (missing, a part
 * of a sweep, a charts folder, not stampede's, damaged), STATUS_FAILED (no
 * gnuplot, I/O, a gnuplot warning, interrupted), with st's message. */
enum status_code plot_folder(const char *dir, unsigned formats, plot_sweep_page *page, plot_done *done,
                             struct status *st);
void plot_done_free(plot_done *d);

/* Draws the charts of rf into cs (not committed); the data files are reached
 * from cs's folder as ../LABEL/FILE.  Returns 0 or -1 with err. */
int plot_run_charts(const run_folder *rf, chartset *cs, char *err, size_t errlen);

/* Draws the charts of the sweep folder dir (sweep.csv, sweep.json) into
 * dir/charts/, each chart's gnuplot script beside it, in formats, and with a
 * page dir/report.html with them.  Returns
 * 0, or -2 (the folder is not a sweep folder or is damaged) or -1 (a failure
 * while drawing) with a message in err; dir/charts is then left as it was. */
int plot_sweep_folder(const char *dir, unsigned formats, plot_sweep_page *page, char *err, size_t errlen);
/* Reads the sweep folder dir as plot_sweep_folder does and draws nothing:
 * 0, -2 or -1 with err. */
int plot_sweep_check(const char *dir, char *err, size_t errlen);

#endif
