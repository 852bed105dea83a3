/* check_failure.c - how requests end (succeeded or failed, failed_by), the
 * SLO, latency over every request (latency_all) and recovery after a
 * trigger, through the real program on small replayed traces whose answers
 * are computed by hand in the comments; and every new output present for
 * every strategy.  Closed forms against queueing theory are in
 * check_validation.c. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testmain.h"

static char *work;

static void setup(void) { work = tu_tmpdir(); }
static void teardown(void)
{
    tu_rmrf(work);
    free(work);
}

/* Writes a trace of rows "t,0" at the given times and the scenario (with
 * TRACE standing for the trace's file name), runs it into work/NAME and
 * returns the path of LABEL's summary.json (static buffer). */
static const char *run_trace(const char *name, const double *t, size_t n, const char *json, const char *extra)
{
    char *csv = malloc(n * 32 + 16), *p = csv;
    p += sprintf(p, "t,key\n");
    for (size_t i = 0; i < n; i++) p += sprintf(p, "%.6f,0\n", t[i]);
    ck_assert_int_eq(tu_write(tu_pathf("%s/%s.csv", work, name), csv), 0);
    free(csv);
    char *scen = tu_scenario(work, tu_pathf("%s.json", name), json);
    char *err = NULL, *out = NULL;
    int st = tu_runf(&out, &err, "run %s --quiet --out %s/%s %s", scen, work, name, extra ? extra : "");
    ck_assert_msg(st == 0, "run %s: exit %d: %s", name, st, err);
    free(scen);
    free(err);
    free(out);
    return tu_pathf("%s/%s/none/summary.json", work, name);
}

static void near_rel(const char *what, double got, double want, double rel)
{
    ck_assert_msg(fabs(got - want) <= rel * fabs(want), "%s: got %.9g, want %.9g (within %g)", what, got, want, rel);
}

/* The row of timeseries.csv starting at t, as text. */
static char *ts_row(const char *file, const char *t)
{
    char *text = tu_slurp(file);
    ck_assert_ptr_nonnull(text);
    char want[32];
    snprintf(want, sizeof want, "\n%s,", t);
    char *at = strstr(text, want);
    ck_assert_msg(at != NULL, "%s has no row %s", file, t);
    at++;
    char *nl = strchr(at, '\n');
    char *row = strndup(at, nl ? (size_t)(nl - at) : strlen(at));
    free(text);
    return row;
}

/* ---------------------------------------------------------------- latency_all and the SLO */

/* One worker, 100 ms queries, every request to the DB (TTL 0), timeout
 * 250 ms, no retries; SLO: answered within 150 ms, target 50%. */
static const char *queue_json =
    "{\"name\": \"q\", \"duration\": \"10s\", \"bin\": \"1s\",\n"
    " \"clients\": {\"arrivals\": {\"trace\": \"q.csv\"}, \"timeout\": \"250ms\"},\n"
    " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": 1, \"latency\": \"100ms\"},\n"
    " \"slo\": {\"latency\": \"150ms\", \"target\": 0.5}}\n";

START_TEST(latency_all_and_slo_by_hand)
{
    /* Five requests 10 ms apart queue on one worker: they would be answered
     * at 1.10, 1.20, 1.30, 1.40, 1.50 (latencies 0.10, 0.19, 0.28, 0.37,
     * 0.46); the last three time out at 1.27, 1.28, 1.29 (their queries go
     * on).  Three more, alone, take 0.10 each.  So 8 requests: answered
     * 0.10 x4 and 0.19, failed 3 (all by timeout).  Good (<= 150 ms): 4 of
     * 8 = 0.5 = the target: met, budget burn (1-0.5)/(1-0.5) = 1.
     * Every request sorted, failures last: .10 .10 .10 .10 .19 F F F.
     * p50: rank ceil(4) = 4 -> 0.10; p90: rank ceil(7.2) = 8 -> failed
     * (null); p99, p999: failed. */
    static const double t[] = { 1.00, 1.01, 1.02, 1.03, 1.04, 5.00, 5.50, 6.00 };
    const char *f = strdup(run_trace("q", t, 8, queue_json, NULL));
    ck_assert_double_eq(tu_json_num(f, "requests"), 8);
    ck_assert_double_eq(tu_json_num(f, "ok"), 5);
    ck_assert_double_eq(tu_json_num(f, "failed"), 3);
    ck_assert_double_eq(tu_json_num(f, "failed_ratio"), 0.375);
    ck_assert_double_eq(tu_json_num(f, "failed_by.timeout"), 3);
    ck_assert_double_eq(tu_json_num(f, "failed_by.rejected"), 0);
    ck_assert_double_eq(tu_json_num(f, "failed_by.gave_up"), 0);
    ck_assert_double_eq(tu_json_num(f, "timeouts"), 3);   /* attempts: here one per request */
    ck_assert_double_eq(tu_json_num(f, "slo.latency"), 0.15);
    ck_assert_double_eq(tu_json_num(f, "slo.target"), 0.5);
    ck_assert_double_eq(tu_json_num(f, "slo.good"), 4);
    ck_assert_double_eq(tu_json_num(f, "slo.good_ratio"), 0.5);
    ck_assert_str_eq(tu_json_type(f, "slo.met"), "true");
    ck_assert_double_eq(tu_json_num(f, "slo.budget_burn"), 1);
    near_rel("latency_all.p50", tu_json_num(f, "latency_all.p50"), 0.10, 1.0 / 256);
    ck_assert_str_eq(tu_json_type(f, "latency_all.p90"), "null");
    ck_assert_str_eq(tu_json_type(f, "latency_all.p99"), "null");
    ck_assert_str_eq(tu_json_type(f, "latency_all.p999"), "null");
    /* Answered requests only: p99 is the 0.19 (rank ceil(4.95) = 5 of 5). */
    near_rel("latency.p99", tu_json_num(f, "latency.p99"), 0.19, 1.0 / 256);
    /* The bin of t=1 s: 2 answered (1.10, 1.20), 3 failed (1.27-1.29), 1
     * good; its p99 over all 5 is rank 5: failed, "inf" in CSV.  The bin of
     * 5 s: two answered in 0.10 each. */
    char *tsf = strdup(tu_pathf("%s/q/none/timeseries.csv", work));
    char *hdr = tu_slurp(tsf);
    ck_assert_ptr_nonnull(strstr(hdr, ",p50,p99,p999,succeeded,failed,good,p99_all\n"));
    free(hdr);
    char *r1 = ts_row(tsf, "1"), *r5 = ts_row(tsf, "5");
    ck_assert_msg(strstr(r1, ",2,3,1,inf") && r1[strlen(r1) - 1] == 'f', "bin 1: %s", r1);
    ck_assert_msg(strstr(r5, ",2,0,2,0.1"), "bin 5: %s", r5);
    free(r1);
    free(r5);
    free(tsf);
    /* comparison.csv: the failed percentiles are "inf", the others numbers. */
    char *cmp = tu_slurp(tu_pathf("%s/q/comparison.csv", work));
    ck_assert_ptr_nonnull(cmp);
    char *hl = strdup(cmp), *row = strchr(cmp, '\n') + 1;
    hl[strchr(hl, '\n') - hl] = 0;
    int col = 0, c90 = -1, c50 = -1, cto = -1;
    for (char *save, *tok = strtok_r(hl, ",", &save); tok; tok = strtok_r(NULL, ",", &save), col++) {
        if (!strcmp(tok, "p90_all")) c90 = col;
        if (!strcmp(tok, "p50_all")) c50 = col;
        if (!strcmp(tok, "failed_by_timeout")) cto = col;
    }
    ck_assert(c90 > 0 && c50 > 0 && cto > 0);
    char *cells[128];
    int nc = 0;
    for (char *p = row; nc < 128;) {
        cells[nc++] = p;
        char *c = strpbrk(p, ",\n");
        if (!c || *c == '\n') { if (c) *c = 0; break; }
        *c = 0;
        p = c + 1;
    }
    ck_assert_str_eq(cells[c90], "inf");
    ck_assert_str_eq(cells[cto], "3");
    near_rel("p50_all in comparison.csv", strtod(cells[c50], NULL), 0.10, 1.0 / 256);
    free(hl);
    free(cmp);
    free((void *)f);
}
END_TEST

START_TEST(table_says_failed_and_counts_attempts)
{
    static const double t[] = { 1.00, 1.01, 1.02, 1.03, 1.04, 5.00, 5.50, 6.00 };
    run_trace("q", t, 8, queue_json, NULL);
    char *out = NULL;
    ck_assert_int_eq(tu_runf(&out, NULL, "run %s/q.json --out %s/q2", work, work), 0);
    /* Requests first, then answered requests, the DB, and attempts last,
     * under their own headings; p99 over all requests reads "failed". */
    char *req = strstr(out, " requests "), *ans = strstr(out, " answered requests "), *att = strstr(out, " attempts ");
    ck_assert_msg(req && ans && att && req < ans && ans < att, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "failed%"));
    ck_assert_ptr_nonnull(strstr(out, "good%"));   /* the scenario has an SLO latency */
    ck_assert_ptr_null(strstr(out, "recovery"));   /* and no trigger */
    char *none = strstr(out, "\nnone");
    ck_assert_ptr_nonnull(none);
    ck_assert_msg(strstr(none, " 37.50 ") && strstr(none, " 50.00 ") && strstr(none, " failed "), "%s", none);
    free(out);
}
END_TEST

/* ---------------------------------------------------------------- each way to fail */

START_TEST(each_failure_kind_by_hand)
{
    /* rejected: one worker, no queue, 100 ms queries.  Requests at 1.00 and
     * 1.05: the second is rejected (an error attempt) and has no retry. */
    static const char *rej =
        "{\"name\": \"r\", \"duration\": \"10s\",\n"
        " \"clients\": {\"arrivals\": {\"trace\": \"r.csv\"}},\n"
        " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": 1, \"queue_limit\": 0, \"latency\": \"100ms\"}}\n";
    static const double t1[] = { 1.00, 1.05 };
    const char *f = run_trace("r", t1, 2, rej, NULL);
    ck_assert_double_eq(tu_json_num(f, "failed"), 1);
    ck_assert_double_eq(tu_json_num(f, "failed_by.rejected"), 1);
    ck_assert_double_eq(tu_json_num(f, "errors"), 1);
    /* With one retry 200 ms later (no jitter) the DB is free again at 1.25:
     * the attempt failed, the request did not. */
    f = run_trace("r", t1, 2, rej, "--set 'clients.retries={\"max\": 1, \"backoff\": \"200ms\", \"jitter\": \"none\"}'");
    ck_assert_double_eq(tu_json_num(f, "errors"), 1);
    ck_assert_double_eq(tu_json_num(f, "attempts"), 3);
    ck_assert_double_eq(tu_json_num(f, "failed"), 0);
    ck_assert_double_eq(tu_json_num(f, "ok"), 2);
    /* A retry due at or after duration is not sent: requests at 9.90 and
     * 9.95 with duration 10 s; the second's retry would be at 10.15, so it
     * fails there, once, as rejected. */
    static const double t2[] = { 9.90, 9.95 };
    f = run_trace("r", t2, 2, rej, "--set 'clients.retries={\"max\": 3, \"backoff\": \"200ms\", \"jitter\": \"none\"}'");
    ck_assert_double_eq(tu_json_num(f, "requests"), 2);
    ck_assert_double_eq(tu_json_num(f, "attempts"), 2);
    ck_assert_double_eq(tu_json_num(f, "failed"), 1);
    ck_assert_double_eq(tu_json_num(f, "failed_by.rejected"), 1);
    /* Timeouts and a retry: 300 ms queries, timeout 200 ms, one retry at
     * once (backoff 0): both attempts time out; one request, failed once,
     * two timeout attempts, two queries (the first goes on after its
     * requester left). */
    static const char *slow =
        "{\"name\": \"s\", \"duration\": \"10s\",\n"
        " \"clients\": {\"arrivals\": {\"trace\": \"s.csv\"}, \"timeout\": \"200ms\", \"retries\": {\"max\": 1, \"backoff\": 0}},\n"
        " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": \"unlimited\", \"latency\": \"300ms\"}}\n";
    static const double t3[] = { 1.00 };
    f = run_trace("s", t3, 1, slow, NULL);
    ck_assert_double_eq(tu_json_num(f, "timeouts"), 2);
    ck_assert_double_eq(tu_json_num(f, "failed"), 1);
    ck_assert_double_eq(tu_json_num(f, "failed_by.timeout"), 1);
    ck_assert_double_eq(tu_json_num(f, "db.queries"), 2);
    /* gave_up: a lock; the first request takes it and queries for 200 ms;
     * the second's first lock step ends at 1.01, it polls every 10 ms and
     * gives up 50 ms later with on_give_up error. */
    static const char *lock =
        "{\"name\": \"g\", \"duration\": \"10s\",\n"
        " \"clients\": {\"arrivals\": {\"trace\": \"g.csv\"}},\n"
        " \"cache\": {\"ttl\": \"1m\", \"initial\": \"cold\"}, \"db\": {\"workers\": 4, \"latency\": \"200ms\"},\n"
        " \"strategies\": [{\"name\": \"lock\", \"label\": \"none\", \"poll\": \"10ms\", \"max_wait\": \"50ms\",\n"
        "                  \"on_give_up\": \"error\"}]}\n";
    static const double t4[] = { 1.00, 1.01 };
    f = run_trace("g", t4, 2, lock, NULL);
    ck_assert_double_eq(tu_json_num(f, "failed"), 1);
    ck_assert_double_eq(tu_json_num(f, "failed_by.gave_up"), 1);
    ck_assert_double_eq(tu_json_num(f, "strategy_counters.giveups"), 1);
    ck_assert_double_eq(tu_json_num(f, "ok"), 1);
}
END_TEST

/* ---------------------------------------------------------------- recovery */

/* A request every 100 ms (at k/10 + 0.05 s), one worker, 19 ms queries, every
 * request to the DB, timeout 300 ms, no retries; a slowdown of the queries
 * that start in [10.0, 10.1) by FACTOR; recovery judged with hold 3 s,
 * tolerance 0 and latency factor 2. */
#define REC_JSON \
    "{\"name\": \"rc\", \"duration\": \"30s\", \"bin\": \"1s\",\n" \
    " \"clients\": {\"arrivals\": {\"trace\": \"rc.csv\"}, \"timeout\": \"300ms\"},\n" \
    " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": 1, \"latency\": \"19ms\"},\n" \
    " \"faults\": [{\"at\": \"10s\", \"until\": \"10.1s\", \"type\": \"db_slowdown\", \"factor\": %s}],\n" \
    " \"recovery\": {\"tolerance\": 0, \"latency_factor\": 2, \"hold\": \"3s\"}}\n"

static double *every_100ms(double duration, size_t *n)
{
    *n = (size_t)(duration * 10);
    double *t = malloc(*n * sizeof *t);
    for (size_t k = 0; k < *n; k++) t[k] = 0.1 * (double)k + 0.05;
    return t;
}

START_TEST(recovery_by_hand)
{
    /* Normal: each request finds the worker idle and takes 19 ms (baseline
     * good ratio 1, p99 19 ms).  The query of 10.05 starts in the window:
     * 19 ms x 61 = 1.159 s, done at 11.209.  The 11 requests of 10.15 +
     * 0.1 j (j = 0..10) queue behind it and end at 11.209 + 0.019 (j + 1),
     * latency 1.078 - 0.081 j: over 300 ms for j <= 9.  So 10.05 and
     * j = 0..9 fail, at a + 0.3 (10.35 ... 11.35): 11 failed.  j = 10 is
     * answered at 11.418 (0.268), 11.25 at 11.437, 11.35 at 11.456, 11.45
     * at 11.475, and from 11.55 on every request takes 19 ms again.
     * Bin [10, 11): 7 failed (10.35 ... 10.95), nothing answered: good
     * ratio 0, the worst.  Bin [11, 12): 4 failed, 9 answered, p99 of
     * answered 0.268 > 2 x 19 ms: not normal.  From [12, 13) on every bin
     * is normal.  Three normal bins from the boundary 12 s: recovered,
     * recovery_time = 12 - 10.1 = 1.9 s. */
    size_t n;
    double *t = every_100ms(30, &n);
    char json[2048];
    snprintf(json, sizeof json, REC_JSON, "61");
    char *first = strdup(run_trace("rc", t, n, json, NULL));
    const char *f = first;
    ck_assert_str_eq(tu_json_type(f, "recovery"), "array of 1");
    ck_assert_str_eq(tu_json_type(f, "recovery.0.trigger") , "string");
    char *text = tu_slurp(f);
    ck_assert_ptr_nonnull(strstr(text, "\"trigger\":\t\"db_slowdown\""));
    free(text);
    ck_assert_double_eq(tu_json_num(f, "recovery.0.at"), 10);
    ck_assert_double_eq(tu_json_num(f, "recovery.0.end"), 10.1);
    ck_assert_double_eq(tu_json_num(f, "recovery.0.baseline_from"), 0);
    ck_assert_double_eq(tu_json_num(f, "recovery.0.baseline_to"), 10);
    ck_assert_double_eq(tu_json_num(f, "recovery.0.baseline_good_ratio"), 1);
    near_rel("baseline_p99", tu_json_num(f, "recovery.0.baseline_p99"), 0.019, 1.0 / 256);
    ck_assert_double_eq(tu_json_num(f, "recovery.0.worst_good_ratio"), 0);
    ck_assert_str_eq(tu_json_type(f, "recovery.0.recovered"), "true");
    ck_assert_str_eq(tu_json_type(f, "recovery.0.metastable"), "false");
    near_rel("recovery_time", tu_json_num(f, "recovery.0.recovery_time"), 1.9, 1e-9);
    ck_assert_double_eq(tu_json_num(f, "failed"), 11);
    ck_assert_double_eq(tu_json_num(f, "failed_by.timeout"), 11);
    /* The time series the judgement was made on. */
    char *tsf = strdup(tu_pathf("%s/rc/none/timeseries.csv", work));
    char *r10 = ts_row(tsf, "10"), *r11 = ts_row(tsf, "11");
    ck_assert_msg(strstr(r10, ",0,7,0,inf"), "bin 10: %s", r10);
    ck_assert_msg(strstr(r11, ",9,4,9,inf"), "bin 11: %s", r11);
    free(r10);
    free(r11);
    free(tsf);
    /* Ended too close to the end to tell: with duration 13 s the first
     * boundary after 10.1 is 11, and 11 + 3 > 13: not recovered, not
     * metastable; recovery_time is "inf" in comparison.csv (not by the end). */
    free(t);
    t = every_100ms(13, &n);
    f = run_trace("rc", t, n, json, "--set duration=13");
    ck_assert_str_eq(tu_json_type(f, "recovery.0.recovered"), "false");
    ck_assert_str_eq(tu_json_type(f, "recovery.0.metastable"), "false");
    ck_assert_str_eq(tu_json_type(f, "recovery.0.recovery_time"), "null");
    char *cmp = tu_slurp(tu_pathf("%s/rc/comparison.csv", work));
    ck_assert_ptr_nonnull(strstr(cmp, ",inf,0,0,"));   /* recovery_time, recovered, metastable */
    free(cmp);
    /* A trigger in the warmup is start-up: no entry, no recovery column. */
    free(t);
    t = every_100ms(30, &n);
    f = run_trace("rc", t, n, json, "--set warmup=15");
    ck_assert_str_eq(tu_json_type(f, "recovery"), "array of 0");
    free(t);
    free(first);
}
END_TEST

START_TEST(metastable_by_hand)
{
    /* The same trace with 45 ms queries (load 0.45), a 200 ms timeout and
     * two retries at once: the slow query of 10.05 (45 ms x 30 = 1.35 s)
     * makes a queue longer than the timeout; from then on every attempt
     * waits more than 200 ms, every request sends 3 attempts, i.e. 3
     * queries of 45 ms every 100 ms, and the queue only grows.  Every
     * request from 10.05 on fails (200 of the 300), the DB never recovers
     * although the slowdown ended at 10.1, long before 30 s: metastable.
     * Without retries (load 0.45) the same slowdown passes. */
    static const char *meta =
        "{\"name\": \"ms\", \"duration\": \"30s\", \"bin\": \"1s\",\n"
        " \"clients\": {\"arrivals\": {\"trace\": \"ms.csv\"}, \"timeout\": \"200ms\",\n"
        "             \"retries\": {\"max\": 2, \"backoff\": 0}},\n"
        " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": 1, \"latency\": \"45ms\"},\n"
        " \"faults\": [{\"at\": \"10s\", \"until\": \"10.1s\", \"type\": \"db_slowdown\", \"factor\": 30}],\n"
        " \"recovery\": {\"hold\": \"3s\"}}\n";
    size_t n;
    double *t = every_100ms(30, &n);
    const char *f = run_trace("ms", t, n, meta, NULL);
    ck_assert_double_eq(tu_json_num(f, "requests"), 300);
    ck_assert_double_eq(tu_json_num(f, "failed"), 200);
    ck_assert_double_eq(tu_json_num(f, "failed_by.timeout"), 200);
    ck_assert_double_eq(tu_json_num(f, "recovery.0.baseline_good_ratio"), 1);
    ck_assert_double_eq(tu_json_num(f, "recovery.0.worst_good_ratio"), 0);
    ck_assert_str_eq(tu_json_type(f, "recovery.0.recovered"), "false");
    ck_assert_str_eq(tu_json_type(f, "recovery.0.metastable"), "true");
    ck_assert_str_eq(tu_json_type(f, "recovery.0.recovery_time"), "null");
    char *cmp = tu_slurp(tu_pathf("%s/ms/comparison.csv", work));
    ck_assert_ptr_nonnull(strstr(cmp, ",inf,0,1,"));
    free(cmp);
    f = run_trace("ms", t, n, meta, "--set clients.retries.max=0");
    ck_assert_str_eq(tu_json_type(f, "recovery.0.recovered"), "true");
    ck_assert_str_eq(tu_json_type(f, "recovery.0.metastable"), "false");
    free(t);
}
END_TEST

/* ---------------------------------------------------------------- every output, every strategy */

START_TEST(every_output_for_every_strategy)
{
    static const char *json =
        "{\"name\": \"all\", \"duration\": \"20s\", \"warmup\": \"2s\", \"seed\": 3,\n"
        " \"clients\": {\"arrivals\": {\"rate\": 400}, \"timeout\": \"60ms\",\n"
        "             \"retries\": {\"max\": 1, \"backoff\": \"10ms\"},\n"
        "             \"bursts\": [{\"at\": \"14s\", \"requests\": 300, \"over\": \"200ms\", \"key\": \"hot\"}]},\n"
        " \"keys\": {\"count\": 50, \"popularity\": {\"zipf\": 1}}, \"app\": {\"nodes\": 2},\n"
        " \"cache\": {\"latency\": \"1ms\", \"ttl\": \"1s\"},\n"
        " \"db\": {\"workers\": 3, \"queue_limit\": 5, \"latency\": {\"dist\": \"exponential\", \"mean\": \"15ms\"}},\n"
        " \"faults\": [{\"at\": \"6s\", \"type\": \"cache_flush\"},\n"
        "            {\"at\": \"9s\", \"until\": \"10s\", \"type\": \"db_slowdown\", \"factor\": 4}],\n"
        " \"slo\": {\"latency\": \"50ms\"},\n"
        " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\", \"max_wait\": \"30ms\", \"on_give_up\": \"error\"},\n"
        "   {\"name\": \"coalesce\", \"max_wait\": \"30ms\", \"on_give_up\": \"error\"}, {\"name\": \"xfetch\"},\n"
        "   {\"name\": \"swr\"}, {\"name\": \"lease\"}, {\"name\": \"refresh_ahead\"}]}\n";
    char *scen = tu_scenario(work, "all.json", json);
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --quiet --out %s/all", scen, work), 0);
    free(err);
    static const char *const labels[] = { "none", "lock", "coalesce", "xfetch", "swr", "lease", "refresh_ahead" };
    static const char *const nums[] = {
        "failed", "failed_ratio", "failed_by.timeout", "failed_by.rejected", "failed_by.gave_up", "slo.latency",
        "slo.target", "slo.good", "slo.good_ratio", "slo.budget_burn", "latency_all.p50",
    };
    static const char *const rec[] = { "at", "end", "baseline_from", "baseline_to", "baseline_good_ratio",
                                       "baseline_p99", "worst_good_ratio" };
    double failed_any = 0;
    for (size_t i = 0; i < 7; i++) {
        char f[4096];
        snprintf(f, sizeof f, "%s/all/%s/summary.json", work, labels[i]);
        for (size_t k = 0; k < sizeof nums / sizeof *nums; k++)
            ck_assert_msg(!isnan(tu_json_num(f, nums[k])), "%s: no %s", labels[i], nums[k]);
        ck_assert_str_eq(tu_json_type(f, "recovery"), "array of 3");   /* flush, slowdown, burst */
        for (size_t r = 0; r < 3; r++) {
            for (size_t k = 0; k < sizeof rec / sizeof *rec; k++)
                ck_assert_msg(!isnan(tu_json_num(f, tu_pathf("recovery.%zu.%s", r, rec[k]))), "%s: recovery %zu %s",
                              labels[i], r, rec[k]);
            const char *b = tu_json_type(f, tu_pathf("recovery.%zu.recovered", r));
            ck_assert(!strcmp(b, "true") || !strcmp(b, "false"));
        }
        ck_assert_double_eq(tu_json_num(f, "recovery.2.end"), 14.2);   /* a burst ends at at + over */
        for (const char *p = "p90\0p99\0p999\0"; *p; p += strlen(p) + 1) {
            const char *ty = tu_json_type(f, tu_pathf("latency_all.%s", p));
            ck_assert_msg(!strcmp(ty, "number") || !strcmp(ty, "null"), "%s latency_all.%s: %s", labels[i], p, ty);
        }
        /* Each request ends once: answered or failed, in one way. */
        double req = tu_json_num(f, "requests"), ok = tu_json_num(f, "ok"), fail = tu_json_num(f, "failed");
        ck_assert_double_eq(req, ok + fail);
        ck_assert_double_eq(fail, tu_json_num(f, "failed_by.timeout") + tu_json_num(f, "failed_by.rejected") +
                                      tu_json_num(f, "failed_by.gave_up") + tu_json_num(f, "failed_by.queue_timeout") +
                                      tu_json_num(f, "failed_by.statement_timeout") +
                                      tu_json_num(f, "failed_by.retry_denied"));
        ck_assert(tu_json_num(f, "slo.good") <= ok);
        failed_any += fail;
        /* The time series: succeeded + failed over the bins counts every
         * request, counted or not (warmup too): at least the counted ones. */
        char *ts = tu_slurp(tu_pathf("%s/all/%s/timeseries.csv", work, labels[i]));
        ck_assert_ptr_nonnull(strstr(ts, ",succeeded,failed,good,p99_all\n"));
        double ended = 0;
        for (char *line = strchr(ts, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
            double v[19];
            char *p = line;
            for (int k = 0; k < 19; k++) {
                v[k] = *p == ',' || *p == '\n' ? 0 : strtod(p, &p);
                p = strpbrk(p, ",\n");
                if (*p == ',') p++;
            }
            ended += v[15] + v[16];
            ck_assert(v[17] <= v[15]);   /* good <= succeeded */
        }
        ck_assert(ended >= req);
        free(ts);
        char *h = tu_slurp(tu_pathf("%s/all/%s/latency_hist.csv", work, labels[i]));
        ck_assert(!strncmp(h, "lower,upper,count,cdf,cdf_all\n", 30));
        free(h);
    }
    ck_assert(failed_any > 0);
    char *cmp = tu_slurp(tu_pathf("%s/all/comparison.csv", work));
    const char *head = "label,strategy,requests,failed,failed_ratio,failed_by_timeout,failed_by_rejected,"
                       "failed_by_gave_up,failed_by_queue_timeout,failed_by_statement_timeout,failed_by_retry_denied,"
                       "failed_by_cache_error,failed_by_db_outage,failed_by_node_crash,failed_by_unfinished,good,good_ratio,slo_met,p50_all,p90_all,p99_all,p999_all,recovery_time,"
                       "recovered,metastable,attempts,ok,";
    ck_assert_msg(!strncmp(cmp, head, strlen(head)), "%.300s", cmp);
    free(cmp);
    free(scen);
}
END_TEST

START_TEST(slo_target_by_set)
{
    /* Without slo.latency a good request is one that succeeded; --set
     * slo.target works like any field.  Same trace as above: 5 of 8
     * succeeded: 0.625 >= 0.6 met, burn 0.375/0.4; against 0.95 missed,
     * burn 0.375/0.05 = 7.5. */
    static const double t[] = { 1.00, 1.01, 1.02, 1.03, 1.04, 5.00, 5.50, 6.00 };
    static const char *json =
        "{\"name\": \"q\", \"duration\": \"10s\",\n"
        " \"clients\": {\"arrivals\": {\"trace\": \"q.csv\"}, \"timeout\": \"250ms\"},\n"
        " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": 1, \"latency\": \"100ms\"}}\n";
    const char *f = run_trace("q", t, 8, json, "--set slo.target=0.6");
    ck_assert_str_eq(tu_json_type(f, "slo.latency"), "null");
    ck_assert_double_eq(tu_json_num(f, "slo.good_ratio"), 0.625);
    ck_assert_str_eq(tu_json_type(f, "slo.met"), "true");
    near_rel("budget_burn", tu_json_num(f, "slo.budget_burn"), 0.375 / 0.4, 1e-12);
    f = run_trace("q", t, 8, json, "--set slo.target=0.95");
    ck_assert_str_eq(tu_json_type(f, "slo.met"), "false");
    near_rel("budget_burn", tu_json_num(f, "slo.budget_burn"), 7.5, 1e-12);
    /* The default target is 0.999. */
    f = run_trace("q", t, 8, json, NULL);
    ck_assert_double_eq(tu_json_num(f, "slo.target"), 0.999);
    /* Bad values are refused with their place. */
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "validate %s/q.json --set slo.target=1", work), 2);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s/q.json --set slo.target=1 --out %s/never", work, work), 2);
    ck_assert_msg(strstr(err, "--set slo.target") && strstr(err, "expected a number in (0, 1)"), "%s", err);
    free(err);
}
END_TEST

static Suite *failure_suite(void)
{
    Suite *s = suite_create("failure");
    TCase *tc = tcase_create("requests");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, latency_all_and_slo_by_hand);
    tcase_add_test(tc, table_says_failed_and_counts_attempts);
    tcase_add_test(tc, each_failure_kind_by_hand);
    tcase_add_test(tc, slo_target_by_set);
    tcase_add_test(tc, every_output_for_every_strategy);
    suite_add_tcase(s, tc);
    tc = tcase_create("recovery");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, recovery_by_hand);
    tcase_add_test(tc, metastable_by_hand);
    suite_add_tcase(s, tc);
    return s;
}

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    return failure_suite();
}
