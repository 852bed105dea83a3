/* check_controls.c - the overload controls (db.queue_timeout,
 * db.statement_timeout, clients.cancel, clients.retries.budget) through the
 * real program: closed forms on M/M/1 with each control, over several seeds
 * and regimes; hand-computed timelines on small deterministic scenarios; and
 * every control under every strategy and combination. */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testmain.h"

/* Runs scenario text with extra arguments (--trace, --set ...); returns the
 * scratch folder, results in DIR/r. */
static char *run_json(const char *json, const char *fmt, ...)
{
    char extra[2048] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(extra, sizeof extra, fmt, ap);
        va_end(ap);
    }
    char *dir = tu_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char *path = tu_scenario(dir, "s.json", json);
    char *err = NULL;
    int st = tu_runf(NULL, &err, "run %s --quiet --out %s/r %s", path, dir, extra);
    ck_assert_msg(st == 0, "run %s failed (%d): %s", extra, st, err ? err : "");
    free(err);
    free(path);
    return dir;
}

static double num(const char *dir, const char *label, const char *path)
{
    double v = tu_json_num(tu_pathf("%s/r/%s/summary.json", dir, label), path);
    ck_assert_msg(!isnan(v), "no %s in %s", path, label);
    return v;
}

static tu_trace trace_of(const char *dir, const char *label)
{
    tu_trace t;
    ck_assert_msg(tu_trace_load(&t, tu_pathf("%s/r/%s", dir, label)) == 0, "no trace for %s", label);
    return t;
}

static void finish(char *dir)
{
    tu_rmrf(dir);
    free(dir);
}

#define NEAR(a, b) ck_assert_msg(fabs((a) - (b)) < 1e-9, "%s = %.12g, expected %.12g", #a, (double)(a), (double)(b))

/* The attempt of request id, number n. */
static const tu_attempt *att(const tu_trace *t, long id, long n)
{
    for (size_t i = 0; i < t->nreq; i++)
        if (t->req[i].id == id && t->req[i].attempt == n) return &t->req[i];
    ck_abort_msg("no request %ld attempt %ld", id, n);
    return NULL;
}

/* The k-th query (in db.csv order, that is by end time) of requester id. */
static const tu_query *query_of(const tu_trace *t, long id, int k)
{
    for (size_t i = 0; i < t->ndb; i++)
        if (t->db[i].requester == id && k-- == 0) return &t->db[i];
    ck_abort_msg("no query %d of request %ld", k, id);
    return NULL;
}

static size_t count_status(const tu_trace *t, const char *status)
{
    size_t n = 0;
    for (size_t i = 0; i < t->ndb; i++) n += !strcmp(t->db[i].status, status);
    return n;
}

/* ================================================================ closed forms
 *
 * M/M/1 (Poisson arrivals λ, exponential service of mean 1/μ = 1 ms, one
 * worker, TTL 0: every request queries the DB at its arrival), with one
 * control.  Each case runs K seeds; the estimate is the mean over seeds and
 * its standard error sd/√K; the tolerance is 4 standard errors, and never
 * less than 4 times the standard error the run would have if its requests
 * were independent (queueing correlates them, so the true one is larger).
 * 20 s of warmup leave out the start from an empty DB (its relaxation time
 * is under 0.1 s in every regime here). */

#define K_SEEDS 6
#define MU 1000.0
#define MM1                                                                                                   \
    "{\"duration\": %g, \"warmup\": 20, \"bin\": \"50s\", \"seed\": %d, \"clients\": {\"arrivals\": {\"rate\": %g}%s}," \
    " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": 1, \"latency\": {\"dist\": \"exponential\", \"mean\": \"1ms\"}%s}}"

typedef struct seeds { double p[K_SEEDS], lat[K_SEEDS], n; } seeds;

/* Runs the K seeds of one case: p = counter / db.queries, lat = mean
 * latency of answered requests. */
static seeds run_seeds(double lambda, const char *clients, const char *db, const char *counter)
{
    seeds s = { .n = 0 };
    double duration = 20 + 2e5 / lambda;   /* 2·10^5 requests counted per seed */
    for (int k = 0; k < K_SEEDS; k++) {
        char json[2048];
        snprintf(json, sizeof json, MM1, duration, 101 + k, lambda, clients, db);
        char *dir = run_json(json, NULL);
        double q = num(dir, "none", "db.queries");
        s.p[k] = num(dir, "none", counter) / q;
        s.lat[k] = num(dir, "none", "latency.mean");
        s.n += q;
        finish(dir);
    }
    return s;
}

/* Mean of K seeds against theory; floor_se: the independent-samples standard
 * error of the whole sample. */
static void check_mean(const char *what, const double *x, double theory, double floor_se)
{
    double m = 0, v = 0;
    for (int k = 0; k < K_SEEDS; k++) m += x[k] / K_SEEDS;
    for (int k = 0; k < K_SEEDS; k++) v += (x[k] - m) * (x[k] - m) / (K_SEEDS - 1);
    double se = sqrt(v / K_SEEDS), tol = 4 * fmax(se, floor_se);
    fprintf(stderr, "  %-58s theory %-11.6g got %-11.6g error %6.3f%% (%4.1f SE; tolerance %.3f%%)\n", what, theory,
            m, 100 * fabs(m - theory) / theory, fabs(m - theory) / fmax(se, floor_se), 100 * tol / theory);
    ck_assert_msg(fabs(m - theory) <= tol, "%s: got %g, theory %g, tolerance %g", what, m, theory, tol);
}

/* Runs the K seeds of a case; checks counter/db.queries against p and,
 * unless lat is NAN, answered requests' mean latency against lat. */
static void run_case(const char *name, double lambda, const char *clients, const char *db, const char *counter,
                     const char *pname, double p, double lat)
{
    seeds s = run_seeds(lambda, clients, db, counter);
    char what[160];
    snprintf(what, sizeof what, "%s: %s", name, pname);
    check_mean(what, s.p, p, sqrt(p * (1 - p) / s.n));
    if (isnan(lat)) return;
    snprintf(what, sizeof what, "%s: mean latency", name);
    check_mean(what, s.lat, lat, lat / sqrt(s.n * (1 - p)));
}

/* ---- statement_timeout τ: M/G/1 with service X = min(S, τ).  A query is
 * aborted iff S > τ: P = e^{−μτ}.  E[X] = (1 − e^{−μτ})/μ,
 * E[X²] = 2(1 − e^{−μτ}(1 + μτ))/μ², and the FIFO wait (Pollaczek–Khinchine)
 * Wq = λE[X²]/(2(1 − λE[X])) does not depend on the request's own service,
 * so an answered request's mean latency is Wq + E[S | S ≤ τ], with
 * E[S | S ≤ τ] = (1/μ − e^{−μτ}(τ + 1/μ))/(1 − e^{−μτ}).  Stable whenever
 * λE[X] < 1, even past λ = μ. */
static void statement_case(double lambda, double tau, bool usl)
{
    double e = exp(-MU * tau);
    double ex = (1 - e) / MU, ex2 = 2 * (1 - e * (1 + MU * tau)) / (MU * MU), rho = lambda * ex;
    double lat = lambda * ex2 / (2 * (1 - rho)) + (1 / MU - e * (tau + 1 / MU)) / (1 - e);
    /* USL with σ = κ = 0 runs the processor-sharing code at full speed: the
     * same M/M/1, through the path that removes a query from the PS heap. */
    char db[256];
    snprintf(db, sizeof db, ", \"statement_timeout\": %g%s", tau,
             usl ? ", \"overload\": {\"usl\": {\"sigma\": 0, \"kappa\": 0}}" : "");
    char name[96];
    snprintf(name, sizeof name, "statement_timeout%s rho=%.1f tau=%gms", usl ? " (PS)" : "", lambda / MU, tau * 1e3);
    run_case(name, lambda, "", db, "db.statement_timeouts", "P(abort)", e, lat);
}

START_TEST(statement_timeout_light_load) { statement_case(500, 0.001, false); }
END_TEST
START_TEST(statement_timeout_heavy_load_long_timeout) { statement_case(900, 0.003, false); }
END_TEST
START_TEST(statement_timeout_overload_made_stable) { statement_case(1500, 0.0005, false); }
END_TEST
START_TEST(statement_timeout_processor_sharing) { statement_case(900, 0.002, true); }
END_TEST

/* ---- queue_timeout τ: M/M/1+D (deterministic patience in the queue;
 * Barrer 1957).  Under FIFO a query starts iff the work ahead of it, V, is
 * below τ, and a dropped query adds no work: V jumps by S only at arrivals
 * with V < τ.  Level crossing on the density f of V (atom P0 at 0), δ = μ−λ:
 *   v < τ:  f(v) = λP0 e^{−μv} + λ∫_0^v f(u) e^{−μ(v−u)} du  =>  f(v) = λP0 e^{−δv}
 *   v ≥ τ:  f(v) = f(τ) e^{−μ(v−τ)}
 * Normalising, P0 = 1 / (1 + λ(1 − e^{−δτ})/δ + ρ e^{−δτ}), and by PASTA
 *   P(drop) = P(V ≥ τ) = ρ P0 e^{−δτ}
 * (τ → ∞: 0 for ρ < 1; τ = 0: ρ/(1+ρ), the M/M/1/1 loss).  An answered
 * request waited V < τ: mean latency E[V; V < τ]/(1 − P(drop)) + 1/μ with
 * E[V; V < τ] = λP0 (1 − e^{−δτ}(1 + δτ))/δ².  The same holds for
 * clients.cancel "queued" with a client timeout T = τ (cache latency 0): a
 * query still queued at T is cancelled, one started before goes on. */
static void mm1d(double lambda, double tau, double *p, double *lat)
{
    double d = MU - lambda, e = exp(-d * tau);
    double p0 = 1 / (1 + lambda * (1 - e) / d + lambda / MU * e);
    *p = lambda / MU * p0 * e;
    *lat = lambda * p0 * (1 - e * (1 + d * tau)) / (d * d) / (1 - *p) + 1 / MU;
}

static void queue_case(double lambda, double tau)
{
    double p, lat;
    mm1d(lambda, tau, &p, &lat);
    char db[128];
    snprintf(db, sizeof db, ", \"queue_timeout\": %g", tau);
    char name[96];
    snprintf(name, sizeof name, "queue_timeout rho=%.1f tau=%gms", lambda / MU, tau * 1e3);
    run_case(name, lambda, "", db, "db.queue_timeouts", "P(drop)", p, lat);
}

START_TEST(queue_timeout_light_load_short) { queue_case(500, 0.0005); }
END_TEST
START_TEST(queue_timeout_heavy_load) { queue_case(900, 0.005); }
END_TEST
START_TEST(queue_timeout_overload_made_stable) { queue_case(1500, 0.002); }
END_TEST

START_TEST(cancel_queued_is_mm1_with_patience)
{
    double p, lat;
    mm1d(900, 0.004, &p, &lat);
    run_case("cancel queued rho=0.9 T=4ms", 900, ", \"timeout\": \"4ms\", \"cancel\": \"queued\"", "", "db.cancelled",
             "P(cancelled)", p, NAN);
}
END_TEST

/* ---- clients.cancel "all" with client timeout T: a query still in the
 * system at its arrival + T is cancelled, so a query arriving at work V < T
 * brings min(S, T − V) and V never exceeds T.  For v < T the level-crossing
 * equation is M/M/1's: f(v) = λP0 e^{−δv}, P0 = 1/(1 + λ(1 − e^{−δT})/δ).
 * A request is answered iff S < T − V:
 *   P(cancelled) = E[e^{−μ(T−V)}] = P0 e^{−μT} + ∫_0^T λP0 e^{−δv} e^{−μ(T−v)} dv = P0 e^{−δT}
 * (T → ∞: 0; T → 0: 1), and an answered request's mean latency is
 * E[(V + S) 1{S < T−V}] / (1 − P(cancelled)), where for a = T − v
 * E[(v + S) 1{S < a}] = v(1 − e^{−μa}) + (1 − e^{−μa}(1 + μa))/μ (integrated
 * over f by Simpson's rule). */
static double g_all(double v, double T)
{
    double a = T - v;
    return v * (1 - exp(-MU * a)) + (1 - exp(-MU * a) * (1 + MU * a)) / MU;
}

static void cancel_all_case(double lambda, double T)
{
    double d = MU - lambda, e = exp(-d * T), p0 = 1 / (1 + lambda * (1 - e) / d);
    double p = p0 * e;
    int n = 20000;   /* even */
    double h = T / n, integral = 0;
    for (int i = 0; i <= n; i++) {
        double v = i * h, w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
        integral += w * lambda * p0 * exp(-d * v) * g_all(v, T);
    }
    double lat = (p0 * g_all(0, T) + integral * h / 3) / (1 - p);
    char clients[128];
    snprintf(clients, sizeof clients, ", \"timeout\": %g, \"cancel\": \"all\"", T);
    char name[96];
    snprintf(name, sizeof name, "cancel all rho=%.1f T=%gms", lambda / MU, T * 1e3);
    run_case(name, lambda, clients, "", "db.cancelled", "P(cancelled)", p, lat);
}

START_TEST(cancel_all_light_load) { cancel_all_case(500, 0.002); }
END_TEST
START_TEST(cancel_all_heavy_load) { cancel_all_case(900, 0.01); }
END_TEST
START_TEST(cancel_all_overload_made_stable) { cancel_all_case(1500, 0.003); }
END_TEST

/* ================================================================ timelines
 *
 * Constant latencies: cache 1 ms, so a request arriving at t issues its
 * query at t + 1 ms.  Hand-computed instants in the comments. */

#define TL(strategies, bursts, cache, db, clients, more)                                                    \
    "{\"duration\": 3, \"clients\": {\"arrivals\": {\"schedule\": [{\"at\": 0, \"rate\": 0}]},"          \
    " \"bursts\": [" bursts "]" clients "}, \"keys\": {\"count\": 2},"                                    \
    " \"cache\": {\"latency\": \"1ms\", " cache "}, \"db\": {" db "}" more ", \"strategies\": [" strategies "]}"

#define COLD "\"ttl\": \"10s\", \"initial\": \"cold\""

/* A (key 0) at 0 takes the only worker from 1 to 101 ms; B (key 1) at 10 ms
 * queues at 11 ms; D (key 1) at 65 ms finds the queue (limit 1) full unless
 * B's query left it.  Client timeout 50 ms. */
#define CANCEL_SCENARIO                                                                                     \
    TL("{\"name\": \"none\"}",                                                                              \
       "{\"at\": 0, \"requests\": 1, \"key\": 0}, {\"at\": \"10ms\", \"requests\": 1, \"key\": 1},"         \
       " {\"at\": \"65ms\", \"requests\": 1, \"key\": 1}",                                                  \
       COLD, "\"workers\": 1, \"queue_limit\": 1, \"latency\": \"100ms\"", ", \"timeout\": \"50ms\"", "")

START_TEST(cancel_none_lets_abandoned_work_run)
{
    char *d = run_json(CANCEL_SCENARIO, "--trace --set clients.cancel=none");
    tu_trace t = trace_of(d, "none");
    /* D is rejected at 66 ms: B's abandoned query still holds the queue's place. */
    ck_assert_str_eq(att(&t, 2, 1)->outcome, "error");
    NEAR(att(&t, 2, 1)->t_done, 0.066);
    ck_assert_str_eq(query_of(&t, 0, 0)->status, "ok");
    NEAR(query_of(&t, 0, 0)->t_end, 0.101);
    ck_assert_str_eq(query_of(&t, 1, 0)->status, "ok");   /* B's: 101 to 201 ms, for nobody */
    NEAR(query_of(&t, 1, 0)->t_start, 0.101);
    NEAR(query_of(&t, 1, 0)->t_end, 0.201);
    ck_assert_double_eq(num(d, "none", "db.cancelled"), 0);
    ck_assert_double_eq(num(d, "none", "db.wasted"), 2);
    tu_trace_free(&t);
    finish(d);
}
END_TEST

START_TEST(cancel_queued_frees_the_place_not_the_worker)
{
    char *d = run_json(CANCEL_SCENARIO, "--trace --set clients.cancel=queued");
    tu_trace t = trace_of(d, "none");
    /* A times out at 50 ms in service: its query goes on and writes at 101 ms.
     * B times out at 60 ms while queued: cancelled then, never started. */
    ck_assert_str_eq(att(&t, 0, 1)->outcome, "timeout");
    ck_assert_str_eq(query_of(&t, 0, 0)->status, "ok");
    NEAR(query_of(&t, 0, 0)->t_end, 0.101);
    const tu_query *b = query_of(&t, 1, 0);
    ck_assert_str_eq(b->status, "cancelled");
    ck_assert(isnan(b->t_start));
    NEAR(b->t_issue, 0.011);
    NEAR(b->t_end, 0.060);
    NEAR(att(&t, 1, 1)->t_done, 0.060);
    /* D finds the place B left: queued at 66 ms, starts at 101 ms; it times
     * out at 115 ms in service, so its query runs on to 201 ms. */
    const tu_query *dq = query_of(&t, 2, 0);
    ck_assert_str_eq(dq->status, "ok");
    NEAR(dq->t_issue, 0.066);
    NEAR(dq->t_start, 0.101);
    NEAR(dq->t_end, 0.201);
    ck_assert_double_eq(num(d, "none", "db.cancelled"), 1);
    ck_assert_double_eq(num(d, "none", "db.rejected"), 0);
    ck_assert_double_eq(num(d, "none", "db.queries"), 3);   /* the cancelled one counted */
    tu_trace_free(&t);
    finish(d);
}
END_TEST

START_TEST(cancel_all_frees_the_worker_at_once)
{
    char *d = run_json(CANCEL_SCENARIO, "--trace --set clients.cancel=all");
    tu_trace t = trace_of(d, "none");
    /* A's query is cancelled in service at 50 ms; B's starts then and is
     * cancelled in service at 60 ms; D's starts at once at 66 ms and is
     * cancelled at 115 ms.  Nothing is ever written. */
    const tu_query *a = query_of(&t, 0, 0), *b = query_of(&t, 1, 0), *dq = query_of(&t, 2, 0);
    ck_assert_str_eq(a->status, "cancelled");
    NEAR(a->t_start, 0.001);
    NEAR(a->t_end, 0.050);
    ck_assert_str_eq(b->status, "cancelled");
    NEAR(b->t_start, 0.050);
    NEAR(b->t_end, 0.060);
    ck_assert_str_eq(dq->status, "cancelled");
    NEAR(dq->t_start, 0.066);
    NEAR(dq->t_end, 0.115);
    ck_assert_uint_eq(t.ndb, 3);
    ck_assert_double_eq(num(d, "none", "db.cancelled"), 3);
    ck_assert_double_eq(num(d, "none", "db.wasted"), 0);
    ck_assert_double_eq(num(d, "none", "timeouts"), 3);
    ck_assert_double_eq(num(d, "none", "failed_by.timeout"), 3);
    tu_trace_free(&t);
    finish(d);
}
END_TEST

/* Coalesce: A (key 0) leads a flight at 1 ms (100 ms of service); B joins it
 * at 31 ms; C (key 0) arrives at 90 ms.  Client timeout 50 ms. */
#define COALESCE_SCENARIO                                                                                   \
    TL("{\"name\": \"coalesce\", \"scope\": \"global\"}",                                                   \
       "{\"at\": 0, \"requests\": 1, \"key\": 0}, {\"at\": \"30ms\", \"requests\": 1, \"key\": 0},"         \
       " {\"at\": \"90ms\", \"requests\": 1, \"key\": 0}",                                                  \
       COLD, "\"workers\": \"unlimited\", \"latency\": \"100ms\"", ", \"timeout\": \"50ms\"", "")

START_TEST(cancel_spares_a_query_others_wait_on)
{
    char *d = run_json(COALESCE_SCENARIO, "--trace --set clients.cancel=all");
    tu_trace t = trace_of(d, "coalesce");
    /* A times out at 50 ms but B still waits: the flight goes on.  B times
     * out at 80 ms, the last waiter: cancelled then.  C finds no flight and
     * leads a new one at 91 ms, cancelled at its own timeout, 140 ms. */
    ck_assert_uint_eq(t.ndb, 2);
    const tu_query *q0 = query_of(&t, 0, 0), *q1 = query_of(&t, 2, 0);
    ck_assert_str_eq(q0->status, "cancelled");
    NEAR(q0->t_end, 0.080);
    ck_assert_str_eq(att(&t, 0, 1)->outcome, "timeout");
    NEAR(att(&t, 0, 1)->t_done, 0.050);
    NEAR(att(&t, 1, 1)->t_done, 0.080);
    ck_assert_str_eq(q1->status, "cancelled");
    NEAR(q1->t_issue, 0.091);
    NEAR(q1->t_end, 0.140);
    ck_assert_double_eq(num(d, "coalesce", "strategy_counters.coalesced"), 1);
    ck_assert_double_eq(num(d, "coalesce", "db.cancelled"), 2);
    tu_trace_free(&t);
    finish(d);
    /* With "queued" the flight in service is never cancelled: C joins it at
     * 91 ms and is answered at 101 ms. */
    d = run_json(COALESCE_SCENARIO, "--trace --set clients.cancel=queued");
    t = trace_of(d, "coalesce");
    ck_assert_uint_eq(t.ndb, 1);
    ck_assert_str_eq(t.db[0].status, "ok");
    ck_assert_str_eq(att(&t, 2, 1)->outcome, "waited");
    NEAR(att(&t, 2, 1)->latency, 0.011);
    tu_trace_free(&t);
    finish(d);
}
END_TEST

START_TEST(cancel_does_not_wait_for_lock_pollers)
{
    /* A takes the lock at 2 ms (held until 2 + 58 = 60 ms) and queries; the
     * slowdown makes its service 300 ms.  B's lock steps end at 32, 38, 44,
     * 50, 56 ms (held) and 62 ms, which takes the lock: 10 ms of service,
     * answered at 72 ms.  A times out at 50 ms: B polls the cache, it does
     * not wait on A's query, so with "all" that query is cancelled then; the
     * lock stays held until its ttl either way. */
    const char *json = TL("{\"name\": \"lock\", \"poll\": \"5ms\", \"lock_ttl\": \"58ms\"}",
                          "{\"at\": 0, \"requests\": 1, \"key\": 0}, {\"at\": \"30ms\", \"requests\": 1, \"key\": 0}",
                          COLD, "\"workers\": \"unlimited\", \"latency\": \"10ms\"", ", \"timeout\": \"50ms\"",
                          ", \"faults\": [{\"at\": 0, \"until\": \"20ms\", \"type\": \"db_slowdown\", \"factor\": 30}]");
    const char *modes[] = { "all", "none" };
    for (int i = 0; i < 2; i++) {
        char *d = run_json(json, "--trace --set clients.cancel=%s", modes[i]);
        tu_trace t = trace_of(d, "lock");
        const tu_query *a = query_of(&t, 0, 0), *b = query_of(&t, 1, 0);
        ck_assert_str_eq(a->status, i == 0 ? "cancelled" : "ok");
        NEAR(a->t_end, i == 0 ? 0.050 : 0.302);
        NEAR(b->t_issue, 0.062);
        ck_assert_str_eq(att(&t, 1, 1)->outcome, "fetch");
        NEAR(att(&t, 1, 1)->t_done, 0.072);
        ck_assert_double_eq(num(d, "lock", "strategy_counters.lock_waits"), 1);
        tu_trace_free(&t);
        finish(d);
    }
}
END_TEST

START_TEST(queue_timeout_fails_the_flight_and_its_joiners)
{
    /* H (key 1) holds the only worker from 1 to 101 ms.  A (key 0) leads a
     * flight queued at 11 ms, B joins it at 21 ms; the query is dropped at
     * 41 ms and both get the error then.  The flight is over: C (key 0) at
     * 75 ms leads a new one, queued at 76 ms, started at 101 ms, written at
     * 201 ms.  The dropped query left its stampede group at 41 ms, so C's is
     * a group of its own. */
    char *d = run_json(TL("{\"name\": \"coalesce\", \"scope\": \"global\"}",
                          "{\"at\": 0, \"requests\": 1, \"key\": 1}, {\"at\": \"10ms\", \"requests\": 1, \"key\": 0},"
                          " {\"at\": \"20ms\", \"requests\": 1, \"key\": 0}, {\"at\": \"75ms\", \"requests\": 1, \"key\": 0}",
                          COLD, "\"workers\": 1, \"latency\": \"100ms\", \"queue_timeout\": \"30ms\"", "", ""),
                       "--trace");
    tu_trace t = trace_of(d, "coalesce");
    const tu_query *q0 = query_of(&t, 1, 0), *q1 = query_of(&t, 3, 0);
    ck_assert_str_eq(q0->status, "queue_timeout");
    ck_assert(isnan(q0->t_start));
    NEAR(q0->t_issue, 0.011);
    NEAR(q0->t_end, 0.041);
    for (long id = 1; id <= 2; id++) {
        ck_assert_str_eq(att(&t, id, 1)->outcome, "error");
        NEAR(att(&t, id, 1)->t_done, 0.041);
    }
    ck_assert_str_eq(q1->status, "ok");
    NEAR(q1->t_start, 0.101);
    NEAR(q1->t_end, 0.201);
    ck_assert_str_eq(att(&t, 3, 1)->outcome, "fetch");
    ck_assert_double_eq(num(d, "coalesce", "db.queue_timeouts"), 1);
    ck_assert_double_eq(num(d, "coalesce", "failed_by.queue_timeout"), 2);   /* A and B: no retries */
    ck_assert_double_eq(num(d, "coalesce", "failed"), 2);
    ck_assert_double_eq(num(d, "coalesce", "db.queries"), 3);
    ck_assert_double_eq(num(d, "coalesce", "stampedes.count"), 3);
    ck_assert_double_eq(num(d, "coalesce", "stampedes.max_size"), 1);
    tu_trace_free(&t);
    finish(d);
}
END_TEST

#define USL_SCENARIO(db, clients)                                                                          \
    TL("{\"name\": \"none\"}", "{\"at\": 0, \"requests\": 1, \"key\": 0}, {\"at\": \"30ms\", \"requests\": 1, \"key\": 1}", \
       COLD, "\"workers\": \"unlimited\", \"latency\": \"100ms\", \"overload\": {\"usl\": {\"sigma\": 1, \"kappa\": 0}}" db, \
       clients, ", \"faults\": [{\"at\": 0, \"until\": \"10ms\", \"type\": \"db_slowdown\", \"factor\": 3}]")

START_TEST(statement_timeout_under_usl_speeds_up_the_others)
{
    /* USL σ = 1, κ = 0: with two queries in service each runs at half speed.
     * A (key 0) starts at 1 ms with 300 ms of work (the slowdown's 3x), B
     * (key 1) at 31 ms with 100 ms.  Alone from 1 to 31 ms A does 30 ms of
     * work; shared from 31 ms each does half.  At A's deadline, 1 + 180 =
     * 181 ms, A has done 30 + 75 = 105 ms: aborted.  B has done 75 ms and,
     * alone again, finishes its last 25 ms at 206 ms, before its deadline of
     * 211 ms; had A stayed, B would have needed until 231 ms. */
    char *d = run_json(USL_SCENARIO(", \"statement_timeout\": \"180ms\"", ""), "--trace");
    tu_trace t = trace_of(d, "none");
    const tu_query *a = query_of(&t, 0, 0), *b = query_of(&t, 1, 0);
    ck_assert_str_eq(a->status, "statement_timeout");
    NEAR(a->t_start, 0.001);
    NEAR(a->t_end, 0.181);
    ck_assert_str_eq(att(&t, 0, 1)->outcome, "error");
    NEAR(att(&t, 0, 1)->t_done, 0.181);
    ck_assert_str_eq(b->status, "ok");
    NEAR(b->t_end, 0.206);
    NEAR(att(&t, 1, 1)->latency, 0.176);
    ck_assert_double_eq(num(d, "none", "db.statement_timeouts"), 1);
    ck_assert_double_eq(num(d, "none", "failed_by.statement_timeout"), 1);
    tu_trace_free(&t);
    finish(d);
    /* The same with a client timeout of 180 ms and cancel "all": A's query is
     * cancelled at A's timeout, 180 ms, when each has done 74.5 ms in
     * common; B finishes its last 25.5 ms alone at 205.5 ms, before its own
     * timeout at 210 ms. */
    d = run_json(USL_SCENARIO("", ", \"timeout\": \"180ms\", \"cancel\": \"all\""), "--trace");
    t = trace_of(d, "none");
    a = query_of(&t, 0, 0);
    b = query_of(&t, 1, 0);
    ck_assert_str_eq(a->status, "cancelled");
    NEAR(a->t_end, 0.180);
    ck_assert_str_eq(att(&t, 0, 1)->outcome, "timeout");
    ck_assert_str_eq(b->status, "ok");
    NEAR(b->t_end, 0.2055);
    ck_assert_str_eq(att(&t, 1, 1)->outcome, "fetch");
    tu_trace_free(&t);
    finish(d);
}
END_TEST

START_TEST(failed_background_refresh_clears_the_busy_mark)
{
    /* swr: the value expires at 1 s.  The read at 1 s is served stale and
     * starts a refresh at 1.001 s, which the slowdown makes 500 ms long: the
     * statement_timeout (200 ms) aborts it at 1.201 s.  The read at 1.1 s is
     * served stale without a refresh (one is in flight); the read at 1.3 s
     * starts a new one (ok at 1.401 s), and the read at 1.5 s is a hit. */
    char *d = run_json(TL("{\"name\": \"swr\", \"grace\": \"10s\"}",
                          "{\"at\": 1, \"requests\": 1, \"key\": 0}, {\"at\": 1.1, \"requests\": 1, \"key\": 0},"
                          " {\"at\": 1.3, \"requests\": 1, \"key\": 0}, {\"at\": 1.5, \"requests\": 1, \"key\": 0}",
                          "\"ttl\": \"1s\", \"initial\": \"synchronized\"",
                          "\"workers\": \"unlimited\", \"latency\": \"100ms\", \"statement_timeout\": \"200ms\"", "",
                          ", \"faults\": [{\"at\": 1, \"until\": 1.05, \"type\": \"db_slowdown\", \"factor\": 5}]"),
                       "--trace");
    tu_trace t = trace_of(d, "swr");
    ck_assert_uint_eq(t.ndb, 2);
    ck_assert_str_eq(t.db[0].status, "statement_timeout");
    NEAR(t.db[0].t_end, 1.201);
    ck_assert_str_eq(t.db[1].status, "ok");
    NEAR(t.db[1].t_issue, 1.301);
    for (long id = 0; id < 3; id++) ck_assert_str_eq(att(&t, id, 1)->outcome, "stale");
    ck_assert_str_eq(att(&t, 3, 1)->outcome, "hit");
    ck_assert_double_eq(num(d, "swr", "strategy_counters.early_refreshes"), 2);
    ck_assert_double_eq(num(d, "swr", "errors"), 0);
    tu_trace_free(&t);
    finish(d);
    /* refresh_ahead (fraction 0.5 of a 1 s TTL written at 0): the read at
     * 0.6 s starts a refresh, aborted at 0.801 s; the read at 0.7 s does not
     * start one; the read at 0.85 s does (written at 0.951 s); the read at
     * 1.2 s finds a value 0.249 s old: a hit, no refresh.  All four are hits. */
    d = run_json(TL("{\"name\": \"refresh_ahead\", \"fraction\": 0.5}",
                    "{\"at\": 0.6, \"requests\": 1, \"key\": 0}, {\"at\": 0.7, \"requests\": 1, \"key\": 0},"
                    " {\"at\": 0.85, \"requests\": 1, \"key\": 0}, {\"at\": 1.2, \"requests\": 1, \"key\": 0}",
                    "\"ttl\": \"1s\", \"initial\": \"synchronized\"",
                    "\"workers\": \"unlimited\", \"latency\": \"100ms\", \"statement_timeout\": \"200ms\"", "",
                    ", \"faults\": [{\"at\": 0.6, \"until\": 0.65, \"type\": \"db_slowdown\", \"factor\": 5}]"),
                 "--trace");
    t = trace_of(d, "refresh_ahead");
    ck_assert_uint_eq(t.ndb, 2);
    ck_assert_str_eq(t.db[0].status, "statement_timeout");
    NEAR(t.db[0].t_end, 0.801);
    ck_assert_str_eq(t.db[1].status, "ok");
    NEAR(t.db[1].t_issue, 0.851);
    NEAR(t.db[1].t_end, 0.951);
    ck_assert_double_eq(num(d, "refresh_ahead", "hits"), 4);
    ck_assert_double_eq(num(d, "refresh_ahead", "strategy_counters.early_refreshes"), 2);
    tu_trace_free(&t);
    finish(d);
}
END_TEST

START_TEST(failed_holders_lock_and_lease_last_their_ttl)
{
    /* H (key 1) holds the only worker from 1 to 101 ms.  A (key 0) takes the
     * lease at 11 ms (or the lock at its step, 12 ms) with a ttl of 300 ms;
     * its query is dropped 30 ms later and A gets the error.  Nothing
     * releases the lease: B, waiting since 21 ms, gets again every 51 ms
     * (lease) or steps every 51 ms from 22 ms (lock) and takes it at its
     * first look after the ttl: 327 ms (lease, free from 311) or 328 ms
     * (lock, free from 312); 100 ms of service later it is answered. */
    const struct { const char *label, *strategy; double a_err, b_issue; } cases[] = {
        { "lease", "{\"name\": \"lease\", \"lease_ttl\": \"300ms\", \"retry\": \"50ms\"}", 0.041, 0.327 },
        { "lock", "{\"name\": \"lock\", \"lock_ttl\": \"300ms\", \"poll\": \"50ms\", \"max_wait\": \"5s\"}", 0.042, 0.328 },
    };
    for (size_t i = 0; i < 2; i++) {
        char json[2048];
        snprintf(json, sizeof json,
                 TL("%s", "{\"at\": 0, \"requests\": 1, \"key\": 1}, {\"at\": \"10ms\", \"requests\": 1, \"key\": 0},"
                          " {\"at\": \"20ms\", \"requests\": 1, \"key\": 0}",
                    COLD, "\"workers\": 1, \"latency\": \"100ms\", \"queue_timeout\": \"30ms\"", "", ""),
                 cases[i].strategy);
        char *d = run_json(json, "--trace");
        tu_trace t = trace_of(d, cases[i].label);
        ck_assert_str_eq(query_of(&t, 1, 0)->status, "queue_timeout");
        ck_assert_str_eq(att(&t, 1, 1)->outcome, "error");
        NEAR(att(&t, 1, 1)->t_done, cases[i].a_err);
        NEAR(query_of(&t, 2, 0)->t_issue, cases[i].b_issue);
        ck_assert_str_eq(att(&t, 2, 1)->outcome, "fetch");
        NEAR(att(&t, 2, 1)->t_done, cases[i].b_issue + 0.1);
        tu_trace_free(&t);
        finish(d);
    }
}
END_TEST

START_TEST(failed_sync_early_refresh_is_an_error)
{
    /* XFetch with a huge beta refreshes at the read at 1 s (query at 1.001 s,
     * 100 ms); the statement_timeout of 50 ms aborts it at 1.051 s, and the
     * attempt that waited for it gets the error (a rejected early refresh
     * would have served the fresh value it found). */
    char *d = run_json(TL("{\"name\": \"xfetch\", \"beta\": 1e6}", "{\"at\": 1, \"requests\": 1, \"key\": 0}",
                          "\"ttl\": \"10s\", \"initial\": \"synchronized\"",
                          "\"workers\": \"unlimited\", \"latency\": \"100ms\", \"statement_timeout\": \"50ms\"", "", ""),
                       "--trace");
    tu_trace t = trace_of(d, "xfetch");
    ck_assert_str_eq(t.db[0].cause, "early");
    ck_assert_str_eq(t.db[0].status, "statement_timeout");
    ck_assert_str_eq(att(&t, 0, 1)->outcome, "error");
    NEAR(att(&t, 0, 1)->t_done, 1.051);
    tu_trace_free(&t);
    finish(d);
}
END_TEST

/* ---- the retry budget */

START_TEST(retry_budget_caps_retries_over_a_sliding_window)
{
    /* TTL 0 and a queue limit of 0: a request that finds the only worker
     * busy is rejected, fails, and wants one retry (backoff 0), which is
     * rejected in turn.  A hog (key 1) holds the worker for 100 ms before
     * each burst.  Budget 0.5:
     *   at 11 ms: 11 first attempts in the window (slice 0): 5 retries
     *     granted (5 <= 5.5), 5 denied;
     *   at 9.451 s: the window is slices 0-9: 16 first attempts, 5 retries
     *     so far: 3 more granted (8 <= 8), 1 denied;
     *   at 10.451 s: slice 0 has left the window (slices 1-10): 10 first
     *     attempts, 3 retries: 2 more granted (5 <= 5), 2 denied;
     *   at 25.451 s: after a gap the window (slices 16-25) holds only the 5
     *     first attempts of slice 25: 2 granted (2 <= 2.5), 2 denied. */
    char *d = run_json("{\"duration\": 27, \"clients\": {\"arrivals\": {\"schedule\": [{\"at\": 0, \"rate\": 0}]},"
                       " \"bursts\": [{\"at\": 0, \"requests\": 1, \"key\": 1}, {\"at\": \"10ms\", \"requests\": 10, \"key\": 0},"
                       "  {\"at\": 9.4, \"requests\": 1, \"key\": 1}, {\"at\": 9.45, \"requests\": 4, \"key\": 0},"
                       "  {\"at\": 10.4, \"requests\": 1, \"key\": 1}, {\"at\": 10.45, \"requests\": 4, \"key\": 0},"
                       "  {\"at\": 25.4, \"requests\": 1, \"key\": 1}, {\"at\": 25.45, \"requests\": 4, \"key\": 0}],"
                       " \"retries\": {\"max\": 1, \"backoff\": 0, \"jitter\": \"none\", \"budget\": 0.5}},"
                       " \"keys\": {\"count\": 2}, \"cache\": {\"latency\": \"1ms\", \"ttl\": 0},"
                       " \"db\": {\"workers\": 1, \"queue_limit\": 0, \"latency\": \"100ms\"}}",
                       "--trace");
    tu_trace t = trace_of(d, "none");
    int granted[4] = { 0 }, denied[4] = { 0 };
    for (size_t i = 0; i < t.nreq; i++) {
        const tu_attempt *a = &t.req[i];
        if (a->key != 0 || a->attempt != 1) continue;
        ck_assert_str_eq(a->outcome, "error");
        int w = a->t_arr < 1 ? 0 : a->t_arr < 10 ? 1 : a->t_arr < 20 ? 2 : 3;
        bool retried = false;
        for (size_t j = 0; j < t.nreq; j++) retried |= t.req[j].id == a->id && t.req[j].attempt == 2;
        if (retried) granted[w]++;
        else denied[w]++;
    }
    ck_assert_int_eq(granted[0], 5);
    ck_assert_int_eq(denied[0], 5);
    ck_assert_int_eq(granted[1], 3);
    ck_assert_int_eq(denied[1], 1);
    ck_assert_int_eq(granted[2], 2);
    ck_assert_int_eq(denied[2], 2);
    ck_assert_int_eq(granted[3], 2);
    ck_assert_int_eq(denied[3], 2);
    ck_assert_double_eq(num(d, "none", "retries_denied"), 10);
    /* The hogs succeed; 10 requests fail for want of a retry, the 12 retried
     * ones when their retry is rejected in turn. */
    ck_assert_double_eq(num(d, "none", "failed_by.retry_denied"), 10);
    ck_assert_double_eq(num(d, "none", "failed_by.rejected"), 12);
    ck_assert_double_eq(num(d, "none", "failed"), 22);
    ck_assert_double_eq(num(d, "none", "requests"), 26);
    ck_assert_double_eq(num(d, "none", "attempts"), 38);
    tu_trace_free(&t);
    finish(d);
}
END_TEST

/* Orders records that begin with a double time. */
static int cmp_ev(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Every query fails (statement_timeout 1 ms, service 10 ms) and every
 * failure wants a retry (max 3, backoff 0): demand always exceeds the budget,
 * so the retries granted in every window of ten 1-s slices are at most budget
 * x its first attempts, and over the run they come to the budget (the cap
 * binds in each window; Poisson first attempts, 10^5 of them). */
static void budget_case(double budget)
{
    char json[1024];
    snprintf(json, sizeof json,
             "{\"duration\": 100, \"seed\": 5, \"clients\": {\"arrivals\": {\"rate\": 1000},"
             " \"retries\": {\"max\": 3, \"backoff\": 0, \"jitter\": \"none\", \"budget\": %g}},"
             " \"cache\": {\"ttl\": 0}, \"db\": {\"workers\": \"unlimited\", \"latency\": \"10ms\","
             " \"statement_timeout\": \"1ms\"}}", budget);
    char *d = run_json(json, "--trace");
    tu_trace t = trace_of(d, "none");
    /* Replays the budget's rule in time order: each retry (backoff 0, so its
     * arrival is the instant it was granted) must fit within budget x the
     * first attempts of the window (its slice and the nine before) once it is
     * counted. */
    size_t ne = t.nreq;
    struct ev { double t; int retry; } *ev = malloc(ne * sizeof *ev);
    for (size_t i = 0; i < ne; i++) ev[i] = (struct ev){ t.req[i].t_arr, t.req[i].attempt > 1 };
    qsort(ev, ne, sizeof *ev, cmp_ev);
    enum { SLICES = 128 };
    double first[SLICES] = { 0 }, retry[SLICES] = { 0 };
    for (size_t i = 0; i < ne; i++) {
        int sl = (int)floor(ev[i].t);
        ck_assert_int_lt(sl, SLICES);
        if (!ev[i].retry) { first[sl]++; continue; }
        retry[sl]++;
        double f = 0, r = 0;
        for (int k = sl - 9 < 0 ? 0 : sl - 9; k <= sl; k++) { f += first[k]; r += retry[k]; }
        ck_assert_msg(r <= budget * f * (1 + 1e-12), "at %.6f s: %g retries for %g first attempts", ev[i].t, r, f);
    }
    free(ev);
    double requests = num(d, "none", "requests"), retries = num(d, "none", "attempts") - requests;
    double ratio = retries / requests;
    /* The cap binds in every window: the shortfall is at most one retry per
     * slice boundary, 100 in all. */
    fprintf(stderr, "  retry budget %g: %g retries for %g requests: ratio %.5f (shortfall %g)\n", budget, retries,
            requests, ratio, budget * requests - retries);
    ck_assert_msg(retries <= budget * requests && retries >= budget * requests - 100, "ratio %g", ratio);
    /* Denied: every request whose last attempt failed before the end with
     * retries left (ids are 0..requests-1). */
    size_t n = (size_t)requests;
    long *last = calloc(n, sizeof *last);
    double *end = calloc(n, sizeof *end);
    for (size_t i = 0; i < t.nreq; i++) {
        const tu_attempt *a = &t.req[i];
        ck_assert_int_lt(a->id, (long)n);
        if (a->attempt > last[a->id]) { last[a->id] = a->attempt; end[a->id] = a->t_done; }
    }
    double denied = 0;
    for (size_t i = 0; i < n; i++) denied += last[i] <= 3 && end[i] < 100;
    free(last);
    free(end);
    ck_assert_double_eq(num(d, "none", "retries_denied"), denied);
    tu_trace_free(&t);
    finish(d);
}

START_TEST(retry_budget_ten_percent) { budget_case(0.1); }
END_TEST
START_TEST(retry_budget_above_one) { budget_case(1.7); }
END_TEST

/* ================================================================ every strategy
 *
 * Each control, and all of them at once, under every strategy and the
 * combinations, on one busy run: a cache flush at 5 s and a 10x DB slowdown
 * from 8 to 11 s overload a pool of 4 workers; clients time out at 100 ms
 * and retry twice.  For each label: the control acts (its counter is not 0);
 * the summary's counters equal the trace's statuses; every query is accounted
 * for once; each failed query ended exactly when its rule says; and no key
 * is left stuck behind a failed query.  After the faults the arrival rate
 * drops from 1500/s to 200/s, so that the DB can drain its backlog. */

#define STRESS                                                                                              \
    "{\"duration\": 20, \"seed\": 7, \"clients\": {\"arrivals\": {\"schedule\": [{\"at\": 0, \"rate\": 1500},"       \
    " {\"at\": 12, \"rate\": 200}]}, \"timeout\": \"100ms\","                                                  \
    " \"retries\": {\"max\": 2, \"backoff\": \"20ms\"}},"                                                    \
    " \"keys\": {\"count\": 400, \"popularity\": {\"zipf\": 1.0}}, \"app\": {\"nodes\": 4},"                  \
    " \"cache\": {\"latency\": {\"dist\": \"uniform\", \"min\": \"200us\", \"max\": \"1ms\"}, \"ttl\": \"2s\"," \
    " \"ttl_jitter\": 0.2}, \"db\": {\"workers\": 4, \"latency\": {\"dist\": \"exponential\", \"mean\": \"10ms\"}}," \
    " \"faults\": [{\"at\": 5, \"type\": \"cache_flush\"}, {\"at\": 8, \"until\": 11, \"type\": \"db_slowdown\", \"factor\": 10}]," \
    " \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\", \"poll\": \"10ms\", \"lock_ttl\": \"1s\"},"                     \
    "  {\"name\": \"coalesce\"}, {\"name\": \"coalesce\", \"label\": \"coalesce-global\", \"scope\": \"global\"}," \
    "  {\"name\": \"xfetch\", \"beta\": 2}, {\"name\": \"xfetch\", \"label\": \"xfetch-async\", \"beta\": 2, \"refresh\": \"async\"}," \
    "  {\"name\": \"swr\", \"grace\": \"1s\"}, {\"name\": \"lease\", \"lease_ttl\": \"1s\"}, {\"name\": \"refresh_ahead\"},"       \
    "  {\"name\": \"xfetch\", \"label\": \"xfetch-lock\", \"beta\": 2, \"recompute\": {\"name\": \"lock\", \"poll\": \"10ms\", \"lock_ttl\": \"1s\"}}," \
    "  {\"name\": \"swr\", \"label\": \"swr-coalesce\", \"grace\": \"1s\", \"recompute\": {\"name\": \"coalesce\", \"scope\": \"global\"}}," \
    "  {\"name\": \"refresh_ahead\", \"label\": \"refresh_ahead-lease\", \"recompute\": {\"name\": \"lease\", \"lease_ttl\": \"1s\"}}]}"

static const char *const stress_labels[] = {
    "none", "lock", "coalesce", "coalesce-global", "xfetch", "xfetch-async", "swr", "lease", "refresh_ahead",
    "xfetch-lock", "swr-coalesce", "refresh_ahead-lease",
};
#define NLABELS (sizeof stress_labels / sizeof *stress_labels)

enum { C_QT = 1, C_ST = 2, C_CANCEL = 4, C_BUDGET = 8 };

static const struct control {
    const char *name, *sets;
    unsigned acts;        /* the controls whose counters must not be 0 */
    double qtau, stau;    /* the queue and statement timeouts set */
    bool queued_only;     /* cancel "queued" */
} controls[] = {
    { "queue_timeout", "--set db.queue_timeout=40ms", C_QT, 0.040, 0, false },
    { "statement_timeout", "--set db.statement_timeout=40ms", C_ST, 0, 0.040, false },
    { "statement_timeout under USL",
      "--set db.statement_timeout=40ms --set 'db.overload={\"usl\": {\"sigma\": 0.02, \"kappa\": 0.002}}'", C_ST, 0,
      0.040, false },
    { "cancel queued", "--set clients.cancel=queued", C_CANCEL, 0, 0, true },
    { "cancel all", "--set clients.cancel=all", C_CANCEL, 0, 0, false },
    { "retry budget", "--set clients.retries.budget=0.02", C_BUDGET, 0, 0, false },
    /* Queries last up to 120 ms, beyond the client timeout: all four act. */
    { "all at once",
      "--set db.queue_timeout=60ms --set db.statement_timeout=60ms --set clients.cancel=all"
      " --set clients.retries.budget=0.02",
      C_QT | C_ST | C_CANCEL | C_BUDGET, 0.060, 0.060, false },
};
#define NCONTROLS (sizeof controls / sizeof *controls)

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Whether a read of key k after time `after` must have started a background
 * refresh had the key's busy mark been clear: under swr, a stale answer;
 * under refresh_ahead, a hit at least 0.8 of the longest jittered TTL
 * (2 s x 1.2) after the key's last write.  Attempts and queries are in the
 * trace in the order they ended. */
static bool refresh_due(const tu_trace *t, long k, double after, bool swr)
{
    double written = -1;
    size_t qi = 0;
    for (size_t i = 0; i < t->nreq; i++) {
        const tu_attempt *a = &t->req[i];
        if (a->key != k) continue;
        for (; qi < t->ndb && t->db[qi].t_end <= a->t_done; qi++)
            if (t->db[qi].key == k && !strcmp(t->db[qi].status, "ok")) written = t->db[qi].t_end;
        if (a->t_done <= after) continue;
        if (swr ? !strcmp(a->outcome, "stale") : !strcmp(a->outcome, "hit") && written >= 0 && a->t_done - written >= 0.8 * 2.4)
            return true;
    }
    return false;
}

/* No key is left stuck behind a failed query (a coalesce flight, a busy
 * mark or a lock never cleared): for each of the 10 hottest keys, after its
 * last failed query before 14 s (the faults end at 11 s, and the lock and
 * lease ttl is 1 s), a query for it succeeds later; and where the failed one
 * was a background refresh (swr, refresh_ahead: the busy mark), another one
 * is issued later once a read is due to start one (refresh_due: in an
 * overloaded run, queries still draining may keep rewriting the key until
 * the end, and no read then falls in its refresh window). */
static void check_live_keys(const tu_trace *t, const char *label)
{
    for (long k = 0; k < 10; k++) {
        double fail = -1, ok = -1, refresh = -1;
        bool failed_refresh = false;
        for (size_t i = 0; i < t->ndb; i++) {
            const tu_query *q = &t->db[i];
            if (q->key != k) continue;
            bool bg = !strcmp(q->cause, "background");
            if (!strcmp(q->status, "ok")) ok = fmax(ok, q->t_end);
            else if (strcmp(q->status, "rejected") && q->t_end < 14 && q->t_end > fail) {
                fail = q->t_end;
                failed_refresh = bg;
            }
            if (bg) refresh = fmax(refresh, q->t_issue);
        }
        if (fail < 0) continue;
        ck_assert_msg(ok > fail, "%s: key %ld has no query written after its failure at %.6f s", label, k, fail);
        if (failed_refresh && refresh_due(t, k, fail, strstr(label, "swr") != NULL))
            ck_assert_msg(refresh > fail, "%s: key %ld has no refresh after its failed one at %.6f s", label, k, fail);
    }
}

static void check_label(const char *dir, const char *label, const struct control *c)
{
    tu_trace t = trace_of(dir, label);
    double qt = num(dir, label, "db.queue_timeouts"), st = num(dir, label, "db.statement_timeouts");
    double ca = num(dir, label, "db.cancelled"), denied = num(dir, label, "retries_denied");
    /* The control acts, and only the controls configured do. */
    const double counters[] = { qt, st, ca, denied };
    const char *names[] = { "db.queue_timeouts", "db.statement_timeouts", "db.cancelled", "retries_denied" };
    for (int k = 0; k < 4; k++)
        ck_assert_msg((counters[k] > 0) == ((c->acts >> k) & 1), "%s, %s: %s = %g", c->name, label, names[k],
                      counters[k]);
    /* Summary = trace, and every query once: warmup 0, so all are counted. */
    ck_assert_double_eq(qt, (double)count_status(&t, "queue_timeout"));
    ck_assert_double_eq(st, (double)count_status(&t, "statement_timeout"));
    ck_assert_double_eq(ca, (double)count_status(&t, "cancelled"));
    ck_assert_double_eq(num(dir, label, "db.rejected"), (double)count_status(&t, "rejected"));
    ck_assert_double_eq(num(dir, label, "db.queries") + num(dir, label, "db.rejected"), (double)t.ndb);
    ck_assert_uint_eq(count_status(&t, "ok") + count_status(&t, "rejected") + (size_t)(qt + st + ca), t.ndb);
    double outcomes = 0;
    const char *outs[] = { "hit", "refresh", "fetch", "waited", "stale", "timeout", "error" };
    for (int k = 0; k < 7; k++) outcomes += num(dir, label, tu_pathf("outcomes.%s", outs[k]));
    ck_assert_double_eq(outcomes, num(dir, label, "attempts"));
    /* Every request ends once; a denied retry's is filed under retry_denied. */
    double failed = 0;
    const char *ways[] = { "timeout", "rejected", "gave_up", "queue_timeout", "statement_timeout", "retry_denied" };
    for (int k = 0; k < 6; k++) failed += num(dir, label, tu_pathf("failed_by.%s", ways[k]));
    ck_assert_double_eq(failed, num(dir, label, "failed"));
    ck_assert_double_eq(num(dir, label, "ok") + failed, num(dir, label, "requests"));
    ck_assert_double_eq(num(dir, label, "failed_by.retry_denied"), denied);
    /* Each failure at its instant; a cancellation at an attempt's timeout. */
    double *timeouts = malloc((t.nreq + 1) * sizeof *timeouts);
    size_t nt = 0;
    for (size_t i = 0; i < t.nreq; i++)
        if (!strcmp(t.req[i].outcome, "timeout")) timeouts[nt++] = t.req[i].t_done;
    qsort(timeouts, nt, sizeof *timeouts, cmp_double);
    for (size_t i = 0; i < t.ndb; i++) {
        const tu_query *q = &t.db[i];
        if (!strcmp(q->status, "queue_timeout")) {
            ck_assert(isnan(q->t_start));
            ck_assert_msg(fabs(q->t_end - q->t_issue - c->qtau) < 1e-9, "%s: dropped after %g s", label,
                          q->t_end - q->t_issue);
        } else if (!strcmp(q->status, "statement_timeout")) {
            ck_assert_msg(fabs(q->t_end - q->t_start - c->stau) < 1e-9, "%s: aborted after %g s", label,
                          q->t_end - q->t_start);
        } else if (!strcmp(q->status, "cancelled")) {
            ck_assert_str_ne(q->cause, "background");
            if (c->queued_only) ck_assert(isnan(q->t_start));
            const double *hit = bsearch(&q->t_end, timeouts, nt, sizeof *timeouts, cmp_double);
            ck_assert_msg(hit, "%s: a query cancelled at %.9f when no attempt timed out", label, q->t_end);
        } else if (!strcmp(q->status, "ok")) {
            ck_assert(!isnan(q->t_start));
        }
    }
    free(timeouts);
    check_live_keys(&t, label);
    tu_trace_free(&t);
}

START_TEST(every_control_under_every_strategy)
{
    const struct control *c = &controls[_i];
    char *d = run_json(STRESS, "--trace %s", c->sets);
    for (size_t l = 0; l < NLABELS; l++) check_label(d, stress_labels[l], c);
    /* The same run again: the same numbers (comparison.csv has no wall clock). */
    if (_i == NCONTROLS - 1) {
        char *e = run_json(STRESS, "%s", c->sets);
        char *a = tu_slurp(tu_pathf("%s/r/comparison.csv", d)), *b = tu_slurp(tu_pathf("%s/r/comparison.csv", e));
        ck_assert_ptr_nonnull(a);
        ck_assert_ptr_nonnull(b);
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
        finish(e);
    }
    finish(d);
}
END_TEST

/* ================================================================ suite */

static Suite *controls_suite(void)
{
    Suite *s = suite_create("controls");
    TCase *th = tcase_create("theory");
    tcase_set_timeout(th, 600);
    tcase_add_test(th, statement_timeout_light_load);
    tcase_add_test(th, statement_timeout_heavy_load_long_timeout);
    tcase_add_test(th, statement_timeout_overload_made_stable);
    tcase_add_test(th, statement_timeout_processor_sharing);
    tcase_add_test(th, queue_timeout_light_load_short);
    tcase_add_test(th, queue_timeout_heavy_load);
    tcase_add_test(th, queue_timeout_overload_made_stable);
    tcase_add_test(th, cancel_queued_is_mm1_with_patience);
    tcase_add_test(th, cancel_all_light_load);
    tcase_add_test(th, cancel_all_heavy_load);
    tcase_add_test(th, cancel_all_overload_made_stable);
    tcase_add_test(th, retry_budget_ten_percent);
    tcase_add_test(th, retry_budget_above_one);
    suite_add_tcase(s, th);
    TCase *tl = tcase_create("timelines");
    tcase_set_timeout(tl, 120);
    tcase_add_test(tl, cancel_none_lets_abandoned_work_run);
    tcase_add_test(tl, cancel_queued_frees_the_place_not_the_worker);
    tcase_add_test(tl, cancel_all_frees_the_worker_at_once);
    tcase_add_test(tl, cancel_spares_a_query_others_wait_on);
    tcase_add_test(tl, cancel_does_not_wait_for_lock_pollers);
    tcase_add_test(tl, queue_timeout_fails_the_flight_and_its_joiners);
    tcase_add_test(tl, statement_timeout_under_usl_speeds_up_the_others);
    tcase_add_test(tl, failed_background_refresh_clears_the_busy_mark);
    tcase_add_test(tl, failed_holders_lock_and_lease_last_their_ttl);
    tcase_add_test(tl, failed_sync_early_refresh_is_an_error);
    tcase_add_test(tl, retry_budget_caps_retries_over_a_sliding_window);
    suite_add_tcase(s, tl);
    TCase *all = tcase_create("every_strategy");
    tcase_set_timeout(all, 600);
    tcase_add_loop_test(all, every_control_under_every_strategy, 0, (int)NCONTROLS);
    suite_add_tcase(s, all);
    return s;
}

/* This file's suite, run by the one test main (tests/testmain.c). */
Suite *tu_suite(void)
{
    return controls_suite();
}
