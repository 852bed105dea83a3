/* sweep_args.h - the command line of `stampede sweep`, shared by the
 * program (cmd_sweep.c) and stampede-mpi (mpi_main.c). */
#ifndef STAMPEDE_SWEEP_ARGS_H
#define STAMPEDE_SWEEP_ARGS_H

#include <stdbool.h>

#include "sweep/sweep.h"

typedef struct sweep_args {
    sweep_spec spec;
    const char **vary;   /* spec.vary's storage */
    bool *zip;           /* spec.zip's */
    const char **set;    /* spec.set's */
    bool quiet;
} sweep_args;

#define SWEEP_ARGS_GO (-1)

/* Parses argv (from the command's name on) into a; speak: say what is wrong,
 * or print --help (false on all but one MPI rank).  Returns SWEEP_ARGS_GO,
 * or the exit status the command ends with (0 after --help); a is then
 * ended already.  End a with sweep_args_free. */
int sweep_args_parse(int argc, char **argv, sweep_args *a, bool speak);
void sweep_args_free(sweep_args *a);

/* Prints what a sweep or a merge wrote (best.txt's text, the folder). */
void cli_sweep_written(const sweep_written *w);

#endif
