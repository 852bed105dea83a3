/* plot_sweep.c - charts of a sweep folder: metrics against the first varied
 * field with 95% confidence bars (a panel per value of the second), heatmaps
 * over the first two.  Each chart's script sits beside it with its own data.
 * The folder is read strictly (sweep.json by the one manifest reader,
 * sweep.csv by csvin); every string of it reaches a script only through
 * plot.h's escapers, every number through "%.10g". */
#include "results/sweepfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvin.h"
#include "base/fs.h"
#include "base/textin.h"
#include "results/output.h"
#include "palette.h"
#include "runchart.h"
#include "plot.h"
#include "report.h"
#include "model/scenario.h"
#include "model/strategy.h"

/* The metrics charted, in this order: how requests ended, latency, the DB,
 * attempts; the one a goal optimises (best.txt) is added when not among them.
 * Each has words for its axis; its unit comes from its kind (output.h). */
static const struct metric_words {
    const char *name, *words;
    bool heatmap;
} metric_words[] = {
    { "failed_ratio", "requests that failed", true },
    { "good_ratio", "SLO attainment (requests good)", false },
    { "p99", "p99 latency of answered requests", true },
    { "peak_db_inflight", "peak DB queries in service", true },
    { "db_queries", "DB queries", false },
    { "errors", "errors (attempts)", false },
    { "timeouts", "timeouts (attempts)", false },
    { "hit_ratio", "hit ratio (lookups)", false },
};
#define NSHOWN (sizeof metric_words / sizeof *metric_words)
#define NMETRICS (NSHOWN + 1)   /* and the goal's */

typedef struct pmetric {
    char name[64], words[96];
    unsigned kind;     /* CK_COUNT, CK_FRACTION, CK_SECONDS, CK_REAL */
    bool heatmap, goal;
} pmetric;

#define MAX_COMBOS 12   /* charts per metric when three or more fields vary */
#define MAX_PANELS 36

typedef struct pvary {
    const char *path;
    size_t n;
    char **shown;
    const double *num;   /* NAN where not a number */
    bool numeric, log;
} pvary;

typedef struct prow {
    size_t *idx;      /* value index per varied field */
    size_t label;
    double mean[NMETRICS], ci[NMETRICS];
} prow;

typedef struct pdata {
    sweep_grid g;
    const char *name;
    size_t reps;
    pvary *v;
    size_t nv;
    char **labels;
    size_t nl;
    prow *rows;
    size_t nrows;
    pmetric m[NMETRICS];
    size_t nm;
} pdata;

static void pdata_free(pdata *d)
{
    free(d->v);
    for (size_t i = 0; i < d->nl; i++) free(d->labels[i]);
    free(d->labels);
    for (size_t i = 0; i < d->nrows; i++) free(d->rows[i].idx);
    free(d->rows);
    sweep_grid_free(&d->g);
    memset(d, 0, sizeof *d);
}

/* The metrics to chart: the usual ones, and the one best.txt's first line
 * ("minimize LABEL.METRIC ..." or "maximize METRIC ...") names when it is a
 * metric this version knows and not among them.  -1 on no memory. */
static int metrics_of(const char *dir, pdata *d)
{
    for (size_t k = 0; k < NSHOWN; k++) {
        pmetric *m = &d->m[d->nm++];
        snprintf(m->name, sizeof m->name, "%s", metric_words[k].name);
        snprintf(m->words, sizeof m->words, "%s", metric_words[k].words);
        m->kind = output_col_kind_of(m->name) & CK_KIND;
        m->heatmap = metric_words[k].heatmap;
    }
    char *path = fs_join(dir, "best.txt");
    if (!path) return -1;
    int rc = TI_IO;
    char e[256];
    char *best = fs_is_file(path) ? textin_slurp(path, 1u << 20, NULL, &rc, e, sizeof e) : NULL;
    free(path);
    if (!best) return 0;   /* no goal (or none readable): the usual metrics */
    char word[16] = "", what[128] = "";
    if (sscanf(best, "%15s %127s", word, what) == 2 && (!strcmp(word, "minimize") || !strcmp(word, "maximize"))) {
        const char *dot = strrchr(what, '.'), *name = dot ? dot + 1 : what;
        size_t k = 0;
        while (k < d->nm && strcmp(d->m[k].name, name)) k++;
        if (k == d->nm && (output_col_kind_of(name) & CK_KIND) != CK_ANY) {
            pmetric *m = &d->m[d->nm++];
            snprintf(m->name, sizeof m->name, "%s", name);
            snprintf(m->words, sizeof m->words, "%s", name);
            for (char *q = m->words; *q; q++) *q = *q == '_' ? ' ' : *q;
            m->kind = output_col_kind_of(name) & CK_KIND;
        }
        for (size_t j = 0; j < d->nm; j++) d->m[j].goal = !strcmp(d->m[j].name, name);
    }
    free(best);
    return 0;
}

/* Reads sweep.json (the grid) and sweep.csv (the means); a TI_* status. */
static int load(const char *dir, pdata *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    size_t *runs = NULL, nruns;
    int rc = sweep_manifest_read(dir, &d->g, &runs, &nruns, err, errlen);
    free(runs);
    if (rc) return rc;
    if (nruns < d->g.runs) {
        snprintf(err, errlen, "%s is one part of a sweep (%zu of %zu runs): join the parts with stampede merge, then "
                              "plot the merged folder", dir, nruns, d->g.runs);
        return TI_BAD;
    }
    d->name = d->g.name;
    d->reps = d->g.reps;
    if (!(d->v = calloc(d->g.nvary ? d->g.nvary : 1, sizeof *d->v))) goto oom;
    for (size_t i = 0; i < d->g.nvary; i++) {
        if (d->g.vary[i].zip) continue;   /* it moves with the axis before it: no axis of its own */
        pvary *v = &d->v[d->nv++];
        const sweep_vary *g = &d->g.vary[i];
        v->path = g->path;
        v->n = g->v.n;
        v->shown = g->v.shown;
        v->num = g->v.num;
        v->numeric = true;
        for (size_t k = 0; k < v->n; k++) v->numeric &= isfinite(v->num[k]);
        v->log = g->v.log && v->numeric;
        for (size_t k = 0; v->log && k < v->n; k++) v->log = v->num[k] > 0;
    }

    if (metrics_of(dir, d)) goto oom;
    char *path = fs_join(dir, "sweep.csv");
    if (!path) goto oom;
    csvin c;
    rc = csvin_open(&c, path, err, errlen);
    free(path);
    int *vcol = calloc(d->nv + 1, sizeof *vcol), *known = NULL, col[NMETRICS][2];
    if (rc) goto done;
    rc = TI_IO;
    if (!vcol || !(known = calloc(c.ncols, sizeof *known))) goto oom_csv;
    rc = TI_BAD;
    for (size_t i = 0; i < d->nv; i++)
        if ((vcol[i] = csvin_need(&c, d->v[i].path, err, errlen)) < 0) goto done;
    int clabel = csvin_need(&c, "label", err, errlen), cstrat = clabel < 0 ? -1 : csvin_need(&c, "strategy", err, errlen),
        cn = cstrat < 0 ? -1 : csvin_need(&c, "n", err, errlen);
    if (cn < 0) goto done;
    for (size_t k = 0; k < d->nm; k++)
        for (int h = 0; h < 2; h++) {
            char name[100];
            snprintf(name, sizeof name, "%s_%s", d->m[k].name, h ? "ci95" : "mean");
            if ((col[k][h] = csvin_need(&c, name, err, errlen)) < 0) goto done;
        }
    for (size_t i = 0; i < c.ncols; i++) known[i] = (int)sweep_csv_kind(c.head[i]);
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        for (size_t i = 0; i < c.ncols; i++) {
            double x;
            if (known[i] != CK_ANY && (rc = csvin_num(&c, (int)i, (unsigned)known[i], &x, err, errlen))) goto done;
        }
        double n;
        csvin_num(&c, cn, CK_ANY, &n, err, errlen);
        if (n > (double)d->reps) {
            rc = csvin_error(&c, cn, err, errlen, "more than the %zu replications of the sweep", d->reps);
            goto done;
        }
        prow *t = realloc(d->rows, (d->nrows + 1) * sizeof *t);
        if (!t) goto oom_csv;
        d->rows = t;
        prow *r = &d->rows[d->nrows++];
        memset(r, 0, sizeof *r);
        if (!(r->idx = calloc(d->nv ? d->nv : 1, sizeof *r->idx))) goto oom_csv;
        for (size_t v = 0; v < d->nv; v++) {
            const char *cell = csvin_cell(&c, vcol[v]);
            size_t k = 0;
            while (k < d->v[v].n && strcmp(d->v[v].shown[k], cell)) k++;
            if (k == d->v[v].n) {
                char got[96];
                textin_show(got, sizeof got, cell, strlen(cell), 40);
                rc = csvin_error(&c, vcol[v], err, errlen, "%s is not one of its values in sweep.json", got);
                goto done;
            }
            r->idx[v] = k;
        }
        const char *label = csvin_cell(&c, clabel);
        char got[96];
        if ((rc = results_row_names(&c, clabel, cstrat, err, errlen))) goto done;
        size_t l = 0;
        while (l < d->nl && strcmp(d->labels[l], label)) l++;
        if (l == d->nl) {
            char **ls = realloc(d->labels, (d->nl + 1) * sizeof *ls);
            if (!ls) goto oom_csv;
            d->labels = ls;
            if (!(ls[d->nl] = strdup(label))) goto oom_csv;
            d->nl++;
        }
        r->label = l;
        for (size_t i = 0; i + 1 < d->nrows; i++) {
            const prow *o = &d->rows[i];
            bool same = o->label == l;
            for (size_t v = 0; same && v < d->nv; v++) same = o->idx[v] == r->idx[v];
            if (same) {
                textin_show(got, sizeof got, label, strlen(label), 40);
                rc = csvin_error(&c, clabel, err, errlen, "a second row for label %s at the same point", got);
                goto done;
            }
        }
        for (size_t k = 0; k < d->nm; k++) {
            csvin_num(&c, col[k][0], CK_ANY, &r->mean[k], err, errlen);
            csvin_num(&c, col[k][1], CK_ANY, &r->ci[k], err, errlen);
        }
    }
    if (rc == TI_END) rc = 0;
    goto done;
oom_csv:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    free(vcol);
    free(known);
    csvin_close(&c);
    return rc;
oom:
    snprintf(err, errlen, "out of memory");
    return TI_IO;
}

/* ---------------------------------------------------------------- units */

/* How values are shown on an axis: times scale, in unit ("" for none). */
typedef struct unit { double scale; const char *unit; } unit;

/* Seconds in the unit that reads best for values up to most. */
static unit seconds_unit(double most)
{
    if (most > 0 && most < 1e-3) return (unit){ 1e6, "\u00b5s" };
    if (most > 0 && most < 1) return (unit){ 1e3, "ms" };
    return (unit){ 1, "s" };
}

/* The unit of metric mi, from its kind and its largest mean. */
static unit metric_unit(const pdata *d, size_t mi)
{
    switch (d->m[mi].kind) {
    case CK_FRACTION: return (unit){ 100, "%" };
    case CK_SECONDS: {
        double most = 0;
        for (size_t i = 0; i < d->nrows; i++)
            if (isfinite(d->rows[i].mean[mi]) && d->rows[i].mean[mi] > most) most = d->rows[i].mean[mi];
        return seconds_unit(most);
    }
    default: return (unit){ 1, "" };
    }
}

/* "p99 latency of answered requests (ms)" */
static void metric_label(strbuf *b, const pdata *d, size_t mi, unit u)
{
    sb_puts(b, d->m[mi].words);
    if (*u.unit) sb_printf(b, " (%s)", u.unit);
}

/* Whether a varied field holds durations: a value written with a unit
 * ("30s", "250ms"), or a field of that name in the scenario format. */
static bool vary_is_duration(const pdata *d, size_t vi)
{
    const pvary *v = &d->v[vi];
    if (!v->numeric) return false;
    const sweep_values *sv = &d->g.vary[vi].v;
    for (size_t k = 0; k < sv->n; k++) {
        char *end;
        strtod(sv->text[k], &end);
        while (*end == ' ') end++;
        if (*end && strchr("nuµmsh", *end)) return true;
    }
    static const char *const fields[] = { "ttl", "timeout", "duration", "warmup", "bin", "backoff", "poll",
                                          "max_wait", "median", "mean", "latency", "drain", "until", "at", "over",
                                          "lease", "refresh", "stale", "grace", "deadline", "statement_timeout",
                                          "queue_timeout", "max_backoff" };
    const char *last = strrchr(v->path, '.');
    last = last ? last + 1 : v->path;
    for (size_t k = 0; k < sizeof fields / sizeof *fields; k++)
        if (!strcmp(last, fields[k])) return true;
    return false;
}

static unit vary_unit(const pdata *d, size_t vi)
{
    if (!vary_is_duration(d, vi)) return (unit){ 1, "" };
    double most = 0;
    for (size_t k = 0; k < d->v[vi].n; k++) most = fmax(most, fabs(d->v[vi].num[k]));
    return most == 1 ? (unit){ 1e3, "ms" } : seconds_unit(most);   /* 100, 300, 1000 ms rather than 0.1, 0.3, 1 s */
}

/* A varied field in words: "xfetch: beta" for a strategy's field (by
 * position or by label), else its path; with its unit. */
static void vary_label(strbuf *b, const pdata *d, size_t vi, unit u)
{
    const char *path = d->v[vi].path;
    char *end = NULL;
    const char *label = NULL, *field = NULL;
    if (!strncmp(path, "strategies.", 11)) {
        unsigned long k = strtoul(path + 11, &end, 10);
        if (end != path + 11 && *end == '.' && k < d->nl) {
            label = d->labels[k];
            field = end + 1;
        } else if (end == path + 11) {   /* strategies.LABEL.FIELD */
            for (size_t l = 0; l < d->nl && !label; l++) {
                size_t n = strlen(d->labels[l]);
                if (!strncmp(path + 11, d->labels[l], n) && path[11 + n] == '.') {
                    label = d->labels[l];
                    field = path + 12 + n;
                }
            }
        }
    }
    for (size_t l = 0; l < d->nl && !label; l++) {   /* LABEL.FIELD */
        size_t n = strlen(d->labels[l]);
        if (!strncmp(path, d->labels[l], n) && path[n] == '.') {
            label = d->labels[l];
            field = path + n + 1;
        }
    }
    if (label) sb_printf(b, "%s: %s", label, field);
    else sb_puts(b, path);
    if (*u.unit) sb_printf(b, " (%s)", u.unit);
}

/* A value of a varied field as shown on its axis: "30", "0.25", or its text. */
static void vary_value(strbuf *b, const pvary *v, size_t k, unit u)
{
    if (v->numeric) sb_printf(b, "%.6g", v->num[k] * u.scale);
    else sb_puts(b, v->shown[k]);
}

/* ---------------------------------------------------------------- scripts */

static void num(strbuf *b, double v) { sb_printf(b, "%.10g", isfinite(v) ? v : 0.0); }

/* Whether row r sits at the chart's fixed values: vary 1 = panel (when
 * used), varies 2.. = the combination. */
static bool in_chart(const pdata *d, const prow *r, const size_t *fixed, size_t panel)
{
    if (d->nv >= 2 && r->idx[1] != panel) return false;
    for (size_t v = 2; v < d->nv; v++)
        if (r->idx[v] != fixed[v]) return false;
    return true;
}

static double xval(const pvary *v, size_t k, unit u) { return v->numeric ? v->num[k] * u.scale : (double)k; }

/* x moved a little aside for label l (0.6% of the axis per label, centred),
 * so that labels with equal values at a point show every marker and bar. */
static double dodge(const pdata *d, double x, size_t l)
{
    const pvary *v = &d->v[0];
    double k = ((double)l - (double)(d->nl - 1) / 2) * 0.006;
    if (!v->numeric) return x + k * (double)v->n;
    double lo = v->num[0], hi = v->num[0];
    for (size_t i = 1; i < v->n; i++) { lo = fmin(lo, v->num[i]); hi = fmax(hi, v->num[i]); }
    if (v->log) return x * exp(k * log(hi / lo));
    return x + k * (hi > lo ? (hi - lo) * vary_unit(d, 0).scale : fmax(fabs(x) * 0.2, 1));
}

/* The x axis of a metric chart: the first varied field, its values as tics. */
static void axis_x(strbuf *f, const pdata *d)
{
    const pvary *v = &d->v[0];
    unit u = vary_unit(d, 0);
    strbuf t = { 0 };
    vary_label(&t, d, 0, u);
    sb_puts(f, "set xlabel ");
    gp_quote(f, t.s ? t.s : "");
    sb_puts(f, "\n");
    if (t.oom) f->oom = true;
    sb_free(&t);
    if (v->numeric) {
        double lo = v->num[0] * u.scale, hi = lo;
        for (size_t k = 1; k < v->n; k++) { lo = fmin(lo, v->num[k] * u.scale); hi = fmax(hi, v->num[k] * u.scale); }
        if (v->log) {
            sb_puts(f, "set logscale x\nset xrange [");
            num(f, lo / 1.25);
            sb_puts(f, ":");
            num(f, hi * 1.25);
            sb_puts(f, "]\n");
        } else {
            double pad = hi > lo ? (hi - lo) * 0.05 : fmax(fabs(lo) * 0.1, 1);
            sb_puts(f, "set xrange [");
            num(f, lo - pad);
            sb_puts(f, ":");
            num(f, hi + pad);
            sb_puts(f, "]\n");
        }
        if (v->n <= 12) {
            sb_puts(f, "set xtics (");
            for (size_t k = 0; k < v->n; k++) {
                strbuf s = { 0 };
                vary_value(&s, v, k, u);
                sb_puts(f, k ? ", " : "");
                gp_tic(f, s.s ? s.s : "");
                sb_puts(f, " ");
                num(f, v->num[k] * u.scale);
                sb_free(&s);
            }
            sb_puts(f, ")\n");
        } else {
            sb_puts(f, "set xtics autofreq\n");
        }
    } else {
        sb_printf(f, "set xrange [-0.5:%zu.5]\nset xtics (", v->n - 1);
        for (size_t k = 0; k < v->n; k++) {
            sb_puts(f, k ? ", " : "");
            gp_tic(f, v->shown[k]);
            sb_printf(f, " %zu", k);
        }
        sb_puts(f, ")\n");
    }
}

/* "cache.ttl = 30 s, ..." of varies from..nv-1 at the values idx[]. */
static void one_desc(strbuf *b, const pdata *d, size_t v, size_t k)
{
    unit u = vary_unit(d, v);
    vary_label(b, d, v, (unit){ 1, "" });
    sb_puts(b, " = ");
    vary_value(b, &d->v[v], k, u);
    if (*u.unit && d->v[v].numeric) sb_printf(b, " %s", u.unit);
}

static void fixed_desc(strbuf *b, const pdata *d, const size_t *idx, size_t from)
{
    for (size_t v = from; v < d->nv; v++) {
        sb_puts(b, v > from ? ", " : "");
        one_desc(b, d, v, idx[v]);
    }
}

/* Whether metric mi has one mean everywhere (every point, every label). */
static bool metric_constant(const pdata *d, size_t mi, double *value)
{
    bool any = false;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < d->nrows; i++) {
        double m = d->rows[i].mean[mi];
        if (isnan(m)) continue;
        if (!any) lo = hi = m;
        lo = fmin(lo, m);
        hi = fmax(hi, m);
        any = true;
    }
    *value = lo;
    return any && (hi == lo || (isfinite(hi) && hi - lo <= 1e-12 * fmax(1, fabs(hi))));
}

/* What every metric chart's caption ends with: the metrics that were the same
 * everywhere, so not charted. */
static void constant_note(strbuf *b, const pdata *d)
{
    size_t k = 0;
    for (size_t mi = 0; mi < d->nm; mi++) {
        double v;
        if (d->m[mi].goal || !metric_constant(d, mi, &v)) continue;
        unit u = metric_unit(d, mi);
        sb_puts(b, k++ ? ", " : " Not charted, the same at every point for every label: ");
        sb_printf(b, "%s %.4g%s%s", d->m[mi].words, v * u.scale, *u.unit && strcmp(u.unit, "%") ? " " : "", u.unit);
    }
    if (k) sb_puts(b, ".");
}

/* The placeholders of one chart, filled from c's values, drawn into cs. */
static int draw_filled(chartset *cs, chart *c, const char *name, const char *tpl, const char *title,
                       const char *caption, char *err, size_t errlen)
{
    subst s[MAXSUBS];
    int rc = -1;
    for (size_t i = 0; i < c->n; i++) {
        if (c->val[i].oom) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        s[i] = (subst){ c->key[i], c->val[i].s ? c->val[i].s : "" };
    }
    rc = chartset_draw(cs, name, tpl, s, c->n, title, caption, err, errlen);
done:
    chart_free(c);
    return rc;
}

/* Panels of a chart in a grid inside [x0, x1] x [y0, y1] of the screen:
 * panel p's margins. */
static void panel_box(strbuf *f, size_t p, size_t n, double x0, double x1, double y0, double y1, double hgap,
                      double vgap)
{
    size_t cols = n <= 3 ? n : n <= 4 ? 2 : n <= 9 ? 3 : n <= 16 ? 4 : 6, rows = (n + cols - 1) / cols;
    double w = (x1 - x0 - hgap * (double)(cols - 1)) / (double)cols;
    double h = (y1 - y0 - vgap * (double)(rows - 1)) / (double)rows;
    size_t c = p % cols, r = p / cols;
    sb_printf(f, "    set lmargin at screen %.4f\n    set rmargin at screen %.4f\n", x0 + (double)c * (w + hgap),
              x0 + (double)c * (w + hgap) + w);
    sb_printf(f, "    set tmargin at screen %.4f\n    set bmargin at screen %.4f\n", y1 - (double)r * (h + vgap),
              y1 - (double)r * (h + vgap) - h);
}

static size_t grid_cols(size_t n) { return n <= 3 ? n : n <= 4 ? 2 : n <= 9 ? 3 : n <= 16 ? 4 : 6; }

/* One metric against the first varied field; returns 0, 1 when there is
 * nothing to draw. */
static int line_chart(chartset *cs, const pdata *d, size_t mi, const size_t *fixed, const char *base, char *err,
                      size_t errlen)
{
    size_t npanel = d->nv >= 2 ? d->v[1].n : 1;
    if (npanel > MAX_PANELS) npanel = MAX_PANELS;
    const pmetric *mt = &d->m[mi];
    unit u = metric_unit(d, mi);
    /* Intervals clipped to the metric's range: every metric is at least 0,
     * a share at most 1. */
    double top = mt->kind == CK_FRACTION ? 1 : INFINITY;
    double lo = INFINITY, hi = -INFINITY;
    bool ci_any = false, clipped = false;
    for (size_t i = 0; i < d->nrows; i++) {
        const prow *r = &d->rows[i];
        if (!in_chart(d, r, fixed, d->nv >= 2 ? r->idx[1] : 0) || (d->nv >= 2 && r->idx[1] >= npanel)) continue;
        if (!isfinite(r->mean[mi])) continue;
        double h = isfinite(r->ci[mi]) ? r->ci[mi] : 0;
        ci_any |= isfinite(r->ci[mi]);
        clipped |= r->mean[mi] - h < 0 || r->mean[mi] + h > top;
        lo = fmin(lo, fmax(r->mean[mi] - h, 0));
        hi = fmax(hi, fmin(r->mean[mi] + h, top));
    }
    if (!isfinite(lo)) return 1;
    lo *= u.scale;
    hi *= u.scale;
    double pad = hi > lo ? (hi - lo) * 0.08 : fmax(fabs(hi) * 0.1, 1);
    double ymin = lo - pad < 0 ? 0 : lo - pad, ymax = hi + pad;
    chart c = { 0 };
    strbuf fx = { 0 }, *title = chart_sub(&c, "TITLE"), t = { 0 };
    fixed_desc(&fx, d, fixed, 2);
    sb_printf(&t, "%s: ", d->name);
    metric_label(&t, d, mi, u);
    sb_printf(&t, ", mean of %zu replication%s%s%s%s%s", d->reps, d->reps == 1 ? "" : "s",
              ci_any ? " \u00b1 95% CI" : "", mt->goal ? " (the goal)" : "", fx.len ? "; " : "", fx.len ? fx.s : "");
    gp_quote(title, t.s ? t.s : "");

    strbuf *data = chart_sub(&c, "DATA");
    for (size_t p = 0; p < npanel; p++)
        for (size_t l = 0; l < d->nl; l++) {
            sb_printf(data, "$p%zu_l%zu << EOD\n", p, l);
            for (size_t k = 0; k < d->v[0].n; k++)
                for (size_t i = 0; i < d->nrows; i++) {
                    const prow *r = &d->rows[i];
                    if (r->label != l || r->idx[0] != k || !in_chart(d, r, fixed, p) || !isfinite(r->mean[mi])) continue;
                    double h = isfinite(r->ci[mi]) ? r->ci[mi] : 0;
                    num(data, dodge(d, xval(&d->v[0], k, vary_unit(d, 0)), l));
                    sb_puts(data, ",");
                    num(data, r->mean[mi] * u.scale);
                    sb_puts(data, ",");
                    num(data, fmax(r->mean[mi] - h, 0) * u.scale);
                    sb_puts(data, ",");
                    num(data, fmin(r->mean[mi] + h, top) * u.scale);
                    sb_puts(data, "\n");
                }
            sb_puts(data, "EOD\n");
        }
    axis_x(chart_sub(&c, "XAXIS"), d);
    num(chart_sub(&c, "YMIN"), ymin);
    num(chart_sub(&c, "YMAX"), ymax);
    strbuf *yt = chart_sub(&c, "YTICS");
    if (mt->kind == CK_COUNT && ymin == 0 && ymax >= 10) chart_count_tics(yt, "y", ymax);
    else sb_puts(yt, "set ytics autofreq\n    set format y \"%g\"");
    strbuf *note = chart_sub(&c, "NOTE");
    if (clipped) {
        sb_puts(note, "set label 90 ");
        gp_quote(note, mt->kind == CK_FRACTION ? "intervals clipped to 0\u2013100%" : "intervals clipped at 0");
        sb_puts(note, " at screen 0.785, screen 0.12 left textcolor rgb '#444444' font ',11'");
    }
    /* The metrics not charted for being the same everywhere, under the key. */
    size_t nconst = 0;
    for (size_t j = 0; j < d->nm; j++) {
        double v;
        if (d->m[j].goal || !metric_constant(d, j, &v)) continue;
        unit uj = metric_unit(d, j);
        strbuf line = { 0 };
        if (!nconst++) {
            sb_puts(note, note->len ? "\n" : "");
            sb_puts(note, "set label 92 'the same everywhere, not charted:' at screen 0.785, screen 0.42 left "
                          "textcolor rgb '#444444' font ',10'");
        }
        sb_printf(&line, "%s: %.4g%s%s", d->m[j].words, v * uj.scale, *uj.unit && strcmp(uj.unit, "%") ? " " : "",
                  uj.unit);
        sb_printf(note, "\nset label %zu ", 92 + nconst);
        gp_quote(note, line.s ? line.s : "");
        sb_printf(note, " at screen 0.795, screen %.3f left textcolor rgb '#444444' font ',10'",
                  0.42 - 0.03 * (double)nconst);
        if (line.oom) note->oom = true;
        sb_free(&line);
    }
    strbuf *pn = chart_sub(&c, "PANELS"), yl = { 0 };
    metric_label(&yl, d, mi, u);
    size_t cols = grid_cols(npanel);
    for (size_t p = 0; p < npanel; p++) {
        panel_box(pn, p, npanel, 0.08, 0.77, 0.12, npanel > 1 ? 0.83 : 0.86, 0.045, npanel > 1 ? 0.1 : 0);
        sb_puts(pn, "    set title ");
        if (npanel > 1) {
            strbuf pt = { 0 };
            one_desc(&pt, d, 1, p);
            gp_quote(pn, pt.s ? pt.s : "");
            sb_free(&pt);
        } else {
            gp_quote(pn, "");
        }
        sb_puts(pn, "\n    set xlabel ");
        if (p + cols >= npanel) {
            strbuf xl = { 0 };
            vary_label(&xl, d, 0, vary_unit(d, 0));
            gp_quote(pn, xl.s ? xl.s : "");
            sb_free(&xl);
        } else {
            gp_quote(pn, "");
        }
        /* one row: the axis' own label; more: one label down the left edge,
         * drawn with the first panel (a panel is too short for it) */
        size_t rows = (npanel + cols - 1) / cols;
        sb_puts(pn, "\n    set ylabel ");
        gp_quote(pn, rows == 1 && p % cols == 0 ? (yl.s ? yl.s : "") : "");
        if (rows > 1 && p == 0) {
            sb_puts(pn, "\n    set label 91 ");
            gp_quote(pn, yl.s ? yl.s : "");
            sb_puts(pn, " at screen 0.018, screen 0.475 center rotate by 90");
        } else if (rows > 1 && p == 1) {
            sb_puts(pn, "\n    unset label 91");
        }
        sb_puts(pn, "\n    plot NaN notitle");
        for (size_t l = 0; l < d->nl; l++) {
            /* the line in the label's dashes; its points and bars solid */
            int lt = palette_style((const char *const *)d->labels, d->nl, l);
            sb_printf(pn, ", \\\n         $p%zu_l%zu using 1:2 with lines linetype %d notitle", p, l, lt);
            sb_printf(pn, ", \\\n         $p%zu_l%zu using 1:2%s with %s linetype %d dashtype solid linewidth 1.5 notitle",
                      p, l, ci_any ? ":3:4" : "", ci_any ? "yerrorbars" : "points", lt);
        }
        sb_puts(pn, "\n");
    }
    strbuf *key = chart_sub(&c, "KEY");
    for (size_t l = 0; l < d->nl; l++) {
        sb_printf(key, "%skeyentry with linespoints linetype %d title ", l ? ", \\\n         " : "",
                  palette_style((const char *const *)d->labels, d->nl, l));
        gp_quote(key, d->labels[l]);
    }
    sb_puts(key, d->nl ? ", \\\n         NaN notitle" : "NaN notitle");
    strbuf cap = { 0 }, head = { 0 };
    metric_label(&head, d, mi, u);
    sb_printf(&cap, "The mean of %zu replication%s at each point, one line per label", d->reps, d->reps == 1 ? "" : "s");
    if (npanel > 1) sb_puts(&cap, ", a panel per value of the second varied field");
    if (ci_any)
        sb_puts(&cap, "; bars: 95% confidence intervals (Student t), clipped to the metric's range (a count or a "
                      "time never below 0, a share never outside 0\u2013100%)");
    sb_puts(&cap, ".");
    if (mt->goal) sb_puts(&cap, " The metric the sweep's goal optimises (best.txt).");
    constant_note(&cap, d);
    int rc = head.oom || cap.oom || fx.oom || t.oom || yl.oom
                 ? (snprintf(err, errlen, "out of memory"), chart_free(&c), -1)
                 : draw_filled(cs, &c, base, "sweep_metric", head.s, cap.s, err, errlen);
    sb_free(&fx);
    sb_free(&t);
    sb_free(&yl);
    sb_free(&cap);
    sb_free(&head);
    return rc;
}

/* A heatmap of metric mi over the first two varied fields, a panel per
 * label, one colour scale for all. */
static int heatmap(chartset *cs, const pdata *d, size_t mi, const size_t *fixed, const char *base, char *err,
                   size_t errlen)
{
    const pvary *vx = &d->v[0], *vy = &d->v[1];
    const pmetric *mt = &d->m[mi];
    unit u = metric_unit(d, mi), ux = vary_unit(d, 0), uy = vary_unit(d, 1);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < d->nrows; i++) {
        const prow *r = &d->rows[i];
        if (!in_chart(d, r, fixed, r->idx[1]) || !isfinite(r->mean[mi])) continue;
        lo = fmin(lo, r->mean[mi] * u.scale);
        hi = fmax(hi, r->mean[mi] * u.scale);
    }
    if (!isfinite(lo)) return 1;
    if (hi == lo) hi = lo + fmax(fabs(lo) * 0.1, 1);
    chart c = { 0 };
    strbuf fx = { 0 }, t = { 0 }, head = { 0 }, cap = { 0 };
    fixed_desc(&fx, d, fixed, 2);
    metric_label(&head, d, mi, u);
    sb_printf(&t, "%s: %s, mean of %zu replication%s%s%s%s", d->name, head.s ? head.s : "", d->reps,
              d->reps == 1 ? "" : "s", mt->goal ? " (the goal)" : "", fx.len ? "; " : "", fx.len ? fx.s : "");
    gp_quote(chart_sub(&c, "TITLE"), t.s ? t.s : "");
    num(chart_sub(&c, "CBMIN"), lo);
    num(chart_sub(&c, "CBMAX"), hi);
    gp_quote(chart_sub(&c, "CBLABEL"), head.s ? head.s : "");
    strbuf *data = chart_sub(&c, "DATA");
    for (size_t l = 0; l < d->nl; l++) {
        sb_printf(data, "$h%zu << EOD\n", l);
        for (size_t i = 0; i < d->nrows; i++) {
            const prow *r = &d->rows[i];
            if (r->label != l || !in_chart(d, r, fixed, r->idx[1]) || !isfinite(r->mean[mi])) continue;
            double v = r->mean[mi] * u.scale, x = (v - lo) / (hi - lo);
            sb_printf(data, "%zu,%zu,", r->idx[0], r->idx[1]);
            num(data, v);
            sb_printf(data, ",%d\n", x > 0.6 ? 0 : 0xffffff);
        }
        sb_puts(data, "EOD\n");
    }
    for (int a = 0; a < 2; a++) {
        const pvary *v = a ? vy : vx;
        strbuf *ax = chart_sub(&c, a ? "YAXIS" : "XAXIS"), lab = { 0 };
        vary_label(&lab, d, (size_t)a, a ? uy : ux);
        sb_printf(ax, "    set %srange [-0.5:%zu.5]\n    set %stics (", a ? "y" : "x", v->n - 1, a ? "y" : "x");
        for (size_t k = 0; k < v->n; k++) {
            strbuf s = { 0 };
            vary_value(&s, v, k, a ? uy : ux);
            sb_puts(ax, k ? ", " : "");
            gp_tic(ax, s.s ? s.s : "");
            sb_printf(ax, " %zu", k);
            sb_free(&s);
        }
        sb_printf(ax, ")\n    %s = ", a ? "ylab" : "xlab");
        gp_quote(ax, lab.s ? lab.s : "");
        sb_free(&lab);
    }
    strbuf *pn = chart_sub(&c, "PANELS");
    size_t cols = grid_cols(d->nl);
    for (size_t l = 0; l < d->nl; l++) {
        panel_box(pn, l, d->nl, 0.08, 0.84, 0.12, 0.83, 0.05, 0.14);
        sb_puts(pn, "    set title ");
        gp_quote(pn, d->labels[l]);
        sb_printf(pn, " textcolor linetype %d\n", palette_style((const char *const *)d->labels, d->nl, l));
        sb_printf(pn, "    set xlabel %s\n    set ylabel %s\n", l + cols >= d->nl ? "xlab" : "''",
                  l % cols == 0 ? "ylab" : "''");
        if (l + 1 == d->nl)
            sb_puts(pn, "    set colorbox user origin screen 0.89, screen 0.15 size screen 0.018, screen 0.65\n");
        sb_printf(pn, "    plot $h%zu using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder "
                      "linecolor palette notitle, \\\n         $h%zu using 1:2:(sprintf('%%.3g', $3)):4 with labels "
                      "textcolor rgb variable font ',10' notitle\n", l, l);
    }
    sb_printf(&cap, "The mean of %zu replication%s at each point, a panel per label, every panel on the one colour "
                    "scale at the right (%s), so that the panels compare.", d->reps, d->reps == 1 ? "" : "s",
              head.s ? head.s : "");
    if (mt->goal) sb_puts(&cap, " The metric the sweep's goal optimises (best.txt).");
    int rc = head.oom || cap.oom || fx.oom || t.oom
                 ? (snprintf(err, errlen, "out of memory"), chart_free(&c), -1)
                 : draw_filled(cs, &c, base, "sweep_heatmap", t.s, cap.s, err, errlen);
    sb_free(&fx);
    sb_free(&t);
    sb_free(&head);
    sb_free(&cap);
    return rc;
}

int plot_sweep_check(const char *dir, char *err, size_t errlen)
{
    pdata d;
    int rc = load(dir, &d, err, errlen);
    pdata_free(&d);
    return rc == TI_IO ? -1 : rc ? -2 : 0;
}

int plot_sweep_folder(const char *dir, unsigned formats, plot_sweep_page *page, char *err, size_t errlen)
{
    pdata d;
    int rc = load(dir, &d, err, errlen);
    if (rc) {
        pdata_free(&d);
        return rc == TI_IO ? -1 : -2;
    }
    chartset cs;
    size_t *fixed = calloc(d.nv + 1, sizeof *fixed);
    if (!fixed) {
        snprintf(err, errlen, "out of memory");
        pdata_free(&d);
        return -1;
    }
    rc = chartset_open(&cs, dir, formats, page != NULL, err, errlen);
    if (rc) goto done;
    rc = -1;
    /* one chart per combination of the values of varies 2.. (at most MAX_COMBOS) */
    size_t ncombo = 1;
    for (size_t v = 2; v < d.nv; v++) ncombo = ncombo > MAX_COMBOS ? ncombo : ncombo * d.v[v].n;
    if (ncombo > MAX_COMBOS) ncombo = MAX_COMBOS;
    char base[300];
    for (size_t c = 0; c < ncombo; c++) {
        size_t rest = c;
        for (size_t v = d.nv; v-- > 2;) { fixed[v] = rest % d.v[v].n; rest /= d.v[v].n; }
        char suffix[32] = "";
        if (d.nv > 2) snprintf(suffix, sizeof suffix, "-%zu", c + 1);
        for (size_t mi = 0; mi < d.nm; mi++) {
            double same;
            if (d.nv == 0) break;   /* nothing varies: nothing to chart against */
            if (!d.m[mi].goal && metric_constant(&d, mi, &same)) continue;   /* listed in the captions */
            snprintf(base, sizeof base, "%s%s", d.m[mi].name, suffix);
            int k = line_chart(&cs, &d, mi, fixed, base, err, errlen);
            if (k < 0) goto done;
            if (!(d.m[mi].heatmap || d.m[mi].goal) || d.nv < 2 || d.v[0].n < 2 || d.v[1].n < 2) continue;
            snprintf(base, sizeof base, "heatmap-%s%s", d.m[mi].name, suffix);
            if (heatmap(&cs, &d, mi, fixed, base, err, errlen) < 0) goto done;
        }
    }
    char *html = page ? page(dir, &cs, err, errlen) : NULL;
    rc = !page || html ? chartset_commit(&cs, html, err, errlen) : -1;
    free(html);
done:
    chartset_close(&cs);
    free(fixed);
    pdata_free(&d);
    return rc;
}
