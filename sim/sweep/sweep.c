/* sweep.c - a sweep: its grid (every point's scenario loaded before the
 * first run), the runs it selects and what they cost, its results, and the
 * folder it writes (sweep.h).  Running it is exec.c's; merging its parts,
 * merge.c's. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvout.h"
#include "base/jsonfile.h"
#include "base/outdir.h"
#include "base/stop.h"
#include "base/strbuf.h"
#include "base/textin.h"
#include "report/gnuplot.h"
#include "scenario/budget.h"
#include "scenario/load.h"
#include "model/strategy.h"

#define MAX_SHOWN_BAD 5        /* invalid points whose errors are said in full */

size_t sweep_count(const sweep *sw) { return sw->nsel; }
size_t sweep_width(const sweep *sw, size_t k) { return sw->off[k + 1] - sw->off[k]; }
double *sweep_slot(sweep *sw, size_t k) { return sw->res + sw->off[k]; }
int sweep_jobs(const sweep *sw) { return sw->jobs; }

void sweep_close(sweep *sw)
{
    if (!sw) return;
    for (size_t p = 0; sw->sc && p < sw->g.points; p++) scenario_free(sw->sc[p]);
    free(sw->sc);
    for (size_t p = 0; sw->pick && p < sw->g.points; p++) free(sw->pick[p]);
    free(sw->pick);
    free(sw->npick);
    sweep_grid_free(&sw->g);
    sweep_goal_free(&sw->goal);
    free(sw->sel);
    free(sw->res);
    free(sw->off);
    free(sw->out);
    free(sw);
}

/* A line for the note hook, built in *line. */
__attribute__((format(printf, 3, 4)))
static void note(const sweep_hooks *h, strbuf *line, const char *fmt, ...)
{
    if (!h || !h->note) return;
    line->len = 0;
    if (line->s) line->s[0] = 0;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(line, fmt, ap);
    va_end(ap);
    if (!line->oom) h->note(h->ctx, line->s);
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

/* A non-negative integer, the whole text (no sign, no space). */
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

/* The strategies --strategy picks at point p (every one without it), in
 * the order given: 0, or -1 with the first label missing in *missing. */
static int pick_labels(sweep *sw, size_t p, const char **missing, size_t *mlen)
{
    const scenario *sc = sw->sc[p];
    size_t *idx = malloc((sc->nstrategies ? sc->nstrategies : 1) * sizeof *idx), n = 0;
    if (!idx) return -2;
    sw->pick[p] = idx;
    if (!sw->g.labels) {
        for (size_t i = 0; i < sc->nstrategies; i++) idx[n++] = i;
        sw->npick[p] = n;
        return 0;
    }
    for (const char *t = sw->g.labels; *t;) {
        size_t len = strcspn(t, ",");
        size_t i = 0;
        while (i < sc->nstrategies && (strlen(sc->strategies[i].label) != len || strncmp(sc->strategies[i].label, t, len)))
            i++;
        if (i == sc->nstrategies) {
            *missing = t;
            *mlen = len;
            return -1;
        }
        size_t k = 0;
        while (k < n && idx[k] != i) k++;
        if (k == n) idx[n++] = i;
        t += len + (t[len] == ',');
    }
    sw->npick[p] = n;
    return 0;
}

/* One problem of the points, said once however many points have it. */
typedef struct problem {
    char *msg;
    size_t first, count;
} problem;

/* Loads the scenario at every point.  Each distinct problem goes to the
 * note hook once: plainly when every point has it (a wrong path), else with
 * the first point that has it and how many more do. */
static enum status_code load_points(sweep *sw, const char *path, const sweep_hooks *h, struct status *st)
{
    sweep_grid *g = &sw->g;
    size_t no = g->nset + g->nvary;
    override *ovr = calloc(no ? no : 1, sizeof *ovr);
    char **setpath = calloc(g->nset ? g->nset : 1, sizeof *setpath);
    problem *pr = NULL;
    size_t npr = 0, bad = 0, dropped = 0;
    sw->sc = calloc(g->points, sizeof *sw->sc);
    sw->pick = calloc(g->points, sizeof *sw->pick);
    sw->npick = calloc(g->points, sizeof *sw->npick);
    enum status_code code = STATUS_OK;
    char desc[4096];
    strbuf line = { 0 }, m = { 0 };
    if (!ovr || !setpath || !sw->sc || !sw->pick || !sw->npick) goto oom;
    for (size_t i = 0; i < g->nset; i++) {
        const char *eq = strchr(g->set[i], '=');
        if (!(setpath[i] = strndup(g->set[i], (size_t)(eq - g->set[i])))) goto oom;
        ovr[i].path = setpath[i];
        ovr[i].value = eq + 1;
    }
    for (size_t p = 0; p < g->points; p++) {
        if (stop_requested()) {
            code = status_set(st, STATUS_STOPPED, "sweep: interrupted while loading the points; nothing was run");
            goto out;
        }
        for (size_t i = 0; i < g->nvary; i++) {
            ovr[g->nset + i].path = g->vary[i].path;
            ovr[g->nset + i].value = g->vary[i].v.text[sweep_grid_index(g, p, i)];
        }
        diag errs = { 0 }, warns = { 0 };
        char lim[2048] = "";
        const char *missing = NULL;
        size_t mlen = 0;
        sw->sc[p] = scenario_load_warn(path, ovr, no, &errs, &warns);
        int pk = sw->sc[p] ? pick_labels(sw, p, &missing, &mlen) : 0;
        if (pk == -2) { diag_free(&errs); goto oom; }
        if (sw->sc[p] && !pk && budget_check_selected(sw->sc[p], sw->pick[p], sw->npick[p], sw->force, lim, sizeof lim)) {
            /* beyond what one run may take: as invalid as a bad value */
            diag_add(&errs, "%s", lim);
        } else if (sw->sc[p] && pk) {
            strbuf l = { 0 };
            sb_printf(&l, "--strategy: no strategy labelled \"%.*s\" (labels:", (int)mlen, missing);
            for (size_t j = 0; j < sw->sc[p]->nstrategies; j++) sb_printf(&l, " %s", sw->sc[p]->strategies[j].label);
            sb_puts(&l, ")");
            diag_add(&errs, "%s", l.oom ? "out of memory" : l.s);
            sb_free(&l);
        } else if (!sw->sc[p] && !errs.n) {
            diag_add(&errs, "cannot load %s", path);
        }
        if (errs.n) {
            bad++;
            scenario_free(sw->sc[p]);
            sw->sc[p] = NULL;
        }
        /* the units guard's warnings, then the errors: each said once */
        for (size_t k = 0; k < warns.n; k++) diag_add(&errs, "%s", warns.msgs[k]);
        size_t nerr = errs.n - warns.n;
        diag_free(&warns);
        for (size_t k0 = 0; k0 < errs.n; k0++) {
            size_t k = (k0 + nerr) % errs.n;
            const char *msg = errs.msgs[k];
            /* an override's problem names the option it came from */
            m.len = 0;
            if (m.s) m.s[0] = 0;
            size_t vi = g->nvary;
            if (!strncmp(msg, "--set ", 6))
                for (vi = 0; vi < g->nvary; vi++) {
                    size_t pl = strlen(g->vary[vi].path);
                    if (!strncmp(msg + 6, g->vary[vi].path, pl) && msg[6 + pl] == ':') break;
                }
            if (vi < g->nvary) sb_printf(&m, "%s %s", g->vary[vi].zip ? "--zip" : "--vary", msg + 6);
            else sb_puts(&m, msg);
            if (m.oom) { diag_free(&errs); goto oom; }
            size_t j = 0;
            while (j < npr && strcmp(pr[j].msg, m.s)) j++;
            if (j < npr) { pr[j].count++; continue; }
            if (npr == MAX_SHOWN_BAD) { dropped++; continue; }
            problem *t = realloc(pr, (npr + 1) * sizeof *t);
            if (!t) { diag_free(&errs); goto oom; }
            pr = t;
            pr[npr] = (problem){ strdup(m.s), p, 1 };
            if (!pr[npr++].msg) { diag_free(&errs); goto oom; }
        }
        diag_free(&errs);
    }
    for (size_t j = 0; j < npr; j++) {
        if (pr[j].count == g->points) {
            note(h, &line, "%s", pr[j].msg);
            continue;
        }
        sweep_point_desc(g, pr[j].first, desc, sizeof desc);
        if (pr[j].count > 1)
            note(h, &line, "point %zu (%s): %s (and at %zu more points)", pr[j].first, desc, pr[j].msg, pr[j].count - 1);
        else
            note(h, &line, "point %zu (%s): %s", pr[j].first, desc, pr[j].msg);
    }
    if (dropped) note(h, &line, "... and %zu more problems", dropped);
    if (bad) code = status_set(st, STATUS_INPUT, "%zu of %zu points are invalid; nothing was run", bad, g->points);
    goto out;
oom:
    code = status_set(st, STATUS_FAILED, "out of memory");
out:
    for (size_t j = 0; j < npr; j++) free(pr[j].msg);
    free(pr);
    for (size_t i = 0; setpath && i < g->nset; i++) free(setpath[i]);
    free(setpath);
    free(ovr);
    sb_free(&line);
    sb_free(&m);
    return code;
}

/* The distinct labels over every point, in order of appearance. */
static const char **sweep_labels(const sweep *sw, size_t *n)
{
    size_t cap = 0;
    const char **l = NULL;
    *n = 0;
    for (size_t p = 0; p < sw->g.points; p++)
        for (size_t s = 0; s < sw->npick[p]; s++) {
            const char *lab = sw->sc[p]->strategies[sw->pick[p][s]].label;
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
 * is beyond BUDGET_WORK (unless --force, which makes it a warning), saying why
 * with the estimate and what to change. */
static enum status_code selection_check(const sweep *sw, const sweep_hooks *h, struct status *st)
{
    const sweep_grid *g = &sw->g;
    size_t lo = sw->lo, hi = sw->hi, c = sw->k, n = sw->n;
    double work = 0, bytes = 0, reqs = 0;
    for (size_t p = 0; p < g->points; p++) {
        size_t a = p * g->reps, b = a + g->reps - 1;
        if (a < lo) a = lo;
        if (b > hi) b = hi;
        if (a > b) continue;
        double cnt = (double)sel_count(a, b, c, n), ns = (double)sw->npick[p];
        if (cnt == 0) continue;
        budget_estimate e;
        budget_estimate_of(sw->sc[p], sw->npick[p], &e);
        work += cnt * ns * e.work;
        reqs += cnt * ns * e.requests;
        /* per run: its place in the selection, its offset, and per label its
         * columns, its runs.csv row and two names */
        bytes += cnt * (2 * sizeof(size_t) + ns * (COL_N * sizeof(double) + sizeof(sweep_row) + 64));
    }
    char mem[64], avail[64], t[64];
    double limit = BUDGET_MEMORY_SHARE * budget_available();
    const char *fewer = "select fewer runs (--shard K/N or --runs A..B), lower --replications or vary fewer values";
    if (bytes > limit) {
        budget_fmt_bytes(mem, sizeof mem, bytes);
        budget_fmt_bytes(avail, sizeof avail, budget_available());
        return status_set(st, STATUS_INPUT, "sweep: the %zu selected runs would hold about %s of results, more than "
                                            "%.0f%% of the %s this process may use; %s", sw->nsel, mem,
                          100 * BUDGET_MEMORY_SHARE, avail, fewer);
    }
    if (work > BUDGET_WORK) {
        budget_fmt_time(t, sizeof t, work / 1e6);
        strbuf line = { 0 };
        sb_printf(&line, "sweep: %s: the %zu selected runs would simulate about %.2g requests, %.2g "
                         "request-equivalents of work in all (%s on one core), beyond the limit of %.0g; %s, %s",
                  sw->force ? "warning" : "error", sw->nsel, reqs, work, t, BUDGET_WORK, fewer,
                  sw->force ? "running it anyway (--force)" : "or pass --force to run it anyway");
        if (line.oom) return status_set(st, STATUS_FAILED, "out of memory");
        enum status_code code = STATUS_OK;
        if (!sw->force) code = status_set(st, STATUS_INPUT, "%s", line.s);
        else if (h && h->note) h->note(h->ctx, line.s);
        sb_free(&line);
        return code;
    }
    return STATUS_OK;
}

/* Lines of the run list, a batch at a time. */
typedef struct batch {
    char *buf;
    size_t len;
    FILE *f;
} batch;

static int batch_start(batch *b)
{
    b->buf = NULL;
    b->len = 0;
    b->f = open_memstream(&b->buf, &b->len);
    return b->f ? 0 : -1;
}

/* Closes the batch and hands it out: 0, 1 when emit refused it, -1 on no memory. */
static int batch_emit(batch *b, int (*emit)(void *ctx, const char *line), void *ctx)
{
    int bad = ferror(b->f);
    bad |= fclose(b->f) != 0;
    b->f = NULL;
    int rc = bad ? -1 : b->len && emit(ctx, b->buf) ? 1 : 0;
    free(b->buf);
    b->buf = NULL;
    return rc;
}

enum status_code sweep_list_runs(const sweep *sw, int (*emit)(void *ctx, const char *line), void *ctx,
                                 struct status *st)
{
    const sweep_grid *g = &sw->g;
    batch b;
    if (batch_start(&b)) return status_set(st, STATUS_FAILED, "out of memory");
    fputs("run", b.f);
    for (size_t i = 0; i < g->nvary; i++) { fputc(',', b.f); csvout_field(b.f, g->vary[i].path); }
    fputs(",replication\n", b.f);
    size_t i = 0;
    for (size_t run = sel_first(sw->lo, sw->hi, sw->k, sw->n); run <= sw->hi; run += sw->n, i++) {
        fprintf(b.f, "%zu,", run);
        sweep_put_point(b.f, g, run / g->reps);
        fprintf(b.f, "%zu\n", run % g->reps);
        if ((i & 0xfff) != 0xfff) continue;
        /* handed out in batches: the list is as long as the sweep */
        int rc = batch_emit(&b, emit, ctx);
        if (rc) return rc > 0 ? STATUS_FAILED : status_set(st, STATUS_FAILED, "out of memory");
        if (stop_requested()) return status_set(st, STATUS_STOPPED, "sweep --list-runs: interrupted; the list is incomplete");
        if (batch_start(&b)) return status_set(st, STATUS_FAILED, "out of memory");
    }
    int rc = batch_emit(&b, emit, ctx);
    if (rc) return rc > 0 ? STATUS_FAILED : status_set(st, STATUS_FAILED, "out of memory");
    return STATUS_OK;
}

enum status_code sweep_open(sweep_spec *spec, const sweep_hooks *hooks, sweep **out, struct status *st)
{
    *out = NULL;
    sweep *sw = calloc(1, sizeof *sw);
    if (!sw) return status_set(st, STATUS_FAILED, "out of memory");
    enum status_code code;
    sw->goal = spec->goal;
    memset(&spec->goal, 0, sizeof spec->goal);
    sw->force = spec->force;
    sw->plot = spec->plot;
    sw->jobs = spec->jobs;
    const char *path = spec->scenario, *runs = spec->runs, *shard = spec->shard, *outpath = spec->out;
#define FAIL(...) do { code = status_set(st, STATUS_USAGE, __VA_ARGS__); goto fail; } while (0)
#define OOM() do { code = status_set(st, STATUS_FAILED, "out of memory"); goto fail; } while (0)

    /* the grid */
    sweep_grid *g = &sw->g;
    g->reps = spec->reps;
    size_t nv = spec->nvary;
    if (!nv)
        FAIL("sweep: nothing to vary: give --vary PATH=VALUES (for example --vary cache.ttl=10s,30s,60s); "
             "to replicate the scenario as it is, use stampede run --seed N");
    if (!(g->vary = calloc(nv, sizeof *g->vary))) OOM();
    if (spec->nset && !(g->set = calloc(spec->nset, sizeof *g->set))) OOM();
    for (size_t i = 0; i < spec->nset; i++) {
        const char *eq = strchr(spec->set[i], '=');
        if (!eq || eq == spec->set[i]) FAIL("sweep: --set needs PATH=VALUE (got \"%s\")", spec->set[i]);
        if (!(g->set[g->nset++] = strdup(spec->set[i]))) OOM();
    }
    if (spec->labels) {
        if (!*spec->labels || spec->labels[0] == ',' || strstr(spec->labels, ",,") ||
            spec->labels[strlen(spec->labels) - 1] == ',')
            FAIL("sweep: --strategy needs labels L[,L...] (got \"%s\")", spec->labels);
        if (!(g->labels = strdup(spec->labels))) OOM();
    }
    g->points = 1;
    for (size_t i = 0; i < nv; i++) {
        const char *vs = spec->vary[i], *eq = strchr(vs, '=');
        bool zip = spec->zip && spec->zip[i];
        const char *opt = zip ? "--zip" : "--vary";
        if (!eq || eq == vs) FAIL("sweep: %s needs PATH=VALUES (got \"%s\")", opt, vs);
        if (zip && i == 0) FAIL("sweep: --zip %s: no --vary before it to move with", vs);
        sweep_vary *v = &g->vary[g->nvary++];
        v->zip = zip;
        v->path = strndup(vs, (size_t)(eq - vs));
        v->spec = strdup(eq + 1);
        if (!v->path || !v->spec) OOM();
        for (size_t k = 0; k + 1 < g->nvary; k++)
            if (!strcmp(g->vary[k].path, v->path)) FAIL("sweep: --vary %s given twice", v->path);
        char err[512];
        if (sweep_parse_values(v->spec, &v->v, err, sizeof err)) FAIL("sweep: %s %s: %s", opt, vs, err);
        if (zip) {
            const sweep_vary *u = &g->vary[i - 1];
            if (v->v.n != u->v.n)
                FAIL("sweep: --zip %s has %zu value%s and %s %s has %zu: zipped lists move together and need "
                     "as many values", v->path, v->v.n, v->v.n == 1 ? "" : "s", u->zip ? "--zip" : "--vary", u->path,
                     u->v.n);
            continue;
        }
        if (g->points > SIZE_MAX / 4 / v->v.n) FAIL("sweep: the grid is too large");
        g->points *= v->v.n;
    }
    /* Sizes checked before anything is allocated for the grid or listed. */
    if (g->points > SWEEP_MAX_POINTS)
        FAIL("sweep: the grid has %zu points, beyond the limit of %d: every point's scenario is loaded and checked "
             "before the first run; vary fewer values", g->points, SWEEP_MAX_POINTS);
    if (g->points > SIZE_MAX / 4 / g->reps || g->points * g->reps > SWEEP_MAX_RUNS)
        FAIL("sweep: %zu points x %zu replications is %.3g runs, beyond the limit of %.0f; lower --replications "
             "or vary fewer values", g->points, g->reps, (double)g->points * (double)g->reps, (double)SWEEP_MAX_RUNS);
    g->runs = g->points * g->reps;

    /* every point loads, or nothing runs */
    if ((code = load_points(sw, path, hooks, st))) goto fail;
    g->scenario = strdup(path);
    g->name = strdup(sw->sc[0]->name);
    g->version = strdup(STAMPEDE_VERSION);
    g->hash = hash_file(path);
    if (!g->scenario || !g->name || !g->version || !g->hash) {
        code = status_set(st, STATUS_FAILED, "cannot read %s: %s", path, strerror(errno));
        goto fail;
    }
    if (sw->goal.set) {
        size_t nl;
        const char **labels = sweep_labels(sw, &nl);
        if (!labels) OOM();
        code = sweep_goal_check_labels(&sw->goal, labels, nl, st);
        free(labels);
        if (code) goto fail;
    }

    if (scenario_trace_once(sw->sc[0]) && (g->runs > 1 || sw->npick[0] > 1)) {
        code = status_set(st, STATUS_INPUT, "%s: error: clients.arrivals.trace: %s can be read only once (a pipe or a "
                                            "device), and every run of every strategy reads it whole; copy it to a file",
                          path, sw->sc[0]->clients.trace);
        goto fail;
    }

    /* the selection */
    size_t lo = 0, hi = g->runs - 1, k = 1, n = 1;
    snprintf(sw->selection, sizeof sw->selection, "all");
    if (runs) {
        const char *dots = strstr(runs, "..");
        char a[32] = "";
        if (!dots || (size_t)(dots - runs) >= sizeof a) FAIL("sweep: --runs needs A..B (got \"%s\")", runs);
        memcpy(a, runs, (size_t)(dots - runs));
        if (parse_size(a, &lo) || parse_size(dots + 2, &hi) || lo > hi)
            FAIL("sweep: --runs needs A..B with integers 0 <= A <= B (got \"%s\")", runs);
        if (hi >= g->runs) FAIL("sweep: --runs %s: the sweep has runs 0..%zu", runs, g->runs - 1);
        snprintf(sw->selection, sizeof sw->selection, "runs %zu..%zu", lo, hi);
        sw->partial = lo > 0 || hi < g->runs - 1;
    } else if (shard) {
        const char *slash = strchr(shard, '/');
        char a[32] = "";
        if (!slash || (size_t)(slash - shard) >= sizeof a) FAIL("sweep: --shard needs K/N (got \"%s\")", shard);
        memcpy(a, shard, (size_t)(slash - shard));
        if (parse_size(a, &k) || parse_size(slash + 1, &n) || n == 0 || k == 0 || k > n)
            FAIL("sweep: --shard needs K/N with integers 1 <= K <= N (got \"%s\")", shard);
        snprintf(sw->selection, sizeof sw->selection, "shard %zu/%zu", k, n);
        sw->partial = n > 1;
    }
    if (!sw->partial) snprintf(sw->selection, sizeof sw->selection, "all");   /* the whole grid is no part */
    sw->lo = lo;
    sw->hi = hi;
    sw->k = k - 1;
    sw->n = n;
    /* What the selected runs cost, before anything is allocated for them or
     * listed: --list-runs lists what the same command would run. */
    sw->nsel = sel_count(lo, hi, k - 1, n);
    if ((code = selection_check(sw, hooks, st))) goto fail;
    if (spec->list) {
        *out = sw;
        return STATUS_OK;
    }
    if (!(sw->sel = malloc((sw->nsel ? sw->nsel : 1) * sizeof *sw->sel))) OOM();
    sw->nsel = 0;
    for (size_t r = sel_first(lo, hi, k - 1, n); r <= hi; r += n) sw->sel[sw->nsel++] = r;

    /* where the results go */
    size_t width = 0;
    if (!(sw->off = malloc((sw->nsel + 1) * sizeof *sw->off))) OOM();
    for (size_t i = 0; i < sw->nsel; i++) {
        sw->off[i] = width;
        width += sw->npick[sw->sel[i] / g->reps] * COL_N;
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
        FAIL("sweep: --minimize needs the whole sweep; give it to `stampede merge` instead");
    if (sw->partial && sw->plot)
        FAIL("sweep: --plot needs the whole sweep; give it to `stampede merge` instead");
    /* Everything that could fail after the runs is checked before them. */
    char oerr[4096];
    int orc = outdir_check(sw->out, sweep_kinds, oerr, sizeof oerr);
    if (orc) {
        code = status_set(st, orc == -2 ? STATUS_INPUT : STATUS_FAILED, "%s", oerr);
        goto fail;
    }
    if (sw->plot && plot_ready(oerr, sizeof oerr)) {
        code = status_set(st, STATUS_FAILED, "sweep --plot: %s", oerr);
        goto fail;
    }
#undef FAIL
#undef OOM
    *out = sw;
    return STATUS_OK;
fail:
    sweep_close(sw);
    return code;
}

enum status_code sweep_finish(sweep *sw, sweep_written *w, struct status *st)
{
    sweep_rowset rs = { 0 };
    const sweep_grid *g = &sw->g;
    memset(w, 0, sizeof *w);
    for (size_t k = 0; k < sw->nsel; k++) {
        size_t run = sw->sel[k];
        size_t p = run / g->reps;
        const scenario *sc = sw->sc[p];
        const double *v = sweep_slot(sw, k);
        for (size_t j = 0; j < sw->npick[p]; j++) {
            const strategy_cfg *cfg = &sc->strategies[sw->pick[p][j]];
            sweep_row *r = sweep_rows_add(&rs);
            if (!r) goto oom;
            r->run = run;
            r->label = strdup(cfg->label);
            r->strategy = strdup(cfg->ops->name);
            if (!r->label || !r->strategy) goto oom;
            for (int c = 0; c < COL_N; c++) r->v[c] = sweep_csv_round(v[j * COL_N + (size_t)c]);
        }
    }
    enum status_code code = sweep_write_folder(g, &rs, sw->partial, sw->selection, sw->sel, sw->nsel, &sw->goal,
                                               sw->plot, sw->out, w, st);
    sweep_rows_free(&rs);
    return code;
oom:
    sweep_rows_free(&rs);
    return status_set(st, STATUS_FAILED, "out of memory");
}
