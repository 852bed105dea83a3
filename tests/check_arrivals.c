/* check_arrivals.c - the merged request stream (reqsrc) that the live driver
 * sends gives exactly the simulator's requests: the same ids, arrival times
 * (to the trace's 12 digits), keys and nodes, for Poisson arrivals, rate
 * schedules, bursts (simultaneous ones included: their tie order), replayed
 * traces, with several seeds; compared with the first attempts of
 * `stampede run --trace`, which retries and timeouts do not disturb. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/arrivals.h"
#include "scenario/load.h"
#include "testutil.h"
#include "testmain.h"

/* Checks reqsrc against the simulator's requests.csv for scenario text json. */
static void compare(const char *json, unsigned seed, size_t *count)
{
    char *dir = tu_tmpdir();
    char *path = tu_scenario(dir, "s.json", json);
    char *out = NULL, *err = NULL;
    int rc = tu_runf(&out, &err, "run '%s' --seed %u --trace --quiet --out '%s/r'", path, seed, dir);
    ck_assert_msg(rc == 0, "%s", err);
    free(out);
    free(err);

    char sd[32];
    snprintf(sd, sizeof sd, "%u", seed);
    override ovr = { "seed", sd };
    diag d = { 0 };
    scenario *sc = scenario_load(path, &ovr, 1, &d);
    ck_assert_ptr_nonnull(sc);
    rng *arr = rng_new(sc->seed, RNG_ARRIVALS, 0), *keys = rng_new(sc->seed, RNG_KEYS, 0),
        *nodes = rng_new(sc->seed, RNG_NODES, 0);
    keypick *kp = sc->keys.count > 1 ? keypick_new(sc->keys.count, sc->keys.zipf_s) : NULL;
    reqsrc q;
    char e[512];
    ck_assert_int_eq(arrivals_src_init(&q, sc, arr, keys, nodes, kp, NULL, e, sizeof e), 0);

    char *text = tu_slurp(tu_pathf("%s/r/%s/requests.csv", dir, sc->strategies[0].label));
    ck_assert_ptr_nonnull(text);
    /* first attempts by id, as "t,key,node" with the trace's formatting */
    size_t cap = 1 << 16, n = 0;
    char **want = calloc(cap, sizeof *want);
    char *save = NULL;
    strtok_r(text, "\n", &save);
    for (char *line; (line = strtok_r(NULL, "\n", &save));) {
        unsigned long id, att, node, key;
        char t[64];
        ck_assert_int_eq(sscanf(line, "%lu,%lu,%lu,%lu,%63[^,]", &id, &att, &node, &key, t), 5);
        if (att != 1) continue;
        ck_assert(id < cap);
        ck_assert_ptr_null(want[id]);
        want[id] = strdup(tu_pathf("%s,%lu,%lu", t, key, node));
        n++;
    }
    size_t got = 0;
    for (;;) {
        uint64_t id;
        double t;
        uint32_t key, node;
        rc = arrivals_src_next(&q, &id, &t, &key, &node, e, sizeof e);
        ck_assert_int_ge(rc, 0);
        if (!rc) break;
        ck_assert_uint_eq(id, got);
        ck_assert(id < n);
        char have[128];
        snprintf(have, sizeof have, "%.12g,%u,%u", t, key, node);
        ck_assert_msg(!strcmp(have, want[id]), "request %llu: stream %s, simulator %s", (unsigned long long)id, have,
                      want[id]);
        got++;
    }
    ck_assert_uint_eq(got, n);
    ck_assert(!(arrivals_src_peek(&q) < INFINITY));
    *count = n;
    for (size_t i = 0; i < cap; i++) free(want[i]);
    free(want);
    free(text);
    arrivals_src_free(&q);
    keypick_free(kp);
    rng_free(arr);
    rng_free(keys);
    rng_free(nodes);
    scenario_free(sc);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

/* Poisson arrivals with bursts: two at the same instant (their requests
 * interleave in tie order), one spread, one on the hot key; Zipf keys and
 * several nodes; timeouts and retries, which do not change first attempts. */
START_TEST(test_rate_and_bursts)
{
    static const char json[] =
        "{\"duration\": \"3s\", \"clients\": {\"arrivals\": {\"rate\": 2000},"
        " \"bursts\": [{\"at\": \"1s\", \"requests\": 300, \"key\": \"hot\"}, {\"at\": \"1s\", \"requests\": 200},"
        " {\"at\": \"1.5s\", \"requests\": 500, \"over\": \"0.2s\", \"key\": 7}, {\"at\": \"2.9s\", \"requests\": 100, \"over\": \"1s\"}],"
        " \"timeout\": \"5ms\", \"retries\": {\"max\": 2, \"backoff\": \"1ms\"}},"
        " \"keys\": {\"count\": 100, \"popularity\": {\"zipf\": 1.1}}, \"app\": {\"nodes\": 5},"
        " \"cache\": {\"ttl\": \"50ms\", \"latency\": {\"dist\": \"exponential\", \"mean\": \"1ms\"}},"
        " \"db\": {\"workers\": 4, \"queue_limit\": 8, \"latency\": \"10ms\"}}";
    for (unsigned seed = 1; seed <= 3; seed++) {
        size_t n;
        compare(json, seed, &n);
        ck_assert(n > 6500);
    }
}
END_TEST

/* A piecewise-constant rate (with a pause) and a burst at a step's edge. */
START_TEST(test_schedule)
{
    static const char json[] =
        "{\"duration\": \"4s\", \"clients\": {\"arrivals\": {\"schedule\": [{\"at\": 0, \"rate\": 500},"
        " {\"at\": \"1s\", \"rate\": 0}, {\"at\": \"2s\", \"rate\": 3000}, {\"at\": \"3s\", \"rate\": 50}]},"
        " \"bursts\": [{\"at\": \"2s\", \"requests\": 50}]}, \"keys\": {\"count\": 3}, \"app\": {\"nodes\": 2},"
        " \"cache\": {\"ttl\": \"0.1s\"}, \"db\": {\"workers\": 8, \"latency\": \"2ms\"}}";
    for (unsigned seed = 7; seed <= 9; seed++) {
        size_t n;
        compare(json, seed, &n);
        ck_assert(n > 3400);
    }
}
END_TEST

/* A replayed trace, rows with and without a node, with a burst. */
START_TEST(test_trace)
{
    char *dir = tu_tmpdir();
    char *trace = tu_pathf("%s/t.csv", dir);
    FILE *f = fopen(trace, "w");
    fputs("t,key,node\n", f);
    for (int i = 0; i < 3000; i++) fprintf(f, i % 3 ? "%.6f,%d\n" : "%.6f,%d,1\n", i * 0.0005, i % 17);
    fclose(f);
    char json[1024];
    snprintf(json, sizeof json,
             "{\"duration\": \"2s\", \"clients\": {\"arrivals\": {\"trace\": \"%s\"},"
             " \"bursts\": [{\"at\": \"0.5s\", \"requests\": 30}]}, \"keys\": {\"count\": 20}, \"app\": {\"nodes\": 4},"
             " \"cache\": {\"ttl\": \"0.1s\"}, \"db\": {\"workers\": 8, \"latency\": \"2ms\"}}", trace);
    size_t n;
    compare(json, 1, &n);
    ck_assert_uint_eq(n, 3000 + 30);
    compare(json, 2, &n);
    tu_rmrf(dir);
    free(dir);
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("arrivals");
    TCase *t = tcase_create("stream");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_rate_and_bursts);
    tcase_add_test(t, test_schedule);
    tcase_add_test(t, test_trace);
    suite_add_tcase(s, t);
    return s;
}
