/* fit.c - `stampede fit` below the command line (see fit.h): one streaming
 * pass over each log, then the fits, then the scenario text.  A key is told
 * apart by a 64-bit id: its value when it is a decimal integer written
 * canonically, else a 64-bit hash of its text; counts live in an array
 * indexed through u64map, in order of first appearance. */
#include "fit.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/numtext.h"
#include "base/u64map.h"
#include "report/report.h"
#include "scenario/load.h"

#define LINE_MAX_BYTES 65536
#define READ_CHUNK (1u << 20)
#define TICK_LINES 65536
#define MAX_NODES 1000000u

/* ---------------------------------------------------------------- lines */

typedef struct lreader {
    int fd;
    const char *path;
    char *buf;
    size_t len, pos;       /* buf[pos, len) is unread */
    uint64_t line;         /* number of the line last returned */
    uint64_t bytes;        /* read so far */
    double size;           /* of a regular file, else -1 */
    int eof;
    volatile int *stop;    /* a read interrupted by a signal gives up when set */
} lreader;

static int lr_open(lreader *r, const char *path, volatile int *stop, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->stop = stop;
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return FIT_BAD_INPUT;
    }
    struct stat st;
    if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(EISDIR));
        close(r->fd);
        r->fd = -1;
        return FIT_BAD_INPUT;
    }
    r->size = fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) ? (double)st.st_size : -1;
    if (!(r->buf = malloc(READ_CHUNK + LINE_MAX_BYTES))) {
        close(r->fd);
        r->fd = -1;
        snprintf(err, errlen, "out of memory");
        return FIT_FAILED;
    }
    return FIT_OK;
}

static void lr_close(lreader *r)
{
    if (r->fd >= 0) close(r->fd);
    free(r->buf);
    r->fd = -1;
    r->buf = NULL;
}

/* The next line without its end (\n or \r\n), NUL-terminated in place:
 * 1 with *s and *n, 0 at the end, or a status with err. */
static int lr_next(lreader *r, char **s, size_t *n, char *err, size_t errlen)
{
    for (;;) {
        char *start = r->buf + r->pos, *nl = memchr(start, '\n', r->len - r->pos);
        if (!nl && r->eof && r->pos < r->len) nl = r->buf + r->len;   /* a last line without \n */
        if (nl) {
            size_t k = (size_t)(nl - start);
            r->pos += k + (nl < r->buf + r->len);
            if (k && start[k - 1] == '\r') k--;
            if (k >= LINE_MAX_BYTES) goto toolong;
            start[k] = 0;
            r->line++;
            *s = start;
            *n = k;
            return 1;
        }
        if (r->eof) return 0;
        if (r->len - r->pos >= LINE_MAX_BYTES) goto toolong;
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
        ssize_t got;
        do got = read(r->fd, r->buf + r->len, READ_CHUNK + LINE_MAX_BYTES - 1 - r->len);
        while (got < 0 && errno == EINTR && !(r->stop && *r->stop));
        if (got < 0 && errno == EINTR) {
            snprintf(err, errlen, "interrupted");
            return -FIT_FAILED;
        }
        if (got < 0) {
            snprintf(err, errlen, "cannot read %s: %s", r->path, strerror(errno));
            return -FIT_FAILED;
        }
        if (got == 0) r->eof = 1;
        r->len += (size_t)got;
        r->bytes += (size_t)got;
        r->buf[r->len] = 0;
    }
toolong:
    snprintf(err, errlen, "%s:%llu: line longer than %d bytes", r->path, (unsigned long long)r->line + 1,
             LINE_MAX_BYTES);
    return -FIT_BAD_INPUT;
}

/* Up to 40 bytes of s, for a message: quotes, controls and bytes beyond
 * ASCII escaped (a terminal shows them as they are), long text cut with
 * "...". */
static void shown(char *buf, size_t len, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 8 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i == 40) {
            o += (size_t)snprintf(buf + o, len - o, "...");
            break;
        }
        if (c == '"' || c == '\\') o += (size_t)snprintf(buf + o, len - o, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f) o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
        else buf[o++] = (char)c;
    }
    buf[o < len ? o : len - 1] = 0;
}

/* ---------------------------------------------------------------- fields */

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* A decimal number, nothing else (no inf, nan or hex), spaces around
 * allowed: 0 with *v, -1 otherwise. */
static int parse_num(const char *s, size_t n, double *v)
{
    size_t i = 0, digits = 0;
    while (i < n && is_space(s[i])) i++;
    size_t b = i;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) digits++;
    if (!digits) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '+' || s[j] == '-')) j++;
        if (!(j < n && s[j] >= '0' && s[j] <= '9')) return -1;
        while (j < n && s[j] >= '0' && s[j] <= '9') j++;
        i = j;
    }
    size_t e = i;
    while (i < n && is_space(s[i])) i++;
    if (i != n || e - b > 400) return -1;
    char tmp[408];
    memcpy(tmp, s + b, e - b);
    tmp[e - b] = 0;
    double x = strtod(tmp, NULL);
    if (!isfinite(x)) return -1;
    *v = x + 0.0;
    return 0;
}

/* The line's first field is a header's name: a word (letters first, then
 * letters, digits, '_', '-', ' ') that is no number, nan or inf. */
static int header_word(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && is_space(s[i])) i++;
    if (i == n || !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')) return 0;
    size_t b = i;
    for (; i < n; i++) {
        char c = s[i];
        int ok = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                 is_space(c);
        if (!ok) return 0;
    }
    char w[16];
    size_t k = 0;
    for (i = b; i < n && k + 1 < sizeof w && !is_space(s[i]); i++) w[k++] = (char)(s[i] | 0x20);
    w[k] = 0;
    return strcmp(w, "nan") && strcmp(w, "inf") && strcmp(w, "infinity");
}

/* The next CSV field of s[*p, n): up to a comma, or a quoted field ("" for a
 * quote inside) whose text is copied unquoted into tmp.  Returns 0 with *f,
 * *fl and *p past the comma (n at the end), -1 for a bad quoted field. */
static int next_field(const char *s, size_t n, size_t *p, const char **f, size_t *fl, char *tmp)
{
    size_t i = *p;
    if (i < n && s[i] == '"') {
        size_t o = 0;
        for (i++;; i++) {
            if (i >= n) return -1;
            if (s[i] == '"') {
                if (i + 1 < n && s[i + 1] == '"') {
                    tmp[o++] = '"';
                    i++;
                    continue;
                }
                i++;
                break;
            }
            tmp[o++] = s[i];
        }
        if (i < n && s[i] != ',') return -1;
        *f = tmp;
        *fl = o;
        *p = i < n ? i + 1 : n + 1;   /* past n: no field follows */
        return 0;
    }
    const char *c = memchr(s + i, ',', n - i);
    size_t e = c ? (size_t)(c - s) : n;
    *f = s + i;
    *fl = e - i;
    *p = c ? e + 1 : n + 1;   /* past n: no field follows */
    return 0;
}

/* ---------------------------------------------------------------- key ids */

static uint64_t fmix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

static uint64_t rotl(uint64_t x, int r) { return x << r | x >> (64 - r); }

/* A 64-bit hash of n bytes (one lane of MurmurHash3's x64 mixing). */
static uint64_t hash_bytes(const char *s, size_t n)
{
    const uint64_t c1 = 0x87c37b91114253d5ull, c2 = 0x4cf5ad432745937full;
    uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        w *= c1;
        w = rotl(w, 31);
        w *= c2;
        h ^= w;
        h = rotl(h, 27) * 5 + 0x52dce729;
    }
    uint64_t w = 0;
    for (size_t k = 0; i + k < n; k++) w |= (uint64_t)(unsigned char)s[i + k] << (8 * k);
    if (n > i) {
        w *= c1;
        w = rotl(w, 31);
        w *= c2;
        h ^= w;
    }
    return fmix64(h);
}

/* The key's id: a canonical decimal integer below 2^64 is its own id (so
 * the trace format's dense ids stay as they are); any other text, a hash. */
static uint64_t key_id(const char *s, size_t n)
{
    if (n >= 1 && n <= 20 && (s[0] != '0' || n == 1)) {
        uint64_t v = 0;
        size_t i = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            uint64_t d = (uint64_t)(s[i] - '0');
            if (v > (UINT64_MAX - d) / 10) break;
            v = v * 10 + d;
        }
        if (i == n) return v;
    }
    return hash_bytes(s, n);
}

/* ---------------------------------------------------------------- the access log */

typedef struct counter {
    u64map ids;            /* key id -> index + 1 */
    uint64_t *count;       /* per index */
    size_t n, cap;
} counter;

static int count_key(counter *c, uint64_t id)
{
    uint32_t v = u64map_get(&c->ids, id);
    if (v) {
        c->count[v - 1]++;
        return 0;
    }
    if (c->n >= UINT32_MAX - 1) return -2;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 4096;
        uint64_t *k = realloc(c->count, cap * sizeof *k);
        if (!k) return -1;
        c->count = k;
        c->cap = cap;
    }
    c->count[c->n++] = 1;
    return u64map_put(&c->ids, id, (uint32_t)c->n);
}

static void tick(const fit_opts *o, const char *stage, const lreader *r)
{
    if (!o->progress) return;
    fit_progress p = { stage, r ? r->path : NULL, -1, r ? r->line : 0 };
    if (r && r->size > 0) p.done = fmin(1, (double)(r->bytes - (r->len - r->pos)) / r->size);
    o->progress(o->progress_ctx, &p);
}

static int stopped(const fit_opts *o, char *err, size_t errlen)
{
    if (o->stop && *o->stop) {
        snprintf(err, errlen, "interrupted");
        return 1;
    }
    return 0;
}

/* The next line that holds data (blank lines and # comments skipped), with
 * progress and the stop flag looked at every TICK_LINES lines: 1 with *line
 * and *n, 0 at the end, or minus a status with err. */
static int next_data(const fit_opts *o, lreader *lr, char **line, size_t *n, char *err, size_t errlen)
{
    int rc;
    while ((rc = lr_next(lr, line, n, err, errlen)) == 1) {
        if (lr->line % TICK_LINES == 0) {
            tick(o, "reading", lr);
            if (stopped(o, err, errlen)) return -FIT_FAILED;
        }
        size_t i = 0;
        while (i < *n && is_space((*line)[i])) i++;
        if (i < *n && (*line)[i] != '#') return 1;
    }
    return rc;
}

static int cmp_u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x < y) - (x > y);
}

static int read_access(const fit_opts *o, fit_result *r, char *err, size_t errlen)
{
    lreader lr;
    int st = lr_open(&lr, o->access, o->stop, err, errlen);
    if (st) return st;
    counter keys = { 0 };
    u64map nodes = { 0 };
    char *tmp = malloc(LINE_MAX_BYTES);
    char *line, what[256];
    size_t n;
    int rc;
    bool first = true;
    double prev = 0;
    uint64_t header_line = 0;
    st = FIT_OK;
    if (!tmp) goto oom;
    while ((rc = next_data(o, &lr, &line, &n, err, errlen)) == 1) {
        const char *f;
        size_t fl, p = 0;
        next_field(line, n, &p, &f, &fl, tmp);
        double t;
        if (parse_num(f, fl, &t)) {
            if (first && !header_line && header_word(f, fl)) {
                header_line = lr.line;
                continue;
            }
            shown(what, sizeof what, f, fl);
            snprintf(err, errlen, "%s:%llu: expected a time in seconds first (got \"%s\")", lr.path,
                     (unsigned long long)lr.line, what);
            goto bad;
        }
        if (p > n) {
            shown(what, sizeof what, line, n);
            snprintf(err, errlen, "%s:%llu: expected t,key or t,key,node (got \"%s\")", lr.path,
                     (unsigned long long)lr.line, what);
            goto bad;
        }
        if (!first && t < prev) {
            snprintf(err, errlen, "%s:%llu: time %.17g is before the previous row's %.17g: rows must be in time order",
                     lr.path, (unsigned long long)lr.line, t, prev);
            goto bad;
        }
        const char *kf;
        size_t kl;
        if (next_field(line, n, &p, &kf, &kl, tmp)) {
            shown(what, sizeof what, line, n);
            snprintf(err, errlen, "%s:%llu: a quoted key without its closing quote (got \"%s\")", lr.path,
                     (unsigned long long)lr.line, what);
            goto bad;
        }
        if (kl == 0) {
            snprintf(err, errlen, "%s:%llu: empty key", lr.path, (unsigned long long)lr.line);
            goto bad;
        }
        uint64_t id = key_id(kf, kl);
        if (p <= n) {   /* a node */
            const char *nf;
            size_t nl;
            if (next_field(line, n, &p, &nf, &nl, tmp) || nl == 0 || p <= n) {
                shown(what, sizeof what, line, n);
                snprintf(err, errlen, "%s:%llu: expected t,key or t,key,node (got \"%s\")", lr.path,
                         (unsigned long long)lr.line, what);
                goto bad;
            }
            uint64_t nid = key_id(nf, nl);
            if (!u64map_get(&nodes, nid)) {
                if (nodes.n >= MAX_NODES) {
                    snprintf(err, errlen, "%s:%llu: more than %u distinct nodes (the simulator's limit)", lr.path,
                             (unsigned long long)lr.line, MAX_NODES);
                    goto bad;
                }
                if (u64map_put(&nodes, nid, 1)) goto oom;
            }
        }
        int k = count_key(&keys, id);
        if (k == -2) {
            snprintf(err, errlen, "%s:%llu: more than %u distinct keys", lr.path, (unsigned long long)lr.line,
                     UINT32_MAX - 2);
            goto bad;
        }
        if (k || fit_rate_grid_add(&r->grid, t)) goto oom;
        if (first) r->t_first = t;
        r->t_last = t;
        prev = t;
        first = false;
        r->requests++;
    }
    if (rc < 0) {
        st = -rc;
        goto done;
    }
    tick(o, "reading", &lr);
    if (!r->requests) {
        snprintf(err, errlen, "%s: no requests (%s)", lr.path,
                 header_line ? "only a header line" : lr.line ? "only blank or comment lines" : "the file is empty");
        goto bad;
    }
    if (!(r->t_last > r->t_first)) {
        snprintf(err, errlen, "%s: every request is at t = %.17g: a rate needs requests at two different times",
                 lr.path, r->t_first);
        goto bad;
    }
    if (keys.n < 2) {
        snprintf(err, errlen,
                 "%s: all %llu requests are for one key: there is no popularity to fit (a one-key scenario needs "
                 "keys.count 1)",
                 lr.path, (unsigned long long)r->requests);
        goto bad;
    }
    r->nodes = nodes.n;
    /* The fingerprint: counts sorted, equal ones merged. */
    u64map_free(&keys.ids);
    qsort(keys.count, keys.n, sizeof *keys.count, cmp_u64_desc);
    size_t nr = 0;
    for (size_t i = 0; i < keys.n; i++)
        if (!i || keys.count[i] != keys.count[i - 1]) nr++;
    if (!(r->runs = malloc(nr * sizeof *r->runs))) goto oom;
    for (size_t i = 0; i < keys.n; i++) {
        if (i && keys.count[i] == keys.count[i - 1]) r->runs[r->nruns - 1].keys++;
        else r->runs[r->nruns++] = (zipf_run){ keys.count[i], 1 };
    }
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    st = FIT_FAILED;
    goto done;
bad:
    st = FIT_BAD_INPUT;
done:
    u64map_free(&keys.ids);
    u64map_free(&nodes);
    free(keys.count);
    free(tmp);
    lr_close(&lr);
    return st;
}

/* ---------------------------------------------------------------- the latency log */

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* One latency: 0 with *v, or a message in what. */
static int parse_latency(const char *s, size_t n, double *v, char *what, size_t wlen)
{
    char buf[128], sh[160];
    size_t k = 0;
    shown(sh, sizeof sh, s, n);
    if (memchr(s, ',', n)) {
        snprintf(what, wlen, "expected one latency per row (got \"%s\")", sh);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {   /* "12 ms" reads as "12ms" */
        if (is_space(s[i])) continue;
        if (k + 1 >= sizeof buf) {
            snprintf(what, wlen, "not a latency (got \"%s\")", sh);
            return -1;
        }
        buf[k++] = s[i];
    }
    buf[k] = 0;
    if (buf[0] == '-') {
        snprintf(what, wlen, "a latency must be > 0 (got \"%s\")", sh);
        return -1;
    }
    double x;
    if (num_parse_duration(buf, &x) == 0) {
        if (!(x > 0) || !isfinite(x)) {
            snprintf(what, wlen, "a latency must be > 0 (got \"%s\")", sh);
            return -1;
        }
        *v = x;
        return 0;
    }
    /* A number with a unit we do not know, or no number at all. */
    size_t i = 0;
    while (i < k && ((buf[i] >= '0' && buf[i] <= '9') || buf[i] == '.' || buf[i] == '+')) i++;
    if (i < k && (buf[i] == 'e' || buf[i] == 'E') && i + 1 < k &&
        ((buf[i + 1] >= '0' && buf[i + 1] <= '9') || buf[i + 1] == '-' || buf[i + 1] == '+')) {
        i += 2;
        while (i < k && buf[i] >= '0' && buf[i] <= '9') i++;
    }
    if (i > 0 && i < k && ((buf[i] | 0x20) >= 'a' && (buf[i] | 0x20) <= 'z')) {
        char u[40];
        shown(u, sizeof u, buf + i, k - i);
        snprintf(what, wlen, "unknown unit \"%s\" in \"%s\" (units: us, ms, s, m, h; a bare number is seconds)", u, sh);
        return -1;
    }
    snprintf(what, wlen, "not a latency (got \"%s\"; expected seconds, e.g. 0.012, or a duration: 12ms, 250us, 1.5s)",
             sh);
    return -1;
}

static int read_latencies(const fit_opts *o, fit_result *r, char *err, size_t errlen)
{
    lreader lr;
    int st = lr_open(&lr, o->latencies, o->stop, err, errlen);
    if (st) return st;
    size_t cap = 0;
    uint64_t rs = o->seed ^ 0x6c617465ull;   /* the reservoir's draws */
    char *line, what[512];
    size_t n;
    int rc;
    bool header = false;
    while ((rc = next_data(o, &lr, &line, &n, err, errlen)) == 1) {
        double v;
        if (parse_latency(line, n, &v, what, sizeof what)) {
            if (!r->lat_read && !header && header_word(line, n)) {
                header = true;
                continue;
            }
            snprintf(err, errlen, "%s:%llu: %s", lr.path, (unsigned long long)lr.line, what);
            st = FIT_BAD_INPUT;
            goto done;
        }
        r->lat_read++;
        if (r->nlat < FIT_LAT_MAX) {
            if (r->nlat == cap) {
                size_t nc = cap ? 2 * cap : 4096;
                if (nc > FIT_LAT_MAX) nc = FIT_LAT_MAX;
                double *d = realloc(r->lat, nc * sizeof *d);
                if (!d) {
                    snprintf(err, errlen, "out of memory");
                    st = FIT_FAILED;
                    goto done;
                }
                r->lat = d;
                cap = nc;
            }
            r->lat[r->nlat++] = v;
        } else {   /* keep each of the first m with probability FIT_LAT_MAX/m */
            uint64_t j = splitmix(&rs) % r->lat_read;
            if (j < FIT_LAT_MAX) r->lat[j] = v;
        }
    }
    if (rc < 0) {
        st = -rc;
        goto done;
    }
    tick(o, "reading", &lr);
    if (r->lat_read < 10) {
        snprintf(err, errlen, "%s: %llu latenc%s: at least 10 are needed to choose a distribution", lr.path,
                 (unsigned long long)r->lat_read, r->lat_read == 1 ? "y" : "ies");
        st = FIT_BAD_INPUT;
    }
done:
    lr_close(&lr);
    return st;
}

/* ---------------------------------------------------------------- the fit */

static int pop_tick(void *ctx, double done)
{
    const fit_opts *o = ctx;
    if (o->progress) {
        fit_progress p = { "popularity", NULL, done, 0 };
        o->progress(o->progress_ctx, &p);
    }
    return o->stop && *o->stop;
}

int fit_run(const fit_opts *o, fit_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->seed = o->seed;
    int st = read_access(o, r, err, errlen);
    if (st) return st;
    char msg[1024];
    if (fit_rate_run(&r->grid, &r->rate, msg, sizeof msg)) {
        snprintf(err, errlen, "%s: %s", o->access, msg);
        return FIT_FAILED;
    }
    if (fit_popularity_run(r->runs, r->nruns, o->seed, pop_tick, (void *)o, &r->pop, msg, sizeof msg)) {
        snprintf(err, errlen, "%s", msg);
        return FIT_FAILED;
    }
    if (!o->latencies) return FIT_OK;
    r->have_lat = true;
    if ((st = read_latencies(o, r, err, errlen))) return st;
    if (o->progress) {
        fit_progress p = { "latency", o->latencies, -1, 0 };
        o->progress(o->progress_ctx, &p);
    }
    if (fit_latency_run(r->lat, r->nlat, o->seed, LATENCY_BOOT, &r->lat_fit, msg, sizeof msg)) {
        /* Only equal values can defeat every family: the log's fault. */
        snprintf(err, errlen, "%s: %s", o->latencies, msg);
        return strstr(msg, "memory") ? FIT_FAILED : FIT_BAD_INPUT;
    }
    return FIT_OK;
}

void fit_result_free(fit_result *r)
{
    fit_rate_grid_free(&r->grid);
    fit_rate_free(&r->rate);
    fit_popularity_free(&r->pop);
    free(r->runs);
    free(r->lat);
    memset(r, 0, sizeof *r);
}

/* ---------------------------------------------------------------- the scenario */

const char *fit_placeholders(const fit_result *r)
{
    return r->have_lat ? "cache.ttl (60s), cache.latency (0.5ms), db.workers and db.queue_limit (unlimited), "
                         "strategies (none, lock, coalesce, xfetch)"
                       : "cache.ttl (60s), cache.latency (0.5ms), db.latency (5ms), db.workers and db.queue_limit "
                         "(unlimited), strategies (none, lock, coalesce, xfetch)";
}

void fit_json_str(strbuf *b, const char *s)
{
    sb_puts(b, "\"");
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') sb_printf(b, "\\%c", c);
        else if (c < 0x20) sb_printf(b, "\\u%04x", c);
        else if (c < 0x80) sb_putn(b, (const char *)p, 1);
        else {
            int k = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : -1;
            int ok = k > 0;
            for (int i = 1; ok && i <= k; i++) ok = (p[i] & 0xc0) == 0x80;
            if (!ok) {
                sb_puts(b, "?");
                p++;
                continue;
            }
            sb_putn(b, (const char *)p, (size_t)k + 1);
            p += k + 1;
            continue;
        }
        p++;
    }
    sb_puts(b, "\"");
}

/* A duration for the scenario: "4.12345ms", six significant digits in the
 * unit that reads best. */
static void sb_dur(strbuf *b, double s)
{
    if (s >= 1 || s == 0) sb_printf(b, "\"%.6gs\"", s);
    else if (s >= 1e-3) sb_printf(b, "\"%.6gms\"", s * 1e3);
    else sb_printf(b, "\"%.6gus\"", s * 1e6);
}

void fit_fmt_p(char *buf, size_t n, double p, int boot)
{
    if (FIT_REJECTED(p, boot)) snprintf(buf, n, "p <= %.2g", 1.0 / (boot + 1.0));
    else snprintf(buf, n, "p = %.2g", p);
}

void fit_fmt_rate(char *buf, size_t n, double v)
{
    if (v >= 1000) {
        char c[64];
        report_fmt_count(c, sizeof c, round(v));
        snprintf(buf, n, "%s/s", c);
    } else {
        snprintf(buf, n, "%.4g/s", v);
    }
}

int fit_decimals(double half)
{
    if (!(half > 0) || !isfinite(half)) return 4;
    int d = (int)ceil(-log10(half)) + 1;
    return d < 2 ? 2 : d > 8 ? 8 : d;
}

char *fit_scenario_json(const fit_result *r, const char *name, const char *access_name, const char *lat_name)
{
    strbuf b = { 0 };
    const rate_fit *rf = &r->rate;
    const popularity_fit *p = &r->pop;
    char desc[2048];
    int k = snprintf(desc, sizeof desc,
                     "Fitted by stampede fit from %s (%llu requests over %.6g s, %llu keys seen)", access_name,
                     (unsigned long long)r->requests, rf->span, (unsigned long long)p->seen);
    if (r->have_lat && k > 0 && (size_t)k < sizeof desc)
        k += snprintf(desc + k, sizeof desc - (size_t)k, " and %s (%llu latencies)", lat_name,
                      (unsigned long long)r->lat_read);
    if (k > 0 && (size_t)k < sizeof desc)
        snprintf(desc + k, sizeof desc - (size_t)k,
                 ": clients.arrivals, keys%s%s come from the logs; guesses to edit: %s.",
                 r->nodes ? ", app.nodes" : "", r->have_lat ? " and db.latency" : "", fit_placeholders(r));
    sb_printf(&b, "{\n  \"name\": ");
    fit_json_str(&b, name);
    sb_printf(&b, ",\n  \"description\": ");
    fit_json_str(&b, desc);
    sb_printf(&b, ",\n  \"seed\": 1,\n  \"duration\": %.10g,\n", rf->span);
    /* Time-series bins: 1 s, or about 100 over a short log, 10^5 over a long one. */
    double bin = 1;
    if (rf->span < 20) bin = rf->span / 100;
    else if (rf->span > 1e5) bin = rf->span / 1e5;
    if (bin != 1) {
        double e = pow(10, floor(log10(bin)));
        bin = bin / e < 2 ? e : bin / e < 5 ? 2 * e : 5 * e;
        sb_printf(&b, "  \"bin\": %.6g,\n", bin);
    }
    sb_printf(&b, "  \"clients\": {\"arrivals\": ");
    if (rf->nseg == 1) {
        sb_printf(&b, "{\"rate\": %.6g}},\n", rf->seg[0].rate);
    } else {
        sb_printf(&b, "{\"schedule\": [\n");
        for (size_t i = 0; i < rf->nseg; i++)
            sb_printf(&b, "    {\"at\": %.10g, \"rate\": %.6g}%s\n", rf->seg[i].start, rf->seg[i].rate,
                      i + 1 < rf->nseg ? "," : "");
        sb_printf(&b, "  ]}},\n");
    }
    sb_printf(&b, "  \"keys\": {\"count\": %llu, \"popularity\": ", (unsigned long long)p->n);
    if (p->uniform) sb_printf(&b, "\"uniform\"},\n");
    else sb_printf(&b, "{\"zipf\": %.*f}},\n", fit_decimals(0.5 * (p->s_hi - p->s_lo)), p->s);
    if (r->nodes) sb_printf(&b, "  \"app\": {\"nodes\": %llu},\n", (unsigned long long)r->nodes);
    sb_printf(&b, "  \"cache\": {\"latency\": \"0.5ms\", \"ttl\": \"60s\"},\n  \"db\": {\"workers\": \"unlimited\", "
                  "\"latency\": ");
    if (r->have_lat) {
        const lat_candidate *c = &r->lat_fit.c[r->lat_fit.best];
        sb_printf(&b, "{\"dist\": \"%s\", \"%s\": ", fit_lat_family_name(c->family), fit_lat_param_name(c->family, 1));
        sb_dur(&b, c->p1);
        if (c->k == 2) sb_printf(&b, ", \"%s\": %.6g", fit_lat_param_name(c->family, 2), c->p2);
        sb_printf(&b, "}},\n");
    } else {
        sb_printf(&b, "\"5ms\"},\n");
    }
    sb_printf(&b, "  \"strategies\": [{\"name\": \"none\"}, {\"name\": \"lock\"}, {\"name\": \"coalesce\"}, "
                  "{\"name\": \"xfetch\"}]\n}\n");
    if (b.oom) {
        sb_free(&b);
        return NULL;
    }
    return b.s;
}

void fit_name_from_path(const char *path, char *buf, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < len; i++) {
        char c = base[i];
        int ok = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        if (o == 0 && !(((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9'))) continue;
        buf[o++] = ok ? c : '-';
    }
    buf[o] = 0;
    if (!o) snprintf(buf, len, "fit");
}

