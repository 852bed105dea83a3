/* folder.c - a sweep folder written whole (internal.h): runs.csv,
 * sweep.json, sweep.csv, best.txt and goal.json in one transaction, the
 * charts and report.html after. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "base/outdir.h"
#include "report/plot.h"
#include "sweep_report.h"

const char *const sweep_kinds[] = { OUT_SWEEP, OUT_SWEEP_PART, NULL };

void sweep_written_free(sweep_written *w)
{
    free(w->dir);
    free(w->best);
    memset(w, 0, sizeof *w);
}

enum status_code sweep_write_folder(const sweep_grid *g, const sweep_rowset *rs, bool partial, const char *selection,
                                    const size_t *runs, size_t nruns, const sweep_goal *gl, unsigned plot,
                                    const char *dir, sweep_written *w, struct status *st)
{
    char err[8192] = "";
    outdir o;
    sweep_summary sm = { 0 };
    char *best = NULL, *manifest = NULL;
    memset(w, 0, sizeof *w);
    int rc = outdir_open(&o, dir, partial ? OUT_SWEEP_PART : OUT_SWEEP, sweep_kinds, NULL, err, sizeof err);
    if (rc) {
        outdir_close(&o);
        return status_set(st, rc == -2 ? STATUS_INPUT : STATUS_FAILED, "%s", err);
    }
    enum status_code code = STATUS_FAILED;
    FILE *f = outdir_file(&o, "runs.csv", err, sizeof err);
    if (!f) goto done;
    sweep_write_runs(f, g, rs);
    if (fs_close_checked(f, "runs.csv", err, sizeof err)) goto done;
    if (!(manifest = sweep_manifest_text(g, partial, selection, runs, nruns))) {
        snprintf(err, sizeof err, "out of memory");
        goto done;
    }
    if (outdir_text(&o, "sweep.json", manifest, err, sizeof err)) goto done;
    if (!partial) {
        if (sweep_summarize(g, rs, &sm)) { snprintf(err, sizeof err, "out of memory"); goto done; }
        if (!(f = outdir_file(&o, "sweep.csv", err, sizeof err))) goto done;
        sweep_write_summary(f, g, &sm);
        if (fs_close_checked(f, "sweep.csv", err, sizeof err)) goto done;
        if (gl && gl->set) {
            if (!(best = sweep_best_text(gl, g, &sm))) { snprintf(err, sizeof err, "out of memory"); goto done; }
            if (outdir_text(&o, "best.txt", best, err, sizeof err)) goto done;
            /* the goal best.txt answers, for the report */
            char *gj = sweep_goal_json(gl);
            if (!gj) { snprintf(err, sizeof err, "out of memory"); goto done; }
            int bad = outdir_text(&o, "goal.json", gj, err, sizeof err);
            free(gj);
            if (bad) goto done;
        }
    }
    if (outdir_commit(&o, err, sizeof err)) goto done;
    code = STATUS_OK;
    w->nruns = nruns;
    w->runs = g->runs;
    w->partial = partial;
    w->best = best;
    best = NULL;
    if (!(w->dir = strdup(o.dir))) {
        code = status_set(st, STATUS_FAILED, "out of memory (the results are in %s/)", o.dir);
        goto done;
    }
    /* Charts come after the commit: a gnuplot problem must not lose the runs. */
    if (plot && !partial && plot_sweep_folder(o.dir, plot, sweep_report_html, err, sizeof err))
        code = status_set(st, STATUS_FAILED, "charts: %s (the results are in %s/)", err, o.dir);
done:
    if (code != STATUS_OK && !w->dir) {
        if (o.tmp) status_set(st, code, "%s; nothing was written to %s", err, o.dir ? o.dir : dir);
        else status_set(st, code, "%s", err);
    }
    outdir_close(&o);
    free(sm.s);
    free(best);
    free(manifest);
    return code;
}
