/* check_robust.c - hostile input and hostile conditions, through the real
 * program: huge files, --set paths and values, runs beyond the limits,
 * interrupted runs, unwritable and full disks, numbers at the edges.  Each
 * answer is exact: exit status, stderr, and what is (not) left on disk. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sys/statvfs.h>

#include "base/stop.h"
#include "cli/signals.h"
#include "model/model.h"
#include "model/scenario.h"
#include "scenario/budget.h"
#include "scenario/load.h"
#include "testutil.h"
#include "testmain.h"

static const char *base_json =
    "{\n"
    "  \"name\": \"r\",\n"
    "  \"seed\": 3,\n"
    "  \"duration\": \"10s\",\n"
    "  \"clients\": {\"arrivals\": {\"rate\": 200}},\n"
    "  \"keys\": {\"count\": 20},\n"
    "  \"cache\": {\"ttl\": \"1s\"},\n"
    "  \"db\": {\"workers\": 4, \"latency\": \"10ms\"},\n"
    "  \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}]\n"
    "}\n";

static char *work;   /* a scratch folder per test */
static char *scen;   /* base_json in it */

static void setup(void)
{
    work = tu_tmpdir();
    ck_assert_ptr_nonnull(work);
    scen = tu_scenario(work, "r.json", base_json);
    ck_assert_ptr_nonnull(scen);
}

static void teardown(void)
{
    tu_rmrf(work);
    free(work);
    free(scen);
}

/* ---------------------------------------------------------------- running */

/* How to start the program: its stdin, limits, and a signal sent after a delay. */
typedef struct how {
    const char *in;         /* stdin (default /dev/null) */
    long fsize_kb;          /* RLIMIT_FSIZE, 0: none */
    long data_mb;           /* RLIMIT_DATA, 0: none */
    int sig;                /* sent after delay seconds, 0: none */
    double delay;
    const char *out;        /* with sig: wait for out.tmp-PID first (the run has started) */
    int sig2;               /* sent delay2 seconds after sig, 0: none */
    double delay2;
} how;

typedef struct result {
    int status;             /* exit status, or -1 when killed by a signal */
    char *out, *err;
    double seconds;
    int signal;             /* the signal that killed it, 0: none */
    long maxrss_kb;         /* its peak resident memory */
} result;

/* Runs the program with argv (NULL-terminated, without the program). */
static result run_how(const how *h, const char *const *args)
{
    char op[4200], ep[4200];
    snprintf(op, sizeof op, "%s/.out", work);
    snprintf(ep, sizeof ep, "%s/.err", work);
    const char *argv[64];
    size_t n = 0;
    argv[n++] = tu_prog();
    for (; args[n - 1] && n < 63; n++) argv[n] = args[n - 1];
    argv[n] = NULL;
    double t0 = tu_now();
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int in = open(h->in ? h->in : "/dev/null", O_RDONLY);
        int out = open(op, O_WRONLY | O_CREAT | O_TRUNC, 0600), err = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0) _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        if (h->fsize_kb) {
            struct rlimit rl = { (rlim_t)h->fsize_kb << 10, (rlim_t)h->fsize_kb << 10 };
            setrlimit(RLIMIT_FSIZE, &rl);
        }
        if (h->data_mb) {
            struct rlimit rl = { (rlim_t)h->data_mb << 20, (rlim_t)h->data_mb << 20 };
            setrlimit(RLIMIT_DATA, &rl);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (h->sig) {
        /* The hidden folder appears once the signal handlers are in place. */
        char tmp[4200];
        snprintf(tmp, sizeof tmp, "%s.tmp-%ld", h->out ? h->out : "", (long)pid);
        for (int i = 0; h->out && i < 1000 && !tu_exists(tmp); i++) {
            struct timespec ms = { 0, 10000000 };
            nanosleep(&ms, NULL);
        }
        struct timespec ts = { (time_t)h->delay, (long)((h->delay - floor(h->delay)) * 1e9) };
        nanosleep(&ts, NULL);
        kill(pid, h->sig);
        if (h->sig2) {
            struct timespec t2 = { (time_t)h->delay2, (long)((h->delay2 - floor(h->delay2)) * 1e9) };
            nanosleep(&t2, NULL);
            kill(pid, h->sig2);
        }
    }
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR) {}
    result r = { WIFEXITED(st) ? WEXITSTATUS(st) : -1, tu_slurp(op), tu_slurp(ep), tu_now() - t0,
                 WIFSIGNALED(st) ? WTERMSIG(st) : 0, ru.ru_maxrss };
    unlink(op);
    unlink(ep);
    return r;
}

static result run(const char *const *args)
{
    how h = { 0 };
    return run_how(&h, args);
}

static void result_free(result *r)
{
    free(r->out);
    free(r->err);
}

/* The names in work other than the given ones (hidden files ignored): "" when none. */
static char *others(const char *keep1, const char *keep2)
{
    static char buf[4096];
    buf[0] = 0;
    DIR *d = opendir(work);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if ((keep1 && !strcmp(e->d_name, keep1)) || (keep2 && !strcmp(e->d_name, keep2))) continue;
        strncat(buf, e->d_name, sizeof buf - strlen(buf) - 2);
        strcat(buf, " ");
    }
    closedir(d);
    return buf;
}

/* True when work holds a half-built or set-aside results folder. */
static int leftovers(void)
{
    DIR *d = opendir(work);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) n += strstr(e->d_name, ".tmp-") || strstr(e->d_name, ".old-");
    closedir(d);
    return n;
}

/* Exit 2, the exact stderr, nothing on stdout, nothing written (the runs
 * here write to work/never). */
static void refused(const char *const *args, const char *want)
{
    result r = run(args);
    ck_assert_msg(r.status == 2, "%s %s %s %s: exit %d, stderr:\n%s", args[0], args[1], args[2], args[3], r.status,
                  r.err);
    ck_assert_msg(!strcmp(r.err, want), "expected\n%sgot\n%s", want, r.err);
    ck_assert_str_eq(r.out, "");
    ck_assert(!tu_exists(tu_pathf("%s/never", work)));
    ck_assert(!leftovers());
    result_free(&r);
}

/* ---------------------------------------------------------------- files */

/* A 100 MB scenario (a valid start, then a 100 MB description) is refused
 * before it is read, whether it comes as a file or through a pipe. */
START_TEST(hundred_megabyte_file_refused_quickly)
{
    char *big = tu_pathf("%s/big.json", work);
    FILE *f = fopen(big, "wb");
    ck_assert_ptr_nonnull(f);
    fputs("{\"duration\": 10, \"description\": \"", f);
    static char chunk[1 << 20];
    memset(chunk, 'x', sizeof chunk);
    for (int i = 0; i < 100; i++) ck_assert_uint_eq(fwrite(chunk, 1, sizeof chunk, f), sizeof chunk);
    fputs("\"}\n", f);
    ck_assert_int_eq(fclose(f), 0);
    char want[8192];

    const char *a1[] = { "validate", big, NULL };
    result r = run(a1);
    snprintf(want, sizeof want, "stampede: %s: error: cannot read: the file is larger than 64 MiB\n", big);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, want);
    ck_assert_msg(r.seconds < 2, "took %.2f s", r.seconds);
    result_free(&r);

    const char *a2[] = { "run", big, "--out", tu_pathf("%s/never", work), NULL };
    r = run(a2);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, want);
    ck_assert(!tu_exists(tu_pathf("%s/never", work)));
    result_free(&r);

    /* Through a pipe the size is not known: reading stops past the limit. */
    how h = { .in = big };
    const char *a3[] = { "validate", "/dev/stdin", NULL };
    r = run_how(&h, a3);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "stampede: /dev/stdin: error: cannot read: the file is larger than 64 MiB\n");
    ck_assert_msg(r.seconds < 5, "took %.2f s", r.seconds);
    result_free(&r);
    unlink(big);
}
END_TEST

/* A 1 MB name: refused, and the message shows its first 40 characters. */
START_TEST(megabyte_name)
{
    size_t n = 1 << 20;
    char *text = malloc(n + 512);
    ck_assert_ptr_nonnull(text);
    strcpy(text, "{\n  \"name\": \"");
    size_t k = strlen(text);
    memset(text + k, 'n', n);
    strcpy(text + k + n, "\",\n  \"duration\": 10,\n  \"clients\": {\"arrivals\": {\"rate\": 1}},\n"
                         "  \"cache\": {\"ttl\": 1},\n  \"db\": {\"workers\": 1, \"latency\": 0}\n}\n");
    char *p = tu_scenario(work, "long.json", text);
    free(text);
    char want[8192];
    snprintf(want, sizeof want, "stampede: %s:2:11: error: /name: expected a name of letters, digits, \".\", \"_\" "
             "and \"-\" that starts with a letter or digit (at most 255 characters) (got \"%.40s...\")\n", p,
             "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
    const char *a[] = { "run", p, "--out", tu_pathf("%s/never", work), NULL };
    result r = run(a);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, want);
    ck_assert(!tu_exists(tu_pathf("%s/never", work)));
    result_free(&r);
    unlink(p);
    free(p);
}
END_TEST

/* 100,000 unknown fields: the first 1000 errors are shown, the rest counted,
 * without spending time or memory on them. */
START_TEST(many_errors_are_capped)
{
    size_t n = 100000;
    char *text = malloc(n * 16 + 64), *p = text;
    ck_assert_ptr_nonnull(text);
    p += sprintf(p, "{\"duration\": 10");
    for (size_t i = 0; i < n; i++) p += sprintf(p, ",\n\"k%zu\": 1", i);
    strcpy(p, "}\n");
    char *path = tu_scenario(work, "many.json", text);
    free(text);
    const char *a[] = { "validate", path, NULL };
    result r = run(a);
    ck_assert_int_eq(r.status, 2);
    size_t lines = 0;
    for (const char *q = r.err; *q; q++) lines += *q == '\n';
    ck_assert_uint_eq(lines, 1001);
    ck_assert_ptr_nonnull(strstr(r.err, tu_pathf("stampede: %s:2:1: error: /k0: unknown field (expected one of: name, "
                                              "description, seed, duration,", path)));
    ck_assert_ptr_nonnull(strstr(r.err, tu_pathf("stampede: %s: error: 99003 more errors not shown (at most 1000 are)\n",
                                              path)));
    ck_assert_msg(r.seconds < 5, "took %.2f s", r.seconds);
    result_free(&r);
    free(path);
}
END_TEST

/* ---------------------------------------------------------------- --set */

/* --set paths that do not exist and values of the wrong type: exit 2, the
 * exact message naming the --set, nothing written. */
START_TEST(set_paths_and_values)
{
    static const struct { const char *set, *want; } cases[] = {
        { "cache.tll=5s", "--set cache.tll: error: /cache/tll: unknown field (did you mean \"ttl\"?)" },
        { "nosuch.deep.path=1", "--set nosuch.deep.path: error: no such field \"nosuch\" in /" },
        { "app.nodes=3", "--set app.nodes: error: no such field \"app\" in /" },
        { "strategies.9.poll=1s", "--set strategies.9.poll: error: no element 9 in /strategies (it has 2)" },
        { "strategies.x=1", "--set strategies.x: error: no field \"x\" in /strategies (it is an array)" },
        { "strategies.01.poll=1s", "--set strategies.01.poll: error: no field \"01\" in /strategies (it is an array)" },
        { "strategies.-1.poll=1s", "--set strategies.-1.poll: error: no field \"-1\" in /strategies (it is an array)" },
        { "cache.ttl.unit=s", "--set cache.ttl.unit: error: no field \"unit\" in /cache/ttl (it is a string)" },
        { "db.latency.dist=normal", "--set db.latency.dist: error: no field \"dist\" in /db/latency (it is a string)" },
        { "cache..ttl=1", "--set cache..ttl: error: empty field name in the path" },
        { ".=1", "--set .: error: empty field name in the path" },
        { "db.workers=many",
          "--set db.workers: error: /db/workers: expected an integer >= 1 or \"unlimited\" (got \"many\")" },
        { "db.workers=1e30",
          "--set db.workers: error: /db/workers: expected an integer in [1, 18446744073709551615] or \"unlimited\" "
          "(got 1e30)" },
        { "duration=true", "--set duration: error: /duration: expected a duration such as 30, \"250us\", \"20ms\", "
                           "\"1.5s\", \"2m\" or \"1h\" (got true)" },
        { "duration=", "--set duration: error: /duration: expected a duration such as 30, \"250us\", \"20ms\", "
                       "\"1.5s\", \"2m\" or \"1h\" (got \"\")" },
        { "cache.ttl=1e999", "--set cache.ttl: error: /cache/ttl: not a finite number (got 1e999)" },
        { "seed=-1", "--set seed: error: /seed: expected an integer >= 0 (got -1)" },
        { "seed=1.5", "--set seed: error: /seed: expected an integer >= 0 (got 1.5)" },
        { "clients.arrivals.rate=[1,2]",
          "--set clients.arrivals.rate: error: /clients/arrivals/rate: expected a number > 0 (got [1,2])" },
        { "clients.arrivals.rate=NaN",
          "--set clients.arrivals.rate: error: /clients/arrivals/rate: expected a number > 0 (got \"NaN\")" },
        { "cache=null", "--set cache: error: /cache: expected an object (got null)" },
        { "strategies=[]", "--set strategies: error: /strategies: expected a non-empty array such as "
                           "[{\"name\": \"none\"}] (got [])" },
        { "strategies.1.poll=fast", "--set strategies.1.poll: error: /strategies/1/poll: expected a duration such as "
                                    "30, \"250us\", \"20ms\", \"1.5s\", \"2m\" or \"1h\" (got \"fast\")" },
        { "clients={\"arrivals\": {\"rate\": 1, \"rate\": 2}}",
          "--set clients: error: duplicate field /arrivals/rate in the value" },
        { "name=a/b", "--set name: error: /name: expected a name of letters, digits, \".\", \"_\" and \"-\" that "
                      "starts with a letter or digit (at most 255 characters) (got \"a/b\")" },
        { "name=a\xff", "--set name: error: the value is not valid UTF-8" },
    };
    char *never = tu_pathf("%s/never", work);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char want[1024];
        snprintf(want, sizeof want, "stampede: %s\n", cases[i].want);
        const char *a[] = { "run", scen, "--quiet", "--set", cases[i].set, "--out", never, NULL };
        refused(a, want);
    }
    /* Every bad --set at once, in command-line order. */
    const char *a[] = { "run", scen, "--set", "db.workers=0", "--set", "cache.tll=1", "--out", never, NULL };
    refused(a, "stampede: --set db.workers: error: /db/workers: expected an integer >= 1 or \"unlimited\" (got 0)\n"
               "stampede: --set cache.tll: error: /cache/tll: unknown field (did you mean \"ttl\"?)\n");
    const char *b[] = { "run", scen, "--set", "=1", "--out", never, NULL };
    refused(b, "stampede: run: --set needs PATH=VALUE (got \"=1\") (see 'stampede run --help')\n");
    const char *c[] = { "run", scen, "--seed", "abc", "--out", never, NULL };
    refused(c, "stampede: run: --seed needs an integer >= 0 (got \"abc\") (see 'stampede run --help')\n");
    /* 10,000 '[' is not JSON: the value is the string, and "x" no field. */
    char deep[10008] = "x=";
    memset(deep + 2, '[', 10000);
    deep[10002] = 0;
    const char *d[] = { "run", scen, "--set", deep, "--out", never, NULL };
    refused(d, "stampede: --set x: error: /x: unknown field (expected one of: name, description, seed, duration, "
               "warmup, bin, drain, clients, keys, app, cache, db, faults, strategies, slo, recovery)\n");
}
END_TEST

/* ---------------------------------------------------------------- limits */

/* True when s is prefix, a size such as "1.4 GB", then suffix. */
static int with_size(const char *s, const char *prefix, const char *suffix)
{
    size_t np = strlen(prefix), ns = strlen(suffix), n = strlen(s);
    if (n < np + ns || strncmp(s, prefix, np) || strcmp(s + n - ns, suffix)) return 0;
    double x;
    char unit[8];
    int k = 0;
    return sscanf(s + np, "%lf %7[A-Z]%n", &x, unit, &k) == 2 && np + (size_t)k == n - ns;
}

START_TEST(requests_beyond_the_limit)
{
    char want[4096];
    snprintf(want, sizeof want,
             "stampede: %s: error: about 3.6e+10 requests for each of 2 strategies (rate 1e+07/s for 3600 s) would "
             "take about 40 hours to simulate, beyond the limit of 2e+09 in all; lower clients.arrivals.rate or "
             "duration, or pass --force to run it anyway\n", scen);
    const char *a[] = { "run", scen, "--set", "clients.arrivals.rate=1e7", "--set", "duration=1h", "--out",
                        tu_pathf("%s/never", work), NULL };
    refused(a, want);
    /* One strategy: half the time; validate says what run would, and --force lets it pass. */
    char *p = tu_scenario(work, "big.json",
                          "{\"duration\": \"1h\", \"clients\": {\"arrivals\": {\"rate\": 1e7}},\n"
                          " \"cache\": {\"ttl\": 30}, \"db\": {\"workers\": 1, \"latency\": 0.01}}\n");
    snprintf(want, sizeof want,
             "stampede: %s: error: about 3.6e+10 requests (rate 1e+07/s for 3600 s) would take about 10 hours to "
             "simulate, beyond the limit of 2e+09 in all; lower clients.arrivals.rate or duration, or pass --force "
             "to run it anyway\n", p);
    const char *b[] = { "validate", p, NULL };
    refused(b, want);
    const char *b2[] = { "validate", "--force", p, NULL };
    result r = run(b2);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, tu_pathf("%s: ok (1 strategy: none)\n", p));
    ck_assert_ptr_nonnull(strstr(r.err, "warning: about 3.6e+10 requests"));
    result_free(&r);
    free(p);
    /* Closed loop: population x duration / (think + cache latency). */
    snprintf(want, sizeof want,
             "stampede: %s: error: about 3.6e+12 requests (1000000 closed-loop clients for 3600 s, a request every "
             "0.001 s each) would take about 83 days to simulate, beyond the limit of 2e+09 in all; lower "
             "clients.arrivals.closed.population or duration, or raise its think time, or pass --force to run it "
             "anyway\n", scen);
    const char *c[] = { "run", scen, "--strategy", "lock", "--set",
                        "clients.arrivals={\"closed\": {\"population\": 1000000, \"think\": \"1ms\"}}",
                        "--set", "duration=1h", "--out", tu_pathf("%s/never", work), NULL };
    refused(c, want);
}
END_TEST

/* A DB latency of 2^25 s with a drain limit beyond it keeps the run going
 * 2^25 s after the duration: 3.4e7 one-second rows.  A wide enough bin runs
 * (see numbers_at_the_edges); the default drain limit cuts it (see drain). */
START_TEST(bins_beyond_the_limit)
{
    char pre[4096];
    snprintf(pre, sizeof pre,
             "stampede: %s: error: about 3.4e+07 time-series rows of 1 s (the run lasts at least 3.36e+07 s: "
             "duration 10 s, then a DB latency of 3.35544e+07 s) would take ", scen);
    const char *a[] = { "run", scen, "--set", "db.latency=33554432s", "--set", "drain=1e8", "--out",
                        tu_pathf("%s/never", work), NULL };
    result r0 = run(a);
    ck_assert_int_eq(r0.status, 2);
    ck_assert_msg(with_size(r0.err, pre, ", beyond the limit of 1e+07; raise bin or lower drain, or pass --force to "
                                         "run it anyway\n"), "%s", r0.err);
    ck_assert(!tu_exists(tu_pathf("%s/never", work)));
    result_free(&r0);
    const char *b[] = { "validate", scen, "--force", NULL };
    result r = run(b);
    ck_assert_int_eq(r.status, 0);
    result_free(&r);
}
END_TEST

/* Keys beyond the memory the process may use: refused with the estimate
 * (of the keys the run touches: 3e7 uniform draws over 3e7 keys touch
 * 1.9e7 of them); with --force it runs, fails cleanly, and writes nothing. */
START_TEST(memory_beyond_the_limit)
{
    if (tu_sanitized()) return;   /* ASan reserves terabytes of address space: no memory rlimit */
    how h = { .data_mb = 512 };
    char *out = tu_pathf("%s/out", work);
    const char *a[] = { "run", scen, "--set", "keys.count=30000000", "--set", "clients.arrivals.rate=3000000", "--out", out, NULL };
    result r = run_how(&h, a);
    /* The size depends on the model's per-key record. */
    const char *tail = " of memory (1.9e+07 keys with state, of 30000000; 11 time-series rows) is more than 80% of the "
                       "536.9 MB this process may use; lower keys.count, ";
    char pre[4096], suf[4096];
    snprintf(pre, sizeof pre, "stampede: %s: error: about ", scen);
    snprintf(suf, sizeof suf, "%sor pass --force to run it anyway\n", tail);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(with_size(r.err, pre, suf), "%s", r.err);
    result_free(&r);
    const char *b[] = { "run", scen, "--set", "keys.count=30000000", "--set", "clients.arrivals.rate=3000000", "--out", out, "--force", NULL };
    r = run_how(&h, b);
    ck_assert_int_eq(r.status, 1);
    snprintf(pre, sizeof pre, "stampede: %s: warning: about ", scen);
    ck_assert_msg(strncmp(r.err, pre, strlen(pre)) == 0 && strstr(r.err, "running it anyway (--force)\n"), "%s", r.err);
    ck_assert_ptr_nonnull(strstr(r.err, "memory"));
    ck_assert_str_eq(others("r.json", NULL), "");
    result_free(&r);
}
END_TEST

/* The estimate counts the keys' state and nothing else (the key chooser
 * keeps nothing per key, engine/rng.c).  With few keys every key has its
 * record from the start: 10^5 more keys add exactly 10^5 key states,
 * whatever the popularity.  With many, only the keys the run touches have
 * one: 2000 requests touch at most 2000 keys, so 10^7 or 10^10 keys cost the
 * same to within the table's doubling. */
START_TEST(memory_estimate_per_key)
{
    static const char *const pops[] = { "\"uniform\"", "{\"zipf\": 1.0}", "{\"zipf\": 0.6}" };
    static const char *const counts[] = { "100000", "200000", "10000000", "10000000000" };
    double first[4] = { 0 }, key_bytes = 0;
    for (size_t p = 0; p < sizeof pops / sizeof *pops; p++) {
        double mem[4], keys[4];
        for (int c = 0; c < 4; c++) {
            const override o[2] = { { "keys.count", counts[c] }, { "keys.popularity", pops[p] } };
            diag d = { 0 };
            scenario *sc = scenario_load_text("r.json", base_json, strlen(base_json), o, 2, &d);
            ck_assert_ptr_nonnull(sc);
            key_bytes = sim_key_bytes(sc);
            budget_estimate e;
            budget_estimate_of(sc, sc->nstrategies, &e);
            mem[c] = e.memory;
            keys[c] = e.key_setups;
            scenario_free(sc);
            diag_free(&d);
        }
        ck_assert_double_eq(mem[1] - mem[0], 1e5 * key_bytes);
        ck_assert_double_eq(keys[0], 1e5);
        ck_assert_double_le(keys[2], 2000);
        ck_assert_double_le(keys[3], 2000);
        ck_assert_double_ge(keys[3], p == 0 ? 1999 : 100);
        ck_assert_double_le(fabs(mem[3] - mem[2]), 2000 * 64);
        if (p == 0) memcpy(first, mem, sizeof first);
        ck_assert_double_eq(mem[0], first[0]);
        ck_assert_double_eq(mem[1], first[1]);
    }
}
END_TEST

/* ---------------------------------------------------------------- interrupted */

/* A run of a few seconds at least (2e8 requests), stopped by sig after 0.3 s. */
static result long_run(int sig, const char *out)
{
    how h = { .sig = sig, .delay = 0.3, .out = out };
    const char *a[] = { "run", scen, "--quiet", "--set", "duration=1000", "--set", "clients.arrivals.rate=100000",
                        "--out", out, NULL };
    return run_how(&h, a);
}

START_TEST(sigterm_leaves_nothing)
{
    char *out = tu_pathf("%s/res", work);
    result r = long_run(SIGTERM, out);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, tu_pathf("stampede: interrupted; nothing was written to %s\n", out));
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(others("r.json", NULL), "");
    result_free(&r);
}
END_TEST

START_TEST(sigint_keeps_the_previous_folder)
{
    char *out = tu_pathf("%s/res", work);
    const char *a[] = { "run", scen, "--quiet", "--out", out, NULL };
    result r = run(a);
    ck_assert_int_eq(r.status, 0);
    result_free(&r);
    char *cmp = tu_slurp(tu_pathf("%s/comparison.csv", out)), *sum = tu_slurp(tu_pathf("%s/lock/summary.json", out));
    ck_assert_ptr_nonnull(cmp);
    ck_assert_ptr_nonnull(sum);
    r = long_run(SIGINT, out);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, tu_pathf("stampede: interrupted; nothing was written to %s\n", out));
    result_free(&r);
    char *cmp2 = tu_slurp(tu_pathf("%s/comparison.csv", out)), *sum2 = tu_slurp(tu_pathf("%s/lock/summary.json", out));
    ck_assert_str_eq(cmp, cmp2);
    ck_assert_str_eq(sum, sum2);
    ck_assert_str_eq(others("r.json", "res"), "");
    free(cmp);
    free(sum);
    free(cmp2);
    free(sum2);
}
END_TEST

/* A pid that no process has. */
static long dead_pid(void)
{
    for (long p = 4000000; p > 1000; p -= 7919)
        if (kill((pid_t)p, 0) != 0 && errno == ESRCH) return p;
    return 0;
}

/* What a SIGKILLed run left (res.tmp-PID, res.old-PID of a dead PID) is
 * cleaned by the next run into the same folder. */
START_TEST(leftovers_of_a_killed_run_are_cleaned)
{
    long pid = dead_pid();
    ck_assert(pid > 0);
    char *out = tu_pathf("%s/res", work);
    ck_assert_int_eq(mkdir(tu_pathf("%s.tmp-%ld", out, pid), 0777), 0);
    ck_assert_int_eq(tu_write(tu_pathf("%s.tmp-%ld/comparison.csv", out, pid), "half"), 0);
    ck_assert_int_eq(mkdir(tu_pathf("%s.old-%ld", out, pid), 0777), 0);
    ck_assert_int_eq(tu_write(tu_pathf("%s.old-%ld/comparison.csv", out, pid), "previous"), 0);
    ck_assert_int_eq(tu_write(tu_pathf("%s.old-%ld/.stampede", out, pid),
                              "{\"format\": \"stampede-folder\", \"format_version\": 1, \"kind\": \"run\", "
                              "\"files\": [\"comparison.csv\"]}\n"), 0);
    /* res is missing: the run set the previous folder aside, then died.  The
     * next run puts it back before it replaces it. */
    const char *a[] = { "run", scen, "--quiet", "--strategy", "none", "--out", out, NULL };
    result r = run(a);
    ck_assert_int_eq(r.status, 0);
    result_free(&r);
    ck_assert(tu_exists(tu_pathf("%s/none/summary.json", out)));
    ck_assert_str_eq(others("r.json", "res"), "");
}
END_TEST

/* ---------------------------------------------------------------- unwritable */

START_TEST(out_inside_a_file)
{
    ck_assert_int_eq(tu_write(tu_pathf("%s/file", work), "x"), 0);
    const char *a[] = { "run", scen, "--quiet", "--out", tu_pathf("%s/file/sub", work), NULL };
    result r = run(a);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, tu_pathf("stampede: cannot write %s/file/sub: Not a directory\n", work));
    ck_assert_str_eq(others("r.json", "file"), "");
    result_free(&r);
    /* A folder under /proc cannot be made, even by root. */
    const char *b[] = { "run", scen, "--quiet", "--out", "/proc/self/stampede-results", NULL };
    r = run(b);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "stampede: cannot create /proc/self/stampede-results: No such file or directory\n");
    result_free(&r);
}
END_TEST

/* A full disk, simulated with RLIMIT_FSIZE (writes past it fail with EFBIG):
 * exit 1, a message, the previous folder intact, nothing else left. */
START_TEST(full_disk)
{
    char *out = tu_pathf("%s/res", work);
    how h = { .fsize_kb = 1 };
    const char *a[] = { "run", scen, "--quiet", "--out", out, NULL };
    result r = run_how(&h, a);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "stampede: cannot write none/summary.json: File too large\n");
    ck_assert_str_eq(others("r.json", NULL), "");
    result_free(&r);
    /* With a previous folder. */
    r = run(a);
    ck_assert_int_eq(r.status, 0);
    result_free(&r);
    char *before = tu_slurp(tu_pathf("%s/lock/summary.json", out));
    h.fsize_kb = 8;
    const char *b[] = { "run", scen, "--quiet", "--trace", "--out", out, NULL };
    r = run_how(&h, b);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "stampede: cannot write the trace of none: File too large\n");
    result_free(&r);
    char *after = tu_slurp(tu_pathf("%s/lock/summary.json", out));
    ck_assert_str_eq(before, after);
    ck_assert(!tu_exists(tu_pathf("%s/none/requests.csv", out)));
    ck_assert_str_eq(others("r.json", "res"), "");
    free(before);
    free(after);
}
END_TEST

/* ---------------------------------------------------------------- numbers */

/* Simulated time to 1e7 s: a delay below duration * 2^-52 would not move the
 * clock, so it is refused; one just above it still separates events. */
START_TEST(clock_resolution)
{
    char want[4096];
    char *p = tu_scenario(work, "clock.json",
                          "{\n  \"duration\": 1e7,\n  \"bin\": 1e5,\n"
                          "  \"clients\": {\"arrivals\": {\"rate\": 1e-5}},\n"
                          "  \"cache\": {\"ttl\": 2e7, \"latency\": 1e-9},\n"
                          "  \"db\": {\"workers\": 1, \"latency\": \"20ms\"}\n}\n");
    snprintf(want, sizeof want,
             "stampede: %s:5:36: error: /cache/latency: shorter than 2.23e-09 s, the clock's resolution at "
             "t = 10000000 s (the \"duration\"): such a delay would not move the clock (got 1e-9)\n", p);
    const char *a[] = { "run", p, "--out", tu_pathf("%s/never", work), NULL };
    result r = run(a);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, want);
    result_free(&r);
    /* Strategy parameters too. */
    const char *b[] = { "validate", p, NULL };
    char *q = tu_scenario(work, "clock2.json",
                          "{\n  \"duration\": 1e7,\n  \"bin\": 1e5,\n"
                          "  \"clients\": {\"arrivals\": {\"rate\": 1e-5}},\n"
                          "  \"cache\": {\"ttl\": \"1h\"},\n"
                          "  \"db\": {\"workers\": 1, \"latency\": \"20ms\"},\n"
                          "  \"strategies\": [{\"name\": \"lock\", \"poll\": 1e-10}]\n}\n");
    b[1] = q;
    r = run(b);
    snprintf(want, sizeof want,
             "stampede: %s:7:43: error: /strategies/0/poll: shorter than 2.23e-09 s, the clock's resolution at "
             "t = 10000000 s (the \"duration\"): such a delay would not move the clock (got 1e-10)\n", q);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, want);
    result_free(&r);
    /* 3 ns at up to 1e7 s: every hit still takes time (no event lost to t + dt == t). */
    char *out = tu_pathf("%s/res", work);
    const char *c[] = { "run", p, "--quiet", "--trace", "--set", "cache.latency=3e-9", "--out", out, NULL };
    r = run(c);
    ck_assert_msg(r.status == 0, "%s", r.err);
    result_free(&r);
    FILE *f = fopen(tu_pathf("%s/none/requests.csv", out), "r");
    ck_assert_ptr_nonnull(f);
    char line[512];
    int rows = 0, hits = 0;
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        double ta, td, lat;
        char outcome[32];
        ck_assert_int_eq(sscanf(line, "%*[^,],%*[^,],%*[^,],%*[^,],%lf,%lf,%lf,%31[^,]", &ta, &td, &lat, outcome), 4);
        ck_assert_msg(td >= ta && lat > 0, "no time passed: %s", line);   /* t_* are rounded in the CSV */
        if (!strcmp(outcome, "hit")) {
            hits++;
            ck_assert_msg(lat < 1e-8, "a hit took %g s", lat);
        }
        rows++;
    }
    fclose(f);
    ck_assert_int_ge(rows, 50);
    ck_assert_int_ge(hits, 40);
    free(p);
    free(q);
}
END_TEST

/* A closed loop that never advances time is refused. */
START_TEST(closed_loop_without_time)
{
    char want[4096];
    snprintf(want, sizeof want,
             "stampede: --set clients.arrivals: error: /clients/arrivals/closed/think: expected a think time > 0 "
             "when cache.latency is 0: a client answered at once (a cache hit) would send its next request at the "
             "same instant, forever (got 0)\n");
    const char *a[] = { "run", scen, "--set", "clients.arrivals={\"closed\": {\"population\": 2, \"think\": 0}}",
                        "--out", tu_pathf("%s/never", work), NULL };
    refused(a, want);
    /* With nothing cached, each request waits for the DB: time moves. */
    const char *b[] = { "run", scen, "--quiet", "--set", "clients.arrivals={\"closed\": {\"population\": 2, "
                        "\"think\": 0}}", "--set", "cache.ttl=0", "--out", tu_pathf("%s/res", work), NULL };
    result r = run(b);
    ck_assert_msg(r.status == 0, "%s", r.err);
    result_free(&r);
}
END_TEST

/* Latencies beyond the histogram's range (2^24 s) and at 0 are counted in
 * overflow and underflow, and the percentiles and max stay exact. */
START_TEST(latencies_outside_the_histogram)
{
    char *out = tu_pathf("%s/res", work);
    const char *a[] = { "run", scen, "--quiet", "--strategy", "none", "--set", "db.latency=33554432",
                        "--set", "db.workers=\"unlimited\"", "--set", "cache.ttl=0", "--set", "bin=1e6",
                        "--set", "drain=4e7", "--out", out, NULL };
    result r = run(a);
    ck_assert_msg(r.status == 0, "%s", r.err);
    result_free(&r);
    char *s = tu_pathf("%s/none/summary.json", out);
    double ok = tu_json_num(s, "ok");
    ck_assert(ok > 1000);
    ck_assert_double_eq(tu_json_num(s, "latency.overflow"), ok);
    ck_assert_double_eq(tu_json_num(s, "latency.underflow"), 0);
    ck_assert_double_eq(tu_json_num(s, "latency.p50"), 33554432);
    ck_assert_double_eq(tu_json_num(s, "latency.p999"), 33554432);
    ck_assert_double_eq(tu_json_num(s, "latency.max"), 33554432);
    ck_assert_double_eq(tu_json_num(s, "latency.mean"), 33554432);
    ck_assert(tu_json_num(s, "sim.end_time") >= 33554432);

    const char *b[] = { "run", scen, "--quiet", "--strategy", "none", "--set", "db.latency=0", "--set", "cache.ttl=0",
                        "--out", out, NULL };
    r = run(b);
    ck_assert_msg(r.status == 0, "%s", r.err);
    result_free(&r);
    ok = tu_json_num(s, "ok");
    ck_assert(ok > 1000);
    ck_assert_double_eq(tu_json_num(s, "latency.underflow"), ok);
    ck_assert_double_eq(tu_json_num(s, "latency.overflow"), 0);
    ck_assert_double_eq(tu_json_num(s, "latency.p50"), 0);
    ck_assert_double_eq(tu_json_num(s, "latency.p999"), 0);
    ck_assert_double_eq(tu_json_num(s, "latency.max"), 0);
    ck_assert_double_eq(tu_json_num(s, "latency.mean"), 0);

    /* Hits on a cache of zero latency (about 91% of requests here, the rest
     * fetch in 10 ms): p50 is exactly 0, not the underflow bucket's middle. */
    const char *c[] = { "run", scen, "--quiet", "--strategy", "none", "--out", out, NULL };
    r = run(c);
    ck_assert_msg(r.status == 0, "%s", r.err);
    result_free(&r);
    ck_assert(tu_json_num(s, "hit_ratio") > 0.8);
    ck_assert_double_eq(tu_json_num(s, "latency.p50"), 0);
    ck_assert(fabs(tu_json_num(s, "latency.p99") - 0.01) <= 0.01 / 256);
}
END_TEST


/* ---------------------------------------------------------------- hostile (issue 19) */

/* Each case below answers within seconds: its exit status, its message and
 * the time it took are asserted (a hang fails on time, or on Check's
 * timeout).  Times have wide margins: the machine is shared. */

#define has(text, part) \
    ck_assert_msg((text) && strstr((text), (part)) != NULL, "expected \"%s\" in:\n%s", (part), (text) ? (text) : "")

/* The scenarios below are formats filled with sizes: not literals. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static char *scen_of(const char *name, const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    ck_assert_int_ge(n, 0);
    char *json = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(json);
    vsnprintf(json, (size_t)n + 1, fmt, aq);
    va_end(aq);
    char *p = tu_scenario(work, name, json);
    ck_assert_ptr_nonnull(p);
    free(json);
    return p;
}

/* A trace that never ends a line, or of random bytes: refused at its first
 * bad byte, at once; a device is read once, so one strategy runs it. */
START_TEST(trace_from_devices)
{
    char *p = scen_of("z.json", "{\"duration\": 10, \"clients\": {\"arrivals\": {\"trace\": \"/dev/zero\"}},"
                                " \"keys\": {\"count\": 10}, \"cache\": {\"ttl\": 1}, \"db\": {\"workers\": 4, \"latency\": \"1ms\"},"
                                " \"strategies\": [{\"name\": \"none\"}]}");
    const char *a[] = { "run", p, "--out", tu_pathf("%s/never", work), NULL };
    result r = run(a);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "stampede: /dev/zero:1:1: error: a NUL byte (is this a binary file?)\n");
    ck_assert(r.seconds < 10);
    ck_assert(!tu_exists(tu_pathf("%s/never", work)) && !leftovers());
    result_free(&r);
    free(p);
    p = scen_of("u.json", "{\"duration\": 10, \"clients\": {\"arrivals\": {\"trace\": \"/dev/urandom\"}},"
                          " \"keys\": {\"count\": 10}, \"cache\": {\"ttl\": 1}, \"db\": {\"workers\": 4, \"latency\": \"1ms\"},"
                          " \"strategies\": [{\"name\": \"none\"}]}");
    const char *b[] = { "run", p, "--out", tu_pathf("%s/never", work), NULL };
    r = run(b);
    ck_assert_int_eq(r.status, 2);
    /* Random bytes: the first line that breaks the format is usually line 1,
     * but a short first line can pass (a blank line, or a number and a key),
     * so the error is located on some line, whichever the bytes make it. */
    {
        unsigned long line = 0, col = 0;
        int used = 0;
        ck_assert_msg(sscanf(r.err, "stampede: /dev/urandom:%lu:%lu: error: %n", &line, &col, &used) == 2 &&
                          used > 0 && line >= 1 && col >= 1,
                      "not a located error: %s", r.err);
    }
    ck_assert_msg(strstr(r.err, "error: a NUL byte") || strstr(r.err, "error: invalid UTF-8") ||
              strstr(r.err, "error: t: ") || strstr(r.err, "error: a carriage return") ||
              strstr(r.err, "error: line too long") || strstr(r.err, "error: expected a row t,key[,node]: "),
              "%s", r.err);
    ck_assert(r.seconds < 10);
    ck_assert(!leftovers());
    result_free(&r);
    free(p);
}
END_TEST

/* A FIFO whose writer sends a row a second: SIGTERM stops the run while it
 * waits, within a second, with nothing written. */
START_TEST(trace_from_a_slow_fifo)
{
    char *fifo = tu_pathf("%s/slow.fifo", work);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    pid_t w = fork();
    ck_assert_int_ge(w, 0);
    if (w == 0) {
        int fd = open(fifo, O_WRONLY);
        char line[64];
        for (int i = 0; fd >= 0 && i < 30; i++) {
            int n = snprintf(line, sizeof line, "%d,1\n", i);
            if (write(fd, line, (size_t)n) != n) break;
            sleep(1);
        }
        _exit(0);
    }
    char *p = scen_of("f.json", "{\"duration\": 100, \"clients\": {\"arrivals\": {\"trace\": \"%s\"}},"
                                " \"keys\": {\"count\": 10}, \"cache\": {\"ttl\": 1}, \"db\": {\"workers\": 4, \"latency\": \"1ms\"},"
                                " \"strategies\": [{\"name\": \"none\"}]}", fifo);
    char *out = tu_pathf("%s/res", work);
    how h = { .sig = SIGTERM, .delay = 1.5, .out = out };
    const char *a[] = { "run", p, "--quiet", "--out", out, NULL };
    result r = run_how(&h, a);
    kill(w, SIGKILL);
    waitpid(w, NULL, 0);
    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, tu_pathf("stampede: interrupted; nothing was written to %s\n", out));
    ck_assert(r.seconds < 1.5 + 3);
    ck_assert(!tu_exists(out) && !leftovers());
    result_free(&r);
    free(p);
}
END_TEST

/* A 10^7-line trace (10^5 under the sanitizers) into 4 workers: streamed,
 * its memory that of the work in flight, not of the trace; the queue it
 * builds drains or is cut at the drain limit. */
START_TEST(ten_million_line_trace)
{
    long n = tu_sanitized() ? 100000 : 10000000;
    char *t = tu_pathf("%s/big.csv", work);
    FILE *f = fopen(t, "w");
    ck_assert_ptr_nonnull(f);
    fputs("t,key\n", f);
    for (long i = 0; i < n; i++) fprintf(f, "%.6f,%ld\n", (double)i * 100.0 / (double)n, i % 1000);
    ck_assert_int_eq(fclose(f), 0);
    char *p = scen_of("t.json", "{\"duration\": 100, \"drain\": 10, \"clients\": {\"arrivals\": {\"trace\": \"%s\"}},"
                                " \"keys\": {\"count\": 1000}, \"cache\": {\"ttl\": \"1s\"},"
                                " \"db\": {\"workers\": 4, \"latency\": \"1ms\"},"
                                " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}]}", t);
    char *out = tu_pathf("%s/res", work);
    const char *a[] = { "run", p, "--quiet", "--out", out, NULL };
    result r = run(a);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_double_eq(tu_json_num(tu_pathf("%s/lock/summary.json", out), "requests"), (double)n);
    ck_assert(r.seconds < 120);
    ck_assert_msg(r.maxrss_kb < 200 * 1024, "peak %ld kB", r.maxrss_kb);
    printf("10^%d-line trace: %.1f s, peak %ld MB\n", n > 100000 ? 7 : 5, r.seconds, r.maxrss_kb / 1024);
    result_free(&r);
    unlink(t);
    free(p);
}
END_TEST

/* Retry storms at the edge of the work limit: 10^5 requests, each allowed
 * up to 20,000 attempts of 1 us (2e9 in all) pass; one more retry each is
 * refused, naming the retries. */
START_TEST(retry_storm_at_the_limit)
{
    const char *fmt = "{\"duration\": 10, \"clients\": {\"arrivals\": {\"rate\": 10000}, \"timeout\": \"1us\","
                      " \"retries\": {\"max\": %d, \"backoff\": \"1us\", \"multiplier\": 1}},"
                      " \"keys\": {\"count\": 100}, \"cache\": {\"ttl\": 1}, \"db\": {\"workers\": 4, \"latency\": \"1ms\"},"
                      " \"strategies\": [{\"name\": \"none\"}]}";
    char *ok = scen_of("ok.json", fmt, 19998), *no = scen_of("no.json", fmt, 20000), *huge = scen_of("h.json", fmt, 65534);
    const char *a[] = { "validate", ok, NULL };
    result r = run(a);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(r.seconds < 5);
    result_free(&r);
    const char *b[] = { "validate", no, NULL };
    r = run(b);
    ck_assert_int_eq(r.status, 2);
    has(r.err, "error: about 2e+09 request-equivalents of work: 1e+05 requests (rate 10000/s for 10 s), up to 2e+09 "
               "attempts (each request up to 20001: clients.retries.max 20000, a retry at once at worst (full jitter) "
               "after a failure that may come 1e-06 s after its attempt)");
    has(r.err, "lower clients.retries.max, or raise clients.retries.backoff or clients.timeout, or pass --force");
    ck_assert(r.seconds < 5);
    result_free(&r);
    /* the case: 6.5e9 attempts */
    const char *c[] = { "run", huge, "--out", tu_pathf("%s/never", work), NULL };
    r = run(c);
    ck_assert_int_eq(r.status, 2);
    has(r.err, "up to 6.6e+09 attempts (each request up to 65535");
    ck_assert(r.seconds < 5 && !leftovers());
    result_free(&r);
    free(ok);
    free(no);
    free(huge);
}
END_TEST

/* A lock polled every microsecond in front of 100 s queries: refused for its
 * polls, naming the strategy's wait. */
START_TEST(lock_polls)
{
    char *p = scen_of("l.json", "{\"duration\": 10, \"clients\": {\"arrivals\": {\"rate\": 100}},"
                                " \"keys\": {\"count\": 10}, \"cache\": {\"ttl\": \"1s\"},"
                                " \"db\": {\"workers\": 4, \"latency\": \"100s\"}, \"strategies\": [{\"name\": \"lock\", \"poll\": \"1us\","
                                " \"max_wait\": \"1h\", \"lock_ttl\": \"1h\"}]}");
    const char *a[] = { "run", p, "--out", tu_pathf("%s/never", work), NULL };
    result r = run(a);
    ck_assert_int_eq(r.status, 2);
    has(r.err, "about 1e+11 lock polls (if every attempt waited, 1e+08 each: strategies.0.poll 1e-06 s while a value "
               "takes 100 s to appear)");
    has(r.err, "lower the wait of strategies.0 (raise its poll or retry, lower its max_wait, lock_ttl or lease_ttl)");
    ck_assert(r.seconds < 5 && !leftovers());
    result_free(&r);
    free(p);
}
END_TEST

/* A JSON array of n objects, the i-th item_fmt filled with i + 1. */
static char *json_list(int n, const char *item_fmt)
{
    size_t cap = (size_t)n * (strlen(item_fmt) + 12) + 16, k = 0;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    k += (size_t)snprintf(s + k, cap - k, "[");
    for (int i = 0; i < n; i++) {
        k += (size_t)snprintf(s + k, cap - k, "%s", i ? "," : "");
        k += (size_t)snprintf(s + k, cap - k, item_fmt, i + 1);
    }
    snprintf(s + k, cap - k, "]");
    return s;
}

/* Faults as text: n cache_flush faults, one every 1 ms. */
static char *flushes(int n)
{
    return json_list(n, "{\"type\": \"cache_flush\", \"at\": \"%dms\"}");
}

/* A flush is a new epoch, not a walk over the keys: 10^5 flushes of 10^10
 * keys (one every 1 ms for 100 s; the epoch wraps once, at 65,535) run at
 * once and are not refused.  With one key asked 10 times a second, a
 * request during the flushes hits only when no flush came between the last
 * write and it, and after them every request but the first hits, across
 * the wrap too. */
START_TEST(a_hundred_thousand_flushes)
{
    char *f5 = flushes(100000);
    const char *fmt = "{\"duration\": 200, \"clients\": {\"arrivals\": {\"rate\": 10}}, \"keys\": {\"count\": %s},"
                      " \"cache\": {\"ttl\": \"1h\"}, \"db\": {\"workers\": 4, \"latency\": \"1ms\"}, \"faults\": %s,"
                      " \"strategies\": [{\"name\": \"none\"}]}";
    char *p10 = scen_of("f10.json", fmt, "10000000000", f5), *p1 = scen_of("f1.json", fmt, "1", f5);
    const char *a[] = { "run", p10, "--quiet", "--out", tu_pathf("%s/big", work), NULL };
    result r = run(a);
    ck_assert_msg(r.status == 0, "%d %s", r.status, r.err);
    ck_assert_msg(r.seconds < 30, "%.1f s", r.seconds);   /* a bound against a hang, not a timing */
    result_free(&r);
    char *out = tu_pathf("%s/one", work);
    const char *b[] = { "run", p1, "--quiet", "--trace", "--out", out, NULL };
    r = run(b);
    ck_assert_msg(r.status == 0, "%d %s", r.status, r.err);
    result_free(&r);
    tu_trace t = { 0 };
    ck_assert_int_eq(tu_trace_load(&t, tu_pathf("%s/one/none", work)), 0);
    size_t during = 0, after = 0, bad = 0, qi = 0;
    bool first = true;
    double written = -1;
    for (size_t i = 0; i < t.nreq; i++) {
        bool hit = !strcmp(t.req[i].outcome, "hit");
        for (; qi < t.ndb && t.db[qi].t_end <= t.req[i].t_arr; qi++) written = t.db[qi].t_end;
        double flush = floor(t.req[i].t_arr * 1000) / 1000;   /* the last flush at or before it */
        if (t.req[i].t_arr < 100.001) during++, bad += hit && !(written > flush);
        else if (first) first = false, bad += hit;
        else after++, bad += !hit;
    }
    ck_assert_uint_gt(during, 800);
    ck_assert_uint_gt(after, 800);
    ck_assert_uint_eq(bad, 0);
    tu_trace_free(&t);
    free(f5);
    free(p10);
    free(p1);
}
END_TEST

/* Strategies as text: n locks labelled l1, l2, ... */
static char *labels(int n)
{
    return json_list(n, "{\"name\": \"lock\", \"label\": \"l%d\"}");
}

/* 10^3 labels run in seconds; 3,000 labels each of 10^6 requests are refused
 * (each label is a run); a run of 3,000 labels stopped by SIGTERM leaves
 * nothing, and a second SIGTERM within a second (timeout(1) signals the
 * process, then its group) is the same request. */
START_TEST(thousands_of_labels)
{
    char *l3 = labels(1000), *l33 = labels(3000);
    const char *fmt = "{\"duration\": %d, \"clients\": {\"arrivals\": {\"rate\": %d}}, \"keys\": {\"count\": 10},"
                      " \"cache\": {\"ttl\": \"1s\"}, \"db\": {\"workers\": 4, \"latency\": \"1ms\"}, \"strategies\": %s}";
    char *p3 = scen_of("l3.json", fmt, 2, 100, l3), *big = scen_of("big.json", fmt, 100, 10000, l33);
    char *long3 = scen_of("long.json", fmt, 100, 1000, l33);
    char *out = tu_pathf("%s/res", work);
    const char *a[] = { "run", p3, "--quiet", "--out", out, NULL };
    result r = run(a);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(tu_exists(tu_pathf("%s/l1000/summary.json", out)));
    ck_assert_msg(r.seconds < 60, "%.1f s", r.seconds);
    printf("1000 labels: %.1f s\n", r.seconds);
    result_free(&r);
    const char *b[] = { "run", big, "--out", tu_pathf("%s/never", work), NULL };
    r = run(b);
    ck_assert_int_eq(r.status, 2);
    has(r.err, "about 1e+06 requests for each of 3000 strategies (rate 10000/s for 100 s) would take about");
    ck_assert(r.seconds < 10);
    result_free(&r);
    char *out2 = tu_pathf("%s/res2", work);
    how h = { .sig = SIGTERM, .delay = 0.5, .out = out2, .sig2 = SIGTERM, .delay2 = 0.01 };
    const char *c[] = { "run", long3, "--quiet", "--out", out2, NULL };
    r = run_how(&h, c);
    ck_assert_msg(r.status == 1, "%d %s", r.status, r.err);
    ck_assert_str_eq(r.err, tu_pathf("stampede: interrupted; nothing was written to %s\n", out2));
    ck_assert(r.seconds < 0.5 + 5);
    ck_assert(!tu_exists(out2) && !leftovers());
    result_free(&r);
    free(l3);
    free(l33);
    free(p3);
    free(big);
    free(long3);
}
END_TEST

/* A second signal a second after the first ends the program at once: it
 * removes the hidden folder when that is quick, else names it; the next run
 * into the folder removes it (its process is gone). */
static void second_signal_with(int files, const char *want_tail)
{
    char *tmp = strdup(tu_pathf("%s/o.tmp-999999", work)), *dir = strdup(tu_pathf("%s/o", work));
    ck_assert_int_eq(mkdir(tmp, 0700), 0);
    ck_assert_int_eq(mkdir(tu_pathf("%s/lab", tmp), 0700), 0);
    for (int i = 0; i < files; i++) ck_assert_int_eq(tu_write(tu_pathf("%s/lab/f%d", tmp, i), "x"), 0);
    int fd[2];
    ck_assert_int_eq(pipe(fd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        dup2(fd[1], 2);
        signals_install();
        stop_guard(tmp, dir);
        raise(SIGTERM);
        struct timespec ts = { 1, 200000000 };
        nanosleep(&ts, NULL);
        raise(SIGTERM);
        _exit(0);   /* not reached */
    }
    close(fd[1]);
    char buf[8192];
    ssize_t n = 0, k;
    while ((k = read(fd[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0) n += k;
    buf[n > 0 ? n : 0] = 0;
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    char want[8192];
    snprintf(want, sizeof want, "\nstampede: interrupted again: stopped at once%s", want_tail);
    ck_assert_str_eq(buf, tu_pathf(want, tmp, dir));
    free(tmp);
    free(dir);
}

START_TEST(second_signal)
{
    second_signal_with(3000, "; nothing was written to %2$s\n");
    ck_assert(!tu_exists(tu_pathf("%s/o.tmp-999999", work)));
    second_signal_with(STOP_CLEAN_ENTRIES + 500, ", leaving the unfinished %1$s (too large to remove at once); "
                                                 "nothing was written to %2$s, and the next run into it removes the "
                                                 "leftover\n");
    ck_assert(tu_exists(tu_pathf("%s/o.tmp-999999", work)));
    /* The next run into the folder: not refused, the leftover gone. */
    char *out = tu_pathf("%s/o", work);
    const char *a[] = { "run", scen, "--quiet", "--strategy", "none", "--out", out, NULL };
    result r = run(a);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(!tu_exists(tu_pathf("%s/o.tmp-999999", work)));
    result_free(&r);
}
END_TEST

/* Sweeps beyond the stated sizes are refused before anything is allocated
 * or listed; a listing is a stream (a 10^6-run list in little memory). */
START_TEST(huge_sweeps)
{
    const char *a[] = { "sweep", scen, "--vary", "cache.ttl=1:10:1", "--replications", "10000000", "--list-runs", NULL };
    result r = run(a);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_msg(r.err && strstr(r.err, "stampede: sweep: the 100000000 selected runs would hold about ") &&
                  strstr(r.err, "of results, more than 80% of the "), "%s", r.err);
    ck_assert(r.seconds < 5);
    ck_assert_msg(r.maxrss_kb < 200 * 1024, "peak %ld kB", r.maxrss_kb);
    result_free(&r);
    const char *b[] = { "sweep", scen, "--vary", "cache.ttl=1:1000:1", "--vary", "keys.count=1:1000:1", "--out",
                        tu_pathf("%s/never", work), NULL };
    r = run(b);
    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.err, "stampede: sweep: the grid has 1000000 points, beyond the limit of 100000: every point's "
                            "scenario is loaded and checked before the first run; vary fewer values (see 'stampede "
                            "sweep --help')\n");
    ck_assert(r.seconds < 5);
    result_free(&r);
    const char *c[] = { "sweep", scen, "--vary", "cache.ttl=1:10:1", "--replications", "100000", "--out",
                        tu_pathf("%s/never", work), NULL };
    r = run(c);
    ck_assert_int_eq(r.status, 2);
    has(r.err, "stampede: sweep: error: the 1000000 selected runs would simulate about 4e+09 requests, ");
    has(r.err, "beyond the limit of 2e+09; select fewer runs (--shard K/N or --runs A..B), lower --replications or "
               "vary fewer values, or pass --force to run it anyway\n");
    ck_assert(r.seconds < 10 && !leftovers());
    result_free(&r);
    /* --list-runs refuses what the sweep would: with --force it lists */
    const char *d[] = { "sweep", scen, "--vary", "cache.ttl=1:10:1", "--replications", "100000", "--list-runs",
                        "--force", NULL };
    r = run(d);
    ck_assert_msg(r.status == 0, "%s", r.err);
    size_t lines = 0;
    for (const char *q = r.out; *q; q++) lines += *q == '\n';
    ck_assert_uint_eq(lines, 1000001);
    ck_assert(!strncmp(r.out, "run,cache.ttl,replication\n0,1,0\n", 32));
    ck_assert_msg(r.seconds < 20, "%.1f s", r.seconds);
    ck_assert_msg(r.maxrss_kb < 100 * 1024, "peak %ld kB", r.maxrss_kb);
    result_free(&r);
}
END_TEST

/* Arrivals at 10^8/s into a small DB that caches nothing: the queue it would
 * hold is refused up front, naming it. */
START_TEST(overloaded_db_queue)
{
    const char *a[] = { "run", scen, "--set", "clients.arrivals.rate=1e8", "--set", "duration=10", "--set",
                        "cache.ttl=0", "--out", tu_pathf("%s/never", work), NULL };
    result r = run(a);
    ck_assert_int_eq(r.status, 2);
    has(r.err, "1e+09 requests in flight at once) is more than 80% of the ");
    has(r.err, "lower the requests of clients.bursts or the arrival rate, or set db.queue_limit or raise db.workers "
               "(the DB queue would hold them)");
    ck_assert(r.seconds < 5 && !leftovers());
    result_free(&r);
    /* A burst of just under the request limit into 4 workers: its queue too. */
    const char *b[] = { "run", scen, "--set", "clients.bursts=[{\"at\": 1, \"requests\": 1990000000}]",
                        "--strategy", "none", "--out", tu_pathf("%s/never", work), NULL };
    r = run(b);
    ck_assert_int_eq(r.status, 2);
    has(r.err, "2e+09 requests in flight at once) is more than 80% of the ");
    ck_assert(r.seconds < 5 && !leftovers());
    result_free(&r);
}
END_TEST

/* Runs that cannot finish end at the drain limit with their results: a DB
 * slowed 2e9 or 1e12 times, a Weibull latency of shape 0.01, a USL collapse
 * with unlimited workers.  Each warns at load time naming the field, ends
 * within seconds, writes at most (duration + drain) / bin rows, files the
 * unanswered requests as unfinished and says so. */
static void cut_run(const char *what, const char *const *set, size_t nset, const char *warn)
{
    char *out = tu_pathf("%s/cut", work);
    const char *a[32];
    size_t n = 0;
    a[n++] = "run";
    a[n++] = scen;
    a[n++] = "--strategy";
    a[n++] = "none";
    for (size_t i = 0; i < nset; i++) { a[n++] = "--set"; a[n++] = set[i]; }
    a[n++] = "--out";
    a[n++] = out;
    a[n] = NULL;
    result r = run(a);
    ck_assert_msg(r.status == 0, "%s: %s", what, r.err);
    if (*warn) has(r.err, warn);
    has(r.out, "none: cut at the drain limit: ");
    ck_assert_msg(r.seconds < 30, "%s: %.1f s", what, r.seconds);
    char *sum = tu_pathf("%s/none/summary.json", out);
    ck_assert_str_eq(tu_json_type(sum, "sim.drain_limited"), "true");
    ck_assert_double_eq(tu_json_num(sum, "sim.drain"), 1000);
    ck_assert_double_eq(tu_json_num(sum, "sim.end_time"), 1010);
    double unf = tu_json_num(sum, "failed_by.unfinished");
    ck_assert(unf > 0 && unf <= tu_json_num(sum, "failed"));
    char *ts = tu_slurp(tu_pathf("%s/none/timeseries.csv", out));
    size_t rows = 0;
    for (const char *q = ts; *q; q++) rows += *q == '\n';
    ck_assert_uint_eq(rows, 1 + 1011);   /* header, bins 0..1010 */
    free(ts);
    printf("%s: %.2f s, %.0f unfinished\n", what, r.seconds, unf);
    result_free(&r);
}

START_TEST(runs_that_cannot_finish)
{
    const char *slow[] = { "faults=[{\"type\": \"db_slowdown\", \"at\": 2, \"until\": 4, \"factor\": 2e9}]" };
    cut_run("db_slowdown 2e9", slow, 1, "warning: faults.0.factor: 2e+09 makes a DB query started in the slowdown "
                                        "take about 2e+07 s (0.01 s x 2e+09), beyond the histogram's range");
    const char *slow12[] = { "faults=[{\"type\": \"db_slowdown\", \"at\": 2, \"until\": 4, \"factor\": 1e12}]" };
    cut_run("db_slowdown 1e12", slow12, 1, "lower faults.0.factor");
    const char *weib[] = { "db.latency={\"dist\": \"weibull\", \"scale\": \"10ms\", \"shape\": 0.01}" };
    cut_run("weibull shape 0.01", weib, 1, "warning: db.latency: a weibull with shape 0.01 draws one latency in 1000 "
                                           "above ");
    const char *usl[] = { "db={\"workers\": \"unlimited\", \"latency\": \"10ms\", \"overload\": {\"usl\": {\"sigma\": 0.5, "
                          "\"kappa\": 0.5}}}", "clients.arrivals.rate=10000", "cache.ttl=0" };
    cut_run("USL collapse", usl, 3, "");
}
END_TEST

/* Memory that the estimate cannot see (a cache that misses as fast as
 * requests come) is bounded while the run goes: it stops naming what grew
 * and the field to change, and writes nothing. */
START_TEST(memory_bounded_while_running)
{
    if (tu_sanitized()) return;   /* no memory rlimit under ASan */
    how h = { .data_mb = 400 };
    const char *a[] = { "run", scen, "--strategy", "none", "--set", "clients.arrivals.rate=2e6", "--set",
                        "cache.ttl=\"1us\"", "--set", "keys.count=1000000", "--out", tu_pathf("%s/never", work), NULL };
    result r = run_how(&h, a);
    ck_assert_int_eq(r.status, 1);
    has(r.err, "stampede: the run outgrew the ");
    has(r.err, "DB queries in flight");
    has(r.err, "set db.queue_limit (or lower the arrival rate, or raise db.workers): the DB queue grew\n");
    ck_assert(r.seconds < 30 && !tu_exists(tu_pathf("%s/never", work)) && !leftovers());
    result_free(&r);
}
END_TEST

/* Free bytes of the disk that holds dir, or -1. */
static double free_of(const char *dir)
{
    struct statvfs vs;
    if (statvfs(dir, &vs)) return -1;
    return (double)vs.f_bavail * (double)vs.f_frsize;
}

/* --trace beyond the free disk: refused with the estimate.  The request
 * limit (2e9) lets at most about 80 GB of trace reach the disk check, so the
 * test uses the smaller of the scratch folder's disk and /dev/shm (a tmpfs of
 * half the memory, when there is one) and asks for half as much again as it
 * holds; nothing is written there. */
START_TEST(trace_beyond_the_disk)
{
    const char *dir = work;
    double free_bytes = free_of(work);
    ck_assert(free_bytes > 0);
    double shm = access("/dev/shm", W_OK) == 0 ? free_of("/dev/shm") : -1;
    if (shm > 0 && shm < free_bytes) {
        dir = "/dev/shm";
        free_bytes = shm;
    }
    double requests = ceil(free_bytes / 40 * 1.5);   /* 40 bytes a row at least */
    ck_assert_msg(requests < 1.9e9, "the smallest disk at hand (%s) has %.3g bytes free: more than the request "
                  "limit lets a trace reach", dir, free_bytes);
    char set[64];
    snprintf(set, sizeof set, "clients.arrivals.rate=%.0f", ceil(requests / 1000));
    char out[4096];
    snprintf(out, sizeof out, "%s/stampede-never-%ld", dir, (long)getpid());
    const char *a[] = { "run", scen, "--trace", "--set", set, "--set", "duration=1000", "--set",
                        "strategies=[{\"name\": \"none\"}]", "--out", out, NULL };
    result r = run(a);
    ck_assert_msg(r.status == 2, "%s", r.err);
    has(r.err, "error: --trace would write at least ");
    has(r.err, "drop --trace, lower the requests, or pass --force to run it anyway\n");
    ck_assert(r.seconds < 5 && !leftovers() && !tu_exists(out));
    result_free(&r);
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("robust");
    TCase *tc = tcase_create("files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, hundred_megabyte_file_refused_quickly);
    tcase_add_test(tc, megabyte_name);
    tcase_add_test(tc, many_errors_are_capped);
    tcase_add_test(tc, set_paths_and_values);
    suite_add_tcase(s, tc);
    tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, requests_beyond_the_limit);
    tcase_add_test(tc, bins_beyond_the_limit);
    tcase_add_test(tc, memory_beyond_the_limit);
    tcase_add_test(tc, memory_estimate_per_key);
    suite_add_tcase(s, tc);
    tc = tcase_create("interrupted");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, sigterm_leaves_nothing);
    tcase_add_test(tc, sigint_keeps_the_previous_folder);
    tcase_add_test(tc, leftovers_of_a_killed_run_are_cleaned);
    suite_add_tcase(s, tc);
    tc = tcase_create("unwritable");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, out_inside_a_file);
    tcase_add_test(tc, full_disk);
    suite_add_tcase(s, tc);
    tc = tcase_create("numbers");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, clock_resolution);
    tcase_add_test(tc, closed_loop_without_time);
    tcase_add_test(tc, latencies_outside_the_histogram);
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, trace_from_devices);
    tcase_add_test(tc, trace_from_a_slow_fifo);
    tcase_add_test(tc, ten_million_line_trace);
    tcase_add_test(tc, retry_storm_at_the_limit);
    tcase_add_test(tc, lock_polls);
    tcase_add_test(tc, a_hundred_thousand_flushes);
    tcase_add_test(tc, thousands_of_labels);
    tcase_add_test(tc, second_signal);
    tcase_add_test(tc, huge_sweeps);
    tcase_add_test(tc, overloaded_db_queue);
    tcase_add_test(tc, runs_that_cannot_finish);
    tcase_add_test(tc, memory_bounded_while_running);
    tcase_add_test(tc, trace_beyond_the_disk);
    suite_add_tcase(s, tc);
    return s;
}
