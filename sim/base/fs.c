/* fs.c - files and folders (fs.h). */
#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fs_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", a, b);
    return p;
}

bool fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The folder holding path (malloc'd) and its last component (in path). */
char *fs_parent(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    return slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
}

int fs_mkdir_p(const char *path)
{
    return fs_mkdir_p_track(path, NULL, NULL);
}

int fs_mkdir_p_track(const char *path, char ***made, size_t *nmade)
{
    size_t n = strlen(path);
    char *buf = malloc(n + 1);
    if (!buf) return -1;
    memcpy(buf, path, n + 1);
    int rc = 0;
    for (char *p = buf + 1;; p++) {
        if (*p && *p != '/') continue;
        char c = *p;
        *p = 0;
        if (mkdir(buf, 0777) == 0) {
            if (made) {
                char **t = realloc(*made, (*nmade + 1) * sizeof *t);
                char *d = strdup(buf);
                if (t) *made = t;
                if (t && d) (*made)[(*nmade)++] = d;
                else free(d);
            }
        } else if (errno != EEXIST) {
            rc = -1;
            break;
        }
        *p = c;
        if (!c) break;
    }
    free(buf);
    return rc;
}

int fs_rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st)) return errno == ENOENT ? 0 : -1;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) return -1;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char *p = fs_join(path, e->d_name);
            if (!p) { closedir(d); return -1; }
            fs_rm_rf(p);
            free(p);
        }
        closedir(d);
        return rmdir(path);
    }
    return unlink(path);
}

/* path made absolute and normal: the real path of its longest existing
 * part, then the rest without "." and "..".  malloc'd; NULL on no memory. */
static char *canonical(const char *path)
{
    char *p = path[0] == '/' ? strdup(path) : NULL;
    if (!p) {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) return NULL;
        p = fs_join(cwd, path);
    }
    if (!p) return NULL;
    /* the longest prefix that exists, resolved */
    size_t n = strlen(p);
    char *rest = NULL, *real = NULL;
    for (size_t cut = n;; ) {
        char c = p[cut];
        p[cut] = 0;
        real = realpath(cut ? p : "/", NULL);
        p[cut] = c;
        if (real) {
            rest = strdup(p + cut);
            break;
        }
        while (cut > 0 && p[cut - 1] != '/') cut--;
        if (cut == 0) break;
        cut--;
    }
    free(p);
    if (!real || !rest) {
        free(real);
        free(rest);
        return NULL;
    }
    size_t cap = strlen(real) + strlen(rest) + 2;
    char *out = malloc(cap);
    if (!out) {
        free(real);
        free(rest);
        return NULL;
    }
    strcpy(out, real);
    free(real);
    for (char *s = rest, *save = NULL, *seg = strtok_r(s, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (!strcmp(seg, ".")) continue;
        if (!strcmp(seg, "..")) {
            char *slash = strrchr(out, '/');
            if (slash && slash != out) *slash = 0;
            else strcpy(out, "/");
            continue;
        }
        if (strcmp(out, "/")) strcat(out, "/");
        strcat(out, seg);
    }
    free(rest);
    return out;
}

int fs_overlap(const char *a, const char *b)
{
    char *x = canonical(a), *y = canonical(b);
    int rc = 0;
    if (x && y) {
        size_t nx = strlen(x), ny = strlen(y);
        if (!strcmp(x, y)) rc = 1;
        else if (nx > ny && !strncmp(x, y, ny) && (x[ny] == '/' || ny == 1)) rc = 2;
        else if (ny > nx && !strncmp(y, x, nx) && (y[nx] == '/' || nx == 1)) rc = 3;
    }
    free(x);
    free(y);
    return rc;
}

int fs_close_checked(FILE *f, const char *what, char *err, size_t errlen)
{
    int bad = ferror(f);
    if (fclose(f) || bad) {
        snprintf(err, errlen, "cannot write %s: %s", what, strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

