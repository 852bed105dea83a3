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
#include "reporttext.h"

/* The text of report.html for the charts of cs (to be committed with them),
 * malloc'd; NULL with the reason in err. */
char *report_html(const run_folder *rf, const chartset *cs, char *err, size_t errlen);

/* For other pages in the same style (the fit report): text escaped for
 * HTML (reporttext.h), the page's stylesheet, and a chart's figure (its image, caption and
 * links to every format and its gnuplot script). */
const char *report_stylesheet(void);
void report_chart_figure(strbuf *b, const chartset *cs, const chart_entry *ce);

#endif
