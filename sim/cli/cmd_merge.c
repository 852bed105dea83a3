/* cmd_merge.c - the command line of `stampede merge`: options, signals,
 * what was written and the exit status.  The work is sweep/merge.c's. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/gnuplot.h"
#include "signals.h"
#include "sweep_args.h"
#include "usage.h"

enum { O_OUT = 256, O_MIN, O_MAX, O_SUBJECT, O_PLOT };

static const struct option merge_opts[] = {
    { "out", required_argument, NULL, O_OUT },        { "minimize", required_argument, NULL, O_MIN },
    { "maximize", required_argument, NULL, O_MAX },   { "subject-to", required_argument, NULL, O_SUBJECT },
    { "plot", optional_argument, NULL, O_PLOT },      { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },               { NULL, 0, NULL, 0 },
};

int cmd_merge(int argc, char **argv)
{
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    sweep_merge_spec spec = { 0 };
    sweep_written w = { 0 };
    struct status st = STATUS_INIT;
    int rc = EXIT_USAGE, c;
    if (!dirs) { fputs("stampede: out of memory\n", stderr); return EXIT_FAILED; }
    spec.dirs = dirs;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-:hq", merge_opts, NULL)) != -1) {
        switch (c) {
        case 'h': fputs(usage_merge, stdout); rc = EXIT_OK; goto done;
        case 'q': break;
        case O_OUT: spec.out = optarg; break;
        case O_PLOT:
            if (plot_parse_formats(optarg ? optarg : "svg,png", &spec.plot)) {
                cli_usage_error("merge", "merge: --plot: unknown chart format in \"%s\" (formats: svg, png, pdf)", optarg);
                goto done;
            }
            break;
        case O_MIN:
        case O_MAX:
            if (spec.goal.set) { cli_usage_error("merge", "merge: one --minimize or --maximize at a time"); goto done; }
            if (sweep_goal_set(&spec.goal, c == O_MIN ? "--minimize" : "--maximize", optarg, c == O_MAX, &st)) goto report;
            break;
        case O_SUBJECT:
            if (sweep_goal_constrain(&spec.goal, optarg, &st)) goto report;
            break;
        case 1: dirs[spec.ndirs++] = optarg; break;
        case ':': cli_usage_error("merge", "merge: %s needs a value", argv[optind - 1]); goto done;
        default: cli_unknown_option("merge", argv[optind - 1], merge_opts); goto done;
        }
    }
    if (!spec.ndirs) { cli_usage_error("merge", "merge: give the partial sweep folders to join"); goto done; }
    signals_install();
    if (!spec.out) { cli_usage_error("merge", "merge: where to? give --out DIR"); goto done; }
    if (spec.goal.nc && !spec.goal.set) { cli_usage_error("merge", "merge: --subject-to needs --minimize or --maximize"); goto done; }
    if (!*spec.out) { cli_usage_error("merge", "merge: --out needs a folder name (got \"\")"); goto done; }
    if (sweep_merge_check_out(&spec, &st) || sweep_merge(&spec, &w, &st)) {
        cli_sweep_written(&w);
        goto report;
    }
    cli_sweep_written(&w);
    rc = EXIT_OK;
    goto done;
report:
    cli_report(&st);
    rc = cli_exit_code(st.code);
done:
    sweep_written_free(&w);
    sweep_goal_free(&spec.goal);
    status_clear(&st);
    free(dirs);
    return rc;
}
