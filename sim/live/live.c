/* live.c - the live driver: one epoll loop that sends a scenario's requests at
 * their real times to Redis (hiredis async) and PostgreSQL (libpq
 * non-blocking) and counts what happens through account.h, as the simulator
 * does.  Invariants: every command sent to Redis has an op record until its
 * reply arrives (redis_pending counts them); a query is in service on exactly
 * one connection or waits in the FIFO queue; a run ends when no request,
 * query, command or fault is pending. */
#include "live_impl.h"

#include <errno.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "model/model.h"   /* run_metrics_setup */

enum fd_kind { FD_REDIS, FD_PG, FD_TIMER };

/* An async Redis connection and its place in the epoll set (hiredis's event
 * hooks turn reading and writing on and off). */
struct live_rconn {
    int kind;              /* FD_REDIS: first, as in every epoll payload */
    live *L;
    redisAsyncContext *ac; /* NULL once hiredis has freed it */
    int fd;
    bool reading, writing;
};

/* A PostgreSQL connection of the pool. */
struct live_conn {
    int kind;              /* FD_PG */
    live *L;
    PGconn *c;
    int fd;
    uint32_t query;        /* the query it serves, or LNONE when idle */
    bool want_write;       /* libpq has output it could not flush yet */
    bool got;              /* the query's row arrived */
    double t_done;
    char value[72];
};

static int timer_kind = FD_TIMER;

/* A command awaiting its reply. */
enum op_kind { OP_SETUP, OP_GET, OP_STEP, OP_TAKE, OP_WRITE, OP_WRITE_Q, OP_FLUSH };

typedef struct lop {
    double t_send;
    uint64_t tok, req;
    uint32_t att, gen, tag, key, node, next;
    uint8_t kind, guard, counted;
} lop;

/* The scripts.  Values are "expiry:written:delta:payload", the times in
 * wall-clock microseconds.  get: read the value and, when it is not fresh
 * at ARGV[1], take the guard KEYS[2] (SET NX PX); returns {value or nil,
 * 1 when it took the guard, the holder's token when it did not}.  write:
 * set the value (unless PX is 0), release the guard if ARGV[3] still holds
 * it (compare-and-delete), publish ARGV[5] on channel ARGV[4]. */
static const char script_get[] =
    "local v = redis.call('GET', KEYS[1])\n"
    "if v then\n"
    "  local e = tonumber(string.match(v, '^(%d+):'))\n"
    "  if e and e > tonumber(ARGV[1]) then return {v, 0, false} end\n"
    "end\n"
    "if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return {v, 1, false} end\n"
    "return {v, 0, redis.call('GET', KEYS[2])}\n";
static const char script_write[] =
    "if ARGV[2] ~= '0' then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end\n"
    "if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end\n"
    "if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[4], ARGV[5]) end\n"
    "return 1\n";

enum ev_kind { EV_ARRIVAL, EV_CLOSED, EV_RETRY, EV_WAKE, EV_TIMEOUT, EV_FAULT };

/* ---------------------------------------------------------------- small things */

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void tick(live *L) { L->now = mono() - L->t0_mono; }

static int64_t run_us(const live *L, double t) { return L->epoch_us + (int64_t)llround(t * 1e6); }

__attribute__((format(printf, 2, 3))) static void live_fail(live *L, const char *fmt, ...)
{
    if (L->fail) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->err, sizeof L->err, fmt, ap);
    va_end(ap);
    L->fail = 1;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h | 1;   /* never 0, which means "none" */
}

static void token_str(const live *L, uint64_t tok, char *buf, size_t n)
{
    snprintf(buf, n, "%s:%llu", L->run_id, (unsigned long long)tok);
}

uint64_t lv_token_hash(const live *L, uint64_t tok)
{
    char b[96];
    token_str(L, tok, b, sizeof b);
    return fnv1a(b);
}

static long long ttl_ms(double s)
{
    double ms = ceil(s * 1000.0);
    return ms < 1 ? 1 : ms > 9e15 ? 9000000000000000ll : (long long)ms;
}

static void key_name(const live *L, char *buf, size_t n, char kind, uint32_t key)
{
    snprintf(buf, n, "%s%c:%u", L->ns, kind, key);
}

static void guard_name(const live *L, char *buf, size_t n, enum guard g, uint32_t key)
{
    key_name(L, buf, n, g == G_FLIGHT ? 'f' : 'l', key);
}

void live_redact(const char *in, char *out, size_t n)
{
    /* user:password@ in a URL, password=... in a connection string */
    snprintf(out, n, "%s", in);
    char *at = strchr(out, '@'), *sep = strstr(out, "://");
    if (at && sep && at > sep) {
        char *colon = memchr(sep + 3, ':', (size_t)(at - (sep + 3)));
        if (colon) {
            char rest[1024];
            snprintf(rest, sizeof rest, "%s", at);
            snprintf(colon + 1, n - (size_t)(colon + 1 - out), "***%s", rest);
        }
    }
    char *pw = strstr(out, "password=");
    if (pw) {
        char *end = pw + 9;
        while (*end && *end != ' ') end++;
        char rest[1024];
        snprintf(rest, sizeof rest, "%s", end);
        snprintf(pw + 9, n - (size_t)(pw + 9 - out), "***%s", rest);
    }
}

/* ---------------------------------------------------------------- Redis URLs */

typedef struct rurl {
    bool is_unix;
    char host[256], path[512], user[128], pass[256];
    int port, db;
} rurl;

/* redis://[[user]:password@]host[:port][/db], unix://[[user]:password@]/path[?db=N], or a socket path. */
static int parse_redis_url(const char *u, rurl *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->port = 6379;
    const char *p;
    if (u[0] == '/') {
        r->is_unix = true;
        p = u;
    } else if (!strncmp(u, "unix://", 7) || !strncmp(u, "redis://", 8)) {
        r->is_unix = u[0] == 'u';
        p = u + (r->is_unix ? 7 : 8);
        const char *at = strchr(p, '@');
        if (at) {
            const char *colon = memchr(p, ':', (size_t)(at - p));
            if (!colon || (size_t)(colon - p) >= sizeof r->user || (size_t)(at - colon - 1) >= sizeof r->pass) goto bad;
            memcpy(r->user, p, (size_t)(colon - p));
            memcpy(r->pass, colon + 1, (size_t)(at - colon - 1));
            p = at + 1;
        }
    } else {
        goto bad;
    }
    if (r->is_unix) {
        const char *q = strchr(p, '?');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (!n || p[0] != '/' || n >= sizeof r->path) goto bad;
        memcpy(r->path, p, n);
        if (q) {
            char *end;
            if (strncmp(q, "?db=", 4)) goto bad;
            long db = strtol(q + 4, &end, 10);
            if (end == q + 4 || *end || db < 0 || db > 1000000) goto bad;
            r->db = (int)db;
        }
        return 0;
    }
    size_t n = strcspn(p, ":/");
    if (!n || n >= sizeof r->host) goto bad;
    memcpy(r->host, p, n);
    p += n;
    if (*p == ':') {
        char *end;
        long port = strtol(p + 1, &end, 10);
        if (end == p + 1 || port < 1 || port > 65535) goto bad;
        r->port = (int)port;
        p = end;
    }
    if (*p == '/' && p[1]) {
        char *end;
        long db = strtol(p + 1, &end, 10);
        if (end == p + 1 || *end || db < 0 || db > 1000000) goto bad;
        r->db = (int)db;
    } else if (*p && strcmp(p, "/")) {
        goto bad;
    }
    return 0;
bad:
    snprintf(err, errlen,
             "--redis: expected redis://[[user]:password@]host[:port][/db], unix://[[user]:password@]/path/to/socket[?db=N] "
             "or a socket path (got \"%s\")", u);
    return -1;
}

/* ---------------------------------------------------------------- op records */

static uint32_t op_new(live *L, uint8_t kind)
{
    uint32_t i;
    if (L->ops_free) {
        i = L->ops_free;
        L->ops_free = L->ops[i].next;
    } else {
        if (L->nops == L->ops_cap) {
            uint32_t ncap = L->ops_cap ? L->ops_cap * 2 : 1024;
            lop *no = realloc(L->ops, (size_t)ncap * sizeof *no);
            if (!no) { live_fail(L, "out of memory"); return 0; }
            L->ops = no;
            L->ops_cap = ncap;
            if (!L->nops) L->nops = 1;   /* 0 is "none" */
        }
        i = L->nops++;
    }
    memset(&L->ops[i], 0, sizeof L->ops[i]);
    L->ops[i].kind = kind;
    return i;
}

static void op_free(live *L, uint32_t i)
{
    L->ops[i].next = L->ops_free;
    L->ops_free = i;
}

/* An op for attempt ai: remembers what a reply for an ended attempt needs. */
static uint32_t op_for(live *L, uint8_t kind, uint32_t ai, uint32_t tag)
{
    uint32_t oi = op_new(L, kind);
    if (!oi) return 0;
    lop *o = &L->ops[oi];
    const latt *a = &L->att[ai];
    o->att = ai;
    o->gen = a->gen;
    o->tag = tag;
    o->key = a->key;
    o->node = a->node;
    o->req = a->req;
    o->counted = a->counted;
    o->t_send = mono() - L->t0_mono;
    return oi;
}

/* ---------------------------------------------------------------- Redis I/O */

static void rc_update(live_rconn *c)
{
    struct epoll_event e = { .events = (c->reading ? EPOLLIN : 0u) | (c->writing ? EPOLLOUT : 0u), .data.ptr = c };
    epoll_ctl(c->L->epfd, EPOLL_CTL_MOD, c->fd, &e);
}
static void rc_add_read(void *p) { live_rconn *c = p; if (!c->reading) { c->reading = true; rc_update(c); } }
static void rc_del_read(void *p) { live_rconn *c = p; if (c->reading) { c->reading = false; rc_update(c); } }
static void rc_add_write(void *p) { live_rconn *c = p; if (!c->writing) { c->writing = true; rc_update(c); } }
static void rc_del_write(void *p) { live_rconn *c = p; if (c->writing) { c->writing = false; rc_update(c); } }
static void rc_cleanup(void *p)
{
    live_rconn *c = p;
    epoll_ctl(c->L->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    c->ac = NULL;
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
    live_rconn *c = ac->data;
    (void)status;
    if (!c->L->closing) live_fail(c->L, "lost the connection to Redis");
}

static void on_reply(redisAsyncContext *ac, void *r, void *priv);

/* Sends a command for op oi on connection c. */
static void rsend(live *L, live_rconn *c, uint32_t oi, int argc, const char **argv, const size_t *lens)
{
    if (!oi) return;
    if (L->fail || !c->ac) {
        op_free(L, oi);
        live_fail(L, "lost the connection to Redis");
        return;
    }
    if (redisAsyncCommandArgv(c->ac, on_reply, (void *)(uintptr_t)oi, argc, argv, lens) != REDIS_OK) {
        op_free(L, oi);
        live_fail(L, "Redis: cannot send a command: %s", c->ac->errstr ? c->ac->errstr : "connection closed");
        return;
    }
    L->redis_pending++;
    if (L->stats) L->stats->redis_commands++;
}

/* argv with lengths from strlen. */
static void rsendv(live *L, live_rconn *c, uint32_t oi, int argc, const char **argv)
{
    size_t lens[16];
    for (int i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
    rsend(L, c, oi, argc, argv, lens);
}

static live_rconn *conn_of(const live *L, uint32_t node) { return L->rc[node % L->nrc]; }

static live_rconn *rconn_new(live *L, const rurl *u, char *err, size_t errlen)
{
    redisAsyncContext *ac = u->is_unix ? redisAsyncConnectUnix(u->path) : redisAsyncConnect(u->host, u->port);
    if (!ac || ac->err) {
        snprintf(err, errlen, "cannot connect to Redis: %s", ac ? ac->errstr : "out of memory");
        if (ac) redisAsyncFree(ac);
        return NULL;
    }
    live_rconn *c = calloc(1, sizeof *c);
    if (!c) {
        redisAsyncFree(ac);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->kind = FD_REDIS;
    c->L = L;
    c->ac = ac;
    c->fd = ac->c.fd;
    ac->data = c;
    ac->ev.data = c;
    ac->ev.addRead = rc_add_read;
    ac->ev.delRead = rc_del_read;
    ac->ev.addWrite = rc_add_write;
    ac->ev.delWrite = rc_del_write;
    ac->ev.cleanup = rc_cleanup;
    struct epoll_event e = { .events = 0, .data.ptr = c };
    epoll_ctl(L->epfd, EPOLL_CTL_ADD, c->fd, &e);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    if (u->pass[0]) {
        const char *a[] = { "AUTH", u->user, u->pass };
        if (u->user[0]) rsendv(L, c, op_new(L, OP_SETUP), 3, a);
        else { a[1] = u->pass; rsendv(L, c, op_new(L, OP_SETUP), 2, a); }
    }
    if (u->db) {
        char db[16];
        snprintf(db, sizeof db, "%d", u->db);
        const char *a[] = { "SELECT", db };
        rsendv(L, c, op_new(L, OP_SETUP), 2, a);
    }
    return c;
}

/* Parses a stored value into v, judged at the current time. */
static int parse_value(const live *L, const char *s, lview *v)
{
    char *end;
    long long e = strtoll(s, &end, 10);
    if (*end != ':') return -1;
    long long w = strtoll(end + 1, &end, 10);
    if (*end != ':') return -1;
    long long d = strtoll(end + 1, &end, 10);
    if (*end != ':') return -1;
    v->present = true;
    v->expiry = (double)(e - L->epoch_us) * 1e-6;
    v->written = (double)(w - L->epoch_us) * 1e-6;
    v->delta = (double)d * 1e-6;
    v->fresh = e > run_us(L, L->now);
    return 0;
}

static void reply_value(live *L, const redisReply *r, lview *v)
{
    if (r->type == REDIS_REPLY_STRING) {
        if (parse_value(L, r->str, v)) live_fail(L, "Redis: a value of this run's keys is not stampede's (\"%.40s\")", r->str);
    } else if (r->type != REDIS_REPLY_NIL) {
        live_fail(L, "Redis: unexpected reply type %d to a read", r->type);
    }
}

static void dispatch_reply(live *L, const lop *o, const lview *v)
{
    latt *a = &L->att[o->att];
    if (a->gen != o->gen || a->state == LS_FREE) {
        if (v->took)
            lstrat_orphan_take(L, o->key, o->node, o->req, o->counted, (enum guard)o->guard, o->tok);
        return;
    }
    if (o->tag == LV_TAG_LOOKUP) {
        acct_lookup(L->m, a->counted, v->fresh);
        a->state = LS_STRATEGY;
        lstrat_lookup(L, o->att, v);
    } else {
        lstrat_wake(L, o->att, o->tag, v);
    }
}

static void advance(live *L);
static void query_answer(live *L, uint32_t qi);

static void on_reply(redisAsyncContext *ac, void *r, void *priv)
{
    live_rconn *c = ac->data;
    live *L = c->L;
    uint32_t oi = (uint32_t)(uintptr_t)priv;
    if (L->closing) return;
    L->redis_pending--;
    lop o = L->ops[oi];
    op_free(L, oi);
    redisReply *rep = r;
    if (!rep) { live_fail(L, "lost the connection to Redis"); return; }
    if (rep->type == REDIS_REPLY_ERROR) { live_fail(L, "Redis: %s", rep->str); return; }
    if (L->fail || o.kind == OP_SETUP || o.kind == OP_WRITE || o.kind == OP_FLUSH) return;
    tick(L);
    advance(L);
    L->m->events++;
    if (o.kind == OP_WRITE_Q) {
        query_answer(L, o.att);
        return;
    }
    if (o.tag == LV_TAG_LOOKUP) hist_add(&L->stats->rtt, L->now - o.t_send);
    lview v = { 0 };
    switch (o.kind) {
    case OP_GET:
        reply_value(L, rep, &v);
        break;
    case OP_STEP:
        if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3) {
            live_fail(L, "Redis: unexpected reply to the guard script");
            return;
        }
        reply_value(L, rep->element[0], &v);
        v.took = rep->element[1]->type == REDIS_REPLY_INTEGER && rep->element[1]->integer == 1;
        if (v.took) v.tok = o.tok;
        else if (rep->element[2]->type == REDIS_REPLY_STRING) v.holder = fnv1a(rep->element[2]->str);
        /* Fresh is what the script decided when it ran (it neither took the
         * guard nor found a holder), not the time the reply arrived: a value
         * that expired on the way back must not look like a miss nobody
         * guards. */
        v.fresh = v.present && !v.took && !v.holder;
        break;
    case OP_TAKE:
        v.took = rep->type == REDIS_REPLY_STATUS;
        if (v.took) v.tok = o.tok;
        break;
    }
    if (L->fail) return;
    dispatch_reply(L, &o, &v);
}

/* Pub/sub: "<token>:ok", or "<token>:<failure>" (vocab_failure_names), when a
 * global flight ends. */
static void on_message(redisAsyncContext *ac, void *r, void *priv)
{
    live_rconn *c = ac->data;
    live *L = c->L;
    redisReply *rep = r;
    (void)priv;
    if (L->closing) return;
    if (!rep) { live_fail(L, "lost the pub/sub connection to Redis"); return; }
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements < 3 || rep->element[0]->type != REDIS_REPLY_STRING) return;
    if (!strcmp(rep->element[0]->str, "subscribe")) {
        L->sub_ready = true;
        return;
    }
    if (strcmp(rep->element[0]->str, "message") || rep->element[2]->type != REDIS_REPLY_STRING || !L->m) return;
    char tok[160];
    snprintf(tok, sizeof tok, "%s", rep->element[2]->str);
    char *colon = strrchr(tok, ':');
    if (!colon) return;
    *colon = 0;
    int result = 1 + FAIL_REJECTED;   /* a result we do not know fails as a rejection */
    if (!strcmp(colon + 1, "ok")) result = 0;
    for (int f = 0; f < FAIL_N; f++)
        if (!strcmp(colon + 1, vocab_failure_names[f])) result = 1 + f;
    tick(L);
    advance(L);
    L->m->events++;
    lstrat_flight_done(L, fnv1a(tok), result);
}

/* ---------------------------------------------------------------- the strategies' Redis calls */

void lv_get(live *L, uint32_t ai, uint32_t tag)
{
    char k[200];
    key_name(L, k, sizeof k, 'v', L->att[ai].key);
    const char *argv[] = { "GET", k };
    L->att[ai].state = tag == LV_TAG_LOOKUP ? LS_GET : LS_STRATEGY;
    rsendv(L, conn_of(L, L->att[ai].node), op_for(L, OP_GET, ai, tag), 2, argv);
}

void lv_step(live *L, uint32_t ai, enum guard g, double ttl, uint32_t tag)
{
    char k[200], gk[200], now[32], tok[96], ms[32];
    const latt *a = &L->att[ai];
    uint32_t oi = op_for(L, OP_STEP, ai, tag);
    if (!oi) return;
    L->ops[oi].tok = ++L->next_token;
    L->ops[oi].guard = (uint8_t)g;
    key_name(L, k, sizeof k, 'v', a->key);
    guard_name(L, gk, sizeof gk, g, a->key);
    snprintf(now, sizeof now, "%lld", (long long)run_us(L, mono() - L->t0_mono));
    token_str(L, L->ops[oi].tok, tok, sizeof tok);
    snprintf(ms, sizeof ms, "%lld", ttl_ms(ttl));
    const char *argv[] = { "EVALSHA", L->sha_get, "2", k, gk, now, tok, ms };
    L->att[ai].state = tag == LV_TAG_LOOKUP ? LS_GET : LS_STRATEGY;
    rsendv(L, conn_of(L, a->node), oi, 8, argv);
}

void lv_take(live *L, uint32_t ai, enum guard g, double ttl, uint32_t tag)
{
    char gk[200], tok[96], ms[32];
    const latt *a = &L->att[ai];
    uint32_t oi = op_for(L, OP_TAKE, ai, tag);
    if (!oi) return;
    L->ops[oi].tok = ++L->next_token;
    L->ops[oi].guard = (uint8_t)g;
    guard_name(L, gk, sizeof gk, g, a->key);
    token_str(L, L->ops[oi].tok, tok, sizeof tok);
    snprintf(ms, sizeof ms, "%lld", ttl_ms(ttl));
    const char *argv[] = { "SET", gk, tok, "NX", "PX", ms };
    if (a->state != LS_BG) L->att[ai].state = LS_STRATEGY;
    rsendv(L, conn_of(L, a->node), oi, 6, argv);
}

/* The write script: a value (px_ms 0: none), the guard to release, a flight
 * result to publish.  Returns its op, or 0 when it could not be sent. */
static uint32_t send_write(live *L, uint32_t node, uint32_t key, const char *value, long long px_ms, enum guard g,
                           uint64_t tok, const char *result)
{
    char k[200], gk[200], px[32], ts[96] = "", chan[200] = "", msg[128] = "";
    key_name(L, k, sizeof k, 'v', key);
    if (g != G_NONE) guard_name(L, gk, sizeof gk, g, key);
    else snprintf(gk, sizeof gk, "%s", k);
    snprintf(px, sizeof px, "%lld", px_ms);
    if (tok) token_str(L, tok, ts, sizeof ts);
    if (tok && g == G_FLIGHT && result) {
        snprintf(chan, sizeof chan, "stampede:%s:done", L->run_id);
        snprintf(msg, sizeof msg, "%s:%s", ts, result);
    }
    const char *argv[] = { "EVALSHA", L->sha_write, "2", k, gk, value ? value : "", px, ts, chan, msg };
    uint32_t oi = op_new(L, OP_WRITE);
    rsendv(L, conn_of(L, node), oi, 10, argv);
    return L->fail ? 0 : oi;
}

void lv_release(live *L, uint32_t key, enum guard g, uint64_t tok, bool publish)
{
    send_write(L, 0, key, NULL, 0, g, tok, publish ? vocab_failure_names[FAIL_REJECTED] : NULL);
}

/* ---------------------------------------------------------------- attempts */

static uint32_t att_alloc(live *L)
{
    uint32_t i;
    if (L->att_free) {
        i = L->att_free;
        L->att_free = L->att[i].next;
    } else {
        if (L->natt == L->att_cap) {
            uint32_t ncap = L->att_cap * 2;
            latt *na = realloc(L->att, (size_t)ncap * sizeof *na);
            if (!na) { live_fail(L, "out of memory"); return LNONE; }
            memset(na + L->att_cap, 0, (size_t)(ncap - L->att_cap) * sizeof *na);
            L->att = na;
            L->att_cap = ncap;
        }
        i = L->natt++;
    }
    L->att_live++;
    return i;
}

static void att_release(live *L, uint32_t i)
{
    latt *a = &L->att[i];
    uint32_t gen = a->gen + 1;
    memset(a, 0, sizeof *a);
    a->gen = gen;
    a->state = LS_FREE;
    a->next = L->att_free;
    L->att_free = i;
    L->att_live--;
}

static void sched(live *L, double t, uint32_t kind, uint32_t a, uint32_t b, uint32_t c)
{
    if (!engine_schedule(&L->eng, t, kind, a, b, c)) live_fail(L, "out of memory");
}

static void start_attempt(live *L, uint32_t ai)
{
    latt *a = &L->att[ai];
    acct_attempt(L->m, a->counted, a->no);
    a->query = LNONE;
    a->read_stale = a->issued = a->sflag = 0;
    a->flight = 0;
    a->next = a->prev = LNONE;
    if (L->sc->clients.timeout < INFINITY) sched(L, L->now + L->sc->clients.timeout, EV_TIMEOUT, ai, a->gen, 0);
    double ttl;
    enum guard g = lstrat_first_guard(&L->st, &ttl);
    if (g == G_NONE) lv_get(L, ai, LV_TAG_LOOKUP);
    else lv_step(L, ai, g, ttl, LV_TAG_LOOKUP);
}

static void new_request(live *L, double t_sched, uint32_t key, uint32_t node, uint32_t client)
{
    uint32_t ai = att_alloc(L);
    if (ai == LNONE) return;
    latt *a = &L->att[ai];
    a->req = L->next_req++;
    a->t_first = a->t_arr = L->now;
    a->key = key;
    a->node = node;
    a->client = client;
    a->no = 1;
    a->counted = t_sched >= L->sc->warmup && t_sched < L->sc->duration;
    hist_add(&L->stats->lag, L->now > t_sched ? L->now - t_sched : 0.0);
    start_attempt(L, ai);
}

uint32_t lv_bg_new(live *L, uint32_t key, uint32_t node, uint64_t req, bool counted, enum cause c)
{
    uint32_t bi = att_alloc(L);
    if (bi == LNONE) return LNONE;
    latt *b = &L->att[bi];
    b->state = LS_BG;
    b->key = key;
    b->node = node;
    b->req = req;
    b->counted = counted;
    b->cause = (uint8_t)c;
    b->t_first = b->t_arr = L->now;
    return bi;
}

void lv_bg_end(live *L, uint32_t bi) { att_release(L, bi); }

static void end_request(live *L, uint32_t ai)
{
    latt *a = &L->att[ai];
    uint32_t client = a->client;
    metrics_in_system(L->m, a->t_first, L->now);
    att_release(L, ai);
    if (client) {
        double t = L->now + dist_sample(&L->sc->clients.think, L->r[RNG_THINK]);
        if (t < L->sc->duration) {
            sched(L, t, EV_CLOSED, client - 1, 0, 0);
            L->closed_pending++;
        }
    }
}

void lv_unjoin(live *L, uint32_t ai)
{
    latt *a = &L->att[ai];
    if (a->query != LNONE) {
        L->q[a->query].waiting--;
        a->query = LNONE;
    }
}

void lv_join(live *L, uint32_t ai, uint32_t qi)
{
    latt *a = &L->att[ai];
    a->query = qi;
    a->state = LS_QUERY;
    L->q[qi].waiting++;
    L->q[qi].flags |= LQ_WAITERS;
}

/* Attempt ai ends now with outcome o: the attempt-level counts and its trace row. */
static void end_attempt(live *L, uint32_t ai, enum outcome o)
{
    latt *a = &L->att[ai];
    lv_unjoin(L, ai);
    acct_attempt_end(L->m, a->counted, o);
    if (L->trace_req)
        acct_trace_attempt(L->trace_req, a->req, a->no, a->node, a->key, a->t_arr, L->now, a->t_first, o, a->issued);
}

void lv_finish(live *L, uint32_t ai, enum outcome o)
{
    end_attempt(L, ai, o);
    acct_answered(L->m, L->att[ai].counted, L->now - L->att[ai].t_first);
    end_request(L, ai);
}

void lv_fail(live *L, uint32_t ai, enum failure f)
{
    latt *a = &L->att[ai];
    const scenario *sc = L->sc;
    end_attempt(L, ai, failure_outcome(f));
    if (a->no <= sc->clients.retries_max) {
        double d = sc->clients.backoff * pow(sc->clients.multiplier, (double)(a->no - 1));
        if (sc->clients.full_jitter) d *= rng_uniform(L->r[RNG_RETRIES]);
        if (L->now + d < sc->duration) {
            a->gen++;
            a->state = LS_BACKOFF;
            sched(L, L->now + d, EV_RETRY, ai, a->gen, 0);
            return;
        }
    }
    metrics_fail(L->m, a->counted, f);   /* no retry follows: the request failed */
    end_request(L, ai);
}

void lv_sleep(live *L, uint32_t ai, double dt, uint32_t tag)
{
    latt *a = &L->att[ai];
    if (a->state != LS_BG) a->state = LS_STRATEGY;
    sched(L, L->now + dt, EV_WAKE, ai, a->gen, tag);
}

void lv_count(live *L, uint32_t ai, enum counter c) { acct_count(L->m, L->att[ai].counted, c); }

/* ---------------------------------------------------------------- the database */

static double slowdown(const live *L, double t)
{
    double f = 1.0;
    for (size_t i = 0; i < L->sc->nfaults; i++) {
        const fault *ft = &L->sc->faults[i];
        if (ft->kind == FAULT_DB_SLOWDOWN && t >= ft->at && t < ft->until) f *= ft->factor;
    }
    return f;
}

static void pg_want_write(live *L, live_conn *c, bool on)
{
    if (c->want_write == on) return;
    c->want_write = on;
    struct epoll_event e = { .events = EPOLLIN | (on ? EPOLLOUT : 0u), .data.ptr = c };
    epoll_ctl(L->epfd, EPOLL_CTL_MOD, c->fd, &e);
}

static void start_service(live *L, uint32_t qi)
{
    lquery *q = &L->q[qi];
    double svc = dist_sample(&L->sc->db.latency, L->r[RNG_DB]) * slowdown(L, L->now);
    uint32_t ci = L->pg_idle[--L->nidle];
    live_conn *c = &L->pg[ci];
    q->svc = svc;
    q->t_start = L->now;
    q->conn = ci;
    c->query = qi;
    c->got = false;
    /* pg_sleep sleeps whole milliseconds, rounded up: asking for half a
     * millisecond less makes that a rounding to the nearest. */
    double arg = svc - L->db_overhead - 0.0005;
    char a1[40], a2[24];
    snprintf(a1, sizeof a1, "%.6f", arg > 0 ? arg : 0.0);
    snprintf(a2, sizeof a2, "%u", q->key % L->pg_rows);
    const char *vals[] = { a1, a2 };
    L->in_service++;
    if (!PQsendQueryPrepared(c->c, "stampede_q", 2, vals, NULL, NULL, 0)) {
        live_fail(L, "PostgreSQL: %s", PQerrorMessage(c->c));
        return;
    }
    int f = PQflush(c->c);
    if (f < 0) live_fail(L, "PostgreSQL: %s", PQerrorMessage(c->c));
    else pg_want_write(L, c, f == 1);
}

uint32_t lv_query(live *L, uint32_t ai, enum cause c, bool wait, enum guard g, uint64_t tok)
{
    latt *a = &L->att[ai];
    const scenario *sc = L->sc;
    bool has_worker = L->in_service < L->npg;
    if (!has_worker && sc->db.queue_limit != UNLIMITED && L->queued >= sc->db.queue_limit) {
        acct_rejected(L->m, a->counted);
        if (L->trace_db) acct_trace_query(L->trace_db, a->key, a->node, L->now, false, 0, L->now, c, a->req, "rejected");
        /* A lock's or lease's taker keeps it until its ttl (as the model);
         * a flight ends, and its joiners get the error. */
        if (tok && g == G_FLIGHT) lv_release(L, a->key, g, tok, true);
        return LNONE;
    }
    uint32_t qi;
    if (L->q_free) {
        qi = L->q_free;
        L->q_free = L->q[qi].next;
    } else {
        if (L->nq == L->q_cap) {
            uint32_t ncap = L->q_cap * 2;
            lquery *nq = realloc(L->q, (size_t)ncap * sizeof *nq);
            if (!nq) { live_fail(L, "out of memory"); return LNONE; }
            L->q = nq;
            L->q_cap = ncap;
        }
        qi = L->nq++;
    }
    a = &L->att[ai];
    lquery *q = &L->q[qi];
    *q = (lquery){ .t_issue = L->now, .req = a->req, .key = a->key, .node = a->node, .token = tok,
                   .guard = (uint8_t)g, .cause = (uint8_t)c, .out = c == CAUSE_EARLY ? OUT_REFRESH : OUT_FETCH,
                   .fail = FAIL_REJECTED, .flags = a->counted ? LQ_COUNTED : 0 };
    if (wait) {
        q->issuer = ai;
        q->issuer_gen = a->gen;
        a->issued = 1;
        lv_join(L, ai, qi);
    }
    acct_query_issue(L->m, a->counted, c, &L->grp_inflight[q->key], &L->grp_size[q->key], &L->grp_counted[q->key]);
    if (has_worker) {
        start_service(L, qi);
    } else {
        if (L->queued++) L->q[L->qtail].next = qi;
        else L->qhead = qi;
        L->qtail = qi;
    }
    metrics_db_level(L->m, L->now, L->in_service, L->queued);
    return qi;
}

void lv_answer_issuer(live *L, uint32_t qi, bool ok)
{
    lquery *q = &L->q[qi];
    uint32_t ai = q->issuer;
    if (ai == LNONE) return;
    latt *a = &L->att[ai];
    if (a->gen != q->issuer_gen || a->query != qi) return;
    if (ok) lv_finish(L, ai, (enum outcome)q->out);
    else lv_fail(L, ai, (enum failure)q->fail);
}

/* Query qi's row arrived: its value is written to Redis (with the guard's
 * release and a flight's result), a connection frees, and the strategy
 * answers whoever waits on it. */
static void query_finish(live *L, uint32_t qi, const char *value)
{
    const scenario *sc = L->sc;
    lquery *q = &L->q[qi];
    q->t_end = L->now;
    double err = (L->now - q->t_start) - q->svc;
    L->stats->svc_err_sum += err;
    if (!L->stats->svc_n++ || err > L->stats->svc_err_max) L->stats->svc_err_max = err;
    uint32_t wop = 0;
    if (sc->cache.ttl > 0) {
        double ttl = sc->cache.ttl;
        if (sc->cache.ttl_jitter > 0)
            ttl *= 1.0 + sc->cache.ttl_jitter * (2.0 * rng_uniform(L->r[RNG_JITTER]) - 1.0);
        char payload[160];
        snprintf(payload, sizeof payload, "%lld:%lld:%lld:%s", (long long)run_us(L, L->now + ttl),
                 (long long)run_us(L, L->now), (long long)llround((L->now - q->t_issue) * 1e6), value);
        wop = send_write(L, q->node, q->key, payload, ttl_ms(ttl + L->st.keep), (enum guard)q->guard, q->token, "ok");
    } else if (q->token) {
        send_write(L, q->node, q->key, NULL, 0, (enum guard)q->guard, q->token, "ok");
    }
    acct_query_done(L->m, (q->flags & (LQ_WAITERS | LQ_COUNTED)) == (LQ_WAITERS | LQ_COUNTED) && q->waiting == 0,
                    &L->grp_inflight[q->key]);
    if (L->trace_db)
        acct_trace_query(L->trace_db, q->key, q->node, q->t_issue, true, q->t_start, L->now, (enum cause)q->cause,
                         q->req, "ok");
    L->pg_idle[L->nidle++] = q->conn;
    L->in_service--;
    if (L->queued) {
        uint32_t next = L->qhead;
        L->qhead = L->q[next].next;
        L->q[next].next = LNONE;
        L->queued--;
        start_service(L, next);
    }
    metrics_db_level(L->m, L->now, L->in_service, L->queued);
    if (wop) {
        /* The recompute ends, and answers whoever waits on it, when Redis
         * has the value, as production code that sets the cache returns
         * after the set: until then a node's flight takes joiners and a
         * background refresh still counts as running, where they would
         * otherwise start a second query on a value on its way. */
        L->ops[wop].kind = OP_WRITE_Q;
        L->ops[wop].att = qi;
        return;
    }
    query_answer(L, qi);
}

/* The strategy answers whoever waits on finished query qi, which goes. */
static void query_answer(live *L, uint32_t qi)
{
    lstrat_query_done(L, qi, true);
    memset(&L->q[qi], 0, sizeof L->q[qi]);
    L->q[qi].next = L->q_free;
    L->q_free = qi;
}

static void pg_readable(live *L, live_conn *c)
{
    if (!PQconsumeInput(c->c)) {
        live_fail(L, "PostgreSQL: %s", PQerrorMessage(c->c));
        return;
    }
    while (!L->fail && !PQisBusy(c->c)) {
        PGresult *r = PQgetResult(c->c);
        if (!r) {
            if (c->query != LNONE && c->got) {
                uint32_t qi = c->query;
                c->query = LNONE;
                double now = L->now;
                L->now = c->t_done;   /* the row's arrival is the query's end */
                query_finish(L, qi, c->value);
                L->now = now;
            }
            return;
        }
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
            live_fail(L, "PostgreSQL: %s", PQresultStatus(r) == PGRES_TUPLES_OK ? "the query returned no row"
                                                                                  : PQresultErrorMessage(r));
        } else {
            snprintf(c->value, sizeof c->value, "%s", PQgetvalue(r, 0, 0));
            c->got = true;
            c->t_done = L->now;
        }
        PQclear(r);
    }
}

/* ---------------------------------------------------------------- the loop */

static void advance(live *L)
{
    if (L->now >= L->bin_end) {
        if (metrics_advance(L->m, L->now, L->in_service, L->queued)) live_fail(L, "out of memory");
        L->bin_end = (double)(L->m->cur + 1) * L->sc->bin;
    }
    if (!L->warm && L->now >= L->sc->warmup) {
        L->warm = true;
        metrics_db_level(L->m, L->now, L->in_service, L->queued);
    }
    L->last = L->now;
}

static void schedule_arrival(live *L)
{
    double t = arrivals_src_peek(&L->src);
    if (t < INFINITY) sched(L, t, EV_ARRIVAL, 0, 0, 0);
    else L->arrivals_done = true;
}

static void on_timeout(live *L, uint32_t ai)
{
    latt *a = &L->att[ai];
    if (a->state == LS_BACKOFF || a->state == LS_FREE || a->state == LS_BG) return;
    lstrat_abandon(L, ai);
    lv_fail(L, ai, FAIL_TIMEOUT);
}

static void dispatch_timer(live *L, const event *ev)
{
    switch (ev->kind) {
    case EV_ARRIVAL: {
        uint64_t id;
        double t;
        uint32_t key, node;
        int rc = arrivals_src_next(&L->src, &id, &t, &key, &node, L->err, sizeof L->err);
        if (rc < 0) { L->fail = 1; return; }
        if (rc == 1) new_request(L, t, key, node, LNONE);
        schedule_arrival(L);
        break;
    }
    case EV_CLOSED:
        L->closed_pending--;
        /* keys.count <= 2^32 here (the live driver refuses more) */
        new_request(L, ev->t, (uint32_t)arrivals_key(L->sc, L->kp, L->r[RNG_KEYS]),
                    arrivals_node(L->sc, L->r[RNG_NODES]), ev->a + 1);
        break;
    case EV_RETRY: {
        latt *a = &L->att[ev->a];
        a->no++;
        a->t_arr = L->now;
        a->node = arrivals_node(L->sc, L->r[RNG_RETRIES]);
        start_attempt(L, ev->a);
        break;
    }
    case EV_WAKE: lstrat_wake(L, ev->a, ev->c, NULL); break;
    case EV_TIMEOUT: on_timeout(L, ev->a); break;
    case EV_FAULT: {
        const char *argv[] = { "FLUSHDB" };
        L->faults_left--;
        rsendv(L, L->rc[0], op_new(L, OP_FLUSH), 1, argv);
        break;
    }
    default: break;
    }
}

static bool timer_stale(const live *L, const event *ev)
{
    if (ev->kind != EV_RETRY && ev->kind != EV_WAKE && ev->kind != EV_TIMEOUT) return false;
    const latt *a = &L->att[ev->a];
    return a->gen != ev->b || a->state == LS_FREE;
}

static void arm(live *L, double t)
{
    if (t == L->armed) return;
    L->armed = t;
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (t < INFINITY) {
        double abs = L->t0_mono + t;
        its.it_value.tv_sec = (time_t)abs;
        its.it_value.tv_nsec = (long)((abs - (double)its.it_value.tv_sec) * 1e9);
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
    }
    timerfd_settime(L->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Waits up to ms for the connections and the timer; handles what is ready. */
static void poll_io(live *L, int ms)
{
    struct epoll_event evs[64];
    int n = epoll_wait(L->epfd, evs, 64, ms);
    if (n < 0 && errno != EINTR) live_fail(L, "epoll_wait: %s", strerror(errno));
    for (int i = 0; i < n && !L->fail; i++) {
        int kind = *(int *)evs[i].data.ptr;
        if (kind == FD_TIMER) {
            uint64_t x;
            if (read(L->tfd, &x, sizeof x) < 0) { /* nothing to clear */ }
            L->armed = NAN;
        } else if (kind == FD_REDIS) {
            live_rconn *c = evs[i].data.ptr;
            if (c->ac && (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) redisAsyncHandleRead(c->ac);
            if (c->ac && (evs[i].events & EPOLLOUT)) redisAsyncHandleWrite(c->ac);
        } else {
            live_conn *c = evs[i].data.ptr;
            tick(L);
            if (L->m) {
                advance(L);
                L->m->events++;
            }
            if (evs[i].events & EPOLLOUT) {
                int f = PQflush(c->c);
                if (f < 0) live_fail(L, "PostgreSQL: %s", PQerrorMessage(c->c));
                else pg_want_write(L, c, f == 1);
            }
            if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) pg_readable(L, c);
        }
    }
}

/* Requests not yet ended (retries waiting included; background refreshes not). */
static uint64_t requests_open(const live *L)
{
    uint64_t n = 0;
    for (uint32_t i = 1; i < L->natt; i++) n += L->att[i].state != LS_FREE && L->att[i].state != LS_BG;
    return n;
}

static bool run_done(const live *L)
{
    return L->arrivals_done && !L->closed_pending && !L->att_live && !L->in_service && !L->queued &&
           !L->redis_pending && !L->faults_left;
}

/* ---------------------------------------------------------------- set-up */

static int sync_command(live *L, char *err, size_t errlen, int argc, const char **argv, redisReply **out)
{
    size_t lens[16];
    for (int i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
    redisReply *r = redisCommandArgv(L->sync, argc, argv, lens);
    if (!r) {
        snprintf(err, errlen, "Redis: %s", L->sync->errstr[0] ? L->sync->errstr : "connection lost");
        return -1;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        snprintf(err, errlen, "Redis: %s: %s", argv[0], r->str);
        freeReplyObject(r);
        return -1;
    }
    if (out) *out = r;
    else freeReplyObject(r);
    return 0;
}

static int load_script(live *L, const char *text, char *sha, char *err, size_t errlen)
{
    const char *argv[] = { "SCRIPT", "LOAD", text };
    redisReply *r;
    if (sync_command(L, err, errlen, 3, argv, &r)) return -1;
    snprintf(sha, 48, "%s", r->type == REDIS_REPLY_STRING ? r->str : "");
    freeReplyObject(r);
    return 0;
}

/* Pipelines n commands through the sync connection, replies checked in batches. */
typedef struct rpipe { live *L; size_t sent, got; } rpipe;

static int pipe_drain(rpipe *p, size_t keep, char *err, size_t errlen)
{
    while (p->sent - p->got > keep) {
        void *r;
        if (redisGetReply(p->L->sync, &r) != REDIS_OK) {
            snprintf(err, errlen, "Redis: %s", p->L->sync->errstr);
            return -1;
        }
        redisReply *rep = r;
        int bad = rep->type == REDIS_REPLY_ERROR;
        if (bad) snprintf(err, errlen, "Redis: %s", rep->str);
        freeReplyObject(rep);
        p->got++;
        if (bad) return -1;
    }
    return 0;
}

static int pipe_send(rpipe *p, int argc, const char **argv, char *err, size_t errlen)
{
    size_t lens[1100];
    for (int i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
    if (redisAppendCommandArgv(p->L->sync, argc, argv, lens) != REDIS_OK) {
        snprintf(err, errlen, "Redis: %s", p->L->sync->errstr);
        return -1;
    }
    p->sent++;
    return pipe_drain(p, 256, err, errlen);
}

/* Removes this run's keys (values, locks, flights): UNLINK by name. */
static int remove_keys(live *L, char *err, size_t errlen)
{
    enum { BATCH = 300 };
    static const char kinds[] = { 'v', 'l', 'f' };
    rpipe p = { L, 0, 0 };
    char (*names)[200] = malloc(BATCH * sizeof *names);
    const char **argv = malloc((BATCH + 1) * sizeof *argv);
    int rc = 0;
    if (!names || !argv) { snprintf(err, errlen, "out of memory"); rc = -1; }
    for (uint64_t k = 0; !rc && k < L->sc->keys.count; k += BATCH / 3) {
        int n = 0;
        argv[n++] = "UNLINK";
        for (uint64_t j = k; j < L->sc->keys.count && j < k + BATCH / 3; j++)
            for (int t = 0; t < 3; t++) {
                key_name(L, names[n - 1], sizeof names[0], kinds[t], (uint32_t)j);
                argv[n] = names[n - 1];
                n++;
            }
        rc = pipe_send(&p, n, argv, err, errlen);
    }
    if (!rc) rc = pipe_drain(&p, 0, err, errlen);
    free(names);
    free(argv);
    return rc;
}

/* Every key's first value ("spread" or "synchronized"), written before run
 * time 0, with the expiries the simulator draws. */
static int preload(live *L, char *err, size_t errlen)
{
    const scenario *sc = L->sc;
    if (!(sc->cache.ttl > 0) || sc->cache.initial == INIT_COLD) return 0;
    double delta = dist_mean(&sc->db.latency);
    rpipe p = { L, 0, 0 };
    for (uint64_t k = 0; k < sc->keys.count; k++) {
        double exp = sc->cache.initial == INIT_SYNCHRONIZED ? sc->cache.ttl
                                                            : sc->cache.ttl * (1.0 - rng_uniform(L->r[RNG_INITIAL]));
        char name[200], val[160], px[32];
        key_name(L, name, sizeof name, 'v', (uint32_t)k);
        snprintf(val, sizeof val, "%lld:%lld:%lld:initial", (long long)run_us(L, exp),
                 (long long)run_us(L, exp - sc->cache.ttl), (long long)llround(delta * 1e6));
        double left = exp - (mono() - L->t0_mono);   /* until its expiry, from now */
        snprintf(px, sizeof px, "%lld", ttl_ms(left + L->st.keep));
        const char *argv[] = { "SET", name, val, "PX", px };
        if (pipe_send(&p, 5, argv, err, errlen)) return -1;
    }
    return pipe_drain(&p, 0, err, errlen);
}

static int pg_open(live *L, char *err, size_t errlen)
{
    const scenario *sc = L->sc;
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(L->cfg.pg_conninfo, &perr);
    if (!opts) {
        snprintf(err, errlen, "--postgres: not a connection string or URI: %s", perr ? perr : "out of memory");
        if (perr) PQfreemem(perr);
        return -2;
    }
    PQconninfoFree(opts);
    uint32_t npg = (uint32_t)sc->db.workers;
    L->pg = calloc(npg, sizeof *L->pg);
    L->pg_idle = calloc(npg, sizeof *L->pg_idle);
    if (!L->pg || !L->pg_idle) { snprintf(err, errlen, "out of memory"); return -1; }
    L->npg = npg;
    L->pg_rows = sc->keys.count < 1024 ? (uint32_t)sc->keys.count : 1024;
    char setup[512];
    snprintf(setup, sizeof setup,
             "SET statement_timeout = '10s'; "
             "CREATE TEMPORARY TABLE stampede_values (k integer PRIMARY KEY, v text NOT NULL); "
             "INSERT INTO stampede_values SELECT k, md5(k::text) FROM generate_series(0, %u) AS k; "
             "RESET statement_timeout",
             L->pg_rows - 1);
    char red[1024];
    live_redact(L->cfg.pg_conninfo, red, sizeof red);
    for (uint32_t i = 0; i < L->npg; i++) {
        static const char *const kw[] = { "connect_timeout", "application_name", "dbname", NULL };
        const char *vals[] = { "10", "stampede-live", L->cfg.pg_conninfo, NULL };
        live_conn *c = &L->pg[i];
        c->kind = FD_PG;
        c->L = L;
        c->c = PQconnectdbParams(kw, vals, 1);
        if (!c->c || PQstatus(c->c) != CONNECTION_OK) {
            const char *m = c->c ? PQerrorMessage(c->c) : "out of memory";
            size_t n = strlen(m);
            while (n && (m[n - 1] == '\n' || m[n - 1] == ' ')) n--;
            snprintf(err, errlen, "cannot open PostgreSQL connection %u of %u (%s): %.*s", i + 1, L->npg, red, (int)n,
                     m);
            return -1;
        }
        PGresult *r = PQexec(c->c, setup);
        int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (ok) {
            r = PQprepare(c->c, "stampede_q", "SELECT v, pg_sleep($1::float8) FROM stampede_values WHERE k = $2::integer",
                          0, NULL);
            ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            PQclear(r);
        }
        if (!ok) {
            snprintf(err, errlen, "PostgreSQL: preparing the query failed: %s", PQerrorMessage(c->c));
            return -1;
        }
        L->pg_idle[L->nidle++] = i;
    }
    /* The statement's own time (round trip, parse, a row), to take off pg_sleep's. */
    double t[31];
    for (int i = 0; i < 31; i++) {
        const char *vals[] = { "0", "0" };
        double t0 = mono();
        PGresult *r = PQexecPrepared(L->pg[0].c, "stampede_q", 2, vals, NULL, NULL, 0);
        t[i] = mono() - t0;
        int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
        if (!ok) { snprintf(err, errlen, "PostgreSQL: %s", PQerrorMessage(L->pg[0].c)); return -1; }
    }
    for (int i = 1; i < 31; i++)   /* insertion sort: the median */
        for (int j = i; j > 0 && t[j] < t[j - 1]; j--) { double x = t[j]; t[j] = t[j - 1]; t[j - 1] = x; }
    L->db_overhead = t[15];
    for (uint32_t i = 0; i < L->npg; i++) {
        live_conn *c = &L->pg[i];
        if (PQsetnonblocking(c->c, 1)) { snprintf(err, errlen, "PostgreSQL: %s", PQerrorMessage(c->c)); return -1; }
        c->fd = PQsocket(c->c);
        struct epoll_event e = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(L->epfd, EPOLL_CTL_ADD, c->fd, &e)) { snprintf(err, errlen, "epoll: %s", strerror(errno)); return -1; }
    }
    return 0;
}

const char *live_refusal(const scenario *sc, char *buf, size_t n)
{
    if (sc->db.usl) {
        snprintf(buf, n, "%s: error: /db/overload: USL overload cannot run live: a real PostgreSQL has its own way of slowing "
                 "down (remove db.overload, or simulate it with stampede run)", sc->path);
        return buf;
    }
    const char *control = isfinite(sc->db.queue_timeout)       ? "/db/queue_timeout"
                          : isfinite(sc->db.statement_timeout) ? "/db/statement_timeout"
                          : sc->clients.cancel != CANCEL_NONE  ? "/clients/cancel"
                          : isfinite(sc->clients.retry_budget) ? "/clients/retries/budget"
                                                                : NULL;
    if (control) {
        snprintf(buf, n, "%s: error: %s: the overload controls do not run live yet (remove it to run the rest, or "
                 "simulate it with stampede run)", sc->path, control);
        return buf;
    }
    for (size_t i = 0; i < sc->nfaults; i++) {
        enum fault_kind k = sc->faults[i].kind;
        if (k == FAULT_CACHE_OUTAGE || k == FAULT_DB_OUTAGE || k == FAULT_NODE_CRASH) {
            snprintf(buf, n, "%s: error: /faults/%zu: a %s does not run live yet (remove it to run the rest, or "
                     "simulate it with stampede run)", sc->path, i, scenario_trigger_names[k]);
            return buf;
        }
    }
    if (isfinite(sc->cache.timeout)) {
        snprintf(buf, n, "%s: error: /cache/timeout: cache.timeout does not run live yet (remove it to run the rest, "
                 "or simulate it with stampede run)", sc->path);
        return buf;
    }
    if (sc->db.workers == UNLIMITED || sc->db.workers > 1000) {
        snprintf(buf, n, "%s: error: /db/workers: live opens one PostgreSQL connection per worker: give a number from 1 to "
                 "1000", sc->path);
        return buf;
    }
    if (sc->keys.count > 1000000) {
        snprintf(buf, n, "%s: error: /keys/count: live writes and removes every key of every run: at most 1000000 keys "
                 "(got %llu)", sc->path, (unsigned long long)sc->keys.count);
        return buf;
    }
    for (size_t i = 0; i < sc->nstrategies; i++) {
        lstrat st;
        char e[256];
        if (lstrat_setup(&st, &sc->strategies[i], sc, 1, e, sizeof e)) {
            snprintf(buf, n, "%s: error: /strategies/%zu: %s", sc->path, i, e);
            return buf;
        }
    }
    return NULL;
}

int live_open(live **out, const scenario *sc, const live_config *cfg, char *err, size_t errlen)
{
    *out = NULL;
    rurl u;
    if (parse_redis_url(cfg->redis_url, &u, err, errlen)) return -2;
    live *L = calloc(1, sizeof *L);
    if (!L) { snprintf(err, errlen, "out of memory"); return -1; }
    *out = L;
    L->sc = sc;
    L->cfg = *cfg;
    L->tfd = -1;
    L->epfd = epoll_create1(EPOLL_CLOEXEC);
    L->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (L->epfd < 0 || L->tfd < 0) { snprintf(err, errlen, "epoll: %s", strerror(errno)); return -1; }
    struct epoll_event te = { .events = EPOLLIN, .data.ptr = &timer_kind };
    epoll_ctl(L->epfd, EPOLL_CTL_ADD, L->tfd, &te);
    L->armed = NAN;
    unsigned rnd = (unsigned)(wall_us() ^ ((int64_t)getpid() << 20));
    snprintf(L->run_id, sizeof L->run_id, "%ld-%08x", (long)getpid(), rnd);

    char red[1024];
    live_redact(cfg->redis_url, red, sizeof red);
    struct timeval tv = { 10, 0 };
    L->sync = u.is_unix ? redisConnectUnixWithTimeout(u.path, tv) : redisConnectWithTimeout(u.host, u.port, tv);
    if (!L->sync || L->sync->err) {
        snprintf(err, errlen, "cannot connect to Redis at %s: %s", red, L->sync ? L->sync->errstr : "out of memory");
        return -1;
    }
    redisSetTimeout(L->sync, tv);   /* every set-up and clean-up command is bounded too */
    if (u.pass[0]) {
        const char *a3[] = { "AUTH", u.user, u.pass }, *a2[] = { "AUTH", u.pass };
        if (u.user[0] ? sync_command(L, err, errlen, 3, a3, NULL) : sync_command(L, err, errlen, 2, a2, NULL)) return -1;
    }
    if (u.db) {
        char db[16];
        snprintf(db, sizeof db, "%d", u.db);
        const char *a[] = { "SELECT", db };
        if (sync_command(L, err, errlen, 2, a, NULL)) return -1;
    }
    const char *ping[] = { "PING" };
    if (sync_command(L, err, errlen, 1, ping, NULL)) return -1;
    if (load_script(L, script_get, L->sha_get, err, errlen) || load_script(L, script_write, L->sha_write, err, errlen))
        return -1;

    int rc = pg_open(L, err, errlen);
    if (rc) return rc;

    uint32_t nrc = sc->app.nodes < 8 ? sc->app.nodes : 8;
    L->rc = calloc(nrc, sizeof *L->rc);
    if (!L->rc) { snprintf(err, errlen, "out of memory"); return -1; }
    L->nrc = nrc;
    for (uint32_t i = 0; i < L->nrc; i++)
        if (!(L->rc[i] = rconn_new(L, &u, err, errlen))) return -1;
    if (!(L->sub = rconn_new(L, &u, err, errlen))) return -1;
    char chan[200];
    snprintf(chan, sizeof chan, "stampede:%s:done", L->run_id);
    const char *sargv[] = { "SUBSCRIBE", chan };
    size_t slen[] = { 9, strlen(chan) };
    if (redisAsyncCommandArgv(L->sub->ac, on_message, NULL, 2, sargv, slen) != REDIS_OK) {
        snprintf(err, errlen, "Redis: cannot subscribe");
        return -1;
    }
    /* Wait for the connections' set-up replies and the subscription. */
    double deadline = mono() + 10;
    while ((L->redis_pending || !L->sub_ready) && !L->fail && mono() < deadline) poll_io(L, 50);
    if (L->fail || !L->sub_ready) {
        snprintf(err, errlen, "Redis at %s: %s", red, L->fail ? L->err : "no answer to SUBSCRIBE within 10 s");
        return -1;
    }
    return 0;
}

void live_close(live *L)
{
    if (!L) return;
    L->closing = true;
    for (uint32_t i = 0; i < L->nrc; i++) {
        if (L->rc[i] && L->rc[i]->ac) redisAsyncFree(L->rc[i]->ac);
        free(L->rc[i]);
    }
    free(L->rc);
    if (L->sub) {
        if (L->sub->ac) redisAsyncFree(L->sub->ac);
        free(L->sub);
    }
    if (L->sync) redisFree(L->sync);
    for (uint32_t i = 0; i < L->npg; i++)
        if (L->pg[i].c) PQfinish(L->pg[i].c);
    free(L->pg);
    free(L->pg_idle);
    free(L->ops);
    if (L->epfd >= 0) close(L->epfd);
    if (L->tfd >= 0) close(L->tfd);
    free(L);
}

/* ---------------------------------------------------------------- a run */

static void run_free(live *L)
{
    engine_free(&L->eng);
    for (unsigned p = 0; p < RNG_NPURPOSES; p++) {
        rng_free(L->r[p]);
        L->r[p] = NULL;
    }
    keypick_free(L->kp);
    L->kp = NULL;
    arrivals_src_free(&L->src);
    free(L->att);
    free(L->q);
    free(L->busy);
    free(L->busy_end);
    free(L->grp_inflight);
    free(L->grp_size);
    free(L->grp_counted);
    free(L->fdone_ring);
    free(L->fdone_at);
    u64map_free(&L->flights);
    u64map_free(&L->fwait);
    u64map_free(&L->fdone);
    u64map_free(&L->fq);
    L->att = NULL;
    L->q = NULL;
    L->busy = NULL;
    L->busy_end = NULL;
    L->grp_inflight = L->grp_size = NULL;
    L->grp_counted = NULL;
    L->fdone_ring = NULL;
    L->fdone_at = NULL;
    L->m = NULL;
    L->stats = NULL;
}

static int run_setup(live *L, size_t si, char *err, size_t errlen)
{
    const scenario *sc = L->sc;
    /* A value that may be read after its expiry stays this long, and a
     * flight's guard holds this long at most: the run and its drain. */
    double keep_long = sc->duration + L->cfg.max_drain + 60;
    if (lstrat_setup(&L->st, &sc->strategies[si], sc, keep_long, err, errlen)) return -2;
    snprintf(L->ns, sizeof L->ns, "stampede:%s:%zu:", L->run_id, si);
    if (engine_init(&L->eng, 1024)) goto nomem;
    for (unsigned p = 0; p < RNG_NPURPOSES; p++)
        if (!(L->r[p] = rng_new(sc->seed, p, 0))) goto nomem;
    if (sc->keys.count > 1 && !(L->kp = keypick_new(sc->keys.count, sc->keys.zipf_s))) goto nomem;
    if (arrivals_src_init(&L->src, sc, L->r[RNG_ARRIVALS], L->r[RNG_KEYS], L->r[RNG_NODES], L->kp, L->stop, err, errlen))
        return -1;
    L->att_cap = L->q_cap = 1024;
    L->natt = L->nq = 1;
    L->att_free = L->q_free = 0;
    L->att_live = 0;
    L->att = calloc(L->att_cap, sizeof *L->att);
    L->q = calloc(L->q_cap, sizeof *L->q);
    L->busy = calloc(sc->keys.count, 1);
    L->busy_end = calloc(sc->keys.count, sizeof *L->busy_end);
    L->grp_inflight = calloc(sc->keys.count, sizeof *L->grp_inflight);
    L->grp_size = calloc(sc->keys.count, sizeof *L->grp_size);
    L->grp_counted = calloc(sc->keys.count, 1);
    if (!L->att || !L->q || !L->busy || !L->busy_end || !L->grp_inflight || !L->grp_size || !L->grp_counted) goto nomem;
    for (uint64_t k = 0; k < sc->keys.count; k++) L->busy_end[k] = -INFINITY;
    L->in_service = L->queued = 0;
    L->qhead = L->qtail = 0;
    L->next_req = 0;
    L->arrivals_done = false;
    L->closed_pending = 0;
    L->faults_left = 0;
    L->fail = 0;
    L->err[0] = 0;
    L->warm = sc->warmup <= 0;
    L->bin_end = sc->bin;
    L->last = 0;
    L->fdone_head = L->fdone_n = L->fdone_cap = 0;
    L->armed = NAN;   /* the timer may still be set for the last run's events */
    return 0;
nomem:
    snprintf(err, errlen, "out of memory setting up the run");
    return -1;
}

int live_run(live *L, size_t si, metrics *m, live_stats *st, FILE *treq, FILE *tdb, volatile int *stop, char *err,
             size_t errlen)
{
    const scenario *sc = L->sc;
    L->stop = stop;
    int rc = run_setup(L, si, err, errlen);
    if (rc) {
        run_free(L);
        return -1;
    }
    if (run_metrics_setup(sc, m)) {
        snprintf(err, errlen, "out of memory setting up the run");
        run_free(L);
        return -1;
    }
    L->m = m;
    L->stats = st;
    L->trace_req = treq;
    L->trace_db = tdb;
    st->db_overhead = L->db_overhead;
    st->redis_connections = L->nrc + 1;
    st->pg_connections = L->npg;

    /* Run time 0 comes after the initial values are written. */
    double plan = 0.2 + (double)sc->keys.count * 20e-6;
    double m0 = mono();
    L->epoch_us = wall_us() + (int64_t)llround(plan * 1e6);
    L->t0_mono = m0 + plan;
    if (preload(L, err, errlen)) goto failed;
    if (mono() > L->t0_mono) {
        snprintf(err, errlen, "writing the %llu initial values took longer than the %.2f s planned",
                 (unsigned long long)sc->keys.count, plan);
        goto failed;
    }
    while (mono() < L->t0_mono) {
        double left = L->t0_mono - mono();
        struct timespec ts = { (time_t)left, (long)((left - (double)(time_t)left) * 1e9) };
        nanosleep(&ts, NULL);
    }
    tick(L);

    for (size_t i = 0; i < sc->nfaults; i++)
        if (sc->faults[i].kind == FAULT_CACHE_FLUSH) {
            sched(L, sc->faults[i].at, EV_FAULT, (uint32_t)i, 0, 0);
            L->faults_left++;
        }
    if (sc->clients.kind == ARR_CLOSED)
        for (uint64_t c = 0; c < sc->clients.population; c++) {
            sched(L, 0.0, EV_CLOSED, (uint32_t)c, 0, 0);
            L->closed_pending++;
        }
    schedule_arrival(L);

    /* The drain: as the simulator's (the scenario's drain), and no longer
     * than --max-drain.  A live run cannot leave real work behind, so one
     * that has not drained by then fails rather than being cut. */
    double drain = sc->drain < L->cfg.max_drain ? sc->drain : L->cfg.max_drain;
    bool past = false;
    m->drain = drain;
    rc = 0;
    for (;;) {
        if (stop && *stop) { rc = 1; break; }
        tick(L);
        if (!past && L->now >= sc->duration) {
            past = true;
            m->flight_requests = requests_open(L);
            m->flight_queries = L->in_service + L->queued;
        }
        event ev;
        while (!L->fail && engine_peek_time(&L->eng) <= L->now && engine_pop(&L->eng, &ev)) {
            if (timer_stale(L, &ev)) continue;
            advance(L);
            m->events++;
            dispatch_timer(L, &ev);
            tick(L);
        }
        if (L->fail || run_done(L)) break;
        if (L->now > sc->duration + drain) {
            live_fail(L, "the stack did not drain within %g s after duration (%llu requests open, %llu queries in "
                      "service and %llu queued); raise %s or lighten the scenario", drain,
                      (unsigned long long)requests_open(L), (unsigned long long)L->in_service,
                      (unsigned long long)L->queued, drain < sc->drain ? "--max-drain" : "the scenario's drain");
            break;
        }
        arm(L, engine_peek_time(&L->eng));
        poll_io(L, 100);
    }
    if (L->fail) {
        snprintf(err, errlen, "%s", L->err);
        rc = -1;
    }
    if (rc == 0) {
        metrics_close(m, L->last);
        for (uint64_t k = 0; k < sc->keys.count; k++) metrics_group_close(m, L->grp_size[k], L->grp_counted[k]);
    }
    {
        char e2[256];
        if (remove_keys(L, e2, sizeof e2) && rc == 0) {
            snprintf(err, errlen, "%s", e2);
            rc = -1;
        }
    }
    run_free(L);
    return rc;
failed:
    {
        char e2[256];
        remove_keys(L, e2, sizeof e2);   /* the initial values written so far */
    }
    run_free(L);
    return -1;
}
