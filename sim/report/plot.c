/* plot.c - `stampede plot` below its command line (plot.h): which kind of
 * folder DIR is, then its charts, and for a results folder report.html,
 * committed together. */
#include "plot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/textin.h"
#include "report.h"
#include "runchart.h"

/* Every chart of a results folder, each in its own file (chart_*.c). */
int plot_run_charts(const run_folder *rf, chartset *cs, char *err, size_t errlen)
{
    chart_ctx cx = { .cs = cs, .rf = rf, .err = err, .errlen = errlen };
    static int (*const charts[])(chart_ctx *) = {
        chart_latency, chart_db_load, chart_latency_cdf, chart_comparison, chart_stampede_sizes,
    };
    for (size_t i = 0; i < sizeof charts / sizeof *charts; i++)
        if (charts[i](&cx)) return -1;
    return 0;
}

/* Every chart of a results folder and its report, together. */
static enum status_code plot_results_folder(const char *dir, unsigned formats, plot_sweep_page *page, plot_done *done,
                                            struct status *st)
{
    (void)page;
    char err[8192] = "";
    run_folder rf;
    chartset cs;
    memset(&cs, 0, sizeof cs);
    char *html = NULL;
    enum status_code code;
    int rc = run_folder_read(&rf, dir, err, sizeof err);
    code = rc == -2 ? STATUS_INPUT : STATUS_FAILED;
    if (rc) goto fail;
    if ((rc = chartset_open(&cs, rf.dir, formats, true, err, sizeof err))) {
        code = rc == -2 ? STATUS_INPUT : STATUS_FAILED;
        goto fail;
    }
    code = STATUS_FAILED;
    if (plot_run_charts(&rf, &cs, err, sizeof err)) goto fail;
    if (!(html = report_html(&rf, &cs, err, sizeof err))) goto fail;
    if (chartset_commit(&cs, html, err, sizeof err)) goto fail;
    done->charts = strdup(cs.out.dir);
    done->report = fs_join(rf.dir, "report.html");
    if (!done->charts || !done->report) {
        snprintf(err, sizeof err, "out of memory");
        goto fail;
    }
    code = STATUS_OK;
    goto out;
fail:
    status_set(st, code, "%s", err);
out:
    free(html);
    chartset_close(&cs);
    run_folder_free(&rf);
    return code;
}

/* A sweep folder: its charts are drawn by plot_sweep.c, its page by page. */
static enum status_code plot_sweep(const char *dir, unsigned formats, plot_sweep_page *page, plot_done *done,
                                   struct status *st)
{
    char err[8192] = "";
    int rc = plot_sweep_folder(dir, formats, page, err, sizeof err);
    if (rc) return status_set(st, rc == -2 ? STATUS_INPUT : STATUS_FAILED, "%s", err);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    done->sweep = true;
    char *d = strndup(dir, n);
    done->charts = d ? fs_join(d, "charts") : NULL;
    done->report = d && page ? fs_join(d, "report.html") : NULL;
    free(d);
    if (!done->charts || (page && !done->report)) return status_set(st, STATUS_FAILED, "out of memory");
    return STATUS_OK;
}

enum status_code plot_folder(const char *dir, unsigned formats, plot_sweep_page *page, plot_done *done,
                             struct status *st)
{
    memset(done, 0, sizeof *done);
    if (!fs_is_dir(dir))
        return status_set(st, STATUS_INPUT, "plot: %s: %s", dir, access(dir, F_OK) ? "no such folder" : "not a folder");
    /* The kind of folder: its marker says (base/outdir.h); a folder of a
     * stampede that wrote none is known by a file only that kind has. */
    char err[4096];
    outmark m;
    int rc = outdir_mark_read(dir, &m, err, sizeof err);
    if (rc < 0) return status_set(st, rc == TI_IO ? STATUS_FAILED : STATUS_INPUT, "plot: %s", err);
    if (rc == 0) {
        char kind[32];
        snprintf(kind, sizeof kind, "%s", m.kind);
        outdir_mark_free(&m);
        if (!strcmp(kind, OUT_RUN)) return plot_results_folder(dir, formats, page, done, st);
        if (!strcmp(kind, OUT_SWEEP)) return plot_sweep(dir, formats, page, done, st);
        if (!strcmp(kind, OUT_SWEEP_PART))
            return status_set(st, STATUS_INPUT, "plot: %s is one part of a sweep (it has no sweep.csv): join the parts "
                                                "with stampede merge, then plot the merged folder", dir);
        return status_set(st, STATUS_INPUT, "plot: %s is the charts folder of a results folder: plot the folder "
                                            "that holds it", dir);
    }
    static const struct {
        const char *file;
        enum status_code (*plot)(const char *, unsigned, plot_sweep_page *, plot_done *, struct status *);
    } kinds[] = {
        { "comparison.csv", plot_results_folder },
        { "sweep.csv", plot_sweep },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        char *f = fs_join(dir, kinds[k].file);
        if (!f) return status_set(st, STATUS_FAILED, "out of memory");
        struct stat sb;
        bool found = lstat(f, &sb) == 0;
        free(f);
        if (found) return kinds[k].plot(dir, formats, page, done, st);
    }
    return status_set(st, STATUS_INPUT, "plot: %s is not a stampede results or sweep folder (it has no "
                                        "comparison.csv or sweep.csv)", dir);
}

void plot_done_free(plot_done *d)
{
    free(d->charts);
    free(d->report);
    memset(d, 0, sizeof *d);
}
