/* cmd_run.c - the command line of `stampede run`: options (run_args.c),
 * the scenario and its limits, the progress line, signals, the comparison
 * table and the exit status.  The work is the library's: scenario/load.h,
 * model/model.h's sim_run per strategy, results/output.h's folder. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/stop.h"
#include "model/model.h"
#include "results/output.h"
#include "run_args.h"
#include "scenario/budget.h"
#include "scenario/load.h"
#include "signals.h"
#include "usage.h"

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
    double w = cli_wall_now();
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

int cmd_run(int argc, char **argv)
{
    run_args ra;
    int rc0 = cli_run_args("run", argc, argv, &ra, NULL, 0);
    if (rc0) {
        free(ra.ovr);
        if (rc0 == 1) fputs(usage_run, stdout);
        return rc0 == 1 ? 0 : rc0 < 0 ? 1 : rc0;
    }
    const char *path = ra.path, *labels = ra.labels, *out = ra.out;
    int trace = ra.trace, quiet = ra.quiet, force = ra.force;
    diag errs = { 0 }, warns = { 0 };
    scenario *sc = scenario_load_warn(path, ra.ovr, ra.novr, &errs, &warns);
    free(ra.ovr);
    cli_print_diag(&warns);
    diag_free(&warns);
    if (!sc) {
        cli_print_diag(&errs);
        diag_free(&errs);
        return EXIT_USAGE;
    }
    diag_free(&errs);

    size_t *idx = calloc(sc->nstrategies, sizeof *idx), nsel = 0;
    if (!idx || cli_select_labels(sc, labels, idx, &nsel)) {
        free(idx);
        scenario_free(sc);
        return EXIT_USAGE;
    }
    if (nsel > 1 && scenario_trace_once(sc)) {
        fprintf(stderr, "stampede: %s: error: clients.arrivals.trace: %s can be read only once (a pipe or a device), "
                        "and each of the %zu strategies reads it whole; run one at a time (--strategy LABEL) or "
                        "copy it to a file\n", sc->path, sc->clients.trace, nsel);
        free(idx);
        scenario_free(sc);
        return EXIT_USAGE;
    }
    char lim[8192];
    if (budget_check_selected(sc, idx, nsel, force, lim, sizeof lim)) {
        cli_print_lines(lim);
        free(idx);
        scenario_free(sc);
        return EXIT_USAGE;
    }
    if (*lim && !quiet) cli_print_lines(lim);
    char defout[4096];
    if (!out) {
        snprintf(defout, sizeof defout, "results/%s", sc->name);
        out = defout;
    }
    if (trace && budget_check_trace(sc, nsel, out, force, lim, sizeof lim)) {
        cli_print_lines(lim);
        free(idx);
        scenario_free(sc);
        return EXIT_USAGE;
    }
    if (trace && *lim && !quiet) cli_print_lines(lim);

    /* From here a signal stops the run and the hidden folder is removed; a
     * write beyond RLIMIT_FSIZE fails (EFBIG) instead of killing us. */
    signals_install();
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
        run_opts o = { .trace_req = treq, .trace_db = tdb, .stop = &stop_flag, .memory = budget_run_memory(sc, 1),
                       .progress = show ? show_progress : NULL, .progress_ctx = &prog };
        double w0 = cli_wall_now();
        struct status rst = STATUS_INIT;
        enum status_code r = sim_run(sc, si, &o, &m, &rst);
        if (r != STATUS_OK && r != STATUS_STOPPED) snprintf(err, sizeof err, "%s", status_msg(&rst));
        status_clear(&rst);
        m.wall_seconds = cli_wall_now() - w0;
        clear_progress(&prog);
        int e1 = close_trace(treq) ? errno : 0, e2 = close_trace(tdb) ? errno : 0;
        if ((e1 || e2) && r == STATUS_OK) {
            snprintf(err, sizeof err, "cannot write the trace of %s: %s", prog.label, strerror(e1 ? e1 : e2));
            r = STATUS_FAILED;
        }
        if (r == STATUS_STOPPED || stop_flag) {
            snprintf(err, sizeof err, "interrupted; nothing was written to %s", out);
            status = 1;
        } else if (r == STATUS_INPUT) {
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
