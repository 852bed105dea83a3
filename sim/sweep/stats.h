/* stats.h - the statistics of a sweep: means and their 95% confidence
 * half-widths (Student t, n-1 degrees of freedom), of one series or of
 * paired differences (common random numbers make the pairs). */
#ifndef STAMPEDE_SWEEP_STATS_H
#define STAMPEDE_SWEEP_STATS_H

#include <stddef.h>

/* A mean and its 95% half-width; NaN values are left out, n counts the
 * others; ci95 is NAN when n < 2 and mean is NAN when n = 0.  An infinite
 * value (a recovery that never came) makes the mean infinite, with no
 * half-width; infinities of both signs make it NAN. */
typedef struct sweep_stat { double mean, ci95; size_t n; } sweep_stat;
sweep_stat sweep_mean_ci(const double *x, size_t n);
/* The same for the paired differences a[i] - b[i] (pairs with a NaN left out). */
sweep_stat sweep_paired_ci(const double *a, const double *b, size_t n);

#endif
