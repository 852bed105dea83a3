/* sweep_report.h - report.html of a sweep folder: the recommendation in a
 * sentence, a sentence per label, the charts and a compact table, a page
 * that opens offline with no script (as the run's, report.h). */
#ifndef STAMPEDE_SWEEP_REPORT_H
#define STAMPEDE_SWEEP_REPORT_H

#include <stddef.h>

#include "report/chartset.h"

/* The text of DIR/report.html for the sweep folder dir and the charts of cs
 * (to be committed with them), malloc'd; NULL with the reason in err.  A
 * plot_sweep_page (report/plot.h). */
char *sweep_report_html(const char *dir, const chartset *cs, char *err, size_t errlen);

#endif
