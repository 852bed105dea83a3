/* sumread.h - a finished sweep folder read back for its report: the grid
 * (sweep.json), sweep.csv's rows as the summary sweep_summarize made, and
 * the goal best.txt answers (goal.json), each read strictly. */
#ifndef STAMPEDE_SWEEP_SUMREAD_H
#define STAMPEDE_SWEEP_SUMREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "goal.h"
#include "tables.h"

typedef struct sweep_folder {
    sweep_grid g;
    sweep_summary sm;    /* its labels and strategies point into names */
    char **names;
    size_t nnames;
    char **labels;       /* the distinct labels, in order of appearance (into names) */
    size_t nlabels;
    bool has_goal;
    sweep_goal goal;
} sweep_folder;

/* Reads the whole sweep folder dir: 0, or a TI_* error (base/textin.h) with
 * "FILE:LINE:COL: error: what" in err.  End f with sweep_folder_free
 * whatever it returned. */
int sweep_folder_read(const char *dir, sweep_folder *f, char *err, size_t errlen);
void sweep_folder_free(sweep_folder *f);

#endif
