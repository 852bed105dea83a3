/* report.c - writes report.html for a results folder: the scenario, a sentence
 * per strategy against the `none` baseline, the comparison table and the charts.
 * The page is XHTML-style (well-formed XML), with inline CSS, no scripts and no
 * date in it, so the same folder always gives the same bytes. */
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- numbers */

void report_fmt_count(char *buf, size_t n, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "n/a");
        return;
    }
    if (v != floor(v) || fabs(v) >= 1e18) {
        snprintf(buf, n, "%.3g", v);
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t len = strlen(digits), o = 0;
    char out[48];
    if (v < 0) out[o++] = '-';
    for (size_t i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = 0;
    snprintf(buf, n, "%s", out);
}

/* Three significant digits, no exponent, trailing zeros kept ("4.20"). */
static void sig3(char *buf, size_t n, double v, const char *unit)
{
    int dec = v >= 100 ? 0 : v >= 10 ? 1 : 2;
    snprintf(buf, n, "%.*f %s", dec, v, unit);
}

void report_fmt_seconds(char *buf, size_t n, double s)
{
    if (!isfinite(s)) snprintf(buf, n, "n/a");
    else if (s == 0) snprintf(buf, n, "0 s");
    else if (s < 1e-6) sig3(buf, n, s * 1e9, "ns");
    else if (s < 1e-3) sig3(buf, n, s * 1e6, "\u00b5s");
    else if (s < 1) sig3(buf, n, s * 1e3, "ms");
    else sig3(buf, n, s, "s");
    /* 999.6 ms rounds to "1000 ms": say "1.00 s" instead. */
    if (isfinite(s) && s > 0 && strncmp(buf, "1000 ", 5) == 0) {
        if (s < 1e-6) snprintf(buf, n, "1.00 \u00b5s");
        else if (s < 1e-3) snprintf(buf, n, "1.00 ms");
        else if (s < 1) snprintf(buf, n, "1.00 s");
    }
}

/* A fraction as a percentage that is never rounded to 0% or 100% when it is
 * neither ("99.99%", "0.52%"). */
static void fmt_pct(char *buf, size_t n, double x)
{
    if (!isfinite(x)) {
        snprintf(buf, n, "n/a");
        return;
    }
    double p = 100 * x;
    for (int dec = p >= 1 || p == 0 ? 1 : 2; dec <= 6; dec++) {
        snprintf(buf, n, "%.*f%%", dec, p);
        double back = strtod(buf, NULL);
        if ((back == 100) == (p == 100) && (back == 0) == (p == 0)) break;
    }
}

/* ---------------------------------------------------------------- HTML */

static void esc(strbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sb_puts(b, "&amp;"); break;
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        case '\'': sb_puts(b, "&#39;"); break;
        default: sb_putn(b, s, 1);
        }
    }
}

/* A relative link: percent-encodes what a URL path cannot hold, then escapes
 * it for an attribute. */
static void url(strbuf *b, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
            sb_putn(b, (const char *)p, 1);
        else sb_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

static const char *const css =
    "body { font-family: 'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif; color: #1a1a1a; max-width: 1320px;\n"
    "       margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }\n"
    "h1 { margin-bottom: 0.2em; }\n"
    "h2 { margin-top: 2em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; }\n"
    "p.lead { font-size: 1.15em; margin-top: 0; }\n"
    ".muted { color: #666; font-size: 0.92em; }\n"
    "nav a { margin-right: 1.2em; }\n"
    "ul.findings li { margin: 0.35em 0; }\n"
    ".scroll { overflow-x: auto; }\n"
    "table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }\n"
    "th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #e2e2e2; text-align: right; white-space: nowrap; }\n"
    "th { background: #f4f4f4; vertical-align: bottom; }\n"
    "th.l, td.l { text-align: left; }\n"
    "td.wrap { white-space: normal; }\n"
    "tr.base td { background: #fafafa; }\n"
    "figure { margin: 1.5em 0 2.5em 0; }\n"
    "figure img { width: 100%; height: auto; border: 1px solid #eee; }\n"
    "figcaption { color: #444; margin-top: 0.4em; }\n"
    "code { font-size: 0.95em; }\n";

/* ---------------------------------------------------------------- findings */

static double val(const run_folder *rf, size_t i, const char *col) { return run_value(rf, i, col); }

/* One sentence: label i against the baseline b, or on its own when b is
 * nlabels (no `none` in the run) or i itself. */
static void finding(strbuf *h, const run_folder *rf, size_t i, size_t b)
{
    const char *name = rf->labels[i].label;
    double q = val(rf, i, "db_queries"), p = val(rf, i, "p99"), pk = val(rf, i, "peak_db_inflight");
    double to = val(rf, i, "timeouts"), er = val(rf, i, "errors"), st = val(rf, i, "stale");
    char a[64], c[64], d[64];
    sb_puts(h, "<li><strong>");
    esc(h, name);
    sb_puts(h, "</strong>");
    if (b == rf->nlabels || b == i) {
        sb_puts(h, b == i ? " (the baseline, no protection): " : ": ");
        report_fmt_count(a, sizeof a, q);
        sb_printf(h, "%s DB queries, ", a);
        report_fmt_count(a, sizeof a, pk);
        sb_printf(h, "at most %s in flight, ", a);
        report_fmt_seconds(a, sizeof a, p);
        sb_printf(h, "p99 %s, ", a);
        report_fmt_count(a, sizeof a, to);
        report_fmt_count(c, sizeof c, er);
        sb_printf(h, "%s timeout%s, %s error%s", a, to == 1 ? "" : "s", c, er == 1 ? "" : "s");
        if (st > 0) {
            report_fmt_count(a, sizeof a, st);
            sb_printf(h, ", %s stale answers", a);
        }
        sb_puts(h, ".</li>\n");
        return;
    }
    const char *base = rf->labels[b].label;
    double qb = val(rf, b, "db_queries"), pb = val(rf, b, "p99"), pkb = val(rf, b, "peak_db_inflight");
    double tob = val(rf, b, "timeouts"), erb = val(rf, b, "errors");
    sb_puts(h, ": ");
    report_fmt_count(a, sizeof a, q);
    report_fmt_count(c, sizeof c, qb);
    if (qb > 0 && q < qb) {
        fmt_pct(d, sizeof d, 1 - q / qb);
        sb_printf(h, "%s fewer DB queries than ", d);
    } else if (qb > 0 && q > qb && q < 2 * qb) {
        fmt_pct(d, sizeof d, q / qb - 1);
        sb_printf(h, "%s more DB queries than ", d);
    } else if (qb > 0 && q >= 2 * qb) {
        sb_printf(h, "%.3g\u00d7 the DB queries of ", q / qb);
    } else if (q == qb) {
        sb_puts(h, "as many DB queries as ");
    } else {
        sb_puts(h, "DB queries against ");
    }
    esc(h, base);
    sb_printf(h, " (%s vs %s), ", a, c);
    report_fmt_seconds(a, sizeof a, p);
    report_fmt_seconds(c, sizeof c, pb);
    if (isfinite(p) && pb > 0) {
        double r = p / pb;
        if (r < 1) {
            fmt_pct(d, sizeof d, r);
            sb_printf(h, "p99 %s of ", d);
        } else if (r == 1) {
            sb_puts(h, "the same p99 as ");
        } else {
            sb_printf(h, "p99 %.3g\u00d7 ", r);
        }
        esc(h, base);
        sb_printf(h, "&#8217;s (%s vs %s), ", a, c);
    } else {
        sb_printf(h, "p99 %s (", a);
        esc(h, base);
        sb_printf(h, ": %s), ", c);
    }
    report_fmt_count(a, sizeof a, pk);
    report_fmt_count(c, sizeof c, pkb);
    sb_printf(h, "at most %s quer%s in flight vs %s, ", a, pk == 1 ? "y" : "ies", c);
    report_fmt_count(a, sizeof a, to);
    report_fmt_count(c, sizeof c, tob);
    sb_printf(h, "%s timeout%s vs %s", a, to == 1 ? "" : "s", c);
    if (er > 0 || erb > 0) {
        report_fmt_count(a, sizeof a, er);
        report_fmt_count(c, sizeof c, erb);
        sb_printf(h, ", %s error%s vs %s", a, er == 1 ? "" : "s", c);
    }
    if (st > 0) {
        report_fmt_count(a, sizeof a, st);
        sb_printf(h, "; %s stale answer%s", a, st == 1 ? "" : "s");
    }
    sb_puts(h, ".</li>\n");
}

/* ---------------------------------------------------------------- the comparison table */

enum cell_kind { K_COUNT, K_PCT, K_SEC, K_RATIO, K_NUM };

static const struct column {
    const char *head, *col;
    enum cell_kind kind;
} table_cols[] = {
    { "requests", "requests", K_COUNT },
    { "hit ratio", "hit_ratio", K_PCT },
    { "DB queries", "db_queries", K_COUNT },
    { "DB queries vs none", "db_queries_vs_none", K_RATIO },
    { "peak DB in flight", "peak_db_inflight", K_COUNT },
    { "peak DB queue", "peak_db_queue", K_COUNT },
    { "DB wasted", "db_wasted", K_COUNT },
    { "DB rejected", "db_rejected", K_COUNT },
    { "stampedes", "stampedes", K_COUNT },
    { "mean size", "stampede_mean", K_NUM },
    { "max size", "stampede_max", K_COUNT },
    { "p50", "p50", K_SEC },
    { "p99", "p99", K_SEC },
    { "p999", "p999", K_SEC },
    { "max", "latency_max", K_SEC },
    { "p99 vs none", "p99_vs_none", K_RATIO },
    { "timeouts", "timeouts", K_COUNT },
    { "errors", "errors", K_COUNT },
    { "stale", "stale", K_COUNT },
    { "waited", "waited", K_COUNT },
};

static void cell(strbuf *h, double v, enum cell_kind k)
{
    char buf[64];
    switch (k) {
    case K_COUNT: report_fmt_count(buf, sizeof buf, v); break;
    case K_PCT: fmt_pct(buf, sizeof buf, v); break;
    case K_SEC: report_fmt_seconds(buf, sizeof buf, v); break;
    case K_RATIO:
        if (!isfinite(v)) snprintf(buf, sizeof buf, "n/a");
        else if (v == 0) snprintf(buf, sizeof buf, "0");
        else if (v < 0.01) snprintf(buf, sizeof buf, "%.2g\u00d7", v);
        else snprintf(buf, sizeof buf, "%.3g\u00d7", v);
        break;
    case K_NUM:
        if (!isfinite(v)) snprintf(buf, sizeof buf, "n/a");
        else snprintf(buf, sizeof buf, "%.3g", v);
        break;
    }
    sb_puts(h, "<td>");
    esc(h, buf);
    sb_puts(h, "</td>");
}

static void comparison_table(strbuf *h, const run_folder *rf)
{
    bool base = rf->baseline < rf->nlabels;
    sb_puts(h, "<div class=\"scroll\"><table>\n<tr><th class=\"l\">label</th><th class=\"l\">strategy</th>");
    for (size_t c = 0; c < sizeof table_cols / sizeof *table_cols; c++) {
        if (!base && table_cols[c].kind == K_RATIO) continue;
        sb_puts(h, "<th>");
        esc(h, table_cols[c].head);
        sb_puts(h, "</th>");
    }
    sb_puts(h, "</tr>\n");
    for (size_t i = 0; i < rf->nlabels; i++) {
        sb_puts(h, i == rf->baseline ? "<tr class=\"base\"><td class=\"l\">" : "<tr><td class=\"l\">");
        esc(h, rf->labels[i].label);
        sb_puts(h, "</td><td class=\"l\">");
        esc(h, rf->labels[i].strategy);
        sb_puts(h, "</td>");
        for (size_t c = 0; c < sizeof table_cols / sizeof *table_cols; c++) {
            if (!base && table_cols[c].kind == K_RATIO) continue;
            cell(h, val(rf, i, table_cols[c].col), table_cols[c].kind);
        }
        sb_puts(h, "</tr>\n");
    }
    sb_puts(h, "</table></div>\n");
}

/* ---------------------------------------------------------------- the page */

static void chart_figure(strbuf *h, const chartset *cs, const chart_entry *ce)
{
    static const unsigned order[] = { PLOT_SVG, PLOT_PNG, PLOT_PDF };
    unsigned shown = cs->formats & PLOT_SVG ? PLOT_SVG : cs->formats & PLOT_PNG ? PLOT_PNG : 0;
    char file[512];
    sb_puts(h, "<figure id=\"chart-");
    url(h, ce->name);
    sb_puts(h, "\">\n<h3>");
    esc(h, ce->title);
    sb_puts(h, "</h3>\n");
    if (shown) {
        snprintf(file, sizeof file, "charts/%s.%s", ce->name, plot_format_ext(shown));
        sb_puts(h, "<img src=\"");
        url(h, file);
        sb_puts(h, "\" alt=\"");
        esc(h, ce->title);
        sb_puts(h, "\"/>\n");
    }
    sb_puts(h, "<figcaption>");
    esc(h, ce->caption);
    sb_puts(h, " <span class=\"muted\">Files:");
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        if (!(cs->formats & order[k])) continue;
        snprintf(file, sizeof file, "charts/%s.%s", ce->name, plot_format_ext(order[k]));
        sb_puts(h, " <a href=\"");
        url(h, file);
        sb_printf(h, "\">%s</a>", plot_format_ext(order[k]));
    }
    snprintf(file, sizeof file, "charts/%s.gp", ce->name);
    sb_puts(h, " <a href=\"");
    url(h, file);
    sb_puts(h, "\">gnuplot script</a></span></figcaption>\n</figure>\n");
}

static void scenario_section(strbuf *h, const run_folder *rf)
{
    sb_puts(h, "<h2 id=\"scenario\">Scenario</h2>\n");
    if (!rf->have_scenario) {
        sb_puts(h, "<p>This results folder has no <code>scenario.json</code> (an earlier stampede wrote it), so the "
                   "scenario&#8217;s parameters are not shown and the charts mark no faults or bursts.</p>\n");
    } else {
        sb_puts(h, "<p class=\"muted\">The effective scenario: the file as run, with every <code>--set</code> "
                   "override applied (<a href=\"scenario.json\">scenario.json</a>). Fields it leaves out take their "
                   "defaults. Durations are as written; bare numbers are seconds.</p>\n");
        sb_puts(h, "<table>\n<tr><th class=\"l\">field</th><th class=\"l\">value</th></tr>\n");
        for (size_t k = 0; k < rf->nparams; k++) {
            sb_puts(h, "<tr><td class=\"l\"><code>");
            esc(h, rf->param_key[k]);
            sb_puts(h, "</code></td><td class=\"l wrap\">");
            esc(h, rf->param_val[k]);
            sb_puts(h, "</td></tr>\n");
        }
        sb_puts(h, "</table>\n");
    }
    sb_puts(h, "<h3>Strategies as run</h3>\n<p class=\"muted\">Every parameter, defaults included, from each "
               "label&#8217;s <code>summary.json</code>; durations in seconds.</p>\n");
    sb_puts(h, "<table>\n<tr><th class=\"l\">label</th><th class=\"l\">strategy</th><th class=\"l\">parameters</th>"
               "<th class=\"l\">files</th></tr>\n");
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        sb_puts(h, "<tr><td class=\"l\">");
        esc(h, L->label);
        sb_puts(h, "</td><td class=\"l\">");
        esc(h, L->strategy);
        sb_puts(h, "</td><td class=\"l wrap\">");
        esc(h, *L->params ? L->params : "(none)");
        sb_puts(h, "</td><td class=\"l\">");
        static const char *const files[] = { "summary.json", "timeseries.csv", "latency_hist.csv",
                                             "stampede_sizes.csv" };
        for (size_t f = 0; f < 4; f++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", L->label, files[f]);
            sb_puts(h, f ? " <a href=\"" : "<a href=\"");
            url(h, path);
            sb_puts(h, "\">");
            esc(h, files[f]);
            sb_puts(h, "</a>");
        }
        sb_puts(h, "</td></tr>\n");
    }
    sb_puts(h, "</table>\n");
}

int report_write_run(const run_folder *rf, const chartset *cs, char *err, size_t errlen)
{
    strbuf h = { 0 };
    sb_puts(&h, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                "<meta charset=\"utf-8\"/>\n<title>");
    esc(&h, rf->name);
    sb_puts(&h, " \u2014 stampede report</title>\n<style>\n");
    sb_puts(&h, css);
    sb_puts(&h, "</style>\n</head>\n<body>\n<h1>");
    esc(&h, rf->name);
    sb_puts(&h, "</h1>\n");
    if (rf->description && *rf->description) {
        sb_puts(&h, "<p class=\"lead\">");
        esc(&h, rf->description);
        sb_puts(&h, "</p>\n");
    }
    sb_puts(&h, "<p class=\"muted\">");
    sb_printf(&h, "%zu strateg%s", rf->nlabels, rf->nlabels == 1 ? "y" : "ies");
    if (isfinite(rf->seed)) sb_printf(&h, ", seed %.0f", rf->seed);
    if (rf->version) {
        sb_puts(&h, ", simulated by stampede ");
        esc(&h, rf->version);
    }
    sb_puts(&h, ". Counts and latencies cover the requests that arrived after the warmup; latency is from a "
                "request&#8217;s first attempt to its answer, for requests answered with a value.</p>\n");
    sb_puts(&h, "<nav><a href=\"#findings\">Findings</a><a href=\"#comparison\">Comparison</a>"
                "<a href=\"#charts\">Charts</a><a href=\"#scenario\">Scenario</a></nav>\n");

    sb_puts(&h, "<h2 id=\"findings\">Findings</h2>\n");
    if (rf->baseline < rf->nlabels) {
        sb_puts(&h, "<p>Each strategy against <strong>");
        esc(&h, rf->labels[rf->baseline].label);
        sb_puts(&h, "</strong>, the same traffic with no protection:</p>\n");
    } else {
        sb_puts(&h, "<p>This run has no unprotected baseline (strategy <code>none</code>), so each strategy&#8217;s "
                    "own numbers:</p>\n");
    }
    sb_puts(&h, "<ul class=\"findings\">\n");
    if (rf->baseline < rf->nlabels) finding(&h, rf, rf->baseline, rf->baseline);
    for (size_t i = 0; i < rf->nlabels; i++)
        if (i != rf->baseline) finding(&h, rf, i, rf->baseline);
    sb_puts(&h, "</ul>\n");

    sb_puts(&h, "<h2 id=\"comparison\">Comparison</h2>\n");
    comparison_table(&h, rf);
    sb_puts(&h, "<p class=\"muted\">Ratios are against the first <code>none</code> label. Timeouts, errors, stale "
                "and waited count attempts (retries included). The same numbers, unrounded: "
                "<a href=\"comparison.csv\">comparison.csv</a>.</p>\n");

    sb_puts(&h, "<h2 id=\"charts\">Charts</h2>\n<p class=\"muted\">Each chart&#8217;s gnuplot script is beside it "
                "in <code>charts/</code>: edit it and run <code>gnuplot NAME.gp</code> in that folder to restyle "
                "the chart.</p>\n");
    for (size_t k = 0; k < cs->ncharts; k++) chart_figure(&h, cs, &cs->charts[k]);

    scenario_section(&h, rf);
    sb_puts(&h, "</body>\n</html>\n");
    if (h.oom) {
        sb_free(&h);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = plot_write_file(rf->dir, "report.html", h.s, err, errlen);
    sb_free(&h);
    return rc;
}
