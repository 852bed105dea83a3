/* goal.h - what a sweep or a merge looks for (--minimize or --maximize a
 * metric's mean, --subject-to constraints on means): parsed from their
 * text, checked against the labels of the sweep, and answered from the
 * sweep.csv rows as best.txt.
 *
 * Ownership: a sweep_goal starts zeroed and is ended by sweep_goal_free. */
#ifndef STAMPEDE_SWEEP_GOAL_H
#define STAMPEDE_SWEEP_GOAL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "results/sweepfile.h"
#include "tables.h"

/* "METRIC" or "LABEL.METRIC": a column of runs.csv, of one label or of each. */
typedef struct sweep_metric { char *label; int col; char *text; } sweep_metric;
typedef struct sweep_constraint { sweep_metric m; bool ge; double bound; } sweep_constraint;
typedef struct sweep_goal {
    bool set, maximize;
    sweep_metric m;
    sweep_constraint *c;
    size_t nc;
} sweep_goal;

void sweep_goal_free(sweep_goal *g);
/* Sets the goal from --minimize or --maximize TEXT (opt names the option in
 * messages).  STATUS_OK, or STATUS_INPUT (no such metric, an empty label) or
 * STATUS_FAILED (no memory) with st's message. */
enum status_code sweep_goal_set(sweep_goal *g, const char *opt, const char *text, bool maximize, struct status *st);
/* Adds a --subject-to M<=X or M>=X (X a number or a duration). */
enum status_code sweep_goal_constrain(sweep_goal *g, const char *text, struct status *st);
/* Every label the goal names occurs in labels[0..n); else STATUS_INPUT with
 * a line per missing label. */
enum status_code sweep_goal_check_labels(const sweep_goal *g, const char *const *labels, size_t n, struct status *st);
/* The answer as text (best.txt and stdout); NULL on no memory. */
char *sweep_best_text(const sweep_goal *g, const sweep_grid *gr, const sweep_summary *sm);

#endif
