/* live_strat.c - the strategies as production code does them on Redis, with
 * the simulator's semantics (the strat_*.c files and the README): the same
 * outcomes, counters and queries, where a cache operation is a real Redis
 * command and its result is known when its reply arrives.
 *
 * A strategy is (when, who): when to recompute (plain: on a miss; xfetch,
 * swr, refresh_ahead: also early or in the background) and who recomputes
 * (direct: every miss itself; lock, coalesce, lease).  The guards are Redis
 * keys taken with SET NX PX and a token, released only by their holder (a
 * compare-and-delete in the write script):
 *   lock      a lock step is one script: read the value, take the lock if
 *             the value is not fresh; waiters sleep `poll` and step again;
 *   lease     the get itself takes the lease when the value is not fresh;
 *   coalesce  node scope: the flight is a map in this process (a node's
 *             memory); global: the get takes the flight's guard when the
 *             value is not fresh, and the others wait for the holder's
 *             result on a pub/sub channel (no polling).
 * sflag bits: STARTED (first lock step done), DONE (left the lock loop),
 * WAITED (counted as a lock wait), JOINED (waits on a flight). */
#include "live_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/strategy.h"

enum { STARTED = 1, DONE = 2, WAITED = 4, JOINED = 8 };
enum { T_STEP = 1, T_POLL, T_GIVEUP, T_LEASE_RETRY, T_LEASE_GET, T_JOIN_GIVEUP, T_EARLY_TAKE, T_BG_TAKE };

/* ---------------------------------------------------------------- parameters */

static const void *param_ptr(const strategy_cfg *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->ops->nparams; i++)
        if (!strcmp(cfg->ops->params[i].name, name)) return (const char *)cfg->params + cfg->ops->params[i].offset;
    return NULL;
}

static double pnum(const strategy_cfg *cfg, const char *name)
{
    double v;
    memcpy(&v, param_ptr(cfg, name), sizeof v);
    return v;
}

static int penum(const strategy_cfg *cfg, const char *name)
{
    int v;
    memcpy(&v, param_ptr(cfg, name), sizeof v);
    return v;
}

static bool pbool(const strategy_cfg *cfg, const char *name)
{
    bool v;
    memcpy(&v, param_ptr(cfg, name), sizeof v);
    return v;
}

static const strategy_cfg *pstrat(const strategy_cfg *cfg)
{
    const strategy_cfg *v;
    memcpy(&v, param_ptr(cfg, "recompute"), sizeof v);
    return v;
}

int lstrat_setup(lstrat *st, const strategy_cfg *cfg, const scenario *sc, double keep_long, char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    const char *name = cfg->ops->name;
    const strategy_cfg *who = cfg;
    if (!strcmp(name, "xfetch")) {
        st->when = W_XFETCH;
        st->beta = pnum(cfg, "beta");
        st->async = penum(cfg, "refresh") == 1;
        who = pstrat(cfg);
    } else if (!strcmp(name, "swr")) {
        st->when = W_SWR;
        st->grace = pnum(cfg, "grace");
        who = pstrat(cfg);
    } else if (!strcmp(name, "refresh_ahead")) {
        st->when = W_RA;
        st->fraction = pnum(cfg, "fraction");
        who = pstrat(cfg);
    } else if (strcmp(name, "none") && strcmp(name, "lock") && strcmp(name, "coalesce") && strcmp(name, "lease")) {
        snprintf(err, errlen, "strategy \"%s\" has no live implementation (live runs none, lock, coalesce, xfetch, swr, "
                 "lease, refresh_ahead and their combinations)", name);
        return -1;
    }
    const char *wn = who ? who->ops->name : "none";
    bool stale = false;
    if (!strcmp(wn, "none")) {
        st->who = WHO_DIRECT;
    } else if (!strcmp(wn, "lock")) {
        st->who = WHO_LOCK;
        st->poll = pnum(who, "poll");
        st->max_wait = pnum(who, "max_wait");
        st->on_give_up = penum(who, "on_give_up");
        st->stale_while_locked = pbool(who, "stale_while_locked");
        st->lock_ttl = pnum(who, "lock_ttl");
        stale = st->stale_while_locked || st->on_give_up == LGIVE_STALE;
    } else if (!strcmp(wn, "coalesce")) {
        st->who = WHO_COALESCE;
        st->global = penum(who, "scope") == 1;
        st->max_wait = pnum(who, "max_wait");
        st->on_give_up = penum(who, "on_give_up");
        st->lock_ttl = keep_long;   /* the flight's guard: its holder always ends it */
        stale = st->on_give_up == LGIVE_STALE;
    } else if (!strcmp(wn, "lease")) {
        st->who = WHO_LEASE;
        st->lease_ttl = pnum(who, "lease_ttl");
        st->retry = pnum(who, "retry");
        st->accept_stale = pbool(who, "accept_stale");
        stale = st->accept_stale;
    } else {
        snprintf(err, errlen, "strategy \"%s\" cannot coordinate recomputes live", wn);
        return -1;
    }
    /* Redis keeps a value only as long as someone may read it: to its
     * expiry, or past it when the strategy serves expired values. */
    st->keep = stale ? keep_long : 0;
    if (st->when == W_SWR && st->grace > st->keep) st->keep = st->grace < keep_long ? st->grace : keep_long;
    (void)sc;
    return 0;
}

enum guard lstrat_first_guard(const lstrat *st, double *ttl)
{
    if (st->who == WHO_LEASE) {
        *ttl = st->lease_ttl;
        return G_LOCK;
    }
    if (st->who == WHO_COALESCE && st->global) {
        *ttl = st->lock_ttl;
        return G_FLIGHT;
    }
    *ttl = 0;
    return G_NONE;
}

/* The guard and ttl of who (lock, lease, global flight) for a take. */
static enum guard who_guard(const lstrat *st, double *ttl)
{
    if (st->who == WHO_LOCK) {
        *ttl = st->lock_ttl;
        return G_LOCK;
    }
    return lstrat_first_guard(st, ttl);
}

/* ---------------------------------------------------------------- shared steps */

static void give_up(live *L, uint32_t ai)
{
    lv_count(L, ai, CNT_GIVEUPS);
    if (L->st.on_give_up == LGIVE_ERROR) lv_fail(L, ai, FAIL_GAVE_UP);
    else if (L->st.on_give_up == LGIVE_STALE && L->att[ai].read_stale) lv_finish(L, ai, OUT_STALE);
    else if (lv_query(L, ai, CAUSE_GIVEUP, true, G_NONE, 0) == LNONE) lv_fail(L, ai, FAIL_REJECTED);
}

static void query_or_error(live *L, uint32_t ai, enum cause c, enum guard g, uint64_t tok)
{
    if (lv_query(L, ai, c, true, g, tok) == LNONE) lv_fail(L, ai, FAIL_REJECTED);
}

/* ---------------------------------------------------------------- coalesce */

static uint64_t flight_key(uint32_t node, uint32_t key) { return (uint64_t)node << 32 | key; }

/* The list of attempts waiting on a flight: a query's waiters (node scope)
 * or a token's list in fwait (global); newest first, linked by next/prev. */
static void push_waiter(live *L, uint32_t ai, uint32_t *head)
{
    latt *a = &L->att[ai];
    a->prev = LNONE;
    a->next = *head;
    if (*head) L->att[*head].prev = ai;
    *head = ai;
    a->sflag |= JOINED;
}

static void join_common(live *L, uint32_t ai)
{
    lv_count(L, ai, CNT_COALESCED);
    if (isfinite(L->st.max_wait)) lv_sleep(L, ai, L->st.max_wait, T_JOIN_GIVEUP);
}

static void unlink_waiter(live *L, uint32_t ai)
{
    latt *a = &L->att[ai];
    if (L->st.global) {
        uint32_t head = u64map_get(&L->fwait, a->flight);
        if (a->prev) L->att[a->prev].next = a->next;
        else head = a->next;
        if (a->next) L->att[a->next].prev = a->prev;
        if (head) { if (u64map_put(&L->fwait, a->flight, head)) L->fail = 1; }
        else u64map_del(&L->fwait, a->flight);
        a->flight = 0;
    } else {
        lquery *q = &L->q[a->query];
        if (a->prev) L->att[a->prev].next = a->next;
        else q->waiters = a->next;
        if (a->next) L->att[a->next].prev = a->prev;
    }
    a->next = a->prev = LNONE;
    a->sflag &= (uint8_t)~JOINED;
    lv_unjoin(L, ai);
}

/* Answers a list of waiters, oldest first: result 0 a value, else 1 + a failure. */
static void answer_list(live *L, uint32_t head, int result)
{
    uint32_t last = head;
    while (last && L->att[last].next) last = L->att[last].next;
    for (uint32_t ai = last; ai;) {
        uint32_t prev = L->att[ai].prev;
        latt *a = &L->att[ai];
        a->sflag &= (uint8_t)~JOINED;
        a->next = a->prev = LNONE;
        a->flight = 0;
        if (result) lv_fail(L, ai, (enum failure)(result - 1));
        else lv_finish(L, ai, OUT_WAITED);
        ai = prev;
    }
}

static void node_miss(live *L, uint32_t ai, const lview *v)
{
    latt *a = &L->att[ai];
    a->read_stale = v->present;
    uint32_t f = u64map_get(&L->flights, flight_key(a->node, a->key));
    if (f != LNONE) {
        lv_join(L, ai, f);
        push_waiter(L, ai, &L->q[f].waiters);
        join_common(L, ai);
        return;
    }
    uint32_t q = lv_query(L, ai, CAUSE_MISS, true, G_NONE, 0);
    if (q == LNONE) lv_fail(L, ai, FAIL_REJECTED);
    else if (u64map_put(&L->flights, flight_key(a->node, a->key), q)) L->fail = 1;
}

static void flight_issued(live *L, uint32_t qi, uint64_t tok)
{
    if (qi != LNONE && u64map_put(&L->fq, lv_token_hash(L, tok), qi)) L->fail = 1;
}

/* v is the get that also tried to take the flight's guard. */
static void global_miss(live *L, uint32_t ai, const lview *v)
{
    latt *a = &L->att[ai];
    a->read_stale = v->present;
    if (v->took) {
        uint32_t q = lv_query(L, ai, CAUSE_MISS, true, G_FLIGHT, v->tok);
        if (q == LNONE) lv_fail(L, ai, FAIL_REJECTED);
        else flight_issued(L, q, v->tok);
        return;
    }
    if (!v->holder) {   /* the guard vanished (a flush) between the two reads: alone */
        query_or_error(L, ai, CAUSE_MISS, G_NONE, 0);
        return;
    }
    uint32_t done = u64map_get(&L->fdone, v->holder);
    if (done) {         /* the flight ended before its reply reached us */
        if (done == 1) lv_finish(L, ai, OUT_WAITED);
        else lv_fail(L, ai, (enum failure)(done - 2));
        return;
    }
    uint32_t q = u64map_get(&L->fq, v->holder);
    if (q) lv_join(L, ai, q);   /* ours: it counts for "wasted" */
    else a->state = LS_QUERY;
    a->flight = v->holder;
    uint32_t head = u64map_get(&L->fwait, v->holder);
    push_waiter(L, ai, &head);
    if (u64map_put(&L->fwait, v->holder, head)) L->fail = 1;
    join_common(L, ai);
}

/* Remembers a finished flight for a while, for joiners whose reply is late. */
static void remember_done(live *L, uint64_t hash, int result)
{
    while (L->fdone_n && L->fdone_at[L->fdone_head] < L->now - 30) {
        u64map_del(&L->fdone, L->fdone_ring[L->fdone_head]);
        L->fdone_head = (L->fdone_head + 1) % L->fdone_cap;
        L->fdone_n--;
    }
    if (L->fdone_n == L->fdone_cap) {
        size_t ncap = L->fdone_cap ? L->fdone_cap * 2 : 256;
        uint64_t *r = malloc(ncap * sizeof *r);
        double *at = malloc(ncap * sizeof *at);
        if (!r || !at) { free(r); free(at); L->fail = 1; return; }
        for (size_t i = 0; i < L->fdone_n; i++) {
            r[i] = L->fdone_ring[(L->fdone_head + i) % L->fdone_cap];
            at[i] = L->fdone_at[(L->fdone_head + i) % L->fdone_cap];
        }
        free(L->fdone_ring);
        free(L->fdone_at);
        L->fdone_ring = r;
        L->fdone_at = at;
        L->fdone_cap = ncap;
        L->fdone_head = 0;
    }
    size_t i = (L->fdone_head + L->fdone_n++) % L->fdone_cap;
    L->fdone_ring[i] = hash;
    L->fdone_at[i] = L->now;
    if (u64map_put(&L->fdone, hash, (uint32_t)(1 + result))) L->fail = 1;
}

void lstrat_flight_done(live *L, uint64_t hash, int result)
{
    remember_done(L, hash, result);
    uint32_t head = u64map_get(&L->fwait, hash);
    if (!head) return;
    u64map_del(&L->fwait, hash);
    answer_list(L, head, result);
}

/* ---------------------------------------------------------------- lock and lease */

static void lock_step(live *L, uint32_t ai, const lview *v)
{
    latt *a = &L->att[ai];
    bool first = !(a->sflag & STARTED);
    a->sflag |= STARTED;
    if (v->fresh) {
        a->sflag |= DONE;
        lv_finish(L, ai, OUT_WAITED);
        return;
    }
    a->read_stale = v->present;
    if (v->took) {
        a->sflag |= DONE;
        query_or_error(L, ai, CAUSE_LOCK, G_LOCK, v->tok);
        return;
    }
    if (L->st.stale_while_locked && v->present) {
        a->sflag |= DONE;
        lv_finish(L, ai, OUT_STALE);
        return;
    }
    if (!(a->sflag & WAITED)) {
        a->sflag |= WAITED;
        lv_count(L, ai, CNT_LOCK_WAITS);
    }
    if (first && isfinite(L->st.max_wait)) lv_sleep(L, ai, L->st.max_wait, T_GIVEUP);
    lv_sleep(L, ai, L->st.poll, T_POLL);
}

/* A lease get's reply (the first, or one after waiting `retry`). */
static void lease_read(live *L, uint32_t ai, bool first, const lview *v)
{
    latt *a = &L->att[ai];
    if (v->fresh) {
        lv_finish(L, ai, first ? OUT_HIT : OUT_WAITED);
        return;
    }
    if (v->took) {
        query_or_error(L, ai, CAUSE_LEASE, G_LOCK, v->tok);
        return;
    }
    if (L->st.accept_stale && v->present) {
        lv_finish(L, ai, OUT_STALE);
        return;
    }
    if (!(a->sflag & WAITED)) {
        a->sflag |= WAITED;
        lv_count(L, ai, CNT_LOCK_WAITS);
    }
    lv_sleep(L, ai, L->st.retry, T_LEASE_RETRY);
}

/* ---------------------------------------------------------------- who */

/* att found no usable value (v: its get). */
static void who_miss(live *L, uint32_t ai, const lview *v)
{
    switch (L->st.who) {
    case WHO_DIRECT: query_or_error(L, ai, CAUSE_MISS, G_NONE, 0); break;
    case WHO_LOCK:
        L->att[ai].read_stale = v->present;
        lv_step(L, ai, G_LOCK, L->st.lock_ttl, T_STEP);
        break;
    case WHO_COALESCE:
        if (L->st.global) global_miss(L, ai, v);
        else node_miss(L, ai, v);
        break;
    case WHO_LEASE: lease_read(L, ai, true, v); break;
    }
}

enum { EARLY_NO, EARLY_ISSUED, EARLY_PENDING };

/* att wants an early or background refresh (cause c; wait: att waits for the
 * new value).  Issued now, declined (another recomputes) or rejected, or
 * pending: a guard take is on its way to Redis.  v is att's get, which may
 * have taken the guard already (lease, global coalesce). */
static int who_early(live *L, uint32_t ai, enum cause c, bool wait, const lview *v)
{
    const lstrat *st = &L->st;
    latt *a = &L->att[ai];
    uint32_t q = LNONE;
    double ttl;
    enum guard g = who_guard(st, &ttl);
    if (st->who == WHO_DIRECT) {
        q = lv_query(L, ai, c, wait, G_NONE, 0);
    } else if (st->who == WHO_COALESCE && !st->global) {
        uint64_t fk = flight_key(a->node, a->key);
        if (u64map_get(&L->flights, fk)) return EARLY_NO;
        q = lv_query(L, ai, c, wait, G_NONE, 0);
        if (q != LNONE && u64map_put(&L->flights, fk, q)) L->fail = 1;
    } else if (v->took) {
        q = lv_query(L, ai, c, wait, g, v->tok);
        if (g == G_FLIGHT) flight_issued(L, q, v->tok);
    } else if (wait) {
        lv_take(L, ai, g, ttl, T_EARLY_TAKE);
        return EARLY_PENDING;
    } else {
        uint32_t bi = lv_bg_new(L, a->key, a->node, a->req, a->counted, c);
        if (bi == LNONE) return EARLY_NO;
        lv_take(L, bi, g, ttl, T_BG_TAKE);
        return EARLY_PENDING;
    }
    if (q == LNONE) return EARLY_NO;
    lv_count(L, ai, CNT_EARLY_REFRESHES);
    return EARLY_ISSUED;
}

/* A guard taken for a refresh that was not used goes back. */
static void release_unused(live *L, uint32_t ai, const lview *v)
{
    if (!v->took) return;
    double ttl;
    enum guard g = who_guard(&L->st, &ttl);
    lv_release(L, L->att[ai].key, g, v->tok, false);
}

/* ---------------------------------------------------------------- when */

/* Whether a background refresh of the key was under way when read v ran in
 * Redis.  A read that found a value older than the last refresh's ran before
 * that refresh's value was written, while it was under way, though its reply
 * may arrive after the write's (on another connection). */
static bool busy_for(const live *L, uint32_t key, const lview *v)
{
    return L->busy[key] || (v->present && v->written < L->busy_end[key] - 1e-6);
}

void lstrat_lookup(live *L, uint32_t ai, const lview *v)
{
    const lstrat *st = &L->st;
    uint32_t key = L->att[ai].key;
    switch (st->when) {
    case W_PLAIN:
        if (v->fresh) lv_finish(L, ai, OUT_HIT);
        else who_miss(L, ai, v);
        return;
    case W_XFETCH: {
        if (!v->fresh) {
            who_miss(L, ai, v);
            return;
        }
        double u = 1.0 - rng_uniform(L->r[RNG_STRATEGY]);   /* (0, 1] */
        if (lv_now(L) - v->delta * st->beta * log(u) < v->expiry) {
            lv_finish(L, ai, OUT_HIT);
            return;
        }
        if (st->async) {
            who_early(L, ai, CAUSE_EARLY, false, v);
            lv_finish(L, ai, OUT_HIT);   /* started or not, the fresh value is served */
        } else if (who_early(L, ai, CAUSE_EARLY, true, v) == EARLY_NO) {
            lv_finish(L, ai, OUT_HIT);   /* declined or rejected: the still-fresh value */
        }
        return;
    }
    case W_SWR:
        if (v->fresh) {
            lv_finish(L, ai, OUT_HIT);
        } else if (v->present && lv_now(L) < v->expiry + st->grace) {
            if (!busy_for(L, key, v)) {
                if (who_early(L, ai, CAUSE_BACKGROUND, false, v) != EARLY_NO) L->busy[key] = 1;
            } else {
                release_unused(L, ai, v);
            }
            lv_finish(L, ai, OUT_STALE);
        } else {
            who_miss(L, ai, v);
        }
        return;
    case W_RA:
        if (!v->fresh) {
            who_miss(L, ai, v);
            return;
        }
        if (!busy_for(L, key, v) && lv_now(L) >= v->written + st->fraction * L->sc->cache.ttl &&
            who_early(L, ai, CAUSE_BACKGROUND, false, v) != EARLY_NO)
            L->busy[key] = 1;
        lv_finish(L, ai, OUT_HIT);
        return;
    }
}

void lstrat_wake(live *L, uint32_t ai, uint32_t tag, const lview *v)
{
    const lstrat *st = &L->st;
    latt *a = &L->att[ai];
    switch (tag) {
    case T_STEP:
        if (a->sflag & DONE) {   /* it gave up while the step was on its way */
            if (v->took) lv_release(L, a->key, G_LOCK, v->tok, false);
            return;
        }
        lock_step(L, ai, v);
        return;
    case T_POLL:
        if (!(a->sflag & DONE)) lv_step(L, ai, G_LOCK, st->lock_ttl, T_STEP);
        return;
    case T_GIVEUP:
        if (a->sflag & DONE) return;
        a->sflag |= DONE;
        give_up(L, ai);
        return;
    case T_LEASE_RETRY: lv_step(L, ai, G_LOCK, st->lease_ttl, T_LEASE_GET); return;
    case T_LEASE_GET: lease_read(L, ai, false, v); return;
    case T_JOIN_GIVEUP:
        if (!(a->sflag & JOINED)) return;
        unlink_waiter(L, ai);
        give_up(L, ai);
        return;
    case T_EARLY_TAKE: {   /* a synchronous early refresh's guard take */
        double ttl;
        enum guard g = who_guard(st, &ttl);
        uint32_t q = v->took ? lv_query(L, ai, CAUSE_EARLY, true, g, v->tok) : LNONE;
        if (q == LNONE) {
            lv_finish(L, ai, OUT_HIT);
        } else {
            if (g == G_FLIGHT) flight_issued(L, q, v->tok);
            lv_count(L, ai, CNT_EARLY_REFRESHES);
        }
        return;
    }
    case T_BG_TAKE: {      /* a background refresh's guard take */
        double ttl;
        enum guard g = who_guard(st, &ttl);
        uint32_t q = v->took ? lv_query(L, ai, (enum cause)a->cause, false, g, v->tok) : LNONE;
        if (q != LNONE) {
            if (g == G_FLIGHT) flight_issued(L, q, v->tok);
            lv_count(L, ai, CNT_EARLY_REFRESHES);
        } else if (st->when == W_SWR || st->when == W_RA) {
            L->busy[a->key] = 0;
        }
        lv_bg_end(L, ai);
        return;
    }
    }
}

void lstrat_query_done(live *L, uint32_t qi, bool ok)
{
    const lstrat *st = &L->st;
    lquery *q = &L->q[qi];
    if ((st->when == W_SWR || st->when == W_RA) && q->cause == CAUSE_BACKGROUND) {
        L->busy[q->key] = 0;
        L->busy_end[q->key] = q->t_end;
    }
    if (st->who == WHO_COALESCE && !st->global) {
        uint64_t fk = flight_key(q->node, q->key);
        if (u64map_get(&L->flights, fk) == qi) u64map_del(&L->flights, fk);
        lv_answer_issuer(L, qi, ok);
        uint32_t head = L->q[qi].waiters;
        L->q[qi].waiters = LNONE;
        answer_list(L, head, ok ? 0 : 1 + L->q[qi].fail);
        return;
    }
    if (st->who == WHO_COALESCE && q->token) {
        /* Its joiners hear the result on the channel, as other nodes do;
         * the query itself is gone. */
        uint64_t h = lv_token_hash(L, q->token);
        u64map_del(&L->fq, h);
        for (uint32_t ai = u64map_get(&L->fwait, h); ai; ai = L->att[ai].next)
            if (L->att[ai].query == qi) L->att[ai].query = LNONE;
    }
    lv_answer_issuer(L, qi, ok);
}

void lstrat_abandon(live *L, uint32_t ai)
{
    if (L->att[ai].sflag & JOINED) unlink_waiter(L, ai);
}

void lstrat_orphan_take(live *L, uint32_t key, uint32_t node, uint64_t req, bool counted, enum guard g, uint64_t tok)
{
    if (g != G_FLIGHT) {
        /* The simulator's step would have ended with its attempt: give it back. */
        lv_release(L, key, g, tok, false);
        return;
    }
    /* Others may have joined this flight already: it runs, as the work a
     * timed-out request started goes on. */
    uint32_t bi = lv_bg_new(L, key, node, req, counted, CAUSE_MISS);
    if (bi == LNONE) return;
    flight_issued(L, lv_query(L, bi, CAUSE_MISS, false, G_FLIGHT, tok), tok);
    lv_bg_end(L, bi);
}
