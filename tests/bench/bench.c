/* bench.c - the benchmark suite (issue 6): times whole stampede processes (M/M/1,
 * hot-key per strategy, 10^6 Zipf keys) and the bare event set in the hold model
 * against a textbook binary heap; prints medians and writes results/bench/bench.json. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

#define MAXRUNS 16

/* Targets of issue 6. */
#define T_MM1_RPS 10e6        /* (a) requests/s, whole process */
#define T_HOT_RPS 3e6         /* (b) requests/s, every strategy */
#define T_RSS_GROWTH 0.10     /* (c) RSS(1e8 requests) within 10% of RSS(1e6) */
#define T_BYTES_PER_KEY 64.0  /* (c) */
#define T_RSS_MB 200.0        /* (c) 10^6 keys */
#define T_HUGE_RSS_MB 3072.0  /* (k) 10^9 keys, 10^8 requests: peak RSS */
#define T_HUGE_RPS 3e6        /* (k) 10^9 keys, 10^8 requests: requests/s */
#define T_HEAP_RATIO 1.5      /* (d) engine ns/op <= 1.5 x binary heap ns/op */
#define T_SWEEP_SPEEDUP 1.8   /* (e) sweep wall time, --jobs 1 over --jobs 2 */

static const char *g_stampede = "build/stampede";
static char g_tmp[4096];
static int g_errors;
static cJSON *g_rows;         /* every table row with its raw numbers */
static cJSON *g_checks;       /* every target with its value and verdict */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct stat3 {
    double med, min, max;
} stat3;

static stat3 stats(const double *v, int n)
{
    double s[MAXRUNS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    stat3 r = { n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, s[0], s[n - 1] };
    return r;
}

static cJSON *json_stat(const double *v, int n)
{
    stat3 s = stats(v, n);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "median", s.med);
    cJSON_AddNumberToObject(o, "min", s.min);
    cJSON_AddNumberToObject(o, "max", s.max);
    cJSON_AddItemToObject(o, "runs", cJSON_CreateDoubleArray(v, n));
    return o;
}

/* ------------------------------------------------------------------ table */

enum verdict { V_NONE = -1, V_FAIL = 0, V_PASS = 1, V_ERROR = 2 };

typedef struct row {
    char group[8], name[64];
    int runs;
    double wall, rps, eps, ns, rss;   /* NAN: not applicable */
    double spread;                    /* (max - min) / median of the timed quantity */
    char check[64];
    int verdict;
} row;

#define MAXROWS 64
static row g_table[MAXROWS];
static int g_nrows;

static row *add_row(const char *group, const char *name)
{
    row *r = &g_table[g_nrows++];
    snprintf(r->group, sizeof r->group, "%s", group);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->runs = 0;
    r->wall = r->rps = r->eps = r->ns = r->rss = r->spread = NAN;
    r->check[0] = 0;
    r->verdict = V_NONE;
    return r;
}

/* Records a target: value op limit, in the table row and in the JSON. */
static void check(row *r, const char *what, double value, bool at_most, double limit, double scale, const char *unit,
                  int prec)
{
    char v[24], l[24];
    snprintf(v, sizeof v, "%.*f%s", prec, value / scale, unit);
    snprintf(l, sizeof l, "%.*f%s", prec, limit / scale, unit);
    bool pass = at_most ? value <= limit : value >= limit;
    if (r->verdict == V_ERROR || !isfinite(value)) pass = false;
    snprintf(r->check, sizeof r->check, "%s %s %s %s", what, v, at_most ? "<=" : ">=", l);
    if (r->verdict != V_ERROR) r->verdict = pass ? V_PASS : V_FAIL;
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "group", r->group);
    cJSON_AddStringToObject(c, "row", r->name);
    cJSON_AddStringToObject(c, "what", what);
    cJSON_AddNumberToObject(c, "value", isfinite(value) ? value : -1);
    cJSON_AddStringToObject(c, "op", at_most ? "<=" : ">=");
    cJSON_AddNumberToObject(c, "limit", limit);
    cJSON_AddBoolToObject(c, "pass", pass);
    cJSON_AddItemToArray(g_checks, c);
}

static void fmt_num(char *buf, size_t n, double v, double scale, const char *unit, int prec)
{
    if (isnan(v)) snprintf(buf, n, "-");
    else snprintf(buf, n, "%.*f%s", prec, v / scale, unit);
}

static void print_table(FILE *f)
{
    fprintf(f, "%-6s %-40s %4s %8s %7s %8s %9s %9s %7s  %-36s %s\n", "group", "benchmark", "runs", "wall s", "spread",
            "req/s", "events/s", "ns/event", "RSS MB", "target", "result");
    const char *last = "";
    for (int i = 0; i < g_nrows; i++) {
        const row *r = &g_table[i];
        if (i && r->group[0] != last[0]) fputc('\n', f);
        last = r->group;
        char runs[8], wall[16], spread[16], rps[16], eps[16], ns[16], rss[16];
        if (r->runs) snprintf(runs, sizeof runs, "%d", r->runs);
        else snprintf(runs, sizeof runs, "-");
        fmt_num(wall, sizeof wall, r->wall, 1, "", 3);
        fmt_num(spread, sizeof spread, r->spread, 0.01, "%", 0);
        fmt_num(rps, sizeof rps, r->rps, 1e6, "M", 2);
        fmt_num(eps, sizeof eps, r->eps, 1e6, "M", 2);
        fmt_num(ns, sizeof ns, r->ns, 1, "", 1);
        fmt_num(rss, sizeof rss, r->rss, 1, "", 1);
        const char *v = r->verdict == V_PASS ? "PASS" : r->verdict == V_FAIL ? "FAIL" : r->verdict == V_ERROR ? "ERROR" : "";
        fprintf(f, "%-6s %-40s %4s %8s %7s %8s %9s %9s %7s  %-36s %s\n", r->group, r->name, runs, wall, spread, rps, eps, ns,
                rss, r->check[0] ? r->check : "-", v);
    }
}

/* ------------------------------------------------------------------ files */

static int rm_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode)) return unlink(path);
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *de;
    char sub[4096];
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
        rm_tree(sub);
    }
    closedir(d);
    return rmdir(path);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 14, n = 0;
    char *buf = malloc(cap);
    for (size_t k; buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
        n += k;
        if (n + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) { free(buf); buf = NULL; }
            else buf = nb;
        }
    }
    fclose(f);
    if (buf) buf[n] = 0;
    return buf;
}

/* ------------------------------------------------------------------ processes */

typedef struct proc_out {
    double wall, rss_mb;          /* whole process: wall time, peak RSS (wait4) */
    double requests, events, sim_wall;
    double keys_touched;          /* summary.json's sim.keys_touched */
} proc_out;

/* Runs stampede with args, then more (both NULL-terminated; more may be
 * NULL), --quiet and --out out; stdout goes to /dev/null, stderr to a file
 * beside out.  *wall is its wall time, *ru its resources.  Returns 0 when it
 * exited 0; otherwise prints the command, its status and its stderr, and
 * returns -1. */
static int spawn(const char *const *args, const char *const *more, const char *out, double *wall, struct rusage *ru)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = g_stampede;
    for (int i = 0; args[i] && n < 24; i++) argv[n++] = args[i];
    for (int i = 0; more && more[i] && n < 28; i++) argv[n++] = more[i];
    argv[n++] = "--quiet";
    argv[n++] = "--out";
    argv[n++] = out;
    argv[n] = NULL;
    char errpath[4300];
    snprintf(errpath, sizeof errpath, "%s.stderr", out);
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0) { perror("bench: fork"); return -1; }
    if (pid == 0) {
        int dn = open("/dev/null", O_WRONLY), ef = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (dn >= 0) dup2(dn, 1);
        if (ef >= 0) dup2(ef, 2);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "bench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    if (wait4(pid, &status, 0, ru) < 0) { perror("bench: wait4"); return -1; }
    *wall = now_s() - t0;
    int rc = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench: %s", argv[0]);
        for (int i = 1; argv[i]; i++) fprintf(stderr, " %s", argv[i]);
        fprintf(stderr, ": exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        char *e = slurp(errpath);
        if (e) fputs(e, stderr);
        free(e);
        rc = -1;
    }
    unlink(errpath);
    return rc;
}

/* Runs stampede with args (NULL-terminated, without the program) writing to out;
 * reads <out>/<label>/summary.json.  Returns 0, or -1 after printing the problem. */
static int run_stampede(const char *const *args, const char *out, const char *label, proc_out *po)
{
    struct rusage ru = { 0 };
    int rc = spawn(args, NULL, out, &po->wall, &ru);
    po->rss_mb = (double)ru.ru_maxrss / 1024.0;   /* KiB on Linux -> MiB */
    if (rc == 0) {
        char sp[4400];
        snprintf(sp, sizeof sp, "%s/%s/summary.json", out, label);
        char *txt = slurp(sp);
        cJSON *j = txt ? cJSON_Parse(txt) : NULL;
        cJSON *req = cJSON_GetObjectItemCaseSensitive(j, "requests");
        cJSON *sim = cJSON_GetObjectItemCaseSensitive(j, "sim");
        cJSON *ev = cJSON_GetObjectItemCaseSensitive(sim, "events");
        cJSON *sw = cJSON_GetObjectItemCaseSensitive(sim, "wall_seconds");
        cJSON *kt = cJSON_GetObjectItemCaseSensitive(sim, "keys_touched");
        po->keys_touched = cJSON_IsNumber(kt) ? kt->valuedouble : NAN;
        if (!cJSON_IsNumber(req) || !cJSON_IsNumber(ev) || !cJSON_IsNumber(sw)) {
            fprintf(stderr, "bench: %s: missing requests or sim.events\n", sp);
            rc = -1;
        } else {
            po->requests = req->valuedouble;
            po->events = ev->valuedouble;
            po->sim_wall = sw->valuedouble;
        }
        cJSON_Delete(j);
        free(txt);
    }
    rm_tree(out);
    return rc;
}

/* One process benchmark: a scenario, a strategy, overrides, a number of runs. */
typedef struct pbench {
    const char *group, *name, *scenario, *label;
    const char *sets[4];   /* "--set" values */
    int runs;
    /* results (medians) */
    int ok;
    double requests, events, wall, rss, sim_wall, keys_touched;
    row *row;
    /* the runs so far (measure_runs), for measure_finish */
    int done, failed;
    double wall_v[MAXRUNS], rss_v[MAXRUNS], simw_v[MAXRUNS];
    double load0;
} pbench;

static int g_seq;
static bool g_tty;
static double loadavg(void);

/* Progress on stderr: a rewritten line on a terminal, one line per benchmark otherwise. */
static void progress(const char *group, const char *name, int run, int runs)
{
    if (g_tty) fprintf(stderr, "\rbench: (%s) %-40s run %d/%d ", group, name, run, runs);
    else if (run == 1) fprintf(stderr, "bench: (%s) %s, %d runs\n", group, name, runs);
}

static void progress_done(void)
{
    if (g_tty) fputs("\r\033[K", stderr);
}

/* The command of b, NULL-terminated, into args (room for 16). */
static void bench_args(const pbench *b, const char **args)
{
    int na = 0;
    args[na++] = "run";
    args[na++] = b->scenario;
    args[na++] = "--strategy";
    args[na++] = b->label;
    for (int i = 0; i < 4 && b->sets[i]; i++) {
        args[na++] = "--set";
        args[na++] = b->sets[i];
    }
    args[na] = NULL;
}

/* Runs b k more times (up to b->runs in all), keeping each run's numbers. */
static void measure_runs(pbench *b, int k)
{
    const char *args[16];
    bench_args(b, args);
    if (b->done == 0 && !b->failed) b->load0 = loadavg();
    proc_out po = { 0 };
    for (int r = 0; r < k && !b->failed && b->done < b->runs; r++) {
        char out[4200];
        snprintf(out, sizeof out, "%s/run%d", g_tmp, ++g_seq);
        progress(b->group, b->name, b->done + 1, b->runs);
        if (run_stampede(args, out, b->label, &po) != 0) { b->failed = 1; break; }
        if (b->done && (po.requests != b->requests || po.events != b->events)) {
            fprintf(stderr, "\nbench: %s: run %d gave %.0f requests / %.0f events, run 1 gave %.0f / %.0f "
                            "(same seed: expected identical)\n", b->name, b->done + 1, po.requests, po.events, b->requests, b->events);
        }
        b->requests = po.requests;
        b->events = po.events;
        b->keys_touched = po.keys_touched;
        b->wall_v[b->done] = po.wall;
        b->rss_v[b->done] = po.rss_mb;
        b->simw_v[b->done] = po.sim_wall;
        b->done++;
    }
    progress_done();
}

/* The medians of b's runs into its table row (b->row if already placed). */
static void measure_finish(pbench *b)
{
    const char *args[16];
    bench_args(b, args);
    row *rw = b->row ? b->row : (b->row = add_row(b->group, b->name));
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "group", b->group);
    cJSON_AddStringToObject(j, "name", b->name);
    cJSON_AddStringToObject(j, "kind", "process");
    cJSON_AddNumberToObject(j, "load_before", b->load0);
    cJSON *cmd = cJSON_CreateArray();
    cJSON_AddItemToArray(cmd, cJSON_CreateString("stampede"));
    for (int i = 0; args[i]; i++) cJSON_AddItemToArray(cmd, cJSON_CreateString(args[i]));
    cJSON_AddItemToArray(cmd, cJSON_CreateString("--quiet"));
    cJSON_AddItemToObject(j, "command", cmd);
    cJSON_AddItemToArray(g_rows, j);
    int done = b->done;
    if (b->failed || done == 0) {
        b->ok = 0;
        rw->verdict = V_ERROR;
        g_errors++;
        cJSON_AddBoolToObject(j, "error", true);
        return;
    }
    b->ok = 1;
    stat3 ws = stats(b->wall_v, done);
    b->wall = ws.med;
    rw->spread = (ws.max - ws.min) / ws.med;
    b->rss = stats(b->rss_v, done).med;
    b->sim_wall = stats(b->simw_v, done).med;
    rw->runs = done;
    rw->wall = b->wall;
    rw->rps = b->requests / b->wall;
    rw->eps = b->events / b->wall;
    rw->ns = b->wall / b->events * 1e9;
    rw->rss = b->rss;
    cJSON_AddNumberToObject(j, "runs", done);
    cJSON_AddNumberToObject(j, "requests", b->requests);
    cJSON_AddNumberToObject(j, "events", b->events);
    cJSON_AddNumberToObject(j, "keys_touched", b->keys_touched);
    cJSON_AddItemToObject(j, "wall_seconds", json_stat(b->wall_v, done));
    cJSON_AddItemToObject(j, "sim_wall_seconds", json_stat(b->simw_v, done));
    cJSON_AddItemToObject(j, "peak_rss_mb", json_stat(b->rss_v, done));
    cJSON_AddNumberToObject(j, "requests_per_second", rw->rps);
    cJSON_AddNumberToObject(j, "events_per_second", rw->eps);
    cJSON_AddNumberToObject(j, "ns_per_event", rw->ns);
    cJSON_AddNumberToObject(j, "sim_events_per_second", b->events / b->sim_wall);
}

static void measure(pbench *b)
{
    measure_runs(b, b->runs);
    measure_finish(b);
}

/* ------------------------------------------------------------------ parallel sweep */

/* The (e) sweep: hot-key at 7 xfetch betas x 3 TTLs, 2 replications: 42 runs
 * of every strategy.  Small runs, so the threads' overhead is in the timing. */
static const char *const sweep_args[] = {
    "sweep", "scenarios/hot-key.json", "--vary", "strategies.3.beta=0.25:16:x7", "--vary", "cache.ttl=10s,30s,60s",
    "--replications", "2", NULL
};

/* Runs the sweep with --jobs jobs into out; wall time in *wall.  Returns 0 or -1. */
static int run_sweep(const char *jobs, const char *out, double *wall)
{
    const char *more[] = { "--jobs", jobs, NULL };
    struct rusage ru = { 0 };
    return spawn(sweep_args, more, out, wall, &ru);
}

/* Sums the requests and events columns of runs.csv; -1 when unreadable. */
static int sweep_totals(const char *csv, double *requests, double *events)
{
    FILE *f = fopen(csv, "r");
    if (!f) return -1;
    char line[8192];
    int creq = -1, cev = -1, rows = 0;
    *requests = *events = 0;
    for (int ln = 0; fgets(line, sizeof line, f); ln++) {
        int col = 0;
        for (char *p = line, *tok; (tok = strsep(&p, ",\n")) != NULL; col++) {
            if (ln == 0) {
                if (!strcmp(tok, "requests")) creq = col;
                if (!strcmp(tok, "events")) cev = col;
            } else if (col == creq) {
                *requests += strtod(tok, NULL);
            } else if (col == cev) {
                *events += strtod(tok, NULL);
            }
        }
        rows += ln > 0;
    }
    fclose(f);
    return creq >= 0 && cev >= 0 && rows > 0 ? rows : -1;
}

/* (e): the sweep with --jobs 1 and --jobs 2, alternately, runs times each;
 * checks both wrote the same runs.csv and the speed-up of the medians. */
static void measure_sweep(int runs)
{
    double w1[MAXRUNS], w2[MAXRUNS];
    int ok = 1, same = 1;
    double requests = 0, events = 0;
    int nruns = 0;
    double load0 = loadavg();
    char first[4300] = "";
    for (int r = 0; r < runs && ok; r++) {
        for (int j = 1; j <= 2 && ok; j++) {
            char out[4200], csv[4300];
            snprintf(out, sizeof out, "%s/sweep%d", g_tmp, ++g_seq);
            progress("e", "sweep --jobs 1 vs --jobs 2", 2 * r + j, 2 * runs);
            if (run_sweep(j == 1 ? "1" : "2", out, j == 1 ? &w1[r] : &w2[r]) != 0) { ok = 0; break; }
            snprintf(csv, sizeof csv, "%s/runs.csv", out);
            if (!first[0]) {
                snprintf(first, sizeof first, "%s", csv);
                nruns = sweep_totals(csv, &requests, &events);
                if (nruns < 0) { fprintf(stderr, "bench: %s: no requests/events columns\n", csv); ok = 0; }
                continue;   /* kept to compare the others with */
            }
            char *a = slurp(first), *b = slurp(csv);
            if (!a || !b || strcmp(a, b)) same = 0;
            free(a);
            free(b);
            rm_tree(out);
        }
    }
    progress_done();
    row *r1 = add_row("e", "sweep, 42 runs x 4 strategies, --jobs 1");
    row *r2 = add_row("e", "sweep, 42 runs x 4 strategies, --jobs 2");
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "group", "e");
    cJSON_AddStringToObject(j, "name", "parallel sweep");
    cJSON_AddStringToObject(j, "kind", "sweep");
    cJSON_AddNumberToObject(j, "load_before", load0);
    cJSON *cmd = cJSON_CreateArray();
    cJSON_AddItemToArray(cmd, cJSON_CreateString("stampede"));
    for (int i = 0; sweep_args[i]; i++) cJSON_AddItemToArray(cmd, cJSON_CreateString(sweep_args[i]));
    cJSON_AddItemToArray(cmd, cJSON_CreateString("--jobs"));
    cJSON_AddItemToArray(cmd, cJSON_CreateString("J"));
    cJSON_AddItemToObject(j, "command", cmd);
    cJSON_AddItemToArray(g_rows, j);
    if (!ok || !same) {
        if (ok && !same) fputs("bench: sweep --jobs 2 wrote a different runs.csv from --jobs 1\n", stderr);
        r1->verdict = r2->verdict = V_ERROR;
        g_errors++;
        cJSON_AddBoolToObject(j, "error", true);
        return;
    }
    stat3 s1 = stats(w1, runs), s2 = stats(w2, runs);
    r1->runs = r2->runs = runs;
    r1->wall = s1.med;
    r2->wall = s2.med;
    r1->spread = (s1.max - s1.min) / s1.med;
    r2->spread = (s2.max - s2.min) / s2.med;
    r1->rps = requests / s1.med;
    r2->rps = requests / s2.med;
    r1->eps = events / s1.med;
    r2->eps = events / s2.med;
    r1->ns = s1.med / events * 1e9;
    r2->ns = s2.med / events * 1e9;
    /* The speed-up of each alternated pair, then their median (as for (d)). */
    double sp[MAXRUNS];
    for (int r = 0; r < runs; r++) sp[r] = w1[r] / w2[r];
    double speedup = stats(sp, runs).med;
    cJSON_AddNumberToObject(j, "runs", runs);
    cJSON_AddNumberToObject(j, "sweep_runs", nruns);
    cJSON_AddNumberToObject(j, "requests", requests);
    cJSON_AddNumberToObject(j, "events", events);
    cJSON_AddItemToObject(j, "wall_seconds_jobs_1", json_stat(w1, runs));
    cJSON_AddItemToObject(j, "wall_seconds_jobs_2", json_stat(w2, runs));
    cJSON_AddNumberToObject(j, "speedup", speedup);
    cJSON_AddItemToObject(j, "speedup_per_pair", json_stat(sp, runs));
    cJSON_AddBoolToObject(j, "same_runs_csv", same);
    check(r2, "speed-up", speedup, false, T_SWEEP_SPEEDUP, 1, "x", 2);
}

/* ------------------------------------------------------------------ hold model */

/* A textbook binary min-heap of the same 32-byte events on (t, seq), moving a
 * hole instead of swapping; called out of line, as the engine is here (eng_push, eng_pop). */
typedef struct bheap {
    event *h;
    size_t n, cap;
    uint64_t next_seq;
} bheap;

static inline bool ev_before(const event *x, const event *y)
{
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static NOINLINE uint64_t bh_push(bheap *b, double t, uint32_t kind, uint32_t a, uint32_t bb, uint32_t c)
{
    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        event *h = realloc(b->h, ncap * sizeof *h);
        if (!h) return 0;
        b->h = h;
        b->cap = ncap;
    }
    event ev = { .t = t, .seq = b->next_seq++, .kind = kind, .a = a, .b = bb, .c = c };
    size_t i = b->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_before(&ev, &b->h[p])) break;
        b->h[i] = b->h[p];
        i = p;
    }
    b->h[i] = ev;
    return ev.seq;
}

static NOINLINE bool bh_pop(bheap *b, event *out)
{
    if (b->n == 0) return false;
    *out = b->h[0];
    size_t n = --b->n;
    if (n == 0) return true;
    event last = b->h[n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && ev_before(&b->h[c + 1], &b->h[c])) c++;
        if (!ev_before(&b->h[c], &last)) break;
        b->h[i] = b->h[c];
        i = c;
    }
    b->h[i] = last;
    return true;
}

#define INC_BITS 16
#define INC_MASK ((1u << INC_BITS) - 1)

typedef struct hold_out {
    double ns;          /* per hold operation (one pop + one push) */
    uint64_t order;     /* hash of the popped (seq) sequence */
    double tsum;
} hold_out;

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The engine's push and pop (inline in engine.h) behind calls, as the binary
 * heap's are: the two structures compared at the same call overhead. */
static NOINLINE uint64_t eng_push(engine *e, double t, uint32_t kind, uint32_t a, uint32_t b, uint32_t c)
{
    return engine_schedule(e, t, kind, a, b, c);
}

static NOINLINE bool eng_pop(engine *e, event *out) { return engine_pop(e, out); }

/* The hold model: n pending events; each operation pops the earliest and
 * schedules one at its time + Exp(1), from precomputed increments. */
static int hold(bool use_engine, size_t n, uint64_t warm, uint64_t ops, hold_out *o)
{
    double *inc = malloc(((size_t)1 << INC_BITS) * sizeof *inc);
    if (!inc) return -1;
    uint64_t s = 12345;
    for (size_t i = 0; i <= INC_MASK; i++) inc[i] = -log(((double)(splitmix(&s) >> 11) + 0.5) * 0x1.0p-53);

    engine e;
    bheap b = { NULL, 0, 0, 1 };
    if (use_engine) {
        if (engine_init(&e, n + 1) != 0) return -1;
    } else {
        b.h = malloc((n + 1) * sizeof *b.h);
        if (!b.h) return -1;
        b.cap = n + 1;
    }
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = use_engine ? eng_push(&e, inc[j++ & INC_MASK], 1, (uint32_t)i, 0, 0)
                                : bh_push(&b, inc[j++ & INC_MASK], 1, (uint32_t)i, 0, 0);
        if (!h) return -1;
    }
    event ev;
    uint64_t order = 1469598103934665603ull;
    double tsum = 0, t0 = 0;
    for (uint64_t k = 0; k < warm + ops; k++) {
        if (k == warm) t0 = now_s();
        bool got = use_engine ? eng_pop(&e, &ev) : bh_pop(&b, &ev);
        if (!got) return -1;
        order = (order ^ ev.seq) * 1099511628211ull;
        tsum += ev.t;
        if (use_engine) eng_push(&e, ev.t + inc[j++ & INC_MASK], ev.kind, ev.a, ev.b, ev.c);
        else bh_push(&b, ev.t + inc[j++ & INC_MASK], ev.kind, ev.a, ev.b, ev.c);
    }
    o->ns = (now_s() - t0) / (double)ops * 1e9;
    o->order = order;
    o->tsum = tsum;
    if (use_engine) engine_free(&e);
    else free(b.h);
    free(inc);
    return 0;
}

/* Runs hold() in a child process, so its peak RSS is its own. */
static int hold_child(bool use_engine, size_t n, uint64_t warm, uint64_t ops, hold_out *o, double *rss_mb)
{
    int fd[2];
    if (pipe(fd) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        close(fd[0]);
        hold_out r;
        int rc = hold(use_engine, n, warm, ops, &r);
        if (rc == 0 && write(fd[1], &r, sizeof r) != (ssize_t)sizeof r) rc = -1;
        _exit(rc ? 1 : 0);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], o, sizeof *o);
    close(fd[0]);
    int status;
    struct rusage ru = { 0 };
    if (wait4(pid, &status, 0, &ru) < 0) return -1;
    *rss_mb = (double)ru.ru_maxrss / 1024.0;
    return got == (ssize_t)sizeof *o && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

typedef struct hbench {
    size_t n;
    uint64_t warm, ops;
    int runs;
    double eng_ns, bh_ns;
    bool ok;
    row *eng_row, *bh_row;
} hbench;

static void measure_hold(hbench *h)
{
    double en[MAXRUNS], bn[MAXRUNS], er[MAXRUNS], br[MAXRUNS];
    hold_out eo, bo;
    char name[64];
    double load0 = loadavg();
    h->ok = true;
    for (int r = 0; r < h->runs && h->ok; r++) {
        char what[64];
        snprintf(what, sizeof what, "hold model, %zu pending", h->n);
        progress("d", what, r + 1, h->runs);
        /* Alternate the two so that both see the same background load. */
        if (hold_child(true, h->n, h->warm, h->ops, &eo, &er[r]) != 0 ||
            hold_child(false, h->n, h->warm, h->ops, &bo, &br[r]) != 0) {
            fprintf(stderr, "\nbench: hold model with %zu pending failed\n", h->n);
            h->ok = false;
            break;
        }
        en[r] = eo.ns;
        bn[r] = bo.ns;
        if (eo.order != bo.order || eo.tsum != bo.tsum)
            fprintf(stderr, "\nbench: CORRECTNESS: engine and binary heap popped different sequences "
                            "(%zu pending): the engine's order on (t, seq) is broken\n", h->n);
    }
    progress_done();

    snprintf(name, sizeof name, "hold: engine 4-ary, %.0e pending", (double)h->n);
    row *e = h->eng_row = add_row("d", name);
    snprintf(name, sizeof name, "hold: binary heap, %.0e pending", (double)h->n);
    row *b = h->bh_row = add_row("d", name);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "group", "d");
    cJSON_AddStringToObject(j, "name", "hold model");
    cJSON_AddStringToObject(j, "kind", "hold");
    cJSON_AddNumberToObject(j, "load_before", load0);
    cJSON_AddNumberToObject(j, "pending", (double)h->n);
    cJSON_AddNumberToObject(j, "warmup_ops", (double)h->warm);
    cJSON_AddNumberToObject(j, "timed_ops", (double)h->ops);
    cJSON_AddItemToArray(g_rows, j);
    if (!h->ok) {
        e->verdict = b->verdict = V_ERROR;
        g_errors++;
        cJSON_AddBoolToObject(j, "error", true);
        return;
    }
    stat3 es = stats(en, h->runs), bs = stats(bn, h->runs);
    h->eng_ns = es.med;
    h->bh_ns = bs.med;
    e->spread = (es.max - es.min) / es.med;
    b->spread = (bs.max - bs.min) / bs.med;
    e->runs = b->runs = h->runs;
    e->ns = h->eng_ns;
    b->ns = h->bh_ns;
    e->eps = 1e9 / h->eng_ns;
    b->eps = 1e9 / h->bh_ns;
    e->rss = stats(er, h->runs).med;
    b->rss = stats(br, h->runs).med;
    cJSON_AddNumberToObject(j, "runs", h->runs);
    cJSON_AddItemToObject(j, "engine_ns_per_op", json_stat(en, h->runs));
    cJSON_AddItemToObject(j, "binary_heap_ns_per_op", json_stat(bn, h->runs));
    cJSON_AddItemToObject(j, "engine_peak_rss_mb", json_stat(er, h->runs));
    cJSON_AddItemToObject(j, "binary_heap_peak_rss_mb", json_stat(br, h->runs));
    /* The ratio of each alternated pair, then their median: a wave of load
     * on the host slows both of a pair, not one structure's whole set. */
    double ratio[MAXRUNS];
    for (int r = 0; r < h->runs; r++) ratio[r] = en[r] / bn[r];
    double rmed = stats(ratio, h->runs).med;
    cJSON_AddNumberToObject(j, "ratio", rmed);
    cJSON_AddItemToObject(j, "ratio_per_pair", json_stat(ratio, h->runs));
    cJSON_AddBoolToObject(j, "same_pop_order", eo.order == bo.order && eo.tsum == bo.tsum);
    check(e, "engine/bheap", rmed, true, T_HEAP_RATIO, 1, "", 2);
}

/* ------------------------------------------------------------------ reference */

/* The yardstick for (a): a bare C M/M/1 event loop, rho = 0.9, with
 * the binary heap above, splitmix64 and -log(u) draws, a queue length and a
 * running sum of sojourn times, nothing else.  Returns customers per second of
 * its own loop; run beside (a)'s runs, it shows how fast the host is then. */
static double bare_mm1(uint64_t customers, double *mean_sojourn)
{
    bheap b = { NULL, 0, 0, 1 };
    uint64_t seed = 42;
    double lambda = 900, mu = 1000, sum = 0;
    uint64_t queued = 0, served = 0, arrived = 0;
    double *arr = malloc(((size_t)1 << 20) * sizeof *arr);   /* FIFO of arrival times in the system */
    size_t head = 0, tail = 0, mask = ((size_t)1 << 20) - 1;
    if (!arr) return NAN;
    double t0 = now_s();
    bh_push(&b, -log(((double)(splitmix(&seed) >> 11) + 0.5) * 0x1.0p-53) / lambda, 0, 0, 0, 0);
    event ev;
    bool busy = false;
    while (served < customers && bh_pop(&b, &ev)) {
        if (ev.kind == 0) {   /* arrival */
            arr[tail++ & mask] = ev.t;
            arrived++;
            bh_push(&b, ev.t - log(((double)(splitmix(&seed) >> 11) + 0.5) * 0x1.0p-53) / lambda, 0, 0, 0, 0);
            if (!busy) {
                busy = true;
                bh_push(&b, ev.t - log(((double)(splitmix(&seed) >> 11) + 0.5) * 0x1.0p-53) / mu, 1, 0, 0, 0);
            } else {
                queued++;
            }
        } else {   /* departure */
            sum += ev.t - arr[head++ & mask];
            served++;
            if (queued) {
                queued--;
                bh_push(&b, ev.t - log(((double)(splitmix(&seed) >> 11) + 0.5) * 0x1.0p-53) / mu, 1, 0, 0, 0);
            } else {
                busy = false;
            }
        }
    }
    double dt = now_s() - t0;
    *mean_sojourn = sum / (double)served;
    free(arr);
    free(b.h);
    return (double)served / dt;
}

/* Runs of the reference loop, one per (a) run, in the same batches; each in
 * a child process, so that what it allocates never becomes part of this
 * process (whose resident set a forked stampede would inherit until exec,
 * and count in its peak). */
static double g_bare[MAXRUNS], g_bare_sojourn;
static int g_nbare;

static void bare_runs(int k)
{
    for (int i = 0; i < k && g_nbare < MAXRUNS; i++) {
        int fd[2];
        if (pipe(fd) != 0) return;
        pid_t pid = fork();
        if (pid < 0) { close(fd[0]); close(fd[1]); return; }
        if (pid == 0) {
            close(fd[0]);
            double r[2];
            r[0] = bare_mm1(10000000, &r[1]);
            _exit(write(fd[1], r, sizeof r) == (ssize_t)sizeof r ? 0 : 1);
        }
        close(fd[1]);
        double r[2];
        ssize_t got = read(fd[0], r, sizeof r);
        close(fd[0]);
        int status;
        if (waitpid(pid, &status, 0) < 0 || got != (ssize_t)sizeof r || !WIFEXITED(status) || WEXITSTATUS(status)) return;
        g_bare[g_nbare++] = r[0];
        g_bare_sojourn = r[1];
    }
}

/* ------------------------------------------------------------------ machine */

static cJSON *machine(void)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddNumberToObject(m, "nproc", (double)sysconf(_SC_NPROCESSORS_ONLN));
    char line[512], model[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f)) {
        char *c = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && c) {
            snprintf(model, sizeof model, "%s", c + 2);
            model[strcspn(model, "\n")] = 0;
            break;
        }
    }
    if (f) fclose(f);
    cJSON_AddStringToObject(m, "cpu", model);
    struct utsname u;
    if (uname(&u) == 0) {
        char k[400];
        snprintf(k, sizeof k, "%s %s %s", u.sysname, u.release, u.machine);
        cJSON_AddStringToObject(m, "kernel", k);
    }
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psz > 0) cJSON_AddNumberToObject(m, "memory_mb", (double)pages * (double)psz / 1048576.0);
    return m;
}

static double loadavg(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1) l = -1;
        fclose(f);
    }
    return l;
}

/* ------------------------------------------------------------------ main */

static const char *const usage =
    "usage: bench [--stampede PATH] [--json PATH] [--only GROUPS] [--git DESC]\n"
    "  --stampede PATH  the program to time (default build/stampede)\n"
    "  --json PATH      where to write the results (default results/bench/bench.json)\n"
    "  --only GROUPS    letters of the groups to run: a b c d e k (huge key spaces) s (scaling);\n"
    "                   default all\n"
    "  --git DESC       the source version to record\n"
    "Exit status 0 whether or not the targets are met; 1 when a measurement failed.\n";

int main(int argc, char **argv)
{
    const char *json_path = "results/bench/bench.json", *only = "abcdeks", *git = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--stampede")) g_stampede = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--json")) json_path = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--only")) only = argv[++i];
        else if (i + 1 < argc && !strcmp(argv[i], "--git")) git = argv[++i];
        else { fputs(usage, strcmp(argv[i], "--help") ? stderr : stdout); return strcmp(argv[i], "--help") ? 2 : 0; }
    }
    if (access(g_stampede, X_OK) != 0) {
        fprintf(stderr, "bench: %s: %s (build it first)\n", g_stampede, strerror(errno));
        return 1;
    }
    g_tty = isatty(2);
    const char *td = getenv("TMPDIR");
    snprintf(g_tmp, sizeof g_tmp, "%s/stampede-bench.XXXXXX", td && *td ? td : "/tmp");
    if (!mkdtemp(g_tmp)) { perror("bench: mkdtemp"); return 1; }

    g_rows = cJSON_CreateArray();
    g_checks = cJSON_CreateArray();
    time_t now = time(NULL);
    struct tm tm;
    char date[32];
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    double load0 = loadavg(), t_start = now_s();
#define RUN(g) (strchr(only, (g)) != NULL)

    /* (a) M/M/1, rho = 0.9, 10^7 requests. */
    /* Its 15 runs come in five batches, at the start and after each of (b),
     * (c), (d) and (e): the host is shared, and a passing wave of load on it
     * (runs 30-60% slower for tens of seconds) then slows some of the
     * batches, not the median. */
    row *ref_row = NULL;
    pbench mm1 = { .group = "a", .name = "M/M/1 rho=0.9, 1e7 requests", .scenario = "tests/bench/mm1.json", .label = "none", .runs = 15 };
    if (RUN('a')) {
        mm1.row = add_row("a", mm1.name);
        ref_row = add_row("a", "reference: bare C M/M/1 event loop, 1e7");
        measure_runs(&mm1, 3);
        bare_runs(3);
    }

    /* (b) hot-key under each strategy, 3000 s at 2000/s = 6e6 requests. */
    static const char *const strats[4] = { "none", "lock", "coalesce", "xfetch" };
    pbench hot[4];
    for (int i = 0; i < 4 && RUN('b'); i++) {
        static char names[4][64];
        snprintf(names[i], sizeof names[i], "hot-key %s, 6e6 requests", strats[i]);
        hot[i] = (pbench){ .group = "b", .name = names[i], .scenario = "scenarios/hot-key.json", .label = strats[i], .sets = { "duration=3000s", NULL }, .runs = 3 };
        measure(&hot[i]);
        if (hot[i].ok) check(hot[i].row, "req/s", hot[i].requests / hot[i].wall, false, T_HOT_RPS, 1e6, "M", 2);
    }

    if (RUN('a')) {
        measure_runs(&mm1, 3);
        bare_runs(3);
    }

    /* (c) 10^6 Zipf keys: 10^8 requests, 10^6 requests, and 1 key for bytes/key. */
    if (RUN('c')) {
        pbench z8 = { .group = "c", .name = "zipf 1e6 keys, 1e8 requests", .scenario = "tests/bench/zipf.json", .label = "none", .sets = { NULL }, .runs = 2 };
        pbench z6 = { .group = "c", .name = "zipf 1e6 keys, 1e6 requests", .scenario = "tests/bench/zipf.json", .label = "none", .sets = { "duration=1s", NULL }, .runs = 5 };
        pbench z1 = { .group = "c", .name = "zipf 1 key, 1e6 requests (baseline)", .scenario = "tests/bench/zipf.json", .label = "none", .sets = { "duration=1s", "keys.count=1", NULL }, .runs = 5 };
        measure(&z6);
        measure(&z1);
        measure(&z8);
        if (z6.ok) check(z6.row, "RSS MB", z6.rss, true, T_RSS_MB, 1, " MB", 1);
        if (z8.ok) check(z8.row, "RSS MB", z8.rss, true, T_RSS_MB, 1, " MB", 1);
        row *g = add_row("c", "RSS(1e8 req) / RSS(1e6 req)");
        row *k = add_row("c", "bytes/key = (RSS 1e6 keys - 1 key)/1e6");
        if (!z8.ok || !z6.ok) g->verdict = V_ERROR;
        if (!z6.ok || !z1.ok) k->verdict = V_ERROR;
        double growth = z8.rss / z6.rss, bpk = (z6.rss - z1.rss) * 1048576.0 / 1e6;
        check(g, "ratio", growth, true, 1.0 + T_RSS_GROWTH, 1, "", 3);
        check(k, "bytes/key", bpk, true, T_BYTES_PER_KEY, 1, "", 2);
        cJSON *mem = cJSON_CreateObject();
        cJSON_AddNumberToObject(mem, "rss_mb_1e6_keys_1e8_requests", z8.rss);
        cJSON_AddNumberToObject(mem, "rss_mb_1e6_keys_1e6_requests", z6.rss);
        cJSON_AddNumberToObject(mem, "rss_mb_1_key_1e6_requests", z1.rss);
        cJSON_AddNumberToObject(mem, "rss_ratio_1e8_over_1e6", growth);
        cJSON_AddNumberToObject(mem, "bytes_per_key", bpk);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "group", "c");
        cJSON_AddStringToObject(j, "name", "memory");
        cJSON_AddStringToObject(j, "kind", "derived");
        cJSON_AddItemToObject(j, "memory", mem);
        cJSON_AddItemToArray(g_rows, j);
    }

    /* (k) huge key spaces: state only for the keys a run touches.  10^9
     * Zipf(1) keys with 10^8 requests, 10^10 with 10^7; bytes per touched
     * key against one key with the same 10^7 requests. */
    if (RUN('k')) {
        pbench k9 = { .group = "k", .name = "zipf 1e9 keys, 1e8 requests", .scenario = "tests/bench/zipf.json", .label = "none", .sets = { "keys.count=1000000000", NULL }, .runs = 1 };
        pbench k10 = { .group = "k", .name = "zipf 1e10 keys, 1e7 requests", .scenario = "tests/bench/zipf.json", .label = "none", .sets = { "keys.count=10000000000", "duration=10s", NULL }, .runs = 1 };
        pbench k1 = { .group = "k", .name = "zipf 1 key, 1e7 requests (baseline)", .scenario = "tests/bench/zipf.json", .label = "none", .sets = { "keys.count=1", "duration=10s", NULL }, .runs = 1 };
        measure(&k9);
        measure(&k10);
        measure(&k1);
        if (k9.ok) check(k9.row, "RSS MB", k9.rss, true, T_HUGE_RSS_MB, 1, " MB", 0);
        row *r9 = add_row("k", "1e9 keys: requests/s, whole process");
        if (!k9.ok) r9->verdict = V_ERROR;
        check(r9, "req/s", k9.ok ? k9.requests / k9.wall : NAN, false, T_HUGE_RPS, 1e6, "M", 2);
        row *t9 = add_row("k", "keys touched: 1e9 keys, 1e8 requests");
        row *t10 = add_row("k", "keys touched: 1e10 keys, 1e7 requests");
        row *bk = add_row("k", "bytes/touched key (1e10 keys - 1 key)");
        if (!k9.ok) t9->verdict = V_ERROR;
        if (!k10.ok) t10->verdict = V_ERROR;
        if (!k10.ok || !k1.ok) bk->verdict = V_ERROR;
        double bpk = (k10.rss - k1.rss) * 1048576.0 / k10.keys_touched;
        snprintf(t9->check, sizeof t9->check, "%.4g M", k9.keys_touched / 1e6);
        snprintf(t10->check, sizeof t10->check, "%.4g M", k10.keys_touched / 1e6);
        check(bk, "bytes/key", bpk, true, T_BYTES_PER_KEY, 1, "", 1);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "group", "k");
        cJSON_AddStringToObject(j, "name", "keys touched");
        cJSON_AddStringToObject(j, "kind", "derived");
        cJSON_AddNumberToObject(j, "keys_touched_1e9_keys_1e8_requests", k9.keys_touched);
        cJSON_AddNumberToObject(j, "keys_touched_1e10_keys_1e7_requests", k10.keys_touched);
        cJSON_AddNumberToObject(j, "bytes_per_touched_key", bpk);
        cJSON_AddItemToArray(g_rows, j);
    }

    if (RUN('a')) {
        measure_runs(&mm1, 3);
        bare_runs(3);
    }

    /* (d) the bare event set in the hold model against a binary heap. */
    hbench hb[3] = { { 100, 100000, 5000000, 9, 0, 0, 0, NULL, NULL },
                     { 10000, 1000000, 3000000, 7, 0, 0, 0, NULL, NULL },
                     { 1000000, 1000000, 2000000, 5, 0, 0, 0, NULL, NULL } };
    for (int i = 0; i < 3 && RUN('d'); i++) measure_hold(&hb[i]);
    if (RUN('a')) {
        measure_runs(&mm1, 3);
        bare_runs(3);
    }

    /* (e) a sweep on one core and on two. */
    if (RUN('e')) measure_sweep(5);

    if (RUN('a')) {
        measure_runs(&mm1, 3);
        bare_runs(3);
        measure_finish(&mm1);
        if (mm1.ok) check(mm1.row, "req/s", mm1.requests / mm1.wall, false, T_MM1_RPS, 1e6, "M", 2);
        /* The yardstick, and stampede's speed as a share of it. */
        row *r = ref_row;
        stat3 bs = stats(g_bare, g_nbare);
        r->runs = g_nbare;
        r->rps = bs.med;
        r->eps = 2 * bs.med;
        r->ns = 1e9 / r->eps;
        r->spread = (bs.max - bs.min) / bs.med;
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "group", "a");
        cJSON_AddStringToObject(j, "name", "reference: bare C M/M/1 event loop (binary heap, splitmix64, -log u), 1e7 customers, rho 0.9");
        cJSON_AddStringToObject(j, "kind", "in-process loop");
        cJSON_AddNumberToObject(j, "runs", g_nbare);
        cJSON_AddItemToObject(j, "customers_per_second", json_stat(g_bare, g_nbare));
        cJSON_AddNumberToObject(j, "mean_sojourn_seconds", g_bare_sojourn);   /* theory: 1/(mu - lambda) = 0.01 */
        if (mm1.ok) {
            cJSON_AddNumberToObject(j, "stampede_over_reference", mm1.requests / mm1.wall / bs.med);
            snprintf(r->check, sizeof r->check, "(a) runs at %.2f of it", mm1.requests / mm1.wall / bs.med);
        }
        cJSON_AddItemToArray(g_rows, j);
    }

    /* Scaling: with requests (M/M/1 1e6 vs 1e7), keys (Zipf 1e2/1e4/1e6 at
     * 1e7 requests) and pending events (the hold model above). */
    if (RUN('s')) {
        pbench m6 = { .group = "scale", .name = "M/M/1 rho=0.9, 1e6 requests", .scenario = "tests/bench/mm1.json", .label = "none", .sets = { "duration=1111.1111s", NULL }, .runs = 5 };
        measure(&m6);
        if (RUN('a') && mm1.ok) {
            row *r = add_row("scale", "M/M/1 rho=0.9, 1e7 requests (= (a))");
            *r = *mm1.row;
            snprintf(r->group, sizeof r->group, "scale");
            snprintf(r->name, sizeof r->name, "M/M/1 rho=0.9, 1e7 requests (= (a))");
            r->check[0] = 0;
            r->verdict = V_NONE;
        }
        static const char *const kc[3] = { "keys.count=100", "keys.count=10000", "keys.count=1000000" };
        static const char *const kn[3] = { "zipf 1e2 keys, 1e7 requests", "zipf 1e4 keys, 1e7 requests", "zipf 1e6 keys, 1e7 requests" };
        pbench zk[3];
        for (int i = 0; i < 3; i++) {
            zk[i] = (pbench){ .group = "scale", .name = kn[i], .scenario = "tests/bench/zipf.json", .label = "none", .sets = { "duration=10s", kc[i], NULL }, .runs = 3 };
            measure(&zk[i]);
        }
        for (int i = 0; i < 3 && RUN('d'); i++) {
            if (!hb[i].ok) continue;
            char nm[64];
            snprintf(nm, sizeof nm, "hold: engine, %.0e pending (= (d))", (double)hb[i].n);
            row *r = add_row("scale", nm);
            r->runs = hb[i].runs;
            r->ns = hb[i].eng_ns;
            r->eps = 1e9 / hb[i].eng_ns;
        }
        cJSON *sc = cJSON_CreateObject();
        if (m6.ok && RUN('a') && mm1.ok) {
            cJSON_AddNumberToObject(sc, "mm1_requests_per_second_1e6", m6.requests / m6.wall);
            cJSON_AddNumberToObject(sc, "mm1_requests_per_second_1e7", mm1.requests / mm1.wall);
            cJSON_AddNumberToObject(sc, "mm1_ns_per_request_ratio_1e7_over_1e6",
                                    (mm1.wall / mm1.requests) / (m6.wall / m6.requests));
        }
        for (int i = 0; i < 3; i++) {
            if (!zk[i].ok) continue;
            char k[64];
            snprintf(k, sizeof k, "zipf_requests_per_second_keys_%s", i == 0 ? "1e2" : i == 1 ? "1e4" : "1e6");
            cJSON_AddNumberToObject(sc, k, zk[i].requests / zk[i].wall);
        }
        for (int i = 0; i < 3 && RUN('d'); i++) {
            if (!hb[i].ok) continue;
            char k[64];
            snprintf(k, sizeof k, "hold_engine_ns_per_op_pending_%.0e", (double)hb[i].n);
            cJSON_AddNumberToObject(sc, k, hb[i].eng_ns);
            snprintf(k, sizeof k, "hold_binary_heap_ns_per_op_pending_%.0e", (double)hb[i].n);
            cJSON_AddNumberToObject(sc, k, hb[i].bh_ns);
        }
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "group", "scale");
        cJSON_AddStringToObject(j, "name", "scaling");
        cJSON_AddStringToObject(j, "kind", "derived");
        cJSON_AddItemToObject(j, "scaling", sc);
        cJSON_AddItemToArray(g_rows, j);
    }

    double total = now_s() - t_start, load1 = loadavg();
    rm_tree(g_tmp);

    /* The table, then the JSON. */
    cJSON *mach = machine();
    int fails = 0;
    for (int i = 0; i < g_nrows; i++) fails += g_table[i].verdict == V_FAIL;
    printf("stampede benchmark  %s  %s, %d CPUs  load %.2f -> %.2f  %.0f s%s%s\n\n", date,
           cJSON_GetStringValue(cJSON_GetObjectItem(mach, "cpu")), (int)sysconf(_SC_NPROCESSORS_ONLN), load0, load1,
           total, git ? "  " : "", git ? git : "");
    print_table(stdout);
    printf("\nmedians of the runs; req/s and events/s over the whole process's wall time (hold: per pop+push);\n"
           "spread = (max - min) / median of the timed runs; RSS = peak resident set of the process (wait4).\n");
    printf("targets: %d failed, %d measurement errors.  %s\n", fails, g_errors, json_path);

    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "date", date);
    if (git) cJSON_AddStringToObject(root, "git", git);
    cJSON_AddStringToObject(root, "stampede", g_stampede);
    cJSON_AddItemToObject(root, "machine", mach);
    cJSON_AddNumberToObject(root, "load_before", load0);
    cJSON_AddNumberToObject(root, "load_after", load1);
    cJSON_AddNumberToObject(root, "total_seconds", total);
    cJSON *tg = cJSON_CreateObject();
    cJSON_AddNumberToObject(tg, "mm1_requests_per_second_min", T_MM1_RPS);
    cJSON_AddNumberToObject(tg, "hot_key_requests_per_second_min", T_HOT_RPS);
    cJSON_AddNumberToObject(tg, "zipf_rss_growth_max", T_RSS_GROWTH);
    cJSON_AddNumberToObject(tg, "bytes_per_key_max", T_BYTES_PER_KEY);
    cJSON_AddNumberToObject(tg, "rss_mb_1e6_keys_max", T_RSS_MB);
    cJSON_AddNumberToObject(tg, "engine_over_binary_heap_max", T_HEAP_RATIO);
    cJSON_AddNumberToObject(tg, "sweep_speedup_jobs_2_min", T_SWEEP_SPEEDUP);
    cJSON_AddItemToObject(root, "targets", tg);
    cJSON_AddItemToObject(root, "checks", g_checks);
    cJSON_AddItemToObject(root, "benchmarks", g_rows);
    cJSON *tab = cJSON_CreateArray();
    for (int i = 0; i < g_nrows; i++) {
        const row *r = &g_table[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "group", r->group);
        cJSON_AddStringToObject(o, "name", r->name);
        cJSON_AddNumberToObject(o, "runs", r->runs);
        if (isfinite(r->wall)) cJSON_AddNumberToObject(o, "wall_seconds", r->wall);
        if (isfinite(r->rps)) cJSON_AddNumberToObject(o, "requests_per_second", r->rps);
        if (isfinite(r->eps)) cJSON_AddNumberToObject(o, "events_per_second", r->eps);
        if (isfinite(r->ns)) cJSON_AddNumberToObject(o, "ns_per_event", r->ns);
        if (isfinite(r->rss)) cJSON_AddNumberToObject(o, "peak_rss_mb", r->rss);
        if (r->check[0]) cJSON_AddStringToObject(o, "target", r->check);
        if (r->verdict != V_NONE)
            cJSON_AddStringToObject(o, "result", r->verdict == V_PASS ? "PASS" : r->verdict == V_FAIL ? "FAIL" : "ERROR");
        cJSON_AddItemToArray(tab, o);
    }
    cJSON_AddItemToObject(root, "table", tab);
    char *txt = cJSON_Print(root);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", json_path);
    FILE *f = txt ? fopen(tmp, "w") : NULL;
    int wrote = f && fputs(txt, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0) wrote = 0;
    if (!wrote || rename(tmp, json_path) != 0) {
        fprintf(stderr, "bench: cannot write %s: %s\n", json_path, strerror(errno));
        g_errors++;
    }
    free(txt);
    cJSON_Delete(root);
    return g_errors ? 1 : 0;
}
