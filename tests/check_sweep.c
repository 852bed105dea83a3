/* check_sweep.c - sweeps: value lists and ranges, the confidence intervals
 * against hand-computed Student t values, and through the real program: the
 * same bytes for every --jobs, for shards merged, and under mpirun. */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report/plot.h"
#include "sweep/sweep.h"
#include "sweep/sweep_report.h"
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
    "  \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}, {\"name\": \"xfetch\", \"beta\": 1}]\n"
    "}\n";

/* 6 points x 3 replications = 18 runs. */
#define GRID "--vary strategies.2.beta=0.5,1,2 --vary cache.ttl=1s:2s:1s --replications 3 --quiet"

static char *work;      /* a scratch folder per test */
static char *scen;      /* the tiny scenario in it */

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

static void assert_same_sweep(const char *a, const char *b)
{
    const char *files[] = { "runs.csv", "sweep.csv", "sweep.json" };
    for (int i = 0; i < 3; i++)
        ck_assert_msg(tu_same_file(tu_pathf("%s/%s", a, files[i]), tu_pathf("%s/%s", b, files[i])), "%s/%s and %s/%s differ", a,
                      files[i], b, files[i]);
}

static size_t count_lines(const char *path)
{
    char *t = tu_slurp(path);
    size_t n = 0;
    for (char *p = t; p && *p; p++) n += *p == '\n';
    free(t);
    return n;
}

/* ---------------------------------------------------------------- values */

static void expect_values(const char *spec, size_t n, const char *const *shown, const char *const *text)
{
    sweep_values v;
    char err[256] = "";
    ck_assert_msg(sweep_parse_values(spec, &v, err, sizeof err) == 0, "%s: %s", spec, err);
    ck_assert_msg(v.n == n, "%s: %zu values, expected %zu", spec, v.n, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(v.shown[i], shown[i]);
        if (text) ck_assert_str_eq(v.text[i], text[i]);
    }
    sweep_values_free(&v);
}

START_TEST(lists)
{
    expect_values("1,2,3", 3, (const char *[]){ "1", "2", "3" }, NULL);
    expect_values("30s,1m,250ms", 3, (const char *[]){ "30", "60", "0.25" }, (const char *[]){ "30s", "1m", "250ms" });
    expect_values("node,global", 2, (const char *[]){ "node", "global" }, NULL);
    expect_values("\"cold\",\"2s\"", 2, (const char *[]){ "cold", "2" }, (const char *[]){ "\"cold\"", "\"2s\"" });
    /* commas inside JSON do not split */
    expect_values("{\"dist\":\"exponential\",\"mean\":\"1ms\"},5ms", 2,
                  (const char *[]){ "{\"dist\":\"exponential\",\"mean\":\"1ms\"}", "0.005" }, NULL);
    expect_values("-1,0.5,1e3", 3, (const char *[]){ "-1", "0.5", "1000" }, NULL);
    expect_values("7", 1, (const char *[]){ "7" }, NULL);
}
END_TEST

START_TEST(ranges_with_step)
{
    expect_values("0:1:0.25", 5, (const char *[]){ "0", "0.25", "0.5", "0.75", "1" }, NULL);
    /* 0.1 + 2*0.1 is not 0.3 in binary; hi is still included and shown clean */
    expect_values("0.1:0.3:0.1", 3, (const char *[]){ "0.1", "0.2", "0.3" }, NULL);
    expect_values("1:1.9:0.3", 4, (const char *[]){ "1", "1.3", "1.6", "1.9" }, NULL);
    expect_values("5:5:1", 1, (const char *[]){ "5" }, NULL);
    expect_values("3:1:-1", 3, (const char *[]){ "3", "2", "1" }, NULL);
    expect_values("-1:1:1", 3, (const char *[]){ "-1", "0", "1" }, NULL);
}
END_TEST

START_TEST(ranges_with_units)
{
    expect_values("10s:60s:10s", 6, (const char *[]){ "10", "20", "30", "40", "50", "60" },
                  (const char *[]){ "10", "20", "30", "40", "50", "60" });
    expect_values("250ms:1s:250ms", 4, (const char *[]){ "0.25", "0.5", "0.75", "1" }, NULL);
    expect_values("1m:2m:30s", 3, (const char *[]){ "60", "90", "120" }, NULL);
    expect_values("10:1m:25s", 3, (const char *[]){ "10", "35", "60" }, NULL);
}
END_TEST

START_TEST(log_ranges)
{
    sweep_values v;
    char err[256];
    expect_values("1:100:x3", 3, (const char *[]){ "1", "10", "100" }, NULL);
    expect_values("0.5:4:x4", 4, (const char *[]){ "0.5", "1", "2", "4" }, NULL);
    expect_values("1s:1m:x2", 2, (const char *[]){ "1", "60" }, NULL);
    ck_assert_int_eq(sweep_parse_values("0.25:16:x7", &v, err, sizeof err), 0);
    ck_assert(v.log);
    ck_assert_uint_eq(v.n, 7);
    for (size_t i = 0; i < v.n; i++) ck_assert_double_eq_tol(v.num[i], 0.25 * pow(2, (double)i), 1e-12);
    sweep_values_free(&v);
    ck_assert_int_eq(sweep_parse_values("1:10:x5", &v, err, sizeof err), 0);
    for (size_t i = 1; i < v.n; i++) ck_assert_double_eq_tol(v.num[i] / v.num[i - 1], pow(10, 0.25), 1e-9);
    ck_assert_double_eq(v.num[4], 10);
    sweep_values_free(&v);
}
END_TEST

START_TEST(bad_values)
{
    static const struct { const char *spec, *msg; } bad[] = {
        { "", "no values" },
        { "1,,2", "empty value at position 2" },
        { "1,2,", "empty value at position 3" },
        { "1:2", "a range is lo:hi:step or lo:hi:xN" },
        { "1:2:3:4", "a range is lo:hi:step or lo:hi:xN" },
        { "1:2:0", "never gets from" },
        { "2:1:1", "never gets from" },
        { "a:b:1", "range start \"a\"" },
        { "1:5 min:1", "range end \"5 min\"" },
        { "1:2:fast", "range step \"fast\"" },
        { "1:2:x1", "N an integer >= 2" },
        { "1:2:x2.5", "N an integer >= 2" },
        { "0:1:x3", "lo > 0 and hi > 0" },
        { "0:1:0.00001", "more than 10000 values" },
        /* a step that misses its end names the ends it reaches */
        { "1:2:0.3", "the step 0.3 does not land on the end 2: the nearest ends it reaches are 1.9 and 2.2 "
                     "(write 1:1.9:0.3 or 1:2.2:0.3)" },
        { "30s:120s:7s", "the nearest ends it reaches are 114s and 121s (write 30s:114s:7s or 30s:121s:7s)" },
        { "250ms:1s:300ms", "the nearest ends it reaches are 850ms and 1.15s" },
        { "3:0:-2", "the nearest ends it reaches are 1 and -1" },
        { "1:1000000:x20000", "more than 10000" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sweep_values v;
        char err[256] = "";
        ck_assert_msg(sweep_parse_values(bad[i].spec, &v, err, sizeof err) == -1, "\"%s\" was accepted", bad[i].spec);
        ck_assert_msg(strstr(err, bad[i].msg), "\"%s\": got \"%s\", expected \"%s\"", bad[i].spec, err, bad[i].msg);
        ck_assert_uint_eq(v.n, 0);
    }
}
END_TEST

/* ---------------------------------------------------------------- statistics */

START_TEST(confidence_interval_by_hand)
{
    /* {1..5}: mean 3, sd sqrt(2.5) = 1.5811388, t(0.975, 4) = 2.7764451 */
    double x[] = { 1, 2, 3, 4, 5 };
    sweep_stat s = sweep_mean_ci(x, 5);
    ck_assert_uint_eq(s.n, 5);
    ck_assert_double_eq_tol(s.mean, 3, 1e-12);
    ck_assert_double_eq_tol(s.ci95, 2.7764451 * 1.5811388 / sqrt(5), 1e-6);
    ck_assert_double_eq_tol(s.ci95, 1.963243, 1e-5);
    /* two values: t(0.975, 1) = 12.7062047; sd of {10, 12} = sqrt(2) */
    double y[] = { 10, 12 };
    s = sweep_mean_ci(y, 2);
    ck_assert_double_eq_tol(s.ci95, 12.7062047 * sqrt(2) / sqrt(2), 1e-6);
    /* NaN is left out; one value has no interval; none has no mean */
    double z[] = { NAN, 4, NAN };
    s = sweep_mean_ci(z, 3);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_double_eq(s.mean, 4);
    ck_assert(isnan(s.ci95));
    s = sweep_mean_ci(z, 1);
    ck_assert_uint_eq(s.n, 0);
    ck_assert(isnan(s.mean));
    /* constant samples: zero width */
    double c[] = { 7, 7, 7 };
    s = sweep_mean_ci(c, 3);
    ck_assert_double_eq(s.ci95, 0);
    /* a recovery that never came (inf) makes the mean infinite, with no
     * interval; it counts in n, NaN does not */
    double r[] = { 3, INFINITY, NAN, 5 };
    s = sweep_mean_ci(r, 4);
    ck_assert_uint_eq(s.n, 3);
    ck_assert(isinf(s.mean) && s.mean > 0);
    ck_assert(isnan(s.ci95));
    double pm[] = { INFINITY, -INFINITY };
    ck_assert(isnan(sweep_mean_ci(pm, 2).mean));
}
END_TEST

START_TEST(paired_difference)
{
    /* differences {1, 3, 5}: mean 3, sd 2, t(0.975, 2) = 4.3026527 */
    double a[] = { 2, 4, 6 }, b[] = { 1, 1, 1 };
    sweep_stat s = sweep_paired_ci(a, b, 3);
    ck_assert_uint_eq(s.n, 3);
    ck_assert_double_eq_tol(s.mean, 3, 1e-12);
    ck_assert_double_eq_tol(s.ci95, 4.3026527 * 2 / sqrt(3), 1e-6);
    /* pairing removes the shared noise: a = b + 1 exactly has zero width, while
     * the unpaired intervals are wide */
    double u[] = { 10, 50, 90, 30 }, v[] = { 11, 51, 91, 31 };
    s = sweep_paired_ci(v, u, 4);
    ck_assert_double_eq_tol(s.mean, 1, 1e-12);
    ck_assert_double_eq_tol(s.ci95, 0, 1e-12);
    ck_assert(sweep_mean_ci(v, 4).ci95 > 50);
    /* a pair with a NaN is left out */
    double p[] = { 1, NAN, 3, 5 }, q[] = { 0, 0, 0, NAN };
    s = sweep_paired_ci(p, q, 4);
    ck_assert_uint_eq(s.n, 2);
    ck_assert_double_eq_tol(s.mean, 2, 1e-12);
    ck_assert_double_eq_tol(s.ci95, 12.7062047 * sqrt(2) / sqrt(2), 1e-6);
}
END_TEST

/* ---------------------------------------------------------------- the program */

START_TEST(jobs_give_the_same_bytes)
{
    char *err = NULL;
    int rc = tu_runf(NULL, &err, "sweep %s " GRID " --jobs 1 --out %s/j1", scen, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --jobs 2 --out %s/j2", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --jobs 5 --out %s/j5", scen, work), 0);
    assert_same_sweep(tu_pathf("%s/j1", work), tu_pathf("%s/j2", work));
    assert_same_sweep(tu_pathf("%s/j1", work), tu_pathf("%s/j5", work));
    /* 18 runs x 3 labels, 6 points x 3 labels, each with its header */
    ck_assert_uint_eq(count_lines(tu_pathf("%s/j1/runs.csv", work)), 1 + 18 * 3);
    ck_assert_uint_eq(count_lines(tu_pathf("%s/j1/sweep.csv", work)), 1 + 6 * 3);
    char *s = tu_slurp(tu_pathf("%s/j1/sweep.csv", work));
    ck_assert_ptr_nonnull(s);
    ck_assert(!strncmp(s, "strategies.2.beta,cache.ttl,label,strategy,n,requests_mean,requests_ci95,", 73));
    ck_assert_ptr_nonnull(strstr(s, ",p99_diff_none_mean,p99_diff_none_ci95"));
    ck_assert_ptr_nonnull(strstr(s, "\n0.5,1,none,none,3,"));
    ck_assert_ptr_nonnull(strstr(s, "\n2,2,xfetch,xfetch,3,"));
    free(s);
    s = tu_slurp(tu_pathf("%s/j1/runs.csv", work));
    ck_assert(!strncmp(s, "run,strategies.2.beta,cache.ttl,replication,label,strategy,requests,", 68));
    ck_assert_ptr_nonnull(strstr(s, "\n17,2,2,2,xfetch,xfetch,"));
    free(s);
}
END_TEST

/* Replication 0 of a point is `stampede run` with the point's values. */
START_TEST(replication_0_is_run)
{
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --out %s/s", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --set strategies.2.beta=2 --set cache.ttl=1s --quiet --out %s/r", scen, work), 0);
    char *runs = tu_slurp(tu_pathf("%s/s/runs.csv", work)), *cmp = tu_slurp(tu_pathf("%s/r/comparison.csv", work));
    ck_assert_ptr_nonnull(runs);
    ck_assert_ptr_nonnull(cmp);
    /* point 4 = (beta 2, ttl 1), run 12; comparison rows are "label,strategy,<metrics>,..." */
    const char *labels[] = { "none", "lock", "xfetch" };
    for (int i = 0; i < 3; i++) {
        char key[64];
        snprintf(key, sizeof key, "\n12,2,1,0,%s,", labels[i]);
        char *a = strstr(runs, key);
        snprintf(key, sizeof key, "\n%s,", labels[i]);
        char *b = strstr(cmp, key);
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        a = strchr(a + strlen("\n12,2,1,0,"), ',') + 1;   /* past the label */
        b = strchr(b + 1, ',') + 1;
        size_t n = strcspn(a, "\n");   /* runs.csv: strategy and metrics, to the end */
        ck_assert_msg(!strncmp(a, b, n), "run 12 %s differs from stampede run:\n%.*s\n%.*s", labels[i], (int)n, a,
                      (int)n, b);
    }
    /* replications differ (salted streams), yet xfetch and none see the same requests */
    ck_assert_ptr_nonnull(strstr(runs, "\n13,2,1,1,none,"));
    free(runs);
    free(cmp);
}
END_TEST

START_TEST(shards_merge_to_the_same_bytes)
{
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --out %s/full", scen, work), 0);
    for (int k = 1; k <= 3; k++) {
        char *err = NULL;
        int rc = tu_runf(NULL, &err, "sweep %s " GRID " --shard %d/3 --out %s/shard%d", scen, k, work, k);
        ck_assert_msg(rc == 0, "%s", err);
        free(err);
        ck_assert(!tu_exists(tu_pathf("%s/shard%d/sweep.csv", work, k)));
        ck_assert(tu_exists(tu_pathf("%s/shard%d/sweep.json", work, k)));
        /* round-robin: 6 of the 18 runs, 3 labels each */
        ck_assert_uint_eq(count_lines(tu_pathf("%s/shard%d/runs.csv", work, k)), 1 + 6 * 3);
    }
    char *out = NULL, *err = NULL;
    int rc = tu_runf(&out, &err, "merge %s/shard3 %s/shard1 %s/shard2 --out %s/merged", work, work, work, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(out);
    free(err);
    assert_same_sweep(tu_pathf("%s/full", work), tu_pathf("%s/merged", work));

    /* contiguous --runs ranges too, of uneven sizes */
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --runs 0..4 --out %s/r1", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --runs 5..5 --out %s/r2", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --runs 6..17 --out %s/r3", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "merge %s/r2 %s/r3 %s/r1 --out %s/merged2", work, work, work, work), 0);
    assert_same_sweep(tu_pathf("%s/full", work), tu_pathf("%s/merged2", work));
    /* the whole range is not partial: it is the full sweep */
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --runs 0..17 --out %s/r0", scen, work), 0);
    assert_same_sweep(tu_pathf("%s/full", work), tu_pathf("%s/r0", work));
}
END_TEST

START_TEST(merge_refuses_bad_parts)
{
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --runs 0..9 --out %s/a", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --runs 8..17 --out %s/b", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --runs 10..16 --out %s/c", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --runs 17..17 --out %s/d", scen, work), 0);
    char *err = NULL;
    /* overlapping */
    ck_assert_int_eq(tu_runf(NULL, &err, "merge %s/a %s/b --out %s/m", work, work, work), 2);
    ck_assert_msg(strstr(err, "run 8 is in both"), "%s", err);
    free(err);
    /* missing */
    ck_assert_int_eq(tu_runf(NULL, &err, "merge %s/a %s/c --out %s/m", work, work, work), 2);
    ck_assert_msg(strstr(err, "1 of 18 runs are missing (the first: run 17)"), "%s", err);
    free(err);
    /* the same folder twice */
    ck_assert_int_eq(tu_runf(NULL, &err, "merge %s/a %s/a %s/c %s/d --out %s/m", work, work, work, work, work), 2);
    ck_assert_msg(strstr(err, "run 0 is in both"), "%s", err);
    free(err);
    /* another grid */
    ck_assert_int_eq(tu_runf(NULL, NULL,
                          "sweep %s --vary strategies.2.beta=0.5,1,3 --vary cache.ttl=1s:2s:1s --replications 3 --quiet "
                          "--runs 10..17 --out %s/e", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, &err, "merge %s/a %s/e --out %s/m", work, work, work), 2);
    ck_assert_msg(strstr(err, "different grids"), "%s", err);
    free(err);
    /* a folder that is no sweep */
    ck_assert_int_eq(mkdir(tu_pathf("%s/plain", work), 0777), 0);
    ck_assert_int_eq(tu_runf(NULL, &err, "merge %s/a %s/plain --out %s/m", work, work, work), 2);
    ck_assert_str_eq(err, tu_pathf("stampede: merge: %s/plain: not a sweep folder (it has no sweep.json)\n", work));
    free(err);
    ck_assert(!tu_exists(tu_pathf("%s/m", work)));
    /* a tampered row */
    char *rows = tu_slurp(tu_pathf("%s/d/runs.csv", work));
    char *p = strstr(rows, "\n17,2,2,");
    ck_assert_ptr_nonnull(p);
    p[2] = '6';
    ck_assert_int_eq(tu_write(tu_pathf("%s/d/runs.csv", work), rows), 0);
    free(rows);
    ck_assert_int_eq(tu_runf(NULL, &err, "merge %s/a %s/c %s/d --out %s/m", work, work, work, work), 2);
    ck_assert_msg(strstr(err, "is not one sweep.json lists"), "%s", err);
    free(err);
    ck_assert(!tu_exists(tu_pathf("%s/m", work)));
}
END_TEST

START_TEST(mpirun_gives_the_same_bytes)
{
    char mpi[4200];
    snprintf(mpi, sizeof mpi, "%s", tu_prog());
    char *slash = strrchr(mpi, '/');
    snprintf(slash ? slash + 1 : mpi, sizeof mpi - (size_t)(slash ? slash + 1 - mpi : 0), "stampede-mpi");
    if (!tu_exists(mpi) || system("command -v mpirun >/dev/null 2>&1") != 0) {
        fprintf(stderr, "check_sweep: no mpirun or %s: the MPI comparison is skipped\n", mpi);
        return;
    }
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --out %s/full", scen, work), 0);
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 "
             "mpirun --oversubscribe -n 2 %s sweep %s " GRID " --out %s/mpi2 >%s/mpi.log 2>&1 </dev/null",
             mpi, scen, work, work);
    int st = system(cmd);
    char *log = tu_slurp(tu_pathf("%s/mpi.log", work));
    ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "mpirun failed: %s", log ? log : "");
    free(log);
    assert_same_sweep(tu_pathf("%s/full", work), tu_pathf("%s/mpi2", work));
    /* a shard under MPI merges like any other */
    snprintf(cmd, sizeof cmd,
             "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -n 2 %s sweep %s " GRID
             " --shard 1/2 --out %s/m1 >/dev/null 2>&1 </dev/null", mpi, scen, work);
    ck_assert_int_eq(system(cmd), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s " GRID " --shard 2/2 --out %s/m2", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "merge %s/m1 %s/m2 --out %s/mm", work, work, work), 0);
    assert_same_sweep(tu_pathf("%s/full", work), tu_pathf("%s/mm", work));
}
END_TEST

START_TEST(invalid_point_fails_before_any_run)
{
    char *err = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* a long scenario: if anything ran, this would take a while */
    int rc = tu_runf(NULL, &err, "sweep %s --vary duration=1h --vary strategies.2.beta=1,-1,2 --out %s/bad", scen, work);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(strstr(err, "stampede: point 1 (duration=1h, strategies.2.beta=-1): --vary strategies.2.beta: "
                              "error: /strategies/2/beta:"), "%s", err);
    ck_assert_msg(strstr(err, "1 of 3 points are invalid; nothing was run"), "%s", err);
    free(err);
    ck_assert(!tu_exists(tu_pathf("%s/bad", work)));
    ck_assert((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9 < 2.0);
    /* a path that is not in the scenario: said once, not once per point */
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary strategies.7.beta=1,2 --out %s/bad", scen, work), 2);
    ck_assert_str_eq(err, "stampede: --vary strategies.7.beta: error: no element 7 in /strategies (it has 3)\n"
                          "stampede: 2 of 2 points are invalid; nothing was run\n");
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttll=1s --out %s/bad", scen, work), 2);
    ck_assert_msg(strstr(err, "did you mean \"ttl\""), "%s", err);
    free(err);
    /* a point beyond the limits of one run is refused like an invalid one */
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary clients.arrivals.rate=10,1e12 --out %s/bad", scen, work), 2);
    ck_assert_msg(strstr(err, "point 1 (clients.arrivals.rate=1e12): ") && strstr(err, "--force"), "%s", err);
    free(err);
    ck_assert(!tu_exists(tu_pathf("%s/bad", work)));
    /* bad values and options */
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1:2 --out %s/bad", scen, work), 2);
    ck_assert_msg(strstr(err, "a range is lo:hi:step or lo:hi:xN"), "%s", err);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s --vary cache.ttl=2s", scen), 2);
    ck_assert_msg(strstr(err, "given twice"), "%s", err);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s --shard 0/3", scen), 2);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s --runs 3..1", scen), 2);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s --runs 0..1", scen), 2);
    ck_assert_msg(strstr(err, "the sweep has runs 0..0"), "%s", err);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s --replications 2 --minimize nope.p99", scen), 2);
    ck_assert_msg(strstr(err, "no label \"nope\""), "%s", err);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --minimize p98", scen), 2);
    ck_assert_msg(strstr(err, "no metric \"p98\""), "%s", err);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s,2s --shard 1/2 --replications 2 --minimize p99", scen), 2);
    ck_assert_msg(strstr(err, "give it to `stampede merge`"), "%s", err);
    free(err);
    /* an --out that holds something else is kept */
    ck_assert_int_eq(tu_write(tu_pathf("%s/keep", work), "x"), 0);
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s --quiet --out %s", scen, work), 2);
    ck_assert_msg(strstr(err, "has no .stampede marker, so it may hold files stampede did not write (the first: "), "%s", err);
    free(err);
    ck_assert(tu_exists(tu_pathf("%s/keep", work)));
}
END_TEST

START_TEST(list_runs)
{
    char *out = NULL;
    ck_assert_int_eq(tu_runf(&out, NULL, "sweep %s --vary cache.ttl=1s,2s --vary keys.count=10:30:10 --replications 2 --list-runs --shard 2/5", scen), 0);
    ck_assert_str_eq(out, "run,cache.ttl,keys.count,replication\n"
                          "1,1,10,1\n"
                          "6,2,10,0\n"
                          "11,2,30,1\n");
    free(out);
    ck_assert_int_eq(tu_runf(&out, NULL, "sweep %s --vary cache.ttl=1s,2s --replications 2 --list-runs --runs 1..2", scen), 0);
    ck_assert_str_eq(out, "run,cache.ttl,replication\n1,1,1\n2,2,0\n");
    free(out);
}
END_TEST

/* Requests grow with the arrival rate, and on common random numbers a higher
 * rate never has fewer: the answer is known. */
START_TEST(minimize_picks_the_right_point)
{
    char *out = NULL, *err = NULL;
    int rc = tu_runf(&out, &err,
                  "sweep %s --vary clients.arrivals.rate=100,200,201,400 --replications 3 --quiet --out %s/m "
                  "--minimize none.requests --subject-to 'none.requests>=800' --subject-to 'xfetch.p99<=1h'",
                  scen, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    ck_assert_msg(strstr(out, "best: point 1 (clients.arrivals.rate=200), label none\n"), "%s", out);
    ck_assert_msg(strstr(out, "  xfetch.p99 = "), "%s", out);
    ck_assert_msg(strstr(out, "feasible: 3 of 4 (point, label) pairs considered\n"), "%s", out);
    ck_assert_msg(strstr(out, "cannot be told apart from the best (95% confidence intervals overlap): 1\n"
                              "  point 2 (clients.arrivals.rate=201), label none: "), "%s", out);
    ck_assert_msg(!strstr(out, "rate=400), label none:"), "%s", out);
    char *best = tu_slurp(tu_pathf("%s/m/best.txt", work));
    ck_assert_ptr_nonnull(best);
    ck_assert(!strncmp(out, best, strlen(best)));
    free(best);
    free(out);
    /* unqualified: every label is a candidate; maximize */
    rc = tu_runf(&out, NULL, "sweep %s --vary clients.arrivals.rate=100,400 --replications 2 --quiet --out %s/m2 "
                             "--maximize requests", scen, work);
    ck_assert_int_eq(rc, 0);
    ck_assert_msg(strstr(out, "best: point 1 (clients.arrivals.rate=400), label none\n"), "%s", out);
    free(out);
    /* nothing feasible */
    rc = tu_runf(&out, NULL, "sweep %s --vary clients.arrivals.rate=100,200 --replications 2 --quiet --out %s/m3 --minimize p99 "
                          "--subject-to 'requests>=1e9'", scen, work);
    ck_assert_int_eq(rc, 0);
    ck_assert_msg(strstr(out, "no (point, label) of the 6 considered meets the constraints"), "%s", out);
    free(out);
    /* merge answers the same question from the parts */
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s --vary clients.arrivals.rate=100,200,201,400 --replications 3 --quiet "
                                      "--shard 1/2 --out %s/p1", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s --vary clients.arrivals.rate=100,200,201,400 --replications 3 --quiet "
                                      "--shard 2/2 --out %s/p2", scen, work), 0);
    ck_assert_int_eq(tu_runf(&out, NULL, "merge %s/p1 %s/p2 --out %s/pm --minimize none.requests "
                                      "--subject-to 'none.requests>=800' --subject-to 'xfetch.p99<=1h'", work, work, work), 0);
    ck_assert(tu_same_file(tu_pathf("%s/m/best.txt", work), tu_pathf("%s/pm/best.txt", work)));
    free(out);
}
END_TEST

/* Failures, the SLO and recovery as sweep metrics.  The deterministic
 * metastable case of check_failure.c with Poisson arrivals (10/s, one worker
 * of 45 ms, timeout 200 ms, a 30x slowdown at 10 s): with two retries at
 * once every request after the slowdown sends three queries and the queue
 * never drains (recovery_time inf in every replication: the mean is inf and
 * none recovered); without retries the DB recovers in each. */
START_TEST(failure_and_recovery_metrics)
{
    static const char *meta =
        "{\"name\": \"ms\", \"duration\": \"40s\", \"bin\": \"1s\", \"seed\": 2,\n"
        " \"clients\": {\"arrivals\": {\"rate\": 10}, \"timeout\": \"200ms\", \"retries\": {\"max\": 2, \"backoff\": 0}},\n"
        " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": 1, \"latency\": \"45ms\"},\n"
        " \"faults\": [{\"at\": \"10s\", \"until\": \"10.1s\", \"type\": \"db_slowdown\", \"factor\": 60}],\n"
        " \"recovery\": {\"hold\": \"3s\", \"tolerance\": 0.2, \"latency_factor\": 4}}\n";
    char *sc = tu_scenario(work, "ms.json", meta);
    char *out = NULL, *err = NULL;
    int rc = tu_runf(&out, &err, "sweep %s --vary clients.retries.max=0,2 --replications 3 --jobs 1 --quiet --out %s/f "
                               "--minimize none.failed_ratio --subject-to 'none.good_ratio>=0.5'", sc, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    ck_assert_msg(strstr(out, "best: point 0 (clients.retries.max=0), label none\n"), "%s", out);
    free(out);
    char *runs = tu_slurp(tu_pathf("%s/f/runs.csv", work)), *sw = tu_slurp(tu_pathf("%s/f/sweep.csv", work));
    ck_assert_ptr_nonnull(strstr(runs, ",failed,failed_ratio,failed_by_timeout,"));
    ck_assert_ptr_nonnull(strstr(runs, ",recovery_time,recovered,metastable,"));
    ck_assert_ptr_nonnull(strstr(sw, ",recovery_time_mean,recovery_time_ci95,recovery_time_recovered,recovered_mean,"));
    ck_assert_ptr_nonnull(strstr(sw, ",good_ratio_mean,good_ratio_ci95,"));
    /* The cells of each point: recovery_time mean, ci95, recovered count. */
    int col = 0, rt = -1;
    char *hdr = strndup(sw, (size_t)(strchr(sw, '\n') - sw));
    for (char *save, *tok = strtok_r(hdr, ",", &save); tok; tok = strtok_r(NULL, ",", &save), col++)
        if (!strcmp(tok, "recovery_time_mean")) rt = col;
    ck_assert_int_gt(rt, 0);
    char *line = strchr(sw, '\n') + 1;
    for (int point = 0; point < 2; point++) {
        char *cells[512];
        int n = 0;
        char *row = strndup(line, (size_t)(strchr(line, '\n') - line));
        for (char *p = row; n < 512;) {
            cells[n++] = p;
            char *c = strchr(p, ',');
            if (!c) break;
            *c = 0;
            p = c + 1;
        }
        if (point == 0) {
            ck_assert_msg(strtod(cells[rt], NULL) >= 0 && strcmp(cells[rt], "inf"), "recovered point: %s", cells[rt]);
            ck_assert_str_eq(cells[rt + 2], "3");
        } else {
            ck_assert_str_eq(cells[rt], "inf");    /* not recovered: infinite */
            ck_assert_str_eq(cells[rt + 1], "");   /* no interval around inf */
            ck_assert_str_eq(cells[rt + 2], "0");
        }
        free(row);
        line = strchr(line, '\n') + 1;
    }
    free(hdr);
    free(runs);
    free(sw);
    /* merge reads "inf" back into the same bytes */
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s --vary clients.retries.max=0,2 --replications 3 --quiet --shard 1/2 "
                                      "--out %s/q1", sc, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "sweep %s --vary clients.retries.max=0,2 --replications 3 --quiet --shard 2/2 "
                                      "--out %s/q2", sc, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "merge %s/q1 %s/q2 --out %s/qm", work, work, work), 0);
    ck_assert(tu_same_file(tu_pathf("%s/f/sweep.csv", work), tu_pathf("%s/qm/sweep.csv", work)));
    free(sc);
}
END_TEST

START_TEST(charts_of_a_sweep)
{
    tu_need_gnuplot();
    char *err = NULL;
    int rc = tu_runf(NULL, &err, "sweep %s --vary strategies.2.beta=0.5:2:x3 --vary cache.ttl=1s,2s --replications 2 --quiet "
                              "--minimize xfetch.stampede_max --plot --out %s/p", scen, work);
    ck_assert_msg(rc == 0, "%s", err);
    free(err);
    const char *files[] = { "p99.svg", "p99.png", "p99.gp", "peak_db_inflight.svg", "db_queries.svg",
                            "heatmap-p99.svg", "heatmap-peak_db_inflight.png", "heatmap-p99.gp" };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        ck_assert_msg(tu_exists(tu_pathf("%s/p/charts/%s", work, files[i])), "no charts/%s", files[i]);
    /* the goal's metric is charted, with its heatmap; a metric the same
     * everywhere (no request fails in this scenario) is not */
    ck_assert(tu_exists(tu_pathf("%s/p/charts/stampede_max.svg", work)));
    ck_assert(tu_exists(tu_pathf("%s/p/charts/heatmap-stampede_max.svg", work)));
    ck_assert(!tu_exists(tu_pathf("%s/p/charts/failed_ratio.svg", work)));
    ck_assert(!tu_exists(tu_pathf("%s/p/charts/errors.svg", work)));
    /* one heatmap per metric, a panel per label, not one per label */
    ck_assert(!tu_exists(tu_pathf("%s/p/charts/heatmap-p99-xfetch.svg", work)));
    char *gp = tu_slurp(tu_pathf("%s/p/charts/p99.gp", work));
    ck_assert_ptr_nonnull(strstr(gp, "set logscale x"));
    ck_assert_ptr_nonnull(strstr(gp, "yerrorbars"));
    ck_assert_ptr_nonnull(strstr(gp, "set multiplot title"));
    /* the run charts' canvas and line types (plots/common.gp) */
    ck_assert_ptr_nonnull(strstr(gp, "width = 1280"));
    ck_assert_ptr_nonnull(strstr(gp, "height = 720"));
    ck_assert_ptr_nonnull(strstr(gp, "set linetype 1 linecolor rgb \"#0072B2\""));
    /* units on the axes and panel titles, not bare paths */
    ck_assert_ptr_nonnull(strstr(gp, "'cache.ttl = 2 s'"));
    ck_assert_ptr_nonnull(strstr(gp, "'p99 latency of answered requests (ms)'"));
    /* the metrics left out are named on the chart with their one value */
    ck_assert_ptr_nonnull(strstr(gp, "'the same everywhere, not charted:'"));
    ck_assert_ptr_nonnull(strstr(gp, "'errors (attempts): 0'"));
    ck_assert_ptr_nonnull(strstr(gp, "'requests that failed: 0%'"));
    free(gp);
    gp = tu_slurp(tu_pathf("%s/p/charts/heatmap-p99.gp", work));
    ck_assert_ptr_nonnull(strstr(gp, "set cbrange"));
    ck_assert_ptr_nonnull(strstr(gp, "'cache.ttl (s)'"));
    free(gp);
    /* redraw through the library, as `stampede plot` does, as pdf; a bad format is refused */
    char e[1024];
    ck_assert_int_eq(plot_sweep_folder(tu_pathf("%s/p", work), PLOT_PDF, sweep_report_html, e, sizeof e), 0);
    char *page = tu_slurp(tu_pathf("%s/p/report.html", work));   /* the page links the new format */
    ck_assert_ptr_nonnull(strstr(page, "charts/p99.pdf"));
    ck_assert_ptr_null(strstr(page, "charts/p99.svg"));
    free(page);
    ck_assert(tu_exists(tu_pathf("%s/p/charts/p99.pdf", work)));
    ck_assert(!tu_exists(tu_pathf("%s/p/charts/p99.svg", work)));
    /* a bad format is refused before anything runs */
    ck_assert_int_eq(tu_runf(NULL, &err, "sweep %s --vary cache.ttl=1s,2s --plot=gif --out %s/q", scen, work), 2);
    ck_assert_str_eq(err, "stampede: sweep: --plot: unknown chart format in \"gif\" (formats: svg, png, pdf) "
                          "(see 'stampede sweep --help')\n");
    free(err);
    ck_assert(!tu_exists(tu_pathf("%s/q", work)));
    ck_assert(tu_exists(tu_pathf("%s/p/charts/p99.pdf", work)));
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *v = tcase_create("values");
    tcase_add_test(v, lists);
    tcase_add_test(v, ranges_with_step);
    tcase_add_test(v, ranges_with_units);
    tcase_add_test(v, log_ranges);
    tcase_add_test(v, bad_values);
    suite_add_tcase(s, v);
    TCase *st = tcase_create("statistics");
    tcase_add_test(st, confidence_interval_by_hand);
    tcase_add_test(st, paired_difference);
    suite_add_tcase(s, st);
    TCase *p = tcase_create("program");
    tcase_add_checked_fixture(p, setup, teardown);
    tcase_set_timeout(p, 60);
    tcase_add_test(p, jobs_give_the_same_bytes);
    tcase_add_test(p, replication_0_is_run);
    tcase_add_test(p, shards_merge_to_the_same_bytes);
    tcase_add_test(p, merge_refuses_bad_parts);
    tcase_add_test(p, mpirun_gives_the_same_bytes);
    tcase_add_test(p, invalid_point_fails_before_any_run);
    tcase_add_test(p, list_runs);
    tcase_add_test(p, minimize_picks_the_right_point);
    tcase_add_test(p, charts_of_a_sweep);
    tcase_add_test(p, failure_and_recovery_metrics);
    suite_add_tcase(s, p);
    return s;
}
