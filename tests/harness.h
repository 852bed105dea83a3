/* harness.h - runs a scenario text through the library in this process, as
 * `stampede run --trace` would, and keeps what each strategy's run gave in
 * memory: its trace rows (every attempt and every query, as requests.csv and
 * db.csv hold them) and its summary numbers (comparison.csv's columns and the
 * outcome counts).  No program, no shell, no files: a strategy case is a
 * scenario snippet and the rows it must give. */
#ifndef STAMPEDE_HARNESS_H
#define STAMPEDE_HARNESS_H

#include <stddef.h>

#include "model/metrics.h"
#include "results/output.h"
#include "testutil.h"

typedef struct hn_run {
    char *label;
    tu_trace t;              /* the trace rows, in the order the run wrote them */
    double col[COL_N];       /* comparison.csv's row (metrics_columns) */
    double outcomes[OUT_N];  /* counted attempts by outcome (summary.json's "outcomes") */
} hn_run;

typedef struct hn_result {
    hn_run *runs; size_t n;  /* one per strategy of the scenario, in its order */
} hn_result;

/* Loads json (a whole scenario) and runs every strategy of it, with its
 * traces captured in memory when trace is set (else the runs' t are empty).
 * 0, or -1 with the loader's or the run's message in err (the result is then
 * empty). */
int hn_run_text(hn_result *r, const char *json, int trace, char *err, size_t errlen);
/* The run of label (NULL: the first), or NULL. */
const hn_run *hn_find(const hn_result *r, const char *label);
/* A column of label's comparison.csv row by its name ("db_queries",
 * "lock_waits", "latency_mean", ...); NAN when there is no such column. */
double hn_col(const hn_run *run, const char *name);
void hn_free(hn_result *r);

/* What a test case looks at: a scenario's runs, and the trace rows of the
 * label selected (hn_select). */
typedef struct hn_view {
    hn_result res;
    const hn_run *cur;
    tu_attempt *req; size_t nreq;
    tu_query *db; size_t ndb;
} hn_view;

/* Runs every strategy of scenario text json with their traces (Check fails
 * the case when it does not run) and selects label's trace rows (NULL: the
 * first run's). */
hn_view hn_go(const char *label, const char *json);
/* The same without traces: the summaries only. */
hn_view hn_go_summaries(const char *json);
/* Selects label's trace rows (NULL: the first run's); fails the case when
 * there is no such label. */
void hn_select(hn_view *v, const char *label);
/* A number of label's summary: a comparison.csv column, or "outcomes.X" for
 * the counted attempts that ended X; fails the case when there is none. */
double hn_num(const hn_view *v, const char *label, const char *name);
/* The trace row of request id's attempt (1 for the first) in the rows
 * selected; fails the case when there is none. */
const tu_attempt *hn_by_id(const hn_view *v, long id, long attempt);

/* Whether an attempt's outcome (its name in requests.csv) is an answer
 * (vocab.h's outcome_answered); fails the case on an unknown name. */
int hn_answered(const char *outcome);

/* a and b within 1e-9 of each other, or both NAN. */
int hn_same(double a, double b);

/* Exact timelines: what an attempt and a query must look like (times within
 * 1e-9 s; NAN matches NAN). */
typedef struct hn_want_att { long id, attempt; const char *outcome; double t_done, latency; int db; } hn_want_att;
typedef struct hn_want_query { double t_issue, t_end; const char *cause, *status; long requester; } hn_want_query;
/* Runs scenario text json and checks its first run against the attempts
 * att[] (up to max_att, or the first with outcome NULL: exactly these, each
 * found by id and attempt) and the queries q[] (up to max_q, or the first with
 * cause NULL: exactly these, in any order), and column = value when column
 * is set; name leads every message. */
void hn_check_case(const char *name, const char *json, const hn_want_att *att, size_t max_att,
                   const hn_want_query *q, size_t max_q, const char *column, double value);

#endif
