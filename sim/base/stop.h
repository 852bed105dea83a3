/* stop.h - the stop request: a flag every long loop of the library polls,
 * raised by the command line's signal handler (cli/signals.c: the first
 * SIGINT, SIGTERM or SIGHUP) or by a sweep whose run failed; a loop that sees
 * it ends within a second, writing nothing (exit status 1).  The library
 * never installs a handler.
 *
 * The folder being built is registered here by outdir (stop_guard), so that a
 * second signal can remove it: stop_remove_tree does, with async-signal-safe
 * calls only, giving up after STOP_CLEAN_ENTRIES entries or
 * STOP_CLEAN_SECONDS; a later run into the same folder removes what is left
 * (outdir's clean_stale).  The same request delivered twice within
 * STOP_REPEAT_SECONDS counts as one (the handler's rule). */
#ifndef STAMPEDE_STOP_H
#define STAMPEDE_STOP_H

#include <stdbool.h>

#define STOP_REPEAT_SECONDS 1.0
#define STOP_CLEAN_ENTRIES 20000
#define STOP_CLEAN_SECONDS 0.5

/* Non-zero once the work is asked to stop; the loops of every command poll it. */
extern volatile int stop_flag;

static inline bool stop_requested(void) { return stop_flag != 0; }

/* The folder being built (tmp) for the final folder dir; NULL clears it.
 * Paths longer than the handler's buffers are not registered (the next run
 * removes what is left, as after SIGKILL). */
void stop_guard(const char *tmp, const char *dir);

/* For the handler: the folder registered (tmp being built for dir), and it
 * is forgotten; false when there is none.  Async-signal-safe. */
bool stop_guard_take(const char **tmp, const char **dir);
/* The monotonic clock, in seconds.  Async-signal-safe. */
double stop_clock(void);

/* The bounded removal the handler does, for tests: removes path (a folder
 * tree) with at most max_entries unlinks; 0 when it is gone, -1 when it gave
 * up or failed.  Async-signal-safe. */
int stop_remove_tree(const char *path, long max_entries, double max_seconds);

#endif
