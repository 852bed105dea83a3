/* check_faults.c - the faults that break things (cache_outage, db_outage,
 * node_crash), run in this process through the library (harness.h): exact
 * timelines worked out by hand from the semantics (docs/semantics.md) in
 * small deterministic scenarios, each fault under every strategy, and
 * invariants over long random runs with several seeds. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testmain.h"
#include "testutil.h"

typedef tu_attempt req_row;
typedef tu_query db_row;

typedef hn_view run;

#define NEAR(a, b) ck_assert_msg(hn_same((a), (b)), "%s = %.12g, expected %.12g", #a, (double)(a), (double)(b))

/* Two keys, 4 nodes, cache operations 1 ms, DB queries 100 ms, no arrivals
 * but the bursts. */
#define BASE(strategy, bursts, app, cache, db, faults)                                                       \
    "{\"duration\": 3, \"seed\": 3, \"clients\": {\"arrivals\": {\"schedule\": [{\"at\": 0, \"rate\": 0}]},"   \
    " \"bursts\": [" bursts "]}, \"keys\": {\"count\": 2}, \"app\": {\"nodes\": 4" app "},"                   \
    " \"cache\": {\"latency\": \"1ms\", " cache "}, \"db\": {\"latency\": \"100ms\", " db "},"                \
    " \"faults\": [" faults "], \"strategies\": [" strategy "]}"

#define COLD "\"ttl\": \"10s\", \"initial\": \"cold\""
#define SYNC "\"ttl\": \"10s\", \"initial\": \"synchronized\""
#define UNL "\"workers\": \"unlimited\""
#define BURST(n, at) "{\"at\": " #at ", \"requests\": " #n ", \"key\": 0}"
#define OUTAGE(mode, data) "{\"type\": \"cache_outage\", \"at\": 1, \"until\": 2, \"mode\": \"" mode "\", \"data\": \"" data "\"}"
#define TIMEOUT50 ", \"timeout\": \"50ms\""

/* ---------------------------------------------------------------- table */

/* An attempt row: request, attempt, outcome, end time, latency (NAN when it
 * failed), whether it issued a query.  A query row: issue and end time, cause,
 * status and the request that issued it. */
typedef hn_want_att want_att;
typedef hn_want_query want_query;
typedef struct fault_case {
    const char *name, *json;
    want_att att[6];
    want_query q[6];
    const char *column;
    double value;
} fault_case;

static const fault_case cases[] = {
    /* Values fresh until 10 s; the cache is down from 1 s to 2 s. */
    { "cache_outage error, on_cache_error db: the get fails at 1.5 s, the DB answers at 1.6 s; the write is lost, "
      "and after the outage the kept value is a hit",
      BASE("{\"name\": \"none\"}", BURST(1, 1.5) ", " BURST(1, 2.5), "", SYNC, UNL, OUTAGE("error", "kept")),
      { { 0, 1, "fetch", 1.6, 0.1, 1 }, { 1, 1, "hit", 2.501, 0.001, 0 } },
      { { 1.5, 1.6, "miss", "ok", 0 } }, "misses", 1 },
    { "cache_outage error, data lost: the cache comes back empty at 2 s, so the read at 2.5 s misses",
      BASE("{\"name\": \"none\"}", BURST(1, 1.5) ", " BURST(1, 2.5), "", SYNC, UNL, OUTAGE("error", "lost")),
      { { 0, 1, "fetch", 1.6, 0.1, 1 }, { 1, 1, "fetch", 2.601, 0.101, 1 } },
      { { 1.5, 1.6, "miss", "ok", 0 }, { 2.501, 2.601, "miss", "ok", 1 } }, "misses", 2 },
    { "cache_outage timeout (cache.timeout 50 ms): the get fails at 1.55 s, the DB answers at 1.65 s",
      BASE("{\"name\": \"none\"}", BURST(1, 1.5) ", " BURST(1, 2.5), "", SYNC TIMEOUT50, UNL,
           OUTAGE("timeout", "kept")),
      { { 0, 1, "fetch", 1.65, 0.15, 1 }, { 1, 1, "hit", 2.501, 0.001, 0 } },
      { { 1.55, 1.65, "miss", "ok", 0 } }, "misses", 1 },
    { "cache_outage error, on_cache_error error: the request fails at once (cache_error)",
      BASE("{\"name\": \"none\"}", BURST(1, 1.5) ", " BURST(1, 2.5), ", \"on_cache_error\": \"error\"", SYNC, UNL,
           OUTAGE("error", "kept")),
      { { 0, 1, "error", 1.5, NAN, 0 }, { 1, 1, "hit", 2.501, 0.001, 0 } },
      { { 0, 0, NULL, NULL, 0 } }, "failed_by_cache_error", 1 },
    { "cache_outage timeout, on_cache_error error: the request fails at cache.timeout (1.55 s)",
      BASE("{\"name\": \"none\"}", BURST(1, 1.5), ", \"on_cache_error\": \"error\"", SYNC TIMEOUT50, UNL,
           OUTAGE("timeout", "lost")),
      { { 0, 1, "error", 1.55, NAN, 0 } },
      { { 0, 0, NULL, NULL, 0 } }, "failed_by_cache_error", 1 },
    { "cache_outage data lost: a query that ends after the restart (2.05 s) writes; the read at 2.5 s hits it",
      BASE("{\"name\": \"none\"}", BURST(1, 1.95) ", " BURST(1, 2.5), "", SYNC, UNL, OUTAGE("error", "lost")),
      { { 0, 1, "fetch", 2.05, 0.1, 1 }, { 1, 1, "hit", 2.501, 0.001, 0 } },
      { { 1.95, 2.05, "miss", "ok", 0 } }, "misses", 1 },
    { "cache_outage under lock: the lock is out of reach, every failed get queries without it (cause miss)",
      BASE("{\"name\": \"lock\"}", BURST(3, 1.5), "", SYNC, UNL, OUTAGE("error", "kept")),
      { { 0, 1, "fetch", 1.6, 0.1, 1 }, { 1, 1, "fetch", 1.6, 0.1, 1 }, { 2, 1, "fetch", 1.6, 0.1, 1 } },
      { { 1.5, 1.6, "miss", "ok", 0 }, { 1.5, 1.6, "miss", "ok", 1 }, { 1.5, 1.6, "miss", "ok", 2 } },
      "lock_waits", 0 },
    { "cache_outage under lease: no lease from a failed get, every one queries (cause miss)",
      BASE("{\"name\": \"lease\"}", BURST(3, 1.5), "", SYNC, UNL, OUTAGE("error", "kept")),
      { { 0, 1, "fetch", 1.6, 0.1, 1 }, { 1, 1, "fetch", 1.6, 0.1, 1 }, { 2, 1, "fetch", 1.6, 0.1, 1 } },
      { { 1.5, 1.6, "miss", "ok", 0 }, { 1.5, 1.6, "miss", "ok", 1 }, { 1.5, 1.6, "miss", "ok", 2 } },
      "lock_waits", 0 },
    { "cache_outage under coalesce global: in process, one query, the others join it",
      BASE("{\"name\": \"coalesce\", \"scope\": \"global\"}", BURST(3, 1.5), "", SYNC, UNL, OUTAGE("error", "kept")),
      { { 0, 1, "fetch", 1.6, 0.1, 1 }, { 1, 1, "waited", 1.6, 0.1, 0 }, { 2, 1, "waited", 1.6, 0.1, 0 } },
      { { 1.5, 1.6, "miss", "ok", 0 } }, "coalesced", 2 },
    /* Lock taken at 2 ms (lock_ttl 300 ms); the cache is down from 50 to 200 ms. */
    { "lock: the holder's write and release at 102 ms are lost in the outage; the waiter's step at 52 ms fails and "
      "it queries without the lock; a read at 250 ms finds the lock held until 302 ms and takes it at 303 ms",
      BASE("{\"name\": \"lock\", \"lock_ttl\": \"300ms\", \"max_wait\": \"5s\"}", BURST(2, 0) ", " BURST(1, 0.25), "",
           COLD, UNL, "{\"type\": \"cache_outage\", \"at\": 0.05, \"until\": 0.2}"),
      { { 0, 1, "fetch", 0.102, 0.102, 1 }, { 1, 1, "fetch", 0.152, 0.152, 1 }, { 2, 1, "fetch", 0.403, 0.153, 1 } },
      { { 0.002, 0.102, "lock", "ok", 0 }, { 0.052, 0.152, "miss", "ok", 1 }, { 0.303, 0.403, "lock", "ok", 2 } },
      "lock_waits", 2 },
    { "lock, on_cache_error error: the waiter's lock step at 52 ms fails the attempt; the rest as above",
      BASE("{\"name\": \"lock\", \"lock_ttl\": \"300ms\", \"max_wait\": \"5s\"}", BURST(2, 0) ", " BURST(1, 0.25),
           ", \"on_cache_error\": \"error\"", COLD, UNL, "{\"type\": \"cache_outage\", \"at\": 0.05, \"until\": 0.2}"),
      { { 0, 1, "fetch", 0.102, 0.102, 1 }, { 1, 1, "error", 0.052, NAN, 0 }, { 2, 1, "fetch", 0.403, 0.153, 1 } },
      { { 0.002, 0.102, "lock", "ok", 0 }, { 0.303, 0.403, "lock", "ok", 2 } }, "failed_by_cache_error", 1 },
    /* Lease taken by the first get (1 ms); gets every 11 ms; the cache is down
     * from 50 to 200 ms, in mode timeout (50 ms). */
    { "lease, mode timeout: the waiter's get issued at 55 ms fails at 105 ms and it queries without a lease; its "
      "value, written at 205 ms after the outage, stays",
      BASE("{\"name\": \"lease\"}", BURST(2, 0) ", " BURST(1, 0.3), "", COLD TIMEOUT50, UNL,
           "{\"type\": \"cache_outage\", \"at\": 0.05, \"until\": 0.2, \"mode\": \"timeout\"}"),
      { { 0, 1, "fetch", 0.101, 0.101, 1 }, { 1, 1, "fetch", 0.205, 0.205, 1 }, { 2, 1, "hit", 0.301, 0.001, 0 } },
      { { 0.001, 0.101, "lease", "ok", 0 }, { 0.105, 0.205, "miss", "ok", 1 } }, "lock_waits", 1 },
    /* The DB is down from 50 to 200 ms. */
    { "db_outage under none: the queries in flight fail at 50 ms, a query at 101 ms is refused, one at 301 ms runs",
      BASE("{\"name\": \"none\"}", BURST(2, 0) ", " BURST(1, 0.1) ", " BURST(1, 0.3), "", COLD, UNL,
           "{\"type\": \"db_outage\", \"at\": 0.05, \"until\": 0.2}"),
      { { 0, 1, "error", 0.05, NAN, 1 }, { 1, 1, "error", 0.05, NAN, 1 }, { 2, 1, "error", 0.101, NAN, 0 },
        { 3, 1, "fetch", 0.401, 0.101, 1 } },
      { { 0.001, 0.05, "miss", "db_outage", 0 }, { 0.001, 0.05, "miss", "db_outage", 1 },
        { 0.101, 0.101, "miss", "refused", 2 }, { 0.301, 0.401, "miss", "ok", 3 } },
      "failed_by_db_outage", 3 },
    { "db_outage under coalesce global: the leader's query fails at 50 ms, and with it both joiners",
      BASE("{\"name\": \"coalesce\", \"scope\": \"global\"}", BURST(3, 0), "", COLD, UNL,
           "{\"type\": \"db_outage\", \"at\": 0.05, \"until\": 0.2}"),
      { { 0, 1, "error", 0.05, NAN, 1 }, { 1, 1, "error", 0.05, NAN, 0 }, { 2, 1, "error", 0.05, NAN, 0 } },
      { { 0.001, 0.05, "miss", "db_outage", 0 } }, "failed_by_db_outage", 3 },
    { "db_outage under lock: the holder's query fails at 50 ms and the lock stays until 302 ms; the waiter's step "
      "at 308 ms takes it",
      BASE("{\"name\": \"lock\", \"lock_ttl\": \"300ms\", \"max_wait\": \"5s\"}", BURST(2, 0), "", COLD, UNL,
           "{\"type\": \"db_outage\", \"at\": 0.05, \"until\": 0.2}"),
      { { 0, 1, "error", 0.05, NAN, 1 }, { 1, 1, "fetch", 0.408, 0.408, 1 } },
      { { 0.002, 0.05, "lock", "db_outage", 0 }, { 0.308, 0.408, "lock", "ok", 1 } }, "failed_by_db_outage", 1 },
};

#define NCASES (sizeof cases / sizeof cases[0])

START_TEST(fault_cases)
{
    const fault_case *c = &cases[_i];
    hn_check_case(c->name, c->json, c->att, 6, c->q, 6, c->column, c->value);
}
END_TEST

/* ---------------------------------------------------------------- node_crash */

/* The node of request id in json's run (the same draws as with a crash that
 * comes after its arrival). */
static long node_of(const char *json, long id)
{
    run r = hn_go(NULL, json);
    long n = hn_by_id(&r, id, 1)->node;
    hn_free(&r.res);
    return n;
}

/* Lock taken at 2 ms by request 0 (lock_ttl 300 ms); its node crashes at
 * 50 ms while its query runs (2 to 102 ms, orphaned: nothing written).  The
 * waiters on its node fail at 50 ms; the one on another node polls (steps at
 * 2 + 51k ms) until the lock lapses at 302 ms: its step at 308 ms takes it
 * and its query answers at 408 ms. */
START_TEST(lock_holder_crash_blocks_until_lock_ttl)
{
#define LOCK_CRASH(faults) \
    BASE("{\"name\": \"lock\", \"lock_ttl\": \"300ms\", \"max_wait\": \"5s\"}", BURST(3, 0), "", COLD, UNL, faults)
    long n = node_of(LOCK_CRASH(""), 0);
    char json[2048], crash[128];
    snprintf(crash, sizeof crash, "{\"type\": \"node_crash\", \"at\": 0.05, \"node\": %ld}", n);
    snprintf(json, sizeof json, LOCK_CRASH("%s"), crash);
    run r = hn_go(NULL, json);
    const req_row *holder = hn_by_id(&r, 0, 1);
    ck_assert_str_eq(holder->outcome, "error");
    NEAR(holder->t_done, 0.05);
    int same_node = 0, other = 0;
    for (long id = 1; id <= 2; id++) {
        const req_row *w = hn_by_id(&r, id, 1);
        if (w->node == n) {
            same_node++;
            ck_assert_str_eq(w->outcome, "error");
            NEAR(w->t_done, 0.05);
        } else {
            other++;
            ck_assert_str_eq(w->outcome, "fetch");
            NEAR(w->t_done, 0.408);
        }
    }
    ck_assert_int_eq(same_node, 1);   /* seed 3: one waiter on each side */
    ck_assert_int_eq(other, 1);
    ck_assert_uint_eq(r.ndb, 2);
    ck_assert_str_eq(r.db[0].status, "orphaned");   /* the DB did the work */
    NEAR(r.db[0].t_issue, 0.002);
    NEAR(r.db[0].t_end, 0.102);
    ck_assert_str_eq(r.db[1].status, "ok");
    ck_assert_str_eq(r.db[1].cause, "lock");
    NEAR(r.db[1].t_issue, 0.308);
    ck_assert_double_eq(hn_num(&r, r.cur->label, "failed_by_node_crash"), 2);
    hn_free(&r.res);
}
END_TEST

/* Lease taken at 1 ms (lease_ttl 300 ms) by request 0, whose node crashes at
 * 50 ms.  The other waiter gets again every 11 ms (1 + 11k ms) until the
 * lease lapses at 301 ms: its get at 309 ms takes it, answered at 409 ms. */
START_TEST(lease_holder_crash_blocks_until_lease_ttl)
{
#define LEASE_CRASH(faults) \
    BASE("{\"name\": \"lease\", \"lease_ttl\": \"300ms\"}", BURST(3, 0), "", COLD, UNL, faults)
    long n = node_of(LEASE_CRASH(""), 0);
    char json[2048], crash[128];
    snprintf(crash, sizeof crash, "{\"type\": \"node_crash\", \"at\": 0.05, \"node\": %ld}", n);
    snprintf(json, sizeof json, LEASE_CRASH("%s"), crash);
    run r = hn_go(NULL, json);
    NEAR(hn_by_id(&r, 0, 1)->t_done, 0.05);
    int other = 0;
    for (long id = 1; id <= 2; id++) {
        const req_row *w = hn_by_id(&r, id, 1);
        if (w->node == n) continue;
        other++;
        ck_assert_str_eq(w->outcome, "fetch");
        NEAR(w->t_done, 0.409);
    }
    ck_assert_int_eq(other, 1);
    ck_assert_str_eq(r.db[0].status, "orphaned");
    hn_free(&r.res);
}
END_TEST

/* Coalesce global: request 0 leads the flight (query 1 to 101 ms); its node
 * crashes at 50 ms: the joiners, on every node, fail at 50 ms; nothing is
 * written, so a read at 200 ms (sent to a live node) queries again. */
START_TEST(coalesce_leader_crash_fails_its_joiners)
{
#define CO_CRASH(faults) \
    BASE("{\"name\": \"coalesce\", \"scope\": \"global\"}", BURST(3, 0) ", " BURST(1, 0.2), "", COLD, UNL, faults)
    long n = node_of(CO_CRASH(""), 0);
    char json[2048], crash[128];
    snprintf(crash, sizeof crash, "{\"type\": \"node_crash\", \"at\": 0.05, \"node\": %ld}", n);
    snprintf(json, sizeof json, CO_CRASH("%s"), crash);
    run r = hn_go(NULL, json);
    for (long id = 0; id <= 2; id++) {
        ck_assert_str_eq(hn_by_id(&r, id, 1)->outcome, "error");
        NEAR(hn_by_id(&r, id, 1)->t_done, 0.05);
    }
    const req_row *later = hn_by_id(&r, 3, 1);
    ck_assert_int_ne(later->node, n);
    ck_assert_str_eq(later->outcome, "fetch");
    NEAR(later->t_done, 0.301);
    ck_assert_double_eq(hn_num(&r, r.cur->label, "failed_by_node_crash"), 3);
    ck_assert_str_eq(r.db[0].status, "orphaned");
    hn_free(&r.res);
}
END_TEST

/* A node that restarts: requests drawn onto it while it is down go to live
 * nodes; after restart_after it takes requests again. */
START_TEST(crashed_node_takes_no_requests_until_restart)
{
    const char *json =
        "{\"duration\": 4, \"seed\": 9, \"clients\": {\"arrivals\": {\"rate\": 2000}}, \"keys\": {\"count\": 100},"
        " \"app\": {\"nodes\": 4}, \"cache\": {\"latency\": \"1ms\", \"ttl\": \"1s\"},"
        " \"db\": {\"workers\": \"unlimited\", \"latency\": \"10ms\"},"
        " \"faults\": [{\"type\": \"node_crash\", \"at\": 1, \"node\": 2, \"restart_after\": 1}],"
        " \"strategies\": [{\"name\": \"none\"}]}";
    run r = hn_go(NULL, json);
    size_t during = 0, after = 0;
    for (size_t i = 0; i < r.nreq; i++) {
        const req_row *a = &r.req[i];
        if (a->t_arr >= 1 && a->t_arr < 2) {
            during++;
            ck_assert_int_ne(a->node, 2);
        }
        if (a->t_arr >= 2 && a->node == 2) after++;
    }
    ck_assert_uint_gt(during, 1500);
    ck_assert_uint_gt(after, 200);
    hn_free(&r.res);
}
END_TEST

/* ---------------------------------------------------------------- invariants */

/* Every fault at once, every strategy, no retries (so every failure ends its
 * request): a cache outage (error, data lost) from 10 to 20 s, a DB outage
 * from 30 to 35 s, node 1 down from 40 to 45 s. */
#define LONG_RUN                                                                                                   \
    "{\"duration\": 60, \"seed\": %d, \"clients\": {\"arrivals\": {\"rate\": 1500}, \"timeout\": \"1s\"},"          \
    " \"keys\": {\"count\": 500, \"popularity\": {\"zipf\": 1.0}}, \"app\": {\"nodes\": 4},"                         \
    " \"cache\": {\"latency\": \"1ms\", \"ttl\": \"2s\"},"                                                           \
    " \"db\": {\"workers\": 40, \"latency\": {\"dist\": \"exponential\", \"mean\": \"20ms\"}},"                      \
    " \"faults\": [{\"type\": \"cache_outage\", \"at\": 10, \"until\": 20, \"data\": \"lost\"},"                     \
    "  {\"type\": \"db_outage\", \"at\": 30, \"until\": 35},"                                                        \
    "  {\"type\": \"node_crash\", \"at\": 40, \"node\": 1, \"restart_after\": 5}],"                                 \
    " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\", \"lock_ttl\": \"2s\"}, {\"name\": \"lease\"},"     \
    "  {\"name\": \"coalesce\", \"scope\": \"global\", \"label\": \"coalesce-global\"},"                            \
    "  {\"name\": \"coalesce\", \"label\": \"coalesce-node\"}, {\"name\": \"xfetch\"},"                             \
    "  {\"name\": \"swr\", \"grace\": \"1s\"}, {\"name\": \"refresh_ahead\"}]}"

START_TEST(invariants_under_every_fault)
{
    static const char *const labels[] = { "none", "lock", "lease", "coalesce-global", "coalesce-node",
                                          "xfetch", "swr", "refresh_ahead" };
    double crashed_attempts = 0;
    for (int seed = 1; seed <= 3; seed++) {
        char json[4096];
        snprintf(json, sizeof json, LONG_RUN, seed);
        run r = hn_go(NULL, json);
        for (size_t l = 0; l < sizeof labels / sizeof labels[0]; l++) {
            hn_select(&r, labels[l]);
            size_t in_outage = 0;
            for (size_t i = 0; i < r.nreq; i++) {
                const req_row *a = &r.req[i];
                /* No attempt is sent to the crashed node while it is down,
                 * and none it held is answered after the crash. */
                if (a->node == 1) {
                    ck_assert_msg(!(a->t_arr >= 40 && a->t_arr < 45), "%s: an attempt sent to node 1 at %g",
                                  labels[l], a->t_arr);
                    if (a->t_arr < 40 && a->t_done >= 40) {
                        ck_assert_msg(!hn_answered(a->outcome), "%s: node 1 answered at %g after its crash",
                                      labels[l], a->t_done);
                        crashed_attempts++;
                    }
                }
                /* A get sent during the cache outage reads nothing. */
                if (a->t_arr >= 10 && a->t_arr < 20) {
                    in_outage++;
                    ck_assert_msg(strcmp(a->outcome, "hit") && strcmp(a->outcome, "stale") &&
                                      strcmp(a->outcome, "refresh"),
                                  "%s: %s at %g during the cache outage", labels[l], a->outcome, a->t_arr);
                }
            }
            ck_assert_uint_gt(in_outage, 10000);
            for (size_t i = 0; i < r.ndb; i++) {
                const db_row *q = &r.db[i];
                /* Nothing of the crashed node's queries in flight is written. */
                if (q->node == 1 && q->t_issue < 40 && q->t_end > 40)
                    ck_assert_msg(strcmp(q->status, "ok"), "%s: node 1's query wrote at %g", labels[l], q->t_end);
                /* The DB outage: nothing starts, every query issued is refused,
                 * every one in flight at 30 s fails. */
                if (q->t_issue >= 30 && q->t_issue < 35)
                    ck_assert_msg(!strcmp(q->status, "refused"), "%s: a query issued at %g: %s", labels[l],
                                  q->t_issue, q->status);
                if (q->t_issue < 30 && q->t_end >= 30 && strcmp(q->status, "orphaned"))
                    ck_assert_msg(!strcmp(q->status, "db_outage") && hn_same(q->t_end, 30), "%s: a query in flight at 30 s: %s at %g",
                                  labels[l], q->status, q->t_end);
            }
            ck_assert_msg(hn_num(&r, labels[l], "db_refused") > 100, "%s: %g refused", labels[l],
                          hn_num(&r, labels[l], "db_refused"));
            ck_assert_msg(hn_num(&r, labels[l], "failed_by_db_outage") > 100, "%s", labels[l]);
        }
        hn_free(&r.res);
    }
    ck_assert_msg(crashed_attempts > 0, "no attempt was in flight on node 1 at its crash");
}
END_TEST

Suite *tu_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("timelines");
    tcase_add_loop_test(tc, fault_cases, 0, NCASES);
    tcase_add_test(tc, lock_holder_crash_blocks_until_lock_ttl);
    tcase_add_test(tc, lease_holder_crash_blocks_until_lease_ttl);
    tcase_add_test(tc, coalesce_leader_crash_fails_its_joiners);
    tcase_add_test(tc, crashed_node_takes_no_requests_until_restart);
    suite_add_tcase(s, tc);
    TCase *inv = tcase_create("invariants");
    tcase_set_timeout(inv, 600);
    tcase_add_test(inv, invariants_under_every_fault);
    suite_add_tcase(s, inv);
    return s;
}
