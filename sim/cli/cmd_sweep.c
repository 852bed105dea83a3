/* cmd_sweep.c - `stampede sweep` and `stampede merge`. */
#include "cli.h"

#include "signals.h"
#include "sweep/sweep.h"

int cmd_sweep(int argc, char **argv)
{
    signals_install();
    return sweep_command(argc - 1, argv + 1);
}

int cmd_merge(int argc, char **argv)
{
    signals_install();
    return merge_command(argc - 1, argv + 1);
}
