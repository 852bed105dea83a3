/* metrics.c - the summary, the time series, the stampede groups and the
 * recovery after each trigger of a run.
 * Invariant: rows[0..cur] exist; rows before cur are final (their percentiles
 * set); bin_lat holds exactly the answers of bin cur; the baselines of
 * rec[0..base_next) are final and base_lat holds the answers of the closed
 * bins that lie in rec[base_next]'s baseline window. */
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void zero_row(ts_row *r, uint64_t inflight, uint64_t queued)
{
    memset(r, 0, sizeof *r);
    r->db_inflight_max = inflight;
    r->db_queue_max = queued;
    r->p50 = r->p99 = r->p999 = r->p99_all = NAN;
}

int metrics_init(metrics *m, double warmup, double duration, double bin)
{
    memset(m, 0, sizeof *m);
    m->warmup = warmup;
    m->duration = duration;
    m->bin = bin;
    m->slo_latency = INFINITY;
    m->slo_target = 0.999;
    m->last_base_from = m->last_base_to = m->last_base_good = m->last_base_p99 = NAN;
    hist_reset(&m->lat);
    hist_reset(&m->bin_lat);
    double est = ceil(duration / bin) + 2;
    m->rows_cap = est < 1024 ? 1024 : (uint64_t)est;
    m->rows = malloc(m->rows_cap * sizeof *m->rows);
    if (!m->rows) return -1;
    m->nrows = 1;
    zero_row(&m->rows[0], 0, 0);
    m->row = &m->rows[0];
    return 0;
}

void metrics_free(metrics *m)
{
    free(m->rows);
    free(m->rec);
    m->rows = NULL;
    m->row = NULL;
    m->rec = NULL;
    m->nrec = 0;
}

/* ---------------------------------------------------------------- baselines */

/* The baseline of rec[base_next] is complete: keep it (or, when its window
 * saw no request end, take the last one found before), start the next. */
static void base_finish(metrics *m)
{
    recovery *r = &m->rec[m->base_next++];
    if (m->base_ended) {
        m->last_base_from = r->base_from;
        m->last_base_to = r->base_to;
        m->last_base_good = (double)m->base_goods / (double)m->base_ended;
        m->last_base_p99 = hist_quantile(&m->base_lat, 0.99);
    }
    r->judged = !isnan(m->last_base_good);
    r->base_from = m->last_base_from;
    r->base_to = m->last_base_to;
    r->base_good = m->last_base_good;
    r->base_p99 = m->last_base_p99;
    m->base_ended = m->base_goods = m->base_bins = 0;
    hist_reset(&m->base_lat);
}

/* Bin k is final: it joins the baseline window that holds it whole. */
static void base_add_bin(metrics *m, uint64_t k)
{
    double lo = (double)k * m->bin, hi = (double)(k + 1) * m->bin;
    while (m->base_next < m->nrec && hi > m->rec[m->base_next].t.at) base_finish(m);
    if (m->base_next == m->nrec || lo < m->rec[m->base_next].base_from) return;
    const ts_row *r = &m->rows[k];
    m->base_ended += r->succeeded + r->failed;
    m->base_goods += r->good;
    m->base_bins++;
    hist_merge(&m->base_lat, &m->bin_lat);
}

static void close_bin(metrics *m)
{
    ts_row *r = &m->rows[m->cur];
    if (m->bin_lat.count) {
        r->p50 = hist_quantile(&m->bin_lat, 0.50);
        r->p99 = hist_quantile(&m->bin_lat, 0.99);
        r->p999 = hist_quantile(&m->bin_lat, 0.999);
    }
    r->p99_all = hist_quantile_all(&m->bin_lat, r->failed, 0.99);
    if (m->nrec) base_add_bin(m, m->cur);
    if (m->bin_lat.count) hist_reset(&m->bin_lat);
}

int metrics_advance(metrics *m, double t, uint64_t inflight, uint64_t queued)
{
    double fi = floor(t / m->bin);
    if (!(fi < 0x1p40)) return -1;   /* no memory holds 2^40 rows; and the cast needs fi < 2^64 */
    uint64_t idx = fi > 0 ? (uint64_t)fi : 0;
    if (idx <= m->cur) return 0;
    close_bin(m);
    if (idx >= m->rows_cap) {
        uint64_t ncap = m->rows_cap * 2;
        while (ncap <= idx) ncap *= 2;
        ts_row *nr = realloc(m->rows, ncap * sizeof *nr);
        if (!nr) return -1;
        m->rows = nr;
        m->rows_cap = ncap;
    }
    for (uint64_t i = m->cur + 1; i <= idx; i++)
        zero_row(&m->rows[i], inflight, queued);
    m->cur = idx;
    m->row = &m->rows[idx];
    m->nrows = idx + 1;
    return 0;
}

void metrics_close(metrics *m, double t)
{
    close_bin(m);
    m->end_time = t;
    while (m->base_next < m->nrec) base_finish(m);
    metrics_judge_recovery(m);
}

/* ---------------------------------------------------------------- recovery */

static int cmp_trigger(const void *a, const void *b)
{
    const recovery *x = a, *y = b;
    if (x->t.at != y->t.at) return x->t.at < y->t.at ? -1 : 1;
    return (x->base_to > y->base_to) - (x->base_to < y->base_to);   /* base_to holds the input order here */
}

int metrics_set_triggers(metrics *m, const trigger *t, size_t n, double tolerance, double latency_factor,
                         double hold)
{
    free(m->rec);
    m->rec = NULL;
    m->nrec = 0;
    m->rec_tolerance = tolerance;
    m->rec_factor = latency_factor;
    m->rec_hold = hold;
    if (!n) return 0;
    if (!(m->rec = calloc(n, sizeof *m->rec))) return -1;
    for (size_t i = 0; i < n; i++) {
        m->rec[i].t = t[i];
        m->rec[i].base_to = (double)i;
    }
    qsort(m->rec, n, sizeof *m->rec, cmp_trigger);
    /* A baseline window runs from the end of warmup, or of every earlier
     * trigger, to the trigger's at; it may be empty. */
    double from = m->warmup;
    for (size_t i = 0; i < n; i++) {
        recovery *r = &m->rec[i];
        r->listed = r->t.at >= m->warmup;
        r->base_from = from;
        r->base_to = r->t.at;
        r->base_good = r->base_p99 = r->worst_good = r->time = NAN;
        if (r->t.end > from) from = r->t.end;
    }
    m->nrec = n;
    m->base_next = 0;
    hist_reset(&m->base_lat);
    return 0;
}

/* The first bin index k with k*bin >= t. */
static uint64_t bin_at_or_after(double t, double bin)
{
    double f = ceil(t / bin);
    uint64_t k = f > 0 ? (uint64_t)f : 0;
    while (k > 0 && (double)(k - 1) * bin >= t) k--;
    while ((double)k * bin < t) k++;
    return k;
}

/* Whether bin k is back to normal against r's baseline. */
static bool bin_normal(const metrics *m, const recovery *r, uint64_t k)
{
    if (k >= m->nrows) return false;
    const ts_row *row = &m->rows[k];
    uint64_t ended = row->succeeded + row->failed;
    if (!ended || (double)row->good / (double)ended < r->base_good - m->rec_tolerance) return false;
    return isnan(r->base_p99) || row->p99 <= m->rec_factor * r->base_p99;   /* NAN p99 (none answered) fails */
}

void metrics_judge_recovery(metrics *m)
{
    double hb = m->rec_hold / m->bin;
    uint64_t hold = hb > 1 ? (uint64_t)ceil(hb - 1e-9) : 1;
    /* Bins wholly before duration: k < whole. */
    uint64_t whole = bin_at_or_after(m->duration, m->bin);
    if ((double)whole * m->bin > m->duration) whole--;
    for (size_t i = 0; i < m->nrec; i++) {
        recovery *r = &m->rec[i];
        r->recovered = r->metastable = false;
        r->time = r->worst_good = NAN;
        if (!r->judged) continue;
        uint64_t k0 = bin_at_or_after(r->t.end, m->bin), run = 0, k = k0, last;
        for (; k + (hold - run) <= whole; k++) {
            run = bin_normal(m, r, k) ? run + 1 : 0;
            if (run == hold) break;
        }
        if (run == hold) {
            r->recovered = true;
            r->time = (double)(k + 1 - hold) * m->bin - r->t.end;
            last = k;
        } else {
            r->metastable = k0 + hold <= whole;
            last = whole ? whole - 1 : 0;
        }
        /* The worst bin from the one holding at to the last one looked at. */
        uint64_t ka = (uint64_t)floor(r->t.at / m->bin);
        for (uint64_t j = ka; j <= last && j < m->nrows; j++) {
            const ts_row *row = &m->rows[j];
            uint64_t ended = row->succeeded + row->failed;
            if (!ended) continue;
            double g = (double)row->good / (double)ended;
            if (isnan(r->worst_good) || g < r->worst_good) r->worst_good = g;
        }
    }
}

void metrics_recovery_summary(const metrics *m, double *time, double *recovered, double *metastable)
{
    *time = *recovered = *metastable = NAN;
    for (size_t i = 0; i < m->nrec; i++) {
        const recovery *r = &m->rec[i];
        if (!r->listed || !r->judged) continue;
        if (isnan(*time)) {
            *time = 0;
            *recovered = 1;
            *metastable = 0;
        }
        if (!r->recovered) {
            *time = INFINITY;
            *recovered = 0;
        } else if (r->time > *time) {
            *time = r->time;
        }
        if (r->metastable) *metastable = 1;
    }
}


void metrics_size_bucket(int b, uint64_t *lo, uint64_t *hi)
{
    if (b < SIZE_EXACT) { *lo = *hi = (uint64_t)b; return; }
    int k = b - SIZE_EXACT + 10;   /* SIZE_EXACT is 2^10 */
    *lo = (uint64_t)1 << k;
    *hi = k >= 63 ? UINT64_MAX : ((uint64_t)1 << (k + 1)) - 1;
}

void metrics_group_close(metrics *m, uint32_t size, uint8_t counted)
{
    if (!size || !counted) return;
    if (size < SIZE_EXACT) m->size_count[size]++;
    else m->size_count[SIZE_EXACT + (63 - __builtin_clzll(size)) - 10]++;
    m->stampedes++;
    m->stampede_total += size;
    if (size > m->stampede_max) m->stampede_max = size;
}

void metrics_group_issue(metrics *m, uint32_t *inflight, uint32_t *size, uint8_t *counted, bool q_counted)
{
    if (*inflight == 0) {
        metrics_group_close(m, *size, *counted);
        *size = 0;
        *counted = q_counted;
    }
    (*inflight)++;
    (*size)++;
}

double metrics_stampede_mean(const metrics *m)
{
    return m->stampedes ? (double)m->stampede_total / (double)m->stampedes : 0.0;
}

/* x with thousands separators: 89,560. */
static void fmt_count(char *buf, size_t n, double x)
{
    char raw[40];
    snprintf(raw, sizeof raw, "%.0f", x);
    size_t len = strlen(raw), k = 0;
    for (size_t i = 0; i < len && k + 2 < n; i++) {
        if (i && (len - i) % 3 == 0) buf[k++] = ',';
        buf[k++] = raw[i];
    }
    buf[k] = 0;
}

void metrics_cut_words(char *buf, size_t n, double drain, double queries, double requests)
{
    char q[40], r[40];
    fmt_count(q, sizeof q, queries);
    fmt_count(r, sizeof r, requests);
    if (queries > 0)
        snprintf(buf, n, "the DB had not drained %.6g s after arrivals stopped: %s quer%s in flight, %s request%s "
                 "unanswered", drain, q, queries == 1 ? "y" : "ies", r, requests == 1 ? "" : "s");
    else
        snprintf(buf, n, "%s request%s still unanswered %.6g s after arrivals stopped", r, requests == 1 ? "" : "s",
                 drain);
}
