/* rng.h - random streams and duration distributions.
 *
 * Every source of randomness in a run is its own stream, seeded from the master
 * seed and the stream's purpose, so changing what one part of the model draws
 * never shifts what another part sees.  GSL types stay inside rng.c.  The caller
 * owns a stream (rng_new/rng_free); a dist is a plain value. */
#ifndef STAMPEDE_RNG_H
#define STAMPEDE_RNG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct rng rng;

/* The purposes; each has its own stream per run. */
enum rng_purpose {
    RNG_ARRIVALS,   /* inter-arrival times, burst positions */
    RNG_KEYS,       /* key choice */
    RNG_NODES,      /* node choice of first attempts */
    RNG_CACHE,      /* cache operation latency */
    RNG_DB,         /* DB service times */
    RNG_JITTER,     /* TTL jitter of writes */
    RNG_RETRIES,    /* retry backoff jitter, node of retries */
    RNG_STRATEGY,   /* strategy decisions (XFetch's U, ...) */
    RNG_THINK,      /* closed-loop think times */
    RNG_INITIAL,    /* initial expiries of "spread" */
    RNG_NPURPOSES
};

/* A stream for (seed, purpose, salt); salt separates e.g. sweep replications.
 * Returns NULL when memory runs out. */
rng *rng_new(uint64_t seed, unsigned purpose, uint64_t salt);
/* The 32-bit seed GSL's taus2 gets for (seed, purpose, salt): rng_new's
 * stream is exactly GSL's taus2 started there (for tests against GSL). */
uint32_t rng_gsl_seed(uint64_t seed, unsigned purpose, uint64_t salt);
/* Whether streams step taus2 inline (GSL's state layout checked) rather
 * than through GSL's function pointer; both give the same numbers. */
bool rng_taus2_inline(void);
/* Makes r step through GSL's function pointer from now on (the way taken
 * when the inline check fails): for tests that both ways agree. */
void rng_use_gsl_calls(rng *r);
void rng_free(rng *r);

double rng_uniform(rng *r);      /* [0, 1) */
double rng_uniform_pos(rng *r);  /* (0, 1) */
double rng_exponential(rng *r, double mean);
double rng_gaussian(rng *r, double sd);
uint64_t rng_below(rng *r, uint64_t n);  /* uniform integer in [0, n) */

/* Durations drawn from a named distribution. */
enum dist_kind {
    DIST_CONSTANT, DIST_EXPONENTIAL, DIST_UNIFORM, DIST_NORMAL,
    DIST_LOGNORMAL, DIST_GAMMA, DIST_WEIBULL, DIST_PARETO
};

/* p1, p2 by kind: constant (value), exponential (mean), uniform (min, max),
 * normal (mean, stddev; truncated at 0 by resampling), lognormal (median, sigma),
 * gamma (mean, shape), weibull (scale, shape), pareto (scale, shape). */
typedef struct dist {
    enum dist_kind kind;
    double p1, p2;
} dist;

double dist_sample(const dist *d, rng *r);
/* The mean (of the truncated distribution for normal); the median where the
 * mean is infinite (pareto with shape <= 1). */
double dist_mean(const dist *d);
const char *dist_kind_name(enum dist_kind k);

/* Zipf/uniform key chooser: key i (0-based) has probability (i+1)^-s / H(n, s)
 * with H(n, s) = sum of k^-s over k = 1..n.  Rejection-inversion (Hormann and
 * Derflinger 1996): O(1) memory and time per draw whatever n, no table; s = 0
 * (uniform) is one rng_below.  See rng.c for the method and its accuracy. */
typedef struct keypick keypick;
/* s <= 0 (or NaN) means uniform.  Returns NULL when nkeys is 0, when a Zipf
 * chooser is asked for more than 2^52 keys, or when memory runs out. */
keypick *keypick_new(uint64_t nkeys, double s);
void keypick_free(keypick *k);
uint64_t keypick_draw(const keypick *k, rng *r);
/* One try of a Zipf chooser's draw, for tests: the key the uniform U in
 * [0, 1) proposes and whether it is kept.  keypick_draw makes tries with
 * U = (w1 2^21 + w2 / 2^11) / 2^53 from the stream's next two 32-bit words
 * w1, w2 until one is kept.  A uniform chooser (one rng_below per draw) has
 * no tries: false and key 0. */
bool keypick_try(const keypick *k, double U, uint64_t *key);
/* Probability of key i: the exact pmf the draws follow. */
double keypick_prob(const keypick *k, uint64_t i);
/* Probability of a key in [lo, hi), without a sum over the keys (exact terms
 * up to rank 64, Euler-Maclaurin beyond: relative error below 1e-13). */
double keypick_mass(const keypick *k, uint64_t lo, uint64_t hi);
/* The normaliser: H(n, s) for Zipf, n for uniform. */
double keypick_norm(const keypick *k);

#endif
