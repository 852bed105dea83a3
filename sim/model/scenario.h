/* scenario.h - a scenario as the simulator sees it (the loader that builds
 * one from a JSON file is scenario/load.h). */
#ifndef STAMPEDE_SCENARIO_H
#define STAMPEDE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/rng.h"

#define UNLIMITED UINT64_MAX
#define DRAIN_FACTOR 100        /* the default drain, in durations */
#define DRAIN_MAX_BINS 1e7      /* ... at most up to this many time-series rows in all */

enum arrivals_kind { ARR_RATE, ARR_SCHEDULE, ARR_CLOSED, ARR_TRACE };
enum initial_kind { INIT_SPREAD, INIT_SYNCHRONIZED, INIT_COLD };
/* Faults: X(id, name in scenarios and outputs).  Every fault is a recovery
 * trigger, over at its `until` (a flush's until is its at; a node_crash's is
 * at + restart_after, or the end of the run when the node stays down). */
#define FAULT_KINDS(X) \
    X(CACHE_FLUSH, "cache_flush") \
    X(DB_SLOWDOWN, "db_slowdown") \
    X(CACHE_OUTAGE, "cache_outage") \
    X(DB_OUTAGE, "db_outage") \
    X(NODE_CRASH, "node_crash")
enum fault_kind {
#define X(id, name) FAULT_##id,
    FAULT_KINDS(X)
#undef X
    FAULT_NKINDS
};

/* Recovery triggers (summary.json "recovery"): every fault, then bursts, over
 * at at + over.  scenario_trigger_names[k] for a fault kind k is the fault's name. */
#define TRIGGER_KINDS(X) FAULT_KINDS(X) X(BURST, "burst")
enum trigger_kind {
#define X(id, name) TRIG_##id,
    TRIGGER_KINDS(X)
#undef X
    TRIG_N
};
extern const char *const scenario_trigger_names[TRIG_N];
/* clients.cancel: which query of a timed-out attempt is cancelled (when
 * nobody else waits on it). */
enum cancel_kind { CANCEL_NONE, CANCEL_QUEUED, CANCEL_ALL };

#define BURST_KEY_DRAWN (-1)
#define BURST_KEY_HOT (-2)

typedef struct sched_step { double at, rate; } sched_step;

typedef struct burst {
    double at, over;
    uint64_t requests;
    int64_t key;           /* a key index, BURST_KEY_HOT or BURST_KEY_DRAWN */
} burst;

/* cache_outage's mode: a cache operation fails at once, or after cache.timeout. */
enum outage_mode { OUTAGE_ERROR, OUTAGE_TIMEOUT };
/* app.on_cache_error: a failed cache get falls back to the DB, or fails the attempt. */
enum cache_error_kind { CACHE_ERROR_DB, CACHE_ERROR_FAIL };

typedef struct fault {
    enum fault_kind kind;
    double at, until, factor;
    enum outage_mode mode;     /* cache_outage */
    bool data_lost;            /* cache_outage: "data": "lost" (the cache restarts empty) */
    uint32_t node;             /* node_crash */
    double restart_after;      /* node_crash: INFINITY: it stays down */
} fault;

struct strategy_ops;

/* One entry of "strategies": which plug-in, its label and its parameters. */
typedef struct strategy_cfg {
    const struct strategy_ops *ops;
    char *label;
    void *params;          /* the plug-in's params struct, ops->params_size bytes */
} strategy_cfg;

typedef struct scenario {
    char *path;            /* the file it came from */
    char *json;            /* the effective scenario (overrides applied), as JSON text */
    char *name, *description;
    uint64_t seed;
    double duration, warmup, bin;
    /* the most simulated time a run continues after duration to finish the
     * work in flight (README "Drain limit"); given, or DRAIN_FACTOR x
     * duration kept within DRAIN_MAX_BINS time-series rows */
    double drain;
    bool drain_given;

    struct {
        enum arrivals_kind kind;
        double rate;                   /* ARR_RATE */
        sched_step *steps; size_t nsteps;   /* ARR_SCHEDULE, sorted by at */
        uint64_t population; dist think;    /* ARR_CLOSED */
        char *trace;                   /* ARR_TRACE: resolved path */
        burst *bursts; size_t nbursts;
        double timeout;                /* INFINITY: none */
        uint32_t retries_max;          /* 0: no retries */
        double backoff, multiplier;
        bool full_jitter;
        double retry_budget;           /* retries.budget; INFINITY: none */
        enum cancel_kind cancel;
    } clients;

    struct {
        uint64_t count;
        double zipf_s;                 /* < 0: uniform */
    } keys;

    struct {
        uint32_t nodes;
        enum cache_error_kind on_cache_error;
    } app;

    struct {
        dist latency;
        double ttl, ttl_jitter;
        enum initial_kind initial;
        double timeout;                /* a cache operation fails after it; INFINITY: none */
    } cache;

    struct {
        uint64_t workers;              /* UNLIMITED or >= 1 */
        uint64_t queue_limit;          /* UNLIMITED or >= 0 */
        dist latency;
        bool usl;
        double sigma, kappa;
        double queue_timeout;          /* INFINITY: none */
        double statement_timeout;      /* INFINITY: none */
    } db;

    fault *faults; size_t nfaults;
    strategy_cfg *strategies; size_t nstrategies;

    struct {
        double latency;                /* a good request is answered within it; INFINITY: any answer */
        double target;                 /* in (0, 1) */
    } slo;

    struct {
        double tolerance;              /* on the good ratio, in [0, 1] */
        double latency_factor;         /* on p99, >= 1 */
        double hold;                   /* seconds of normal bins that make a recovery */
    } recovery;
} scenario;

#endif
