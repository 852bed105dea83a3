/* fuzz_folders.c - libFuzzer target for the readers of the folders plot and
 * merge are given: a results folder (run_folder_read: comparison.csv,
 * scenario.json and each label's files), a sweep folder (the sweep.json
 * reader, sweep.csv as plot and the sweep report read it, goal.json, runs.csv
 * as merge reads it) and the
 * folder marker.  An input is a folder: files, each after a line
 * "=== NAME" (NAME one of the files below); they are written to a scratch
 * folder and every reader reads it.  Each must answer with a folder or with
 * an error that names a file: a crash, a leak, a hang or a sanitizer report
 * is a bug. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/plot.h"
#include "results/output.h"
#include "sweep/sumread.h"
#include "sweep/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
    ".stampede", "comparison.csv", "scenario.json", "sweep.json", "sweep.csv", "runs.csv", "goal.json",
    "none/summary.json", "none/timeseries.csv", "none/latency_hist.csv", "none/stampede_sizes.csv",
    "lock/summary.json", "lock/timeseries.csv", "lock/latency_hist.csv", "lock/stampede_sizes.csv",
};
#define NFILES (sizeof files / sizeof *files)

static char dir[4096];

static const char *path_of(const char *name)
{
    static char p[8192];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* The next line "=== ..." at or after p (lines start at start or after a
 * line break), or NULL. */
static const char *next_header(const char *p, const char *start, const char *end)
{
    for (; p + 4 <= end; p++)
        if ((p == start || p[-1] == '\n') && !memcmp(p, "=== ", 4)) return p;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!*dir) {
        snprintf(dir, sizeof dir, "fuzz-folder-%ld", (long)getpid());
        mkdir(dir, 0777);
        mkdir(path_of("none"), 0777);
        mkdir(path_of("lock"), 0777);
    }
    for (size_t i = 0; i < NFILES; i++) unlink(path_of(files[i]));
    const char *p = (const char *)data, *end = p + size;
    for (const char *h = next_header(p, p, end); h;) {
        const char *nl = memchr(h, '\n', (size_t)(end - h));
        if (!nl) break;
        size_t k = 0;
        while (k < NFILES && !((size_t)(nl - h - 4) == strlen(files[k]) && !memcmp(h + 4, files[k], strlen(files[k]))))
            k++;
        const char *body = nl + 1, *next = next_header(body, p, end);
        const char *stop = next ? next : end;   /* its last line break is the file's */
        if (k < NFILES) {
            FILE *f = fopen(path_of(files[k]), "wb");
            if (f) {
                fwrite(body, 1, (size_t)(stop - body), f);
                fclose(f);
            }
        }
        h = next;
    }
    char err[8192];
    run_folder rf;
    run_folder_read(&rf, dir, err, sizeof err);
    run_folder_free(&rf);
    sweep_grid g;
    size_t *runs = NULL, nruns = 0;
    if (sweep_manifest_read(dir, &g, &runs, &nruns, err, sizeof err) == 0) {
        sweep_grid_free(&g);
        free(runs);
    }
    plot_sweep_check(dir, err, sizeof err);
    sweep_folder sf;   /* the sweep report's reader: sweep.csv whole, goal.json */
    sweep_folder_read(dir, &sf, err, sizeof err);
    sweep_folder_free(&sf);
    const char *parts[] = { dir };
    sweep_merge_check(parts, 1, err, sizeof err);
    outmark m;
    if (outdir_mark_read(dir, &m, err, sizeof err) == 0) outdir_mark_free(&m);
    static const char *const kinds[] = { OUT_RUN, OUT_SWEEP, OUT_SWEEP_PART, NULL };
    outdir_check(dir, kinds, err, sizeof err);
    return 0;
}
