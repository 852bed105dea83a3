/* fit_zipf.h - how popular keys are, from how often each key was requested:
 * a Zipf exponent, whether equal popularity fits as well, and how many keys
 * exist (seen or not).
 *
 * The input is the counts' fingerprint: for each count c, how many keys were
 * requested exactly c times (a run), highest count first.  Ranks are by
 * observed frequency (the only ranking a log gives), which biases the plain
 * maximum-likelihood exponent upwards: sorting noisy counts steepens the
 * curve.  popularity_fit therefore reports both the ranked-count MLE and the
 * exponent whose own ranked-count MLE, on logs simulated from it, averages the
 * observed one (a parametric bootstrap), with a 95% interval from the same
 * replicates and a goodness-of-fit p-value (Kolmogorov-Smirnov over ranks).
 *
 * GSL types stay in fit_zipf.c.  popularity_fit fills *out, which the caller
 * frees with fit_popularity_free (safe on a zeroed struct); on failure it
 * returns nonzero with the reason in err and *out holds nothing to free. */
#ifndef STAMPEDE_FIT_ZIPF_H
#define STAMPEDE_FIT_ZIPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* `keys` keys were each requested `count` times. */
typedef struct zipf_run {
    uint64_t count, keys;
} zipf_run;

/* Called now and then during the bootstrap with the fraction done; a nonzero
 * return stops the fit (it then fails with "interrupted"). */
typedef int (*fit_tick)(void *ctx, double done);

/* Bootstrap replicates per round; the p-value's resolution is 1/(B+1). */
#define POPULARITY_BOOT 99
/* Ranks at which the chart's envelope is given. */
#define POPULARITY_PLOT_RANKS 160

typedef struct popularity_fit {
    uint64_t requests;     /* N */
    uint64_t seen;         /* distinct keys in the log, d */
    uint64_t f1, f2;       /* keys seen once, twice */

    /* Keys that exist.  Chao1 (bias-corrected, Chao 2005): d plus the unseen
     * keys f1(f1-1)/(2(f2+1)) (N-1)/N, with its log-normal 95% interval; a
     * lower bound, well below the truth under skewed popularity.  zipf_n:
     * the count at which Zipf(s) expects d distinct keys in N requests, with
     * an interval from the ends of s's and of d's (at least 95%);
     * zipf_keys_ok is false when no count up to 2^32-1 gets there (then
     * Chao1's is used).  uniform_n: the same for equal popularity. */
    double chao1, n_lo, n_hi;
    uint64_t zipf_n, uniform_n;
    double zipf_n_lo, zipf_n_hi;
    bool zipf_keys_ok;
    uint64_t n;            /* keys.count: zipf_n or uniform_n, as chosen */

    /* Zipf: share of rank r is r^-s / sum_{j<=n} j^-s. */
    double s_ranked;       /* MLE over the counts ranked by observed frequency */
    double s, s_lo, s_hi;  /* bias-corrected exponent and its 95% interval */
    double s_sd;           /* bootstrap standard deviation of the ranked MLE at s */
    double s_slope;        /* d(mean ranked MLE)/ds at s: the interval is 1.96 s_sd / s_slope wide each side */
    int rounds, boot;      /* bootstrap rounds and replicates per round */
    double ks;             /* largest gap between observed and fitted cumulative shares over ranks */
    double ks_p;           /* share of replicates with a larger gap (bootstrap p-value) */

    /* Equal popularity: counts per key against Poisson (zero-truncated when
     * keys go unseen); uniform is chosen when p >= 0.01. */
    const char *uni_test;  /* "pearson" (across the keys seen) or "fingerprint" or "none" */
    double uni_chi2, uni_df, uni_p;
    bool uniform;

    /* The rank-frequency chart: at plot_rank[i], the 2.5%, 50% and 97.5%
     * points of the count at that rank over the replicates at s (ranked as
     * the log is), and the fitted Zipf's expected count N p_r. */
    size_t nplot;
    double plot_rank[POPULARITY_PLOT_RANKS];
    double env_lo[POPULARITY_PLOT_RANKS], env_mid[POPULARITY_PLOT_RANKS], env_hi[POPULARITY_PLOT_RANKS];
    double expected[POPULARITY_PLOT_RANKS];
} popularity_fit;

/* Fits the runs (sorted by count, highest first, counts > 0, at least two
 * keys).  seed fixes the bootstrap, so the same runs give the same fit. */
int fit_popularity_run(const zipf_run *runs, size_t nruns, uint64_t seed, fit_tick tick, void *tick_ctx,
                       popularity_fit *out, char *err, size_t errlen);
void fit_popularity_free(popularity_fit *f);

/* The ranked-count MLE alone: the s >= 0 maximising the likelihood of runs as
 * ranks 1, 2, ... of Zipf(s) over n keys (n >= the keys in runs); -1 when it
 * cannot be computed. */
double fit_zipf_mle_ranked(const zipf_run *runs, size_t nruns, uint64_t n);
/* sum_{r=a}^{b} r^-s: exact up to rank 2048, Euler-Maclaurin beyond. */
double fit_zipf_sum(double s, uint64_t a, uint64_t b);

#endif
