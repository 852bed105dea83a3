/* plot_sweep.c - charts of a sweep folder: metrics against the first varied
 * field with 95% confidence bars (a panel per value of the second), heatmaps
 * over the first two.  Each chart's script sits beside it with its own data. */
#include "sweep.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output.h"

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
    char *path;
    size_t n;
    char **shown;
    double *num;      /* NAN where not a number */
    bool numeric, log;
} pvary;

typedef struct prow {
    size_t *idx;      /* value index per varied field */
    size_t label;
    double mean[NMETRICS], ci[NMETRICS];
} prow;

typedef struct pdata {
    char *name;
    size_t reps;
    pvary *v;
    size_t nv;
    char **labels;
    size_t nl;
    prow *rows;
    size_t nrows;
} pdata;

typedef struct fmt { const char *ext; } fmt;

static void pdata_free(pdata *d)
{
    for (size_t i = 0; i < d->nv; i++) {
        for (size_t k = 0; k < d->v[i].n; k++) free(d->v[i].shown[k]);
        free(d->v[i].shown);
        free(d->v[i].num);
        free(d->v[i].path);
    }
    free(d->v);
    for (size_t i = 0; i < d->nl; i++) free(d->labels[i]);
    free(d->labels);
    for (size_t i = 0; i < d->nrows; i++) free(d->rows[i].idx);
    free(d->rows);
    free(d->name);
    memset(d, 0, sizeof *d);
}

static char *read_all(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) return NULL;
    snprintf(p, n, "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    free(p);
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    while (s) {
        size_t k = fread(s + len, 1, cap - len - 1, f);
        len += k;
        if (!k) break;
        if (cap - len < 2) {
            char *t = realloc(s, cap *= 2);
            if (!t) { free(s); s = NULL; }
            else s = t;
        }
    }
    if (ferror(f)) { free(s); s = NULL; }
    fclose(f);
    if (s) s[len] = 0;
    return s;
}


static double cell(const char *s)
{
    char *end;
    if (!*s) return NAN;
    double v = strtod(s, &end);
    return *end ? NAN : v;
}

/* Reads sweep.json (the varied fields) and sweep.csv (the means). */
static int load(const char *dir, pdata *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    char *mtext = read_all(dir, "sweep.json");
    if (!mtext) { snprintf(err, errlen, "%s: cannot read sweep.json: %s", dir, strerror(errno)); return -1; }
    cJSON *m = cJSON_Parse(mtext);
    free(mtext);
    const cJSON *varies = cJSON_GetObjectItemCaseSensitive(m, "varies");
    const cJSON *reps = cJSON_GetObjectItemCaseSensitive(m, "replications");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "scenario_name");
    if (!cJSON_IsArray(varies) || !cJSON_IsNumber(reps) || !cJSON_IsString(name)) {
        snprintf(err, errlen, "%s/sweep.json is not a sweep manifest", dir);
        cJSON_Delete(m);
        return -1;
    }
    d->reps = (size_t)reps->valuedouble;
    d->name = strdup(name->valuestring);
    d->nv = (size_t)cJSON_GetArraySize(varies);
    d->v = calloc(d->nv ? d->nv : 1, sizeof *d->v);
    int bad = !d->name || !d->v;
    size_t i = 0;
    for (const cJSON *e = varies->child; e && !bad; e = e->next, i++) {
        pvary *v = &d->v[i];
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "path");
        const cJSON *sh = cJSON_GetObjectItemCaseSensitive(e, "shown");
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(e, "scale");
        if (!cJSON_IsString(p) || !cJSON_IsArray(sh) || !cJSON_GetArraySize(sh)) { bad = 1; break; }
        v->path = strdup(p->valuestring);
        v->n = (size_t)cJSON_GetArraySize(sh);
        v->shown = calloc(v->n, sizeof *v->shown);
        v->num = malloc(v->n * sizeof *v->num);
        if (!v->path || !v->shown || !v->num) { bad = 1; break; }
        v->numeric = true;
        size_t k = 0;
        for (const cJSON *x = sh->child; x; x = x->next, k++) {
            if (!cJSON_IsString(x) || !(v->shown[k] = strdup(x->valuestring))) { bad = 1; break; }
            v->num[k] = cell(v->shown[k]);
            if (!isfinite(v->num[k])) v->numeric = false;
        }
        v->log = cJSON_IsString(sc) && !strcmp(sc->valuestring, "log") && v->numeric;
        for (k = 0; v->log && k < v->n; k++)
            if (!(v->num[k] > 0)) v->log = false;
    }
    cJSON_Delete(m);
    if (bad) { snprintf(err, errlen, "%s/sweep.json is not a sweep manifest (or out of memory)", dir); return -1; }

    char *text = read_all(dir, "sweep.csv");
    if (!text) { snprintf(err, errlen, "%s: cannot read sweep.csv: %s", dir, strerror(errno)); return -1; }
    int maxf = 4096;
    char **f = calloc((size_t)maxf, sizeof *f);
    int col[NMETRICS][2], clabel = -1, nf;
    for (size_t k = 0; k < NMETRICS; k++) col[k][0] = col[k][1] = -1;
    char *line = text, *nl = strchr(line, '\n');
    if (!f || !nl) { snprintf(err, errlen, "%s/sweep.csv is empty", dir); free(f); free(text); return -1; }
    *nl = 0;
    nf = csv_split(line, f, maxf);
    for (int c = 0; c < nf; c++) {
        if (!strcmp(f[c], "label")) clabel = c;
        for (size_t k = 0; k < NMETRICS; k++) {
            size_t n = strlen(metrics_shown[k].name);
            if (strncmp(f[c], metrics_shown[k].name, n)) continue;
            if (!strcmp(f[c] + n, "_mean")) col[k][0] = c;
            else if (!strcmp(f[c] + n, "_ci95")) col[k][1] = c;
        }
    }
    if (clabel != (int)d->nv) {
        snprintf(err, errlen, "%s/sweep.csv does not match sweep.json", dir);
        free(f);
        free(text);
        return -1;
    }
    int rc = 0;
    for (line = nl + 1; *line && !rc; line = nl + 1) {
        if (!(nl = strchr(line, '\n'))) break;
        *nl = 0;
        if ((nf = csv_split(line, f, maxf)) <= clabel) { rc = -1; snprintf(err, errlen, "%s/sweep.csv: a short row", dir); break; }
        prow *t = realloc(d->rows, (d->nrows + 1) * sizeof *t);
        if (!t) { rc = -1; snprintf(err, errlen, "out of memory"); break; }
        d->rows = t;
        prow *r = &d->rows[d->nrows++];
        memset(r, 0, sizeof *r);
        if (!(r->idx = calloc(d->nv ? d->nv : 1, sizeof *r->idx))) { rc = -1; snprintf(err, errlen, "out of memory"); break; }
        for (size_t v = 0; v < d->nv; v++) {
            size_t k = 0;
            while (k < d->v[v].n && strcmp(d->v[v].shown[k], f[v])) k++;
            if (k == d->v[v].n) { rc = -1; snprintf(err, errlen, "%s/sweep.csv: %s=%s is not in sweep.json", dir, d->v[v].path, f[v]); }
            r->idx[v] = k;
        }
        size_t l = 0;
        while (l < d->nl && strcmp(d->labels[l], f[clabel])) l++;
        if (l == d->nl) {
            char **ls = realloc(d->labels, (d->nl + 1) * sizeof *ls);
            if (!ls || !(ls[d->nl] = strdup(f[clabel]))) {
                if (ls) d->labels = ls;
                rc = -1;
                snprintf(err, errlen, "out of memory");
                break;
            }
            d->labels = ls;
            d->nl++;
        }
        r->label = l;
        for (size_t k = 0; k < NMETRICS; k++) {
            r->mean[k] = col[k][0] >= 0 && col[k][0] < nf ? cell(f[col[k][0]]) : NAN;
            r->ci[k] = col[k][1] >= 0 && col[k][1] < nf ? cell(f[col[k][1]]) : NAN;
        }
    }
    free(f);
    free(text);
    return rc;
}

/* ---------------------------------------------------------------- scripts */

/* A gnuplot single-quoted string. */
static void gq(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'') fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

static void terminal(FILE *f, const char *ext, int w, int h, const char *base)
{
    if (!strcmp(ext, "svg"))
        fprintf(f, "set terminal svg size %d,%d dynamic noenhanced font 'Helvetica,12' background rgb 'white'\n", w, h);
    else if (!strcmp(ext, "png"))
        fprintf(f, "set terminal pngcairo size %d,%d noenhanced font 'Helvetica,10' background rgb 'white'\n", w, h);
    else
        fprintf(f, "set terminal pdfcairo size %.2fin,%.2fin noenhanced font 'Helvetica,10'\n", w / 96.0, h / 96.0);
    fprintf(f, "set output '%s.%s'\n", base, ext);
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

static void axis_x(FILE *f, const pvary *v)
{
    fputs("set xlabel ", f);
    gq(f, v->path);
    fputc('\n', f);
    if (v->numeric) {
        double lo = v->num[0], hi = v->num[0];
        for (size_t k = 1; k < v->n; k++) { lo = fmin(lo, v->num[k]); hi = fmax(hi, v->num[k]); }
        if (v->log) {
            fprintf(f, "set logscale x\nset xrange [%.10g:%.10g]\n", lo / 1.25, hi * 1.25);
        } else {
            double pad = hi > lo ? (hi - lo) * 0.05 : fmax(fabs(lo) * 0.1, 1);
            fprintf(f, "unset logscale x\nset xrange [%.10g:%.10g]\n", lo - pad, hi + pad);
        }
        if (v->n <= 12) {
            fputs("set xtics (", f);
            for (size_t k = 0; k < v->n; k++) {
                fputs(k ? ", " : "", f);
                gq(f, v->shown[k]);
                fprintf(f, " %.10g", v->num[k]);
            }
            fputs(")\n", f);
        } else {
            fputs("set xtics autofreq\n", f);
        }
    } else {
        fprintf(f, "unset logscale x\nset xrange [-0.5:%zu.5]\nset xtics (", v->n - 1);
        for (size_t k = 0; k < v->n; k++) {
            fputs(k ? ", " : "", f);
            gq(f, v->shown[k]);
            fprintf(f, " %zu", k);
        }
        fputs(")\n", f);
    }
}

static void fixed_desc(const pdata *d, const size_t *fixed, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t v = 2; v < d->nv && used < n; v++) {
        int k = snprintf(buf + used, n - used, "%s%s = %s", v > 2 ? ", " : "", d->v[v].path, d->v[v].shown[fixed[v]]);
        if (k < 0) break;
        used += (size_t)k;
    }
}

/* One metric against the first varied field; returns 0, 1 when there is
 * nothing to draw, -1 on a write error. */
static int line_chart(FILE *f, const pdata *d, size_t mi, const size_t *fixed, const char *base, const fmt *fmts,
                      size_t nfmt)
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
    char fx[1024];
    fixed_desc(d, fixed, fx, sizeof fx);

    fprintf(f, "# %s of sweep %s against %s, one line per label, bars: 95%% confidence intervals.\n", mt->name,
            d->name, d->v[0].path);
    fputs("# Drawn by stampede from ../sweep.csv; `gnuplot THIS.gp` in this folder draws it again.\n", f);
    for (size_t p = 0; p < npanel; p++)
        for (size_t l = 0; l < d->nl; l++) {
            fprintf(f, "$p%zu_l%zu << EOD\n", p, l);
            for (size_t k = 0; k < d->v[0].n; k++)
                for (size_t i = 0; i < d->nrows; i++) {
                    const prow *r = &d->rows[i];
                    if (r->label != l || r->idx[0] != k || !in_chart(d, r, fixed, p) || !isfinite(r->mean[mi])) continue;
                    fprintf(f, "%.10g %.10g %.10g\n", xval(&d->v[0], k), r->mean[mi], isfinite(r->ci[mi]) ? r->ci[mi] : 0.0);
                }
            fputs("EOD\n", f);
        }
    size_t cols = npanel < 3 ? npanel : 3, rows = (npanel + cols - 1) / cols;
    int w = npanel == 1 ? 900 : (int)(430 * cols + 60), h = npanel == 1 ? 560 : (int)(330 * rows + 80);
    for (size_t t = 0; t < nfmt; t++) {
        terminal(f, fmts[t].ext, w, h, base);
        fputs("set grid lc rgb '#dddddd'\nset border lc rgb '#555555'\nset ylabel ", f);
        gq(f, mt->title);
        fprintf(f, "\nset yrange [%.10g:%.10g]\n", lo - pad, hi + pad);
        axis_x(f, &d->v[0]);
        char title[2048];
        snprintf(title, sizeof title, "%s: %s, mean of %zu replication%s%s%s%s", d->name, mt->name, d->reps,
                 d->reps == 1 ? "" : "s", ci_any ? " with 95% confidence intervals" : "", *fx ? "; " : "", fx);
        /* Panels placed by hand under a strip for the title and one legend
         * that names every label once. */
        double strip = npanel > 1 ? 80.0 / h : 0, pw = 1.0 / (double)cols, ph = (1 - strip) / (double)rows;
        if (npanel > 1) {
            fputs("set multiplot title ", f);
            gq(f, title);
            fputc('\n', f);
        }
        for (size_t p = 0; p < npanel; p++) {
            if (npanel > 1) {
                char pt[1024];
                snprintf(pt, sizeof pt, "%s = %s", d->v[1].path, d->v[1].shown[p]);
                fprintf(f, "set origin %.4f,%.4f\nset size %.4f,%.4f\nunset key\nset title ", pw * (double)(p % cols),
                        ph * (double)(rows - 1 - p / cols), pw, ph);
                gq(f, pt);
                fputc('\n', f);
            } else {
                fputs("set title ", f);
                gq(f, title);
                fputs("\nset key outside right top\n", f);
            }
            fputs("plot NaN notitle", f);
            for (size_t l = 0; l < d->nl; l++) {
                fprintf(f, ", \\\n  $p%zu_l%zu using 1:2%s with %s lw 2 lc rgb '%s' dt %zu pt %zu ps 0.8 %s", p, l,
                        ci_any ? ":3" : "", ci_any ? "yerrorlines" : "linespoints", colours[l % NCOLOURS],
                        1 + l % 5, 5 + 2 * (l % 4), npanel > 1 ? "notitle" : "title ");
                if (npanel == 1) gq(f, d->labels[l]);
            }
            fputc('\n', f);
        }
        if (npanel > 1) {
            fprintf(f, "set origin 0,%.4f\nset size 1,%.4f\nunset title\nunset border\nunset tics\nunset xlabel\n"
                       "unset ylabel\nunset grid\nunset logscale x\nset xrange [0:1]\nset yrange [0:1]\n"
                       "set key center center horizontal maxrows 1 font ',10'\nplot NaN notitle",
                    1 - strip, strip - 30.0 / h);
            for (size_t l = 0; l < d->nl; l++) {
                fprintf(f, ", \\\n  NaN with linespoints lw 2 lc rgb '%s' dt %zu pt %zu ps 0.8 title ",
                        colours[l % NCOLOURS], 1 + l % 5, 5 + 2 * (l % 4));
                gq(f, d->labels[l]);
            }
            fputs("\nunset multiplot\n", f);
        }
        fputs("unset output\nreset\n", f);
    }
    return ferror(f) ? -1 : 0;
}

/* A heatmap of metric mi over the first two varied fields for label l. */
static int heatmap(FILE *f, const pdata *d, size_t mi, size_t l, const size_t *fixed, const char *base,
                   const fmt *fmts, size_t nfmt)
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
    char fx[1024];
    fixed_desc(d, fixed, fx, sizeof fx);
    fprintf(f, "# %s of sweep %s, label %s, over %s x %s: the mean of %zu replication%s per cell.\n", mt->name, d->name,
            d->labels[l], vx->path, vy->path, d->reps, d->reps == 1 ? "" : "s");
    fputs("# Drawn by stampede from ../sweep.csv; `gnuplot THIS.gp` in this folder draws it again.\n", f);
    fputs("$cells << EOD\n", f);
    for (size_t i = 0; i < d->nrows; i++) {
        const prow *r = &d->rows[i];
        if (r->label != l || !in_chart(d, r, fixed, r->idx[1]) || !isfinite(r->mean[mi])) continue;
        double u = (r->mean[mi] - lo) / (hi - lo);
        fprintf(f, "%zu %zu %.10g %d\n", r->idx[0], r->idx[1], r->mean[mi], u > 0.6 ? 0 : 0xffffff);
    }
    fputs("EOD\n", f);
    int w = (int)(140 + 90 * (vx->n < 4 ? 4 : vx->n)), h = (int)(150 + 55 * (vy->n < 4 ? 4 : vy->n));
    if (w > 1800) w = 1800;
    if (h > 1400) h = 1400;
    for (size_t t = 0; t < nfmt; t++) {
        terminal(f, fmts[t].ext, w, h, base);
        char title[2048];
        snprintf(title, sizeof title, "%s, %s: %s (mean of %zu)%s%s", d->name, d->labels[l], mt->title, d->reps,
                 *fx ? "; " : "", fx);
        fputs("set title ", f);
        gq(f, title);
        fputs("\nset xlabel ", f);
        gq(f, vx->path);
        fputs("\nset ylabel ", f);
        gq(f, vy->path);
        fprintf(f, "\nset xrange [-0.5:%zu.5]\nset yrange [-0.5:%zu.5]\nset xtics (", vx->n - 1, vy->n - 1);
        for (size_t k = 0; k < vx->n; k++) { fputs(k ? ", " : "", f); gq(f, vx->shown[k]); fprintf(f, " %zu", k); }
        fputs(")\nset ytics (", f);
        for (size_t k = 0; k < vy->n; k++) { fputs(k ? ", " : "", f); gq(f, vy->shown[k]); fprintf(f, " %zu", k); }
        fprintf(f, ")\nset cbrange [%.10g:%.10g]\n", lo, hi);
        fputs("set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21908d', 0.75 '#5dc963', 1 '#fde725')\n"
              "unset key\nset tics out nomirror\n"
              "plot $cells using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder lc palette, \\\n"
              "  $cells using 1:2:(sprintf('%.3g', $3)):4 with labels tc rgb variable font ',10'\n"
              "unset output\nreset\n", f);
    }
    return ferror(f) ? -1 : 0;
}

/* ---------------------------------------------------------------- gnuplot */

/* Runs `gnuplot script` in dir; any output on stderr is a failure. */
static int run_gnuplot(const char *dir, const char *script, char *err, size_t errlen)
{
    int fd[2];
    if (pipe(fd)) { snprintf(err, errlen, "cannot run gnuplot: %s", strerror(errno)); return -1; }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        snprintf(err, errlen, "cannot run gnuplot: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) { dup2(null, 0); dup2(null, 1); }
        dup2(fd[1], 2);
        close(fd[0]);
        close(fd[1]);
        if (chdir(dir)) _exit(126);
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        fprintf(stderr, "cannot run gnuplot: %s", strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    char buf[2048];
    size_t n = 0;
    ssize_t k;
    while ((k = read(fd[0], buf + n, sizeof buf - 1 - n)) > 0 || (k < 0 && errno == EINTR))
        if (k > 0) n += (size_t)k;
    close(fd[0]);
    buf[n] = 0;
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (n || !WIFEXITED(st) || WEXITSTATUS(st)) {
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = 0;
        snprintf(err, errlen, "gnuplot %s failed%s%s", script, n ? ": " : "",
                 n ? buf : WIFEXITED(st) && WEXITSTATUS(st) == 127 ? " (is gnuplot installed?)" : "");
        return -1;
    }
    return 0;
}

/* Writes base.gp into dir with one chart and runs it. */
static int draw(const char *dir, const char *base, const pdata *d, int kind, size_t mi, size_t l, const size_t *fixed,
                const fmt *fmts, size_t nfmt, size_t *count, char *err, size_t errlen)
{
    char script[512];
    snprintf(script, sizeof script, "%s/%s.gp", dir, base);
    FILE *f = fopen(script, "w");
    if (!f) { snprintf(err, errlen, "cannot write %s: %s", script, strerror(errno)); return -1; }
    int rc = kind == 0 ? line_chart(f, d, mi, fixed, base, fmts, nfmt) : heatmap(f, d, mi, l, fixed, base, fmts, nfmt);
    if (fclose(f) || rc < 0) { snprintf(err, errlen, "cannot write %s", script); return -1; }
    if (rc == 1) { unlink(script); return 0; }   /* no data: no chart */
    snprintf(script, sizeof script, "%s.gp", base);
    if (run_gnuplot(dir, script, err, errlen)) return -1;
    (*count)++;
    return 0;
}

int plot_sweep_folder(const char *dir, const char *formats, char *err, size_t errlen)
{
    fmt fmts[3];
    size_t nfmt = 0;
    char list[64];
    snprintf(list, sizeof list, "%s", formats && *formats ? formats : "svg,png");
    for (char *save, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        const char *ext = !strcmp(t, "svg") ? "svg" : !strcmp(t, "png") ? "png" : !strcmp(t, "pdf") ? "pdf" : NULL;
        if (!ext) { snprintf(err, errlen, "unknown chart format \"%s\" (formats: svg, png, pdf)", t); return -1; }
        bool dup = false;
        for (size_t i = 0; i < nfmt; i++) dup |= !strcmp(fmts[i].ext, ext);
        if (!dup && nfmt < 3) fmts[nfmt++].ext = ext;
    }
    if (!nfmt) { snprintf(err, errlen, "no chart format given"); return -1; }

    pdata d;
    if (load(dir, &d, err, errlen)) { pdata_free(&d); return -1; }
    size_t dl = strlen(dir) + 64;
    char *tmp = malloc(dl), *final = malloc(dl), *old = malloc(dl);
    size_t *fixed = calloc(d.nv + 1, sizeof *fixed);
    int rc = -1;
    if (!tmp || !final || !old || !fixed) { snprintf(err, errlen, "out of memory"); goto done; }
    snprintf(tmp, dl, "%s/charts.tmp-%ld", dir, (long)getpid());
    snprintf(final, dl, "%s/charts", dir);
    snprintf(old, dl, "%s/charts.old-%ld", dir, (long)getpid());
    rm_rf(tmp);
    if (mkdir_p(tmp)) { snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno)); goto done; }

    /* one chart per combination of the values of varies 2.. (at most MAX_COMBOS) */
    size_t ncombo = 1;
    for (size_t v = 2; v < d.nv; v++) ncombo = ncombo > MAX_COMBOS ? ncombo : ncombo * d.v[v].n;
    if (ncombo > MAX_COMBOS) ncombo = MAX_COMBOS;
    size_t count = 0;
    char base[256];
    for (size_t c = 0; c < ncombo; c++) {
        size_t rest = c;
        for (size_t v = d.nv; v-- > 2;) { fixed[v] = rest % d.v[v].n; rest /= d.v[v].n; }
        char suffix[32] = "";
        if (d.nv > 2) snprintf(suffix, sizeof suffix, "-%zu", c + 1);
        for (size_t mi = 0; mi < NMETRICS; mi++) {
            if (d.nv == 0) break;   /* nothing varies: nothing to chart against */
            snprintf(base, sizeof base, "%s%s", metrics_shown[mi].name, suffix);
            if (draw(tmp, base, &d, 0, mi, 0, fixed, fmts, nfmt, &count, err, errlen)) goto done;
            if (!metrics_shown[mi].heatmap || d.nv < 2 || d.v[0].n < 2 || d.v[1].n < 2) continue;
            for (size_t l = 0; l < d.nl; l++) {
                snprintf(base, sizeof base, "heatmap-%s-%s%s", metrics_shown[mi].name, d.labels[l], suffix);
                for (char *p = base; *p; p++)
                    if (*p == '/' || *p == ' ') *p = '_';
                if (draw(tmp, base, &d, 1, mi, l, fixed, fmts, nfmt, &count, err, errlen)) goto done;
            }
        }
    }
    struct stat st;
    int had = stat(final, &st) == 0;
    if (had && rename(final, old)) { snprintf(err, errlen, "cannot replace %s: %s", final, strerror(errno)); goto done; }
    if (rename(tmp, final)) {
        snprintf(err, errlen, "cannot create %s: %s", final, strerror(errno));
        if (had) rename(old, final);
        goto done;
    }
    if (had) rm_rf(old);
    rc = 0;
done:
    if (rc && tmp) rm_rf(tmp);
    free(tmp);
    free(final);
    free(old);
    free(fixed);
    pdata_free(&d);
    return rc;
}
