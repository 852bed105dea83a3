/* metricdoc.h - what each metric of a sweep (a column of runs.csv, the
 * comparison's metrics) counts and in what unit: for `sweep --metrics`, the
 * values of best.txt and the sweep report. */
#ifndef STAMPEDE_SWEEP_METRICDOC_H
#define STAMPEDE_SWEEP_METRICDOC_H

#include <stddef.h>

/* The unit of column col: "s" (seconds), "requests", "attempts", "queries",
 * "fraction" (0 to 1), ... */
const char *sweep_metric_unit(int col);
/* One line on what column col counts. */
const char *sweep_metric_about(int col);
/* A value of column col with its unit ("68.0 ms", "12,157 requests" reads
 * "12157", "0.9993"): seconds in the unit that reads best, others as a
 * number of up to 4 significant digits. */
void sweep_metric_fmt(char *buf, size_t n, int col, double v);
/* A mean with its 95% half-width in the same unit ("68.0 ms ± 3.1 ms"); the
 * mean alone when the half-width is not finite. */
void sweep_metric_fmt_ci(char *buf, size_t n, int col, double mean, double ci95);

#endif
