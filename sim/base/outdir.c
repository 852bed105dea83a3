/* outdir.c - the folders stampede writes, each one transaction (outdir.h):
 * built in a hidden sibling "<dir>.tmp-<pid>", given its marker, renamed
 * into place; and replaced only when its marker says stampede wrote it, and
 * everything in it.  A reader sees the previous folder or the new one. */
#include "outdir.h"

#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "jsonfile.h"
#include "stop.h"
#include "textin.h"

/* NAME.tmp-PID or NAME.old-PID of a process that is gone: what a killed
 * stampede left.  Sets *old for an .old-. */
static bool stale_of(const char *entry, const char *name, bool *old)
{
    size_t bn = strlen(name);
    if (strncmp(entry, name, bn) || (strncmp(entry + bn, ".tmp-", 5) && strncmp(entry + bn, ".old-", 5))) return false;
    char *end;
    long pid = strtol(entry + bn + 5, &end, 10);
    if (*end || end == entry + bn + 5 || entry[bn + 5] == '-' || entry[bn + 5] == '+' || pid <= 0 || pid == (long)getpid())
        return false;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) return false;
    *old = entry[bn + 1] == 'o';
    return true;
}

/* What a killed run (SIGKILL, power cut) left beside parent/name: a half-built
 * NAME.tmp-PID is removed; a previous NAME.old-PID set aside just before the
 * swap is put back when NAME is missing, else removed.  Folders of live
 * processes are left alone. */
static void clean_stale(const char *parent, const char *name)
{
    DIR *d = opendir(parent);
    struct dirent *e;
    char *dir = fs_join(parent, name);
    while (d && dir && (e = readdir(d))) {
        bool old;
        if (!stale_of(e->d_name, name, &old)) continue;
        char *p = fs_join(parent, e->d_name);
        if (!p) break;
        struct stat st;
        if (old && lstat(dir, &st) != 0 && errno == ENOENT) {
            if (rename(p, dir)) fs_rm_rf(p);
        } else {
            fs_rm_rf(p);
        }
        free(p);
    }
    if (d) closedir(d);
    free(dir);
}

/* ---------------------------------------------------------------- markers */

static const char *kind_name(const char *kind)
{
    return !strcmp(kind, OUT_RUN) ? "results folder" : !strcmp(kind, OUT_SWEEP) ? "sweep folder"
         : !strcmp(kind, OUT_SWEEP_PART) ? "partial sweep folder" : !strcmp(kind, OUT_CHARTS) ? "charts folder"
         : !strcmp(kind, OUT_FIT) ? "fit report" : "folder";
}

void outdir_mark_free(outmark *m)
{
    for (size_t i = 0; i < m->nfiles; i++) free(m->files[i]);
    free(m->files);
    free(m->kind);
    memset(m, 0, sizeof *m);
}

/* A path a marker may list: relative, with no empty, "." or ".." step. */
static bool rel_ok(const char *p)
{
    if (!*p || *p == '/') return false;
    for (const char *s = p; *s;) {
        size_t n = strcspn(s, "/");
        if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) return false;
        s += n;
        if (*s == '/') s++;
        if (!*s && s[-1] == '/') return false;
    }
    return true;
}

int outdir_mark_read(const char *dir, outmark *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    char *p = fs_join(dir, OUT_MARKER);
    jfile j;
    memset(&j, 0, sizeof j);
    int rc = TI_IO;
    if (!p) goto oom;
    struct stat st;
    if (lstat(p, &st) && errno == ENOENT) {
        free(p);
        return 1;
    }
    if ((rc = jfile_open(&j, p, err, errlen))) goto done;
    rc = TI_BAD;
    const char *s;
    if (jfile_format(&j, "a stampede folder marker", OUT_MARKER_FORMAT, 1, err, errlen)) goto done;
    if (jfile_string(&j, "/kind", true, &s, err, errlen)) goto done;
    if (strcmp(s, OUT_RUN) && strcmp(s, OUT_SWEEP) && strcmp(s, OUT_SWEEP_PART) && strcmp(s, OUT_CHARTS) &&
        strcmp(s, OUT_FIT)) {
        jfile_error(&j, "/kind", err, errlen, "expected \"run\", \"sweep\", \"sweep-part\", \"charts\" or \"fit\"");
        goto done;
    }
    if (!(m->kind = strdup(s))) goto oom;
    const cJSON *files = jfile_get(&j, "/files"), *f;
    if (!cJSON_IsArray(files)) {
        jfile_error(&j, "/files", err, errlen, "expected the array of the files stampede wrote");
        goto done;
    }
    size_t n = (size_t)cJSON_GetArraySize(files), i = 0;
    if (!(m->files = calloc(n ? n : 1, sizeof *m->files))) goto oom;
    cJSON_ArrayForEach(f, files)
    {
        if (!cJSON_IsString(f) || !rel_ok(f->valuestring)) {
            char ptr[64];
            snprintf(ptr, sizeof ptr, "/files/%zu", i);
            jfile_error(&j, ptr, err, errlen, "expected a relative path inside the folder");
            goto done;
        }
        if (!(m->files[i++] = strdup(f->valuestring))) goto oom;
        m->nfiles = i;
    }
    const cJSON *beside = jfile_get(&j, "/beside");
    cJSON_ArrayForEach(f, beside)
        if (cJSON_IsString(f) && !strcmp(f->valuestring, "report.html")) m->report = true;
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    jfile_close(&j);
    free(p);
    if (rc) outdir_mark_free(m);
    return rc;
}

static bool listed(const outmark *m, const char *rel, bool as_folder)
{
    size_t n = strlen(rel);
    for (size_t i = 0; i < m->nfiles; i++)
        if (as_folder ? !strncmp(m->files[i], rel, n) && m->files[i][n] == '/' : !strcmp(m->files[i], rel)) return true;
    return false;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a folder but "." and "..", sorted; NULL with errno. */
static char **entries(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **t = realloc(v, cap * sizeof *t);
            if (!t) break;
            v = t;
        }
        if (!(v[*n] = strdup(e->d_name))) break;
        (*n)++;
    }
    closedir(d);
    if (!v) v = calloc(1, sizeof *v);
    if (v) qsort(v, *n, sizeof *v, cmp_name);
    return v;
}

static void entries_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i]);
    free(v);
}

/* The first entry under root/rel (sorted, depth first) that the marker m
 * does not account for, as a malloc'd relative path; NULL when there is none.
 * top: rel is the folder itself, where charts/ and report.html may be a
 * plot's and what a killed stampede left is known. */
static char *first_foreign(const char *root, const char *rel, const outmark *m, bool top, const outmark *charts)
{
    char *dir = *rel ? fs_join(root, rel) : strdup(root);
    size_t n = 0;
    char **v = dir ? entries(dir, &n) : NULL;
    char *found = NULL;
    for (size_t i = 0; v && i < n && !found; i++) {
        char *r = *rel ? fs_join(rel, v[i]) : strdup(v[i]);
        char *p = fs_join(root, r ? r : "");
        struct stat st;
        bool old;
        if (!r || !p || lstat(p, &st)) {
            found = r ? r : strdup(v[i]);
            free(p);
            break;
        }
        if (top && !strcmp(v[i], OUT_MARKER) && S_ISREG(st.st_mode)) {
            /* the marker itself */
        } else if (top && (stale_of(v[i], "charts", &old) || stale_of(v[i], "report.html", &old) ||
                           stale_of(v[i], OUT_MARKER, &old))) {
            /* a killed plot's leftovers */
        } else if (S_ISREG(st.st_mode) && listed(m, r, false)) {
        } else if (top && S_ISREG(st.st_mode) && !strcmp(v[i], "report.html") && charts && charts->report) {
        } else if (top && S_ISDIR(st.st_mode) && !strcmp(v[i], "charts") && charts) {
            found = first_foreign(p, "", charts, true, NULL);
            if (found) {
                char *f = fs_join("charts", found);
                free(found);
                found = f ? f : strdup("charts");
            }
        } else if (S_ISDIR(st.st_mode) && listed(m, r, true)) {
            found = first_foreign(root, r, m, false, NULL);
        } else {
            found = r;
            r = NULL;
        }
        free(r);
        free(p);
    }
    if (!v && dir) found = *rel ? strdup(rel) : strdup(".");
    entries_free(v, n);
    free(dir);
    return found;
}

/* The first entry of a folder without a marker, for the message. */
static char *first_entry(const char *dir)
{
    size_t n = 0;
    char **v = entries(dir, &n);
    char *first = v && n ? strdup(v[0]) : NULL;
    entries_free(v, n);
    return first;
}

/* Follows dir while it is a symbolic link: the folder written is the
 * link's target, and the link stays.  malloc'd; NULL on no memory. */
static char *resolve_link(const char *dir)
{
    char *cur = strdup(dir);
    for (int hops = 0; cur && hops < 40; hops++) {
        struct stat st;
        if (lstat(cur, &st) || !S_ISLNK(st.st_mode)) return cur;
        char target[PATH_MAX];
        ssize_t k = readlink(cur, target, sizeof target - 1);
        if (k <= 0) return cur;
        target[k] = 0;
        char *next;
        if (target[0] == '/') {
            next = strdup(target);
        } else {
            const char *base;
            char *parent = fs_parent(cur, &base);
            next = parent ? (strcmp(parent, ".") ? fs_join(parent, target) : strdup(target)) : NULL;
            free(parent);
        }
        free(cur);
        cur = next;
        if (cur) {   /* trailing slashes of the target */
            size_t n = strlen(cur);
            while (n > 1 && cur[n - 1] == '/') cur[--n] = 0;
        }
    }
    return cur;
}

static int check_resolved(const char *dir, const char *const *kinds, char *err, size_t errlen);

int outdir_check(const char *dir, const char *const *kinds, char *err, size_t errlen)
{
    if (!*dir) {
        snprintf(err, errlen, "an empty folder name");
        return -2;
    }
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    char *given = strndup(dir, n), *real = given ? resolve_link(given) : NULL;
    int rc = real ? check_resolved(real, kinds, err, errlen) : -1;
    if (!real) snprintf(err, errlen, "out of memory");
    free(given);
    free(real);
    return rc;
}

static int check_resolved(const char *dir, const char *const *kinds, char *err, size_t errlen)
{
    struct stat st;
    const char *base;
    char *parent = fs_parent(dir, &base);
    if (!parent) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (const char *s = dir; *s;) {   /* every step of the path fits a file name */
        size_t k = strcspn(s, "/");
        if (k > NAME_MAX) {
            snprintf(err, errlen, "%.60s...: a folder name of %zu bytes, beyond the %d a file system takes", s, k, NAME_MAX);
            free(parent);
            return -2;
        }
        s += k;
        s += *s == '/';
    }
    if (strlen(base) > NAME_MAX - OUT_TMP_ROOM) {
        snprintf(err, errlen, "%.60s...: a folder name of %zu bytes; at most %d, to leave room for the hidden "
                              "\"%.20s....tmp-PID\" built beside it", base, strlen(base), NAME_MAX - OUT_TMP_ROOM, base);
        free(parent);
        return -2;
    }
    if (strlen(dir) > OUT_PATH_MAX) {
        snprintf(err, errlen, "%.60s...: a path of %zu bytes, beyond the %d that leave room for the files in it",
                 dir, strlen(dir), OUT_PATH_MAX);
        free(parent);
        return -2;
    }
    free(parent);
    if (lstat(dir, &st)) {
        if (errno == ENOENT) return 0;
        snprintf(err, errlen, "cannot write %s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a folder; it will not be replaced", dir);
        return -2;
    }
    char *first = first_entry(dir);
    if (!first) return 0;   /* empty */
    outmark m, charts;
    char merr[1024] = "";
    int rc = outdir_mark_read(dir, &m, merr, sizeof merr);
    bool is_charts = !strcmp(kinds[0], OUT_CHARTS);
    if (rc == 1) {
        snprintf(err, errlen,
                 "%s has no %s marker, so it may hold files stampede did not write (the first: %s/%s); it will not "
                 "be replaced: %sdelete or move it yourself (a stampede older than the marker wrote none)", dir,
                 OUT_MARKER, dir, first, is_charts ? "" : "choose another folder, or ");
        free(first);
        return -2;
    }
    free(first);
    if (rc) {
        snprintf(err, errlen, "%s; %s will not be replaced", merr, dir);
        return rc == TI_IO ? -1 : -2;
    }
    bool ok = false;
    for (size_t i = 0; kinds[i]; i++) ok |= !strcmp(kinds[i], m.kind);
    if (!ok) {
        snprintf(err, errlen, "%s is a stampede %s, not a %s; it will not be replaced: choose another folder", dir,
                 kind_name(m.kind), kind_name(kinds[0]));
        outdir_mark_free(&m);
        return -2;
    }
    char *cd = fs_join(dir, "charts");
    int crc = cd && strcmp(m.kind, OUT_CHARTS) ? outdir_mark_read(cd, &charts, merr, sizeof merr) : 1;
    free(cd);
    bool have_charts = crc == 0 && !strcmp(charts.kind, OUT_CHARTS);
    char *foreign = first_foreign(dir, "", &m, true, have_charts ? &charts : NULL);
    outdir_mark_free(&m);
    if (crc == 0) outdir_mark_free(&charts);
    if (foreign) {
        snprintf(err, errlen, "%s holds %s/%s, which stampede did not write; it will not be replaced: %smove that away",
                 dir, dir, foreign, is_charts ? "" : "choose another folder, or ");
        free(foreign);
        return -2;
    }
    return 0;
}

int outdir_open(outdir *o, const char *dir, const char *kind, const char *const *kinds, const char *beside,
                char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    char *given = strndup(dir, n);
    o->dir = given ? resolve_link(given) : NULL;
    free(given);
    o->kind = strdup(kind);
    if (!o->dir || !o->kind) goto oom;
    const char *base;
    o->parent = fs_parent(o->dir, &base);
    if (!o->parent || !(o->base = strdup(base))) goto oom;
    clean_stale(o->parent, o->base);
    if (beside) {
        o->beside = fs_join(o->parent, beside);
        o->beside_name = strdup(beside);
        size_t bn = o->beside ? strlen(o->beside) + 32 : 0;
        o->beside_tmp = bn ? malloc(bn) : NULL;
        o->beside_old = bn ? malloc(bn) : NULL;
        if (!o->beside || !o->beside_name || !o->beside_tmp || !o->beside_old) goto oom;
        snprintf(o->beside_tmp, bn, "%s.tmp-%ld", o->beside, (long)getpid());
        snprintf(o->beside_old, bn, "%s.old-%ld", o->beside, (long)getpid());
        clean_stale(o->parent, beside);
    }
    int rc = outdir_check(o->dir, kinds, err, errlen);
    if (rc) return rc;
    struct stat st;
    if (beside && lstat(o->beside, &st) == 0) {   /* only a file dir's marker claims */
        outmark m;
        bool ours = S_ISREG(st.st_mode) && outdir_mark_read(o->dir, &m, err, errlen) == 0;
        if (ours) {
            ours = m.report && !strcmp(beside, "report.html");
            outdir_mark_free(&m);
        }
        if (!ours) {
            snprintf(err, errlen, "%s was not written by stampede (%s/%s does not claim it); it will not be replaced: "
                                  "move it away", o->beside, o->dir, OUT_MARKER);
            return -2;
        }
    }
    size_t tn = strlen(o->dir) + 32;
    o->tmp = malloc(tn);
    o->old = malloc(tn);
    if (!o->tmp || !o->old) goto oom;
    snprintf(o->tmp, tn, "%s.tmp-%ld", o->dir, (long)getpid());
    snprintf(o->old, tn, "%s.old-%ld", o->dir, (long)getpid());
    fs_rm_rf(o->tmp);
    if (fs_mkdir_p_track(o->tmp, &o->made, &o->nmade)) {
        snprintf(err, errlen, "cannot create %s: %s", o->dir, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        for (size_t i = o->nmade; i-- > 0;) rmdir(o->made[i]);
        return -1;
    }
    stop_guard(o->tmp, o->dir);   /* a second signal removes it, or names it */
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

char *outdir_path(const outdir *o, const char *rel)
{
    return fs_join(o->tmp, rel);
}

FILE *outdir_file(outdir *o, const char *rel, char *err, size_t errlen)
{
    char *p = fs_join(o->tmp, rel);
    FILE *f = NULL;
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char *slash = strrchr(p, '/');
    *slash = 0;
    if (fs_mkdir_p(p)) snprintf(err, errlen, "cannot create %s/%.*s: %s", o->dir, (int)(strrchr(rel, '/') ? strrchr(rel, '/') - rel : 0), rel, strerror(errno));
    else {
        *slash = '/';
        if (!(f = fopen(p, "w"))) snprintf(err, errlen, "cannot write %s/%s: %s", o->dir, rel, strerror(errno));
    }
    free(p);
    return f;
}

int outdir_text(outdir *o, const char *rel, const char *text, char *err, size_t errlen)
{
    FILE *f = outdir_file(o, rel, err, errlen);
    if (!f) return -1;
    fputs(text, f);
    return fs_close_checked(f, rel, err, errlen);
}

int outdir_beside_text(outdir *o, const char *text, char *err, size_t errlen)
{
    FILE *f = fopen(o->beside_tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", o->beside, strerror(errno));
        return -1;
    }
    fputs(text, f);
    if (fs_close_checked(f, o->beside, err, errlen)) {
        unlink(o->beside_tmp);
        return -1;
    }
    o->beside_staged = true;
    return 0;
}

/* Appends every file under root/rel to *list (relative paths). */
static int list_files(const char *root, const char *rel, char ***list, size_t *n)
{
    char *dir = *rel ? fs_join(root, rel) : strdup(root);
    size_t k = 0;
    char **v = dir ? entries(dir, &k) : NULL;
    int rc = v ? 0 : -1;
    for (size_t i = 0; v && i < k && !rc; i++) {
        char *r = *rel ? fs_join(rel, v[i]) : strdup(v[i]);
        char *p = r ? fs_join(root, r) : NULL;
        struct stat st;
        if (!r || !p || lstat(p, &st)) rc = -1;
        else if (S_ISDIR(st.st_mode)) rc = list_files(root, r, list, n);
        else if (strcmp(r, OUT_MARKER)) {
            char **t = realloc(*list, (*n + 1) * sizeof *t);
            if (!t) rc = -1;
            else {
                *list = t;
                (*list)[(*n)++] = r;
                r = NULL;
            }
        }
        free(r);
        free(p);
    }
    entries_free(v, k);
    free(dir);
    return rc;
}

/* Writes the marker into the folder being built: its kind and every file. */
static int write_marker(outdir *o, char *err, size_t errlen)
{
    char **files = NULL;
    size_t n = 0;
    if (list_files(o->tmp, "", &files, &n)) {
        snprintf(err, errlen, "cannot list %s: %s", o->tmp, strerror(errno));
        entries_free(files, n);
        return -1;
    }
    qsort(files, n, sizeof *files, cmp_name);
    char *p = fs_join(o->tmp, OUT_MARKER);
    FILE *f = p ? fopen(p, "w") : NULL;
    free(p);
    if (!f) {
        snprintf(err, errlen, "cannot write %s/%s: %s", o->dir, OUT_MARKER, strerror(errno));
        entries_free(files, n);
        return -1;
    }
    fprintf(f, "{\n  \"format\": \"%s\",\n  \"format_version\": 1,\n  \"kind\": \"%s\",\n  \"stampede_version\": \"%s\",\n",
            OUT_MARKER_FORMAT, o->kind, STAMPEDE_VERSION);
    if (o->beside_staged) {
        fputs("  \"beside\": [", f);
        jfile_put_string(f, o->beside_name);
        fputs("],\n", f);
    }
    fputs("  \"files\": [", f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        jfile_put_string(f, files[i]);
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
    entries_free(files, n);
    return fs_close_checked(f, OUT_MARKER, err, errlen);
}

int outdir_commit(outdir *o, char *err, size_t errlen)
{
    /* A signal asked to stop: nothing half-done takes the folder's place. */
    if (stop_requested()) {
        snprintf(err, errlen, "interrupted; nothing was written to %s", o->dir);
        return -1;
    }
    if (write_marker(o, err, errlen)) return -1;
    if (stop_requested()) {
        snprintf(err, errlen, "interrupted; nothing was written to %s", o->dir);
        return -1;
    }
    stop_guard(NULL, NULL);   /* from here the folder is taken into place, or put back */
    /* The previous ones step aside, the new ones take their names, the
     * previous ones go; a failure puts everything back as it was. */
    struct stat st;
    bool had_dir = lstat(o->dir, &st) == 0, had_beside = o->beside_staged && lstat(o->beside, &st) == 0;
    int step = 0;
    if (had_beside && rename(o->beside, o->beside_old)) {
        snprintf(err, errlen, "cannot replace %s: %s", o->beside, strerror(errno));
        goto undo;
    }
    step = 1;
    if (had_dir && rename(o->dir, o->old)) {
        snprintf(err, errlen, "cannot replace %s: %s", o->dir, strerror(errno));
        goto undo;
    }
    step = 2;
    if (rename(o->tmp, o->dir)) {
        snprintf(err, errlen, "cannot create %s: %s", o->dir, strerror(errno));
        goto undo;
    }
    step = 3;
    if (o->beside_staged && rename(o->beside_tmp, o->beside)) {
        snprintf(err, errlen, "cannot create %s: %s", o->beside, strerror(errno));
        goto undo;
    }
    if (had_dir) fs_rm_rf(o->old);
    if (had_beside) unlink(o->beside_old);
    free(o->tmp);
    o->tmp = NULL;   /* committed: outdir_close keeps it */
    o->beside_staged = false;
    return 0;
undo:
    if (step >= 3) rename(o->dir, o->tmp);
    if (step >= 2 && had_dir) rename(o->old, o->dir);
    if (step >= 1 && had_beside) rename(o->beside_old, o->beside);
    return -1;
}

void outdir_close(outdir *o)
{
    stop_guard(NULL, NULL);
    if (o->tmp) {
        fs_rm_rf(o->tmp);
        for (size_t i = o->nmade; i-- > 0;) rmdir(o->made[i]);   /* the parents made for it, when still empty */
    }
    if (o->beside_staged) unlink(o->beside_tmp);
    for (size_t i = 0; i < o->nmade; i++) free(o->made[i]);
    free(o->made);
    free(o->dir);
    free(o->tmp);
    free(o->old);
    free(o->kind);
    free(o->parent);
    free(o->base);
    free(o->beside);
    free(o->beside_tmp);
    free(o->beside_old);
    free(o->beside_name);
    memset(o, 0, sizeof *o);
}

/* ---------------------------------------------------------------- one file */

/* Writes text into f, already open on what; 0 or -1 with err. */
static int write_all(FILE *f, const char *what, const char *text, char *err, size_t errlen)
{
    size_t len = strlen(text);
    int bad = fwrite(text, 1, len, f) != len;
    bad |= ferror(f);
    errno = 0;
    if (fclose(f) || bad) {
        snprintf(err, errlen, "cannot write %s: %s", what, strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

int outdir_write_file(const char *path, const char *text, char *err, size_t errlen)
{
    /* Something that is not a regular file (a terminal, a pipe, /dev/null)
     * is written in place: a rename would replace it. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(EISDIR));
            return -1;
        }
        FILE *f = fopen(path, "w");
        if (!f) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            return -1;
        }
        return write_all(f, path, text, err, errlen);
    }
    /* A regular file through a temporary beside it and a rename, so that a
     * failure leaves the previous one; through a symbolic link, beside its
     * target (the link stays). */
    char *real = realpath(path, NULL);
    const char *dst = real ? real : path;
    size_t n = strlen(dst) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        free(real);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(tmp, n, "%s.tmp-%ld", dst, (long)getpid());
    int rc = -1;
    FILE *f = fopen(tmp, "w");
    if (!f) snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    else if (write_all(f, path, text, err, errlen)) unlink(tmp);
    else if (rename(tmp, dst)) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
    } else rc = 0;
    free(tmp);
    free(real);
    return rc;
}
