/* check_validation.c - the simulator against theory (VALIDATION.md items 1, 2,
 * 3, 4, 8 and 9, and failures, SLO attainment and latency over every request
 * under client timeouts and retries), through the real program on scenario files in
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
#include "testmain.h"

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

/* ---------------------------------------------------------------- failures and the SLO */

/* Per bin after the warmup (bins wholly before duration): the share of the
 * requests ending there that failed, and that were good. */
typedef struct batches { double *fail, *good; size_t n; double ended; } batches;

static void read_batches(const char *dir, double warmup, double duration, double bin, batches *b)
{
    char f[4096];
    snprintf(f, sizeof f, "%s/r/none/timeseries.csv", dir);
    size_t n1, n2, n3, n0;
    double *t = csv_column(f, "t", &n0, duration - bin + 1e-9);
    double *su = csv_column(f, "succeeded", &n1, duration - bin + 1e-9);
    double *fa = csv_column(f, "failed", &n2, duration - bin + 1e-9);
    double *go = csv_column(f, "good", &n3, duration - bin + 1e-9);
    ck_assert(n0 == n1 && n1 == n2 && n2 == n3);
    b->fail = malloc(n1 * sizeof *b->fail);
    b->good = malloc(n1 * sizeof *b->good);
    b->n = 0;
    b->ended = 0;
    for (size_t i = 0; i < n1; i++) {
        if (t[i] < warmup || su[i] + fa[i] == 0) continue;
        b->fail[b->n] = fa[i] / (su[i] + fa[i]);
        b->good[b->n++] = go[i] / (su[i] + fa[i]);
        b->ended += su[i] + fa[i];
    }
    free(t);
    free(su);
    free(fa);
    free(go);
}

/* The standard error of a mean share from its batch values (batch means). */
static double batch_se(const double *x, size_t n)
{
    double m = 0, v = 0;
    for (size_t i = 0; i < n; i++) m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) v += (x[i] - m) * (x[i] - m);
    return sqrt(v / (double)(n - 1) / (double)n);
}

/* got against theory within 4 standard errors; and those 4 standard errors
 * within `useful` of the theory, so that the check can tell a wrong model. */
static void share_near(const char *what, double got, double want, double se, double useful)
{
    double tol = 4 * se;
    fprintf(stderr, "  %-44s got %-12.6g theory %-12.6g error %6.3f%% (tolerance %.2f%%, 4 SE)\n", what, got, want,
            100 * fabs(got - want) / want, 100 * tol / want);
    ck_assert_msg(fabs(got - want) <= tol, "%s: got %g, theory %g (|error| %g > 4 SE %g)", what, got, want,
                  fabs(got - want), tol);
    ck_assert_msg(tol <= useful * want, "%s: 4 SE = %g is more than %g of the theory: the run is too short", what,
                  tol, useful);
}

/* M/M/1 (TTL 0: every request queries; exponential service of mean S),
 * client timeout tau, no retries.  The timeout does not shorten the DB work
 * (the query goes on), so each request's sojourn is the M/M/1 sojourn,
 * exponential with rate theta = 1/S - lambda, whether or not its client
 * waited: P(fail) = e^(-theta tau); with slo.latency D < tau, a request is
 * good when its sojourn is at most D: 1 - e^(-theta D).  Over every request
 * (a failure infinitely slow) the q-percentile is -ln(1-q)/theta when that is
 * below tau, i.e. when q < 1 - P(fail), and "failed" (null) otherwise.
 * Standard errors by batch means over 20 s bins: the sojourns of a queue are
 * correlated, so binomial errors would be too small. */
static void timeout_case(int c, double lambda, double S, double tau, double D, double duration, unsigned seed,
                         double useful)
{
    char *d = run_case("tests/data/validation/mmc.json", "--set db.workers=%d --set clients.arrivals.rate=%g "
                       "--set db.latency.mean=%g --set clients.timeout=%.10g --set slo.latency=%.10g "
                       "--set duration=%g --set bin=20 --set seed=%u", c, lambda, S, tau, D, duration, seed);
    double mu = 1 / S, pf, pg;
    if (c == 1) {
        double theta = mu - lambda;
        pf = exp(-theta * tau);
        pg = 1 - exp(-theta * D);
    } else {
        /* M/M/c: the wait is 0 w.p. 1 - C, else exponential of rate
         * theta = c mu - lambda; the sojourn adds an independent service:
         * P(T > x) = (1-C) e^(-mu x) + C (theta e^(-mu x) - mu e^(-theta x)) / (theta - mu). */
        double C = erlang_c(c, lambda * S), theta = c * mu - lambda;
        double tf = (1 - C) * exp(-mu * tau) + C * (theta * exp(-mu * tau) - mu * exp(-theta * tau)) / (theta - mu);
        double tg = (1 - C) * exp(-mu * D) + C * (theta * exp(-mu * D) - mu * exp(-theta * D)) / (theta - mu);
        pf = tf;
        pg = 1 - tg;
    }
    batches b;
    read_batches(d, 100, duration, 20, &b);
    char what[160];
    snprintf(what, sizeof what, "M/M/%d rho=%.2f tau=%gms seed %u: P(fail)", c, lambda * S / c, tau * 1e3, seed);
    share_near(what, num(d, "none", "failed_ratio"), pf, batch_se(b.fail, b.n), useful);
    ck_assert_double_eq(num(d, "none", "failed"), num(d, "none", "failed_by.timeout"));
    snprintf(what, sizeof what, "M/M/%d rho=%.2f D=%gms seed %u: SLO good", c, lambda * S / c, D * 1e3, seed);
    share_near(what, num(d, "none", "slo.good_ratio"), pg, batch_se(b.good, b.n), useful);
    if (c == 1) {
        /* latency_all: the rank of q falls among the failures exactly when
         * q > 1 - P(fail); else the exponential quantile.  The percentile's
         * error: the histogram's 1/256 plus 4 SE of a quantile estimate,
         * sqrt(k q(1-q)/N) / (f(x) x), with f(x) x = -(1-q) ln(1-q) for the
         * exponential and k the batch-means variance inflation of P(fail). */
        double theta = mu - lambda, N = b.ended;
        double k = batch_se(b.fail, b.n) * batch_se(b.fail, b.n) * N / (pf * (1 - pf));
        static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
        static const char *const qn[] = { "p50", "p90", "p99", "p999" };
        for (int i = 0; i < 4; i++) {
            double q = qs[i], fq = 1 - q;
            char path[64];
            snprintf(path, sizeof path, "latency_all.%s", qn[i]);
            char f[4096];
            snprintf(f, sizeof f, "%s/r/none/summary.json", d);
            /* Only where the answer is clear: P(fail) at least 10% away from 1 - q. */
            if (fabs(pf - fq) < 0.1 * fq) continue;
            if (pf > fq) {
                ck_assert_msg(!strcmp(tu_json_type(f, path), "null"), "%s should be failed (null), is %s", path,
                              tu_json_type(f, path));
                fprintf(stderr, "  %-44s null: its rank is among the %.3g%% failed\n", qn[i], 100 * pf);
            } else {
                double want = -log(fq) / theta;
                double tol = 1.0 / 256 + 4 * sqrt(k * q * fq / N) / (-fq * log(fq));
                snprintf(what, sizeof what, "M/M/1 rho=%.2f seed %u: latency_all.%s", lambda * S, seed, qn[i]);
                near(what, num(d, "none", path), want, tol);
            }
        }
    }
    free(b.fail);
    free(b.good);
    tu_rmrf(d);
    free(d);
}

/* Two seeds per regime; one under the sanitizers, which check memory, not
 * statistics (and run 3-5 times slower). */

START_TEST(timeout_mm1_light)   /* rho 0.3: P(fail) = e^-1.4 = 0.247, good = 1 - e^-0.7 */
{
    timeout_case(1, 300, 0.001, 0.002, 0.001, 2000, 11, 0.03);
    if (!tu_sanitized()) timeout_case(1, 300, 0.001, 0.002, 0.001, 2000, 12, 0.03);
}
END_TEST
START_TEST(timeout_mm1_heavy)   /* rho 0.9: P(fail) = e^-3 = 0.0498, good = 1 - e^-1 */
{
    timeout_case(1, 900, 0.001, 0.030, 0.010, 16000, 11, 0.1);
    if (!tu_sanitized()) timeout_case(1, 900, 0.001, 0.030, 0.010, 16000, 12, 0.1);
}
END_TEST
START_TEST(timeout_mm1_tiny)    /* rho 0.5, tau = S/5: P(fail) = e^-0.1 = 0.905, good = 1 - e^-0.05 */
{
    timeout_case(1, 500, 0.001, 0.0002, 0.0001, 2000, 11, 0.03);
    if (!tu_sanitized()) timeout_case(1, 500, 0.001, 0.0002, 0.0001, 2000, 12, 0.03);
}
END_TEST
START_TEST(timeout_mm1_huge)    /* rho 0.5, tau = 12 S: P(fail) = e^-6 = 2.5e-3 */
{
    timeout_case(1, 500, 0.001, 0.012, 0.005, 10000, 11, 0.15);
    if (!tu_sanitized()) timeout_case(1, 500, 0.001, 0.012, 0.005, 10000, 12, 0.15);
}
END_TEST
START_TEST(timeout_mmc)         /* c = 4, rho 0.8, tau = 3 S */
{
    timeout_case(4, 3200, 0.001, 0.003, 0.001, 2000, 11, 0.05);
    if (!tu_sanitized()) timeout_case(4, 3200, 0.001, 0.003, 0.001, 2000, 12, 0.05);
}
END_TEST

/* M/M/inf (unlimited workers, exponential service of mean S), timeout tau,
 * two retries sent at once (backoff 0): every attempt is an independent
 * query, so an attempt fails with p = e^(-tau/S), a request with p^3;
 * attempts per request 1 + p + p^2; good within D < tau only from its first
 * attempt: 1 - e^(-D/S).  Over every request, p50 is S ln 2 (< tau) and p90,
 * in the third attempt's window, 2 tau + S ln(p^2 / 0.1). */
static void retry_case(unsigned seed)
{
    double S = 0.010, tau = 0.010, D = 0.005, lambda = 200, duration = 2000;
    char *d = run_case("tests/data/validation/mmc.json", "--set db.workers='\"unlimited\"' --set clients.arrivals.rate=%g "
                       "--set db.latency.mean=%g --set clients.timeout=%g --set slo.latency=%g --set duration=%g "
                       "--set bin=20 --set seed=%u --set 'clients.retries={\"max\": 2, \"backoff\": 0}'",
                       lambda, S, tau, D, duration, seed);
    double p = exp(-tau / S);
    batches b;
    read_batches(d, 100, duration, 20, &b);
    char what[160];
    snprintf(what, sizeof what, "M/M/inf 2 retries seed %u: P(fail) = p^3", seed);
    share_near(what, num(d, "none", "failed_ratio"), p * p * p, batch_se(b.fail, b.n), 0.05);
    snprintf(what, sizeof what, "M/M/inf 2 retries seed %u: SLO good", seed);
    share_near(what, num(d, "none", "slo.good_ratio"), 1 - exp(-D / S), batch_se(b.good, b.n), 0.03);
    /* attempts per request: binomial standard error of 1 + p + p^2 per request. */
    double req = num(d, "none", "requests"), att = num(d, "none", "attempts");
    double var = p * (1 - p) + p * p * (1 - p * p) + 2 * (p * p - p * p * p);   /* Var(1[A2] + 1[A3]) */
    snprintf(what, sizeof what, "M/M/inf 2 retries seed %u: attempts/request", seed);
    share_near(what, att / req, 1 + p + p * p, sqrt(var / req), 0.01);
    ck_assert_double_eq(num(d, "none", "timeouts"), att - num(d, "none", "ok"));
    snprintf(what, sizeof what, "M/M/inf 2 retries seed %u: latency_all.p50", seed);
    near(what, num(d, "none", "latency_all.p50"), S * log(2), 0.02);
    snprintf(what, sizeof what, "M/M/inf 2 retries seed %u: latency_all.p90", seed);
    near(what, num(d, "none", "latency_all.p90"), 2 * tau + S * log(p * p / 0.1), 0.02);
    char f[4096];
    snprintf(f, sizeof f, "%s/r/none/summary.json", d);
    ck_assert_str_eq(tu_json_type(f, "latency_all.p99"), "null");
    free(b.fail);
    free(b.good);
    tu_rmrf(d);
    free(d);
}

START_TEST(retries_mminf) { retry_case(11); if (!tu_sanitized()) retry_case(12); }
END_TEST

/* Constant service of 10 ms on unlimited workers: every sojourn is exactly
 * 10 ms.  A timeout a hair below fails every request (each of its three
 * attempts), a hair above none. */
START_TEST(deterministic_sojourn)
{
    char *d = run_case("tests/data/validation/mmc.json", "--set db.workers='\"unlimited\"' --set db.latency=0.01 "
                       "--set clients.timeout=0.00999 --set duration=200 --set 'clients.retries={\"max\": 2, "
                       "\"backoff\": 0}'");
    double req = num(d, "none", "requests");
    ck_assert_double_eq(num(d, "none", "failed"), req);
    ck_assert_double_eq(num(d, "none", "failed_ratio"), 1);
    ck_assert_double_eq(num(d, "none", "failed_by.timeout"), req);
    ck_assert_double_eq(num(d, "none", "ok"), 0);
    ck_assert_double_eq(num(d, "none", "slo.good_ratio"), 0);
    ck_assert_double_eq(num(d, "none", "timeouts"), num(d, "none", "attempts"));
    ck_assert(num(d, "none", "attempts") > 2.99 * req);   /* three each, but those cut by duration */
    char f[4096];
    snprintf(f, sizeof f, "%s/r/none/summary.json", d);
    ck_assert_str_eq(tu_json_type(f, "latency_all.p50"), "null");
    tu_rmrf(d);
    free(d);
    d = run_case("tests/data/validation/mmc.json", "--set db.workers='\"unlimited\"' --set db.latency=0.01 "
                 "--set clients.timeout=0.01001 --set duration=200");
    ck_assert_double_eq(num(d, "none", "failed"), 0);
    ck_assert_double_eq(num(d, "none", "slo.good_ratio"), 1);
    ck_assert(fabs(num(d, "none", "latency_all.p999") - 0.01) <= 0.01 / 256);
    tu_rmrf(d);
    free(d);
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("validation");
    struct { const char *name; const TTest *tests[6]; } groups[] = {
        { "mmc_erlang_c_little", { mm1_half_load, mm1_heavy_load, mmc_four_workers, mmc_many_workers_near_saturation } },
        { "one_key_no_protection", { onekey_moderate, onekey_long_recompute, onekey_fast_recompute, onekey_instant_recompute } },
        { "usl_closed_loop", { usl_one_client, usl_at_the_knee, usl_past_the_knee, usl_contention_only } },
        { "poisson_zipf", { poisson_counts_fine_bins, poisson_counts_sparse_bins, zipf_twenty_keys, zipf_flat_exponent } },
        { "timeouts_slo_latency_all", { timeout_mm1_light, timeout_mm1_heavy, timeout_mm1_tiny, timeout_mm1_huge, timeout_mmc } },
        { "retries_deterministic", { retries_mminf, deterministic_sojourn } },
    };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        TCase *tc = tcase_create(groups[g].name);
        tcase_set_timeout(tc, 600);
        for (int i = 0; i < 6 && groups[g].tests[i]; i++) _tcase_add_test(tc, groups[g].tests[i], 0, 0, 0, 1);
        suite_add_tcase(s, tc);
    }
    return s;
}
