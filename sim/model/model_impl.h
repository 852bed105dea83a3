/* model_impl.h - the model's own view of a run: struct sim and what the
 * model's files (model.c, sources.c, cache.c, db.c, faults.c, run.c) share.
 * Strategies never include it: they act through model.h.
 *
 * Attempts and queries live in pools indexed by uint32 (0 is MODEL_NONE), so
 * the memory of a run grows with what is in flight, never with what has
 * finished.  An attempt record carries its request across retries; its gen
 * changes every time an attempt ends, so events of an ended attempt are
 * recognised and dropped.  A query's serial is never reused within a run, so
 * events of a query whose slot was reused are recognised likewise. */
#ifndef STAMPEDE_MODEL_IMPL_H
#define STAMPEDE_MODEL_IMPL_H

/* The Makefile compiles sim/strategies/ with STAMPEDE_STRATEGY_UNIT: a
 * strategy that includes this header does not build. */
#ifdef STAMPEDE_STRATEGY_UNIT
#error "a strategy sees the model through model/model.h and model/strategy.h only"
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/rng.h"
#include "account.h"
#include "metrics.h"
#include "model.h"
#include "scenario.h"
#include "strategy.h"

/* A step of the common path of a request, inlined into its callers: each
 * runs once or twice per request, and the calls (register saves and
 * restores) were 5% of an M/M/1 run. */
#define HOT static inline __attribute__((always_inline))
/* A step off the common path (a control that is off by default), kept out of
 * line so that the common path around it stays small enough to inline. */
#define RARE static __attribute__((noinline))

/* The events of a run (engine.h's kind) and their operands.  Those of an
 * attempt come last: an event from EV_RETRY on names an attempt in a and its
 * gen in b. */
enum ev_kind {
    EV_ARRIVAL,    /* a: source (0 Poisson/schedule, 1+i burst i) */
    EV_CLOSED,     /* a: closed-loop client */
    EV_TRACE,      /* next row of a replayed trace */
    EV_DB_DONE,    /* a: query, b: its serial (fixed service time) */
    EV_DB_PS,      /* the next processor-sharing completion */
    EV_FAULT,      /* a: fault index, c: 0 its start, 1 its end (an outage's until, a crashed node's restart) */
    EV_DB_ABORT,   /* a: query, b: its serial: statement_timeout of a fixed service time */
    EV_STMT_TIMEOUT,   /* a: query, b: its serial: statement_timeout under processor sharing */
    EV_QUEUE_TIMEOUT,  /* a: query, b: its serial: queue_timeout */
    EV_RETRY,      /* a: attempt, b: gen */
    EV_GET,        /* a: attempt, b: gen, c: MODEL_CACHE_FAILED when the get failed */
    EV_TIMEOUT,    /* a: attempt, b: gen */
    EV_WAKE,       /* EV_WAKE + i: a: attempt, b: gen, c: the tag strategy i of the chain asked for */
};

/* FIFO lanes of the engine for events a constant delay after now. */
enum { LANE_TIMEOUT, LANE_CACHE, LANE_DB, LANE_ARRIVAL, LANE_QUEUE_TIMEOUT, LANE_STMT_TIMEOUT };
_Static_assert(LANE_STMT_TIMEOUT < ENGINE_LANES, "one engine lane each");

/* ---------------------------------------------------------------- records */

enum att_state { AS_FREE, AS_GET, AS_STRATEGY, AS_QUERY, AS_BACKOFF };

typedef struct attempt {
    uint64_t req;          /* request id, in arrival order of first attempts */
    double t_first;        /* arrival of the request's first attempt */
    double t_arr;          /* arrival of this attempt */
    uint32_t key, node, client;   /* client: closed-loop client + 1, or MODEL_NONE */
    uint32_t gen;
    uint32_t query;        /* the query it waits on, or MODEL_NONE */
    uint32_t next;         /* the free list */
    uint16_t no;           /* attempt number, 1 for the first */
    uint8_t state;         /* enum att_state */
    /* flags: all the bits as one byte, so they are set and cleared with
     * byte-wide loads and stores (a wider one would stall store forwarding) */
    union {
        uint8_t flags;
        struct { uint8_t counted : 1, read_stale : 1, issued : 1; };
    };
} attempt;

/* QF_ORPHAN: issued by an app node that crashed since: the DB still does the
 * work, nothing is written, and the strategies heard of its failure at the
 * crash. */
enum qflag { QF_COUNTED = 1, QF_WAITERS = 2, QF_INSERVICE = 4, QF_ORPHAN = 8 };

typedef struct query {
    double t_issue, t_start;
    double work;           /* service time, or PS finish target on the virtual clock */
    uint64_t req;          /* issuing request id */
    uint32_t key, node;
    uint32_t issuer, issuer_gen;  /* the attempt answered with the result, or MODEL_NONE */
    uint32_t waiting;      /* attempts still waiting on it (issuer and joiners) */
    uint32_t next;         /* DB queue link (towards the tail) / free list */
    union {
        uint32_t prev;     /* while queued: DB queue link towards the head */
        uint32_t heap;     /* while in service: position in the PS heap */
    };
    uint32_t serial;       /* never reused within a run: a 0 marks a free record */
    uint8_t cause;         /* enum cause */
    uint8_t out;           /* outcome the issuer gets: OUT_FETCH or OUT_REFRESH */
    uint8_t fail;          /* enum failure its waiters get when it fails (query_done with !ok) */
    uint8_t flags;         /* enum qflag */
} query;

/* Per-key state, made when a run first touches the key (cache.c): the
 * cached value, read by every get, in 32 bytes (a record never straddles two
 * cache lines), and apart from it the stampede group, touched by queries
 * only, in 12 (the strategies' own per key is in their key slots; all are
 * indexed alike).  Attempts and queries name a key by its records' index,
 * not its id. */
typedef struct keystate {
    double expiry;         /* the value is fresh while present and now < expiry */
    double written;        /* when the value was written */
    uint64_t id;           /* the key's id (0 to keys.count - 1) */
    float delta;           /* recompute time stored with the value (7 digits are plenty) */
    uint16_t epoch;        /* the flush epoch its value was written in: present while
                            * it is the run's (key_present); 0: no value */
    uint8_t touched;       /* a get read it (keys_dense: records exist untouched) */
} keystate;

typedef struct keygroup {
    uint32_t grp_inflight; /* unfinished queries of the current stampede group */
    uint32_t grp_size;
    uint8_t grp_counted;   /* the group's first query came from a counted request */
} keygroup;

/* The retry budget's sliding window: the current slice of 1 s and the 9
 * before it (Finagle's RetryBudget keeps 10 s in the same way). */
#define BUDGET_SLICE 1.0
#define BUDGET_SLICES 10

struct sim {
    const scenario *sc;
    /* the strategy chain: the run's strategy, then the one it holds as its
     * recompute, and so on (ninst of them); those with slots per attempt and
     * per query, whose slots the model zeroes */
    struct strategy *inst; unsigned ninst;
    struct strategy **att_slotted; unsigned natt_slotted;
    struct strategy **q_slotted; unsigned nq_slotted;
    engine eng;
    rng *r[RNG_NPURPOSES];
    keypick *kp;
    /* the RNG_KEYS stream's next KEYS_AHEAD keys, drawn ahead in its order
     * (model_next_key) so their records can be fetched from memory before
     * their requests arrive; kahead_i: the next one's place */
    uint64_t *kahead; unsigned kahead_i;
    /* the keys (cache.c): records in the order keys were first touched, found
     * by id through an open-addressing table (linear probing, at most 3/4
     * full) of entries: the id's hash's high 32 bits, record index + 1 (0: empty);
     * or, with few keys (keys_dense), every key's record at its id, made at
     * set-up.  A key's initial state is a function of (key_seed, id) alone. */
    keystate *keys;
    keygroup *kgrp;                /* indexed like keys */
    uint32_t nkeys, keys_cap;      /* records made; room */
    uint64_t *khash; uint64_t khash_mask;
    bool keys_dense;
    uint16_t epoch;                /* cache flushes so far + 1, wrapping through 1 (cache_flush) */
    bool init_flushed;             /* a flush has emptied the initial contents */
    uint64_t key_seed;

    /* attempts (model.c) */
    attempt *att; uint32_t natt, att_cap, att_free;
    uint64_t live;                 /* attempts in use: requests in flight */
    bool has_timeout;              /* clients.timeout is finite */
    /* the retry budget (clients.retries.budget): first attempts and granted
     * retries per slice of BUDGET_SLICE seconds over the last BUDGET_SLICES
     * slices, in a ring; the sums are over the ring */
    bool has_budget;
    uint64_t bud_first[BUDGET_SLICES], bud_retry[BUDGET_SLICES];
    uint64_t bud_sum_first, bud_sum_retry;
    uint64_t bud_slice;            /* floor(t / BUDGET_SLICE) of the newest slice */

    /* the DB (db.c) */
    query *q; uint32_t nq, q_cap, q_free;
    uint32_t serial;
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

    /* faults (faults.c): the db_slowdown windows */
    double *slow_at, *slow_until, *slow_factor; size_t nslow;
    /* cache operations may fail (cache.timeout, or a cache_outage): they take
     * the out-of-line path */
    bool cache_checked;
    uint32_t cache_down;           /* cache_outages in progress */
    enum outage_mode cache_mode;   /* the mode of the latest one to start */
    double cache_lost_at;          /* the end of the latest outage with data lost; -INFINITY: none */
    uint32_t db_down;              /* db_outages in progress */
    uint32_t *node_down;           /* per app node: crashes in progress (NULL without node_crash) */
    uint32_t ndown;                /* app nodes down */

    /* arrivals (sources.c; the draws are arrivals.h's) */
    uint64_t next_req;
    size_t sched_i;
    uint64_t *burst_left; double *burst_pos;
    struct trace_in *trace;        /* ARR_TRACE: the reader */
    int trace_rc;                  /* a TI_* error of the reader (trace.h), 0: none */
    char trace_msg[1024];          /* its message */
    uint64_t trace_key;
    uint32_t trace_node;

    int fail;                      /* out of memory or bad trace: stop the run */

    /* outputs */
    metrics *m;
    FILE *trace_req, *trace_db;
    void (*progress)(void *ctx, double t);
    void *progress_ctx;
    volatile int *stop;
    uint32_t look_in;              /* events until the loop looks at progress, *stop and memory (1: after this one) */
};

/* ---------------------------------------------------------------- keys (cache.c) */

#define KEY_NONE UINT32_MAX
/* keys.count up to this: every key's record at set-up, at its id (an array
 * is cheaper than the table then); beyond, records on first touch. */
#define KEYS_DENSE_MAX (1u << 21)

/* hv: key_hash(id); slot: its empty place in the table */
uint32_t key_new(sim *s, uint64_t id, uint64_t hv, uint64_t slot);

/* The table slot of a key id: a 64-bit mix (splitmix64's finaliser). */
static inline uint64_t key_hash(uint64_t id)
{
    id ^= id >> 30;
    id *= 0xbf58476d1ce4e5b9u;
    id ^= id >> 27;
    id *= 0x94d049bb133111ebu;
    return id ^ (id >> 31);
}

/* The record of key id, made on its first touch (key_new: its initial state
 * from (key_seed, id)); KEY_NONE when out of memory. */
HOT uint32_t key_touch(sim *s, uint64_t id)
{
    if (s->keys_dense) return (uint32_t)id;
    uint64_t hv = key_hash(id), m = s->khash_mask, h = hv & m;
    for (;;) {
        uint64_t e = s->khash[h];
        if (!e) return key_new(s, id, hv, h);
        /* the hash's high bits first: a record is read only when they match */
        if ((e >> 32) == (hv >> 32) && s->keys[(uint32_t)e - 1].id == id) return (uint32_t)e - 1;
        h = (h + 1) & m;
    }
}

/* Keys drawn ahead of their requests (a power of 2): a key's table slot is
 * fetched when it is drawn, its record half way to its request. */
#define KEYS_AHEAD 16

/* A hint that *p will be read soon.  On x86 an instruction of its own: gcc
 * 12 drops a __builtin_prefetch inlined where it was given a constant flag
 * (key_prefetch's were all gone from the program). */
static inline void prefetch(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)p));
#else
    __builtin_prefetch(p, 0, 3);
#endif
}

/* Asks the memory for key id's record (or, beyond keys_dense, its table
 * slot; with slot_read, the record its slot names when the slot is at hand):
 * a hint, whatever has changed meanwhile. */
static inline void key_prefetch(const sim *s, uint64_t id, bool slot_read)
{
    if (s->keys_dense) {
        if (!slot_read) prefetch(&s->keys[id]);
        return;
    }
    uint64_t hv = key_hash(id);
    const uint64_t *slot = &s->khash[hv & s->khash_mask];
    if (!slot_read) {
        prefetch(slot);
        return;
    }
    uint64_t e = *slot;
    if (e && (e >> 32) == (hv >> 32)) prefetch(&s->keys[(uint32_t)e - 1]);
}

/* The key of the next request: the RNG_KEYS stream's next draw (drawn
 * KEYS_AHEAD requests ago; one key: 0, no draw). */
HOT uint64_t model_next_key(sim *s)
{
    if (!s->kahead) return 0;
    unsigned i = s->kahead_i;
    uint64_t id = s->kahead[i];
    uint64_t nid = keypick_draw(s->kp, s->r[RNG_KEYS]);
    s->kahead[i] = nid;
    s->kahead_i = (i + 1) & (KEYS_AHEAD - 1);
    key_prefetch(s, nid, false);
    key_prefetch(s, s->kahead[(i + KEYS_AHEAD / 2) & (KEYS_AHEAD - 1)], true);
    return id;
}

/* The stampede group of the key of record ki. */
static inline keygroup *key_group(const sim *s, uint32_t ki)
{
    return &s->kgrp[ki];
}

/* The id of the key of record ki. */
static inline uint64_t key_id(const sim *s, uint32_t ki)
{
    return s->keys[ki].id;
}

/* Whether key record k holds a value: written (or set up) in the current
 * flush epoch. */
static inline bool key_present(const sim *s, const keystate *k)
{
    return k->epoch == s->epoch;
}

/* What a get of key record k reads now. */
static inline lookup_view key_view(const sim *s, const keystate *k)
{
    bool present = key_present(s, k);
    return (lookup_view){ .present = present, .fresh = present && s->eng.now < k->expiry,
                          .expiry = k->expiry, .written = k->written, .delta = k->delta };
}

/* ---------------------------------------------------------------- shared steps */

/* Out of memory: the run stops after this event. */
static inline int nomem(sim *s)
{
    s->fail = 1;
    return -1;
}

/* ---- faults.c: what the common path asks of the faults */

/* A cache operation of attempt ai that may fail (s->cache_checked). */
void model_sched_cache_op_checked(sim *s, uint32_t ai, uint32_t kind, uint32_t tag);
/* Node n is down: a live node drawn uniformly from r, or UINT32_MAX when
 * every node is down. */
uint32_t faults_live_node(sim *s, rng *r);
/* Whether app node n is down now (crashed, not restarted). */
static inline bool node_is_down(const sim *s, uint32_t n)
{
    return s->ndown && s->node_down[n];
}

/* Schedules or records an out-of-memory failure (checked by the loop). */
HOT uint64_t sched(sim *s, double t, uint32_t kind, uint32_t a, uint32_t b, uint32_t c)
{
    uint64_t h = engine_schedule(&s->eng, t, kind, a, b, c);
    if (!h) nomem(s);
    return h;
}

HOT void sched_fifo(sim *s, unsigned ln, double t, uint32_t kind, uint32_t a, uint32_t b, uint32_t c)
{
    if (!engine_schedule_fifo(&s->eng, ln, t, kind, a, b, c)) nomem(s);
}

/* A cache operation for attempt ai ending after a sample of cache latency. */
HOT void sched_cache_op(sim *s, uint32_t ai, uint32_t kind, uint32_t tag)
{
    const dist *d = &s->sc->cache.latency;
    if (__builtin_expect(s->cache_checked, 0))
        model_sched_cache_op_checked(s, ai, kind, tag);
    else if (d->kind == DIST_CONSTANT)   /* no draw: a constant leaves its stream untouched */
        sched_fifo(s, LANE_CACHE, s->eng.now + d->p1, kind, ai, s->att[ai].gen, tag);
    else
        sched(s, s->eng.now + dist_sample(d, s->r[RNG_CACHE]), kind, ai, s->att[ai].gen, tag);
}

/* ---- model.c: attempts and requests (their common path, inlined where it
 * runs: each step runs once or twice per request) */

int model_att_grow(sim *s);
void trace_attempt(sim *s, const attempt *a, enum outcome o);
void budget_deposit(sim *s);

HOT uint32_t att_alloc(sim *s)
{
    if (s->att_free) {
        uint32_t i = s->att_free;
        s->att_free = s->att[i].next;
        s->live++;
        return i;
    }
    if (s->natt == s->att_cap && model_att_grow(s)) return MODEL_NONE;
    s->live++;
    return s->natt++;
}


/* Frees attempt i (new_request and start_attempt set every field a record
 * in use reads). */
HOT void att_release(sim *s, uint32_t i)
{
    attempt *a = &s->att[i];
    a->gen++;   /* gen survives reuse, so old events stay stale */
    a->state = AS_FREE;
    a->next = s->att_free;
    s->att_free = i;
    s->live--;
}

/* Attempt ai stops waiting on its query. */
HOT void att_unjoin(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    if (a->query != MODEL_NONE) {
        s->q[a->query].waiting--;
        a->query = MODEL_NONE;
    }
}

/* Attempt ai waits on query qi. */
HOT void att_join(sim *s, uint32_t ai, uint32_t qi)
{
    attempt *a = &s->att[ai];
    a->query = qi;
    a->state = AS_QUERY;
    s->q[qi].waiting++;
    s->q[qi].flags |= QF_WAITERS;
}

HOT void start_attempt(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    double now = s->eng.now;
    acct_attempt(s->m, a->counted, a->no);
    a->state = AS_GET;
    a->query = MODEL_NONE;
    bool counted = a->counted;   /* issued and read_stale start at 0 */
    a->flags = 0;
    a->counted = counted;
    for (unsigned i = 0; i < s->natt_slotted; i++) {   /* and the strategies' slots */
        struct strategy *st = s->att_slotted[i];
        memset(strategy_att_slot(st, ai), 0, st->ops->att_slot);
    }
    if (s->has_timeout)
        sched_fifo(s, LANE_TIMEOUT, now + s->sc->clients.timeout, EV_TIMEOUT, ai, a->gen, 0);
    sched_cache_op(s, ai, EV_GET, 0);
}

/* A new request (its first attempt) for key id arrives now; client:
 * closed-loop client + 1, or MODEL_NONE. */
HOT void new_request(sim *s, uint64_t id, uint32_t node, uint32_t client)
{
    uint32_t key = key_touch(s, id);
    if (key == KEY_NONE) { nomem(s); return; }
    uint32_t ai = att_alloc(s);
    if (ai == MODEL_NONE) { nomem(s); return; }
    bool dead = false;
    if (__builtin_expect(node_is_down(s, node), 0)) {   /* a crashed node: re-drawn among the live ones */
        node = faults_live_node(s, s->r[RNG_NODES]);
        if ((dead = node == UINT32_MAX)) node = 0;
    }
    attempt *a = &s->att[ai];
    double now = s->eng.now;
    a->req = s->next_req++;
    a->t_first = a->t_arr = now;
    a->key = key;
    a->node = node;
    a->client = client;
    a->no = 1;
    a->counted = now >= s->sc->warmup && now < s->sc->duration;
    if (s->has_budget) budget_deposit(s);
    start_attempt(s, ai);
    if (__builtin_expect(dead, 0)) model_fail(s, ai, FAIL_NODE_CRASH);   /* every node is down */
}

HOT void end_request(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    double now = s->eng.now;
    uint32_t client = a->client;
    metrics_in_system(s->m, a->t_first, now);
    att_release(s, ai);
    if (client) {
        double t = now + dist_sample(&s->sc->clients.think, s->r[RNG_THINK]);
        if (t < s->sc->duration) sched(s, t, EV_CLOSED, client - 1, 0, 0);
    }
}

/* Attempt ai ends now with outcome o: the attempt-level counts and its trace row. */
HOT void end_attempt(sim *s, uint32_t ai, enum outcome o)
{
    attempt *a = &s->att[ai];
    att_unjoin(s, ai);
    acct_attempt_end(s->m, a->counted, o);
    if (s->trace_req) trace_attempt(s, a, o);
}

/* ---- model.c: the rest of attempts, and the strategy bridge */

int model_attempts_setup(sim *s);
void model_attempts_free(sim *s);
void model_on_retry(sim *s, uint32_t ai);
void model_on_timeout(sim *s, uint32_t ai);
/* A node_crash of app node n now (its restart: faults.c). */
void model_node_crash(sim *s, uint32_t n);
/* The strategy bridge: the chain of strategy i of the scenario (s->inst),
 * its slots, and the hooks the model calls. */
int strategy_setup(sim *s, const strategy_cfg *cfg);
void strategy_teardown(sim *s);
/* Slots of n records of size bytes each: the array grown from old_n to n
 * records, the new ones zeroed.  0 or -1 on no memory. */
static inline int slots_grow(unsigned char **slots, size_t size, uint32_t old_n, uint32_t n)
{
    if (!size) return 0;
    unsigned char *p = realloc(*slots, (size_t)n * size);
    if (!p) return -1;
    memset(p + (size_t)old_n * size, 0, (size_t)(n - old_n) * size);
    *slots = p;
    return 0;
}

/* The pools grew to att_cap attempts / q_cap queries: the slots follow.
 * 0 or -1 on no memory.  (Inline: the DB's pool grows them too, and db.c
 * calls nothing of model.c.) */
static inline int strategy_slots_grow(sim *s, uint32_t old_att_cap, uint32_t old_q_cap)
{
    for (unsigned i = 0; i < s->ninst; i++) {
        struct strategy *st = &s->inst[i];
        if (slots_grow(&st->att_slots, st->ops->att_slot, old_att_cap, s->att_cap) ||
            slots_grow(&st->query_slots, st->ops->query_slot, old_q_cap, s->q_cap))
            return -1;
    }
    return 0;
}
/* Strategy id of the chain's step for attempt ai ended (EV_WAKE + id; tag
 * with MODEL_CACHE_FAILED when its cache operation failed). */
void strategy_wake(sim *s, unsigned id, uint32_t ai, uint32_t tag);
/* Attempt ai is abandoned (its client timed out): every strategy forgets it. */
void strategy_abandon(sim *s, uint32_t ai);
/* Query qi ended: every strategy of the chain hears it, outer first (one
 * without the hook: the model answers the issuer, through the instance's
 * query_done set up so, so that db.c calls nothing of model.c). */
HOT void strategy_query_done(sim *s, uint32_t qi, bool ok)
{
    unsigned i = 0;
    do {
        struct strategy *st = &s->inst[i];
        st->query_done(s, st, qi, ok);
    } while (++i < s->ninst);
}

/* ---- sources.c: the request stream */

int sources_setup(sim *s);
void sources_free(sim *s);
void model_on_arrival(sim *s, uint32_t src);
void model_on_closed(sim *s, uint32_t client);
void model_on_trace(sim *s);

/* ---- cache.c: keys and their values */

int cache_setup(sim *s);
void cache_free(sim *s);
/* The get of attempt ai ended now: it read its key; the strategy takes it
 * from there. */
HOT void on_get(sim *s, uint32_t ai)
{
    attempt *a = &s->att[ai];
    keystate *k = &s->keys[a->key];
    k->touched = 1;
    lookup_view v = key_view(s, k);
    acct_lookup(s->m, a->counted, v.fresh);
    a->state = AS_STRATEGY;
    s->inst->ops->lookup(s, s->inst, ai, &v);
}

/* The get of attempt ai failed now (a cache outage, cache.timeout). */
void model_on_get_failed(sim *s, uint32_t ai);

/* The value of query q's key is written now (its query finished); lost while
 * the cache is down. */
HOT void cache_write(sim *s, const query *q)
{
    const scenario *sc = s->sc;
    if (!(sc->cache.ttl > 0) || s->cache_down) return;
    double now = s->eng.now, ttl = sc->cache.ttl;
    keystate *k = &s->keys[q->key];
    if (sc->cache.ttl_jitter > 0)
        ttl *= 1.0 + sc->cache.ttl_jitter * (2.0 * rng_uniform(s->r[RNG_JITTER]) - 1.0);
    k->expiry = now + ttl;
    k->written = now;
    k->delta = (float)(now - q->t_issue);
    k->epoch = s->epoch;
}

/* A flush fault: every key loses its value (a new flush epoch: O(1), the
 * key space is never walked). */
void cache_flush(sim *s);

/* ---- db.c: the pool, the queue, processor sharing, the controls */

int db_setup(sim *s);
void db_free(sim *s);
/* The events of query qi with serial (dropped when the slot holds another query). */
void model_on_db_done(sim *s, uint32_t qi, uint32_t serial);
void model_ps_complete(sim *s);
void model_ps_reschedule(sim *s);
void model_on_db_abort(sim *s, uint32_t qi, uint32_t serial);
void model_on_statement_timeout(sim *s, uint32_t qi, uint32_t serial);
void model_on_queue_timeout(sim *s, uint32_t qi, uint32_t serial);
/* A db_outage starts now: it refuses queries until its end (faults.c), and
 * every query in flight fails now. */
void db_outage_start(sim *s);
/* clients.cancel: an attempt's timeout just ended its wait on query qi. */
void model_cancel_if_unwaited(sim *s, uint32_t qi);
/* The event of query qi with serial: still about the same query (slots are
 * reused, serials never). */
static inline bool query_is(const sim *s, uint32_t qi, uint32_t serial)
{
    return s->q[qi].serial == serial;
}
/* A serial for a query or a lock: never 0, not repeated within 2^32 - 1. */
static inline uint32_t next_serial(sim *s)
{
    if (++s->serial == 0) ++s->serial;
    return s->serial;
}

/* ---- faults.c */

int faults_setup(sim *s);
/* Schedules the flushes (before any arrival). */
void faults_start(sim *s);
void faults_free(sim *s);
/* Fault fi starts (end 0) or ends (1) now: a flush, a cache outage's start
 * and end, the end of a DB outage, a node's restart (run.c hands the start of
 * a DB outage to db_outage_start and a crash to node_crash). */
void model_on_fault(sim *s, uint32_t fi, uint32_t end);
/* The product of the db_slowdown factors whose window holds t. */
double faults_slowdown(const sim *s, double t);

#endif
