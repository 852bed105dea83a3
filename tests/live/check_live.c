/* check_live.c - `stampede live` against a real Redis and PostgreSQL: the
 * short version of `make live`, run by `make test-live` inside
 * tests/live/stack.sh, which starts both servers on Unix sockets and sets
 * STAMPEDE_LIVE_REDIS and STAMPEDE_LIVE_PG.
 *
 * What it checks, through the real program (`stampede live`, which runs
 * stampede-live):
 *   - a live run sends exactly the simulator's requests (ids, keys, nodes;
 *     times within the run's own send lag), bursts and schedules included;
 *   - none: the mean stampede size agrees with the simulator's within 10%,
 *     a bound the test shows is at least 4 standard errors of the difference
 *     from the run's own stampede sizes (and the expiries it observed);
 *   - every other strategy: the invariants that tell it apart (one query per
 *     expiry for lock, lease, global coalescing and xfetch-lock; one per node
 *     for node coalescing; no miss for refresh_ahead and xfetch; stale
 *     answers and no DB wait for swr), in both the simulator and live;
 *   - faults, timeouts, retries and the queue limit, counts paired with the
 *     simulator's because a flush at a fixed time sees the same arrivals;
 *   - TTL jitter as written to Redis; closed-loop clients; refusals and bad
 *     servers (exit 2 or 1, nothing written); an interrupted run; the results
 *     folder (mode "live", agreement.csv, plot and report.html);
 *   - with STAMPEDE_LIVE_ASAN (an ASan+UBSan stampede-live), every strategy
 *     and the faults once under the sanitizers;
 *   - no key of any run is left in Redis.
 * Every run is bounded: a few seconds of scenario time and --max-drain. */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static const char *redis_url(void) { return getenv("STAMPEDE_LIVE_REDIS"); }
static const char *pg_info(void) { return getenv("STAMPEDE_LIVE_PG"); }

/* Runs `stampede live SCEN --redis .. --postgres .. ARGS`; returns the exit status. */
static int live(char **out, char **err, const char *scen, const char *args)
{
    return tu_runf(out, err, "live '%s' --redis '%s' --postgres '%s' --quiet --max-drain 20s %s", scen, redis_url(),
                   pg_info(), args);
}

/* A number of label's comparison row in DIR/comparison.csv (column by name). */
static double cmp_value(const char *dir, const char *label, const char *col)
{
    char *text = tu_slurp(tu_pathf("%s/comparison.csv", dir));
    ck_assert_msg(text != NULL, "no %s/comparison.csv", dir);
    double v = NAN;
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    int ci = -1, k = 0;
    for (char *c = line; c; k++) {
        char *e = strchr(c, ',');
        size_t n = e ? (size_t)(e - c) : strlen(c);
        if (n == strlen(col) && !strncmp(c, col, n)) ci = k;
        c = e ? e + 1 : NULL;
    }
    ck_assert_msg(ci >= 0, "no column %s", col);
    while ((line = strtok_r(NULL, "\n", &save))) {
        size_t ln = strlen(label);
        if (strncmp(line, label, ln) || line[ln] != ',') continue;
        char *c = line;
        for (int i = 0; i < ci && c; i++) c = strchr(c, ',') ? strchr(c, ',') + 1 : NULL;
        if (c && *c && *c != ',') v = strtod(c, NULL);
    }
    free(text);
    return v;
}

/* The live folder's and its simulation's value. */
static double L_(const char *dir, const char *label, const char *col) { return cmp_value(dir, label, col); }
static double S_(const char *dir, const char *label, const char *col)
{
    return cmp_value(tu_pathf("%s/sim/%s", dir, label), label, col);
}

/* Mean and variance of the stampede sizes in DIR/label/stampede_sizes.csv. */
static void sizes(const char *dir, const char *label, double *n, double *mean, double *var)
{
    char *text = tu_slurp(tu_pathf("%s/%s/stampede_sizes.csv", dir, label));
    ck_assert(text != NULL);
    double s0 = 0, s1 = 0, s2 = 0;
    char *save = NULL;
    strtok_r(text, "\n", &save);
    for (char *line; (line = strtok_r(NULL, "\n", &save));) {
        double lo, hi, c;
        ck_assert_int_eq(sscanf(line, "%lf,%lf,%lf", &lo, &hi, &c), 3);
        ck_assert(lo == hi);   /* exact sizes below 1024 */
        s0 += c;
        s1 += c * lo;
        s2 += c * lo * lo;
    }
    free(text);
    *n = s0;
    *mean = s1 / s0;
    *var = s2 / s0 - *mean * *mean;
}

static char *g_tmp;

static void setup(void)
{
    ck_assert_msg(redis_url() && pg_info(), "run through tests/live/stack.sh (make test-live)");
    g_tmp = tu_tmpdir();
}

static void teardown(void)
{
    tu_rmrf(g_tmp);
    free(g_tmp);
}

/* ---------------------------------------------------------------- none: statistics */

/* One key at 1,000 requests/s, Δ = 100 ms, TTL 0.25 s: about 57 expiries in
 * 20 s, each a stampede of 1 + λΔ ≈ 101 queries (Poisson: sd 10). */
START_TEST(test_none_agrees)
{
    char out[4096];
    snprintf(out, sizeof out, "%s/none", g_tmp);
    char *o = NULL, *e = NULL;
    int rc = live(&o, &e, tu_path("scenarios/live-hot-key.json"),
                  tu_pathf("--strategy none --set duration=22s --set warmup=2s --set cache.ttl=0.25s --compare --out %s",
                           out));
    ck_assert_msg(rc == 0, "exit %d: %s", rc, e);
    ck_assert_ptr_nonnull(strstr(o, "agreement"));
    /* the same requests */
    ck_assert_double_eq(L_(out, "none", "requests"), S_(out, "none", "requests"));
    double nl, ml, vl, ns, ms, vs;
    sizes(out, "none", &nl, &ml, &vl);
    sizes(tu_pathf("%s/sim/none", out), "none", &ns, &ms, &vs);
    ck_assert_double_eq_tol(ml, L_(out, "none", "stampede_mean"), 1e-6);
    /* Power: enough expiries that the 10% tolerance is at least 4 standard
     * errors of the difference (taken as independent, which overstates it:
     * both runs see the same arrivals). */
    ck_assert_msg(nl >= 40 && ns >= 40, "too few expiries: live %g, sim %g", nl, ns);
    double se = sqrt(vl / nl + vs / ns);
    ck_assert_msg(4 * se <= 0.10 * ms, "4 SE = %g exceeds 10%% of %g", 4 * se, ms);
    ck_assert_msg(fabs(ml / ms - 1) <= 0.10, "mean stampede: live %g, sim %g (SE of the difference %g)", ml, ms, se);
    /* λΔ ≈ 100: a mean far from it means a window of the wrong length */
    ck_assert_msg(ms > 80 && ms < 125 && ml > 80 && ml < 125, "mean stampede %g / %g, expected about 101", ms, ml);
    /* The expiries seen differ by at most a cycle or two: live's cycle is
     * longer by the write's trip to Redis and pg_sleep's rounding. */
    ck_assert_msg(fabs(nl - ns) <= 2, "expiries: live %g, sim %g", nl, ns);
    /* Hit ratio: its noise is the sum of the stampede sizes over the requests,
     * plus one stampede per expiry counted apart. */
    double req = L_(out, "none", "requests");
    double hl = L_(out, "none", "hit_ratio"), hs = S_(out, "none", "hit_ratio");
    double tol = 4 * sqrt(nl * vl + ns * vs) / req + fabs(nl - ns) * ms / req;
    ck_assert_msg(fabs(hl - hs) <= tol, "hit ratio: live %g, sim %g (tolerance %g)", hl, hs, tol);
    /* p99 is a miss waiting Δ: within 10% */
    double pl = L_(out, "none", "p99"), ps = S_(out, "none", "p99");
    ck_assert_msg(fabs(pl / ps - 1) <= 0.10, "p99: live %g, sim %g", pl, ps);
    ck_assert_double_eq(L_(out, "none", "errors"), 0);
    ck_assert_double_eq(L_(out, "none", "timeouts"), 0);
    /* the folder */
    char *sum = tu_slurp(tu_pathf("%s/none/summary.json", out));
    ck_assert_ptr_nonnull(strstr(sum, "\"mode\":\t\"live\""));
    ck_assert_ptr_nonnull(strstr(sum, "\"cache_rtt\""));
    free(sum);
    sum = tu_slurp(tu_pathf("%s/sim/none/none/summary.json", out));
    ck_assert_ptr_nonnull(strstr(sum, "\"mode\":\t\"sim\""));
    free(sum);
    char *agr = tu_slurp(tu_pathf("%s/agreement.csv", out));
    ck_assert_ptr_nonnull(agr);
    ck_assert(!strncmp(agr, "label,metric,sim,live,ratio\n", 28));
    static const char *const metrics[] = { "hit_ratio", "db_queries", "stampede_mean", "stampede_max",
                                           "peak_db_inflight", "p50", "p99" };
    for (size_t i = 0; i < sizeof metrics / sizeof *metrics; i++)
        ck_assert_msg(strstr(agr, tu_pathf("\nnone,%s,", metrics[i])), "agreement.csv has no %s", metrics[i]);
    free(agr);
    free(o);
    free(e);
    /* plot and merge read it unchanged */
    rc = tu_runf(&o, &e, "plot '%s'", out);
    ck_assert_msg(rc == 0, "plot: %s", e);
    char *html = tu_slurp(tu_pathf("%s/report.html", out));
    ck_assert_ptr_nonnull(strstr(html, "Live: real Redis and PostgreSQL"));
    ck_assert_ptr_nonnull(strstr(html, "measured live by stampede"));
    ck_assert_ptr_nonnull(strstr(html, "Simulator against live"));
    free(html);
    free(o);
    free(e);
}
END_TEST

/* ---------------------------------------------------------------- each strategy */

START_TEST(test_strategies)
{
    char out[4096];
    snprintf(out, sizeof out, "%s/all", g_tmp);
    char *o = NULL, *e = NULL;
    int rc = live(&o, &e, tu_path("scenarios/live-hot-key.json"),
                  tu_pathf("--strategy lock,coalesce,coalesce-global,lease,xfetch,xfetch-lock,swr,refresh_ahead "
                           "--set duration=5s --set warmup=1s --compare --out %s", out));
    ck_assert_msg(rc == 0, "exit %d: %s", rc, e);
    static const char *const labels[] = { "lock", "coalesce", "coalesce-global", "lease", "xfetch", "xfetch-lock",
                                          "swr", "refresh_ahead" };
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
        const char *l = labels[i];
        ck_assert_double_eq(L_(out, l, "requests"), S_(out, l, "requests"));
        ck_assert_msg(L_(out, l, "errors") == 0 && L_(out, l, "timeouts") == 0, "%s: errors or timeouts", l);
    }
    /* One query per expiry: every stampede is a single query, and both see
     * the same expiries (4 s of a 1.1 s cycle), give or take the last. */
    static const char *const single[] = { "lock", "coalesce-global", "lease", "xfetch-lock" };
    for (size_t i = 0; i < sizeof single / sizeof *single; i++) {
        const char *l = single[i];
        ck_assert_msg(L_(out, l, "stampede_max") == 1 && S_(out, l, "stampede_max") == 1, "%s: a stampede above 1", l);
        ck_assert_msg(L_(out, l, "peak_db_inflight") == 1, "%s: two queries at once", l);
        double ql = L_(out, l, "db_queries"), qs = S_(out, l, "db_queries");
        ck_assert_msg(ql >= 3 && fabs(ql - qs) <= 1, "%s: %g queries live, %g simulated", l, ql, qs);
    }
    /* lock and lease: the others wait, and are served the holder's value */
    ck_assert(L_(out, "lock", "lock_waits") > 100 && L_(out, "lock", "waited") > 100);
    ck_assert(L_(out, "lease", "lock_waits") > 100 && L_(out, "lease", "waited") > 100);
    ck_assert(L_(out, "coalesce-global", "coalesced") > 100 && L_(out, "coalesce-global", "waited") > 100);
    /* Node coalescing: one query per node (4) per expiry, exactly, since
     * each node sees about 25 misses in the 100 ms window. */
    ck_assert_double_eq(L_(out, "coalesce", "stampede_mean"), 4);
    ck_assert_double_eq(S_(out, "coalesce", "stampede_mean"), 4);
    ck_assert_double_eq(L_(out, "coalesce", "stampede_max"), 4);
    /* xfetch (beta 1, λΔ = 100) refreshes early, so nothing ever misses */
    ck_assert_double_eq(L_(out, "xfetch", "hit_ratio"), 1);
    ck_assert_double_eq(S_(out, "xfetch", "hit_ratio"), 1);
    ck_assert(L_(out, "xfetch", "early_refreshes") >= 3 && S_(out, "xfetch", "early_refreshes") >= 3);
    ck_assert_double_eq(L_(out, "xfetch-lock", "hit_ratio"), 1);
    /* refresh_ahead: background refreshes only, no miss, nobody waits for
     * the DB (p99 far below the 100 ms query) */
    ck_assert_double_eq(L_(out, "refresh_ahead", "hit_ratio"), 1);
    ck_assert_double_eq(S_(out, "refresh_ahead", "hit_ratio"), 1);
    ck_assert(L_(out, "refresh_ahead", "p99") < 0.02);
    /* swr: the expired value is served while one background refresh runs */
    ck_assert(L_(out, "swr", "stale") > 100 && S_(out, "swr", "stale") > 100);
    ck_assert(fabs(L_(out, "swr", "stale") / S_(out, "swr", "stale") - 1) < 0.10);
    ck_assert(L_(out, "swr", "p99") < 0.02);
    ck_assert_double_eq(L_(out, "swr", "stampede_max"), 1);
    /* one background refresh per expiry for both, as simulated */
    static const char *const bg[] = { "swr", "refresh_ahead" };
    for (size_t i = 0; i < 2; i++) {
        double ql = L_(out, bg[i], "db_queries"), qs = S_(out, bg[i], "db_queries");
        ck_assert_msg(ql >= 3 && fabs(ql - qs) <= 1, "%s: %g queries live, %g simulated", bg[i], ql, qs);
        ck_assert_msg(L_(out, bg[i], "db_early") == ql, "%s: a query that was not a background refresh", bg[i]);
    }
    free(o);
    free(e);
}
END_TEST

/* ---------------------------------------------------------------- the request stream */

static const char stream_json[] =
    "{\"name\": \"stream\", \"seed\": 11, \"duration\": \"2s\",\n"
    " \"clients\": {\"arrivals\": {\"schedule\": [{\"at\": 0, \"rate\": 300}, {\"at\": \"0.8s\", \"rate\": 0},"
    " {\"at\": \"1.2s\", \"rate\": 600}]},\n"
    "   \"bursts\": [{\"at\": \"0.5s\", \"requests\": 40, \"key\": \"hot\"}, {\"at\": \"0.5s\", \"requests\": 25},"
    " {\"at\": \"1s\", \"requests\": 100, \"over\": \"0.3s\", \"key\": 3}]},\n"
    " \"keys\": {\"count\": 50, \"popularity\": {\"zipf\": 1.1}}, \"app\": {\"nodes\": 3},\n"
    " \"cache\": {\"ttl\": \"0.3s\"}, \"db\": {\"workers\": 16, \"latency\": \"5ms\"}}\n";

/* id,attempt,node,key,t_arrival of first attempts, by id. */
typedef struct row { long id; int node, key; double t; } row;

static size_t read_rows(const char *path, row *rows, size_t cap)
{
    char *text = tu_slurp(path);
    ck_assert_msg(text != NULL, "no %s", path);
    size_t n = 0;
    char *save = NULL;
    strtok_r(text, "\n", &save);
    for (char *line; (line = strtok_r(NULL, "\n", &save));) {
        row r;
        int att;
        ck_assert_int_eq(sscanf(line, "%ld,%d,%d,%d,%lf", &r.id, &att, &r.node, &r.key, &r.t), 5);
        if (att != 1) continue;
        ck_assert(r.id >= 0 && (size_t)r.id < cap);
        rows[r.id] = r;
        n++;
    }
    free(text);
    return n;
}

START_TEST(test_same_requests)
{
    char *scen = tu_scenario(g_tmp, "stream.json", stream_json);
    char out[4096], sout[4096];
    snprintf(out, sizeof out, "%s/stream", g_tmp);
    snprintf(sout, sizeof sout, "%s/stream-sim", g_tmp);
    char *o = NULL, *e = NULL;
    int rc = live(&o, &e, scen, tu_pathf("--trace --out %s", out));
    ck_assert_msg(rc == 0, "exit %d: %s", rc, e);
    free(o);
    free(e);
    rc = tu_runf(&o, &e, "run '%s' --trace --quiet --out %s", scen, sout);
    ck_assert_int_eq(rc, 0);
    enum { CAP = 4000 };
    row *a = calloc(CAP, sizeof *a), *b = calloc(CAP, sizeof *b);
    size_t na = read_rows(tu_pathf("%s/none/requests.csv", out), a, CAP);
    size_t nb = read_rows(tu_pathf("%s/none/requests.csv", sout), b, CAP);
    ck_assert_uint_eq(na, nb);
    ck_assert(na > 800);
    double lag_max = tu_json_num(tu_pathf("%s/none/summary.json", out), "live.lag.max");
    ck_assert(isfinite(lag_max));
    for (size_t i = 0; i < na; i++) {
        ck_assert_msg(a[i].key == b[i].key && a[i].node == b[i].node, "request %zu: key %d node %d live, %d %d sim", i,
                      a[i].key, a[i].node, b[i].key, b[i].node);
        /* sent at its time, late by at most the lag the run reports */
        ck_assert_msg(a[i].t >= b[i].t - 1e-6 && a[i].t <= b[i].t + lag_max + 1e-6, "request %zu at %g, due %g", i,
                      a[i].t, b[i].t);
    }
    free(a);
    free(b);
    free(scen);
    free(o);
    free(e);
}
END_TEST

/* ---------------------------------------------------------------- faults, timeouts, retries, queue */

/* The cache holds the key until two flushes (1 s, and 2.2 s inside a 3x DB
 * slowdown); 8 workers and a queue of 16 reject most of each stampede;
 * waiters time out at 50 ms and retry once. */
static const char faults_json[] =
    "{\"name\": \"faults\", \"seed\": 5, \"duration\": \"3s\",\n"
    " \"clients\": {\"arrivals\": {\"rate\": 1000}, \"timeout\": \"50ms\",\n"
    "   \"retries\": {\"max\": 1, \"backoff\": \"10ms\", \"jitter\": \"none\"}},\n"
    " \"cache\": {\"ttl\": \"10s\", \"initial\": \"synchronized\"},\n"
    " \"db\": {\"workers\": 8, \"queue_limit\": 16, \"latency\": \"100ms\"},\n"
    " \"faults\": [{\"at\": \"1s\", \"type\": \"cache_flush\"},\n"
    "   {\"at\": \"2s\", \"until\": \"2.5s\", \"type\": \"db_slowdown\", \"factor\": 3},\n"
    "   {\"at\": \"2.2s\", \"type\": \"cache_flush\"}]}\n";

START_TEST(test_faults)
{
    char *scen = tu_scenario(g_tmp, "faults.json", faults_json);
    char out[4096];
    snprintf(out, sizeof out, "%s/faults", g_tmp);
    char *o = NULL, *e = NULL;
    int rc = live(&o, &e, scen, tu_pathf("--trace --compare --out %s", out));
    ck_assert_msg(rc == 0, "exit %d: %s", rc, e);
    /* Each flush lands at a fixed time on the same arrivals in both, so the
     * counts pair up: they differ only by requests within a few ms of a
     * window's edge (5 ms of traffic is 5 requests), and by 3% for the
     * shorter or longer retries that follow. */
    static const char *const cols[] = { "timeouts", "errors", "db_rejected", "db_queries", "stampedes", "attempts" };
    for (size_t i = 0; i < sizeof cols / sizeof *cols; i++) {
        double l = L_(out, "none", cols[i]), s = S_(out, "none", cols[i]);
        ck_assert_msg(s > 0 && fabs(l - s) <= 5 + 0.03 * s, "%s: live %g, sim %g", cols[i], l, s);
    }
    ck_assert_double_eq(S_(out, "none", "stampedes"), 2);
    ck_assert_double_eq(L_(out, "none", "stampedes"), 2);
    ck_assert(L_(out, "none", "attempts") > L_(out, "none", "requests"));
    /* db_slowdown: a query starting in [2, 2.5) is in service 3 x 100 ms */
    char *db = tu_slurp(tu_pathf("%s/none/db.csv", out));
    ck_assert_ptr_nonnull(db);
    int slow = 0, fast = 0;
    char *save = NULL;
    strtok_r(db, "\n", &save);
    for (char *line; (line = strtok_r(NULL, "\n", &save));) {
        unsigned key, node;
        double ti, ts, te;
        if (sscanf(line, "%u,%u,%lf,%lf,%lf", &key, &node, &ti, &ts, &te) != 5) continue;   /* rejected rows */
        double d = te - ts, want = ts >= 2 && ts < 2.5 ? 0.3 : 0.1;
        ck_assert_msg(d >= want * 0.98 && d <= want * 1.05 + 0.003, "query started at %g served %g s", ts, d);
        if (want > 0.2) slow++;
        else fast++;
    }
    ck_assert(slow >= 8 && fast >= 8);
    free(db);
    free(scen);
    free(o);
    free(e);
}
END_TEST

/* ---------------------------------------------------------------- TTL jitter, closed loop */

START_TEST(test_jitter_and_closed_loop)
{
    /* ttl 0.2 s with jitter 0.5: a value lives 0.1 to 0.3 s after its write,
     * so the gaps between a stampede's end and the next one spread there */
    char *scen = tu_scenario(g_tmp, "jitter.json",
                             "{\"name\": \"jitter\", \"seed\": 3, \"duration\": \"4s\", \"clients\": {\"arrivals\": "
                             "{\"rate\": 500}}, \"cache\": {\"ttl\": \"0.2s\", \"ttl_jitter\": 0.5}, \"db\": "
                             "{\"workers\": 32, \"latency\": \"10ms\"}}");
    char out[4096];
    snprintf(out, sizeof out, "%s/jitter", g_tmp);
    char *o = NULL, *e = NULL;
    int rc = live(&o, &e, scen, tu_pathf("--trace --out %s", out));
    ck_assert_msg(rc == 0, "exit %d: %s", rc, e);
    char *db = tu_slurp(tu_pathf("%s/none/db.csv", out));
    double last_end = -1, lo = 1, hi = 0, s1 = 0, s2 = 0;
    int n = 0;
    char *save = NULL;
    strtok_r(db, "\n", &save);
    for (char *line; (line = strtok_r(NULL, "\n", &save));) {
        unsigned key, node;
        double ti, ts, te;
        ck_assert_int_eq(sscanf(line, "%u,%u,%lf,%lf,%lf", &key, &node, &ti, &ts, &te), 5);
        if (last_end >= 0 && ti >= last_end) {   /* a new stampede: the previous group's last write + its TTL */
            double gap = ti - last_end;
            lo = gap < lo ? gap : lo;
            hi = gap > hi ? gap : hi;
            s1 += gap;
            s2 += gap * gap;
            n++;
        }
        if (te > last_end) last_end = te;
    }
    free(db);
    ck_assert(n >= 10);
    double sd = sqrt(s2 / n - (s1 / n) * (s1 / n));
    /* U(0.1, 0.3) has sd 0.058; the next arrival after expiry adds ~2 ms */
    ck_assert_msg(lo >= 0.1 - 0.002 && hi <= 0.3 + 0.03 && sd > 0.03, "gaps %g..%g, sd %g", lo, hi, sd);
    free(o);
    free(e);
    free(scen);

    /* 20 closed-loop clients thinking 10 ms: throughput is set by the think
     * time (hits take microseconds), in both */
    scen = tu_scenario(g_tmp, "closed.json",
                       "{\"name\": \"closed\", \"seed\": 4, \"duration\": \"2s\", \"clients\": {\"arrivals\": "
                       "{\"closed\": {\"population\": 20, \"think\": {\"dist\": \"exponential\", \"mean\": \"10ms\"}}}},"
                       " \"cache\": {\"ttl\": \"0.5s\"}, \"db\": {\"workers\": 20, \"latency\": \"5ms\"}}");
    snprintf(out, sizeof out, "%s/closed", g_tmp);
    rc = live(&o, &e, scen, tu_pathf("--compare --out %s", out));
    ck_assert_msg(rc == 0, "exit %d: %s", rc, e);
    double rl = L_(out, "none", "requests"), rs = S_(out, "none", "requests");
    ck_assert_msg(rs > 3000 && fabs(rl / rs - 1) < 0.10, "closed loop: %g requests live, %g simulated", rl, rs);
    free(o);
    free(e);
    free(scen);
}
END_TEST

/* ---------------------------------------------------------------- what is refused, bad servers */

START_TEST(test_refusals)
{
    char *o = NULL, *e = NULL;
    char out[4096];
    snprintf(out, sizeof out, "%s/refused", g_tmp);
    const char *hot = tu_path("scenarios/live-hot-key.json");
    struct { const char *args, *msg; int status; } cases[] = {
        { "--set 'db.overload={\"usl\": {\"sigma\": 0.1, \"kappa\": 0.01}}'", "/db/overload: USL overload cannot run live", 2 },
        { "--set db.workers=unlimited", "/db/workers: live opens one PostgreSQL connection per worker", 2 },
        { "--set db.queue_timeout=50ms", "/db/queue_timeout: the overload controls do not run live yet", 2 },
        { "--set clients.arrivals.rate=100000", "live sends them in real time", 2 },
        { "--compare --set 'strategies.0.label=sim'", "labelled \"sim\"", 2 },
        { "--max-drain 0", "--max-drain needs a duration > 0", 2 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc = live(&o, &e, hot, tu_pathf("%s --out %s", cases[i].args, out));
        ck_assert_msg(rc == cases[i].status && strstr(e, cases[i].msg), "%s: exit %d: %s", cases[i].args, rc, e);
        ck_assert(!tu_exists(out));
        free(o);
        free(e);
    }
    /* no servers named, a bad URL, servers that are not there */
    int rc = tu_runf(&o, &e, "live '%s' --out %s", hot, out);
    ck_assert(rc == 2 && strstr(e, "give both --redis URL and --postgres CONNINFO"));
    free(o);
    free(e);
    rc = tu_runf(&o, &e, "live '%s' --redis http://x --postgres '%s' --out %s", hot, pg_info(), out);
    ck_assert_msg(rc == 2 && strstr(e, "--redis: expected redis://"), "%d %s", rc, e);
    free(o);
    free(e);
    rc = tu_runf(&o, &e, "live '%s' --redis unix:///nonexistent/redis.sock --postgres '%s' --out %s", hot, pg_info(), out);
    ck_assert_msg(rc == 1 && strstr(e, "cannot connect to Redis"), "%d %s", rc, e);
    free(o);
    free(e);
    rc = tu_runf(&o, &e, "live '%s' --redis '%s' --postgres 'host=/nonexistent dbname=x' --out %s", hot, redis_url(), out);
    ck_assert_msg(rc == 1 && strstr(e, "cannot open PostgreSQL connection 1 of 128"), "%d %s", rc, e);
    free(o);
    free(e);
    rc = tu_runf(&o, &e, "live '%s' --redis '%s' --postgres 'host=/x =' --out %s", hot, redis_url(), out);
    ck_assert_msg(rc == 2 && strstr(e, "--postgres: not a connection string"), "%d %s", rc, e);
    ck_assert(!tu_exists(out));
    free(o);
    free(e);
}
END_TEST

/* An interrupted run writes nothing and leaves no key in Redis. */
START_TEST(test_interrupt)
{
    char out[4096];
    snprintf(out, sizeof out, "%s/int", g_tmp);
    pid_t pid = fork();
    if (pid == 0) {
        char cmd[8192];
        snprintf(cmd, sizeof cmd,
                 "exec '%s' live '%s' --redis '%s' --postgres '%s' --quiet --strategy lock --set duration=20s "
                 "--set db.workers=8 --out '%s' 2>'%s/int.err'",
                 tu_prog(), tu_path("scenarios/live-hot-key.json"), redis_url(), pg_info(), out, g_tmp);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    sleep(3);
    kill(pid, SIGINT);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    char *e = tu_slurp(tu_pathf("%s/int.err", g_tmp));
    ck_assert_msg(e && strstr(e, "interrupted; nothing was written"), "%s", e ? e : "");
    free(e);
    ck_assert(!tu_exists(out));
}
END_TEST

/* ---------------------------------------------------------------- under the sanitizers */

START_TEST(test_sanitized)
{
    const char *asan = getenv("STAMPEDE_LIVE_ASAN");
    ck_assert_msg(asan && *asan, "STAMPEDE_LIVE_ASAN: the ASan+UBSan stampede-live");
    char *scen = tu_scenario(g_tmp, "faults.json", faults_json);
    const char *cases[] = {
        tu_pathf("'%s' --set duration=1s --set warmup=0.3s --set clients.arrivals.rate=300 --set db.workers=32 --compare",
                 tu_path("scenarios/live-hot-key.json")),
        tu_pathf("'%s' --trace --compare", scen),
    };
    /* tu_run runs $STAMPEDE: here the sanitized driver itself */
    setenv("STAMPEDE", asan, 1);
    setenv("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1", 1);
    setenv("UBSAN_OPTIONS", "print_stacktrace=1", 1);
    for (size_t i = 0; i < 2; i++) {
        char *o = NULL, *e = NULL;
        int rc = tu_runf(&o, &e, "%s --redis '%s' --postgres '%s' --quiet --max-drain 20s --out %s/asan%zu", cases[i],
                         redis_url(), pg_info(), g_tmp, i);
        ck_assert_msg(rc == 0, "exit %d: %s", rc, e);
        free(o);
        free(e);
    }
    free(scen);
}
END_TEST

/* Every run removed its keys: the database is empty. */
START_TEST(test_no_keys_left)
{
    const char *sock = redis_url() + strlen("unix://");
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "redis-cli -s '%s' dbsize", sock);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    long n = -1;
    ck_assert_int_eq(fscanf(p, "%ld", &n), 1);
    pclose(p);
    ck_assert_msg(n == 0, "%ld keys left in Redis", n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("live");
    TCase *t = tcase_create("live");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 180);
    tcase_add_test(t, test_refusals);
    tcase_add_test(t, test_same_requests);
    tcase_add_test(t, test_none_agrees);
    tcase_add_test(t, test_strategies);
    tcase_add_test(t, test_faults);
    tcase_add_test(t, test_jitter_and_closed_loop);
    tcase_add_test(t, test_interrupt);
    tcase_add_test(t, test_sanitized);
    tcase_add_test(t, test_no_keys_left);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
