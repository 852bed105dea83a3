/* fit_rate.c - request rate over time (see fit_rate.h).  The segmentation
 * works on cumulative counts, so each candidate split costs O(1) and a pass
 * over a segment O(its bins); the dispersion test and the change-point
 * intervals use the same Poisson likelihood. */
#include "fit_rate.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- the grid */

int fit_rate_grid_add(rate_grid *g, double t)
{
    if (!g->total) {
        g->t0 = t;
        g->w = ldexp(1, -10);
        g->n = 0;
    }
    double x = (t - g->t0) / g->w;
    while (x >= (double)RATE_GRID_MAX) {   /* twice as wide: merge pairs */
        size_t m = (g->n + 1) / 2;
        for (size_t i = 0; i < m; i++) g->c[i] = g->c[2 * i] + (2 * i + 1 < g->n ? g->c[2 * i + 1] : 0);
        memset(g->c + m, 0, (g->cap - m) * sizeof *g->c);
        g->n = m;
        g->w *= 2;
        x = (t - g->t0) / g->w;
    }
    size_t i = (size_t)x;
    if (i >= g->cap) {
        size_t cap = g->cap ? g->cap : 4096;
        while (cap <= i) cap *= 2;
        if (cap > RATE_GRID_MAX) cap = RATE_GRID_MAX;
        uint64_t *c = realloc(g->c, cap * sizeof *c);
        if (!c) return -1;
        memset(c + g->cap, 0, (cap - g->cap) * sizeof *c);
        g->c = c;
        g->cap = cap;
    }
    g->c[i]++;
    if (i + 1 > g->n) g->n = i + 1;
    g->last = t;
    g->total++;
    return 0;
}

void fit_rate_grid_free(rate_grid *g)
{
    free(g->c);
    memset(g, 0, sizeof *g);
}

/* ---------------------------------------------------------------- segmentation */

typedef struct seg_ctx {
    const uint64_t *C;   /* C[i]: requests in bins [0, i) */
    size_t G;
    double w, span;
} seg_ctx;

/* Length in seconds of bins [a, b): the last bin ends at the last request. */
static double len(const seg_ctx *x, size_t a, size_t b)
{
    double end = b >= x->G ? x->span : (double)b * x->w;
    return end - (double)a * x->w;
}

static double cnt(const seg_ctx *x, size_t a, size_t b) { return (double)(x->C[b] - x->C[a]); }

/* The Poisson log-likelihood of bins [a, b) at their own rate, up to a
 * constant: n ln(n / L). */
static double seg_ll(const seg_ctx *x, size_t a, size_t b)
{
    double n = cnt(x, a, b), L = len(x, a, b);
    return n > 0 && L > 0 ? n * log(n / L) : 0;
}

typedef struct cand {
    size_t a, b;      /* the segment [a, b) */
    size_t k;         /* its best split, 0 when it has none */
    double gain;
} cand;

/* The best split of [a, b) into two parts of at least two bins each. */
static void best_split(const seg_ctx *x, cand *c)
{
    c->k = 0;
    c->gain = 0;
    if (c->b - c->a < 4) return;
    double whole = seg_ll(x, c->a, c->b);
    for (size_t k = c->a + 2; k + 2 <= c->b; k++) {
        double g = seg_ll(x, c->a, k) + seg_ll(x, k, c->b) - whole;
        if (g > c->gain) {
            c->gain = g;
            c->k = k;
        }
    }
}

static int cmp_cand(const void *p, const void *q)
{
    const cand *a = p, *b = q;
    return (a->a > b->a) - (a->a < b->a);
}

/* ---------------------------------------------------------------- the fit */

/* The exact (Garwood) 95% bounds of a Poisson mean from a count n: the 2.5%
 * point of chi^2(2n)/2 and the 97.5% point of chi^2(2n+2)/2; beyond 100 by
 * the Wilson-Hilferty cube (within 1e-4), which GSL's inverse fails to reach
 * for large n. */
static double poisson_bound(double n, int upper)
{
    if (!upper && n == 0) return 0;
    double k = upper ? n + 1 : n, z = upper ? 1.959963984540054 : -1.959963984540054;
    double v = NAN;
    if (n <= 100) v = gsl_cdf_chisq_Pinv(upper ? 0.975 : 0.025, 2 * k) / 2;
    if (!isfinite(v)) {
        double c = 1 - 1 / (9 * k) + z / (3 * sqrt(k));
        v = k * c * c * c;
    }
    return v;
}

double fit_rate_at(const rate_fit *f, double t)
{
    for (size_t i = 0; i < f->nseg; i++)
        if (t < f->seg[i].end || i + 1 == f->nseg) return f->seg[i].rate;
    return 0;
}

/* The fitted requests in [t, t+w). */
static double fitted_in(const rate_fit *f, double t, double w)
{
    double sum = 0;
    for (size_t i = 0; i < f->nseg; i++) {
        double a = fmax(t, f->seg[i].start), b = fmin(t + w, f->seg[i].end);
        if (b > a) sum += f->seg[i].rate * (b - a);
    }
    return sum;
}

int fit_rate_run(const rate_grid *g, rate_fit *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    rate_fit *f = out;
    f->requests = g->total;
    f->span = g->last - g->t0;
    f->grid = g->w;
    f->ngrid = g->n;
    if (g->total < 2 || !(f->span > 0)) {
        snprintf(err, errlen, "the rate needs requests at two different times at least");
        return -1;
    }
    size_t G = g->n;
    uint64_t *C = malloc((G + 1) * sizeof *C);
    cand *cs = malloc(RATE_MAX_SEGMENTS * sizeof *cs);
    uint64_t *dc = NULL;
    if (!C || !cs) goto oom;
    C[0] = 0;
    for (size_t i = 0; i < G; i++) C[i + 1] = C[i] + g->c[i];
    seg_ctx x = { C, G, g->w, f->span };
    double N = (double)g->total;

    /* Dispersion bins: a power-of-two multiple of the grid holding about 10
     * requests at the mean rate, at least 20 to the log. */
    size_t per = 1;
    while ((double)per * g->w * N / f->span < 10 && (double)(2 * per) * g->w <= f->span / 20) per *= 2;
    f->bin = (double)per * g->w;
    size_t nb = (size_t)floor(f->span / f->bin);   /* whole bins only */
    f->nbins = nb;
    f->phi = 1;
    if (nb >= 10) {
        if (!(dc = malloc(nb * sizeof *dc))) goto oom;
        double sum = 0, sum2 = 0, dsum = 0, psum = 0;
        for (size_t i = 0; i < nb; i++) {
            size_t a = i * per, b = a + per < G ? a + per : G;
            dc[i] = a < G ? C[b] - C[a] : 0;
            double v = (double)dc[i];
            sum += v;
            sum2 += v * v;
            if (i) {
                double d = v - (double)dc[i - 1];
                dsum += d * d;
                psum += v + (double)dc[i - 1];
            }
        }
        double mean = sum / (double)nb, var = (sum2 - (double)nb * mean * mean) / (double)(nb - 1);
        f->disp_raw = mean > 0 ? var / mean : NAN;
        /* E(c[i+1] - c[i])^2 = 2 phi mu where the rate is steady: immune to a
         * few changes of level. */
        double phi = psum > 0 ? dsum / psum : 1;
        f->phi = phi > 1 ? phi : 1;
    } else {
        f->disp_raw = NAN;
    }

    /* Binary segmentation, the largest gain first. */
    f->penalty = 3 * log((double)G);
    size_t nc = 1;
    cs[0] = (cand){ 0, G, 0, 0 };
    best_split(&x, &cs[0]);
    while (nc < RATE_MAX_SEGMENTS) {
        size_t best = nc;
        for (size_t i = 0; i < nc; i++)
            if (cs[i].k && (best == nc || cs[i].gain > cs[best].gain)) best = i;
        if (best == nc || 2 * cs[best].gain / f->phi <= f->penalty) break;
        cand c = cs[best];
        cs[best] = (cand){ c.a, c.k, 0, 0 };
        cs[nc] = (cand){ c.k, c.b, 0, 0 };
        best_split(&x, &cs[best]);
        best_split(&x, &cs[nc]);
        nc++;
    }
    qsort(cs, nc, sizeof *cs, cmp_cand);
    /* Binary segmentation places a split with the other changes still
     * inside its parent; refit each change between its final neighbours
     * until none moves. */
    for (int pass = 0; pass < 20; pass++) {
        bool moved = false;
        for (size_t i = 1; i < nc; i++) {
            cand c = { cs[i - 1].a, cs[i].b, 0, 0 };
            best_split(&x, &c);
            if (c.k && c.k != cs[i].a) {
                cs[i - 1].b = cs[i].a = c.k;
                moved = true;
            }
        }
        if (!moved) break;
    }
    if (!(f->seg = calloc(nc, sizeof *f->seg))) goto oom;
    f->nseg = nc;
    for (size_t i = 0; i < nc; i++) {
        rate_segment *s = &f->seg[i];
        s->start = (double)cs[i].a * g->w;
        s->end = cs[i].b >= G ? f->span : (double)cs[i].b * g->w;
        s->count = C[cs[i].b] - C[cs[i].a];
        double L = s->end - s->start;
        s->rate = (double)s->count / L;
        s->start_lo = s->start_hi = s->start;
    }

    /* Dispersion against the fit: Pearson's X^2 over the whole bins, with a
     * rate and a change point per segment fitted. */
    f->disp = NAN;
    f->disp_p = NAN;
    f->poisson = true;
    if (dc) {
        double x2 = 0;
        for (size_t i = 0; i < nb; i++) {
            double mu = fitted_in(f, (double)i * f->bin, f->bin);
            if (mu > 0) x2 += ((double)dc[i] - mu) * ((double)dc[i] - mu) / mu;
        }
        double df = (double)nb - (2.0 * (double)nc - 1);
        if (df >= 1) {
            f->tested = true;
            f->disp_df = df;
            f->disp = x2 / df;
            f->disp_p = gsl_cdf_chisq_Q(x2, df);
            f->poisson = !(f->disp_p < 0.001);
        }
    }
    double scale = f->poisson ? 1 : fmax(1, f->disp);

    /* Rates: exact Poisson (Garwood) intervals, widened by sqrt(dispersion)
     * when counts are not Poisson. */
    for (size_t i = 0; i < nc; i++) {
        rate_segment *s = &f->seg[i];
        double L = s->end - s->start, n = (double)s->count;
        double lo = poisson_bound(n, 0) / L, hi = poisson_bound(n, 1) / L;
        s->lo = s->rate - (s->rate - lo) * sqrt(scale);
        s->hi = s->rate + (hi - s->rate) * sqrt(scale);
        if (s->lo < 0) s->lo = 0;
    }

    /* Each change: the boundaries where the profile log-likelihood of the
     * two segments (their rates refitted at each boundary) is within ln 40
     * (times the dispersion) of its best.  With the rates known, the
     * likelihood ratio of a wrong boundary against the true one is a
     * martingale as the boundary moves away, so by Ville's inequality it
     * exceeds e^x on either side with probability at most e^-x, and the set
     * covers the true change with probability >= 1 - 2/40 = 95%.  With the
     * rates refitted this is approximate (tests/check_fit.c measures it).
     * One grid bin is added each side for a change inside a bin. */
    double thr = log(40) * scale;
    for (size_t i = 1; i < nc; i++) {
        size_t a = cs[i - 1].a, k = cs[i].a, b = cs[i].b;
        double best = seg_ll(&x, a, k) + seg_ll(&x, k, b);
        size_t kmin = k, kmax = k;
        for (size_t j = a + 1; j < b; j++)
            if (best - (seg_ll(&x, a, j) + seg_ll(&x, j, b)) <= thr) {
                if (j < kmin) kmin = j;
                if (j > kmax) kmax = j;
            }
        double lo = ((double)kmin - 1) * g->w, hi = ((double)kmax + 1) * g->w;
        f->seg[i].start_lo = fmax(lo, f->seg[i - 1].start);
        f->seg[i].start_hi = fmin(hi, f->seg[i].end);
    }
    free(C);
    free(cs);
    free(dc);
    return 0;
oom:
    free(C);
    free(cs);
    free(dc);
    fit_rate_free(f);
    snprintf(err, errlen, "out of memory");
    return -1;
}

void fit_rate_free(rate_fit *f)
{
    free(f->seg);
    memset(f, 0, sizeof *f);
}
