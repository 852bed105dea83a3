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

#define SWEEP_GOAL_FORMAT "stampede-sweep-goal"
#define SWEEP_GOAL_VERSION 1

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

/* The answer, for the report: the candidates (rows of the goal's label, or
 * every row), those whose metric has a finite mean and meet every
 * constraint, the best of them, and those that cannot be told apart from it
 * (95% intervals overlap), in the order of sweep.csv. */
typedef struct sweep_answer {
    const sweep_sumrow *best;          /* NULL: no candidate is feasible */
    const sweep_sumrow **ties;
    size_t nties;
    size_t ncand, nfeas;
    size_t *excluded;                  /* per constraint: finite candidates it rules out */
} sweep_answer;
/* 0, or -1 on no memory (a empty). */
int sweep_goal_answer(const sweep_goal *g, const sweep_summary *sm, sweep_answer *a);
void sweep_answer_free(sweep_answer *a);
/* Whether row c is a candidate of the goal, and whether it meets every
 * constraint (on the means at its point). */
bool sweep_goal_candidate(const sweep_goal *g, const sweep_sumrow *c);
bool sweep_goal_feasible(const sweep_goal *g, const sweep_summary *sm, const sweep_sumrow *c);

/* goal.json, the goal a folder's best.txt answers, for its report: the text
 * (malloc'd, NULL on no memory), and the reader: 0 with *g set, 1 when dir
 * has no goal.json (g left empty), or a TI_* error with err. */
char *sweep_goal_json(const sweep_goal *g);
int sweep_goal_read(const char *dir, sweep_goal *g, char *err, size_t errlen);

#endif
