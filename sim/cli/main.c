/* main.c - the stampede program: dispatches to the command named by its
 * first argument (cli.h).  Exit status: 0 success, 1 a failure while
 * running, 2 bad usage or input. */
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "base/outdir.h"
#include "cli.h"
#include "usage.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    { "run", cmd_run },     { "validate", cmd_validate }, { "plot", cmd_plot }, { "sweep", cmd_sweep },
    { "merge", cmd_merge }, { "fit", cmd_fit },           { "live", cmd_live },
};

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage_main, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("stampede %s\n", STAMPEDE_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(cmd, commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    return cli_usage_error("", "unknown command \"%s\" (commands: run, validate, plot, sweep, merge, fit, live)", cmd);
}
