/* check_hist.c - the log-linear histogram: bucket boundaries read off the bits,
 * quantile error against exact nearest-rank on sorted data, under/overflow,
 * clamping, cheap resets and merging. */
#include "base/hist.h"

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "testmain.h"

#define NB HIST_NBUCKETS
#define REL_ERR (1.0 / (2 * HIST_SUB))

/* A hist is 55 KB: keep it off the stack.  Zero-filled is a valid empty one. */
static hist *new_hist(void)
{
    hist *h = calloc(1, sizeof *h);
    ck_assert_ptr_nonnull(h);
    return h;
}

/* splitmix64: test data independent of the rng module. */
static uint64_t sm_state;
static uint64_t sm_next(void)
{
    uint64_t z = (sm_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static double sm_uniform(void) { return (double)(sm_next() >> 11) * 0x1p-53; }

/* Log-uniform over [lo, hi]. */
static double log_uniform(double lo, double hi)
{
    return exp(log(lo) + sm_uniform() * (log(hi) - log(lo)));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The same nearest-rank rule the histogram documents, on exact data. */
static double exact_quantile(const double *sorted, size_t n, double p)
{
    double want = ceil(p * (double)n);
    size_t rank = want < 1 ? 1 : want >= (double)n ? n : (size_t)want;
    return sorted[rank - 1];
}

/* The bucket index a lone value lands in. */
static int lone_bucket(hist *h, double v)
{
    hist_reset(h);
    hist_add(h, v);
    ck_assert_int_eq(h->lo, h->hi);
    ck_assert_uint_eq(h->b[h->lo], 1);
    return h->lo;
}

/* ---- buckets ---- */

START_TEST(test_layout)
{
    ck_assert_int_eq(NB, (HIST_EMAX - HIST_EMIN) * HIST_SUB + 2);
    ck_assert(REL_ERR < 0.004);
}
END_TEST

START_TEST(test_powers_of_two_and_sub_boundaries)
{
    hist *h = new_hist();
    for (int e = HIST_EMIN; e < HIST_EMAX; e++) {
        for (int k = 0; k < HIST_SUB; k++) {
            double v = ldexp(1 + (double)k / HIST_SUB, e);
            int want = 1 + (e - HIST_EMIN) * HIST_SUB + k;
            ck_assert_int_eq(lone_bucket(h, v), want);
            /* just below a boundary: the previous bucket (underflow at the bottom) */
            ck_assert_int_eq(lone_bucket(h, nextafter(v, 0)), want - 1);
            /* just below the next boundary: still this bucket */
            double next = ldexp(1 + (double)(k + 1) / HIST_SUB, e);
            ck_assert_int_eq(lone_bucket(h, nextafter(next, 0)), want);
        }
    }
    free(h);
}
END_TEST

START_TEST(test_range_ends)
{
    hist *h = new_hist();
    ck_assert_int_eq(lone_bucket(h, ldexp(1, HIST_EMIN)), 1);
    ck_assert_int_eq(lone_bucket(h, nextafter(ldexp(1, HIST_EMAX), 0)), NB - 2);
    ck_assert_uint_eq(h->overflow, 0);
    ck_assert_uint_eq(h->underflow, 0);
    const double over[] = { ldexp(1, HIST_EMAX), 1e300, DBL_MAX, INFINITY };
    for (size_t i = 0; i < sizeof over / sizeof over[0]; i++) {
        ck_assert_int_eq(lone_bucket(h, over[i]), NB - 1);
        ck_assert_uint_eq(h->overflow, 1);
    }
    const double under[] = { 0.0, -0.0, 5e-324, DBL_MIN, nextafter(ldexp(1, HIST_EMIN), 0), -1, -INFINITY };
    for (size_t i = 0; i < sizeof under / sizeof under[0]; i++) {
        ck_assert_int_eq(lone_bucket(h, under[i]), 0);
        ck_assert_uint_eq(h->underflow, 1);
    }
    free(h);
}
END_TEST

START_TEST(test_nan_counts_as_overflow_only)
{
    hist *h = new_hist();
    hist_add(h, 2.0);
    hist_add(h, NAN);
    ck_assert_uint_eq(h->overflow, 1);
    ck_assert_uint_eq(h->count, 1);
    ck_assert_uint_eq(h->b[NB - 1], 0);
    ck_assert_double_eq(hist_mean(h), 2.0);
    ck_assert_double_eq(hist_quantile(h, 1), 2.0);
    free(h);
}
END_TEST

/* ---- quantiles ---- */

START_TEST(test_quantile_relative_error)
{
    const size_t n = 200000;
    double *v = malloc(n * sizeof *v);
    hist *h = new_hist();
    sm_state = 1;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        v[i] = log_uniform(1e-9, 1e6);
        hist_add(h, v[i]);
        sum += v[i];
    }
    qsort(v, n, sizeof *v, cmp_double);
    ck_assert_uint_eq(h->count, n);
    ck_assert(h->min == v[0] && h->max == v[n - 1]);
    ck_assert_double_eq_tol(hist_mean(h), sum / (double)n, 1e-12 * sum / (double)n);
    double worst = 0;
    for (int k = 1; k <= 2000; k++) {
        double p = k / 2000.0, want = exact_quantile(v, n, p), got = hist_quantile(h, p);
        double rel = fabs(got - want) / want;
        worst = fmax(worst, rel);
        ck_assert_msg(rel <= REL_ERR * (1 + 1e-12), "p=%g: %g vs %g (rel %g)", p, got, want, rel);
    }
    /* the bound is nearly reached somewhere, so the test can see a wrong midpoint */
    ck_assert_double_gt(worst, REL_ERR / 2);
    ck_assert(hist_quantile(h, 1) == v[n - 1]);
    ck_assert(hist_quantile(h, 1e-9) == v[0] || fabs(hist_quantile(h, 1e-9) / v[0] - 1) <= REL_ERR);
    free(v);
    free(h);
}
END_TEST

START_TEST(test_quantile_clamped_to_min_max)
{
    hist *h = new_hist();
    hist_add(h, 3.0);
    for (int k = 1; k <= 10; k++) ck_assert(hist_quantile(h, k / 10.0) == 3.0);
    /* two values in one bucket: the midpoint lies above both, so max is reported */
    hist_reset(h);
    hist_add(h, 1.0001);
    hist_add(h, 1.0002);
    ck_assert(hist_quantile(h, 0.5) == 1.0002);
    ck_assert(hist_quantile(h, 1) == 1.0002);
    /* a value near the top of its bucket: the midpoint is below, so min is reported */
    hist_reset(h);
    hist_add(h, nextafter(1 + 1.0 / HIST_SUB, 0));
    hist_add(h, 5);
    ck_assert(hist_quantile(h, 0.5) == h->min);
    free(h);
}
END_TEST

START_TEST(test_zero_and_tiny)
{
    hist *h = new_hist();
    for (int i = 0; i < 5; i++) hist_add(h, 0);
    ck_assert_uint_eq(h->underflow, 5);
    ck_assert(hist_quantile(h, 0.5) == 0);
    ck_assert(hist_quantile(h, 1) == 0);
    ck_assert(hist_mean(h) == 0);
    /* below 1 ns: the zeros are exact, a tiny value is reported as the
     * largest tiny value seen (never the bucket's midpoint, 4.66e-10) */
    hist_add(h, 1e-12);
    ck_assert(hist_quantile(h, 1) == 1e-12);
    hist_add(h, 1.0);
    ck_assert(hist_quantile(h, 5.0 / 7) == 0);       /* rank 5: the last zero */
    ck_assert(hist_quantile(h, 0.8) == 1e-12);       /* rank 6 */
    ck_assert(hist_quantile(h, 1) == 1.0);
    ck_assert_uint_eq(h->underflow, 6);
    ck_assert_uint_eq(h->zeros, 5);
    ck_assert_double_eq_tol(hist_mean(h), (1 + 1e-12) / 7, 1e-15);
    /* negatives underflow too, come first, and are reported as min */
    hist_add(h, -2.0);
    ck_assert(h->min == -2.0);
    ck_assert_uint_eq(h->negatives, 1);
    ck_assert(hist_quantile(h, 0.01) == -2.0);
    ck_assert(hist_quantile(h, 2.0 / 8) == 0);
    /* a zero-latency majority: p50 is exactly 0, whatever the rest */
    hist_reset(h);
    for (int i = 0; i < 60; i++) hist_add(h, 0);
    for (int i = 0; i < 40; i++) hist_add(h, 0.003);
    ck_assert(hist_quantile(h, 0.5) == 0);
    ck_assert(hist_quantile(h, 0.6) == 0);
    ck_assert(hist_quantile(h, 0.61) != 0);
    /* merging keeps the zeros and the tiny maximum */
    hist *g = new_hist();
    hist_add(g, 3e-11);
    hist_merge(g, h);
    ck_assert_uint_eq(g->zeros, 60);
    ck_assert(g->tiny_max == 3e-11);
    ck_assert(hist_quantile(g, 0.5) == 0);
    ck_assert(hist_quantile(g, 0.6) == 3e-11);        /* rank 61 of 101 */
    free(g);
    free(h);
}
END_TEST

START_TEST(test_overflow_reports_max)
{
    hist *h = new_hist();
    hist_add(h, 1.0);
    hist_add(h, 1e8);
    hist_add(h, 2e9);
    ck_assert_uint_eq(h->overflow, 2);
    ck_assert_uint_eq(h->b[NB - 1], 2);
    ck_assert(hist_quantile(h, 0.5) == 2e9);
    ck_assert(hist_quantile(h, 1) == 2e9);
    ck_assert(hist_quantile(h, 0.3) == 1 + REL_ERR);   /* midpoint of [1, 1 + 1/SUB) */
    ck_assert_double_eq_tol(hist_mean(h), (1 + 1e8 + 2e9) / 3, 1e-6);
    free(h);
}
END_TEST

START_TEST(test_empty)
{
    hist *h = new_hist();
    ck_assert(isnan(hist_quantile(h, 0.5)));
    ck_assert(isnan(hist_mean(h)));
    hist_add(h, 1);
    hist_reset(h);
    ck_assert(isnan(hist_quantile(h, 0.99)));
    ck_assert(isnan(hist_mean(h)));
    free(h);
}
END_TEST

/* Percentiles over answered values plus failures counted as infinitely
 * large: against exact nearest rank on the sorted data with +inf appended. */
START_TEST(test_quantile_with_failures)
{
    hist *h = new_hist();
    enum { N = 997 };
    double v[N + 40];
    sm_state = 7;
    for (size_t i = 0; i < N; i++) {
        v[i] = log_uniform(1e-4, 10);
        hist_add(h, v[i]);
    }
    for (uint64_t failed = 0; failed <= 40; failed += 3) {
        for (size_t i = 0; i < failed; i++) v[N + i] = INFINITY;
        size_t n = N + failed;
        double *sorted = malloc(n * sizeof *sorted);
        memcpy(sorted, v, n * sizeof *sorted);
        qsort(sorted, n, sizeof *sorted, cmp_double);
        static const double ps[] = { 0.5, 0.9, 0.96, 0.97, 0.99, 0.999, 1 };
        for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
            double want = exact_quantile(sorted, n, ps[k]), got = hist_quantile_all(h, failed, ps[k]);
            if (isinf(want)) ck_assert_msg(isinf(got) && got > 0, "failed %llu p %g: got %g, want inf",
                                           (unsigned long long)failed, ps[k], got);
            else ck_assert_msg(fabs(got / want - 1) <= REL_ERR, "failed %llu p %g: got %g, want %g",
                               (unsigned long long)failed, ps[k], got, want);
        }
        free(sorted);
    }
    /* The rank rule at its edge: 10 values, 1 failed; p90 is rank 10 of 11
     * (a value), p91 rank 11 (the failure). */
    hist_reset(h);
    for (int i = 1; i <= 10; i++) hist_add(h, i);
    ck_assert(hist_quantile_all(h, 1, 0.90) == 10);
    ck_assert(isinf(hist_quantile_all(h, 1, 0.91)));
    ck_assert_uint_eq(hist_rank_of(11, 0.90), 10);
    ck_assert_uint_eq(hist_rank_of(11, 0.91), 11);
    /* Nothing answered: every percentile is a failure; nothing at all: NAN. */
    hist_reset(h);
    ck_assert(isinf(hist_quantile_all(h, 5, 0.01)));
    ck_assert(isnan(hist_quantile_all(h, 0, 0.5)));
    ck_assert(isnan(hist_at_rank(h, 1)));
    free(h);
}
END_TEST

/* ---- reset ---- */

START_TEST(test_reset_clears_touched_range_only)
{
    hist *h = new_hist();
    for (int i = 0; i < 1000; i++) hist_add(h, 0.001 * (1 + i / 1000.0));
    int lo = h->lo, hi = h->hi;
    ck_assert_int_lt(lo, hi);
    /* sentinels outside [lo, hi] survive: the reset did not touch them */
    h->b[lo - 1] = 77;
    h->b[hi + 1] = 88;
    hist_reset(h);
    ck_assert_uint_eq(h->b[lo - 1], 77);
    ck_assert_uint_eq(h->b[hi + 1], 88);
    for (int i = lo; i <= hi; i++) ck_assert_uint_eq(h->b[i], 0);
    h->b[lo - 1] = h->b[hi + 1] = 0;
    free(h);
}
END_TEST

START_TEST(test_reset_leaves_correct_empty)
{
    /* A used-then-reset histogram equals a zero-filled one, byte for byte, and
     * behaves the same afterwards. */
    hist *h = new_hist(), *fresh = new_hist();
    sm_state = 2;
    for (int i = 0; i < 50000; i++) hist_add(h, log_uniform(1e-12, 1e9));
    hist_add(h, NAN);
    hist_reset(h);
    ck_assert_int_eq(memcmp(h, fresh, sizeof *h), 0);
    hist_reset(h);   /* twice is fine */
    hist_reset(fresh);   /* on a zero-filled struct too */
    ck_assert_int_eq(memcmp(h, fresh, sizeof *h), 0);
    for (int i = 0; i < 1000; i++) {
        double v = log_uniform(1e-6, 10);
        hist_add(h, v);
        hist_add(fresh, v);
    }
    ck_assert_int_eq(memcmp(h, fresh, sizeof *h), 0);
    ck_assert(hist_quantile(h, 0.5) == hist_quantile(fresh, 0.5));
    free(h);
    free(fresh);
}
END_TEST

/* ---- merge ---- */

static void assert_same(const hist *a, const hist *b)
{
    ck_assert_uint_eq(a->count, b->count);
    ck_assert_uint_eq(a->underflow, b->underflow);
    ck_assert_uint_eq(a->overflow, b->overflow);
    ck_assert(a->min == b->min && a->max == b->max);
    ck_assert_int_eq(a->lo, b->lo);
    ck_assert_int_eq(a->hi, b->hi);
    ck_assert_int_eq(memcmp(a->b, b->b, sizeof a->b), 0);
    ck_assert_double_eq_tol(a->sum, b->sum, 1e-12 * fabs(b->sum));
    for (int k = 1; k <= 100; k++) ck_assert(hist_quantile(a, k / 100.0) == hist_quantile(b, k / 100.0));
}

START_TEST(test_merge_equals_single)
{
    hist *all = new_hist(), *x = new_hist(), *y = new_hist();
    sm_state = 3;
    for (int i = 0; i < 100000; i++) {
        /* y sees a narrower range, so lo/hi must widen in the merge */
        double v = i % 3 ? log_uniform(1e-11, 1e9) : log_uniform(1e-3, 1e-1);
        if (i == 5000) v = NAN;
        if (i == 6000) v = -1;
        hist_add(all, v);
        hist_add(i % 3 ? x : y, v);
    }
    hist_merge(y, x);
    assert_same(y, all);
    free(all);
    free(x);
    free(y);
}
END_TEST

START_TEST(test_merge_with_empty)
{
    hist *a = new_hist(), *e = new_hist(), *z = new_hist();
    hist_add(a, 0.5);
    hist_add(a, 7.0);
    hist_add(e, NAN);   /* empty but for a NaN: only the counter travels */
    hist_merge(a, e);
    ck_assert_uint_eq(a->count, 2);
    ck_assert_uint_eq(a->overflow, 1);
    hist_merge(z, a);   /* into a zero-filled one: takes min, max, lo, hi */
    assert_same(z, a);
    free(a);
    free(e);
    free(z);
}
END_TEST

static Suite *hist_suite(void)
{
    Suite *s = suite_create("hist");
    TCase *tc = tcase_create("buckets");
    tcase_add_test(tc, test_layout);
    tcase_add_test(tc, test_powers_of_two_and_sub_boundaries);
    tcase_add_test(tc, test_range_ends);
    tcase_add_test(tc, test_nan_counts_as_overflow_only);
    suite_add_tcase(s, tc);

    tc = tcase_create("quantiles");
    tcase_add_test(tc, test_quantile_relative_error);
    tcase_add_test(tc, test_quantile_clamped_to_min_max);
    tcase_add_test(tc, test_zero_and_tiny);
    tcase_add_test(tc, test_overflow_reports_max);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_quantile_with_failures);
    suite_add_tcase(s, tc);

    tc = tcase_create("reset");
    tcase_add_test(tc, test_reset_clears_touched_range_only);
    tcase_add_test(tc, test_reset_leaves_correct_empty);
    suite_add_tcase(s, tc);

    tc = tcase_create("merge");
    tcase_add_test(tc, test_merge_equals_single);
    tcase_add_test(tc, test_merge_with_empty);
    suite_add_tcase(s, tc);
    return s;
}

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    return hist_suite();
}
