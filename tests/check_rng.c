/* check_rng.c - the rng module: stream determinism and independence, unbiased
 * integers, every distribution's sample mean against dist_mean, and the key
 * chooser against its probability mass function (chi-square, fixed seeds). */
#include "engine/rng.h"

#include <check.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>

#include "testmain.h"
#endif

#define SEED 20240611u
#define ALPHA 1e-3   /* chi-square tests reject below this p-value */

static int verbose(void) { return getenv("STAMPEDE_VERBOSE") != NULL; }

static rng *stream(uint64_t seed, unsigned purpose, uint64_t salt)
{
    rng *r = rng_new(seed, purpose, salt);
    ck_assert_ptr_nonnull(r);
    return r;
}

/* Check's assertions each write to a pipe (mark_point): hot loops count
 * failures into `bad` and assert once. */

/* Pearson's statistic of counts against probabilities over k cells. */
static double chisq(const uint64_t *count, const double *prob, size_t k, uint64_t total)
{
    double x2 = 0;
    for (size_t i = 0; i < k; i++) {
        double e = prob[i] * (double)total, d = (double)count[i] - e;
        x2 += d * d / e;
    }
    return x2;
}

/* ---- streams ---- */

START_TEST(test_same_triple_same_sequence)
{
    rng *a = stream(SEED, RNG_DB, 7), *b = stream(SEED, RNG_DB, 7);
    int bad = 0;
    for (int i = 0; i < 1000; i++) {
        bad += rng_uniform(a) != rng_uniform(b);
        bad += rng_below(a, 1000003) != rng_below(b, 1000003);
        bad += rng_gaussian(a, 1) != rng_gaussian(b, 1);
        bad += rng_exponential(a, 2) != rng_exponential(b, 2);
    }
    ck_assert_int_eq(bad, 0);
    rng_free(a);
    rng_free(b);
}
END_TEST

/* A stream is GSL's taus2 from rng_gsl_seed, whether it is stepped inline
 * or through GSL: uniforms are GSL's, and draws GSL's distributions make on
 * the same state interleave with ours in one sequence. */
START_TEST(test_stream_is_gsl_taus2)
{
    ck_assert_msg(rng_taus2_inline(), "taus2 is not stepped inline: GSL's state layout changed?");
    for (unsigned p = 0; p < RNG_NPURPOSES; p++) {
        rng *r = stream(SEED, p, 3);
        gsl_rng *g = gsl_rng_alloc(gsl_rng_taus2);
        ck_assert_ptr_nonnull(g);
        gsl_rng_set(g, rng_gsl_seed(SEED, p, 3));
        dist ln = { .kind = DIST_LOGNORMAL, .p1 = 0.01, .p2 = 0.5 };
        int bad = 0;
        for (int i = 0; i < 20000; i++) {
            bad += rng_uniform(r) != gsl_rng_uniform(g);
            bad += dist_sample(&ln, r) != gsl_ran_lognormal(g, log(0.01), 0.5);
            uint64_t k = rng_below(r, 1u << 20);   /* a power of two: one draw, never rejected */
            bad += k != (uint64_t)((gsl_rng_get(g) * (uint64_t)(1u << 20)) >> 32);
        }
        ck_assert_int_eq(bad, 0);
        gsl_rng_free(g);
        rng_free(r);
    }
}
END_TEST

/* The way taken when GSL's layout is not the expected one (through GSL's
 * function pointer) gives every draw the inline way gives. */
START_TEST(test_gsl_calls_same_numbers)
{
    static const dist ds[] = {
        { .kind = DIST_EXPONENTIAL, .p1 = 0.5 }, { .kind = DIST_UNIFORM, .p1 = 1, .p2 = 3 },
        { .kind = DIST_NORMAL, .p1 = 1, .p2 = 2 }, { .kind = DIST_LOGNORMAL, .p1 = 0.01, .p2 = 1 },
        { .kind = DIST_GAMMA, .p1 = 2, .p2 = 0.7 }, { .kind = DIST_WEIBULL, .p1 = 1, .p2 = 1.5 },
        { .kind = DIST_PARETO, .p1 = 1, .p2 = 2.5 },
    };
    keypick *kp = keypick_new(1000, 1.1);
    ck_assert_ptr_nonnull(kp);
    rng *a = stream(SEED, RNG_KEYS, 0), *b = stream(SEED, RNG_KEYS, 0);
    rng_use_gsl_calls(b);
    int bad = 0;
    for (int i = 0; i < 50000; i++) {
        bad += rng_uniform(a) != rng_uniform(b);
        bad += rng_uniform_pos(a) != rng_uniform_pos(b);
        bad += rng_exponential(a, 3) != rng_exponential(b, 3);   /* ziggurat: wedges and tail included */
        bad += rng_gaussian(a, 2) != rng_gaussian(b, 2);
        bad += rng_below(a, 1000003) != rng_below(b, 1000003);
        bad += rng_below(a, (1ull << 40) + 7) != rng_below(b, (1ull << 40) + 7);
        bad += keypick_draw(kp, a) != keypick_draw(kp, b);
        const dist *d = &ds[i % (int)(sizeof ds / sizeof ds[0])];
        bad += dist_sample(d, a) != dist_sample(d, b);
    }
    ck_assert_int_eq(bad, 0);
    rng_free(a);
    rng_free(b);
    keypick_free(kp);
}
END_TEST

/* The first 8 uniforms of a stream, as a fingerprint. */
static void fingerprint(uint64_t seed, unsigned purpose, uint64_t salt, double out[8])
{
    rng *r = stream(seed, purpose, salt);
    for (int i = 0; i < 8; i++) out[i] = rng_uniform(r);
    rng_free(r);
}

START_TEST(test_different_inputs_different_streams)
{
    /* Every purpose x salt, plus seeds differing only in high bits. */
    enum { NS = 4, NF = RNG_NPURPOSES * NS + 3 };
    static double fp[NF][8];
    int n = 0;
    for (unsigned p = 0; p < RNG_NPURPOSES; p++)
        for (uint64_t s = 0; s < NS; s++)
            fingerprint(SEED, p, s, fp[n++]);
    fingerprint(SEED ^ (1ull << 40), 0, 0, fp[n++]);
    fingerprint(SEED ^ (1ull << 63), 0, 0, fp[n++]);
    fingerprint(0, 0, 0, fp[n++]);
    for (int i = 0; i < NF; i++)
        for (int j = i + 1; j < NF; j++)
            ck_assert_msg(memcmp(fp[i], fp[j], sizeof fp[i]) != 0, "streams %d and %d agree", i, j);
}
END_TEST

START_TEST(test_streams_uncorrelated)
{
    /* Neighbouring purposes and salts: sample correlation within 4/sqrt(n). */
    const int n = 200000;
    const unsigned pairs[][4] = { { RNG_ARRIVALS, 0, RNG_KEYS, 0 }, { RNG_DB, 0, RNG_DB, 1 },
                                  { RNG_THINK, 3, RNG_INITIAL, 3 } };
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        rng *a = stream(SEED, pairs[k][0], pairs[k][1]);
        rng *b = stream(SEED, pairs[k][2], pairs[k][3]);
        double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double x = rng_uniform(a), y = rng_uniform(b);
            sx += x; sy += y; sxy += x * y; sxx += x * x; syy += y * y;
        }
        double cov = sxy / n - sx / n * sy / n;
        double corr = cov / sqrt((sxx / n - sx / n * sx / n) * (syy / n - sy / n * sy / n));
        ck_assert_msg(fabs(corr) < 4 / sqrt(n), "pair %zu: correlation %g", k, corr);
        rng_free(a);
        rng_free(b);
    }
}
END_TEST

START_TEST(test_uniform_ranges_and_moments)
{
    rng *r = stream(SEED, RNG_STRATEGY, 0);
    const int n = 1000000;
    double s = 0, se = 0, sg = 0, sgg = 0;
    int bad = 0;
    for (int i = 0; i < n; i++) {
        double u = rng_uniform(r), v = rng_uniform_pos(r);
        bad += !(u >= 0 && u < 1) + !(v > 0 && v < 1);
        s += u;
        se += rng_exponential(r, 3);
        double g = rng_gaussian(r, 2);
        sg += g;
        sgg += g * g;
    }
    ck_assert_int_eq(bad, 0);
    ck_assert_double_le(fabs(s / n - 0.5), 4 * sqrt(1.0 / 12 / n));
    ck_assert_double_le(fabs(se / n - 3), 4 * 3 / sqrt(n));
    ck_assert_double_le(fabs(sg / n), 4 * 2 / sqrt(n));
    /* var of s^2 for N(0,4) is 2*16 = 32 */
    ck_assert_double_le(fabs(sgg / n - 4), 4 * sqrt(32.0 / n));
    rng_free(r);
}
END_TEST

/* ---- rng_below ---- */

START_TEST(test_below_small_chisquare)
{
    const uint64_t ns[] = { 2, 3, 7, 10, 1000 };
    rng *r = stream(SEED, RNG_NODES, 0);
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        uint64_t n = ns[k], total = 1000000;
        uint64_t *cnt = calloc(n, sizeof *cnt);
        double *prob = malloc(n * sizeof *prob);
        for (uint64_t i = 0; i < n; i++) prob[i] = 1.0 / (double)n;
        uint64_t bad = 0;
        for (uint64_t i = 0; i < total; i++) {
            uint64_t x = rng_below(r, n);
            bad += x >= n;
            cnt[x < n ? x : 0]++;
        }
        ck_assert_uint_eq(bad, 0);
        double x2 = chisq(cnt, prob, n, total), pv = gsl_cdf_chisq_Q(x2, (double)(n - 1));
        ck_assert_msg(pv > ALPHA, "n=%llu: chi2=%g p=%g", (unsigned long long)n, x2, pv);
        free(cnt);
        free(prob);
    }
    ck_assert_uint_eq(rng_below(r, 0), 0);
    ck_assert_uint_eq(rng_below(r, 1), 0);
    rng_free(r);
}
END_TEST

/* Fraction of draws below n/3 for n = 3*2^k: plain x % n would give 1/2. */
static void check_third(rng *r, uint64_t n)
{
    const int total = 200000;
    int below = 0, bad = 0;
    for (int i = 0; i < total; i++) {
        uint64_t x = rng_below(r, n);
        bad += x >= n;
        below += x < n / 3;
    }
    ck_assert_int_eq(bad, 0);
    double f = (double)below / total, se = sqrt(2.0 / 9 / total);
    ck_assert_msg(fabs(f - 1.0 / 3) < 4 * se, "n=%llu: P(x<n/3)=%g", (unsigned long long)n, f);
}

START_TEST(test_below_no_modulo_bias)
{
    rng *r = stream(SEED, RNG_RETRIES, 0);
    check_third(r, 3ull << 30);   /* 32-bit path */
    check_third(r, 3ull << 62);   /* 64-bit path */
    rng_free(r);
}
END_TEST

START_TEST(test_below_beyond_32_bits)
{
    rng *r = stream(SEED, RNG_RETRIES, 1);
    /* n = 5*2^32 + 3: the high word falls in 0..5, 0..4 each with ~1/5. */
    const uint64_t n = (5ull << 32) + 3, total = 500000;
    uint64_t cnt[5] = { 0 }, lowbit = 0, bad = 0;
    for (uint64_t i = 0; i < total; i++) {
        uint64_t x = rng_below(r, n);
        bad += x >= n;
        if ((x >> 32) < 5) cnt[x >> 32]++;   /* 5*2^32 .. n-1: p = 3/n, ignore */
        lowbit += x & 1;
    }
    ck_assert_uint_eq(bad, 0);
    const double prob[5] = { 0.2, 0.2, 0.2, 0.2, 0.2 };
    double pv = gsl_cdf_chisq_Q(chisq(cnt, prob, 5, total), 4);
    ck_assert_msg(pv > ALPHA, "high words p=%g", pv);
    ck_assert_double_le(fabs((double)lowbit / (double)total - 0.5), 4 * 0.5 / sqrt((double)total));

    /* The extremes: 2^32 exactly, 2^32 + 1 and 2^64 - 1. */
    uint64_t top32 = 0, over = 0, top64 = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t x = rng_below(r, 1ull << 32);
        bad += x >= 1ull << 32;
        top32 += x >> 31;
        x = rng_below(r, (1ull << 32) + 1);
        bad += x > 1ull << 32;
        over += x == 1ull << 32;
        x = rng_below(r, UINT64_MAX);
        bad += x == UINT64_MAX;
        top64 += x >> 63;
    }
    ck_assert_uint_eq(bad, 0);
    ck_assert_double_le(fabs((double)top32 / 1e5 - 0.5), 4 * 0.5 / sqrt(1e5));
    ck_assert_double_le(fabs((double)top64 / 1e5 - 0.5), 4 * 0.5 / sqrt(1e5));
    ck_assert_uint_le(over, 2);   /* probability 2^-32 per draw */
    rng_free(r);
}
END_TEST

/* ---- distributions ---- */

struct dcase {
    dist d;
    const char *what;
};

START_TEST(test_sample_means)
{
    /* Pareto needs shape > 4 for the sample variance to settle. */
    const struct dcase cases[] = {
        { { DIST_CONSTANT, 0.25, 0 }, "constant" },
        { { DIST_EXPONENTIAL, 0.5, 0 }, "exponential" },
        { { DIST_UNIFORM, 1, 3 }, "uniform" },
        { { DIST_NORMAL, 0, 1 }, "half-normal" },
        { { DIST_NORMAL, 1, 2 }, "normal 1,2" },
        { { DIST_NORMAL, 5, 1 }, "normal 5,1" },
        { { DIST_LOGNORMAL, 0.1, 0.5 }, "lognormal" },
        { { DIST_GAMMA, 2, 0.5 }, "gamma shape .5" },
        { { DIST_GAMMA, 0.01, 4 }, "gamma shape 4" },
        { { DIST_WEIBULL, 2, 1.5 }, "weibull 1.5" },
        { { DIST_WEIBULL, 1, 0.7 }, "weibull .7" },
        { { DIST_PARETO, 1, 5 }, "pareto 5" },
    };
    const int n = 1000000;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        rng *r = stream(SEED, RNG_DB, k);
        double s = 0, ss = 0, mean = dist_mean(&cases[k].d);
        int negative = 0;
        for (int i = 0; i < n; i++) {
            double x = dist_sample(&cases[k].d, r);
            negative += x < 0;
            x -= mean;   /* centred: less rounding in the sums */
            s += x;
            ss += x * x;
        }
        ck_assert_int_eq(negative, 0);
        double err = s / n, sd = sqrt(ss / n - err * err), se = sd / sqrt(n);
        if (verbose())
            fprintf(stderr, "  %-16s mean %.6g  error %+.3g (%.2f SE)\n", cases[k].what, mean, err,
                    se > 0 ? err / se : 0);
        ck_assert_msg(fabs(err) <= 4 * se, "%s: sample mean off by %g, SE %g", cases[k].what, err, se);
        rng_free(r);
    }
}
END_TEST

START_TEST(test_dist_mean_exact)
{
    const double tol = 1e-12, half = sqrt(2 / M_PI);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_NORMAL, 0, 1 }), half, tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_NORMAL, 0, 3 }), 3 * half, tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_NORMAL, 2, 0 }), 2, tol);
    /* far from 0 the truncation vanishes; far below 0 the ratio must stay finite */
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_NORMAL, 50, 1 }), 50, tol);
    double deep = dist_mean(&(dist){ DIST_NORMAL, -40, 1 });
    ck_assert_double_eq_tol(deep, 1.0 / 40, 1e-4);   /* Mills ratio: ~ sd^2/|m| */
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_LOGNORMAL, 2, 0 }), 2, tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_LOGNORMAL, 1, 1 }), exp(0.5), tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_WEIBULL, 2, 1 }), 2, tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_WEIBULL, 1, 2 }), sqrt(M_PI) / 2, tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_GAMMA, 0.3, 7 }), 0.3, tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_UNIFORM, 1, 4 }), 2.5, tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_EXPONENTIAL, 0.7, 0 }), 0.7, tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_CONSTANT, 0.7, 9 }), 0.7, tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_PARETO, 1, 2 }), 2, tol);
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_PARETO, 1, 1 }), 2, tol);     /* median */
    ck_assert_double_eq_tol(dist_mean(&(dist){ DIST_PARETO, 2, 0.5 }), 8, tol);   /* median */
}
END_TEST

START_TEST(test_heavy_pareto_median)
{
    /* Shape <= 1: dist_mean is the median, so half the samples lie below it. */
    const dist d = { DIST_PARETO, 0.5, 0.8 };
    const double med = dist_mean(&d);
    const int n = 400000;
    rng *r = stream(SEED, RNG_DB, 99);
    int below = 0, bad = 0;
    for (int i = 0; i < n; i++) {
        double x = dist_sample(&d, r);
        bad += !(x >= 0.5);
        below += x < med;
    }
    ck_assert_int_eq(bad, 0);
    ck_assert_double_le(fabs((double)below / n - 0.5), 4 * 0.5 / sqrt(n));
    rng_free(r);
}
END_TEST

START_TEST(test_support)
{
    rng *r = stream(SEED, RNG_CACHE, 0);
    const dist u = { DIST_UNIFORM, 2, 2.5 }, nrm = { DIST_NORMAL, 0.1, 10 };
    double lo = 3, hi = 0;
    int bad = 0;
    for (int i = 0; i < 100000; i++) {
        double x = dist_sample(&u, r);
        bad += !(x >= 2 && x <= 2.5);
        lo = fmin(lo, x);
        hi = fmax(hi, x);
        bad += !(dist_sample(&nrm, r) >= 0);
    }
    ck_assert_int_eq(bad, 0);
    ck_assert_double_lt(lo, 2.001);
    ck_assert_double_gt(hi, 2.499);
    rng_free(r);
}
END_TEST

START_TEST(test_constant_draws_nothing)
{
    rng *a = stream(SEED, RNG_JITTER, 3), *b = stream(SEED, RNG_JITTER, 3);
    const dist c = { DIST_CONSTANT, 1.5, 0 };
    for (int i = 0; i < 100; i++) ck_assert(dist_sample(&c, a) == 1.5);
    for (int i = 0; i < 100; i++) ck_assert(rng_uniform(a) == rng_uniform(b));
    rng_free(a);
    rng_free(b);
}
END_TEST

START_TEST(test_kind_names)
{
    const char *want[] = { "constant", "exponential", "uniform", "normal",
                           "lognormal", "gamma", "weibull", "pareto" };
    for (int k = DIST_CONSTANT; k <= DIST_PARETO; k++)
        ck_assert_str_eq(dist_kind_name((enum dist_kind)k), want[k]);
}
END_TEST

/* ---- keypick ---- */

/* Draws total keys from k into fresh counts (caller frees). */
static uint64_t *draw_counts(const keypick *k, uint64_t n, uint64_t total, rng *r)
{
    uint64_t *cnt = calloc(n, sizeof *cnt), bad = 0;
    ck_assert_ptr_nonnull(cnt);
    for (uint64_t i = 0; i < total; i++) {
        uint64_t x = keypick_draw(k, r);
        bad += x >= n;
        cnt[x < n ? x : 0]++;
    }
    ck_assert_uint_eq(bad, 0);
    return cnt;
}

static double *probs_of(const keypick *k, uint64_t n)
{
    double *p = malloc(n * sizeof *p);
    ck_assert_ptr_nonnull(p);
    for (uint64_t i = 0; i < n; i++) p[i] = keypick_prob(k, i);
    return p;
}

START_TEST(test_zipf_fit)
{
    const uint64_t n = 1000, total = 1000000;
    keypick *k11 = keypick_new(n, 1.1), *k10 = keypick_new(n, 1.0);
    ck_assert_ptr_nonnull(k11);
    ck_assert_ptr_nonnull(k10);
    rng *r = stream(SEED, RNG_KEYS, 0);
    uint64_t *cnt = draw_counts(k11, n, total, r);
    double *p11 = probs_of(k11, n), *p10 = probs_of(k10, n);
    double crit = gsl_cdf_chisq_Qinv(ALPHA, (double)(n - 1));
    double x2 = chisq(cnt, p11, n, total);
    double pv = gsl_cdf_chisq_Q(x2, (double)(n - 1));
    /* The same counts against the wrong exponent must be rejected by far. */
    double x2wrong = chisq(cnt, p10, n, total);
    if (verbose())
        fprintf(stderr, "  zipf 1.1: chi2 %.1f (p %.3f), vs s=1.0: %.0f, critical %.1f\n", x2, pv,
                x2wrong, crit);
    ck_assert_msg(pv > ALPHA, "chi2=%g p=%g", x2, pv);
    ck_assert_msg(x2wrong > 10 * crit, "wrong exponent only gives chi2=%g", x2wrong);
    free(cnt);
    free(p11);
    free(p10);
    keypick_free(k11);
    keypick_free(k10);
    rng_free(r);
}
END_TEST

START_TEST(test_wrong_sampler_fails)
{
    /* Keys drawn with s = 1.0 tested against s = 1.1 fail the test above. */
    const uint64_t n = 1000, total = 1000000;
    keypick *k11 = keypick_new(n, 1.1), *k10 = keypick_new(n, 1.0);
    rng *r = stream(SEED, RNG_KEYS, 1);
    uint64_t *cnt = draw_counts(k10, n, total, r);
    double *p11 = probs_of(k11, n);
    double x2 = chisq(cnt, p11, n, total), crit = gsl_cdf_chisq_Qinv(ALPHA, (double)(n - 1));
    ck_assert_msg(x2 > 10 * crit, "chi2=%g, critical %g", x2, crit);
    free(cnt);
    free(p11);
    keypick_free(k11);
    keypick_free(k10);
    rng_free(r);
}
END_TEST

START_TEST(test_zipf_small_tables)
{
    /* Few keys and steep or shallow exponents exercise the alias cascade. */
    const struct { uint64_t n; double s; } cases[] = { { 2, 0.5 }, { 3, 3 }, { 5, 2 }, { 17, 0.3 },
                                                       { 64, 1.7 } };
    const uint64_t total = 500000;
    rng *r = stream(SEED, RNG_KEYS, 2);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        keypick *k = keypick_new(cases[c].n, cases[c].s);
        ck_assert_ptr_nonnull(k);
        uint64_t *cnt = draw_counts(k, cases[c].n, total, r);
        double *p = probs_of(k, cases[c].n);
        double pv = gsl_cdf_chisq_Q(chisq(cnt, p, cases[c].n, total), (double)(cases[c].n - 1));
        ck_assert_msg(pv > ALPHA, "n=%llu s=%g: p=%g", (unsigned long long)cases[c].n, cases[c].s, pv);
        free(cnt);
        free(p);
        keypick_free(k);
    }
    rng_free(r);
}
END_TEST

START_TEST(test_uniform_keys)
{
    const uint64_t n = 1000, total = 1000000;
    const double ss[] = { -1, 0 };
    rng *r = stream(SEED, RNG_KEYS, 3);
    for (int c = 0; c < 2; c++) {
        keypick *k = keypick_new(n, ss[c]);
        ck_assert_ptr_nonnull(k);
        int bad = 0;
        for (uint64_t i = 0; i < n; i++) bad += keypick_prob(k, i) != 1.0 / (double)n;
        ck_assert_int_eq(bad, 0);
        uint64_t *cnt = draw_counts(k, n, total, r);
        double *p = probs_of(k, n);
        double pv = gsl_cdf_chisq_Q(chisq(cnt, p, n, total), (double)(n - 1));
        ck_assert_msg(pv > ALPHA, "s=%g: p=%g", ss[c], pv);
        free(cnt);
        free(p);
        keypick_free(k);
    }
    rng_free(r);
}
END_TEST

START_TEST(test_single_key_and_bounds)
{
    const double ss[] = { -1, 0, 1.1 };
    rng *r = stream(SEED, RNG_KEYS, 4);
    for (int c = 0; c < 3; c++) {
        keypick *k = keypick_new(1, ss[c]);
        ck_assert_ptr_nonnull(k);
        for (int i = 0; i < 100; i++) ck_assert_uint_eq(keypick_draw(k, r), 0);
        ck_assert(keypick_prob(k, 0) == 1);
        ck_assert(keypick_prob(k, 1) == 0);
        keypick_free(k);
    }
    ck_assert_ptr_null(keypick_new(0, 1.1));
    keypick_free(NULL);
    /* The uniform chooser takes any 32-bit key count without a table. */
    keypick *big = keypick_new(UINT32_MAX, -1);
    ck_assert_ptr_nonnull(big);
    uint64_t top = 0, bad = 0;
    for (int i = 0; i < 10000; i++) {
        uint64_t x = keypick_draw(big, r);
        bad += x >= UINT32_MAX;
        top += x >= (1u << 31);
    }
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_gt(top, 4500);
    ck_assert_uint_lt(top, 5500);
    keypick_free(big);
    rng_free(r);
}
END_TEST

START_TEST(test_large_table)
{
    /* 10^6 keys: probabilities normalised, mass of the head and the tail. */
    const uint64_t n = 1000000, total = 2000000;
    keypick *k = keypick_new(n, 0.99);
    ck_assert_ptr_nonnull(k);
    double sum = 0;
    for (uint64_t i = n; i-- > 0;) sum += keypick_prob(k, i);
    ck_assert_double_eq_tol(sum, 1, 1e-9);
    ck_assert_double_eq_tol(keypick_prob(k, 0) / keypick_prob(k, 1), pow(2, 0.99), 1e-12);
    double phead = 0, ptail = 0;
    for (uint64_t i = 0; i < 10; i++) phead += keypick_prob(k, i);
    for (uint64_t i = n / 2; i < n; i++) ptail += keypick_prob(k, i);
    rng *r = stream(SEED, RNG_KEYS, 5);
    uint64_t head = 0, tail = 0, key0 = 0, bad = 0;
    for (uint64_t i = 0; i < total; i++) {
        uint64_t x = keypick_draw(k, r);
        bad += x >= n;
        head += x < 10;
        tail += x >= n / 2;
        key0 += x == 0;
    }
    ck_assert_uint_eq(bad, 0);
    const double pk[3] = { keypick_prob(k, 0), phead, ptail };
    const uint64_t got[3] = { key0, head, tail };
    for (int j = 0; j < 3; j++) {
        double f = (double)got[j] / (double)total, se = sqrt(pk[j] * (1 - pk[j]) / (double)total);
        ck_assert_msg(fabs(f - pk[j]) < 4 * se, "cell %d: %g vs %g", j, f, pk[j]);
    }
    keypick_free(k);
    rng_free(r);
}
END_TEST

#ifdef __GLIBC__
static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}
#endif

START_TEST(test_memory_per_key)
{
#ifdef __GLIBC__
    const uint64_t n = 1000000;
    size_t before = heap_in_use();
    keypick *k = keypick_new(n, 1.1);
    size_t after = heap_in_use();
    ck_assert_ptr_nonnull(k);
    keypick_free(k);
    size_t before_u = heap_in_use();
    keypick *u = keypick_new(UINT32_MAX, 0);
    size_t after_u = heap_in_use();
    ck_assert_ptr_nonnull(u);
    keypick_free(u);
    if (after == before) {   /* a sanitizer's allocator: glibc cannot see it */
        fprintf(stderr, "  memory per key: not measurable under this allocator\n");
        return;
    }
    double per_key = (double)(after - before) / (double)n;
    if (verbose()) fprintf(stderr, "  keypick: %.3f bytes per key\n", per_key);
    ck_assert_double_le(per_key, 8.01);
    ck_assert_uint_le(after_u - before_u, 4096);   /* uniform: no table */
#endif
}
END_TEST

static Suite *rng_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("streams");
    tcase_add_test(tc, test_same_triple_same_sequence);
    tcase_add_test(tc, test_stream_is_gsl_taus2);
    tcase_add_test(tc, test_gsl_calls_same_numbers);
    tcase_add_test(tc, test_different_inputs_different_streams);
    tcase_add_test(tc, test_streams_uncorrelated);
    tcase_add_test(tc, test_uniform_ranges_and_moments);
    suite_add_tcase(s, tc);

    tc = tcase_create("below");
    tcase_add_test(tc, test_below_small_chisquare);
    tcase_add_test(tc, test_below_no_modulo_bias);
    tcase_add_test(tc, test_below_beyond_32_bits);
    suite_add_tcase(s, tc);

    tc = tcase_create("distributions");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_sample_means);
    tcase_add_test(tc, test_dist_mean_exact);
    tcase_add_test(tc, test_heavy_pareto_median);
    tcase_add_test(tc, test_support);
    tcase_add_test(tc, test_constant_draws_nothing);
    tcase_add_test(tc, test_kind_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("keypick");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_zipf_fit);
    tcase_add_test(tc, test_wrong_sampler_fails);
    tcase_add_test(tc, test_zipf_small_tables);
    tcase_add_test(tc, test_uniform_keys);
    tcase_add_test(tc, test_single_key_and_bounds);
    tcase_add_test(tc, test_large_table);
    tcase_add_test(tc, test_memory_per_key);
    suite_add_tcase(s, tc);
    return s;
}

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    return rng_suite();
}
