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
#include "results/output.h"
#include "plot.h"
#include "model/scenario.h"
#include "model/strategy.h"

/* Okabe-Ito, yellow last (it is faint on white), then distinct dash types. */
static const char *const colours[] = { "#E69F00", "#56B4E9", "#009E73", "#0072B2",
                                       "#D55E00", "#CC79A7", "#000000", "#F0E442" };
#define NCOLOURS (sizeof colours / sizeof *colours)

static const struct metric_info {
    const char *name, *title;
    bool heatmap;
} metrics_shown[] = {
    { "failed_ratio", "share of requests that failed", true },
    { "good_ratio", "SLO attainment (share of requests good)", false },
    { "p99", "p99 latency of answered requests (s)", true },
    { "peak_db_inflight", "peak DB queries in service", true },
    { "db_queries", "DB queries", false },
    { "errors", "errors (attempts)", false },
    { "timeouts", "timeouts (attempts)", false },
    { "hit_ratio", "hit ratio (lookups)", false },
};
#define NMETRICS (sizeof metrics_shown / sizeof *metrics_shown)

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
    for (size_t k = 0; k < NMETRICS; k++)
        for (int h = 0; h < 2; h++) {
            char name[64];
            snprintf(name, sizeof name, "%s_%s", metrics_shown[k].name, h ? "ci95" : "mean");
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
        for (size_t k = 0; k < NMETRICS; k++) {
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

/* ---------------------------------------------------------------- scripts */

static void num(strbuf *b, double v) { sb_printf(b, "%.10g", isfinite(v) ? v : 0.0); }

/* A name for a file made from a label: letters, digits, '.', '_' and '-'
 * (which is what a label holds), anything else '_'. */
static void file_part(char *out, size_t n, const char *s)
{
    size_t o = 0;
    for (; *s && o + 1 < n; s++)
        out[o++] = (char)((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
                          *s == '.' || *s == '_' || *s == '-' ? *s : '_');
    out[o] = 0;
}

static void terminal(strbuf *f, const char *ext, int w, int h, const char *base)
{
    if (!strcmp(ext, "svg"))
        sb_printf(f, "set terminal svg size %d,%d dynamic noenhanced font 'Helvetica,12' background rgb 'white'\n", w, h);
    else if (!strcmp(ext, "png"))
        sb_printf(f, "set terminal pngcairo size %d,%d noenhanced font 'Helvetica,10' background rgb 'white'\n", w, h);
    else
        sb_printf(f, "set terminal pdfcairo size %.2fin,%.2fin noenhanced font 'Helvetica,10'\n", w / 96.0, h / 96.0);
    char out[400];
    snprintf(out, sizeof out, "%s.%s", base, ext);
    sb_puts(f, "set output ");
    gp_quote(f, out);
    sb_puts(f, "\n");
}

/* Whether row r sits at the chart's fixed values: vary 1 = panel (when
 * used), varies 2.. = the combination. */
static bool in_chart(const pdata *d, const prow *r, const size_t *fixed, size_t panel)
{
    if (d->nv >= 2 && r->idx[1] != panel) return false;
    for (size_t v = 2; v < d->nv; v++)
        if (r->idx[v] != fixed[v]) return false;
    return true;
}

static double xval(const pvary *v, size_t k) { return v->numeric ? v->num[k] : (double)k; }

static void axis_x(strbuf *f, const pvary *v)
{
    sb_puts(f, "set xlabel ");
    gp_quote(f, v->path);
    sb_puts(f, "\n");
    if (v->numeric) {
        double lo = v->num[0], hi = v->num[0];
        for (size_t k = 1; k < v->n; k++) { lo = fmin(lo, v->num[k]); hi = fmax(hi, v->num[k]); }
        if (v->log) {
            sb_puts(f, "set logscale x\nset xrange [");
            num(f, lo / 1.25);
            sb_puts(f, ":");
            num(f, hi * 1.25);
            sb_puts(f, "]\n");
        } else {
            double pad = hi > lo ? (hi - lo) * 0.05 : fmax(fabs(lo) * 0.1, 1);
            sb_puts(f, "unset logscale x\nset xrange [");
            num(f, lo - pad);
            sb_puts(f, ":");
            num(f, hi + pad);
            sb_puts(f, "]\n");
        }
        if (v->n <= 12) {
            sb_puts(f, "set xtics (");
            for (size_t k = 0; k < v->n; k++) {
                sb_puts(f, k ? ", " : "");
                gp_tic(f, v->shown[k]);
                sb_puts(f, " ");
                num(f, v->num[k]);
            }
            sb_puts(f, ")\n");
        } else {
            sb_puts(f, "set xtics autofreq\n");
        }
    } else {
        sb_printf(f, "unset logscale x\nset xrange [-0.5:%zu.5]\nset xtics (", v->n - 1);
        for (size_t k = 0; k < v->n; k++) {
            sb_puts(f, k ? ", " : "");
            gp_tic(f, v->shown[k]);
            sb_printf(f, " %zu", k);
        }
        sb_puts(f, ")\n");
    }
}

/* "path = value, ..." of varies 2.. at the chart's fixed values. */
static void fixed_desc(strbuf *b, const pdata *d, const size_t *fixed)
{
    for (size_t v = 2; v < d->nv; v++) sb_printf(b, "%s%s = %s", v > 2 ? ", " : "", d->v[v].path, d->v[v].shown[fixed[v]]);
}

/* One metric against the first varied field; returns 0, 1 when there is
 * nothing to draw. */
static int line_chart(strbuf *f, const pdata *d, size_t mi, const size_t *fixed, const char *base, unsigned formats)
{
    size_t npanel = d->nv >= 2 ? d->v[1].n : 1;
    if (npanel > MAX_PANELS) npanel = MAX_PANELS;
    double lo = INFINITY, hi = -INFINITY;
    bool ci_any = false;
    for (size_t i = 0; i < d->nrows; i++) {
        const prow *r = &d->rows[i];
        if (!in_chart(d, r, fixed, d->nv >= 2 ? r->idx[1] : 0) || (d->nv >= 2 && r->idx[1] >= npanel)) continue;
        if (!isfinite(r->mean[mi])) continue;
        double h = isfinite(r->ci[mi]) ? r->ci[mi] : 0;
        ci_any |= isfinite(r->ci[mi]);
        lo = fmin(lo, r->mean[mi] - h);
        hi = fmax(hi, r->mean[mi] + h);
    }
    if (!isfinite(lo)) return 1;
    double pad = hi > lo ? (hi - lo) * 0.08 : fmax(fabs(hi) * 0.1, 1);
    if (lo >= 0 && lo - pad < 0) lo = pad;   /* counts and ratios do not go below 0 */
    const struct metric_info *mt = &metrics_shown[mi];
    strbuf fx = { 0 }, title = { 0 };
    fixed_desc(&fx, d, fixed);

    sb_printf(f, "# %s of sweep ", mt->name);
    gp_comment(f, d->name);
    sb_puts(f, " against ");
    gp_comment(f, d->v[0].path);
    sb_puts(f, ", one line per label, bars: 95% confidence intervals.\n"
               "# Drawn by stampede from ../sweep.csv; `gnuplot THIS.gp` in this folder draws it again.\n");
    for (size_t p = 0; p < npanel; p++)
        for (size_t l = 0; l < d->nl; l++) {
            sb_printf(f, "$p%zu_l%zu << EOD\n", p, l);
            for (size_t k = 0; k < d->v[0].n; k++)
                for (size_t i = 0; i < d->nrows; i++) {
                    const prow *r = &d->rows[i];
                    if (r->label != l || r->idx[0] != k || !in_chart(d, r, fixed, p) || !isfinite(r->mean[mi])) continue;
                    num(f, xval(&d->v[0], k));
                    sb_puts(f, " ");
                    num(f, r->mean[mi]);
                    sb_puts(f, " ");
                    num(f, isfinite(r->ci[mi]) ? r->ci[mi] : 0.0);
                    sb_puts(f, "\n");
                }
            sb_puts(f, "EOD\n");
        }
    size_t cols = npanel < 3 ? npanel : 3, rows = (npanel + cols - 1) / cols;
    int w = npanel == 1 ? 900 : (int)(430 * cols + 60), h = npanel == 1 ? 560 : (int)(330 * rows + 80);
    sb_printf(&title, "%s: %s, mean of %zu replication%s%s%s%s", d->name, mt->name, d->reps, d->reps == 1 ? "" : "s",
              ci_any ? " with 95% confidence intervals" : "", fx.len ? "; " : "", fx.len ? fx.s : "");
    for (size_t t = 0; t < 3; t++) {
        static const struct { unsigned bit; const char *ext; } fmts[] = { { PLOT_SVG, "svg" }, { PLOT_PNG, "png" },
                                                                          { PLOT_PDF, "pdf" } };
        if (!(formats & fmts[t].bit)) continue;
        terminal(f, fmts[t].ext, w, h, base);
        sb_puts(f, "set grid lc rgb '#dddddd'\nset border lc rgb '#555555'\nset ylabel ");
        gp_quote(f, mt->title);
        sb_puts(f, "\nset yrange [");
        num(f, lo - pad);
        sb_puts(f, ":");
        num(f, hi + pad);
        sb_puts(f, "]\n");
        axis_x(f, &d->v[0]);
        /* Panels placed by hand under a strip for the title and one legend
         * that names every label once. */
        double strip = npanel > 1 ? 80.0 / h : 0, pw = 1.0 / (double)cols, ph = (1 - strip) / (double)rows;
        if (npanel > 1) {
            sb_puts(f, "set multiplot title ");
            gp_quote(f, title.s ? title.s : "");
            sb_puts(f, "\n");
        }
        for (size_t p = 0; p < npanel; p++) {
            if (npanel > 1) {
                strbuf pt = { 0 };
                sb_printf(&pt, "%s = %s", d->v[1].path, d->v[1].shown[p]);
                sb_printf(f, "set origin %.4f,%.4f\nset size %.4f,%.4f\nunset key\nset title ", pw * (double)(p % cols),
                          ph * (double)(rows - 1 - p / cols), pw, ph);
                gp_quote(f, pt.s ? pt.s : "");
                sb_puts(f, "\n");
                if (pt.oom) f->oom = true;
                sb_free(&pt);
            } else {
                sb_puts(f, "set title ");
                gp_quote(f, title.s ? title.s : "");
                sb_puts(f, "\nset key outside right top\n");
            }
            sb_puts(f, "plot NaN notitle");
            for (size_t l = 0; l < d->nl; l++) {
                sb_printf(f, ", \\\n  $p%zu_l%zu using 1:2%s with %s lw 2 lc rgb '%s' dt %zu pt %zu ps 0.8 %s", p, l,
                          ci_any ? ":3" : "", ci_any ? "yerrorlines" : "linespoints", colours[l % NCOLOURS],
                          1 + l % 5, 5 + 2 * (l % 4), npanel > 1 ? "notitle" : "title ");
                if (npanel == 1) gp_quote(f, d->labels[l]);
            }
            sb_puts(f, "\n");
        }
        if (npanel > 1) {
            sb_printf(f, "set origin 0,%.4f\nset size 1,%.4f\nunset title\nunset border\nunset tics\nunset xlabel\n"
                         "unset ylabel\nunset grid\nunset logscale x\nset xrange [0:1]\nset yrange [0:1]\n"
                         "set key center center horizontal maxrows 1 font ',10'\nplot NaN notitle",
                      1 - strip, strip - 30.0 / h);
            for (size_t l = 0; l < d->nl; l++) {
                sb_printf(f, ", \\\n  NaN with linespoints lw 2 lc rgb '%s' dt %zu pt %zu ps 0.8 title ",
                          colours[l % NCOLOURS], 1 + l % 5, 5 + 2 * (l % 4));
                gp_quote(f, d->labels[l]);
            }
            sb_puts(f, "\nunset multiplot\n");
        }
        sb_puts(f, "unset output\nreset\n");
    }
    if (fx.oom || title.oom) f->oom = true;
    sb_free(&fx);
    sb_free(&title);
    return 0;
}

/* A heatmap of metric mi over the first two varied fields for label l. */
static int heatmap(strbuf *f, const pdata *d, size_t mi, size_t l, const size_t *fixed, const char *base,
                   unsigned formats)
{
    const pvary *vx = &d->v[0], *vy = &d->v[1];
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < d->nrows; i++) {
        const prow *r = &d->rows[i];
        if (r->label != l || !in_chart(d, r, fixed, r->idx[1]) || !isfinite(r->mean[mi])) continue;
        lo = fmin(lo, r->mean[mi]);
        hi = fmax(hi, r->mean[mi]);
    }
    if (!isfinite(lo)) return 1;
    if (hi == lo) hi = lo + fmax(fabs(lo) * 0.1, 1);
    const struct metric_info *mt = &metrics_shown[mi];
    strbuf fx = { 0 }, title = { 0 };
    fixed_desc(&fx, d, fixed);
    sb_printf(f, "# %s of sweep ", mt->name);
    gp_comment(f, d->name);
    sb_puts(f, ", label ");
    gp_comment(f, d->labels[l]);
    sb_puts(f, ", over ");
    gp_comment(f, vx->path);
    sb_puts(f, " x ");
    gp_comment(f, vy->path);
    sb_printf(f, ": the mean of %zu replication%s per cell.\n", d->reps, d->reps == 1 ? "" : "s");
    sb_puts(f, "# Drawn by stampede from ../sweep.csv; `gnuplot THIS.gp` in this folder draws it again.\n");
    sb_puts(f, "$cells << EOD\n");
    for (size_t i = 0; i < d->nrows; i++) {
        const prow *r = &d->rows[i];
        if (r->label != l || !in_chart(d, r, fixed, r->idx[1]) || !isfinite(r->mean[mi])) continue;
        double u = (r->mean[mi] - lo) / (hi - lo);
        sb_printf(f, "%zu %zu ", r->idx[0], r->idx[1]);
        num(f, r->mean[mi]);
        sb_printf(f, " %d\n", u > 0.6 ? 0 : 0xffffff);
    }
    sb_puts(f, "EOD\n");
    int w = (int)(140 + 90 * (vx->n < 4 ? 4 : vx->n)), h = (int)(150 + 55 * (vy->n < 4 ? 4 : vy->n));
    if (w > 1800) w = 1800;
    if (h > 1400) h = 1400;
    sb_printf(&title, "%s, %s: %s (mean of %zu)%s%s", d->name, d->labels[l], mt->title, d->reps, fx.len ? "; " : "",
              fx.len ? fx.s : "");
    for (size_t t = 0; t < 3; t++) {
        static const struct { unsigned bit; const char *ext; } fmts[] = { { PLOT_SVG, "svg" }, { PLOT_PNG, "png" },
                                                                          { PLOT_PDF, "pdf" } };
        if (!(formats & fmts[t].bit)) continue;
        terminal(f, fmts[t].ext, w, h, base);
        sb_puts(f, "set title ");
        gp_quote(f, title.s ? title.s : "");
        sb_puts(f, "\nset xlabel ");
        gp_quote(f, vx->path);
        sb_puts(f, "\nset ylabel ");
        gp_quote(f, vy->path);
        sb_printf(f, "\nset xrange [-0.5:%zu.5]\nset yrange [-0.5:%zu.5]\nset xtics (", vx->n - 1, vy->n - 1);
        for (size_t k = 0; k < vx->n; k++) {
            sb_puts(f, k ? ", " : "");
            gp_tic(f, vx->shown[k]);
            sb_printf(f, " %zu", k);
        }
        sb_puts(f, ")\nset ytics (");
        for (size_t k = 0; k < vy->n; k++) {
            sb_puts(f, k ? ", " : "");
            gp_tic(f, vy->shown[k]);
            sb_printf(f, " %zu", k);
        }
        sb_puts(f, ")\nset cbrange [");
        num(f, lo);
        sb_puts(f, ":");
        num(f, hi);
        sb_puts(f, "]\n");
        sb_puts(f, "set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21908d', 0.75 '#5dc963', 1 '#fde725')\n"
                   "unset key\nset tics out nomirror\n"
                   "plot $cells using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder lc palette, \\\n"
                   "  $cells using 1:2:(sprintf('%.3g', $3)):4 with labels tc rgb variable font ',10'\n"
                   "unset output\nreset\n");
    }
    if (fx.oom || title.oom) f->oom = true;
    sb_free(&fx);
    sb_free(&title);
    return 0;
}

/* Builds one chart's script and draws it; no data: no chart. */
static int draw(chartset *cs, const char *base, const pdata *d, int kind, size_t mi, size_t l, const size_t *fixed,
                char *err, size_t errlen)
{
    strbuf f = { 0 };
    int rc = kind == 0 ? line_chart(&f, d, mi, fixed, base, cs->formats) : heatmap(&f, d, mi, l, fixed, base, cs->formats);
    if (f.oom) {
        sb_free(&f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (rc == 0) rc = chartset_draw_script(cs, base, f.s, metrics_shown[mi].title, metrics_shown[mi].title, err, errlen);
    else rc = 0;
    sb_free(&f);
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
    char base[300], lab[256];
    for (size_t c = 0; c < ncombo; c++) {
        size_t rest = c;
        for (size_t v = d.nv; v-- > 2;) { fixed[v] = rest % d.v[v].n; rest /= d.v[v].n; }
        char suffix[32] = "";
        if (d.nv > 2) snprintf(suffix, sizeof suffix, "-%zu", c + 1);
        for (size_t mi = 0; mi < NMETRICS; mi++) {
            if (d.nv == 0) break;   /* nothing varies: nothing to chart against */
            snprintf(base, sizeof base, "%s%s", metrics_shown[mi].name, suffix);
            if (draw(&cs, base, &d, 0, mi, 0, fixed, err, errlen)) goto done;
            if (!metrics_shown[mi].heatmap || d.nv < 2 || d.v[0].n < 2 || d.v[1].n < 2) continue;
            for (size_t l = 0; l < d.nl; l++) {
                file_part(lab, sizeof lab, d.labels[l]);
                snprintf(base, sizeof base, "heatmap-%s-%s%s", metrics_shown[mi].name, lab, suffix);
                if (draw(&cs, base, &d, 1, mi, l, fixed, err, errlen)) goto done;
            }
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
