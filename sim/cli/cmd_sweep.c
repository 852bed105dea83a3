/* cmd_sweep.c - the command line of `stampede sweep`: options
 * (sweep_args.c), the progress bar, signals, the points' problems, what was
 * written and the exit status.  The work is sweep/'s. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/stop.h"
#include "signals.h"
#include "sweep_args.h"

/* ---------------------------------------------------------------- what the sweep says */

typedef struct bar {
    double last;
    bool shown;
} bar;

static void note(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "stampede: %s\n", line);
}

static void fmt_clock(char *buf, size_t n, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

/* The progress bar, at most five times a second and at the end. */
static void progress(void *ctx, size_t done, size_t n, double spent)
{
    bar *b = ctx;
    double now = cli_wall_now();
    if (now - b->last < 0.2 && done < n) return;
    b->last = now;
    int width = 30, fill = (int)((double)width * (double)done / (double)n);
    char line[64], el[32], eta[32];
    for (int i = 0; i < width; i++) line[i] = i < fill ? '#' : '.';
    line[width] = 0;
    fmt_clock(el, sizeof el, spent);
    if (done) fmt_clock(eta, sizeof eta, spent / (double)done * (double)(n - done));
    else snprintf(eta, sizeof eta, "?");
    fprintf(stderr, "\rstampede: sweep [%s] %zu/%zu runs, %s elapsed, ETA %s ", line, done, n, el, eta);
    b->shown = true;
}

/* What a sweep or a merge wrote. */
void cli_sweep_written(const sweep_written *w)
{
    if (!w->dir) return;
    if (w->best) fputs(w->best, stdout);
    printf("results: %s/ (%zu of %zu runs%s)\n", w->dir, w->nruns, w->runs,
           w->partial ? ", partial: join the parts with stampede merge" : "");
}

static int emit(void *ctx, const char *text)
{
    (void)ctx;
    return fputs(text, stdout) == EOF || ferror(stdout);
}

/* ---------------------------------------------------------------- the command */

int cmd_sweep(int argc, char **argv)
{
    signals_install();
    sweep_args a;
    int rc = sweep_args_parse(argc, argv, &a, true);
    if (rc != SWEEP_ARGS_GO) return rc;
    struct status st = STATUS_INIT;
    bar b = { 0 };
    sweep_hooks hooks = { .note = note, .ctx = &b };
    sweep *sw = NULL;
    size_t *ks = NULL;
    sweep_written w = { 0 };
    enum status_code code = sweep_open(&a.spec, &hooks, &sw, &st);
    if (code) goto done;
    if (a.spec.list) {
        code = sweep_list_runs(sw, emit, NULL, &st);
        if (fflush(stdout) || ferror(stdout)) {
            fprintf(stderr, "stampede: sweep --list-runs: cannot write the list: %s\n", strerror(errno ? errno : EIO));
            rc = EXIT_FAILED;
            status_clear(&st);
            goto out;
        }
        goto done;
    }
    size_t n = sweep_count(sw);
    if (!(ks = malloc((n ? n : 1) * sizeof *ks))) {
        code = status_set(&st, STATUS_FAILED, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n; k++) ks[k] = k;
    int jobs = sweep_jobs(sw);
    if (!jobs) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = c > 0 ? (int)(c < 4096 ? c : 4096) : 1;
    }
    if (!a.quiet && isatty(2)) hooks.progress = progress;
    code = sweep_execute(sw, ks, n, jobs, &stop_flag, &hooks, &st);
    if (b.shown) fputs("\r\033[K", stderr);
    if (!code) code = sweep_finish(sw, &w, &st);
    cli_sweep_written(&w);
done:
    if (code) cli_report_cmd("sweep", &st);
    rc = cli_exit_code(code);
out:
    sweep_written_free(&w);
    free(ks);
    sweep_close(sw);
    sweep_args_free(&a);
    status_clear(&st);
    return rc;
}
