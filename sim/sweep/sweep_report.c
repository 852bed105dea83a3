/* sweep_report.c - report.html of a sweep folder: the recommendation in a
 * sentence (the best point with its interval, the settings that cannot be
 * told apart from it, what the constraints excluded), a sentence per label,
 * the charts and a compact table of the ranked metric.  The same rules as the
 * run's page (report/report.c): well-formed XHTML, inline CSS, no script, no
 * date, relative links to files the folder holds.  report/ draws the charts
 * and calls this page back (plot_sweep_folder's page): the page needs the
 * sweep's ranking, which is above report/. */
#include "sweep_report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "metricdoc.h"
#include "report/report.h"
#include "results/output.h"
#include "sumread.h"

#define MAX_TIES_SAID 8      /* settings named in the lead; best.txt lists all */
#define MAX_TABLE_ROWS 400   /* points in the table; sweep.csv has all */

static void esc(strbuf *b, const char *s) { report_html_escape(b, s); }

__attribute__((format(printf, 2, 3)))
static void escf(strbuf *b, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    esc(b, buf);
}

/* Value k of vary v as given ("30s"); a number from a range of durations
 * ("30s:120s:30s" gives 30) with its unit ("30 s"). */
static void vary_value(strbuf *b, const sweep_vary *v, size_t k)
{
    const char *t = v->v.text[k];
    char *end;
    double x = strtod(t, &end);
    bool range = strchr(v->spec, ':') && !strchr(v->spec, ',');
    if (range && *t && !*end && isfinite(x) && strpbrk(v->spec, "hmsu")) {
        char buf[64];
        report_fmt_seconds(buf, sizeof buf, x);
        esc(b, buf);
        return;
    }
    esc(b, t);
}

/* "xfetch.beta = 2, cache.ttl = 30s": the point's values as given. */
static void point_words(strbuf *b, const sweep_grid *g, size_t point)
{
    for (size_t i = 0; i < g->nvary; i++) {
        if (i) sb_puts(b, ", ");
        sb_puts(b, "<code>");
        esc(b, g->vary[i].path);
        sb_puts(b, "</code>&#160;=&#160;");
        vary_value(b, &g->vary[i], sweep_grid_index(g, point, i));
    }
}

static void value(strbuf *b, int col, const sweep_stat *s)
{
    char v[128];
    sweep_metric_fmt_ci(v, sizeof v, col, s->mean, s->ci95);
    esc(b, v);
}

static const sweep_sumrow *row_at(const sweep_folder *f, size_t point, const char *label)
{
    for (size_t i = 0; i < f->sm.n; i++)
        if (f->sm.s[i].point == point && !strcmp(f->sm.s[i].label, label)) return &f->sm.s[i];
    return NULL;
}

/* The metric the page ranks by: the goal's, else p99 of answered requests. */
static int ranked_col(const sweep_folder *f) { return f->has_goal ? f->goal.m.col : COL_P99; }

static void constraint_words(strbuf *b, const sweep_constraint *c)
{
    char x[64];
    sweep_metric_fmt(x, sizeof x, c->m.col, c->bound);
    sb_puts(b, "<code>");
    esc(b, c->m.text);
    sb_puts(b, c->ge ? "</code>&#160;&#8805;&#160;" : "</code>&#160;&#8804;&#160;");
    esc(b, x);
}

/* The lead: the recommendation and what stands beside it. */
static void lead(strbuf *b, const sweep_folder *f, const sweep_answer *a, const char *dir)
{
    const sweep_goal *gl = &f->goal;
    const sweep_grid *g = &f->g;
    int col = gl->m.col;
    sb_puts(b, "<p class=\"lead\" id=\"recommendation\">");
    if (!a->best) {
        sb_printf(b, "<strong>No setting meets the constraints:</strong> none of the %zu (point, label) pairs "
                     "considered for %s <code>", a->ncand, gl->maximize ? "maximizing" : "minimizing");
        esc(b, gl->m.text);
        sb_puts(b, "</code> does.");
    } else {
        sb_puts(b, "<strong>Recommendation: ");
        esc(b, a->best->label);
        sb_puts(b, " with ");
        point_words(b, g, a->best->point);
        sb_puts(b, "</strong>: its mean ");
        esc(b, output_col_names[col]);
        sb_puts(b, " is ");
        value(b, col, &a->best->m[col]);
        sb_printf(b, " (95%% confidence interval over %zu replications), the %s of the %zu feasible (point, label) "
                     "pairs", a->best->n, gl->maximize ? "highest" : "lowest", a->nfeas);
        for (size_t k = 0; k < gl->nc; k++) {
            const sweep_constraint *c = &gl->c[k];
            const sweep_sumrow *o = row_at(f, a->best->point, c->m.label ? c->m.label : a->best->label);
            sb_puts(b, k ? ", " : "; with ");
            esc(b, c->m.label ? c->m.label : a->best->label);
            sb_puts(b, ".");
            esc(b, output_col_names[c->m.col]);
            sb_puts(b, " ");
            if (o) value(b, c->m.col, &o->m[c->m.col]);
            sb_puts(b, " against ");
            constraint_words(b, c);
        }
        sb_puts(b, ". ");
        if (!a->nties) {
            sb_puts(b, "No other feasible setting&#8217;s interval overlaps it.");
        } else {
            sb_printf(b, "%zu other setting%s cannot be told apart from it (the 95%% intervals overlap): ", a->nties,
                      a->nties == 1 ? "" : "s");
            for (size_t i = 0; i < a->nties && i < MAX_TIES_SAID; i++) {
                const sweep_sumrow *t = a->ties[i];
                if (i) sb_puts(b, "; ");
                esc(b, t->label);
                sb_puts(b, " with ");
                point_words(b, g, t->point);
                sb_puts(b, " (");
                value(b, col, &t->m[col]);
                sb_puts(b, ")");
            }
            if (a->nties > MAX_TIES_SAID)
                sb_printf(b, "; and %zu more (<a href=\"best.txt\">best.txt</a> lists them)", a->nties - MAX_TIES_SAID);
            sb_puts(b, ". Among these, choose by what the metric does not measure.");
        }
    }
    size_t fin = 0;
    for (size_t i = 0; i < f->sm.n; i++)
        fin += sweep_goal_candidate(gl, &f->sm.s[i]) && isfinite(f->sm.s[i].m[col].mean);
    if (gl->nc && fin) {
        sb_puts(b, " The constraint");
        sb_puts(b, gl->nc == 1 ? " " : "s ");
        for (size_t k = 0; k < gl->nc; k++) {
            if (k) sb_puts(b, k + 1 == gl->nc ? " and " : ", ");
            constraint_words(b, &gl->c[k]);
        }
        sb_printf(b, " excluded %zu of the %zu (point, label) pairs ranked", fin - a->nfeas, fin);
        if (gl->nc > 1) {
            sb_puts(b, " (");
            for (size_t k = 0; k < gl->nc; k++) {
                if (k) sb_puts(b, ", ");
                sb_printf(b, "%zu by ", a->excluded[k]);
                constraint_words(b, &gl->c[k]);
            }
            sb_puts(b, ")");
        }
        /* the labels it excluded at every point */
        size_t nout = 0;
        for (size_t l = 0; l < f->nlabels; l++) {
            size_t cand = 0, feas = 0;
            for (size_t i = 0; i < f->sm.n; i++) {
                const sweep_sumrow *s = &f->sm.s[i];
                if (s->label != f->labels[l] || !sweep_goal_candidate(gl, s) || !isfinite(s->m[col].mean)) continue;
                cand++;
                feas += sweep_goal_feasible(gl, &f->sm, s);
            }
            if (!cand || feas) continue;
            sb_puts(b, nout++ ? ", " : ": every point of ");
            esc(b, f->labels[l]);
        }
        sb_puts(b, ".");
    }
    if (a->ncand > fin) {
        sb_printf(b, " %zu of the %zu pairs considered have no finite mean <code>", a->ncand - fin, a->ncand);
        esc(b, output_col_names[col]);
        sb_puts(b, "</code> (");
        esc(b, sweep_metric_about(col));
        sb_puts(b, ") and are not ranked.");
    }
    sb_puts(b, "</p>\n<p class=\"muted\">The goal: ");
    sb_puts(b, gl->maximize ? "maximize <code>" : "minimize <code>");
    esc(b, gl->m.text);
    sb_puts(b, "</code>");
    for (size_t k = 0; k < gl->nc; k++) {
        sb_puts(b, k ? ", " : " subject to ");
        constraint_words(b, &gl->c[k]);
    }
    sb_puts(b, ", on the means. To rank the same runs by another goal: <code>stampede merge ");
    esc(b, dir);
    sb_puts(b, " --out DIR2 --minimize METRIC --plot</code> (<code>stampede sweep --metrics</code> lists the "
               "metrics).</p>\n");
}

/* A sentence per label: where it does best, and how often it is feasible. */
static void per_label(strbuf *b, const sweep_folder *f)
{
    int col = ranked_col(f);
    bool maximize = f->has_goal && f->goal.maximize;
    sb_puts(b, "<ul class=\"labels\">\n");
    for (size_t l = 0; l < f->nlabels; l++) {
        const sweep_goal *gl = f->has_goal && sweep_goal_candidate(&f->goal, &(sweep_sumrow){ .label = f->labels[l] })
                             ? &f->goal : NULL;
        const sweep_sumrow *best = NULL, *worst = NULL;
        size_t n = 0, feas = 0;
        for (size_t i = 0; i < f->sm.n; i++) {
            const sweep_sumrow *s = &f->sm.s[i];
            if (s->label != f->labels[l]) continue;
            n++;
            double v = s->m[col].mean;
            if (!isfinite(v)) continue;
            if (!worst || (maximize ? v < worst->m[col].mean : v > worst->m[col].mean)) worst = s;
            if (gl && !sweep_goal_feasible(gl, &f->sm, s)) continue;
            feas++;
            if (!best || (maximize ? v > best->m[col].mean : v < best->m[col].mean)) best = s;
        }
        sb_puts(b, "<li><strong>");
        esc(b, f->labels[l]);
        sb_puts(b, "</strong>");
        if (f->has_goal && !gl) sb_puts(b, " (not ranked: the goal names another label)");
        sb_puts(b, ": ");
        if (!best) {
            if (gl && gl->nc && worst) sb_printf(b, "meets the constraints at none of its %zu points", n);
            else sb_printf(b, "its %s is not finite at any of its %zu points", output_col_names[col], n);
            if (worst) {
                sb_puts(b, "; its ");
                esc(b, output_col_names[col]);
                sb_puts(b, " reaches ");
                value(b, col, &worst->m[col]);
                sb_puts(b, " at ");
                point_words(b, &f->g, worst->point);
            }
        } else {
            sb_puts(b, maximize ? "highest " : "lowest ");
            esc(b, output_col_names[col]);
            sb_puts(b, " ");
            value(b, col, &best->m[col]);
            sb_puts(b, " with ");
            point_words(b, &f->g, best->point);
            if (worst && worst != best) {
                sb_puts(b, ", against ");
                value(b, col, &worst->m[col]);
                sb_puts(b, " at its worst (");
                point_words(b, &f->g, worst->point);
                sb_puts(b, ")");
            }
            if (gl && gl->nc) sb_printf(b, "; meets the constraints at %zu of its %zu points", feas, n);
        }
        sb_puts(b, ".</li>\n");
    }
    sb_puts(b, "</ul>\n");
}

/* The ranked metric per point (rows) and label (columns). */
static void table(strbuf *b, const sweep_folder *f, const sweep_answer *a)
{
    int col = ranked_col(f);
    const sweep_goal *gl = f->has_goal ? &f->goal : NULL;
    const sweep_grid *g = &f->g;
    sb_puts(b, "<div class=\"scroll\"><table class=\"sweep\">\n<tr>");
    for (size_t i = 0; i < g->nvary; i++) {
        sb_puts(b, "<th class=\"l\"><code>");
        esc(b, g->vary[i].path);
        sb_puts(b, "</code></th>");
    }
    for (size_t l = 0; l < f->nlabels; l++) {
        sb_puts(b, "<th>");
        esc(b, f->labels[l]);
        sb_puts(b, "</th>");
    }
    sb_puts(b, "</tr>\n");
    for (size_t p = 0; p < g->points && p < MAX_TABLE_ROWS; p++) {
        sb_puts(b, "<tr>");
        for (size_t i = 0; i < g->nvary; i++) {
            sb_puts(b, "<td class=\"l\">");
            vary_value(b, &g->vary[i], sweep_grid_index(g, p, i));
            sb_puts(b, "</td>");
        }
        for (size_t l = 0; l < f->nlabels; l++) {
            const sweep_sumrow *s = row_at(f, p, f->labels[l]);
            if (!s) {
                sb_puts(b, "<td class=\"muted\">&#8212;</td>");
                continue;
            }
            bool tie = false;
            for (size_t t = 0; a && t < a->nties; t++) tie |= a->ties[t] == s;
            const char *cls = a && s == a->best ? "best" : tie ? "tie"
                            : gl && (!sweep_goal_candidate(gl, s) || !sweep_goal_feasible(gl, &f->sm, s)) ? "out" : NULL;
            if (cls) sb_printf(b, "<td class=\"%s\">", cls);
            else sb_puts(b, "<td>");
            /* "68.02 ms ± 3.1 ms" as the mean over its half-width */
            char v[128];
            sweep_metric_fmt_ci(v, sizeof v, col, s->m[col].mean, s->m[col].ci95);
            char *pm = strstr(v, " \u00b1 ");
            if (pm) *pm = 0;
            esc(b, v);
            if (pm) {
                sb_puts(b, "<br/><small>&#177;&#160;");
                esc(b, pm + strlen(" \u00b1 "));
                sb_puts(b, "</small>");
            }
            sb_puts(b, "</td>");
        }
        sb_puts(b, "</tr>\n");
    }
    sb_puts(b, "</table></div>\n");
    if (g->points > MAX_TABLE_ROWS)
        sb_printf(b, "<p class=\"muted\">The first %d of %zu points; <a href=\"sweep.csv\">sweep.csv</a> has them "
                     "all.</p>\n", MAX_TABLE_ROWS, g->points);
}

/* What was swept: the scenario, the varies, --set, --strategy, replications. */
static void setup(strbuf *b, const sweep_folder *f)
{
    const sweep_grid *g = &f->g;
    sb_puts(b, "<p class=\"muted\">");
    escf(b, "%zu points \u00d7 %zu replications = %zu runs of %s (%s), each replication on the same random numbers "
            "at every point and for every label, by stampede %s. Varied: ", g->points, g->reps, g->runs, g->scenario,
         g->hash, g->version);
    for (size_t i = 0; i < g->nvary; i++) {
        const sweep_vary *v = &g->vary[i];
        if (i) sb_puts(b, "; ");
        sb_puts(b, "<code>");
        esc(b, v->path);
        sb_puts(b, "</code> over ");
        for (size_t k = 0; k < v->v.n; k++) {
            if (k) sb_puts(b, ", ");
            vary_value(b, v, k);
        }
        if (v->zip && i) {
            sb_puts(b, " (together with <code>");
            size_t j = i;
            while (j > 0 && g->vary[j].zip) j--;
            esc(b, g->vary[j].path);
            sb_puts(b, "</code>)");
        }
    }
    sb_puts(b, ".");
    if (g->nset) {
        sb_puts(b, " Fixed at every point:");
        for (size_t i = 0; i < g->nset; i++) {
            sb_puts(b, i ? ", <code>" : " <code>");
            esc(b, g->set[i]);
            sb_puts(b, "</code>");
        }
        sb_puts(b, ".");
    }
    if (g->labels) {
        sb_puts(b, " Labels run (<code>--strategy</code>): ");
        for (const char *p = g->labels; *p;) {
            size_t n = strcspn(p, ",");
            char *one = strndup(p, n);
            if (one) esc(b, one);
            else b->oom = true;
            free(one);
            p += n;
            if (*p) {
                sb_puts(b, ", ");
                p++;
            }
        }
        sb_puts(b, ".");
    }
    sb_puts(b, " Means with 95% Student-t confidence intervals over the replications; durations in the unit that "
               "reads best. The numbers, unrounded: <a href=\"sweep.csv\">sweep.csv</a> (per point and label), "
               "<a href=\"runs.csv\">runs.csv</a> (per run), <a href=\"sweep.json\">sweep.json</a> (the grid)");
    if (f->has_goal) sb_puts(b, ", <a href=\"best.txt\">best.txt</a> and <a href=\"goal.json\">goal.json</a>");
    sb_puts(b, ".</p>\n");
}

char *sweep_report_html(const char *dir, const chartset *cs, char *err, size_t errlen)
{
    sweep_folder f;
    int rc = sweep_folder_read(dir, &f, err, errlen);
    if (rc) {
        sweep_folder_free(&f);
        return NULL;
    }
    sweep_answer a = { 0 };
    if (f.has_goal && sweep_goal_answer(&f.goal, &f.sm, &a)) {
        sweep_folder_free(&f);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    strbuf h = { 0 };
    sb_puts(&h, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                "<meta charset=\"utf-8\"/>\n<title>");
    esc(&h, f.g.name);
    sb_puts(&h, " sweep \u2014 stampede report</title>\n<style>\n");
    sb_puts(&h, report_stylesheet());
    sb_puts(&h, "td.best { font-weight: bold; background: #e6f2e6; }\ntd.tie { background: #f1f7f1; }\n"
                "td.out { color: #999; }\ntable.sweep td { line-height: 1.15; }\n"
                "ul.labels li { margin: 0.35em 0; }\n</style>\n</head>\n<body>\n<h1>");
    esc(&h, f.g.name);
    sb_puts(&h, " sweep</h1>\n");
    if (f.has_goal) {
        lead(&h, &f, &a, dir);
    } else {
        sb_puts(&h, "<p class=\"lead\" id=\"recommendation\">This sweep was run without a goal, so it recommends "
                    "nothing. To rank it: <code>stampede merge ");
        esc(&h, dir);
        sb_puts(&h, " --out DIR2 --minimize METRIC [--subject-to M&lt;=X] --plot</code> (<code>stampede sweep "
                    "--metrics</code> lists the metrics). Below, the p99 latency of answered requests.</p>\n");
    }
    setup(&h, &f);
    sb_puts(&h, "<nav><a href=\"#labels\">Per label</a><a href=\"#charts\">Charts</a><a href=\"#table\">Table</a>"
                "</nav>\n<h2 id=\"labels\">Per label</h2>\n");
    per_label(&h, &f);
    sb_puts(&h, "<h2 id=\"charts\">Charts</h2>\n<p class=\"muted\">Each chart&#8217;s gnuplot script is beside it "
                "in <code>charts/</code>: edit it and run <code>gnuplot NAME.gp</code> in that folder to restyle "
                "the chart.</p>\n");
    for (size_t k = 0; k < cs->ncharts; k++) report_chart_figure(&h, cs, &cs->charts[k]);
    if (!cs->ncharts) sb_puts(&h, "<p>No charts: nothing varies along an axis.</p>\n");
    sb_puts(&h, "<h2 id=\"table\">Table</h2>\n<p class=\"muted\">The mean ");
    esc(&h, output_col_names[ranked_col(&f)]);
    sb_puts(&h, " (");
    esc(&h, sweep_metric_about(ranked_col(&f)));
    sb_puts(&h, ") and its 95% half-width at each point");
    if (f.has_goal) sb_puts(&h, "; bold: the best, shaded: cannot be told apart from it, grey: excluded by a "
                                "constraint or not ranked");
    sb_puts(&h, ".</p>\n");
    table(&h, &f, f.has_goal ? &a : NULL);
    sb_puts(&h, "</body>\n</html>\n");
    sweep_answer_free(&a);
    sweep_folder_free(&f);
    if (h.oom) {
        sb_free(&h);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return h.s;
}
