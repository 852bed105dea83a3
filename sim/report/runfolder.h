/* runfolder.h - a results folder as read back from disk, for its charts
 * and report.html: every file read strictly (base/csvin.h, base/jsonfile.h),
 * the first problem "FILE:LINE:COL: error: what".  Columns and fields this
 * version does not know are no error (a newer stampede may add them).
 *
 * Ownership: run_folder_read fills a caller-owned run_folder that
 * run_folder_free ends (safe on a zeroed or failed one). */
#ifndef STAMPEDE_RUNFOLDER_H
#define STAMPEDE_RUNFOLDER_H

#include <stdbool.h>
#include <stddef.h>

enum mark_kind { MARK_WARMUP, MARK_FLUSH, MARK_SLOWDOWN, MARK_BURST, MARK_CACHE_OUTAGE, MARK_DB_OUTAGE, MARK_CRASH };

/* Something that happened at a known time, drawn on every chart over time. */
typedef struct mark {
    enum mark_kind kind;
    double at, until;       /* until: end of a window (warmup, slowdown, burst spread) */
    double factor;          /* slowdown */
    double requests;        /* burst */
    double node;            /* node_crash: the node; restarts: whether it restarts at until */
    bool restarts;
    bool timeout, lost;     /* cache_outage: mode "timeout", data "lost" */
} mark;

/* The columns of timeseries.csv the charts use. */
enum ts_col { TS_T, TS_P50, TS_P99, TS_P999, TS_INFLIGHT, TS_STARTED, TS_QUEUE, TS_SUCCEEDED, TS_FAILED, TS_N };
/* Their names in timeseries.csv. */
extern const char *const run_ts_names[TS_N];

/* One entry of summary.json "recovery": how a label came back after a trigger. */
typedef struct run_recovery {
    char *trigger;            /* "cache_flush", "db_slowdown", "burst", ... */
    double at, end;
    double time;              /* recovery_time; NAN when not recovered */
    double worst;             /* worst_good_ratio */
    bool judged;              /* it had a baseline */
    bool recovered, metastable;
} run_recovery;

/* One strategy label of a results folder: its comparison.csv row and what its
 * files hold. */
typedef struct run_label {
    char *label, *strategy;
    int style;                /* its line type in plots/common.gp (palette.h) */
    double *v;                /* comparison.csv's numbers, by column; NAN when empty */
    char *params;             /* summary.json "params" as "poll 0.02, max_wait 1", or "" */
    run_recovery *rec;        /* summary.json "recovery" */
    char *cut;                /* summary.json "sim.cut": why the run stopped at the drain limit, or NULL */
    size_t nrec;
    size_t nbins;             /* timeseries.csv rows */
    double *ts[TS_N];         /* its columns, nbins each; NAN where empty */
    double t_end;             /* end of the last bin */
    bool lat_any[3];          /* some bin has a positive p50, p99, p999 */
    double lat_min, lat_max;  /* over the positive per-bin percentiles */
    double inflight_max, started_max, queue_max;   /* per bin, over the run */
    size_t nhist;             /* latency_hist.csv rows */
    double answered;          /* requests in the histogram */
    double answered_share;    /* of every request: where the CDF over all requests levels off */
    const char *cdf_col;      /* "cdf_all" (over every request), or "cdf" from an older stampede */
    bool ccdf_any;            /* some bucket leaves a tail (cdf < 1) */
    double hist_lo, hist_hi;  /* x range of the CDF: the 0.1% point to the last bucket */
    double *sizes, *size_ge;  /* stampede sizes and how many stampedes had at least that size */
    size_t nsizes;
    bool sizes_grouped;       /* some sizes are power-of-two ranges */
} run_label;

/* A results folder as read from disk. */
typedef struct run_folder {
    char *dir;
    char *name, *description;  /* from scenario.json, else summary.json's "scenario" */
    char *version;             /* of the stampede that wrote it */
    double seed;
    bool have_scenario;        /* scenario.json was there */
    char **param_key, **param_val;   /* the effective scenario, flattened for a table */
    size_t nparams;
    double bin, duration, warmup;
    double workers;            /* INFINITY when unlimited, NAN when unknown */
    bool usl;
    double sigma, kappa;
    mark *marks;
    size_t nmarks;
    char **cols;               /* comparison.csv's header after label,strategy */
    size_t ncols;
    run_label *labels;
    size_t nlabels;
    size_t baseline;           /* index of the first label with strategy "none"; nlabels when none */
    double slo_latency;        /* summary.json "slo": INFINITY without a latency bound, NAN unknown */
    double slo_target;
} run_folder;

/* Reads DIR.  Returns 0, -2 when DIR is not a results folder (missing,
 * unreadable or malformed files), -1 on no memory; err says which file. */
int run_folder_read(run_folder *rf, const char *dir, char *err, size_t errlen);
void run_folder_free(run_folder *rf);
/* A comparison.csv value of label i by column name; NAN when absent or empty. */
double run_value(const run_folder *rf, size_t i, const char *col);

#endif
