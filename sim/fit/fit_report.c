/* fit_report.c - the folder of `stampede fit --report DIR` (see
 * fit_report.h).  Data files first, then the charts through plot.h's
 * chartset (templates plots/fit_*.gp), then report.html in report.c's style;
 * every string from the logs reaches gnuplot single-quoted (gp_quote) and
 * HTML escaped. */
#include "fit_report.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/plot.h"
#include "report/report.h"
#include "results/output.h"

#define RATE_CHART_BINS 600
#define QQ_POINTS 200

/* ---------------------------------------------------------------- the folder */

static const char *const fit_kinds[] = { OUT_FIT, NULL };

int fit_report_open(fit_report *rp, const char *dir, char *err, size_t errlen)
{
    memset(rp, 0, sizeof *rp);
    return outdir_open(&rp->out, dir, OUT_FIT, fit_kinds, NULL, err, errlen);
}

int fit_report_commit(fit_report *rp, char *err, size_t errlen)
{
    return outdir_commit(&rp->out, err, errlen);
}

void fit_report_close(fit_report *rp)
{
    outdir_close(&rp->out);
}

/* ---------------------------------------------------------------- numbers */

/* A number for gnuplot or a CSV: exact and locale-free; NaN as "NaN". */
static void num(strbuf *b, double v)
{
    if (isfinite(v)) sb_printf(b, "%.10g", v);
    else sb_puts(b, "NaN");
}

/* A number for JSON: null when not finite. */
static void jnum(strbuf *b, double v)
{
    if (isfinite(v)) sb_printf(b, "%.10g", v);
    else sb_puts(b, "null");
}

static double decade_floor(double x) { return pow(10, floor(log10(x) + 1e-9)); }
static double decade_ceil(double x) { return pow(10, ceil(log10(x) - 1e-9)); }

/* The smallest of 1, 2, 2.5, 5 times a power of ten at or above x. */
static double nice_up(double x)
{
    if (!(x > 0)) return 1;
    double e = pow(10, floor(log10(x)));
    static const double m[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
    for (size_t i = 0; i < sizeof m / sizeof *m; i++)
        if (m[i] * e >= x * (1 - 1e-12)) return m[i] * e;
    return 10 * e;
}

/* Tics at the decades of a log axis: counts ("1", "10", "1k", "1M") or
 * durations ("1 ms"); every second or third decade labelled when there are
 * more than eight. */
static void log_tics(strbuf *b, const char *axis, double lo, double hi, int seconds)
{
    static const char *const units[] = { "ns", "\u00b5s", "ms", "s" };
    int e0 = (int)ceil(log10(lo) - 1e-9), e1 = (int)floor(log10(hi) + 1e-9), step = 1;
    while ((e1 - e0) / step + 1 > 8) step++;
    sb_printf(b, "set %stics (", axis);
    for (int e = e0; e <= e1; e++) {
        sb_puts(b, e > e0 ? ", " : "");
        if ((e - e0) % step) {
            sb_printf(b, "\"\" 1e%d 1", e);
            continue;
        }
        if (seconds) {
            int u = e < -9 ? 0 : e >= 0 ? 3 : (e + 9) / 3;
            sb_printf(b, "\"%g %s\" 1e%d", pow(10, e - (u == 3 ? 0 : 3 * u - 9)), units[u], e);
        } else {
            static const char *const sfx[] = { "", "k", "M", "G", "T" };
            int g = e >= 0 ? e / 3 : 0;
            if (g > 4) g = 4;
            sb_printf(b, "\"%g%s\" 1e%d", e >= 0 ? pow(10, e - 3 * g) : pow(10, e), sfx[g], e);
        }
    }
    sb_printf(b, ")\n    set m%stics 10", axis);
}

/* A title for gnuplot: "NAME: what", single-quoted. */
static void gp_title(strbuf *b, const char *name, const char *what)
{
    strbuf t = { 0 };
    sb_printf(&t, "%s: %s", name, what);
    if (t.oom) b->oom = true;
    else gp_quote(b, t.s);
    sb_free(&t);
}

/* printf into a fresh string, then put(b, it): a gnuplot quote or an HTML
 * escape, which must see the text whole. */
__attribute__((format(printf, 3, 0))) static void put_formatted(strbuf *b, void (*put)(strbuf *, const char *),
                                                                const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s) {
        vsnprintf(s, (size_t)n + 1, fmt, again);
        put(b, s);
    } else {
        b->oom = true;
    }
    va_end(again);
    free(s);
}

/* A key title from printf, single-quoted for gnuplot. */
__attribute__((format(printf, 2, 3))) static void gp_text(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_formatted(b, gp_quote, fmt, ap);
    va_end(ap);
}

/* ---------------------------------------------------------------- fit.json */

static void json_latency(strbuf *b, const fit_result *r, const char *lat_name)
{
    const latency_fit *L = &r->lat_fit;
    sb_puts(b, ",\n  \"latency\": {\"file\": ");
    fit_json_str(b, lat_name);
    sb_printf(b, ", \"values\": %llu, \"fitted_on\": %zu, \"min\": ", (unsigned long long)r->lat_read, L->n);
    jnum(b, L->min);
    sb_puts(b, ", \"median\": ");
    jnum(b, L->median);
    sb_puts(b, ", \"mean\": ");
    jnum(b, L->mean);
    sb_puts(b, ", \"max\": ");
    jnum(b, L->max);
    sb_printf(b, ",\n    \"best\": \"%s\", \"criterion\": \"lowest AIC; exponential when gamma or weibull beat it by "
                 "2 or less\", \"ks_p\": ",
              fit_lat_family_name((enum lat_family)L->best));
    jnum(b, L->ks_p);
    sb_printf(b, ", \"ks_replicates\": %d,\n    \"candidates\": [", L->boot);
    for (int f = 0; f < LAT_NFAMILIES; f++) {
        const lat_candidate *c = &L->c[f];
        sb_printf(b, "%s\n      {\"family\": \"%s\", \"fitted\": %s", f ? "," : "", fit_lat_family_name(c->family),
                  c->ok ? "true" : "false");
        if (c->ok) {
            for (int k = 1; k <= c->k; k++) {
                const char *nm = fit_lat_param_name(c->family, k);
                double v = k == 1 ? c->p1 : c->p2, lo = k == 1 ? c->p1_lo : c->p2_lo, hi = k == 1 ? c->p1_hi : c->p2_hi;
                sb_printf(b, ", \"%s\": ", nm);
                jnum(b, v);
                sb_printf(b, ", \"%s_lo\": ", nm);
                jnum(b, lo);
                sb_printf(b, ", \"%s_hi\": ", nm);
                jnum(b, hi);
            }
            sb_puts(b, ", \"loglik\": ");
            jnum(b, c->loglik);
            sb_puts(b, ", \"aic\": ");
            jnum(b, c->aic);
            sb_puts(b, ", \"daic\": ");
            jnum(b, c->daic);
            sb_puts(b, ", \"ks\": ");
            jnum(b, c->ks);
        }
        sb_puts(b, "}");
    }
    sb_puts(b, "\n    ]}");
}

static char *fit_json(const fit_result *r, const char *access_name, const char *lat_name, uint64_t seed)
{
    strbuf b = { 0 };
    const rate_fit *f = &r->rate;
    const popularity_fit *p = &r->pop;
    sb_printf(&b, "{\n  \"version\": \"%s\",\n  \"seed\": %llu,\n  \"access\": {\"file\": ", STAMPEDE_VERSION,
              (unsigned long long)seed);
    fit_json_str(&b, access_name);
    sb_printf(&b, ", \"requests\": %llu, \"t_first\": ", (unsigned long long)r->requests);
    jnum(&b, r->t_first);
    sb_puts(&b, ", \"t_last\": ");
    jnum(&b, r->t_last);
    sb_puts(&b, ", \"span\": ");
    jnum(&b, f->span);
    sb_printf(&b, ", \"nodes\": %llu},\n", (unsigned long long)r->nodes);

    sb_puts(&b, "  \"arrivals\": {\"method\": \"binary segmentation on Poisson counts per grid bin, largest gain first, "
                "while 2 gain / phi > penalty\", \"grid\": ");
    jnum(&b, f->grid);
    sb_printf(&b, ", \"grid_bins\": %zu, \"penalty\": ", f->ngrid);
    jnum(&b, f->penalty);
    sb_puts(&b, ",\n    \"segments\": [");
    for (size_t i = 0; i < f->nseg; i++) {
        const rate_segment *s = &f->seg[i];
        sb_printf(&b, "%s\n      {\"start\": ", i ? "," : "");
        jnum(&b, s->start);
        sb_puts(&b, ", \"end\": ");
        jnum(&b, s->end);
        sb_printf(&b, ", \"requests\": %llu, \"rate\": ", (unsigned long long)s->count);
        jnum(&b, s->rate);
        sb_puts(&b, ", \"rate_lo\": ");
        jnum(&b, s->lo);
        sb_puts(&b, ", \"rate_hi\": ");
        jnum(&b, s->hi);
        if (i) {
            sb_puts(&b, ", \"change_lo\": ");
            jnum(&b, s->start_lo);
            sb_puts(&b, ", \"change_hi\": ");
            jnum(&b, s->start_hi);
        }
        sb_puts(&b, "}");
    }
    sb_puts(&b, "\n    ],\n    \"dispersion\": {\"bin\": ");
    jnum(&b, f->bin);
    sb_printf(&b, ", \"bins\": %zu, \"variance_over_mean\": ", f->nbins);
    jnum(&b, f->disp_raw);
    sb_puts(&b, ", \"phi\": ");
    jnum(&b, f->phi);
    sb_puts(&b, ", \"against_fit\": ");
    jnum(&b, f->tested ? f->disp : NAN);
    sb_puts(&b, ", \"df\": ");
    jnum(&b, f->tested ? f->disp_df : NAN);
    sb_puts(&b, ", \"p\": ");
    jnum(&b, f->tested ? f->disp_p : NAN);
    sb_printf(&b, ", \"tested\": %s, \"poisson\": %s}},\n", f->tested ? "true" : "false", f->poisson ? "true" : "false");

    sb_printf(&b, "  \"keys\": {\"seen\": %llu, \"f1\": %llu, \"f2\": %llu, \"count\": %llu, \"popularity\": \"%s\",\n",
              (unsigned long long)p->seen, (unsigned long long)p->f1, (unsigned long long)p->f2,
              (unsigned long long)p->n, p->uniform ? "uniform" : "zipf");
    sb_puts(&b, "    \"chao1\": ");
    jnum(&b, p->chao1);
    sb_puts(&b, ", \"chao1_lo\": ");
    jnum(&b, p->n_lo);
    sb_puts(&b, ", \"chao1_hi\": ");
    jnum(&b, p->n_hi);
    sb_printf(&b, ", \"zipf_count\": %llu, \"zipf_count_lo\": ", (unsigned long long)p->zipf_n);
    jnum(&b, p->zipf_n_lo);
    sb_puts(&b, ", \"zipf_count_hi\": ");
    jnum(&b, p->zipf_n_hi);
    sb_printf(&b, ", \"zipf_count_found\": %s, \"uniform_count\": %llu,\n", p->zipf_keys_ok ? "true" : "false",
              (unsigned long long)p->uniform_n);
    sb_puts(&b, "    \"zipf\": {\"s\": ");
    jnum(&b, p->s);
    sb_puts(&b, ", \"s_lo\": ");
    jnum(&b, p->s_lo);
    sb_puts(&b, ", \"s_hi\": ");
    jnum(&b, p->s_hi);
    sb_puts(&b, ", \"s_ranked\": ");
    jnum(&b, p->s_ranked);
    sb_puts(&b, ", \"bootstrap_sd\": ");
    jnum(&b, p->s_sd);
    sb_puts(&b, ", \"slope\": ");
    jnum(&b, p->s_slope);
    sb_printf(&b, ", \"replicates\": %d, \"rounds\": %d, \"ks\": ", p->boot, p->rounds);
    jnum(&b, p->ks);
    sb_puts(&b, ", \"ks_p\": ");
    jnum(&b, p->ks_p);
    sb_printf(&b, "},\n    \"uniform_test\": {\"test\": \"%s\", \"chi2\": ", p->uni_test);
    jnum(&b, p->uni_chi2);
    sb_puts(&b, ", \"df\": ");
    jnum(&b, p->uni_df);
    sb_puts(&b, ", \"p\": ");
    jnum(&b, p->uni_p);
    sb_puts(&b, "}}");
    if (r->have_lat) json_latency(&b, r, lat_name);
    sb_puts(&b, "\n}\n");
    if (b.oom) {
        sb_free(&b);
        return NULL;
    }
    return b.s;
}

/* ---------------------------------------------------------------- chart data */

/* rate.csv: requests/s per chart bin (a power-of-two multiple of the grid,
 * RATE_CHART_BINS at most), and rate_fit.csv: the fitted steps; each with
 * a last row at the end of the log so that steps reach it. */
static int write_rate(outdir *o, const fit_result *r, double *ymax, char *err, size_t errlen)
{
    const rate_grid *g = &r->grid;
    const rate_fit *f = &r->rate;
    size_t per = 1;
    while ((g->n + per - 1) / per > RATE_CHART_BINS) per *= 2;
    double w = g->w * (double)per, top = 0;
    strbuf b = { 0 };
    sb_puts(&b, "# t (s after the first request), requests/s in [t, t + bin)\n");
    double last = 0;
    for (size_t i = 0; i * per < g->n; i++) {
        uint64_t c = 0;
        for (size_t k = i * per; k < (i + 1) * per && k < g->n; k++) c += g->c[k];
        double t = (double)i * w, width = fmin(w, f->span - t);
        if (!(width > 0)) width = w;
        last = (double)c / width;
        if (last > top) top = last;
        num(&b, t);
        sb_puts(&b, ",");
        num(&b, last);
        sb_puts(&b, "\n");
    }
    num(&b, f->span);
    sb_puts(&b, ",");
    num(&b, last);
    sb_puts(&b, "\n");
    strbuf s = { 0 };
    sb_puts(&s, "# t (s after the first request), the fitted requests/s from t\n");
    for (size_t i = 0; i < f->nseg; i++) {
        num(&s, f->seg[i].start);
        sb_puts(&s, ",");
        num(&s, f->seg[i].rate);
        sb_puts(&s, "\n");
        if (f->seg[i].hi > top) top = f->seg[i].hi;
    }
    num(&s, f->span);
    sb_puts(&s, ",");
    num(&s, f->seg[f->nseg - 1].rate);
    sb_puts(&s, "\n");
    *ymax = nice_up(top * 1.12);
    int rc = -1;
    if (b.oom || s.oom) snprintf(err, errlen, "out of memory");
    else if (!outdir_text(o, "rate.csv", b.s, err, errlen) && !outdir_text(o, "rate_fit.csv", s.s, err, errlen))
        rc = 0;
    sb_free(&b);
    sb_free(&s);
    return rc;
}

static int write_popularity(outdir *o, const fit_result *r, double *ymin, double *ymax, char *err,
                            size_t errlen)
{
    const popularity_fit *p = &r->pop;
    strbuf b = { 0 }, m = { 0 };
    sb_puts(&b, "# rank, requests: the log's keys ranked by requests (each run of equal counts from its first to "
                "its last rank)\n");
    uint64_t rank = 0;
    double top = 1;
    for (size_t i = 0; i < r->nruns; i++) {
        uint64_t a = rank + 1, e = rank + r->runs[i].keys;
        double c = (double)r->runs[i].count;
        if (c > top) top = c;
        sb_printf(&b, "%llu,", (unsigned long long)a);
        num(&b, c);
        sb_puts(&b, "\n");
        if (e > a) {
            sb_printf(&b, "%llu,", (unsigned long long)e);
            num(&b, c);
            sb_puts(&b, "\n");
        }
        rank = e;
    }
    /* Counts below the axis (0 and what rounds to it) sit on its floor. */
    double lo = 0.5;
    sb_puts(&m, "# rank, Zipf's expected requests N r^-s / H(n, s), and the 2.5%, 50%, 97.5% points of the "
                "requests at that rank in logs simulated from the fit, ranked by observed frequency\n");
    for (size_t i = 0; i < p->nplot; i++) {
        num(&m, p->plot_rank[i]);
        double v[4] = { p->expected[i], p->env_lo[i], p->env_mid[i], p->env_hi[i] };
        for (int k = 0; k < 4; k++) {
            sb_puts(&m, ",");
            num(&m, fmax(v[k], lo));
            if (v[k] > top) top = v[k];
        }
        sb_puts(&m, "\n");
    }
    *ymin = lo;
    *ymax = decade_ceil(top * 1.5);
    int rc = -1;
    if (b.oom || m.oom) snprintf(err, errlen, "out of memory");
    else if (!outdir_text(o, "ranks.csv", b.s, err, errlen) &&
             !outdir_text(o, "popularity_model.csv", m.s, err, errlen))
        rc = 0;
    sb_free(&b);
    sb_free(&m);
    return rc;
}

/* The family with the second lowest AIC. */
static int runner_up(const latency_fit *L)
{
    int s = -1;
    for (int f = 0; f < LAT_NFAMILIES; f++)
        if (f != L->best && L->c[f].ok && (s < 0 || L->c[f].aic < L->c[s].aic)) s = f;
    return s;
}

static int write_latency(outdir *o, const fit_result *r, double *hmax, double *qmin, double *qmax, char *err,
                         size_t errlen)
{
    const latency_fit *L = &r->lat_fit;
    const lat_candidate *b = &L->c[L->best];
    int ru = runner_up(L);
    const lat_candidate *s2 = ru >= 0 ? &L->c[ru] : b;
    size_t n = r->nlat;
    /* Bins of equal width in log latency: about 2 n^(1/3), 12 to 60. */
    size_t nb = (size_t)lround(2 * cbrt((double)n));
    if (nb < 12) nb = 12;
    if (nb > 60) nb = 60;
    double l0 = log(r->lat[0]), l1 = log(r->lat[n - 1]);
    if (!(l1 > l0)) l1 = l0 + 1e-9;
    strbuf h = { 0 }, q = { 0 };
    sb_printf(&h, "# bin low, bin high, middle (s), share of the log's latencies, share under %s, under %s\n",
              fit_lat_family_name(b->family), fit_lat_family_name(s2->family));
    size_t j = 0;
    double top = 0;
    for (size_t i = 0; i < nb; i++) {
        double lo = exp(l0 + (l1 - l0) * (double)i / (double)nb), hi = exp(l0 + (l1 - l0) * (double)(i + 1) / (double)nb);
        size_t c = 0;
        while (j < n && (r->lat[j] < hi || i + 1 == nb)) j++, c++;
        double obs = (double)c / (double)n, fb = fit_lat_cdf(b, hi) - fit_lat_cdf(b, lo), f2 = fit_lat_cdf(s2, hi) - fit_lat_cdf(s2, lo);
        top = fmax(top, fmax(obs, fmax(fb, f2)));
        num(&h, lo);
        sb_puts(&h, ",");
        num(&h, hi);
        sb_puts(&h, ",");
        num(&h, sqrt(lo * hi));
        sb_puts(&h, ",");
        num(&h, obs);
        sb_puts(&h, ",");
        num(&h, fb);
        sb_puts(&h, ",");
        num(&h, f2);
        sb_puts(&h, "\n");
    }
    *hmax = nice_up(top * 1.15);
    sb_printf(&q, "# p, the log's p quantile, %s's, %s's (s)\n", fit_lat_family_name(b->family),
              fit_lat_family_name(s2->family));
    /* QQ_POINTS levels evenly, then the tails: 10^-3, 10^-4, ... and
     * 1 - 10^-3, ... while the log has values that far out. */
    size_t m = n < QQ_POINTS ? n : QQ_POINTS;
    double lev[QQ_POINTS + 40];
    size_t nl = 0;
    for (int e = 20; e >= 3; e--)
        if (pow(10, -e) * (double)n >= 1) lev[nl++] = pow(10, -e);
    for (size_t i = 0; i < m; i++) lev[nl++] = ((double)i + 0.5) / (double)m;
    for (int e = 3; e <= 20; e++)
        if (pow(10, -e) * (double)n >= 1) lev[nl++] = 1 - pow(10, -e);
    double mn = INFINITY, mx = 0;
    for (size_t i = 0; i < nl; i++) {
        double pr = lev[i];
        size_t k = (size_t)floor(pr * (double)n);
        if (k >= n) k = n - 1;
        double v[3] = { r->lat[k], fit_lat_quantile(b, pr), fit_lat_quantile(s2, pr) };
        num(&q, pr);
        for (int t = 0; t < 3; t++) {
            sb_puts(&q, ",");
            num(&q, v[t]);
            if (v[t] > 0 && isfinite(v[t])) {
                mn = fmin(mn, v[t]);
                mx = fmax(mx, v[t]);
            }
        }
        sb_puts(&q, "\n");
    }
    *qmin = decade_floor(mn);
    *qmax = decade_ceil(mx);
    if (*qmax <= *qmin) *qmax = *qmin * 10;
    int rc = -1;
    if (h.oom || q.oom) snprintf(err, errlen, "out of memory");
    else if (!outdir_text(o, "latency_hist.csv", h.s, err, errlen) &&
             !outdir_text(o, "latency_qq.csv", q.s, err, errlen))
        rc = 0;
    sb_free(&h);
    sb_free(&q);
    return rc;
}

/* ---------------------------------------------------------------- charts */

#define MAXS 16
typedef struct subs {
    subst s[MAXS];
    strbuf v[MAXS];
    size_t n;
} subs;

static strbuf *put(subs *x, const char *key)
{
    x->s[x->n].key = key;
    memset(&x->v[x->n], 0, sizeof x->v[x->n]);
    return &x->v[x->n++];
}

static int draw(chartset *cs, subs *x, const char *name, const char *title, const char *caption, char *err,
                size_t errlen)
{
    int rc = -1;
    bool oom = false;
    for (size_t i = 0; i < x->n; i++) {
        oom |= x->v[i].oom;
        x->s[i].value = x->v[i].s ? x->v[i].s : "";
    }
    if (oom) snprintf(err, errlen, "out of memory");
    else rc = chartset_draw(cs, name, name, x->s, x->n, title, caption, err, errlen);
    for (size_t i = 0; i < x->n; i++) sb_free(&x->v[i]);
    x->n = 0;
    return rc;
}

static int chart_rate(chartset *cs, const fit_result *r, const char *name, double ymax, char *err, size_t errlen)
{
    const rate_fit *f = &r->rate;
    subs x = { 0 };
    gp_title(put(&x, "TITLE"), name, "request rate, observed and fitted");
    num(put(&x, "XMAX"), f->span);
    num(put(&x, "YMAX"), ymax);
    char bin[64];
    size_t per = 1;
    while ((r->grid.n + per - 1) / per > RATE_CHART_BINS) per *= 2;
    report_fmt_seconds(bin, sizeof bin, r->grid.w * (double)per);
    gp_text(put(&x, "YLABEL"), "requests per second (per %s bin)", bin);
    gp_text(put(&x, "OBS_TITLE"), "the log: requests per %s bin", bin);
    char rt[64];
    fit_fmt_rate(rt, sizeof rt, f->seg[0].rate);
    if (f->nseg == 1) gp_text(put(&x, "FIT_TITLE"), "fitted: a constant %s", rt);
    else gp_text(put(&x, "FIT_TITLE"), "fitted: a schedule of %zu rates (clients.arrivals)", f->nseg);
    strbuf *c = put(&x, "CHANGES");
    for (size_t i = 1; i < f->nseg; i++) {
        sb_printf(c, "set object %zu rectangle from ", i);
        num(c, f->seg[i].start_lo);
        sb_puts(c, ", graph 0 to ");
        num(c, f->seg[i].start_hi);
        sb_puts(c, ", graph 1 behind fillcolor rgb '#f7e1cc' fillstyle solid 1.0 noborder\n");
        sb_printf(c, "set arrow %zu from ", i);
        num(c, f->seg[i].start);
        sb_puts(c, ", graph 0 to ");
        num(c, f->seg[i].start);
        sb_puts(c, ", graph 1 nohead back linecolor rgb '#777777' dashtype 2 linewidth 1.5\n");
    }
    strbuf *k = put(&x, "CHANGE_KEY");
    if (f->nseg > 1)
        sb_puts(k, ", \\\n         keyentry with boxes fillcolor rgb '#f7e1cc' fillstyle solid 1.0 noborder "
                   "title 'where each change is, 95% interval'");
    return draw(cs, &x, "fit_rate", "Request rate over time",
                f->nseg == 1
                    ? "Requests per second in each bin of the access log (grey) and the constant rate fitted to it "
                      "(blue), which the scenario's clients.arrivals replays as Poisson arrivals."
                    : "Requests per second in each bin of the access log (grey) and the piecewise-constant rate "
                      "fitted to it (blue), which the scenario's clients.arrivals schedule replays as Poisson "
                      "arrivals. Dashed: where the rate changes; shaded: the 95% interval of each change.",
                err, errlen);
}

static int chart_popularity(chartset *cs, const fit_result *r, const char *name, double ymin, double ymax, char *err,
                            size_t errlen)
{
    const popularity_fit *p = &r->pop;
    subs x = { 0 };
    gp_title(put(&x, "TITLE"), name, "key popularity, rank by rank");
    double xmax = decade_ceil((double)p->seen * 1.5);
    if (xmax < 10) xmax = 10;
    num(put(&x, "XMAX"), xmax);
    num(put(&x, "YMIN"), ymin);
    num(put(&x, "YMAX"), ymax);
    log_tics(put(&x, "XTICS"), "x", 1, xmax, 0);
    log_tics(put(&x, "YTICS"), "y", 1, ymax, 0);
    char n1[64], n2[64], n3[64];
    report_fmt_count(n1, sizeof n1, (double)p->zipf_n);
    report_fmt_count(n2, sizeof n2, (double)p->requests);
    report_fmt_count(n3, sizeof n3, (double)p->seen);
    gp_text(put(&x, "BAND_TITLE"), "logs simulated from Zipf(%.4g) over %s keys, ranked by observed frequency: 95%%",
            p->s, n1);
    gp_text(put(&x, "OBS_TITLE"), "the log: %s requests over %s keys", n2, n3);
    gp_text(put(&x, "FIT_TITLE"), "Zipf(%.4g) at the true ranks: N r^-s / H(n, s)%s", p->s,
            p->uniform ? "" : " (chosen)");
    strbuf *u = put(&x, "UNIFORM");
    if (p->uniform) {
        char n4[64];
        report_fmt_count(n4, sizeof n4, (double)p->uniform_n);
        sb_puts(u, ", \\\n         ");
        num(u, (double)p->requests / (double)p->uniform_n);
        sb_puts(u, " with lines linetype 3 dashtype 1 linewidth 2 title ");
        gp_text(u, "uniform over %s keys: N/n (chosen)", n4);
    }
    return draw(cs, &x, "fit_popularity", "Key popularity (rank-frequency)",
                "Requests per key against the key's rank by requests, on log-log axes. The log's keys can only be "
                "ranked by their observed counts, which bends the curve (the tail flattens into keys seen once, "
                "then stops at the last key seen), so the log is to be read against the shaded band: where logs "
                "simulated from the fitted Zipf and ranked the same way fall (2.5% to 97.5%). The black line is "
                "the fitted Zipf at the keys' true ranks, what the simulator draws from.",
                err, errlen);
}

static int chart_latency(chartset *cs, const fit_result *r, const char *name, double hmax, double qmin, double qmax,
                         char *err, size_t errlen)
{
    const latency_fit *L = &r->lat_fit;
    const lat_candidate *b = &L->c[L->best];
    int ru = runner_up(L);
    const lat_candidate *s2 = ru >= 0 ? &L->c[ru] : b;
    subs x = { 0 };
    strbuf t = { 0 };
    sb_printf(&t, "DB latency: %s fits best (lowest AIC)", fit_lat_family_name(b->family));
    gp_title(put(&x, "TITLE"), name, t.s ? t.s : "");
    sb_free(&t);
    double lo = decade_floor(r->lat[0]), hi = decade_ceil(r->lat[r->nlat - 1]);
    if (hi <= lo) hi = lo * 10;
    num(put(&x, "XMIN"), lo);
    num(put(&x, "XMAX"), hi);
    log_tics(put(&x, "XTICS"), "x", lo, hi, 1);
    num(put(&x, "HMAX"), hmax);
    num(put(&x, "QMIN"), qmin);
    num(put(&x, "QMAX"), qmax);
    log_tics(put(&x, "QXTICS"), "x", qmin, qmax, 1);
    log_tics(put(&x, "QYTICS"), "y", qmin, qmax, 1);
    gp_text(put(&x, "BEST_TITLE"), "%s (chosen; KS %.3g)", fit_lat_family_name(b->family), b->ks);
    gp_text(put(&x, "SECOND_TITLE"), "%s (next best, AIC +%.3g; KS %.3g)", fit_lat_family_name(s2->family), s2->daic,
            s2->ks);
    return draw(cs, &x, "fit_latency", "DB latency against the fitted distributions",
                "Left: the share of the latencies in each bin (equal widths on a log scale) and the share the chosen "
                "family and the runner-up give each bin. Right: quantiles of the log against each family's at 200 "
                "levels; a family that fits lies on the dashed diagonal, and its tail shows at the top right.",
                err, errlen);
}

/* ---------------------------------------------------------------- report.html */

static void esc(strbuf *b, const char *s) { report_html_escape(b, s); }

/* Text from printf, escaped for HTML. */
__attribute__((format(printf, 2, 3))) static void escf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    put_formatted(b, esc, fmt, ap);
    va_end(ap);
}

static void rate_text(char *buf, size_t n, double v) { fit_fmt_rate(buf, n, v); }

static void html_arrivals(strbuf *h, const fit_result *r, const chartset *cs)
{
    const rate_fit *f = &r->rate;
    char a[64], b[64], c[64], d[64];
    sb_puts(h, "<h2 id=\"arrivals\">Arrivals</h2>\n<p>");
    if (f->nseg == 1) {
        rate_text(a, sizeof a, f->seg[0].rate);
        escf(h, "A constant rate of %s: binary segmentation found no change worth its penalty. ", a);
    } else {
        escf(h, "A schedule of %zu rates: the log was split where the rate changes. ", f->nseg);
    }
    escf(h, "Method: binary segmentation of the requests counted on a grid of %zu bins of ", f->ngrid);
    report_fmt_seconds(a, sizeof a, f->grid);
    escf(h, "%s, splitting first where the Poisson log-likelihood gains most, while twice the gain, divided by the "
            "dispersion %.3g, exceeds 3 ln G = %.1f; each change within a set that holds it with 95%% probability "
            "(profile likelihood within ln 40).",
         a, f->phi, f->penalty);
    sb_puts(h, "</p>\n");
    sb_puts(h, "<table>\n<tr><th>from (s)</th><th>to (s)</th><th>requests</th><th>rate</th><th>95% interval</th>"
               "<th class=\"l\">the change is within (s)</th></tr>\n");
    for (size_t i = 0; i < f->nseg; i++) {
        const rate_segment *s = &f->seg[i];
        report_fmt_count(a, sizeof a, (double)s->count);
        rate_text(b, sizeof b, s->rate);
        rate_text(c, sizeof c, s->lo);
        rate_text(d, sizeof d, s->hi);
        sb_printf(h, "<tr><td>%.6g</td><td>%.6g</td><td>", s->start, s->end);
        esc(h, a);
        sb_puts(h, "</td><td>");
        esc(h, b);
        sb_puts(h, "</td><td>");
        escf(h, "%s to %s", c, d);
        sb_puts(h, "</td><td class=\"l\">");
        if (i) escf(h, "%.6g to %.6g", s->start_lo, s->start_hi);
        else sb_puts(h, "&#8212;");
        sb_puts(h, "</td></tr>\n");
    }
    sb_puts(h, "</table>\n<p>");
    report_fmt_seconds(a, sizeof a, f->bin);
    if (!f->tested)
        sb_puts(h, "Too few requests to test whether the counts per bin are Poisson.");
    else
        escf(h,
             "Counts per %s bin (%zu bins): variance/mean %.3g over the whole log (rate changes included); "
             "dispersion %.3g against the fitted rates (Pearson X\u00b2/df, df %.0f, p = %.2g). %s",
             a, f->nbins, f->disp_raw, f->disp, f->disp_df, f->disp_p,
             f->poisson ? "Consistent with Poisson arrivals, which is what the simulator draws."
                        : "NOT Poisson: the requests come in bursts (or more regularly) than Poisson arrivals, which "
                          "the simulator draws; intervals are widened by the square root of the dispersion.");
    sb_puts(h, "</p>\n");
    for (size_t k = 0; k < cs->ncharts; k++)
        if (!strcmp(cs->charts[k].name, "fit_rate")) report_chart_figure(h, cs, &cs->charts[k]);
}

static void html_keys(strbuf *h, const fit_result *r, const chartset *cs)
{
    const popularity_fit *p = &r->pop;
    char a[64], b[64], c[64];
    int dec = fit_decimals(0.5 * (p->s_hi - p->s_lo));
    sb_puts(h, "<h2 id=\"keys\">Keys</h2>\n<p>");
    report_fmt_count(a, sizeof a, (double)p->n);
    escf(h, "keys.count %s, popularity %s. ", a, p->uniform ? "uniform" : "Zipf");
    if (p->uniform)
        escf(h, "Equal popularity is not rejected (%s test, p = %.2g), so it is chosen as the simpler model. ",
             p->uni_test, p->uni_p);
    else if (strcmp(p->uni_test, "none"))
        escf(h, "Equal popularity is rejected (%s test, chi-square %.4g, df %.0f, p = %.2g). ", p->uni_test, p->uni_chi2,
             p->uni_df, p->uni_p);
    escf(h, "The Zipf exponent is fitted to the counts ranked by observed frequency (the only ranking a log "
            "gives); ranking noisy counts steepens the curve, so the maximum-likelihood s of the ranked counts "
            "(%.*f) is corrected by a parametric bootstrap: s is the exponent whose logs, simulated with the "
            "log's number of requests and ranked the same way, give that estimate on average (%d logs per round, "
            "%d rounds).",
         dec, p->s_ranked, p->boot, p->rounds);
    sb_puts(h, "</p>\n");
    sb_puts(h, "<table>\n<tr><th class=\"l\">quantity</th><th>estimate</th><th>95% interval</th>"
               "<th class=\"l\">how</th></tr>\n");
    sb_puts(h, "<tr><td class=\"l\">Zipf exponent s</td><td>");
    sb_printf(h, "%.*f</td><td>%.*f to %.*f", dec, p->s, dec, p->s_lo, dec, p->s_hi);
    sb_puts(h, "</td><td class=\"l wrap\">bias-corrected maximum likelihood; interval from the bootstrap's spread "
               "(and the key count's interval)</td></tr>\n");
    report_fmt_count(a, sizeof a, (double)p->zipf_n);
    report_fmt_count(b, sizeof b, round(p->zipf_n_lo));
    if (p->zipf_n_hi >= 4294967295.0) snprintf(c, sizeof c, "unbounded");
    else report_fmt_count(c, sizeof c, round(p->zipf_n_hi));
    sb_puts(h, "<tr><td class=\"l\">keys under Zipf</td><td>");
    sb_printf(h, "%s</td><td>%s to %s", a, b, c);
    sb_puts(h, p->zipf_keys_ok ? "</td><td class=\"l wrap\">the count at which Zipf(s) expects as many distinct keys "
                                 "as the log has</td></tr>\n"
                               : "</td><td class=\"l wrap\">no count lets Zipf(s) see as many distinct keys as the "
                                 "log: Chao1's</td></tr>\n");
    report_fmt_count(a, sizeof a, (double)p->uniform_n);
    sb_printf(h, "<tr><td class=\"l\">keys if uniform</td><td>%s</td><td></td><td class=\"l wrap\">the count at which equal "
            "popularity expects the log's distinct keys</td></tr>\n",
         a);
    report_fmt_count(a, sizeof a, round(p->chao1));
    report_fmt_count(b, sizeof b, round(p->n_lo));
    report_fmt_count(c, sizeof c, round(p->n_hi));
    sb_printf(h, "<tr><td class=\"l\">Chao1</td><td>%s</td><td>%s to %s</td><td class=\"l wrap\">", a, b, c);
    report_fmt_count(a, sizeof a, (double)p->seen);
    report_fmt_count(b, sizeof b, (double)p->f1);
    report_fmt_count(c, sizeof c, (double)p->f2);
    sb_printf(h, "%s keys seen, %s once and %s twice; a lower bound, low under skewed popularity</td></tr>\n</table>\n", a,
         b, c);
    sb_puts(h, "<p>");
    char pv[64];
    fit_fmt_p(pv, sizeof pv, p->ks_p, p->boot);
    if (FIT_REJECTED(p->ks_p, p->boot))
        escf(h, "Goodness of fit: Zipf is rejected. The log's cumulative share of requests over ranks departs from "
                "the fit's by up to %.3g (Kolmogorov-Smirnov over ranks), more than in any of %d logs simulated "
                "from the fit (%s).",
             p->ks, p->boot, pv);
    else
        escf(h, "Goodness of fit: consistent with Zipf. The log's cumulative share of requests over ranks departs "
                "from the fit's by up to %.3g (Kolmogorov-Smirnov over ranks); logs simulated from the fit depart "
                "as much or more (%s, %d logs).",
             p->ks, pv, p->boot);
    sb_puts(h, "</p>\n");
    for (size_t k = 0; k < cs->ncharts; k++)
        if (!strcmp(cs->charts[k].name, "fit_popularity")) report_chart_figure(h, cs, &cs->charts[k]);
}

static void html_latency(strbuf *h, const fit_result *r, const chartset *cs, const char *lat_name)
{
    sb_puts(h, "<h2 id=\"latency\">DB latency</h2>\n");
    if (!r->have_lat) {
        sb_puts(h, "<p>No latency log was given (<code>--latencies LAT.csv</code>): <code>db.latency</code> is a "
                   "placeholder.</p>\n");
        return;
    }
    const latency_fit *L = &r->lat_fit;
    char a[64], b[64], c[64];
    report_fmt_count(a, sizeof a, (double)r->lat_read);
    sb_puts(h, "<p>");
    escf(h, "%s latencies from %s", a, lat_name);
    if (r->nlat < r->lat_read) escf(h, " (fitted on a uniform sample of %zu)", r->nlat);
    report_fmt_seconds(a, sizeof a, L->min);
    report_fmt_seconds(b, sizeof b, L->median);
    report_fmt_seconds(c, sizeof c, L->max);
    escf(h, ": min %s, median %s, max %s. Five families fitted by maximum likelihood; the lowest AIC wins (the "
            "exponential when gamma or Weibull, which contain it, beat it by 2 or less). Intervals are 95%%.",
         a, b, c);
    sb_puts(h, "</p>\n");
    sb_puts(h, "<table>\n<tr><th class=\"l\">family</th><th class=\"l\">parameters (95% intervals)</th><th>AIC</th>"
               "<th>\u0394AIC</th><th>KS distance</th></tr>\n");
    for (int f = 0; f < LAT_NFAMILIES; f++) {
        const lat_candidate *k = &L->c[f];
        sb_printf(h, "<tr%s><td class=\"l\">", f == L->best ? " class=\"base\"" : "");
        escf(h, "%s%s", fit_lat_family_name(k->family), f == L->best ? " (chosen)" : "");
        sb_puts(h, "</td><td class=\"l wrap\">");
        if (!k->ok) {
            sb_puts(h, "no finite maximum</td><td></td><td></td><td></td></tr>\n");
            continue;
        }
        for (int w = 1; w <= k->k; w++) {
            double v = w == 1 ? k->p1 : k->p2, lo = w == 1 ? k->p1_lo : k->p2_lo, hi = w == 1 ? k->p1_hi : k->p2_hi;
            if (fit_lat_param_is_duration(k->family, w)) {
                report_fmt_seconds(a, sizeof a, v);
                report_fmt_seconds(b, sizeof b, lo);
                report_fmt_seconds(c, sizeof c, hi);
            } else {
                snprintf(a, sizeof a, "%.4g", v);
                snprintf(b, sizeof b, "%.4g", lo);
                snprintf(c, sizeof c, "%.4g", hi);
            }
            escf(h, "%s%s %s (%s to %s)", w > 1 ? ", " : "", fit_lat_param_name(k->family, w), a, b, c);
        }
        sb_printf(h, "</td><td>%.1f</td><td>%.1f</td><td>%.4f</td></tr>\n", k->aic, k->daic, k->ks);
    }
    sb_puts(h, "</table>\n<p>");
    if (isfinite(L->ks_p)) {
        char pv[64];
        fit_fmt_p(pv, sizeof pv, L->ks_p, L->boot);
        escf(h, "Goodness of fit of %s: %s (KS distance %.3g; %s against %d samples drawn from the fit and "
                "refitted, so that fitting is allowed for).",
             fit_lat_family_name((enum lat_family)L->best), FIT_REJECTED(L->ks_p, L->boot) ? "rejected" : "consistent", L->c[L->best].ks,
             pv, L->boot);
    }
    sb_puts(h, "</p>\n");
    for (size_t k = 0; k < cs->ncharts; k++)
        if (!strcmp(cs->charts[k].name, "fit_latency")) report_chart_figure(h, cs, &cs->charts[k]);
}

static char *fit_report_html(const fit_result *r, const chartset *cs, const char *name, const char *scenario_text,
                         const char *access_name, const char *lat_name)
{
    strbuf h = { 0 };
    sb_puts(&h, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                "<meta charset=\"utf-8\"/>\n<title>");
    esc(&h, name);
    sb_puts(&h, " \u2014 stampede fit</title>\n<style>\n");
    sb_puts(&h, report_stylesheet());
    sb_puts(&h, "pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.88em; }\n"
                "</style>\n</head>\n<body>\n<h1>");
    esc(&h, name);
    sb_puts(&h, "</h1>\n<p class=\"lead\">A scenario fitted to ");
    esc(&h, access_name);
    if (lat_name) {
        sb_puts(&h, " and ");
        esc(&h, lat_name);
    }
    char a[64], b[64];
    report_fmt_count(a, sizeof a, (double)r->requests);
    report_fmt_count(b, sizeof b, (double)r->pop.seen);
    escf(&h, ": %s requests over %.6g s, %s distinct keys", a, r->rate.span, b);
    if (r->nodes) escf(&h, ", %llu nodes", (unsigned long long)r->nodes);
    sb_puts(&h, ".</p>\n<p class=\"muted\">Fitted by stampede ");
    esc(&h, STAMPEDE_VERSION);
    sb_puts(&h, ". Times are seconds after the first request. Every number below is in <a href=\"fit.json\">fit.json"
                "</a>; the charts' data in <a href=\"rate.csv\">rate.csv</a>, <a href=\"rate_fit.csv\">rate_fit.csv"
                "</a>, <a href=\"ranks.csv\">ranks.csv</a>, <a href=\"popularity_model.csv\">popularity_model.csv</a>");
    if (r->have_lat)
        sb_puts(&h, ", <a href=\"latency_hist.csv\">latency_hist.csv</a>, <a href=\"latency_qq.csv\">latency_qq.csv</a>");
    sb_puts(&h, ".</p>\n<nav><a href=\"#arrivals\">Arrivals</a><a href=\"#keys\">Keys</a><a href=\"#latency\">DB "
                "latency</a><a href=\"#scenario\">Scenario</a></nav>\n");
    html_arrivals(&h, r, cs);
    html_keys(&h, r, cs);
    html_latency(&h, r, cs, lat_name);
    sb_puts(&h, "<h2 id=\"scenario\">Scenario</h2>\n<p>");
    sb_puts(&h, "<code>stampede run</code> accepts it as it is (<a href=\"scenario.json\">scenario.json</a>). The "
                "logs cannot tell these fields, which are placeholders to edit before trusting a run: ");
    esc(&h, fit_placeholders(r));
    sb_puts(&h, ".</p>\n<pre>");
    esc(&h, scenario_text);
    sb_puts(&h, "</pre>\n</body>\n</html>\n");
    if (h.oom) {
        sb_free(&h);
        return NULL;
    }
    return h.s;
}

/* ---------------------------------------------------------------- building */

int fit_report_build(fit_report *rp, const fit_result *r, const char *scenario_text, const char *access_name,
                     const char *lat_name, unsigned formats, char *err, size_t errlen)
{
    const char *tmp = rp->out.tmp;
    /* The scenario's name, for titles: from its "name" line. */
    char name[256] = "fit";
    const char *nm = strstr(scenario_text, "\"name\": \"");
    if (nm) {
        nm += 9;
        size_t k = strcspn(nm, "\"");
        snprintf(name, sizeof name, "%.*s", (int)(k < sizeof name - 1 ? k : sizeof name - 1), nm);
    }
    int rc = -1;
    char *json = fit_json(r, access_name, lat_name, r->seed), *html = NULL;
    double rymax, pymin, pymax, hmax = 0, qmin = 0, qmax = 0;
    chartset cs;
    memset(&cs, 0, sizeof cs);
    if (!json) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (outdir_text(&rp->out, "fit.json", json, err, errlen) ||
        outdir_text(&rp->out, "scenario.json", scenario_text, err, errlen) ||
        write_rate(&rp->out, r, &rymax, err, errlen) || write_popularity(&rp->out, r, &pymin, &pymax, err, errlen) ||
        (r->have_lat && write_latency(&rp->out, r, &hmax, &qmin, &qmax, err, errlen)))
        goto done;
    if (chartset_open(&cs, tmp, formats, false, err, errlen) || chart_rate(&cs, r, name, rymax, err, errlen) ||
        chart_popularity(&cs, r, name, pymin, pymax, err, errlen) ||
        (r->have_lat && chart_latency(&cs, r, name, hmax, qmin, qmax, err, errlen)) ||
        chartset_commit(&cs, NULL, err, errlen))
        goto done;
    if (!(html = fit_report_html(r, &cs, name, scenario_text, access_name, lat_name))) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (outdir_text(&rp->out, "report.html", html, err, errlen)) goto done;
    rc = 0;
done:
    chartset_close(&cs);
    free(json);
    free(html);
    return rc;
}
