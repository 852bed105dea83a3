/* model.h - the simulated system: clients, app nodes, cache, DB, faults, and the
 * calls a strategy uses to act on it.
 *
 * sim_run builds a sim for one strategy of a scenario, runs it to the end and
 * fills a metrics record; everything it allocates it frees before returning.
 * Attempts and queries live in pools indexed by uint32 (0 is "none"), so the
 * memory of a run grows with what is in flight, never with what has finished.
 * An attempt record carries its request across retries; its gen changes every
 * time an attempt ends, which is how stale events for it are recognised. */
#ifndef STAMPEDE_MODEL_H
#define STAMPEDE_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "account.h"
#include "base/status.h"
#include "engine/engine.h"
#include "metrics.h"
#include "engine/rng.h"
#include "scenario.h"
#include "strategies/strategy.h"

#define NONE 0u

/* Outcomes and causes: account.h. */

enum att_state { AS_FREE, AS_GET, AS_STRATEGY, AS_QUERY, AS_BACKOFF };

typedef struct attempt {
    uint64_t req;          /* request id, in arrival order of first attempts */
    double t_first;        /* arrival of the request's first attempt */
    double t_arr;          /* arrival of this attempt */
    double t_mark;         /* strategy's: e.g. end of the first lock step, join time */
    uint32_t key, node, client;   /* client: closed-loop client + 1, or NONE */
    uint32_t gen;
    uint32_t query;        /* the query it waits on, or NONE */
    uint32_t next, prev;   /* links in a strategy's wait list; next: the free list */
    uint16_t no;           /* attempt number, 1 for the first */
    uint8_t state;         /* enum att_state */
    /* flags: all the bits as one byte, so they are set and cleared with
     * byte-wide loads and stores (a wider one would stall store forwarding) */
    union {
        uint8_t flags;
        struct { uint8_t counted : 1, read_stale : 1, issued : 1, sflag : 5; };
    };
} attempt;

enum qflag { QF_COUNTED = 1, QF_WAITERS = 2, QF_LOCK = 4, QF_INSERVICE = 8, QF_RELEASED = 16 };

typedef struct query {
    double t_issue, t_start;
    double work;           /* service time, or PS finish target on the virtual clock */
    uint64_t req;          /* issuing request id */
    uint32_t key, node;
    uint32_t issuer, issuer_gen;  /* the attempt answered with the result, or NONE */
    uint32_t waiting;      /* attempts still waiting on it (issuer and joiners) */
    uint32_t waiters;      /* head of a strategy's list of joined attempts */
    uint32_t next;         /* DB queue link (towards the tail) / free list */
    union {
        uint32_t prev;     /* while queued: DB queue link towards the head */
        uint32_t heap;     /* while in service: position in the PS heap */
    };
    uint32_t serial;       /* never reused within a run (lock ownership) */
    uint8_t cause;         /* enum cause */
    uint8_t out;           /* outcome the issuer gets: OUT_FETCH or OUT_REFRESH */
    uint8_t fail;          /* enum failure its waiters get when it fails (query_done with !ok) */
    uint8_t flags;         /* enum qflag */
} query;

/* Per-key state: the cached value, the lock, the stampede group, and one
 * scratch word a strategy may use.  48 bytes. */
typedef struct keystate {
    double expiry;         /* the value is fresh while now < expiry */
    double written;        /* when the value was written */
    double lock_until;     /* the lock is held while now < lock_until */
    float delta;           /* recompute time stored with the value (7 digits are plenty) */
    uint32_t lock_owner;   /* serial of the holder's query */
    uint32_t scratch;      /* strategy's (e.g. the flight in progress) */
    uint32_t grp_inflight; /* unfinished queries of the current stampede group */
    uint32_t grp_size;
    uint8_t present;       /* a value was written and not flushed */
    uint8_t grp_counted;   /* the group's first query came from a counted request */
    uint8_t busy;          /* a background refresh is in flight */
} keystate;

typedef struct sim sim;

/* The retry budget's sliding window: the current slice of 1 s and the 9
 * before it (Finagle's RetryBudget keeps 10 s in the same way). */
#define BUDGET_SLICE 1.0
#define BUDGET_SLICES 10

struct sim {
    const scenario *sc;
    const strategy_cfg *cfg;
    const strategy_ops *ops;
    const void *params;
    void *strat;           /* strategy's per-run state */
    /* the strategy's `recompute` (lock, coalesce, lease), when it has one;
     * while its code runs, params/strat are its own and in_inner is set */
    const strategy_ops *iops;
    const void *iparams;
    void *istrat;
    bool in_inner;
    engine eng;
    rng *r[RNG_NPURPOSES];
    keypick *kp;
    keystate *keys;

    attempt *att; uint32_t natt, att_cap, att_free;
    uint64_t live;                 /* attempts in use: requests in flight */
    query *q; uint32_t nq, q_cap, q_free;
    uint32_t serial;

    /* DB */
    uint64_t in_service, queued;
    uint32_t qhead, qtail;         /* FIFO of queued queries, doubly linked (next, prev) */
    bool has_queue_timeout;        /* db.queue_timeout is finite */
    /* processor sharing (USL) */
    uint32_t *ps; uint32_t nps, ps_cap;
    double vclock, vlast;
    uint64_t ps_event;
    double ps_at;                  /* when ps_event fires */
    bool ps_dirty;
    bool db_fifo;                  /* constant service times: completions in a FIFO lane */
    double *slow_at, *slow_until, *slow_factor; size_t nslow;

    /* arrivals */
    uint64_t next_req;
    size_t sched_i;
    double sched_next_t;
    uint64_t *burst_left; double *burst_pos;
    bool arrivals_done;
    struct trace_in *trace;        /* ARR_TRACE: the reader */
    int trace_rc;                  /* a TI_* error of the reader (trace.h), 0: none */
    char trace_msg[1024];          /* its message */
    uint32_t trace_key, trace_node;
    int fail;                      /* out of memory or bad trace: stop the run */
    bool has_timeout;              /* clients.timeout is finite */
    /* the retry budget (clients.retries.budget): first attempts and granted
     * retries per slice of BUDGET_SLICE seconds over the last BUDGET_SLICES
     * slices, in a ring; the sums are over the ring */
    bool has_budget;
    uint64_t bud_first[BUDGET_SLICES], bud_retry[BUDGET_SLICES];
    uint64_t bud_sum_first, bud_sum_retry;
    uint64_t bud_slice;            /* floor(t / BUDGET_SLICE) of the newest slice */

    /* outputs */
    metrics *m;
    FILE *trace_req, *trace_db;
    void (*progress)(void *ctx, double t);
    void *progress_ctx;
    volatile int *stop;
    uint32_t look_in;              /* events until the loop looks at progress, *stop and memory (1: after this one, a long one: a flush) */
};

/* ---- calls for strategies ---- */

/* Ends attempt att with an answer (hit, refresh, fetch, waited or stale): its
 * request succeeded and ends; a closed-loop client thinks, then sends again. */
void model_finish(sim *s, uint32_t att, enum outcome o);
/* Ends attempt att with a failure f (its outcome is timeout or error, see
 * FAILURE_KINDS): a retry follows when one is left and due before duration;
 * otherwise the request failed the way f. */
void model_fail(sim *s, uint32_t att, enum failure f);
/* Issues a DB query for att's key, caused by att.  With wait, att waits for
 * it and is answered when it finishes (fetch, or refresh for CAUSE_EARLY; see
 * model_answer_issuer); without, it is a background refresh nobody waits on.
 * Returns the query, or NONE when the DB rejected it at once (then query_done
 * is not called for it: the caller acts).  A query admitted ends exactly once
 * in query_done: ok when it finished and wrote its value, !ok when it was
 * dropped from the queue (db.queue_timeout), aborted in service
 * (db.statement_timeout) or cancelled (clients.cancel), writing nothing. */
uint32_t model_query(sim *s, uint32_t att, enum cause c, bool wait);
/* The usual end of a query for its issuer: the result (ok), or the query's
 * failure (q->fail). */
void model_answer_issuer(sim *s, uint32_t q, bool ok);
/* Makes att wait on query q as a joiner (counts for "wasted"). */
void model_join(sim *s, uint32_t att, uint32_t q);
/* att stops waiting on its query (gave up, timed out). */
void model_unjoin(sim *s, uint32_t att);
/* A cache operation for att: takes a sample of cache.latency, then wake(tag). */
void model_cache_step(sim *s, uint32_t att, uint32_t tag);
/* Sleeps att for dt, then wake(tag). */
void model_sleep(sim *s, uint32_t att, double dt, uint32_t tag);
/* The key's lock (or lease): free when never taken, released, or past its
 * ttl.  model_lock_take issues att's query as the lock's holder (cause c) and
 * returns it, or NONE when the DB rejected it: the lock is then held by
 * nobody who will release it, until ttl.  The holder's value, when written,
 * releases the lock if it still holds it (model does this). */
static inline bool model_lock_free(const sim *s, uint32_t key)
{
    return s->keys[key].lock_owner == 0 || s->eng.now >= s->keys[key].lock_until;
}
uint32_t model_lock_take(sim *s, uint32_t att, double ttl, enum cause c, bool wait);

/* For strategies with a `recompute`: att found no usable value; the
 * recompute strategy handles it (without one: it queries, as under none). */
void model_miss(sim *s, uint32_t att, const lookup_view *v);
/* att wants an early or background refresh; the recompute strategy decides
 * (without one: a plain query).  Returns the query or NONE (declined/rejected). */
uint32_t model_refresh(sim *s, uint32_t att, enum cause c, bool wait);

/* What a waiter does at max_wait (lock, coalesce): the on_give_up choices. */
enum give_up { GIVE_UP_DB, GIVE_UP_ERROR, GIVE_UP_STALE };
extern const char *const give_up_choices[];
/* Carries out on_give_up for att: query the DB itself (cause giveup), fail,
 * or serve the expired value it last read (else query). Counts the give-up. */
void model_give_up(sim *s, uint32_t att, enum give_up g);
/* Counts a strategy action in the summary (lock waits, give-ups, ...). */
void model_count(sim *s, uint32_t att, enum counter c);

static inline double model_now(const sim *s) { return s->eng.now; }
static inline bool key_fresh(const sim *s, uint32_t k) { return s->keys[k].present && s->eng.now < s->keys[k].expiry; }

/* ---- running ---- */

typedef struct run_opts {
    FILE *trace_req, *trace_db;   /* NULL: no trace */
    void (*progress)(void *ctx, double t);
    void *progress_ctx;
    volatile int *stop;           /* set non-zero to stop early (signal) */
    uint64_t salt;                /* separates replications: streams are (seed, purpose, salt) */
    double memory;                /* bytes the run may hold (limits_run_memory); 0: no bound */
} run_opts;

/* What a run of sc judges beyond its events, set in m (after metrics_init)
 * before the run, simulated or live: the SLO and the recovery triggers.
 * Returns 0 or -1 on no memory. */
int run_metrics_setup(const scenario *sc, metrics *m);

/* Runs strategy number si of sc; fills *m (initialised by the caller with
 * metrics_init).  Returns STATUS_OK; STATUS_FAILED with a message in st on no
 * memory or beyond o->memory (the message names what grew and the field to
 * change), or when the trace cannot be read for lack of memory; STATUS_INPUT
 * when the trace cannot be opened or a row of it is malformed; STATUS_STOPPED
 * (no message) when *o->stop was raised.  A run still busy at duration +
 * drain is cut there and returns STATUS_OK with m->drain_limited set (its
 * unanswered requests failed as unfinished). */
enum status_code sim_run(const scenario *sc, size_t si, const run_opts *o, metrics *m, struct status *st);

#endif
