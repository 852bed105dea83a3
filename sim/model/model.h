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

#include "base/status.h"
#include "metrics.h"
#include "engine/rng.h"
#include "scenario.h"
#include "strategies/strategy.h"

#define NONE 0u
#define MODEL_NONE 0u

typedef struct sim sim;

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

/* (struct sim, until strategies act through the calls above only) */
#include "model_impl.h"

#endif
