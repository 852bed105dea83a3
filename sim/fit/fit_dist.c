/* fit_dist.c - latency families by maximum likelihood (see fit_dist.h).
 * Every fit works from a few sums of the sorted sample (sum x, sum ln x,
 * sum (ln x)^2) except Weibull's profile, which needs sum x^k for each k
 * tried (computed as (x/max)^k, which cannot overflow). */
#include "fit_dist.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_psi.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Z975 1.959963984540054

const char *fit_lat_family_name(enum lat_family f)
{
    static const char *const names[] = { "exponential", "lognormal", "gamma", "weibull", "pareto" };
    return (unsigned)f < LAT_NFAMILIES ? names[f] : "?";
}

const char *fit_lat_param_name(enum lat_family f, int which)
{
    static const char *const p1[] = { "mean", "median", "mean", "scale", "scale" };
    static const char *const p2[] = { "", "sigma", "shape", "shape", "shape" };
    if ((unsigned)f >= LAT_NFAMILIES) return "?";
    return which == 1 ? p1[f] : p2[f];
}

bool fit_lat_param_is_duration(enum lat_family f, int which)
{
    (void)f;
    return which == 1;
}

/* ---------------------------------------------------------------- quantiles */

/* The p point of chi^2(df); Wilson-Hilferty where GSL's inverse gives up
 * (large df). */
static double chisq_q(double p, double df)
{
    double v = df <= 2000 ? gsl_cdf_chisq_Pinv(p, df) : NAN;
    if (!isfinite(v)) {
        double z = gsl_cdf_ugaussian_Pinv(p), a = 2 / (9 * df), c = 1 - a + z * sqrt(a);
        v = df * c * c * c;
    }
    return v;
}

double fit_lat_cdf(const lat_candidate *c, double x)
{
    if (!(x > 0)) return 0;
    switch (c->family) {
    case LAT_EXPONENTIAL: return -expm1(-x / c->p1);
    case LAT_LOGNORMAL: return gsl_cdf_lognormal_P(x, log(c->p1), c->p2);
    case LAT_GAMMA: return gsl_cdf_gamma_P(x, c->p2, c->p1 / c->p2);
    case LAT_WEIBULL: return -expm1(-pow(x / c->p1, c->p2));
    case LAT_PARETO: return x <= c->p1 ? 0 : -expm1(-c->p2 * log(x / c->p1));
    default: return NAN;
    }
}

double fit_lat_quantile(const lat_candidate *c, double p)
{
    switch (c->family) {
    case LAT_EXPONENTIAL: return -c->p1 * log1p(-p);
    case LAT_LOGNORMAL: return c->p1 * exp(c->p2 * gsl_cdf_ugaussian_Pinv(p));
    case LAT_GAMMA: {
        double v = gsl_cdf_gamma_Pinv(p, c->p2, c->p1 / c->p2);
        if (isfinite(v)) return v;
        /* GSL's inverse can fail in the far tails: bisect the CDF */
        double lo = 0, hi = c->p1;
        while (gsl_cdf_gamma_P(hi, c->p2, c->p1 / c->p2) < p) hi *= 2;
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (lo + hi);
            if (gsl_cdf_gamma_P(mid, c->p2, c->p1 / c->p2) < p) lo = mid;
            else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
    case LAT_WEIBULL: return c->p1 * pow(-log1p(-p), 1 / c->p2);
    case LAT_PARETO: return c->p1 * exp(-log1p(-p) / c->p2);
    default: return NAN;
    }
}

/* ---------------------------------------------------------------- sums */

typedef struct sample {
    const double *x;    /* sorted */
    double *lx;         /* ln x, minus ln max (so that (x/max)^k = e^(k lx)) */
    size_t n;
    double sx, slx, slx2, lmax;   /* sum x, sum ln x, sum (ln x)^2, ln max */
} sample;

/* Returns 0, or -1 when memory runs out. */
static int sample_init(sample *s, const double *x, size_t n)
{
    s->x = x;
    s->n = n;
    s->sx = s->slx = s->slx2 = 0;
    s->lmax = log(x[n - 1]);
    if (!(s->lx = malloc(n * sizeof *s->lx))) return -1;
    for (size_t i = 0; i < n; i++) {
        double l = log(x[i]);
        s->sx += x[i];
        s->slx += l;
        s->slx2 += l * l;
        s->lx[i] = l - s->lmax;
    }
    return 0;
}

/* ---------------------------------------------------------------- log-likelihoods */

/* In the DIST parameters. */
static double loglik(const sample *s, enum lat_family f, double p1, double p2)
{
    double n = (double)s->n;
    switch (f) {
    case LAT_EXPONENTIAL: return -n * log(p1) - s->sx / p1;
    case LAT_LOGNORMAL: {
        double mu = log(p1);
        double ss = s->slx2 - 2 * mu * s->slx + n * mu * mu;
        return -s->slx - n * log(p2) - 0.5 * n * log(2 * M_PI) - ss / (2 * p2 * p2);
    }
    case LAT_GAMMA: {
        double th = p1 / p2;
        return (p2 - 1) * s->slx - s->sx / th - n * p2 * log(th) - n * lgamma(p2);
    }
    case LAT_WEIBULL: {
        /* sum (x/lambda)^k = exp(k (lmax - ln lambda)) sum (x/max)^k */
        double sk = 0;
        for (size_t i = 0; i < s->n; i++) sk += exp(p2 * s->lx[i]);
        return n * log(p2) - n * p2 * log(p1) + (p2 - 1) * s->slx - sk * exp(p2 * (s->lmax - log(p1)));
    }
    case LAT_PARETO:
        if (s->x[0] < p1) return -INFINITY;
        return n * log(p2) + n * p2 * log(p1) - (p2 + 1) * s->slx;
    default: return NAN;
    }
}

/* Profiles over the shape k (u = ln k): the scale at its best for that k. */
typedef struct prof {
    const sample *s;
    enum lat_family f;
} prof;

static double gamma_mean(const sample *s) { return s->sx / (double)s->n; }

/* Weibull's scale for shape k: (sum x^k / n)^(1/k). */
static double weibull_scale(const sample *s, double k)
{
    double sk = 0;
    for (size_t i = 0; i < s->n; i++) sk += exp(k * s->lx[i]);
    return exp(s->lmax + log(sk / (double)s->n) / k);
}

static double neg_prof(double u, void *vp)
{
    const prof *p = vp;
    double k = exp(u);
    if (p->f == LAT_GAMMA) return -loglik(p->s, LAT_GAMMA, gamma_mean(p->s), k);
    return -loglik(p->s, LAT_WEIBULL, weibull_scale(p->s, k), k);
}

/* The shape maximising the profile likelihood, by Brent's method on ln k
 * from a bracket around the moment guess k0; NAN when there is no interior
 * maximum. */
static double best_shape(const sample *s, enum lat_family f, double k0)
{
    prof p = { s, f };
    gsl_function F = { neg_prof, &p };
    double a = log(k0) - 1, b = log(k0) + 1, m = log(k0);
    double fa = neg_prof(a, &p), fb = neg_prof(b, &p), fm = neg_prof(m, &p);
    for (int i = 0; i < 60 && !(fm < fa && fm < fb); i++) {   /* walk downhill until bracketed */
        if (fa < fb) {
            b = m;
            fb = fm;
            m = a;
            fm = fa;
            a -= 1;
            fa = neg_prof(a, &p);
        } else {
            a = m;
            fa = fm;
            m = b;
            fm = fb;
            b += 1;
            fb = neg_prof(b, &p);
        }
    }
    if (!(fm < fa && fm < fb) || !isfinite(fm)) return NAN;
    gsl_min_fminimizer *mn = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
    if (!mn) return NAN;
    if (gsl_min_fminimizer_set_with_values(mn, &F, m, fm, a, fa, b, fb)) {
        gsl_min_fminimizer_free(mn);
        return NAN;
    }
    double u = m;
    for (int it = 0; it < 200; it++) {
        if (gsl_min_fminimizer_iterate(mn)) break;
        u = gsl_min_fminimizer_x_minimum(mn);
        if (gsl_min_test_interval(gsl_min_fminimizer_x_lower(mn), gsl_min_fminimizer_x_upper(mn), 1e-10, 0) ==
            GSL_SUCCESS)
            break;
    }
    gsl_min_fminimizer_free(mn);
    return exp(u);
}

/* The observed information of (ln p1, ln p2) by central differences, and
 * the 95% Wald intervals it gives on log scale. */
static void wald_log(const sample *s, lat_candidate *c)
{
    double u[2] = { log(c->p1), log(c->p2) }, h = 1e-4, H[2][2];
    for (int i = 0; i < 2; i++)
        for (int j = i; j < 2; j++) {
            double v[4];
            for (int k = 0; k < 4; k++) {
                double w[2] = { u[0], u[1] };
                w[i] += (k & 1) ? -h : h;
                w[j] += (k & 2) ? -h : h;
                v[k] = loglik(s, c->family, exp(w[0]), exp(w[1]));
            }
            H[i][j] = H[j][i] = -(v[0] - v[1] - v[2] + v[3]) / (4 * h * h);
        }
    double det = H[0][0] * H[1][1] - H[0][1] * H[1][0];
    if (!(det > 0) || !(H[0][0] > 0)) {
        c->p1_lo = c->p1_hi = c->p1;
        c->p2_lo = c->p2_hi = c->p2;
        return;
    }
    double v0 = H[1][1] / det, v1 = H[0][0] / det;
    c->p1_lo = c->p1 * exp(-Z975 * sqrt(v0));
    c->p1_hi = c->p1 * exp(Z975 * sqrt(v0));
    c->p2_lo = c->p2 * exp(-Z975 * sqrt(v1));
    c->p2_hi = c->p2 * exp(Z975 * sqrt(v1));
}

/* ---------------------------------------------------------------- one family */

/* Fits family f to s (parameters and intervals, not yet AIC/KS). */
static void fit_family(const sample *s, enum lat_family f, lat_candidate *c)
{
    double n = (double)s->n;
    memset(c, 0, sizeof *c);
    c->family = f;
    c->k = f == LAT_EXPONENTIAL ? 1 : 2;
    double mean = s->sx / n, ml = s->slx / n, vl = s->slx2 / n - ml * ml;
    if (vl < 0) vl = 0;
    switch (f) {
    case LAT_EXPONENTIAL:
        /* 2 sum x / mean ~ chi^2(2n) */
        c->p1 = mean;
        c->p1_lo = 2 * s->sx / chisq_q(0.975, 2 * n);
        c->p1_hi = 2 * s->sx / chisq_q(0.025, 2 * n);
        c->ok = mean > 0;
        break;
    case LAT_LOGNORMAL:
        /* mean of ln x ~ N(mu, sigma^2/n); n sigma^2-hat / sigma^2 ~ chi^2(n-1) */
        c->p1 = exp(ml);
        c->p2 = sqrt(vl);
        c->ok = c->p2 > 0;
        if (c->ok) {
            double t = gsl_cdf_tdist_Pinv(0.975, n - 1), sd = sqrt(vl * n / (n - 1));
            c->p1_lo = exp(ml - t * sd / sqrt(n));
            c->p1_hi = exp(ml + t * sd / sqrt(n));
            c->p2_lo = c->p2 * sqrt(n / chisq_q(0.975, n - 1));
            c->p2_hi = c->p2 * sqrt(n / chisq_q(0.025, n - 1));
        }
        break;
    case LAT_GAMMA: {
        /* mean = x-bar exactly; shape from Minka's starting point */
        double sg = log(mean) - ml;
        if (!(sg > 0)) break;
        double k0 = (3 - sg + sqrt((sg - 3) * (sg - 3) + 24 * sg)) / (12 * sg);
        double k = best_shape(s, f, k0);
        if (!isfinite(k)) break;
        c->p1 = mean;
        c->p2 = k;
        c->ok = true;
        wald_log(s, c);
        break;
    }
    case LAT_WEIBULL: {
        /* sd of ln x = pi / (k sqrt 6) */
        if (!(vl > 0)) break;
        double k = best_shape(s, f, M_PI / (sqrt(6 * vl)));
        if (!isfinite(k)) break;
        c->p1 = weibull_scale(s, k);
        c->p2 = k;
        c->ok = true;
        wald_log(s, c);
        break;
    }
    case LAT_PARETO: {
        /* scale = min; 2 n shape / shape-hat ~ chi^2(2n - 2); min / scale
         * has P(> t) = t^(-n shape) */
        double xm = s->x[0], sl = s->slx - n * log(xm);
        if (!(sl > 0)) break;
        double a = n / sl;
        c->p1 = xm;
        c->p2 = a;
        c->ok = true;
        c->p2_lo = a * chisq_q(0.025, 2 * n - 2) / (2 * n);
        c->p2_hi = a * chisq_q(0.975, 2 * n - 2) / (2 * n);
        c->p1_lo = xm * pow(0.025, 1 / (n * a));
        c->p1_hi = xm * pow(0.975, 1 / (n * a));
        break;
    }
    default: break;
    }
    if (c->ok) c->loglik = loglik(s, f, c->p1, c->p2);
    if (!isfinite(c->loglik)) c->ok = false;
}

/* sup over the sorted sample of |F_n - F|. */
static double ks_dist(const double *x, size_t n, const lat_candidate *c)
{
    double d = 0;
    for (size_t i = 0; i < n; i++) {
        double F = fit_lat_cdf(c, x[i]);
        double a = F - (double)i / (double)n, b = (double)(i + 1) / (double)n - F;
        if (a > d) d = a;
        if (b > d) d = b;
    }
    return d;
}

static double draw(gsl_rng *g, const lat_candidate *c)
{
    switch (c->family) {
    case LAT_EXPONENTIAL: return gsl_ran_exponential(g, c->p1);
    case LAT_LOGNORMAL: return gsl_ran_lognormal(g, log(c->p1), c->p2);
    case LAT_GAMMA: return gsl_ran_gamma(g, c->p2, c->p1 / c->p2);
    case LAT_WEIBULL: return gsl_ran_weibull(g, c->p1, c->p2);
    case LAT_PARETO: return gsl_ran_pareto(g, c->p2, c->p1);
    default: return NAN;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---------------------------------------------------------------- the fit */

int fit_latency_run(double *x, size_t n, uint64_t seed, int boot, latency_fit *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (n < 10) {
        snprintf(err, errlen, "at least 10 latencies are needed (got %zu)", n);
        return -1;
    }
    qsort(x, n, sizeof *x, cmp_double);
    if (x[0] == x[n - 1]) {
        char v[64];
        snprintf(v, sizeof v, "%g", x[0] >= 1 ? x[0] : x[0] >= 1e-3 ? x[0] * 1e3 : x[0] * 1e6);
        snprintf(err, errlen, "the latencies are all equal (%s %s): a constant, not a distribution; write db.latency "
                              "as \"%s%s\"",
                 v, x[0] >= 1 ? "s" : x[0] >= 1e-3 ? "ms" : "us", v, x[0] >= 1 ? "s" : x[0] >= 1e-3 ? "ms" : "us");
        return -1;
    }
    sample s;
    if (sample_init(&s, x, n)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    out->n = n;
    out->min = x[0];
    out->max = x[n - 1];
    out->mean = s.sx / (double)n;
    out->median = n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
    out->best = -1;
    for (int f = 0; f < LAT_NFAMILIES; f++) {
        lat_candidate *c = &out->c[f];
        fit_family(&s, (enum lat_family)f, c);
        if (!c->ok) continue;
        c->aic = 2 * c->k - 2 * c->loglik;
        c->ks = ks_dist(x, n, c);
        if (out->best < 0 || c->aic < out->c[out->best].aic) out->best = f;
    }
    /* Gamma and Weibull contain the exponential (shape 1): it is preferred
     * unless they beat it by more than 2 (twice the log-likelihood ratio
     * above 4, p < 5%). */
    if (out->best == LAT_GAMMA || out->best == LAT_WEIBULL) {
        const lat_candidate *e = &out->c[LAT_EXPONENTIAL];
        if (e->ok && e->aic - out->c[out->best].aic <= 2) out->best = LAT_EXPONENTIAL;
    }
    free(s.lx);
    if (out->best < 0) {
        snprintf(err, errlen, "no family fits: the latencies are all equal (%g s)", x[0]);
        return -1;
    }
    for (int f = 0; f < LAT_NFAMILIES; f++)
        out->c[f].daic = out->c[f].ok ? out->c[f].aic - out->c[out->best].aic : NAN;

    /* The best family's KS p-value: samples of up to 5,000 drawn from it,
     * refitted, their sqrt(n)-scaled distances against the log's. */
    const lat_candidate *b = &out->c[out->best];
    size_t nb = n < 5000 ? n : 5000;
    double *y = malloc(nb * sizeof *y);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_taus2);
    if (!y || !g) {
        free(y);
        if (g) gsl_rng_free(g);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    double dobs = b->ks * sqrt((double)n);
    int above = 0, done = 0;
    for (int r = 0; r < boot; r++) {
        gsl_rng_set(g, (unsigned long)(seed * 2654435761u + (uint64_t)r * 40503u + 7u));
        int bad = 0;
        for (size_t i = 0; i < nb; i++) {
            y[i] = draw(g, b);
            if (!(y[i] > 0) || !isfinite(y[i])) bad = 1;
        }
        if (bad) continue;
        qsort(y, nb, sizeof *y, cmp_double);
        sample sb;
        if (sample_init(&sb, y, nb)) break;
        lat_candidate cb;
        fit_family(&sb, b->family, &cb);
        free(sb.lx);
        if (!cb.ok) continue;
        done++;
        above += ks_dist(y, nb, &cb) * sqrt((double)nb) >= dobs;
    }
    out->boot = done;
    out->ks_p = done ? (above + 1.0) / (done + 1.0) : NAN;
    free(y);
    gsl_rng_free(g);
    return 0;
}
