/* sweepfile.h - the files of a sweep folder, as sweep/ writes them and
 * sweep/ (merge) and report/ (its charts) read them back: the grid
 * (sweep.json, its manifest, read by one strict reader) and what each column
 * of sweep.csv holds.  runs.csv and sweep.csv themselves are written by
 * sweep/ and read with base/csvin.h.
 *
 * Ownership: a sweep_grid or sweep_values filled here is the caller's, ended
 * by sweep_grid_free or sweep_values_free (safe on zeroed ones). */
#ifndef STAMPEDE_SWEEPFILE_H
#define STAMPEDE_SWEEPFILE_H

#include <stdbool.h>
#include <stddef.h>

#define SWEEP_MANIFEST_FORMAT "stampede-sweep"
#define SWEEP_MANIFEST_VERSION 1
/* Most values one --vary may give. */
#define SWEEP_MAX_VALUES 10000

/* The values of one --vary: the text each gives scenario_load (as a --set
 * value) and the cell shown for it in the CSV files (a number in seconds for
 * numbers and durations, else the text). */
typedef struct sweep_values {
    size_t n;
    char **text;     /* n strings */
    char **shown;    /* n strings */
    double *num;     /* n numbers; NAN where the value is not a number */
    bool log;        /* from a lo:hi:xN range */
} sweep_values;
void sweep_values_free(sweep_values *v);

/* One varied field of a sweep, and the whole grid: what every folder of one
 * sweep agrees on (its sweep.json).  Points are numbered with the first
 * vary varying slowest; run r is replication r % reps of point r / reps. */
typedef struct sweep_vary {
    char *path, *spec;
    sweep_values v;
    bool zip;        /* --zip: moves with the vary before it (same index), no axis of its own */
} sweep_vary;

/* The grid's axes are the varies without zip, each with the zipped ones
 * that follow it; a point is a tuple of axis indices. */
typedef struct sweep_grid {
    char *scenario, *name, *hash, *version;
    sweep_vary *vary;
    size_t nvary;
    char **set;      /* --set PATH=VALUE, applied before the varies */
    size_t nset;
    char *labels;    /* --strategy L[,L...], or NULL: every strategy */
    size_t reps, points, runs;
} sweep_grid;
void sweep_grid_free(sweep_grid *g);

/* The index into vary i's values at a point (a zipped vary shares its
 * axis's index). */
size_t sweep_grid_index(const sweep_grid *g, size_t point, size_t i);
/* "path=value, path=value" of a point ("the scenario as is" when nothing
 * varies), cut to n bytes. */
void sweep_point_desc(const sweep_grid *g, size_t point, char *buf, size_t n);
/* Whether two manifests describe the same grid; else says how they differ. */
bool sweep_grid_same(const sweep_grid *a, const sweep_grid *b, char *why, size_t n);

/* The manifest (sweep.json) of a folder holding runs[0..n) (increasing) of
 * the grid, picked by selection ("all", "runs A..B", "shard K/N"); malloc'd,
 * NULL on no memory. */
char *sweep_manifest_text(const sweep_grid *g, bool partial, const char *selection, const size_t *runs, size_t n);
/* Reads dir/sweep.json strictly (the one reader, for merge and plot): the
 * grid and the runs the folder holds (increasing, malloc'd).  Returns 0, or a
 * TI_* error (base/textin.h) with "FILE:LINE:COL: error: /pointer: what" in
 * err and nothing to free. */
int sweep_manifest_read(const char *dir, sweep_grid *g, size_t **runs, size_t *nruns, char *err, size_t errlen);

/* The kind (base/csvin.h) of a sweep.csv column by name; CK_ANY when unknown. */
unsigned sweep_csv_kind(const char *name);

#endif
