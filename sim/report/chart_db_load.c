/* chart_db_load.c - the chart DB queries in service, started and waiting over time (plots/db_load.gp). */
#include "runchart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/metrics.h"
#include "report.h"
#include "results/output.h"

int chart_db_load(chart_ctx *cx)
{
    const run_folder *rf = cx->rf;
    chart c = { 0 };
    bool *all = chart_flags(cx, rf->nlabels);
    if (!all) return -1;
    double inflight = 0, started = 0, queue = 0;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        all[i] = true;
        if (L->inflight_max > inflight) inflight = L->inflight_max;
        if (L->started_max > started) started = L->started_max;
        if (L->queue_max > queue) queue = L->queue_max;
    }
    double knee = rf->usl ? sqrt((1 - rf->sigma) / rf->kappa) : NAN;
    bool show_knee = isfinite(knee) && !(isfinite(rf->workers) && knee >= rf->workers);
    double top = inflight, xmax = chart_time_end(rf);
    if (isfinite(rf->workers) && rf->workers > top) top = rf->workers;
    if (show_knee && knee > top) top = knee;
    /* A long drain after duration (a queue left behind) would squeeze the run
     * into a corner: a quarter of the run's length of it is shown, and a
     * note under the time axis's right end says how long it went on. */
    strbuf *note = chart_sub(&c, "DRAIN_NOTE");
    if (isfinite(rf->duration) && xmax > 1.25 * rf->duration) {
        char t[64], msg[160];
        chart_fmt_time(t, sizeof t, xmax);
        bool cut = false;
        for (size_t i = 0; i < rf->nlabels; i++) cut |= rf->labels[i].cut != NULL;
        snprintf(msg, sizeof msg, cut ? "cut at the drain limit, %s \u2192" : "the DB drains until %s \u2192", t);
        xmax = 1.25 * rf->duration;
        sb_puts(note, "set label 98 ");
        gp_quote(note, msg);
        sb_puts(note, " at graph 1, graph 0 right offset character 0, -2.6 textcolor rgb '#444444' font ',11' front");
    }
    chart_title(chart_sub(&c, "TITLE"), rf, "database load over time");
    gp_num(chart_sub(&c, "BIN"), rf->bin);
    gp_num(chart_sub(&c, "XMAX"), xmax);
    double y1 = chart_nice_ceil(top * 1.08), y3 = chart_nice_ceil(queue * 1.08);
    gp_num(chart_sub(&c, "Y1MAX"), y1);
    chart_count_tics(chart_sub(&c, "Y1TICS"), "y", y1);
    /* Queries/s on a log axis from a decade below one query per bin, where a
     * bin that started none is drawn (labelled 0), to the busiest bin. */
    double sa, sb;
    chart_log_range(0.1 / rf->bin, started > 0 ? started / rf->bin : 1 / rf->bin, &sa, &sb);
    gp_num(chart_sub(&c, "Y2MIN"), sa);
    gp_num(chart_sub(&c, "Y2MAX"), sb);
    chart_log_count_tics(chart_sub(&c, "Y2TICS"), "y", sa, sb, true);
    gp_num(chart_sub(&c, "Y3MAX"), y3);
    chart_count_tics(chart_sub(&c, "Y3TICS"), "y", y3);
    sb_puts(chart_sub(&c, "QUEUE_PANEL"), queue > 0 ? "1" : "0");
    chart_marks(&c, rf, xmax);
    chart_recovery(&c, rf, xmax, 0);   /* in the panel under the key panel */
    chart_ts_series(&c, "INFLIGHT", rf, all, TS_INFLIGHT, "column(\"db_inflight_max\")", 1, NULL, true);
    /* The key has a panel of its own: eight labels would not fit beside one. */
    strbuf *in = chart_sub(&c, "INFLIGHT"), *key = chart_sub(&c, "KEY");
    chart_label_keys(key, rf, NULL, NULL, NULL);
    char num[64];
    static const char *const pool_style = "linecolor rgb '#333333' dashtype 2 linewidth 1.5";
    static const char *const knee_style = "linecolor rgb '#882255' dashtype 4 linewidth 1.5";
    if (isfinite(rf->workers)) {
        report_fmt_count(num, sizeof num, rf->workers);
        sb_puts(in, ", \\\n     ");
        gp_num(in, rf->workers);
        sb_printf(in, " with lines %s notitle", pool_style);
        sb_printf(key, ", \\\n     keyentry with lines %s title 'worker pool (%s)'", pool_style, num);
    }
    if (show_knee) {
        sb_puts(in, ", \\\n     ");
        gp_num(in, knee);
        sb_printf(in, " with lines %s notitle", knee_style);
        sb_printf(key, ", \\\n     keyentry with lines %s title 'USL knee n* = %.1f'", knee_style, knee);
    }
    sb_puts(key, ", \\\n     -1 notitle");
    chart_ts_series(&c, "STARTED", rf, all, TS_STARTED, "at_least_floor(column(\"db_started\")/bin)", 1 / rf->bin,
                  NULL, true);
    chart_ts_series(&c, "QUEUE", rf, all, TS_QUEUE, "column(\"db_queue_max\")", 1, NULL, true);
    free(all);
    return chart_draw(cx, &c, "db_load", "Database load over time",
                      "Top: the most queries in service at once in each bin, against the worker pool (and, under USL "
                      "overload, the knee n* past which the database's throughput falls). Middle: queries started per "
                      "second (log scale). Bottom: the longest queue of queries waiting for a worker (left out when "
                      "no query ever waited). Arrows mark when each strategy was back to normal after a trigger.");
}
