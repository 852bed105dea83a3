/* check_rng.c - the rng module: stream determinism and independence, unbiased
 * integers, every distribution's sample mean against dist_mean, and the key
 * chooser against its probability mass function (chi-square over the top
 * keys and tail bins up to 10^10 keys, fixed seeds, a wrong exponent
 * rejected) with its normaliser against direct sums and GSL's zeta. */
#include "engine/rng.h"

#include <check.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_sf_zeta.h>
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

/* sum of r^-s over ranks a..b, term by term in long double, smallest first:
 * the reference for the Euler-Maclaurin sums. */
static long double direct_sum(double s, uint64_t a, uint64_t b)
{
    long double sum = 0;
    for (uint64_t r = b; r >= a; r--) sum += powl((long double)r, -(long double)s);
    return sum;
}

/* Chi-square cells for any n: the top keys one by one (those expected at
 * least 20 times, at most 100 of them), then the rest cut into up to 100
 * bins of equal probability.  Probabilities are the exact pmf's:
 * keypick_prob for a key, keypick_mass for a bin (checked against direct
 * sums and GSL's zeta functions below). */
#define ZC_TOP 100
#define ZC_BINS 100
typedef struct zcells {
    uint64_t top;                   /* keys [0, top) are cells of their own */
    size_t nbins;
    uint64_t edge[ZC_BINS + 1];     /* bin j is [edge[j], edge[j+1]) */
    size_t ncells;
    double p[ZC_TOP + ZC_BINS];
} zcells;

static void zcells_of(zcells *c, const keypick *k, uint64_t n, uint64_t total)
{
    uint64_t top = 0;
    while (top < n && top < ZC_TOP && (double)total * keypick_prob(k, top) >= 20) top++;
    c->top = top;
    c->ncells = 0;
    for (uint64_t i = 0; i < top; i++) c->p[c->ncells++] = keypick_prob(k, i);
    c->nbins = n - top < ZC_BINS ? (size_t)(n - top) : ZC_BINS;
    double rest = keypick_mass(k, top, n);
    c->edge[0] = top;
    for (size_t j = 1; j < c->nbins; j++) {
        /* the first x with mass [top, x) >= j/nbins of the rest, leaving a key per bin */
        double want = rest * (double)j / (double)c->nbins;
        uint64_t lo = c->edge[j - 1] + 1, hi = n - (c->nbins - j);
        while (lo < hi) {
            uint64_t mid = lo + (hi - lo) / 2;
            if (keypick_mass(k, top, mid) < want) lo = mid + 1;
            else hi = mid;
        }
        c->edge[j] = lo;
    }
    c->edge[c->nbins] = n;
    for (size_t j = 0; j < c->nbins; j++) c->p[c->ncells++] = keypick_mass(k, c->edge[j], c->edge[j + 1]);
    double sum = 0;
    for (size_t i = 0; i < c->ncells; i++) sum += c->p[i];
    ck_assert_double_eq_tol(sum, 1, 1e-12);
}

static size_t zcell(const zcells *c, uint64_t x)
{
    if (x < c->top) return (size_t)x;
    size_t lo = 0, hi = c->nbins - 1;   /* the last j with edge[j] <= x */
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        if (c->edge[mid] <= x) lo = mid;
        else hi = mid - 1;
    }
    return (size_t)c->top + lo;
}

/* Pearson's statistic of total draws from `from` over the cells of c. */
static double zcells_chisq(const zcells *c, const keypick *from, uint64_t n, uint64_t total, rng *r)
{
    uint64_t cnt[ZC_TOP + ZC_BINS] = { 0 }, bad = 0;
    for (uint64_t i = 0; i < total; i++) {
        uint64_t x = keypick_draw(from, r);
        bad += x >= n;
        cnt[zcell(c, x < n ? x : 0)]++;
    }
    ck_assert_uint_eq(bad, 0);
    return chisq(cnt, c->p, c->ncells, total);
}

/* Noncentrality of the same test when the draws follow `truth`: the
 * expected statistic is about dof + lambda. */
static double zcells_lambda(const zcells *c, const keypick *truth, uint64_t total)
{
    double lambda = 0;
    for (size_t i = 0; i < c->ncells; i++) {
        double q = i < c->top ? keypick_prob(truth, i)
                              : keypick_mass(truth, c->edge[i - c->top], c->edge[i - c->top + 1]);
        lambda += (q - c->p[i]) * (q - c->p[i]) / c->p[i];
    }
    return lambda * (double)total;
}

static const uint64_t zipf_ns[] = { 1000, 1000000, 1000000000, 10000000000u };
static const double zipf_ss[] = { 0.6, 1.0, 1.2 };
#define ZIPF_DRAWS 1000000

/* The draws follow the exact pmf: chi-square over the top keys and the tail
 * bins, n = 10^3, 10^6, 10^9 (and 10^10), s = 0.6, 1.0, 1.2, three seeds
 * each.  Under the pmf the statistic is chi-square(dof): p < ALPHA fails. */
START_TEST(test_zipf_chisq_against_pmf)
{
    for (size_t a = 0; a < sizeof zipf_ns / sizeof *zipf_ns; a++)
        for (size_t b = 0; b < sizeof zipf_ss / sizeof *zipf_ss; b++) {
            uint64_t n = zipf_ns[a];
            keypick *k = keypick_new(n, zipf_ss[b]);
            ck_assert_ptr_nonnull(k);
            zcells c;
            zcells_of(&c, k, n, ZIPF_DRAWS);
            for (uint64_t seed = 1; seed <= 3; seed++) {
                rng *r = stream(SEED + seed, RNG_KEYS, 0);
                double x2 = zcells_chisq(&c, k, n, ZIPF_DRAWS, r);
                double pv = gsl_cdf_chisq_Q(x2, (double)(c.ncells - 1));
                if (verbose())
                    fprintf(stderr, "  zipf n=%llu s=%g seed %llu: chi2 %.1f on %zu dof, p %.3f\n",
                            (unsigned long long)n, zipf_ss[b], (unsigned long long)seed, x2, c.ncells - 1, pv);
                ck_assert_msg(pv > ALPHA, "n=%llu s=%g seed %llu: chi2 %g on %zu dof, p %g",
                              (unsigned long long)n, zipf_ss[b], (unsigned long long)seed, x2, c.ncells - 1, pv);
                rng_free(r);
            }
            keypick_free(k);
        }
}
END_TEST

/* Draws with exponent s +- 0.01 fail the same test against s's pmf, at
 * every n, far beyond its ALPHA: p < 1e-6.  That the test can do so is
 * checked first from the exact pmfs: with noncentrality lambda the statistic
 * has mean dof + lambda and sd sqrt(2 dof + 4 lambda), and 4 sd below the
 * mean must still be beyond the 1e-6 critical value. */
START_TEST(test_zipf_wrong_exponent_rejected)
{
    const double delta = 0.01, reject = 1e-6;
    for (size_t a = 0; a < sizeof zipf_ns / sizeof *zipf_ns; a++)
        for (size_t b = 0; b < sizeof zipf_ss / sizeof *zipf_ss; b++)
            for (int sign = -1; sign <= 1; sign += 2) {
                uint64_t n = zipf_ns[a];
                double s = zipf_ss[b], sw = s + sign * delta;
                keypick *k = keypick_new(n, s), *w = keypick_new(n, sw);
                ck_assert(k && w);
                zcells c;
                zcells_of(&c, k, n, ZIPF_DRAWS);
                double dof = (double)(c.ncells - 1), crit = gsl_cdf_chisq_Qinv(reject, dof);
                double lambda = zcells_lambda(&c, w, ZIPF_DRAWS);
                double low = dof + lambda - 4 * sqrt(2 * dof + 4 * lambda);
                rng *r = stream(SEED + 10 + (uint64_t)a, RNG_KEYS, (uint64_t)(2 * b) + (sign > 0));
                double x2 = zcells_chisq(&c, w, n, ZIPF_DRAWS, r);
                double pv = gsl_cdf_chisq_Q(x2, dof);
                if (verbose())
                    fprintf(stderr, "  zipf n=%llu drawn with s=%g, tested as s=%g: chi2 %.1f on %.0f dof, p %.2g "
                            "(expected %.0f +- %.0f; p = 1e-6 at %.1f)\n", (unsigned long long)n, sw, s, x2, dof, pv,
                            dof + lambda, sqrt(2 * dof + 4 * lambda), crit);
                ck_assert_msg(low > crit, "n=%llu s=%g: the test cannot tell s=%g (noncentrality %g)",
                              (unsigned long long)n, s, sw, lambda);
                ck_assert_msg(pv < reject, "n=%llu: s=%g passes as s=%g: chi2 %g, p %g", (unsigned long long)n, sw, s, x2, pv);
                rng_free(r);
                keypick_free(k);
                keypick_free(w);
            }
}
END_TEST

/* Every key of small n, and extreme exponents: s near 0, around 1 on both
 * sides (the stable H and H^-1), steep; chi-square over all keys. */
START_TEST(test_zipf_small_and_extreme)
{
    const struct { uint64_t n; double s; } cases[] = {
        { 2, 0.5 }, { 3, 3 }, { 5, 2 }, { 17, 0.3 }, { 64, 1.7 }, { 65, 1.0 }, { 100, 1e-9 },
        { 100, 1 - 1e-12 }, { 100, 1 + 1e-12 }, { 200, 0.999 }, { 30, 7 }, { 6, 30 },
    };
    const uint64_t total = 500000;
    rng *r = stream(SEED, RNG_KEYS, 2);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        uint64_t n = cases[c].n;
        keypick *k = keypick_new(n, cases[c].s);
        ck_assert_ptr_nonnull(k);
        uint64_t *cnt = draw_counts(k, n, total, r);
        double *p = probs_of(k, n);
        /* Keys expected fewer than 5 times go into one cell (s = 7, 30). */
        size_t m = 0;
        while (m < n && p[m] * (double)total >= 5) m++;
        if (m < n) {
            for (uint64_t i = m + 1; i < n; i++) {
                cnt[m] += cnt[i];
                p[m] += p[i];
            }
            m++;
        }
        double pv = m > 1 ? gsl_cdf_chisq_Q(chisq(cnt, p, m, total), (double)(m - 1)) : 1;
        if (verbose()) fprintf(stderr, "  zipf n=%llu s=%.12g: %zu cells, p %.3f\n", (unsigned long long)n, cases[c].s, m, pv);
        ck_assert_msg(pv > ALPHA, "n=%llu s=%g: p=%g", (unsigned long long)n, cases[c].s, pv);
        free(cnt);
        free(p);
        keypick_free(k);
    }
    rng_free(r);
}
END_TEST

/* Around s = 1 the draws still follow the pmf at 10^9 keys (where
 * (x^(1-s) - 1)/(1-s) written out loses every digit), and the normaliser
 * is continuous: H(n, 1 +- 1e-12) = H(n, 1) to 1e-10. */
START_TEST(test_zipf_near_one)
{
    const uint64_t n = 1000000000;
    const double ss[] = { 1 - 1e-12, 1 + 1e-12, 1 - 1e-6, 1 + 1e-6 };
    keypick *one = keypick_new(n, 1);
    for (size_t i = 0; i < sizeof ss / sizeof *ss; i++) {
        keypick *k = keypick_new(n, ss[i]);
        ck_assert_ptr_nonnull(k);
        ck_assert_double_eq_tol(keypick_norm(k) / keypick_norm(one), 1, fabs(ss[i] - 1) * 300);
        zcells c;
        zcells_of(&c, k, n, ZIPF_DRAWS);
        rng *r = stream(SEED, RNG_KEYS, 20 + i);
        double x2 = zcells_chisq(&c, k, n, ZIPF_DRAWS, r);
        double pv = gsl_cdf_chisq_Q(x2, (double)(c.ncells - 1));
        if (verbose()) fprintf(stderr, "  zipf n=%llu s=1%+g: chi2 %.1f on %zu dof, p %.3f\n", (unsigned long long)n, ss[i] - 1, x2, c.ncells - 1, pv);
        ck_assert_msg(pv > ALPHA, "s=1%+g: chi2 %g, p %g", ss[i] - 1, x2, pv);
        rng_free(r);
        keypick_free(k);
    }
    keypick_free(one);
}
END_TEST

/* H(x) = (x^(1-s) - 1)/(1-s) and h(x) = x^-s in long double (64-bit
 * significands): the reference the chooser's doubles are checked against. */
static long double ref_H(long double s, long double x)
{
    return s == 1 ? logl(x) : expm1l((1 - s) * logl(x)) / (1 - s);
}

static long double ref_h(long double s, long double x) { return expl(-s * logl(x)); }

/* Each rank r owns exactly the uniforms U whose u = H(n+1/2) - U (H(n+1/2) -
 * H(3/2) + 1) lies in [H(r+1/2) - h(r), H(r+1/2)], a share h(r)/(H(n+1/2) -
 * H(3/2) + 1) of them, up to the far tail of 10^10 keys: tries just inside
 * either end (a millionth of the interval in) and at its middle keep r; just
 * outside, they do not (a neighbour is kept, or nothing in the gap before
 * it).  A sampler off by a small fraction of a key anywhere (a rank shifted,
 * an interval 0.1% too long, a wrong squeeze, an inaccurate H^-1 near
 * s = 1) fails here, where no chi-square of 10^6 draws could see it. */
START_TEST(test_zipf_tries_exact)
{
    const uint64_t n = 10000000000u;
    const double ss[] = { 0.6, 1.0, 1.2, 1 - 1e-12, 1 + 1e-9, 3 };
    const uint64_t ranks[] = { 1, 2, 3, 10, 1000, 1000000, 1000000000, 9999999999u, 10000000000u };
    int checked = 0;
    for (size_t i = 0; i < sizeof ss / sizeof *ss; i++) {
        keypick *k = keypick_new(n, ss[i]);
        ck_assert_ptr_nonnull(k);
        long double s = ss[i], hi = ref_H(s, n + 0.5L), lo = ref_H(s, 1.5L) - 1;
        for (size_t j = 0; j < sizeof ranks / sizeof *ranks; j++) {
            uint64_t r = ranks[j];
            long double top = ref_H(s, r + 0.5L), bottom = top - ref_h(s, r);
            /* U falls as u rises: rank r is kept for U in [Ua, Ub] */
            long double Ua = (hi - top) / (hi - lo), Ub = (hi - bottom) / (hi - lo), len = Ub - Ua;
            /* Tries at a margin inside and outside each end: a millionth of the
             * interval, or 64 ulps of u where that is wider.  Skipped where the
             * margin would exceed a twentieth of the interval (s = 3 past rank
             * 10^4: probabilities below 2^-44 of the total, under the doubles'
             * resolution). */
            long double margin = fmaxl(len * 1e-6L, 64 * fabsl(top) * 0x1p-52L / (hi - lo));
            if (margin > len / 20) continue;
            const long double at[] = { Ua + margin, (Ua + Ub) / 2, Ub - margin };
            for (int t = 0; t < 3; t++) {
                uint64_t key;
                bool kept = keypick_try(k, (double)at[t], &key);
                ck_assert_msg(kept && key == r - 1, "s=%.12g rank %llu: U %.20Lg gives key %llu (%s)", ss[i],
                              (unsigned long long)r, at[t], (unsigned long long)key, kept ? "kept" : "rejected");
            }
            /* just outside: rank r + 1's interval (or the end) before, the gap or rank r - 1 after */
            uint64_t key;
            bool kept;
            if (r < n) {
                kept = keypick_try(k, (double)(Ua - margin), &key);
                ck_assert_msg(!kept || key != r - 1, "s=%.12g rank %llu kept below its interval", ss[i], (unsigned long long)r);
            }
            if (Ub + margin < 1) {
                kept = keypick_try(k, (double)(Ub + margin), &key);
                ck_assert_msg(!kept || key != r - 1, "s=%.12g rank %llu kept above its interval", ss[i], (unsigned long long)r);
            }
            checked++;
        }
        /* In the gap between rank 2's and rank 1's intervals nothing is kept. */
        long double gap_lo = ref_H(s, 1.5L), gap_hi = ref_H(s, 2.5L) - ref_h(s, 2);
        long double Ug = (hi - (gap_lo + gap_hi) / 2) / (hi - lo);
        uint64_t key;
        ck_assert_msg(!keypick_try(k, (double)Ug, &key), "s=%.12g: the gap above rank 2 is kept as key %llu", ss[i], (unsigned long long)key);
        keypick_free(k);
    }
    if (verbose()) fprintf(stderr, "  zipf tries: %d rank intervals checked at n = 1e10\n", checked);
    ck_assert_int_ge(checked, 40);
}
END_TEST

/* keypick_draw is tries with 53-bit uniforms from the stream's 32-bit words
 * (w1 2^21 + w2 / 2^11) / 2^53 until one is kept: the same keys, and the
 * stream left at the same place. */
START_TEST(test_zipf_draw_is_tries)
{
    const double ss[] = { 0.6, 1.0, 3 };
    for (int c = 0; c < 3; c++) {
        keypick *k = keypick_new(1000000000, ss[c]);
        rng *a = stream(SEED, RNG_KEYS, 8), *b = stream(SEED, RNG_KEYS, 8);
        int bad = 0, tries = 0;
        const int total = 100000;
        for (int i = 0; i < total; i++) {
            uint64_t want = keypick_draw(k, a), key;
            do {
                uint64_t w1 = rng_below(b, 1ull << 32), w2 = rng_below(b, 1ull << 32);   /* one word each */
                tries++;
                if (keypick_try(k, (double)((w1 << 21) | (w2 >> 11)) * 0x1p-53, &key)) break;
            } while (1);
            bad += key != want;
        }
        bad += rng_uniform(a) != rng_uniform(b);
        ck_assert_int_eq(bad, 0);
        /* About 1.017 tries a draw at worst (s near 3), 1.0006 at s = 1. */
        ck_assert_int_lt(tries, total * 1.03);
        rng_free(a);
        rng_free(b);
        keypick_free(k);
    }
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
        ck_assert(keypick_mass(k, 100, 350) == 0.25);
        uint64_t *cnt = draw_counts(k, n, total, r);
        double *p = probs_of(k, n);
        double pv = gsl_cdf_chisq_Q(chisq(cnt, p, n, total), (double)(n - 1));
        ck_assert_msg(pv > ALPHA, "s=%g: p=%g", ss[c], pv);
        free(cnt);
        free(p);
        keypick_free(k);
    }
    /* Uniform keys are rng_below's: the same numbers, no other draw. */
    keypick *u = keypick_new(10000000000u, 0);
    rng *a = stream(SEED, RNG_KEYS, 7), *b = stream(SEED, RNG_KEYS, 7);
    int bad = 0;
    for (int i = 0; i < 10000; i++) bad += keypick_draw(u, a) != rng_below(b, 10000000000u);
    ck_assert_int_eq(bad, 0);
    rng_free(a);
    rng_free(b);
    keypick_free(u);
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
        ck_assert(keypick_mass(k, 0, 5) == 1);
        keypick_free(k);
    }
    ck_assert_ptr_null(keypick_new(0, 1.1));
    ck_assert_ptr_null(keypick_new((1ull << 52) + 1, 1.1));   /* ranks must stay exact doubles */
    keypick_free(NULL);
    /* NaN and infinite exponents are the uniform chooser, not a hang. */
    keypick *nan_s = keypick_new(10, NAN), *inf_s = keypick_new(10, INFINITY);
    ck_assert(nan_s && inf_s);
    ck_assert(keypick_prob(nan_s, 3) == 0.1 && keypick_prob(inf_s, 3) == 0.1);
    keypick_free(nan_s);
    keypick_free(inf_s);
    /* The largest n: every draw in range, key 0 as often as its pmf says. */
    const uint64_t big_n[] = { 1ull << 52, UINT32_MAX };
    const double big_s[] = { 1.0, -1 };
    for (int c = 0; c < 2; c++) {
        keypick *big = keypick_new(big_n[c], big_s[c]);
        ck_assert_ptr_nonnull(big);
        uint64_t top = 0, bad = 0, key0 = 0;
        const int total = 100000;
        for (int i = 0; i < total; i++) {
            uint64_t x = keypick_draw(big, r);
            bad += x >= big_n[c];
            top += x >= big_n[c] / 2;
            key0 += x == 0;
        }
        ck_assert_uint_eq(bad, 0);
        double p0 = keypick_prob(big, 0), pt = keypick_mass(big, big_n[c] / 2, big_n[c]);
        double f0 = (double)key0 / total, ft = (double)top / total;
        ck_assert_msg(fabs(f0 - p0) < 5 * sqrt(p0 * (1 - p0) / total) + 1e-9, "key 0: %g vs %g", f0, p0);
        ck_assert_msg(fabs(ft - pt) < 5 * sqrt(pt * (1 - pt) / total), "top half: %g vs %g", ft, pt);
        keypick_free(big);
    }
    rng_free(r);
}
END_TEST

/* The normaliser H(n, s) and range masses: against direct sums (up to 10^5
 * terms, and 10^5 terms deep in the tail), GSL's Hurwitz zeta
 * H(n, s) = zeta(s) - zeta(s, n+1) for s > 1 and digamma H(n, 1) =
 * psi(n+1) + gamma, up to n = 10^10. */
START_TEST(test_zipf_norm_and_mass)
{
    const double ss[] = { 1e-3, 0.6, 0.999999, 1.0, 1.2, 2, 3.5, 10, 50 };
    const uint64_t ns[] = { 2, 10, 64, 65, 100, 1000, 100000 };
    int bad = 0;
    double worst = 0;
    for (size_t i = 0; i < sizeof ss / sizeof *ss; i++)
        for (size_t j = 0; j < sizeof ns / sizeof *ns; j++) {
            keypick *k = keypick_new(ns[j], ss[i]);
            double ref = (double)direct_sum(ss[i], 1, ns[j]), err = fabs(keypick_norm(k) / ref - 1);
            worst = fmax(worst, err);
            bad += !(err < 1e-14);
            /* a range deep in the tail, and one across the exact/Euler-Maclaurin seam */
            if (ns[j] == 100000) {
                double m1 = keypick_mass(k, 90000, 100000) * keypick_norm(k), r1 = (double)direct_sum(ss[i], 90001, 100000);
                double m2 = keypick_mass(k, 10, 5000) * keypick_norm(k), r2 = (double)direct_sum(ss[i], 11, 5000);
                worst = fmax(worst, fmax(fabs(m1 / r1 - 1), fabs(m2 / r2 - 1)));
                bad += !(fabs(m1 / r1 - 1) < 1e-13) + !(fabs(m2 / r2 - 1) < 1e-13);
            }
            keypick_free(k);
        }
    if (verbose()) fprintf(stderr, "  H(n, s), n <= 1e5: worst relative error %.2g against direct sums\n", worst);
    ck_assert_int_eq(bad, 0);
    /* Large n against GSL. */
    const double big[] = { 1e3, 1e6, 1e9, 1e10 };
    const double sz[] = { 1.0, 1.2, 2, 3.5 };
    worst = 0;
    for (size_t i = 0; i < sizeof sz / sizeof *sz; i++)
        for (size_t j = 0; j < sizeof big / sizeof *big; j++) {
            double n = big[j], s = sz[i];
            keypick *k = keypick_new((uint64_t)n, s);
            double ref = s == 1 ? gsl_sf_psi(n + 1) + M_EULER : gsl_sf_zeta(s) - gsl_sf_hzeta(s, n + 1);
            worst = fmax(worst, fabs(keypick_norm(k) / ref - 1));
            /* the mass of the second half of the keys */
            double half = s == 1 ? gsl_sf_psi(n + 1) - gsl_sf_psi(n / 2 + 1) : gsl_sf_hzeta(s, n / 2 + 1) - gsl_sf_hzeta(s, n + 1);
            double got = keypick_mass(k, (uint64_t)n / 2, (uint64_t)n) * keypick_norm(k);
            worst = fmax(worst, fabs(got / half - 1));
            keypick_free(k);
        }
    if (verbose()) fprintf(stderr, "  H(n, s), n to 1e10: worst relative error %.2g against GSL\n", worst);
    ck_assert_double_lt(worst, 1e-12);
    /* s < 1 and large n: 10^5 terms deep in the tail of 10^9 keys. */
    keypick *k = keypick_new(1000000000, 0.6);
    double got = keypick_mass(k, 999900000, 1000000000) * keypick_norm(k);
    double ref = (double)direct_sum(0.6, 999900001, 1000000000);
    ck_assert_msg(fabs(got / ref - 1) < 1e-12, "%.17g vs %.17g", got, ref);
    /* and the 10^9 probabilities sum to one: the head exactly, the rest in ranges */
    double sum = 0;
    for (uint64_t i = 0; i < 1000; i++) sum += keypick_prob(k, i);
    sum += keypick_mass(k, 1000, 1000000) + keypick_mass(k, 1000000, 1000000000);
    ck_assert_double_eq_tol(sum, 1, 1e-13);
    keypick_free(k);
}
END_TEST

START_TEST(test_large_n_probabilities)
{
    /* 10^6 keys: probabilities normalised key by key, ratios exact. */
    const uint64_t n = 1000000;
    keypick *k = keypick_new(n, 0.99);
    ck_assert_ptr_nonnull(k);
    double sum = 0;
    for (uint64_t i = n; i-- > 0;) sum += keypick_prob(k, i);
    ck_assert_double_eq_tol(sum, 1, 1e-12);
    ck_assert_double_eq_tol(keypick_prob(k, 0) / keypick_prob(k, 1), pow(2, 0.99), 1e-12);
    keypick_free(k);
}
END_TEST

#ifdef __GLIBC__
static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}
#endif

/* No memory per key: the chooser's size does not depend on n. */
START_TEST(test_memory_per_key)
{
#ifdef __GLIBC__
    const uint64_t ns[] = { 1000000, 10000000000u };
    for (int i = 0; i < 2; i++)
        for (int u = 0; u < 2; u++) {
            size_t before = heap_in_use();
            keypick *k = keypick_new(ns[i], u ? 0 : 1.1);
            size_t after = heap_in_use();
            ck_assert_ptr_nonnull(k);
            keypick_free(k);
            if (after == before) {   /* a sanitizer's allocator: glibc cannot see it */
                fprintf(stderr, "  memory per key: not measurable under this allocator\n");
                return;
            }
            if (verbose()) fprintf(stderr, "  keypick of %llu keys: %zu bytes\n", (unsigned long long)ns[i], after - before);
            ck_assert_uint_le(after - before, 256);
        }
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
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_zipf_chisq_against_pmf);
    tcase_add_test(tc, test_zipf_wrong_exponent_rejected);
    tcase_add_test(tc, test_zipf_small_and_extreme);
    tcase_add_test(tc, test_zipf_near_one);
    tcase_add_test(tc, test_zipf_tries_exact);
    tcase_add_test(tc, test_zipf_draw_is_tries);
    tcase_add_test(tc, test_uniform_keys);
    tcase_add_test(tc, test_single_key_and_bounds);
    tcase_add_test(tc, test_zipf_norm_and_mass);
    tcase_add_test(tc, test_large_n_probabilities);
    tcase_add_test(tc, test_memory_per_key);
    suite_add_tcase(s, tc);
    return s;
}

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    return rng_suite();
}
