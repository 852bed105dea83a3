/* exec.c - running a sweep's selected runs in threads (sweep.h): each
 * thread takes the next run, simulates every strategy of its point into the
 * run's slot and reports; the first failure raises the stop flag so the
 * others end. */
#include "internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/metrics.h"
#include "model/model.h"
#include "scenario/budget.h"

typedef struct exec {
    sweep *sw;
    const size_t *ks;
    size_t n, next, done;
    pthread_mutex_t mu;
    int failed;              /* 1 a failure, 2 bad input at a point */
    char err[2048];
    volatile int *stop;
    const sweep_hooks *hooks;
    double t0;
} exec;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs every strategy of the k-th selected run into its slot: 0, or 1 / 2
 * with err ("interrupted" when the stop flag ended it). */
static int run_one(sweep *sw, size_t k, volatile int *stop, char *err, size_t errlen)
{
    size_t run = sw->sel[k], point = run / sw->g.reps, rep = run % sw->g.reps;
    const scenario *sc = sw->sc[point];
    double *out = sweep_slot(sw, k);
    for (size_t j = 0; j < sw->npick[point]; j++) {
        size_t si = sw->pick[point][j];
        metrics m;
        if (metrics_init(&m, sc->warmup, sc->duration, sc->bin)) {
            snprintf(err, errlen, "out of memory");
            return 1;
        }
        run_opts o = { .stop = stop, .salt = rep, .memory = budget_run_memory(sc, sw->jobs ? sw->jobs : 2) };
        struct status st = STATUS_INIT;
        enum status_code rc = sim_run(sc, si, &o, &m, &st);
        if (rc == STATUS_OK) metrics_columns(&m, out + j * COL_N);
        metrics_free(&m);
        if (rc == STATUS_STOPPED) {
            snprintf(err, errlen, "interrupted");
            return 1;
        }
        if (rc != STATUS_OK) {
            char desc[1024];
            sweep_point_desc(&sw->g, point, desc, sizeof desc);
            snprintf(err, errlen, "run %zu (point %zu: %s; replication %zu), label %s: %s", run, point, desc, rep,
                     sc->strategies[si].label, status_msg(&st));
            status_clear(&st);
            return rc == STATUS_INPUT ? 2 : 1;
        }
    }
    return 0;
}

static void *worker(void *arg)
{
    exec *x = arg;
    for (;;) {
        pthread_mutex_lock(&x->mu);
        if (x->failed || *x->stop || x->next == x->n) {
            pthread_mutex_unlock(&x->mu);
            return NULL;
        }
        size_t k = x->ks[x->next++];
        pthread_mutex_unlock(&x->mu);
        char err[2048] = "";
        int rc = run_one(x->sw, k, x->stop, err, sizeof err);
        pthread_mutex_lock(&x->mu);
        if (rc) {
            if (!x->failed) {
                x->failed = rc;
                snprintf(x->err, sizeof x->err, "%s", err);
            }
            *x->stop = 1;
        } else {
            x->done++;
            if (x->hooks && x->hooks->progress) x->hooks->progress(x->hooks->ctx, x->done, x->n, wall_now() - x->t0);
        }
        pthread_mutex_unlock(&x->mu);
    }
}

enum status_code sweep_execute(sweep *sw, const size_t *ks, size_t n, int jobs, volatile int *stop,
                               const sweep_hooks *hooks, struct status *st)
{
    exec x = { .sw = sw, .ks = ks, .n = n, .stop = stop, .hooks = hooks, .t0 = wall_now() };
    if (pthread_mutex_init(&x.mu, NULL)) return status_set(st, STATUS_FAILED, "cannot create a mutex");
    if (jobs < 1) jobs = 1;
    size_t nt = (size_t)jobs < n ? (size_t)jobs : n;
    pthread_t *th = nt > 1 ? calloc(nt - 1, sizeof *th) : NULL;
    size_t started = 0;
    for (size_t i = 0; th && i + 1 < nt; i++) {
        if (pthread_create(&th[i], NULL, worker, &x)) break;   /* fewer threads: still correct */
        started++;
    }
    worker(&x);
    for (size_t i = 0; i < started; i++) pthread_join(th[i], NULL);
    free(th);
    int interrupted = *stop && !x.failed;
    pthread_mutex_destroy(&x.mu);
    if (interrupted || (x.failed && !strcmp(x.err, "interrupted")))
        return status_set(st, STATUS_STOPPED, "interrupted; nothing was written to %s", sw->out);
    if (x.failed)
        return status_set(st, x.failed == 2 ? STATUS_INPUT : STATUS_FAILED, "%s; nothing was written to %s", x.err,
                          sw->out);
    return STATUS_OK;
}
