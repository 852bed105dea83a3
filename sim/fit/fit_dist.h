/* fit_dist.h - which distribution DB latencies follow: exponential,
 * lognormal, gamma, Weibull and Pareto fitted by maximum likelihood, the best
 * by AIC, each with its Kolmogorov-Smirnov distance, and the parameters in
 * the scenario's DIST terms (see rng.h): exponential mean; lognormal median
 * and sigma; gamma mean and shape; Weibull scale and shape; Pareto scale and
 * shape.
 *
 * Closed forms where there are (exponential, lognormal, Pareto), GSL's Brent
 * minimiser on the profile likelihood of the shape otherwise (gamma,
 * Weibull).  Intervals are 95%: exact for the exponential mean, the lognormal
 * median and sigma and the Pareto shape and scale; from the observed
 * information on log scale for gamma and Weibull.  GSL types stay in
 * fit_dist.c; a latency_fit holds no pointers. */
#ifndef STAMPEDE_FIT_DIST_H
#define STAMPEDE_FIT_DIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum lat_family { LAT_EXPONENTIAL, LAT_LOGNORMAL, LAT_GAMMA, LAT_WEIBULL, LAT_PARETO, LAT_NFAMILIES };

typedef struct lat_candidate {
    enum lat_family family;
    bool ok;                    /* fitted (false: no finite maximum, e.g. Pareto on equal values) */
    int k;                      /* free parameters: 1 or 2 */
    double p1, p2;              /* the DIST parameters (p2 unused for exponential) */
    double p1_lo, p1_hi, p2_lo, p2_hi;
    double loglik, aic, daic;   /* daic: AIC minus the best's */
    double ks;                  /* sup |empirical CDF - fitted CDF| */
} lat_candidate;

typedef struct latency_fit {
    size_t n;
    double min, max, mean, median;
    lat_candidate c[LAT_NFAMILIES];
    int best;                   /* the lowest AIC; the exponential when gamma or Weibull beat it by 2 or less */
    /* The best family's KS distance among those of samples drawn from it and
     * refitted (a parametric bootstrap, so fitted parameters are allowed
     * for): the share of replicates with a larger sqrt(n)-scaled distance. */
    double ks_p;
    int boot;
} latency_fit;

#define LATENCY_BOOT 99

/* Fits x[0..n) (n >= 10, every value > 0 and finite), sorting it in place,
 * with `boot` bootstrap replicates for ks_p (0: none, ks_p NAN); seed fixes
 * them.  Returns 0, or -1 with the reason in err. */
int fit_latency_run(double *x, size_t n, uint64_t seed, int boot, latency_fit *out, char *err, size_t errlen);

const char *fit_lat_family_name(enum lat_family f);
/* The names of p1 and p2 in the scenario ("mean", "median", "sigma", ...). */
const char *fit_lat_param_name(enum lat_family f, int which);
/* Whether p1/p2 is a duration (seconds) rather than a plain number. */
bool fit_lat_param_is_duration(enum lat_family f, int which);
double fit_lat_cdf(const lat_candidate *c, double x);
double fit_lat_quantile(const lat_candidate *c, double p);

#endif
