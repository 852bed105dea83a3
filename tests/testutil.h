/* testutil.h - helpers shared by the Check suites: running the real program,
 * reading files, scratch folders.  Every returned string is malloc'd and owned
 * by the caller. */
#ifndef STAMPEDE_TESTUTIL_H
#define STAMPEDE_TESTUTIL_H

#include <stddef.h>

/* Path of the built program ($STAMPEDE) and of the source tree ($SRCDIR). */
const char *tu_prog(void);
const char *tu_src(void);
/* "$SRCDIR/rel" in a static buffer rotated among 8 slots. */
const char *tu_path(const char *rel);

/* Runs "$STAMPEDE args" through /bin/sh with stdin from /dev/null; stores
 * stdout and stderr (either pointer may be NULL) and returns the exit status,
 * or -1 when it could not run or died of a signal. */
int tu_run(const char *args, char **out, char **err);

/* tu_run with printf-style arguments. */
int tu_runf(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* printf into one of 8 rotating static buffers (paths, short commands). */
char *tu_pathf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Whole file, NUL-terminated; NULL when it cannot be read. */
char *tu_slurp(const char *path);
int tu_write(const char *path, const char *text);
int tu_exists(const char *path);
/* Writes n bytes (NULs included). */
int tu_write_bytes(const char *path, const void *data, size_t n);

/* Everything under dir, one sorted line per entry (hidden ones too): its
 * path, type, mode and a hash of its bytes (a link: its target).  Two equal
 * trees give the same text: a checksum of the surroundings of a command. */
char *tu_tree(const char *dir);

/* A fresh scratch folder under $TMPDIR (or /tmp); removed by tu_rmrf. */
char *tu_tmpdir(void);
void tu_rmrf(const char *path);

/* Reads a number at a dotted path ("db.queries", "latency.p99",
 * "recovery.0.recovery_time": a number indexes an array) from a JSON file;
 * NAN when absent or not a number. */
double tu_json_num(const char *file, const char *path);
/* What is at that path: "null", "true", "false", "number", "string",
 * "object", "array of N", "absent" or "unreadable" (a static string). */
const char *tu_json_type(const char *file, const char *path);

/* Writes a scenario from text into dir/name and returns its path. */
char *tu_scenario(const char *dir, const char *name, const char *json);

/* Seconds on the monotonic clock, for time bounds (a hang fails a test). */
double tu_now(void);

/* The --trace files of one label: requests.csv (every attempt) and db.csv
 * (every query), in file order.  A field left empty reads as NAN. */
typedef struct tu_attempt {
    long id, attempt, node, key;
    double t_arr, t_done, latency;
    char outcome[16];
    int db;
} tu_attempt;
typedef struct tu_query {
    long key, node, requester;
    double t_issue, t_start, t_end;
    char cause[16], status[24];
} tu_query;
typedef struct tu_trace {
    tu_attempt *req; size_t nreq;
    tu_query *db; size_t ndb;
} tu_trace;
/* Reads folder/requests.csv and folder/db.csv; 0, or -1 when either cannot
 * be read (t is then empty).  tu_trace_free frees what it holds. */
int tu_trace_load(tu_trace *t, const char *folder);
/* The same from the two files' texts (cut up in place), with or without
 * their header lines. */
int tu_trace_parse(tu_trace *t, char *requests_csv, char *db_csv, int header);
void tu_trace_free(tu_trace *t);

/* True when the suites run under the sanitizers (STAMPEDE_SAN=1, set by
 * make test-san): the program is ~3x slower and cannot take memory rlimits.
 * tu_scale is then 0.2, else 1: a factor for the simulated duration of
 * tests that check invariants (not statistics against theory). */
int tu_sanitized(void);
double tu_scale(void);

/* Whether files a and b hold the same bytes (both must exist). */
int tu_same_file(const char *a, const char *b);
/* Fails the case unless gnuplot is on PATH: it is a build dependency
 * (scripts/deps.sh build), so a test of charts never passes without them. */
void tu_need_gnuplot(void);

#endif
