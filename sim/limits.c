/* limits.c - what a run will cost, estimated from its scenario before it
 * starts, and the message that refuses it: the estimate, the fields to change
 * and --force.  Every estimate errs low, so a refusal is a real excess. */
#include "limits.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine.h"
#include "metrics.h"
#include "model.h"

#define REQUESTS_PER_SECOND 1e6   /* simulation speed, conservatively (one core) */
#define KEYS_PER_SECOND 2e7       /* setting a key up: its value, its Zipf weight */
#define ROWS_PER_SECOND 2e6       /* writing time-series rows */
#define ALIAS_BYTES 8             /* a Zipf alias-table slot per key (rng.c) */

/* The mean of a delay distribution (math.h only: no GSL error handler). */
static double mean_of(const dist *d)
{
    double a = d->p1, b = d->p2;
    switch (d->kind) {
    case DIST_UNIFORM:
        return (a + b) / 2;
    case DIST_LOGNORMAL:
        return a * exp(b * b / 2);
    case DIST_WEIBULL:
        return a * tgamma(1 + 1 / b);
    case DIST_PARETO:
        return b > 1 ? b * a / (b - 1) : INFINITY;
    default:   /* constant, exponential, gamma: p1; normal: its mean before truncation */
        return a;
    }
}

/* A delay most samples reach: the minimum where there is one, else the median. */
static double typical_of(const dist *d)
{
    double a = d->p1, b = d->p2;
    switch (d->kind) {
    case DIST_EXPONENTIAL:
        return a * log(2);
    case DIST_WEIBULL:
        return a * pow(log(2), 1 / b);
    case DIST_GAMMA:
        return b >= 1 ? a * (1 - 1 / (3 * b)) : 0;
    default:   /* constant, uniform (min), normal (mean), lognormal (median), pareto (scale: the min) */
        return a;
    }
}

/* First attempts of one run: arrivals before duration and the bursts in it. */
static double requests_of(const scenario *sc)
{
    double n = 0, T = sc->duration;
    switch (sc->clients.kind) {
    case ARR_RATE:
        n = sc->clients.rate * T;
        break;
    case ARR_SCHEDULE:
        /* Each step's rate holds from its "at" to the next one (none before the first). */
        for (size_t i = 0; i < sc->clients.nsteps; i++) {
            double from = sc->clients.steps[i].at;
            double to = i + 1 < sc->clients.nsteps ? sc->clients.steps[i + 1].at : T;
            if (to > T) to = T;
            if (to > from) n += sc->clients.steps[i].rate * (to - from);
        }
        break;
    case ARR_CLOSED: {
        /* A client's cycle is at least its think time and a cache get, and a
         * query too when nothing is ever cached. */
        double cycle = mean_of(&sc->clients.think) + mean_of(&sc->cache.latency) +
                       (sc->cache.ttl > 0 ? 0 : mean_of(&sc->db.latency));
        double pop = (double)sc->clients.population;
        n = cycle > 0 ? pop * T / cycle : INFINITY;
        if (n < pop) n = pop;
        break;
    }
    case ARR_TRACE:   /* read as a stream; its length is not known beforehand */
        break;
    }
    for (size_t i = 0; i < sc->clients.nbursts; i++)
        if (sc->clients.bursts[i].at < T) n += (double)sc->clients.bursts[i].requests;
    return n;
}

/* The simulated end: duration, then queries in flight finish (a typical DB
 * latency at least); a cache_flush is simulated even after duration.  why
 * (n bytes, may be NULL) says which. */
static double end_of(const scenario *sc, char *why, size_t n)
{
    double db = typical_of(&sc->db.latency), end = sc->duration + typical_of(&sc->cache.latency) + db;
    if (why) snprintf(why, n, "duration %g s, then a DB latency of %g s", sc->duration, db);
    for (size_t i = 0; i < sc->nfaults; i++)
        if (sc->faults[i].kind == FAULT_CACHE_FLUSH && sc->faults[i].at > end) {
            end = sc->faults[i].at;
            if (why) snprintf(why, n, "a cache_flush fault at %g s", end);
        }
    return end;
}

static double available_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    double avail = pages > 0 && size > 0 ? (double)pages * (double)size : INFINITY;
    const int res[] = { RLIMIT_AS, RLIMIT_DATA };
    for (size_t i = 0; i < sizeof res / sizeof *res; i++) {
        struct rlimit rl;
        if (getrlimit(res[i], &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (double)rl.rlim_cur < avail)
            avail = (double)rl.rlim_cur;
    }
    return avail;
}

void limits_estimate_of(const scenario *sc, size_t nruns, limits_estimate *e)
{
    double keys = (double)sc->keys.count, runs = (double)nruns;
    e->requests = requests_of(sc);
    e->end = end_of(sc, NULL, 0);
    e->bins = ceil(e->end / sc->bin);
    double key_bytes = sizeof(keystate) + (sc->keys.zipf_s > 0 && sc->keys.count > 1 ? ALIAS_BYTES : 0);
    double client_bytes = sc->clients.kind == ARR_CLOSED
                              ? (double)sc->clients.population * (sizeof(attempt) + 2 * sizeof(event))
                              : 0;
    /* The rows array doubles as it grows: twice the rows during a copy. */
    e->memory = keys * key_bytes + client_bytes + 2 * e->bins * sizeof(ts_row);
    e->available = available_memory();
    e->seconds = runs * (e->requests / REQUESTS_PER_SECOND + keys / KEYS_PER_SECOND + e->bins / ROWS_PER_SECOND);
}

/* ---- messages ---- */

typedef struct msgbuf {
    char *s;
    size_t len, n;
    const char *file, *level;
} msgbuf;

__attribute__((format(printf, 2, 3)))
static void line(msgbuf *b, const char *fmt, ...)
{
    if (!b->len) return;
    int k = b->n ? snprintf(b->s + b->n, b->len - b->n, "\n") : 0;
    if (k > 0) b->n += (size_t)k;
    if (b->n < b->len) {
        k = snprintf(b->s + b->n, b->len - b->n, "%s: %s: ", b->file, b->level);
        if (k > 0) b->n += (size_t)k;
    }
    if (b->n < b->len) {
        va_list ap;
        va_start(ap, fmt);
        k = vsnprintf(b->s + b->n, b->len - b->n, fmt, ap);
        va_end(ap);
        if (k > 0) b->n += (size_t)k;
    }
    if (b->n >= b->len) b->n = b->len - 1;
}

static void fmt_bytes(char *buf, size_t n, double x)
{
    static const char *const units[] = { "bytes", "KB", "MB", "GB", "TB", "PB", "EB" };
    size_t u = 0;
    while (x >= 1000 && u + 1 < sizeof units / sizeof *units) {
        x /= 1000;
        u++;
    }
    if (!isfinite(x)) snprintf(buf, n, "unbounded memory");
    else if (x >= 1000) snprintf(buf, n, "%.2g %s", x, units[u]);
    else snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", x, units[u]);
}

static void fmt_time(char *buf, size_t n, double s)
{
    if (!isfinite(s)) snprintf(buf, n, "forever");
    else if (s < 120) snprintf(buf, n, "about %.0f s", s);
    else if (s < 7200) snprintf(buf, n, "about %.0f minutes", s / 60);
    else if (s < 172800) snprintf(buf, n, "about %.0f hours", s / 3600);
    else if (s < 3.15e9) snprintf(buf, n, "about %.0f days", s / 86400);
    else snprintf(buf, n, "about %.0f years", s / 3.156e7);
}

/* How the requests come about (how), and which fields lower them (fields). */
static void requests_origin(const scenario *sc, char *how, size_t n, char *fields, size_t nf)
{
    const char *f = "duration";
    double bursts = 0;
    for (size_t i = 0; i < sc->clients.nbursts; i++)
        if (sc->clients.bursts[i].at < sc->duration) bursts += (double)sc->clients.bursts[i].requests;
    size_t k = 0;
    switch (sc->clients.kind) {
    case ARR_RATE:
        k = (size_t)snprintf(how, n, "rate %g/s for %g s", sc->clients.rate, sc->duration);
        f = "clients.arrivals.rate or duration";
        break;
    case ARR_SCHEDULE:
        k = (size_t)snprintf(how, n, "the schedule's rates over %g s", sc->duration);
        f = "the rates of clients.arrivals.schedule or duration";
        break;
    case ARR_CLOSED: {
        double cycle = mean_of(&sc->clients.think) + mean_of(&sc->cache.latency) +
                       (sc->cache.ttl > 0 ? 0 : mean_of(&sc->db.latency));
        k = (size_t)snprintf(how, n, "%llu closed-loop clients for %g s, a request every %g s each",
                             (unsigned long long)sc->clients.population, sc->duration, cycle);
        f = "clients.arrivals.closed.population or duration, or raise its think time";
        break;
    }
    case ARR_TRACE:
        k = (size_t)snprintf(how, n, "the trace");
        break;
    }
    if (bursts > 0 && k < n) {
        snprintf(how + k, n - k, ", and %g burst requests", bursts);
        if (sc->clients.kind == ARR_TRACE) snprintf(fields, nf, "the requests of clients.bursts");
        else snprintf(fields, nf, "%s, or the requests of clients.bursts", f);
    } else {
        snprintf(fields, nf, "%s", f);
    }
}

int limits_check_runs(const scenario *sc, size_t nruns, bool force, char *msg, size_t len)
{
    limits_estimate e;
    limits_estimate_of(sc, nruns ? nruns : 1, &e);
    msgbuf b = { msg, len, 0, sc->path, force ? "warning" : "error" };
    if (len) msg[0] = 0;
    const char *tail = force ? "running it anyway (--force)" : "or pass --force to run it anyway";
    char how[256], fields[160], runs[64] = "", t[64], mem[64], avail[64], why[128], clients[64] = "";
    if (nruns > 1) snprintf(runs, sizeof runs, " for each of %zu strategies", nruns);
    bool over = false;

    double total = e.requests * (double)(nruns ? nruns : 1);
    if (!(total <= LIMIT_REQUESTS)) {
        requests_origin(sc, how, sizeof how, fields, sizeof fields);
        fmt_time(t, sizeof t, e.seconds);
        line(&b, "about %.2g requests%s (%s) would take %s to simulate, beyond the limit of %.0g in all; "
                 "lower %s, %s", e.requests, runs, how, t, LIMIT_REQUESTS, fields, tail);
        over = true;
    }
    if (!(e.bins <= LIMIT_BINS)) {
        end_of(sc, why, sizeof why);
        fmt_bytes(mem, sizeof mem, e.bins * sizeof(ts_row));
        line(&b, "about %.2g time-series rows of %g s (the run lasts at least %.3g s: %s) would take %s, "
                 "beyond the limit of %.0g; raise bin, %s", e.bins, sc->bin, e.end, why, mem, LIMIT_BINS, tail);
        over = true;
    }
    if (!(e.memory <= LIMIT_MEMORY_SHARE * e.available)) {
        fmt_bytes(mem, sizeof mem, e.memory);
        fmt_bytes(avail, sizeof avail, e.available);
        double keys = (double)sc->keys.count * (sizeof(keystate) + (sc->keys.zipf_s > 0 ? ALIAS_BYTES : 0));
        const char *what = keys >= e.memory / 2 ? "keys.count"
                         : sc->clients.kind == ARR_CLOSED && sc->clients.population > 1000000 ? "clients.arrivals.closed.population"
                         : "the number of time-series rows (raise bin)";
        if (sc->clients.kind == ARR_CLOSED)
            snprintf(clients, sizeof clients, ", %llu closed-loop clients", (unsigned long long)sc->clients.population);
        line(&b, "about %s of memory (%llu key%s, %.2g time-series rows%s) is more than %.0f%% of the %s "
                 "this process may use; lower %s, %s", mem, (unsigned long long)sc->keys.count,
             sc->keys.count == 1 ? "" : "s", e.bins, clients,
             100 * LIMIT_MEMORY_SHARE, avail, what, tail);
        over = true;
    }
    /* Not beyond a limit, but most likely a mistake: a run that expects
     * fewer than one request (a rate in the wrong unit, a tiny duration). */
    if (sc->clients.kind != ARR_TRACE && e.requests < 1) {
        requests_origin(sc, how, sizeof how, fields, sizeof fields);
        b.level = "warning";
        line(&b, "about %.2g requests expected in all (%s): the results will likely be empty; raise %s",
             e.requests, how, fields);
    }
    return over && !force ? 1 : 0;
}

int limits_check(const scenario *sc, bool force, char *msg, size_t len)
{
    return limits_check_runs(sc, sc->nstrategies, force, msg, len);
}
