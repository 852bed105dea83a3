/* check_strategies.c - what each protection strategy does, run in this
 * process through the library (harness.h): exact outcomes in small deterministic scenarios (constant
 * latencies, bursts), invariants over long random runs, and VALIDATION.md
 * items 5 (coalescing), 6 (locking) and 7 (XFetch) against theory. */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testmain.h"
#include "testutil.h"

typedef tu_attempt req_row;
typedef tu_query db_row;

typedef hn_view run;

#define NEAR(a, b) ck_assert_msg(fabs((a) - (b)) < 1e-9, "%s = %.12g, expected %.12g", #a, (double)(a), (double)(b))

/* One key, cache 1 ms, DB 100 ms, no arrivals but the bursts. */
#define BASE(strategy, bursts, cache, db, clients)                                                        \
    "{\"duration\": 3, \"clients\": {\"arrivals\": {\"schedule\": [{\"at\": 0, \"rate\": 0}]},"           \
    " \"bursts\": [" bursts "]" clients "}, \"keys\": {\"count\": 2}, \"app\": {\"nodes\": 4},"            \
    " \"cache\": {\"latency\": \"1ms\", " cache "}, \"db\": {\"latency\": \"100ms\", " db "},"             \
    " \"strategies\": [" strategy "]}"

/* ---------------------------------------------------------------- cases */

/* Table-driven cases: a scenario, and every attempt and every query it must
 * give, worked out by hand from the semantics (cache operations 1 ms, DB
 * queries 100 ms, no other randomness that matters).  An attempt row: its
 * request and attempt number, outcome, end time, latency (NAN for a failed
 * one) and whether it issued a query; a query row: issue and end time, cause,
 * status and the request that issued it. */
typedef hn_want_att want_att;
typedef hn_want_query want_query;
typedef struct strat_case {
    const char *name, *json;
    want_att att[8];          /* up to the first with outcome NULL */
    want_query q[4];          /* up to the first with cause NULL */
    const char *column;       /* a summary column to check, or NULL */
    double value;
} strat_case;

#define COLD "\"ttl\": \"10s\", \"initial\": \"cold\""
#define UNL "\"workers\": \"unlimited\""
#define BURST(n, at) "{\"at\": " #at ", \"requests\": " #n ", \"key\": 0}"

static const strat_case cases[] = {
    { "none: every miss queries, each answered by its own query",
      BASE("{\"name\": \"none\"}", BURST(3, 0), COLD, UNL, ""),
      { { 0, 1, "fetch", 0.101, 0.101, 1 }, { 1, 1, "fetch", 0.101, 0.101, 1 }, { 2, 1, "fetch", 0.101, 0.101, 1 } },
      { { 0.001, 0.101, "miss", "ok", 0 }, { 0.001, 0.101, "miss", "ok", 1 }, { 0.001, 0.101, "miss", "ok", 2 } },
      "stampede_max", 3 },
    { "none: one worker serves the queries one after another, in issue order",
      BASE("{\"name\": \"none\"}", BURST(3, 0), COLD, "\"workers\": 1", ""),
      { { 0, 1, "fetch", 0.101, 0.101, 1 }, { 1, 1, "fetch", 0.201, 0.201, 1 }, { 2, 1, "fetch", 0.301, 0.301, 1 } },
      { { 0.001, 0.101, "miss", "ok", 0 }, { 0.001, 0.201, "miss", "ok", 1 }, { 0.001, 0.301, "miss", "ok", 2 } },
      "peak_db_queue", 2 },
    { "none: a fresh value is a hit after one cache operation",
      BASE("{\"name\": \"none\"}", BURST(2, 1), "\"ttl\": \"10s\", \"initial\": \"synchronized\"", UNL, ""),
      { { 0, 1, "hit", 1.001, 0.001, 0 }, { 1, 1, "hit", 1.001, 0.001, 0 } }, { { 0, 0, NULL, NULL, 0 } }, "db_queries", 0 },
    { "lock: the first lock step takes the lock (2 ms); the others poll at 53 and 104 ms",
      BASE("{\"name\": \"lock\"}", BURST(3, 0), COLD, UNL, ""),
      { { 0, 1, "fetch", 0.102, 0.102, 1 }, { 1, 1, "waited", 0.104, 0.104, 0 }, { 2, 1, "waited", 0.104, 0.104, 0 } },
      { { 0.002, 0.102, "lock", "ok", 0 } }, "lock_waits", 2 },
    { "lock: max_wait 60 ms after the first step (2 ms), on_give_up error",
      BASE("{\"name\": \"lock\", \"max_wait\": \"60ms\", \"on_give_up\": \"error\"}", BURST(3, 0), COLD, UNL, ""),
      { { 0, 1, "fetch", 0.102, 0.102, 1 }, { 1, 1, "error", 0.062, NAN, 0 }, { 2, 1, "error", 0.062, NAN, 0 } },
      { { 0.002, 0.102, "lock", "ok", 0 } }, "giveups", 2 },
    { "lock: on_give_up db queries at max_wait (cause giveup)",
      BASE("{\"name\": \"lock\", \"max_wait\": \"60ms\"}", BURST(2, 0), COLD, UNL, ""),
      { { 0, 1, "fetch", 0.102, 0.102, 1 }, { 1, 1, "fetch", 0.162, 0.162, 1 } },
      { { 0.002, 0.102, "lock", "ok", 0 }, { 0.062, 0.162, "giveup", "ok", 1 } }, "giveups", 1 },
    { "coalesce global: one query, the joiners answered with it",
      BASE("{\"name\": \"coalesce\", \"scope\": \"global\"}", BURST(4, 0), COLD, UNL, ""),
      { { 0, 1, "fetch", 0.101, 0.101, 1 }, { 1, 1, "waited", 0.101, 0.101, 0 }, { 2, 1, "waited", 0.101, 0.101, 0 },
        { 3, 1, "waited", 0.101, 0.101, 0 } },
      { { 0.001, 0.101, "miss", "ok", 0 } }, "coalesced", 3 },
    { "coalesce: joiners give up at max_wait 30 ms after their miss (1 ms)",
      BASE("{\"name\": \"coalesce\", \"scope\": \"global\", \"max_wait\": \"30ms\", \"on_give_up\": \"error\"}",
           BURST(3, 0), COLD, UNL, ""),
      { { 0, 1, "fetch", 0.101, 0.101, 1 }, { 1, 1, "error", 0.031, NAN, 0 }, { 2, 1, "error", 0.031, NAN, 0 } },
      { { 0.001, 0.101, "miss", "ok", 0 } }, "giveups", 2 },
    { "lease: one holder; the others get again every 10 ms and find the value at 111 ms",
      BASE("{\"name\": \"lease\"}", BURST(3, 0), COLD, UNL, ""),
      { { 0, 1, "fetch", 0.101, 0.101, 1 }, { 1, 1, "waited", 0.111, 0.111, 0 }, { 2, 1, "waited", 0.111, 0.111, 0 } },
      { { 0.001, 0.101, "lease", "ok", 0 } }, "lock_waits", 2 },
    { "swr: within grace the expired value is served at once; one background refresh",
      BASE("{\"name\": \"swr\", \"grace\": \"1s\"}", BURST(2, 1.5) ", " BURST(1, 2),
           "\"ttl\": \"1s\", \"initial\": \"synchronized\"", UNL, ""),
      { { 0, 1, "stale", 1.501, 0.001, 0 }, { 1, 1, "stale", 1.501, 0.001, 0 }, { 2, 1, "hit", 2.001, 0.001, 0 } },
      { { 1.501, 1.601, "background", "ok", 0 } }, "db_early", 1 },
    { "xfetch: a huge beta refreshes on every read, each reader waiting for its own query",
      BASE("{\"name\": \"xfetch\", \"beta\": 1e6}", BURST(2, 1), "\"ttl\": \"10s\", \"initial\": \"synchronized\"", UNL, ""),
      { { 0, 1, "refresh", 1.101, 0.101, 1 }, { 1, 1, "refresh", 1.101, 0.101, 1 } },
      { { 1.001, 1.101, "early", "ok", 0 }, { 1.001, 1.101, "early", "ok", 1 } }, "db_early", 2 },
    { "xfetch with a lock as its recompute: one refresher, the other reader a hit",
      BASE("{\"name\": \"xfetch\", \"beta\": 1e6, \"recompute\": {\"name\": \"lock\"}}", BURST(2, 1),
           "\"ttl\": \"10s\", \"initial\": \"synchronized\"", UNL, ""),
      { { 0, 1, "refresh", 1.101, 0.101, 1 }, { 1, 1, "hit", 1.001, 0.001, 0 } },
      { { 1.001, 1.101, "early", "ok", 0 } }, "db_early", 1 },
    { "refresh_ahead: the first read after half the TTL refreshes in the background, once",
      BASE("{\"name\": \"refresh_ahead\", \"fraction\": 0.5}", BURST(1, 0.6) ", " BURST(1, 0.65),
           "\"ttl\": \"1s\", \"initial\": \"synchronized\"", UNL, ""),
      { { 0, 1, "hit", 0.601, 0.001, 0 }, { 1, 1, "hit", 0.651, 0.001, 0 } },
      { { 0.601, 0.701, "background", "ok", 0 } }, "db_early", 1 },
};

#define NCASES (sizeof cases / sizeof cases[0])

START_TEST(strategy_cases)
{
    const strat_case *c = &cases[_i];
    hn_check_case(c->name, c->json, c->att, 8, c->q, 4, c->column, c->value);
}
END_TEST

/* ---------------------------------------------------------------- lock */

START_TEST(lock_one_taker_others_poll)
{
    run r = hn_go("lock", BASE("{\"name\": \"lock\"}", "{\"at\": 0, \"requests\": 5, \"key\": 0}",
                                  "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": \"unlimited\"", ""));
    ck_assert_uint_eq(r.ndb, 1);
    NEAR(r.db[0].t_issue, 0.002);   /* get 1 ms, lock step 1 ms */
    ck_assert_str_eq(r.db[0].cause, "lock");
    int fetch = 0, waited = 0;
    for (size_t i = 0; i < r.nreq; i++) {
        if (!strcmp(r.req[i].outcome, "fetch")) { fetch++; NEAR(r.req[i].t_done, 0.102); }
        else { ck_assert_str_eq(r.req[i].outcome, "waited"); waited++;
               NEAR(r.req[i].t_done, 0.104); }   /* steps end at 2, 53, 104 ms */
    }
    ck_assert_int_eq(fetch, 1);
    ck_assert_int_eq(waited, 4);
    ck_assert_double_eq(hn_num(&r, "lock", "lock_waits"), 4);
    ck_assert_double_eq(hn_num(&r, "lock", "db_queries"), 1);
    hn_free(&r.res);
}
END_TEST

START_TEST(lock_max_wait_then_db_error_or_stale)
{
    /* Steps end at 2 and 53 ms; max_wait 60 ms after the first: give up at 62 ms. */
    run r = hn_go("db", BASE("{\"name\": \"lock\", \"label\": \"db\", \"max_wait\": \"60ms\"},"
                                "{\"name\": \"lock\", \"label\": \"error\", \"max_wait\": \"60ms\", \"on_give_up\": \"error\"},"
                                "{\"name\": \"lock\", \"label\": \"stale\", \"max_wait\": \"60ms\", \"on_give_up\": \"stale\"}",
                                "{\"at\": 0, \"requests\": 3, \"key\": 0}",
                                "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": \"unlimited\"", ""));
    ck_assert_uint_eq(r.ndb, 3);
    for (size_t i = 0; i < r.nreq; i++) {
        ck_assert_str_eq(r.req[i].outcome, "fetch");
        if (!r.req[i].db) ck_abort();
    }
    int giveups = 0;
    for (size_t i = 0; i < r.ndb; i++)
        if (!strcmp(r.db[i].cause, "giveup")) { giveups++; NEAR(r.db[i].t_issue, 0.062); NEAR(r.db[i].t_end, 0.162); }
    ck_assert_int_eq(giveups, 2);
    ck_assert_double_eq(hn_num(&r, "db", "giveups"), 2);
    hn_select(&r, "error");
    int errors = 0;
    for (size_t i = 0; i < r.nreq; i++)
        if (!strcmp(r.req[i].outcome, "error")) { errors++; NEAR(r.req[i].t_done, 0.062); }
    ck_assert_int_eq(errors, 2);
    ck_assert_uint_eq(r.ndb, 1);
    /* "stale" with nothing read: the cache was cold, so it queries the DB. */
    hn_select(&r, "stale");
    ck_assert_uint_eq(r.ndb, 3);
    hn_free(&r.res);
}
END_TEST

START_TEST(lock_give_up_stale_serves_what_it_read)
{
    /* Values written at t=0 expire at 1 s; the burst at 1 s reads them expired. */
    run r = hn_go("lock", BASE("{\"name\": \"lock\", \"max_wait\": \"60ms\", \"on_give_up\": \"stale\"}",
                                  "{\"at\": 1, \"requests\": 3, \"key\": 0}",
                                  "\"ttl\": \"1s\", \"initial\": \"synchronized\"", "\"workers\": \"unlimited\"", ""));
    int stale = 0;
    for (size_t i = 0; i < r.nreq; i++)
        if (!strcmp(r.req[i].outcome, "stale")) { stale++; NEAR(r.req[i].t_done, 1.062); }
    ck_assert_int_eq(stale, 2);
    ck_assert_double_eq(hn_num(&r, "lock", "stale"), 2);
    ck_assert_double_eq(hn_num(&r, "lock", "stale_serves"), 2);
    hn_free(&r.res);
}
END_TEST

START_TEST(lock_stale_while_locked_serves_at_once)
{
    run r = hn_go("lock", BASE("{\"name\": \"lock\", \"stale_while_locked\": true}",
                                  "{\"at\": 1, \"requests\": 4, \"key\": 0}",
                                  "\"ttl\": \"1s\", \"initial\": \"synchronized\"", "\"workers\": \"unlimited\"", ""));
    int stale = 0;
    for (size_t i = 0; i < r.nreq; i++)
        if (!strcmp(r.req[i].outcome, "stale")) { stale++; NEAR(r.req[i].latency, 0.002); }
        else { ck_assert_str_eq(r.req[i].outcome, "fetch"); NEAR(r.req[i].latency, 0.102); }
    ck_assert_int_eq(stale, 3);
    hn_free(&r.res);
}
END_TEST

START_TEST(lock_rejected_taker_blocks_until_lock_ttl)
{
    /* Key 1 takes the only worker from 2 to 102 ms; key 0's taker is rejected
     * at 12 ms and keeps the lock until lock_ttl (300 ms): the waiter's steps end
     * at 12 + 51k ms and the first at or after 312 ms (k = 6, 318 ms) takes it. */
    run r = hn_go("lock", BASE("{\"name\": \"lock\", \"lock_ttl\": \"300ms\", \"max_wait\": \"5s\"}",
                                  "{\"at\": 0, \"requests\": 1, \"key\": 1}, {\"at\": \"10ms\", \"requests\": 2, \"key\": 0}",
                                  "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": 1, \"queue_limit\": 0", ""));
    const req_row *taker = hn_by_id(&r, 1, 1), *waiter = hn_by_id(&r, 2, 1);
    ck_assert_str_eq(taker->outcome, "error");
    NEAR(taker->t_done, 0.012);
    ck_assert_str_eq(waiter->outcome, "fetch");
    NEAR(waiter->t_done, 0.418);
    ck_assert_double_eq(hn_num(&r, "lock", "db_rejected"), 1);
    ck_assert_double_eq(hn_num(&r, "lock", "db_queries"), 2);
    hn_free(&r.res);
}
END_TEST

START_TEST(lock_timed_out_taker_still_writes)
{
    /* Both time out at 60 ms and retry at once; the taker's query goes on and
     * writes at 102 ms; the retries' steps end at 62 ms (held) and 113 ms, which
     * finds the value (waited). */
    run r = hn_go("lock", BASE("{\"name\": \"lock\"}", "{\"at\": 0, \"requests\": 2, \"key\": 0}",
                                  "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": \"unlimited\"",
                                  ", \"timeout\": \"60ms\", \"retries\": {\"max\": 1, \"backoff\": 0}"));
    ck_assert_uint_eq(r.ndb, 1);
    NEAR(r.db[0].t_end, 0.102);
    for (long id = 0; id < 2; id++) {
        ck_assert_str_eq(hn_by_id(&r, id, 1)->outcome, "timeout");
        const req_row *second = hn_by_id(&r, id, 2);
        ck_assert_str_eq(second->outcome, "waited");
        NEAR(second->t_done, 0.113);
        NEAR(second->latency, 0.113);
    }
    ck_assert_double_eq(hn_num(&r, "lock", "db_wasted"), 1);
    hn_free(&r.res);
}
END_TEST

/* ---------------------------------------------------------------- coalesce */

START_TEST(coalesce_global_one_query)
{
    run r = hn_go("coalesce", BASE("{\"name\": \"coalesce\", \"scope\": \"global\"}", "{\"at\": 0, \"requests\": 6, \"key\": 0}",
                                      "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": \"unlimited\"", ""));
    ck_assert_uint_eq(r.ndb, 1);
    for (size_t i = 0; i < r.nreq; i++) {
        NEAR(r.req[i].t_done, 0.101);
        ck_assert_str_eq(r.req[i].outcome, r.req[i].db ? "fetch" : "waited");
    }
    ck_assert_double_eq(hn_num(&r, "coalesce", "coalesced"), 5);
    hn_free(&r.res);
}
END_TEST

START_TEST(coalesce_node_one_query_per_node)
{
    run r = hn_go("coalesce", BASE("{\"name\": \"coalesce\"}", "{\"at\": 0, \"requests\": 12, \"key\": 0}",
                                      "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": \"unlimited\"", ""));
    int nodes[4] = { 0 }, distinct = 0;
    for (size_t i = 0; i < r.nreq; i++) nodes[r.req[i].node] = 1;
    for (int i = 0; i < 4; i++) distinct += nodes[i];
    ck_assert_int_ge(distinct, 2);
    ck_assert_uint_eq(r.ndb, (size_t)distinct);
    for (size_t i = 0; i < r.ndb; i++) ck_assert(nodes[r.db[i].node]);
    hn_free(&r.res);
}
END_TEST

START_TEST(coalesce_max_wait_error)
{
    run r = hn_go("coalesce", BASE("{\"name\": \"coalesce\", \"scope\": \"global\", \"max_wait\": \"30ms\", \"on_give_up\": \"error\"}",
                                      "{\"at\": 0, \"requests\": 3, \"key\": 0}",
                                      "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": \"unlimited\"", ""));
    int errors = 0;
    for (size_t i = 0; i < r.nreq; i++)
        if (!strcmp(r.req[i].outcome, "error")) { errors++; NEAR(r.req[i].t_done, 0.031); }
    ck_assert_int_eq(errors, 2);
    ck_assert_double_eq(hn_num(&r, "coalesce", "giveups"), 2);
    hn_free(&r.res);
}
END_TEST

START_TEST(coalesce_slow_leader_holds_every_waiter)
{
    /* The leader (t=0) times out at 80 ms; its query goes on; the joiners of
     * 60 ms are answered when it finishes at 101 ms, before their own timeout. */
    run r = hn_go("coalesce", BASE("{\"name\": \"coalesce\", \"scope\": \"global\"}",
                                      "{\"at\": 0, \"requests\": 1, \"key\": 0}, {\"at\": \"60ms\", \"requests\": 3, \"key\": 0}",
                                      "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": \"unlimited\"",
                                      ", \"timeout\": \"80ms\""));
    ck_assert_str_eq(hn_by_id(&r, 0, 1)->outcome, "timeout");
    NEAR(hn_by_id(&r, 0, 1)->t_done, 0.080);
    for (long id = 1; id <= 3; id++) {
        ck_assert_str_eq(hn_by_id(&r, id, 1)->outcome, "waited");
        NEAR(hn_by_id(&r, id, 1)->t_done, 0.101);
    }
    ck_assert_uint_eq(r.ndb, 1);
    ck_assert_double_eq(hn_num(&r, "coalesce", "db_wasted"), 0);
    hn_free(&r.res);
}
END_TEST

START_TEST(coalesce_joiners_share_a_timeout_free_wait)
{
    /* Joiners that time out leave the flight; the rest are still answered. */
    run r = hn_go("coalesce", BASE("{\"name\": \"coalesce\", \"scope\": \"global\"}",
                                      "{\"at\": 0, \"requests\": 1, \"key\": 0}, {\"at\": \"10ms\", \"requests\": 2, \"key\": 0}",
                                      "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": \"unlimited\"",
                                      ", \"timeout\": \"95ms\""));
    ck_assert_str_eq(hn_by_id(&r, 0, 1)->outcome, "timeout");   /* 95 ms < 101 ms */
    ck_assert_str_eq(hn_by_id(&r, 1, 1)->outcome, "waited");
    ck_assert_str_eq(hn_by_id(&r, 2, 1)->outcome, "waited");
    hn_free(&r.res);
}
END_TEST

/* ---------------------------------------------------------------- xfetch */

START_TEST(xfetch_eager_sync_and_async)
{
    /* beta huge: every lookup of a fresh value refreshes early. */
    run r = hn_go("sync", BASE("{\"name\": \"xfetch\", \"label\": \"sync\", \"beta\": 1e6},"
                                  "{\"name\": \"xfetch\", \"label\": \"async\", \"beta\": 1e6, \"refresh\": \"async\"}",
                                  "{\"at\": 1, \"requests\": 3, \"key\": 0}",
                                  "\"ttl\": \"10s\", \"initial\": \"spread\"", "\"workers\": \"unlimited\"", ""));
    /* spread: the key's expiry is somewhere in (0, 10 s]; it may already have
     * passed at 1 s, so only check the fresh ones. */
    for (size_t i = 0; i < r.nreq; i++) {
        if (!strcmp(r.req[i].outcome, "fetch")) continue;
        ck_assert_str_eq(r.req[i].outcome, "refresh");
        NEAR(r.req[i].latency, 0.101);
    }
    size_t early = (size_t)hn_num(&r, "sync", "db_early");
    hn_select(&r, "async");
    for (size_t i = 0; i < r.nreq; i++) {
        if (!strcmp(r.req[i].outcome, "fetch")) continue;
        ck_assert_str_eq(r.req[i].outcome, "hit");
        NEAR(r.req[i].latency, 0.001);
        ck_assert_int_eq(r.req[i].db, 0);
    }
    ck_assert_double_eq(hn_num(&r, "async", "db_early"), (double)early);
    ck_assert_double_eq(hn_num(&r, "async", "early_refreshes"), (double)early);
    hn_free(&r.res);
}
END_TEST

START_TEST(xfetch_rejected_early_refresh_serves_the_fresh_value)
{
    /* One worker, no queue: key 1's query holds it; key 0's early refresh is
     * rejected and the attempt is served the value it found. */
    run r = hn_go("xfetch", BASE("{\"name\": \"xfetch\", \"beta\": 1e6}",
                                    "{\"at\": 0, \"requests\": 1, \"key\": 1}, {\"at\": \"10ms\", \"requests\": 1, \"key\": 0}",
                                    "\"ttl\": \"10s\", \"initial\": \"synchronized\"", "\"workers\": 1, \"queue_limit\": 0", ""));
    const req_row *a = hn_by_id(&r, 1, 1);
    ck_assert_str_eq(a->outcome, "hit");
    NEAR(a->latency, 0.001);
    ck_assert_double_eq(hn_num(&r, "xfetch", "db_rejected"), 1);
    hn_free(&r.res);
}
END_TEST

/* ---------------------------------------------------------------- swr, lease, refresh_ahead */

START_TEST(swr_serves_stale_within_grace_and_refreshes_once)
{
    /* The value written at 0 expires at 1 s; three reads at 1.5 s (in grace)
     * get it at once and start one refresh; a read of another key at 2.9 s (past grace) misses. */
    run r = hn_go("swr", BASE("{\"name\": \"swr\", \"grace\": \"1s\"}",
                                 "{\"at\": 1.5, \"requests\": 3, \"key\": 0}, {\"at\": 2.9, \"requests\": 1, \"key\": 1}",
                                 "\"ttl\": \"1s\", \"initial\": \"synchronized\"", "\"workers\": \"unlimited\"", ""));
    for (long id = 0; id < 3; id++) {
        ck_assert_str_eq(hn_by_id(&r, id, 1)->outcome, "stale");
        NEAR(hn_by_id(&r, id, 1)->latency, 0.001);
    }
    ck_assert_str_eq(hn_by_id(&r, 3, 1)->outcome, "fetch");
    ck_assert_uint_eq(r.ndb, 2);
    int bg = 0;
    for (size_t i = 0; i < r.ndb; i++) bg += !strcmp(r.db[i].cause, "background");
    ck_assert_int_eq(bg, 1);
    ck_assert_double_eq(hn_num(&r, "swr", "db_early"), 1);
    hn_free(&r.res);
}
END_TEST

START_TEST(swr_never_waits_after_the_first_fill)
{
    /* One key, constant Δ = 50 ms < grace: after the first fill nobody waits for the DB. */
    run r = hn_go("swr", "{\"duration\": 200, \"seed\": 8, \"clients\": {\"arrivals\": {\"rate\": 300}},"
               " \"cache\": {\"latency\": \"1ms\", \"ttl\": \"1s\", \"initial\": \"cold\"},"
               " \"db\": {\"workers\": \"unlimited\", \"latency\": \"50ms\"},"
               " \"strategies\": [{\"name\": \"swr\", \"grace\": \"200ms\"}]}");
    double first_fill = INFINITY;
    for (size_t i = 0; i < r.ndb; i++)
        if (r.db[i].t_end < first_fill) first_fill = r.db[i].t_end;
    size_t after = 0;
    for (size_t i = 0; i < r.nreq; i++) {
        if (r.req[i].t_arr < first_fill) continue;
        after++;
        ck_assert_msg(!r.req[i].db && r.req[i].latency <= 0.001 + 1e-12, "request %ld waited %g s at %g",
                      r.req[i].id, r.req[i].latency, r.req[i].t_arr);
    }
    ck_assert_uint_gt(after, 50000);
    ck_assert(hn_num(&r, "swr", "stale") > 1000);
    hn_free(&r.res);
}
END_TEST

START_TEST(lease_one_holder_others_retry)
{
    /* Gets end at 1 ms: one gets the lease and queries (1..101 ms); the others
     * retry every 10 ms + a 1 ms get: 12, 23, ..., 100, 111 ms finds the value. */
    run r = hn_go("lease", BASE("{\"name\": \"lease\"}", "{\"at\": 0, \"requests\": 4, \"key\": 0}",
                                   "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": \"unlimited\"", ""));
    ck_assert_uint_eq(r.ndb, 1);
    ck_assert_str_eq(r.db[0].cause, "lease");
    NEAR(r.db[0].t_issue, 0.001);
    int waited = 0;
    for (size_t i = 0; i < r.nreq; i++)
        if (!strcmp(r.req[i].outcome, "waited")) { waited++; NEAR(r.req[i].t_done, 0.111); }
        else { ck_assert_str_eq(r.req[i].outcome, "fetch"); NEAR(r.req[i].t_done, 0.101); }
    ck_assert_int_eq(waited, 3);
    ck_assert_double_eq(hn_num(&r, "lease", "lock_waits"), 3);
    hn_free(&r.res);
}
END_TEST

START_TEST(lease_released_by_its_holders_write)
{
    /* The holder's write releases the lease (memcache's set with the lease
     * token): the value written at 101 ms expires at 301 ms, and a miss at
     * 501 ms gets a new lease at once, though lease_ttl (10 s) has not passed. */
    run r = hn_go("lease", BASE("{\"name\": \"lease\", \"lease_ttl\": \"10s\"}",
                                   "{\"at\": 0, \"requests\": 1, \"key\": 0}, {\"at\": 0.5, \"requests\": 1, \"key\": 0}",
                                   "\"ttl\": \"200ms\", \"initial\": \"cold\"", "\"workers\": \"unlimited\"", ""));
    ck_assert_uint_eq(r.ndb, 2);
    for (size_t i = 0; i < 2; i++) ck_assert_str_eq(r.db[i].cause, "lease");
    NEAR(r.db[1].t_issue, 0.501);
    ck_assert_str_eq(hn_by_id(&r, 1, 1)->outcome, "fetch");
    NEAR(hn_by_id(&r, 1, 1)->t_done, 0.601);
    ck_assert_double_eq(hn_num(&r, "lease", "lock_waits"), 0);
    hn_free(&r.res);
}
END_TEST

START_TEST(swr_miss_joins_the_refresh_only_through_recompute)
{
    /* The value expires at 200 ms; grace 50 ms.  A at 210 ms is served it
     * stale and starts a background refresh (211..311 ms); B's get ends at
     * 261 ms, after grace: a miss.  Without a recompute B queries itself;
     * with coalesce (global) as recompute it joins the refresh's flight. */
#define SWR_CASE(strategy)                                                                                      \
    BASE(strategy, "{\"at\": 0.21, \"requests\": 1, \"key\": 0}, {\"at\": 0.26, \"requests\": 1, \"key\": 0}", \
         "\"ttl\": \"200ms\", \"initial\": \"synchronized\"", "\"workers\": \"unlimited\"", "")
    run r = hn_go("swr", SWR_CASE("{\"name\": \"swr\", \"grace\": \"50ms\"}"));
    ck_assert_uint_eq(r.ndb, 2);
    ck_assert_str_eq(hn_by_id(&r, 0, 1)->outcome, "stale");
    ck_assert_str_eq(hn_by_id(&r, 1, 1)->outcome, "fetch");
    NEAR(hn_by_id(&r, 1, 1)->t_done, 0.361);
    hn_free(&r.res);
    r = hn_go("swr", SWR_CASE("{\"name\": \"swr\", \"grace\": \"50ms\", \"recompute\": {\"name\": \"coalesce\", \"scope\": \"global\"}}"));
    ck_assert_uint_eq(r.ndb, 1);
    ck_assert_str_eq(r.db[0].cause, "background");
    ck_assert_str_eq(hn_by_id(&r, 1, 1)->outcome, "waited");
    NEAR(hn_by_id(&r, 1, 1)->t_done, 0.311);
    hn_free(&r.res);
#undef SWR_CASE
}
END_TEST

START_TEST(lease_accept_stale_and_lease_ttl)
{
    /* accept_stale: the others take the expired value at once.  A rejected
     * holder keeps the lease for lease_ttl (300 ms), as with a lock. */
    run r = hn_go("stale", BASE("{\"name\": \"lease\", \"label\": \"stale\", \"accept_stale\": true},"
                                   "{\"name\": \"lease\", \"label\": \"ttl\", \"lease_ttl\": \"300ms\", \"retry\": \"50ms\"}",
                                   "{\"at\": 1, \"requests\": 3, \"key\": 0}",
                                   "\"ttl\": \"1s\", \"initial\": \"synchronized\"", "\"workers\": \"unlimited\"", ""));
    int stale = 0;
    for (size_t i = 0; i < r.nreq; i++)
        if (!strcmp(r.req[i].outcome, "stale")) { stale++; NEAR(r.req[i].latency, 0.001); }
    ck_assert_int_eq(stale, 2);
    hn_free(&r.res);
    r = hn_go("lease", BASE("{\"name\": \"lease\", \"lease_ttl\": \"300ms\", \"retry\": \"50ms\"}",
                               "{\"at\": 0, \"requests\": 1, \"key\": 1}, {\"at\": \"10ms\", \"requests\": 2, \"key\": 0}",
                               "\"ttl\": \"10s\", \"initial\": \"cold\"", "\"workers\": 1, \"queue_limit\": 0", ""));
    /* Holder rejected at 11 ms; the other gets at 11, 62, ..., 317 ms: the
     * first at or after 311 ms (317 ms) takes the lease and fetches (417 ms). */
    ck_assert_str_eq(hn_by_id(&r, 1, 1)->outcome, "error");
    ck_assert_str_eq(hn_by_id(&r, 2, 1)->outcome, "fetch");
    NEAR(hn_by_id(&r, 2, 1)->t_done, 0.417);
    hn_free(&r.res);
}
END_TEST

START_TEST(refresh_ahead_one_query_per_cycle)
{
    /* With steady traffic the value never expires: one background query per
     * cycle, none overlapping, no miss after the cold start. */
    run r = hn_go("refresh_ahead", "{\"duration\": 300, \"seed\": 2, \"clients\": {\"arrivals\": {\"rate\": 500}},"
               " \"cache\": {\"latency\": \"1ms\", \"ttl\": \"2s\", \"initial\": \"synchronized\"},"
               " \"db\": {\"workers\": \"unlimited\", \"latency\": \"40ms\"},"
               " \"strategies\": [{\"name\": \"refresh_ahead\", \"fraction\": 0.5}]}");
    for (size_t i = 0; i < r.ndb; i++) ck_assert_str_eq(r.db[i].cause, "background");
    ck_assert_double_eq(hn_num(&r, "refresh_ahead", "misses"), 0);
    ck_assert_double_eq(hn_num(&r, "refresh_ahead", "stampede_max"), 1);
    /* Cycle: a read at or just after written + 1 s, then 40 ms of query. */
    double cycles = 300 / (1.0 + 0.040 + 1.0 / 500);
    ck_assert_msg(fabs((double)r.ndb - cycles) <= 3, "%zu queries for %.1f cycles", r.ndb, cycles);
    hn_free(&r.res);
}
END_TEST

START_TEST(refresh_ahead_fraction_of_each_values_own_ttl)
{
    /* With ttl_jitter 0.2 a value lives ttl*(1+U(-0.2, 0.2)), 1.6 to 2.4 s.
     * The refresh window opens at 0.9 of the value's own TTL, so it is always
     * open for at least 0.16 s before expiry, and at 200 reads/s a read falls
     * in it (P(none) = e^-32): no miss ever.  Measured against the base TTL
     * instead (1.8 s), a quarter of the values would expire first. */
    run r = hn_go("refresh_ahead", "{\"duration\": 300, \"seed\": 5, \"clients\": {\"arrivals\": {\"rate\": 200}},"
               " \"cache\": {\"ttl\": \"2s\", \"ttl_jitter\": 0.2, \"initial\": \"synchronized\"},"
               " \"db\": {\"workers\": \"unlimited\", \"latency\": \"20ms\"},"
               " \"strategies\": [{\"name\": \"refresh_ahead\", \"fraction\": 0.9}]}");
    for (size_t i = 0; i < r.ndb; i++) ck_assert_str_eq(r.db[i].cause, "background");
    ck_assert_double_eq(hn_num(&r, "refresh_ahead", "misses"), 0);
    /* A cycle: 0.9 of a TTL of mean 2 s, the wait for the next read (5 ms),
     * the query (20 ms); its s.d. is 0.9*2*0.2/sqrt(3) = 0.21 s, so the count
     * over 300 s has s.d. about 1.5: allow 4 s.d. */
    double cycles = 300 / (1.8 + 0.005 + 0.020);
    ck_assert_msg(fabs((double)r.ndb - cycles) <= 6, "%zu queries for %.1f cycles", r.ndb, cycles);
    hn_free(&r.res);
}
END_TEST

/* ---------------------------------------------------------------- invariants */

#define LONG_RUN \
    "{\"duration\": %d, \"seed\": %d, \"clients\": {\"arrivals\": {\"rate\": 3000}, \"timeout\": \"150ms\"," \
    " \"retries\": {\"max\": 2, \"backoff\": \"20ms\"}}," \
    " \"keys\": {\"count\": 200, \"popularity\": {\"zipf\": 1.1}}, \"app\": {\"nodes\": 8}," \
    " \"cache\": {\"latency\": {\"dist\": \"uniform\", \"min\": \"200us\", \"max\": \"1ms\"}, \"ttl\": \"2s\", \"ttl_jitter\": 0.2}," \
    " \"db\": {\"workers\": 32, \"latency\": {\"dist\": \"uniform\", \"min\": \"20ms\", \"max\": \"120ms\"}}," \
    " \"faults\": [{\"at\": %d, \"type\": \"cache_flush\"}]," \
    " \"strategies\": [{\"name\": \"coalesce\", \"scope\": \"global\"},"                                   \
    " {\"name\": \"lock\", \"poll\": \"10ms\", \"max_wait\": \"1h\", \"lock_ttl\": \"10s\"},"             \
    " {\"name\": \"xfetch\", \"beta\": 2, \"refresh\": \"async\"},"                               \
    " {\"name\": \"lease\", \"retry\": \"10ms\", \"lease_ttl\": \"10s\"}]}"

/* Two queries of one key are never in flight at once. */
static void assert_single_flight(const run *r, const char *label)
{
    /* db.csv rows are in finish order; within a key, each issue must come at
     * or after the previous finish, so sort per key by issue. */
    size_t n = r->ndb;
    db_row *d = malloc(n * sizeof *d);
    memcpy(d, r->db, n * sizeof *d);
    for (size_t i = 1; i < n; i++) {   /* insertion sort by (key, t_issue): rows are nearly sorted */
        db_row x = d[i];
        size_t j = i;
        while (j > 0 && (d[j - 1].key > x.key || (d[j - 1].key == x.key && d[j - 1].t_issue > x.t_issue))) {
            d[j] = d[j - 1];
            j--;
        }
        d[j] = x;
    }
    size_t checked = 0;
    for (size_t i = 1; i < n; i++)
        if (d[i].key == d[i - 1].key) {
            ck_assert_msg(d[i].t_issue >= d[i - 1].t_end, "%s: key %ld has two queries in flight at %.9f", label,
                          d[i].key, d[i].t_issue);
            checked++;
        }
    ck_assert_uint_gt(checked, 1000);
    free(d);
}

/* Each request ends once: its last attempt in the trace decides.  An answer
 * (not timeout or error) means it succeeded; otherwise it failed, and then
 * the attempts before had failed too.  The summary (no warmup: every request
 * arriving before duration counts) has the same numbers. */
static void assert_requests_end_once(const run *r, const char *label)
{
    long maxid = -1;
    for (size_t i = 0; i < r->nreq; i++)
        if (r->req[i].id > maxid) maxid = r->req[i].id;
    ck_assert(maxid > 0);
    signed char *last = calloc((size_t)maxid + 1, 1);   /* 1 answered, 2 failed, by the highest attempt */
    long *top = calloc((size_t)maxid + 1, sizeof *top);
    for (size_t i = 0; i < r->nreq; i++) {
        const req_row *q = &r->req[i];
        int failed = !strcmp(q->outcome, "timeout") || !strcmp(q->outcome, "error");
        ck_assert_msg(q->attempt > top[q->id], "%s: request %ld has an attempt after its answer", label, q->id);
        if (last[q->id] == 1) ck_abort_msg("%s: request %ld answered twice", label, q->id);
        top[q->id] = q->attempt;
        last[q->id] = failed ? 2 : 1;
    }
    double ok = 0, failed = 0;
    for (long id = 0; id <= maxid; id++) {
        ok += last[id] == 1;
        failed += last[id] == 2;
    }
    ck_assert_double_eq(ok, hn_num(r, label, "ok"));
    ck_assert_double_eq(failed, hn_num(r, label, "failed"));
    ck_assert_double_eq(ok + failed, hn_num(r, label, "requests"));
    ck_assert_double_eq(failed, hn_num(r, label, "failed_by_timeout") + hn_num(r, label, "failed_by_rejected") +
                                    hn_num(r, label, "failed_by_gave_up"));
    free(last);
    free(top);
}

START_TEST(invariants_over_long_random_runs)
{
    char json[4096];
    /* 300 s (9*10^5 requests, the flush at 100 s); under the sanitizers,
     * which check memory, not statistics, 80 s (flush at 30 s) */
    int san = tu_sanitized();
    snprintf(json, sizeof json, LONG_RUN, san ? 80 : 300, 5, san ? 30 : 100);
    run r = hn_go("coalesce", json);
    assert_requests_end_once(&r, "coalesce");
    assert_single_flight(&r, "coalesce global");
    ck_assert_double_eq(hn_num(&r, "coalesce", "stampede_max"), 1);
    ck_assert(hn_num(&r, "coalesce", "coalesced") > 1000);
    hn_select(&r, "lock");
    assert_single_flight(&r, "lock");
    assert_requests_end_once(&r, "lock");
    ck_assert_double_eq(hn_num(&r, "lock", "stampede_max"), 1);
    /* xfetch async: an attempt that found a fresh value never waits for the DB. */
    hn_select(&r, "xfetch");
    assert_requests_end_once(&r, "xfetch");
    size_t hits = 0;
    for (size_t i = 0; i < r.nreq; i++) {
        ck_assert_str_ne(r.req[i].outcome, "refresh");
        if (strcmp(r.req[i].outcome, "hit")) continue;
        hits++;
        ck_assert_int_eq(r.req[i].db, 0);
        ck_assert_msg(r.req[i].t_done - r.req[i].t_arr <= 0.001 + 1e-12, "a fresh hit took %g s",
                      r.req[i].t_done - r.req[i].t_arr);
    }
    ck_assert_uint_gt(hits, 100000);
    ck_assert(hn_num(&r, "xfetch", "db_early") > 100);
    /* A lease with lease_ttl above every query's duration: one query per key at once. */
    hn_select(&r, "lease");
    assert_single_flight(&r, "lease");
    assert_requests_end_once(&r, "lease");
    ck_assert_double_eq(hn_num(&r, "lease", "stampede_max"), 1);
    ck_assert(hn_num(&r, "lease", "lock_waits") > 1000);
    hn_free(&r.res);
}
END_TEST

START_TEST(combinations_keep_a_single_flight)
{
    /* xfetch with a lock around its recompute refreshes early, but never two
     * queries for a key at once; swr with coalescing likewise after grace. */
    char json[2048];
    snprintf(json, sizeof json,
               "{\"duration\": %d, \"seed\": 6, \"clients\": {\"arrivals\": {\"rate\": 3000}},"
               " \"keys\": {\"count\": 100, \"popularity\": {\"zipf\": 1.0}}, \"app\": {\"nodes\": 4},"
               " \"cache\": {\"latency\": \"500us\", \"ttl\": \"1s\", \"ttl_jitter\": 0.1},"
               " \"db\": {\"workers\": 64, \"latency\": {\"dist\": \"uniform\", \"min\": \"20ms\", \"max\": \"80ms\"}},"
               " \"strategies\": [{\"name\": \"xfetch\", \"label\": \"xfetch-lock\", \"beta\": 4,"
               "   \"recompute\": {\"name\": \"lock\", \"poll\": \"5ms\", \"max_wait\": \"1h\"}},"
               "  {\"name\": \"swr\", \"label\": \"swr-coalesce\", \"grace\": \"30ms\","
               "   \"recompute\": {\"name\": \"coalesce\", \"scope\": \"global\"}},"
               "  {\"name\": \"xfetch\", \"label\": \"xfetch-alone\", \"beta\": 4}]}",
             tu_sanitized() ? 60 : 200);   /* 60 s under the sanitizers */
    run r = hn_go("xfetch-lock", json);
    assert_single_flight(&r, "xfetch-lock");
    ck_assert(hn_num(&r, "xfetch-lock", "db_early") > 1000);
    ck_assert(hn_num(&r, "xfetch-lock", "outcomes.refresh") > 1000);
    /* Alone, the same xfetch does overlap its refreshes. */
    ck_assert(hn_num(&r, "xfetch-alone", "stampede_max") > 1);
    hn_select(&r, "swr-coalesce");
    assert_single_flight(&r, "swr-coalesce");
    ck_assert(hn_num(&r, "swr-coalesce", "coalesced") > 100);
    ck_assert(hn_num(&r, "swr-coalesce", "stale") > 1000);
    hn_free(&r.res);
}
END_TEST

START_TEST(xfetch_lock_one_refresher)
{
    /* Two reads of a fresh value with a huge beta: the first takes the lock
     * and refreshes (refresh, 101 ms); the second finds it held: a hit. */
    run r = hn_go("x", BASE("{\"name\": \"xfetch\", \"label\": \"x\", \"beta\": 1e6, \"recompute\": {\"name\": \"lock\"}}",
                               "{\"at\": 1, \"requests\": 2, \"key\": 0}",
                               "\"ttl\": \"10s\", \"initial\": \"synchronized\"", "\"workers\": \"unlimited\"", ""));
    ck_assert_str_eq(hn_by_id(&r, 0, 1)->outcome, "refresh");
    NEAR(hn_by_id(&r, 0, 1)->latency, 0.101);
    ck_assert_str_eq(hn_by_id(&r, 1, 1)->outcome, "hit");
    NEAR(hn_by_id(&r, 1, 1)->latency, 0.001);
    ck_assert_uint_eq(r.ndb, 1);
    ck_assert_str_eq(r.db[0].cause, "early");
    hn_free(&r.res);
}
END_TEST

/* ---------------------------------------------------------------- theory */

static void near(const char *what, double got, double want, double tol)
{
    double err = fabs(got - want);
    fprintf(stderr, "  %-52s got %-10.6g theory %-10.6g error %.4f (tolerance %.4f)\n", what, got, want, err, tol);
    ck_assert_msg(err <= tol, "%s: got %g, theory %g", what, got, want);
}

/* One key, constant Δ, unlimited workers, cache latency 0: per expiry. */
#define ONE_KEY \
    "{\"duration\": %g, \"seed\": 17, \"clients\": {\"arrivals\": {\"rate\": %g}}," \
    " \"app\": {\"nodes\": %d}, \"cache\": {\"ttl\": %g, \"initial\": \"cold\"}," \
    " \"db\": {\"workers\": \"unlimited\", \"latency\": %g}," \
    " \"strategies\": [%s]}"

static void coalesce_theory(double lambda, double delta, int nodes)
{
    char json[2048];
    snprintf(json, sizeof json, ONE_KEY, 4000.0, lambda, nodes, 1.0, delta,
             "{\"name\": \"coalesce\", \"label\": \"global\", \"scope\": \"global\"}, {\"name\": \"coalesce\", \"label\": \"node\"}");
    run r = hn_go_summaries(json);
    /* Global: one query per expiry; waiters wait Δ/2 on average. */
    ck_assert_double_eq(hn_num(&r, "global", "stampede_max"), 1);
    double ok = hn_num(&r, "global", "ok"), fetch = hn_num(&r, "global", "outcomes.fetch");
    double waited = hn_num(&r, "global", "waited");
    double wait = (hn_num(&r, "global", "latency_mean") * ok - fetch * delta) / waited;
    char what[128];
    snprintf(what, sizeof what, "coalesce global lambda=%g delta=%g: mean wait", lambda, delta);
    near(what, wait, delta / 2, 0.02 * delta);
    /* Node scope: 1 + (N−1)(1 − e^{−λΔ/N}) queries per expiry. */
    double per = 1 + (nodes - 1) * (1 - exp(-lambda * delta / nodes));
    snprintf(what, sizeof what, "coalesce node N=%d lambda=%g delta=%g: queries/expiry", nodes, lambda, delta);
    near(what, hn_num(&r, "node", "stampede_mean"), per, 0.02 * per);
    hn_free(&r.res);
}

START_TEST(coalesce_theory_4_nodes) { coalesce_theory(200, 0.02, 4); }
END_TEST
START_TEST(coalesce_theory_16_nodes_busy) { coalesce_theory(1000, 0.05, 16); }
END_TEST

static void lock_theory(double lambda, double delta, double poll)
{
    char json[2048], strat[256];
    snprintf(strat, sizeof strat, "{\"name\": \"lock\", \"poll\": %g, \"max_wait\": \"1h\"}", poll);
    snprintf(json, sizeof json, ONE_KEY, 4000.0, lambda, 4, 1.0, delta, strat);
    run r = hn_go_summaries(json);
    ck_assert_double_eq(hn_num(&r, "lock", "stampede_max"), 1);
    double ok = hn_num(&r, "lock", "ok"), fetch = hn_num(&r, "lock", "outcomes.fetch");
    double waited = hn_num(&r, "lock", "waited");
    double wait = (hn_num(&r, "lock", "latency_mean") * ok - fetch * delta) / waited;
    char what[128];
    snprintf(what, sizeof what, "lock lambda=%g delta=%g poll=%g: mean wait", lambda, delta, poll);
    /* Served at the first poll after the write: Δ/2 plus half a poll on average. */
    near(what, wait, delta / 2 + poll / 2, 0.02 * delta);
    ck_assert(wait >= delta / 2 && wait <= delta / 2 + poll);
    hn_free(&r.res);
}

START_TEST(lock_theory_fine_poll) { lock_theory(200, 0.1, 0.005); }
END_TEST
START_TEST(lock_theory_coarse_poll) { lock_theory(500, 0.05, 0.01); }
END_TEST

/* XFetch: share of expiry cycles with no early recompute. */
static void xfetch_theory(double lambda, double delta, double beta, double ttl)
{
    char json[2048], strat[256];
    snprintf(strat, sizeof strat, "{\"name\": \"xfetch\", \"beta\": %g}", beta);
    snprintf(json, sizeof json, ONE_KEY, 20000.0 * ttl, lambda, 1, ttl, delta, strat);
    run r = hn_go("xfetch", json);
    /* Sort queries by issue time and form the stampede groups; a cycle ends in
     * expiry when its group starts with a miss. */
    size_t n = r.ndb;
    for (size_t i = 1; i < n; i++) {
        db_row x = r.db[i];
        size_t j = i;
        while (j > 0 && r.db[j - 1].t_issue > x.t_issue) { r.db[j] = r.db[j - 1]; j--; }
        r.db[j] = x;
    }
    size_t groups = 0, by_miss = 0;
    double end = -1;
    for (size_t i = 0; i < n; i++) {
        if (r.db[i].t_issue >= end) {
            if (i > 0) {   /* the first group is the cold start */
                groups++;
                by_miss += !strcmp(r.db[i].cause, "miss");
            }
        }
        if (r.db[i].t_end > end) end = r.db[i].t_end;
    }
    double a = lambda * beta * delta;
    double p = exp(-a * (1 - exp(-ttl / (beta * delta))));
    double se = sqrt(p * (1 - p) / (double)groups);
    char what[128];
    snprintf(what, sizeof what, "xfetch a=%g T/(beta delta)=%g: P(no early) (%zu cycles)", a, ttl / (beta * delta), groups);
    near(what, (double)by_miss / (double)groups, p, 5 * se + 0.005);
    hn_free(&r.res);
}

START_TEST(xfetch_theory_mild) { xfetch_theory(10, 0.01, 1, 1); }
END_TEST
START_TEST(xfetch_theory_eager) { xfetch_theory(10, 0.01, 5, 1); }
END_TEST
START_TEST(xfetch_theory_short_ttl) { xfetch_theory(10, 0.01, 20, 1); }
END_TEST

Suite *tu_suite(void)
{
    Suite *s = suite_create("strategies");
    TCase *table = tcase_create("cases");
    tcase_add_loop_test(table, strategy_cases, 0, (int)NCASES);
    suite_add_tcase(s, table);
    TCase *lock = tcase_create("lock");
    tcase_set_timeout(lock, 60);
    tcase_add_test(lock, lock_one_taker_others_poll);
    tcase_add_test(lock, lock_max_wait_then_db_error_or_stale);
    tcase_add_test(lock, lock_give_up_stale_serves_what_it_read);
    tcase_add_test(lock, lock_stale_while_locked_serves_at_once);
    tcase_add_test(lock, lock_rejected_taker_blocks_until_lock_ttl);
    tcase_add_test(lock, lock_timed_out_taker_still_writes);
    suite_add_tcase(s, lock);
    TCase *co = tcase_create("coalesce");
    tcase_set_timeout(co, 60);
    tcase_add_test(co, coalesce_global_one_query);
    tcase_add_test(co, coalesce_node_one_query_per_node);
    tcase_add_test(co, coalesce_max_wait_error);
    tcase_add_test(co, coalesce_slow_leader_holds_every_waiter);
    tcase_add_test(co, coalesce_joiners_share_a_timeout_free_wait);
    suite_add_tcase(s, co);
    TCase *xf = tcase_create("xfetch");
    tcase_set_timeout(xf, 60);
    tcase_add_test(xf, xfetch_eager_sync_and_async);
    tcase_add_test(xf, xfetch_rejected_early_refresh_serves_the_fresh_value);
    suite_add_tcase(s, xf);
    TCase *more = tcase_create("swr_lease_refresh_ahead");
    tcase_set_timeout(more, 120);
    tcase_add_test(more, swr_serves_stale_within_grace_and_refreshes_once);
    tcase_add_test(more, swr_never_waits_after_the_first_fill);
    tcase_add_test(more, lease_one_holder_others_retry);
    tcase_add_test(more, lease_accept_stale_and_lease_ttl);
    tcase_add_test(more, refresh_ahead_one_query_per_cycle);
    tcase_add_test(more, lease_released_by_its_holders_write);
    tcase_add_test(more, swr_miss_joins_the_refresh_only_through_recompute);
    tcase_add_test(more, refresh_ahead_fraction_of_each_values_own_ttl);
    suite_add_tcase(s, more);
    TCase *inv = tcase_create("invariants");
    tcase_set_timeout(inv, 300);
    tcase_add_test(inv, invariants_over_long_random_runs);
    tcase_add_test(inv, combinations_keep_a_single_flight);
    tcase_add_test(inv, xfetch_lock_one_refresher);
    suite_add_tcase(s, inv);
    TCase *th = tcase_create("theory");
    tcase_set_timeout(th, 300);
    tcase_add_test(th, coalesce_theory_4_nodes);
    tcase_add_test(th, coalesce_theory_16_nodes_busy);
    tcase_add_test(th, lock_theory_fine_poll);
    tcase_add_test(th, lock_theory_coarse_poll);
    tcase_add_test(th, xfetch_theory_mild);
    tcase_add_test(th, xfetch_theory_eager);
    tcase_add_test(th, xfetch_theory_short_ttl);
    suite_add_tcase(s, th);
    return s;
}
