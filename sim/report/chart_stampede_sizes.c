/* chart_stampede_sizes.c - the chart how many stampedes reached each size (plots/stampede_sizes.gp). */
#include "runchart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/metrics.h"
#include "report.h"
#include "results/output.h"

int chart_stampede_sizes(chart_ctx *cx)
{
    const run_folder *rf = cx->rf;
    chart c = { 0 };
    strbuf *data = chart_sub(&c, "DATA"), *series = chart_sub(&c, "SERIES");
    double smax = 1, nmax = 1;
    bool grouped = false;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        if (!L->nsizes) continue;
        grouped |= L->sizes_grouped;
        /* The largest stampede is known exactly even when its size was binned. */
        double largest = run_value(rf, i, "stampede_max"), last = L->sizes[L->nsizes - 1];
        bool extra = isfinite(largest) && largest > last;
        double top = extra ? largest : last;
        if (top > smax) smax = top;
        if (L->size_ge[0] > nmax) nmax = L->size_ge[0];
        sb_printf(data, "$sizes%zu << EOD\n# ", i + 1);
        gp_comment(data, L->label);
        sb_puts(data, ": size, how many stampedes were at least that large\n");
        if (L->sizes[0] > 1) {   /* every stampede has at least size 1 */
            sb_puts(data, "1,");
            gp_num(data, L->size_ge[0]);
            sb_puts(data, "\n");
        }
        for (size_t k = 0; k < L->nsizes; k++) {
            gp_num(data, L->sizes[k]);
            sb_puts(data, ",");
            gp_num(data, L->size_ge[k]);
            sb_puts(data, "\n");
        }
        if (extra) {
            gp_num(data, largest);
            sb_puts(data, ",1\n");
        }
        sb_puts(data, "EOD\n");
        size_t rows = L->nsizes + (L->sizes[0] > 1) + extra;
        size_t every = rows / NMARKERS > 0 ? rows / NMARKERS : 1;   /* a dozen markers at most */
        sb_printf(series, "%s$sizes%zu using 1:2 with fsteps linetype %d notitle, \\\n     "
                          "$sizes%zu every %zu using 1:2 with points linetype %d notitle",
                  series->len ? ", \\\n     " : "", i + 1, chart_style(rf, i), i + 1, every, chart_style(rf, i));
    }
    chart_empty_note(chart_sub(&c, "EMPTY_NOTE"), !series->len, "no DB queries");
    if (!series->len) sb_puts(series, "1e-300 notitle");
    /* The key says how many stampedes and the largest, since markers at the
     * same point hide each other. */
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        char a[64], b[64];
        strbuf t = { 0 };
        if (L->nsizes) {
            report_fmt_count(a, sizeof a, L->size_ge[0]);
            report_fmt_count(b, sizeof b, run_value(rf, i, "stampede_max"));
            sb_printf(&t, "%s: %s stampede%s, largest %s", L->label, a, L->size_ge[0] == 1 ? "" : "s", b);
        } else {
            sb_printf(&t, "%s: no DB queries", L->label);
        }
        if (t.oom) series->oom = true;
        sb_printf(series, ", \\\n     keyentry with linespoints linetype %d title ", chart_style(rf, i));
        gp_quote(series, t.s ? t.s : "");
        sb_free(&t);
    }
    double xa, xb, ya, yb;
    chart_log_range(1, smax * 1.5, &xa, &xb);
    chart_log_range(1, nmax * 1.5, &ya, &yb);
    gp_num(chart_sub(&c, "XMAX"), xb);
    gp_num(chart_sub(&c, "YMAX"), yb);
    chart_log_count_tics(chart_sub(&c, "XTICS"), "x", 1, xb, false);
    chart_log_count_tics(chart_sub(&c, "YTICS"), "y", 1, yb, false);
    sb_puts(chart_sub(&c, "XLABEL"), grouped ? "'stampede size (DB queries; sizes above 1,024 binned by powers of 2)'"
                                      : "'stampede size (DB queries)'");
    chart_title(chart_sub(&c, "TITLE"), rf, "stampede sizes");
    return chart_draw(cx, &c, "stampede_sizes", "Stampede sizes",
                      "How many stampedes had at least a given size, per strategy, on log-log axes. A stampede is a "
                      "group of DB queries for one key, each issued while an earlier one was still running; size 1 is "
                      "a lone query. A protected strategy stays at the left; an unprotected one reaches far right.");
}
