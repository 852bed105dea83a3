/* runchart.c - the pieces the charts of a results folder share
 * (runchart.h). */
#include "runchart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/metrics.h"
#include "report.h"
#include "results/output.h"


int chart_style(const run_folder *rf, size_t i) { return rf->labels[i].style; }

/* The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power
 * of ten) at or above x; 1 when x is not positive. */
double chart_nice_ceil(double x)
{
    if (!(x > 0)) return 1;
    double e = pow(10, floor(log10(x)));
    static const double steps[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (steps[i] * e >= x * (1 - 1e-12)) return steps[i] * e;
    return 10 * e;
}

double chart_decade_floor(double x) { return pow(10, floor(log10(x) + 1e-9)); }
double chart_decade_ceil(double x) { return pow(10, ceil(log10(x) - 1e-9)); }

/* A range on a log axis covering [lo, hi], in whole decades. */
void chart_log_range(double lo, double hi, double *a, double *b)
{
    if (!(lo > 0) || !isfinite(lo)) lo = hi > 0 ? hi : 1;
    if (!(hi >= lo)) hi = lo;
    *a = chart_decade_floor(lo);
    *b = chart_decade_ceil(hi);
    if (*b <= *a) *b = *a * 10;
}

double chart_time_end(const run_folder *rf)
{
    double end = 0;
    for (size_t i = 0; i < rf->nlabels; i++)
        if (rf->labels[i].t_end > end) end = rf->labels[i].t_end;
    if (!(end > 0)) end = rf->duration > 0 ? rf->duration : 1;
    return end;
}


/* The value of key, created empty on first use. */
strbuf *chart_sub(chart *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->key[i], key)) return &c->val[i];
    if (c->n == MAXSUBS) {
        c->full = true;
        return &c->val[MAXSUBS - 1];
    }
    c->key[c->n] = key;
    memset(&c->val[c->n], 0, sizeof c->val[c->n]);
    return &c->val[c->n++];
}

void chart_free(chart *c)
{
    for (size_t i = 0; i < c->n; i++) sb_free(&c->val[i]);
    c->n = 0;
}

/* The data file of label i, as the script in charts/ reaches it. */
void chart_data_file(strbuf *b, const run_folder *rf, size_t i, const char *file)
{
    strbuf p = { 0 };
    sb_printf(&p, "../%s/%s", rf->labels[i].label, file);
    if (p.oom) b->oom = true;
    else gp_quote(b, p.s);
    sb_free(&p);
}

void chart_title(strbuf *b, const run_folder *rf, const char *what)
{
    strbuf t = { 0 };
    sb_printf(&t, "%s: %s", rf->name, what);
    if (t.oom) b->oom = true;
    else gp_quote(b, t.s);
    sb_free(&t);
}

/* A time for a label: "20.005 s". */
void chart_fmt_time(char *buf, size_t n, double t) { snprintf(buf, n, "%.6g s", t); }

double chart_text_width(const char *s, double pt)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) chars += (*p & 0xc0) != 0x80;
    return 0.8 * pt * (double)chars;
}

bool chart_boxes_overlap(const chart_box *a, const chart_box *b)
{
    return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

int chart_label_rows(const double *x, const double *w, const bool *right, size_t n, int maxrows, int *row)
{
    static const double gap = 8;   /* pixels between two labels of a row */
    int used = 0;
    for (size_t i = 0; i < n; i++) {
        double a0 = right[i] ? x[i] - w[i] : x[i], a1 = a0 + w[i];
        int best = 0;
        double least = INFINITY;
        for (int r = 0; r < maxrows; r++) {
            double over = 0;
            for (size_t j = 0; j < i; j++) {
                if (row[j] != r) continue;
                double b0 = right[j] ? x[j] - w[j] : x[j], b1 = b0 + w[j];
                double o = fmin(a1 + gap, b1 + gap) - fmax(a0, b0);
                if (o > 0) over += o;
            }
            if (over < least) {
                least = over;
                best = r;
            }
            if (over == 0) break;
        }
        row[i] = best;
        if (best + 1 > used) used = best + 1;
    }
    return used;
}

/* The marks of the warmup, faults and bursts: shaded windows and dashed lines
 * on every panel (MARKS) and their names above the first panel, in rows placed
 * so that none overlaps another (MARK_LABELS). */
void chart_marks(chart *c, const run_folder *rf, double xmax)
{
    strbuf *lines = chart_sub(c, "MARKS"), *labels = chart_sub(c, "MARK_LABELS");
    int obj = 1, arrow = 1;
    size_t n = rf->nmarks;
    char (*text)[160] = calloc(n + 1, sizeof *text);
    double *x = calloc(n + 1, sizeof *x), *w = calloc(n + 1, sizeof *w), *at = calloc(n + 1, sizeof *at);
    bool *right = calloc(n + 1, sizeof *right);
    int *row = calloc(n + 1, sizeof *row);
    if (!text || !x || !w || !at || !right || !row) {
        lines->oom = true;
        n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        const mark *m = &rf->marks[i];
        char num[64], a[32], u[32];
        bool window = m->until > m->at;
        const char *fill = "#ebebeb";
        chart_fmt_time(a, sizeof a, m->at);
        chart_fmt_time(u, sizeof u, m->until);
        switch (m->kind) {
        case MARK_WARMUP: snprintf(text[i], sizeof text[i], "warmup (not counted)"); break;
        case MARK_FLUSH: snprintf(text[i], sizeof text[i], "cache flush at %s", a); break;
        case MARK_SLOWDOWN:
            fill = "#f7e1cc";
            if (isfinite(m->factor)) snprintf(num, sizeof num, " \u00d7%g", m->factor);
            else num[0] = 0;
            snprintf(text[i], sizeof text[i], "DB slowdown%s, %.6g\u2013%s", num, m->at, u);
            break;
        case MARK_CACHE_OUTAGE:
            fill = "#f5d6d6";
            snprintf(text[i], sizeof text[i], "cache outage (%s, data %s), %.6g\u2013%s", m->timeout ? "timeout" : "error",
                     m->lost ? "lost" : "kept", m->at, u);
            break;
        case MARK_DB_OUTAGE:
            fill = "#f0c8c8";
            snprintf(text[i], sizeof text[i], "DB outage, %.6g\u2013%s", m->at, u);
            break;
        case MARK_CRASH:
            fill = "#e3d6f0";
            if (m->restarts) snprintf(text[i], sizeof text[i], "node %.0f down, %.6g\u2013%s", m->node, m->at, u);
            else snprintf(text[i], sizeof text[i], "node %.0f crashed at %s (stays down)", m->node, a);
            break;
        case MARK_BURST:
            fill = "#d6e8f5";
            report_fmt_count(num, sizeof num, m->requests);
            snprintf(text[i], sizeof text[i], "burst of %s requests at %s", isfinite(m->requests) ? num : "?", a);
            break;
        }
        if (window) {
            sb_printf(lines, "set object %d rectangle from ", obj++);
            gp_num(lines, m->at);
            sb_puts(lines, ", graph 0 to ");
            gp_num(lines, m->until);
            sb_printf(lines, ", graph 1 behind fillcolor rgb '%s' fillstyle solid 1.0 noborder\n", fill);
        } else {
            sb_printf(lines, "set arrow %d from ", arrow++);
            gp_num(lines, m->at);
            sb_puts(lines, ", graph 0 to ");
            gp_num(lines, m->at);
            sb_puts(lines, ", graph 1 nohead back linecolor rgb '#777777' dashtype 2 linewidth 1.5\n");
        }
        /* Left-aligned at the mark, or right-aligned (at a window's end) when
         * it would run off the canvas. */
        w[i] = chart_text_width(text[i], CHART_MARK_PT);
        double px = CHART_W * (CHART_TIME_L + (CHART_TIME_R - CHART_TIME_L) * m->at / xmax);
        right[i] = px + w[i] > CHART_W - 4;
        at[i] = right[i] && window ? fmin(m->until, xmax) : m->at;
        x[i] = CHART_W * (CHART_TIME_L + (CHART_TIME_R - CHART_TIME_L) * at[i] / xmax);
        if (right[i] && x[i] - w[i] < 4) {   /* too wide either way: left-aligned, from the left end */
            right[i] = false;
            at[i] = m->at;
            x[i] = px;
        }
    }
    chart_label_rows(x, w, right, n, CHART_MARK_ROWS, row);
    for (size_t i = 0; i < n; i++) {
        sb_printf(labels, "set label %zu ", i + 1);
        gp_quote(labels, text[i]);
        sb_puts(labels, " at ");
        gp_num(labels, at[i]);
        /* 0.2 characters from the mark; rows 1.1 characters apart */
        sb_printf(labels, ", graph 1 %s offset character %s, %.1f textcolor rgb '#444444' font ',%g'\n",
                  right[i] ? "right" : "left", right[i] ? "-0.2" : "0.2", 0.7 + 1.1 * row[i], CHART_MARK_PT);
    }
    free(text);
    free(x);
    free(w);
    free(at);
    free(right);
    free(row);
    /* After duration no request arrives: the bins there only see the work in
     * flight end (often all failing), which is not the system's state. */
    if (isfinite(rf->duration) && xmax > rf->duration + 0.5 * rf->bin) {
        sb_printf(lines, "set object %d rectangle from ", obj++);
        gp_num(lines, rf->duration);
        sb_puts(lines, ", graph 0 to ");
        gp_num(lines, xmax);
        sb_puts(lines, ", graph 1 behind fillcolor rgb '#f2f2f2' fillstyle pattern 2 noborder\n");
    }
}

/* Markers of one line as a datablock $NAME: about NMARKERS rows among those
 * with a positive value, offset per label so that equal lines show every
 * label's markers.  Returns false when no row qualifies (no block). */
static bool chart_points(strbuf *pts, const char *name, const run_folder *rf, size_t i, int col, double scale)
{
    const run_label *L = &rf->labels[i];
    size_t m = 0;
    for (size_t r = 0; r < L->nbins; r++) m += L->ts[col][r] > 0;
    if (!m) return false;
    size_t step = m / NMARKERS > 0 ? m / NMARKERS : 1, first = step * i / rf->nlabels, k = 0;
    sb_printf(pts, "%s << EOD\n", name);
    for (size_t r = 0; r < L->nbins; r++) {
        double v = L->ts[col][r];
        if (!(v > 0)) continue;
        if (k >= first && (k - first) % step == 0) {
            gp_num(pts, L->ts[TS_T][r] + rf->bin / 2);
            sb_puts(pts, ",");
            gp_num(pts, v * scale);
            sb_puts(pts, "\n");
        }
        k++;
    }
    sb_puts(pts, "EOD\n");
    return true;
}

/* The clauses plotting one column of timeseries.csv for each label with
 * draw[i]: the line from the file (yexpr of the row, `extra` appended to its
 * style) and, with markers, its marker block in POINTS.  Returns how many lines
 * it drew. */
size_t chart_ts_series(chart *c, const char *key, const run_folder *rf, const bool *draw, int col,
                       const char *yexpr, double scale, const char *extra, bool markers)
{
    strbuf *b = chart_sub(c, key), *pts = chart_sub(c, "POINTS");
    size_t drawn = 0;
    for (size_t i = 0; i < rf->nlabels; i++) {
        if (!draw[i]) continue;
        sb_puts(b, b->len ? ", \\\n     " : "");
        chart_data_file(b, rf, i, "timeseries.csv");
        sb_printf(b, " using (column(\"t\") + bin/2):(%s) with lines linetype %d%s%s notitle", yexpr, chart_style(rf, i),
                  extra ? " " : "", extra ? extra : "");
        char name[64];
        snprintf(name, sizeof name, "$%s_%zu", run_ts_names[col], i + 1);
        if (markers && chart_points(pts, name, rf, i, col, scale))
            sb_printf(b, ", \\\n     %s using 1:2 with points linetype %d notitle", name, chart_style(rf, i));
        drawn++;
    }
    return drawn;
}

/* Key entries naming each label in its line type (dt overrides the dash type
 * when not NULL); a label without a line gets `missing` after its name. */
void chart_label_keys(strbuf *b, const run_folder *rf, const bool *drawn, const char *missing, const char *dt)
{
    for (size_t i = 0; i < rf->nlabels; i++) {
        sb_puts(b, b->len ? ", \\\n     " : "");
        sb_printf(b, "keyentry with linespoints linetype %d%s%s title ", chart_style(rf, i), dt ? " dashtype " : "",
                  dt ? dt : "");
        if (drawn && !drawn[i] && missing) {
            strbuf t = { 0 };
            sb_printf(&t, "%s (%s)", rf->labels[i].label, missing);
            if (t.oom) b->oom = true;
            else gp_quote(b, t.s);
            sb_free(&t);
        } else {
            gp_quote(b, rf->labels[i].label);
        }
    }
}

/* Tics of a logarithmic latency axis: a label with its unit at each decade of
 * [lo, hi], or every second or third decade when there would be more than
 * maxlabels, the others as minor tics. */
void chart_latency_tics(strbuf *b, const char *axis, double lo, double hi, int maxlabels)
{
    static const char *const units[] = { "ns", "\u00b5s", "ms", "s" };
    int e0 = (int)lround(log10(lo)), e1 = (int)lround(log10(hi));
    int step = 1;
    while ((e1 - e0) / step + 1 > maxlabels) step++;
    sb_printf(b, "set %stics (", axis);
    for (int e = e0; e <= e1; e++) {
        sb_puts(b, e > e0 ? ", " : "");
        if ((e - e0) % step) {
            sb_printf(b, "\"\" 1e%d 1", e);
            continue;
        }
        int u = e < -9 ? 0 : e >= 0 ? 3 : (e + 9) / 3;
        double v = pow(10, e - (u == 3 ? 0 : 3 * u - 9));
        sb_printf(b, "\"%g %s\" 1e%d", v, units[u], e);
    }
    sb_printf(b, ")\n    set m%stics 10", axis);
}

/* Tics of a linear count axis [0, max]: at most six, at round steps, the labels
 * with thousands separators ("200k", "1.5M" from 100,000 on). */
void chart_count_tics(strbuf *b, const char *axis, double max)
{
    double raw = max / 5, e = pow(10, floor(log10(raw > 0 ? raw : 1))), step = 10 * e;
    static const double steps[] = { 1, 2, 2.5, 5 };
    for (size_t i = 0; i < 4; i++)
        if (steps[i] * e >= raw * (1 - 1e-12)) {
            step = steps[i] * e;
            break;
        }
    if (!(step >= 1)) step = 1;   /* counts: whole steps */
    sb_printf(b, "set %stics (", axis);
    for (int k = 0; k * step <= max * (1 + 1e-9) && k <= 20; k++) {
        char num[64];
        double v = k * step;
        if (max >= 1e5 && v >= 1e6) snprintf(num, sizeof num, "%gM", v / 1e6);   /* narrow labels */
        else if (max >= 1e5 && v >= 1e3) snprintf(num, sizeof num, "%gk", v / 1e3);
        else report_fmt_count(num, sizeof num, v);
        sb_printf(b, "%s\"%s\" ", k ? ", " : "", num);
        gp_num(b, k * step);
    }
    sb_puts(b, ")");
}

/* Tics of a logarithmic count axis [lo, hi]: 1, 2, 5 in each decade when it
 * spans three decades or fewer, else the decades; the labels with thousands
 * separators.  floor_zero labels lo "0" (the line of empty bins). */
void chart_log_count_tics(strbuf *b, const char *axis, double lo, double hi, bool floor_zero)
{
    int e0 = (int)floor(log10(lo) + 1e-9), e1 = (int)ceil(log10(hi) - 1e-9);
    bool fine = e1 - e0 <= 3 && !floor_zero;
    sb_printf(b, "set %stics (", axis);
    bool first = true;
    for (int e = e0; e <= e1; e++) {
        static const double m[] = { 1, 2, 5 };
        for (size_t k = 0; k < (fine ? 3u : 1u); k++) {
            double v = m[k] * pow(10, e);
            if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
            char num[64];
            if (floor_zero && first) snprintf(num, sizeof num, "0");
            else if (v < 1) snprintf(num, sizeof num, "%g", v);
            else if (v >= 1e6) snprintf(num, sizeof num, "%gM", v / 1e6);
            else if (v >= 1e4) snprintf(num, sizeof num, "%gk", v / 1e3);
            else report_fmt_count(num, sizeof num, v);
            sb_printf(b, "%s\"%s\" ", first ? "" : ", ", num);
            gp_num(b, v);
            first = false;
        }
    }
    sb_printf(b, ")\n    set m%stics 10", axis);
}

/* A note across an empty chart, so that it does not look like a failure. */
void chart_empty_note(strbuf *b, bool empty, const char *why)
{
    if (!empty) return;
    sb_puts(b, "set label 99 ");
    gp_quote(b, why);
    sb_puts(b, " at graph 0.5, graph 0.5 center textcolor rgb '#777777' font ',16' front");
}


int chart_draw(chart_ctx *cx, chart *c, const char *name, const char *title, const char *caption)
{
    subst s[MAXSUBS];
    int rc = -1;
    for (size_t i = 0; i < c->n; i++) {
        if (c->val[i].oom) goto oom;
        s[i] = (subst){ c->key[i], c->val[i].s ? c->val[i].s : "" };
    }
    if (c->full) {
        snprintf(cx->err, cx->errlen, "%s: more than %d placeholders", name, MAXSUBS);
        goto done;
    }
    rc = chartset_draw(cx->cs, name, name, s, c->n, title, caption, cx->err, cx->errlen);
    goto done;
oom:
    snprintf(cx->err, cx->errlen, "out of memory");
done:
    chart_free(c);
    return rc;
}

bool *chart_flags(chart_ctx *cx, size_t n)
{
    bool *f = calloc(n + 1, sizeof *f);
    if (!f) snprintf(cx->err, cx->errlen, "out of memory");
    return f;
}

/* The recoveries of every label, on the first panel of a chart over time
 * (RECOVERY) and their removal before the next panel (NO_RECOVERY): a
 * downward arrow in the label's colour where it was back to normal after a
 * trigger, a dotted line from the trigger's end to the end of the run where
 * it was not; one row per label under the top edge, in the key's order, so
 * equal times stay apart. */
void chart_recovery(chart *c, const run_folder *rf, double xmax, int key_rows)
{
    if (isfinite(rf->duration) && rf->duration < xmax) xmax = rf->duration;   /* judged up to duration */
    strbuf *on = chart_sub(c, "RECOVERY"), *off = chart_sub(c, "NO_RECOVERY");
    int arrow = 1000;
    bool any = false;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        double y = 0.985 - 0.03 * (double)(i % 12);   /* a row per label, in the key's order */
        for (size_t k = 0; k < L->nrec; k++) {
            const run_recovery *r = &L->rec[k];
            if (!r->judged) continue;
            any = true;
            if (r->recovered) {
                sb_printf(on, "set arrow %d from ", arrow);
                gp_num(on, r->end + r->time);
                sb_printf(on, ", graph %.3f to ", y + 0.012);
                gp_num(on, r->end + r->time);
                sb_printf(on, ", graph %.3f head filled size screen 0.009,30 linetype %d dashtype solid "
                              "linewidth 2.5 front\n", y - 0.018, chart_style(rf, i));
            } else {
                sb_printf(on, "set arrow %d from ", arrow);
                gp_num(on, r->end);
                sb_printf(on, ", graph %.3f to ", y);
                gp_num(on, xmax);
                sb_printf(on, ", graph %.3f nohead linetype %d dashtype (2,2) linewidth 2.5 front\n", y, chart_style(rf, i));
            }
            sb_printf(off, "unset arrow %d\n", arrow++);
        }
    }
    /* Under the key, whose rows start at screen 0.86 and take about 0.031
     * each (spacing 1.1 at the key's font on a 720-pixel canvas). */
    double top = 0.86 - 0.031 * (double)key_rows - 0.03;
    if (top > 0.48) top = 0.48;
    if (any)
        sb_printf(on, "set label 997 'after a trigger (a row each):' at screen 0.795, screen %.3f left "
                      "textcolor rgb '#444444' font ',11'\n"
                      "set label 998 '\u25bc back to normal' at screen 0.795, screen %.3f left "
                      "textcolor rgb '#444444' font ',11'\n"
                      "set label 999 '\u2508 never back to normal' at screen 0.795, screen %.3f left "
                      "textcolor rgb '#444444' font ',11'\n",
                  top, top - 0.03, top - 0.06);
}
