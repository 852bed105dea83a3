/* merge.c - `stampede merge` below its command line (sweep.h): partial
 * sweep folders read strictly (their manifests agree on one grid, every run
 * is in exactly one part, every cell is what a sweep writes) and joined into
 * the folder the unsplit sweep would have written, byte for byte. */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvin.h"
#include "base/fs.h"
#include "base/outdir.h"
#include "base/stop.h"
#include "base/textin.h"
#include "report/gnuplot.h"
#include "scenario/budget.h"

/* Reads dir/runs.csv strictly: the header this stampede writes for the grid,
 * rows of the runs the folder's manifest lists, every cell checked by kind.
 * Returns 0 or a TI_* error with "FILE:LINE:COL: error: what". */
static int read_runs(const char *dir, const sweep_grid *g, const size_t *owner, size_t me, sweep_rowset *rs, char *err,
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
                         : i < nf ? output_col_names[i - g->nvary - 4] : NULL;
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
            const char *want = g->vary[i].v.shown[sweep_grid_index(g, run / g->reps, i)];
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
        sweep_row *r = sweep_rows_add(rs);
        if (!r) goto oom;
        r->run = run;
        r->part = me;
        r->line = (size_t)csvin_lineno(&c);
        r->label = strdup(label);
        r->strategy = strdup(strategy);
        if (!r->label || !r->strategy) goto oom;
        for (int k = 0; k < COL_N; k++)
            if ((rc = csvin_num(&c, cs + 1 + k, output_col_kinds[k], &r->v[k], err, errlen))) goto done;
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
static int check_labels_of_runs(const sweep_grid *g, const sweep_rowset *rs, const char *const *dirs, char *err, size_t errlen)
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
                    const sweep_row *a = &rs->r[lo + k], *b = &rs->r[ref + k];
                    snprintf(err, errlen, "%s/runs.csv:%zu: run %zu has label %s (strategy %s) where run %zu has %s "
                                          "(strategy %s, %s/runs.csv:%zu): %s has the same labels, in the same order",
                             dirs[a->part], a->line, run, a->label, a->strategy, b->run, b->label, b->strategy,
                             dirs[b->part], b->line, what);
                } else {
                    const sweep_row *a = &rs->r[hi - 1], *b = &rs->r[ref];
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
static int merge_read(const char *const *dirs, size_t nd, sweep_grid *g, sweep_rowset *rs, char *err, size_t errlen)
{
    size_t *owner = NULL;
    int status = 2;
    memset(g, 0, sizeof *g);
    for (size_t d = 0; d < nd; d++) {
        sweep_grid gd;
        size_t *runs, nruns;
        int mr = sweep_manifest_read(dirs[d], &gd, &runs, &nruns, err, errlen);
        if (mr) {
            if (mr == TI_IO) status = 1;
            goto done;
        }
        if (d == 0) {
            *g = gd;
            /* every run's owner, and at least one runs.csv row per run */
            double need = (double)g->runs * (2 * sizeof(size_t) + sizeof(sweep_row) + 64);
            if (need > BUDGET_MEMORY_SHARE * budget_available()) {
                char mem[64], avail[64];
                budget_fmt_bytes(mem, sizeof mem, need);
                budget_fmt_bytes(avail, sizeof avail, budget_available());
                snprintf(err, errlen, "the sweep has %zu runs: joining them would hold at least %s, more than %.0f%% "
                                      "of the %s this process may use", g->runs, mem, 100 * BUDGET_MEMORY_SHARE, avail);
                free(runs);
                goto done;
            }
            owner = malloc(g->runs * sizeof *owner);
            if (!owner) { free(runs); status = 1; snprintf(err, errlen, "out of memory"); goto done; }
            for (size_t r = 0; r < g->runs; r++) owner[r] = SIZE_MAX;
        } else {
            char why[4096];
            bool same = sweep_grid_same(g, &gd, why, sizeof why);
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
    qsort(rs->r, rs->n, sizeof *rs->r, sweep_row_cmp);
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
    sweep_grid g;
    sweep_rowset rs = { 0 };
    int rc = merge_read(dirs, nd, &g, &rs, err, errlen);
    sweep_rows_free(&rs);
    sweep_grid_free(&g);
    return rc;
}

enum status_code sweep_merge_check_out(const sweep_merge_spec *spec, struct status *st)
{
    const char *out = spec->out;
    /* The folder written is none of the parts, and neither holds the other. */
    for (size_t d = 0; d < spec->ndirs; d++) {
        int ov = fs_overlap(out, spec->dirs[d]);
        if (ov)
            return status_set(st, STATUS_INPUT, "merge: --out %s %s %s; write the merged sweep to a folder of its own",
                              out, ov == 1 ? "is the part" : ov == 2 ? "is inside the part" : "holds the part",
                              spec->dirs[d]);
    }
    char err[8192];
    int orc = outdir_check(out, sweep_kinds, err, sizeof err);
    if (orc) return status_set(st, orc == -1 ? STATUS_FAILED : STATUS_INPUT, "%s", err);
    if (spec->plot && plot_ready(err, sizeof err)) return status_set(st, STATUS_FAILED, "merge --plot: %s", err);
    return STATUS_OK;
}

enum status_code sweep_merge(const sweep_merge_spec *spec, sweep_written *w, struct status *st)
{
    sweep_grid g = { 0 };
    sweep_rowset rs = { 0 };
    size_t *all = NULL;
    char err[8192];
    enum status_code code = STATUS_FAILED;
    memset(w, 0, sizeof *w);
    int mr = merge_read(spec->dirs, spec->ndirs, &g, &rs, err, sizeof err);
    if (mr) {
        code = status_set(st, mr == 2 ? STATUS_INPUT : STATUS_FAILED, "merge: %s", err);
        goto done;
    }
    if (spec->goal.set && g.reps < 2) {
        code = status_set(st, STATUS_USAGE, "merge: %s compares means by their 95%% confidence intervals, which need "
                          "2 or more replications; the sweep has %zu", spec->goal.maximize ? "--maximize" : "--minimize",
                          g.reps);
        goto done;
    }
    if (spec->goal.set) {
        const char **labels = calloc(rs.n ? rs.n : 1, sizeof *labels);
        size_t nl = 0;
        if (!labels) { code = status_set(st, STATUS_FAILED, "out of memory"); goto done; }
        for (size_t i = 0; i < rs.n; i++) {
            size_t k = 0;
            while (k < nl && strcmp(labels[k], rs.r[i].label)) k++;
            if (k == nl) labels[nl++] = rs.r[i].label;
        }
        code = sweep_goal_check_labels(&spec->goal, labels, nl, st);
        free(labels);
        if (code) goto done;
    }
    if (!(all = malloc(g.runs * sizeof *all))) { code = status_set(st, STATUS_FAILED, "out of memory"); goto done; }
    for (size_t r = 0; r < g.runs; r++) all[r] = r;
    code = sweep_write_folder(&g, &rs, false, "all", all, g.runs, &spec->goal, spec->plot, spec->out, w, st);
done:
    free(all);
    sweep_rows_free(&rs);
    sweep_grid_free(&g);
    return code;
}
