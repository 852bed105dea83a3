/* chart_latency.c - the chart latency percentiles over time and the share of requests that failed (plots/latency.gp). */
#include "runchart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/metrics.h"
#include "report.h"
#include "results/output.h"

int chart_latency(chart_ctx *cx)
{
    const run_folder *rf = cx->rf;
    static const char *const pexpr[3] = { "pos(column(\"p50\"))", "pos(column(\"p99\"))", "pos(column(\"p999\"))" };
    static const char *const pname[3] = { "p50", "p99", "p999" };
    static const char *const pdt[3] = { "3", "1", "2" };   /* dotted, solid, dashed */
    static const char *const pstyle[3] = { "dashtype 3 linewidth 1.5", "dashtype 1", "dashtype 2 linewidth 1.5" };
    chart c = { 0 };
    bool *has = chart_flags(cx, rf->nlabels), *draw_p = chart_flags(cx, rf->nlabels);
    if (!has || !draw_p) {
        free(has);
        free(draw_p);
        return -1;
    }
    double lo = INFINITY, hi = 0, fmin = 100;
    bool fail_cols = false;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        for (size_t r = 0; r < L->nbins; r++) {
            double sv = L->ts[TS_SUCCEEDED][r], fv = L->ts[TS_FAILED][r];
            fail_cols |= isfinite(sv) && isfinite(fv);
            if (fv > 0 && 100 * fv / (sv + fv) < fmin) fmin = 100 * fv / (sv + fv);
        }
        has[i] = L->lat_any[0] || L->lat_any[1] || L->lat_any[2];
        if (!has[i]) continue;
        if (rf->nlabels > LATENCY_ALL_PCT) {   /* p99 alone: its range */
            for (size_t r = 0; r < L->nbins; r++) {
                double p = L->ts[TS_P99][r];
                if (!(p > 0)) continue;
                if (p < lo) lo = p;
                if (p > hi) hi = p;
            }
            continue;
        }
        if (L->lat_min < lo) lo = L->lat_min;
        if (L->lat_max > hi) hi = L->lat_max;
    }
    /* Time up to the last bin where a request ended: after that only queries
     * nobody waits for drain (the DB chart shows them). */
    double xmax = chart_time_end(rf);
    if (fail_cols) {
        double last = 0;
        for (size_t i = 0; i < rf->nlabels; i++) {
            const run_label *L = &rf->labels[i];
            for (size_t r = L->nbins; r-- > 0;)
                if (L->ts[TS_SUCCEEDED][r] + L->ts[TS_FAILED][r] > 0) {
                    if (L->ts[TS_T][r] + rf->bin > last) last = L->ts[TS_T][r] + rf->bin;
                    break;
                }
        }
        if (last > 0 && last < xmax) xmax = last;
    }
    /* Cut before the drain ends: a note under the time axis's right end says
     * so (the database load chart shows the drain). */
    strbuf *note = chart_sub(&c, "DRAIN_NOTE");
    double end = chart_time_end(rf);
    if (end > xmax + rf->bin) {
        char t[64], msg[200];
        chart_fmt_time(t, sizeof t, end);
        snprintf(msg, sizeof msg, "cut here; the DB drains until %s \u2192", t);
        sb_puts(note, "set label 98 ");
        gp_quote(note, msg);
        sb_puts(note, " at graph 1, graph 0 right offset character 0, -2.6 textcolor rgb '#444444' font ',11' front");
    }
    /* Room above the lines for a row of recovery marks per label. */
    size_t rows = 0;
    for (size_t i = 0; i < rf->nlabels; i++)
        for (size_t k = 0; k < rf->labels[i].nrec; k++)
            if (rf->labels[i].rec[k].judged) {
                rows = i % 12 + 1 > rows ? i % 12 + 1 : rows;
                break;
            }
    double ya, yb;
    chart_log_range(isfinite(lo) ? lo : 1e-3, hi > 0 ? hi : 1, &ya, &yb);
    if (rows) {
        double f = 0.03 * (double)rows + 0.03, top = hi > 0 ? hi : 1;
        double need = exp(log(ya) + (log(top) - log(ya)) / (1 - f));
        if (need > yb) yb = chart_decade_ceil(need);
    }
    chart_title(chart_sub(&c, "TITLE"), rf, "latency over time");
    gp_num(chart_sub(&c, "BIN"), rf->bin);
    gp_num(chart_sub(&c, "XMAX"), xmax);
    gp_num(chart_sub(&c, "YMIN"), ya);
    gp_num(chart_sub(&c, "YMAX"), yb);
    chart_latency_tics(chart_sub(&c, "YTICS"), "y", ya, yb, 8);
    chart_marks(&c, rf, xmax);
    /* With more than LATENCY_ALL_PCT labels, three lines each would tangle:
     * p99 alone, the whole distribution being in the latency CDF chart. */
    bool all_pct = rf->nlabels <= LATENCY_ALL_PCT;
    size_t drawn = 0;
    for (int k = 2; k >= 0; k--) {   /* p999 first, so p50 lies on top; markers on p99 */
        if (!all_pct && k != 1) continue;
        for (size_t i = 0; i < rf->nlabels; i++) draw_p[i] = rf->labels[i].lat_any[k];
        drawn += chart_ts_series(&c, "SERIES", rf, draw_p, TS_P50 + k, pexpr[k], 1, pstyle[k], k == 1);
    }
    strbuf *s = chart_sub(&c, "SERIES"), *pts = chart_sub(&c, "POINTS");
    /* × on p99 in the bins where more than 1% of the requests ending there
     * failed: its rank falls among them, and the line hides them. */
    bool hides = false;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        bool open = false;
        for (size_t r = 0; r < L->nbins; r++) {
            double sv = L->ts[TS_SUCCEEDED][r], fv = L->ts[TS_FAILED][r], p = L->ts[TS_P99][r];
            if (!(fv > 0.01 * (sv + fv)) || !(p > 0)) continue;
            if (!open) sb_printf(pts, "$hidden_%zu << EOD\n", i + 1);
            open = true;
            gp_num(pts, L->ts[TS_T][r] + rf->bin / 2);
            sb_puts(pts, ",");
            gp_num(pts, p);
            sb_puts(pts, "\n");
        }
        if (!open) continue;
        sb_puts(pts, "EOD\n");
        hides = true;
        sb_printf(s, ", \\\n     $hidden_%zu using 1:2 with points linetype %d pointtype 2 pointsize 1.1 "
                     "linewidth 1.5 notitle", i + 1, chart_style(rf, i));
    }
    if (!drawn) sb_puts(s, "1e-300 notitle");
    chart_empty_note(chart_sub(&c, "EMPTY_NOTE"), !drawn, "no request was answered");
    chart_label_keys(s, rf, has, "no answers", "1");
    sb_puts(s, ", \\\n     keyentry with lines linecolor rgb 'white' title ' '");
    for (int k = 0; k < 3; k++)
        if (all_pct || k == 1)
            sb_printf(s, ", \\\n     keyentry with lines linecolor rgb '#444444' dashtype %s title '%s'", pdt[k],
                      pname[k]);
    if (!all_pct)
        sb_puts(s, ", \\\n     keyentry with lines linecolor rgb 'white' title 'p50, p999: CDF chart'");
    if (hides)
        sb_puts(s, ", \\\n     keyentry with points linecolor rgb '#444444' pointtype 2 linewidth 1.5 "
                   "title 'p99 hides failures'");
    /* Its legend goes under the key: a row per label, a blank, the
     * percentiles and the notes. */
    chart_recovery(&c, rf, xmax, (int)rf->nlabels + 1 + (all_pct ? 3 : 2) + (hides ? 1 : 0));
    /* The failed share per bin, on a log axis down to a decade below the
     * smallest, where a bin without failures is drawn (labelled 0). */
    double fa = fmin < 100 ? chart_decade_floor(fmin) / 10 : 0.01;
    if (fa < 1e-4) fa = 1e-4;
    gp_num(chart_sub(&c, "FAIL_MIN"), fa);
    chart_log_count_tics(chart_sub(&c, "FAILTICS"), "y", fa, 100, true);
    strbuf *fl = chart_sub(&c, "FAILED");
    for (size_t i = 0; i < rf->nlabels && fail_cols; i++) {
        sb_puts(fl, fl->len ? ", \\\n     " : "");
        chart_data_file(fl, rf, i, "timeseries.csv");
        sb_printf(fl, " using (column(\"t\") + bin/2):(failed_pct(column(\"succeeded\"), column(\"failed\"))) "
                      "with lines linetype %d dashtype 1 linewidth 2 notitle", chart_style(rf, i));
    }
    /* The line above which p99 of answered requests hides failures. */
    sb_puts(fl, fl->len ? ", \\\n     " : "");
    sb_puts(fl, "1 with lines linecolor rgb '#333333' dashtype 2 linewidth 1.2 notitle");
    free(has);
    free(draw_p);
    return chart_draw(cx, &c, "latency", "Latency over time",
                      all_pct ? "Top: the median (p50, dotted), p99 (solid, with markers) and p999 (dashed) latency of "
                                "the requests answered in each time bin, per strategy, on a logarithmic axis; a \u00d7 "
                                "marks a bin "
                              : "Top: the p99 latency of the requests answered in each time bin, per strategy, on a "
                                "logarithmic axis (with this many strategies p50 and p999 would tangle the lines: the "
                                "latency CDF chart shows every percentile); a \u00d7 marks a bin "
                      "where more than 1% of the requests ending in it failed, so its p99 of answered requests hides "
                      "them. Bottom: the share of the requests ending in each bin that failed (log scale; the dashed "
                      "line is 1%). Shaded windows and dashed lines mark the warmup, faults and bursts; arrows mark "
                      "when each strategy was back to normal after a trigger. A gap in a line is a bin where nobody "
                      "was answered (top) or no request ended (bottom).");
}
