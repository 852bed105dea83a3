/* agreement.h - the simulator against a live run of the same scenario:
 * agreement.csv (label,metric,sim,live,ratio, the metrics named as in
 * comparison.csv), the table `stampede live --compare` prints, and the
 * section report.html shows for a live results folder.
 *
 * Nothing here needs Redis or PostgreSQL: a folder a live run wrote is read
 * and reported by the plain program.  The caller owns what it passes in. */
#ifndef STAMPEDE_AGREEMENT_H
#define STAMPEDE_AGREEMENT_H

#include <stdbool.h>
#include <stdio.h>

#include "results/output.h"
#include "plot.h"

/* The metrics agreement.csv holds for each label, in its order. */
extern const enum col agreement_cols[];
extern const size_t agreement_ncols;

/* Writes path (agreement.csv) pairing the rows of sim and live by label;
 * ratio is live / sim, empty when sim is 0 or either is missing.  Returns 0,
 * or -1 with the reason in err. */
int agreement_write(const char *path, const results *sim, const results *live, char *err, size_t errlen);

/* The table on a terminal: one row per label, "sim/live" per metric. */
void agreement_print(FILE *out, const results *sim, const results *live);

/* True when DIR (a results folder) was written by `stampede live`: its
 * summaries say "mode": "live". */
bool agreement_is_live(const run_folder *rf);

/* report.html's section for a live folder (nothing for a simulated one):
 * what was measured against what, each strategy's Redis round trips and
 * send lag, and sim against live from agreement.csv when it is there. */
void agreement_report_section(strbuf *h, const run_folder *rf);

#endif
