/* runchart.h - what the charts of a results folder share (inside report/
 * only): the placeholders of one chart, its context, and the pieces every
 * chart over time or over labels is built from.  Each chart is a file of its
 * own (chart_*.c), drawn by plot_run_charts (plot.c). */
#ifndef STAMPEDE_RUNCHART_H
#define STAMPEDE_RUNCHART_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"
#include "chartset.h"
#include "gnuplot.h"
#include "runfolder.h"

#define LATENCY_ALL_PCT 3   /* labels up to which the latency chart draws p50 and p999 beside p99 */
#define NMARKERS 10    /* markers per line, so strategies stay apart in greyscale */

/* The placeholders of one chart and their values, built piece by piece. */
#define MAXSUBS 32
typedef struct chart {
    const char *key[MAXSUBS];
    strbuf val[MAXSUBS];
    size_t n;
    bool full;
} chart;

/* What a chart is drawn with: the chart set, the folder read, where an
 * error goes. */
typedef struct chart_ctx {
    chartset *cs;
    const run_folder *rf;
    char *err;
    size_t errlen;
} chart_ctx;

/* The line type of label i in plots/common.gp: one per label, the same in
 * every chart and folder (palette.h). */
int chart_style(const run_folder *rf, size_t i);
/* The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power
 * of ten) at or above x; 1 when x is not positive. */
double chart_nice_ceil(double x);
/* The decades at or below, at or above x > 0. */
double chart_decade_floor(double x);
double chart_decade_ceil(double x);
/* A range on a log axis covering [lo, hi], in whole decades. */
void chart_log_range(double lo, double hi, double *a, double *b);
/* The end of the charts' time axis: the last bin's end over every label. */
double chart_time_end(const run_folder *rf);
/* The value of key, created empty on first use. */
strbuf *chart_sub(chart *c, const char *key);
void chart_free(chart *c);
/* The data file of label i, as the script in charts/ reaches it. */
void chart_data_file(strbuf *b, const run_folder *rf, size_t i, const char *file);
/* A chart's title, "SCENARIO: what", quoted for gnuplot. */
void chart_title(strbuf *b, const run_folder *rf, const char *what);
/* A time for a label: "20.005 s". */
void chart_fmt_time(char *buf, size_t n, double t);
/* The canvas of every chart (plots/common.gp) and the plot area of the
 * charts over time, as fractions of its width. */
#define CHART_W 1280.0
#define CHART_H 720.0
#define CHART_TIME_L 0.11
#define CHART_TIME_R 0.77

/* A label's box on the canvas, in pixels. */
typedef struct chart_box { double x0, y0, x1, y1; } chart_box;
/* The width in pixels of text at pt points on the canvas, on the wide side:
 * 0.8 pt a character (gnuplot's pngcairo Sans draws digits and most text at
 * 0.67-0.77 pt a character), UTF-8 counted by characters. */
double chart_text_width(const char *s, double pt);
bool chart_boxes_overlap(const chart_box *a, const chart_box *b);
/* Rows for n labels of widths w[i] pixels anchored at x[i] (their left end,
 * or their right end when right[i]): each goes to the lowest row where it
 * keeps a gap from the labels already there, in the order given; one that fits
 * no row of maxrows goes where it overlaps least.  Returns the rows used. */
int chart_label_rows(const double *x, const double *w, const bool *right, size_t n, int maxrows, int *row);
#define CHART_MARK_ROWS 3        /* rows of mark names above a chart over time */
#define CHART_MARK_PT 12.0       /* their font size */
#define CHART_MARK_ROW_PX 17.0   /* the height of a row */

/* The marks of the warmup, faults and bursts: shaded windows and dashed lines
 * on every panel (MARKS) and their names above the first panel, in up to
 * CHART_MARK_ROWS rows placed by chart_label_rows so that none overlaps
 * another (MARK_LABELS). */
void chart_marks(chart *c, const run_folder *rf, double xmax);
/* The clauses plotting one column of timeseries.csv for each label with
 * draw[i]: the line from the file (yexpr of the row, `extra` appended to its
 * style) and, with markers, its marker block in POINTS.  Returns how many lines
 * it drew. */
size_t chart_ts_series(chart *c, const char *key, const run_folder *rf, const bool *draw, int col,
                       const char *yexpr, double scale, const char *extra, bool markers);
/* Key entries naming each label in its line type (dt overrides the dash type
 * when not NULL); a label without a line gets `missing` after its name. */
void chart_label_keys(strbuf *b, const run_folder *rf, const bool *drawn, const char *missing, const char *dt);
/* Tics of a logarithmic latency axis: a label with its unit at each decade of
 * [lo, hi], or every second or third decade when there would be more than
 * maxlabels, the others as minor tics. */
void chart_latency_tics(strbuf *b, const char *axis, double lo, double hi, int maxlabels);
/* Tics of a linear count axis [0, max]: at most six, at round steps, the labels
 * with thousands separators ("200k", "1.5M" from 100,000 on). */
void chart_count_tics(strbuf *b, const char *axis, double max);
/* Tics of a logarithmic count axis [lo, hi]: 1, 2, 5 in each decade when it
 * spans three decades or fewer, else the decades; the labels with thousands
 * separators.  floor_zero labels lo "0" (the line of empty bins). */
void chart_log_count_tics(strbuf *b, const char *axis, double lo, double hi, bool floor_zero);
/* A note across an empty chart, so that it does not look like a failure. */
void chart_empty_note(strbuf *b, bool empty, const char *why);
/* Fills the template plots/NAME.gp with c's placeholders and draws it into
 * cx->cs; c is emptied.  0, or -1 with cx->err. */
int chart_draw(chart_ctx *cx, chart *c, const char *name, const char *title, const char *caption);
/* n + 1 flags, all false; NULL with "out of memory" in cx->err. */
bool *chart_flags(chart_ctx *cx, size_t n);
/* The recoveries of every label, on the first panel of a chart over time
 * (RECOVERY) and their removal before the next panel (NO_RECOVERY): a
 * downward arrow in the label's colour where it was back to normal after a
 * trigger, a dotted line from the trigger's end to the end of the run where
 * it was not; one row per label under the top edge, in the key's order, so
 * equal times stay apart. */
void chart_recovery(chart *c, const run_folder *rf, double xmax, int key_rows);

/* The charts: each fills its template from rf and draws it into cx->cs;
 * 0, or -1 with cx->err. */
int chart_latency(chart_ctx *cx);
int chart_db_load(chart_ctx *cx);
int chart_latency_cdf(chart_ctx *cx);
int chart_comparison(chart_ctx *cx);
int chart_stampede_sizes(chart_ctx *cx);

#endif
