/* fit_zipf.c - key popularity (see fit_zipf.h).  Sums over ranks,
 * sum r^-s (ln r)^j, are exact up to rank ZEXACT and Euler-Maclaurin (midpoint
 * form) beyond, so every step costs the same for 10^3 and 10^9 keys; logs are
 * simulated as fingerprints, one Poisson count per head rank and one
 * multinomial draw per block of tail ranks whose expected counts differ by
 * less than a tenth of their noise. */
#include "fit_zipf.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ZEXACT 2048

/* ---------------------------------------------------------------- sums over ranks */

/* Prefix sums of r^-s (ln r)^j, j = 0..2, for r <= ZEXACT at one s. */
typedef struct zsums {
    double s;
    double pre[3][ZEXACT + 1];
} zsums;

static double lnr[ZEXACT + 1];
static int lnr_ready;

static void zsums_at(zsums *z, double s)
{
    if (!lnr_ready) {
        for (int r = 1; r <= ZEXACT; r++) lnr[r] = log((double)r);
        lnr_ready = 1;
    }
    z->s = s;
    z->pre[0][0] = z->pre[1][0] = z->pre[2][0] = 0;
    for (int r = 1; r <= ZEXACT; r++) {
        double w = exp(-s * lnr[r]);
        z->pre[0][r] = z->pre[0][r - 1] + w;
        z->pre[1][r] = z->pre[1][r - 1] + w * lnr[r];
        z->pre[2][r] = z->pre[2][r - 1] + w * lnr[r] * lnr[r];
    }
}

/* int_0^1 v^m e^{uv} dv, m = 0..2. */
static double gmom(int m, double u)
{
    if (fabs(u) < 2) {
        double sum = 0, term = 1;   /* u^k / k! */
        for (int k = 0; k < 60; k++) {
            double add = term / (k + m + 1);
            sum += add;
            if (fabs(add) < 1e-17 * fabs(sum)) break;
            term *= u / (k + 1);
        }
        return sum;
    }
    double e = exp(u);
    switch (m) {
    case 0: return expm1(u) / u;
    case 1: return (e * (u - 1) + 1) / (u * u);
    default: return (e * (u * u - 2 * u + 2) - 2) / (u * u * u);
    }
}

/* int_A^B x^-s (ln x)^j dx, through y = ln x. */
static double zint(double s, double A, double B, int j)
{
    double t = 1 - s, ya = log(A), L = log(B / A), u = t * L;
    double pref = exp(t * ya);
    double k0 = L * gmom(0, u);
    if (j == 0) return pref * k0;
    double k1 = L * L * gmom(1, u);
    if (j == 1) return pref * (ya * k0 + k1);
    double k2 = L * L * L * gmom(2, u);
    return pref * (ya * ya * k0 + 2 * ya * k1 + k2);
}

/* d/dx of x^-s (ln x)^j. */
static double zderiv(double s, double x, int j)
{
    double l = log(x), base = exp((-s - 1) * l);
    double lj = j == 0 ? 1 : j == 1 ? l : l * l;
    double ljm1 = j == 0 ? 0 : j == 1 ? 1 : 2 * l;
    return base * (ljm1 - s * lj);
}

/* sum_{r=a}^{b} r^-s (ln r)^j with z holding the prefix sums at s. */
static double zsum(const zsums *z, uint64_t a, uint64_t b, int j)
{
    if (a < 1) a = 1;
    if (b < a) return 0;
    double sum = 0;
    if (a <= ZEXACT) {
        uint64_t e = b < ZEXACT ? b : ZEXACT;
        sum += z->pre[j][e] - z->pre[j][a - 1];
        if (b <= ZEXACT) return sum;
        a = ZEXACT + 1;
    }
    double A = (double)a - 0.5, B = (double)b + 0.5;
    sum += zint(z->s, A, B, j) - (zderiv(z->s, B, j) - zderiv(z->s, A, j)) / 24;
    return sum;
}

double fit_zipf_sum(double s, uint64_t a, uint64_t b)
{
    static zsums z;
    if (z.pre[0][1] == 0 || z.s != s) zsums_at(&z, s);
    return zsum(&z, a, b, 0);
}

/* ---------------------------------------------------------------- the ranked-count MLE */

/* T = sum over ranks of count * ln(rank), ranks by count, highest first, and
 * N the total count. */
static void ranked_stat(const zipf_run *runs, size_t nruns, double *T, double *N)
{
    double t = 0, n = 0;
    uint64_t rank = 0;
    for (size_t i = 0; i < nruns; i++) {
        uint64_t a = rank + 1, b = rank + runs[i].keys;
        /* sum_{r=a}^{b} ln r = lnGamma(b+1) - lnGamma(a) */
        double lsum = a == b ? log((double)a) : lgamma((double)b + 1) - lgamma((double)a);
        t += (double)runs[i].count * lsum;
        n += (double)runs[i].count * (double)runs[i].keys;
        rank = b;
    }
    *T = t;
    *N = n;
}

typedef struct mle_ctx {
    zsums *z;
    uint64_t n;
    double target;   /* T/N: the mean ln(rank) of the log */
} mle_ctx;

/* Mean ln(rank) under Zipf(s) over n keys, minus the target: falls with s. */
static double mle_eq(double s, void *p)
{
    mle_ctx *c = p;
    if (c->z->s != s) zsums_at(c->z, s);
    return zsum(c->z, 1, c->n, 1) / zsum(c->z, 1, c->n, 0) - c->target;
}

/* The s >= 0 with mean ln(rank) = target; 0 when even s = 0 gives less. */
static double mle_solve(zsums *z, uint64_t n, double target)
{
    mle_ctx c = { z, n, target };
    if (mle_eq(0, &c) <= 0) return 0;
    double lo = 0, hi = 1;
    while (mle_eq(hi, &c) > 0) {
        lo = hi;
        hi *= 2;
        if (hi > 512) return hi;   /* every request on one key: no finite s */
    }
    gsl_function F = { mle_eq, &c };
    gsl_root_fsolver *sv = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!sv) return -1;
    gsl_root_fsolver_set(sv, &F, lo, hi);
    double s = 0.5 * (lo + hi);
    for (int it = 0; it < 200; it++) {
        if (gsl_root_fsolver_iterate(sv)) break;
        s = gsl_root_fsolver_root(sv);
        double a = gsl_root_fsolver_x_lower(sv), b = gsl_root_fsolver_x_upper(sv);
        if (gsl_root_test_interval(a, b, 1e-12, 1e-12) == GSL_SUCCESS) break;
    }
    gsl_root_fsolver_free(sv);
    return s;
}

double fit_zipf_mle_ranked(const zipf_run *runs, size_t nruns, uint64_t n)
{
    double T, N;
    ranked_stat(runs, nruns, &T, &N);
    if (!(N > 0)) return -1;
    zsums *z = malloc(sizeof *z);
    if (!z) return -1;
    zsums_at(z, 0);
    double s = mle_solve(z, n, T / N);
    free(z);
    return s;
}

/* ---------------------------------------------------------------- KS over ranks */

/* The largest gap between the log's cumulative share of requests over ranks
 * 1..r and Zipf(s)'s, over every r <= n.  Within a run of equal counts the
 * log's share grows linearly and Zipf's is concave, so the gap is largest at
 * the run's ends or where the slopes meet. */
static double ks_ranks(const zipf_run *runs, size_t nruns, uint64_t n, const zsums *z)
{
    double N = 0;
    for (size_t i = 0; i < nruns; i++) N += (double)runs[i].count * (double)runs[i].keys;
    double H = zsum(z, 1, n, 0), s = z->s;
    double d = 0, cum = 0, hcum = 0;   /* shares up to the previous run's end */
    uint64_t rank = 0;
    for (size_t i = 0; i < nruns; i++) {
        uint64_t a = rank + 1, b = rank + runs[i].keys;
        double c = (double)runs[i].count;
        /* gap at r: cum + (r - rank) c/N - H(r)/H */
        uint64_t pts[4] = { a, b, a, a };
        size_t np = 2;
        if (s > 0) {   /* slopes meet at r* = (N / (c H))^(1/s) */
            double rs = pow(N / (c * H), 1 / s);
            if (rs > (double)a && rs < (double)b) {
                pts[np++] = (uint64_t)floor(rs);
                pts[np++] = (uint64_t)floor(rs) + 1;
            }
        }
        for (size_t k = 0; k < np; k++) {
            uint64_t r = pts[k] < a ? a : pts[k] > b ? b : pts[k];
            double obs = cum + (double)(r - rank) * c / N;
            double mod = (hcum + zsum(z, a, r, 0)) / H;
            double g = fabs(obs - mod);
            if (g > d) d = g;
        }
        cum += (double)runs[i].keys * c / N;
        hcum += zsum(z, a, b, 0);
        rank = b;
    }
    if (rank < n) {   /* unseen ranks: the log's share is 1 from here */
        double g = fabs(1 - hcum / H);
        if (g > d) d = g;
    }
    return d;
}

/* ---------------------------------------------------------------- simulated logs */

typedef struct fpbuf {
    zipf_run *r;
    size_t n, cap;
    int oom;
} fpbuf;

static void fp_add(fpbuf *f, uint64_t count, uint64_t keys)
{
    if (!keys || !count || f->oom) return;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 1024;
        zipf_run *r = realloc(f->r, cap * sizeof *r);
        if (!r) {
            f->oom = 1;
            return;
        }
        f->r = r;
        f->cap = cap;
    }
    f->r[f->n++] = (zipf_run){ count, keys };
}

static int run_desc(const void *a, const void *b)
{
    const zipf_run *x = a, *y = b;
    return (x->count < y->count) - (x->count > y->count);
}

/* Sorts by count, highest first, and merges equal counts. */
static void fp_finish(fpbuf *f)
{
    if (!f->n) return;
    qsort(f->r, f->n, sizeof *f->r, run_desc);
    size_t w = 0;
    for (size_t i = 1; i < f->n; i++) {
        if (f->r[i].count == f->r[w].count) f->r[w].keys += f->r[i].keys;
        else f->r[++w] = f->r[i];
    }
    f->n = w + 1;
}

/* m keys, each with a Poisson(mu) count: their fingerprint, as conditional
 * binomials over the counts in [mu - 12 sd, mu + 12 sd] (the rest has mass
 * below 1e-30), or m Poisson draws when that is cheaper. */
static void draw_block(fpbuf *f, gsl_rng *g, double mu, uint64_t m, double *pmf, double *upper, size_t maxk)
{
    double sd = sqrt(mu);
    double klo = floor(mu - 12 * sd - 2), khi = ceil(mu + 12 * sd + 30);
    if (klo < 0) klo = 0;
    size_t ncat = (size_t)(khi - klo) + 1;
    if ((double)m <= (double)ncat || ncat > maxk) {
        for (uint64_t i = 0; i < m; i++) fp_add(f, gsl_ran_poisson(g, mu), 1);
        return;
    }
    uint64_t k0 = (uint64_t)klo;
    /* The pmf from its mode outwards by the ratio of neighbours. */
    size_t mode = (size_t)(floor(mu) - klo);
    if (mode >= ncat) mode = ncat - 1;
    pmf[mode] = gsl_ran_poisson_pdf((unsigned)(k0 + mode), mu);
    for (size_t i = mode + 1; i < ncat; i++) pmf[i] = pmf[i - 1] * mu / (double)(k0 + i);
    for (size_t i = mode; i-- > 0;) pmf[i] = pmf[i + 1] * (double)(k0 + i + 1) / mu;
    double acc = 0;
    for (size_t i = ncat; i-- > 0;) {
        acc += pmf[i];
        upper[i] = acc;
    }
    uint64_t left = m;
    for (size_t i = 0; i < ncat && left; i++) {
        double q = upper[i] > 0 ? pmf[i] / upper[i] : 1;
        if (q >= 1 || i + 1 == ncat) {
            fp_add(f, k0 + i, left);
            break;
        }
        uint64_t got = 0, rest = left;
        while (rest) {   /* gsl's binomial takes an unsigned int */
            unsigned part = rest > 0x7fffffffu ? 0x7fffffffu : (unsigned)rest;
            got += gsl_ran_binomial(g, q, part);
            rest -= part;
        }
        fp_add(f, k0 + i, got);
        left -= got;
    }
}

/* A log of Poisson(N) requests from Zipf(s) over n keys, as a fingerprint. */
static int simulate(fpbuf *f, gsl_rng *g, const zsums *z, uint64_t n, double N, double *pmf, double *upper,
                    size_t maxk)
{
    f->n = 0;
    double s = z->s, H = zsum(z, 1, n, 0);
    uint64_t a = 1;
    while (a <= n) {
        double mua = N * exp(-s * log((double)a)) / H;
        /* The block [a, b]: expected counts within a tenth of the noise
         * (and 10%) of rank a's, so that drawing them all at their mean
         * changes the spread of counts by under 1%. */
        double delta = fmin(0.1 * mua, 0.1 * sqrt(mua));
        uint64_t b = n;
        if (s > 0) {
            double ratio = 1 - delta / mua;
            double bb = ratio > 0 ? (double)a * pow(ratio, -1 / s) : (double)n;
            b = bb >= (double)n ? n : (uint64_t)bb;
            if (b < a) b = a;
        }
        if (b == a) {
            fp_add(f, gsl_ran_poisson(g, mua), 1);
        } else {
            double mu = N * zsum(z, a, b, 0) / H / (double)(b - a + 1);
            draw_block(f, g, mu, b - a + 1, pmf, upper, maxk);
        }
        if (b == n) break;
        a = b + 1;
    }
    fp_finish(f);
    return f->oom ? -1 : 0;
}

/* The count at rank r of a fingerprint (0 beyond the keys it has). */
static double count_at(const zipf_run *runs, size_t nruns, double r)
{
    double rank = 0;
    for (size_t i = 0; i < nruns; i++) {
        rank += (double)runs[i].keys;
        if (r <= rank) return (double)runs[i].count;
    }
    return 0;
}

/* ---------------------------------------------------------------- keys that exist */

/* The expected number of distinct keys, and its variance, in N requests from
 * Zipf(s) over n keys: sum over ranks of 1 - e^-mu_r (Poisson counts), by
 * blocks of ranks whose mu differ by under 1%. */
static void expected_seen(const zsums *z, uint64_t n, double N, double *mean, double *var)
{
    double s = z->s, H = zsum(z, 1, n, 0), m = 0, v = 0;
    uint64_t a = 1;
    while (a <= n) {
        uint64_t b = n;
        if (s > 0) {
            double bb = (double)a * pow(0.99, -1 / s);
            b = bb >= (double)n ? n : (uint64_t)bb;
            if (b < a) b = a;
        }
        double k = (double)(b - a + 1);
        double mu = N * zsum(z, a, b, 0) / H / k, e = exp(-mu);
        m += k * -expm1(-mu);
        v += k * e * -expm1(-mu);
        if (b == n) break;
        a = b + 1;
    }
    *mean = m;
    *var = v;
}

#define KEYS_MAX 4294967295.0   /* the simulator's limit on keys.count */

/* The key count n at which Zipf(s) expects `seen` distinct keys in N
 * requests; -1 when no n up to KEYS_MAX does (the log has more rare keys than
 * Zipf(s) can give). */
static double keys_for(zsums *z, double s, double seen, double N)
{
    if (z->s != s) zsums_at(z, s);
    double m, v, lo = seen, hi = seen;
    if (lo < 1) lo = 1;
    expected_seen(z, (uint64_t)lo, N, &m, &v);
    if (m >= seen) return lo;
    for (;;) {
        hi = fmin(hi * 4, KEYS_MAX);
        expected_seen(z, (uint64_t)hi, N, &m, &v);
        if (m >= seen) break;
        if (hi >= KEYS_MAX) return -1;
        lo = hi;
    }
    while (hi - lo > fmax(0.5, 1e-7 * lo)) {
        double mid = floor(sqrt(lo * hi));
        if (mid <= lo) mid = lo + 1;
        if (mid >= hi) break;
        expected_seen(z, (uint64_t)mid, N, &m, &v);
        if (m >= seen) hi = mid;
        else lo = mid;
    }
    return hi;
}

/* ---------------------------------------------------------------- Chao1 and uniformity */

/* Chao1, bias-corrected (Chao 2005), its variance and log-normal 95% interval. */
static void chao1(popularity_fit *p)
{
    double d = (double)p->seen, f1 = (double)p->f1, f2 = (double)p->f2, N = (double)p->requests;
    double A = (N - 1) / N;
    double f0 = A * f1 * (f1 - 1) / (2 * (f2 + 1));
    double var;
    if (f2 > 0) {
        var = A * f1 * (f1 - 1) / (2 * (f2 + 1)) + A * A * f1 * (2 * f1 - 1) * (2 * f1 - 1) / (4 * (f2 + 1) * (f2 + 1)) +
              A * A * f1 * f1 * f2 * (f1 - 1) * (f1 - 1) / (4 * pow(f2 + 1, 4));
    } else {
        var = A * f1 * (f1 - 1) / 2 + A * A * f1 * (2 * f1 - 1) * (2 * f1 - 1) / 4 - A * A * pow(f1, 4) / (4 * (d + f0));
    }
    p->chao1 = d + f0;
    if (f0 > 0 && var > 0) {
        double K = exp(1.96 * sqrt(log(1 + var / (f0 * f0))));
        p->n_lo = d + f0 / K;
        p->n_hi = d + f0 * K;
    } else {
        p->n_lo = p->n_hi = p->chao1;
    }
    double n = floor(p->chao1 + 0.5);
    if (n < d) n = d;
    if (n > 4294967295.0) n = 4294967295.0;   /* the simulator's limit */
    p->n = (uint64_t)n;
}

/* Equal popularity: every key's count is Poisson(lambda).  With few keys
 * unseen (lambda >= 5) Pearson's test across the keys seen; otherwise the
 * fingerprint (keys seen once, twice, ...) against a zero-truncated Poisson,
 * classes merged until each expects at least 5 keys. */
static void uniform_test(popularity_fit *p, const zipf_run *runs, size_t nruns)
{
    double d = (double)p->seen, N = (double)p->requests, mean = N / d;
    /* lambda / (1 - e^-lambda) = mean */
    double lam = mean;
    for (int it = 0; it < 100; it++) {
        double e = exp(-lam), f = lam / (1 - e) - mean;
        double df = (1 - e - lam * e) / ((1 - e) * (1 - e));
        double nl = lam - f / df;
        if (!(nl > 0)) nl = lam / 2;
        if (fabs(nl - lam) < 1e-12 * lam) {
            lam = nl;
            break;
        }
        lam = nl;
    }
    if (mean <= 1) lam = 0;
    p->uni_test = "none";
    p->uni_p = 1;
    p->uni_chi2 = p->uni_df = 0;
    if (lam >= 5) {
        double x2 = 0;
        for (size_t i = 0; i < nruns; i++) {
            double c = (double)runs[i].count;
            x2 += (double)runs[i].keys * (c - mean) * (c - mean) / mean;
        }
        p->uni_test = "pearson";
        p->uni_chi2 = x2;
        p->uni_df = d - 1;
        p->uni_p = gsl_cdf_chisq_Q(x2, d - 1);
    } else if (lam > 0) {
        /* Classes k = 1, 2, ...: expected d P(k)/(1 - P(0)); merged from the
         * low end and the high end until each expects >= 5. */
        double norm = -expm1(-lam);
        size_t kmax = (size_t)(lam + 12 * sqrt(lam) + 40);
        if (runs[0].count > kmax) kmax = (size_t)runs[0].count;
        if (kmax > 100000) kmax = 100000;
        double *obs = calloc(kmax + 2, sizeof *obs), *exp_ = calloc(kmax + 2, sizeof *exp_);
        if (!obs || !exp_) {
            free(obs);
            free(exp_);
            return;
        }
        for (size_t i = 0; i < nruns; i++) {
            size_t k = runs[i].count > kmax ? kmax : (size_t)runs[i].count;
            obs[k] += (double)runs[i].keys;
        }
        double pk = exp(-lam), tail = 1;
        for (size_t k = 1; k <= kmax; k++) {
            pk *= lam / (double)k;
            exp_[k] = d * pk / norm;
            tail -= pk;
        }
        exp_[kmax] += d * (tail - exp(-lam)) / norm;   /* the last class is k >= kmax */
        double x2 = 0;
        int classes = 0;
        double o = 0, e = 0;
        for (size_t k = 1; k <= kmax; k++) {
            o += obs[k];
            e += exp_[k];
            /* close a class once it expects 5 and what is left expects 5 too */
            double rest = 0;
            for (size_t j = k + 1; j <= kmax && rest < 5; j++) rest += exp_[j];
            if (e >= 5 && rest >= 5) {
                x2 += (o - e) * (o - e) / e;
                classes++;
                o = e = 0;
            }
        }
        if (e > 0) {
            x2 += (o - e) * (o - e) / e;
            classes++;
        }
        free(obs);
        free(exp_);
        if (classes >= 3) {
            p->uni_test = "fingerprint";
            p->uni_chi2 = x2;
            p->uni_df = classes - 2;
            p->uni_p = gsl_cdf_chisq_Q(x2, classes - 2);
        }
    }
    p->uniform = !(p->uni_p < 0.01);
}

/* ---------------------------------------------------------------- the fit */

/* What a bootstrap round needs, allocated once. */
typedef struct work {
    zsums z, zb;
    fpbuf f;
    gsl_rng *g;
    double *pmf, *upper;
    size_t maxk;
    double *est, *ksv, *env;
    uint64_t seed;
    double N;
    fit_tick tick;
    void *tick_ctx;
    int rounds_done;
    struct boot_round { double s, mean, sd; } last;   /* of the search's last round */
} work;

/* A round: the exponent simulated, the mean and sd of the ranked MLE over
 * its replicates. */
typedef struct boot_round boot_round;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One round: B logs of Poisson(N) requests from Zipf(s) over n keys (the
 * same random numbers at every s), their ranked MLEs, their KS gaps (into ksv
 * when not NULL) and, when env, the counts at the chart's ranks. */
static int boot(work *w, popularity_fit *p, uint64_t n, double s, double *ksv, double *env, boot_round *out,
                char *err, size_t errlen)
{
    zsums_at(&w->z, s);
    double sum = 0, sum2 = 0;
    for (int b = 0; b < POPULARITY_BOOT; b++) {
        gsl_rng_set(w->g, (unsigned long)(w->seed * 1000003u + (uint64_t)b * 7919u + 17u));
        if (simulate(&w->f, w->g, &w->z, n, w->N, w->pmf, w->upper, w->maxk)) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        double Tb, Nb;
        ranked_stat(w->f.r, w->f.n, &Tb, &Nb);
        zsums_at(&w->zb, 0);
        double sb = mle_solve(&w->zb, n, Tb / Nb);
        w->est[b] = sb;
        sum += sb;
        sum2 += sb * sb;
        if (ksv) {
            if (w->zb.s != sb) zsums_at(&w->zb, sb);
            ksv[b] = ks_ranks(w->f.r, w->f.n, n, &w->zb);
        }
        for (size_t i = 0; env && i < p->nplot; i++)
            env[i * POPULARITY_BOOT + (size_t)b] = count_at(w->f.r, w->f.n, p->plot_rank[i]);
        /* Progress: about 8 rounds in all is typical. */
        if (w->tick && w->tick(w->tick_ctx, fmin(0.99, (w->rounds_done * POPULARITY_BOOT + b + 1.0) /
                                                           (8.0 * POPULARITY_BOOT)))) {
            snprintf(err, errlen, "interrupted");
            return -1;
        }
    }
    w->rounds_done++;
    double mean = sum / POPULARITY_BOOT;
    double var = (sum2 - POPULARITY_BOOT * mean * mean) / (POPULARITY_BOOT - 1);
    *out = (boot_round){ s, mean, sqrt(var > 0 ? var : 0) };
    return 0;
}

/* The exponent and key count that explain the log together: s whose
 * ranked MLE, over logs of N requests from Zipf(s) and n keys, averages the
 * log's ranked MLE at n, and n where Zipf(s) expects the d keys seen.  One
 * round per step: s moves by the bias (by a secant once two rounds are far
 * enough apart for their slope to show through the discreteness of the
 * counts), n follows s.  Ends with the last round's replicates in w->ksv and
 * w->env, w->last its round, *n_io and p->s_ranked at its n. */
static int search(work *w, popularity_fit *p, const zipf_run *runs, size_t nruns, double *n_io, double s0, char *err,
                  size_t errlen)
{
    double T, N, d = (double)p->seen, n = *n_io, s = s0;
    ranked_stat(runs, nruns, &T, &N);
    boot_round rd[12];
    int nr = 0;
    for (;;) {
        zsums_at(&w->z, 0);
        p->s_ranked = mle_solve(&w->z, (uint64_t)n, T / N);
        if (boot(w, p, (uint64_t)n, s, w->ksv, w->env, &rd[nr], err, errlen)) return -1;
        double sdr = rd[nr].sd, gap = rd[nr].mean - p->s_ranked;   /* the bias at s */
        double tol = sdr / sqrt(POPULARITY_BOOT) + 1e-12;          /* the mean's own noise */
        nr++;
        double next = s - gap;
        if (nr >= 2 && fabs(rd[nr - 1].s - rd[nr - 2].s) > 2 * sdr) {
            double slope = (rd[nr - 1].mean - rd[nr - 2].mean) / (rd[nr - 1].s - rd[nr - 2].s);
            if (slope > 0.2 && slope < 5) next = s - gap / slope;
        }
        if (next < 0) next = 0;
        double nn = n;
        if (p->zipf_keys_ok) {
            nn = keys_for(&w->z, fabs(gap) <= tol ? s : next, d, N);
            if (nn < 0) {   /* Zipf cannot see this many keys: Chao1's count from now on */
                p->zipf_keys_ok = false;
                nn = floor(fmax(p->chao1, d) + 0.5);
            }
        }
        bool s_done = fabs(gap) <= tol || (s == 0 && gap > 0);
        bool n_done = fabs(nn - n) <= fmax(1, 1e-3 * n);
        if ((s_done && n_done) || nr == 12) break;
        if (!s_done) s = next;
        n = nn;
    }
    p->rounds += nr;
    w->last = rd[nr - 1];
    *n_io = n;
    return 0;
}

/* The interval of s from the search's last round: 1.96 bootstrap sd of the
 * ranked MLE, over the local slope of its mean in s, from one more round 3 sd
 * above (its replicates do not replace the last round's).  A chord between
 * distant rounds would not do: the mean is convex in s, flat near 0. */
static int interval(work *w, popularity_fit *p, uint64_t n, char *err, size_t errlen)
{
    boot_round last = w->last, extra;
    double h = fmax(3 * last.sd, 1e-4);
    if (boot(w, p, n, last.s + h, NULL, NULL, &extra, err, errlen)) return -1;
    p->rounds++;
    double slope = (extra.mean - last.mean) / h;
    /* Near s = 0 the mean ranked MLE flattens (ranking alone makes equal
     * keys look skewed): a small slope widens the interval. */
    if (!(slope > 0.05)) slope = 0.05;
    if (slope > 3) slope = 3;
    p->s = last.s;
    p->s_sd = last.sd;
    p->s_slope = slope;
    double half = 1.96 * last.sd * sqrt(1 + 1.0 / POPULARITY_BOOT) / slope;
    p->s_lo = fmax(0, p->s - half);
    p->s_hi = p->s + half;
    /* Close to 0, whether s = 0 itself is in: its replicates' ranked MLEs
     * reach the log's. */
    if (p->s_lo > 0 && p->s_lo < half) {
        boot_round zero;
        if (boot(w, p, n, 0, NULL, NULL, &zero, err, errlen)) return -1;
        p->rounds++;
        if (zero.mean + 1.96 * zero.sd >= p->s_ranked) p->s_lo = 0;
    }
    return 0;
}

int fit_popularity_run(const zipf_run *runs, size_t nruns, uint64_t seed, fit_tick tick, void *tick_ctx,
                       popularity_fit *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    popularity_fit *p = out;
    for (size_t i = 0; i < nruns; i++) {
        p->seen += runs[i].keys;
        p->requests += runs[i].count * runs[i].keys;
        if (runs[i].count == 1) p->f1 = runs[i].keys;
        if (runs[i].count == 2) p->f2 = runs[i].keys;
    }
    if (p->seen < 2) {
        snprintf(err, errlen, "popularity needs at least two distinct keys");
        return -1;
    }
    chao1(p);
    uniform_test(p, runs, nruns);

    int rc = -1;
    work *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    w->maxk = 1u << 16;
    w->pmf = malloc(w->maxk * sizeof *w->pmf);
    w->upper = malloc(w->maxk * sizeof *w->upper);
    w->est = malloc(POPULARITY_BOOT * sizeof *w->est);
    w->ksv = malloc(POPULARITY_BOOT * sizeof *w->ksv);
    w->env = malloc((size_t)POPULARITY_BOOT * POPULARITY_PLOT_RANKS * sizeof *w->env);
    w->g = gsl_rng_alloc(gsl_rng_taus2);
    w->seed = seed;
    w->tick = tick;
    w->tick_ctx = tick_ctx;
    if (!w->pmf || !w->upper || !w->est || !w->ksv || !w->env || !w->g) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    double T, N;
    ranked_stat(runs, nruns, &T, &N);
    w->N = N;
    double d = (double)p->seen;

    /* The ranks the chart shows: about POPULARITY_PLOT_RANKS, log-spaced
     * from 1 to the last key seen. */
    size_t np = 0;
    for (size_t i = 0; i < POPULARITY_PLOT_RANKS; i++) {
        double r = floor(exp(log(d) * (double)i / (POPULARITY_PLOT_RANKS - 1)) + 0.5);
        if (np && r <= p->plot_rank[np - 1]) continue;
        p->plot_rank[np++] = r;
    }
    p->nplot = np;

    /* The key count and the exponent depend on each other: n is where
     * Zipf(s) sees d keys in N requests, s the bias-corrected fit over n.
     * First the ranked MLE alone, then with the bootstrap's correction. */
    double n = p->chao1 < d ? d : floor(p->chao1 + 0.5), s_r = 0;
    p->zipf_keys_ok = true;
    for (int it = 0; it < 20; it++) {
        zsums_at(&w->z, 0);
        s_r = mle_solve(&w->z, (uint64_t)n, T / N);
        double nn = keys_for(&w->z, s_r, d, N);
        if (nn < 0) break;
        if (fabs(nn - n) <= fmax(1, 1e-4 * n)) {
            n = nn;
            break;
        }
        n = nn;
    }
    if (search(w, p, runs, nruns, &n, s_r, err, errlen)) goto done;
    p->s = w->last.s;
    p->zipf_n = (uint64_t)n;
    if (interval(w, p, p->zipf_n, err, errlen)) goto done;
    /* Its interval: the counts at the ends of s's interval that expect the
     * ends of d's 95% range (a box: at least 95%). */
    if (p->zipf_keys_ok) {
        double m, v;
        zsums_at(&w->z, p->s);
        expected_seen(&w->z, (uint64_t)n, N, &m, &v);
        double lo = keys_for(&w->z, p->s_lo, fmax(1, d - 1.96 * sqrt(v)), N);
        double hi = keys_for(&w->z, p->s_hi, d + 1.96 * sqrt(v), N);
        p->zipf_n_lo = lo < 0 ? d : fmax(lo, d);
        p->zipf_n_hi = hi < 0 ? KEYS_MAX : hi;
    } else {
        p->zipf_n_lo = p->n_lo;
        p->zipf_n_hi = p->n_hi;
    }
    /* s's interval holds for n keys; widened by how far the ranked MLE
     * moves at the ends of n's (a box again). */
    for (int k = 0; k < 2; k++) {
        double na = floor(k ? p->zipf_n_hi : p->zipf_n_lo);
        if (na < d) na = d;
        if (na == n) continue;
        zsums_at(&w->z, 0);
        double shift = mle_solve(&w->z, (uint64_t)na, T / N) - p->s_ranked;
        if (shift < 0) p->s_lo = fmax(0, fmin(p->s_lo, p->s_lo + shift));
        else p->s_hi = fmax(p->s_hi, p->s_hi + shift);
    }
    /* Uniform: all keys equally likely, n where n(1 - e^(-N/n)) = d. */
    double nu = keys_for(&w->z, 0, d, N);
    p->uniform_n = nu < 0 ? (uint64_t)floor(fmax(p->chao1, d) + 0.5) : (uint64_t)nu;
    p->n = p->uniform ? p->uniform_n : p->zipf_n;

    /* Goodness of fit: the log's KS gap against its own ranked MLE, among
     * the last round's replicates' gaps against theirs. */
    zsums_at(&w->z, p->s_ranked);
    p->ks = ks_ranks(runs, nruns, p->zipf_n, &w->z);
    int above = 0;
    for (int b = 0; b < POPULARITY_BOOT; b++) above += w->ksv[b] >= p->ks;
    p->ks_p = (above + 1.0) / (POPULARITY_BOOT + 1.0);
    p->boot = POPULARITY_BOOT;
    zsums_at(&w->z, p->s);
    double H = zsum(&w->z, 1, p->zipf_n, 0);
    for (size_t i = 0; i < np; i++) {
        double *v = w->env + i * POPULARITY_BOOT;
        qsort(v, POPULARITY_BOOT, sizeof *v, cmp_double);
        /* 2.5% and 97.5% of 99 replicates: the 3rd smallest and largest */
        p->env_lo[i] = v[2];
        p->env_mid[i] = v[POPULARITY_BOOT / 2];
        p->env_hi[i] = v[POPULARITY_BOOT - 3];
        p->expected[i] = N * exp(-p->s * log(p->plot_rank[i])) / H;
    }
    rc = 0;
done:
    free(w->pmf);
    free(w->upper);
    free(w->est);
    free(w->ksv);
    free(w->env);
    free(w->f.r);
    if (w->g) gsl_rng_free(w->g);
    free(w);
    return rc;
}

void fit_popularity_free(popularity_fit *f) { memset(f, 0, sizeof *f); }
