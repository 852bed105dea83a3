/* agreement.c - agreement.csv, its table on a terminal, and the live section
 * of report.html.  Rows pair the simulator's and the live run's numbers for
 * one label and one comparison.csv metric; ratio is live over sim. */
#include "agreement.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvout.h"
#include "base/fs.h"
#include "reporttext.h"

const enum col agreement_cols[] = {
    COL_REQUESTS, COL_FAILED, COL_HIT_RATIO, COL_DB_QUERIES, COL_STAMPEDES, COL_STAMPEDE_MEAN, COL_STAMPEDE_MAX,
    COL_PEAK_INFLIGHT, COL_P50, COL_P99, COL_TIMEOUTS, COL_ERRORS, COL_STALE,
};
const size_t agreement_ncols = sizeof agreement_cols / sizeof agreement_cols[0];

static const struct result_row *row_of(const results *r, const char *label)
{
    for (size_t i = 0; r && i < r->nrows; i++)
        if (!strcmp(r->rows[i].label, label)) return &r->rows[i];
    return NULL;
}

static double ratio_of(double sim, double live)
{
    return isfinite(sim) && isfinite(live) && sim != 0 ? live / sim : NAN;
}

int agreement_write(const char *path, const results *sim, const results *live, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    fputs("label,metric,sim,live,ratio\n", f);
    for (size_t i = 0; i < live->nrows; i++) {
        const struct result_row *L = &live->rows[i], *S = row_of(sim, L->label);
        for (size_t k = 0; k < agreement_ncols; k++) {
            enum col c = agreement_cols[k];
            double s = S ? S->v[c] : NAN, l = L->v[c];
            fprintf(f, "%s,%s,", L->label, output_col_names[c]);
            csvout_num(f, s);
            fputc(',', f);
            csvout_num(f, l);
            fputc(',', f);
            csvout_num(f, ratio_of(s, l));
            fputc('\n', f);
        }
    }
    return fs_close_checked(f, "agreement.csv", err, errlen);
}

/* A number for the terminal table: latencies in a unit, ratios and means short. */
static void fmt_cell(char *buf, size_t n, enum col c, double v)
{
    if (!isfinite(v)) snprintf(buf, n, "-");
    else if (c == COL_P50 || c == COL_P99) {
        if (v < 1e-3) snprintf(buf, n, "%.0fus", v * 1e6);
        else if (v < 1) snprintf(buf, n, "%.1fms", v * 1e3);
        else snprintf(buf, n, "%.2fs", v);
    } else if (c == COL_HIT_RATIO) snprintf(buf, n, "%.4f", v);
    else if (c == COL_STAMPEDE_MEAN) snprintf(buf, n, "%.2f", v);
    else snprintf(buf, n, "%.0f", v);
}

void agreement_print(FILE *out, const results *sim, const results *live)
{
    static const enum col shown[] = { COL_HIT_RATIO, COL_DB_QUERIES, COL_STAMPEDE_MEAN, COL_STAMPEDE_MAX,
                                      COL_PEAK_INFLIGHT, COL_P50, COL_P99 };
    fprintf(out, "%-14s", "sim/live");
    for (size_t k = 0; k < sizeof shown / sizeof *shown; k++) fprintf(out, " %19s", output_col_names[shown[k]]);
    fputc('\n', out);
    for (size_t i = 0; i < live->nrows; i++) {
        const struct result_row *L = &live->rows[i], *S = row_of(sim, L->label);
        fprintf(out, "%-14s", L->label);
        for (size_t k = 0; k < sizeof shown / sizeof *shown; k++) {
            char a[32], b[32], cell[80];
            fmt_cell(a, sizeof a, shown[k], S ? S->v[shown[k]] : NAN);
            fmt_cell(b, sizeof b, shown[k], L->v[shown[k]]);
            snprintf(cell, sizeof cell, "%s/%s", a, b);
            fprintf(out, " %19s", cell);
        }
        fputc('\n', out);
    }
}

/* ---------------------------------------------------------------- the report */

static cJSON *read_json(const char *dir, const char *a, const char *b)
{
    char path[4096];
    if (b) snprintf(path, sizeof path, "%s/%s/%s", dir, a, b);
    else snprintf(path, sizeof path, "%s/%s", dir, a);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *text = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            if (cap > (64u << 20)) break;
            char *t = realloc(text, cap);
            if (!t) break;
            text = t;
        }
        size_t k = fread(text + n, 1, 4096, f);
        n += k;
        if (k < 4096) break;
    }
    fclose(f);
    cJSON *o = NULL;
    if (text) {
        text[n] = 0;
        o = cJSON_Parse(text);
    }
    free(text);
    return o;
}

bool agreement_is_live(const run_folder *rf)
{
    if (!rf->nlabels) return false;
    cJSON *o = read_json(rf->dir, rf->labels[0].label, "summary.json");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "mode");
    bool live = cJSON_IsString(m) && !strcmp(m->valuestring, "live");
    cJSON_Delete(o);
    return live;
}

static double jnum(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b) x = cJSON_GetObjectItemCaseSensitive(x, b);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static void td_seconds(strbuf *h, double v)
{
    char buf[64];
    report_fmt_seconds(buf, sizeof buf, v);
    sb_puts(h, "<td>");
    report_html_escape(h, buf);
    sb_puts(h, "</td>");
}

/* Each label's own measurements (summary.json "live"). */
static void measured_table(strbuf *h, const run_folder *rf)
{
    sb_puts(h, "<table>\n<tr><th class=\"l\">label</th><th>Redis round trip p50</th><th>p99</th>"
               "<th>send lag p99</th><th>send lag max</th><th>DB statement overhead</th>"
               "<th>DB time in service minus drawn, mean</th><th class=\"l\">simulated with cache.latency</th></tr>\n");
    for (size_t i = 0; i < rf->nlabels; i++) {
        cJSON *o = read_json(rf->dir, rf->labels[i].label, "summary.json");
        const cJSON *lv = cJSON_GetObjectItemCaseSensitive(o, "live");
        sb_puts(h, "<tr><td class=\"l\">");
        report_html_escape(h, rf->labels[i].label);
        sb_puts(h, "</td>");
        td_seconds(h, jnum(lv, "cache_rtt", "p50"));
        td_seconds(h, jnum(lv, "cache_rtt", "p99"));
        td_seconds(h, jnum(lv, "lag", "p99"));
        td_seconds(h, jnum(lv, "lag", "max"));
        td_seconds(h, jnum(lv, "db", "statement_overhead"));
        double e = jnum(lv, "db", "service_error_mean");
        char buf[64];
        report_fmt_seconds(buf, sizeof buf, fabs(e));
        sb_printf(h, "<td>%s", isfinite(e) && e < 0 ? "\u2212" : "");
        report_html_escape(h, buf);
        sb_puts(h, "</td><td class=\"l\">");
        cJSON_Delete(o);
        char sub[1024];
        snprintf(sub, sizeof sub, "sim/%s", rf->labels[i].label);
        o = read_json(rf->dir, sub, "scenario.json");
        const cJSON *lat = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "cache"), "latency");
        char *text = lat ? cJSON_PrintUnformatted(lat) : NULL;
        if (text) {
            sb_puts(h, "<a href=\"");
            report_html_escape(h, sub);
            sb_puts(h, "/comparison.csv\"><code>");
            report_html_escape(h, text);
            sb_puts(h, "</code></a>");
        } else {
            sb_puts(h, "(no --compare)");
        }
        free(text);
        sb_puts(h, "</td></tr>\n");
        cJSON_Delete(o);
    }
    sb_puts(h, "</table>\n");
}

static void agreement_cell(strbuf *h, const char *metric, double s, double l, double r)
{
    char a[64], b[64];
    bool sec = !strcmp(metric, "p50") || !strcmp(metric, "p99");
    if (sec) {
        report_fmt_seconds(a, sizeof a, s);
        report_fmt_seconds(b, sizeof b, l);
    } else if (!strcmp(metric, "hit_ratio") || !strcmp(metric, "stampede_mean")) {
        snprintf(a, sizeof a, isfinite(s) ? "%.4g" : "n/a", s);
        snprintf(b, sizeof b, isfinite(l) ? "%.4g" : "n/a", l);
    } else {
        report_fmt_count(a, sizeof a, s);
        report_fmt_count(b, sizeof b, l);
    }
    sb_puts(h, "<td>");
    report_html_escape(h, a);
    sb_puts(h, " / ");
    report_html_escape(h, b);
    if (isfinite(r)) sb_printf(h, "<br/><span class=\"muted\">%.3g\u00d7</span>", r);
    sb_puts(h, "</td>");
}

/* The sim/live table from agreement.csv; false when there is none. */
static bool agreement_table(strbuf *h, const run_folder *rf)
{
    static const char *const shown[] = { "hit_ratio", "db_queries", "stampedes", "stampede_mean", "stampede_max",
                                         "peak_db_inflight", "p50", "p99" };
    enum { NS = sizeof shown / sizeof *shown };
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s/agreement.csv", rf->dir);
    FILE *f = fopen(path, "r");
    if (!f) return false;
    sb_puts(h, "<div class=\"scroll\"><table>\n<tr><th class=\"l\">label</th>");
    static const char *const heads[NS] = { "hit ratio", "DB queries", "stampedes (expiries refilled)",
                                           "queries per stampede (mean)", "largest stampede", "peak DB in flight",
                                           "p50", "p99" };
    for (size_t k = 0; k < NS; k++) sb_printf(h, "<th>%s</th>", heads[k]);
    sb_puts(h, "</tr>\n");
    char cur[sizeof line] = "";
    double s[NS], l[NS], r[NS];
    bool any = false;
    for (;;) {
        bool eof = !fgets(line, sizeof line, f);
        char label[sizeof line] = "", metric[sizeof line] = "";
        double sv = NAN, lv = NAN, rv = NAN;
        if (!eof) {
            line[strcspn(line, "\r\n")] = 0;
            char *cells[5] = { 0 };
            char *p = line;
            for (int c = 0; c < 5; c++) {
                cells[c] = p;
                p = strchr(p, ',');
                if (!p) { if (c < 4) cells[0] = NULL; break; }
                *p++ = 0;
            }
            if (!cells[0] || !strcmp(cells[0], "label")) continue;
            snprintf(label, sizeof label, "%s", cells[0]);
            snprintf(metric, sizeof metric, "%s", cells[1]);
            char *end;
            sv = strtod(cells[2], &end); if (end == cells[2]) sv = NAN;
            lv = strtod(cells[3], &end); if (end == cells[3]) lv = NAN;
            rv = strtod(cells[4], &end); if (end == cells[4]) rv = NAN;
        }
        if (eof || strcmp(label, cur)) {
            if (*cur) {
                sb_puts(h, "<tr><td class=\"l\">");
                report_html_escape(h, cur);
                sb_puts(h, "</td>");
                for (size_t k = 0; k < NS; k++) agreement_cell(h, shown[k], s[k], l[k], r[k]);
                sb_puts(h, "</tr>\n");
                any = true;
            }
            if (eof) break;
            snprintf(cur, sizeof cur, "%s", label);
            for (size_t k = 0; k < NS; k++) s[k] = l[k] = r[k] = NAN;
        }
        for (size_t k = 0; k < NS; k++)
            if (!strcmp(metric, shown[k])) { s[k] = sv; l[k] = lv; r[k] = rv; }
    }
    fclose(f);
    sb_puts(h, "</table></div>\n");
    return any;
}

void agreement_report_section(strbuf *h, const run_folder *rf)
{
    if (!agreement_is_live(rf)) return;
    sb_puts(h, "<h2 id=\"live\">Live: real Redis and PostgreSQL</h2>\n");
    sb_puts(h, "<p>These numbers were <strong>measured</strong>, not simulated: <code>stampede live</code> sent the "
               "scenario&#8217;s own requests (the simulator&#8217;s arrival times, keys and nodes) in real time to "
               "a Redis (the cache) and a PostgreSQL (each query a <code>pg_sleep</code> of a duration drawn from "
               "<code>db.latency</code>, plus a read of a row), with each strategy done as production code does it. "
               "What the run measured about itself:</p>\n");
    measured_table(h, rf);
    sb_puts(h, "<p class=\"muted\">Send lag: how late a request left against its scheduled time (the load "
               "generator&#8217;s own delay, not the system&#8217;s; latency counts from the real send). DB statement "
               "overhead: a query&#8217;s time beyond its sleep, measured at start and taken off each sleep.</p>\n");
    sb_puts(h, "<h3>Simulator against live</h3>\n");
    if (!agreement_table(h, rf)) {
        sb_puts(h, "<p>This run has no <code>agreement.csv</code>: run <code>stampede live</code> with "
                   "<code>--compare</code> to simulate the same scenario beside it.</p>\n");
    } else {
        sb_puts(h, "<p class=\"muted\">Each cell: simulated / live, and live over simulated below. The simulator "
                   "ran the same scenario and seed, each strategy with the cache latency set to the Redis round trips "
                   "its own live run measured (a lognormal with their median and 99th percentile, in the table above); "
                   "each simulation is a whole results folder, <code>sim/&lt;label&gt;/</code>. Every pair, "
                   "unrounded: <a href=\"agreement.csv\">agreement.csv</a>. Live differs by what the model leaves "
                   "out: the time a written value takes to reach Redis, Redis round trips that are not independent "
                   "draws, pg_sleep&#8217;s millisecond steps, and the scheduling of a shared machine.</p>\n");
    }
}
