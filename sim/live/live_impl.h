/* live_impl.h - the live driver's insides, shared by live.c (the event loop,
 * Redis, PostgreSQL, requests and queries) and live_strat.c (the strategies
 * on them).  Not a public interface: the program uses live.h.
 *
 * The driver mirrors the simulator's model (model.h): attempts and queries in
 * pools indexed by uint32 (0 is "none"), an attempt's gen changes when it
 * ends so late replies and timers for it are recognised, and the strategies
 * act only through the lv_* calls below.  What the simulator does in zero
 * time on its own state (reading the cache, taking a lock) is here a Redis
 * command whose reply comes back to the strategy's wake with a view of what
 * it read; every such reply is handled at the real time it arrives. */
#ifndef STAMPEDE_LIVE_IMPL_H
#define STAMPEDE_LIVE_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model/account.h"
#include "model/arrivals.h"
#include "engine/engine.h"
#include "base/hist.h"
#include "live.h"
#include "model/metrics.h"
#include "engine/rng.h"
#include "model/scenario.h"
#include "base/u64map.h"

#define LNONE 0u
/* The wake tag of an attempt's first read (its get): the driver counts the
 * hit or miss and hands it to lstrat_lookup. */
#define LV_TAG_LOOKUP 0xFFFFFFFFu

enum lstate { LS_FREE, LS_GET, LS_STRATEGY, LS_QUERY, LS_BACKOFF, LS_BG };

/* A guard is a key in Redis that one holder owns (SET NX PX with a token):
 * the lock (lock, lease) or the single flight (coalesce, scope global). */
enum guard { G_NONE, G_LOCK, G_FLIGHT };

/* An attempt: a request's current try, or (LS_BG) a background refresh that
 * outlives the attempt that started it while it waits for a guard. */
typedef struct latt {
    uint64_t req;
    double t_first;        /* arrival of the request's first attempt (real time) */
    double t_arr;          /* arrival of this attempt */
    uint64_t flight;       /* token of the global flight it waits on (0: none) */
    uint32_t key, node, client, gen;
    uint32_t query;        /* the query it waits on, or LNONE */
    uint32_t next, prev;   /* a wait list; next: the free list */
    uint16_t no;           /* attempt number, 1 for the first */
    uint8_t state;         /* enum lstate */
    uint8_t counted, read_stale, issued, sflag;
    uint8_t cause;         /* LS_BG: the refresh's cause */
} latt;

enum lqflag { LQ_COUNTED = 1, LQ_WAITERS = 2 };

typedef struct lquery {
    double t_issue, t_start, t_end;
    double svc;            /* the service time drawn from db.latency (slowdowns applied) */
    uint64_t req;
    uint64_t token;        /* the guard it holds and releases when its value is written (0: none) */
    uint32_t key, node;
    uint32_t issuer, issuer_gen, waiting, waiters;
    uint32_t next;         /* DB queue link / free list */
    uint32_t conn;         /* PostgreSQL connection serving it */
    uint8_t cause, out, flags, guard;
    uint8_t fail;          /* enum failure its waiters get if it fails */
} lquery;

/* What a Redis read found, at the real time its reply arrived. */
typedef struct lview {
    bool present;          /* a value (fresh or expired) */
    bool fresh;            /* now < expiry */
    bool took;             /* a guard step or take: the guard is now this attempt's, token tok */
    double expiry, written, delta;   /* run time, seconds */
    uint64_t tok;          /* took: the guard's token (this attempt must use or release it) */
    uint64_t holder;       /* a guard step that did not take it: the holder's token, hashed (0: none) */
} lview;

/* A strategy as the live driver runs it: when to recompute (plain: only on
 * a miss; xfetch, swr, refresh_ahead) and who recomputes (direct: every
 * miss itself; lock, coalesce, lease), with the parameters of both. */
enum lwhen { W_PLAIN, W_XFETCH, W_SWR, W_RA };
enum lwho { WHO_DIRECT, WHO_LOCK, WHO_COALESCE, WHO_LEASE };

typedef struct lstrat {
    enum lwhen when;
    enum lwho who;
    double beta; bool async;                  /* xfetch */
    double grace;                             /* swr */
    double fraction;                          /* refresh_ahead */
    double poll, max_wait, lock_ttl;          /* lock (max_wait also coalesce's) */
    int on_give_up;                           /* lock, coalesce: enum give_up */
    bool stale_while_locked;
    bool global;                              /* coalesce scope */
    double lease_ttl, retry; bool accept_stale;   /* lease */
    double keep;           /* a value stays in Redis this long after its expiry (read as stale) */
} lstrat;

enum give_up_l { LGIVE_DB, LGIVE_ERROR, LGIVE_STALE };

typedef struct live_conn live_conn;
typedef struct live_rconn live_rconn;

/* The session: connections kept over every strategy of an invocation, and
 * the state of the run in progress. */
struct live {
    const scenario *sc;
    live_config cfg;
    /* Redis */
    live_rconn **rc; uint32_t nrc;      /* command connections (node n uses n % nrc) */
    live_rconn *sub;                     /* pub/sub connection (global flights) */
    struct redisContext *sync;           /* set-up, preloading and clean-up */
    char sha_get[48], sha_write[48], sha_release[48];
    char run_id[40];                     /* this session's part of key names and tokens */
    /* PostgreSQL */
    live_conn *pg; uint32_t npg;
    uint32_t *pg_idle; uint32_t nidle;
    uint32_t pg_rows;                    /* rows of the temporary table read by each query */
    double db_overhead;                  /* a query's time beyond its pg_sleep, measured at start */
    int epfd, tfd;

    /* the run */
    size_t si;
    lstrat st;
    char ns[160];                        /* key prefix of this run */
    double t0_mono;                      /* CLOCK_MONOTONIC of run time 0 */
    int64_t epoch_us;                    /* wall-clock microseconds of run time 0 */
    double now;                          /* run time of the event being handled */
    engine eng;
    rng *r[RNG_NPURPOSES];
    keypick *kp;
    reqsrc src;
    latt *att; uint32_t natt, att_cap, att_free, att_live;
    lquery *q; uint32_t nq, q_cap, q_free;
    uint64_t in_service, queued;
    uint32_t qhead, qtail;
    uint64_t next_req, next_token;
    uint8_t *busy;                       /* per key: a background refresh is under way */
    double *busy_end;                    /* per key: the write time of the last one's value */
    uint32_t *grp_inflight, *grp_size; uint8_t *grp_counted;
    u64map flights;                      /* coalesce node: (node, key) -> query */
    u64map fwait;                        /* global flight token -> first waiting attempt */
    u64map fdone;                        /* global flight token -> 1 + its result, recently finished */
    uint64_t *fdone_ring; double *fdone_at; size_t fdone_head, fdone_n, fdone_cap;
    u64map fq;                           /* global flight token -> its query, when it is ours */
    uint64_t redis_pending;              /* commands sent and not answered */
    struct lop *ops; uint32_t nops, ops_cap, ops_free;   /* one per command awaiting its reply */
    double armed;                        /* when the timer fd fires next */
    double bin_end, last;                /* end of the current time-series bin; time of the last event */
    bool warm;                           /* the warmup is over (peaks count) */
    uint32_t closed_pending;             /* closed-loop clients about to send */
    bool closing;                        /* live_close: replies are no longer handled */
    bool sub_ready;                      /* the pub/sub subscription is confirmed */
    uint32_t faults_left;
    bool arrivals_done;
    int fail;                            /* stop the run: err holds why */
    volatile int *stop;                  /* set by a signal: the run stops */
    char err[512];
    metrics *m;
    live_stats *stats;
    FILE *trace_req, *trace_db;
};

/* ---- calls for the strategies (live.c) ---- */

static inline double lv_now(const live *L) { return L->now; }
/* Ends att with an answer (hit, refresh, fetch, waited, stale): its request
 * succeeded; or with a failure f: a retry follows when one is left. */
void lv_finish(live *L, uint32_t ai, enum outcome o);
void lv_fail(live *L, uint32_t ai, enum failure f);
/* Issues att's query (cause c), holding guard token tok of kind g (0: none);
 * with wait att waits for it.  LNONE when the DB queue rejected it. */
uint32_t lv_query(live *L, uint32_t ai, enum cause c, bool wait, enum guard g, uint64_t tok);
void lv_answer_issuer(live *L, uint32_t qi, bool ok);
void lv_join(live *L, uint32_t ai, uint32_t qi);
void lv_unjoin(live *L, uint32_t ai);
/* A cache operation on the request's path for att, answered at wake(tag):
 * lv_get reads the value; lv_step reads it and takes guard g (ttl) when the
 * value is not fresh and the guard is free; lv_take takes the guard only. */
void lv_get(live *L, uint32_t ai, uint32_t tag);
void lv_step(live *L, uint32_t ai, enum guard g, double ttl, uint32_t tag);
void lv_take(live *L, uint32_t ai, enum guard g, double ttl, uint32_t tag);
/* Gives back a guard nobody will use (compare-and-delete in Redis); with
 * publish, a flight's joiners get an error as its result. */
void lv_release(live *L, uint32_t key, enum guard g, uint64_t tok, bool publish);
void lv_sleep(live *L, uint32_t ai, double dt, uint32_t tag);
void lv_count(live *L, uint32_t ai, enum counter c);
/* A background attempt for a refresh of att's key that outlives att. */
uint32_t lv_bg_new(live *L, uint32_t key, uint32_t node, uint64_t req, bool counted, enum cause c);
void lv_bg_end(live *L, uint32_t ai);
/* Our token tok as its hash, the form a holder read from Redis takes. */
uint64_t lv_token_hash(const live *L, uint64_t tok);

/* ---- the strategies (live_strat.c) ---- */

/* Reads strategy cfg into st; a message in err when it cannot run live. */
int lstrat_setup(lstrat *st, const strategy_cfg *cfg, const scenario *sc, double keep_long, char *err, size_t errlen);
/* The first read of an attempt: which guard its get also takes (G_NONE: a plain get), and the guard's ttl. */
enum guard lstrat_first_guard(const lstrat *st, double *ttl);
void lstrat_lookup(live *L, uint32_t ai, const lview *v);
void lstrat_wake(live *L, uint32_t ai, uint32_t tag, const lview *v);
void lstrat_query_done(live *L, uint32_t qi, bool ok);
void lstrat_abandon(live *L, uint32_t ai);
/* A global flight's result arrived (pub/sub): 0 a value, else 1 + the
 * enum failure its joiners get. */
void lstrat_flight_done(live *L, uint64_t hash, int result);
/* A guard step or take for an attempt that has ended took the guard. */
void lstrat_orphan_take(live *L, uint32_t key, uint32_t node, uint64_t req, bool counted, enum guard g, uint64_t tok);

#endif
