/* run_args.h - the options `stampede run` and `stampede live` share (the
 * scenario, --strategy, --set, --seed, --out, --trace, --quiet, --force),
 * with a command's own options on top, parsed with getopt_long. */
#ifndef STAMPEDE_RUN_ARGS_H
#define STAMPEDE_RUN_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario/load.h"

typedef struct run_args {
    const char *path, *labels, *out;
    int trace, quiet, force;
    override *ovr;      /* the --set overrides, then --seed's; the caller frees it */
    size_t novr;
} run_args;

/* A command's own option: "--name" with a value (stored in *val) or a flag
 * (sets *flag to 1). */
typedef struct run_extra {
    const char *name;   /* without the dashes */
    const char **val;   /* NULL for a flag */
    int *flag;
} run_extra;

/* Parses argv (argv[0] names the command or program) for command cmd ("run",
 * "live") into r, with the command's own options extra[0..nextra).  --seed
 * is checked and appended to the overrides.  Returns 0; 1 when --help was
 * asked; 2 after printing a usage error; -1 out of memory.  r->ovr is the
 * caller's to free in every case. */
int cli_run_args(const char *cmd, int argc, char **argv, run_args *r, const run_extra *extra, size_t nextra);

#endif
