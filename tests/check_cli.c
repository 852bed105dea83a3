/* check_cli.c - end-to-end tests through the real program: the command line,
 * the results folder, determinism, the invalid-scenario corpus, traces. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "testmain.h"

static const char *small =
    "{\n"
    "  \"name\": \"small\",\n"
    "  \"seed\": 7,\n"
    "  \"duration\": \"20s\",\n"
    "  \"warmup\": \"1s\",\n"
    "  \"clients\": {\"arrivals\": {\"rate\": 500}, \"timeout\": \"300ms\",\n"
    "              \"retries\": {\"max\": 2, \"backoff\": \"50ms\"}},\n"
    "  \"keys\": {\"count\": 50, \"popularity\": {\"zipf\": 1.1}},\n"
    "  \"app\": {\"nodes\": 4},\n"
    "  \"cache\": {\"latency\": {\"dist\": \"exponential\", \"mean\": \"1ms\"}, \"ttl\": \"2s\"},\n"
    "  \"db\": {\"workers\": 4, \"queue_limit\": 20, \"latency\": {\"dist\": \"lognormal\", \"median\": \"20ms\", \"sigma\": 0.5}},\n"
    "  \"faults\": [{\"at\": \"10s\", \"type\": \"cache_flush\"}],\n"
    "  \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}, {\"name\": \"coalesce\", \"scope\": \"global\"},\n"
    "                 {\"name\": \"xfetch\", \"beta\": 2}]\n"
    "}\n";

static char *work;      /* a scratch folder per test */
static char *scen;      /* the small scenario in it */

static void setup(void)
{
    work = tu_tmpdir();
    scen = tu_scenario(work, "small.json", small);
}

static void teardown(void)
{
    tu_rmrf(work);
    free(work);
    free(scen);
}

/* ---------------------------------------------------------------- command line */

START_TEST(version_and_help)
{
    char *out = NULL;
    ck_assert_int_eq(tu_run("--version", &out, NULL), 0);
    ck_assert_str_eq(out, "stampede 0.1.0\n");
    free(out);
    ck_assert_int_eq(tu_run("--help", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "run SCENARIO.json"));
    free(out);
    ck_assert_int_eq(tu_run("run --help", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "--strategy"));
    free(out);
    ck_assert_int_eq(tu_run("validate --help", &out, NULL), 0);
    ck_assert_ptr_nonnull(strstr(out, "validate SCENARIO.json"));
    free(out);
}
END_TEST

START_TEST(bad_usage_exits_2)
{
    char *err = NULL;
    ck_assert_int_eq(tu_run("", NULL, &err), 2);
    free(err);
    ck_assert_int_eq(tu_run("frobnicate", NULL, &err), 2);
    ck_assert_ptr_nonnull(strstr(err, "unknown command \"frobnicate\""));
    ck_assert_ptr_nonnull(strstr(err, "(commands: run, validate, plot, sweep, merge, fit, live) (see 'stampede --help')"));
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --bogus", scen), 2);
    ck_assert_ptr_nonnull(strstr(err, "unknown option --bogus (see 'stampede run --help')"));
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --strategy nope --out %s/x", scen, work), 2);
    ck_assert_ptr_nonnull(strstr(err, "no strategy labelled \"nope\""));
    ck_assert(!tu_exists(tu_pathf("%s/x", work)));
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --seed -4 --out %s/x", scen, work), 2);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --set nothing --out %s/x", scen, work), 2);
    free(err);
    ck_assert_int_eq(tu_runf(NULL, &err, "run"), 2);
    free(err);
    ck_assert(!tu_exists(tu_pathf("%s/x", work)));
}
END_TEST

START_TEST(validate_reports_ok)
{
    char *out = NULL;
    ck_assert_int_eq(tu_runf(&out, NULL, "validate %s", scen), 0);
    ck_assert_ptr_nonnull(strstr(out, "ok (4 strategies: none lock coalesce xfetch)"));
    free(out);
}
END_TEST

/* ---------------------------------------------------------------- results folder */

START_TEST(run_writes_the_folder)
{
    char *out = NULL;
    ck_assert_int_eq(tu_runf(&out, NULL, "run %s --quiet --out %s/res", scen, work), 0);
    ck_assert_ptr_nonnull(strstr(out, "label"));
    ck_assert_ptr_nonnull(strstr(out, "xfetch"));
    free(out);
    const char *labels[] = { "none", "lock", "coalesce", "xfetch" };
    for (int i = 0; i < 4; i++) {
        ck_assert(tu_exists(tu_pathf("%s/res/%s/summary.json", work, labels[i])));
        ck_assert(tu_exists(tu_pathf("%s/res/%s/timeseries.csv", work, labels[i])));
        ck_assert(!tu_exists(tu_pathf("%s/res/%s/requests.csv", work, labels[i])));
        char f[4096];
        snprintf(f, sizeof f, "%s/res/%s/summary.json", work, labels[i]);
        double req = tu_json_num(f, "requests"), att = tu_json_num(f, "attempts");
        ck_assert(req > 8000 && req < 11000);
        ck_assert(att >= req);
        /* Outcomes sum to attempts; hits + misses never exceed them. */
        const char *outs[] = { "hit", "refresh", "fetch", "waited", "stale", "timeout", "error" };
        double sum = 0;
        for (int k = 0; k < 7; k++) sum += tu_json_num(f, tu_pathf("outcomes.%s", outs[k]));
        ck_assert_double_eq(sum, att);
        ck_assert(tu_json_num(f, "hits") + tu_json_num(f, "misses") <= att);
        ck_assert_double_eq(tu_json_num(f, "ok"),
                            tu_json_num(f, "outcomes.hit") + tu_json_num(f, "outcomes.refresh") +
                                tu_json_num(f, "outcomes.fetch") + tu_json_num(f, "outcomes.waited") +
                                tu_json_num(f, "outcomes.stale"));
        ck_assert_double_eq(tu_json_num(f, "seed"), 7);
        ck_assert(tu_json_num(f, "latency.p50") <= tu_json_num(f, "latency.p99"));
        ck_assert(tu_json_num(f, "latency.p99") <= tu_json_num(f, "latency.p999"));
        ck_assert(tu_json_num(f, "latency.p999") <= tu_json_num(f, "latency.max"));
        char *text = tu_slurp(f);
        ck_assert_ptr_nonnull(strstr(text, "\"version\":\t\"0.1.0\""));
        ck_assert_ptr_nonnull(strstr(text, tu_pathf("\"label\":\t\"%s\"", labels[i])));
        free(text);
    }
    char *cmp = tu_slurp(tu_pathf("%s/res/comparison.csv", work));
    ck_assert_ptr_nonnull(cmp);
    ck_assert(!strncmp(cmp, "label,strategy,requests,", 24));
    int lines = 0;
    for (char *p = cmp; *p; p++) lines += *p == '\n';
    ck_assert_int_eq(lines, 5);
    free(cmp);
    /* Nothing but the folder is left beside it. */
    DIR *d = opendir(work);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) n += e->d_name[0] != '.';
    closedir(d);
    ck_assert_int_eq(n, 2);   /* small.json and res */
}
END_TEST

/* Compares two files, ignoring lines that hold wall-clock fields. */
static int same_but_wall_clock(const char *a, const char *b)
{
    char *x = tu_slurp(a), *y = tu_slurp(b);
    if (!x || !y) { free(x); free(y); return 0; }
    char *sx, *sy, *lx = strtok_r(x, "\n", &sx), *ly = strtok_r(y, "\n", &sy);
    int same = 1;
    while (lx && ly) {
        int wall = strstr(lx, "wall_seconds") || strstr(lx, "events_per_second");
        if (!wall && strcmp(lx, ly)) { same = 0; break; }
        lx = strtok_r(NULL, "\n", &sx);
        ly = strtok_r(NULL, "\n", &sy);
    }
    if (lx || ly) same = 0;
    free(x);
    free(y);
    return same;
}

START_TEST(same_seed_same_bytes)
{
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --trace --out %s/a", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --trace --out %s/b", scen, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --trace --seed 8 --out %s/c", scen, work), 0);
    const char *labels[] = { "none", "lock", "coalesce", "xfetch" };
    const char *files[] = { "summary.json", "timeseries.csv", "requests.csv", "db.csv" };
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            ck_assert_msg(same_but_wall_clock(tu_pathf("%s/a/%s/%s", work, labels[i], files[j]),
                                              tu_pathf("%s/b/%s/%s", work, labels[i], files[j])),
                          "%s/%s differs between two runs with one seed", labels[i], files[j]);
            if (j)
                ck_assert_msg(!same_but_wall_clock(tu_pathf("%s/a/%s/%s", work, labels[i], files[j]),
                                                   tu_pathf("%s/c/%s/%s", work, labels[i], files[j])),
                              "%s/%s does not change with the seed", labels[i], files[j]);
        }
    ck_assert(same_but_wall_clock(tu_pathf("%s/a/comparison.csv", work), tu_pathf("%s/b/comparison.csv", work)));
}
END_TEST

START_TEST(strategy_subset_and_overrides)
{
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --strategy xfetch,none --set cache.ttl=5s "
                          "--set strategies.3.beta=0 --out %s/r", scen, work), 0);
    ck_assert(tu_exists(tu_pathf("%s/r/none/summary.json", work)));
    ck_assert(tu_exists(tu_pathf("%s/r/xfetch/summary.json", work)));
    ck_assert(!tu_exists(tu_pathf("%s/r/lock", work)));
    /* beta 0 never refreshes early: xfetch then behaves exactly as none. */
    const char *x = tu_pathf("%s/r/xfetch/summary.json", work), *n = tu_pathf("%s/r/none/summary.json", work);
    ck_assert_double_eq(tu_json_num(x, "params.beta"), 0);
    ck_assert_double_eq(tu_json_num(x, "db.early"), 0);
    ck_assert_double_eq(tu_json_num(x, "db.queries"), tu_json_num(n, "db.queries"));
    ck_assert_double_eq(tu_json_num(x, "latency.p99"), tu_json_num(n, "latency.p99"));
}
END_TEST

START_TEST(existing_folder_is_replaced_whole_or_kept)
{
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --strategy none --out %s/r", scen, work), 0);
    char *before = tu_slurp(tu_pathf("%s/r/comparison.csv", work));
    /* An invalid override: exit 2 and the previous folder untouched. */
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --quiet --set cache.ttl=-1 --out %s/r", scen, work), 2);
    free(err);
    char *after = tu_slurp(tu_pathf("%s/r/comparison.csv", work));
    ck_assert_str_eq(before, after);
    free(after);
    /* A successful run replaces it. */
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --out %s/r", scen, work), 0);
    ck_assert(tu_exists(tu_pathf("%s/r/lock/summary.json", work)));
    free(before);
    /* A folder that is not a results folder is never touched. */
    ck_assert_int_eq(tu_write(tu_pathf("%s/precious.txt", work), "keep me"), 0);
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --quiet --out %s", scen, work), 2);
    ck_assert_str_eq(err, tu_pathf("stampede: %s has no .stampede marker, so it may hold files stampede did not write "
                                   "(the first: %s/precious.txt); it will not be replaced: choose another folder, or "
                                   "delete or move it yourself (a stampede older than the marker wrote none)\n", work,
                                   work));
    free(err);
    ck_assert(tu_exists(tu_pathf("%s/precious.txt", work)));
}
END_TEST

/* ---------------------------------------------------------------- traces */

static size_t count_lines(const char *file)
{
    char *t = tu_slurp(file);
    ck_assert_ptr_nonnull(t);
    size_t n = 0;
    for (char *p = t; *p; p++) n += *p == '\n';
    free(t);
    return n;
}

START_TEST(trace_rows_match_the_summary)
{
    /* warmup 0 so that every attempt is counted in the summary. */
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --trace --set warmup=0 --out %s/r", scen, work), 0);
    const char *labels[] = { "none", "lock", "coalesce", "xfetch" };
    for (int i = 0; i < 4; i++) {
        const char *f = tu_pathf("%s/r/%s/summary.json", work, labels[i]);
        size_t req = count_lines(tu_pathf("%s/r/%s/requests.csv", work, labels[i])) - 1;
        size_t db = count_lines(tu_pathf("%s/r/%s/db.csv", work, labels[i])) - 1;
        ck_assert_uint_eq(req, (size_t)tu_json_num(f, "attempts"));
        ck_assert_uint_eq(db, (size_t)(tu_json_num(f, "db.queries") + tu_json_num(f, "db.rejected")));
    }
    char *h = tu_slurp(tu_pathf("%s/r/none/requests.csv", work));
    ck_assert(!strncmp(h, "id,attempt,node,key,t_arrival,t_done,latency,outcome,db\n", 56));
    free(h);
    h = tu_slurp(tu_pathf("%s/r/none/db.csv", work));
    ck_assert(!strncmp(h, "key,node,t_issue,t_start,t_end,cause,requester", 46));
    free(h);
}
END_TEST

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* First attempts (id, node, key, arrival) of every strategy, sorted by id. */
static char *first_attempts(const char *file)
{
    char *t = tu_slurp(file);
    ck_assert_ptr_nonnull(t);
    size_t cap = 1 << 20, n = 0;
    char **rows = malloc(cap * sizeof *rows);
    char *save, *line = strtok_r(t, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save))) {
        char id[32], at[16], node[16], key[16], tarr[64];
        if (sscanf(line, "%31[^,],%15[^,],%15[^,],%15[^,],%63[^,]", id, at, node, key, tarr) != 5) continue;
        if (strcmp(at, "1")) continue;
        if (n == cap) rows = realloc(rows, (cap *= 2) * sizeof *rows);
        size_t len = strlen(id) + strlen(node) + strlen(key) + strlen(tarr) + 8;
        rows[n] = malloc(len);
        snprintf(rows[n++], len, "%012lld,%s,%s,%s", atoll(id), node, key, tarr);
    }
    qsort(rows, n, sizeof *rows, cmp_str);
    size_t total = 1;
    for (size_t i = 0; i < n; i++) total += strlen(rows[i]) + 1;
    char *all = malloc(total), *p = all;
    for (size_t i = 0; i < n; i++) {
        p += sprintf(p, "%s\n", rows[i]);
        free(rows[i]);
    }
    *p = 0;
    free(rows);
    free(t);
    return all;
}

START_TEST(strategies_see_identical_first_attempts)
{
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --trace --out %s/r", scen, work), 0);
    char *ref = first_attempts(tu_pathf("%s/r/none/requests.csv", work));
    ck_assert(strlen(ref) > 100000);
    const char *labels[] = { "lock", "coalesce", "xfetch" };
    for (int i = 0; i < 3; i++) {
        char *other = first_attempts(tu_pathf("%s/r/%s/requests.csv", work, labels[i]));
        ck_assert_msg(!strcmp(ref, other), "%s saw different first attempts than none", labels[i]);
        free(other);
    }
    free(ref);
}
END_TEST

START_TEST(trace_replay_reproduces_arrival_times)
{
    /* The bundled trace, replayed: every first attempt arrives exactly at its row's t. */
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --trace --strategy none --out %s/r",
                          tu_path("scenarios/replay.json"), work), 0);
    char *trace = tu_slurp(tu_path("scenarios/traces/shop-90s.csv"));
    char *req = tu_slurp(tu_pathf("%s/r/none/requests.csv", work));
    ck_assert_ptr_nonnull(trace);
    ck_assert_ptr_nonnull(req);
    /* requests.csv rows are in completion order: index them by request id. */
    size_t n = 0;
    for (char *p = trace; *p; p++) n += *p == '\n';
    n--;   /* header */
    char **arr = calloc(n, sizeof *arr);
    char *save, *line = strtok_r(req, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save))) {
        char *f[6], *p = line;
        for (int i = 0; i < 6; i++) f[i] = strsep(&p, ",");
        if (strcmp(f[1], "1")) continue;
        size_t id = (size_t)atol(f[0]);
        ck_assert_uint_lt(id, n);
        arr[id] = f[4];
    }
    size_t i = 0;
    line = strtok_r(trace, "\n", &save);   /* header */
    while ((line = strtok_r(NULL, "\n", &save))) {
        char *comma = strchr(line, ',');
        *comma = 0;
        ck_assert_msg(arr[i] != NULL, "trace row %zu was not replayed", i);
        ck_assert_msg(strtod(arr[i], NULL) == strtod(line, NULL), "row %zu: trace t=%s, replayed at %s", i, line, arr[i]);
        i++;
    }
    ck_assert_uint_eq(i, n);
    ck_assert_double_eq(tu_json_num(tu_pathf("%s/r/none/summary.json", work), "requests"), (double)n);
    free(arr);
    free(trace);
    free(req);
}
END_TEST

START_TEST(trace_errors_name_the_row)
{
    ck_assert_int_eq(tu_write(tu_pathf("%s/bad.csv", work), "t,key\n0.5,1\n0.25,2\n"), 0);
    char *sc = tu_scenario(work, "t.json", "{\"duration\": 10, \"clients\": {\"arrivals\": {\"trace\": \"bad.csv\"}},"
                                          " \"keys\": {\"count\": 5}, \"cache\": {\"ttl\": 1}, \"db\": {\"workers\": 1, \"latency\": 0.01}}");
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --quiet --out %s/never", sc, work), 2);
    ck_assert_str_eq(err, tu_pathf("stampede: %s/bad.csv:3:1: error: t: \"0.25\" is before the previous row's 0.5: "
                                   "rows must be in time order\n", work));
    ck_assert(!tu_exists(tu_pathf("%s/never", work)));
    free(err);
    free(sc);
}
END_TEST

START_TEST(zero_latency_gets_run_in_event_order)
{
    /* A get of constant zero latency waits in the event set's at-now slot; a
     * uniform(0, 0) latency always goes through its heap.  Both must give the same
     * bytes, with two bursts at one instant (so events are pending at the
     * instant a get is made), timeouts, retries and every strategy. */
    char *sc = tu_scenario(work, "z.json",
        "{\"duration\": 5, \"seed\": 3, \"clients\": {\"arrivals\": {\"rate\": 50},"
        " \"bursts\": [{\"at\": 1, \"requests\": 300, \"key\": 0}, {\"at\": 1, \"requests\": 100, \"key\": 1},"
        " {\"at\": 2, \"requests\": 200, \"key\": \"hot\"}],"
        " \"timeout\": \"30ms\", \"retries\": {\"max\": 2, \"backoff\": 0, \"jitter\": \"none\"}},"
        " \"keys\": {\"count\": 3}, \"app\": {\"nodes\": 3},"
        " \"cache\": {\"latency\": 0, \"ttl\": \"500ms\", \"initial\": \"synchronized\"},"
        " \"db\": {\"workers\": 2, \"queue_limit\": 50, \"latency\": \"20ms\"},"
        " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\", \"poll\": 0.01}, {\"name\": \"coalesce\"},"
        " {\"name\": \"xfetch\", \"beta\": 3}, {\"name\": \"swr\", \"grace\": \"100ms\"},"
        " {\"name\": \"lease\", \"retry\": 0.005}, {\"name\": \"refresh_ahead\"}]}");
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --trace --out %s/a", sc, work), 0);
    ck_assert_int_eq(tu_runf(NULL, NULL, "run %s --quiet --trace --set 'cache.latency={\"dist\":\"uniform\",\"min\":0,\"max\":0}' --out %s/b",
                             sc, work), 0);
    const char *labels[] = { "none", "lock", "coalesce", "xfetch", "swr", "lease", "refresh_ahead" };
    const char *files[] = { "timeseries.csv", "requests.csv", "db.csv", "latency_hist.csv", "stampede_sizes.csv" };
    for (int i = 0; i < 7; i++) {
        for (int j = 0; j < 5; j++) {
            char *x = tu_slurp(tu_pathf("%s/a/%s/%s", work, labels[i], files[j]));
            char *y = tu_slurp(tu_pathf("%s/b/%s/%s", work, labels[i], files[j]));
            ck_assert_msg(x && y && !strcmp(x, y), "%s/%s differs between the two paths", labels[i], files[j]);
            free(x);
            free(y);
        }
        ck_assert_double_eq(tu_json_num(tu_pathf("%s/a/%s/summary.json", work, labels[i]), "sim.events"),
                            tu_json_num(tu_pathf("%s/b/%s/summary.json", work, labels[i]), "sim.events"));
    }
    free(sc);
}
END_TEST

/* ---------------------------------------------------------------- invalid corpus */

START_TEST(invalid_scenarios_exit_2_with_their_message)
{
    char *dirpath = strdup(tu_path("tests/invalid"));
    DIR *d = opendir(dirpath);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int n = 0;
    ck_assert_int_eq(chdir(tu_src()), 0);
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json")) continue;
        char base[512];
        snprintf(base, sizeof base, "tests/invalid/%.*s", (int)(len - 5), e->d_name);
        char *want = tu_slurp(tu_pathf("%s.expected", base));
        ck_assert_msg(want != NULL, "%s.expected is missing", base);
        char *err = NULL, *out = NULL;
        int st = tu_runf(&out, &err, "validate %s.json", base);
        ck_assert_msg(st == 2, "%s: validate exited %d", base, st);
        ck_assert_msg(!strcmp(err, want), "%s: expected\n%s\ngot\n%s", base, want, err);
        free(err);
        free(out);
        st = tu_runf(&out, &err, "run %s.json --quiet --out %s/never", base, work);
        ck_assert_msg(st == 2, "%s: run exited %d", base, st);
        ck_assert_msg(!strcmp(err, want), "%s: run printed\n%s", base, err);
        ck_assert_msg(!tu_exists(tu_pathf("%s/never", work)), "%s: run left a folder", base);
        ck_assert_msg(!strcmp(out, ""), "%s: run printed on stdout", base);
        free(err);
        free(out);
        free(want);
        n++;
    }
    closedir(d);
    free(dirpath);
    ck_assert_int_ge(n, 15);
    /* Nothing at all was left in the scratch folder but the scenario. */
    DIR *w = opendir(work);
    int left = 0;
    while ((e = readdir(w))) left += e->d_name[0] != '.';
    closedir(w);
    ck_assert_int_eq(left, 1);
}
END_TEST

START_TEST(bundled_scenarios_are_valid)
{
    DIR *d = opendir(tu_path("scenarios"));
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json")) continue;
        char *out = NULL, *err = NULL;
        int st = tu_runf(&out, &err, "validate %s", tu_path(tu_pathf("scenarios/%s", e->d_name)));
        ck_assert_msg(st == 0, "%s: %s", e->d_name, err);
        free(out);
        free(err);
        n++;
    }
    closedir(d);
    ck_assert_int_ge(n, 4);
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *cl = tcase_create("command_line");
    tcase_add_checked_fixture(cl, setup, teardown);
    tcase_add_test(cl, version_and_help);
    tcase_add_test(cl, bad_usage_exits_2);
    tcase_add_test(cl, validate_reports_ok);
    tcase_add_test(cl, bundled_scenarios_are_valid);
    suite_add_tcase(s, cl);
    TCase *rf = tcase_create("results_folder");
    tcase_add_checked_fixture(rf, setup, teardown);
    tcase_set_timeout(rf, 120);
    tcase_add_test(rf, run_writes_the_folder);
    tcase_add_test(rf, same_seed_same_bytes);
    tcase_add_test(rf, strategy_subset_and_overrides);
    tcase_add_test(rf, existing_folder_is_replaced_whole_or_kept);
    suite_add_tcase(s, rf);
    TCase *tr = tcase_create("traces");
    tcase_add_checked_fixture(tr, setup, teardown);
    tcase_set_timeout(tr, 120);
    tcase_add_test(tr, trace_rows_match_the_summary);
    tcase_add_test(tr, strategies_see_identical_first_attempts);
    tcase_add_test(tr, trace_replay_reproduces_arrival_times);
    tcase_add_test(tr, trace_errors_name_the_row);
    tcase_add_test(tr, zero_latency_gets_run_in_event_order);
    suite_add_tcase(s, tr);
    TCase *inv = tcase_create("invalid_input");
    tcase_add_checked_fixture(inv, setup, teardown);
    tcase_set_timeout(inv, 120);
    tcase_add_test(inv, invalid_scenarios_exit_2_with_their_message);
    suite_add_tcase(s, inv);
    return s;
}
