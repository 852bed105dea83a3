/* hist.h - log-linear latency histogram of bounded memory.
 *
 * Values in seconds fall in octaves [2^e, 2^(e+1)) for e in [HIST_EMIN, HIST_EMAX),
 * each split into HIST_SUB equal buckets; a bucket is reported by its midpoint,
 * clamped to the exact min and max, so a reported percentile is within
 * 1/(2*HIST_SUB) = 0.39% of a value of the right rank.  Values below 2^HIST_EMIN
 * (including 0) go to an underflow bucket, values at or above 2^HIST_EMAX to an
 * overflow bucket; both are counted and reported.  A rank in the underflow
 * bucket is reported exactly as 0 when it falls among the zeros (a cache of
 * zero latency), as min among negatives, and otherwise as the largest value
 * in (0, 2^HIST_EMIN) seen, so within 1 ns; a rank in the overflow bucket is
 * reported as max.  The caller owns the struct. */
#ifndef STAMPEDE_HIST_H
#define STAMPEDE_HIST_H

#include <stdint.h>
#include <string.h>

#define HIST_SUB_BITS 7
#define HIST_SUB (1 << HIST_SUB_BITS)
#define HIST_EMIN (-30)              /* about 1 ns */
#define HIST_EMAX 24                 /* about 194 days */
#define HIST_NBUCKETS ((HIST_EMAX - HIST_EMIN) * HIST_SUB + 2)

typedef struct hist {
    uint64_t count;
    uint64_t underflow, overflow;
    uint64_t zeros, negatives;   /* of underflow: values == 0 and < 0 */
    double sum, min, max;
    double tiny_max;             /* largest value in (0, 2^HIST_EMIN) seen, else 0 */
    int lo, hi;                  /* touched bucket range, so a reset is cheap */
    uint64_t b[HIST_NBUCKETS];   /* b[0] underflow, b[N-1] overflow */
} hist;

#define HIST_LOW  0x1p-30   /* 2^HIST_EMIN */
#define HIST_HIGH 0x1p24    /* 2^HIST_EMAX */
/* bits >> (52 - SUB_BITS) is (biased exponent, top mantissa bits) as one
 * integer; subtracting this makes 2^HIST_EMIN land on bucket 1. */
#define HIST_BASE ((((int64_t)1023 + HIST_EMIN) << HIST_SUB_BITS) - 1)

void hist_reset(hist *h);
/* hist_add's way for a value below 2^HIST_EMIN, at or above 2^HIST_EMAX, or NaN. */
void hist_add_rare(hist *h, double v);

/* Counts v (not NaN) in bucket i. */
static inline void hist_put(hist *h, int i, double v)
{
    h->b[i]++;
    h->sum += v;
    if (h->count++ == 0) {
        h->lo = h->hi = i;
        h->min = h->max = v;
        return;
    }
    h->lo = i < h->lo ? i : h->lo;
    h->hi = i > h->hi ? i : h->hi;
    h->min = v < h->min ? v : h->min;
    h->max = v > h->max ? v : h->max;
}

/* Adds one value.  Inline: it runs once or twice per answer. */
static inline void hist_add(hist *h, double v)
{
    if (!(v >= HIST_LOW && v < HIST_HIGH)) {
        hist_add_rare(h, v);
        return;
    }
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    hist_put(h, (int)((int64_t)(bits >> (52 - HIST_SUB_BITS)) - HIST_BASE), v);
}
/* Nearest-rank percentile, p in (0, 1]; NAN when empty. */
double hist_quantile(const hist *h, double p);
/* The nearest rank of percentile p among n values: ceil(p*n), within [1, n]. */
uint64_t hist_rank_of(uint64_t n, double p);
/* The value of the rank-th smallest (1-based); NAN outside [1, count]. */
double hist_at_rank(const hist *h, uint64_t rank);
/* Percentile p over the values in h and `failed` more that count as
 * infinitely large: INFINITY when its rank falls among those, NAN when there
 * is nothing at all. */
double hist_quantile_all(const hist *h, uint64_t failed, double p);
double hist_mean(const hist *h);
/* The value range [lo, hi) of bucket i (0 underflow, HIST_NBUCKETS-1 overflow). */
void hist_bucket_bounds(int i, double *lo, double *hi);   /* NAN when empty */
void hist_merge(hist *into, const hist *from);

#endif
