/* check_validation.c - the simulator against theory (VALIDATION.md items 1, 2,
 * 3, 4, 8 and 9), through the real program on scenario files in
 * tests/data/validation, several parameter settings each.  Seeds are fixed;
 * each tolerance is several standard errors of the estimate at that run
 * length, and well inside the gap a wrong model would open. */
#include <check.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Runs a validation scenario with --set overrides; returns the results folder. */
static char *run_case(const char *file, const char *fmt, ...)
{
    char sets[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sets, sizeof sets, fmt, ap);
    va_end(ap);
    char *dir = tu_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char args[4096], *err = NULL;
    snprintf(args, sizeof args, "run %s --quiet --out %s/r %s", tu_path(file), dir, sets);
    int st = tu_run(args, NULL, &err);
    ck_assert_msg(st == 0, "stampede %s exited %d: %s", args, st, err ? err : "");
    free(err);
    return dir;
}

static double num(const char *dir, const char *label, const char *path)
{
    char f[4096];
    snprintf(f, sizeof f, "%s/r/%s/summary.json", dir, label);
    double v = tu_json_num(f, path);
    ck_assert_msg(!isnan(v), "%s has no %s", f, path);
    return v;
}

static void near(const char *what, double got, double want, double rel)
{
    double err = fabs(got - want) / fabs(want);
    fprintf(stderr, "  %-44s got %-12.6g theory %-12.6g error %6.3f%% (tolerance %.1f%%)\n", what, got, want,
            100 * err, 100 * rel);
    ck_assert_msg(err <= rel, "%s: got %g, theory %g (error %.3f%% > %.1f%%)", what, got, want, 100 * err, 100 * rel);
}

/* ---------------------------------------------------------------- 1. M/M/c */

/* Erlang C: the probability that an arrival waits, with offered load a = λS. */
static double erlang_c(int c, double a)
{
    double term = 1, sum = 1;   /* k = 0 */
    for (int k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double last = term * a / c * c / (c - a);   /* a^c/c! · c/(c−a) */
    return last / (sum + last);
}

static void mmc_case(int c, double lambda, double S, double tol)
{
    char *d = run_case("tests/data/validation/mmc.json", "--set db.workers=%d --set clients.arrivals.rate=%g "
                       "--set db.latency.mean=%g", c, lambda, S);
    double W = S + erlang_c(c, lambda * S) / (c / S - lambda);
    char what[128];
    snprintf(what, sizeof what, "M/M/%d rho=%.2f mean latency", c, lambda * S / c);
    near(what, num(d, "none", "latency.mean"), W, tol);
    /* Little's law on the same run. */
    snprintf(what, sizeof what, "M/M/%d rho=%.2f Little L = lambda W", c, lambda * S / c);
    near(what, num(d, "none", "little.in_system_mean"),
         num(d, "none", "little.arrival_rate") * num(d, "none", "latency.mean"), 0.01);
    if (c == 1) {
        /* Sojourn time of M/M/1 is exponential with rate 1/S − λ. */
        double rate = 1 / S - lambda;
        snprintf(what, sizeof what, "M/M/1 rho=%.2f p50", lambda * S);
        near(what, num(d, "none", "latency.p50"), log(2) / rate, tol + 0.01);
        snprintf(what, sizeof what, "M/M/1 rho=%.2f p99", lambda * S);
        near(what, num(d, "none", "latency.p99"), log(100) / rate, tol + 0.01);
    }
    tu_rmrf(d);
    free(d);
}

START_TEST(mm1_half_load) { mmc_case(1, 500, 0.001, 0.02); }
END_TEST
START_TEST(mm1_heavy_load) { mmc_case(1, 900, 0.001, 0.04); }
END_TEST
START_TEST(mmc_four_workers) { mmc_case(4, 3200, 0.001, 0.02); }
END_TEST
START_TEST(mmc_many_workers_near_saturation) { mmc_case(16, 1520, 0.01, 0.04); }
END_TEST

/* ---------------------------------------------------------------- 3, 4. one key */

/* Each expiry is one cycle of about T + Δ + 1/λ; the tolerances are at
 * least four standard errors of the estimate over the run's cycles. */
static void onekey_case(double lambda, double delta, double ttl, double duration)
{
    char *d = run_case("tests/data/validation/onekey.json", "--set clients.arrivals.rate=%g --set db.latency=%g "
                       "--set cache.ttl=%g --set duration=%g", lambda, delta, ttl, duration);
    double cycles = duration / (ttl + delta + 1 / lambda);
    double ld0 = lambda * delta;
    /* stampede size 1 + Poisson(λΔ); misses per cycle likewise */
    double tol_stampede = fmax(0.02, 4 * sqrt(ld0 / cycles) / (1 + ld0));
    double tol_miss = fmax(0.02, 4 * sqrt((ld0 + 1) / cycles) / (1 + ld0));
    double ld = lambda * delta;
    double miss = (1 + ld) / (lambda * ttl + 2 * ld + exp(-ld));
    double hits = num(d, "none", "hits"), misses = num(d, "none", "misses");
    char what[128];
    snprintf(what, sizeof what, "miss ratio lambda=%g delta=%g T=%g", lambda, delta, ttl);
    near(what, misses / (hits + misses), miss, tol_miss);
    if (delta > 0) {
        snprintf(what, sizeof what, "stampede size lambda=%g delta=%g", lambda, delta);
        near(what, num(d, "none", "stampedes.mean_size"), 1 + ld, tol_stampede);
    }
    snprintf(what, sizeof what, "Little lambda=%g delta=%g T=%g", lambda, delta, ttl);
    if (delta > 0)   /* with instant recompute every latency is 0: nothing to check */
        near(what, num(d, "none", "little.in_system_mean"),
         num(d, "none", "little.arrival_rate") * num(d, "none", "latency.mean"), 0.015);
    tu_rmrf(d);
    free(d);
}

START_TEST(onekey_moderate) { onekey_case(200, 0.02, 1, 3000); }
END_TEST
START_TEST(onekey_long_recompute) { onekey_case(50, 0.1, 0.5, 3000); }
END_TEST
START_TEST(onekey_fast_recompute) { onekey_case(1000, 0.001, 2, 12000); }
END_TEST
START_TEST(onekey_instant_recompute) { onekey_case(100, 0, 0.1, 3000); }
END_TEST

/* ---------------------------------------------------------------- 8. USL */

static void usl_case(int n, double sigma, double kappa)
{
    char *d = run_case("tests/data/validation/usl.json", "--set clients.arrivals.closed.population=%d "
                       "--set db.overload.usl.sigma=%g --set db.overload.usl.kappa=%g", n, sigma, kappa);
    double S = 0.01, window = 600 - 20;
    double X = n / (S * (1 + sigma * (n - 1) + kappa * n * (n - 1)));
    char what[128];
    snprintf(what, sizeof what, "USL N=%d throughput", n);
    near(what, num(d, "none", "requests") / window, X, 0.02);
    snprintf(what, sizeof what, "USL N=%d mean latency", n);
    near(what, num(d, "none", "latency.mean"), n / X, 0.02);
    tu_rmrf(d);
    free(d);
}

START_TEST(usl_one_client) { usl_case(1, 0.1, 0.01); }
END_TEST
START_TEST(usl_at_the_knee) { usl_case(9, 0.1, 0.01); }
END_TEST
START_TEST(usl_past_the_knee) { usl_case(40, 0.1, 0.01); }
END_TEST
START_TEST(usl_contention_only) { usl_case(20, 0.3, 0); }
END_TEST

/* ---------------------------------------------------------------- 9. Poisson, Zipf */

/* Reads one numeric column of a CSV with a header into a malloc'd array. */
static double *csv_column(const char *file, const char *col, size_t *n, double tmax)
{
    char *text = tu_slurp(file);
    ck_assert_ptr_nonnull(text);
    char *save, *line = strtok_r(text, "\n", &save);
    int ci = -1, k = 0;
    for (char *p = line, *tok; (tok = strsep(&p, ",")); k++)
        if (!strcmp(tok, col)) ci = k;
    ck_assert_int_ge(ci, 0);
    size_t cap = 1024;
    double *v = malloc(cap * sizeof *v);
    *n = 0;
    while ((line = strtok_r(NULL, "\n", &save))) {
        double t = atof(line);
        if (t >= tmax) break;
        char *p = line, *tok = NULL;
        for (int j = 0; j <= ci; j++) tok = strsep(&p, ",");
        if (*n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = atof(tok);
    }
    free(text);
    return v;
}

static void poisson_case(double rate, double bin)
{
    char *d = run_case("tests/data/validation/poisson.json", "--set clients.arrivals.rate=%g --set bin=%g", rate, bin);
    char f[4096];
    snprintf(f, sizeof f, "%s/r/none/timeseries.csv", d);
    size_t n;
    double *c = csv_column(f, "arrivals", &n, 2000);
    ck_assert_uint_eq(n, (size_t)llround(2000 / bin));
    double mean = 0, var = 0;
    for (size_t i = 0; i < n; i++) mean += c[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) var += (c[i] - mean) * (c[i] - mean);
    var /= (double)(n - 1);
    double mu = rate * bin;
    char what[128];
    snprintf(what, sizeof what, "Poisson rate=%g bin=%g mean count", rate, bin);
    near(what, mean, mu, 4 * sqrt(mu / (double)n) / mu);
    snprintf(what, sizeof what, "Poisson rate=%g bin=%g variance", rate, bin);
    near(what, var, mu, 4 * sqrt(2.0 / (double)(n - 1)));
    /* Dispersion test: sum (x−mean)²/mean ~ χ²(n−1) for Poisson counts. */
    double chi = var * (double)(n - 1) / mean;
    double p = gsl_cdf_chisq_Q(chi, (double)(n - 1));
    fprintf(stderr, "  dispersion chi2=%.1f on %zu dof, p=%.3f\n", chi, n - 1, p);
    ck_assert_msg(p > 0.001 && p < 0.999, "dispersion p = %g", p);
    free(c);
    tu_rmrf(d);
    free(d);
}

START_TEST(poisson_counts_fine_bins) { poisson_case(1000, 0.1); }
END_TEST
START_TEST(poisson_counts_sparse_bins) { poisson_case(20, 0.05); }
END_TEST

static void zipf_case(int keys, double s)
{
    char *d = run_case("tests/data/validation/poisson.json", "--set keys.count=%d --set keys.popularity.zipf=%g "
                       "--set duration=100 --trace", keys, s);
    char f[4096];
    snprintf(f, sizeof f, "%s/r/none/requests.csv", d);
    size_t n;
    double *k = csv_column(f, "key", &n, INFINITY);   /* "id" first column: no time cut */
    double *count = calloc((size_t)keys, sizeof *count);
    for (size_t i = 0; i < n; i++) count[(int)k[i]]++;
    double h = 0;
    for (int i = 0; i < keys; i++) h += pow(i + 1, -s);
    double chi = 0;
    for (int i = 0; i < keys; i++) {
        double e = (double)n * pow(i + 1, -s) / h;
        chi += (count[i] - e) * (count[i] - e) / e;
    }
    double p = gsl_cdf_chisq_Q(chi, keys - 1);
    fprintf(stderr, "  Zipf(%g) over %d keys: chi2=%.1f on %d dof, p=%.3f (%zu draws)\n", s, keys, chi, keys - 1, p, n);
    ck_assert_msg(p > 0.001, "Zipf draw does not match its pmf: p = %g", p);
    /* The same counts against a wrong exponent must be rejected. */
    double h2 = 0, chi2 = 0;
    for (int i = 0; i < keys; i++) h2 += pow(i + 1, -(s + 0.1));
    for (int i = 0; i < keys; i++) {
        double e = (double)n * pow(i + 1, -(s + 0.1)) / h2;
        chi2 += (count[i] - e) * (count[i] - e) / e;
    }
    ck_assert_msg(gsl_cdf_chisq_Q(chi2, keys - 1) < 1e-6, "the test cannot tell s from s+0.1");
    free(k);
    free(count);
    tu_rmrf(d);
    free(d);
}

START_TEST(zipf_twenty_keys) { zipf_case(20, 1.2); }
END_TEST
START_TEST(zipf_flat_exponent) { zipf_case(50, 0.6); }
END_TEST

int main(void)
{
    Suite *s = suite_create("validation");
    struct { const char *name; const TTest *tests[5]; } groups[] = {
        { "mmc_erlang_c_little", { mm1_half_load, mm1_heavy_load, mmc_four_workers, mmc_many_workers_near_saturation } },
        { "one_key_no_protection", { onekey_moderate, onekey_long_recompute, onekey_fast_recompute, onekey_instant_recompute } },
        { "usl_closed_loop", { usl_one_client, usl_at_the_knee, usl_past_the_knee, usl_contention_only } },
        { "poisson_zipf", { poisson_counts_fine_bins, poisson_counts_sparse_bins, zipf_twenty_keys, zipf_flat_exponent } },
    };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        TCase *tc = tcase_create(groups[g].name);
        tcase_set_timeout(tc, 600);
        for (int i = 0; i < 5 && groups[g].tests[i]; i++) _tcase_add_test(tc, groups[g].tests[i], 0, 0, 0, 1);
        suite_add_tcase(s, tc);
    }
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
