/* check_agreement.c - what a live results folder adds, without servers:
 * agreement.csv's rows (label,metric,sim,live,ratio, the metrics named as in
 * comparison.csv), report.html's live section (drawn by `stampede plot` for
 * a folder whose summaries say "mode": "live", and absent for a simulated
 * one), and `stampede live` when its driver is not built beside it. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/agreement.h"
#include "results/output.h"
#include "testutil.h"
#include "testmain.h"

static struct result_row row(const char *label, double req, double hit, double errors)
{
    struct result_row r;
    r.label = (char *)label;
    r.strategy = (char *)label;
    for (int c = 0; c < COL_N; c++) r.v[c] = 1;
    r.v[COL_REQUESTS] = req;
    r.v[COL_HIT_RATIO] = hit;
    r.v[COL_ERRORS] = errors;
    r.v[COL_P99] = NAN;
    return r;
}

START_TEST(test_agreement_csv)
{
    struct result_row srows[] = { row("lock", 100, 0.5, 0), row("none", 100, 0.25, 2) };
    struct result_row lrows[] = { row("none", 100, 0.125, 3), row("lock", 100, 0.75, 4) };
    results sim = { .rows = srows, .nrows = 2 }, live = { .rows = lrows, .nrows = 2 };
    char *dir = tu_tmpdir();
    char err[256];
    char *path = tu_pathf("%s/agreement.csv", dir);
    ck_assert_int_eq(agreement_write(path, &sim, &live, err, sizeof err), 0);
    char *text = tu_slurp(path);
    /* the header, then each live label (in its order) paired with the simulator's */
    const char *head = "label,metric,sim,live,ratio\nnone,requests,100,100,1\nnone,failed,1,1,1\n"
                       "none,hit_ratio,0.25,0.125,0.5\n";
    ck_assert_msg(!strncmp(text, head, strlen(head)), "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "\nnone,errors,2,3,1.5\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nlock,hit_ratio,0.5,0.75,1.5\n"));
    ck_assert_ptr_nonnull(strstr(text, "\nlock,errors,0,4,\n"));   /* no ratio to 0 */
    ck_assert_ptr_nonnull(strstr(text, "\nlock,p99,,,\n"));         /* nothing measured */
    static const char *const names[] = { "requests", "failed", "hit_ratio", "db_queries", "stampedes", "stampede_mean",
                                           "stampede_max", "peak_db_inflight", "p50", "p99", "timeouts", "errors",
                                           "stale" };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        ck_assert_msg(strstr(text, tu_pathf("\nlock,%s,", names[i])), "no %s", names[i]);
    size_t lines = 0;
    for (const char *p = text; *p; p++) lines += *p == '\n';
    ck_assert_uint_eq(lines, 1 + 2 * agreement_ncols);
    free(text);
    tu_rmrf(dir);
    free(dir);
}
END_TEST

/* Replaces the first occurrence of a in the file with b. */
static void patch(const char *path, const char *a, const char *b)
{
    char *t = tu_slurp(path);
    ck_assert_ptr_nonnull(t);
    char *p = strstr(t, a);
    ck_assert_msg(p != NULL, "%s has no %s", path, a);
    *p = 0;
    char *u = malloc(strlen(t) + strlen(b) + strlen(p + strlen(a)) + 1);
    sprintf(u, "%s%s%s", t, b, p + strlen(a));
    ck_assert_int_eq(tu_write(path, u), 0);
    free(t);
    free(u);
}

START_TEST(test_report_section)
{
    char *dir = tu_tmpdir();
    char *scen = tu_scenario(dir, "s.json",
                             "{\"name\": \"s\", \"duration\": \"5s\", \"clients\": {\"arrivals\": {\"rate\": 100}},"
                             " \"cache\": {\"ttl\": \"1s\"}, \"db\": {\"workers\": 4, \"latency\": \"10ms\"},"
                             " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}]}");
    char *out = NULL, *err = NULL;
    const char *r = tu_pathf("%s/r", dir);
    char rdir[4096];
    snprintf(rdir, sizeof rdir, "%s", r);
    ck_assert_int_eq(tu_runf(&out, &err, "run '%s' --quiet --out '%s'", scen, rdir), 0);
    free(out);
    free(err);
    ck_assert_int_eq(tu_runf(&out, &err, "plot '%s'", rdir), 0);
    free(out);
    free(err);
    char *html = tu_slurp(tu_pathf("%s/report.html", rdir));
    ck_assert_ptr_nonnull(strstr(html, "simulated by stampede"));
    ck_assert_ptr_null(strstr(html, "Live: real Redis"));
    free(html);

    /* the same folder as a live run wrote it, first without --compare */
    for (int l = 0; l < 2; l++) {
        const char *label = l ? "lock" : "none";
        const char *sum = tu_pathf("%s/%s/summary.json", rdir, label);
        patch(sum, "\"mode\":\t\"sim\"", "\"mode\":\t\"live\"");
        patch(sum, "\"sim\":\t{",
              "\"live\": {\"cache_rtt\": {\"p50\": 2.5e-05, \"p99\": 0.0004}, \"lag\": {\"p99\": 0.001, \"max\": 0.004},"
              " \"db\": {\"statement_overhead\": 3e-05, \"service_error_mean\": -0.0002}},\n\t\"sim\":\t{");
    }
    ck_assert_int_eq(tu_runf(&out, &err, "plot '%s'", rdir), 0);
    free(out);
    free(err);
    html = tu_slurp(tu_pathf("%s/report.html", rdir));
    ck_assert_ptr_nonnull(strstr(html, "measured live by stampede"));
    ck_assert_ptr_nonnull(strstr(html, "Live: real Redis and PostgreSQL"));
    ck_assert_ptr_nonnull(strstr(html, "<td>25.0 \u00b5s</td><td>400 \u00b5s</td><td>1.00 ms</td><td>4.00 ms</td>"));
    ck_assert_ptr_nonnull(strstr(html, "\u2212200 \u00b5s"));
    ck_assert_ptr_nonnull(strstr(html, "with <code>--compare</code>"));
    free(html);

    /* with --compare's files */
    ck_assert_int_eq(tu_write(tu_pathf("%s/agreement.csv", rdir),
                              "label,metric,sim,live,ratio\n"
                              "none,hit_ratio,0.9,0.8,0.888888889\nnone,db_queries,100,110,1.1\n"
                              "none,p99,0.1,0.105,1.05\nlock,stampede_max,1,1,1\nlock,errors,0,0,\n"), 0);
    char simdir[4200];
    snprintf(simdir, sizeof simdir, "%s/sim/none", rdir);
    ck_assert_int_eq(tu_runf(&out, &err, "run '%s' --quiet --strategy none --set 'cache.latency=0.00003' --out '%s'",
                             scen, simdir), 0);
    free(out);
    free(err);
    ck_assert_int_eq(tu_runf(&out, &err, "plot '%s'", rdir), 0);
    free(out);
    free(err);
    html = tu_slurp(tu_pathf("%s/report.html", rdir));
    ck_assert_ptr_nonnull(strstr(html, "Simulator against live"));
    ck_assert_ptr_nonnull(strstr(html, "<td>0.9 / 0.8<br/><span class=\"muted\">0.889\u00d7</span></td>"));
    ck_assert_ptr_nonnull(strstr(html, "<td>100 / 110<br/><span class=\"muted\">1.1\u00d7</span></td>"));
    ck_assert_ptr_nonnull(strstr(html, "<td>100 ms / 105 ms<br/>"));
    ck_assert_ptr_nonnull(strstr(html, "<a href=\"sim/none/comparison.csv\"><code>3e-05</code></a>"));
    ck_assert_ptr_nonnull(strstr(html, "(no --compare)"));   /* lock was not simulated here */
    free(html);
    free(scen);
    tu_rmrf(dir);
    free(dir);
}
END_TEST

/* `stampede live` runs stampede-live from beside the program; without it,
 * it says how to build it. */
START_TEST(test_live_without_driver)
{
    char *dir = tu_tmpdir();
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/stampede'", tu_prog(), dir);
    ck_assert_int_eq(system(cmd), 0);
    char *out = NULL, *err = NULL;
    const char *prog = getenv("STAMPEDE");
    char *saved = prog ? strdup(prog) : NULL;
    setenv("STAMPEDE", tu_pathf("%s/stampede", dir), 1);
    int rc = tu_run("live x.json --redis unix:///x --postgres 'host=/x'", &out, &err);
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(err, "the live driver (stampede-live, beside this program) is not built"));
    ck_assert_ptr_nonnull(strstr(err, "make live-bin"));
    free(out);
    free(err);
    rc = tu_run("live --help", &out, &err);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(strstr(out, "usage: stampede live SCENARIO.json --redis URL --postgres CONNINFO"));
    ck_assert_ptr_nonnull(strstr(out, "Never point it at production"));
    free(out);
    free(err);
    rc = tu_run("--help", &out, &err);
    ck_assert_ptr_nonnull(strstr(out, "live SCENARIO.json --redis URL --postgres CONNINFO"));
    free(out);
    free(err);
    if (saved) setenv("STAMPEDE", saved, 1);
    free(saved);
    tu_rmrf(dir);
    free(dir);
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("agreement");
    TCase *t = tcase_create("agreement");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_agreement_csv);
    tcase_add_test(t, test_report_section);
    tcase_add_test(t, test_live_without_driver);
    suite_add_tcase(s, t);
    return s;
}
