/* rng.c - random streams (GSL's taus2 behind an opaque struct), duration
 * distributions and the Zipf key chooser.  Invariant: a stream's sequence is a
 * pure function of (seed, purpose, salt), and no GSL type leaves this file. */
#define HAVE_INLINE 1   /* GSL's inline gsl_rng_get/gsl_rng_uniform: hot paths */

#include "rng.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_erf.h>
#include <gsl/gsl_sf_gamma.h>

struct rng {
    gsl_rng *g;
    unsigned long *st;   /* taus2's s1, s2, s3 inside g, stepped inline; NULL: call GSL */
};

/* One step of taus2 exactly as GSL's taus.c takes it, on GSL's own state, so
 * draws made here and draws GSL's distributions make share one sequence.
 * rng_new checks this against gsl_rng_get before trusting the layout. */
#define TAUS(s, a, b, c, d) ((((s) & (c)) << (d)) ^ ((((s) << (a)) ^ (s)) >> (b)))
static inline uint32_t taus2_step(unsigned long *st)
{
    uint32_t s1 = (uint32_t)st[0], s2 = (uint32_t)st[1], s3 = (uint32_t)st[2];
    s1 = TAUS(s1, 13, 19, 4294967294u, 12);
    s2 = TAUS(s2, 2, 25, 4294967288u, 4);
    s3 = TAUS(s3, 3, 11, 4294967280u, 17);
    st[0] = s1;
    st[1] = s2;
    st[2] = s3;
    return s1 ^ s2 ^ s3;
}

/* taus2 yields exactly 32 random bits per call. */
static inline uint32_t next32(const rng *r)
{
    return r->st ? taus2_step(r->st) : (uint32_t)gsl_rng_get(r->g);
}

/* gsl_rng_uniform for taus2: the 32-bit word over 2^32, in [0, 1). */
static inline double uniform01(const rng *r)
{
    return next32(r) / 4294967296.0;
}

/* splitmix64's finaliser: a bijective mix, so distinct inputs stay distinct. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* Exponential variates by Marsaglia and Tsang's ziggurat (J. Stat. Soft. 5(8),
 * 2000) with 256 layers: one 32-bit draw and a table look-up 99% of the time,
 * instead of a logarithm per arrival and per service time.  The tables are
 * computed once and never change, so streams stay independent of each other. */
static uint32_t zig_k[256];
static double zig_w[256], zig_f[256];
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_init(void)
{
    const double m = 4294967296.0;
    double de = 7.697117470131487, te = de, ve = 3.949659822581572e-3;
    double q = ve / exp(-de);
    zig_k[0] = (uint32_t)((de / q) * m);
    zig_k[1] = 0;
    zig_w[0] = q / m;
    zig_w[255] = de / m;
    zig_f[0] = 1.0;
    zig_f[255] = exp(-de);
    for (int i = 254; i >= 1; i--) {
        de = -log(ve / de + exp(-de));
        zig_k[i + 1] = (uint32_t)((de / te) * m);
        te = de;
        zig_f[i] = exp(-de);
        zig_w[i] = de / m;
    }
}

/* The ziggurat's rare way out (1% of draws): the wedges and the tail.  Kept
 * out of line so the common path saves no registers. */
static __attribute__((noinline)) double zig_exp_slow(const rng *r, uint32_t j)
{
    unsigned i = j & 255;
    for (;;) {
        if (i == 0) return 7.697117470131487 - log(1.0 - uniform01(r));
        double x = j * zig_w[i];
        if (zig_f[i] + uniform01(r) * (zig_f[i - 1] - zig_f[i]) < exp(-x)) return x;
        j = next32(r);
        i = j & 255;
        if (j < zig_k[i]) return j * zig_w[i];
    }
}

/* A standard exponential (mean 1). */
static inline double zig_exp(const rng *r)
{
    uint32_t j = next32(r);
    unsigned i = j & 255;
    if (__builtin_expect(j < zig_k[i], 1)) return j * zig_w[i];
    return zig_exp_slow(r, j);
}

/* Whether stepping GSL's taus2 state inline gives what gsl_rng_get gives
 * (state layout {s1, s2, s3} as unsigned long): checked once on a scratch
 * generator over a few seeds and a thousand draws each. */
static bool g_taus_inline;
static pthread_once_t taus_once = PTHREAD_ONCE_INIT;

static void taus_check(void)
{
    gsl_rng *a = gsl_rng_alloc(gsl_rng_taus2), *b = gsl_rng_alloc(gsl_rng_taus2);
    bool ok = a && b && gsl_rng_size(a) == 3 * sizeof(unsigned long) && gsl_rng_max(a) == 0xffffffffu;
    for (unsigned long seed = 1; ok && seed < 5; seed++) {
        gsl_rng_set(a, seed * 2654435761u);
        gsl_rng_set(b, seed * 2654435761u);
        for (int i = 0; ok && i < 1000; i++)
            ok = taus2_step(a->state) == (uint32_t)gsl_rng_get(b);
    }
    gsl_rng_free(a);
    gsl_rng_free(b);
    g_taus_inline = ok;
}

static bool taus2_inline_ok(void)
{
    pthread_once(&taus_once, taus_check);
    return g_taus_inline;
}

/* GSL aborts on error by default; we read statuses instead.  Idempotent. */
static void gsl_quiet(void) { gsl_set_error_handler_off(); }

uint32_t rng_gsl_seed(uint64_t seed, unsigned purpose, uint64_t salt)
{
    /* Chained mixing: each input changes every bit of the state seed. */
    uint64_t h = mix64(mix64(mix64(seed) ^ purpose) ^ salt);
    /* gsl_rng_set keeps 32 bits of the seed; fold the high half in, not away. */
    return (uint32_t)((h ^ (h >> 32)) & 0xffffffffu);
}

bool rng_taus2_inline(void) { return taus2_inline_ok(); }

void rng_use_gsl_calls(rng *r) { r->st = NULL; }

rng *rng_new(uint64_t seed, unsigned purpose, uint64_t salt)
{
    gsl_quiet();
    pthread_once(&zig_once, zig_init);
    rng *r = malloc(sizeof *r);
    if (!r) return NULL;
    /* taus2 (L'Ecuyer's maximally equidistributed combined Tausworthe, period
     * 2^88): 24 bytes of state against MT19937's 2.5 KB, which matters with ten
     * streams interleaved on the hot path (about 10% of an M/M/1 run). */
    r->g = gsl_rng_alloc(gsl_rng_taus2);
    if (!r->g) { free(r); return NULL; }
    gsl_rng_set(r->g, rng_gsl_seed(seed, purpose, salt));
    r->st = taus2_inline_ok() ? r->g->state : NULL;
    return r;
}

void rng_free(rng *r)
{
    if (!r) return;
    gsl_rng_free(r->g);
    free(r);
}

double rng_uniform(rng *r) { return uniform01(r); }
double rng_uniform_pos(rng *r) { return gsl_rng_uniform_pos(r->g); }

double rng_exponential(rng *r, double mean) { return mean * zig_exp(r); }
double rng_gaussian(rng *r, double sd) { return gsl_ran_gaussian_ziggurat(r->g, sd); }

/* Lemire's multiply-shift with rejection: unbiased, rarely divides.  n < 2^32. */
static uint32_t below32(const rng *g, uint32_t n)
{
    uint64_t m = (uint64_t)next32(g) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t t = (uint32_t)(-n) % n;   /* 2^32 mod n */
        while (low < t) {
            m = (uint64_t)next32(g) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

uint64_t rng_below(rng *r, uint64_t n)
{
    if (n <= 1) return 0;   /* [0, 1) holds only 0; n == 0 is meaningless: 0 too */
    if (n < 0x100000000u) return below32(r, (uint32_t)n);
    if (n == 0x100000000u) return next32(r);
    /* Two draws make 64 bits; reject the top 2^64 mod n values so x % n is fair. */
    uint64_t t = (0 - n) % n;
    for (;;) {
        uint64_t hi = next32(r);
        uint64_t x = (hi << 32) | next32(r);
        if (x >= t) return x % n;
    }
}

/* Normal truncated at 0 by resampling.  The loader only admits mean >= 0, so
 * each try is accepted with probability >= 1/2; the cap only stops a
 * pathological caller (mean << 0) from looping, and then 0 is returned. */
static double truncated_normal(gsl_rng *g, double mean, double sd)
{
    for (int i = 0; i < 1000; i++) {
        double x = mean + gsl_ran_gaussian_ziggurat(g, sd);
        if (x >= 0) return x;
    }
    return 0;
}

double dist_sample(const dist *d, rng *r)
{
    gsl_rng *g = r->g;
    switch (d->kind) {
    case DIST_CONSTANT:    return d->p1;   /* draws nothing: its stream stays put */
    case DIST_EXPONENTIAL: return d->p1 * zig_exp(r);
    case DIST_UNIFORM:     return gsl_ran_flat(g, d->p1, d->p2);
    case DIST_NORMAL:      return truncated_normal(g, d->p1, d->p2);
    case DIST_LOGNORMAL:   return gsl_ran_lognormal(g, log(d->p1), d->p2);
    case DIST_GAMMA:       return gsl_ran_gamma(g, d->p2, d->p1 / d->p2);
    case DIST_WEIBULL:     return gsl_ran_weibull(g, d->p1, d->p2);
    case DIST_PARETO:      return gsl_ran_pareto(g, d->p2, d->p1);
    }
    return NAN;
}

double dist_mean(const dist *d)
{
    double a = d->p1, b = d->p2;
    switch (d->kind) {
    case DIST_CONSTANT:
    case DIST_EXPONENTIAL:
    case DIST_GAMMA:
        return a;
    case DIST_UNIFORM:
        return (a + b) / 2;
    case DIST_NORMAL: {
        if (!(b > 0)) return a > 0 ? a : 0;
        double alpha = -a / b;
        if (alpha < -30) return a;   /* phi/Q < 1e-190 there, and phi underflows */
        /* m + sd*phi(alpha)/Q(alpha); GSL's hazard function keeps the ratio
         * accurate where phi and Q both underflow (alpha large). */
        gsl_quiet();
        gsl_sf_result hz;
        gsl_sf_hazard_e(alpha, &hz);
        return a + b * hz.val;
    }
    case DIST_LOGNORMAL:
        return a * exp(b * b / 2);
    case DIST_WEIBULL:
        return a * gsl_sf_gamma(1 + 1 / b);
    case DIST_PARETO:
        return b > 1 ? b * a / (b - 1) : a * pow(2, 1 / b);   /* else the median */
    }
    return NAN;
}

const char *dist_kind_name(enum dist_kind k)
{
    static const char *const names[] = {
        [DIST_CONSTANT] = "constant", [DIST_EXPONENTIAL] = "exponential",
        [DIST_UNIFORM] = "uniform",   [DIST_NORMAL] = "normal",
        [DIST_LOGNORMAL] = "lognormal", [DIST_GAMMA] = "gamma",
        [DIST_WEIBULL] = "weibull",   [DIST_PARETO] = "pareto",
    };
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "unknown";
}

/* ---- the key chooser ----
 *
 * Zipf(s) over n keys, key i drawn with probability (i+1)^-s / H(n, s), by
 * rejection-inversion (W. Hormann and G. Derflinger, "Rejection-inversion to
 * generate variates from monotone discrete distributions", ACM TOMACS 6(3),
 * 1996, 169-184; the method of Apache Commons RNG's
 * RejectionInversionZipfSampler).  With h(x) = x^-s and its integral
 * H(x) = (x^(1-s) - 1)/(1-s) (log x at s = 1), rank k owns the interval
 * [H(k+1/2) - h(k), H(k+1/2)] of length exactly h(k) (it fits inside
 * [H(k-1/2), H(k+1/2)] because h is convex).  A draw takes u uniform on
 * (H(3/2) - 1, H(n+1/2)], inverts X = H^-1(u), rounds it to k and keeps k when
 * u lies in k's interval, else tries again: the kept ranks have probability
 * h(k)/sum h, with nothing stored per key.  Most tries are kept by the squeeze
 * k - X <= 2 - H^-1(H(5/2) - h(2)) (the paper's bound, valid for every
 * k >= 2; k = 1 is always kept) without evaluating H; a draw takes at most
 * 1.017 tries on average, for every n and s > 0 (the worst is near s = 3).
 *
 * H is computed as expm1((1-s) log x)/(1-s) and its inverse, with
 * t = (1-s) u, as (1+t)^(1/(1-s)) = exp2(log2(1+t)/(1-s)), log2(1+t) taken
 * as log2(w) t/(w-1) with w = 1+t rounded (Kahan's correction: as accurate
 * as log1p, and faster than glibc's log1p): relative errors of a few ulps
 * for every s, including s within 1e-15 of 1, where (x^(1-s) - 1)/(1-s)
 * written out would cancel; s = 1 itself takes log and exp.  Each try uses
 * one 53-bit uniform (two 32-bit words of the stream), so ranks of
 * probability far below 2^-32 are still resolved: the probabilities drawn
 * are exact up to rounding of order 2^-53 of the total mass.  Uniform
 * popularity (s = 0) is one rng_below. */

/* Ranks are doubles inside the sampler: keep n + 1/2 and every rank exact. */
#define ZIPF_MAX_KEYS (UINT64_C(1) << 52)

struct keypick {
    uint64_t n;
    double s;         /* exponent; 0 means uniform */
    double norm;      /* H(n, s) = sum of k^-s over ranks 1..n */
    bool log_form;    /* s == 1: H(x) = log x */
    double oms;       /* 1 - s */
    double inv_oms;   /* 1 / (1 - s) */
    double h_lo;      /* H(3/2) - h(1): the lowest u */
    double h_hi;      /* H(n + 1/2): the highest u */
    double squeeze;   /* 2 - H^-1(H(5/2) - h(2)) */
    double x_top;     /* n + 1/2: an X at or beyond it is rank n */
};

/* h(x) = x^-s */
static inline double zipf_h(const keypick *k, double x) { return exp(-k->s * log(x)); }

/* H(x) = (x^(1-s) - 1)/(1-s), log x at s = 1. */
static inline double zipf_H(const keypick *k, double x)
{
    double l = log(x);
    return k->log_form ? l : expm1(k->oms * l) * k->inv_oms;
}

/* The inverse of H.  For s > 1, H stays below 1/(s-1); a u rounded onto
 * that bound gives t = -1 and X = +inf, which the caller reads as rank n. */
static inline double zipf_Hinv(const keypick *k, double u)
{
    if (k->log_form) return exp(u);
    double t = k->oms * u;
    if (t < -1) t = -1;
    double w = 1 + t;
    double l2 = w == 1 ? t * 1.4426950408889634 : log2(w) * (t / (w - 1));
    return exp2(l2 * k->inv_oms);
}

/* Sum of r^-s over ranks a..b (1 <= a): exact up to rank m and by
 * Euler-Maclaurin beyond, with the terms up to B6.  m = 64 ceil(s/2) keeps
 * the first term left out, B8 (s)_7 x^(-s-7)/8!, below 1e-14 of the sum's
 * first term for every s (it needs x well above s). */
static double power_sum(double s, uint64_t a, uint64_t b)
{
    if (a < 1) a = 1;
    if (b < a) return 0;
    uint64_t m = 64 * (uint64_t)ceil(fmin(s, 2048) / 2);
    if (m < 64) m = 64;
    double sum = 0;
    if (b > m) {
        uint64_t lo = a > m ? a : m + 1;
        double A = (double)lo, B = (double)b, la = log(A), oms = 1 - s;
        /* the integral of x^-s over [A, B]: A^(1-s) (e^((1-s) log(B/A)) - 1)/(1-s) */
        double lr = log1p((double)(b - lo) / A);
        double integral = oms == 0 ? lr : exp(oms * la) * expm1(oms * lr) / oms;
        double fa = exp(-s * la), fb = exp(-s * log(B));
        /* the odd derivatives f^(2j-1)(x) = -s(s+1)...(s+2j-2) x^(-s-2j+1) */
        double ia = 1 / A, ib = 1 / B;
        double d1a = -s * fa * ia, d1b = -s * fb * ib;
        double c3 = (s + 1) * (s + 2);
        double d3a = d1a * c3 * ia * ia, d3b = d1b * c3 * ib * ib;
        double d5a = d3a * (s + 3) * (s + 4) * ia * ia, d5b = d3b * (s + 3) * (s + 4) * ib * ib;
        sum = integral + (fa + fb) / 2 + (d1b - d1a) / 12 - (d3b - d3a) / 720 + (d5b - d5a) / 30240;
    }
    /* The exact part, smallest terms first. */
    for (uint64_t r = b < m ? b : m; r >= a; r--)
        sum += exp(-s * log((double)r));
    return sum;
}

keypick *keypick_new(uint64_t nkeys, double s)
{
    s = s > 0 && isfinite(s) ? s : 0;   /* s <= 0 (and NaN) is the uniform chooser */
    if (nkeys == 0 || (s > 0 && nkeys > ZIPF_MAX_KEYS)) return NULL;
    keypick *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    k->n = nkeys;
    k->s = s;
    if (s == 0 || nkeys == 1) {
        k->norm = s == 0 ? (double)nkeys : 1;
        return k;
    }
    k->norm = power_sum(k->s, 1, nkeys);
    k->log_form = k->s == 1;
    k->oms = 1 - k->s;
    k->inv_oms = k->log_form ? 0 : 1 / k->oms;
    k->h_lo = zipf_H(k, 1.5) - 1;
    k->h_hi = zipf_H(k, (double)nkeys + 0.5);
    k->squeeze = 2 - zipf_Hinv(k, zipf_H(k, 2.5) - zipf_h(k, 2));
    k->x_top = (double)nkeys + 0.5;
    return k;
}

void keypick_free(keypick *k)
{
    free(k);
}

/* A uniform on [0, 1) with 53 random bits (the first word the high ones). */
static inline double uniform53(const rng *r)
{
    uint64_t hi = next32(r);
    uint64_t lo = next32(r);
    return (double)((hi << 21) | (lo >> 11)) * 0x1p-53;
}

/* One try: the rank U in [0, 1) proposes (u = H(n+1/2) - U (H(n+1/2) - H(3/2) + 1)
 * runs over (H(3/2) - 1, H(n+1/2)]), and whether u lies in its interval. */
static inline bool zipf_try(const keypick *k, double U, uint64_t *key)
{
    double u = k->h_hi + U * (k->h_lo - k->h_hi);
    double x = zipf_Hinv(k, u);
    uint64_t rank = x < k->x_top ? (uint64_t)(x + 0.5) : k->n;   /* NaN-proof: rank n */
    if (rank < 1) rank = 1;
    double kd = (double)rank;
    *key = rank - 1;
    return kd - x <= k->squeeze || u >= zipf_H(k, kd + 0.5) - zipf_h(k, kd);
}

bool keypick_try(const keypick *k, double U, uint64_t *key)
{
    *key = 0;
    return k->s > 0 && k->n > 1 ? zipf_try(k, U, key) : false;
}

uint64_t keypick_draw(const keypick *k, rng *r)
{
    if (k->s == 0 || k->n == 1) return rng_below(r, k->n);
    uint64_t key;
    while (!zipf_try(k, uniform53(r), &key)) {}
    return key;
}

double keypick_prob(const keypick *k, uint64_t i)
{
    if (i >= k->n) return 0;
    if (k->s == 0) return 1 / (double)k->n;
    return zipf_h(k, (double)(i + 1)) / k->norm;
}

double keypick_mass(const keypick *k, uint64_t lo, uint64_t hi)
{
    if (hi > k->n) hi = k->n;
    if (lo >= hi) return 0;
    if (k->s == 0) return (double)(hi - lo) / (double)k->n;
    return power_sum(k->s, lo + 1, hi) / k->norm;
}

double keypick_norm(const keypick *k) { return k->norm; }
