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

/* The Walker alias table.  A draw picks a column i uniformly, then keeps i
 * when a fresh 32-bit word is below thr (its probability share in 32-bit fixed
 * point), else takes alias.  A full column has thr = UINT32_MAX and alias = i,
 * so the word 2^32-1 still lands on i.  8 bytes per key, nothing else per key;
 * the uniform chooser (s <= 0) has no table at all. */
struct alias_slot {
    uint32_t thr, alias;
};

struct keypick {
    uint64_t n;
    double s;                  /* exponent; <= 0 means uniform */
    double norm;               /* sum of (i+1)^-s over the keys */
    struct alias_slot *slot;   /* NULL when uniform */
};

/* Weight of key i scaled so the mean weight is 1 (the alias table's unit). */
static double scaled_weight(const keypick *k, uint64_t i)
{
    return (double)k->n * pow((double)(i + 1), -k->s) / k->norm;
}

static uint32_t fixed32(double p)
{
    double x = p * 4294967296.0 + 0.5;
    return x >= 4294967295.0 ? UINT32_MAX : x <= 0 ? 0 : (uint32_t)x;
}

/* Vose's construction without worklists: Zipf weights fall with i, so the
 * "large" columns (weight >= 1) are a prefix [0, nlarge) and the small ones the
 * rest.  Small columns are filled in order from the current large one; when a
 * large one's residue drops below 1 it becomes small at once and is filled
 * from the next large one. */
static void build_alias(keypick *k)
{
    uint64_t n = k->n;
    /* Weights decrease, so binary search for the first one below 1. */
    uint64_t lo = 1, hi = n;   /* key 0 is always large (it is the heaviest) */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (scaled_weight(k, mid) >= 1) lo = mid + 1;
        else hi = mid;
    }
    uint64_t nlarge = lo;
    uint64_t g = 0, next = 1;   /* current large column, next unused large one */
    double resid = scaled_weight(k, 0);
    for (uint64_t s = nlarge; s < n; s++) {
        double p = scaled_weight(k, s);
        k->slot[s] = (struct alias_slot){ fixed32(p), (uint32_t)g };
        resid -= 1 - p;
        while (resid < 1 && next < nlarge) {
            k->slot[g] = (struct alias_slot){ fixed32(resid), (uint32_t)next };
            g = next++;
            resid = scaled_weight(k, g) - (1 - resid);
        }
    }
    /* What is left has residue 1 up to rounding: full columns. */
    k->slot[g] = (struct alias_slot){ UINT32_MAX, (uint32_t)g };
    for (; next < nlarge; next++)
        k->slot[next] = (struct alias_slot){ UINT32_MAX, (uint32_t)next };
}

keypick *keypick_new(uint64_t nkeys, double s)
{
    if (nkeys == 0) return NULL;   /* no key to pick */
    keypick *k = calloc(1, sizeof *k);
    if (!k) return NULL;
    k->n = nkeys;
    k->s = s > 0 ? s : 0;   /* s <= 0 (and NaN) is the uniform chooser */
    if (k->s == 0 || nkeys == 1) {
        k->norm = (double)nkeys;
        return k;
    }
    if (nkeys > UINT32_MAX) { free(k); return NULL; }   /* aliases are 32-bit */
    k->slot = malloc(nkeys * sizeof *k->slot);
    if (!k->slot) { free(k); return NULL; }
    /* Smallest terms first: the sum loses less to rounding. */
    double sum = 0;
    for (uint64_t i = nkeys; i-- > 0;)
        sum += pow((double)(i + 1), -s);
    k->norm = sum;
    build_alias(k);
    return k;
}

void keypick_free(keypick *k)
{
    if (!k) return;
    free(k->slot);
    free(k);
}

uint64_t keypick_draw(const keypick *k, rng *r)
{
    if (!k->slot) return rng_below(r, k->n);
    uint32_t i = below32(r, (uint32_t)k->n);
    struct alias_slot c = k->slot[i];
    return next32(r) < c.thr ? i : c.alias;
}

double keypick_prob(const keypick *k, uint64_t i)
{
    if (i >= k->n) return 0;
    if (k->s == 0) return 1 / (double)k->n;
    return pow((double)(i + 1), -k->s) / k->norm;
}
