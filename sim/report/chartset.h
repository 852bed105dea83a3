/* chartset.h - the charts of one folder (a results folder, a sweep, a fit
 * report): DIR/charts, written as one transaction (base/outdir.h, kind
 * "charts"), each chart's finished script beside it.
 *
 * Ownership: chartset_open fills a caller-owned chartset that chartset_close
 * ends (safe on a zeroed or half-opened one).  A failing call leaves its
 * reason in err and nothing on disk but what it found. */
#ifndef STAMPEDE_CHARTSET_H
#define STAMPEDE_CHARTSET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/outdir.h"
#include "gnuplot.h"

/* One chart drawn into a chartset, for the report. */
typedef struct chart_entry {
    char *name;       /* file name without extension: charts/<name>.<ext> */
    char *title;      /* one line for people */
    char *caption;    /* what the chart shows and how to read it */
} chart_entry;

/* The charts of one folder: DIR/charts, one transaction (base/outdir.h,
 * kind "charts") built in DIR/charts.tmp-<pid>, each chart's finished script
 * beside it, and swapped into place with the report (when there is one) by
 * chartset_commit: both or neither; the previous ones survive a failure. */
typedef struct chartset {
    char *dir;           /* the results or sweep folder */
    outdir out;          /* DIR/charts being built */
    bool open;
    char *tpl_dir;       /* where the templates are (found on first use) */
    char *gnuplot;       /* the gnuplot program found on PATH */
    unsigned formats;
    chart_entry *charts;
    size_t ncharts;
} chartset;

/* Finds gnuplot on PATH, checks that DIR/charts (and, with report,
 * DIR/report.html) may be replaced and starts building.  Returns 0, or -1 (no
 * gnuplot: the package to install; I/O) or -2 (something there stampede did
 * not write) with the reason in err. */
int chartset_open(chartset *cs, const char *dir, unsigned formats, bool report, char *err, size_t errlen);

/* Fills plots/<tpl>.gp with subs plus what every chart gets (@NAME@,
 * @FORMATS@, @TEMPLATE@, and @COMMON@ and @STYLE@: plots/common.gp and
 * plots/style.gp, filled first) and draws it as chartset_draw_script does.
 * The templates are found on first use ($STAMPEDE_PLOTS_DIR, the folder the
 * build named in STAMPEDE_PLOTS_DIR, beside the program, or ./plots). */
int chartset_draw(chartset *cs, const char *name, const char *tpl, const subst *subs, size_t nsubs,
                  const char *title, const char *caption, char *err, size_t errlen);
/* Writes script as <name>.gp, runs `gnuplot -d` on it in the build folder and
 * checks that it wrote <name>.<ext> for every format.  Any output of gnuplot
 * on stderr is a failure: a warning means a wrong chart.  On success the
 * chart joins cs->charts. */
int chartset_draw_script(chartset *cs, const char *name, const char *script, const char *title, const char *caption,
                         char *err, size_t errlen);

/* Puts the charts in DIR/charts and report (when not NULL) in
 * DIR/report.html, replacing the previous ones together. */
int chartset_commit(chartset *cs, const char *report, char *err, size_t errlen);
void chartset_close(chartset *cs);

#endif
