/* live_main.c - stampede-live, the program behind `stampede live`: parses the
 * arguments, refuses what cannot run live, runs each strategy against the
 * real servers (live.c), writes the results folder and, with --compare, the
 * simulator's folder (sim/) and agreement.csv beside it.  The folder is
 * written whole or not at all, as `stampede run` writes its own.
 * Exit status: 0 success, 1 a failure while running, 2 bad usage or input. */
#include <cJSON.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report/agreement.h"
#include "cli.h"
#include "scenario/budget.h"
#include "live/live.h"
#include "run_args.h"
#include "signals.h"
#include "usage.h"
#include "model/model.h"
#include "results/output.h"
#include "scenario/load.h"
#include "base/fs.h"
#include "base/numtext.h"
#include "base/stop.h"

/* Beyond these a live run is refused without --force: one loop on one
 * thread holds tens of thousands of requests a second, and a live run takes
 * its duration in real time. */
#define LIVE_MAX_RATE 20000.0
#define LIVE_MAX_DURATION 3600.0

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* What summary.json's "live" object needs, per strategy index. */
typedef struct hook_ctx {
    live_stats *stats;
    char redis[1024], postgres[1024];
} hook_ctx;

static cJSON *num_or_null(double v) { return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull(); }

static void add_quantiles(cJSON *o, const hist *h, bool with_p90)
{
    cJSON_AddNumberToObject(o, "count", (double)h->count);
    cJSON_AddItemToObject(o, "p50", num_or_null(hist_quantile(h, 0.5)));
    if (with_p90) cJSON_AddItemToObject(o, "p90", num_or_null(hist_quantile(h, 0.9)));
    cJSON_AddItemToObject(o, "p99", num_or_null(hist_quantile(h, 0.99)));
    cJSON_AddItemToObject(o, "max", num_or_null(h->count ? h->max : NAN));
}

static void summary_hook(void *summary, size_t si, void *ctx)
{
    const hook_ctx *hc = ctx;
    const live_stats *st = &hc->stats[si];
    cJSON *lv = cJSON_AddObjectToObject(summary, "live");
    cJSON_AddStringToObject(lv, "redis", hc->redis);
    cJSON_AddStringToObject(lv, "postgres", hc->postgres);
    cJSON *c = cJSON_AddObjectToObject(lv, "connections");
    cJSON_AddNumberToObject(c, "redis", st->redis_connections);
    cJSON_AddNumberToObject(c, "postgres", st->pg_connections);
    cJSON_AddNumberToObject(lv, "redis_commands", (double)st->redis_commands);
    add_quantiles(cJSON_AddObjectToObject(lv, "cache_rtt"), &st->rtt, true);
    add_quantiles(cJSON_AddObjectToObject(lv, "lag"), &st->lag, false);
    cJSON *db = cJSON_AddObjectToObject(lv, "db");
    cJSON_AddNumberToObject(db, "statement_overhead", st->db_overhead);
    cJSON_AddNumberToObject(db, "queries_measured", (double)st->svc_n);
    cJSON_AddItemToObject(db, "service_error_mean", num_or_null(st->svc_n ? st->svc_err_sum / (double)st->svc_n : NAN));
    cJSON_AddItemToObject(db, "service_error_max", num_or_null(st->svc_n ? st->svc_err_max : NAN));
}

/* The simulator's cache latency for --compare: a lognormal with the median
 * and the 99th percentile of the measured round trips (a constant when they
 * coincide), as a --set value. */
static void fitted_latency(const hist *rtt, char *buf, size_t n)
{
    double p50 = hist_quantile(rtt, 0.5), p99 = hist_quantile(rtt, 0.99);
    double sigma = p50 > 0 && p99 > p50 ? log(p99 / p50) / 2.3263478740408408 : 0;
    if (!(p50 > 0)) snprintf(buf, n, "0");
    else if (sigma < 0.01) snprintf(buf, n, "%.9g", p50);
    else snprintf(buf, n, "{\"dist\": \"lognormal\", \"median\": %.9g, \"sigma\": %.6g}", p50, sigma);
}

/* --compare: simulates each label with its own live run's round trips as
 * the cache latency, each into its own results folder tmp/sim/<label>/ (so
 * each folder's scenario.json is exactly what ran), and gathers their
 * comparison rows into rows.  Returns 0, or -1 with the reason in err. */
static int simulate(const char *path, override *ovr, size_t novr, const scenario *sc, const size_t *idx, size_t nsel,
                    const live_stats *stats, const char *tmp, results *rows, bool show, char *err, size_t errlen)
{
    for (size_t k = 0; k < nsel; k++) {
        size_t si = idx[k];
        const char *label = sc->strategies[si].label;
        char fit[256], dir[4400];
        fitted_latency(&stats[si].rtt, fit, sizeof fit);
        ovr[novr].path = "cache.latency";
        ovr[novr].value = fit;
        diag errs = { 0 };
        scenario *s = scenario_load(path, ovr, novr + 1, &errs);
        if (!s) {
            snprintf(err, errlen, "%s", errs.n ? errs.msgs[0] : "cannot load the scenario again");
            diag_free(&errs);
            return -1;
        }
        diag_free(&errs);
        if (show) fprintf(stderr, "stampede: simulating %s with cache.latency = %s\n", label, fit);
        snprintf(dir, sizeof dir, "%s/sim/%s", tmp, label);
        results r;
        metrics m;
        int rc = -1;
        if (!results_open(&r, dir, err, errlen) && !metrics_init(&m, s->warmup, s->duration, s->bin)) {
            run_opts o = { .stop = &stop_flag };
            double w0 = wall_now();
            struct status st = STATUS_INIT;
            enum status_code sr = sim_run(s, si, &o, &m, &st);
            m.wall_seconds = wall_now() - w0;
            if (sr == STATUS_STOPPED || stop_flag) snprintf(err, errlen, "interrupted");
            else if (sr != STATUS_OK) snprintf(err, errlen, "%s", status_msg(&st));
            else if (!results_add(&r, s, si, &m, err, errlen) && !results_commit(&r, s, err, errlen)) rc = 0;
            status_clear(&st);
            metrics_free(&m);
        }
        if (!rc) {   /* keep its row for agreement.csv */
            struct result_row *nr = realloc(rows->rows, (rows->nrows + 1) * sizeof *nr);
            if (!nr) { snprintf(err, errlen, "out of memory"); rc = -1; }
            else {
                rows->rows = nr;
                nr[rows->nrows] = r.rows[0];
                r.rows[0].label = r.rows[0].strategy = NULL;
                rows->nrows++;
            }
        }
        results_close(&r);
        scenario_free(s);
        if (rc) return -1;
    }
    return 0;
}

static int refuse(const char *msg)
{
    fprintf(stderr, "stampede: %s\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *vals[3] = { NULL, NULL, NULL };
    int compare = 0;
    const run_extra extra[] = {
        { "redis", &vals[0], NULL }, { "postgres", &vals[1], NULL }, { "max-drain", &vals[2], NULL },
        { "compare", NULL, &compare },
    };
    run_args ra;
    int rc0 = cli_run_args("live", argc, argv, &ra, extra, sizeof extra / sizeof *extra);
    if (rc0) {
        free(ra.ovr);
        if (rc0 == 1) fputs(usage_live, stdout);
        return rc0 == 1 ? 0 : rc0 < 0 ? 1 : rc0;
    }
    const char *path = ra.path, *labels = ra.labels, *out = ra.out, *redis = vals[0], *pg = vals[1], *drain = vals[2];
    int trace = ra.trace, quiet = ra.quiet, force = ra.force;
    override *ovr = ra.ovr;
    size_t novr = ra.novr;
    if (!redis || !pg) {
        free(ovr);
        return cli_usage_error("live", "live: give both --redis URL and --postgres CONNINFO (a staging stack, never production)");
    }
    double max_drain = 60;
    if (drain && (num_parse_duration(drain, &max_drain) || !(max_drain > 0) || !isfinite(max_drain))) {
        free(ovr);
        return cli_usage_error("live", "live: --max-drain needs a duration > 0 (got \"%s\")", drain);
    }

    diag errs = { 0 };
    scenario *sc = scenario_load(path, ovr, novr, &errs);
    if (!sc) {
        cli_print_diag(&errs);
        diag_free(&errs);
        free(ovr);
        return 2;
    }
    diag_free(&errs);
    int status = 0;
    char err[8192] = "", lim[8192];
    size_t *idx = calloc(sc->nstrategies, sizeof *idx), nsel = 0;
    live *L = NULL;
    live_stats *stats = NULL;
    hook_ctx *hc = NULL;
    results res = { 0 }, simrows = { 0 };
    if (!idx || cli_select_labels(sc, labels, idx, &nsel)) { status = 2; goto done; }
    const char *why = live_refusal(sc, lim, sizeof lim);
    if (why) { status = refuse(why); goto done; }
    budget_estimate e;
    budget_estimate_of(sc, 1, &e);
    double rate = e.requests / sc->duration;
    if (!force && (rate > LIVE_MAX_RATE || sc->duration > LIVE_MAX_DURATION)) {
        fprintf(stderr, "stampede: %s: error: about %.3g requests/s for %.3g s: live sends them in real time from one "
                "loop, and holds at most %.0f requests/s for at most %.0f s; lower clients.arrivals or duration, or "
                "pass --force\n", sc->path, rate, sc->duration, LIVE_MAX_RATE, LIVE_MAX_DURATION);
        status = 2;
        goto done;
    }
    if (budget_check_selected(sc, idx, nsel, force, lim, sizeof lim)) {
        cli_print_lines(lim);
        status = 2;
        goto done;
    }
    if ((nsel > 1 || compare) && scenario_trace_once(sc)) {
        snprintf(lim, sizeof lim, "%s: error: clients.arrivals.trace: %s can be read only once (a pipe or a device), "
                 "and each strategy%s reads it whole; run one strategy at a time without --compare, or copy it to "
                 "a file", sc->path, sc->clients.trace, compare ? " and the simulation of --compare" : "");
        status = refuse(lim);
        goto done;
    }
    if (compare)
        for (size_t k = 0; k < nsel; k++)
            if (!strcmp(sc->strategies[idx[k]].label, "sim")) {
                snprintf(lim, sizeof lim, "%s: error: a strategy labelled \"sim\" would share its folder with the "
                         "simulator's results of --compare; rename the label", sc->path);
                status = refuse(lim);
                goto done;
            }
    char defout[4096];
    if (!out) {
        snprintf(defout, sizeof defout, "results/%s-live", sc->name);
        out = defout;
    }

    signals_install();          /* SIGINT, SIGTERM, SIGHUP: stop, write nothing (signals.h) */
    signal(SIGPIPE, SIG_IGN);   /* a closed socket is an error reply, not the end */

    int rc = results_check(out, err, sizeof err);   /* a folder it may not replace: before any work */
    if (rc) { status = rc == -2 ? 2 : 1; goto done; }
    live_config cfg = { .redis_url = redis, .pg_conninfo = pg, .max_drain = max_drain };
    rc = live_open(&L, sc, &cfg, err, sizeof err);
    if (rc) { status = rc == -2 ? 2 : 1; goto done; }
    rc = results_open(&res, out, err, sizeof err);
    if (rc) { status = rc == -2 ? 2 : 1; goto done; }
    stats = calloc(sc->nstrategies, sizeof *stats);
    hc = calloc(1, sizeof *hc);
    if (!stats || !hc) { snprintf(err, sizeof err, "out of memory"); status = 1; goto done; }
    hc->stats = stats;
    live_redact(redis, hc->redis, sizeof hc->redis);
    live_redact(pg, hc->postgres, sizeof hc->postgres);
    res.mode = "live";
    res.summary_hook = summary_hook;
    res.summary_ctx = hc;
    bool show = !quiet && isatty(2);
    for (size_t k = 0; k < nsel && !status; k++) {
        size_t si = idx[k];
        const char *label = sc->strategies[si].label;
        metrics m;
        FILE *treq = NULL, *tdb = NULL;
        if (metrics_init(&m, sc->warmup, sc->duration, sc->bin)) { snprintf(err, sizeof err, "out of memory"); status = 1; break; }
        if (trace) {
            if (!(treq = results_file(&res, label, "requests.csv", err, sizeof err)) ||
                !(tdb = results_file(&res, label, "db.csv", err, sizeof err))) {
                if (treq) fclose(treq);
                metrics_free(&m);
                status = 1;
                break;
            }
            fputs("id,attempt,node,key,t_arrival,t_done,latency,outcome,db\n", treq);
            fputs("key,node,t_issue,t_start,t_end,cause,requester,status\n", tdb);
        }
        if (show) fprintf(stderr, "stampede: [%zu/%zu] %s: live for %g s\n", k + 1, nsel, label, sc->duration);
        hist_reset(&stats[si].rtt);
        hist_reset(&stats[si].lag);
        double w0 = wall_now();
        int r = live_run(L, si, &m, &stats[si], treq, tdb, &stop_flag, err, sizeof err);
        m.wall_seconds = wall_now() - w0;
        if (treq && (fs_close_checked(treq, "requests.csv", err, sizeof err) | fs_close_checked(tdb, "db.csv", err, sizeof err)) &&
            r == 0)
            r = -1;
        if (r == 1 || stop_flag) {
            snprintf(err, sizeof err, "interrupted; nothing was written to %s", out);
            status = 1;
        } else if (r) {
            status = 1;
        } else if (results_add(&res, sc, si, &m, err, sizeof err)) {
            status = 1;
        }
        metrics_free(&m);
    }
    if (status) goto done;

    if (compare && simulate(path, ovr, novr, sc, idx, nsel, stats, res.out.tmp, &simrows, show, err, sizeof err)) {
        status = 1;
        goto done;
    }
    if (compare) {
        char ap[4200];
        snprintf(ap, sizeof ap, "%s/agreement.csv", res.out.tmp);
        if (agreement_write(ap, &simrows, &res, err, sizeof err)) { status = 1; goto done; }
    }
    if (!stop_flag && results_commit(&res, sc, err, sizeof err)) status = 1;
    else if (stop_flag) {
        snprintf(err, sizeof err, "interrupted; nothing was written to %s", out);
        status = 1;
    }
    if (!status) {
        results_print_table(&res, stdout);
        if (compare) {
            printf("\nagreement, simulated/live (the simulator with each label's measured Redis round trips as "
                   "cache.latency):\n");
            agreement_print(stdout, &simrows, &res);
        }
        printf("results: %s/\n", res.out.dir);
    }
done:
    if (status && *err) fprintf(stderr, "stampede: %s\n", err);
    live_close(L);
    results_close(&simrows);
    results_close(&res);
    free(stats);
    free(hc);
    free(idx);
    free(ovr);
    scenario_free(sc);
    return status;
}
