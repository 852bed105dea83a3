/* model.h - the simulated system (clients, app nodes, cache, DB, faults) as
 * strategies and runners see it: the calls a strategy uses to look at a run
 * and act on it, and sim_run.
 *
 * A sim is one run of one strategy of a scenario; its fields are the
 * model's own (model_impl.h).  Attempts and queries are named by uint32
 * indices, MODEL_NONE for none; an index is valid while its attempt (or
 * query) is: an attempt until it ends (model_finish, model_fail), a query
 * until its query_done hook returns.  A strategy's hooks (strategy.h) and
 * these calls happen at the simulated time model_now, in the order the event
 * set gives; no call here blocks or allocates memory the caller must free. */
#ifndef STAMPEDE_MODEL_H
#define STAMPEDE_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/status.h"
#include "engine/rng.h"
#include "metrics.h"
#include "scenario.h"
#include "vocab.h"

/* One run of one strategy (private to the model). */
typedef struct sim sim;
/* A configured strategy of a run (strategy.h). */
struct strategy;

#define MODEL_NONE 0u   /* no attempt, no query */

/* What a key's value is now, as a get finds it. */
typedef struct lookup_view {
    bool fresh;        /* a value with now < expiry */
    bool present;      /* any value, fresh or expired */
    double expiry;     /* when present: when it expires */
    double written;    /* when present: when it was written */
    double delta;      /* when present: the recompute time stored with it */
    bool cache_error;  /* the get failed (a cache outage, cache.timeout) and app.on_cache_error is
                        * "db": nothing was read (not fresh, not present); what is kept in the
                        * cache (a lock, a lease) is out of reach too */
} lookup_view;

/* In the tag a strategy's wake hook gets: the cache step it asked for failed
 * (a cache outage, cache.timeout) and app.on_cache_error is "db" (with
 * "error" the model fails the attempt itself, after abandon).  The strategy
 * then falls back to the DB (model_cache_fallback). */
#define MODEL_CACHE_FAILED 0x80000000u

/* ---- looking ---- */

double model_now(const sim *s);
/* The key, node and query (MODEL_NONE when it waits on none) of attempt att. */
uint32_t model_att_key(const sim *s, uint32_t att);
uint32_t model_att_node(const sim *s, uint32_t att);
uint32_t model_att_query(const sim *s, uint32_t att);
/* Key key's value now. */
lookup_view model_look(const sim *s, uint32_t key);
/* Query q's key, node, cause, and the failure its waiters get when it fails
 * (what model_answer_issuer gives the issuer). */
uint32_t model_query_key(const sim *s, uint32_t q);
uint32_t model_query_node(const sim *s, uint32_t q);
enum cause model_query_cause(const sim *s, uint32_t q);
enum failure model_query_failure(const sim *s, uint32_t q);
/* The strategies' own random stream (RNG_STRATEGY): the same draws in the
 * same order give the same run. */
rng *model_strategy_rng(sim *s);

/* Whether the cache answers now (no cache_outage in progress): a write, a
 * lock's or a lease's release, made while it does not, is lost. */
bool model_cache_up(const sim *s);
/* When the cache last came back empty (a cache_outage with "data": "lost"):
 * what it held before (values, locks, leases) is gone; -INFINITY: never. */
double model_cache_lost_at(const sim *s);
/* ---- acting ---- */

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
 * Returns the query, or MODEL_NONE when the DB rejected it at once (then no
 * query_done follows: the caller acts).  A query admitted ends exactly once,
 * in the query_done hooks: ok when it finished and wrote its value, !ok when
 * it was dropped from the queue (db.queue_timeout), aborted in service
 * (db.statement_timeout) or cancelled (clients.cancel), writing nothing. */
uint32_t model_query(sim *s, uint32_t att, enum cause c, bool wait);
/* The usual end of query q for its issuer, when it still waits on it: the
 * result (ok), or the query's failure.  What the model does for a strategy
 * without a query_done hook. */
void model_answer_issuer(sim *s, uint32_t q, bool ok);
/* Makes att wait on query q as a joiner (counts for "wasted"). */
void model_join(sim *s, uint32_t att, uint32_t q);
/* att stops waiting on its query (gave up, timed out). */
void model_unjoin(sim *s, uint32_t att);
/* att read an expired value (present) or none: what on_give_up "stale" may
 * serve (model_give_up). */
void model_read_stale(sim *s, uint32_t att, bool present);
/* A cache operation for att: takes a sample of cache.latency, then self's
 * wake hook gets (att, tag). */
void model_cache_step(sim *s, struct strategy *self, uint32_t att, uint32_t tag);
/* Sleeps att for dt, then self's wake hook gets (att, tag). */
void model_sleep(sim *s, struct strategy *self, uint32_t att, double dt, uint32_t tag);

/* For a strategy with a `recompute` (self->inner): att found no usable value;
 * the recompute strategy handles it (without one: att queries, as under
 * none, and fails rejected when the DB rejects it). */
void model_miss(sim *s, struct strategy *self, uint32_t att, const lookup_view *v);
/* att wants an early or background refresh (cause c); the recompute strategy
 * decides (without one: a plain query).  Returns the query, or MODEL_NONE
 * when declined or rejected. */
uint32_t model_refresh(sim *s, struct strategy *self, uint32_t att, enum cause c, bool wait);

/* att's cache operation failed with app.on_cache_error "db": it queries the
 * DB itself (cause miss), and fails rejected when the DB rejects it. */
void model_cache_fallback(sim *s, uint32_t att);
/* What a waiter does at max_wait (lock, coalesce): the on_give_up choices. */
enum give_up { GIVE_UP_DB, GIVE_UP_ERROR, GIVE_UP_STALE };
extern const char *const model_give_up_choices[];
/* Carries out on_give_up for att: query the DB itself (cause giveup), fail,
 * or serve the expired value it last read (else query).  Counts the give-up. */
void model_give_up(sim *s, uint32_t att, enum give_up g);
/* Counts a strategy action for att in the summary (lock waits, ...). */
void model_count(sim *s, uint32_t att, enum counter c);
/* The strategy ran out of memory: the run stops after this event, failed. */
void model_out_of_memory(sim *s);

/* ---- running ---- */

typedef struct run_opts {
    FILE *trace_req, *trace_db;   /* NULL: no trace */
    void (*progress)(void *ctx, double t);
    void *progress_ctx;
    volatile int *stop;           /* set non-zero to stop early (signal) */
    uint64_t salt;                /* separates replications: streams are (seed, purpose, salt) */
    double memory;                /* bytes the run may hold (limits_run_memory); 0: no bound */
    bool keys_hashed;             /* tests: records on first touch even with few keys (the
                                   * outputs are the same either way) */
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

/* What a run of sc holds, in bytes, for estimates before it (the most over
 * sc's strategies, their slots included): per key record, per
 * closed-loop client (its request's record and two pending events), and per
 * request in flight (its record, its query and two pending events). */
double sim_key_bytes(const scenario *sc);
/* The key records a run of sc makes when it touches `touched` keys (every
 * key with few keys, else those touched), and the bytes they hold with their
 * table. */
double sim_keys_made(const scenario *sc, double touched);
double sim_keys_bytes(const scenario *sc, double touched);
double sim_client_bytes(const scenario *sc);
double sim_flight_bytes(const scenario *sc);

#endif
