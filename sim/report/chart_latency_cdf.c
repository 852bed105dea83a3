/* chart_latency_cdf.c - the chart the latency of every request: CDF and tail (plots/latency_cdf.gp). */
#include "runchart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/metrics.h"
#include "report.h"
#include "results/output.h"

int chart_latency_cdf(chart_ctx *cx)
{
    const run_folder *rf = cx->rf;
    chart c = { 0 };
    bool *has = chart_flags(cx, rf->nlabels);
    if (!has) return -1;
    double lo = INFINITY, hi = 0, most = 1;
    bool fails = false;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        has[i] = L->nhist > 0;
        if (!has[i]) continue;
        if (L->hist_lo < lo) lo = L->hist_lo;
        if (L->hist_hi > hi) hi = L->hist_hi;
        /* The tail goes down to one request in all, or to the share that failed. */
        double all = L->answered_share > 0 ? L->answered / L->answered_share : L->answered;
        double floor_i = L->answered_share < 1 ? 1 - L->answered_share : 1 / (all > 1 ? all : 1);
        if (1 / floor_i > most) most = 1 / floor_i;
        fails |= L->answered_share < 1;
    }
    double xa, xb;
    chart_log_range(lo, hi, &xa, &xb);
    chart_title(chart_sub(&c, "TITLE"), rf, "latency distribution of every request");
    gp_num(chart_sub(&c, "XMIN"), xa);
    gp_num(chart_sub(&c, "XMAX"), xb);
    gp_num(chart_sub(&c, "YMIN"), most > 1 ? chart_decade_floor(0.999 / most) / (fails ? 10 : 1) : 0.1);
    chart_latency_tics(chart_sub(&c, "XTICS"), "x", xa, xb, 6);
    strbuf *cdf = chart_sub(&c, "CDF"), *ccdf = chart_sub(&c, "CCDF"), *data = chart_sub(&c, "DATA");
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        if (!has[i]) continue;
        size_t every = L->nhist / NMARKERS > 0 ? L->nhist / NMARKERS : 1, first = every * i / rf->nlabels;
        bool level = L->answered_share < 1;
        if (level) {   /* where the curve levels off: the failed requests never come */
            sb_printf(data, "$level_%zu << EOD\n", i + 1);
            gp_num(data, L->hist_hi);
            sb_printf(data, ",%.10g\n", L->answered_share);
            gp_num(data, xb);
            sb_printf(data, ",%.10g\nEOD\n", L->answered_share);
        }
        for (int tail = 0; tail < 2; tail++) {
            if (tail && !L->ccdf_any) continue;
            strbuf *o = tail ? ccdf : cdf;
            char y[64];
            snprintf(y, sizeof y, tail ? "pos(1 - column(\"%s\"))" : "column(\"%s\")", L->cdf_col);
            sb_puts(o, o->len ? ", \\\n     " : "");
            chart_data_file(o, rf, i, "latency_hist.csv");
            sb_printf(o, " using \"upper\":(%s) with steps linetype %d notitle, \\\n     ", y, chart_style(rf, i));
            chart_data_file(o, rf, i, "latency_hist.csv");
            sb_printf(o, " every %zu::%zu using \"upper\":(%s) with points linetype %d notitle", every, first, y,
                      chart_style(rf, i));
            if (level)
                sb_printf(o, ", \\\n     $level_%zu using 1:(%s) with lines linetype %d dashtype (4,4) "
                             "linewidth 1.5 notitle", i + 1, tail ? "1 - $2" : "$2", chart_style(rf, i));
        }
    }
    chart_empty_note(chart_sub(&c, "EMPTY_NOTE"), !cdf->len, "no request was answered");
    if (!cdf->len) sb_puts(cdf, "-1 notitle");
    if (!ccdf->len) sb_puts(ccdf, "1e-300 notitle");
    /* Where each curve levels off, the share answered, written at the right
     * edge; values closer than a line of text are stacked downwards. */
    strbuf *lv = chart_sub(&c, "LEVELS");
    double last = INFINITY;
    size_t *order = calloc(rf->nlabels + 1, sizeof *order), n = 0;
    if (!order) lv->oom = true;
    for (size_t i = 0; order && i < rf->nlabels; i++)
        if (has[i] && rf->labels[i].answered_share < 1) order[n++] = i;
    for (size_t a = 1; a < n; a++)   /* highest first */
        for (size_t b = a; b > 0 && rf->labels[order[b]].answered_share > rf->labels[order[b - 1]].answered_share; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    for (size_t k = 0; k < n; k++) {
        const run_label *L = &rf->labels[order[k]];
        double y = L->answered_share;
        if (y > last - 0.035) y = last - 0.035;
        last = y;
        char pct[64];
        report_fmt_pct(pct, sizeof pct, L->answered_share);
        sb_printf(lv, "set label %zu '%s' at graph 1, first %.6f right offset character -0.3, 0.5 "
                      "textcolor linetype %d font ',11' front\n", 100 + k, pct, y, chart_style(rf, order[k]));
    }
    free(order);
    chart_label_keys(cdf, rf, has, "no answers", NULL);
    if (fails)
        sb_puts(cdf, ", \\\n     keyentry with lines linecolor rgb '#444444' dashtype (4,4) "
                     "title 'the rest failed'");
    free(has);
    return chart_draw(cx, &c, "latency_cdf", "Latency distribution of every request",
                      "Left: the fraction of all requests answered within a given time (CDF); a failed request counts "
                      "as never answered, so each curve levels off at the share that succeeded (dashed beyond its "
                      "last answer). Right: the fraction not answered within a given time (1 - CDF) on log-log axes, "
                      "where the tail shows: p99 of all requests is where a curve crosses 1%, p999 where it crosses "
                      "0.1%; a curve that levels off above 1% has its p99 among the failed requests. Counted requests "
                      "only (after the warmup).");
}
