/* report.c - writes report.html for a results folder: the scenario, a sentence
 * per strategy against the `none` baseline, the comparison table and the charts.
 * The page is XHTML-style (well-formed XML), with inline CSS, no scripts and no
 * date in it, so the same folder always gives the same bytes. */
#include "report.h"

#include "model/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreement.h"
#include "reporttext.h"

/* ---------------------------------------------------------------- HTML */

/* Text for the page: markup characters as entities; a control character,
 * which XML does not allow, as a space; a byte that is not UTF-8 as '?'. */

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
    "ol.findings li { margin: 0.45em 0; }\n"
    ".scroll { overflow-x: auto; }\n"
    "#headline th { white-space: normal; max-width: 7em; }\n"
    "details { margin: 0.6em 0; }\n"
    "summary { cursor: pointer; color: #1a4d80; }\n"
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

static const char *plural(double n, const char *one, const char *many) { return n == 1 ? one : many; }

/* A trigger in words: "the cache flush at 60 s", "the DB slowdown at 60–70 s". */
static void trigger_words(strbuf *h, const run_recovery *r)
{
    static const struct { const char *name, *words; } names[] = {
        { "cache_flush", "cache flush" }, { "db_slowdown", "DB slowdown" }, { "burst", "burst" },
        { "cache_outage", "cache outage" }, { "db_outage", "DB outage" }, { "node_crash", "node crash" },
    };
    const char *w = NULL;
    for (size_t k = 0; k < sizeof names / sizeof *names && !w; k++)
        if (!strcmp(names[k].name, r->trigger)) w = names[k].words;
    sb_puts(h, "the ");
    if (w) sb_puts(h, w);
    else
        for (const char *p = r->trigger; *p; p++) sb_putn(h, *p == '_' ? " " : p, 1);
    if (r->end > r->at) sb_printf(h, " at %.6g\u2013%.6g s", r->at, r->end);
    else sb_printf(h, " at %.6g s", r->at);
}

/* How one trigger ended: "back to normal within 4.00 s", "never recovered ...". */
static void recovery_words(strbuf *h, const run_folder *rf, const run_recovery *r)
{
    char a[64];
    if (!r->judged) {
        sb_puts(h, "not judged (no normal traffic before it to compare with)");
    } else if (r->recovered) {
        report_fmt_seconds(a, sizeof a, r->time);
        if (r->time == 0) sb_puts(h, "back to normal from its end");
        else sb_printf(h, "back to normal within %s", a);
    } else if (r->metastable) {
        report_fmt_seconds(a, sizeof a, rf->duration - r->end);
        sb_puts(h, "<strong>never recovered</strong> (metastable: ");
        if (isfinite(rf->duration)) sb_printf(h, "still failing %s after it ended, when the run stopped)", a);
        else sb_puts(h, "still failing when the run stopped)");
    } else {
        sb_puts(h, "not back to normal when the run stopped (it ended too close to the end to tell)");
    }
}

/* The recovery part of a finding: each trigger, or a count when there are many. */
static void recovery_finding(strbuf *h, const run_folder *rf, const run_label *L)
{
    if (!L->nrec) return;
    if (L->nrec <= 3) {
        for (size_t k = 0; k < L->nrec; k++) {
            sb_puts(h, k ? "; after " : "; after ");
            trigger_words(h, &L->rec[k]);
            sb_puts(h, ": ");
            recovery_words(h, rf, &L->rec[k]);
        }
        return;
    }
    size_t judged = 0, back = 0, meta = 0;
    double longest = 0;
    const run_recovery *worst = NULL;
    for (size_t k = 0; k < L->nrec; k++) {
        const run_recovery *r = &L->rec[k];
        if (!r->judged) continue;
        judged++;
        if (r->recovered) {
            back++;
            if (r->time > longest) longest = r->time;
        } else {
            meta += r->metastable;
            if (!worst) worst = r;
        }
    }
    char a[64];
    report_fmt_seconds(a, sizeof a, longest);
    sb_printf(h, "; back to normal after %zu of %zu triggers (the slowest within %s)", back, judged, a);
    if (worst) {
        sb_puts(h, "; after ");
        trigger_words(h, worst);
        sb_puts(h, ": ");
        recovery_words(h, rf, worst);
        if (meta > 1) sb_printf(h, " (%zu metastable in all)", meta);
    }
}

/* One sentence per label, failures first: label i, against the baseline b
 * (or on its own when b is nlabels or i itself). */
static void finding(strbuf *h, const run_folder *rf, size_t i, size_t b)
{
    const run_label *L = &rf->labels[i];
    bool against = b < rf->nlabels && b != i;
    double n = val(rf, i, "requests"), f = val(rf, i, "failed"), fr = val(rf, i, "failed_ratio");
    char a[64], c[64], d[64];
    sb_puts(h, "<li><strong>");
    report_html_escape(h, L->label);
    sb_puts(h, "</strong>");
    if (b == i) sb_puts(h, " (the baseline, no protection)");
    sb_puts(h, ": ");
    /* Do we stay up? */
    report_fmt_count(c, sizeof c, n);
    if (f > 0) {
        report_fmt_pct(a, sizeof a, fr);
        report_fmt_count(d, sizeof d, f);
        sb_printf(h, "<strong>%s of requests failed</strong> (%s of %s: ", a, d, c);
        int k = 0;
        for (int x = 0; x < FAIL_N; x++) {
            char col[64];
            snprintf(col, sizeof col, "failed_by_%s", vocab_failure_names[x]);
            double v = val(rf, i, col);
            if (!(v > 0)) continue;
            report_fmt_count(a, sizeof a, v);
            sb_printf(h, "%s%s %s", k++ ? ", " : "", a, vocab_failure_words[x]);
        }
        sb_puts(h, ")");
    } else if (isfinite(f)) {
        sb_printf(h, "no request failed (%s requests)", c);
    } else {
        sb_puts(h, "failed requests unknown (an older results folder)");
    }
    double g = val(rf, i, "good_ratio"), met = val(rf, i, "slo_met");
    if (isfinite(g) && isfinite(rf->slo_target)) {
        char t[64];
        report_fmt_pct(t, sizeof t, rf->slo_target);
        report_fmt_pct(a, sizeof a, g);
        if (isfinite(rf->slo_latency)) {
            report_fmt_seconds(d, sizeof d, rf->slo_latency);
            sb_printf(h, "; SLO (%s answered within %s): %s good, ", t, d, a);
        } else {
            sb_printf(h, "; SLO (%s answered): %s answered, ", t, a);
        }
        if (met > 0) sb_puts(h, "met");
        else sb_printf(h, "<strong>missed</strong> (error budget spent %.3g\u00d7)", (1 - g) / (1 - rf->slo_target));
    }
    if (L->cut) {
        sb_puts(h, "; <strong>the run was cut at the drain limit</strong>: ");
        report_html_escape(h, L->cut);
        sb_puts(h, " (counted as failed: unfinished)");
    }
    /* How fast do we come back? */
    recovery_finding(h, rf, L);
    /* Latency: of every request first, then of the answered ones. */
    double pa = val(rf, i, "p99_all"), p = val(rf, i, "p99");
    sb_puts(h, ". p99 of all requests: ");
    if (pa == INFINITY) sb_puts(h, "failed (more than 1% of requests failed)");
    else {
        report_fmt_seconds(a, sizeof a, pa);
        sb_puts(h, a);
    }
    report_fmt_seconds(a, sizeof a, p);
    sb_printf(h, "; of answered requests: %s", a);
    if (against) {
        report_fmt_seconds(c, sizeof c, val(rf, b, "p99"));
        sb_puts(h, " (");
        report_html_escape(h, rf->labels[b].label);
        sb_printf(h, ": %s)", c);
    }
    /* What it costs the DB. */
    double q = val(rf, i, "db_queries"), pk = val(rf, i, "peak_db_inflight");
    report_fmt_count(a, sizeof a, q);
    if (against) {
        double qb = val(rf, b, "db_queries");
        report_fmt_count(c, sizeof c, qb);
        sb_puts(h, ". DB: ");
        if (qb > 0 && q < qb) {
            report_fmt_pct(d, sizeof d, 1 - q / qb);
            sb_printf(h, "%s fewer queries than ", d);
        } else if (qb > 0 && q > qb && q < 2 * qb) {
            report_fmt_pct(d, sizeof d, q / qb - 1);
            sb_printf(h, "%s more queries than ", d);
        } else if (qb > 0 && q >= 2 * qb) {
            sb_printf(h, "%.3g\u00d7 the queries of ", q / qb);
        } else if (q == qb) {
            sb_puts(h, "as many queries as ");
        } else {
            sb_puts(h, "queries against ");
        }
        report_html_escape(h, rf->labels[b].label);
        sb_printf(h, " (%s vs %s)", a, c);
        report_fmt_count(a, sizeof a, pk);
        report_fmt_count(c, sizeof c, val(rf, b, "peak_db_inflight"));
        sb_printf(h, ", at most %s in flight vs %s", a, c);
    } else {
        report_fmt_count(c, sizeof c, pk);
        sb_printf(h, ". DB: %s %s, at most %s in flight", a, plural(q, "query", "queries"), c);
    }
    double to = val(rf, i, "timeouts"), er = val(rf, i, "errors"), st = val(rf, i, "stale");
    report_fmt_count(a, sizeof a, to);
    report_fmt_count(c, sizeof c, er);
    sb_printf(h, ". Attempts, retries included: %s %s, %s %s", a, plural(to, "timeout", "timeouts"), c,
              plural(er, "error", "errors"));
    if (st > 0) {
        report_fmt_count(a, sizeof a, st);
        sb_printf(h, ", %s stale %s", a, plural(st, "answer", "answers"));
    }
    sb_puts(h, ".</li>\n");
}

/* The order of the findings: fewest failed requests first, then the highest
 * SLO attainment, the shortest recovery, the lowest p99 of all requests;
 * ties keep the comparison's order. */
static const run_folder *rank_rf;
static double rank_key(size_t i, const char *col, double missing)
{
    double v = val(rank_rf, i, col);
    return isnan(v) ? missing : v;
}
static int rank_cmp(const void *x, const void *y)
{
    size_t i = *(const size_t *)x, j = *(const size_t *)y;
    static const struct { const char *col; int sign; } keys[] = {
        { "failed_ratio", 1 }, { "good_ratio", -1 }, { "recovery_time", 1 }, { "p99_all", 1 },
    };
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        double a = rank_key(i, keys[k].col, keys[k].sign > 0 ? INFINITY : -INFINITY);
        double b = rank_key(j, keys[k].col, keys[k].sign > 0 ? INFINITY : -INFINITY);
        if (a != b) return (a < b ? -1 : 1) * keys[k].sign;
    }
    return i < j ? -1 : i > j;
}

static int findings(strbuf *h, const run_folder *rf)
{
    size_t *order = calloc(rf->nlabels, sizeof *order);
    if (!order) return -1;
    for (size_t i = 0; i < rf->nlabels; i++) order[i] = i;
    rank_rf = rf;
    qsort(order, rf->nlabels, sizeof *order, rank_cmp);
    rank_rf = NULL;
    if (rf->baseline < rf->nlabels) {
        sb_puts(h, "<p>Best first: by the share of requests that failed, then SLO attainment, recovery time and "
                   "the p99 of all requests. Each strategy against <strong>");
        report_html_escape(h, rf->labels[rf->baseline].label);
        sb_puts(h, "</strong>, the same traffic with no protection:</p>\n");
    } else {
        sb_puts(h, "<p>Best first: by the share of requests that failed, then SLO attainment, recovery time and "
                   "the p99 of all requests. This run has no unprotected baseline (strategy <code>none</code>), "
                   "so each strategy&#8217;s own numbers:</p>\n");
    }
    sb_puts(h, "<ol class=\"findings\">\n");
    for (size_t k = 0; k < rf->nlabels; k++) finding(h, rf, order[k], rf->baseline);
    sb_puts(h, "</ol>\n");
    free(order);
    return 0;
}

/* ---------------------------------------------------------------- the comparison table */

enum cell_kind { K_COUNT, K_PCT, K_SEC, K_RATIO, K_NUM, K_RECOVERY };

/* The headline table: how requests ended first, then latency of answered
 * requests, the DB, and attempts last.  A column shown only when the run
 * has what it measures names it in `only`. */
static const struct column {
    const char *head, *col;
    enum cell_kind kind;
    const char *only;   /* "slo": with an SLO latency; "recovery": with a trigger */
    bool headline;      /* in the table that fits a 1280-pixel page; every column is in the full one */
} table_cols[] = {
    { "requests", "requests", K_COUNT, NULL, false },
    { "failed", "failed", K_COUNT, NULL, false },
    { "failed %", "failed_ratio", K_PCT, NULL, true },
    { "good % (SLO)", "good_ratio", K_PCT, "slo", true },
    { "p99, all requests", "p99_all", K_SEC, NULL, true },
    { "recovery", "recovery_time", K_RECOVERY, "recovery", true },
    { "p50, answered", "p50", K_SEC, NULL, false },
    { "p99, answered", "p99", K_SEC, NULL, true },
    { "p999, answered", "p999", K_SEC, NULL, false },
    { "max, answered", "latency_max", K_SEC, NULL, false },
    { "p99 answered vs none", "p99_vs_none", K_RATIO, NULL, false },
    { "DB queries", "db_queries", K_COUNT, NULL, true },
    { "DB queries vs none", "db_queries_vs_none", K_RATIO, NULL, false },
    { "peak DB in flight", "peak_db_inflight", K_COUNT, NULL, true },
    { "peak DB queue", "peak_db_queue", K_COUNT, NULL, false },
    { "DB wasted", "db_wasted", K_COUNT, NULL, false },
    { "DB rejected", "db_rejected", K_COUNT, NULL, false },
    { "stampedes", "stampedes", K_COUNT, NULL, false },
    { "mean size", "stampede_mean", K_NUM, NULL, false },
    { "max size", "stampede_max", K_COUNT, NULL, false },
    { "hit ratio (lookups)", "hit_ratio", K_PCT, NULL, false },
    { "timeouts (attempts)", "timeouts", K_COUNT, NULL, true },
    { "errors (attempts)", "errors", K_COUNT, NULL, true },
    { "stale (attempts)", "stale", K_COUNT, NULL, false },
    { "waited (attempts)", "waited", K_COUNT, NULL, false },
};

static void cell(strbuf *h, const run_folder *rf, size_t i, double v, enum cell_kind k)
{
    char buf[64];
    switch (k) {
    case K_COUNT: report_fmt_count(buf, sizeof buf, v); break;
    case K_PCT: report_fmt_pct(buf, sizeof buf, v); break;
    case K_SEC:
        if (v == INFINITY) snprintf(buf, sizeof buf, "failed");
        else report_fmt_seconds(buf, sizeof buf, v);
        break;
    case K_RECOVERY:
        if (isnan(v)) snprintf(buf, sizeof buf, "\u2014");
        else if (v == INFINITY) snprintf(buf, sizeof buf, "%s", val(rf, i, "metastable") > 0 ? "never" : "not by the end");
        else report_fmt_seconds(buf, sizeof buf, v);
        break;
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
    report_html_escape(h, buf);
    sb_puts(h, "</td>");
}

static bool column_shown(const run_folder *rf, const struct column *c)
{
    bool base = rf->baseline < rf->nlabels;
    if (!base && c->kind == K_RATIO) return false;
    if (!c->only) return true;
    if (!strcmp(c->only, "slo")) return isfinite(rf->slo_latency);
    for (size_t i = 0; i < rf->nlabels; i++)
        if (rf->labels[i].nrec) return true;
    return false;
}

/* The comparison table: the headline columns only, or all of them. */
static void comparison_table(strbuf *h, const run_folder *rf, bool all)
{
    sb_puts(h, all ? "<div class=\"scroll\"><table>\n" : "<div class=\"scroll\" id=\"headline\"><table>\n");
    sb_puts(h, "<tr><th class=\"l\">label</th><th class=\"l\">strategy</th>");
    for (size_t c = 0; c < sizeof table_cols / sizeof *table_cols; c++) {
        if (!column_shown(rf, &table_cols[c]) || (!all && !table_cols[c].headline)) continue;
        sb_puts(h, "<th>");
        report_html_escape(h, table_cols[c].head);
        sb_puts(h, "</th>");
    }
    sb_puts(h, "</tr>\n");
    for (size_t i = 0; i < rf->nlabels; i++) {
        sb_puts(h, i == rf->baseline ? "<tr class=\"base\"><td class=\"l\">" : "<tr><td class=\"l\">");
        report_html_escape(h, rf->labels[i].label);
        sb_puts(h, "</td><td class=\"l\">");
        report_html_escape(h, rf->labels[i].strategy);
        sb_puts(h, "</td>");
        for (size_t c = 0; c < sizeof table_cols / sizeof *table_cols; c++) {
            if (!column_shown(rf, &table_cols[c]) || (!all && !table_cols[c].headline)) continue;
            cell(h, rf, i, val(rf, i, table_cols[c].col), table_cols[c].kind);
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
    report_html_escape(h, ce->title);
    sb_puts(h, "</h3>\n");
    if (shown) {
        snprintf(file, sizeof file, "charts/%s.%s", ce->name, plot_format_ext(shown));
        sb_puts(h, "<img src=\"");
        url(h, file);
        sb_puts(h, "\" alt=\"");
        report_html_escape(h, ce->title);
        sb_puts(h, "\"/>\n");
    }
    sb_puts(h, "<figcaption>");
    report_html_escape(h, ce->caption);
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
        sb_puts(h, "<div class=\"scroll\"><table>\n<tr><th class=\"l\">field</th><th class=\"l\">value</th></tr>\n");
        for (size_t k = 0; k < rf->nparams; k++) {
            sb_puts(h, "<tr><td class=\"l\"><code>");
            report_html_escape(h, rf->param_key[k]);
            sb_puts(h, "</code></td><td class=\"l wrap\">");
            report_html_escape(h, rf->param_val[k]);
            sb_puts(h, "</td></tr>\n");
        }
        sb_puts(h, "</table></div>\n");
    }
    sb_puts(h, "<h3>Strategies as run</h3>\n<p class=\"muted\">Every parameter, defaults included, from each "
               "label&#8217;s <code>summary.json</code>; durations in seconds.</p>\n");
    sb_puts(h, "<div class=\"scroll\"><table>\n<tr><th class=\"l\">label</th><th class=\"l\">strategy</th><th class=\"l\">parameters</th>"
               "<th class=\"l\">files</th></tr>\n");
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        sb_puts(h, "<tr><td class=\"l\">");
        report_html_escape(h, L->label);
        sb_puts(h, "</td><td class=\"l\">");
        report_html_escape(h, L->strategy);
        sb_puts(h, "</td><td class=\"l wrap\">");
        report_html_escape(h, *L->params ? L->params : "(none)");
        sb_puts(h, "</td><td class=\"l wrap\">");
        static const char *const files[] = { "summary.json", "timeseries.csv", "latency_hist.csv",
                                             "stampede_sizes.csv" };
        for (size_t f = 0; f < 4; f++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", L->label, files[f]);
            sb_puts(h, f ? " <a href=\"" : "<a href=\"");
            url(h, path);
            sb_puts(h, "\">");
            report_html_escape(h, files[f]);
            sb_puts(h, "</a>");
        }
        sb_puts(h, "</td></tr>\n");
    }
    sb_puts(h, "</table></div>\n");
}

char *report_html(const run_folder *rf, const chartset *cs, char *err, size_t errlen)
{
    strbuf h = { 0 };
    sb_puts(&h, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                "<meta charset=\"utf-8\"/>\n<title>");
    report_html_escape(&h, rf->name);
    sb_puts(&h, " \u2014 stampede report</title>\n<style>\n");
    sb_puts(&h, css);
    sb_puts(&h, "</style>\n</head>\n<body>\n<h1>");
    report_html_escape(&h, rf->name);
    sb_puts(&h, "</h1>\n");
    if (rf->description && *rf->description) {
        sb_puts(&h, "<p class=\"lead\">");
        report_html_escape(&h, rf->description);
        sb_puts(&h, "</p>\n");
    }
    sb_puts(&h, "<p class=\"muted\">");
    sb_printf(&h, "%zu strateg%s", rf->nlabels, rf->nlabels == 1 ? "y" : "ies");
    if (isfinite(rf->seed)) sb_printf(&h, ", seed %.0f", rf->seed);
    if (rf->version) {
        sb_puts(&h, agreement_is_live(rf) ? ", measured live by stampede " : ", simulated by stampede ");
        report_html_escape(&h, rf->version);
    }
    sb_puts(&h, ". Counts and latencies cover the requests that arrived after the warmup. A request "
                "<em>succeeded</em> when it was answered with a value (fresh or stale) and <em>failed</em> "
                "otherwise; each is counted once, when it ended. Latency is from a request&#8217;s first attempt "
                "to its answer; &#8220;all requests&#8221; counts a failed one as infinitely slow, so a "
                "percentile that falls among them reads &#8220;failed&#8221;.</p>\n");
    sb_puts(&h, "<nav><a href=\"#findings\">Findings</a><a href=\"#comparison\">Comparison</a>"
                "<a href=\"#charts\">Charts</a><a href=\"#scenario\">Scenario</a></nav>\n");

    sb_puts(&h, "<h2 id=\"findings\">Findings</h2>\n");
    if (findings(&h, rf)) h.oom = true;

    sb_puts(&h, "<h2 id=\"comparison\">Comparison</h2>\n");
    comparison_table(&h, rf, false);
    size_t ncols = 2;
    for (size_t c = 0; c < sizeof table_cols / sizeof *table_cols; c++) ncols += column_shown(rf, &table_cols[c]);
    sb_printf(&h, "<details id=\"all-columns\"><summary>All %zu columns: requests and failures by count, every "
                  "latency percentile, the DB&#8217;s queue, waste and rejections, stampedes, hits, stale and "
                  "waited attempts</summary>\n", ncols);
    comparison_table(&h, rf, true);
    sb_puts(&h, "</details>\n");
    sb_puts(&h, "<p class=\"muted\">Requests are counted once each, as they ended; recovery is the longest over "
                "the triggers (&#8220;never&#8221;: metastable, see each label&#8217;s summary.json). Ratios are "
                "against the first <code>none</code> label. Timeouts, errors, stale and waited count attempts "
                "(retries included), the hit ratio counts lookups. The same numbers, unrounded: "
                "<a href=\"comparison.csv\">comparison.csv</a>.</p>\n");
    agreement_report_section(&h, rf);   /* a live run's measurements and sim against live (agreement.c) */

    sb_puts(&h, "<h2 id=\"charts\">Charts</h2>\n<p class=\"muted\">Each chart&#8217;s gnuplot script is beside it "
                "in <code>charts/</code>: edit it and run <code>gnuplot NAME.gp</code> in that folder to restyle "
                "the chart.</p>\n");
    for (size_t k = 0; k < cs->ncharts; k++) chart_figure(&h, cs, &cs->charts[k]);

    scenario_section(&h, rf);
    sb_puts(&h, "</body>\n</html>\n");
    if (h.oom) {
        sb_free(&h);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return h.s;
}

/* ---------------------------------------------------------------- for other pages */

const char *report_stylesheet(void) { return css; }
void report_chart_figure(strbuf *b, const chartset *cs, const chart_entry *ce) { chart_figure(b, cs, ce); }
