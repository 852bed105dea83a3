/* fit_report.h - the report of `stampede fit --report DIR`: fit.json (every
 * number of the fit), the data of the charts as CSV, the fitted scenario,
 * three charts drawn by gnuplot from the templates plots/fit_*.gp (the
 * request rate over time, rank-frequency, latency histogram and QQ plot) and
 * report.html, which opens offline, has no scripts and links relatively.
 *
 * The folder is written whole or not at all: fit_report_build makes it in
 * DIR.tmp-<pid> and fit_report_commit swaps it into place with its marker
 * (outdir.h); fit_report_close
 * removes what was built unless it was committed.  The caller owns the
 * handle and ends it with fit_report_close (safe on a zeroed handle). */
#ifndef STAMPEDE_FIT_REPORT_H
#define STAMPEDE_FIT_REPORT_H

#include <stddef.h>

#include "fit.h"
#include "base/outdir.h"

typedef struct fit_report {
    outdir out;   /* the folder, one transaction (outdir.h), of kind "fit" */
} fit_report;

/* Checks that DIR may be replaced (absent, empty, or a fit report stampede
 * wrote: its marker says so and lists everything in it) and starts building
 * it.  Returns 0; -2 when it may not (bad usage), -1 on another failure; err
 * says why. */
int fit_report_open(fit_report *rp, const char *dir, char *err, size_t errlen);

/* Builds the folder.  scenario is the fitted scenario's text; access_name
 * and lat_name (NULL without latencies) name the logs in the page; formats
 * as in plot.h.  Returns 0, or -1 with err (gnuplot missing or warning, I/O,
 * memory). */
int fit_report_build(fit_report *rp, const fit_result *r, const char *scenario_text, const char *access_name,
                     const char *lat_name, unsigned formats, char *err, size_t errlen);

/* Puts the built folder in place of DIR. */
int fit_report_commit(fit_report *rp, char *err, size_t errlen);
void fit_report_close(fit_report *rp);

#endif
