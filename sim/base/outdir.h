/* outdir.h - the folders stampede writes (a run's results, a sweep, a part
 * of one, the charts of either), each written as one transaction with the
 * marker that says it is stampede's; and the folder helpers.
 *
 * Ownership: outdir_open fills a caller-owned outdir that outdir_close ends
 * (safe on a zeroed or half-opened one); an outmark from outdir_mark_read is
 * ended by outdir_mark_free.  A failing call leaves its reason in err. */
#ifndef STAMPEDE_OUTDIR_H
#define STAMPEDE_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define STAMPEDE_VERSION "0.1.0"   /* of the program: in every marker and summary */

/* ---------------------------------------------------------------- folders stampede writes */

/* Every folder stampede writes (a run's results, a sweep, a part of one, the
 * charts of either) is one transaction: built in DIR.tmp-PID beside it, then
 * given OUT_MARKER, a file naming its kind and listing every file in it, and
 * renamed into place; the previous DIR waits as DIR.old-PID until the new one
 * is in, and is put back if anything fails.  A folder may be replaced only
 * when it is absent, empty, or carries a marker of an accepted kind and holds
 * nothing the marker does not list (charts/ with a marker of its own and the
 * report.html it claims are a plot's); anything else is refused with the
 * first file stampede did not write.  A folder without a marker (another
 * program's, or an older stampede's) is never replaced.  When DIR is a
 * symbolic link, the folder written is its target and the link stays. */
#define OUT_MARKER ".stampede"
#define OUT_MARKER_FORMAT "stampede-folder"
#define OUT_RUN "run"
#define OUT_SWEEP "sweep"
#define OUT_SWEEP_PART "sweep-part"
#define OUT_CHARTS "charts"
#define OUT_FIT "fit"
#define OUT_TMP_ROOM 12      /* bytes of ".tmp-PID" (a PID of up to 7 digits) a folder name leaves */
#define OUT_PATH_MAX 3800    /* bytes of a folder's path, leaving room for the files in it */

/* A folder being written.  Owned by the caller, ended by outdir_close. */
typedef struct outdir {
    char *dir;                /* the final folder (a link's target) */
    char *parent, *base;      /* dir's folder and name */
    char *tmp, *old;          /* where it is built; where the previous one waits */
    char *kind;
    char **made;              /* parent folders made for it: removed again, when empty, unless committed */
    size_t nmade;
    char *beside, *beside_tmp, *beside_old, *beside_name;   /* a file next to dir replaced with it */
    bool beside_staged;       /* its text was written */
} outdir;

/* A marker as read back. */
typedef struct outmark {
    char *kind;
    char **files;
    size_t nfiles;
    bool report;              /* a charts folder: report.html beside it is its */
} outmark;

/* 0 when dir may be written as a folder of one of kinds (NULL-terminated;
 * kinds[0] names the kind in messages): a usable path, and absent, empty or
 * ours.  -2 (bad usage: the reason in err) or -1 (cannot tell: I/O).
 * Commands call it before any work. */
int outdir_check(const char *dir, const char *const *kinds, char *err, size_t errlen);
/* Checks dir (as outdir_check, after removing or putting back what a killed
 * stampede left) and starts building it; beside (may be NULL): a file next to
 * dir that the transaction replaces too, which must be absent or claimed by
 * dir's marker.  Returns 0, -2 or -1 with err. */
int outdir_open(outdir *o, const char *dir, const char *kind, const char *const *kinds, const char *beside,
                char *err, size_t errlen);
/* tmp/rel, malloc'd. */
char *outdir_path(const outdir *o, const char *rel);
/* Opens rel (its folders made) for writing in the folder being built. */
FILE *outdir_file(outdir *o, const char *rel, char *err, size_t errlen);
int outdir_text(outdir *o, const char *rel, const char *text, char *err, size_t errlen);
/* Writes the text of the beside file (staged as BESIDE.tmp-PID). */
int outdir_beside_text(outdir *o, const char *text, char *err, size_t errlen);
/* Writes the marker and puts the folder (and the beside file) in place. */
int outdir_commit(outdir *o, char *err, size_t errlen);
/* Ends o; unless committed, removes what was built and the parents made. */
void outdir_close(outdir *o);
/* Writes text as the file path, whole or not at all: a regular file (or a
 * missing one) through PATH.tmp-PID beside it and a rename, so a failure
 * leaves the previous one (through a symbolic link, beside its target: the
 * link stays); something else (a terminal, a pipe, /dev/null) in place.
 * Returns 0 or -1 with err. */
int outdir_write_file(const char *path, const char *text, char *err, size_t errlen);
/* Reads dir's marker: 0, 1 when there is none, or a TI_* error with err. */
int outdir_mark_read(const char *dir, outmark *m, char *err, size_t errlen);
void outdir_mark_free(outmark *m);

#endif
