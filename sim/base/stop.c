/* stop.c - the signal handlers of every command (stop.h).  Everything the
 * handler calls is async-signal-safe: clock_gettime, open/openat, getdents64,
 * unlinkat, close, write, signal, raise. */
#include "stop.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

volatile int stop_flag;

#define GUARD_MAX 4096
static char guard_tmp[GUARD_MAX], guard_dir[GUARD_MAX];
static volatile sig_atomic_t guard_set;
static volatile double first_at;   /* monotonic time of the first signal */

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void stop_guard(const char *tmp, const char *dir)
{
    guard_set = 0;
    if (!tmp || !dir || strlen(tmp) >= GUARD_MAX || strlen(dir) >= GUARD_MAX) return;
    memcpy(guard_tmp, tmp, strlen(tmp) + 1);
    memcpy(guard_dir, dir, strlen(dir) + 1);
    guard_set = 1;
}

/* ---------------------------------------------------------------- removal */

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

typedef struct budget {
    long left;
    double deadline;
} budget;

/* Empties the folder open as fd (closing it); depth bounds the recursion. */
static int empty_dir(int fd, int depth, budget *b)
{
    char buf[2048];
    int bad = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0) { bad |= n < 0; break; }
        int seen = 0;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(void *)(buf + off);
            off += d->d_reclen;
            const char *nm = d->d_name;
            if (!strcmp(nm, ".") || !strcmp(nm, "..")) continue;
            seen = 1;
            if (b->left-- <= 0 || mono_now() > b->deadline) { close(fd); return -1; }
            if (unlinkat(fd, nm, 0) == 0) continue;
            if (errno != EISDIR && errno != EPERM) { bad = 1; continue; }
            int sub = depth > 0 ? openat(fd, nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
            if (sub < 0 || empty_dir(sub, depth - 1, b)) { close(fd); return -1; }
            if (unlinkat(fd, nm, AT_REMOVEDIR)) bad = 1;
        }
        if (bad || !seen) break;   /* a batch of only "." and "..": empty */
        /* entries removed shift the listing: read it again from the start */
        lseek(fd, 0, SEEK_SET);
    }
    close(fd);
    return bad ? -1 : 0;
}

int stop_remove_tree(const char *path, long max_entries, double max_seconds)
{
    budget b = { max_entries, mono_now() + max_seconds };
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? 0 : -1;
    if (empty_dir(fd, 8, &b)) return -1;
    return rmdir(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* ---------------------------------------------------------------- the handler */

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
        first_at = mono_now();
        stop_flag = 1;
        errno = saved;
        return;
    }
    if (mono_now() - first_at < STOP_REPEAT_SECONDS) {   /* the same request, delivered again */
        errno = saved;
        return;
    }
    /* A second request: end now, and leave as little as can be removed quickly. */
    if (guard_set) {
        guard_set = 0;
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

void stop_install(void)
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
