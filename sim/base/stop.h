/* stop.h - SIGINT, SIGTERM and SIGHUP for every command: the first signal
 * asks the work to stop (every long loop polls stop_flag and ends within a
 * second, writing nothing: exit status 1); a second one ends the program at
 * once, killed by that signal, after removing the folder being built when
 * that is quick, or saying what it left.
 *
 * The same request delivered twice (`timeout` signals the process and then
 * its group; a terminal's ^C reaches every process of the job) is one
 * request: a repeat within STOP_REPEAT_SECONDS of the first counts as none.
 *
 * The folder being built is registered by outdir (stop_guard); the handler
 * removes it with async-signal-safe calls only, giving up after
 * STOP_CLEAN_ENTRIES entries or STOP_CLEAN_SECONDS, and then names it: a
 * later run into the same folder removes it (outdir's clean_stale). */
#ifndef STAMPEDE_STOP_H
#define STAMPEDE_STOP_H

#include <stdbool.h>

#define STOP_REPEAT_SECONDS 1.0
#define STOP_CLEAN_ENTRIES 20000
#define STOP_CLEAN_SECONDS 0.5

/* Set non-zero by the first signal; the loops of every command poll it. */
extern volatile int stop_flag;

/* Installs the handlers (and ignores SIGXFSZ, so a write beyond
 * RLIMIT_FSIZE fails with EFBIG instead of killing the program). */
void stop_install(void);
static inline bool stop_requested(void) { return stop_flag != 0; }

/* The folder being built (tmp) for the final folder dir; NULL clears it.
 * Paths longer than the handler's buffers are not registered (the next run
 * removes what is left, as after SIGKILL). */
void stop_guard(const char *tmp, const char *dir);

/* The bounded removal the handler does, for tests: removes path (a folder
 * tree) with at most max_entries unlinks; 0 when it is gone, -1 when it gave
 * up or failed.  Async-signal-safe. */
int stop_remove_tree(const char *path, long max_entries, double max_seconds);

#endif
