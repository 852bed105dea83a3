/* metricdoc.c - the metrics of a sweep, their units and words (metricdoc.h). */
#include "metricdoc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "results/output.h"

static const struct { const char *unit, *about; } doc[COL_N] = {
    [COL_REQUESTS] = { "requests", "requests that ended (each counted once, retries included in it)" },
    [COL_FAILED] = { "requests", "requests that failed: their last attempt failed and no retry followed" },
    [COL_FAILED_RATIO] = { "fraction", "share of requests that failed" },
#define X(id, key, out, words, what) [COL_FAILED_BY_##id] = { "requests", "requests that failed because " what },
    FAILURE_KINDS(X)
#undef X
    [COL_GOOD] = { "requests", "requests that succeeded within slo.latency of their first arrival" },
    [COL_GOOD_RATIO] = { "fraction", "share of requests that were good (SLO attainment)" },
    [COL_SLO_MET] = { "fraction", "1 when good_ratio met slo.target, else 0 (its mean: the share of replications)" },
    [COL_P50_ALL] = { "s", "median latency of all requests, a failed one counting as infinitely slow" },
    [COL_P90_ALL] = { "s", "p90 latency of all requests, a failed one counting as infinitely slow" },
    [COL_P99_ALL] = { "s", "p99 latency of all requests, a failed one counting as infinitely slow" },
    [COL_P999_ALL] = { "s", "p99.9 latency of all requests, a failed one counting as infinitely slow" },
    [COL_RECOVERY_TIME] = { "s", "longest recovery after a fault or burst (inf: never recovered)" },
    [COL_RECOVERED] = { "fraction", "1 when every trigger was recovered from, else 0" },
    [COL_METASTABLE] = { "fraction", "1 when a trigger was never recovered from and the load had ended, else 0" },
    [COL_ATTEMPTS] = { "attempts", "attempts sent (first attempts and retries)" },
    [COL_OK] = { "attempts", "attempts answered with a value" },
    [COL_HITS] = { "lookups", "cache lookups that found a fresh value" },
    [COL_MISSES] = { "lookups", "cache lookups that did not" },
    [COL_HIT_RATIO] = { "fraction", "hits / (hits + misses)" },
    [COL_STALE] = { "attempts", "attempts answered with an expired value" },
    [COL_WAITED] = { "attempts", "attempts answered after waiting on another's query or lock" },
    [COL_TIMEOUTS] = { "attempts", "attempts that timed out (clients.timeout)" },
    [COL_ERRORS] = { "attempts", "attempts that ended in an error" },
    [COL_RETRIES_DENIED] = { "attempts", "retries the retry budget did not send" },
    [COL_DB_QUERIES] = { "queries", "DB queries admitted" },
    [COL_DB_EARLY] = { "queries", "DB queries of early or background refreshes" },
    [COL_DB_REJECTED] = { "queries", "DB queries rejected by the full queue" },
    [COL_DB_QUEUE_TIMEOUTS] = { "queries", "DB queries dropped after db.queue_timeout in the queue" },
    [COL_DB_STATEMENT_TIMEOUTS] = { "queries", "DB queries aborted after db.statement_timeout in service" },
    [COL_DB_CANCELLED] = { "queries", "DB queries cancelled (clients.cancel)" },
    [COL_DB_REFUSED] = { "queries", "DB queries refused at once by a db_outage" },
    [COL_DB_OUTAGE_FAILED] = { "queries", "DB queries in flight that failed when a db_outage began" },
    [COL_DB_WASTED] = { "queries", "DB queries whose answer nobody waited for any more" },
    [COL_PEAK_INFLIGHT] = { "queries", "most DB queries in service at once" },
    [COL_PEAK_QUEUE] = { "queries", "most DB queries waiting in the queue at once" },
    [COL_STAMPEDES] = { "stampedes", "groups of concurrent misses of one key that each went to the DB" },
    [COL_STAMPEDE_MEAN] = { "queries", "mean DB queries per stampede" },
    [COL_STAMPEDE_MAX] = { "queries", "DB queries of the largest stampede" },
    [COL_LAT_MEAN] = { "s", "mean latency of answered requests" },
    [COL_P50] = { "s", "median latency of answered requests" },
    [COL_P90] = { "s", "p90 latency of answered requests" },
    [COL_P99] = { "s", "p99 latency of answered requests" },
    [COL_P999] = { "s", "p99.9 latency of answered requests" },
    [COL_MAX] = { "s", "largest latency of an answered request" },
    [COL_LOCK_WAITS] = { "attempts", "attempts that waited for another's lock" },
    [COL_GIVEUPS] = { "attempts", "attempts that reached max_wait (lock, coalesce)" },
    [COL_COALESCED] = { "attempts", "attempts that joined a query in flight" },
    [COL_EARLY_REFRESHES] = { "refreshes", "early or background refreshes started" },
    [COL_STALE_SERVES] = { "attempts", "attempts served an expired value" },
    [COL_EVENTS] = { "events", "events the simulator processed (a measure of work)" },
};

const char *sweep_metric_unit(int col)
{
    return col >= 0 && col < COL_N && doc[col].unit ? doc[col].unit : "";
}

const char *sweep_metric_about(int col)
{
    return col >= 0 && col < COL_N && doc[col].about ? doc[col].about : "";
}

/* Seconds in the unit of scale (the larger of mean and half-width). */
static const char *time_unit(double scale, double *mult)
{
    scale = fabs(scale);
    if (scale >= 1 || scale == 0) { *mult = 1; return "s"; }
    if (scale >= 1e-3) { *mult = 1e3; return "ms"; }
    if (scale >= 1e-6) { *mult = 1e6; return "us"; }
    *mult = 1e9;
    return "ns";
}

/* sig significant digits (whole numbers whole), never an exponent below
 * 1e15 nor above 1e-9. */
static void numsig(char *buf, size_t n, double v, int sig)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "n/a" : v > 0 ? "inf" : "-inf");
        return;
    }
    double a = fabs(v);
    if (a == 0 || a >= 1e15 || a < 1e-9) {
        snprintf(buf, n, "%.*g", sig, v);
        return;
    }
    int dec = sig - 1 - (int)floor(log10(a));
    if (dec < 0) dec = 0;
    snprintf(buf, n, "%.*f", dec, v);
    /* trailing zeros of a fraction say nothing here */
    if (strchr(buf, '.')) {
        size_t k = strlen(buf);
        while (k && buf[k - 1] == '0') buf[--k] = 0;
        if (k && buf[k - 1] == '.') buf[--k] = 0;
    }
}

static void num4(char *buf, size_t n, double v) { numsig(buf, n, v, 4); }
static void num2(char *buf, size_t n, double v) { numsig(buf, n, v, 2); }

void sweep_metric_fmt(char *buf, size_t n, int col, double v)
{
    char a[48];
    if (!strcmp(sweep_metric_unit(col), "s") && isfinite(v)) {
        double k;
        const char *u = time_unit(v, &k);
        num4(a, sizeof a, v * k);
        snprintf(buf, n, "%s %s", a, u);
        return;
    }
    num4(buf, n, v);
}

void sweep_metric_fmt_ci(char *buf, size_t n, int col, double mean, double ci95)
{
    char a[48], b[48];
    if (!isfinite(ci95) || !isfinite(mean)) {
        sweep_metric_fmt(buf, n, col, mean);
        return;
    }
    if (!strcmp(sweep_metric_unit(col), "s")) {
        double k;
        const char *u = time_unit(mean != 0 ? mean : ci95, &k);
        num4(a, sizeof a, mean * k);
        num2(b, sizeof b, ci95 * k);
        snprintf(buf, n, "%s %s \u00b1 %s %s", a, u, b, u);
        return;
    }
    num4(a, sizeof a, mean);
    num2(b, sizeof b, ci95);
    snprintf(buf, n, "%s \u00b1 %s", a, b);
}
