/* signals.c - SIGINT, SIGTERM and SIGHUP for every command (signals.h):
 * the first raises the stop flag (base/stop.h), a second ends the program
 * after removing the folder being built.  Everything the handler calls is
 * async-signal-safe: clock_gettime, open/openat, getdents64, unlinkat,
 * close, write, signal, raise. */
#include "signals.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "base/stop.h"

static volatile double first_at;   /* monotonic time of the first signal */

static void say(const char *a, const char *b, const char *c, const char *d, const char *e)
{
    const char *parts[] = { a, b, c, d, e };
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        if (parts[i]) {
            ssize_t w = write(2, parts[i], strlen(parts[i]));
            (void)w;
        }
}

static void on_signal(int sig)
{
    int saved = errno;
    if (!stop_flag) {
        first_at = stop_clock();
        stop_flag = 1;
        errno = saved;
        return;
    }
    if (stop_clock() - first_at < STOP_REPEAT_SECONDS) {   /* the same request, delivered again */
        errno = saved;
        return;
    }
    /* A second request: end now, and leave as little as can be removed quickly. */
    const char *guard_tmp, *guard_dir;
    if (stop_guard_take(&guard_tmp, &guard_dir)) {
        if (stop_remove_tree(guard_tmp, STOP_CLEAN_ENTRIES, STOP_CLEAN_SECONDS) == 0)
            say("\nstampede: interrupted again: stopped at once; nothing was written to ", guard_dir, "\n", NULL, NULL);
        else
            say("\nstampede: interrupted again: stopped at once, leaving the unfinished ", guard_tmp,
                " (too large to remove at once); nothing was written to ", guard_dir,
                ", and the next run into it removes the leftover\n");
    } else {
        say("\nstampede: interrupted again: stopped at once; nothing was written\n", NULL, NULL, NULL, NULL);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGINT);
    sigaddset(&sa.sa_mask, SIGTERM);
    sigaddset(&sa.sa_mask, SIGHUP);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGXFSZ, SIG_IGN);
}
