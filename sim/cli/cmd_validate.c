/* cmd_validate.c - the command line of `stampede validate`: each scenario
 * file loaded and checked against the limits of a run, every problem
 * printed, nothing run. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/budget.h"
#include "scenario/load.h"
#include "usage.h"

static const struct option validate_opts[] = {
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

int cmd_validate(int argc, char **argv)
{
    int bad = 0, force = 0, c;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    size_t nfiles = 0;
    if (!files) return EXIT_FAILED;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-h", validate_opts, NULL)) != -1) {
        switch (c) {
        case 'h': fputs(usage_validate, stdout); free(files); return EXIT_OK;
        case 'f': force = 1; break;
        case 1: files[nfiles++] = optarg; break;
        default: free(files); return cli_unknown_option("validate", argv[optind - 1], validate_opts);
        }
    }
    for (size_t i = 0; i < nfiles; i++) {
        diag errs = { 0 }, warns = { 0 };
        scenario *sc = scenario_load_warn(files[i], NULL, 0, &errs, &warns);
        char lim[8192];
        cli_print_diag(&warns);
        diag_free(&warns);
        if (!sc) {
            cli_print_diag(&errs);
            bad = 1;
        } else if (budget_check(sc, force, lim, sizeof lim)) {
            cli_print_lines(lim);
            scenario_free(sc);
            bad = 1;
        } else {
            if (*lim) cli_print_lines(lim);
            printf("%s: ok (%zu strateg%s:", files[i], sc->nstrategies, sc->nstrategies == 1 ? "y" : "ies");
            for (size_t k = 0; k < sc->nstrategies; k++) printf(" %s", sc->strategies[k].label);
            printf(")\n");
            scenario_free(sc);
        }
        diag_free(&errs);
    }
    free(files);
    if (!nfiles) return cli_usage_error("validate", "validate: give at least one SCENARIO.json");
    return bad ? EXIT_USAGE : EXIT_OK;
}
