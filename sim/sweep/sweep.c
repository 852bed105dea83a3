/* sweep.c - `stampede sweep` and `stampede merge`: a grid of scenario variants
 * run on common random numbers, in threads, in shards or under MPI.  Invariant:
 * sweep.csv is always computed from the rows of runs.csv as written (one
 * function for every path), so a merged sweep is byte for byte an unsplit one. */
#include "sweep.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "base/numtext.h"
#include "base/fs.h"
#include "base/csvin.h"
#include "base/csvout.h"
#include "base/jsonfile.h"
#include "base/stop.h"
#include "base/textin.h"
#include "cli/cliopt.h"
#include "model/metrics.h"
#include "model/model.h"
#include "report/plot.h"
#include "results/output.h"
#include "scenario/limits.h"
#include "scenario/load.h"
#include "strategies/strategy.h"

#define MANIFEST_FORMAT "stampede-sweep"
#define MANIFEST_VERSION 1
#define MAX_SHOWN_BAD 5        /* invalid points whose errors are printed in full */
#define SWEEP_MAX_POINTS 100000    /* points of a grid: each one's scenario is loaded before the first run */
#define SWEEP_MAX_RUNS 100000000   /* runs of a grid: points x replications */



static const char *const usage_sweep =
    "usage: stampede sweep SCENARIO.json --vary PATH=VALUES... [options]\n"
    "\n"
    "Runs the scenario at every point of a grid (the cross product of the --vary\n"
    "lists, the first varying slowest), R times each on common random numbers\n"
    "(replication r uses the same streams at every point; r = 0 is exactly\n"
    "`stampede run`), every strategy of the file each time.\n"
    "\n"
    "options:\n"
    "  --vary PATH=VALUES   a dotted scenario path (as for run --set) and its values:\n"
    "                         a,b,c        a list; each read like a --set value\n"
    "                         lo:hi:step   a range, hi included (numbers or durations)\n"
    "                         lo:hi:xN     N points spaced geometrically, ends included\n"
    "  --replications R     runs per point (default 1; 2 or more give confidence intervals)\n"
    "  --jobs J             runs in parallel (default: every core)\n"
    "  --out DIR            results folder (default results/<name>-sweep/)\n"
    "  --minimize METRIC    print and write best.txt: the (point, label) with the\n"
    "                       lowest mean METRIC; LABEL.METRIC considers one label only\n"
    "  --maximize METRIC    the same, highest mean\n"
    "  --subject-to M<=X    a constraint on a mean (also M>=X; X may be a duration);\n"
    "                       LABEL.M checks that label at the same point; repeatable\n"
    "  --list-runs          print the runs (run,values...,replication) and exit\n"
    "  --runs A..B          compute only runs A to B (inclusive): a partial folder\n"
    "  --shard K/N          compute only the runs with index % N = K-1: a partial folder\n"
    "  --plot[=FORMATS]     draw the charts into DIR/charts (svg,png by default)\n"
    "  --quiet              no progress bar on stderr\n"
    "  --force              run points beyond the limits of one run (as run --force)\n"
    "  --help               this text\n"
    "\n"
    "The folder holds runs.csv (one row per run and label), sweep.csv (per point\n"
    "and label: n, then mean and 95% half-width of every metric, then the paired\n"
    "difference to the label of strategy none) and sweep.json (the grid).  A\n"
    "partial folder has runs.csv and sweep.json only; `stampede merge` joins them.\n"
    "A run that did not recover from a trigger has recovery_time inf, so its\n"
    "point's mean is inf; recovery_time_recovered counts the replications that\n"
    "recovered from every trigger.\n";

static const char *const usage_merge =
    "usage: stampede merge DIR... --out DIR [--minimize METRIC] [--subject-to M<=X]...\n"
    "                      [--plot[=FORMATS]]\n"
    "\n"
    "Joins partial sweep folders (from --runs or --shard) into the folder the\n"
    "unsplit sweep would have written, byte for byte.  Refuses folders of\n"
    "different grids, runs missing or present twice, runs with other labels,\n"
    "any cell a sweep does not write, and an --out that is, holds or lies in a\n"
    "part.\n";

/* ---------------------------------------------------------------- small helpers */

/* stop_flag (stop.h): SIGINT/SIGTERM, or a failed run that ends the others */
#define g_stop stop_flag

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The value as runs.csv holds it: what merge reads back is what sweep sums. */
static double csv_round(double v)
{
    char b[64];
    num_fmt_csv(b, sizeof b, v);
    return *b ? strtod(b, NULL) : NAN;
}

/* ---------------------------------------------------------------- values */

void sweep_values_free(sweep_values *v)
{
    for (size_t i = 0; i < v->n; i++) {
        if (v->text) free(v->text[i]);
        if (v->shown) free(v->shown[i]);
    }
    free(v->text);
    free(v->shown);
    free(v->num);
    memset(v, 0, sizeof *v);
}

static int values_add(sweep_values *v, const char *text, const char *shown, double num)
{
    if (v->n == SWEEP_MAX_VALUES) return -2;
    char **t = realloc(v->text, (v->n + 1) * sizeof *t);
    if (!t) return -1;
    v->text = t;
    char **s = realloc(v->shown, (v->n + 1) * sizeof *s);
    if (!s) return -1;
    v->shown = s;
    double *d = realloc(v->num, (v->n + 1) * sizeof *d);
    if (!d) return -1;
    v->num = d;
    char *ct = strdup(text), *cs = strdup(shown);
    if (!ct || !cs) { free(ct); free(cs); return -1; }
    v->text[v->n] = ct;
    v->shown[v->n] = cs;
    v->num[v->n++] = num;
    return 0;
}

/* A plain number (strtod, the whole text, finite). */
static int plain_number(const char *s, double *x)
{
    char *end;
    if (!*s || strchr(" \t\n", *s)) return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v)) return -1;
    /* hex floats and "inf"/"nan" are not JSON numbers */
    if (strpbrk(s, "xXnN")) return -1;
    *x = v;
    return 0;
}

/* A range bound or step: a number or a duration; 0 or -1. */
static int bound_value(const char *s, double *x)
{
    if (plain_number(s, x) == 0) return 0;
    if (*s == '-') {
        double y;
        if (num_parse_duration(s + 1, &y) == 0) { *x = -y; return 0; }
        return -1;
    }
    return num_parse_duration(s, x);
}

/* Rounds to 12 significant digits, so 0.1 + 2*0.1 is 0.3. */
static double clean(double v)
{
    char b[64];
    snprintf(b, sizeof b, "%.12g", v);
    return strtod(b, NULL) + 0.0;
}

static int add_number(sweep_values *v, double x)
{
    char text[64], shown[64];
    snprintf(text, sizeof text, "%.12g", x);
    num_fmt_csv(shown, sizeof shown, x);
    return values_add(v, text, shown, x);
}

/* What a list item shows in the CSV: numbers and durations in seconds, a JSON
 * string without escapes as its content, anything else as given. */
static void shown_of(const char *item, char *buf, size_t n, double *num)
{
    double x;
    size_t len = strlen(item);
    *num = NAN;
    if (plain_number(item, &x) == 0 || num_parse_duration(item, &x) == 0) {
        *num = x;
        num_fmt_csv(buf, n, x);
        return;
    }
    if (len >= 2 && item[0] == '"' && item[len - 1] == '"' && !memchr(item + 1, '"', len - 2) &&
        !memchr(item + 1, '\\', len - 2) && len - 2 < n) {
        memcpy(buf, item + 1, len - 2);
        buf[len - 2] = 0;
        if (num_parse_duration(buf, &x) == 0) {
            *num = x;
            num_fmt_csv(buf, n, x);
        }
        return;
    }
    snprintf(buf, n, "%s", item);
}

static int parse_range(char *parts[3], sweep_values *out, char *err, size_t errlen)
{
    double lo, hi, step;
    for (int i = 0; i < 2; i++)
        if (bound_value(parts[i], i ? &hi : &lo)) {
            snprintf(err, errlen, "range %s \"%s\" is not a number or a duration", i ? "end" : "start", parts[i]);
            return -1;
        }
    int rc = 0;
    if (parts[2][0] == 'x') {
        char *end;
        errno = 0;
        unsigned long long k = strtoull(parts[2] + 1, &end, 10);
        if (!parts[2][1] || *end || errno || parts[2][1] == '-' || parts[2][1] == '+' || k < 2) {
            snprintf(err, errlen, "a logarithmic range ends in xN with N an integer >= 2 (got \"%s\")", parts[2]);
            return -1;
        }
        if (k > SWEEP_MAX_VALUES) {
            snprintf(err, errlen, "%llu points is more than %d", k, SWEEP_MAX_VALUES);
            return -1;
        }
        if (!(lo > 0 && hi > 0)) {
            snprintf(err, errlen, "a logarithmic range needs lo > 0 and hi > 0");
            return -1;
        }
        out->log = true;
        for (unsigned long long i = 0; i < k && !rc; i++) {
            double x = i == 0 ? lo : i == k - 1 ? hi : clean(lo * pow(hi / lo, (double)i / (double)(k - 1)));
            rc = add_number(out, x);
        }
    } else {
        if (bound_value(parts[2], &step)) {
            snprintf(err, errlen, "range step \"%s\" is not a number, a duration or xN", parts[2]);
            return -1;
        }
        if (step == 0 || (hi - lo) / step < 0) {
            snprintf(err, errlen, "a step of %g never gets from %g to %g", step, lo, hi);
            return -1;
        }
        double kf = (hi - lo) / step;
        kf = floor(kf + 1e-9 * fmax(1.0, fabs(kf)));
        if (!(kf < SWEEP_MAX_VALUES)) {
            snprintf(err, errlen, "the range has more than %d values", SWEEP_MAX_VALUES);
            return -1;
        }
        size_t k = (size_t)kf + 1;
        for (size_t i = 0; i < k && !rc; i++) {
            double x = clean(lo + (double)i * step);
            if (fabs(x - hi) <= 1e-9 * fmax(fabs(hi), fabs(step))) x = hi;
            rc = add_number(out, x);
        }
    }
    if (rc) snprintf(err, errlen, "out of memory");
    return rc ? -1 : 0;
}

int sweep_parse_values(const char *spec, sweep_values *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!spec || !*spec) {
        snprintf(err, errlen, "no values");
        return -1;
    }
    if (strpbrk(spec, "\r\n")) {
        snprintf(err, errlen, "a value holds a line break");
        return -1;
    }
    char *s = strdup(spec);
    if (!s) { snprintf(err, errlen, "out of memory"); return -1; }
    /* Top-level commas split the list; count the colons on the way. */
    size_t ncolon = 0, ncomma = 0;
    int depth = 0, instr = 0, structured = 0;
    for (char *p = s; *p; p++) {
        if (instr) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == '"') instr = 0;
            continue;
        }
        if (*p == '"') { instr = 1; structured = 1; }
        else if (*p == '[' || *p == '{') { depth++; structured = 1; }
        else if ((*p == ']' || *p == '}') && depth > 0) depth--;
        else if (*p == ',' && depth == 0) { *p = 0x1f; ncomma++; }   /* unit separator marks a split */
        else if (*p == ':' && depth == 0) ncolon++;
    }
    int rc = 0;
    if (!structured && ncomma == 0 && ncolon > 0) {
        char *parts[3] = { s, NULL, NULL };
        if (ncolon == 2) {
            parts[1] = strchr(s, ':');
            *parts[1]++ = 0;
            parts[2] = strchr(parts[1], ':');
            *parts[2]++ = 0;
        }
        if (ncolon != 2 || !*parts[0] || !*parts[1] || !*parts[2]) {
            snprintf(err, errlen, "a range is lo:hi:step or lo:hi:xN (got \"%s\")", spec);
            rc = -1;
        } else {
            rc = parse_range(parts, out, err, errlen);
        }
    } else {
        char *item = s;
        for (size_t i = 0; i <= ncomma && !rc; i++) {
            char *sep = strchr(item, 0x1f);
            if (sep) *sep = 0;
            while (*item == ' ' || *item == '\t') item++;
            size_t n = strlen(item);
            while (n && (item[n - 1] == ' ' || item[n - 1] == '\t')) item[--n] = 0;
            if (!n) {
                snprintf(err, errlen, "empty value at position %zu of the list \"%s\"", i + 1, spec);
                rc = -1;
                break;
            }
            char shown[4096];
            double num;
            shown_of(item, shown, sizeof shown, &num);
            int a = values_add(out, item, shown, num);
            if (a == -2) snprintf(err, errlen, "the list has more than %d values", SWEEP_MAX_VALUES);
            else if (a) snprintf(err, errlen, "out of memory");
            rc = a ? -1 : 0;
            if (sep) item = sep + 1;
        }
    }
    free(s);
    if (rc) sweep_values_free(out);
    return rc;
}

/* ---------------------------------------------------------------- statistics */

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

/* ---------------------------------------------------------------- the grid */

typedef sweep_vary vary;
typedef sweep_grid grid;

void sweep_grid_free(grid *g)
{
    for (size_t i = 0; i < g->nvary; i++) {
        free(g->vary[i].path);
        free(g->vary[i].spec);
        sweep_values_free(&g->vary[i].v);
    }
    free(g->vary);
    free(g->scenario);
    free(g->name);
    free(g->hash);
    free(g->version);
    memset(g, 0, sizeof *g);
}

/* The index into vary i's values at a point: the first vary varies slowest. */
static size_t grid_index(const grid *g, size_t point, size_t i)
{
    for (size_t j = g->nvary; j-- > i + 1;) point /= g->vary[j].v.n;
    return point % g->vary[i].v.n;
}

static void point_desc(const grid *g, size_t point, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; i < g->nvary && used < n; i++) {
        int k = snprintf(buf + used, n - used, "%s%s=%s", i ? ", " : "", g->vary[i].path,
                         g->vary[i].v.text[grid_index(g, point, i)]);
        if (k < 0) break;
        used += (size_t)k;
    }
    if (!g->nvary) snprintf(buf, n, "the scenario as is");
}

/* ---------------------------------------------------------------- rows */

/* One row of runs.csv: a run of one label. */
typedef struct row {
    size_t run, seq;
    char *label, *strategy;
    double v[COL_N];
    size_t part, line;       /* merge: the part and line it was read from */
} row;

typedef struct rowset {
    row *r;
    size_t n, cap;
} rowset;

static void rows_free(rowset *rs)
{
    for (size_t i = 0; i < rs->n; i++) {
        free(rs->r[i].label);
        free(rs->r[i].strategy);
    }
    free(rs->r);
    memset(rs, 0, sizeof *rs);
}

static row *rows_add(rowset *rs)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        row *r = realloc(rs->r, cap * sizeof *r);
        if (!r) return NULL;
        rs->r = r;
        rs->cap = cap;
    }
    row *r = &rs->r[rs->n++];
    memset(r, 0, sizeof *r);
    r->seq = rs->n - 1;
    return r;
}

static int row_cmp(const void *a, const void *b)
{
    const row *x = a, *y = b;
    if (x->run != y->run) return x->run < y->run ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void runs_header(FILE *f, const grid *g)
{
    fputs("run", f);
    for (size_t i = 0; i < g->nvary; i++) { fputc(',', f); csvout_field(f, g->vary[i].path); }
    fputs(",replication,label,strategy", f);
    for (int c = 0; c < COL_N; c++) fprintf(f, ",%s", col_names[c]);
    fputc('\n', f);
}

static void put_point(FILE *f, const grid *g, size_t point)
{
    for (size_t i = 0; i < g->nvary; i++) {
        csvout_field(f, g->vary[i].v.shown[grid_index(g, point, i)]);
        fputc(',', f);
    }
}

static void write_runs(FILE *f, const grid *g, const rowset *rs)
{
    runs_header(f, g);
    for (size_t i = 0; i < rs->n; i++) {
        const row *r = &rs->r[i];
        if ((i & 0xffff) == 0xffff && stop_requested()) return;   /* outdir_commit refuses the folder */
        fprintf(f, "%zu,", r->run);
        put_point(f, g, r->run / g->reps);
        fprintf(f, "%zu,", r->run % g->reps);
        csvout_field(f, r->label);
        fputc(',', f);
        csvout_field(f, r->strategy);
        for (int c = 0; c < COL_N; c++) { fputc(',', f); csvout_num(f, r->v[c]); }
        fputc('\n', f);
    }
}

/* ---------------------------------------------------------------- summary */

/* One row of sweep.csv. */
typedef struct sumrow {
    size_t point;
    const char *label, *strategy;   /* borrowed from the rowset */
    size_t n;
    size_t recovered;   /* replications whose recovery_time is finite: every trigger recovered */
    sweep_stat m[COL_N];
    bool has_diff;
    sweep_stat d[COL_N];
} sumrow;

typedef struct summary {
    sumrow *s;
    size_t n;
    bool none_cols;    /* some point has a label of strategy none */
} summary;

/* Computes sweep.csv's rows from the rows of runs.csv, sorted by run.
 * Labels of a point come in the order of their first row; the reference for
 * the differences is the point's first label of strategy none. */
static int summarize(const grid *g, const rowset *rs, summary *out)
{
    memset(out, 0, sizeof *out);
    size_t R = g->reps;
    double *x = malloc(R * COL_N * sizeof *x), *ref = malloc(R * COL_N * sizeof *ref);
    double *a = malloc(R * sizeof *a), *b = malloc(R * sizeof *b);
    const char **labels = NULL;
    size_t cap = 0;
    int rc = 0;
    if (!x || !ref || !a || !b) rc = -1;
    for (size_t i = 0; i < rs->n; i++)
        if (!strcmp(rs->r[i].strategy, "none")) out->none_cols = true;
    size_t lo = 0;
    while (!rc && lo < rs->n) {
        size_t point = rs->r[lo].run / R, hi = lo;
        while (hi < rs->n && rs->r[hi].run / R == point) hi++;
        /* distinct labels, in order */
        size_t nl = 0;
        for (size_t i = lo; i < hi && !rc; i++) {
            size_t k = 0;
            while (k < nl && strcmp(labels[k], rs->r[i].label)) k++;
            if (k < nl) continue;
            if (nl == cap) {
                size_t nc = cap ? cap * 2 : 16;
                const char **t = realloc(labels, nc * sizeof *t);
                if (!t) { rc = -1; break; }
                labels = t;
                cap = nc;
            }
            labels[nl++] = rs->r[i].label;
        }
        if (rc) break;
        sumrow *ns = realloc(out->s, (out->n + nl) * sizeof *ns);
        if (!ns) { rc = -1; break; }
        out->s = ns;
        /* the none reference of this point */
        const char *none = NULL;
        for (size_t i = lo; i < hi && !none; i++)
            if (!strcmp(rs->r[i].strategy, "none")) none = rs->r[i].label;
        if (none) {
            for (size_t k = 0; k < R * COL_N; k++) ref[k] = NAN;
            for (size_t i = lo; i < hi; i++)
                if (!strcmp(rs->r[i].label, none))
                    memcpy(ref + (rs->r[i].run % R) * COL_N, rs->r[i].v, sizeof rs->r[i].v);
        }
        for (size_t l = 0; l < nl; l++) {
            sumrow *s = &out->s[out->n++];
            memset(s, 0, sizeof *s);
            s->point = point;
            s->label = labels[l];
            for (size_t k = 0; k < R * COL_N; k++) x[k] = NAN;
            for (size_t i = lo; i < hi; i++) {
                if (strcmp(rs->r[i].label, labels[l])) continue;
                if (!s->strategy) s->strategy = rs->r[i].strategy;
                memcpy(x + (rs->r[i].run % R) * COL_N, rs->r[i].v, sizeof rs->r[i].v);
                s->n++;
                s->recovered += isfinite(rs->r[i].v[COL_RECOVERY_TIME]);
            }
            s->has_diff = none && strcmp(none, labels[l]);
            for (int c = 0; c < COL_N; c++) {
                for (size_t r = 0; r < R; r++) {
                    a[r] = x[r * COL_N + (size_t)c];
                    b[r] = ref[r * COL_N + (size_t)c];
                }
                s->m[c] = sweep_mean_ci(a, R);
                if (s->has_diff) s->d[c] = sweep_paired_ci(a, b, R);
            }
        }
        lo = hi;
    }
    free(x);
    free(ref);
    free(a);
    free(b);
    free(labels);
    if (rc) { free(out->s); memset(out, 0, sizeof *out); }
    return rc;
}

static void write_summary(FILE *f, const grid *g, const summary *sm)
{
    for (size_t i = 0; i < g->nvary; i++) { csvout_field(f, g->vary[i].path); fputc(',', f); }
    fputs("label,strategy,n", f);
    for (int c = 0; c < COL_N; c++) {
        fprintf(f, ",%s_mean,%s_ci95", col_names[c], col_names[c]);
        if (c == COL_RECOVERY_TIME) fprintf(f, ",%s_recovered", col_names[c]);
    }
    if (sm->none_cols)
        for (int c = 0; c < COL_N; c++) fprintf(f, ",%s_diff_none_mean,%s_diff_none_ci95", col_names[c], col_names[c]);
    fputc('\n', f);
    for (size_t i = 0; i < sm->n; i++) {
        const sumrow *s = &sm->s[i];
        put_point(f, g, s->point);
        csvout_field(f, s->label);
        fputc(',', f);
        csvout_field(f, s->strategy);
        fprintf(f, ",%zu", s->n);
        for (int c = 0; c < COL_N; c++) {
            fputc(',', f);
            csvout_num(f, s->m[c].mean);
            fputc(',', f);
            csvout_num(f, s->m[c].ci95);
            if (c == COL_RECOVERY_TIME) fprintf(f, ",%zu", s->recovered);
        }
        if (sm->none_cols)
            for (int c = 0; c < COL_N; c++) {
                fputc(',', f);
                if (s->has_diff) csvout_num(f, s->d[c].mean);
                fputc(',', f);
                if (s->has_diff) csvout_num(f, s->d[c].ci95);
            }
        fputc('\n', f);
    }
}

/* What a column of sweep.csv holds: n, then per metric its mean and
 * half-width, and the paired difference to none (which may be negative). */
unsigned sweep_csv_kind(const char *name)
{
    if (!strcmp(name, "n")) return CK_COUNT;
    static const struct { const char *suffix; unsigned kind; } tails[] = {
        { "_diff_none_mean", CK_SIGNED | CK_EMPTY }, { "_diff_none_ci95", CK_REAL | CK_EMPTY },
        { "_mean", 0 }, { "_ci95", CK_REAL | CK_EMPTY },
    };
    size_t n = strlen(name);
    for (size_t t = 0; t < sizeof tails / sizeof *tails; t++) {
        size_t k = strlen(tails[t].suffix);
        if (n <= k || strcmp(name + n - k, tails[t].suffix)) continue;
        for (int c = 0; c < COL_N; c++) {
            if (strlen(col_names[c]) != n - k || strncmp(name, col_names[c], n - k)) continue;
            /* "inf" where the column may hold it (a recovery that never came
             * makes its point's mean inf) */
            unsigned inf = col_kinds[c] & CK_INF;
            if (tails[t].kind) return tails[t].kind | inf;
            /* a mean: of counts, a number; of a fraction or seconds, the same */
            unsigned base = col_kinds[c] & CK_KIND;
            return (base == CK_COUNT ? CK_REAL : base) | CK_EMPTY | inf;
        }
        return CK_ANY;
    }
    return CK_ANY;
}

/* ---------------------------------------------------------------- --minimize */

typedef struct metric_ref { char *label; int col; char *text; } metric_ref;
typedef struct constraint { metric_ref m; bool ge; double bound; } constraint;
typedef struct goal {
    bool set, maximize;
    metric_ref m;
    constraint *c;
    size_t nc;
} goal;

static void goal_free(goal *g)
{
    free(g->m.label);
    free(g->m.text);
    for (size_t i = 0; i < g->nc; i++) { free(g->c[i].m.label); free(g->c[i].m.text); }
    free(g->c);
    memset(g, 0, sizeof *g);
}

static int find_col(const char *name)
{
    for (int c = 0; c < COL_N; c++)
        if (!strcmp(col_names[c], name)) return c;
    return -1;
}

/* "METRIC" or "LABEL.METRIC"; 0, or -1 after printing the problem. */
static int parse_metric(const char *opt, const char *text, metric_ref *m)
{
    memset(m, 0, sizeof *m);
    const char *dot = strrchr(text, '.');
    const char *name = dot ? dot + 1 : text;
    m->col = find_col(name);
    if (m->col < 0) {
        fprintf(stderr, "stampede: %s: no metric \"%s\" (metrics:", opt, name);
        for (int c = 0; c < COL_N; c++) fprintf(stderr, " %s", col_names[c]);
        fputs(")\n", stderr);
        return -1;
    }
    if (dot && dot == text) {
        fprintf(stderr, "stampede: %s: empty label in \"%s\"\n", opt, text);
        return -1;
    }
    m->text = strdup(text);
    if (dot) m->label = strndup(text, (size_t)(dot - text));
    if (!m->text || (dot && !m->label)) { fputs("stampede: out of memory\n", stderr); return -1; }
    return 0;
}

static int parse_constraint(const char *text, constraint *c)
{
    const char *op = strstr(text, "<=");
    const char *ge = strstr(text, ">=");
    if (!op || (ge && ge < op)) op = ge;
    if (!op) {
        fprintf(stderr, "stampede: --subject-to needs METRIC<=X or METRIC>=X (got \"%s\")\n", text);
        return -1;
    }
    char *name = strndup(text, (size_t)(op - text));
    if (!name) return -1;
    int rc = parse_metric("--subject-to", name, &c->m);
    free(name);
    if (rc) return -1;
    c->ge = op[0] == '>';
    if (bound_value(op + 2, &c->bound)) {
        fprintf(stderr, "stampede: --subject-to %s: \"%s\" is not a number or a duration\n", text, op + 2);
        return -1;
    }
    return 0;
}

/* Every label named in the goal occurs in labels[0..n); else prints and -1. */
static int goal_check_labels(const goal *g, const char *const *labels, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i <= g->nc; i++) {
        const metric_ref *m = i < g->nc ? &g->c[i].m : &g->m;
        if (!m->label) continue;
        size_t k = 0;
        while (k < n && strcmp(labels[k], m->label)) k++;
        if (k < n) continue;
        fprintf(stderr, "stampede: %s: no label \"%s\" in the sweep (labels:", m->text, m->label);
        for (size_t j = 0; j < n; j++) fprintf(stderr, " %s", labels[j]);
        fputs(")\n", stderr);
        bad = 1;
    }
    return bad ? -1 : 0;
}

static const sumrow *sum_find(const summary *sm, size_t point, const char *label)
{
    for (size_t i = 0; i < sm->n; i++)
        if (sm->s[i].point == point && !strcmp(sm->s[i].label, label)) return &sm->s[i];
    return NULL;
}

static void fmt_ci(char *buf, size_t n, sweep_stat s)
{
    if (isfinite(s.ci95)) snprintf(buf, n, "%.6g ± %.3g", s.mean, s.ci95);
    else snprintf(buf, n, "%.6g", s.mean);
}

/* Whether candidate c meets every constraint (on the means). */
static bool feasible(const goal *g, const summary *sm, const sumrow *c)
{
    for (size_t i = 0; i < g->nc; i++) {
        const constraint *k = &g->c[i];
        const sumrow *o = sum_find(sm, c->point, k->m.label ? k->m.label : c->label);
        if (!o) return false;
        double v = o->m[k->m.col].mean;
        if (!isfinite(v) || (k->ge ? v < k->bound : v > k->bound)) return false;
    }
    return true;
}

/* The --minimize answer as text (best.txt and stdout); NULL on no memory. */
static char *best_text(const goal *g, const grid *gr, const summary *sm)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    int col = g->m.col;
    fprintf(f, "%s %s", g->maximize ? "maximize" : "minimize", g->m.text);
    for (size_t i = 0; i < g->nc; i++)
        fprintf(f, "%s %s %s %g", i ? "," : " subject to", g->c[i].m.text, g->c[i].ge ? ">=" : "<=", g->c[i].bound);
    fprintf(f, " (means over %zu replication%s, 95%% confidence intervals)\n", gr->reps, gr->reps == 1 ? "" : "s");
    size_t ncand = 0, nfeas = 0;
    const sumrow *best = NULL;
    for (size_t i = 0; i < sm->n; i++) {
        const sumrow *s = &sm->s[i];
        if (g->m.label && strcmp(g->m.label, s->label)) continue;
        ncand++;
        if (!isfinite(s->m[col].mean) || !feasible(g, sm, s)) continue;
        nfeas++;
        double v = s->m[col].mean;
        if (!best || (g->maximize ? v > best->m[col].mean : v < best->m[col].mean)) best = s;
    }
    char desc[4096], ci[128];
    if (!best) {
        fprintf(f, "no (point, label) of the %zu considered meets the constraints\n", ncand);
    } else {
        point_desc(gr, best->point, desc, sizeof desc);
        fmt_ci(ci, sizeof ci, best->m[col]);
        fprintf(f, "best: point %zu (%s), label %s\n", best->point, desc, best->label);
        fprintf(f, "  %s.%s = %s\n", best->label, col_names[col], ci);
        for (size_t i = 0; i < g->nc; i++) {
            const constraint *k = &g->c[i];
            const char *lab = k->m.label ? k->m.label : best->label;
            const sumrow *o = sum_find(sm, best->point, lab);
            fmt_ci(ci, sizeof ci, o->m[k->m.col]);
            fprintf(f, "  %s.%s = %s (%s %g: ok)\n", lab, col_names[k->m.col], ci, k->ge ? ">=" : "<=", k->bound);
        }
        fprintf(f, "feasible: %zu of %zu (point, label) pairs considered\n", nfeas, ncand);
        double bh = isfinite(best->m[col].ci95) ? best->m[col].ci95 : 0;
        size_t ties = 0;
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1 && ties) fprintf(f, "cannot be told apart from the best (95%% confidence intervals overlap): %zu\n", ties);
            for (size_t i = 0; i < sm->n; i++) {
                const sumrow *s = &sm->s[i];
                if (s == best || (g->m.label && strcmp(g->m.label, s->label))) continue;
                if (!isfinite(s->m[col].mean) || !feasible(g, sm, s)) continue;
                double h = isfinite(s->m[col].ci95) ? s->m[col].ci95 : 0;
                if (fabs(s->m[col].mean - best->m[col].mean) > bh + h) continue;
                if (pass == 0) { ties++; continue; }
                point_desc(gr, s->point, desc, sizeof desc);
                fmt_ci(ci, sizeof ci, s->m[col]);
                fprintf(f, "  point %zu (%s), label %s: %s\n", s->point, desc, s->label, ci);
            }
        }
        if (!ties) fprintf(f, "no other feasible (point, label) overlaps the best's 95%% confidence interval\n");
        if (gr->reps < 2) fprintf(f, "note: with 1 replication there are no confidence intervals; use --replications 3 or more\n");
    }
    if (fclose(f)) { free(buf); return NULL; }
    return buf;
}

/* ---------------------------------------------------------------- sweep.json */

static void json_strs(FILE *f, char **s, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", f);
        json_put_string(f, s[i]);
    }
    fputc(']', f);
}

/* The manifest: the whole grid and which of its runs this folder holds (as
 * increasing [first, last] ranges).  NULL on no memory. */
static char *manifest_text(const grid *g, bool partial, const char *selection, const size_t *runs, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    fprintf(f, "{\n  \"format\": \"%s\",\n  \"format_version\": %d,\n  \"stampede_version\": ", MANIFEST_FORMAT,
            MANIFEST_VERSION);
    json_put_string(f, g->version);
    fputs(",\n  \"scenario\": ", f);
    json_put_string(f, g->scenario);
    fputs(",\n  \"scenario_name\": ", f);
    json_put_string(f, g->name);
    fputs(",\n  \"scenario_hash\": ", f);
    json_put_string(f, g->hash);
    fputs(",\n  \"varies\": [", f);
    for (size_t i = 0; i < g->nvary; i++) {
        const vary *v = &g->vary[i];
        fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", f);
        json_put_string(f, v->path);
        fputs(", \"spec\": ", f);
        json_put_string(f, v->spec);
        fprintf(f, ", \"scale\": \"%s\",\n     \"values\": ", v->v.log ? "log" : "linear");
        json_strs(f, v->v.text, v->v.n);
        fputs(",\n     \"shown\": ", f);
        json_strs(f, v->v.shown, v->v.n);
        fputc('}', f);
    }
    fprintf(f, "%s],\n  \"replications\": %zu,\n  \"points\": %zu,\n  \"total_runs\": %zu,\n  \"partial\": %s,\n"
               "  \"selection\": ", g->nvary ? "\n  " : "", g->reps, g->points, g->runs, partial ? "true" : "false");
    json_put_string(f, selection);
    fprintf(f, ",\n  \"present\": %zu,\n  \"runs\": [", n);
    for (size_t i = 0, k = 0; i < n; k++) {
        size_t j = i;
        while (j + 1 < n && runs[j + 1] == runs[j] + 1) j++;
        fprintf(f, "%s[%zu, %zu]", k ? (k % 8 ? ", " : ",\n    ") : "", runs[i], runs[j]);
        i = j + 1;
    }
    fputs("]\n}\n", f);
    int bad = ferror(f);
    if (fclose(f) || bad) { free(buf); return NULL; }
    return buf;
}

/* A --vary path: dotted segments of letters, digits and '_'. */
static bool path_ok(const char *p)
{
    if (!*p || *p == '.') return false;
    for (; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_' || (*p == '.' && p[1] && p[1] != '.'))) return false;
    return true;
}

/* One line of text, without control characters. */
static bool line_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return false;
    return true;
}

/* The strings of the array at pointer, n of them, each one line of text. */
static int jlines(const jfile *j, const char *pointer, size_t n, char ***out, char *err, size_t errlen)
{
    const cJSON *a = jfile_get(j, pointer);
    if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
        return jfile_error(j, pointer, err, errlen, "expected an array of %zu strings, one per value", n);
    char **s = calloc(n ? n : 1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return TI_IO;
    }
    *out = s;
    size_t i = 0;
    for (const cJSON *x = a->child; x; x = x->next, i++) {
        if (!cJSON_IsString(x) || !line_ok(x->valuestring)) {
            char p[600];
            snprintf(p, sizeof p, "%s/%zu", pointer, i);
            return jfile_error(j, p, err, errlen, "expected one line of text");
        }
        if (!(s[i] = strdup(x->valuestring))) {
            snprintf(err, errlen, "out of memory");
            return TI_IO;
        }
    }
    return 0;
}

int sweep_manifest_read(const char *dir, grid *g, size_t **runs, size_t *nruns, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    *runs = NULL;
    *nruns = 0;
    char *p = fs_join(dir, "sweep.json");
    jfile j;
    memset(&j, 0, sizeof j);
    int rc = TI_IO;
    const char *s = NULL;
    double x;
    char ptr[256];
    if (!p) goto oom;
    struct stat st;
    if (stat(p, &st) && errno == ENOENT) {
        snprintf(err, errlen, "%s: not a sweep folder (it has no sweep.json)", dir);
        rc = TI_BAD;
        goto done;
    }
    if ((rc = jfile_open(&j, p, err, errlen))) goto done;
    rc = TI_BAD;
    if (jfile_format(&j, "a sweep manifest", MANIFEST_FORMAT, MANIFEST_VERSION, err, errlen)) goto done;
    static const char *const texts[] = { "/stampede_version", "/scenario", "/scenario_name", "/scenario_hash" };
    char **dst[] = { &g->version, &g->scenario, &g->name, &g->hash };
    for (size_t i = 0; i < 4; i++) {
        if (jfile_string(&j, texts[i], true, &s, err, errlen)) goto done;
        if (!line_ok(s) || (i == 2 && !scenario_valid_name(s))) {
            jfile_error(&j, texts[i], err, errlen, i == 2 ? "expected a scenario name of letters, digits, '.', '_' and '-'"
                                                          : "expected one line of text");
            goto done;
        }
        if (!(*dst[i] = strdup(s))) goto oom;
    }
    if (jfile_number(&j, "/replications", true, 1, 1e8, true, &x, err, errlen)) goto done;
    g->reps = (size_t)x;
    if (jfile_number(&j, "/points", true, 1, 1e8, true, &x, err, errlen)) goto done;
    g->points = (size_t)x;
    if (jfile_number(&j, "/total_runs", true, 1, 1e8, true, &x, err, errlen)) goto done;
    g->runs = (size_t)x;
    const cJSON *varies = jfile_get(&j, "/varies");
    if (!cJSON_IsArray(varies) || cJSON_GetArraySize(varies) > 64) {
        jfile_error(&j, "/varies", err, errlen, "expected an array of the varied fields");
        goto done;
    }
    size_t nv = (size_t)cJSON_GetArraySize(varies);
    if (!(g->vary = calloc(nv ? nv : 1, sizeof *g->vary))) goto oom;
    double product = 1;
    for (size_t i = 0; i < nv; i++) {
        vary *v = &g->vary[g->nvary++];
        snprintf(ptr, sizeof ptr, "/varies/%zu/path", i);
        if (jfile_string(&j, ptr, true, &s, err, errlen)) goto done;
        if (!path_ok(s)) {
            jfile_error(&j, ptr, err, errlen, "expected a dotted scenario path, as --vary takes");
            goto done;
        }
        for (size_t k = 0; k + 1 < g->nvary; k++)
            if (!strcmp(g->vary[k].path, s)) {
                jfile_error(&j, ptr, err, errlen, "the path of an earlier vary too");
                goto done;
            }
        if (!(v->path = strdup(s))) goto oom;
        snprintf(ptr, sizeof ptr, "/varies/%zu/spec", i);
        if (jfile_string(&j, ptr, true, &s, err, errlen)) goto done;
        if (!line_ok(s)) {
            jfile_error(&j, ptr, err, errlen, "expected one line of text");
            goto done;
        }
        if (!(v->spec = strdup(s))) goto oom;
        snprintf(ptr, sizeof ptr, "/varies/%zu/scale", i);
        if (jfile_string(&j, ptr, true, &s, err, errlen)) goto done;
        if (strcmp(s, "log") && strcmp(s, "linear")) {
            jfile_error(&j, ptr, err, errlen, "expected \"linear\" or \"log\"");
            goto done;
        }
        v->v.log = !strcmp(s, "log");
        snprintf(ptr, sizeof ptr, "/varies/%zu/values", i);
        const cJSON *vals = jfile_get(&j, ptr);
        size_t n = cJSON_IsArray(vals) ? (size_t)cJSON_GetArraySize(vals) : 0;
        if (n == 0 || n > SWEEP_MAX_VALUES) {
            jfile_error(&j, ptr, err, errlen, "expected an array of 1 to %d values", SWEEP_MAX_VALUES);
            goto done;
        }
        if ((rc = jlines(&j, ptr, n, &v->v.text, err, errlen))) goto done;
        v->v.n = n;
        snprintf(ptr, sizeof ptr, "/varies/%zu/shown", i);
        if ((rc = jlines(&j, ptr, n, &v->v.shown, err, errlen))) goto done;
        rc = TI_BAD;
        if (!(v->v.num = malloc(n * sizeof *v->v.num))) goto oom;
        for (size_t k = 0; k < n; k++) {
            double y;
            v->v.num[k] = num_parse_decimal(v->v.shown[k], strlen(v->v.shown[k]), &y) == 0 && isfinite(y) ? y : NAN;
            for (size_t m = 0; m < k; m++)
                if (!strcmp(v->v.shown[m], v->v.shown[k])) {
                    snprintf(ptr, sizeof ptr, "/varies/%zu/shown/%zu", i, k);
                    jfile_error(&j, ptr, err, errlen, "a value given twice");
                    goto done;
                }
        }
        product *= (double)n;
    }
    if (product != (double)g->points || (double)g->points * (double)g->reps != (double)g->runs) {
        jfile_error(&j, "/points", err, errlen, "points and total_runs do not match the varies and replications");
        goto done;
    }
    const cJSON *r = jfile_get(&j, "/runs");
    if (!cJSON_IsArray(r)) {
        jfile_error(&j, "/runs", err, errlen, "expected the array of the runs present");
        goto done;
    }
    size_t k = 0;
    for (const cJSON *pair = r->child; pair; pair = pair->next, k++) {
        const cJSON *a = cJSON_GetArrayItem(pair, 0), *b = cJSON_GetArrayItem(pair, 1);
        snprintf(ptr, sizeof ptr, "/runs/%zu", k);
        if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 || !cJSON_IsNumber(a) || !cJSON_IsNumber(b) ||
            a->valuedouble != floor(a->valuedouble) || b->valuedouble != floor(b->valuedouble) || a->valuedouble < 0 ||
            b->valuedouble < a->valuedouble || b->valuedouble >= (double)g->runs ||
            (*nruns && a->valuedouble <= (double)(*runs)[*nruns - 1])) {
            jfile_error(&j, ptr, err, errlen, "expected a range [first, last] of runs in the grid, after the previous one");
            goto done;
        }
        size_t lo = (size_t)a->valuedouble, hi = (size_t)b->valuedouble;
        size_t *t = realloc(*runs, (*nruns + hi - lo + 1) * sizeof *t);
        if (!t) goto oom;
        *runs = t;
        for (size_t m = lo; m <= hi; m++) (*runs)[(*nruns)++] = m;
    }
    if (jfile_number(&j, "/present", true, (double)*nruns, (double)*nruns, true, &x, err, errlen)) goto done;
    const cJSON *partial = jfile_get(&j, "/partial");
    if (!cJSON_IsBool(partial) || cJSON_IsTrue(partial) != (*nruns < g->runs)) {
        jfile_error(&j, "/partial", err, errlen, "expected %s: the folder holds %zu of %zu runs",
                    *nruns < g->runs ? "true" : "false", *nruns, g->runs);
        goto done;
    }
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    jfile_close(&j);
    free(p);
    if (rc) {
        sweep_grid_free(g);
        free(*runs);
        *runs = NULL;
        *nruns = 0;
    }
    return rc;
}

/* Whether two manifests describe the same grid; else says how they differ. */
static int grid_same(const grid *a, const grid *b, char *why, size_t n)
{
    if (strcmp(a->hash, b->hash) || strcmp(a->name, b->name)) {
        snprintf(why, n, "different scenarios (%s %s, %s %s)", a->name, a->hash, b->name, b->hash);
        return 0;
    }
    if (strcmp(a->version, b->version)) {
        snprintf(why, n, "made by different stampede versions (%s, %s)", a->version, b->version);
        return 0;
    }
    if (a->nvary != b->nvary || a->reps != b->reps || a->runs != b->runs) {
        snprintf(why, n, "different grids (%zu and %zu varied fields, %zu and %zu replications)", a->nvary, b->nvary,
                 a->reps, b->reps);
        return 0;
    }
    for (size_t i = 0; i < a->nvary; i++) {
        const vary *x = &a->vary[i], *y = &b->vary[i];
        bool same = !strcmp(x->path, y->path) && !strcmp(x->spec, y->spec) && x->v.n == y->v.n;
        for (size_t k = 0; same && k < x->v.n; k++)
            same = !strcmp(x->v.text[k], y->v.text[k]) && !strcmp(x->v.shown[k], y->v.shown[k]);
        if (!same) {
            snprintf(why, n, "different grids (--vary %s=%s and %s=%s)", x->path, x->spec, y->path, y->spec);
            return 0;
        }
    }
    return 1;
}

/* ---------------------------------------------------------------- the folder */

static const char *const sweep_kinds[] = { OUT_SWEEP, OUT_SWEEP_PART, NULL };

/* Writes a whole sweep folder from its rows (sorted by run): runs.csv and
 * sweep.json, and for a complete sweep sweep.csv, best.txt (with a goal) and
 * the charts (with plot).  Returns an exit status. */
static int write_folder(const grid *g, const rowset *rs, bool partial, const char *selection, const size_t *runs,
                        size_t nruns, const goal *gl, unsigned plot, const char *dir)
{
    char err[8192] = "";
    outdir o;
    summary sm = { 0 };
    char *best = NULL, *manifest = NULL;
    int rc = outdir_open(&o, dir, partial ? OUT_SWEEP_PART : OUT_SWEEP, sweep_kinds, NULL, err, sizeof err);
    if (rc) {
        fprintf(stderr, "stampede: %s\n", err);
        outdir_close(&o);
        return rc == -2 ? 2 : 1;
    }
    int status = 1;
    FILE *f = outdir_file(&o, "runs.csv", err, sizeof err);
    if (!f) goto done;
    write_runs(f, g, rs);
    if (fs_close_checked(f, "runs.csv", err, sizeof err)) goto done;
    if (!(manifest = manifest_text(g, partial, selection, runs, nruns))) { snprintf(err, sizeof err, "out of memory"); goto done; }
    if (!(f = outdir_file(&o, "sweep.json", err, sizeof err))) goto done;
    fputs(manifest, f);
    if (fs_close_checked(f, "sweep.json", err, sizeof err)) goto done;
    if (!partial) {
        if (summarize(g, rs, &sm)) { snprintf(err, sizeof err, "out of memory"); goto done; }
        if (!(f = outdir_file(&o, "sweep.csv", err, sizeof err))) goto done;
        write_summary(f, g, &sm);
        if (fs_close_checked(f, "sweep.csv", err, sizeof err)) goto done;
        if (gl && gl->set) {
            if (!(best = best_text(gl, g, &sm))) { snprintf(err, sizeof err, "out of memory"); goto done; }
            if (outdir_text(&o, "best.txt", best, err, sizeof err)) goto done;
        }
    }
    if (outdir_commit(&o, err, sizeof err)) goto done;
    status = 0;
    if (best) fputs(best, stdout);
    printf("results: %s/ (%zu of %zu runs%s)\n", o.dir, nruns, g->runs, partial ? ", partial: join the parts with stampede merge" : "");
    /* Charts come after the commit: a gnuplot problem must not lose the runs. */
    if (plot && !partial && plot_sweep_folder(o.dir, plot, err, sizeof err)) {
        fprintf(stderr, "stampede: charts: %s (the results are in %s/)\n", err, o.dir);
        status = 1;
    }
done:
    if (status && o.tmp) fprintf(stderr, "stampede: %s; nothing was written to %s\n", err, o.dir ? o.dir : dir);
    outdir_close(&o);
    free(sm.s);
    free(best);
    free(manifest);
    return status;
}

/* ---------------------------------------------------------------- sweep */

struct sweep {
    grid g;
    scenario **sc;           /* one per point, read-only while running */
    size_t *sel, nsel;       /* the runs computed here, increasing */
    bool partial;
    char selection[96];      /* "all", "runs A..B", "shard K/N" */
    double *res;             /* results, COL_N per label, run after run */
    size_t *off;             /* nsel + 1 offsets into res */
    int jobs;
    bool quiet, force;
    char *out;
    unsigned plot;           /* chart formats (plot.h), 0: no charts */
    goal goal;
};

size_t sweep_count(const sweep *sw) { return sw->nsel; }
size_t sweep_width(const sweep *sw, size_t k) { return sw->off[k + 1] - sw->off[k]; }
double *sweep_slot(sweep *sw, size_t k) { return sw->res + sw->off[k]; }
int sweep_jobs(const sweep *sw) { return sw->jobs; }

void sweep_close(sweep *sw)
{
    if (!sw) return;
    for (size_t p = 0; sw->sc && p < sw->g.points; p++) scenario_free(sw->sc[p]);
    free(sw->sc);
    sweep_grid_free(&sw->g);
    goal_free(&sw->goal);
    free(sw->sel);
    free(sw->res);
    free(sw->off);
    free(sw->out);
    free(sw);
}

static char *hash_file(const char *path)
{
    size_t n;
    int rc;
    char err[512];
    char *text = textin_slurp(path, JFILE_MAX, &n, &rc, err, sizeof err);
    if (!text) return NULL;
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ull;
    }
    free(text);
    char *s = malloc(32);
    if (s) snprintf(s, 32, "fnv1a64:%016llx", (unsigned long long)h);
    return s;
}

/* A non-negative integer, the whole text. */
static int parse_size(const char *s, size_t *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+' || *s == ' ') return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno || v > SIZE_MAX / 2) return -1;
    *out = (size_t)v;
    return 0;
}

/* Loads the scenario at every point; prints the problems of the first few bad
 * points.  Returns 0, 2 (some point is invalid) or 1 (no memory). */
static int load_points(sweep *sw, const char *path, bool speak)
{
    grid *g = &sw->g;
    override *ovr = calloc(g->nvary ? g->nvary : 1, sizeof *ovr);
    sw->sc = calloc(g->points, sizeof *sw->sc);
    if (!ovr || !sw->sc) { free(ovr); if (speak) fputs("stampede: out of memory\n", stderr); return 1; }
    size_t bad = 0;
    char desc[4096];
    for (size_t p = 0; p < g->points; p++) {
        if (stop_requested()) {
            free(ovr);
            if (speak) fputs("stampede: sweep: interrupted while loading the points; nothing was run\n", stderr);
            return 1;
        }
        for (size_t i = 0; i < g->nvary; i++) {
            ovr[i].path = g->vary[i].path;
            ovr[i].value = g->vary[i].v.text[grid_index(g, p, i)];
        }
        diag errs = { 0 };
        char lim[2048] = "";
        sw->sc[p] = scenario_load(path, ovr, g->nvary, &errs);
        if (sw->sc[p] && limits_check(sw->sc[p], sw->force, lim, sizeof lim)) {
            /* beyond what one run may take: as invalid as a bad value */
            if (speak && bad < MAX_SHOWN_BAD) {
                point_desc(g, p, desc, sizeof desc);
                fprintf(stderr, "stampede: point %zu (%s): %s\n", p, desc, lim);
            }
            scenario_free(sw->sc[p]);
            sw->sc[p] = NULL;
            bad++;
        } else if (!sw->sc[p]) {
            if (speak && bad < MAX_SHOWN_BAD) {
                point_desc(g, p, desc, sizeof desc);
                for (size_t k = 0; k < errs.n; k++) {
                    const char *m = errs.msgs[k];
                    if (!strncmp(m, "--set ", 6)) fprintf(stderr, "stampede: point %zu (%s): --vary %s\n", p, desc, m + 6);
                    else fprintf(stderr, "stampede: point %zu (%s): %s\n", p, desc, m);
                }
                if (!errs.n) fprintf(stderr, "stampede: point %zu (%s): cannot load %s\n", p, desc, path);
            }
            bad++;
        }
        diag_free(&errs);
    }
    free(ovr);
    if (bad > MAX_SHOWN_BAD && speak)
        fprintf(stderr, "stampede: ... and %zu more invalid points\n", bad - MAX_SHOWN_BAD);
    if (bad && speak) fprintf(stderr, "stampede: %zu of %zu points are invalid; nothing was run\n", bad, g->points);
    return bad ? 2 : 0;
}

/* The distinct labels over every point, in order of appearance. */
static const char **sweep_labels(const sweep *sw, size_t *n)
{
    size_t cap = 0;
    const char **l = NULL;
    *n = 0;
    for (size_t p = 0; p < sw->g.points; p++)
        for (size_t s = 0; s < sw->sc[p]->nstrategies; s++) {
            const char *lab = sw->sc[p]->strategies[s].label;
            size_t k = 0;
            while (k < *n && strcmp(l[k], lab)) k++;
            if (k < *n) continue;
            if (*n == cap) {
                cap = cap ? cap * 2 : 8;
                const char **t = realloc(l, cap * sizeof *t);
                if (!t) { free(l); return NULL; }
                l = t;
            }
            l[(*n)++] = lab;
        }
    return l;
}

/* The selection: runs r in lo..hi with r % n == c.  The first (hi + 1 when
 * none) and how many. */
static size_t sel_first(size_t lo, size_t hi, size_t c, size_t n)
{
    size_t r = lo + (c + n - lo % n) % n;
    return r <= hi ? r : hi + 1;
}

static size_t sel_count(size_t lo, size_t hi, size_t c, size_t n)
{
    size_t f = sel_first(lo, hi, c, n);
    return f > hi ? 0 : (hi - f) / n + 1;
}

/* Refuses a selection whose results would not fit in memory, or whose work
 * is beyond LIMIT_WORK (unless --force): 0, or an exit status after saying
 * why with the estimate and what to change. */
static int selection_check(const sweep *sw, size_t lo, size_t hi, size_t c, size_t n, bool speak)
{
    const grid *g = &sw->g;
    double work = 0, bytes = 0, reqs = 0;
    for (size_t p = 0; p < g->points; p++) {
        size_t a = p * g->reps, b = a + g->reps - 1;
        if (a < lo) a = lo;
        if (b > hi) b = hi;
        if (a > b) continue;
        double cnt = (double)sel_count(a, b, c, n), ns = (double)sw->sc[p]->nstrategies;
        if (cnt == 0) continue;
        limits_estimate e;
        limits_estimate_of(sw->sc[p], sw->sc[p]->nstrategies, &e);
        work += cnt * ns * e.work;
        reqs += cnt * ns * e.requests;
        /* per run: its place in the selection, its offset, and per label its
         * columns, its runs.csv row and two names */
        bytes += cnt * (2 * sizeof(size_t) + ns * (COL_N * sizeof(double) + sizeof(row) + 64));
    }
    char mem[64], avail[64], t[64];
    double limit = LIMIT_MEMORY_SHARE * limits_available();
    const char *fewer = "select fewer runs (--shard K/N or --runs A..B), lower --replications or vary fewer values";
    if (bytes > limit) {
        limits_fmt_bytes(mem, sizeof mem, bytes);
        limits_fmt_bytes(avail, sizeof avail, limits_available());
        if (speak)
            fprintf(stderr, "stampede: sweep: the %zu selected runs would hold about %s of results, more than %.0f%% "
                            "of the %s this process may use; %s\n", sw->nsel, mem, 100 * LIMIT_MEMORY_SHARE, avail,
                    fewer);
        return 2;
    }
    if (work > LIMIT_WORK) {
        limits_fmt_time(t, sizeof t, work / 1e6);
        if (speak)
            fprintf(stderr, "stampede: sweep: %s: the %zu selected runs would simulate about %.2g requests, %.2g "
                            "request-equivalents of work in all (%s on one core), beyond the limit of %.0g; %s, %s\n",
                    sw->force ? "warning" : "error", sw->nsel, reqs, work, t, LIMIT_WORK, fewer,
                    sw->force ? "running it anyway (--force)" : "or pass --force to run it anyway");
        return sw->force ? 0 : 2;
    }
    return 0;
}

/* Lists the selected runs as they are computed (nothing held); a signal or
 * a failed write (a closed pipe) ends it: 1. */
static int print_runs(const sweep *sw, size_t lo, size_t hi, size_t c, size_t n)
{
    const grid *g = &sw->g;
    fputs("run", stdout);
    for (size_t i = 0; i < g->nvary; i++) { fputc(',', stdout); csvout_field(stdout, g->vary[i].path); }
    fputs(",replication\n", stdout);
    size_t i = 0;
    for (size_t run = sel_first(lo, hi, c, n); run <= hi; run += n, i++) {
        printf("%zu,", run);
        put_point(stdout, g, run / g->reps);
        printf("%zu\n", run % g->reps);
        if ((i & 0xfff) == 0xfff && (stop_requested() || ferror(stdout))) break;
    }
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "stampede: sweep --list-runs: cannot write the list: %s\n", strerror(errno ? errno : EIO));
        return 1;
    }
    if (stop_requested()) {
        fputs("stampede: sweep --list-runs: interrupted; the list is incomplete\n", stderr);
        return 1;
    }
    return 0;
}

int sweep_open(int argc, char **argv, bool speak, sweep **out)
{
    *out = NULL;
    sweep *sw = calloc(1, sizeof *sw);
    const char **vspec = calloc((size_t)argc + 1, sizeof *vspec);
    const char *path = NULL, *reps = NULL, *jobs = NULL, *runs = NULL, *shard = NULL, *outpath = NULL;
    bool list = false;
    int status = 0;
    size_t nv = 0;
    if (!sw || !vspec) { free(sw); free(vspec); if (speak) fputs("stampede: out of memory\n", stderr); return 1; }
#define FAIL(code, ...) do { if (speak) cli_usage_error("sweep", __VA_ARGS__); status = (code); goto fail; } while (0)
#define OOM() do { if (speak) fputs("stampede: out of memory\n", stderr); status = 1; goto fail; } while (0)
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val;
        char name[64];
        cli_option(a, name, sizeof name, &val);
        if (!strcmp(a, "-j") || !strcmp(a, "-r") || !strcmp(a, "-o")) {
            snprintf(name, sizeof name, "%s", !strcmp(a, "-j") ? "--jobs" : !strcmp(a, "-r") ? "--replications" : "--out");
        }
        bool takes = !strcmp(name, "--vary") || !strcmp(name, "--replications") || !strcmp(name, "--jobs") ||
                     !strcmp(name, "--out") || !strcmp(name, "--minimize") || !strcmp(name, "--maximize") ||
                     !strcmp(name, "--subject-to") || !strcmp(name, "--runs") || !strcmp(name, "--shard");
        if (takes && !val) {
            if (i + 1 >= argc) FAIL(2, "sweep: %s needs a value", name);
            val = argv[++i];
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            if (speak) fputs(usage_sweep, stdout);
            status = SWEEP_DONE;
            goto fail;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) sw->quiet = true;
        else if (!strcmp(a, "--force")) sw->force = true;
        else if (!strcmp(a, "--list-runs")) list = true;
        else if (!strcmp(name, "--plot")) {
            if (plot_parse_formats(val ? val : "svg,png", &sw->plot))
                FAIL(2, "sweep: --plot: unknown chart format in \"%s\" (formats: svg, png, pdf)", val);
        }
        else if (!strcmp(name, "--vary")) vspec[nv++] = val;
        else if (!strcmp(name, "--replications")) reps = val;
        else if (!strcmp(name, "--jobs")) jobs = val;
        else if (!strcmp(name, "--out")) outpath = val;
        else if (!strcmp(name, "--runs")) runs = val;
        else if (!strcmp(name, "--shard")) shard = val;
        else if (!strcmp(name, "--minimize") || !strcmp(name, "--maximize")) {
            if (sw->goal.set) FAIL(2, "sweep: one --minimize or --maximize at a time");
            sw->goal.set = true;
            sw->goal.maximize = name[3] == 'a';
            if (parse_metric(name, val, &sw->goal.m)) { status = 2; goto fail; }
        } else if (!strcmp(name, "--subject-to")) {
            constraint *c = realloc(sw->goal.c, (sw->goal.nc + 1) * sizeof *c);
            if (!c) OOM();
            sw->goal.c = c;
            memset(&c[sw->goal.nc], 0, sizeof *c);
            if (parse_constraint(val, &c[sw->goal.nc++])) { status = 2; goto fail; }
        } else if (a[0] == '-' && a[1]) {
            FAIL(2, "sweep: unknown option %s", a);
        } else if (path) {
            FAIL(2, "sweep: one scenario at a time (got %s and %s)", path, a);
        } else {
            path = a;
        }
    }
    if (!path) FAIL(2, "sweep: which scenario? give SCENARIO.json");
    if (outpath && !*outpath) FAIL(2, "sweep: --out needs a folder name (got \"\")");
    if (sw->goal.nc && !sw->goal.set) FAIL(2, "sweep: --subject-to needs --minimize or --maximize");
    if (runs && shard) FAIL(2, "sweep: --runs and --shard do not go together");
    sw->g.reps = 1;
    if (reps && (parse_size(reps, &sw->g.reps) || sw->g.reps == 0))
        FAIL(2, "sweep: --replications needs an integer >= 1 (got \"%s\")", reps);
    if (jobs) {
        size_t j;
        if (parse_size(jobs, &j) || j == 0 || j > 4096) FAIL(2, "sweep: --jobs needs an integer from 1 to 4096 (got \"%s\")", jobs);
        sw->jobs = (int)j;
    }

    /* the grid */
    grid *g = &sw->g;
    if (!(g->vary = calloc(nv ? nv : 1, sizeof *g->vary))) OOM();
    g->points = 1;
    for (size_t i = 0; i < nv; i++) {
        const char *eq = strchr(vspec[i], '=');
        if (!eq || eq == vspec[i]) FAIL(2, "sweep: --vary needs PATH=VALUES (got \"%s\")", vspec[i]);
        vary *v = &g->vary[g->nvary++];
        v->path = strndup(vspec[i], (size_t)(eq - vspec[i]));
        v->spec = strdup(eq + 1);
        if (!v->path || !v->spec) OOM();
        for (size_t k = 0; k + 1 < g->nvary; k++)
            if (!strcmp(g->vary[k].path, v->path)) FAIL(2, "sweep: --vary %s given twice", v->path);
        char err[512];
        if (sweep_parse_values(v->spec, &v->v, err, sizeof err)) FAIL(2, "sweep: --vary %s: %s", vspec[i], err);
        if (g->points > SIZE_MAX / 4 / v->v.n) FAIL(2, "sweep: the grid is too large");
        g->points *= v->v.n;
    }
    /* Sizes checked before anything is allocated for the grid or listed. */
    if (g->points > SWEEP_MAX_POINTS)
        FAIL(2, "sweep: the grid has %zu points, beyond the limit of %d: every point's scenario is loaded and checked "
                "before the first run; vary fewer values", g->points, SWEEP_MAX_POINTS);
    if (g->points > SIZE_MAX / 4 / g->reps || g->points * g->reps > SWEEP_MAX_RUNS)
        FAIL(2, "sweep: %zu points x %zu replications is %.3g runs, beyond the limit of %.0f; lower --replications "
                "or vary fewer values", g->points, g->reps, (double)g->points * (double)g->reps, (double)SWEEP_MAX_RUNS);
    g->runs = g->points * g->reps;

    /* every point loads, or nothing runs */
    if ((status = load_points(sw, path, speak))) goto fail;
    g->scenario = strdup(path);
    g->name = strdup(sw->sc[0]->name);
    g->version = strdup(STAMPEDE_VERSION);
    g->hash = hash_file(path);
    if (!g->scenario || !g->name || !g->version || !g->hash) {
        if (speak) fprintf(stderr, "stampede: cannot read %s: %s\n", path, strerror(errno));
        status = 1;
        goto fail;
    }
    if (sw->goal.set) {
        size_t nl;
        const char **labels = sweep_labels(sw, &nl);
        if (!labels) OOM();
        int bad = goal_check_labels(&sw->goal, labels, nl);
        free(labels);
        if (bad) { status = 2; goto fail; }
    }

    if (scenario_trace_once(sw->sc[0]) && (g->runs > 1 || sw->sc[0]->nstrategies > 1)) {
        if (speak)
            fprintf(stderr, "stampede: %s: error: clients.arrivals.trace: %s can be read only once (a pipe or a "
                            "device), and every run of every strategy reads it whole; copy it to a file\n",
                    path, sw->sc[0]->clients.trace);
        status = 2;
        goto fail;
    }

    /* the selection */
    size_t lo = 0, hi = g->runs - 1, k = 1, n = 1;
    snprintf(sw->selection, sizeof sw->selection, "all");
    if (runs) {
        const char *dots = strstr(runs, "..");
        char a[32] = "";
        if (!dots || (size_t)(dots - runs) >= sizeof a) FAIL(2, "sweep: --runs needs A..B (got \"%s\")", runs);
        memcpy(a, runs, (size_t)(dots - runs));
        if (parse_size(a, &lo) || parse_size(dots + 2, &hi) || lo > hi)
            FAIL(2, "sweep: --runs needs A..B with integers 0 <= A <= B (got \"%s\")", runs);
        if (hi >= g->runs) FAIL(2, "sweep: --runs %s: the sweep has runs 0..%zu", runs, g->runs - 1);
        snprintf(sw->selection, sizeof sw->selection, "runs %zu..%zu", lo, hi);
        sw->partial = lo > 0 || hi < g->runs - 1;
    } else if (shard) {
        const char *slash = strchr(shard, '/');
        char a[32] = "";
        if (!slash || (size_t)(slash - shard) >= sizeof a) FAIL(2, "sweep: --shard needs K/N (got \"%s\")", shard);
        memcpy(a, shard, (size_t)(slash - shard));
        if (parse_size(a, &k) || parse_size(slash + 1, &n) || n == 0 || k == 0 || k > n)
            FAIL(2, "sweep: --shard needs K/N with integers 1 <= K <= N (got \"%s\")", shard);
        snprintf(sw->selection, sizeof sw->selection, "shard %zu/%zu", k, n);
        sw->partial = n > 1;
    }
    if (!sw->partial) snprintf(sw->selection, sizeof sw->selection, "all");   /* the whole grid is no part */
    /* What the selected runs cost, before anything is allocated for them or
     * listed: --list-runs lists what the same command would run. */
    sw->nsel = sel_count(lo, hi, k - 1, n);
    if ((status = selection_check(sw, lo, hi, k - 1, n, speak))) goto fail;
    if (list) {
        if (speak && print_runs(sw, lo, hi, k - 1, n)) status = 1;
        else status = SWEEP_DONE;
        goto fail;
    }
    if (!(sw->sel = malloc((sw->nsel ? sw->nsel : 1) * sizeof *sw->sel))) OOM();
    sw->nsel = 0;
    for (size_t r = sel_first(lo, hi, k - 1, n); r <= hi; r += n) sw->sel[sw->nsel++] = r;

    /* where the results go */
    size_t width = 0;
    if (!(sw->off = malloc((sw->nsel + 1) * sizeof *sw->off))) OOM();
    for (size_t i = 0; i < sw->nsel; i++) {
        sw->off[i] = width;
        width += sw->sc[sw->sel[i] / g->reps]->nstrategies * COL_N;
    }
    sw->off[sw->nsel] = width;
    if (!(sw->res = malloc((width ? width : 1) * sizeof *sw->res))) OOM();
    for (size_t i = 0; i < width; i++) sw->res[i] = NAN;
    char def[4200];
    if (!outpath) {
        if (runs && sw->partial) snprintf(def, sizeof def, "results/%s-sweep-runs-%zu-%zu", g->name, lo, hi);
        else if (shard && sw->partial) snprintf(def, sizeof def, "results/%s-sweep-shard-%zu-of-%zu", g->name, k, n);
        else snprintf(def, sizeof def, "results/%s-sweep", g->name);
        outpath = def;
    }
    if (!(sw->out = strdup(outpath))) OOM();
    if (sw->partial && sw->goal.set)
        FAIL(2, "sweep: --minimize needs the whole sweep; give it to `stampede merge` instead");
    if (sw->partial && sw->plot)
        FAIL(2, "sweep: --plot needs the whole sweep; give it to `stampede merge` instead");
    /* Everything that could fail after the runs is checked before them. */
    char oerr[4096];
    int orc = outdir_check(sw->out, sweep_kinds, oerr, sizeof oerr);
    if (orc) {
        if (speak) fprintf(stderr, "stampede: %s\n", oerr);
        status = orc == -2 ? 2 : 1;
        goto fail;
    }
    if (sw->plot && plot_ready(oerr, sizeof oerr)) {
        if (speak) fprintf(stderr, "stampede: sweep --plot: %s\n", oerr);
        status = 1;
        goto fail;
    }
#undef FAIL
#undef OOM
    free(vspec);
    *out = sw;
    return 0;
fail:
    free(vspec);
    sweep_close(sw);
    return status;
}

/* ---------------------------------------------------------------- running */

typedef struct exec {
    sweep *sw;
    const size_t *ks;
    size_t n, next, done;
    pthread_mutex_t mu;
    int failed;
    char err[2048];
    bool show, shown;
    double t0, last;
} exec;

/* Runs every strategy of the k-th selected run into its slot. */
static int run_one(sweep *sw, size_t k, char *err, size_t errlen)
{
    size_t run = sw->sel[k], point = run / sw->g.reps, rep = run % sw->g.reps;
    const scenario *sc = sw->sc[point];
    double *out = sweep_slot(sw, k);
    for (size_t si = 0; si < sc->nstrategies; si++) {
        metrics m;
        char e[1024] = "";
        if (metrics_init(&m, sc->warmup, sc->duration, sc->bin)) {
            snprintf(err, errlen, "out of memory");
            return 1;
        }
        run_opts o = { .stop = &g_stop, .salt = rep, .memory = limits_run_memory(sc, sw->jobs ? sw->jobs : 2) };
        int rc = sim_run(sc, si, &o, &m, e, sizeof e);
        if (rc == 0) metrics_columns(&m, out + si * COL_N);
        metrics_free(&m);
        if (rc == 1) {
            snprintf(err, errlen, "interrupted");
            return 1;
        }
        if (rc) {
            char desc[1024];
            point_desc(&sw->g, point, desc, sizeof desc);
            snprintf(err, errlen, "run %zu (point %zu: %s; replication %zu), label %s: %s", run, point, desc, rep,
                     sc->strategies[si].label, *e ? e : "out of memory");
            return rc == -2 ? 2 : 1;
        }
    }
    return 0;
}

static void fmt_clock(char *buf, size_t n, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

/* Called with the mutex held after each run. */
static void show_progress(exec *x)
{
    double now = wall_now();
    if (now - x->last < 0.2 && x->done < x->n) return;
    x->last = now;
    int width = 30, fill = (int)((double)width * (double)x->done / (double)x->n);
    char bar[64], el[32], eta[32];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    double spent = now - x->t0;
    fmt_clock(el, sizeof el, spent);
    if (x->done) fmt_clock(eta, sizeof eta, spent / (double)x->done * (double)(x->n - x->done));
    else snprintf(eta, sizeof eta, "?");
    fprintf(stderr, "\rstampede: sweep [%s] %zu/%zu runs, %s elapsed, ETA %s ", bar, x->done, x->n, el, eta);
    x->shown = true;
}

static void *worker(void *arg)
{
    exec *x = arg;
    for (;;) {
        pthread_mutex_lock(&x->mu);
        if (x->failed || g_stop || x->next == x->n) {
            pthread_mutex_unlock(&x->mu);
            return NULL;
        }
        size_t k = x->ks[x->next++];
        pthread_mutex_unlock(&x->mu);
        char err[2048] = "";
        int rc = run_one(x->sw, k, err, sizeof err);
        pthread_mutex_lock(&x->mu);
        if (rc) {
            if (!x->failed) {
                x->failed = rc;
                snprintf(x->err, sizeof x->err, "%s", err);
            }
            g_stop = 1;
        } else {
            x->done++;
            if (x->show) show_progress(x);
        }
        pthread_mutex_unlock(&x->mu);
    }
}

int sweep_execute(sweep *sw, const size_t *ks, size_t n, int jobs, bool show)
{
    exec x = { .sw = sw, .ks = ks, .n = n, .show = show, .t0 = wall_now() };
    if (pthread_mutex_init(&x.mu, NULL)) { fputs("stampede: cannot create a mutex\n", stderr); return 1; }
    if (jobs < 1) jobs = 1;
    size_t nt = (size_t)jobs < n ? (size_t)jobs : n;
    pthread_t *th = nt > 1 ? calloc(nt - 1, sizeof *th) : NULL;
    size_t started = 0;
    for (size_t i = 0; th && i + 1 < nt; i++) {
        if (pthread_create(&th[i], NULL, worker, &x)) break;   /* fewer threads: still correct */
        started++;
    }
    worker(&x);
    for (size_t i = 0; i < started; i++) pthread_join(th[i], NULL);
    free(th);
    if (x.shown) fputs("\r\033[K", stderr);
    int interrupted = g_stop && !x.failed;
    pthread_mutex_destroy(&x.mu);
    if (x.failed || interrupted) {
        if (interrupted || !strcmp(x.err, "interrupted"))
            fprintf(stderr, "stampede: interrupted; nothing was written to %s\n", sw->out);
        else
            fprintf(stderr, "stampede: %s; nothing was written to %s\n", x.err, sw->out);
        return x.failed == 2 ? 2 : 1;
    }
    return 0;
}

int sweep_finish(sweep *sw)
{
    rowset rs = { 0 };
    const grid *g = &sw->g;
    for (size_t k = 0; k < sw->nsel; k++) {
        size_t run = sw->sel[k];
        const scenario *sc = sw->sc[run / g->reps];
        const double *v = sweep_slot(sw, k);
        for (size_t si = 0; si < sc->nstrategies; si++) {
            row *r = rows_add(&rs);
            if (!r) goto oom;
            r->run = run;
            r->label = strdup(sc->strategies[si].label);
            r->strategy = strdup(sc->strategies[si].ops->name);
            if (!r->label || !r->strategy) goto oom;
            for (int c = 0; c < COL_N; c++) r->v[c] = csv_round(v[si * COL_N + (size_t)c]);
        }
    }
    int status = write_folder(g, &rs, sw->partial, sw->selection, sw->sel, sw->nsel, &sw->goal, sw->plot, sw->out);
    rows_free(&rs);
    return status;
oom:
    rows_free(&rs);
    fputs("stampede: out of memory\n", stderr);
    return 1;
}

int sweep_command(int argc, char **argv)
{
    sweep *sw;
    int rc = sweep_open(argc, argv, true, &sw);
    if (rc) return rc == SWEEP_DONE ? 0 : rc;
    size_t n = sweep_count(sw);
    size_t *ks = malloc((n ? n : 1) * sizeof *ks);
    if (!ks) { sweep_close(sw); fputs("stampede: out of memory\n", stderr); return 1; }
    for (size_t k = 0; k < n; k++) ks[k] = k;
    int jobs = sw->jobs;
    if (!jobs) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = c > 0 ? (int)(c < 4096 ? c : 4096) : 1;
    }
    rc = sweep_execute(sw, ks, n, jobs, !sw->quiet && isatty(2));
    free(ks);
    if (!rc) rc = sweep_finish(sw);
    sweep_close(sw);
    return rc;
}

/* ---------------------------------------------------------------- merge */

/* Reads dir/runs.csv strictly: the header this stampede writes for the grid,
 * rows of the runs the folder's manifest lists, every cell checked by kind.
 * Returns 0 or a TI_* error with "FILE:LINE:COL: error: what". */
static int read_runs(const char *dir, const grid *g, const size_t *owner, size_t me, rowset *rs, char *err,
                     size_t errlen)
{
    char *p = fs_join(dir, "runs.csv");
    csvin c;
    memset(&c, 0, sizeof c);
    c.t.fd = -1;
    int rc = TI_IO;
    if (!p) goto oom;
    if ((rc = csvin_open(&c, p, err, errlen))) goto done;
    rc = TI_BAD;
    size_t nf = 1 + g->nvary + 3 + COL_N;
    for (size_t i = 0; i < nf || i < c.ncols; i++) {
        const char *want = i == 0 ? "run" : i <= g->nvary ? g->vary[i - 1].path : i == g->nvary + 1 ? "replication"
                         : i == g->nvary + 2 ? "label" : i == g->nvary + 3 ? "strategy"
                         : i < nf ? col_names[i - g->nvary - 4] : NULL;
        const char *got = i < c.ncols ? c.head[i] : NULL;
        if (want && got && !strcmp(want, got)) continue;
        if (!got) snprintf(err, errlen, "%s:1: error: the header ends before column \"%s\", which this sweep writes", p, want);
        else if (!want) snprintf(err, errlen, "%s:1: error: column \"%.100s\" is not one this sweep writes", p, got);
        else snprintf(err, errlen, "%s:1: error: column %zu is \"%.100s\" where this sweep writes \"%s\"", p, i + 1, got, want);
        goto done;
    }
    size_t last = SIZE_MAX;
    int cl = (int)g->nvary + 2, cs = cl + 1;
    size_t nrow = 0;
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        double x;
        char got[96];
        if ((++nrow & 0xffff) == 0 && stop_requested()) {
            snprintf(err, errlen, "interrupted; nothing was written");
            rc = TI_IO;
            goto done;
        }
        if ((rc = csvin_num(&c, 0, CK_COUNT, &x, err, errlen))) goto done;
        size_t run = (size_t)x;
        if (x >= (double)g->runs || owner[run] != me) {
            rc = csvin_error(&c, 0, err, errlen, "run %zu is not one sweep.json lists", run);
            goto done;
        }
        if (last != SIZE_MAX && run < last) {
            rc = csvin_error(&c, 0, err, errlen, "run %zu comes after run %zu: rows are not in run order", run, last);
            goto done;
        }
        last = run;
        for (size_t i = 0; i < g->nvary; i++) {
            const char *want = g->vary[i].v.shown[grid_index(g, run / g->reps, i)];
            if (strcmp(csvin_cell(&c, 1 + (int)i), want)) {
                textin_show(got, sizeof got, csvin_cell(&c, 1 + (int)i), strlen(csvin_cell(&c, 1 + (int)i)), 40);
                rc = csvin_error(&c, 1 + (int)i, err, errlen, "%s is not the grid's value at run %zu (%s)", got, run, want);
                goto done;
            }
        }
        if ((rc = csvin_num(&c, (int)g->nvary + 1, CK_COUNT, &x, err, errlen))) goto done;
        if (x != (double)(run % g->reps)) {
            rc = csvin_error(&c, (int)g->nvary + 1, err, errlen, "run %zu is replication %zu, not %.0f", run, run % g->reps, x);
            goto done;
        }
        const char *label = csvin_cell(&c, cl), *strategy = csvin_cell(&c, cs);
        if ((rc = results_row_names(&c, cl, cs, err, errlen))) goto done;
        row *r = rows_add(rs);
        if (!r) goto oom;
        r->run = run;
        r->part = me;
        r->line = (size_t)csvin_lineno(&c);
        r->label = strdup(label);
        r->strategy = strdup(strategy);
        if (!r->label || !r->strategy) goto oom;
        for (int k = 0; k < COL_N; k++)
            if ((rc = csvin_num(&c, cs + 1 + k, col_kinds[k], &r->v[k], err, errlen))) goto done;
    }
    if (rc == TI_END) rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    csvin_close(&c);
    free(p);
    return rc;
}

/* Every run of a point has the same labels with the same strategies, in the
 * same order, each once; so does every point unless a --vary changes the
 * strategies.  rs is sorted by run.  Returns 0, or -1 after saying which
 * rows differ. */
static int check_labels_of_runs(const grid *g, const rowset *rs, const char *const *dirs, char *err, size_t errlen)
{
    bool per_point = false;
    for (size_t i = 0; i < g->nvary; i++) per_point |= !strncmp(g->vary[i].path, "strategies", 10);
    size_t ref = SIZE_MAX, ref_n = 0, point_ref = SIZE_MAX;   /* first row of the reference run, its row count */
    for (size_t lo = 0; lo < rs->n;) {
        size_t run = rs->r[lo].run, hi = lo;
        while (hi < rs->n && rs->r[hi].run == run) hi++;
        for (size_t i = lo; i < hi; i++)
            for (size_t k = lo; k < i; k++)
                if (!strcmp(rs->r[i].label, rs->r[k].label)) {
                    snprintf(err, errlen, "%s/runs.csv:%zu: label %s of run %zu is also on line %zu",
                             dirs[rs->r[i].part], rs->r[i].line, rs->r[i].label, run, rs->r[k].line);
                    return -1;
                }
        size_t point = run / g->reps;
        if (point_ref == SIZE_MAX || (per_point && point != point_ref)) {
            point_ref = point;
            ref = lo;
            ref_n = hi - lo;
        } else {
            size_t k = 0;
            while (k < ref_n && lo + k < hi && !strcmp(rs->r[lo + k].label, rs->r[ref + k].label) &&
                   !strcmp(rs->r[lo + k].strategy, rs->r[ref + k].strategy))
                k++;
            if (k < ref_n || hi - lo != ref_n) {
                const char *what = per_point ? "every run of a point" : "every run of the sweep";
                if (k < ref_n && lo + k < hi) {
                    const row *a = &rs->r[lo + k], *b = &rs->r[ref + k];
                    snprintf(err, errlen, "%s/runs.csv:%zu: run %zu has label %s (strategy %s) where run %zu has %s "
                                          "(strategy %s, %s/runs.csv:%zu): %s has the same labels, in the same order",
                             dirs[a->part], a->line, run, a->label, a->strategy, b->run, b->label, b->strategy,
                             dirs[b->part], b->line, what);
                } else {
                    const row *a = &rs->r[hi - 1], *b = &rs->r[ref];
                    snprintf(err, errlen, "%s/runs.csv:%zu: run %zu has %zu labels where run %zu has %zu "
                                          "(%s/runs.csv:%zu): %s has the same labels, in the same order",
                             dirs[a->part], a->line, run, hi - lo, b->run, ref_n, dirs[b->part], b->line, what);
                }
                return -1;
            }
        }
        lo = hi;
    }
    return 0;
}

/* Reads the parts of a merge: their manifests (one grid), their runs.csv
 * (every run once, every cell checked) and the labels of every run.  rs is
 * sorted by run.  Returns 0, or 2 (a bad part) or 1 (no memory) with what is
 * wrong in err; *g and *rs are then the caller's to free either way. */
static int merge_read(const char *const *dirs, size_t nd, grid *g, rowset *rs, char *err, size_t errlen)
{
    size_t *owner = NULL;
    int status = 2;
    memset(g, 0, sizeof *g);
    for (size_t d = 0; d < nd; d++) {
        grid gd;
        size_t *runs, nruns;
        int mr = sweep_manifest_read(dirs[d], &gd, &runs, &nruns, err, errlen);
        if (mr) {
            if (mr == TI_IO) status = 1;
            goto done;
        }
        if (d == 0) {
            *g = gd;
            /* every run's owner, and at least one runs.csv row per run */
            double need = (double)g->runs * (2 * sizeof(size_t) + sizeof(row) + 64);
            if (need > LIMIT_MEMORY_SHARE * limits_available()) {
                char mem[64], avail[64];
                limits_fmt_bytes(mem, sizeof mem, need);
                limits_fmt_bytes(avail, sizeof avail, limits_available());
                snprintf(err, errlen, "the sweep has %zu runs: joining them would hold at least %s, more than %.0f%% "
                                      "of the %s this process may use", g->runs, mem, 100 * LIMIT_MEMORY_SHARE, avail);
                free(runs);
                goto done;
            }
            owner = malloc(g->runs * sizeof *owner);
            if (!owner) { free(runs); status = 1; snprintf(err, errlen, "out of memory"); goto done; }
            for (size_t r = 0; r < g->runs; r++) owner[r] = SIZE_MAX;
        } else {
            char why[4096];
            int same = grid_same(g, &gd, why, sizeof why);
            sweep_grid_free(&gd);
            if (!same) {
                snprintf(err, errlen, "%s and %s are parts of %s", dirs[0], dirs[d], why);
                free(runs);
                goto done;
            }
        }
        for (size_t i = 0; i < nruns; i++) {
            if (owner[runs[i]] != SIZE_MAX) {
                snprintf(err, errlen, "run %zu is in both %s and %s (overlapping parts)", runs[i], dirs[owner[runs[i]]],
                         dirs[d]);
                free(runs);
                goto done;
            }
            owner[runs[i]] = d;
        }
        free(runs);
        int rr = read_runs(dirs[d], g, owner, d, rs, err, errlen);
        if (rr) {
            if (rr == TI_IO) status = 1;
            goto done;
        }
    }
    size_t missing = 0, first = 0;
    for (size_t r = 0; r < g->runs; r++)
        if (owner[r] == SIZE_MAX && !missing++) first = r;
    if (missing) {
        size_t end = first;
        while (end + 1 < g->runs && owner[end + 1] == SIZE_MAX) end++;
        char what[64];
        if (end == first) snprintf(what, sizeof what, "run %zu", first);
        else snprintf(what, sizeof what, "runs %zu..%zu", first, end);
        snprintf(err, errlen, "%zu of %zu runs are missing (the first: %s); nothing was written", missing, g->runs, what);
        goto done;
    }
    qsort(rs->r, rs->n, sizeof *rs->r, row_cmp);
    for (size_t i = 0, r = 0; r < g->runs; r++) {
        if (i >= rs->n || rs->r[i].run != r) {
            snprintf(err, errlen, "%s/runs.csv has no row for run %zu", dirs[owner[r]], r);
            goto done;
        }
        while (i < rs->n && rs->r[i].run == r) i++;
    }
    if (check_labels_of_runs(g, rs, dirs, err, errlen)) goto done;
    status = 0;
done:
    free(owner);
    return status;
}

int sweep_merge_check(const char *const *dirs, size_t nd, char *err, size_t errlen)
{
    grid g;
    rowset rs = { 0 };
    int rc = merge_read(dirs, nd, &g, &rs, err, errlen);
    rows_free(&rs);
    sweep_grid_free(&g);
    return rc;
}

int merge_command(int argc, char **argv)
{
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    const char *out = NULL;
    unsigned plot = 0;
    size_t nd = 0;
    goal gl = { 0 };
    grid g = { 0 };
    rowset rs = { 0 };
    size_t *all = NULL;
    char err[8192];
    int status = 2;
    if (!dirs) { fputs("stampede: out of memory\n", stderr); return 1; }
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val;
        char name[64];
        cli_option(a, name, sizeof name, &val);
        bool takes = !strcmp(name, "--out") || !strcmp(name, "--minimize") || !strcmp(name, "--maximize") ||
                     !strcmp(name, "--subject-to");
        if (takes && !val) {
            if (i + 1 >= argc) { cli_usage_error("merge", "merge: %s needs a value", name); goto done; }
            val = argv[++i];
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(usage_merge, stdout); status = 0; goto done; }
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) continue;
        else if (!strcmp(name, "--out")) out = val;
        else if (!strcmp(name, "--plot")) {
            if (plot_parse_formats(val ? val : "svg,png", &plot)) {
                cli_usage_error("merge", "merge: --plot: unknown chart format in \"%s\" (formats: svg, png, pdf)", val);
                goto done;
            }
        }
        else if (!strcmp(name, "--minimize") || !strcmp(name, "--maximize")) {
            if (gl.set) { cli_usage_error("merge", "merge: one --minimize or --maximize at a time"); goto done; }
            gl.set = true;
            gl.maximize = name[3] == 'a';
            if (parse_metric(name, val, &gl.m)) goto done;
        } else if (!strcmp(name, "--subject-to")) {
            constraint *c = realloc(gl.c, (gl.nc + 1) * sizeof *c);
            if (!c) { status = 1; goto done; }
            gl.c = c;
            memset(&c[gl.nc], 0, sizeof *c);
            if (parse_constraint(val, &c[gl.nc++])) goto done;
        } else if (a[0] == '-' && a[1]) {
            cli_usage_error("merge", "merge: unknown option %s", a);
            goto done;
        } else {
            dirs[nd++] = a;
        }
    }
    if (!nd) { cli_usage_error("merge", "merge: give the partial sweep folders to join"); goto done; }
    if (!out) { cli_usage_error("merge", "merge: where to? give --out DIR"); goto done; }
    if (gl.nc && !gl.set) { cli_usage_error("merge", "merge: --subject-to needs --minimize or --maximize"); goto done; }
    if (!*out) { cli_usage_error("merge", "merge: --out needs a folder name (got \"\")"); goto done; }
    /* The folder written is none of the parts, and neither holds the other. */
    for (size_t d = 0; d < nd; d++) {
        int ov = fs_overlap(out, dirs[d]);
        if (ov) {
            fprintf(stderr, "stampede: merge: --out %s %s %s; write the merged sweep to a folder of its own\n", out,
                    ov == 1 ? "is the part" : ov == 2 ? "is inside the part" : "holds the part", dirs[d]);
            goto done;
        }
    }
    {
        int orc = outdir_check(out, sweep_kinds, err, sizeof err);
        if (orc) {
            fprintf(stderr, "stampede: %s\n", err);
            if (orc == -1) status = 1;
            goto done;
        }
    }
    if (plot && plot_ready(err, sizeof err)) {
        fprintf(stderr, "stampede: merge --plot: %s\n", err);
        status = 1;
        goto done;
    }

    int mr = merge_read(dirs, nd, &g, &rs, err, sizeof err);
    if (mr) {
        fprintf(stderr, "stampede: merge: %s\n", err);
        status = mr;
        goto done;
    }
    if (gl.set) {
        const char **labels = calloc(rs.n, sizeof *labels);
        size_t nl = 0;
        if (!labels) { status = 1; goto done; }
        for (size_t i = 0; i < rs.n; i++) {
            size_t k = 0;
            while (k < nl && strcmp(labels[k], rs.r[i].label)) k++;
            if (k == nl) labels[nl++] = rs.r[i].label;
        }
        int bad = goal_check_labels(&gl, labels, nl);
        free(labels);
        if (bad) goto done;
    }
    if (!(all = malloc(g.runs * sizeof *all))) { status = 1; goto done; }
    for (size_t r = 0; r < g.runs; r++) all[r] = r;
    status = write_folder(&g, &rs, false, "all", all, g.runs, &gl, plot, out);
done:
    free(all);
    free(dirs);
    rows_free(&rs);
    sweep_grid_free(&g);
    goal_free(&gl);
    return status;
}
