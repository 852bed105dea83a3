/* chart_comparison.c - the chart the strategies side by side: failures, SLO, recovery, latency, DB work (plots/comparison.gp). */
#include "runchart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/metrics.h"
#include "report.h"
#include "results/output.h"

/* One panel of the comparison chart: a bar per label, stacked in up to
 * MAXSTACK layers (each a fill pattern: solid, hatched, ...), with its text
 * on top.  A label whose total is NAN gets "n/a" and no bar; one whose total
 * is +inf gets a hatched bar to the top of the panel and its text ("never",
 * "failed").  Values are in the panel's unit already. */
#define MAXSTACK 10
typedef struct panel {
    char title[256];
    double ymax;
    bool count_tics;          /* tics with thousands separators; else gnuplot's */
    double *v[MAXSTACK];      /* layer values per label; v[0] alone for plain bars */
    int nlayers;
    char **text;              /* per label */
    char extra[512];          /* more plot clauses: a target or pool line */
    char ytics[1024];         /* explicit tics, or "" */
    const char *layer_names[MAXSTACK];   /* a key naming the layers that are not all zero; NULL: none */
    bool vertical;            /* its values written upwards: too wide for their bars side by side */
    double pt;                /* their font size */
} panel;

/* Fill patterns of the layers (0: solid), and their names for the key. */
static const int stack_patterns[MAXSTACK] = { 0, 4, 1, 5, 2, 7, 6, 3, 8, 9 };
_Static_assert(FAIL_N <= MAXSTACK, "a layer per way of failing");

static void gen_panel(strbuf *o, strbuf *data, const run_folder *rf, const panel *p, int no)
{
    size_t n = rf->nlabels;
    sb_puts(o, "    set title ");
    gp_quote(o, p->title);
    sb_puts(o, "\n    set yrange [0:");
    gp_num(o, p->ymax);
    sb_puts(o, "]\n");
    bool finite = false;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < p->nlayers; k++) finite |= isfinite(p->v[k][i]);
    sb_puts(o, "    set ytics nomirror\n");
    if (!finite) sb_puts(o, "    unset ytics\n");   /* every bar is "never", "failed" or "n/a" */
    else if (*p->ytics) sb_printf(o, "    %s\n", p->ytics);
    else if (p->count_tics) {
        sb_puts(o, "    ");
        chart_count_tics(o, "y", p->ymax);
        sb_puts(o, "\n");
    } else {
        sb_puts(o, "    set ytics autofreq\n    set format y \"%g\"\n");
    }
    sb_printf(data, "$panel%d << EOD\n", no);
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        bool nan = false, inf = false;
        for (int k = 0; k < p->nlayers; k++) {
            double v = p->v[k][i];
            nan |= isnan(v);
            inf |= v == INFINITY;
            sum += isfinite(v) ? v : 0;
        }
        sb_printf(data, "%zu", i + 1);
        /* Cumulative heights, top layer first: each drawn over the next. */
        double cum = 0;
        for (int k = 0; k < p->nlayers; k++) {
            double v = p->v[k][i];
            cum += isfinite(v) ? v : 0;
            sb_puts(data, ",");
            if (nan && !inf) sb_puts(data, "NaN");
            else gp_num(data, inf ? p->ymax : cum);
        }
        sb_puts(data, "\n");
        sb_printf(o, "    set label %zu ", i + 1);
        const char *text = nan && !inf ? "n/a" : p->text[i], *nl = strchr(text, '\n');
        if (nl && p->vertical)   /* one line upwards: "timeouts / errors" */
            sb_printf(o, "\"%.*s / %s\"", (int)(nl - text), text, nl + 1);
        else if (nl)   /* two lines: numbers only, in a double-quoted string */
            sb_printf(o, "\"%.*s\\n%s\"", (int)(nl - text), text, nl + 1);
        else gp_quote(o, text);
        sb_printf(o, " at %zu, ", i + 1);
        if (p->vertical) {   /* upwards from the bar's top, or inside a bar to the top */
            gp_num(o, inf ? p->ymax * 0.5 : nan ? 0 : sum);
            sb_printf(o, " %s rotate by 90 offset 0, %s font ',%g' front%s\n", inf ? "center" : "left",
                      inf ? "0" : "0.4", p->pt, inf ? " boxed" : "");
        } else {
            gp_num(o, inf ? p->ymax * 0.93 : nan ? 0 : sum);
            sb_printf(o, " center offset 0, %s font ',%g' front%s\n", inf ? "0" : nl ? "1.3" : "0.7", p->pt,
                      inf ? " boxed" : "");
        }
    }
    sb_puts(data, "EOD\n");
    /* A key of the layers, when the panel has one: inside, top right. */
    bool layers_used = false;   /* a key only when it has an entry: an empty one draws a stray box */
    for (int k = 0; k < p->nlayers && p->layer_names[0]; k++)
        for (size_t i = 0; i < n; i++) layers_used |= p->v[k][i] > 0;
    sb_puts(o, layers_used ? "    set key inside top right Left reverse samplen 1.5 spacing 1 font ',10' "
                             "opaque box linecolor rgb '#cccccc'\n"
                           : "    unset key\n");
    sb_puts(o, "    plot ");
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        bool inf = false;
        for (int k = 0; k < p->nlayers; k++) inf |= p->v[k][i] == INFINITY;
        for (int k = p->nlayers - 1; k >= 0; k--) {
            int pat = inf ? 4 : stack_patterns[k];
            sb_puts(o, any ? ", \\\n         " : "");
            any = true;
            sb_printf(o, "$panel%d every ::%zu::%zu using 1:%d:(0.7) with boxes linetype %d dashtype 1", no, i, i,
                      2 + k, chart_style(rf, i));
            if (pat) sb_printf(o, " fillstyle pattern %d border", pat);
            sb_puts(o, " notitle");
            if (inf) break;
        }
    }
    if (!any) sb_puts(o, "-1 notitle");
    if (*p->extra) sb_printf(o, ", \\\n         %s", p->extra);
    for (int k = 0; k < p->nlayers && p->layer_names[0]; k++) {
        bool used = false;
        for (size_t i = 0; i < n; i++) used |= p->v[k][i] > 0;
        if (!used) continue;
        sb_printf(o, ", \\\n         keyentry with boxes linecolor rgb '#555555' fillstyle %s%d border title ",
                  stack_patterns[k] ? "pattern " : "solid 0.", stack_patterns[k] ? stack_patterns[k] : 85);
        gp_quote(o, p->layer_names[k]);
    }
    sb_puts(o, "\n    unset label\n\n");
}

/* The largest finite total of a panel's labels. */
static double panel_max(const panel *p, size_t n)
{
    double most = 0;
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (int k = 0; k < p->nlayers; k++) sum += isfinite(p->v[k][i]) ? p->v[k][i] : 0;
        if (sum > most) most = sum;
    }
    return most;
}

/* A count in at most four characters, for the crowded bars: "812", "2.25k". */
static void fmt_shorter(char *buf, size_t n, double v)
{
    if (!isfinite(v) || v < 1000) report_fmt_count(buf, n, v);
    else if (v < 1e6) snprintf(buf, n, "%.3gk", v / 1e3);
    else snprintf(buf, n, "%.3gM", v / 1e6);
}

/* A latency panel's unit: the one its largest value reads best in. */
static double latency_scale(double most, const char **unit)
{
    *unit = "s";
    if (most > 0 && most < 1e-3) { *unit = "\u00b5s"; return 1e6; }
    if (most > 0 && most < 1) { *unit = "ms"; return 1e3; }
    return 1;
}

/* Widest line of a value's text, in pixels at pt. */
static double value_width(const char *text, double pt)
{
    const char *nl = strchr(text, '\n');
    if (!nl) return chart_text_width(text, pt);
    char first[160];
    snprintf(first, sizeof first, "%.*s", (int)(nl - text), text);
    return fmax(chart_text_width(first, pt), chart_text_width(nl + 1, pt));
}

static void comparison_layout(panel *p, size_t n, double panel_w, double panel_h)
{
    double slot = panel_w / ((double)n + 0.2), widest = 0;
    for (size_t i = 0; i < n; i++) widest = fmax(widest, value_width(p->text[i], p->pt));
    p->vertical = widest + 4 > slot;   /* 4 pixels between neighbours at least */
    if (!p->vertical) return;
    /* upwards, a line of text must fit its slot; and the panel must have room
     * above the highest bar for the longest text */
    if (p->pt * 1.25 + 4 > slot) p->pt = fmax(7, (slot - 4) / 1.25);
    double longest = 0, top = 0;
    for (size_t i = 0; i < n; i++) {
        char one[200];
        snprintf(one, sizeof one, "%s", p->text[i]);
        for (char *q = one; *q; q++)
            if (*q == '\n') *q = '/';   /* "a / b": about as wide */
        longest = fmax(longest, chart_text_width(one, p->pt) + (strchr(p->text[i], '\n') ? 2 * p->pt : 0));
    }
    double most = 0;
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (int k = 0; k < p->nlayers; k++) sum += isfinite(p->v[k][i]) ? p->v[k][i] : 0;
        most = fmax(most, sum);
    }
    double f = fmin((longest + 0.6 * p->pt) / panel_h, 0.7);
    top = most / (1 - f);
    if (top > p->ymax) p->ymax = chart_nice_ceil(top);
}

int chart_comparison(chart_ctx *cx)
{
    const run_folder *rf = cx->rf;
    chart c = { 0 };
    size_t n = rf->nlabels;
    enum { P_FAILED, P_SLO, P_THIRD, P_P99ALL, P_DBQ, P_ATT, NP };
    panel pn[NP];
    memset(pn, 0, sizeof pn);
    int rc = -1;
    bool with_rec = false;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < rf->labels[i].nrec; k++) with_rec |= rf->labels[i].rec[k].judged;
    /* The layers each panel stacks. */
    int layers[NP] = { FAIL_N, 1, 1, 1, 1, 2 };
    for (int p = 0; p < NP; p++) {
        pn[p].nlayers = layers[p];
        for (int k = 0; k < layers[p]; k++)
            if (!(pn[p].v[k] = calloc(n + 1, sizeof(double)))) goto oom;
        if (!(pn[p].text = calloc(n + 1, sizeof(char *)))) goto oom;
    }
    double tnines = isfinite(rf->slo_target) ? -log10(1 - rf->slo_target) : 3, top_nines = tnines + 1;
    double most_all = 0, most_ans = 0;
    for (size_t i = 0; i < n; i++) {
        double g = run_value(rf, i, "good_ratio");
        if (g < 1 && -log10(1 - g) + 0.5 > top_nines) top_nines = -log10(1 - g) + 0.5;
        double pa = run_value(rf, i, "p99_all"), pq = run_value(rf, i, "p99");
        if (isfinite(pa) && pa > most_all) most_all = pa;
        if (isfinite(pq) && pq > most_ans) most_ans = pq;
    }
    top_nines = ceil(top_nines);
    const char *ua, *uq;
    double sa = latency_scale(most_all, &ua), sq = latency_scale(most_ans, &uq);
    for (size_t i = 0; i < n; i++) {
        char a[64], b[64], t[160];
        /* Failed requests, in %, stacked by how they ended. */
        double fr = run_value(rf, i, "failed_ratio");
        for (int k = 0; k < FAIL_N; k++) {
            char col[64];
            snprintf(col, sizeof col, "failed_by_%s", vocab_failure_names[k]);
            double v = run_value(rf, i, col), req = run_value(rf, i, "requests");
            pn[P_FAILED].v[k][i] = req > 0 ? 100 * v / req : NAN;
        }
        if (isnan(fr)) for (int k = 0; k < FAIL_N; k++) pn[P_FAILED].v[k][i] = NAN;
        report_fmt_pct(a, sizeof a, fr);
        if (!(pn[P_FAILED].text[i] = strdup(a))) goto oom;
        /* SLO attainment on a scale of nines. */
        double g = run_value(rf, i, "good_ratio");
        pn[P_SLO].v[0][i] = isnan(g) ? NAN : g >= 1 ? top_nines : -log10(1 - g);
        report_fmt_pct(a, sizeof a, g);
        if (!(pn[P_SLO].text[i] = strdup(a))) goto oom;
        /* Recovery (with triggers), else p99 of answered requests. */
        if (with_rec) {
            double r = run_value(rf, i, "recovery_time");
            pn[P_THIRD].v[0][i] = r;
            if (r == INFINITY) snprintf(a, sizeof a, "%s", run_value(rf, i, "metastable") > 0 ? "never" : "not by end");
            else report_fmt_seconds(a, sizeof a, r);
        } else {
            double q = run_value(rf, i, "p99");
            pn[P_THIRD].v[0][i] = q * sq;
            report_fmt_seconds(a, sizeof a, q);
        }
        if (!(pn[P_THIRD].text[i] = strdup(a))) goto oom;
        double pa = run_value(rf, i, "p99_all");
        pn[P_P99ALL].v[0][i] = pa == INFINITY ? pa : pa * sa;
        if (pa == INFINITY) snprintf(a, sizeof a, "failed");
        else report_fmt_seconds(a, sizeof a, pa);
        if (!(pn[P_P99ALL].text[i] = strdup(a))) goto oom;
        double q = run_value(rf, i, "db_queries");
        pn[P_DBQ].v[0][i] = q;
        report_fmt_count(a, sizeof a, q);
        if (!(pn[P_DBQ].text[i] = strdup(a))) goto oom;
        double to = run_value(rf, i, "timeouts"), er = run_value(rf, i, "errors");
        pn[P_ATT].v[0][i] = to;
        pn[P_ATT].v[1][i] = er;
        fmt_shorter(a, sizeof a, to);
        fmt_shorter(b, sizeof b, er);
        snprintf(t, sizeof t, "%s\n%s", a, b);   /* two lines: timeouts over errors */
        if (!(pn[P_ATT].text[i] = strdup(t))) goto oom;
    }
    /* Titles, ranges, and the lines drawn over the bars. */
    strbuf w = { 0 };
    snprintf(pn[P_FAILED].title, sizeof pn[P_FAILED].title, "requests that failed (%%)");
    sb_free(&w);
    for (int k = 0; k < FAIL_N && k < MAXSTACK; k++) pn[P_FAILED].layer_names[k] = vocab_failure_words[k];
    pn[P_FAILED].ymax = chart_nice_ceil(panel_max(&pn[P_FAILED], n) * 1.6);   /* room for the key */
    if (pn[P_FAILED].ymax > 100) pn[P_FAILED].ymax = 100;
    pn[P_FAILED].count_tics = false;
    char tgt[64], lat[64];
    report_fmt_pct(tgt, sizeof tgt, isfinite(rf->slo_target) ? rf->slo_target : 0.999);
    if (isfinite(rf->slo_latency)) {
        report_fmt_seconds(lat, sizeof lat, rf->slo_latency);
        snprintf(pn[P_SLO].title, sizeof pn[P_SLO].title, "SLO: answered within %s (target %s)", lat, tgt);
    } else {
        snprintf(pn[P_SLO].title, sizeof pn[P_SLO].title, "SLO: requests answered (target %s)", tgt);
    }
    pn[P_SLO].ymax = top_nines;
    {
        strbuf y = { 0 };
        sb_puts(&y, "set ytics (");
        for (int k = 0; k <= (int)top_nines; k++) {
            char num[32];
            snprintf(num, sizeof num, "%.*f", k > 2 ? k - 2 : 0, 100 - pow(10, 2 - k));
            sb_printf(&y, "%s'%s%%%%' %d", k ? ", " : "", k ? num : "0", k);   /* a tic label is a format */
        }
        sb_puts(&y, ")");
        snprintf(pn[P_SLO].ytics, sizeof pn[P_SLO].ytics, "%s", y.s ? y.s : "");
        sb_free(&y);
    }
    snprintf(pn[P_SLO].extra, sizeof pn[P_SLO].extra, "%.10g with lines linecolor rgb '#333333' dashtype 2 "
             "linewidth 1.5 notitle", tnines);
    if (with_rec) {
        snprintf(pn[P_THIRD].title, sizeof pn[P_THIRD].title, "recovery time, the longest after a trigger (s)");
        double most = panel_max(&pn[P_THIRD], n);
        pn[P_THIRD].ymax = chart_nice_ceil((most > 0 ? most : 1) * 1.15);
    } else {
        snprintf(pn[P_THIRD].title, sizeof pn[P_THIRD].title, "p99 latency of answered requests (%s)", uq);
        pn[P_THIRD].ymax = chart_nice_ceil(panel_max(&pn[P_THIRD], n) * 1.15);
    }
    snprintf(pn[P_P99ALL].title, sizeof pn[P_P99ALL].title, "p99 latency of all requests (%s)", ua);
    pn[P_P99ALL].ymax = chart_nice_ceil(panel_max(&pn[P_P99ALL], n) * 1.15);
    snprintf(pn[P_DBQ].title, sizeof pn[P_DBQ].title, "DB queries issued");
    pn[P_DBQ].ymax = chart_nice_ceil(panel_max(&pn[P_DBQ], n) * 1.15);
    pn[P_DBQ].count_tics = true;
    snprintf(pn[P_ATT].title, sizeof pn[P_ATT].title, "attempts: timeouts (solid) / errors (hatched)");
    pn[P_ATT].ymax = chart_nice_ceil(panel_max(&pn[P_ATT], n) * 1.3);
    pn[P_ATT].count_tics = true;

    strbuf *xt = chart_sub(&c, "XTICS"), *panels = chart_sub(&c, "PANELS");
    sb_puts(xt, "set xtics (");
    for (size_t i = 0; i < n; i++) {
        sb_puts(xt, i ? ", " : "");
        gp_tic(xt, rf->labels[i].label);   /* a tic label is a format too */
        sb_printf(xt, " %zu", i + 1);
    }
    sb_puts(xt, ")");
    /* Many or long labels: slanted names, more room under each row, smaller
     * values.  A panel is a third of the width: about 36 characters. */
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) chars += strlen(rf->labels[i].label) + 2;
    bool many = n > 4 || chars > 36;
    /* slanted names of neighbouring bars keep apart when the slot times the
     * sine of the angle is more than a line: 45 degrees from seven bars */
    if (many) sb_puts(xt, n > 6 ? " rotate by 45 right font ',11'" : " rotate by 30 right");
    sb_puts(chart_sub(&c, "MARGINS"), many ? "0.07, 0.98, 0.15, 0.87" : "0.07, 0.98, 0.08, 0.87");
    sb_puts(chart_sub(&c, "SPACING"), many ? "0.07, 0.22" : "0.07, 0.14");
    sb_puts(chart_sub(&c, "VALUE_FONT"), many ? "',10'" : "',12'");
    /* The values over the bars: side by side when the widest fits its bar's
     * slot, else upwards, with room for them under the panel's top. */
    double panel_w = CHART_W * (0.98 - 0.07 - 2 * 0.07) / 3;
    double panel_h = CHART_H * ((0.87 - (many ? 0.15 : 0.08)) - (many ? 0.22 : 0.14)) / 2;
    for (int p = 0; p < NP; p++) {
        pn[p].pt = many ? 10 : 12;
        comparison_layout(&pn[p], n, panel_w, panel_h);
    }
    sb_printf(chart_sub(&c, "N"), "%zu", n);
    chart_title(chart_sub(&c, "TITLE"), rf, "strategies compared, failures first");
    for (int p = 0; p < NP; p++) gen_panel(panels, chart_sub(&c, "DATA"), rf, &pn[p], p + 1);
    rc = chart_draw(cx, &c, "comparison", "Strategies compared",
                    with_rec
                        ? "Per strategy, in the order a review asks: the share of requests that failed (by how they "
                          "ended), SLO attainment on a scale of nines against the target (dashed), the longest "
                          "recovery time after a trigger (hatched to the top: never back to normal), the p99 latency "
                          "of all requests (hatched: failed, more than 1% failed), DB queries issued, and attempts "
                          "that timed out or failed with an error (retries included). Counted requests only (after "
                          "the warmup)."
                        : "Per strategy, in the order a review asks: the share of requests that failed (by how they "
                          "ended), SLO attainment on a scale of nines against the target (dashed), the p99 latency of "
                          "answered requests and of all requests (hatched: failed, more than 1% failed), DB queries "
                          "issued, and attempts that timed out or failed with an error (retries included). Counted "
                          "requests only (after the warmup).");
    goto done;
oom:
    snprintf(cx->err, cx->errlen, "out of memory");
    chart_free(&c);
done:
    for (int p = 0; p < NP; p++) {
        for (int k = 0; k < MAXSTACK; k++) free(pn[p].v[k]);
        for (size_t i = 0; i < n && pn[p].text; i++) free(pn[p].text[i]);
        free(pn[p].text);
    }
    return rc;
}
