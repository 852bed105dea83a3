/* check_folders.c - the folders stampede writes and reads back, through the
 * real program: only folders it wrote are replaced (the marker), --out
 * through a link, merge into its own parts, damaged folders given to plot and
 * merge, options checked before any work, and plot's one transaction.  Every
 * refusal is checked for its exit status, its exact message, and that
 * nothing around it changed (a checksum of the whole scratch folder). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "results/output.h"
#include "testutil.h"
#include "testmain.h"

static const char *scenario_text =
    "{\"name\": \"f\", \"seed\": 2, \"duration\": \"3s\", \"clients\": {\"arrivals\": {\"rate\": 150}},"
    " \"keys\": {\"count\": 8}, \"cache\": {\"ttl\": \"1s\"}, \"db\": {\"workers\": 2, \"latency\": \"10ms\"},"
    " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}]}\n";

static char *work, *scen;

static void setup(void)
{
    work = tu_tmpdir();
    ck_assert_ptr_nonnull(work);
    scen = tu_scenario(work, "f.json", scenario_text);
    ck_assert_ptr_nonnull(scen);
}

static void teardown(void)
{
    tu_rmrf(work);
    free(work);
    free(scen);
}

/* Runs "stampede ARGS" (%W in args and want: the scratch folder) and checks
 * exit status 2 (or status), exactly want on stderr, and that nothing in the
 * scratch folder changed; within 20 s (nothing ran). */
static void refused_st(int status, const char *args, const char *want)
{
    char a[16384], w[16384];
    size_t o = 0;
    for (const char *p = args; *p && o + 4200 < sizeof a; p++) {
        if (p[0] == '%' && p[1] == 'W') o += (size_t)snprintf(a + o, sizeof a - o, "%s", work), p++;
        else a[o++] = *p;
    }
    a[o] = 0;
    o = 0;
    for (const char *p = want; *p && o + 4200 < sizeof w; p++) {
        if (p[0] == '%' && p[1] == 'W') o += (size_t)snprintf(w + o, sizeof w - o, "%s", work), p++;
        else w[o++] = *p;
    }
    w[o] = 0;
    char *before = tu_tree(work), *out = NULL, *err = NULL;
    double t0 = tu_now();
    int rc = tu_run(a, &out, &err);
    double secs = tu_now() - t0;
    char *after = tu_tree(work);
    ck_assert_msg(rc == status, "stampede %s: exit %d, stderr:\n%s", a, rc, err);
    ck_assert_msg(!strcmp(err, w), "stampede %s:\n  stderr %s  wanted %s", a, err, w);
    ck_assert_msg(!strcmp(before, after), "stampede %s changed its surroundings:\n%s\nbecame\n%s", a, before, after);
    ck_assert_msg(secs < 20, "stampede %s took %.1f s", a, secs);
    free(before);
    free(after);
    free(out);
    free(err);
}

static void refused(const char *args, const char *want) { refused_st(2, args, want); }

static void ok(const char *args)
{
    char a[16384], *err = NULL;
    size_t o = 0;
    for (const char *p = args; *p && o + 4200 < sizeof a; p++) {
        if (p[0] == '%' && p[1] == 'W') o += (size_t)snprintf(a + o, sizeof a - o, "%s", work), p++;
        else a[o++] = *p;
    }
    a[o] = 0;
    int rc = tu_run(a, NULL, &err);
    ck_assert_msg(rc == 0, "stampede %s: exit %d: %s", a, rc, err);
    free(err);
}

/* Replaces the first occurrence of from by to in a file. */
static void edit(const char *path, const char *from, const char *to)
{
    char *t = tu_slurp(path);
    ck_assert_msg(t != NULL, "no %s", path);
    char *at = strstr(t, from);
    ck_assert_msg(at != NULL, "%s has no \"%s\"", path, from);
    size_t n = strlen(t) + strlen(to) + 1;
    char *u = malloc(n);
    snprintf(u, n, "%.*s%s%s", (int)(at - t), t, to, at + strlen(from));
    ck_assert_int_eq(tu_write(path, u), 0);
    free(t);
    free(u);
}

/* The index of column name in the header of a CSV file (-1 when absent);
 * with count, the number of columns in *count. */
static int column_of(const char *path, const char *name, int *count)
{
    char *t = tu_slurp(path);
    ck_assert_msg(t != NULL, "no %s", path);
    int k = 0, found = -1;
    for (char *p = t;; k++) {
        size_t n = strcspn(p, ",\n");
        if (n == strlen(name) && !strncmp(p, name, n)) found = k;
        if (p[n] != ',') break;
        p += n + 1;
    }
    if (count) *count = k + 1;
    free(t);
    return found;
}

/* Sets field k (0-based) of the first line starting with prefix. */
static void set_cell(const char *path, const char *prefix, int k, const char *value)
{
    char *t = tu_slurp(path);
    ck_assert_msg(t != NULL, "no %s", path);
    char *line = !strncmp(t, prefix, strlen(prefix)) ? t : NULL;
    if (!line) {
        char nl[256];
        snprintf(nl, sizeof nl, "\n%s", prefix);
        line = strstr(t, nl);
        ck_assert_msg(line != NULL, "%s has no line %s", path, prefix);
        line++;
    }
    char *f = line;
    for (int i = 0; i < k; i++) f = strchr(f, ',') + 1;
    char *end = f + strcspn(f, ",\n");
    size_t n = strlen(t) + strlen(value) + 1;
    char *u = malloc(n);
    snprintf(u, n, "%.*s%s%s", (int)(f - t), t, value, end);
    ck_assert_int_eq(tu_write(path, u), 0);
    free(t);
    free(u);
}

static void copy(const char *from, const char *to)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "rm -rf '%s/%s' && cp -r '%s/%s' '%s/%s'", work, to, work, from, work, to);
    ck_assert_int_eq(system(cmd), 0);
}

/* ---------------------------------------------------------------- only our folders are replaced */

START_TEST(only_folders_stampede_wrote)
{
    /* The case: comparison.csv beside a thesis made "an" replaceable. */
    ck_assert_int_eq(mkdir(tu_pathf("%s/an", work), 0777), 0);
    ck_assert_int_eq(tu_write(tu_pathf("%s/an/thesis.tex", work), "notes\n"), 0);
    ck_assert_int_eq(tu_write(tu_pathf("%s/an/comparison.csv", work), "a,b\n"), 0);
    refused("run %W/f.json --quiet --out %W/an",
            "stampede: %W/an has no .stampede marker, so it may hold files stampede did not write (the first: "
            "%W/an/comparison.csv); it will not be replaced: choose another folder, or delete or move it yourself (a "
            "stampede older than the marker wrote none)\n");
    refused("sweep %W/f.json --vary cache.ttl=1s,2s --quiet --out %W/an",
            "stampede: %W/an has no .stampede marker, so it may hold files stampede did not write (the first: "
            "%W/an/comparison.csv); it will not be replaced: choose another folder, or delete or move it yourself (a "
            "stampede older than the marker wrote none)\n");
    /* A folder stampede wrote, with one file more: refused, naming it. */
    ok("run %W/f.json --quiet --out %W/r");
    ck_assert_int_eq(mkdir(tu_pathf("%s/r/lock/mine", work), 0777), 0);
    ck_assert_int_eq(tu_write(tu_pathf("%s/r/lock/mine/notes.txt", work), "keep\n"), 0);
    refused("run %W/f.json --quiet --out %W/r",
            "stampede: %W/r holds %W/r/lock/mine, which stampede did not write; it will not be replaced: choose another "
            "folder, or move that away\n");
    ck_assert_int_eq(system(tu_pathf("rm -r '%s/r/lock/mine'", work)), 0);
    /* Its charts and report are a plot's: replaced with it. */
    ok("plot %W/r --format svg");
    ok("run %W/f.json --quiet --out %W/r --strategy lock");
    ck_assert(!tu_exists(tu_pathf("%s/r/charts", work)) && !tu_exists(tu_pathf("%s/r/none", work)));
    /* A results folder is not a sweep's, nor the other way round. */
    ok("sweep %W/f.json --vary cache.ttl=1s,2s --quiet --out %W/s");
    refused("run %W/f.json --quiet --out %W/s",
            "stampede: %W/s is a stampede sweep folder, not a results folder; it will not be replaced: choose another "
            "folder\n");
    refused("sweep %W/f.json --vary cache.ttl=1s,2s --quiet --out %W/r",
            "stampede: %W/r is a stampede results folder, not a sweep folder; it will not be replaced: choose another "
            "folder\n");
    /* A marker that is not one: refused with its place. */
    ck_assert_int_eq(tu_write(tu_pathf("%s/r/.stampede", work), "{\"format\": \"stampede-folder\", \"kind\": 3}\n"), 0);
    refused("run %W/f.json --quiet --out %W/r",
            "stampede: %W/r/.stampede:1:1: error: /format_version: missing; %W/r will not be replaced\n");
    /* A file, or a link to one, is no folder. */
    ck_assert_int_eq(tu_write(tu_pathf("%s/file", work), "x\n"), 0);
    refused("run %W/f.json --quiet --out %W/file", "stampede: %W/file exists and is not a folder; it will not be replaced\n");
    /* An empty folder is taken. */
    ck_assert_int_eq(mkdir(tu_pathf("%s/empty", work), 0777), 0);
    ok("run %W/f.json --quiet --out %W/empty");
    ck_assert(tu_exists(tu_pathf("%s/empty/.stampede", work)));
}
END_TEST

START_TEST(out_through_a_link)
{
    /* --out through a symbolic link writes into its target; the link stays. */
    ok("run %W/f.json --quiet --out %W/target");
    ck_assert_int_eq(symlink("target", tu_pathf("%s/link", work)), 0);
    ok("run %W/f.json --quiet --out %W/link --strategy lock");
    struct stat st;
    ck_assert_int_eq(lstat(tu_pathf("%s/link", work), &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert(tu_exists(tu_pathf("%s/target/lock/summary.json", work)));
    ck_assert(!tu_exists(tu_pathf("%s/target/none", work)));   /* the target holds the new results */
    ck_assert(!tu_exists(tu_pathf("%s/link.tmp-%ld", work, (long)getpid())));
    /* A link to a folder stampede did not write is refused like that folder. */
    ck_assert_int_eq(mkdir(tu_pathf("%s/mine", work), 0777), 0);
    ck_assert_int_eq(tu_write(tu_pathf("%s/mine/a.txt", work), "keep\n"), 0);
    ck_assert_int_eq(symlink("mine", tu_pathf("%s/link2", work)), 0);
    refused("run %W/f.json --quiet --out %W/link2",
            "stampede: %W/mine has no .stampede marker, so it may hold files stampede did not write (the first: "
            "%W/mine/a.txt); it will not be replaced: choose another folder, or delete or move it yourself (a stampede "
            "older than the marker wrote none)\n");
    /* A dangling link: the folder is made where it points. */
    ck_assert_int_eq(symlink("made", tu_pathf("%s/link3", work)), 0);
    ok("run %W/f.json --quiet --out %W/link3");
    ck_assert(tu_exists(tu_pathf("%s/made/none/summary.json", work)));
}
END_TEST

START_TEST(merge_into_its_own_parts)
{
    ok("sweep %W/f.json --vary cache.ttl=1s,2s --replications 2 --quiet --shard 1/2 --out %W/p1");
    ok("sweep %W/f.json --vary cache.ttl=1s,2s --replications 2 --quiet --shard 2/2 --out %W/p2");
    refused("merge %W/p1 %W/p2 --out %W/p1",
            "stampede: merge: --out %W/p1 is the part %W/p1; write the merged sweep to a folder of its own\n");
    refused("merge %W/p1 %W/p2 --out %W/p2/../p2/",
            "stampede: merge: --out %W/p2/../p2/ is the part %W/p2; write the merged sweep to a folder of its own\n");
    refused("merge %W/p1 %W/p2 --out %W/p1/sub",
            "stampede: merge: --out %W/p1/sub is inside the part %W/p1; write the merged sweep to a folder of its own\n");
    refused("merge %W/p1 %W/p2 --out %W",
            "stampede: merge: --out %W holds the part %W/p1; write the merged sweep to a folder of its own\n");
    ck_assert_int_eq(symlink("p2", tu_pathf("%s/p2link", work)), 0);
    refused("merge %W/p1 %W/p2 --out %W/p2link",
            "stampede: merge: --out %W/p2link is the part %W/p2; write the merged sweep to a folder of its own\n");
    ok("merge %W/p1 %W/p2 --out %W/m");
}
END_TEST

/* ---------------------------------------------------------------- damaged folders */

START_TEST(merge_checks_every_cell)
{
    ok("sweep %W/f.json --vary cache.ttl=1s,2s --replications 2 --quiet --shard 1/2 --out %W/p1");
    ok("sweep %W/f.json --vary cache.ttl=1s,2s --replications 2 --quiet --shard 2/2 --out %W/p2");
    /* the first lock row (line 3): its requests (field 5), its label (3) */
    static const struct { int k; const char *to, *want; } cells[] = {
        { 5, "nan", "3:17: error: requests: expected an integer from 0 to 2^53 (got \"nan\")" },
        { 5, "inf", "3:17: error: requests: expected an integer from 0 to 2^53 (got \"inf\")" },
        { 5, "1e308", "3:17: error: requests: expected an integer from 0 to 2^53 (got \"1e308\")" },
        { 5, "-5", "3:17: error: requests: expected an integer from 0 to 2^53 (got \"-5\")" },
        { 5, "0x10", "3:17: error: requests: expected an integer from 0 to 2^53 (got \"0x10\")" },
        { 5, "", "3:17: error: requests: expected an integer from 0 to 2^53 (got \"\")" },
        { 5, "12.5", "3:17: error: requests: expected an integer from 0 to 2^53 (got \"12.5\")" },
        { 27, "-1", "3:" },
        { 3, "\"x,y\"", "3:7: error: label: expected a label of letters, digits, '.', '_' and '-', starting with a "
                       "letter or digit (got \"x,y\")" },
        { 5, "1,2", "3:1: error: more fields than the header's 36" },
    };
    int nfields, p99 = column_of(tu_pathf("%s/p1/runs.csv", work), "p99", &nfields);
    ck_assert_int_gt(p99, 5);
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        copy("p1", "q1");
        int k = cells[i].k == 27 ? p99 : cells[i].k;
        set_cell(tu_pathf("%s/q1/runs.csv", work), "0,1,0,lock,", k, cells[i].to);
        char want[2048];
        if (cells[i].k == 27) {   /* p99 (the column found by name): a number of seconds */
            char *e = NULL;
            ck_assert_int_eq(tu_runf(NULL, &e, "merge %s/q1 %s/p2 --out %s/m", work, work, work), 2);
            ck_assert_msg(strstr(e, "/q1/runs.csv:3:") && strstr(e, "error: p99: expected a number of seconds from 0 to "
                                                                   "1e15, or nothing (got \"-1\")"), "%s", e);
            free(e);
            continue;
        }
        if (strstr(cells[i].want, "more fields"))
            snprintf(want, sizeof want, "stampede: merge: %%W/q1/runs.csv:3:1: error: more fields than the header's %d\n",
                     nfields);
        else snprintf(want, sizeof want, "stampede: merge: %%W/q1/runs.csv:%s\n", cells[i].want);
        refused("merge %W/q1 %W/p2 --out %W/m", want);
    }
    /* labels compared across parts */
    copy("p1", "q1");
    set_cell(tu_pathf("%s/q1/runs.csv", work), "0,1,0,lock,", 3, "other");
    refused("merge %W/q1 %W/p2 --out %W/m",
            "stampede: merge: %W/p2/runs.csv:3: run 1 has label lock (strategy lock) where run 0 has other (strategy "
            "lock, %W/q1/runs.csv:3): every run of the sweep has the same labels, in the same order\n");
    /* a label missing from one run */
    copy("p1", "q1");
    char *t = tu_slurp(tu_pathf("%s/q1/runs.csv", work)), *a = strstr(t, "\n0,1,0,lock,");
    ck_assert_ptr_nonnull(a);
    memmove(a + 1, strchr(a + 1, '\n') + 1, strlen(strchr(a + 1, '\n') + 1) + 1);
    ck_assert_int_eq(tu_write(tu_pathf("%s/q1/runs.csv", work), t), 0);
    free(t);
    refused("merge %W/q1 %W/p2 --out %W/m",
            "stampede: merge: %W/p2/runs.csv:3: run 1 has 2 labels where run 0 has 1 (%W/q1/runs.csv:2): every run of "
            "the sweep has the same labels, in the same order\n");
    /* the manifest, exactly */
    copy("p1", "q1");
    edit(tu_pathf("%s/q1/sweep.json", work), "\"replications\": 2", "\"replications\": 2.5");
    refused("merge %W/q1 %W/p2 --out %W/m",
            "stampede: merge: %W/q1/sweep.json:13:19: error: /replications: expected an integer from 1 to 1e+08 (got 2.5)\n");
    copy("p1", "q1");
    edit(tu_pathf("%s/q1/sweep.json", work), "\"path\": \"cache.ttl\"", "\"path\": \"cache.ttl\\n#\"");
    refused("merge %W/q1 %W/p2 --out %W/m",
            "stampede: merge: %W/q1/sweep.json:9:14: error: /varies/0/path: expected a dotted scenario path, as --vary takes\n");
    ok("merge %W/p1 %W/p2 --out %W/m");
}
END_TEST

START_TEST(plot_checks_every_file)
{
    ok("run %W/f.json --quiet --out %W/r");
    static const struct { const char *file, *line; int k; const char *to, *want; } cases[] = {
        { "comparison.csv", "lock,", 2, "inf", "comparison.csv:3:11: error: requests: expected an integer from 0 to 2^53 (got \"inf\")" },
        { "comparison.csv", "lock,", 2, "-5", "comparison.csv:3:11: error: requests: expected an integer from 0 to 2^53 (got \"-5\")" },
        { "comparison.csv", "lock,", -1, "NaN", "comparison.csv:3:" },
        { "comparison.csv", "none,", 0, "lock", "comparison.csv:3:1: error: label: \"lock\" is on an earlier row too" },
        { "lock/latency_hist.csv", "", 0, "nan", NULL },
        { "lock/stampede_sizes.csv", "1,", 0, "-1", "lock/stampede_sizes.csv:2:1: error: size_min: expected an integer from 0 to 2^53 (got \"-1\")" },
        { "lock/stampede_sizes.csv", "1,", 2, "garbage", "lock/stampede_sizes.csv:2:5: error: count: expected an integer from 0 to 2^53 (got \"garbage\")" },
        { "none/timeseries.csv", "0,", 0, "0x0", "none/timeseries.csv:2:1: error: t: expected a number of seconds from 0 to 1e15 (got \"0x0\")" },
        { "none/timeseries.csv", "1,", 0, "0", "none/timeseries.csv:3:1: error: t: 0 is not after the previous row's bin" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        copy("r", "d");
        if (!cases[i].want) {   /* the second line, whatever it starts with */
            char *p = strdup(tu_pathf("%s/d/%s", work, cases[i].file)), *t = tu_slurp(p);
            char *nl = strchr(t, '\n');
            char u[65536];
            snprintf(u, sizeof u, "%.*s\n%s%s", (int)(nl - t), t, cases[i].to, nl + 1 + strcspn(nl + 1, ","));
            ck_assert_int_eq(tu_write(p, u), 0);
            free(t);
            free(p);
            refused("plot %W/d --format svg", "stampede: %W/d/lock/latency_hist.csv:2:1: error: lower: expected a number "
                                              "of seconds from 0 to 1e15 (got \"nan\")\n");
            continue;
        }
        int k = cases[i].k >= 0 ? cases[i].k : column_of(tu_pathf("%s/d/comparison.csv", work), "hit_ratio", NULL);
        set_cell(tu_pathf("%s/d/%s", work, cases[i].file), cases[i].line, k, cases[i].to);
        char want[2048];
        if (!strcmp(cases[i].want, "comparison.csv:3:")) {   /* hits: NaN is no count */
            char *e = NULL;
            ck_assert_int_eq(tu_runf(NULL, &e, "plot %s/d --format svg", work), 2);
            ck_assert_msg(strstr(e, "/d/comparison.csv:3:") && strstr(e, "error: hit_ratio: expected a number from 0 to 1, "
                                                                     "or nothing (got \"NaN\")"), "%s", e);
            free(e);
            continue;
        }
        snprintf(want, sizeof want, "stampede: %%W/d/%s\n", cases[i].want);
        refused("plot %W/d --format svg", want);
    }
    copy("r", "d");
    edit(tu_pathf("%s/d/none/summary.json", work), "\"label\":\t\"none\"", "\"label\":\t\"lock\"");
    refused("plot %W/d --format svg", "stampede: %W/d/none/summary.json:3:11: error: /label: the summary of another label "
                                      "(comparison.csv says none)\n");
    /* a header-only time series; a folder in place of a file */
    copy("r", "d");
    ck_assert_int_eq(tu_write(tu_pathf("%s/d/none/timeseries.csv", work),
                              "t,arrivals,hits,misses,stale,waited,timeouts,errors,db_started,db_completed,"
                              "db_inflight_max,db_queue_max,p50,p99,p999\n"), 0);
    refused("plot %W/d --format svg", "stampede: %W/d/none/timeseries.csv: error: no rows (a run writes at least one time bin)\n");
    copy("r", "d");
    ck_assert_int_eq(system(tu_pathf("rm '%s/d/lock/timeseries.csv' && mkdir '%s/d/lock/timeseries.csv'", work, work)), 0);
    refused("plot %W/d --format svg", "stampede: %W/d/lock/timeseries.csv: error: a folder, not a regular file\n");
}
END_TEST

/* ---------------------------------------------------------------- one transaction */

START_TEST(plot_replaces_charts_and_report_together)
{
    ok("run %W/f.json --quiet --out %W/r");
    ok("plot %W/r --format svg");
    /* report.html a folder stampede did not make: refused before anything is drawn */
    copy("r", "d");
    ck_assert_int_eq(system(tu_pathf("rm '%s/d/report.html' && mkdir '%s/d/report.html'", work, work)), 0);
    refused("plot %W/d --format png",
            "stampede: %W/d/report.html was not written by stampede (%W/d/charts/.stampede does not claim it); it will "
            "not be replaced: move it away\n");
    /* charts/ from a stampede before the marker (or anyone's): refused */
    copy("r", "d");
    ck_assert_int_eq(unlink(tu_pathf("%s/d/charts/.stampede", work)), 0);
    refused("plot %W/d --format png",
            "stampede: %W/d/charts has no .stampede marker, so it may hold files stampede did not write (the first: "
            "%W/d/charts/comparison.gp); it will not be replaced: delete or move it yourself (a stampede older than "
            "the marker wrote none)\n");
    /* The report cannot be written (the hidden file it is staged in is
     * taken, by a folder): the charts drawn are thrown away, the previous
     * charts and report stay, whole.  The program's PID names that file, so
     * it is started by hand: forked, the folder made, then exec'd. */
    copy("r", "d");
    int sync[2];
    ck_assert_int_eq(pipe(sync), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char c;
        close(sync[1]);
        if (read(sync[0], &c, 1) != 1) _exit(126);
        int out = open(tu_pathf("%s/.err", work), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0) _exit(126);
        dup2(out, 2);
        dup2(out, 1);
        execl(tu_prog(), tu_prog(), "plot", tu_pathf("%s/d", work), "--format", "png", (char *)NULL);
        _exit(127);
    }
    close(sync[0]);
    ck_assert_int_eq(mkdir(tu_pathf("%s/d/report.html.tmp-%ld", work, (long)pid), 0777), 0);
    char *before = tu_tree(tu_pathf("%s/d", work));
    ck_assert_int_eq(write(sync[1], "x", 1), 1);
    close(sync[1]);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    ck_assert(WIFEXITED(st));
    ck_assert_int_eq(WEXITSTATUS(st), 1);
    char *err = tu_slurp(tu_pathf("%s/.err", work));
    ck_assert_str_eq(err, tu_pathf("stampede: cannot write %s/d/report.html: Is a directory\n", work));
    free(err);
    char *after = tu_tree(tu_pathf("%s/d", work));
    ck_assert_str_eq(before, after);   /* the svg charts, the report and the marker of the first plot */
    free(before);
    free(after);
}
END_TEST

/* The transaction's undo, driven through the library: a failure at the last
 * step puts the previous folder and the file beside it back, byte for byte. */
START_TEST(a_failed_commit_puts_everything_back)
{
    const char *dir = tu_pathf("%s/x", work);
    char *d = strdup(dir), *charts = strdup(tu_pathf("%s/charts", dir));
    ck_assert_int_eq(mkdir(d, 0777), 0);
    static const char *const kinds[] = { OUT_CHARTS, NULL };
    char err[4096] = "";
    outdir o;
    /* a first, good commit */
    ck_assert_msg(outdir_open(&o, charts, OUT_CHARTS, kinds, "report.html", err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(outdir_text(&o, "a.gp", "first\n", err, sizeof err), 0);
    ck_assert_int_eq(outdir_beside_text(&o, "<html>first</html>\n", err, sizeof err), 0);
    ck_assert_msg(outdir_commit(&o, err, sizeof err) == 0, "%s", err);
    outdir_close(&o);
    char *before = tu_tree(d);
    /* a second one whose staged report vanishes before the last rename */
    ck_assert_msg(outdir_open(&o, charts, OUT_CHARTS, kinds, "report.html", err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(outdir_text(&o, "a.gp", "second\n", err, sizeof err), 0);
    ck_assert_int_eq(outdir_text(&o, "b.gp", "second\n", err, sizeof err), 0);
    ck_assert_int_eq(outdir_beside_text(&o, "<html>second</html>\n", err, sizeof err), 0);
    ck_assert_int_eq(unlink(o.beside_tmp), 0);
    ck_assert_int_eq(outdir_commit(&o, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "cannot create ") && strstr(err, "report.html: No such file or directory"), "%s", err);
    outdir_close(&o);
    char *after = tu_tree(d);
    ck_assert_str_eq(before, after);
    char *report = tu_slurp(tu_pathf("%s/report.html", d));
    ck_assert_str_eq(report, "<html>first</html>\n");
    free(report);
    free(before);
    free(after);
    free(d);
    free(charts);
}
END_TEST

/* ---------------------------------------------------------------- options before work */

START_TEST(options_checked_before_any_work)
{
    refused("sweep %W/f.json --vary cache.ttl=1s:60s:1s --replications 50 --plot=bmp --out %W/s",
            "stampede: sweep: --plot: unknown chart format in \"bmp\" (formats: svg, png, pdf) (see 'stampede sweep "
            "--help')\n");
    ok("sweep %W/f.json --vary cache.ttl=1s,2s --quiet --shard 1/2 --out %W/p1");
    ok("sweep %W/f.json --vary cache.ttl=1s,2s --quiet --shard 2/2 --out %W/p2");
    refused("merge %W/p1 %W/p2 --out %W/m --plot=bmp",
            "stampede: merge: --plot: unknown chart format in \"bmp\" (formats: svg, png, pdf) (see 'stampede merge "
            "--help')\n");
    refused("run %W/f.json --quiet --out ''", "stampede: run: --out needs a folder name (got \"\") (see 'stampede run --help')\n");
    refused("sweep %W/f.json --vary cache.ttl=1s,2s --quiet --out ''",
            "stampede: sweep: --out needs a folder name (got \"\") (see 'stampede sweep --help')\n");
    refused("merge %W/p1 %W/p2 --out ''", "stampede: merge: --out needs a folder name (got \"\") (see 'stampede merge --help')\n");
    /* Names too long for a file system, or for the hidden folder beside them:
     * refused before anything, no parent folder left behind. */
    char x300[301], y250[251], args[8192], want[8192];
    memset(x300, 'x', 300);
    x300[300] = 0;
    memset(y250, 'y', 250);
    y250[250] = 0;
    snprintf(args, sizeof args, "run %%W/f.json --quiet --out %%W/deep/%s", x300);
    snprintf(want, sizeof want, "stampede: %.60s...: a folder name of 300 bytes, beyond the 255 a file system takes\n", x300);
    refused(args, want);
    snprintf(args, sizeof args, "sweep %%W/f.json --vary cache.ttl=1s,2s --quiet --out %%W/deep/%s", y250);
    snprintf(want, sizeof want, "stampede: %.60s...: a folder name of 250 bytes; at most 243, to leave room for the "
             "hidden \"%.20s....tmp-PID\" built beside it\n", y250, y250);
    refused(args, want);
    /* A folder inside a file: cannot be written. */
    refused_st(1, "run %W/f.json --quiet --out /proc/self/status/x/y",
               "stampede: cannot write /proc/self/status/x/y: Not a directory\n");
    /* A run that fails removes the parent folders it made for its results. */
    ck_assert_int_eq(tu_write(tu_pathf("%s/t.csv", work), "0.1,1\n0.2,2\n0.15,3\n"), 0);
    refused("run %W/f.json --quiet --set 'clients.arrivals={\"trace\": \"t.csv\"}' --out %W/new1/new2/res",
            "stampede: %W/t.csv:3:1: error: t: \"0.15\" is before the previous row's 0.2: rows must be in time order\n");
}
END_TEST

START_TEST(warns_of_an_empty_run)
{
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s --out %s/e --set duration=1e-6", scen, work), 0);
    ck_assert_str_eq(err, tu_pathf("stampede: %s: warning: about 0.00015 requests expected in all (rate 150/s for 1e-06 "
                                   "s): the results will likely be empty; raise clients.arrivals.rate or duration\n", scen));
    free(err);
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("folders");
    TCase *tc = tcase_create("replace");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, only_folders_stampede_wrote);
    tcase_add_test(tc, out_through_a_link);
    tcase_add_test(tc, merge_into_its_own_parts);
    suite_add_tcase(s, tc);
    tc = tcase_create("read");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, merge_checks_every_cell);
    tcase_add_test(tc, plot_checks_every_file);
    suite_add_tcase(s, tc);
    tc = tcase_create("transaction");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, plot_replaces_charts_and_report_together);
    tcase_add_test(tc, a_failed_commit_puts_everything_back);
    tcase_add_test(tc, options_checked_before_any_work);
    tcase_add_test(tc, warns_of_an_empty_run);
    suite_add_tcase(s, tc);
    return s;
}
