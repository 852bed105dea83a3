/* sweep_args.c - the options of `stampede sweep` (sweep_args.h). */
#include "sweep_args.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report/gnuplot.h"
#include "usage.h"

enum { O_VARY = 256, O_MIN, O_MAX, O_SUBJECT, O_RUNS, O_SHARD, O_PLOT, O_FORCE, O_LIST, O_ZIP, O_SET, O_STRATEGY,
       O_METRICS };

static const struct option sweep_opts[] = {
    { "vary", required_argument, NULL, O_VARY },      { "replications", required_argument, NULL, 'r' },
    { "jobs", required_argument, NULL, 'j' },         { "out", required_argument, NULL, 'o' },
    { "minimize", required_argument, NULL, O_MIN },   { "maximize", required_argument, NULL, O_MAX },
    { "subject-to", required_argument, NULL, O_SUBJECT }, { "runs", required_argument, NULL, O_RUNS },
    { "shard", required_argument, NULL, O_SHARD },    { "plot", optional_argument, NULL, O_PLOT },
    { "quiet", no_argument, NULL, 'q' },              { "force", no_argument, NULL, O_FORCE },
    { "list-runs", no_argument, NULL, O_LIST },       { "help", no_argument, NULL, 'h' },
    { "zip", required_argument, NULL, O_ZIP },        { "set", required_argument, NULL, O_SET },
    { "strategy", required_argument, NULL, O_STRATEGY }, { "metrics", no_argument, NULL, O_METRICS },
    { NULL, 0, NULL, 0 },
};

void sweep_args_free(sweep_args *a)
{
    sweep_goal_free(&a->spec.goal);
    free(a->vary);
    free(a->zip);
    free(a->set);
    memset(a, 0, sizeof *a);
}

int sweep_args_parse(int argc, char **argv, sweep_args *a, bool speak)
{
    memset(a, 0, sizeof *a);
    sweep_spec *s = &a->spec;
    const char *reps = NULL, *jobs = NULL;
    struct status st = STATUS_INIT;
    int rc = EXIT_USAGE, c;
    a->vary = calloc((size_t)argc + 1, sizeof *a->vary);
    a->zip = calloc((size_t)argc + 1, sizeof *a->zip);
    a->set = calloc((size_t)argc + 1, sizeof *a->set);
    if (!a->vary || !a->zip || !a->set) {
        if (speak) fputs("stampede: out of memory\n", stderr);
        sweep_args_free(a);
        return EXIT_FAILED;
    }
    s->vary = a->vary;
    s->zip = a->zip;
    s->set = a->set;
#define FAIL(...) do { if (speak) cli_usage_error("sweep", __VA_ARGS__); goto fail; } while (0)
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-:hqj:r:o:", sweep_opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            if (speak) fputs(usage_sweep, stdout);
            rc = EXIT_OK;
            goto fail;
        case 'q': a->quiet = true; break;
        case O_FORCE: s->force = true; break;
        case O_LIST: s->list = true; break;
        case O_PLOT:
            if (plot_parse_formats(optarg ? optarg : "svg,png", &s->plot))
                FAIL("sweep: --plot: unknown chart format in \"%s\" (formats: svg, png, pdf)", optarg);
            break;
        case O_VARY:
        case O_ZIP:
            a->zip[s->nvary] = c == O_ZIP;
            a->vary[s->nvary++] = optarg;
            break;
        case O_SET: a->set[s->nset++] = optarg; break;
        case O_STRATEGY:
            if (s->labels) FAIL("sweep: one --strategy at a time (give L1,L2,...)");
            s->labels = optarg;
            break;
        case O_METRICS:
            if (speak) cli_print_metrics(stdout);
            rc = EXIT_OK;
            goto fail;
        case 'r': reps = optarg; break;
        case 'j': jobs = optarg; break;
        case 'o': s->out = optarg; break;
        case O_RUNS: s->runs = optarg; break;
        case O_SHARD: s->shard = optarg; break;
        case O_MIN:
        case O_MAX:
            if (s->goal.set) FAIL("sweep: one --minimize or --maximize at a time");
            if (sweep_goal_set(&s->goal, c == O_MIN ? "--minimize" : "--maximize", optarg, c == O_MAX, &st)) {
                if (speak) cli_report(&st);
                rc = cli_exit_code(st.code);
                goto fail;
            }
            break;
        case O_SUBJECT:
            if (sweep_goal_constrain(&s->goal, optarg, &st)) {
                if (speak) cli_report(&st);
                rc = cli_exit_code(st.code);
                goto fail;
            }
            break;
        case 1:
            if (s->scenario) FAIL("sweep: one scenario at a time (got %s and %s)", s->scenario, optarg);
            s->scenario = optarg;
            break;
        case ':': FAIL("sweep: %s needs a value", argv[optind - 1]);
        default:
            if (speak) cli_unknown_option("sweep", argv[optind - 1], sweep_opts);
            goto fail;
        }
    }
    if (!s->scenario) FAIL("sweep: which scenario? give SCENARIO.json");
    if (s->out && !*s->out) FAIL("sweep: --out needs a folder name (got \"\")");
    if (s->goal.nc && !s->goal.set) FAIL("sweep: --subject-to needs --minimize or --maximize");
    if (s->runs && s->shard) FAIL("sweep: --runs and --shard do not go together");
    unsigned long long v;
    s->reps = 1;
    if (reps) {
        if (cli_parse_u64(reps, &v) || v == 0 || v > SIZE_MAX / 2)
            FAIL("sweep: --replications needs an integer >= 1 (got \"%s\")", reps);
        s->reps = (size_t)v;
    }
    if (s->goal.set && s->reps < 2)
        FAIL("sweep: %s compares means by their 95%% confidence intervals, which need --replications 2 or more "
             "(3 or more to tell settings apart); got %zu", s->goal.maximize ? "--maximize" : "--minimize", s->reps);
    if (jobs) {
        if (cli_parse_u64(jobs, &v) || v == 0 || v > 4096)
            FAIL("sweep: --jobs needs an integer from 1 to 4096 (got \"%s\")", jobs);
        s->jobs = (int)v;
    }
#undef FAIL
    return SWEEP_ARGS_GO;
fail:
    status_clear(&st);
    sweep_args_free(a);
    return rc;
}
