/* stop.c - the stop request every long loop polls, the folder being built,
 * and its bounded removal (stop.h).  What a signal handler calls here is
 * async-signal-safe: clock_gettime, open/openat, getdents64, unlinkat, close. */
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

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool stop_guard_take(const char **tmp, const char **dir)
{
    if (!guard_set) return false;
    guard_set = 0;
    *tmp = guard_tmp;
    *dir = guard_dir;
    return true;
}

double stop_clock(void) { return mono_now(); }

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
