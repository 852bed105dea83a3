/* fit.h - `stampede fit` below the command line: reads an access log (rows
 * t,key[,node]) and, optionally, a latency log (one latency per row), each in
 * one streaming pass, fits the arrivals (fit_rate.h), the key popularity
 * (fit_zipf.h) and the DB latency (fit_dist.h), and writes the scenario they
 * describe.
 *
 * Nothing here reads argv, prints or handles signals: progress goes to a
 * callback, a flag the caller sets stops the work, and every function returns
 * a status with its message in err.  Memory follows the distinct keys (about
 * 40 bytes each) and the latencies kept (8 bytes each, at most FIT_LAT_MAX),
 * never the number of requests.  fit_run fills a fit_result that the caller
 * frees with fit_result_free (safe on a zeroed struct), whatever it returned. */
#ifndef STAMPEDE_FIT_H
#define STAMPEDE_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fit_dist.h"
#include "fit_rate.h"
#include "fit_zipf.h"
#include "base/strbuf.h"

/* Statuses: the exit statuses of the command. */
enum fit_status { FIT_OK = 0, FIT_FAILED = 1, FIT_BAD_INPUT = 2 };

/* Latencies beyond this many are sampled uniformly (a reservoir). */
#define FIT_LAT_MAX 10000000u

typedef struct fit_progress {
    const char *stage;     /* "reading", "popularity", "latency" */
    const char *file;      /* the file being read, or NULL */
    double done;           /* fraction done, or -1 when unknown (not a regular file) */
    uint64_t lines;        /* lines read so far */
} fit_progress;

typedef struct fit_opts {
    const char *access;           /* ACCESS.csv */
    const char *latencies;        /* LAT.csv, or NULL */
    uint64_t seed;                /* fixes the bootstraps */
    void (*progress)(void *ctx, const fit_progress *p);   /* NULL: none */
    void *progress_ctx;
    volatile int *stop;           /* set non-zero to stop (FIT_FAILED, "interrupted") */
} fit_opts;

typedef struct fit_result {
    uint64_t seed;                /* of the bootstraps */
    uint64_t requests;
    double t_first, t_last;       /* as written in the log */
    uint64_t nodes;               /* distinct values of the node column; 0 without one */
    rate_grid grid;               /* requests per grid bin, for the chart */
    rate_fit rate;
    zipf_run *runs;               /* the keys' counts as a fingerprint, highest first */
    size_t nruns;
    popularity_fit pop;
    bool have_lat;
    uint64_t lat_read;            /* latencies in the file */
    size_t nlat;                  /* kept (all of them up to FIT_LAT_MAX), sorted */
    double *lat;
    latency_fit lat_fit;
} fit_result;

/* Reads and fits.  Returns FIT_OK; FIT_BAD_INPUT when a log is invalid
 * ("FILE:LINE: what" in err); FIT_FAILED on I/O, memory or a stop. */
int fit_run(const fit_opts *o, fit_result *r, char *err, size_t errlen);
void fit_result_free(fit_result *r);

/* The fields the logs cannot tell, written as placeholders with their
 * values: one line for a message ("cache.ttl (60s), ..."). */
const char *fit_placeholders(const fit_result *r);

/* The scenario as JSON text (malloc'd; NULL when memory runs out), named
 * name (a valid scenario name), describing access_name and, when the result
 * has latencies, lat_name (file names shown in the description). */
char *fit_scenario_json(const fit_result *r, const char *name, const char *access_name, const char *lat_name);

/* A scenario name from a file name: its base without extension, with any
 * character a name cannot hold replaced by '-' ("fit" when nothing is left).
 * Writes into buf. */
void fit_name_from_path(const char *path, char *buf, size_t len);

/* Appends s as a JSON string: quotes, backslashes and control characters
 * escaped, bytes that are not UTF-8 replaced by '?'. */
void fit_json_str(strbuf *b, const char *s);

/* A rate for people: "50,000/s", "363.6/s", "0.25/s". */
void fit_fmt_rate(char *buf, size_t n, double v);

/* The decimals that show x to a tenth of the half-width of its interval
 * (between 2 and 8). */
int fit_decimals(double half);

/* A bootstrap p-value of 1/(B+1), the least B replicates can give (the log
 * beyond every one of them), rejects: with B = 99 a test at the 1% level. */
#define FIT_REJECTED(p, boot) ((p) <= 1.0 / ((boot) + 1.0) + 1e-12)

/* "p = 0.43", or "p <= 0.01" at that least value. */
void fit_fmt_p(char *buf, size_t n, double p, int boot);


#endif
