/* metrics.c - the summary, the time series and the stampede groups of a run.
 * Invariant: rows[0..cur] exist; rows before cur are final (their percentiles
 * set); bin_lat holds exactly the answers of bin cur. */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const counter_names[CNT_N] = {
    "lock_waits", "giveups", "coalesced", "early_refreshes", "stale_serves",
};

static void zero_row(ts_row *r, uint64_t inflight, uint64_t queued)
{
    memset(r, 0, sizeof *r);
    r->db_inflight_max = inflight;
    r->db_queue_max = queued;
    r->p50 = r->p99 = r->p999 = NAN;
}

int metrics_init(metrics *m, double warmup, double duration, double bin)
{
    memset(m, 0, sizeof *m);
    m->warmup = warmup;
    m->duration = duration;
    m->bin = bin;
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
    m->rows = NULL;
    m->row = NULL;
}

static void close_bin(metrics *m)
{
    ts_row *r = &m->rows[m->cur];
    if (m->bin_lat.count) {
        r->p50 = hist_quantile(&m->bin_lat, 0.50);
        r->p99 = hist_quantile(&m->bin_lat, 0.99);
        r->p999 = hist_quantile(&m->bin_lat, 0.999);
        hist_reset(&m->bin_lat);
    }
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
