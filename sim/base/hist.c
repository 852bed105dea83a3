/* hist.c - log-linear histogram: the bucket of a value is read off its IEEE-754
 * bits (exponent and top HIST_SUB_BITS mantissa bits), no log().  Invariant:
 * when count > 0 every non-zero bucket lies in [lo, hi]; when count == 0 all
 * buckets are zero, so a zero-filled struct is a valid empty histogram.
 *
 * Conventions: NaN is counted in `overflow` only (not in count, sum, min, max
 * or any bucket), so a bug that makes NaN is visible without poisoning the
 * statistics; negative values and -inf go to underflow, +inf to overflow. */
#include "hist.h"

#include <math.h>
#include <string.h>

_Static_assert(HIST_EMIN == -30 && HIST_EMAX == 24, "update HIST_LOW/HIST_HIGH");

void hist_reset(hist *h)
{
    /* Only the touched range can be non-zero; a zero-filled struct has
     * count 0 and nothing to clear. */
    if (h->count > 0 && h->lo >= 0 && h->hi < HIST_NBUCKETS && h->lo <= h->hi)
        memset(&h->b[h->lo], 0, (size_t)(h->hi - h->lo + 1) * sizeof h->b[0]);
    h->count = h->underflow = h->overflow = h->zeros = h->negatives = 0;
    h->sum = h->min = h->max = h->tiny_max = 0;
    h->lo = h->hi = 0;
}

void hist_add_rare(hist *h, double v)
{
    int i;
    if (v >= HIST_LOW && v < HIST_HIGH) {   /* not rare after all: the common way */
        hist_add(h, v);
        return;
    } else if (v < HIST_LOW) {
        i = 0;
        h->underflow++;
        if (v == 0) h->zeros++;
        else if (v < 0) h->negatives++;
        else if (v > h->tiny_max) h->tiny_max = v;
    } else if (v >= HIST_HIGH) {
        i = HIST_NBUCKETS - 1;
        h->overflow++;
    } else {   /* NaN */
        h->overflow++;
        return;
    }
    hist_put(h, i, v);
}

/* Midpoint of bucket i >= 1. */
static double bucket_mid(int i)
{
    int e = HIST_EMIN + (i - 1) / HIST_SUB, sub = (i - 1) % HIST_SUB;
    return ldexp(1 + (sub + 0.5) / HIST_SUB, e);
}

void hist_bucket_bounds(int i, double *lo, double *hi)
{
    if (i <= 0) { *lo = 0; *hi = ldexp(1, HIST_EMIN); return; }
    if (i >= HIST_NBUCKETS - 1) { *lo = ldexp(1, HIST_EMAX); *hi = INFINITY; return; }
    int e = HIST_EMIN + (i - 1) / HIST_SUB, sub = (i - 1) % HIST_SUB;
    *lo = ldexp(1 + (double)sub / HIST_SUB, e);
    *hi = ldexp(1 + (double)(sub + 1) / HIST_SUB, e);
}

uint64_t hist_rank_of(uint64_t n, double p)
{
    /* Nearest rank: the ceil(p*n)-th smallest of n values, 1-based. */
    double want = ceil(p * (double)n);
    return want < 1 ? 1 : want >= (double)n ? n : (uint64_t)want;
}

double hist_at_rank(const hist *h, uint64_t rank)
{
    if (h->count == 0 || rank == 0 || rank > h->count) return NAN;
    uint64_t cum = 0;
    int i = h->lo;
    for (; i < h->hi; i++) {
        cum += h->b[i];
        if (cum >= rank) break;
    }
    if (i == HIST_NBUCKETS - 1) return h->max;
    if (i == 0) {   /* below 1 ns: negatives, then zeros, then tiny values */
        if (rank <= h->negatives) return h->min;
        if (rank <= h->negatives + h->zeros) return 0;
        return h->tiny_max;
    }
    double m = bucket_mid(i);
    return m < h->min ? h->min : m > h->max ? h->max : m;
}

double hist_quantile(const hist *h, double p)
{
    if (h->count == 0 || isnan(p)) return NAN;
    return hist_at_rank(h, hist_rank_of(h->count, p));
}

double hist_quantile_all(const hist *h, uint64_t failed, double p)
{
    uint64_t n = h->count + failed;
    if (n == 0 || isnan(p)) return NAN;
    uint64_t rank = hist_rank_of(n, p);
    return rank > h->count ? INFINITY : hist_at_rank(h, rank);
}

double hist_mean(const hist *h)
{
    return h->count ? h->sum / (double)h->count : NAN;
}

void hist_merge(hist *into, const hist *from)
{
    into->underflow += from->underflow;
    into->overflow += from->overflow;   /* carries NaNs even when from is empty */
    into->zeros += from->zeros;
    into->negatives += from->negatives;
    if (from->tiny_max > into->tiny_max) into->tiny_max = from->tiny_max;
    if (from->count == 0) return;
    for (int i = from->lo; i <= from->hi; i++)
        into->b[i] += from->b[i];
    if (into->count == 0) {
        into->lo = from->lo;
        into->hi = from->hi;
        into->min = from->min;
        into->max = from->max;
    } else {
        into->lo = from->lo < into->lo ? from->lo : into->lo;
        into->hi = from->hi > into->hi ? from->hi : into->hi;
        into->min = from->min < into->min ? from->min : into->min;
        into->max = from->max > into->max ? from->max : into->max;
    }
    into->count += from->count;
    into->sum += from->sum;
}
