/* budget.c - what a run will cost, estimated from its scenario before it
 * starts, and the message that refuses it: the estimate, the fields to change
 * and --force.  Requests, keys and rows are counted on the low side; retries
 * and polls as the most the scenario allows (budget.h). */
#include "budget.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/hist.h"
#include "engine/engine.h"
#include "model/metrics.h"
#include "model/model.h"
#include "model/strategy.h"

#define REQUESTS_PER_SECOND 1e6   /* simulation speed, conservatively (one core) */
#define KEY_SETUP_COST (1 / 20.0) /* a key set up (state zeroed, initial expiry), in requests: 2e7/s (25-32 ns measured) */
#define KEY_CLEAR_COST (1 / 500.0)/* a key cleared by a flush, in requests: 5e8/s */
#define ROW_COST 0.5              /* a time-series row kept and written, in requests: 2e6/s */
#define TRACE_ROW_BYTES 40        /* a requests.csv row, at least ("0,1,0,0,0.1,0.1,0.001,hit,0") */
#define HIST_RANGE 16777216.0     /* 2^HIST_EMAX s: latencies beyond it are counted as overflow */

_Static_assert(HIST_EMAX == 24, "HIST_RANGE is 2^HIST_EMAX");

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

/* The delay one draw in 1000 exceeds (closed forms; gamma by Wilson and
 * Hilferty's cube-root approximation). */
static double p999_of(const dist *d)
{
    double a = d->p1, b = d->p2, z = 3.090232;   /* the standard normal's 0.999 quantile */
    switch (d->kind) {
    case DIST_CONSTANT: return a;
    case DIST_EXPONENTIAL: return a * log(1000);
    case DIST_UNIFORM: return b;
    case DIST_NORMAL: return a + z * b;
    case DIST_LOGNORMAL: return a * exp(z * b);
    case DIST_GAMMA: {
        double c = 1 - 1 / (9 * b) + z / (3 * sqrt(b));
        return a * (c > 0 ? c * c * c : 0);
    }
    case DIST_WEIBULL: return a * pow(log(1000), 1 / b);
    case DIST_PARETO: return a * pow(1000, 1 / b);
    }
    return a;
}

/* The field of d's kind that lengthens its tail: what a warning names. */
static const char *tail_field(const dist *d)
{
    switch (d->kind) {
    case DIST_CONSTANT: return "value";
    case DIST_EXPONENTIAL: return "mean";
    case DIST_UNIFORM: return "max";
    case DIST_NORMAL: return "stddev";
    case DIST_LOGNORMAL: return "sigma";
    default: return "shape";   /* gamma, weibull, pareto */
    }
}

static const char *const dist_names[] = { "constant", "exponential", "uniform", "normal",
                                          "lognormal", "gamma", "weibull", "pareto" };

/* A parameter of a strategy, by name: a double (durations, numbers) or an
 * enum's index as a double; NAN when it has none of that name. */
static double param_of(const strategy_cfg *cfg, const char *name)
{
    if (!cfg || !cfg->ops) return NAN;
    for (size_t k = 0; k < cfg->ops->nparams; k++) {
        const param_spec *p = &cfg->ops->params[k];
        if (strcmp(p->name, name)) continue;
        const char *at = (const char *)cfg->params + p->offset;
        if (p->type == PARAM_DURATION || p->type == PARAM_NUMBER) {
            double x;
            memcpy(&x, at, sizeof x);
            return x;
        }
        if (p->type == PARAM_ENUM) {
            int i;
            memcpy(&i, at, sizeof i);
            return i;
        }
    }
    return NAN;
}

/* A strategy's `recompute` (lock, coalesce, lease nested in swr, xfetch,
 * refresh_ahead), or NULL. */
static const strategy_cfg *inner_of(const strategy_cfg *cfg)
{
    for (size_t k = 0; cfg->ops && k < cfg->ops->nparams; k++) {
        const param_spec *p = &cfg->ops->params[k];
        if (p->type != PARAM_STRATEGY) continue;
        const strategy_cfg *in;
        memcpy(&in, (const char *)cfg->params + p->offset, sizeof in);
        return in;
    }
    return NULL;
}

/* First attempts of one run: arrivals before duration and the bursts in it. */
static double trace_rows_of(const scenario *sc);

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
    case ARR_TRACE:
        n = trace_rows_of(sc);
        break;
    }
    for (size_t i = 0; i < sc->clients.nbursts; i++)
        if (sc->clients.bursts[i].at < T) n += (double)sc->clients.bursts[i].requests;
    return n;
}

/* A regular trace file's rows, by estimate: its size over the mean length
 * of its first 64 KiB of lines.  0 for a stream (a FIFO, a pipe: read as it
 * comes, bounded while the run goes) or an unreadable file. */
static double trace_rows_of(const scenario *sc)
{
    struct stat st;
    if (!sc->clients.trace || stat(sc->clients.trace, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) return 0;
    int fd = open(sc->clients.trace, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[65536];
    ssize_t k = read(fd, buf, sizeof buf);
    close(fd);
    if (k <= 0) return 0;
    double lines = 0;
    for (ssize_t i = 0; i < k; i++) lines += buf[i] == '\n';
    if (lines == 0) return 1;
    return (double)st.st_size * lines / (double)k;
}

/* ---- failures, retries and polls ---- */

/* The strategies a check is for (budget_check_selected); NULL: all. */
static _Thread_local const size_t *sel_idx;
static _Thread_local size_t sel_n;

static bool selected(size_t i)
{
    if (!sel_idx) return true;
    for (size_t k = 0; k < sel_n; k++)
        if (sel_idx[k] == i) return true;
    return false;
}


/* The shortest time an attempt can take to fail, or INFINITY when no attempt
 * ever fails (then no retry happens): a timeout, a rejection by the full DB
 * queue (at once), a give-up after max_wait with on_give_up "error". */
static double fastest_failure(const scenario *sc)
{
    double t = sc->clients.timeout;   /* INFINITY: none */
    if (sc->db.queue_limit != UNLIMITED && sc->db.workers != UNLIMITED) t = 0;
    if (sc->db.queue_timeout < t) t = sc->db.queue_timeout;          /* dropped from the queue */
    if (sc->db.statement_timeout < t) t = sc->db.statement_timeout;  /* aborted in service */
    for (size_t i = 0; i < sc->nstrategies; i++)
        for (const strategy_cfg *c = &sc->strategies[i]; c && selected(i); c = inner_of(c)) {
            double g = param_of(c, "on_give_up"), w = param_of(c, "max_wait");
            if (g == GIVE_UP_ERROR && w < t) t = w;
        }
    return t;
}

/* The most attempts one request may make: retries follow failures only,
 * each after its backoff (none under full jitter, at worst), and only while
 * due before duration. */
static double attempts_per_request(const scenario *sc)
{
    double fail = fastest_failure(sc), R = sc->clients.retries_max;
    if (!isfinite(fail) || R == 0) return 1;
    /* a retry budget b keeps retries within b x first attempts (over 10 s
     * windows: the first window may spend its deposits twice) */
    if (isfinite(sc->clients.retry_budget) && 2 * sc->clients.retry_budget < R) R = 2 * sc->clients.retry_budget;
    double b = sc->clients.full_jitter ? 0 : sc->clients.backoff, mult = sc->clients.multiplier;
    if (fail + b <= 0) return 1 + R;
    if (mult == 1 || b == 0) {
        /* the k-th retry is due at k (fail + b) at the earliest */
        double k = ceil(sc->duration / (fail + b)) - 1;
        if (k < 0) k = 0;
        return 1 + (k < R ? k : R);
    }
    double t = 0, k = 0;
    while (k < R) {
        t += fail + b * pow(mult, k);
        if (t >= sc->duration) break;
        k++;
    }
    return 1 + k;
}

/* The most polls one attempt of strategy cfg may make while it waits, and
 * (in *what, may be NULL) why. */
static double polls_per_attempt(const scenario *sc, size_t si, const strategy_cfg *cfg, char *what, size_t n)
{
    double every, wait;
    const char *pf;
    if (!cfg->ops || !cfg->ops->polls) return 0;
    cfg->ops->polls(cfg->params, &every, &wait, &pf);
    /* ... and no longer than a value takes to appear: a typical DB query,
     * slowed by the worst db_slowdown (an estimate, not a bound: a query
     * queued behind others takes longer, most attempts never wait) */
    double slow = 1;
    for (size_t i = 0; i < sc->nfaults; i++)
        if (sc->faults[i].kind == FAULT_DB_SLOWDOWN && sc->faults[i].factor > slow) slow = sc->faults[i].factor;
    wait = fmin(wait, typical_of(&sc->db.latency) * slow);
    wait = fmin(wait, sc->clients.timeout);
    wait = fmin(wait, sc->duration + sc->drain);
    if (!(every > 0)) return 0;
    double k = floor(wait / every) + 1;
    if (what) {
        const char *in = cfg == &sc->strategies[si] ? "" : ".recompute";
        snprintf(what, n, "strategies.%zu%s.%s %g s while a value takes %g s to appear", si, in, pf, every, wait);
    }
    return k;
}

/* ---- the end of a run, the DB backlog ---- */

/* Queries per second the DB completes at most (USL: at its best concurrency). */
static double db_capacity(const scenario *sc)
{
    double lat = mean_of(&sc->db.latency);
    if (!(lat > 0)) return INFINITY;
    double w = sc->db.workers == UNLIMITED ? INFINITY : (double)sc->db.workers;
    if (!sc->db.usl) return w / lat;
    double s = sc->db.sigma, k = sc->db.kappa, nstar = k > 0 ? sqrt((1 - s) / k) : INFINITY;
    if (nstar > w) nstar = w;
    if (!isfinite(nstar)) return s > 0 ? 1 / (s * lat) : INFINITY;
    if (nstar < 1) nstar = 1;
    return nstar / (1 + s * (nstar - 1) + k * nstar * (nstar - 1)) / lat;
}

/* Requests in flight at once, by estimate: every burst at once, and, when
 * nothing is cached (cache.ttl 0) or the trace runs faster than the DB, the
 * traffic beyond what the DB completes piling up until duration. */
static double flight_of(const scenario *sc, double requests)
{
    double bursts = 0;
    for (size_t i = 0; i < sc->clients.nbursts; i++)
        if (sc->clients.bursts[i].at < sc->duration) bursts += (double)sc->clients.bursts[i].requests;
    double f = bursts;
    if (sc->clients.kind != ARR_CLOSED && sc->cache.ttl == 0) {
        double rate = (requests - bursts) / sc->duration, cap = db_capacity(sc);
        if (rate > cap) f += (rate - cap) * sc->duration;
    }
    if (isfinite(sc->db.queue_timeout) && sc->db.workers != UNLIMITED) {
        /* a query waits at most queue_timeout: the queue holds what arrives in it */
        double rate = requests / sc->duration;
        double q = (double)sc->db.workers + rate * sc->db.queue_timeout + bursts;
        if (f > q) f = q;
    }
    if (sc->db.queue_limit != UNLIMITED && sc->db.workers != UNLIMITED && !isfinite(sc->clients.timeout)) {
        /* a full queue rejects: what waits is the workers and the queue */
        double q = (double)sc->db.workers + (double)sc->db.queue_limit;
        if (f > q) f = q;
    }
    if (sc->clients.kind == ARR_CLOSED) f = (double)sc->clients.population;
    return f < requests ? f : requests;
}

/* The simulated end: duration, then queries in flight finish (a typical DB
 * latency at least, the backlog's drain when the DB is overloaded, the drain
 * limit at most); a cache_flush is simulated even after duration.  why
 * (n bytes, may be NULL) says which. */
static double end_of(const scenario *sc, double flight, char *why, size_t n)
{
    double db = typical_of(&sc->db.latency), cap = db_capacity(sc);
    double drain = typical_of(&sc->cache.latency) + db;
    if (why) snprintf(why, n, "duration %g s, then a DB latency of %g s", sc->duration, db);
    if (flight > 0 && isfinite(cap) && flight / cap > drain) {
        drain = flight / cap;
        if (why) snprintf(why, n, "duration %g s, then %.3g requests drain from the DB at %.3g/s", sc->duration,
                          flight, cap);
    }
    if (drain > sc->drain) {
        drain = sc->drain;
        if (why) snprintf(why, n, "duration %g s, then the drain limit of %g s", sc->duration, sc->drain);
    }
    double end = sc->duration + drain;
    for (size_t i = 0; i < sc->nfaults; i++)
        if (sc->faults[i].kind == FAULT_CACHE_FLUSH && sc->faults[i].at > end) {
            end = sc->faults[i].at;
            if (why) snprintf(why, n, "a cache_flush fault at %g s", end);
        }
    return end;
}

double budget_available(void)
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

/* The expected number of distinct keys among m draws of keys.count keys:
 * the sum over keys of 1 - (1 - p_i)^m, exact over the first 10^5 ranks and
 * beyond as the integral of 1 - exp(-m p(x)) over the ranks (Simpson's rule
 * in log x), p(x) = x^-s / H(n, s). */
static double distinct_draws(const scenario *sc, double m)
{
    double n = (double)sc->keys.count;
    if (!(m > 0)) return 0;
    if (n <= 1) return 1;
    if (!(sc->keys.zipf_s > 0)) return -n * expm1(m * log1p(-1 / n));
    keypick *kp = keypick_new(sc->keys.count, sc->keys.zipf_s);
    if (!kp) return fmin(n, m);
    double s = sc->keys.zipf_s, H = keypick_norm(kp), d = 0;
    keypick_free(kp);
    uint64_t head = sc->keys.count < 100000 ? sc->keys.count : 100000;
    for (uint64_t i = 1; i <= head; i++) d -= expm1(m * log1p(-pow((double)i, -s) / H));
    if ((double)head < n) {
        double a = log((double)head + 0.5), b = log(n + 0.5), h = (b - a) / 2000, sum = 0;
        for (int j = 0; j <= 2000; j++) {
            double x = exp(a + j * h);
            double f = -expm1(-m * pow(x, -s) / H) * x;   /* dx = x du */
            sum += f * (j == 0 || j == 2000 ? 1 : j % 2 ? 4 : 2);
        }
        d += sum * h / 3;
    }
    return fmin(d, fmin(n, m));
}

/* The keys a run touches, expected: the requests' draws, and each burst's
 * fixed key.  A trace's rows name at most its rows' keys. */
static double keys_touched(const scenario *sc)
{
    double draws = 0, fixed = 0;
    double n = requests_of(sc);
    for (size_t i = 0; i < sc->clients.nbursts; i++) {
        const burst *b = &sc->clients.bursts[i];
        if (b->at >= sc->duration) continue;
        if (b->key == BURST_KEY_DRAWN) continue;
        n -= (double)b->requests;
        fixed++;
    }
    if (sc->clients.kind == ARR_TRACE) return fmin((double)sc->keys.count, n + fixed);
    draws = n > 0 ? n : 0;
    return fmin((double)sc->keys.count, distinct_draws(sc, draws) + fixed);
}

/* What a run holds whatever its length: the state of keys (keys_touched:
 * the strategies' key slots included, and with many keys their table;
 * the key chooser keeps nothing per key, model.h) and the closed-loop
 * clients. */
static double fixed_bytes(const scenario *sc, double keys)
{
    double client_bytes = sc->clients.kind == ARR_CLOSED
                              ? (double)sc->clients.population * sim_client_bytes(sc)
                              : 0;
    return sim_keys_bytes(sc, keys) + client_bytes;
}

double budget_run_memory(const scenario *sc, int jobs)
{
    double b = (BUDGET_MEMORY_SHARE * budget_available() - fixed_bytes(sc, keys_touched(sc))) / (jobs > 0 ? jobs : 1);
    return b > 64e6 ? b : 64e6;
}

static double flushes_of(const scenario *sc)
{
    double flushes = 0;
    for (size_t i = 0; i < sc->nfaults; i++)   /* a cache_outage whose data is lost flushes at its end */
        flushes += sc->faults[i].kind == FAULT_CACHE_FLUSH || (sc->faults[i].kind == FAULT_CACHE_OUTAGE && sc->faults[i].data_lost);
    return flushes;
}

static double polls_of(const scenario *sc, double attempts)
{
    double most = 0;
    for (size_t i = 0; i < sc->nstrategies; i++)
        for (const strategy_cfg *c = &sc->strategies[i]; c && selected(i); c = inner_of(c)) {
            double k = polls_per_attempt(sc, i, c, NULL, 0);
            if (k > most) most = k;
        }
    return attempts * most;
}

void budget_estimate_of(const scenario *sc, size_t nruns, budget_estimate *e)
{
    double runs = (double)nruns;
    e->requests = requests_of(sc);
    e->per_request = attempts_per_request(sc);
    e->attempts = e->requests * e->per_request;
    e->polls = polls_of(sc, e->attempts);
    e->keys = keys_touched(sc);
    e->key_setups = sim_keys_made(sc, e->keys);
    double flushes = flushes_of(sc);
    /* a flush is a new epoch; every 65,535 of them the records made are emptied once (cache.c) */
    e->key_clears = floor(flushes / 65535) * e->key_setups;
    e->flight = flight_of(sc, e->requests);
    e->end = end_of(sc, e->flight, NULL, 0);
    e->bins = ceil(e->end / sc->bin);
    e->work = e->attempts + e->polls + e->key_setups * KEY_SETUP_COST + e->key_clears * KEY_CLEAR_COST +
              e->bins * ROW_COST;
    /* The rows array doubles as it grows: twice the rows during a copy. */
    e->memory = fixed_bytes(sc, e->keys) + 2 * e->bins * sizeof(ts_row) + e->flight * sim_flight_bytes(sc);
    e->available = budget_available();
    e->seconds = runs * e->work / REQUESTS_PER_SECOND;
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

void budget_fmt_bytes(char *buf, size_t n, double x)
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

void budget_fmt_time(char *buf, size_t n, double s)
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
        k = (size_t)snprintf(how, n, "the trace's rows, by its size");
        f = "the trace's length or duration";
        break;
    }
    if (bursts > 0 && k < n) {
        snprintf(how + k, n - k, ", and %g burst requests", bursts);
        snprintf(fields, nf, "%s, or the requests of clients.bursts", f);
    } else {
        snprintf(fields, nf, "%s", f);
    }
}

/* One part of the work, for the message. */
typedef struct part {
    double units;
    char text[320], fields[200];
} part;

static int part_cmp(const void *a, const void *b)
{
    const part *x = a, *y = b;
    return (x->units < y->units) - (x->units > y->units);
}

/* The parts of one run's work beyond its first attempts, largest first. */
static size_t work_parts(const scenario *sc, const budget_estimate *e, part *p)
{
    size_t n = 0;
    if (e->attempts > e->requests) {
        char backoff[64], budget[64] = "";
        if (isfinite(sc->clients.retry_budget))
            snprintf(budget, sizeof budget, ", clients.retries.budget %g", sc->clients.retry_budget);
        if (sc->clients.full_jitter) snprintf(backoff, sizeof backoff, "at once at worst (full jitter)");
        else snprintf(backoff, sizeof backoff, "%g s", sc->clients.backoff);
        p[n].units = e->attempts - e->requests;
        snprintf(p[n].text, sizeof p->text,
                 "up to %.2g attempts (each request up to %.0f: clients.retries.max %u%s, a retry %s after a failure "
                 "that may come %g s after its attempt)", e->attempts, e->per_request,
                 (unsigned)sc->clients.retries_max, budget, backoff, fastest_failure(sc));
        snprintf(p[n++].fields, sizeof p->fields,
                 "clients.retries.max, or raise clients.retries.backoff or clients.timeout");
    }
    if (e->polls > 0) {
        double most = 0;
        char what[200] = "", w[200];
        size_t at = 0;
        for (size_t i = 0; i < sc->nstrategies; i++)
            for (const strategy_cfg *c = &sc->strategies[i]; c && selected(i); c = inner_of(c)) {
                double k = polls_per_attempt(sc, i, c, w, sizeof w);
                if (k > most) { most = k; at = i; snprintf(what, sizeof what, "%s", w); }
            }
        p[n].units = e->polls;
        snprintf(p[n].text, sizeof p->text, "about %.2g lock polls (if every attempt waited, %.3g each: %s)", e->polls,
                 most, what);
        snprintf(p[n++].fields, sizeof p->fields, "the wait of strategies.%zu (raise its poll or retry, lower its "
                 "max_wait, lock_ttl or lease_ttl)", at);
    }
    if (e->key_clears > 0) {
        p[n].units = e->key_clears * KEY_CLEAR_COST;
        snprintf(p[n].text, sizeof p->text, "%.2g key clears (%.0f cache_flush faults, the key records emptied "
                 "every 65,535)", e->key_clears, flushes_of(sc));
        snprintf(p[n++].fields, sizeof p->fields, "keys.count or the number of cache_flush faults");
    }
    p[n].units = e->key_setups * KEY_SETUP_COST;
    snprintf(p[n].text, sizeof p->text, "%.3g keys to set up (of %llu; those touched when many)", e->key_setups,
             (unsigned long long)sc->keys.count);
    snprintf(p[n++].fields, sizeof p->fields, "keys.count");
    p[n].units = e->bins * ROW_COST;
    snprintf(p[n].text, sizeof p->text, "%.2g time-series rows", e->bins);
    snprintf(p[n++].fields, sizeof p->fields, "duration or drain, or raise bin");
    qsort(p, n, sizeof *p, part_cmp);
    return n;
}

/* Warnings of latencies one draw may push far beyond the histogram's range
 * or the drain limit: the run will be cut, its percentiles overflow. */
static void tail_warnings(const scenario *sc, msgbuf *b)
{
    double big = fmax(HIST_RANGE, BUDGET_WARN_FACTOR * sc->drain);
    char lim[160];
    snprintf(lim, sizeof lim, "the histogram's range (%.3g s) and %d times the drain limit (%g s)", HIST_RANGE,
             BUDGET_WARN_FACTOR, sc->drain);
    const struct { const char *name; const dist *d; } ds[] = {
        { "db.latency", &sc->db.latency }, { "cache.latency", &sc->cache.latency },
    };
    for (size_t i = 0; i < sizeof ds / sizeof *ds; i++) {
        double q = p999_of(ds[i].d);
        if (!(q > big)) continue;
        b->level = "warning";
        line(b, "%s: a %s with %s %g draws one latency in 1000 above %.3g s, beyond %s: percentiles overflow and "
                "the run will likely be cut at the drain limit; change %s.%s", ds[i].name, dist_names[ds[i].d->kind],
             tail_field(ds[i].d), ds[i].d->kind == DIST_CONSTANT || ds[i].d->kind == DIST_EXPONENTIAL ? ds[i].d->p1 : ds[i].d->p2,
             q, lim, ds[i].name, tail_field(ds[i].d));
    }
    double db = typical_of(&sc->db.latency);
    for (size_t i = 0; i < sc->nfaults; i++) {
        const fault *f = &sc->faults[i];
        if (f->kind != FAULT_DB_SLOWDOWN || !(f->factor * db > big)) continue;
        b->level = "warning";
        line(b, "faults.%zu.factor: %g makes a DB query started in the slowdown take about %.3g s (%g s x %g), "
                "beyond %s: the run will likely be cut at the drain limit; lower faults.%zu.factor", i, f->factor,
             f->factor * db, db, f->factor, lim, i);
    }
}

int budget_check_runs(const scenario *sc, size_t nruns, bool force, char *msg, size_t len)
{
    budget_estimate e;
    size_t runs_n = nruns ? nruns : 1;
    budget_estimate_of(sc, runs_n, &e);
    msgbuf b = { msg, len, 0, sc->path, force ? "warning" : "error" };
    if (len) msg[0] = 0;
    const char *tail = force ? "running it anyway (--force)" : "or pass --force to run it anyway";
    char how[256], fields[200], runs[96] = "", t[64], mem[64], avail[64], why[160], clients[64] = "";
    if (nruns > 1) snprintf(runs, sizeof runs, " for each of %zu strategies", nruns);
    const char *fewer = nruns > 1 ? " (or run fewer strategies: --strategy)" : "";
    bool over = false;

    double total = e.requests * (double)runs_n;
    if (!(total <= BUDGET_REQUESTS)) {
        requests_origin(sc, how, sizeof how, fields, sizeof fields);
        budget_fmt_time(t, sizeof t, e.seconds);
        line(&b, "about %.2g requests%s (%s) would take %s to simulate, beyond the limit of %.0g in all; "
                 "lower %s, %s", e.requests, runs, how, t, BUDGET_REQUESTS, fields, tail);
        over = true;
    } else if (!(e.work * (double)runs_n <= BUDGET_WORK)) {
        /* The requests fit; what they bring about does not. */
        part p[8];
        size_t np = work_parts(sc, &e, p);
        budget_fmt_time(t, sizeof t, e.seconds);
        requests_origin(sc, how, sizeof how, fields, sizeof fields);
        char list[1200] = "";
        size_t k = 0;
        for (size_t i = 0; i < np && i < 3; i++)
            if (i == 0 || p[i].units >= 0.1 * e.work)
                k += (size_t)snprintf(list + k, k < sizeof list ? sizeof list - k : 0, "%s%s", k ? ", " : "", p[i].text);
        line(&b, "about %.2g request-equivalents of work%s: %.2g requests (%s), %s; would take %s to simulate, beyond "
                 "the limit of %.0g in all; lower %s%s, %s", e.work, runs, e.requests, how, list, t, BUDGET_WORK,
             p[0].fields, fewer, tail);
        over = true;
    }
    if (!(e.bins <= BUDGET_BINS)) {
        end_of(sc, e.flight, why, sizeof why);
        budget_fmt_bytes(mem, sizeof mem, e.bins * sizeof(ts_row));
        line(&b, "about %.2g time-series rows of %g s (the run lasts at least %.3g s: %s) would take %s, "
                 "beyond the limit of %.0g; raise bin%s, %s", e.bins, sc->bin, e.end, why, mem, BUDGET_BINS,
             sc->drain_given ? " or lower drain" : "", tail);
        over = true;
    }
    if (!(e.memory <= BUDGET_MEMORY_SHARE * e.available)) {
        budget_fmt_bytes(mem, sizeof mem, e.memory);
        budget_fmt_bytes(avail, sizeof avail, e.available);
        double keys = sim_keys_bytes(sc, e.keys);
        double flight = e.flight * sim_flight_bytes(sc);
        const char *what = keys >= e.memory / 2 ? "keys.count"
                         : sc->clients.kind == ARR_CLOSED && sc->clients.population > 1000000 ? "clients.arrivals.closed.population"
                         : flight >= e.memory / 2 ? "the requests of clients.bursts or the arrival rate, or set "
                                                     "db.queue_limit or raise db.workers (the DB queue would hold them)"
                         : "the number of time-series rows (raise bin)";
        if (sc->clients.kind == ARR_CLOSED)
            snprintf(clients, sizeof clients, ", %llu closed-loop clients", (unsigned long long)sc->clients.population);
        else if (e.flight >= 1)
            snprintf(clients, sizeof clients, ", %.2g requests in flight at once", e.flight);
        line(&b, "about %s of memory (%.3g key%s with state, of %llu; %.2g time-series rows%s) is more than %.0f%% "
                 "of the %s this process may use; lower %s, %s", mem, e.key_setups, e.key_setups == 1 ? "" : "s",
             (unsigned long long)sc->keys.count, e.bins, clients,
             100 * BUDGET_MEMORY_SHARE, avail, what, tail);
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
    tail_warnings(sc, &b);
    return over && !force ? 1 : 0;
}

int budget_check_selected(const scenario *sc, const size_t *idx, size_t n, bool force, char *msg, size_t len)
{
    sel_idx = idx;
    sel_n = n;
    int rc = budget_check_runs(sc, n, force, msg, len);
    sel_idx = NULL;
    sel_n = 0;
    return rc;
}

int budget_check(const scenario *sc, bool force, char *msg, size_t len)
{
    return budget_check_runs(sc, sc->nstrategies, force, msg, len);
}

double budget_trace_bytes(const scenario *sc, size_t nruns)
{
    return requests_of(sc) * TRACE_ROW_BYTES * (double)(nruns ? nruns : 1);
}

int budget_check_trace(const scenario *sc, size_t nruns, const char *out, bool force, char *msg, size_t len)
{
    if (len) msg[0] = 0;
    double need = budget_trace_bytes(sc, nruns);
    /* the disk of out's nearest existing folder */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", out);
    struct statvfs vs;
    for (;;) {
        if (statvfs(dir, &vs) == 0) break;
        char *slash = strrchr(dir, '/');
        if (!slash) { snprintf(dir, sizeof dir, "."); if (statvfs(dir, &vs)) return 0; break; }
        if (slash == dir) slash[1] = 0;
        else *slash = 0;
    }
    double free_bytes = (double)vs.f_bavail * (double)vs.f_frsize;
    if (need <= free_bytes) return 0;
    char a[64], f[64];
    budget_fmt_bytes(a, sizeof a, need);
    budget_fmt_bytes(f, sizeof f, free_bytes);
    snprintf(msg, len, "%s: %s: --trace would write at least %s (%.2g requests%s, at least %d bytes each in "
                       "requests.csv, and db.csv beside it), and the disk that holds %s has %s free; drop --trace, "
                       "lower the requests, or %s", sc->path, force ? "warning" : "error", a, requests_of(sc),
             nruns > 1 ? " for each strategy" : "", TRACE_ROW_BYTES, out, f,
             force ? "running it anyway (--force)" : "pass --force to run it anyway");
    return force ? 0 : 1;
}
