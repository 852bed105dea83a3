/* output.c - the folders stampede writes, and the results folder of a run.
 * Everything is built in a hidden sibling "<dir>.tmp-<pid>" and renamed into
 * place at the end with its marker, so a reader sees the previous folder or
 * the new one, never a mix; and a folder is replaced only when its marker
 * says stampede wrote it, and everything in it. */
#include "output.h"

#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvin.h"
#include "jsonfile.h"
#include "model.h"
#include "strategy.h"
#include "textin.h"

const char *const col_names[COL_N] = {
    "requests", "failed", "failed_ratio",
#define X(id, key, out, words, what) "failed_by_" key,
    FAILURE_KINDS(X)
#undef X
    "good", "good_ratio", "slo_met",
    "p50_all", "p90_all", "p99_all", "p999_all",
    "recovery_time", "recovered", "metastable",
    "attempts", "ok", "hits", "misses", "hit_ratio",
    "stale", "waited", "timeouts", "errors",
    "db_queries", "db_early", "db_rejected", "db_wasted", "peak_db_inflight", "peak_db_queue",
    "stampedes", "stampede_mean", "stampede_max",
    "latency_mean", "p50", "p90", "p99", "p999", "latency_max",
    "lock_waits", "giveups", "coalesced", "early_refreshes", "stale_serves",
    "events",
};

/* The good ratio and whether it meets target; NAN without requests. */
static double good_ratio(const metrics *m)
{
    return m->requests ? (double)m->good / (double)m->requests : NAN;
}

const unsigned col_kinds[COL_N] = {
    [COL_REQUESTS] = CK_COUNT, [COL_FAILED] = CK_COUNT, [COL_FAILED_RATIO] = CK_FRACTION | CK_EMPTY,
#define X(id, key, out, words, what) [COL_FAILED_BY_##id] = CK_COUNT,
    FAILURE_KINDS(X)
#undef X
    [COL_GOOD] = CK_COUNT, [COL_GOOD_RATIO] = CK_FRACTION | CK_EMPTY, [COL_SLO_MET] = CK_FRACTION | CK_EMPTY,
    [COL_P50_ALL] = CK_SECONDS | CK_EMPTY | CK_INF, [COL_P90_ALL] = CK_SECONDS | CK_EMPTY | CK_INF,
    [COL_P99_ALL] = CK_SECONDS | CK_EMPTY | CK_INF, [COL_P999_ALL] = CK_SECONDS | CK_EMPTY | CK_INF,
    [COL_RECOVERY_TIME] = CK_SECONDS | CK_EMPTY | CK_INF, [COL_RECOVERED] = CK_FRACTION | CK_EMPTY,
    [COL_METASTABLE] = CK_FRACTION | CK_EMPTY,
    [COL_ATTEMPTS] = CK_COUNT, [COL_OK] = CK_COUNT, [COL_HITS] = CK_COUNT,
    [COL_MISSES] = CK_COUNT, [COL_HIT_RATIO] = CK_FRACTION | CK_EMPTY, [COL_STALE] = CK_COUNT,
    [COL_WAITED] = CK_COUNT, [COL_TIMEOUTS] = CK_COUNT, [COL_ERRORS] = CK_COUNT, [COL_DB_QUERIES] = CK_COUNT,
    [COL_DB_EARLY] = CK_COUNT, [COL_DB_REJECTED] = CK_COUNT, [COL_DB_WASTED] = CK_COUNT,
    [COL_PEAK_INFLIGHT] = CK_COUNT, [COL_PEAK_QUEUE] = CK_COUNT, [COL_STAMPEDES] = CK_COUNT,
    [COL_STAMPEDE_MEAN] = CK_REAL, [COL_STAMPEDE_MAX] = CK_COUNT, [COL_LAT_MEAN] = CK_SECONDS | CK_EMPTY,
    [COL_P50] = CK_SECONDS | CK_EMPTY, [COL_P90] = CK_SECONDS | CK_EMPTY, [COL_P99] = CK_SECONDS | CK_EMPTY,
    [COL_P999] = CK_SECONDS | CK_EMPTY, [COL_MAX] = CK_SECONDS | CK_EMPTY, [COL_LOCK_WAITS] = CK_COUNT,
    [COL_GIVEUPS] = CK_COUNT, [COL_COALESCED] = CK_COUNT, [COL_EARLY_REFRESHES] = CK_COUNT,
    [COL_STALE_SERVES] = CK_COUNT, [COL_EVENTS] = CK_COUNT,
};

unsigned col_kind_of(const char *name)
{
    for (int c = 0; c < COL_N; c++)
        if (!strcmp(col_names[c], name)) return col_kinds[c];
    if (!strcmp(name, "db_queries_vs_none") || !strcmp(name, "p99_vs_none")) return CK_REAL | CK_EMPTY;
    return CK_ANY;
}

void metrics_columns(const metrics *m, double v[COL_N])
{
    double req = (double)m->requests;
    v[COL_REQUESTS] = req;
    v[COL_FAILED] = (double)m->failed;
    v[COL_FAILED_RATIO] = m->requests ? (double)m->failed / req : NAN;
    for (int f = 0; f < FAIL_N; f++) v[COL_FAILED_BY_TIMEOUT + f] = (double)m->failed_by[f];
    v[COL_GOOD] = (double)m->good;
    v[COL_GOOD_RATIO] = good_ratio(m);
    v[COL_SLO_MET] = isnan(v[COL_GOOD_RATIO]) ? NAN : v[COL_GOOD_RATIO] >= m->slo_target;
    v[COL_P50_ALL] = hist_quantile_all(&m->lat, m->failed, 0.50);
    v[COL_P90_ALL] = hist_quantile_all(&m->lat, m->failed, 0.90);
    v[COL_P99_ALL] = hist_quantile_all(&m->lat, m->failed, 0.99);
    v[COL_P999_ALL] = hist_quantile_all(&m->lat, m->failed, 0.999);
    metrics_recovery_summary(m, &v[COL_RECOVERY_TIME], &v[COL_RECOVERED], &v[COL_METASTABLE]);
    v[COL_ATTEMPTS] = (double)m->attempts;
    v[COL_OK] = (double)m->ok;
    v[COL_HITS] = (double)m->hits;
    v[COL_MISSES] = (double)m->misses;
    v[COL_HIT_RATIO] = m->hits + m->misses ? (double)m->hits / (double)(m->hits + m->misses) : NAN;
    v[COL_STALE] = (double)m->outcomes[OUT_STALE];
    v[COL_WAITED] = (double)m->outcomes[OUT_WAITED];
    v[COL_TIMEOUTS] = (double)m->outcomes[OUT_TIMEOUT];
    v[COL_ERRORS] = (double)m->outcomes[OUT_ERROR];
    v[COL_DB_QUERIES] = (double)m->db_queries;
    v[COL_DB_EARLY] = (double)m->db_early;
    v[COL_DB_REJECTED] = (double)m->db_rejected;
    v[COL_DB_WASTED] = (double)m->db_wasted;
    v[COL_PEAK_INFLIGHT] = (double)m->peak_inflight;
    v[COL_PEAK_QUEUE] = (double)m->peak_queue;
    v[COL_STAMPEDES] = (double)m->stampedes;
    v[COL_STAMPEDE_MEAN] = metrics_stampede_mean(m);
    v[COL_STAMPEDE_MAX] = (double)m->stampede_max;
    v[COL_LAT_MEAN] = hist_mean(&m->lat);
    v[COL_P50] = hist_quantile(&m->lat, 0.50);
    v[COL_P90] = hist_quantile(&m->lat, 0.90);
    v[COL_P99] = hist_quantile(&m->lat, 0.99);
    v[COL_P999] = hist_quantile(&m->lat, 0.999);
    v[COL_MAX] = m->lat.count ? m->lat.max : NAN;
    for (int c = 0; c < CNT_N; c++) v[COL_LOCK_WAITS + c] = (double)m->counters[c];
    v[COL_EVENTS] = (double)m->events;
}

/* ---------------------------------------------------------------- folders */

int mkdir_p(const char *path)
{
    return mkdir_p_track(path, NULL, NULL);
}

int mkdir_p_track(const char *path, char ***made, size_t *nmade)
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

int rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st)) return errno == ENOENT ? 0 : -1;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) return -1;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            size_t n = strlen(path) + strlen(e->d_name) + 2;
            char *p = malloc(n);
            if (!p) { closedir(d); return -1; }
            snprintf(p, n, "%s/%s", path, e->d_name);
            rm_rf(p);
            free(p);
        }
        closedir(d);
        return rmdir(path);
    }
    return unlink(path);
}

static char *joinf(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* The folder holding path (malloc'd) and its last component (in path). */
static char *parent_of(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    *base = slash ? slash + 1 : path;
    return slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
}

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
    char *dir = joinf(parent, name);
    while (d && dir && (e = readdir(d))) {
        bool old;
        if (!stale_of(e->d_name, name, &old)) continue;
        char *p = joinf(parent, e->d_name);
        if (!p) break;
        struct stat st;
        if (old && lstat(dir, &st) != 0 && errno == ENOENT) {
            if (rename(p, dir)) rm_rf(p);
        } else {
            rm_rf(p);
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
         : "folder";
}

void outmark_free(outmark *m)
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

int outmark_read(const char *dir, outmark *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    char *p = joinf(dir, OUT_MARKER);
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
    double v;
    if (!cJSON_IsObject(j.root)) {
        jfile_error(&j, "", err, errlen, "expected an object (a stampede folder marker)");
        goto done;
    }
    if (jfile_string(&j, "/format", true, &s, err, errlen)) goto done;
    if (strcmp(s, OUT_MARKER_FORMAT)) {
        jfile_error(&j, "/format", err, errlen, "expected \"%s\"", OUT_MARKER_FORMAT);
        goto done;
    }
    if (jfile_number(&j, "/format_version", true, 1, 1, true, &v, err, errlen)) goto done;
    if (jfile_string(&j, "/kind", true, &s, err, errlen)) goto done;
    if (strcmp(s, OUT_RUN) && strcmp(s, OUT_SWEEP) && strcmp(s, OUT_SWEEP_PART) && strcmp(s, OUT_CHARTS)) {
        jfile_error(&j, "/kind", err, errlen, "expected \"run\", \"sweep\", \"sweep-part\" or \"charts\"");
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
    if (rc) outmark_free(m);
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
    char *dir = *rel ? joinf(root, rel) : strdup(root);
    size_t n = 0;
    char **v = dir ? entries(dir, &n) : NULL;
    char *found = NULL;
    for (size_t i = 0; v && i < n && !found; i++) {
        char *r = *rel ? joinf(rel, v[i]) : strdup(v[i]);
        char *p = joinf(root, r ? r : "");
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
                char *f = joinf("charts", found);
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
            char *parent = parent_of(cur, &base);
            next = parent ? (strcmp(parent, ".") ? joinf(parent, target) : strdup(target)) : NULL;
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
    char *parent = parent_of(dir, &base);
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
    int rc = outmark_read(dir, &m, merr, sizeof merr);
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
        outmark_free(&m);
        return -2;
    }
    char *cd = joinf(dir, "charts");
    int crc = cd && strcmp(m.kind, OUT_CHARTS) ? outmark_read(cd, &charts, merr, sizeof merr) : 1;
    free(cd);
    bool have_charts = crc == 0 && !strcmp(charts.kind, OUT_CHARTS);
    char *foreign = first_foreign(dir, "", &m, true, have_charts ? &charts : NULL);
    outmark_free(&m);
    if (crc == 0) outmark_free(&charts);
    if (foreign) {
        snprintf(err, errlen, "%s holds %s/%s, which stampede did not write; it will not be replaced: %smove that away",
                 dir, dir, foreign, is_charts ? "" : "choose another folder, or ");
        free(foreign);
        return -2;
    }
    return 0;
}

/* path made absolute and normal: the real path of its longest existing
 * part, then the rest without "." and "..".  malloc'd; NULL on no memory. */
static char *canonical(const char *path)
{
    char *p = path[0] == '/' ? strdup(path) : NULL;
    if (!p) {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) return NULL;
        p = joinf(cwd, path);
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

int path_overlap(const char *a, const char *b)
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
    o->parent = parent_of(o->dir, &base);
    if (!o->parent || !(o->base = strdup(base))) goto oom;
    clean_stale(o->parent, o->base);
    if (beside) {
        o->beside = joinf(o->parent, beside);
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
        bool ours = S_ISREG(st.st_mode) && outmark_read(o->dir, &m, err, errlen) == 0;
        if (ours) {
            ours = m.report && !strcmp(beside, "report.html");
            outmark_free(&m);
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
    rm_rf(o->tmp);
    if (mkdir_p_track(o->tmp, &o->made, &o->nmade)) {
        snprintf(err, errlen, "cannot create %s: %s", o->dir, strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        for (size_t i = o->nmade; i-- > 0;) rmdir(o->made[i]);
        return -1;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

char *outdir_path(const outdir *o, const char *rel)
{
    return joinf(o->tmp, rel);
}

FILE *outdir_file(outdir *o, const char *rel, char *err, size_t errlen)
{
    char *p = joinf(o->tmp, rel);
    FILE *f = NULL;
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char *slash = strrchr(p, '/');
    *slash = 0;
    if (mkdir_p(p)) snprintf(err, errlen, "cannot create %s/%.*s: %s", o->dir, (int)(strrchr(rel, '/') ? strrchr(rel, '/') - rel : 0), rel, strerror(errno));
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
    return close_checked(f, rel, err, errlen);
}

int outdir_beside_text(outdir *o, const char *text, char *err, size_t errlen)
{
    FILE *f = fopen(o->beside_tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", o->beside, strerror(errno));
        return -1;
    }
    fputs(text, f);
    if (close_checked(f, o->beside, err, errlen)) {
        unlink(o->beside_tmp);
        return -1;
    }
    o->beside_staged = true;
    return 0;
}

/* Appends every file under root/rel to *list (relative paths). */
static int list_files(const char *root, const char *rel, char ***list, size_t *n)
{
    char *dir = *rel ? joinf(root, rel) : strdup(root);
    size_t k = 0;
    char **v = dir ? entries(dir, &k) : NULL;
    int rc = v ? 0 : -1;
    for (size_t i = 0; v && i < k && !rc; i++) {
        char *r = *rel ? joinf(rel, v[i]) : strdup(v[i]);
        char *p = r ? joinf(root, r) : NULL;
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
    char *p = joinf(o->tmp, OUT_MARKER);
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
        json_put_string(f, o->beside_name);
        fputs("],\n", f);
    }
    fputs("  \"files\": [", f);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        json_put_string(f, files[i]);
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
    entries_free(files, n);
    return close_checked(f, OUT_MARKER, err, errlen);
}

int outdir_commit(outdir *o, char *err, size_t errlen)
{
    if (write_marker(o, err, errlen)) return -1;
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
    if (had_dir) rm_rf(o->old);
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
    if (o->tmp) {
        rm_rf(o->tmp);
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

int close_checked(FILE *f, const char *what, char *err, size_t errlen)
{
    int bad = ferror(f);
    if (fclose(f) || bad) {
        snprintf(err, errlen, "cannot write %s: %s", what, strerror(errno ? errno : EIO));
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- rows read back */

int results_row_names(csvin *c, int cl, int cs, char *err, size_t errlen)
{
    const char *label = csvin_cell(c, cl), *strategy = csvin_cell(c, cs);
    char got[96];
    if (!scenario_valid_name(label)) {
        textin_show(got, sizeof got, label, strlen(label), 40);
        return csvin_error(c, cl, err, errlen,
                           "expected a label of letters, digits, '.', '_' and '-', starting with a letter or digit "
                           "(got %s)", got);
    }
    if (!strategy_find(strategy)) {
        textin_show(got, sizeof got, strategy, strlen(strategy), 40);
        return csvin_error(c, cs, err, errlen, "%s is not a strategy this stampede knows", got);
    }
    return 0;
}

/* ---------------------------------------------------------------- the results folder */

static const char *const run_kinds[] = { OUT_RUN, NULL };

int results_check(const char *dir, char *err, size_t errlen)
{
    return outdir_check(dir, run_kinds, err, errlen);
}

int results_open(results *r, const char *dir, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    return outdir_open(&r->out, dir, OUT_RUN, run_kinds, NULL, err, errlen);
}

FILE *results_file(results *r, const char *label, const char *name, char *err, size_t errlen)
{
    char *rel = joinf(label, name);
    if (!rel) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    FILE *f = outdir_file(&r->out, rel, err, errlen);
    free(rel);
    return f;
}

/* ---------------------------------------------------------------- summary.json */

static cJSON *num_or_null(double v)
{
    return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *params_json(const strategy_cfg *cfg)
{
    cJSON *o = cJSON_CreateObject();
    const strategy_ops *ops = cfg->ops;
    for (size_t i = 0; i < ops->nparams; i++) {
        const param_spec *p = &ops->params[i];
        const char *base = (const char *)cfg->params + p->offset;
        switch (p->type) {
        case PARAM_DURATION:
        case PARAM_NUMBER: {
            double v;
            memcpy(&v, base, sizeof v);
            cJSON_AddItemToObject(o, p->name, num_or_null(v));
            break;
        }
        case PARAM_BOOL: {
            bool v;
            memcpy(&v, base, sizeof v);
            cJSON_AddBoolToObject(o, p->name, v);
            break;
        }
        case PARAM_ENUM: {
            int v;
            memcpy(&v, base, sizeof v);
            if (v >= 0) cJSON_AddStringToObject(o, p->name, p->choices[v]);
            else cJSON_AddNullToObject(o, p->name);
            break;
        }
        case PARAM_STRATEGY: {
            const strategy_cfg *inner;
            memcpy(&inner, base, sizeof inner);
            if (inner) {
                cJSON *n = params_json(inner);
                cJSON_AddStringToObject(n, "name", inner->ops->name);
                cJSON_AddItemToObject(o, p->name, n);
            } else {
                cJSON_AddNullToObject(o, p->name);
            }
            break;
        }
        }
    }
    return o;
}

static char *summary_json(const scenario *sc, size_t si, const metrics *m)
{
    const strategy_cfg *cfg = &sc->strategies[si];
    double v[COL_N];
    metrics_columns(m, v);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "scenario", sc->name);
    cJSON_AddStringToObject(o, "label", cfg->label);
    cJSON_AddStringToObject(o, "strategy", cfg->ops->name);
    cJSON_AddNumberToObject(o, "seed", (double)sc->seed);
    cJSON_AddStringToObject(o, "version", STAMPEDE_VERSION);
    cJSON_AddItemToObject(o, "params", params_json(cfg));
    cJSON_AddNumberToObject(o, "requests", v[COL_REQUESTS]);
    cJSON_AddNumberToObject(o, "failed", v[COL_FAILED]);
    cJSON_AddItemToObject(o, "failed_ratio", num_or_null(v[COL_FAILED_RATIO]));
    cJSON *fb = cJSON_AddObjectToObject(o, "failed_by");
    for (int f = 0; f < FAIL_N; f++) cJSON_AddNumberToObject(fb, failure_names[f], (double)m->failed_by[f]);
    cJSON *slo = cJSON_AddObjectToObject(o, "slo");
    cJSON_AddItemToObject(slo, "latency", num_or_null(sc->slo.latency));
    cJSON_AddNumberToObject(slo, "target", sc->slo.target);
    cJSON_AddNumberToObject(slo, "good", v[COL_GOOD]);
    cJSON_AddItemToObject(slo, "good_ratio", num_or_null(v[COL_GOOD_RATIO]));
    if (isnan(v[COL_SLO_MET])) cJSON_AddNullToObject(slo, "met");
    else cJSON_AddBoolToObject(slo, "met", v[COL_SLO_MET] > 0);
    cJSON_AddItemToObject(slo, "budget_burn", num_or_null((1 - v[COL_GOOD_RATIO]) / (1 - sc->slo.target)));
    cJSON *rec = cJSON_AddArrayToObject(o, "recovery");
    for (size_t i = 0; i < m->nrec; i++) {
        const recovery *r = &m->rec[i];
        if (!r->listed) continue;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "trigger", trigger_names[r->t.kind]);
        cJSON_AddNumberToObject(e, "at", r->t.at);
        cJSON_AddNumberToObject(e, "end", r->t.end);
        cJSON_AddItemToObject(e, "baseline_from", num_or_null(r->base_from));
        cJSON_AddItemToObject(e, "baseline_to", num_or_null(r->base_to));
        cJSON_AddItemToObject(e, "baseline_good_ratio", num_or_null(r->base_good));
        cJSON_AddItemToObject(e, "baseline_p99", num_or_null(r->base_p99));
        cJSON_AddItemToObject(e, "worst_good_ratio", num_or_null(r->worst_good));
        cJSON_AddBoolToObject(e, "recovered", r->recovered);
        cJSON_AddItemToObject(e, "recovery_time", num_or_null(r->time));
        cJSON_AddBoolToObject(e, "metastable", r->metastable);
        cJSON_AddItemToArray(rec, e);
    }
    cJSON_AddNumberToObject(o, "attempts", v[COL_ATTEMPTS]);
    cJSON_AddNumberToObject(o, "ok", v[COL_OK]);
    cJSON_AddNumberToObject(o, "hits", v[COL_HITS]);
    cJSON_AddNumberToObject(o, "misses", v[COL_MISSES]);
    cJSON_AddItemToObject(o, "hit_ratio", num_or_null(v[COL_HIT_RATIO]));
    cJSON_AddNumberToObject(o, "stale", v[COL_STALE]);
    cJSON_AddNumberToObject(o, "waited", v[COL_WAITED]);
    cJSON_AddNumberToObject(o, "timeouts", v[COL_TIMEOUTS]);
    cJSON_AddNumberToObject(o, "errors", v[COL_ERRORS]);
    cJSON *out = cJSON_AddObjectToObject(o, "outcomes");
    for (int i = 0; i < OUT_N; i++) cJSON_AddNumberToObject(out, outcome_names[i], (double)m->outcomes[i]);
    cJSON *db = cJSON_AddObjectToObject(o, "db");
    cJSON_AddNumberToObject(db, "queries", v[COL_DB_QUERIES]);
    cJSON_AddNumberToObject(db, "early", v[COL_DB_EARLY]);
    cJSON_AddNumberToObject(db, "rejected", v[COL_DB_REJECTED]);
    cJSON_AddNumberToObject(db, "wasted", v[COL_DB_WASTED]);
    cJSON_AddNumberToObject(db, "peak_inflight", v[COL_PEAK_INFLIGHT]);
    cJSON_AddNumberToObject(db, "peak_queue", v[COL_PEAK_QUEUE]);
    cJSON *st = cJSON_AddObjectToObject(o, "stampedes");
    cJSON_AddNumberToObject(st, "count", v[COL_STAMPEDES]);
    cJSON_AddNumberToObject(st, "mean_size", v[COL_STAMPEDE_MEAN]);
    cJSON_AddNumberToObject(st, "max_size", v[COL_STAMPEDE_MAX]);
    cJSON *lat = cJSON_AddObjectToObject(o, "latency");
    cJSON_AddItemToObject(lat, "mean", num_or_null(v[COL_LAT_MEAN]));
    cJSON_AddItemToObject(lat, "p50", num_or_null(v[COL_P50]));
    cJSON_AddItemToObject(lat, "p90", num_or_null(v[COL_P90]));
    cJSON_AddItemToObject(lat, "p99", num_or_null(v[COL_P99]));
    cJSON_AddItemToObject(lat, "p999", num_or_null(v[COL_P999]));
    cJSON_AddItemToObject(lat, "max", num_or_null(v[COL_MAX]));
    cJSON_AddNumberToObject(lat, "underflow", (double)m->lat.underflow);
    cJSON_AddNumberToObject(lat, "overflow", (double)m->lat.overflow);
    cJSON_AddNumberToObject(lat, "relative_error", 1.0 / (2.0 * HIST_SUB));
    cJSON *all = cJSON_AddObjectToObject(o, "latency_all");
    cJSON_AddItemToObject(all, "p50", num_or_null(v[COL_P50_ALL]));
    cJSON_AddItemToObject(all, "p90", num_or_null(v[COL_P90_ALL]));
    cJSON_AddItemToObject(all, "p99", num_or_null(v[COL_P99_ALL]));
    cJSON_AddItemToObject(all, "p999", num_or_null(v[COL_P999_ALL]));
    cJSON *strat = cJSON_AddObjectToObject(o, "strategy_counters");
    for (int c = 0; c < CNT_N; c++) cJSON_AddNumberToObject(strat, counter_names[c], (double)m->counters[c]);
    double window = sc->duration - sc->warmup;
    cJSON *lit = cJSON_AddObjectToObject(o, "little");
    cJSON_AddNumberToObject(lit, "in_system_mean", m->in_system_area / window);
    cJSON_AddNumberToObject(lit, "arrival_rate", (double)m->requests / window);
    cJSON *simo = cJSON_AddObjectToObject(o, "sim");
    cJSON_AddNumberToObject(simo, "events", (double)m->events);
    cJSON_AddNumberToObject(simo, "end_time", m->end_time);
    cJSON_AddNumberToObject(simo, "wall_seconds", m->wall_seconds);
    cJSON_AddNumberToObject(simo, "events_per_second",
                            m->wall_seconds > 0 ? (double)m->events / m->wall_seconds : 0.0);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    return text;
}

/* CSV numbers: integers exactly, others with 9 significant digits, +inf as
 * "inf" (a percentile that falls among failed requests, a recovery that never
 * came), NaN empty. */
static void csv_num(FILE *f, double v)
{
    if (v == INFINITY) fputs("inf", f);
    if (!isfinite(v)) return;
    if (v == floor(v) && fabs(v) < 9.007199254740992e15) fprintf(f, "%.0f", v);
    else fprintf(f, "%.9g", v);
}

static int write_timeseries(FILE *f, const metrics *m)
{
    fputs("t,arrivals,hits,misses,stale,waited,timeouts,errors,db_started,db_completed,"
          "db_inflight_max,db_queue_max,p50,p99,p999,succeeded,failed,good,p99_all\n", f);
    for (uint64_t i = 0; i < m->nrows; i++) {
        const ts_row *r = &m->rows[i];
        csv_num(f, (double)i * m->bin);
        fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,",
                (unsigned long long)r->arrivals, (unsigned long long)r->hits, (unsigned long long)r->misses,
                (unsigned long long)r->stale, (unsigned long long)r->waited, (unsigned long long)r->timeouts,
                (unsigned long long)r->errors, (unsigned long long)r->db_started,
                (unsigned long long)r->db_completed, (unsigned long long)r->db_inflight_max,
                (unsigned long long)r->db_queue_max);
        csv_num(f, r->p50);
        fputc(',', f);
        csv_num(f, r->p99);
        fputc(',', f);
        csv_num(f, r->p999);
        fprintf(f, ",%llu,%llu,%llu,", (unsigned long long)r->succeeded, (unsigned long long)r->failed,
                (unsigned long long)r->good);
        csv_num(f, r->p99_all);
        fputc('\n', f);
    }
    return 0;
}

/* The latency distribution: every non-empty histogram bucket with its CDF
 * over answered requests (cdf) and over every request (cdf_all: a failed one
 * counts as infinitely slow, so it levels off at the share that succeeded). */
static void write_latency_hist(FILE *f, const hist *h, uint64_t failed)
{
    fputs("lower,upper,count,cdf,cdf_all\n", f);
    uint64_t cum = 0;
    for (int i = 0; i < HIST_NBUCKETS; i++) {
        if (!h->b[i]) continue;
        double lo, hi;
        hist_bucket_bounds(i, &lo, &hi);
        cum += h->b[i];
        csv_num(f, lo);
        fputc(',', f);
        csv_num(f, hi);
        fprintf(f, ",%llu,", (unsigned long long)h->b[i]);
        csv_num(f, (double)cum / (double)h->count);
        fputc(',', f);
        csv_num(f, (double)cum / (double)(h->count + failed));
        fputc('\n', f);
    }
}

static void write_stampede_sizes(FILE *f, const metrics *m)
{
    fputs("size_min,size_max,count\n", f);
    for (int b = 1; b < SIZE_EXACT + 64; b++) {
        if (!m->size_count[b]) continue;
        uint64_t lo, hi;
        metrics_size_bucket(b, &lo, &hi);
        fprintf(f, "%llu,%llu,%llu\n", (unsigned long long)lo, (unsigned long long)hi,
                (unsigned long long)m->size_count[b]);
    }
}

/* "label/name" in buf, for messages. */
static const char *label_file(char *buf, size_t n, const char *label, const char *name)
{
    snprintf(buf, n, "%s/%s", label, name);
    return buf;
}

int results_add(results *r, const scenario *sc, size_t si, const metrics *m, char *err, size_t errlen)
{
    const strategy_cfg *cfg = &sc->strategies[si];
    char what[300];
    char *text = summary_json(sc, si, m);
    if (!text) { snprintf(err, errlen, "out of memory"); return -1; }
    FILE *f = results_file(r, cfg->label, "summary.json", err, errlen);
    if (!f) { free(text); return -1; }
    fputs(text, f);
    fputc('\n', f);
    free(text);
    if (close_checked(f, label_file(what, sizeof what, cfg->label, "summary.json"), err, errlen)) return -1;
    if (!(f = results_file(r, cfg->label, "timeseries.csv", err, errlen))) return -1;
    write_timeseries(f, m);
    if (close_checked(f, label_file(what, sizeof what, cfg->label, "timeseries.csv"), err, errlen)) return -1;
    if (!(f = results_file(r, cfg->label, "latency_hist.csv", err, errlen))) return -1;
    write_latency_hist(f, &m->lat, m->failed);
    if (close_checked(f, label_file(what, sizeof what, cfg->label, "latency_hist.csv"), err, errlen)) return -1;
    if (!(f = results_file(r, cfg->label, "stampede_sizes.csv", err, errlen))) return -1;
    write_stampede_sizes(f, m);
    if (close_checked(f, label_file(what, sizeof what, cfg->label, "stampede_sizes.csv"), err, errlen)) return -1;

    struct result_row *nr = realloc(r->rows, (r->nrows + 1) * sizeof *nr);
    if (!nr) { snprintf(err, errlen, "out of memory"); return -1; }
    r->rows = nr;
    struct result_row *row = &r->rows[r->nrows++];
    r->has_slo = isfinite(sc->slo.latency);
    for (size_t i = 0; i < m->nrec; i++) r->has_triggers |= m->rec[i].listed;
    row->label = strdup(cfg->label);
    row->strategy = strdup(cfg->ops->name);
    metrics_columns(m, row->v);
    return 0;
}

/* The row of "none" in this run, for the relative columns; NULL when absent. */
static const struct result_row *none_row(const results *r)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (!strcmp(r->rows[i].strategy, "none")) return &r->rows[i];
    return NULL;
}

static double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

int results_commit(results *r, const scenario *sc, char *err, size_t errlen)
{
    FILE *sf = outdir_file(&r->out, "scenario.json", err, errlen);
    if (!sf) return -1;
    fputs(sc->json, sf);
    fputc('\n', sf);
    if (close_checked(sf, "scenario.json", err, errlen)) return -1;

    FILE *f = outdir_file(&r->out, "comparison.csv", err, errlen);
    if (!f) return -1;
    const struct result_row *none = none_row(r);
    fputs("label,strategy", f);
    for (int c = 0; c < COL_N; c++) fprintf(f, ",%s", col_names[c]);
    fputs(",db_queries_vs_none,p99_vs_none\n", f);
    for (size_t i = 0; i < r->nrows; i++) {
        const struct result_row *row = &r->rows[i];
        fprintf(f, "%s,%s", row->label, row->strategy);
        for (int c = 0; c < COL_N; c++) { fputc(',', f); csv_num(f, row->v[c]); }
        fputc(',', f);
        if (none) csv_num(f, ratio(row->v[COL_DB_QUERIES], none->v[COL_DB_QUERIES]));
        fputc(',', f);
        if (none) csv_num(f, ratio(row->v[COL_P99], none->v[COL_P99]));
        fputc('\n', f);
    }
    if (close_checked(f, "comparison.csv", err, errlen)) return -1;

    return outdir_commit(&r->out, err, errlen);
}

void results_close(results *r)
{
    outdir_close(&r->out);
    for (size_t i = 0; i < r->nrows; i++) {
        free(r->rows[i].label);
        free(r->rows[i].strategy);
    }
    free(r->rows);
    memset(r, 0, sizeof *r);
}

static void fmt_latency(char *buf, size_t n, double v)
{
    if (v == INFINITY) snprintf(buf, n, "failed");
    else if (!isfinite(v)) snprintf(buf, n, "-");
    else if (v < 1e-3) snprintf(buf, n, "%.0fus", v * 1e6);
    else if (v < 1) snprintf(buf, n, "%.1fms", v * 1e3);
    else snprintf(buf, n, "%.2fs", v);
}

/* A share as a percentage with two decimals, or more when that would show a
 * share that is not 0 as 0 or one that is not 1 as 100. */
static void fmt_share(char *buf, size_t n, double x)
{
    if (!isfinite(x)) {
        snprintf(buf, n, "-");
        return;
    }
    double p = 100 * x;
    for (int dec = 2; dec <= 6; dec++) {
        snprintf(buf, n, "%.*f", dec, p);
        double back = strtod(buf, NULL);
        if ((back == 100) == (p == 100) && (back == 0) == (p == 0)) break;
    }
}

static void fmt_count(char *buf, size_t n, double v)
{
    if (isfinite(v)) snprintf(buf, n, "%.0f", v);
    else snprintf(buf, n, "-");
}

static void fmt_ratio(char *buf, size_t n, double v)
{
    if (isfinite(v)) snprintf(buf, n, "%.3f", v);
    else snprintf(buf, n, "-");
}

/* The table's columns: the group it is printed under, its head and width,
 * and how a row's cell is made.  Requests come first, each counted once as
 * it ended; attempts (retries included) last, under their own heading. */
enum tgroup { G_REQ, G_ANS, G_DB, G_ATT };
static const char *const tgroup_names[] = { "requests", "answered requests", "DB", "attempts" };

typedef struct tcol {
    enum tgroup group;
    const char *head;
    int width;
    int col;             /* a column of the row, or -1: made by the code below */
    void (*fmt)(char *, size_t, double);
} tcol;

static const tcol table_cols[] = {
    { G_REQ, "requests", 10, COL_REQUESTS, fmt_count },
    { G_REQ, "failed%", 8, COL_FAILED_RATIO, fmt_share },
    { G_REQ, "good%", 8, COL_GOOD_RATIO, fmt_share },
    { G_REQ, "p99_all", 8, COL_P99_ALL, fmt_latency },
    { G_REQ, "recovery", 10, COL_RECOVERY_TIME, NULL },
    { G_ANS, "p50", 8, COL_P50, fmt_latency },
    { G_ANS, "p99", 8, COL_P99, fmt_latency },
    { G_ANS, "p999", 8, COL_P999, fmt_latency },
    { G_ANS, "p99/none", 8, -1, NULL },
    { G_DB, "db_q", 9, COL_DB_QUERIES, fmt_count },
    { G_DB, "db_peak", 7, COL_PEAK_INFLIGHT, fmt_count },
    { G_DB, "stmp_avg", 8, COL_STAMPEDE_MEAN, NULL },
    { G_DB, "stmp_max", 8, COL_STAMPEDE_MAX, fmt_count },
    { G_DB, "db_q/none", 9, -1, NULL },
    { G_ATT, "hit%", 6, COL_HIT_RATIO, NULL },
    { G_ATT, "timeouts", 8, COL_TIMEOUTS, fmt_count },
    { G_ATT, "errors", 8, COL_ERRORS, fmt_count },
    { G_ATT, "stale", 8, COL_STALE, fmt_count },
};
#define NTCOLS (sizeof table_cols / sizeof *table_cols)

static bool tcol_shown(const results *r, const tcol *c)
{
    if (c->col == COL_GOOD_RATIO) return r->has_slo;
    if (c->col == COL_RECOVERY_TIME) return r->has_triggers;
    return true;
}

static void tcell(const results *r, const struct result_row *none, const double *v, const tcol *c, char *buf,
                  size_t n)
{
    if (c->fmt) {
        c->fmt(buf, n, v[c->col]);
    } else if (c->col == COL_RECOVERY_TIME) {
        double t = v[COL_RECOVERY_TIME];
        if (isnan(t)) snprintf(buf, n, "-");
        else if (t == 0) snprintf(buf, n, "0s");
        else if (isfinite(t)) fmt_latency(buf, n, t);
        else snprintf(buf, n, "%s", v[COL_METASTABLE] > 0 ? "never" : "not by end");
    } else if (c->col == COL_STAMPEDE_MEAN) {
        snprintf(buf, n, "%.2f", v[c->col]);
    } else if (c->col == COL_HIT_RATIO) {
        snprintf(buf, n, "%.2f", 100.0 * (isfinite(v[c->col]) ? v[c->col] : 0));
    } else if (!strcmp(c->head, "p99/none")) {
        fmt_ratio(buf, n, none ? ratio(v[COL_P99], none->v[COL_P99]) : NAN);
    } else {
        fmt_ratio(buf, n, none ? ratio(v[COL_DB_QUERIES], none->v[COL_DB_QUERIES]) : NAN);
    }
    (void)r;
}

void results_print_table(const results *r, FILE *out)
{
    const struct result_row *none = none_row(r);
    int lw = 14;   /* the label column: as wide as the longest label */
    for (size_t k = 0; k < r->nrows; k++)
        if ((int)strlen(r->rows[k].label) > lw) lw = (int)strlen(r->rows[k].label);
    /* The group line: each group's name centred in dashes over its columns. */
    fprintf(out, "%-*s", lw, "");
    for (size_t i = 0; i < NTCOLS;) {
        size_t j = i;
        int w = 0;
        for (; j < NTCOLS && table_cols[j].group == table_cols[i].group; j++)
            if (tcol_shown(r, &table_cols[j])) w += 1 + table_cols[j].width;
        const char *g = tgroup_names[table_cols[i].group];
        int gl = (int)strlen(g) + 2, left = (w - 1 - gl) / 2, right = w - 1 - gl - left;
        fputc(' ', out);
        for (int k = 0; k < left; k++) fputc('-', out);
        fprintf(out, " %s ", g);
        for (int k = 0; k < right; k++) fputc('-', out);
        i = j;
    }
    fprintf(out, "\n%-*s", lw, "label");
    for (size_t i = 0; i < NTCOLS; i++)
        if (tcol_shown(r, &table_cols[i])) fprintf(out, " %*s", table_cols[i].width, table_cols[i].head);
    fputc('\n', out);
    for (size_t k = 0; k < r->nrows; k++) {
        fprintf(out, "%-*s", lw, r->rows[k].label);
        for (size_t i = 0; i < NTCOLS; i++) {
            if (!tcol_shown(r, &table_cols[i])) continue;
            char cell[32];
            tcell(r, none, r->rows[k].v, &table_cols[i], cell, sizeof cell);
            fprintf(out, " %*s", table_cols[i].width, cell);
        }
        fputc('\n', out);
    }
}
