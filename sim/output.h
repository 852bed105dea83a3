/* output.h - the folders stampede writes (outdir: one transaction each, with
 * the marker that says they are stampede's), and the results folder of a run:
 * summary.json, timeseries.csv, comparison.csv and the trace files, written
 * whole or not at all.
 *
 * results_open builds everything in a hidden sibling folder; results_commit
 * swaps it into place (the previous folder survives until then).
 * results_close frees the handle and, unless it was committed, removes what was
 * built.  The caller owns the handle and always ends it with results_close. */
#ifndef STAMPEDE_OUTPUT_H
#define STAMPEDE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "metrics.h"
#include "scenario.h"

#define STAMPEDE_VERSION "0.1.0"

/* The comparison's columns, computed from a run's metrics: how requests ended
 * first (failed, SLO, latency of all requests, recovery), then the rest.
 * Timeouts, errors, stale, waited, hits and misses count attempts. */
enum col {
    COL_REQUESTS, COL_FAILED, COL_FAILED_RATIO,
#define X(id, key, out, words, what) COL_FAILED_BY_##id,
    FAILURE_KINDS(X)
#undef X
    COL_GOOD, COL_GOOD_RATIO, COL_SLO_MET,
    COL_P50_ALL, COL_P90_ALL, COL_P99_ALL, COL_P999_ALL,
    COL_RECOVERY_TIME, COL_RECOVERED, COL_METASTABLE,
    COL_ATTEMPTS, COL_OK, COL_HITS, COL_MISSES, COL_HIT_RATIO,
    COL_STALE, COL_WAITED, COL_TIMEOUTS, COL_ERRORS,
    COL_DB_QUERIES, COL_DB_EARLY, COL_DB_REJECTED, COL_DB_WASTED, COL_PEAK_INFLIGHT, COL_PEAK_QUEUE,
    COL_STAMPEDES, COL_STAMPEDE_MEAN, COL_STAMPEDE_MAX,
    COL_LAT_MEAN, COL_P50, COL_P90, COL_P99, COL_P999, COL_MAX,
    COL_LOCK_WAITS, COL_GIVEUPS, COL_COALESCED, COL_EARLY_REFRESHES, COL_STALE_SERVES,
    COL_EVENTS,
    COL_N
};
extern const char *const col_names[COL_N];
/* What each column holds (csvin.h's enum cell_kind): counts, seconds, ... */
extern const unsigned col_kinds[COL_N];
/* The kind of a comparison.csv column by name (its metrics and the ratios to
 * none); CK_ANY for a column this version does not know. */
unsigned col_kind_of(const char *name);
void metrics_columns(const metrics *m, double out[COL_N]);

/* ---------------------------------------------------------------- folders stampede writes */

/* Every folder stampede writes (a run's results, a sweep, a part of one, the
 * charts of either) is one transaction: built in DIR.tmp-PID beside it, then
 * given OUT_MARKER, a file naming its kind and listing every file in it, and
 * renamed into place; the previous DIR waits as DIR.old-PID until the new one
 * is in, and is put back if anything fails.  A folder may be replaced only
 * when it is absent, empty, or carries a marker of an accepted kind and holds
 * nothing the marker does not list (charts/ with a marker of its own and the
 * report.html it claims are a plot's); anything else is refused with the
 * first file stampede did not write.  A folder without a marker (another
 * program's, or an older stampede's) is never replaced.  When DIR is a
 * symbolic link, the folder written is its target and the link stays. */
#define OUT_MARKER ".stampede"
#define OUT_MARKER_FORMAT "stampede-folder"
#define OUT_RUN "run"
#define OUT_SWEEP "sweep"
#define OUT_SWEEP_PART "sweep-part"
#define OUT_CHARTS "charts"
#define OUT_TMP_ROOM 12      /* bytes of ".tmp-PID" (a PID of up to 7 digits) a folder name leaves */
#define OUT_PATH_MAX 3800    /* bytes of a folder's path, leaving room for the files in it */

/* A folder being written.  Owned by the caller, ended by outdir_close. */
typedef struct outdir {
    char *dir;                /* the final folder (a link's target) */
    char *parent, *base;      /* dir's folder and name */
    char *tmp, *old;          /* where it is built; where the previous one waits */
    char *kind;
    char **made;              /* parent folders made for it: removed again, when empty, unless committed */
    size_t nmade;
    char *beside, *beside_tmp, *beside_old, *beside_name;   /* a file next to dir replaced with it */
    bool beside_staged;       /* its text was written */
} outdir;

/* A marker as read back. */
typedef struct outmark {
    char *kind;
    char **files;
    size_t nfiles;
    bool report;              /* a charts folder: report.html beside it is its */
} outmark;

/* 0 when dir may be written as a folder of one of kinds (NULL-terminated;
 * kinds[0] names the kind in messages): a usable path, and absent, empty or
 * ours.  -2 (bad usage: the reason in err) or -1 (cannot tell: I/O).
 * Commands call it before any work. */
int outdir_check(const char *dir, const char *const *kinds, char *err, size_t errlen);
/* Checks dir (as outdir_check, after removing or putting back what a killed
 * stampede left) and starts building it; beside (may be NULL): a file next to
 * dir that the transaction replaces too, which must be absent or claimed by
 * dir's marker.  Returns 0, -2 or -1 with err. */
int outdir_open(outdir *o, const char *dir, const char *kind, const char *const *kinds, const char *beside,
                char *err, size_t errlen);
/* tmp/rel, malloc'd. */
char *outdir_path(const outdir *o, const char *rel);
/* Opens rel (its folders made) for writing in the folder being built. */
FILE *outdir_file(outdir *o, const char *rel, char *err, size_t errlen);
int outdir_text(outdir *o, const char *rel, const char *text, char *err, size_t errlen);
/* Writes the text of the beside file (staged as BESIDE.tmp-PID). */
int outdir_beside_text(outdir *o, const char *text, char *err, size_t errlen);
/* Writes the marker and puts the folder (and the beside file) in place. */
int outdir_commit(outdir *o, char *err, size_t errlen);
/* Ends o; unless committed, removes what was built and the parents made. */
void outdir_close(outdir *o);
/* How two paths relate once resolved (symbolic links, "..", ".";
 * a part that does not exist yet is taken as written): 0 apart, 1 the same
 * folder, 2 a is inside b, 3 b is inside a. */
int path_overlap(const char *a, const char *b);
/* Reads dir's marker: 0, 1 when there is none, or a TI_* error with err. */
int outmark_read(const char *dir, outmark *m, char *err, size_t errlen);
void outmark_free(outmark *m);

/* The label and strategy cells of the current row of a folder's CSV file
 * (comparison.csv, runs.csv, sweep.csv): a label a scenario could give, a
 * strategy this version knows.  0, or TI_BAD with "FILE:LINE:COL: error:
 * ..." in err. */
struct csvin;
int results_row_names(struct csvin *c, int cl, int cs, char *err, size_t errlen);

/* ---------------------------------------------------------------- the results folder */

typedef struct results {
    outdir out;
    struct result_row { char *label, *strategy; double v[COL_N]; } *rows;
    size_t nrows;
    bool has_slo;        /* the scenario sets slo.latency: the table shows good% */
    bool has_triggers;   /* a trigger after warmup: the table shows recovery */
} results;

/* Whether dir may take a run's results (outdir_check): 0, -2 or -1. */
int results_check(const char *dir, char *err, size_t errlen);
/* Returns 0, or -2 / -1 with a message in err (DIR is not a results folder
 * stampede wrote, or cannot be created). */
int results_open(results *r, const char *dir, char *err, size_t errlen);
/* Opens DIR/label/name for writing inside the folder being built. */
FILE *results_file(results *r, const char *label, const char *name, char *err, size_t errlen);
/* Writes label/summary.json and label/timeseries.csv of strategy si and keeps
 * its row for comparison.csv. */
int results_add(results *r, const scenario *sc, size_t si, const metrics *m, char *err, size_t errlen);
/* Writes comparison.csv and scenario.json (the effective scenario) and swaps
 * the folder into place. */
int results_commit(results *r, const scenario *sc, char *err, size_t errlen);
void results_close(results *r);

/* The comparison table of the rows added so far, for a terminal. */
void results_print_table(const results *r, FILE *out);

/* Folder helpers: mkdir -p (mkdir_p_track appends each folder it made to
 * *made, malloc'd) and rm -rf.  Each returns 0, or -1 with errno set. */
int mkdir_p(const char *path);
int mkdir_p_track(const char *path, char ***made, size_t *nmade);
/* Closes f, written as `what`; on a write or close error puts "cannot write
 * what: reason" in err and returns -1, else 0. */
int close_checked(FILE *f, const char *what, char *err, size_t errlen);
int rm_rf(const char *path);

#endif
