/* hist.h - log-linear latency histogram of bounded memory.
 *
 * Values in seconds fall in octaves [2^e, 2^(e+1)) for e in [HIST_EMIN, HIST_EMAX),
 * each split into HIST_SUB equal buckets; a bucket is reported by its midpoint,
 * clamped to the exact min and max, so a reported percentile is within
 * 1/(2*HIST_SUB) = 0.39% of a value of the right rank.  Values below 2^HIST_EMIN
 * (including 0) go to an underflow bucket, values at or above 2^HIST_EMAX to an
 * overflow bucket; both are counted and reported.  The caller owns the struct. */
#ifndef STAMPEDE_HIST_H
#define STAMPEDE_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_SUB (1 << HIST_SUB_BITS)
#define HIST_EMIN (-30)              /* about 1 ns */
#define HIST_EMAX 24                 /* about 194 days */
#define HIST_NBUCKETS ((HIST_EMAX - HIST_EMIN) * HIST_SUB + 2)

typedef struct hist {
    uint64_t count;
    uint64_t underflow, overflow;
    double sum, min, max;
    int lo, hi;                  /* touched bucket range, so a reset is cheap */
    uint64_t b[HIST_NBUCKETS];   /* b[0] underflow, b[N-1] overflow */
} hist;

void hist_reset(hist *h);
void hist_add(hist *h, double v);
/* Nearest-rank percentile, p in (0, 1]; NAN when empty. */
double hist_quantile(const hist *h, double p);
double hist_mean(const hist *h);
/* The value range [lo, hi) of bucket i (0 underflow, HIST_NBUCKETS-1 overflow). */
void hist_bucket_bounds(int i, double *lo, double *hi);   /* NAN when empty */
void hist_merge(hist *into, const hist *from);

#endif
