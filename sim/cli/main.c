/* main.c - the stampede command line: parses arguments and calls the library.
 * Exit status: 0 success, 1 a failure while running, 2 bad usage or input. */
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scenario/limits.h"
#include "live_usage.h"
#include "cli.h"
#include "cliopt.h"
#include "base/stop.h"
#include "model/model.h"
#include "report/plot.h"
#include "results/output.h"
#include "scenario/load.h"
#include "sweep/sweep.h"


static const char *const usage_main =
    "usage: stampede COMMAND [ARGS]\n"
    "\n"
    "Simulates cache stampedes: a popular key expires, requests miss together and\n"
    "the database saturates.  Replays a JSON scenario under each protection\n"
    "strategy on the same random inputs and writes a results folder.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.json       simulate every strategy of a scenario\n"
    "  validate SCENARIO.json  check scenario files without running them\n"
    "  plot DIR                charts and report.html from a results folder\n"
    "  sweep SCENARIO.json --vary PATH=VALUES...  a grid of runs with confidence intervals\n"
    "  merge DIR... --out DIR  join partial sweep folders (--runs, --shard)\n"
    "  fit ACCESS.csv [--latencies LAT.csv]  a scenario fitted to production logs\n"
    "  live SCENARIO.json --redis URL --postgres CONNINFO\n"
    "                          the same scenario against a real Redis and PostgreSQL\n"
    "\n"
    "  stampede COMMAND --help   details of a command\n"
    "  stampede --version        the program's version\n"
    "\n"
    "exit status: 0 success, 1 a failure while running (or SIGINT, SIGTERM or SIGHUP:\n"
    "nothing is written; a second signal ends the program at once, killed by it),\n"
    "2 bad usage or an invalid scenario\n";

static const char *const usage_run =
    "usage: stampede run SCENARIO.json [options]\n"
    "\n"
    "Simulates each selected strategy on the same random inputs, writes the\n"
    "results folder and prints a comparison table on stdout.\n"
    "\n"
    "options:\n"
    "  --strategy L[,L...]  run only these strategy labels (default: all in the file)\n"
    "  --set PATH=VALUE     override a field by dotted path, e.g. cache.ttl=30s,\n"
    "                       strategies.1.beta=2, db.workers=20 (VALUE is JSON if it\n"
    "                       parses, else a string); repeatable\n"
    "  --seed N             the master seed (overrides the file's)\n"
    "  --out DIR            results folder (default results/<name>/)\n"
    "  --trace              also write <label>/requests.csv and <label>/db.csv\n"
    "  --quiet              no progress line on stderr\n"
    "  --force              run even beyond the limits (about 2e9 requests, 1e7\n"
    "                       time-series rows, 80% of memory), refused otherwise\n"
    "  --help               this text\n"
    "\n"
    "The folder holds comparison.csv and, per label, summary.json and\n"
    "timeseries.csv.  It is written whole or not at all: an existing results\n"
    "folder is replaced only when the new one is complete, and only when\n"
    "stampede wrote it (its .stampede marker lists everything in it).  A --out\n"
    "that is a symbolic link is written through: its target gets the results.\n";

static const char *const usage_validate =
    "usage: stampede validate SCENARIO.json... [--force]\n"
    "\n"
    "Checks each file and prints every problem as FILE:LINE:COL: error:\n"
    "/json/pointer: what is wrong, then the limits run applies (without\n"
    "--force).  Exit status 2 when any file is invalid.\n";

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---------------------------------------------------------------- progress */

typedef struct progress {
    const char *label;
    double duration, last_wall;
    size_t i, n;
    int shown;
} progress;

static void show_progress(void *ctx, double t)
{
    progress *p = ctx;
    double w = wall_now();
    if (w - p->last_wall < 0.2) return;
    p->last_wall = w;
    double frac = t / p->duration;
    if (frac > 1) frac = 1;
    fprintf(stderr, "\rstampede: [%zu/%zu] %-12s simulated %.1fs of %.1fs (%3.0f%%)", p->i + 1, p->n, p->label, t,
            p->duration, 100 * frac);
    p->shown = 1;
}

static void clear_progress(progress *p)
{
    if (p->shown) fputs("\r\033[K", stderr);
    p->shown = 0;
}

/* ---------------------------------------------------------------- run */

static int open_traces(results *r, const char *label, FILE **req, FILE **db, char *err, size_t errlen)
{
    if (!(*req = results_file(r, label, "requests.csv", err, errlen))) return -1;
    if (!(*db = results_file(r, label, "db.csv", err, errlen))) return -1;
    fputs("id,attempt,node,key,t_arrival,t_done,latency,outcome,db\n", *req);
    fputs("key,node,t_issue,t_start,t_end,cause,requester,status\n", *db);
    return 0;
}

/* 0, or -1 with errno set (EIO when the failed write left none). */
static int close_trace(FILE *f)
{
    if (!f) return 0;
    int bad = ferror(f);
    errno = 0;
    if (fclose(f) || bad) {
        if (!errno) errno = EIO;
        return -1;
    }
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    run_args ra;
    int rc0 = cli_run_args("run", argc, argv, &ra, NULL, NULL, NULL, NULL);
    if (rc0) {
        free(ra.ovr);
        if (rc0 == 1) fputs(usage_run, stdout);
        return rc0 == 1 ? 0 : rc0 < 0 ? 1 : rc0;
    }
    const char *path = ra.path, *labels = ra.labels, *out = ra.out;
    int trace = ra.trace, quiet = ra.quiet, force = ra.force;
    diag errs = { 0 };
    scenario *sc = scenario_load(path, ra.ovr, ra.novr, &errs);
    free(ra.ovr);
    if (!sc) {
        cli_print_diag(&errs);
        diag_free(&errs);
        return 2;
    }
    diag_free(&errs);

    size_t *idx = calloc(sc->nstrategies, sizeof *idx), nsel = 0;
    if (!idx || cli_select_labels(sc, labels, idx, &nsel)) {
        free(idx);
        scenario_free(sc);
        return 2;
    }
    if (nsel > 1 && scenario_trace_once(sc)) {
        fprintf(stderr, "stampede: %s: error: clients.arrivals.trace: %s can be read only once (a pipe or a device), "
                        "and each of the %zu strategies reads it whole; run one at a time (--strategy LABEL) or "
                        "copy it to a file\n", sc->path, sc->clients.trace, nsel);
        free(idx);
        scenario_free(sc);
        return 2;
    }
    char lim[8192];
    if (limits_check_selected(sc, idx, nsel, force, lim, sizeof lim)) {
        cli_print_lines(lim);
        free(idx);
        scenario_free(sc);
        return 2;
    }
    if (*lim && !quiet) cli_print_lines(lim);
    char defout[4096];
    if (!out) {
        snprintf(defout, sizeof defout, "results/%s", sc->name);
        out = defout;
    }
    if (trace && limits_check_trace(sc, nsel, out, force, lim, sizeof lim)) {
        cli_print_lines(lim);
        free(idx);
        scenario_free(sc);
        return 2;
    }
    if (trace && *lim && !quiet) cli_print_lines(lim);

    /* From here a signal stops the run and the hidden folder is removed; a
     * write beyond RLIMIT_FSIZE fails (EFBIG) instead of killing us. */
    stop_install();
    char err[8192] = "";
    results res;
    int rc = results_open(&res, out, err, sizeof err);
    if (rc) {
        fprintf(stderr, "stampede: %s\n", err);
        results_close(&res);
        free(idx);
        scenario_free(sc);
        return rc == -2 ? 2 : 1;
    }

    progress prog = { .duration = sc->duration, .n = nsel };
    int show = !quiet && isatty(2);
    int status = 0;
    for (size_t k = 0; k < nsel && !status; k++) {
        size_t si = idx[k];
        metrics m;
        FILE *treq = NULL, *tdb = NULL;
        if (metrics_init(&m, sc->warmup, sc->duration, sc->bin)) {
            snprintf(err, sizeof err, "out of memory");
            status = 1;
            break;
        }
        if (trace && open_traces(&res, sc->strategies[si].label, &treq, &tdb, err, sizeof err)) {
            close_trace(treq);
            metrics_free(&m);
            status = 1;
            break;
        }
        prog.label = sc->strategies[si].label;
        prog.i = k;
        run_opts o = { .trace_req = treq, .trace_db = tdb, .stop = &stop_flag, .memory = limits_run_memory(sc, 1),
                       .progress = show ? show_progress : NULL, .progress_ctx = &prog };
        double w0 = wall_now();
        int r = sim_run(sc, si, &o, &m, err, sizeof err);
        m.wall_seconds = wall_now() - w0;
        clear_progress(&prog);
        int e1 = close_trace(treq) ? errno : 0, e2 = close_trace(tdb) ? errno : 0;
        if ((e1 || e2) && r == 0) {
            snprintf(err, sizeof err, "cannot write the trace of %s: %s", prog.label, strerror(e1 ? e1 : e2));
            r = -1;
        }
        if (r == 1 || stop_flag) {
            snprintf(err, sizeof err, "interrupted; nothing was written to %s", out);
            status = 1;
        } else if (r == -2) {
            status = 2;
        } else if (r) {
            status = 1;
        } else if (results_add(&res, sc, si, &m, err, sizeof err)) {
            status = 1;
        }
        metrics_free(&m);
    }
    if (!status && stop_flag) {
        snprintf(err, sizeof err, "interrupted; nothing was written to %s", out);
        status = 1;
    }
    if (!status && results_commit(&res, sc, err, sizeof err)) status = 1;
    if (status) {
        fprintf(stderr, "stampede: %s\n", err);
        results_close(&res);
    } else {
        results_print_table(&res, stdout);
        printf("results: %s/\n", res.out.dir);
        results_close(&res);
    }
    free(idx);
    scenario_free(sc);
    return status;
}

/* ---------------------------------------------------------------- validate */

static int cmd_validate(int argc, char **argv)
{
    int bad = 0, files = 0, force = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_validate, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--force")) force = 1;
        else if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("validate", "validate: unknown option %s", argv[i]);
    }
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--force")) continue;
        diag errs = { 0 };
        scenario *sc = scenario_load(argv[i], NULL, 0, &errs);
        char lim[8192];
        files++;
        if (!sc) {
            cli_print_diag(&errs);
            bad = 1;
        } else if (limits_check(sc, force, lim, sizeof lim)) {
            cli_print_lines(lim);
            scenario_free(sc);
            bad = 1;
        } else {
            if (*lim) cli_print_lines(lim);
            printf("%s: ok (%zu strateg%s:", argv[i], sc->nstrategies, sc->nstrategies == 1 ? "y" : "ies");
            for (size_t k = 0; k < sc->nstrategies; k++) printf(" %s", sc->strategies[k].label);
            printf(")\n");
            scenario_free(sc);
        }
        diag_free(&errs);
    }
    if (!files) return cli_usage_error("validate", "validate: give at least one SCENARIO.json");
    return bad ? 2 : 0;
}

/* ---------------------------------------------------------------- live */

/* `stampede live` is build/stampede-live (it links hiredis and libpq, which
 * the simulator does not need): run it from beside this program. */
static int cmd_live(int argc, char **argv)
{
    char self[4096], prog[4200];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        char *slash = strrchr(self, '/');
        if (slash) *slash = 0;
        snprintf(prog, sizeof prog, "%s/stampede-live", self);
        if (access(prog, X_OK) == 0) {
            argv[0] = prog;
            execv(prog, argv);
            fprintf(stderr, "stampede: live: cannot run %s: %s\n", prog, strerror(errno));
            return 1;
        }
    }
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_live, stdout);
            fputs("\nThe live driver is not built here: `make live-bin` in the source tree builds it.\n", stdout);
            return 0;
        }
    fputs("stampede: live: the live driver (stampede-live, beside this program) is not built; build it with "
          "`make live-bin` in the source tree (it needs libhiredis-dev and libpq-dev, which make installs when run "
          "as root), or run `make live`\n", stderr);
    return 1;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("stampede %s\n", STAMPEDE_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "run")) return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "validate")) return cmd_validate(argc - 2, argv + 2);
    if (!strcmp(cmd, "plot")) return plot_command(argc - 2, argv + 2);
    if (!strcmp(cmd, "sweep")) return sweep_command(argc - 2, argv + 2);
    if (!strcmp(cmd, "merge")) return merge_command(argc - 2, argv + 2);
    if (!strcmp(cmd, "fit")) return cli_fit(argc - 1, argv + 1);
    if (!strcmp(cmd, "live")) return cmd_live(argc - 1, argv + 1);
    return cli_usage_error("", "unknown command \"%s\" (commands: run, validate, plot, sweep, merge, fit, live)", cmd);
}
