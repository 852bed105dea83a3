/* stats.c - means and confidence intervals of a sweep (stats.h). */
#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

/* Mean and 95% half-width of a[i] (b NULL) or a[i] - b[i], NaN left out.  An
 * infinite value (a recovery that never came) makes the mean infinite, with
 * no half-width; infinities of both signs make it NAN. */
static sweep_stat stat_core(const double *a, const double *b, size_t n)
{
    sweep_stat s = { NAN, NAN, 0 };
    double sum = 0;
    size_t pos = 0, neg = 0;
    for (size_t i = 0; i < n; i++) {
        double d = b ? a[i] - b[i] : a[i];
        if (isnan(d)) continue;
        s.n++;
        if (d == INFINITY) pos++;
        else if (d == -INFINITY) neg++;
        else sum += d;
    }
    if (!s.n) return s;
    if (pos || neg) {
        s.mean = pos && neg ? NAN : pos ? INFINITY : -INFINITY;
        return s;
    }
    s.mean = sum / (double)s.n;
    if (s.n < 2) return s;
    double ss = 0;
    for (size_t i = 0; i < n; i++) {
        double d = b ? a[i] - b[i] : a[i];
        if (isnan(d)) continue;
        ss += (d - s.mean) * (d - s.mean);
    }
    double sd = sqrt(ss / (double)(s.n - 1));
    s.ci95 = gsl_cdf_tdist_Pinv(0.975, (double)(s.n - 1)) * sd / sqrt((double)s.n);
    return s;
}

sweep_stat sweep_mean_ci(const double *x, size_t n) { return stat_core(x, NULL, n); }
sweep_stat sweep_paired_ci(const double *a, const double *b, size_t n) { return stat_core(a, b, n); }
