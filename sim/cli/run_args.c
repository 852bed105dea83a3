/* run_args.c - the options of run and live (run_args.h). */
#include "run_args.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { O_STRATEGY = 256, O_SET, O_SEED, O_OUT, O_TRACE, O_FORCE, O_EXTRA };

static const struct option run_opts[] = {
    { "strategy", required_argument, NULL, O_STRATEGY }, { "set", required_argument, NULL, O_SET },
    { "seed", required_argument, NULL, O_SEED },         { "out", required_argument, NULL, O_OUT },
    { "trace", no_argument, NULL, O_TRACE },             { "quiet", no_argument, NULL, 'q' },
    { "force", no_argument, NULL, O_FORCE },             { "help", no_argument, NULL, 'h' },
};
#define NRUN_OPTS (sizeof run_opts / sizeof *run_opts)

int cli_run_args(const char *cmd, int argc, char **argv, run_args *r, const run_extra *extra, size_t nextra)
{
    const char *seed = NULL;
    memset(r, 0, sizeof *r);
    struct option *opts = calloc(NRUN_OPTS + nextra + 1, sizeof *opts);
    if (!opts || !(r->ovr = calloc((size_t)argc + 2, sizeof *r->ovr))) {
        free(opts);
        return -1;
    }
    memcpy(opts, run_opts, sizeof run_opts);
    for (size_t k = 0; k < nextra; k++)
        opts[NRUN_OPTS + k] = (struct option){ extra[k].name, extra[k].val ? required_argument : no_argument, NULL,
                                               O_EXTRA + (int)k };
    int rc = 2, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "-:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'h': rc = 1; goto done;
        case O_TRACE: r->trace = 1; break;
        case O_FORCE: r->force = 1; break;
        case 'q': r->quiet = 1; break;
        case O_STRATEGY: r->labels = optarg; break;
        case O_OUT: r->out = optarg; break;
        case O_SEED: seed = optarg; break;
        case O_SET: {
            char *e = strchr(optarg, '=');
            if (!e || e == optarg) {
                cli_usage_error(cmd, "%s: --set needs PATH=VALUE (got \"%s\")", cmd, optarg);
                goto done;
            }
            *e = 0;   /* argv is ours to split */
            r->ovr[r->novr].path = optarg;
            r->ovr[r->novr++].value = e + 1;
            break;
        }
        case 1:
            if (r->path) {
                cli_usage_error(cmd, "%s: one scenario at a time (got %s and %s)", cmd, r->path, optarg);
                goto done;
            }
            r->path = optarg;
            break;
        case ':': cli_usage_error(cmd, "%s: %s needs a value", cmd, argv[optind - 1]); goto done;
        case '?': cli_unknown_option(cmd, argv[optind - 1], opts); goto done;
        default:
            if (extra[c - O_EXTRA].val) *extra[c - O_EXTRA].val = optarg;
            else *extra[c - O_EXTRA].flag = 1;
        }
    }
    if (!r->path) {
        cli_usage_error(cmd, "%s: which scenario? give SCENARIO.json", cmd);
        goto done;
    }
    if (r->out && !*r->out) {
        cli_usage_error(cmd, "%s: --out needs a folder name (got \"\")", cmd);
        goto done;
    }
    if (seed) {
        unsigned long long v;
        if (cli_parse_u64(seed, &v)) {
            cli_usage_error(cmd, "%s: --seed needs an integer >= 0 (got \"%s\")", cmd, seed);
            goto done;
        }
        r->ovr[r->novr].path = "seed";
        r->ovr[r->novr++].value = seed;
    }
    rc = 0;
done:
    free(opts);
    return rc;
}
