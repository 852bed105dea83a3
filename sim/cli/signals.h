/* signals.h - the program's signal handling, for every command: the first
 * SIGINT, SIGTERM or SIGHUP asks the work to stop (base/stop.h's flag: it ends
 * within a second, writing nothing, exit status 1); a second one, more than
 * STOP_REPEAT_SECONDS later (`timeout` signals the process and then its
 * group; a terminal's ^C reaches every process of the job: one request), ends
 * the program at once, killed by that signal, after removing the folder being
 * built when that is quick, or saying what it left. */
#ifndef STAMPEDE_SIGNALS_H
#define STAMPEDE_SIGNALS_H

/* Installs the handlers (and ignores SIGXFSZ, so a write beyond
 * RLIMIT_FSIZE fails with EFBIG instead of killing the program). */
void signals_install(void);

#endif
