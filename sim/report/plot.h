/* plot.h - `stampede plot`: charts drawn by gnuplot from the script templates
 * in plots/, and report.html, for a results folder (and, later, a sweep folder).
 *
 * Ownership: every struct here is owned by its caller and ended with its
 * _close/_free function, which frees what it holds and is safe on a zeroed or
 * half-opened struct.  A function that fails returns nonzero with a message in
 * err (no "stampede: " prefix) and leaves nothing on disk but what it found. */
#ifndef STAMPEDE_PLOT_H
#define STAMPEDE_PLOT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/outdir.h"
#include "base/strbuf.h"

/* The command: `stampede plot DIR [--format svg,png,pdf]`.  Returns the exit
 * status: 0 done, 1 a failure while drawing (no gnuplot, I/O, a gnuplot
 * warning), 2 bad usage or DIR is not a folder stampede wrote. */
int plot_command(int argc, char **argv);

/* ---------------------------------------------------------------- text */

/* Data in a gnuplot script.  Every string that comes from a file lands in
 * script text through one of these, escaped for exactly where it lands; no
 * line break of it ever reaches the script (a new line is a new command),
 * nor a byte that is not UTF-8 (it becomes '?').  Numbers go in through "%.10g"
 * (gp_num in plot.c), never as text; per-row data go in datablocks or the
 * folder's own files, which gnuplot reads as data.  Terminals are
 * `noenhanced`, so no text is markup either. */

/* s as a gnuplot single-quoted string ('it''s'), which gnuplot takes
 * literally: no backslash escapes, no macro or backquote expansion. */
void sb_gp_quote(strbuf *b, const char *s);
/* s as a quoted tic label, which gnuplot also reads as a format: '%' doubled. */
void sb_gp_tic(strbuf *b, const char *s);
/* s in a comment (after a '#' the caller wrote): a backslash, which at the end
 * of the line would carry the comment onto the next one, becomes '/'. */
void sb_gp_comment(strbuf *b, const char *s);

/* ---------------------------------------------------------------- formats */

enum plot_format { PLOT_SVG = 1, PLOT_PNG = 2, PLOT_PDF = 4 };
#define PLOT_FORMATS_DEFAULT (PLOT_SVG | PLOT_PNG)

/* Parses "svg,png,pdf" (any order, any subset); returns 0 or -1. */
int plot_parse_formats(const char *list, unsigned *formats);
/* The file extension of one format ("svg", "png", "pdf"). */
const char *plot_format_ext(unsigned format);

/* ---------------------------------------------------------------- charts */

/* A template placeholder and its value.  In a template, @KEY@ (upper case,
 * digits, underscores) is replaced by the value; a placeholder alone on its
 * line gets the line's indentation on every line of a multi-line value.  A
 * placeholder without a value is an error, so a template typo cannot reach
 * gnuplot. */
typedef struct subst {
    const char *key;
    const char *value;
} subst;

/* One chart drawn into a chartset, for the report. */
typedef struct chart_entry {
    char *name;       /* file name without extension: charts/<name>.<ext> */
    char *title;      /* one line for people */
    char *caption;    /* what the chart shows and how to read it */
} chart_entry;

/* The charts of one folder: DIR/charts, one transaction (output.h's outdir,
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

/* 0 when gnuplot is on PATH, else -1 with what to install in err. */
int plot_ready(char *err, size_t errlen);

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

/* ---------------------------------------------------------------- a results folder */

enum mark_kind { MARK_WARMUP, MARK_FLUSH, MARK_SLOWDOWN, MARK_BURST };

/* Something that happened at a known time, drawn on every chart over time. */
typedef struct mark {
    enum mark_kind kind;
    double at, until;       /* until: end of a window (warmup, slowdown, burst spread) */
    double factor;          /* slowdown */
    double requests;        /* burst */
} mark;

/* The columns of timeseries.csv the charts use. */
enum ts_col { TS_T, TS_P50, TS_P99, TS_P999, TS_INFLIGHT, TS_STARTED, TS_QUEUE, TS_SUCCEEDED, TS_FAILED, TS_N };

/* One entry of summary.json "recovery": how a label came back after a trigger. */
typedef struct run_recovery {
    char *trigger;            /* "cache_flush", "db_slowdown", "burst", ... */
    double at, end;
    double time;              /* recovery_time; NAN when not recovered */
    double worst;             /* worst_good_ratio */
    bool judged;              /* it had a baseline */
    bool recovered, metastable;
} run_recovery;

/* One strategy label of a results folder: its comparison.csv row and what its
 * files hold. */
typedef struct run_label {
    char *label, *strategy;
    double *v;                /* comparison.csv's numbers, by column; NAN when empty */
    char *params;             /* summary.json "params" as "poll 0.02, max_wait 1", or "" */
    run_recovery *rec;        /* summary.json "recovery" */
    char *cut;                /* summary.json "sim.cut": why the run stopped at the drain limit, or NULL */
    size_t nrec;
    size_t nbins;             /* timeseries.csv rows */
    double *ts[TS_N];         /* its columns, nbins each; NAN where empty */
    double t_end;             /* end of the last bin */
    bool lat_any[3];          /* some bin has a positive p50, p99, p999 */
    double lat_min, lat_max;  /* over the positive per-bin percentiles */
    double inflight_max, started_max, queue_max;   /* per bin, over the run */
    size_t nhist;             /* latency_hist.csv rows */
    double answered;          /* requests in the histogram */
    double answered_share;    /* of every request: where the CDF over all requests levels off */
    const char *cdf_col;      /* "cdf_all" (over every request), or "cdf" from an older stampede */
    bool ccdf_any;            /* some bucket leaves a tail (cdf < 1) */
    double hist_lo, hist_hi;  /* x range of the CDF: the 0.1% point to the last bucket */
    double *sizes, *size_ge;  /* stampede sizes and how many stampedes had at least that size */
    size_t nsizes;
    bool sizes_grouped;       /* some sizes are power-of-two ranges */
} run_label;

/* A results folder as read from disk. */
typedef struct run_folder {
    char *dir;
    char *name, *description;  /* from scenario.json, else summary.json's "scenario" */
    char *version;             /* of the stampede that wrote it */
    double seed;
    bool have_scenario;        /* scenario.json was there */
    char **param_key, **param_val;   /* the effective scenario, flattened for a table */
    size_t nparams;
    double bin, duration, warmup;
    double workers;            /* INFINITY when unlimited, NAN when unknown */
    bool usl;
    double sigma, kappa;
    mark *marks;
    size_t nmarks;
    char **cols;               /* comparison.csv's header after label,strategy */
    size_t ncols;
    run_label *labels;
    size_t nlabels;
    size_t baseline;           /* index of the first label with strategy "none"; nlabels when none */
    double slo_latency;        /* summary.json "slo": INFINITY without a latency bound, NAN unknown */
    double slo_target;
} run_folder;

/* Reads DIR.  Returns 0, -2 when DIR is not a results folder (missing,
 * unreadable or malformed files), -1 on no memory; err says which file. */
int run_folder_read(run_folder *rf, const char *dir, char *err, size_t errlen);
void run_folder_free(run_folder *rf);
/* Draws the charts of rf into cs (not committed); the data files are reached
 * from cs's folder as ../LABEL/FILE.  Returns 0 or -1 with err. */
int plot_run_charts(const run_folder *rf, chartset *cs, char *err, size_t errlen);
/* A comparison.csv value of label i by column name; NAN when absent or empty. */
double run_value(const run_folder *rf, size_t i, const char *col);

#endif
