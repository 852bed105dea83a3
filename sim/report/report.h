/* report.h - report.html of a results folder: one page that opens offline, with
 * no scripts, showing the scenario, the comparison, every chart and a sentence
 * per strategy; and the number formats it shares with the charts.
 *
 * The page references the charts and data files by relative links; every file
 * it links to exists once it is committed with its charts.  The caller owns
 * everything passed in. */
#ifndef STAMPEDE_REPORT_H
#define STAMPEDE_REPORT_H

#include <stddef.h>

#include "plot.h"

/* The text of report.html for the charts of cs (to be committed with them),
 * malloc'd; NULL with the reason in err. */
char *report_html(const run_folder *rf, const chartset *cs, char *err, size_t errlen);

/* A count with thousands separators ("12,157"); "n/a" for NAN. */
void report_fmt_count(char *buf, size_t n, double v);
/* A fraction as a percentage that is never rounded to 0% or 100% when it is
 * neither ("99.99%", "0.52%"); "n/a" for NAN. */
void report_fmt_pct(char *buf, size_t n, double x);
/* A duration in seconds in the unit that reads best, three significant digits
 * ("750 µs", "22.3 ms", "4.27 s"); "n/a" for NAN. */
void report_fmt_seconds(char *buf, size_t n, double s);

/* For other pages in the same style (the fit report): text escaped for
 * HTML, the page's stylesheet, and a chart's figure (its image, caption and
 * links to every format and its gnuplot script). */
void report_html_escape(strbuf *b, const char *s);
const char *report_stylesheet(void);
void report_chart_figure(strbuf *b, const chartset *cs, const chart_entry *ce);

#endif
