/* check_trace.c - the trace reader (trace.c) and the line reader under it
 * (textin.c): every row read exactly, every bad byte or field refused with
 * its line and column; then the cases of issue 18 through the real program:
 * exit status 2, the exact message, and nothing around changed. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "testmain.h"
#include "base/numtext.h"
#include "base/textin.h"
#include "model/trace.h"

/* ---------------------------------------------------------------- the reader */

/* The rows of text (keys 5, nodes 2) as "t:key:node;..." (node '-' when the
 * row has none), or "ERR <message>" at the first problem. */
static char *rows_of(const char *text, size_t len)
{
    static char out[8192];
    trace_in tr;
    char err[1024] = "";
    size_t o = 0;
    out[0] = 0;
    int r = trace_open_mem(&tr, "x.csv", text, len, 5, 2, err, sizeof err);
    trace_row row;
    while (r == 0 || r == TI_LINE) {
        if ((r = trace_read(&tr, &row, err, sizeof err)) != TI_LINE) break;
        if (row.node == UINT32_MAX) o += (size_t)snprintf(out + o, sizeof out - o, "%g:%llu:-;", row.t, (unsigned long long)row.key);
        else o += (size_t)snprintf(out + o, sizeof out - o, "%g:%llu:%u;", row.t, (unsigned long long)row.key, row.node);
    }
    if (r != TI_END) snprintf(out, sizeof out, "ERR %s", err);
    /* after an error, nothing more */
    if (r == TI_BAD) ck_assert_int_eq(trace_read(&tr, &row, err, sizeof err), TI_END);
    trace_close(&tr);
    return out;
}

static void rows_are(const char *text, const char *want)
{
    char *got = rows_of(text, strlen(text));
    ck_assert_msg(!strcmp(got, want), "rows of \"%s\":\n  got  %s\n  want %s", text, got, want);
}

static void rows_n_are(const char *text, size_t len, const char *want)
{
    char *got = rows_of(text, len);
    ck_assert_msg(!strcmp(got, want), "got  %s\nwant %s", got, want);
}

START_TEST(good_rows)
{
    rows_are("0.1,1\n0.2,2,1\n", "0.1:1:-;0.2:2:1;");
    rows_are("t,key\n0.1,1\n", "0.1:1:-;");
    rows_are("t,key,node\n0.1,1,0\n", "0.1:1:0;");
    rows_are("0.1,1\r\n0.2,2\r\n", "0.1:1:-;0.2:2:-;");                  /* CRLF */
    rows_are("\xEF\xBB\xBF" "0.1,1\n", "0.1:1:-;");                      /* a BOM opening the file */
    rows_are("\xEF\xBB\xBFt,key\n0.1,1\n", "0.1:1:-;");
    rows_are("# a comment\n\n  \n0.1 , 1 ,\t0\n# 9,9\n", "0.1:1:0;");   /* blanks around fields */
    rows_are("0.1,1\n0.2,2", "0.1:1:-;0.2:2:-;");                        /* no final line end */
    rows_are("1e-3,0\n.5,1\n5.,2\n007,3\n", "0.001:0:-;0.5:1:-;5:2:-;7:3:-;");
    rows_are("0.1,1\n0.1,2\n", "0.1:1:-;0.1:2:-;");                      /* equal times */
    rows_are("", "");
}
END_TEST

START_TEST(line_limits_and_numbers)
{
    /* The issue: a 512-byte buffer split "0.2,1<506 spaces>0.3,2" in two rows. */
    char line[600];
    snprintf(line, sizeof line, "0.2,1%506s0.3,2\n", "");
    ck_assert_uint_eq(strlen(line), 5 + 506 + 5 + 1);
    char *got = rows_of(line, strlen(line));
    ck_assert_msg(!strncmp(got, "ERR x.csv:1:5: error: key: expected an integer from 0 to 4 (got \"1 ", 66), "%s", got);
    /* Line numbers stay right after long lines. */
    char text[12000];
    snprintf(text, sizeof text, "# %0600d\n0.1,1\n0.2,9\n", 0);
    rows_are(text, "ERR x.csv:3:5: error: key: \"9\" is beyond keys.count (5): expected 0 to 4");
    /* 4096 bytes is the limit: a row padded to exactly that reads, one more byte is refused. */
    memset(text, ' ', sizeof text);
    memcpy(text, "0.1,1", 5);
    text[4096] = '\n';
    text[4097] = 0;
    rows_are(text, "0.1:1:-;");
    text[4096] = ' ';
    text[4097] = '\n';
    text[4098] = 0;
    rows_are(text, "ERR x.csv:1: error: line too long (more than 4096 bytes)");
    /* CRLF does not count in the limit. */
    text[4096] = '\r';
    rows_are(text, "0.1:1:-;");
}
END_TEST

START_TEST(bad_bytes)
{
    rows_are("0.1,1\r0.2,2\r", "ERR x.csv:1:6: error: a carriage return inside a line (lines end with LF or CRLF, not CR alone)");
    rows_are("0.1,1\n\xEF\xBB\xBF" "0.2,1\n",
             "ERR x.csv:2:1: error: t: expected a time in seconds, a decimal number >= 0 (got \"\\uFEFF0.2\")");
    rows_n_are("0.1,1\0garbage\n", 15, "ERR x.csv:1:6: error: a NUL byte (is this a binary file?)");
    rows_n_are("\0\0\0\0", 4, "ERR x.csv:1:1: error: a NUL byte (is this a binary file?)");
    rows_are("0.1,1\n\xFF\xFE", "ERR x.csv:2:1: error: invalid UTF-8 (byte 0xFF)");
    rows_are("# caf\xC3\xA9\n0.1,1\n", "0.1:1:-;");                       /* UTF-8 in a comment is fine */
    rows_are("# \xC0\xAF\n", "ERR x.csv:1:3: error: invalid UTF-8 (byte 0xC0)");      /* overlong */
    rows_are("# \xED\xA0\x80\n", "ERR x.csv:1:3: error: invalid UTF-8 (byte 0xED)");  /* surrogate */
    rows_are("# \xE2\x82", "ERR x.csv:1:3: error: invalid UTF-8 (byte 0xE2)");        /* cut at the end */
}
END_TEST

START_TEST(bad_fields)
{
    const char *hdr = "; a header must be exactly t,key or t,key,node";
    char want[512];
    snprintf(want, sizeof want, "ERR x.csv:1:1: error: t: expected a time in seconds, a decimal number >= 0 (got \"nan\")%s", hdr);
    rows_are("nan,1\n", want);
    rows_are("-5,1\n", "ERR x.csv:1:1: error: t: expected a time >= 0 (got \"-5\")");
    rows_are("1e999,1\n", "ERR x.csv:1:1: error: t: \"1e999\" is not a finite number");
    snprintf(want, sizeof want, "ERR x.csv:1:1: error: t: expected a time in seconds, a decimal number >= 0 (got \"0x1p-3\")%s", hdr);
    rows_are("0x1p-3,1\n", want);
    rows_are("0.1,1\ninf,1\n", "ERR x.csv:2:1: error: t: expected a time in seconds, a decimal number >= 0 (got \"inf\")");
    rows_are("0.1,1\n+2,1\n", "ERR x.csv:2:1: error: t: expected a time in seconds, a decimal number >= 0 (got \"+2\")");
    rows_are("0.5,1\n0.25,2\n", "ERR x.csv:2:1: error: t: \"0.25\" is before the previous row's 0.5: rows must be in time order");
    rows_are("0.1,-1\n", "ERR x.csv:1:5: error: key: expected an integer from 0 to 4 (got \"-1\")");
    rows_are("0.1,5\n", "ERR x.csv:1:5: error: key: \"5\" is beyond keys.count (5): expected 0 to 4");
    rows_are("0.1,99999999999999999999999\n",
             "ERR x.csv:1:5: error: key: \"99999999999999999999999\" is beyond keys.count (5): expected 0 to 4");
    rows_are("0.1,1.5\n", "ERR x.csv:1:5: error: key: expected an integer from 0 to 4 (got \"1.5\")");
    rows_are("0.1,1,2\n", "ERR x.csv:1:7: error: node: \"2\" is beyond app.nodes (2): expected 0 to 1");
    rows_are("0.1,1,\n", "ERR x.csv:1:7: error: node: expected an integer from 0 to 1 (got \"\")");
    rows_are("\"0.1\",1\n", "ERR x.csv:1:1: error: a quoted field: write rows t,key[,node] as plain numbers, without quotes");
    rows_are("0.1;1\n", "ERR x.csv:1:1: error: expected a row t,key[,node] separated by commas: 2 or 3 fields (got 1)");
    rows_are("0.1,1,0,7\n", "ERR x.csv:1:9: error: expected a row t,key[,node]: 2 or 3 fields (got 4)");
    rows_are("0.1,1 2\n", "ERR x.csv:1:5: error: key: expected an integer from 0 to 4 (got \"1 2\")");
    /* The header only as the first line, only as documented. */
    rows_are("0.1,1\nt,key\n",
             "ERR x.csv:2:1: error: t: expected a time in seconds, a decimal number >= 0 (got \"t\")");
    snprintf(want, sizeof want, "ERR x.csv:1:1: error: t: expected a time in seconds, a decimal number >= 0 (got \"time\")%s", hdr);
    rows_are("time,key\n0.1,1\n", want);
    rows_are("t,key,node,x\n", "ERR x.csv:1:12: error: expected a row t,key[,node]: 2 or 3 fields (got 4)");
}
END_TEST

START_TEST(helpers)
{
    double v;
    ck_assert_int_eq(num_parse_decimal("12.5e-1", 7, &v), 0);
    ck_assert_double_eq(v, 1.25);
    ck_assert_int_eq(num_parse_decimal("-0", 2, &v), 0);
    static const char *const bad[] = { "", "-", ".", "e5", "1e", "1e+", "0x10", "inf", "nan", " 1", "1 ", "+1", "1,5" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(num_parse_decimal(bad[i], strlen(bad[i]), &v) == -1, "accepted \"%s\"", bad[i]);
    size_t cut;
    ck_assert_uint_eq(textin_utf8_check("a\xC3\xA9z", 4, false, NULL), 4);
    ck_assert_uint_eq(textin_utf8_check("a\xC3", 2, false, NULL), 1);
    ck_assert_uint_eq(textin_utf8_check("a\xC3", 2, true, &cut), 2);
    ck_assert_uint_eq(cut, 1);
    ck_assert_uint_eq(textin_utf8_check("\xF4\x90\x80\x80", 4, false, NULL), 0);   /* past U+10FFFF */
    char buf[64];
    textin_show(buf, sizeof buf, "a\"b\x01", 4, 40);
    ck_assert_str_eq(buf, "\"a\\\"b\\x01\"");
    textin_show(buf, sizeof buf, "abcdef", 6, 3);
    ck_assert_str_eq(buf, "\"abc...\"");
}
END_TEST

/* ---------------------------------------------------------------- through the program */

static char *work;

static void setup(void)
{
    work = tu_tmpdir();
    ck_assert_ptr_nonnull(work);
    char *scen = tu_scenario(work, "s.json",
        "{\"duration\": 10, \"clients\": {\"arrivals\": {\"trace\": \"t.csv\"}}, \"keys\": {\"count\": 5},"
        " \"cache\": {\"ttl\": 1}, \"db\": {\"workers\": 1, \"latency\": 0.01},"
        " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}]}\n");
    ck_assert_ptr_nonnull(scen);
    free(scen);
}

static void teardown(void)
{
    tu_rmrf(work);
    free(work);
}

/* `run` on the trace at path: exit 2, exactly want on stderr (%s: the
 * trace's path), nothing on stdout, and nothing in work changed; within a
 * few seconds. */
static void refused(const char *trace, const char *extra, const char *want)
{
    char *before = tu_tree(work), *out = NULL, *err = NULL;
    double t0 = tu_now();
    int rc = tu_runf(&out, &err, "run %s/s.json --quiet --set clients.arrivals.trace=%s --out %s/o %s", work, trace,
                     work, extra);
    double secs = tu_now() - t0;
    char *after = tu_tree(work);
    char expect[4096];
    const char *at = strstr(want, "%s");
    snprintf(expect, sizeof expect, "%.*s%s%s", (int)(at - want), want, trace, at + 2);
    ck_assert_msg(rc == 2, "%s: exit %d, stderr %s", trace, rc, err);
    ck_assert_str_eq(err, expect);
    ck_assert_str_eq(out, "");
    ck_assert_msg(!strcmp(before, after), "the run changed the folder:\n%s\nbecame\n%s", before, after);
    ck_assert_msg(secs < 20, "took %.1f s", secs);
    free(before);
    free(after);
    free(out);
    free(err);
}

static const char *trace_file(const char *bytes, size_t n)
{
    const char *p = tu_pathf("%s/t.csv", work);
    ck_assert_int_eq(tu_write_bytes(p, bytes, n), 0);
    return p;
}

START_TEST(issue_cases)
{
    char line[600];
    snprintf(line, sizeof line, "0.2,1%506s0.3,2\n", "");
    refused(trace_file(line, strlen(line)), "",
            "stampede: %s:1:5: error: key: expected an integer from 0 to 4 (got \"1                                       ...\")\n");
    refused(trace_file("0.1,1\r0.2,2\r", 12), "",
            "stampede: %s:1:6: error: a carriage return inside a line (lines end with LF or CRLF, not CR alone)\n");
    refused(trace_file("0.1,1\n\xEF\xBB\xBF" "0.2,1\n", 15), "",
            "stampede: %s:2:1: error: t: expected a time in seconds, a decimal number >= 0 (got \"\\uFEFF0.2\")\n");
    refused(trace_file("nan,1\n", 6), "",
            "stampede: %s:1:1: error: t: expected a time in seconds, a decimal number >= 0 (got \"nan\"); a header must "
            "be exactly t,key or t,key,node\n");
    refused(trace_file("-5,1\n", 5), "", "stampede: %s:1:1: error: t: expected a time >= 0 (got \"-5\")\n");
    refused(trace_file("0.1,1\0garbage\n", 14), "", "stampede: %s:1:6: error: a NUL byte (is this a binary file?)\n");
    refused(trace_file("0x1p-3,1\n", 9), "",
            "stampede: %s:1:1: error: t: expected a time in seconds, a decimal number >= 0 (got \"0x1p-3\"); a header "
            "must be exactly t,key or t,key,node\n");
    refused(trace_file("0.1,-1\n", 7), "", "stampede: %s:1:5: error: key: expected an integer from 0 to 4 (got \"-1\")\n");
    refused(trace_file("0.1,7\n", 6), "", "stampede: %s:1:5: error: key: \"7\" is beyond keys.count (5): expected 0 to 4\n");
    refused(trace_file("0.1,1,3\n", 8), "", "stampede: %s:1:7: error: node: \"3\" is beyond app.nodes (1): expected 0 to 0\n");
    refused(trace_file("\"0.1\",\"1\"\n", 10), "",
            "stampede: %s:1:1: error: a quoted field: write rows t,key[,node] as plain numbers, without quotes\n");
    refused(trace_file("0.1;1\n", 6), "",
            "stampede: %s:1:1: error: expected a row t,key[,node] separated by commas: 2 or 3 fields (got 1)\n");
    refused(trace_file("\x1f\x8b\x08\x00\xff\xff", 6), "", "stampede: %s:1:2: error: invalid UTF-8 (byte 0x8B)\n");
    refused(trace_file("t,key\n", 6), "", "stampede: %s: error: the trace has no rows (expected lines t,key[,node])\n");
    refused(trace_file("11,1\n", 5), "",
            "stampede: %s:1: error: the first row is at t = 11 s, not before duration (10 s): the trace would replay no "
            "request\n");
    refused(trace_file("0.1,1\n0.2,1\n0.15,1\n", 20), "",
            "stampede: %s:3:1: error: t: \"0.15\" is before the previous row's 0.2: rows must be in time order\n");
    /* An unreadable system file: it opens, and reading fails. */
    refused("/proc/self/mem", "--strategy none", "stampede: %s:1: error: cannot read: Input/output error\n");
    /* A 2 GB file of NULs (sparse; beside work, which is checksummed) and
     * /dev/zero end at the first byte. */
    char *zdir = tu_tmpdir();
    const char *z = tu_pathf("%s/zeros.csv", zdir);
    int fd = open(z, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, (off_t)2 << 30), 0);
    close(fd);
    refused(z, "", "stampede: %s:1:1: error: a NUL byte (is this a binary file?)\n");
    refused("/dev/zero", "--strategy none", "stampede: %s:1:1: error: a NUL byte (is this a binary file?)\n");
    tu_rmrf(zdir);
    free(zdir);
}
END_TEST

/* Starts the program on args with stdout and stderr into work/.out and
 * work/.err; returns its pid. */
static pid_t spawn(const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = tu_prog();
    for (size_t i = 0; args[i] && n < 31; i++) argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY), out = open(tu_pathf("%s/.out", work), O_WRONLY | O_CREAT | O_TRUNC, 0600),
            err = open(tu_pathf("%s/.err", work), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0) _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static int wait_exit(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(streams_and_devices)
{
    /* A folder is refused when the scenario is loaded. */
    char *err = NULL;
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s/s.json --quiet --set clients.arrivals.trace=%s --out %s/o", work, work, work), 2);
    ck_assert_msg(strstr(err, "cannot read") && strstr(err, "Is a directory"), "%s", err);
    free(err);
    /* So is a block device, when this machine has one. */
    const char *blk = tu_exists("/dev/loop0") ? "/dev/loop0" : tu_exists("/dev/vda") ? "/dev/vda" : NULL;
    if (blk) {
        ck_assert_int_eq(tu_runf(NULL, &err, "run %s/s.json --quiet --set clients.arrivals.trace=%s --out %s/o", work, blk, work), 2);
        ck_assert_msg(strstr(err, "a block device, not a stream of text"), "%s", err);
        free(err);
    } else {
        fprintf(stderr, "check_trace: no block device here: that refusal is not checked\n");
    }
    /* A FIFO is a stream: one strategy reads it. */
    const char *fifo = strdup(tu_pathf("%s/fifo", work));
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    pid_t writer = fork();
    ck_assert_int_ge(writer, 0);
    if (writer == 0) {
        int fd = open(fifo, O_WRONLY);
        const char rows[] = "t,key\n0.5,1\n1.5,2\n2.5,3\n";
        _exit(fd >= 0 && write(fd, rows, sizeof rows - 1) == (ssize_t)(sizeof rows - 1) ? 0 : 1);
    }
    char *out = NULL;
    int rc = tu_runf(&out, &err, "run %s/s.json --quiet --set clients.arrivals.trace=%s --strategy none --out %s/f", work,
                     fifo, work);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_int_eq(wait_exit(writer), 0);
    ck_assert_double_eq(tu_json_num(tu_pathf("%s/f/none/summary.json", work), "requests"), 3);
    free(out);
    free(err);
    /* Two strategies would read it twice: refused before anything waits on it. */
    char *before = tu_tree(work);
    double t0 = tu_now();
    ck_assert_int_eq(tu_runf(NULL, &err, "run %s/s.json --quiet --set clients.arrivals.trace=%s --out %s/g", work, fifo, work), 2);
    ck_assert_double_lt(tu_now() - t0, 20);
    char want[8192];
    snprintf(want, sizeof want, "stampede: %s/s.json: error: clients.arrivals.trace: %s can be read only once (a pipe or a "
             "device), and each of the 2 strategies reads it whole; run one at a time (--strategy LABEL) or copy it to a "
             "file\n", work, fifo);
    ck_assert_str_eq(err, want);
    free(err);
    char *after = tu_tree(work);
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    /* A writer that stalls: SIGTERM still ends the run at once (the reader
     * looks at the stop flag), nothing written. */
    writer = fork();
    ck_assert_int_ge(writer, 0);
    if (writer == 0) {
        int fd = open(fifo, O_WRONLY);
        if (fd < 0 || write(fd, "0.5,1\n", 6) != 6) _exit(1);
        sleep(60);
        _exit(0);
    }
    const char *args[] = { "run", tu_pathf("%s/s.json", work), "--quiet", "--strategy", "none", "--set",
                           tu_pathf("clients.arrivals.trace=%s", fifo), "--out", tu_pathf("%s/h", work), NULL };
    pid_t pid = spawn(args);
    struct timespec ts = { 1, 0 };
    nanosleep(&ts, NULL);
    t0 = tu_now();
    kill(pid, SIGTERM);
    rc = wait_exit(pid);
    double secs = tu_now() - t0;
    kill(writer, SIGKILL);
    wait_exit(writer);
    ck_assert_int_eq(rc, 1);
    ck_assert_msg(secs < 5, "SIGTERM took %.1f s", secs);
    char *e = tu_slurp(tu_pathf("%s/.err", work));
    ck_assert_str_eq(e, tu_pathf("stampede: interrupted; nothing was written to %s/h\n", work));
    free(e);
    ck_assert(!tu_exists(tu_pathf("%s/h", work)));
    free((char *)fifo);
}
END_TEST

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("reader");
    tcase_add_test(tc, good_rows);
    tcase_add_test(tc, line_limits_and_numbers);
    tcase_add_test(tc, bad_bytes);
    tcase_add_test(tc, bad_fields);
    tcase_add_test(tc, helpers);
    suite_add_tcase(s, tc);
    tc = tcase_create("program");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, issue_cases);
    tcase_add_test(tc, streams_and_devices);
    suite_add_tcase(s, tc);
    return s;
}
