/* mpi_main.c - stampede-mpi: `stampede sweep` spread over Open MPI ranks.
 * Every rank loads the same grid; rank r computes the selected runs k with
 * k % size == r; rank 0 gathers their result arrays and writes the very bytes
 * `stampede sweep` writes.  The only file of the program that speaks MPI. */
#include <gsl/gsl_errno.h>
#include <limits.h>
#include <mpi.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/stop.h"
#include "cli.h"
#include "results/output.h"
#include "signals.h"
#include "sweep_args.h"
#include "usage.h"


/* Every rank agrees on a status: the largest one any rank reports. */
static int agree(int rc)
{
    int all = rc;
    MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return all;
}

/* Gathers the slots of every rank's runs into rank 0's slots.  Returns 0, or
 * 1 when the sizes do not fit MPI's int counts or memory runs out. */
static int gather(sweep *sw, int rank, int size)
{
    size_t n = sweep_count(sw), mine = 0;
    for (size_t k = (size_t)rank; k < n; k += (size_t)size) mine += sweep_width(sw, k);
    int ok = mine <= INT_MAX;
    double *send = malloc((mine ? mine : 1) * sizeof *send);
    int *counts = NULL, *displs = NULL;
    double *recv = NULL;
    size_t total = 0;
    if (rank == 0) {
        counts = calloc((size_t)size, sizeof *counts);
        displs = calloc((size_t)size, sizeof *displs);
        for (int r = 0; counts && displs && r < size; r++) {
            size_t c = 0;
            for (size_t k = (size_t)r; k < n; k += (size_t)size) c += sweep_width(sw, k);
            if (c > INT_MAX || total > INT_MAX - c) ok = 0;
            else { counts[r] = (int)c; displs[r] = (int)total; }
            total += c;
        }
        recv = malloc((total ? total : 1) * sizeof *recv);
        ok = ok && counts && displs && recv;
    }
    ok = ok && send;
    if (agree(!ok)) {
        if (rank == 0) fputs("stampede: the sweep is too large to gather, or out of memory\n", stderr);
        free(send); free(counts); free(displs); free(recv);
        return 1;
    }
    size_t pos = 0;
    for (size_t k = (size_t)rank; k < n; k += (size_t)size) {
        memcpy(send + pos, sweep_slot(sw, k), sweep_width(sw, k) * sizeof *send);
        pos += sweep_width(sw, k);
    }
    MPI_Gatherv(send, (int)mine, MPI_DOUBLE, recv, counts, displs, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (rank == 0)
        for (int r = 0; r < size; r++) {
            pos = (size_t)displs[r];
            for (size_t k = (size_t)r; k < n; k += (size_t)size) {
                memcpy(sweep_slot(sw, k), recv + pos, sweep_width(sw, k) * sizeof *recv);
                pos += sweep_width(sw, k);
            }
        }
    free(send); free(counts); free(displs); free(recv);
    return 0;
}

static void note(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "stampede: %s\n", line);
}

static int emit(void *ctx, const char *text)
{
    (void)ctx;
    return fputs(text, stdout) == EOF || ferror(stdout);
}

/* `sweep ARGS` (argv from "sweep" on) over the ranks; only rank 0 speaks. */
static int sweep_ranks(int argc, char **argv, int rank, int size)
{
    bool speak = rank == 0;
    sweep_args a;
    sweep *sw = NULL;
    struct status st = STATUS_INIT;
    int rc = 0;
    /* go: -1, else the exit status this rank ends with */
    int open = sweep_args_parse(argc, argv, &a, speak);
    if (open == SWEEP_ARGS_GO) {
        sweep_hooks hooks = { .note = speak ? note : NULL };
        enum status_code code = sweep_open(&a.spec, &hooks, &sw, &st);
        if (code) {
            if (speak) cli_report_cmd("sweep", &st);
            open = cli_exit_code(code);
        } else if (a.spec.list) {
            open = 0;
            if (speak) {
                code = sweep_list_runs(sw, emit, NULL, &st);
                if (fflush(stdout) || ferror(stdout)) {
                    fprintf(stderr, "stampede: sweep --list-runs: cannot write the list\n");
                    open = EXIT_FAILED;
                } else if (code) {
                    cli_report(&st);
                    open = cli_exit_code(code);
                }
            }
            rc = open;
            open = 0;
            status_clear(&st);
            agree(0);
            goto done;
        }
    }
    /* A rank that could not read the scenario must not leave the others waiting. */
    int worst = agree(open == SWEEP_ARGS_GO ? 0 : open);
    if (open != SWEEP_ARGS_GO || worst) {
        rc = open == SWEEP_ARGS_GO ? worst : open;
        goto done;
    }
    unsigned long long n = (unsigned long long)sweep_count(sw), lo = n, hi = n;
    MPI_Allreduce(&n, &lo, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&n, &hi, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
    if (lo != hi) {
        if (speak) fputs("stampede: the ranks do not see the same sweep (is the scenario the same file everywhere?)\n", stderr);
        rc = EXIT_USAGE;
        goto done;
    }
    size_t *ks = malloc(((size_t)n / (size_t)size + 1) * sizeof *ks), nk = 0;
    int jobs = sweep_jobs(sw) ? sweep_jobs(sw) : 1;
    enum status_code code = ks ? STATUS_OK : status_set(&st, STATUS_FAILED, "out of memory");
    for (size_t k = (size_t)rank; ks && k < n; k += (size_t)size) ks[nk++] = k;
    if (!code) code = sweep_execute(sw, ks, nk, jobs, &stop_flag, NULL, &st);
    if (code) cli_report_cmd("sweep", &st);
    free(ks);
    rc = agree(cli_exit_code(code));
    if (!rc) rc = gather(sw, rank, size);
    if (!rc && rank == 0) {
        sweep_written w = { 0 };
        status_clear(&st);
        code = sweep_finish(sw, &w, &st);
        cli_sweep_written(&w);
        if (code) cli_report(&st);
        rc = cli_exit_code(code);
        sweep_written_free(&w);
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
done:
    sweep_close(sw);
    sweep_args_free(&a);
    status_clear(&st);
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int rc = 0;
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        if (rank == 0) fputs(usage_mpi, stdout);
    } else if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
        if (rank == 0) printf("stampede-mpi %s\n", STAMPEDE_VERSION);
    } else if (argc < 2 || strcmp(argv[1], "sweep")) {
        if (rank == 0) fprintf(stderr, "stampede: stampede-mpi runs one command: sweep (see 'stampede-mpi --help')\n");
        rc = 2;
    } else {
        signals_install();
        rc = sweep_ranks(argc - 1, argv + 1, rank, size);
    }
    MPI_Finalize();
    return rc;
}
