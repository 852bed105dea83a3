/* account.h - what a run counts when something happens to an attempt or a
 * query, in one place for the simulator (model.c) and the live driver
 * (live.c): both fill a metrics record through these calls, so a number
 * means the same in a simulated and in a live summary.
 *
 * `counted` is the attempt's (or the query's) request being in [warmup,
 * duration); the time series counts everything, the summary only what is
 * counted (the contract's "Counting").  Nothing here allocates. */
#ifndef STAMPEDE_ACCOUNT_H
#define STAMPEDE_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics.h"
#include "vocab.h"

/* An attempt (number no, 1 for the first) starts: it arrives now. */
static inline void acct_attempt(metrics *m, bool counted, unsigned no)
{
    metrics_row(m)->arrivals++;
    if (counted) {
        m->attempts++;
        if (no == 1) m->requests++;
    }
}

/* An attempt's get ended: it found a fresh value (a hit) or not (a miss). */
static inline void acct_lookup(metrics *m, bool counted, bool fresh)
{
    ts_row *row = metrics_row(m);
    if (fresh) { row->hits++; if (counted) m->hits++; }
    else { row->misses++; if (counted) m->misses++; }
}

/* An attempt ends with outcome o (an answer, or a failure's outcome). */
static inline void acct_attempt_end(metrics *m, bool counted, enum outcome o)
{
    ts_row *row = metrics_row(m);
    if (counted) m->outcomes[o]++;
    switch (o) {
    case OUT_STALE: row->stale++; if (counted) m->counters[CNT_STALE_SERVES]++; break;
    case OUT_WAITED: row->waited++; break;
    case OUT_TIMEOUT: row->timeouts++; break;
    case OUT_ERROR: row->errors++; break;
    default: break;
    }
}

/* A request was answered now, latency after its first attempt's arrival:
 * it succeeded and ends.  (A request that ends without a value: metrics_fail.) */
static inline void acct_answered(metrics *m, bool counted, double latency)
{
    if (counted) m->ok++;
    metrics_answer(m, counted, latency);
}

/* A strategy action (lock wait, give-up, ...). */
static inline void acct_count(metrics *m, bool counted, enum counter c)
{
    if (counted) m->counters[c]++;
}

/* A query was rejected at once by the full DB queue. */
static inline void acct_rejected(metrics *m, bool counted)
{
    if (counted) m->db_rejected++;
}

/* A query for a key is issued (cause c); *inflight, *size and *gcounted are
 * the key's stampede group.  The caller then reports the DB's new occupancy
 * with metrics_db_level. */
static inline void acct_query_issue(metrics *m, bool counted, enum cause c, uint32_t *inflight, uint32_t *size,
                                    uint8_t *gcounted)
{
    if (counted) {
        m->db_queries++;
        if (cause_early(c)) m->db_early++;
    }
    metrics_row(m)->db_started++;
    metrics_group_issue(m, inflight, size, gcounted, counted);
}

/* A query finished (its value written); wasted: it was counted, someone
 * waited on it and nobody waits any more. */
static inline void acct_query_done(metrics *m, bool wasted, uint32_t *grp_inflight)
{
    (*grp_inflight)--;
    metrics_row(m)->db_completed++;
    if (wasted) m->db_wasted++;
}

/* The trace rows (--trace): an attempt that ended with outcome o at now, and
 * a query that ended at t_end the way status says (db.csv's status: ok,
 * rejected, ...); t_start is empty for one that never started. */
static inline void acct_trace_attempt(FILE *f, uint64_t req, unsigned no, uint32_t node, uint64_t key, double t_arr,
                                      double now, double t_first, enum outcome o, bool issued)
{
    fprintf(f, "%llu,%u,%u,%llu,%.12g,%.12g,", (unsigned long long)req, no, node, (unsigned long long)key, t_arr, now);
    if (outcome_answered(o)) fprintf(f, "%.12g", now - t_first);
    fprintf(f, ",%s,%d\n", vocab_outcome_names[o], issued ? 1 : 0);
}

static inline void acct_trace_query(FILE *f, uint64_t key, uint32_t node, double t_issue, bool started,
                                    double t_start, double t_end, enum cause c, uint64_t req, const char *status)
{
    fprintf(f, "%llu,%u,%.12g,", (unsigned long long)key, node, t_issue);
    if (started) fprintf(f, "%.12g", t_start);
    fprintf(f, ",%.12g,%s,%llu,%s\n", t_end, vocab_cause_names[c], (unsigned long long)req, status);
}

#endif
