/* testutil.c - see testutil.h. */
#include "testutil.h"

#include <check.h>

#include <cJSON.h>
#include <dirent.h>
#include <stdint.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *tu_prog(void)
{
    const char *p = getenv("STAMPEDE");
    return p ? p : "build/stampede";
}

const char *tu_src(void)
{
    const char *p = getenv("SRCDIR");
    return p ? p : ".";
}

const char *tu_path(const char *rel)
{
    static char buf[8][4096];
    static int slot;
    slot = (slot + 1) % 8;
    snprintf(buf[slot], sizeof buf[slot], "%s/%s", tu_src(), rel);
    return buf[slot];
}

int tu_runf(char **out, char **err, const char *fmt, ...)
{
    char args[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return tu_run(args, out, err);
}

char *tu_pathf(const char *fmt, ...)
{
    static char buf[8][8192];
    static int k;
    k = (k + 1) % 8;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf[k], sizeof buf[k], fmt, ap);
    va_end(ap);
    return buf[k];
}

char *tu_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    size_t k;
    while (s && (k = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n < 2) {
            char *t = realloc(s, cap *= 2);
            if (!t) { free(s); s = NULL; }
            else s = t;
        }
    }
    fclose(f);
    if (s) s[n] = 0;
    return s;
}

int tu_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

int tu_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

char *tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/stampede-test-XXXXXX", base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

void tu_rmrf(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0) { /* best effort */ }
}

int tu_run(const char *args, char **out, char **err)
{
    char *d = tu_tmpdir();
    if (!d) return -1;
    size_t len = strlen(args) + strlen(d) * 2 + strlen(tu_prog()) + 64;
    char *cmd = malloc(len);
    snprintf(cmd, len, "%s %s </dev/null >%s/out 2>%s/err", tu_prog(), args, d, d);
    int st = system(cmd);
    free(cmd);
    char p[4200];
    if (out) { snprintf(p, sizeof p, "%s/out", d); *out = tu_slurp(p); }
    if (err) { snprintf(p, sizeof p, "%s/err", d); *err = tu_slurp(p); }
    tu_rmrf(d);
    free(d);
    if (st == -1 || !WIFEXITED(st)) return -1;
    return WEXITSTATUS(st);
}

/* The node at a dotted path (a number indexes an array) in root, or NULL. */
static const cJSON *json_at(const cJSON *root, const char *path)
{
    const cJSON *node = root;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *tok = strtok(buf, "."); tok && node; tok = strtok(NULL, ".")) {
        char *end;
        long i = strtol(tok, &end, 10);
        if (cJSON_IsArray(node) && *tok && !*end) node = cJSON_GetArrayItem(node, (int)i);
        else node = cJSON_GetObjectItemCaseSensitive(node, tok);
    }
    return node;
}

double tu_json_num(const char *file, const char *path)
{
    char *text = tu_slurp(file);
    if (!text) return NAN;
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root) return NAN;
    const cJSON *node = json_at(root, path);
    double v = (node && cJSON_IsNumber(node)) ? node->valuedouble : NAN;
    cJSON_Delete(root);
    return v;
}

const char *tu_json_type(const char *file, const char *path)
{
    char *text = tu_slurp(file);
    cJSON *root = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!root) return "unreadable";
    const cJSON *n = json_at(root, path);
    const char *t = !n ? "absent" : cJSON_IsNull(n) ? "null" : cJSON_IsTrue(n) ? "true" : cJSON_IsFalse(n) ? "false"
                  : cJSON_IsNumber(n) ? "number" : cJSON_IsString(n) ? "string" : cJSON_IsArray(n) ? "array"
                                                                                             : "object";
    int size = n && cJSON_IsArray(n) ? cJSON_GetArraySize(n) : -1;
    cJSON_Delete(root);
    static char buf[32];
    if (size >= 0) {
        snprintf(buf, sizeof buf, "array of %d", size);
        return buf;
    }
    return t;
}

char *tu_scenario(const char *dir, const char *name, const char *json)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    snprintf(p, len, "%s/%s", dir, name);
    if (tu_write(p, json) != 0) { free(p); return NULL; }
    return p;
}

int tu_sanitized(void)
{
    const char *s = getenv("STAMPEDE_SAN");
    return s && *s && strcmp(s, "0") != 0;
}

double tu_scale(void)
{
    return tu_sanitized() ? 0.2 : 1.0;
}

int tu_write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(data, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

typedef struct lines { char **s; size_t n, cap; } lines;

static void lines_add(lines *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->s = realloc(l->s, l->cap * sizeof *l->s);
    }
    l->s[l->n++] = s;
}

static char *catf(const char *a, const char *sep, const char *b)
{
    size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
    char *p = malloc(n);
    snprintf(p, n, "%s%s%s", a, sep, b);
    return p;
}

/* One line per entry under dir/rel: its path, type, mode and content (a hash
 * of a file's bytes, a link's target). */
static void tree_walk(const char *dir, const char *rel, lines *l)
{
    char *path = catf(dir, *rel ? "/" : "", rel);
    DIR *d = opendir(path);
    free(path);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *r = catf(rel, *rel ? "/" : "", e->d_name), *p = catf(dir, "/", r), tail[4200];
        struct stat st;
        if (lstat(p, &st)) {
            free(r);
            free(p);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            snprintf(tail, sizeof tail, "/ dir %o", (unsigned)(st.st_mode & 07777));
            lines_add(l, catf(r, "", tail));
            tree_walk(dir, r, l);
        } else if (S_ISLNK(st.st_mode)) {
            char t[4096];
            ssize_t k = readlink(p, t, sizeof t - 1);
            t[k > 0 ? k : 0] = 0;
            lines_add(l, catf(r, " -> ", t));
        } else if (!S_ISREG(st.st_mode)) {   /* a FIFO, a device: never opened */
            snprintf(tail, sizeof tail, " special %o %o", (unsigned)(st.st_mode & S_IFMT), (unsigned)(st.st_mode & 07777));
            lines_add(l, catf(r, "", tail));
        } else {
            uint64_t h = 14695981039346656037ull;
            FILE *f = fopen(p, "rb");
            int c;
            while (f && (c = getc(f)) != EOF) h = (h ^ (unsigned char)c) * 1099511628211ull;
            if (f) fclose(f);
            snprintf(tail, sizeof tail, " file %o %lld %016llx", (unsigned)(st.st_mode & 07777), (long long)st.st_size,
                     (unsigned long long)h);
            lines_add(l, catf(r, "", tail));
        }
        free(r);
        free(p);
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *tu_tree(const char *dir)
{
    lines l = { 0 };
    tree_walk(dir, "", &l);
    qsort(l.s, l.n, sizeof *l.s, cmp_str);
    size_t len = 1;
    for (size_t i = 0; i < l.n; i++) len += strlen(l.s[i]) + 1;
    char *out = malloc(len), *o = out;
    *o = 0;
    for (size_t i = 0; i < l.n; i++) {
        o += sprintf(o, "%s\n", l.s[i]);
        free(l.s[i]);
    }
    free(l.s);
    return out;
}

double tu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Splits line at commas into at most n fields (the rest stay ""). */
static void split(char *line, char **f, int n)
{
    for (int i = 0; i < n; i++) f[i] = line ? strsep(&line, ",") : (char *)"";
}

static double field_num(const char *f) { return *f ? atof(f) : NAN; }

int tu_trace_load(tu_trace *t, const char *folder)
{
    memset(t, 0, sizeof *t);
    char *rq = tu_slurp(tu_pathf("%s/requests.csv", folder)), *db = tu_slurp(tu_pathf("%s/db.csv", folder));
    if (!rq || !db) { free(rq); free(db); return -1; }
    int rc = tu_trace_parse(t, rq, db, 1);
    free(rq);
    free(db);
    return rc;
}

int tu_trace_parse(tu_trace *t, char *rq, char *db, int header)
{
    memset(t, 0, sizeof *t);
    size_t cap = 1024;
    t->req = malloc(cap * sizeof *t->req);
    char *save, *line = header ? strtok_r(rq, "\n", &save) : NULL;
    while (t->req && (line = line || header ? strtok_r(NULL, "\n", &save) : strtok_r(rq, "\n", &save))) {
        if (t->nreq == cap) t->req = realloc(t->req, (cap *= 2) * sizeof *t->req);
        tu_attempt *a = &t->req[t->nreq++];
        char *f[9];
        split(line, f, 9);
        a->id = atol(f[0]);
        a->attempt = atol(f[1]);
        a->node = atol(f[2]);
        a->key = atol(f[3]);
        a->t_arr = field_num(f[4]);
        a->t_done = field_num(f[5]);
        a->latency = field_num(f[6]);
        snprintf(a->outcome, sizeof a->outcome, "%s", f[7]);
        a->db = atoi(f[8]);
    }
    cap = 1024;
    t->db = malloc(cap * sizeof *t->db);
    line = header ? strtok_r(db, "\n", &save) : NULL;
    while (t->db && (line = line || header ? strtok_r(NULL, "\n", &save) : strtok_r(db, "\n", &save))) {
        if (t->ndb == cap) t->db = realloc(t->db, (cap *= 2) * sizeof *t->db);
        tu_query *q = &t->db[t->ndb++];
        char *f[8];
        split(line, f, 8);
        q->key = atol(f[0]);
        q->node = atol(f[1]);
        q->t_issue = field_num(f[2]);
        q->t_start = field_num(f[3]);
        q->t_end = field_num(f[4]);
        snprintf(q->cause, sizeof q->cause, "%s", f[5]);
        q->requester = atol(f[6]);
        snprintf(q->status, sizeof q->status, "%s", f[7]);
    }
    return t->req && t->db ? 0 : -1;
}

void tu_trace_free(tu_trace *t)
{
    free(t->req);
    free(t->db);
    memset(t, 0, sizeof *t);
}

int tu_same_file(const char *a, const char *b)
{
    char *x = tu_slurp(a), *y = tu_slurp(b);
    int same = x && y && !strcmp(x, y);
    free(x);
    free(y);
    return same;
}

void tu_need_gnuplot(void)
{
    ck_assert_msg(system("command -v gnuplot >/dev/null 2>&1") == 0,
                  "gnuplot is not on PATH: it is a build dependency (make deps installs it)");
}
