/* fit_rate.h - the request rate of a log over time: a constant rate or a
 * piecewise-constant schedule, and whether counts per bin are Poisson.
 *
 * Arrival times are counted on a grid that starts at the first request; its
 * bin width is a power of two (2^-10 s to start) and doubles, merging pairs,
 * whenever the log would need more than RATE_GRID_MAX bins, so memory stays
 * fixed however long the log is.  fit_rate_run then splits the log by binary
 * segmentation on Poisson counts: the segment and split point with the
 * largest log-likelihood gain first, while twice the gain, divided by the
 * dispersion phi (when above 1), exceeds the penalty 3 ln G (G grid bins), up
 * to RATE_MAX_SEGMENTS segments of at least two bins.
 *
 * The caller owns both structs and frees them with fit_rate_grid_free and
 * fit_rate_free (safe on zeroed structs).  Functions that fail return nonzero
 * with the reason in err. */
#ifndef STAMPEDE_FIT_RATE_H
#define STAMPEDE_FIT_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATE_GRID_MAX ((size_t)1 << 18)
#define RATE_MAX_SEGMENTS 50

typedef struct rate_grid {
    double t0;          /* the first request's time */
    double last;        /* the latest request's time */
    double w;           /* bin width, seconds */
    uint64_t *c;        /* requests per bin */
    size_t n, cap;      /* bins in use, allocated */
    uint64_t total;
} rate_grid;

/* Counts a request at time t (not before the previous one; the caller checks).
 * Returns 0, or -1 when memory runs out. */
int fit_rate_grid_add(rate_grid *g, double t);
void fit_rate_grid_free(rate_grid *g);

typedef struct rate_segment {
    double start, end;         /* seconds after the first request */
    uint64_t count;
    double rate, lo, hi;       /* requests/s and its 95% interval */
    double start_lo, start_hi; /* 95% interval of the change that starts it (not the first) */
} rate_segment;

typedef struct rate_fit {
    uint64_t requests;
    double span;               /* last request - first request, seconds */
    double grid;               /* grid bin width */
    size_t ngrid;
    double penalty;            /* 3 ln G */
    /* Dispersion, on bins of width `bin` holding about 10 requests or more. */
    double bin;
    size_t nbins;
    double disp_raw;           /* variance/mean of counts per bin over the whole log */
    double phi;                /* from successive differences, the split test's noise scale (>= 1) */
    double disp;               /* Pearson X^2 / df against the fitted rates: 1 for Poisson */
    double disp_df, disp_p;    /* its degrees of freedom and p-value */
    bool tested;               /* enough bins for the test */
    bool poisson;              /* not rejected at the 0.1% level (true when not tested) */
    rate_segment *seg;
    size_t nseg;
} rate_fit;

/* Fits the grid (at least two requests at distinct times). */
int fit_rate_run(const rate_grid *g, rate_fit *out, char *err, size_t errlen);
void fit_rate_free(rate_fit *f);

/* The fitted rate at time t (seconds after the first request). */
double fit_rate_at(const rate_fit *f, double t);

#endif
