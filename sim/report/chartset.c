/* chartset.c - the charts of one folder, one transaction (chartset.h):
 * each chart's script filled from its template, drawn by gnuplot in the
 * folder being built, and checked to have made every format. */
#include "chartset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/fs.h"
#include "base/stop.h"
#include "base/textin.h"

static const char *const charts_kinds[] = { OUT_CHARTS, NULL };

int chartset_open(chartset *cs, const char *dir, unsigned formats, bool report, char *err, size_t errlen)
{
    memset(cs, 0, sizeof *cs);
    cs->formats = formats;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    cs->dir = strndup(dir, n);
    char *charts = cs->dir ? fs_join(cs->dir, "charts") : NULL;
    if (!charts) {
        free(charts);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!(cs->gnuplot = gp_find_program("gnuplot"))) {
        free(charts);
        snprintf(err, errlen, "%s", gp_missing);
        return -1;
    }
    cs->open = true;   /* chartset_close ends cs->out, even half-opened */
    int rc = outdir_open(&cs->out, charts, OUT_CHARTS, charts_kinds, report ? "report.html" : NULL, err, errlen);
    free(charts);
    return rc;
}

/* plots/<tpl>.gp with its placeholders filled, malloc'd; NULL with err. */
static char *fill_named(chartset *cs, const char *tpl, const subst *subs, size_t n, char *err, size_t errlen)
{
    if (!cs->tpl_dir && !(cs->tpl_dir = gp_templates_dir())) {
        snprintf(err, errlen,
                 "cannot find the chart templates (plots/common.gp); set STAMPEDE_PLOTS_DIR to the plots "
                 "folder of the stampede sources");
        return NULL;
    }
    char file[256];
    snprintf(file, sizeof file, "%s.gp", tpl);
    char *path = fs_join(cs->tpl_dir, file);
    int rd = TI_IO;
    char *text = path ? textin_slurp(path, 1u << 20, NULL, &rd, err, errlen) : NULL;
    if (!path) snprintf(err, errlen, "out of memory");
    free(path);
    if (!text) return NULL;
    strbuf out = { 0 };
    int rc = gp_fill_template(&out, text, file, subs, n, err, errlen);
    free(text);
    if (rc) {
        sb_free(&out);
        return NULL;
    }
    char *filled = sb_take(&out);
    if (!filled) snprintf(err, errlen, "out of memory");
    return filled;
}

int chartset_draw_script(chartset *cs, const char *name, const char *script, const char *title, const char *caption,
                         char *err, size_t errlen)
{
    int rc = -1;
    char file[300], *path = NULL;
    strbuf msgs = { 0 };
    snprintf(file, sizeof file, "%s.gp", name);
    if (outdir_text(&cs->out, file, script, err, errlen)) goto done;
    int st = stop_requested() ? -2 : gp_run(cs->gnuplot, cs->out.tmp, file, &msgs);
    if (st == -2) {
        snprintf(err, errlen, "interrupted; nothing was written to %s", cs->out.dir);
        goto done;
    }
    if (msgs.oom) goto oom;
    if (st != 0 || msgs.len) {
        while (msgs.len && msgs.s[msgs.len - 1] == '\n') msgs.s[--msgs.len] = 0;
        if (st < 0) snprintf(err, errlen, "cannot run %s: %s", cs->gnuplot, strerror(errno));
        else
            snprintf(err, errlen, "gnuplot %s on %s.gp%s\n%s", st ? "failed" : "warned", name,
                     st ? "" : " (a warning means a wrong chart)", msgs.len ? msgs.s : "(no message)");
        goto done;
    }
    for (unsigned fmt = PLOT_SVG; fmt <= PLOT_PDF; fmt <<= 1) {
        if (!(cs->formats & fmt)) continue;
        char img[300];
        snprintf(img, sizeof img, "%s.%s", name, plot_format_ext(fmt));
        free(path);
        if (!(path = outdir_path(&cs->out, img))) goto oom;
        struct stat st_img;
        if (stat(path, &st_img) || st_img.st_size == 0) {
            snprintf(err, errlen, "gnuplot wrote no %s from %s.gp", img, name);
            goto done;
        }
    }
    chart_entry *ce = realloc(cs->charts, (cs->ncharts + 1) * sizeof *ce);
    if (!ce) goto oom;
    cs->charts = ce;
    ce = &cs->charts[cs->ncharts];
    ce->name = strdup(name);
    ce->title = strdup(title);
    ce->caption = strdup(caption);
    cs->ncharts++;
    if (!ce->name || !ce->title || !ce->caption) goto oom;
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
done:
    free(path);
    sb_free(&msgs);
    return rc;
}

int chartset_draw(chartset *cs, const char *name, const char *tpl, const subst *subs, size_t nsubs,
                  const char *title, const char *caption, char *err, size_t errlen)
{
    int rc = -1;
    char *common = NULL, *style = NULL, *script = NULL;
    strbuf fmts = { 0 }, fmtq = { 0 };
    subst *all = calloc(nsubs + 5, sizeof *all);
    if (!all) goto oom;
    for (unsigned fmt = PLOT_SVG; fmt <= PLOT_PDF; fmt <<= 1)
        if (cs->formats & fmt) sb_printf(&fmts, "%s%s", fmts.len ? " " : "", plot_format_ext(fmt));
    if (fmts.oom) goto oom;
    gp_quote(&fmtq, fmts.s);
    if (fmtq.oom) goto oom;
    /* Every chart's own placeholders, then the common part and the style,
     * which are templates too and filled first. */
    size_t n = 0;
    all[n++] = (subst){ "NAME", name };
    all[n++] = (subst){ "FORMATS", fmtq.s };
    all[n++] = (subst){ "TEMPLATE", tpl };
    memcpy(all + n, subs, nsubs * sizeof *subs);
    n += nsubs;
    if (!(common = fill_named(cs, "common", all, n, err, errlen)) || !(style = fill_named(cs, "style", all, n, err, errlen)))
        goto done;
    all[n++] = (subst){ "COMMON", common };
    all[n++] = (subst){ "STYLE", style };
    if (!(script = fill_named(cs, tpl, all, n, err, errlen))) goto done;
    rc = chartset_draw_script(cs, name, script, title, caption, err, errlen);
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
done:
    free(common);
    free(style);
    free(script);
    free(all);
    sb_free(&fmts);
    sb_free(&fmtq);
    return rc;
}

int chartset_commit(chartset *cs, const char *report, char *err, size_t errlen)
{
    if (report && outdir_beside_text(&cs->out, report, err, errlen)) return -1;
    return outdir_commit(&cs->out, err, errlen);
}

void chartset_close(chartset *cs)
{
    if (cs->open) outdir_close(&cs->out);
    for (size_t i = 0; i < cs->ncharts; i++) {
        free(cs->charts[i].name);
        free(cs->charts[i].title);
        free(cs->charts[i].caption);
    }
    free(cs->charts);
    free(cs->dir);
    free(cs->tpl_dir);
    free(cs->gnuplot);
    memset(cs, 0, sizeof *cs);
}
