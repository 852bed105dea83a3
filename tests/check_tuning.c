/* check_tuning.c - tuning as a user does it (issue 15): strategy fields by
 * label in --set and --vary, sweep with --set, --strategy and --zip, the
 * metric list, every usage error of sweep and merge (one message, exit 2,
 * nothing written), the units guard on bare durations, and the report of a
 * sweep folder. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/load.h"
#include "model/strategy.h"
#include "testmain.h"
#include "testutil.h"

static const char *tiny =
    "{\n"
    "  \"name\": \"tiny\",\n"
    "  \"seed\": 3,\n"
    "  \"duration\": \"5s\",\n"
    "  \"warmup\": \"500ms\",\n"
    "  \"clients\": {\"arrivals\": {\"rate\": 300}},\n"
    "  \"keys\": {\"count\": 20, \"popularity\": {\"zipf\": 1.0}},\n"
    "  \"cache\": {\"latency\": {\"dist\": \"exponential\", \"mean\": \"1ms\"}, \"ttl\": \"1s\"},\n"
    "  \"db\": {\"workers\": 4, \"latency\": {\"dist\": \"lognormal\", \"median\": \"20ms\", \"sigma\": 0.5}},\n"
    "  \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\", \"max_wait\": \"1s\"},\n"
    "                 {\"name\": \"xfetch\", \"beta\": 1}, {\"name\": \"xfetch\", \"label\": \"xf-b\", \"beta\": 1},\n"
    "                 {\"name\": \"lock\", \"label\": \"cache\"}]\n"
    "}\n";

static char *work;
static char *scen;

static void setup(void)
{
    work = tu_tmpdir();
    scen = tu_scenario(work, "tiny.json", tiny);
    ck_assert_ptr_nonnull(scen);
}

static void teardown(void)
{
    tu_rmrf(work);
    free(work);
    free(scen);
}

/* The double parameter name of strategy si of sc. */
static double param(const scenario *sc, size_t si, const char *name)
{
    const strategy_cfg *c = &sc->strategies[si];
    for (size_t k = 0; k < c->ops->nparams; k++)
        if (!strcmp(c->ops->params[k].name, name)) {
            double x;
            memcpy(&x, (const char *)c->params + c->ops->params[k].offset, sizeof x);
            return x;
        }
    ck_abort_msg("no parameter %s", name);
    return NAN;
}

/* Loads tiny with one override; NULL with the first error in *msg. */
static scenario *load1(const char *path, const char *value, char *msg, size_t n)
{
    override o = { path, value };
    diag errs = { 0 };
    scenario *sc = scenario_load_text("tiny.json", tiny, strlen(tiny), &o, 1, &errs);
    snprintf(msg, n, "%s", errs.n ? errs.msgs[0] : "");
    diag_free(&errs);
    return sc;
}

/* ---------------------------------------------------------------- label paths */

START_TEST(label_paths_reach_the_labelled_strategy)
{
    char msg[1024];
    static const struct { const char *path; size_t si; const char *field; double want; } ok[] = {
        { "xfetch.beta", 2, "beta", 3 },
        { "strategies.xfetch.beta", 2, "beta", 3 },
        { "strategies.2.beta", 2, "beta", 3 },
        { "xf-b.beta", 3, "beta", 3 },
        { "lock.max_wait", 1, "max_wait", 3 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        scenario *sc = load1(ok[i].path, "3", msg, sizeof msg);
        ck_assert_msg(sc, "%s: %s", ok[i].path, msg);
        ck_assert_double_eq(param(sc, ok[i].si, ok[i].field), ok[i].want);
        /* the others keep their values */
        ck_assert_double_eq(param(sc, ok[i].si == 3 ? 2 : 3, "beta"), 1);
        scenario_free(sc);
    }
    /* a top-level field wins over a label of the same name; strategies.LABEL reaches it */
    scenario *sc = load1("cache.ttl", "\"2s\"", msg, sizeof msg);
    ck_assert_msg(sc, "%s", msg);
    ck_assert_double_eq(sc->cache.ttl, 2);
    scenario_free(sc);
    sc = load1("strategies.cache.max_wait", "\"3s\"", msg, sizeof msg);
    ck_assert_msg(sc, "%s", msg);
    ck_assert_double_eq(param(sc, 4, "max_wait"), 3);
    scenario_free(sc);
    /* errors name the path as given */
    ck_assert_ptr_null(load1("xfetch.betta", "2", msg, sizeof msg));
    ck_assert_msg(strstr(msg, "--set xfetch.betta: error: /strategies/2/betta: unknown field (did you mean \"beta\"?)"),
                  "%s", msg);
    ck_assert_ptr_null(load1("strategies.nope.beta", "2", msg, sizeof msg));
    ck_assert_msg(strstr(msg, "--set strategies.nope.beta: error: no field \"nope\" in /strategies (it is an array)"),
                  "%s", msg);
    ck_assert_ptr_null(load1("nope.beta", "2", msg, sizeof msg));
    ck_assert_msg(strstr(msg, "--set nope.beta: error: no such field \"nope\" in /"), "%s", msg);
}
END_TEST

START_TEST(run_takes_label_paths)
{
    char *err = NULL;
    int rc = tu_runf(NULL, &err, "run %s --quiet --strategy xfetch --set xfetch.beta=4 --out %s/r", scen, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    char *eff = tu_slurp(tu_pathf("%s/r/scenario.json", work));
    ck_assert_ptr_nonnull(eff);
    ck_assert_msg(strstr(eff, "\"beta\":\t4"), "%s", eff);
    free(eff);
}
END_TEST

/* A mistyped option gets "did you mean" in every command. */
START_TEST(unknown_options_get_did_you_mean)
{
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s,2s --replicatoins 2 --out %s/bad", scen, work), 2);
    ck_assert_str_eq(err, "stampede: sweep: unknown option --replicatoins (did you mean --replications?) "
                          "(see 'stampede sweep --help')\n");
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s,2s --replication 2 --minimise p99", scen), 2);
    ck_assert_str_eq(err, "stampede: sweep: unknown option --minimise (did you mean --minimize?) (see 'stampede sweep --help')\n");
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s,2s --sett db.workers=2 --out %s/bad", scen, work), 2);
    ck_assert_str_eq(err, "stampede: sweep: unknown option --sett (did you mean --set?) (see 'stampede sweep --help')\n");
    free(err);
    ck_assert(!tu_exists(tu_pathf("%s/bad", work)));
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --sett cache.ttl=1s", scen), 2);
    ck_assert_str_eq(err, "stampede: run: unknown option --sett (did you mean --set?) (see 'stampede run --help')\n");
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --stratgey=none", scen), 2);
    ck_assert_str_eq(err, "stampede: run: unknown option --stratgey (did you mean --strategy?) (see 'stampede run --help')\n");
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "merge %s --out %s/m --maximise p99", work, work), 2);
    ck_assert_str_eq(err, "stampede: merge: unknown option --maximise (did you mean --maximize?) (see 'stampede merge --help')\n");
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "validate %s --forse", scen), 2);
    ck_assert_msg(strstr(err, "unknown option --forse (did you mean --force?)"), "%s", err);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "plot %s --color", work), 2);
    ck_assert_str_eq(err, "stampede: plot: unknown option --color (see 'stampede plot --help')\n");
    free(err);
}
END_TEST

/* ---------------------------------------------------------------- sweep like run */

/* The line of runs.csv (or comparison.csv) for a label from its strategy on. */
static char *row_after(const char *text, const char *key)
{
    const char *a = strstr(text, key);
    if (!a) return NULL;
    a += strlen(key);
    return strndup(a, strcspn(a, "\n"));
}

START_TEST(sweep_takes_set_strategy_labels_and_zip)
{
    char *out = NULL, *err = NULL;
    int rc = tu_runf(&out, &err, "sweep %s --set lock.max_wait=2s --set cache.ttl=2s --strategy xfetch,none "
                                 "--vary xfetch.beta=0.5,2,8 --zip xf-b.beta=1,3,9 --replications 2 --quiet --out %s/s",
                     scen, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(out);
    free(err);
    char *js = tu_slurp(tu_pathf("%s/s/sweep.json", work));
    ck_assert_ptr_nonnull(js);
    ck_assert_msg(strstr(js, "{\"path\": \"xf-b.beta\", \"spec\": \"1,3,9\", \"scale\": \"linear\", \"zip\": true,"), "%s", js);
    ck_assert_msg(strstr(js, "\"set\": [\"lock.max_wait=2s\", \"cache.ttl=2s\"],\n  \"strategy\": \"xfetch,none\","), "%s", js);
    ck_assert_msg(strstr(js, "\"points\": 3,\n  \"total_runs\": 6,"), "%s", js);
    free(js);
    /* zipped: 3 points, not 9; only the labels asked for, in the order given */
    char *runs = tu_slurp(tu_pathf("%s/s/runs.csv", work));
    ck_assert(!strncmp(runs, "run,xfetch.beta,xf-b.beta,replication,label,strategy,requests,", 61));
    ck_assert_ptr_nonnull(strstr(runs, "\n0,0.5,1,0,xfetch,xfetch,"));
    ck_assert_ptr_nonnull(strstr(runs, "\n0,0.5,1,0,none,none,"));
    ck_assert_ptr_nonnull(strstr(runs, "\n5,8,9,1,none,none,"));
    ck_assert_ptr_null(strstr(runs, ",lock,"));
    ck_assert_ptr_null(strstr(runs, ",xf-b,"));
    ck_assert_ptr_null(strstr(runs, "\n6,"));
    /* replication 0 of point 1 is `stampede run` with the same options */
    rc = tu_runf(NULL, &err, "run %s --set lock.max_wait=2s --set cache.ttl=2s --set xfetch.beta=2 --set xf-b.beta=3 "
                             "--strategy xfetch --quiet --out %s/r", scen, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    char *cmp = tu_slurp(tu_pathf("%s/r/comparison.csv", work));
    char *a = row_after(runs, "\n2,2,3,0,xfetch,"), *b = row_after(cmp, "\nxfetch,");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_msg(!strncmp(a, b, strlen(a)), "sweep:\n%s\nrun:\n%s", a, b);
    free(a);
    free(b);
    free(cmp);
    free(runs);
    /* parts of sweeps with different --set do not merge */
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s --vary cache.ttl=1s,2s --strategy none --set db.workers=2 --shard 1/2 "
                                         "--quiet --out %s/p1", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s --vary cache.ttl=1s,2s --strategy none --set db.workers=3 --shard 2/2 "
                                         "--quiet --out %s/p2", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, &err, "merge %s/p1 %s/p2 --out %s/pm", work, work, work), 2);
    ck_assert_msg(strstr(err, "different --set or --strategy options"), "%s", err);
    free(err);
    ck_assert(!tu_exists(tu_pathf("%s/pm", work)));
    /* the same --set merges into the unsplit sweep's bytes */
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s --vary cache.ttl=1s,2s --strategy none --set db.workers=3 --shard 1/2 "
                                         "--quiet --out %s/q1", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s --vary cache.ttl=1s,2s --strategy none --set db.workers=3 "
                                         "--quiet --out %s/q", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "merge %s/q1 %s/p2 --out %s/qm", work, work, work), 0);
    ck_assert(tu_same_file(tu_pathf("%s/q/sweep.csv", work), tu_pathf("%s/qm/sweep.csv", work)));
    ck_assert(tu_same_file(tu_pathf("%s/q/sweep.json", work), tu_pathf("%s/qm/sweep.json", work)));
}
END_TEST

/* Problems of --set, --strategy and --zip: one message each, exit status 2,
 * nothing written; a wrong path is said once, not once per point. */
START_TEST(sweep_option_errors)
{
    static const struct { const char *args, *msg; } bad[] = {
        { "--vary xfetch.betta=1,2,3",
          "stampede: --vary xfetch.betta: error: /strategies/2/betta: unknown field (did you mean \"beta\"?)\n"
          "stampede: 3 of 3 points are invalid; nothing was run\n" },
        { "--vary cache.ttl=1s,2s --zip db.workers=1,2,3",
          "stampede: sweep: --zip db.workers has 3 values and --vary cache.ttl has 2: zipped lists move together and "
          "need as many values (see 'stampede sweep --help')\n" },
        { "--zip db.workers=1,2", "stampede: sweep: --zip db.workers=1,2: no --vary before it to move with "
                                  "(see 'stampede sweep --help')\n" },
        { "--vary cache.ttl=1s --strategy xfetch,nope",
          "stampede: --strategy: no strategy labelled \"nope\" (labels: none lock xfetch xf-b cache)\n"
          "stampede: 1 of 1 points are invalid; nothing was run\n" },
        { "--vary cache.ttl=1s --strategy xfetch,", "stampede: sweep: --strategy needs labels L[,L...] (got \"xfetch,\") "
                                                 "(see 'stampede sweep --help')\n" },
        { "--vary cache.ttl=1s --set db.workers", "stampede: sweep: --set needs PATH=VALUE (got \"db.workers\") "
                                                  "(see 'stampede sweep --help')\n" },
        { "--vary cache.ttl=1s,2s --set db.workerz=3",
          "stampede: --set db.workerz: error: /db/workerz: unknown field (did you mean \"workers\"?)\n"
          "stampede: 2 of 2 points are invalid; nothing was run\n" },
        { "--vary clients.arrivals.rate=100,-1,-2,300",
          "stampede: point 1 (clients.arrivals.rate=-1): --vary clients.arrivals.rate: error: /clients/arrivals/rate: " },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *out = NULL, *err = NULL;
        int rc = tu_runf(&out, &err, "sweep %s %s --out %s/bad", scen, bad[i].args, work);
        ck_assert_msg(rc == 2, "%s: exit %d", bad[i].args, rc);
        ck_assert_msg(!strncmp(err, bad[i].msg, strlen(bad[i].msg)), "%s:\ngot      %s\nexpected %s", bad[i].args, err,
                      bad[i].msg);
        ck_assert_str_eq(out, "");
        ck_assert_msg(!tu_exists(tu_pathf("%s/bad", work)), "%s wrote its folder", bad[i].args);
        free(out);
        free(err);
    }
    /* a value wrong at two points: said at the first, with how many more */
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary clients.arrivals.rate=100,-1,-1.0,300 --out %s/bad", scen, work), 2);
    ck_assert_msg(strstr(err, "(got -1)\n"), "%s", err);
    ck_assert_msg(strstr(err, "stampede: 2 of 4 points are invalid; nothing was run\n"), "%s", err);
    free(err);
}
END_TEST

/* A sweep with nothing to vary is refused: exit status 2, nothing written. */
START_TEST(sweep_needs_a_vary)
{
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(tu_runf(&out, &err, "sweep %s --replications 3 --out %s/bad", scen, work), 2);
    ck_assert_str_eq(err, "stampede: sweep: nothing to vary: give --vary PATH=VALUES (for example --vary "
                          "cache.ttl=10s,30s,60s); to replicate the scenario as it is, use stampede run --seed N "
                          "(see 'stampede sweep --help')\n");
    ck_assert_str_eq(out, "");
    ck_assert(!tu_exists(tu_pathf("%s/bad", work)));
    free(out);
    free(err);
}
END_TEST

/* --minimize and --maximize rank means by their intervals: one replication
 * is refused (exit status 2, nothing written). */
START_TEST(ranking_needs_replications)
{
    static const char *const args[] = { "--minimize p99", "--replications 1 --maximize none.requests" };
    for (size_t i = 0; i < 2; i++) {
        char *out = NULL, *err = NULL;
        ck_assert_int_eq(tu_runf(&out, &err, "sweep %s --vary cache.ttl=1s,2s %s --out %s/bad", scen, args[i], work), 2);
        ck_assert_msg(!strcmp(err, i ? "stampede: sweep: --maximize compares means by their 95% confidence intervals, "
                                       "which need --replications 2 or more (3 or more to tell settings apart); got 1 "
                                       "(see 'stampede sweep --help')\n"
                                     : "stampede: sweep: --minimize compares means by their 95% confidence intervals, "
                                       "which need --replications 2 or more (3 or more to tell settings apart); got 1 "
                                       "(see 'stampede sweep --help')\n"), "%s", err);
        ck_assert_str_eq(out, "");
        ck_assert(!tu_exists(tu_pathf("%s/bad", work)));
        free(out);
        free(err);
    }
}
END_TEST

START_TEST(metrics_are_listed_with_units)
{
    char *out = NULL;
    ck_assert_int_eq(tu_run("sweep --metrics", &out, NULL), 0);
    static const char *const rows[] = {
        "\n  requests                     requests  requests that ended",
        "\n  failed_ratio                 fraction  share of requests that failed\n",
        "\n  p99                          s         p99 latency of answered requests\n",
        "\n  peak_db_inflight             queries   most DB queries in service at once\n",
        "\n  timeouts                     attempts  attempts that timed out (clients.timeout)\n",
        "\n  events                       events    ",
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) ck_assert_msg(strstr(out, rows[i]), "no %s in\n%s", rows[i], out);
    /* one line per metric: every column of runs.csv, each with a unit and words */
    size_t lines = 0;
    for (char *p = strstr(out, "\n\n") + 2; *p; p++) {
        if (p[-1] == '\n') {
            char name[64], unit[64], about[8];
            ck_assert_msg(sscanf(p, " %63s %63s %7s", name, unit, about) == 3 && strchr(p, '\n') &&
                              strchr(p, ' ') < strchr(p, '\n'),
                          "a metric without its unit or words: %.80s", p);
            ck_assert_msg(strstr(p, unit) < strchr(p, '\n') && strstr(p, about) < strchr(p, '\n'),
                          "a metric without its unit or words: %.80s", p);
        }
        lines += *p == '\n';
    }
    free(out);
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s --strategy none --quiet --out %s/s", scen, work), 0);
    free(err);
    char *runs = tu_slurp(tu_pathf("%s/s/runs.csv", work));
    size_t cols = 1;
    for (char *p = runs; *p != '\n'; p++) cols += *p == ',';
    free(runs);
    ck_assert_uint_eq(lines, cols - 5);   /* run, cache.ttl, replication, label, strategy */
    /* the help says it exists; merge's lists --maximize and how to rank again */
    ck_assert_int_eq(tu_run("sweep --help", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "  --metrics            list every metric with its unit and exit\n"));
    ck_assert_ptr_nonnull(strstr(out, "  --zip PATH=VALUES"));
    ck_assert_ptr_nonnull(strstr(out, "  --set PATH=VALUE"));
    ck_assert_ptr_nonnull(strstr(out, "  --strategy L[,L...]"));
    ck_assert_ptr_nonnull(strstr(out, "stampede merge DIR --out DIR2 --minimize METRIC"));
    free(out);
    ck_assert_int_eq(tu_run("merge --help", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "  --maximize METRIC"));
    ck_assert_ptr_nonnull(strstr(out, "Given one whole sweep folder, it ranks the sweep again"));
    free(out);
}
END_TEST

/* best.txt with units; a finished sweep ranked again by merge on its folder. */
START_TEST(best_has_units_and_merge_ranks_again)
{
    char *out = NULL, *err = NULL;
    int rc = tu_runf(&out, &err, "sweep %s --vary cache.ttl=1s,2s --strategy none,xfetch --replications 3 --quiet "
                                 "--out %s/s --minimize xfetch.p99 --subject-to 'xfetch.p99<=2s'", scen, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    static const char head[] = "minimize xfetch.p99 subject to xfetch.p99 <= 2 s (means over 3 replications, 95% "
                               "confidence intervals)\n";
    ck_assert_msg(!strncmp(out, head, strlen(head)), "%s", out);
    /* "  xfetch.p99 = 61.23 ms ± 4.1 ms": a number, a unit, the same unit for the half-width */
    const char *l = strstr(out, "  xfetch.p99 = ");
    ck_assert_ptr_nonnull(l);
    double m, h;
    char u1[8], u2[8];
    ck_assert_msg(sscanf(l, "  xfetch.p99 = %lf %7s \u00b1 %lf %7s", &m, u1, &h, u2) == 4, "%s", out);
    ck_assert_msg(!strcmp(u1, "ms") && !strcmp(u2, "ms") && m > 1 && m < 1000 && h > 0, "%s", out);
    free(out);
    /* ranked again by another goal: the same runs, a new best.txt */
    rc = tu_runf(&out, &err, "merge %s/s --out %s/r --maximize none.hit_ratio", work, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    ck_assert_msg(strstr(out, "maximize none.hit_ratio (means over 3 replications, 95% confidence intervals)\n"
                              "best: point 1 (cache.ttl=2s), label none\n"), "%s", out);
    free(out);
    ck_assert(tu_same_file(tu_pathf("%s/s/runs.csv", work), tu_pathf("%s/r/runs.csv", work)));
    ck_assert(tu_same_file(tu_pathf("%s/s/sweep.csv", work), tu_pathf("%s/r/sweep.csv", work)));
    /* one replication: no ranking */
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s --vary cache.ttl=1s,2s --strategy none --quiet --out %s/one", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, &err, "merge %s/one --out %s/one-r --minimize p99", work, work), 2);
    ck_assert_str_eq(err, "stampede: merge: --minimize compares means by their 95% confidence intervals, which need 2 "
                          "or more replications; the sweep has 1\n");
    free(err);
    ck_assert(!tu_exists(tu_pathf("%s/one-r", work)));
}
END_TEST

/* ---------------------------------------------------------------- units guard */

static const char *bare =
    "{\"name\": \"bare\", \"duration\": \"5s\",\n"
    " \"clients\": {\"arrivals\": {\"rate\": 50}, \"timeout\": 1000, \"retries\": {\"max\": 1, \"backoff\": 20}},\n"
    " \"cache\": {\"ttl\": 30, \"latency\": 9.5},\n"
    " \"db\": {\"workers\": 4, \"latency\": {\"dist\": \"lognormal\", \"median\": 30, \"sigma\": 12},\n"
    "        \"queue_timeout\": \"20s\", \"statement_timeout\": \"1500ms\"},\n"
    " \"recovery\": {\"latency_factor\": 40}}\n";

START_TEST(bare_durations_warn_in_the_loader)
{
    diag errs = { 0 }, warns = { 0 };
    char *f = tu_scenario(work, "bare.json", bare);
    override o = { "db.statement_timeout", "10" };
    scenario *sc = scenario_load_warn(f, &o, 1, &errs, &warns);
    ck_assert_msg(sc, "%s", errs.n ? errs.msgs[0] : "");
    /* the values load as seconds, as the contract says */
    ck_assert_double_eq(sc->clients.timeout, 1000);
    ck_assert_double_eq(sc->db.statement_timeout, 10);
    scenario_free(sc);
    /* only latency and timeout fields, only bare numbers, only from 10 on:
     * not the TTL, the backoff, the cache's 9.5, "20s", sigma or latency_factor */
    ck_assert_uint_eq(warns.n, 3);
    ck_assert_str_eq(warns.msgs[0], tu_pathf("%s:2:51: warning: /clients/timeout: 1000 without a unit is 1000 seconds; "
                                             "if you meant milliseconds write \"1000ms\" (\"1000s\" keeps seconds and "
                                             "silences this)", f));
    ck_assert_msg(strstr(warns.msgs[1], ":4:66: warning: /db/latency/median: 30 without a unit is 30 seconds; if you "
                                        "meant milliseconds write \"30ms\""), "%s", warns.msgs[1]);
    ck_assert_str_eq(warns.msgs[2], "--set db.statement_timeout: warning: /db/statement_timeout: 10 without a unit is "
                                    "10 seconds; if you meant milliseconds write \"10ms\" (\"10s\" keeps seconds and "
                                    "silences this)");
    diag_free(&warns);
    diag_free(&errs);
    /* scenario_load wants none and gets none */
    sc = scenario_load(f, NULL, 0, &errs);
    ck_assert_ptr_nonnull(sc);
    scenario_free(sc);
    diag_free(&errs);
    free(f);
}
END_TEST

/* run, validate and sweep print the warnings on stderr and keep their exit status. */
START_TEST(bare_durations_warn_in_every_command)
{
    char *f = tu_scenario(work, "bare.json", bare);
    char *out = NULL, *err = NULL;
    ck_assert_int_eq(tu_runf(&out, &err, "validate %s", f), 0);
    ck_assert_str_eq(out, tu_pathf("%s: ok (1 strategy: none)\n", f));
    ck_assert_msg(strstr(err, "stampede: ") == err && strstr(err, ": warning: /clients/timeout: 1000 without a unit") &&
                  strstr(err, "write \"1000ms\"") && strstr(err, ": warning: /db/latency/median: 30 without a unit"), "%s", err);
    free(out);
    free(err);
    /* run, with --set: the file's timeout is replaced, the --set's is warned about */
    ck_assert_int_eq(tu_runf(&out, &err, "run %s --quiet --set clients.timeout=2 --set db.queue_timeout=250 --out %s/r", f, work), 0);
    ck_assert_msg(!strstr(err, "/clients/timeout") && strstr(err, "stampede: --set db.queue_timeout: warning: "
                  "/db/queue_timeout: 250 without a unit is 250 seconds; if you meant milliseconds write \"250ms\""), "%s", err);
    ck_assert(tu_exists(tu_pathf("%s/r/comparison.csv", work)));
    free(out);
    free(err);
    /* an invalid file still fails (2), its warnings said too */
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --quiet --set clients.arrivals.rate=-1 --out %s/bad", f, work), 2);
    ck_assert_msg(strstr(err, "warning: /clients/timeout") && strstr(err, "error: /clients/arrivals/rate"), "%s", err);
    free(err);
    /* sweep: once however many points have it; a varied value at its point */
    ck_assert_int_eq(tu_runf(&out, &err, "sweep %s --vary clients.timeout=5,500ms,50 --quiet --out %s/s", f, work), 0);
    ck_assert_msg(strstr(err, "stampede: point 2 (clients.timeout=50): --vary clients.timeout: warning: /clients/timeout: "
                              "50 without a unit is 50 seconds"), "%s", err);
    const char *m = strstr(err, "warning: /db/latency/median");
    ck_assert_msg(m && !strstr(m + 1, "warning: /db/latency/median") && !strstr(err, "point 0 (clients.timeout=5): "),
                  "%s", err);
    ck_assert_msg(!strstr(err, "/clients/timeout: 1000"), "%s", err);
    free(out);
    free(err);
    free(f);
}
END_TEST

/* ---------------------------------------------------------------- the sweep report */

/* The page opens offline: no script, nothing fetched from elsewhere, every
 * relative link to a file the folder holds. */
static void assert_offline_page(const char *folder)
{
    char *dir = strdup(folder);   /* folder may be a tu_pathf buffer, which rotates */
    char *h = tu_slurp(tu_pathf("%s/report.html", dir));
    ck_assert_ptr_nonnull(h);
    ck_assert_ptr_null(strstr(h, "<script"));
    ck_assert_ptr_null(strstr(h, "url("));   /* nothing fetched by the stylesheet */
    ck_assert_ptr_null(strstr(h, "@import"));
    size_t links = 0;
    for (const char *p = h; (p = strstr(p, "=\"")) != NULL; p += 2) {
        if (strncmp(p - 4, "href", 4) && strncmp(p - 3, "src", 3)) continue;
        const char *e = strchr(p + 2, '"');
        char *target = strndup(p + 2, (size_t)(e - p - 2));
        if (target[0] != '#') {
            ck_assert_msg(target[0] != '/' && !strstr(target, ".."), "link %s", target);
            ck_assert_msg(tu_exists(tu_pathf("%s/%s", dir, target)), "%s/report.html links to %s, which is not there", dir,
                          target);
            links++;
        }
        free(target);
    }
    ck_assert_uint_gt(links, 10);
    free(h);
    free(dir);
}

/* The best line of best.txt: "best: point P (DESC), label L". */
static void best_of(const char *dir, size_t *point, char *label, size_t n)
{
    char *b = tu_slurp(tu_pathf("%s/best.txt", dir));
    ck_assert_ptr_nonnull(b);
    const char *l = strstr(b, "\nbest: point ");
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(sscanf(l, "\nbest: point %zu", point), 1);
    const char *lab = strstr(l, "), label ") + 9;
    snprintf(label, n, "%.*s", (int)strcspn(lab, "\n"), lab);
    free(b);
}

START_TEST(sweep_report_states_the_recommendation)
{
    tu_need_gnuplot();
    char *out = NULL, *err = NULL;
    int rc = tu_runf(&out, &err, "sweep %s --vary xfetch.beta=0.5,2,8 --vary cache.ttl=1s,2s --strategy none,xfetch "
                                 "--replications 3 --minimize xfetch.db_queries --subject-to 'xfetch.p99<=1h' --plot "
                                 "--quiet --out %s/s", scen, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(out);
    free(err);
    assert_offline_page(tu_pathf("%s/s", work));
    size_t point;
    char label[64];
    best_of(tu_pathf("%s/s", work), &point, label, sizeof label);
    ck_assert_str_eq(label, "xfetch");
    static const char *const beta[] = { "0.5", "2", "8" }, *const ttl[] = { "1s", "2s" };
    char *h = tu_slurp(tu_pathf("%s/s/report.html", work));
    /* the lead: the best point of best.txt, its interval, the settings beside it */
    char want[512];
    snprintf(want, sizeof want, "<p class=\"lead\" id=\"recommendation\"><strong>Recommendation: xfetch with "
             "<code>xfetch.beta</code>&#160;=&#160;%s, <code>cache.ttl</code>&#160;=&#160;%s</strong>: its mean "
             "db_queries is ", beta[point / 2], ttl[point % 2]);
    ck_assert_msg(strstr(h, want), "no \"%s\" in the page", want);
    ck_assert_ptr_nonnull(strstr(h, " (95% confidence interval over 3 replications), the lowest of the 6 feasible "
                                    "(point, label) pairs; with xfetch.p99 "));
    char *best = tu_slurp(tu_pathf("%s/s/best.txt", work));
    const char *ties = strstr(best, "cannot be told apart from the best (95% confidence intervals overlap): ");
    if (ties) {
        size_t n = (size_t)atoi(ties + strlen("cannot be told apart from the best (95% confidence intervals overlap): "));
        snprintf(want, sizeof want, ". %zu other setting%s cannot be told apart from it", n, n == 1 ? "" : "s");
    } else {
        snprintf(want, sizeof want, "No other feasible setting&#8217;s interval overlaps it.");
    }
    ck_assert_msg(strstr(h, want), "no \"%s\"", want);
    ck_assert_ptr_nonnull(strstr(h, "The constraint <code>xfetch.p99</code>&#160;&#8804;&#160;3600 s excluded 0 of the 6 "
                                    "(point, label) pairs ranked."));
    /* a sentence per label, the charts, the table */
    ck_assert_ptr_nonnull(strstr(h, "<li><strong>none</strong> (not ranked: the goal names another label): lowest "
                                    "db_queries "));
    ck_assert_ptr_nonnull(strstr(h, "<li><strong>xfetch</strong>: lowest db_queries "));
    ck_assert_ptr_nonnull(strstr(h, "; meets the constraints at 6 of its 6 points.</li>"));
    ck_assert_ptr_nonnull(strstr(h, "<img src=\"charts/p99.svg\""));
    ck_assert_ptr_nonnull(strstr(h, "<table class=\"sweep\">"));
    ck_assert_ptr_nonnull(strstr(h, "<td class=\"best\">"));
    ck_assert_ptr_nonnull(strstr(h, "Labels run (<code>--strategy</code>): none, xfetch."));
    /* plot draws it again, the same bytes */
    rc = tu_runf(&out, &err, "plot %s/s", work);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_str_eq(out, tu_pathf("charts: %s/s/charts/\nreport: %s/s/report.html\n", work, work));
    free(out);
    free(err);
    char *again = tu_slurp(tu_pathf("%s/s/report.html", work));
    ck_assert_str_eq(h, again);
    free(again);
    free(best);
    free(h);
}
END_TEST

/* A constraint that rules a label out everywhere says so; merge ranks again
 * with its own report; a sweep without a goal says it recommends nothing. */
START_TEST(sweep_report_says_what_the_constraint_excluded)
{
    tu_need_gnuplot();
    char *err = NULL;
    /* lock lets one query through per expiry: stampede_max 1; none stampedes */
    int rc = tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s,2s --strategy none,lock --replications 2 "
                                 "--minimize db_queries --subject-to 'stampede_max<=1' --plot --quiet --out %s/c",
                     scen, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    char *h = tu_slurp(tu_pathf("%s/c/report.html", work));
    ck_assert_msg(strstr(h, "<strong>Recommendation: lock with <code>cache.ttl</code>&#160;=&#160;2s</strong>"), "%s", h);
    ck_assert_msg(strstr(h, "The constraint <code>stampede_max</code>&#160;&#8804;&#160;1 excluded 2 of the 4 (point, "
                            "label) pairs ranked: every point of none."), "%s", h);
    ck_assert_ptr_nonnull(strstr(h, "<li><strong>none</strong>: meets the constraints at none of its 2 points; its "
                                    "db_queries reaches "));
    free(h);
    assert_offline_page(tu_pathf("%s/c", work));
    /* ranked again by merge, with its report */
    rc = tu_runf(NULL, &err, "merge %s/c --out %s/r --maximize hit_ratio --plot", work, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    h = tu_slurp(tu_pathf("%s/r/report.html", work));
    ck_assert_msg(strstr(h, "The goal: maximize <code>hit_ratio</code>, on the means."), "%s", h);
    free(h);
    assert_offline_page(tu_pathf("%s/r", work));
    /* no goal */
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s --vary cache.ttl=1s,2s --strategy none --plot --quiet --out %s/n",
                             scen, work), 0);
    h = tu_slurp(tu_pathf("%s/n/report.html", work));
    ck_assert_ptr_nonnull(strstr(h, "This sweep was run without a goal, so it recommends nothing. To rank it: "
                                    "<code>stampede merge "));
    ck_assert_ptr_nonnull(strstr(h, "<li><strong>none</strong>: lowest p99 "));
    ck_assert_ptr_null(strstr(h, "best.txt"));
    free(h);
    assert_offline_page(tu_pathf("%s/n", work));
}
END_TEST

Suite *tu_suite(void)
{
    Suite *s = suite_create("tuning");
    TCase *lp = tcase_create("label_paths");
    tcase_add_checked_fixture(lp, setup, teardown);
    tcase_set_timeout(lp, 60);
    tcase_add_test(lp, label_paths_reach_the_labelled_strategy);
    tcase_add_test(lp, run_takes_label_paths);
    tcase_add_test(lp, unknown_options_get_did_you_mean);
    suite_add_tcase(s, lp);
    TCase *sw = tcase_create("sweep");
    tcase_add_checked_fixture(sw, setup, teardown);
    tcase_set_timeout(sw, 120);
    tcase_add_test(sw, sweep_takes_set_strategy_labels_and_zip);
    tcase_add_test(sw, sweep_option_errors);
    tcase_add_test(sw, sweep_needs_a_vary);
    tcase_add_test(sw, ranking_needs_replications);
    tcase_add_test(sw, metrics_are_listed_with_units);
    tcase_add_test(sw, best_has_units_and_merge_ranks_again);
    suite_add_tcase(s, sw);
    TCase *ug = tcase_create("units_guard");
    tcase_add_checked_fixture(ug, setup, teardown);
    tcase_set_timeout(ug, 60);
    tcase_add_test(ug, bare_durations_warn_in_the_loader);
    tcase_add_test(ug, bare_durations_warn_in_every_command);
    suite_add_tcase(s, ug);
    TCase *rp = tcase_create("sweep_report");
    tcase_add_checked_fixture(rp, setup, teardown);
    tcase_set_timeout(rp, 120);
    tcase_add_test(rp, sweep_report_states_the_recommendation);
    tcase_add_test(rp, sweep_report_says_what_the_constraint_excluded);
    suite_add_tcase(s, rp);
    return s;
}
