/* check_keys.c - the keys' state (model/cache.c): made on first touch, its
 * initial state a function of (seed, key id), so the outputs are the same
 * whichever order keys are first touched and whether the records sit in the
 * dense array or behind the table; flushes as epochs; the estimate of the
 * keys a run touches against the keys runs touch, up to 10^10 keys; trace
 * replay with 64-bit key ids. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "model/metrics.h"
#include "model/model.h"
#include "model/scenario.h"
#include "results/output.h"
#include "scenario/budget.h"
#include "scenario/load.h"
#include "testmain.h"
#include "testutil.h"

/* One run of strategy si: its two traces and its comparison row. */
typedef struct one_run {
    char *req, *db;
    size_t nreq, ndb;
    double col[COL_N];
    uint64_t touched, requests;
} one_run;

static void run_strategy(const scenario *sc, size_t si, bool hashed, one_run *r)
{
    metrics m;
    memset(r, 0, sizeof *r);
    ck_assert_int_eq(metrics_init(&m, sc->warmup, sc->duration, sc->bin), 0);
    FILE *frq = open_memstream(&r->req, &r->nreq), *fdb = open_memstream(&r->db, &r->ndb);
    ck_assert_ptr_nonnull(frq);
    ck_assert_ptr_nonnull(fdb);
    run_opts o = { .trace_req = frq, .trace_db = fdb, .keys_hashed = hashed };
    struct status st = STATUS_INIT;
    enum status_code code = sim_run(sc, si, &o, &m, &st);
    ck_assert_msg(code == STATUS_OK, "run: %s", status_msg(&st));
    status_clear(&st);
    fclose(frq);
    fclose(fdb);
    metrics_columns(&m, r->col);
    r->touched = m.keys_touched;
    r->requests = m.requests;
    metrics_free(&m);
}

static void run_free(one_run *r)
{
    free(r->req);
    free(r->db);
}

static scenario *load(const char *json)
{
    diag d = { 0 };
    scenario *sc = scenario_load_text("keys.json", json, strlen(json), NULL, 0, &d);
    ck_assert_msg(sc != NULL, "scenario: %s", d.n ? d.msgs[0] : "?");
    diag_free(&d);
    return sc;
}

/* Every strategy of json, with the key records in the dense array (made at
 * set-up, in id order) and behind the table (made as requests first touch
 * them, in arrival order): the same trace rows byte for byte, the same
 * comparison row, the same keys touched. */
static void same_either_way(const char *json)
{
    scenario *sc = load(json);
    for (size_t si = 0; si < sc->nstrategies; si++) {
        one_run a, b;
        run_strategy(sc, si, false, &a);
        run_strategy(sc, si, true, &b);
        ck_assert_msg(a.nreq > 1000 && a.ndb > 100, "%s: a busy run (%zu, %zu bytes of trace)",
                      sc->strategies[si].label, a.nreq, a.ndb);
        ck_assert_msg(a.nreq == b.nreq && memcmp(a.req, b.req, a.nreq) == 0, "%s: requests.csv differs",
                      sc->strategies[si].label);
        ck_assert_msg(a.ndb == b.ndb && memcmp(a.db, b.db, a.ndb) == 0, "%s: db.csv differs", sc->strategies[si].label);
        for (int c = 0; c < COL_N; c++)
            ck_assert_msg(memcmp(&a.col[c], &b.col[c], sizeof a.col[c]) == 0 || (isnan(a.col[c]) && isnan(b.col[c])),
                          "%s: column %d: %g against %g", sc->strategies[si].label, c, a.col[c], b.col[c]);
        ck_assert_uint_eq(a.touched, b.touched);
        ck_assert_uint_gt(a.touched, 100);
        run_free(&a);
        run_free(&b);
    }
    scenario_free(sc);
}

/* Every strategy, Zipf keys with a spread initial expiry, TTL jitter, two
 * flushes, a burst on a fixed key, retries and timeouts. */
START_TEST(same_outputs_whatever_the_touch_order)
{
    same_either_way("{\"seed\": 7, \"duration\": \"12s\", \"bin\": \"1s\",\n"
                    " \"clients\": {\"arrivals\": {\"rate\": 1500}, \"timeout\": \"200ms\", \"retries\": {\"max\": 2, \"backoff\": \"10ms\"},\n"
                    "   \"bursts\": [{\"at\": \"3s\", \"requests\": 400, \"over\": \"50ms\", \"key\": 1234}]},\n"
                    " \"keys\": {\"count\": 3000, \"popularity\": {\"zipf\": 1.0}},\n"
                    " \"app\": {\"nodes\": 2},\n"
                    " \"cache\": {\"ttl\": \"2s\", \"ttl_jitter\": 0.2, \"initial\": \"spread\"},\n"
                    " \"db\": {\"workers\": 8, \"latency\": {\"dist\": \"exponential\", \"mean\": \"8ms\"}},\n"
                    " \"faults\": [{\"at\": \"4s\", \"type\": \"cache_flush\"}, {\"at\": \"9s\", \"type\": \"cache_flush\"}],\n"
                    " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\", \"poll\": \"5ms\"}, {\"name\": \"lease\", \"retry\": \"5ms\"},\n"
                    "   {\"name\": \"coalesce\", \"scope\": \"global\"}, {\"name\": \"coalesce\", \"label\": \"coalesce-node\", \"scope\": \"node\"},\n"
                    "   {\"name\": \"swr\", \"grace\": \"1s\"}, {\"name\": \"refresh_ahead\", \"fraction\": 0.8}, {\"name\": \"xfetch\", \"beta\": 1}]}\n");
}
END_TEST

/* Uniform keys, synchronized expiry (every key's value expires at once). */
START_TEST(same_outputs_uniform_synchronized)
{
    same_either_way("{\"seed\": 3, \"duration\": \"6s\", \"bin\": \"1s\",\n"
                    " \"clients\": {\"arrivals\": {\"rate\": 2000}},\n"
                    " \"keys\": {\"count\": 500},\n"
                    " \"cache\": {\"ttl\": \"2s\", \"initial\": \"synchronized\"},\n"
                    " \"db\": {\"workers\": 4, \"latency\": \"3ms\"},\n"
                    " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}]}\n");
}
END_TEST

/* A key first touched after a flush finds no value: the flush emptied the
 * initial contents too, though the key had no record yet; so does a
 * cache_outage whose data is lost (from its end).  Before it, every key
 * first touched holds its initial value (a TTL far beyond the run). */
static void empties_untouched(const char *what, double from, double to)
{
    char json[2048];
    snprintf(json, sizeof json,
             "{\"seed\": 5, \"duration\": \"4s\", \"bin\": \"1s\",\n"
             " \"clients\": {\"arrivals\": {\"rate\": 1000}},\n"
             " \"keys\": {\"count\": 10000000000},\n"
             " \"cache\": {\"ttl\": \"1000s\", \"initial\": \"synchronized\"},\n"
             " \"db\": {\"workers\": \"unlimited\", \"latency\": \"1ms\"},\n"
             " \"faults\": [%s],\n"
             " \"strategies\": [{\"name\": \"none\"}]}\n", what);
    scenario *sc = load(json);
    one_run r;
    run_strategy(sc, 0, false, &r);
    tu_trace t = { 0 };
    ck_assert_int_eq(tu_trace_parse(&t, r.req, r.db, 0), 0);
    size_t before = 0, after = 0, hit_before = 0, hit_after = 0;
    for (size_t i = 0; i < t.nreq; i++) {
        bool hit = strcmp(t.req[i].outcome, "hit") == 0;
        if (t.req[i].t_arr < from) before++, hit_before += hit;
        else if (t.req[i].t_arr > to) after++, hit_after += hit;
    }
    ck_assert_uint_gt(before, 1500);
    ck_assert_uint_gt(after, 1000);
    ck_assert_uint_eq(hit_before, before);   /* 10^10 uniform keys: no key twice, all initially cached */
    ck_assert_uint_eq(hit_after, 0);
    /* keys a get read: every request's but those whose get failed in the outage */
    ck_assert_uint_ge(r.touched, before + after);
    ck_assert_uint_le(r.touched, r.requests);
    if (from == to) ck_assert_uint_eq(r.touched, r.requests);
    tu_trace_free(&t);
    run_free(&r);
    scenario_free(sc);
}

START_TEST(flush_empties_keys_not_yet_touched)
{
    empties_untouched("{\"at\": \"2s\", \"type\": \"cache_flush\"}", 2, 2);
    empties_untouched("{\"at\": \"2s\", \"until\": \"2.5s\", \"type\": \"cache_outage\", \"data\": \"lost\"}", 2, 2.5);
}
END_TEST

/* The estimate's keys touched (budget.c: the expected distinct draws)
 * against the keys runs touch, from 10^6 to 10^10 keys, Zipf and uniform;
 * and a run at 10^9 keys fits without --force. */
START_TEST(estimate_of_keys_touched)
{
    static const struct {
        const char *count, *pop;
    } cases[] = {
        { "1000000", "{\"zipf\": 1.0}" },    { "1000000000", "{\"zipf\": 1.0}" }, { "1000000000", "{\"zipf\": 0.6}" },
        { "1000000000", "{\"zipf\": 1.2}" }, { "10000000000", "{\"zipf\": 1.0}" }, { "1000000000", "\"uniform\"" },
        { "300000", "\"uniform\"" },
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char json[1024];
        snprintf(json, sizeof json,
                 "{\"seed\": 11, \"duration\": \"2s\", \"bin\": \"1s\", \"clients\": {\"arrivals\": {\"rate\": 100000}},\n"
                 " \"keys\": {\"count\": %s, \"popularity\": %s},\n"
                 " \"cache\": {\"ttl\": \"60s\", \"initial\": \"spread\"}, \"db\": {\"workers\": \"unlimited\", \"latency\": \"1ms\"},\n"
                 " \"strategies\": [{\"name\": \"none\"}]}\n",
                 cases[c].count, cases[c].pop);
        scenario *sc = load(json);
        char msg[2048];
        ck_assert_msg(budget_check(sc, false, msg, sizeof msg) == 0, "%s keys refused: %s", cases[c].count, msg);
        budget_estimate e;
        budget_estimate_of(sc, 1, &e);
        one_run r;
        run_strategy(sc, 0, false, &r);
        double got = (double)r.touched, sd = sqrt(got);
        /* the estimate is an expectation: within 1% plus 4 standard deviations of a Poisson count */
        ck_assert_msg(fabs(e.keys - got) <= 0.01 * got + 4 * sd, "%s keys %s: estimate %.0f, touched %.0f",
                      cases[c].count, cases[c].pop, e.keys, got);
        run_free(&r);
        scenario_free(sc);
    }
}
END_TEST

/* A trace's 64-bit key ids come out as they went in (no renumbering), with
 * keys.count up to 2^64 - 1; an id at or beyond keys.count is refused with
 * its row. */
START_TEST(trace_with_64_bit_ids)
{
    char *dir = tu_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char trace[4096], *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    static const char *const ids[] = { "18446744073709551614", "12345678901234567", "0", "4294967296", "9007199254740993" };
    for (int i = 0; i < 500; i++) fprintf(f, "%.4f,%s\n", i * 0.001, ids[i % 5]);
    fclose(f);
    snprintf(trace, sizeof trace, "%s/trace.csv", dir);
    ck_assert_int_eq(tu_write(trace, text), 0);
    free(text);
    char json[8192];
    snprintf(json, sizeof json,
             "{\"seed\": 1, \"duration\": \"1s\", \"bin\": \"1s\", \"clients\": {\"arrivals\": {\"trace\": \"%s\"}},\n"
             " \"keys\": {\"count\": 18446744073709551615},\n"
             " \"cache\": {\"ttl\": \"60s\"}, \"db\": {\"workers\": 2, \"latency\": \"1ms\"},\n"
             " \"strategies\": [{\"name\": \"none\"}]}\n", trace);
    char *sj = tu_scenario(dir, "s.json", json);
    char *err = NULL;
    int rc = tu_runf(NULL, &err, "run %s --quiet --trace --out %s/out", sj, dir);
    ck_assert_msg(rc == 0, "run: %s", err ? err : "");
    free(err);
    tu_trace t = { 0 };
    ck_assert_int_eq(tu_trace_load(&t, tu_pathf("%s/out/none", dir)), 0);
    ck_assert_uint_eq(t.nreq, 500);
    char *req = tu_slurp(tu_pathf("%s/out/none/requests.csv", dir));
    ck_assert_ptr_nonnull(req);
    for (int i = 0; i < 5; i++) {
        char want[64];
        snprintf(want, sizeof want, ",%s,", ids[i]);
        ck_assert_msg(strstr(req, want) != NULL, "key %s not in requests.csv", ids[i]);
    }
    ck_assert_double_eq(tu_json_num(tu_pathf("%s/out/none/summary.json", dir), "sim.keys_touched"), 5);
    free(req);
    tu_trace_free(&t);
    /* keys.count 2^64 - 2: the id 2^64 - 2 is beyond it */
    snprintf(json, sizeof json,
             "{\"seed\": 1, \"duration\": \"1s\", \"bin\": \"1s\", \"clients\": {\"arrivals\": {\"trace\": \"%s\"}},\n"
             " \"keys\": {\"count\": 18446744073709551614}, \"cache\": {\"ttl\": \"60s\"},\n"
             " \"db\": {\"workers\": 2, \"latency\": \"1ms\"}, \"strategies\": [{\"name\": \"none\"}]}\n", trace);
    char *sj2 = tu_scenario(dir, "s2.json", json);
    rc = tu_runf(NULL, &err, "run %s --quiet --out %s/out2", sj2, dir);
    ck_assert_int_eq(rc, 2);
    ck_assert_msg(err && strstr(err, "trace.csv:1:") && strstr(err, "beyond keys.count"), "message: %s", err ? err : "");
    ck_assert(!tu_exists(tu_pathf("%s/out2", dir)));
    free(err);
    free(sj);
    free(sj2);
    tu_rmrf(dir);
    free(dir);
}
END_TEST

/* Zipf draws exactly up to 2^52 keys: more is refused where it is written. */
START_TEST(zipf_beyond_2_52_keys_refused)
{
    const char *json = "{\"duration\": \"1s\", \"clients\": {\"arrivals\": {\"rate\": 10}},\n"
                       " \"keys\": {\"count\": 4503599627370497, \"popularity\": {\"zipf\": 1.0}},\n"
                       " \"cache\": {\"ttl\": \"1s\"}, \"db\": {\"latency\": \"1ms\"}, \"strategies\": [{\"name\": \"none\"}]}\n";
    diag d = { 0 };
    scenario *sc = scenario_load_text("z.json", json, strlen(json), NULL, 0, &d);
    ck_assert_ptr_null(sc);
    ck_assert_uint_ge(d.n, 1);
    ck_assert_msg(strstr(d.msgs[0], "/keys/count") && strstr(d.msgs[0], "2^52"), "message: %s", d.msgs[0]);
    diag_free(&d);
}
END_TEST

Suite *tu_suite(void)
{
    Suite *s = suite_create("keys");
    TCase *tc = tcase_create("keys");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, same_outputs_whatever_the_touch_order);
    tcase_add_test(tc, same_outputs_uniform_synchronized);
    tcase_add_test(tc, flush_empties_keys_not_yet_touched);
    tcase_add_test(tc, estimate_of_keys_touched);
    tcase_add_test(tc, trace_with_64_bit_ids);
    tcase_add_test(tc, zipf_beyond_2_52_keys_refused);
    suite_add_tcase(s, tc);
    return s;
}
