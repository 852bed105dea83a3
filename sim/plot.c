/* plot.c - `stampede plot`: reads a results folder, fills the gnuplot script
 * templates of plots/ with its data, runs gnuplot on each and writes report.html.
 * Charts are drawn in DIR/charts.tmp-<pid> and renamed to DIR/charts only when
 * every one was drawn without a word from gnuplot on stderr. */
#include "plot.h"
#include "sweep.h"

#include <cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "metrics.h"
#include "report.h"
#include "scenario.h"

static const char *const usage_plot =
    "usage: stampede plot DIR [--format svg,png,pdf]\n"
    "\n"
    "Draws the charts of a results folder with gnuplot into DIR/charts and writes\n"
    "DIR/report.html, a page with the scenario, the comparison table and every\n"
    "chart that opens offline.  Each chart's gnuplot script is written beside it\n"
    "(DIR/charts/NAME.gp): edit it and rerun 'gnuplot NAME.gp' in DIR/charts to\n"
    "restyle the chart.\n"
    "\n"
    "charts:\n"
    "  latency         p50, p99 and p999 of answered requests per time bin, and the\n"
    "                  share of requests that failed; faults, bursts, recoveries marked\n"
    "  db_load         DB queries in service, started per second, and waiting\n"
    "  latency_cdf     the latency of every request (failed ones never answered):\n"
    "                  CDF and tail (1 - CDF)\n"
    "  comparison      failed requests, SLO, recovery time, p99 of all requests,\n"
    "                  DB queries, timeouts and errors (attempts)\n"
    "  stampede_sizes  how many stampedes reached each size\n"
    "\n"
    "options:\n"
    "  --format LIST  svg, png and/or pdf, comma-separated (default svg,png)\n"
    "  --help         this text\n"
    "\n"
    "Needs gnuplot (Debian: apt-get install gnuplot-nox).  DIR/charts is replaced\n"
    "whole or not at all; a gnuplot warning fails the command.\n";

/* ---------------------------------------------------------------- text */

static void sb_grow(strbuf *b, size_t more)
{
    if (b->oom) return;
    if (b->len + more + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return;
    }
    b->s = s;
    b->cap = cap;
}

void sb_putn(strbuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    if (b->oom) return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sb_puts(strbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    sb_grow(b, (size_t)n);
    if (b->oom) return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_free(strbuf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

void sb_gp_quote(strbuf *b, const char *s)
{
    sb_putn(b, "'", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '\'') sb_putn(b, "''", 2);
        else if (*p == '\n' || *p == '\r') sb_putn(b, " ", 1);
        else sb_putn(b, p, 1);
    }
    sb_putn(b, "'", 1);
}

/* A finished strbuf as a malloc'd string; NULL when it ran out of memory. */
static char *sb_take(strbuf *b)
{
    if (b->oom) {
        sb_free(b);
        return NULL;
    }
    char *s = b->s ? b->s : strdup("");
    memset(b, 0, sizeof *b);
    return s;
}

/* ---------------------------------------------------------------- formats */

static const struct { unsigned fmt; const char *ext; } format_names[] = {
    { PLOT_SVG, "svg" }, { PLOT_PNG, "png" }, { PLOT_PDF, "pdf" },
};
#define NFORMATS (sizeof format_names / sizeof format_names[0])

int plot_parse_formats(const char *list, unsigned *formats)
{
    *formats = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        size_t i = 0;
        while (i < NFORMATS && (strlen(format_names[i].ext) != n || strncmp(p, format_names[i].ext, n))) i++;
        if (i == NFORMATS) return -1;
        *formats |= format_names[i].fmt;
        p += n;
        if (*p == ',') p++;
    }
    return *formats ? 0 : -1;
}

const char *plot_format_ext(unsigned format)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (format_names[i].fmt == format) return format_names[i].ext;
    return "?";
}

/* ---------------------------------------------------------------- files */

static char *joinp(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", a, b);
    return p;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The whole file, NUL-terminated; NULL with errno set when it cannot be read. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    strbuf b = { 0 };
    char chunk[16384];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) sb_putn(&b, chunk, k);
    int bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        sb_free(&b);
        errno = bad ? EIO : ENOMEM;
        return NULL;
    }
    return sb_take(&b);
}

static int rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st)) return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode)) return unlink(path);
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *p = joinp(path, e->d_name);
        if (!p || rm_rf(p)) rc = -1;
        free(p);
    }
    closedir(d);
    return rmdir(path) ? -1 : rc;
}

int plot_write_file(const char *dir, const char *name, const char *text, char *err, size_t errlen)
{
    char tmpname[256];
    snprintf(tmpname, sizeof tmpname, ".%s.tmp-%ld", name, (long)getpid());
    char *tmp = joinp(dir, tmpname), *dst = joinp(dir, name);
    int rc = -1;
    if (!tmp || !dst) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    size_t n = strlen(text);
    int bad = fwrite(text, 1, n, f) != n;
    bad |= ferror(f);
    if (fclose(f) || bad) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno ? errno : EIO));
        unlink(tmp);
        goto done;
    }
    if (rename(tmp, dst)) {
        snprintf(err, errlen, "cannot create %s: %s", dst, strerror(errno));
        unlink(tmp);
        goto done;
    }
    rc = 0;
done:
    free(tmp);
    free(dst);
    return rc;
}

/* ---------------------------------------------------------------- finding things */

/* The first executable NAME on $PATH, malloc'd; NULL when there is none. */
static char *find_program(const char *name)
{
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        char dir[PATH_MAX];
        if (n == 0) snprintf(dir, sizeof dir, ".");
        else snprintf(dir, sizeof dir, "%.*s", (int)n, path);
        char *p = joinp(dir, name);
        if (!p) return NULL;
        if (is_file(p) && access(p, X_OK) == 0) return p;
        free(p);
        path += n;
        if (*path == ':') path++;
    }
    return NULL;
}

/* The folder holding the templates: $STAMPEDE_PLOTS_DIR, the folder the build
 * compiled in, beside the program (installed: ../share/stampede/plots), or
 * ./plots. */
static char *find_templates(void)
{
    char cand[8][PATH_MAX];
    size_t n = 0;
    const char *env = getenv("STAMPEDE_PLOTS_DIR");
    if (env && *env) snprintf(cand[n++], PATH_MAX, "%s", env);
#ifdef STAMPEDE_PLOTS_DIR
    snprintf(cand[n++], PATH_MAX, "%s", STAMPEDE_PLOTS_DIR);
#endif
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(cand[n++], PATH_MAX, "%.*s/../share/stampede/plots", PATH_MAX - 32, exe);
            snprintf(cand[n++], PATH_MAX, "%.*s/plots", PATH_MAX - 32, exe);
            snprintf(cand[n++], PATH_MAX, "%.*s/../plots", PATH_MAX - 32, exe);
        }
    }
    snprintf(cand[n++], PATH_MAX, "plots");
    for (size_t i = 0; i < n; i++) {
        char *probe = joinp(cand[i], "common.gp");
        if (!probe) return NULL;
        bool ok = is_file(probe);
        free(probe);
        if (ok) return strdup(cand[i]);
    }
    return NULL;
}

/* ---------------------------------------------------------------- templates */

static const char *lookup(const subst *subs, size_t n, const char *key, size_t klen)
{
    for (size_t i = n; i-- > 0;)   /* later entries win: a chart may override a default */
        if (strlen(subs[i].key) == klen && !strncmp(subs[i].key, key, klen)) return subs[i].value;
    return NULL;
}

/* Copies tpl into out with every @KEY@ replaced (see plot.h). */
static int fill_template(strbuf *out, const char *tpl, const char *tplname, const subst *subs, size_t n, char *err,
                         size_t errlen)
{
    const char *p = tpl;
    for (;;) {
        const char *at = strchr(p, '@');
        if (!at) {
            sb_puts(out, p);
            return 0;
        }
        size_t k = 0;
        while (isupper((unsigned char)at[1 + k]) || isdigit((unsigned char)at[1 + k]) || at[1 + k] == '_') k++;
        if (k == 0 || at[1 + k] != '@') {   /* a gnuplot macro or plain text */
            sb_putn(out, p, (size_t)(at - p) + 1);
            p = at + 1;
            continue;
        }
        const char *val = lookup(subs, n, at + 1, k);
        if (!val) {
            int line = 1;
            for (const char *q = tpl; q < at; q++) line += *q == '\n';
            snprintf(err, errlen, "template %s:%d: no value for @%.*s@", tplname, line, (int)k, at + 1);
            return -1;
        }
        const char *bol = at;
        while (bol > tpl && (bol[-1] == ' ' || bol[-1] == '\t')) bol--;
        const char *after = at + k + 2;
        bool alone = (bol == tpl || bol[-1] == '\n') && (*after == '\n' || *after == 0);
        if (!alone) {
            sb_putn(out, p, (size_t)(at - p));
            sb_puts(out, val);
            p = after;
            continue;
        }
        /* Alone on its line: indent every line of the value; an empty value
         * takes its line with it. */
        sb_putn(out, p, (size_t)(bol - p));
        size_t vlen = strlen(val);
        while (vlen && val[vlen - 1] == '\n') vlen--;
        if (vlen == 0) {
            p = *after ? after + 1 : after;
            continue;
        }
        const char *v = val, *vend = val + vlen;
        while (v < vend) {
            const char *nl = memchr(v, '\n', (size_t)(vend - v));
            const char *e = nl ? nl : vend;
            if (e > v) sb_putn(out, bol, (size_t)(at - bol));
            sb_putn(out, v, (size_t)(e - v));
            if (nl) sb_putn(out, "\n", 1);
            v = nl ? nl + 1 : vend;
        }
        p = after;
    }
}

/* ---------------------------------------------------------------- gnuplot */

/* Runs `gnuplot -d SCRIPT` in the build folder; what it printed on stderr goes
 * to *msgs.  Returns its exit status, or -1 when it could not be run. */
static int run_gnuplot(const chartset *cs, const char *script, strbuf *msgs)
{
    int fd[2];
    if (pipe(fd)) return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        close(fd[0]);
        int nul = open("/dev/null", O_RDWR);
        if (nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(fd[1], 2) < 0) _exit(126);
        if (chdir(cs->tmp)) {
            dprintf(2, "cannot enter %s: %s\n", cs->tmp, strerror(errno));
            _exit(126);
        }
        /* -d: no gnuplotrc or ~/.gnuplot, so every user gets the same charts. */
        execl(cs->gnuplot, "gnuplot", "-d", script, (char *)NULL);
        dprintf(2, "cannot run %s: %s\n", cs->gnuplot, strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    char buf[4096];
    for (;;) {
        ssize_t k = read(fd[0], buf, sizeof buf);
        if (k > 0) sb_putn(msgs, buf, (size_t)k);
        else if (k == 0 || errno != EINTR) break;
    }
    close(fd[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* ---------------------------------------------------------------- chartset */

int chartset_open(chartset *cs, const char *dir, unsigned formats, char *err, size_t errlen)
{
    memset(cs, 0, sizeof *cs);
    cs->formats = formats;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    cs->dir = strndup(dir, n);
    if (!cs->dir) goto oom;
    if (!(cs->gnuplot = find_program("gnuplot"))) {
        snprintf(err, errlen, "gnuplot not found; install it with: apt-get install gnuplot-nox");
        return -1;
    }
    if (!(cs->tpl_dir = find_templates())) {
        snprintf(err, errlen,
                 "cannot find the chart templates (plots/common.gp); set STAMPEDE_PLOTS_DIR to the plots "
                 "folder of the stampede sources");
        return -1;
    }
    size_t tn = n + 40;
    if (!(cs->tmp = malloc(tn))) goto oom;
    snprintf(cs->tmp, tn, "%s/charts.tmp-%ld", cs->dir, (long)getpid());
    rm_rf(cs->tmp);
    if (mkdir(cs->tmp, 0777)) {
        snprintf(err, errlen, "cannot create %s: %s", cs->tmp, strerror(errno));
        free(cs->tmp);
        cs->tmp = NULL;
        return -1;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* plots/<tpl>.gp with its placeholders filled, malloc'd; NULL with err. */
static char *fill_named(const chartset *cs, const char *tpl, const subst *subs, size_t n, char *err, size_t errlen)
{
    char file[256];
    snprintf(file, sizeof file, "%s.gp", tpl);
    char *path = joinp(cs->tpl_dir, file);
    char *text = path ? slurp(path) : NULL;
    if (!text) {
        snprintf(err, errlen, "cannot read the chart template %s: %s", path ? path : file, strerror(errno));
        free(path);
        return NULL;
    }
    free(path);
    strbuf out = { 0 };
    int rc = fill_template(&out, text, file, subs, n, err, errlen);
    free(text);
    if (rc) {
        sb_free(&out);
        return NULL;
    }
    char *filled = sb_take(&out);
    if (!filled) snprintf(err, errlen, "out of memory");
    return filled;
}

int chartset_draw(chartset *cs, const char *name, const char *tpl, const subst *subs, size_t nsubs,
                  const char *title, const char *caption, char *err, size_t errlen)
{
    int rc = -1;
    char *common = NULL, *style = NULL, *script = NULL, *path = NULL;
    strbuf fmts = { 0 }, fmtq = { 0 }, msgs = { 0 };
    subst *all = calloc(nsubs + 5, sizeof *all);
    if (!all) goto oom;
    for (size_t i = 0; i < NFORMATS; i++)
        if (cs->formats & format_names[i].fmt) sb_printf(&fmts, "%s%s", fmts.len ? " " : "", format_names[i].ext);
    if (fmts.oom) goto oom;
    sb_gp_quote(&fmtq, fmts.s);
    if (fmtq.oom) goto oom;
    /* Every chart's own placeholders, then the common part and the style,
     * which are templates too and filled first. */
    size_t n = 0;
    all[n++] = (subst){ "NAME", name };
    all[n++] = (subst){ "FORMATS", fmtq.s };
    all[n++] = (subst){ "TEMPLATE", tpl };
    memcpy(all + n, subs, nsubs * sizeof *subs);
    n += nsubs;
    if (!(common = fill_named(cs, "common", all, n, err, errlen)) || !(style = fill_named(cs, "style", all, n, err, errlen)))
        goto done;
    all[n++] = (subst){ "COMMON", common };
    all[n++] = (subst){ "STYLE", style };
    if (!(script = fill_named(cs, tpl, all, n, err, errlen))) goto done;

    char file[256];
    snprintf(file, sizeof file, "%s.gp", name);
    if (plot_write_file(cs->tmp, file, script, err, errlen)) goto done;
    int st = run_gnuplot(cs, file, &msgs);
    if (msgs.oom) goto oom;
    if (st != 0 || msgs.len) {
        while (msgs.len && msgs.s[msgs.len - 1] == '\n') msgs.s[--msgs.len] = 0;
        if (st < 0) snprintf(err, errlen, "cannot run %s: %s", cs->gnuplot, strerror(errno));
        else
            snprintf(err, errlen, "gnuplot %s on %s.gp%s\n%s", st ? "failed" : "warned", name,
                     st ? "" : " (a warning means a wrong chart)", msgs.len ? msgs.s : "(no message)");
        goto done;
    }
    for (size_t i = 0; i < NFORMATS; i++) {
        if (!(cs->formats & format_names[i].fmt)) continue;
        char img[256];
        snprintf(img, sizeof img, "%s.%s", name, format_names[i].ext);
        free(path);
        if (!(path = joinp(cs->tmp, img))) goto oom;
        struct stat st_img;
        if (stat(path, &st_img) || st_img.st_size == 0) {
            snprintf(err, errlen, "gnuplot wrote no %s from %s.gp", img, name);
            goto done;
        }
    }
    chart_entry *ce = realloc(cs->charts, (cs->ncharts + 1) * sizeof *ce);
    if (!ce) goto oom;
    cs->charts = ce;
    ce = &cs->charts[cs->ncharts];
    ce->name = strdup(name);
    ce->title = strdup(title);
    ce->caption = strdup(caption);
    cs->ncharts++;
    if (!ce->name || !ce->title || !ce->caption) goto oom;
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
done:
    free(common);
    free(style);
    free(script);
    free(path);
    free(all);
    sb_free(&fmts);
    sb_free(&fmtq);
    sb_free(&msgs);
    return rc;
}

int chartset_commit(chartset *cs, char *err, size_t errlen)
{
    char *dst = joinp(cs->dir, "charts");
    size_t on = strlen(cs->dir) + 40;
    char *old = malloc(on);
    int rc = -1;
    if (!dst || !old) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    snprintf(old, on, "%s/charts.old-%ld", cs->dir, (long)getpid());
    rm_rf(old);
    struct stat st;
    bool had = lstat(dst, &st) == 0;
    if (had && rename(dst, old)) {
        snprintf(err, errlen, "cannot replace %s: %s", dst, strerror(errno));
        goto done;
    }
    if (rename(cs->tmp, dst)) {
        snprintf(err, errlen, "cannot create %s: %s", dst, strerror(errno));
        if (had) rename(old, dst);
        goto done;
    }
    if (had) rm_rf(old);
    free(cs->tmp);
    cs->tmp = NULL;   /* committed: chartset_close keeps it */
    rc = 0;
done:
    free(dst);
    free(old);
    return rc;
}

void chartset_close(chartset *cs)
{
    if (cs->tmp) rm_rf(cs->tmp);
    for (size_t i = 0; i < cs->ncharts; i++) {
        free(cs->charts[i].name);
        free(cs->charts[i].title);
        free(cs->charts[i].caption);
    }
    free(cs->charts);
    free(cs->tmp);
    free(cs->dir);
    free(cs->tpl_dir);
    free(cs->gnuplot);
    memset(cs, 0, sizeof *cs);
}

/* ---------------------------------------------------------------- CSV */

/* A CSV file of the results folder: a header and rows of plain cells (no
 * quoting: stampede writes none). */
typedef struct csv {
    char *buf;        /* the file, cut into cells in place */
    char **head;
    size_t ncols;
    char **cell;      /* nrows * ncols */
    size_t nrows;
} csv;

static void csv_free(csv *c)
{
    free(c->buf);
    free(c->head);
    free(c->cell);
    memset(c, 0, sizeof *c);
}

/* Splits a line at commas in place into at most max cells; returns how many
 * cells the line has (the rest stay joined in the last one when more). */
static size_t split_cells(char *line, char **cells, size_t max)
{
    size_t n = 0;
    for (char *p = line;;) {
        char *c = strchr(p, ',');
        if (n < max) cells[n] = p;
        n++;
        if (!c) break;
        if (n < max) *c = 0;
        p = c + 1;
    }
    return n;
}

/* Returns 0, -2 when the file is missing or malformed, -1 on no memory. */
static int csv_read(csv *c, const char *path, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    if (!(c->buf = slurp(path))) {
        if (errno == ENOMEM) goto oom;
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -2;
    }
    size_t nlines = 0;
    for (char *p = c->buf; *p; p++) nlines += *p == '\n';
    char *save = NULL, *line = strtok_r(c->buf, "\n", &save);
    if (!line) {
        snprintf(err, errlen, "%s is empty", path);
        csv_free(c);
        return -2;
    }
    line[strcspn(line, "\r")] = 0;
    size_t ncols = 1;
    for (const char *q = line; *q; q++) ncols += *q == ',';
    if (!(c->head = calloc(ncols, sizeof *c->head))) goto oom;
    split_cells(line, c->head, ncols);
    c->ncols = ncols;
    if (!(c->cell = calloc((nlines + 1) * ncols, sizeof *c->cell))) goto oom;
    size_t lineno = 1;
    while ((line = strtok_r(NULL, "\n", &save))) {
        lineno++;
        line[strcspn(line, "\r")] = 0;
        if (!*line) continue;
        size_t k = split_cells(line, c->cell + c->nrows * ncols, ncols);
        if (k != ncols) {
            snprintf(err, errlen, "%s:%zu: %zu cells where the header has %zu", path, lineno, k, ncols);
            csv_free(c);
            return -2;
        }
        c->nrows++;
    }
    return 0;
oom:
    csv_free(c);
    snprintf(err, errlen, "out of memory");
    return -1;
}

static int csv_col(const csv *c, const char *name)
{
    for (size_t i = 0; i < c->ncols; i++)
        if (!strcmp(c->head[i], name)) return (int)i;
    return -1;
}

/* The number in a cell; NAN when the column is absent or the cell empty. */
static double csv_num(const csv *c, size_t row, int col)
{
    if (col < 0) return NAN;
    const char *s = c->cell[row * c->ncols + (size_t)col];
    if (!*s) return NAN;
    char *end;
    double v = strtod(s, &end);
    return *end ? NAN : v;
}

/* ---------------------------------------------------------------- reading a results folder */

double run_value(const run_folder *rf, size_t i, const char *col)
{
    for (size_t k = 0; k < rf->ncols; k++)
        if (!strcmp(rf->cols[k], col)) return rf->labels[i].v[k];
    return NAN;
}

/* A duration field: a number of seconds or a string with a unit; NAN otherwise. */
static double json_duration(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    double d;
    if (cJSON_IsNumber(v)) return v->valuedouble;
    if (cJSON_IsString(v) && parse_duration(v->valuestring, &d) == 0) return d;
    return NAN;
}

static double json_number(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *json_string(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* One value in a table cell: scalars as written, objects as "k: v, k: v",
 * arrays as "[a, b]". */
static void json_compact(strbuf *b, const cJSON *v)
{
    if (cJSON_IsString(v)) sb_puts(b, v->valuestring);
    else if (cJSON_IsBool(v)) sb_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v)) sb_puts(b, "null");
    else if (cJSON_IsNumber(v)) sb_printf(b, "%.10g", v->valuedouble);
    else if (cJSON_IsArray(v)) {
        sb_puts(b, "[");
        for (const cJSON *e = v->child; e; e = e->next) {
            json_compact(b, e);
            if (e->next) sb_puts(b, ", ");
        }
        sb_puts(b, "]");
    } else if (cJSON_IsObject(v)) {
        for (const cJSON *e = v->child; e; e = e->next) {
            bool nested = cJSON_IsObject(e) && e->child;
            sb_printf(b, "%s: %s", e->string, nested ? "{" : "");
            json_compact(b, e);
            if (nested) sb_puts(b, "}");
            if (e->next) sb_puts(b, ", ");
        }
    }
}

static int add_param(run_folder *rf, const char *key, const cJSON *v)
{
    char **k = realloc(rf->param_key, (rf->nparams + 1) * sizeof *k);
    if (!k) return -1;
    rf->param_key = k;
    char **val = realloc(rf->param_val, (rf->nparams + 1) * sizeof *val);
    if (!val) return -1;
    rf->param_val = val;
    strbuf b = { 0 };
    json_compact(&b, v);
    char *text = sb_take(&b);
    char *kc = strdup(key);
    if (!text || !kc) {
        free(text);
        free(kc);
        return -1;
    }
    rf->param_key[rf->nparams] = kc;
    rf->param_val[rf->nparams++] = text;
    return 0;
}

/* Flattens the scenario into rows: objects into dotted paths, down to scalars,
 * arrays and distributions (objects with "dist"), which stay one row each. */
static int flatten(run_folder *rf, const char *prefix, const cJSON *o)
{
    for (const cJSON *e = o->child; e; e = e->next) {
        char key[512];
        snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", e->string);
        if (!strcmp(key, "name") || !strcmp(key, "description")) continue;   /* shown above the table */
        int rc;
        if (cJSON_IsObject(e) && e->child && !cJSON_GetObjectItemCaseSensitive(e, "dist")) rc = flatten(rf, key, e);
        else if (cJSON_IsArray(e) && e->child && cJSON_IsObject(e->child)) {
            rc = 0;
            int i = 0;
            for (const cJSON *a = e->child; a && !rc; a = a->next) {
                char ak[600];
                snprintf(ak, sizeof ak, "%s.%d", key, i++);
                rc = add_param(rf, ak, a);
            }
        } else rc = add_param(rf, key, e);
        if (rc) return -1;
    }
    return 0;
}

static int add_mark(run_folder *rf, mark m)
{
    if (!isfinite(m.at)) return 0;
    mark *nm = realloc(rf->marks, (rf->nmarks + 1) * sizeof *nm);
    if (!nm) return -1;
    rf->marks = nm;
    rf->marks[rf->nmarks++] = m;
    return 0;
}

/* scenario.json: the facts the charts mark and the table of parameters. */
static int read_scenario(run_folder *rf, const char *path, char *err, size_t errlen)
{
    char *text = slurp(path);
    if (!text) {
        if (errno == ENOENT) return 0;   /* written by an older stampede: no marks */
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -2;
    }
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        snprintf(err, errlen, "%s is not a JSON object", path);
        return -2;
    }
    rf->have_scenario = true;
    int rc = -1;
    const char *s;
    if ((s = json_string(root, "name")) && !(rf->name = strdup(s))) goto done;
    if ((s = json_string(root, "description")) && !(rf->description = strdup(s))) goto done;
    rf->bin = json_duration(root, "bin");
    rf->duration = json_duration(root, "duration");
    rf->warmup = json_duration(root, "warmup");
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(root, "db");
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(db, "workers");
    if (cJSON_IsNumber(w)) rf->workers = w->valuedouble;
    else if (cJSON_IsString(w) && !strcmp(w->valuestring, "unlimited")) rf->workers = INFINITY;
    const cJSON *usl = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(db, "overload"), "usl");
    if (cJSON_IsObject(usl)) {
        rf->sigma = json_number(usl, "sigma");
        rf->kappa = json_number(usl, "kappa");
        if (!isfinite(rf->sigma)) rf->sigma = 0;
        rf->usl = isfinite(rf->kappa) && rf->kappa > 0 && rf->sigma < 1;
    }
    if (rf->warmup > 0 && add_mark(rf, (mark){ .kind = MARK_WARMUP, .at = 0, .until = rf->warmup })) goto done;
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(root, "faults"))
    {
        const char *type = json_string(f, "type");
        if (!type) continue;
        mark m = { .at = json_duration(f, "at"), .until = json_duration(f, "until"), .factor = json_number(f, "factor") };
        if (!strcmp(type, "cache_flush")) m.kind = MARK_FLUSH;
        else if (!strcmp(type, "db_slowdown")) m.kind = MARK_SLOWDOWN;
        else continue;
        if (add_mark(rf, m)) goto done;
    }
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "clients"), "bursts"))
    {
        mark m = { .kind = MARK_BURST, .at = json_duration(b, "at"), .requests = json_number(b, "requests") };
        double over = json_duration(b, "over");
        m.until = isfinite(over) && over > 0 ? m.at + over : m.at;
        if (add_mark(rf, m)) goto done;
    }
    if (flatten(rf, "", root)) goto done;
    rc = 0;
done:
    if (rc) snprintf(err, errlen, "out of memory");
    cJSON_Delete(root);
    return rc;
}

/* summary.json: the scenario's name, version and seed (first label) and the
 * label's strategy parameters. */
static int read_summary(run_folder *rf, run_label *L, const char *path, char *err, size_t errlen)
{
    char *text = slurp(path);
    if (!text) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return errno == ENOMEM ? -1 : -2;
    }
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        snprintf(err, errlen, "%s is not a JSON object", path);
        return -2;
    }
    int rc = -1;
    const char *s;
    if (!rf->name && (s = json_string(root, "scenario")) && !(rf->name = strdup(s))) goto done;
    if (!rf->version && (s = json_string(root, "version")) && !(rf->version = strdup(s))) goto done;
    if (!isfinite(rf->seed)) rf->seed = json_number(root, "seed");
    strbuf b = { 0 };
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(root, "params"))
    {
        sb_printf(&b, "%s%s ", b.len ? ", " : "", p->string);
        json_compact(&b, p);
    }
    if (!(L->params = sb_take(&b))) goto done;
    const cJSON *slo = cJSON_GetObjectItemCaseSensitive(root, "slo");
    if (cJSON_IsObject(slo) && isnan(rf->slo_target)) {
        const cJSON *lat = cJSON_GetObjectItemCaseSensitive(slo, "latency");
        rf->slo_latency = cJSON_IsNumber(lat) ? lat->valuedouble : cJSON_IsNull(lat) ? INFINITY : NAN;
        rf->slo_target = json_number(slo, "target");
    }
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(root, "recovery"), *e;
    int n = cJSON_IsArray(rec) ? cJSON_GetArraySize(rec) : 0;
    if (n > 0 && !(L->rec = calloc((size_t)n, sizeof *L->rec))) goto done;
    const cJSON *arr = n > 0 ? rec : NULL;
    cJSON_ArrayForEach(e, arr)
    {
        const char *t = json_string(e, "trigger");
        run_recovery *r = &L->rec[L->nrec];
        if (!t) continue;
        if (!(r->trigger = strdup(t))) goto done;
        L->nrec++;
        r->at = json_number(e, "at");
        r->end = json_number(e, "end");
        r->time = json_number(e, "recovery_time");
        r->worst = json_number(e, "worst_good_ratio");
        r->judged = cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "baseline_good_ratio"));
        r->recovered = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "recovered"));
        r->metastable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "metastable"));
    }
    rc = 0;
done:
    if (rc) snprintf(err, errlen, "out of memory");
    cJSON_Delete(root);
    return rc;
}

static const char *const ts_names[TS_N] = {
    "t", "p50", "p99", "p999", "db_inflight_max", "db_started", "db_queue_max", "succeeded", "failed",
};
/* Columns an older stampede did not write: NAN when absent. */
#define TS_FIRST_OPTIONAL TS_SUCCEEDED

static int read_timeseries(run_folder *rf, run_label *L, const char *path, char *err, size_t errlen)
{
    csv c;
    int rc = csv_read(&c, path, err, errlen);
    if (rc) return rc;
    int col[TS_N];
    for (int k = 0; k < TS_N; k++) {
        if ((col[k] = csv_col(&c, ts_names[k])) >= 0 || k >= TS_FIRST_OPTIONAL) continue;
        snprintf(err, errlen, "%s has no column %s", path, ts_names[k]);
        csv_free(&c);
        return -2;
    }
    L->nbins = c.nrows;
    for (int k = 0; k < TS_N; k++)
        if (!(L->ts[k] = calloc(c.nrows + 1, sizeof *L->ts[k]))) {
            csv_free(&c);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    L->lat_min = INFINITY;
    L->lat_max = 0;
    double tl = 0;
    for (size_t r = 0; r < c.nrows; r++) {
        for (int k = 0; k < TS_N; k++) L->ts[k][r] = csv_num(&c, r, col[k]);
        if (isfinite(L->ts[TS_T][r])) tl = L->ts[TS_T][r];
        for (int k = 0; k < 3; k++) {
            double v = L->ts[TS_P50 + k][r];
            if (!(v > 0)) continue;
            L->lat_any[k] = true;
            if (v < L->lat_min) L->lat_min = v;
            if (v > L->lat_max) L->lat_max = v;
        }
        double v;
        if ((v = L->ts[TS_INFLIGHT][r]) > L->inflight_max) L->inflight_max = v;
        if ((v = L->ts[TS_STARTED][r]) > L->started_max) L->started_max = v;
        if ((v = L->ts[TS_QUEUE][r]) > L->queue_max) L->queue_max = v;
    }
    if (!(rf->bin > 0) && c.nrows > 1 && L->ts[TS_T][1] > L->ts[TS_T][0]) rf->bin = L->ts[TS_T][1] - L->ts[TS_T][0];
    L->t_end = tl + (rf->bin > 0 ? rf->bin : 0);
    csv_free(&c);
    return 0;
}

static int read_latency_hist(run_label *L, const char *path, char *err, size_t errlen)
{
    csv c;
    int rc = csv_read(&c, path, err, errlen);
    if (rc) return rc;
    int clo = csv_col(&c, "lower"), chi = csv_col(&c, "upper"), ccnt = csv_col(&c, "count"),
        ccdf = csv_col(&c, "cdf");
    if (clo < 0 || chi < 0 || ccnt < 0 || ccdf < 0) {
        snprintf(err, errlen, "%s lacks a column of lower,upper,count,cdf", path);
        csv_free(&c);
        return -2;
    }
    /* The CDF over every request, a failed one counting as infinitely slow;
     * an older stampede wrote the CDF of answered requests only. */
    int call = csv_col(&c, "cdf_all");
    if (call >= 0) ccdf = call;
    L->cdf_col = call >= 0 ? "cdf_all" : "cdf";
    L->answered_share = 1;
    L->nhist = c.nrows;
    L->hist_lo = NAN;
    L->hist_hi = NAN;
    for (size_t r = 0; r < c.nrows; r++) {
        double lo = csv_num(&c, r, clo), hi = csv_num(&c, r, chi), cdf = csv_num(&c, r, ccdf);
        if (isfinite(cdf)) L->answered_share = cdf;
        double n = csv_num(&c, r, ccnt);
        if (n > 0) L->answered += n;
        if (cdf < 1 - 1e-12) L->ccdf_any = true;
        /* The CDF starts at its 0.1% point, past the bucket of zero latencies. */
        if (isnan(L->hist_lo) && lo > 0 && isfinite(hi) && cdf >= 1e-3) L->hist_lo = hi;
        if (isfinite(hi)) L->hist_hi = hi;
        else if (lo > 0) L->hist_hi = lo;
    }
    csv_free(&c);
    return 0;
}

static int read_sizes(run_label *L, const char *path, char *err, size_t errlen)
{
    csv c;
    int rc = csv_read(&c, path, err, errlen);
    if (rc) return rc;
    int cmin = csv_col(&c, "size_min"), cmax = csv_col(&c, "size_max"), ccount = csv_col(&c, "count");
    if (cmin < 0 || cmax < 0 || ccount < 0) {
        snprintf(err, errlen, "%s lacks a column of size_min,size_max,count", path);
        csv_free(&c);
        return -2;
    }
    if (c.nrows) {
        L->sizes = calloc(c.nrows, sizeof *L->sizes);
        L->size_ge = calloc(c.nrows, sizeof *L->size_ge);
        if (!L->sizes || !L->size_ge) {
            csv_free(&c);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    for (size_t r = 0; r < c.nrows; r++) {
        double lo = csv_num(&c, r, cmin), hi = csv_num(&c, r, cmax), n = csv_num(&c, r, ccount);
        if (!(lo >= 1) || !(n > 0)) continue;
        if (hi > lo) L->sizes_grouped = true;
        L->sizes[L->nsizes] = lo;
        L->size_ge[L->nsizes++] = n;
    }
    for (size_t i = L->nsizes; i-- > 1;) L->size_ge[i - 1] += L->size_ge[i];
    csv_free(&c);
    return 0;
}

static int read_label(run_folder *rf, run_label *L, char *err, size_t errlen)
{
    static const char *const files[] = { "summary.json", "timeseries.csv", "latency_hist.csv", "stampede_sizes.csv" };
    char *dir = joinp(rf->dir, L->label);
    if (!dir) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < 4 && !rc; i++) {
        char *p = joinp(dir, files[i]);
        if (!p) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        switch (i) {
        case 0: rc = read_summary(rf, L, p, err, errlen); break;
        case 1: rc = read_timeseries(rf, L, p, err, errlen); break;
        case 2: rc = read_latency_hist(L, p, err, errlen); break;
        default: rc = read_sizes(L, p, err, errlen); break;
        }
        free(p);
    }
    free(dir);
    return rc;
}

int run_folder_read(run_folder *rf, const char *dir, char *err, size_t errlen)
{
    memset(rf, 0, sizeof *rf);
    rf->seed = NAN;
    rf->bin = rf->duration = rf->warmup = NAN;
    rf->workers = NAN;
    rf->slo_latency = rf->slo_target = NAN;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    if (!(rf->dir = strndup(dir, n))) goto oom;
    if (!is_dir(rf->dir)) {
        snprintf(err, errlen, "%s: %s", rf->dir, access(rf->dir, F_OK) ? "no such folder" : "not a folder");
        return -2;
    }
    char *p = joinp(rf->dir, "comparison.csv");
    if (!p) goto oom;
    if (!is_file(p)) {
        snprintf(err, errlen, "%s is not a stampede results folder (it has no comparison.csv)", rf->dir);
        free(p);
        return -2;
    }
    csv c;
    int rc = csv_read(&c, p, err, errlen);
    free(p);
    if (rc) return rc;
    if (c.ncols < 3 || strcmp(c.head[0], "label") || strcmp(c.head[1], "strategy") || c.nrows == 0) {
        snprintf(err, errlen, "%s/comparison.csv is not a stampede comparison (no label,strategy header or no rows)",
                 rf->dir);
        csv_free(&c);
        return -2;
    }
    rf->ncols = c.ncols - 2;
    rf->nlabels = c.nrows;
    if (!(rf->cols = calloc(rf->ncols, sizeof *rf->cols)) || !(rf->labels = calloc(c.nrows, sizeof *rf->labels))) {
        csv_free(&c);
        goto oom;
    }
    for (size_t k = 0; k < rf->ncols; k++)
        if (!(rf->cols[k] = strdup(c.head[k + 2]))) {
            csv_free(&c);
            goto oom;
        }
    rf->baseline = rf->nlabels;
    for (size_t i = 0; i < c.nrows; i++) {
        run_label *L = &rf->labels[i];
        L->label = strdup(c.cell[i * c.ncols]);
        L->strategy = strdup(c.cell[i * c.ncols + 1]);
        L->v = calloc(rf->ncols, sizeof *L->v);
        if (!L->label || !L->strategy || !L->v) {
            csv_free(&c);
            goto oom;
        }
        for (size_t k = 0; k < rf->ncols; k++) L->v[k] = csv_num(&c, i, (int)k + 2);
        if (rf->baseline == rf->nlabels && !strcmp(L->strategy, "none")) rf->baseline = i;
        if (!*L->label || strchr(L->label, '/') || !strcmp(L->label, ".") || !strcmp(L->label, "..")) {
            snprintf(err, errlen, "%s/comparison.csv: a label that cannot name a folder (\"%s\")", rf->dir, L->label);
            csv_free(&c);
            return -2;
        }
    }
    csv_free(&c);

    char *sp = joinp(rf->dir, "scenario.json");
    if (!sp) goto oom;
    rc = read_scenario(rf, sp, err, errlen);
    free(sp);
    if (rc) return rc;
    for (size_t i = 0; i < rf->nlabels; i++)
        if ((rc = read_label(rf, &rf->labels[i], err, errlen))) return rc;
    if (!rf->name) {
        const char *base = strrchr(rf->dir, '/');
        if (!(rf->name = strdup(base ? base + 1 : rf->dir))) goto oom;
    }
    if (!(rf->bin > 0)) rf->bin = 1;
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

void run_folder_free(run_folder *rf)
{
    for (size_t i = 0; i < rf->nlabels; i++) {
        run_label *L = &rf->labels[i];
        free(L->label);
        free(L->strategy);
        free(L->v);
        free(L->params);
        for (size_t k = 0; k < L->nrec; k++) free(L->rec[k].trigger);
        free(L->rec);
        free(L->sizes);
        free(L->size_ge);
        for (int k = 0; k < TS_N; k++) free(L->ts[k]);
    }
    free(rf->labels);
    for (size_t k = 0; k < rf->ncols; k++) free(rf->cols[k]);
    free(rf->cols);
    for (size_t k = 0; k < rf->nparams; k++) {
        free(rf->param_key[k]);
        free(rf->param_val[k]);
    }
    free(rf->param_key);
    free(rf->param_val);
    free(rf->marks);
    free(rf->dir);
    free(rf->name);
    free(rf->description);
    free(rf->version);
    memset(rf, 0, sizeof *rf);
}

/* ---------------------------------------------------------------- chart data */

#define NSTYLES 12      /* line types defined in plots/common.gp, one per strategy */
#define NMARKERS 10    /* markers per line, so strategies stay apart in greyscale */

static int style_of(size_t i) { return (int)(i % NSTYLES) + 1; }

/* The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power
 * of ten) at or above x; 1 when x is not positive. */
static double nice_ceil(double x)
{
    if (!(x > 0)) return 1;
    double e = pow(10, floor(log10(x)));
    static const double steps[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (steps[i] * e >= x * (1 - 1e-12)) return steps[i] * e;
    return 10 * e;
}

static double decade_floor(double x) { return pow(10, floor(log10(x) + 1e-9)); }
static double decade_ceil(double x) { return pow(10, ceil(log10(x) - 1e-9)); }

/* A range on a log axis covering [lo, hi], in whole decades. */
static void log_range(double lo, double hi, double *a, double *b)
{
    if (!(lo > 0) || !isfinite(lo)) lo = hi > 0 ? hi : 1;
    if (!(hi >= lo)) hi = lo;
    *a = decade_floor(lo);
    *b = decade_ceil(hi);
    if (*b <= *a) *b = *a * 10;
}

/* A number for a gnuplot script: exact and locale-free. */
static void gp_num(strbuf *b, double v) { sb_printf(b, "%.10g", v); }

static double time_end(const run_folder *rf)
{
    double end = 0;
    for (size_t i = 0; i < rf->nlabels; i++)
        if (rf->labels[i].t_end > end) end = rf->labels[i].t_end;
    if (!(end > 0)) end = rf->duration > 0 ? rf->duration : 1;
    return end;
}

/* The placeholders of one chart and their values, built piece by piece. */
#define MAXSUBS 32
typedef struct chart {
    const char *key[MAXSUBS];
    strbuf val[MAXSUBS];
    size_t n;
    bool full;
} chart;

/* The value of key, created empty on first use. */
static strbuf *ch(chart *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->key[i], key)) return &c->val[i];
    if (c->n == MAXSUBS) {
        c->full = true;
        return &c->val[MAXSUBS - 1];
    }
    c->key[c->n] = key;
    memset(&c->val[c->n], 0, sizeof c->val[c->n]);
    return &c->val[c->n++];
}

static void chart_free(chart *c)
{
    for (size_t i = 0; i < c->n; i++) sb_free(&c->val[i]);
    c->n = 0;
}

/* The data file of label i, as the script in charts/ reaches it. */
static void gp_file(strbuf *b, const run_folder *rf, size_t i, const char *file)
{
    strbuf p = { 0 };
    sb_printf(&p, "../%s/%s", rf->labels[i].label, file);
    if (p.oom) b->oom = true;
    else sb_gp_quote(b, p.s);
    sb_free(&p);
}

static void gp_title(strbuf *b, const run_folder *rf, const char *what)
{
    strbuf t = { 0 };
    sb_printf(&t, "%s: %s", rf->name, what);
    if (t.oom) b->oom = true;
    else sb_gp_quote(b, t.s);
    sb_free(&t);
}

/* A time for a label: "20.005 s". */
static void fmt_time(char *buf, size_t n, double t) { snprintf(buf, n, "%.6g s", t); }

/* The marks of the warmup, faults and bursts: shaded windows and dashed lines
 * on every panel (MARKS) and their names above the first panel, in two rows
 * so neighbours do not collide (MARK_LABELS). */
static void gen_marks(chart *c, const run_folder *rf, double xmax)
{
    strbuf *lines = ch(c, "MARKS"), *labels = ch(c, "MARK_LABELS");
    int obj = 1, arrow = 1, lab = 1;
    for (size_t i = 0; i < rf->nmarks; i++) {
        const mark *m = &rf->marks[i];
        char text[160], num[64], a[32], u[32];
        bool window = m->until > m->at;
        const char *fill = "#ebebeb";
        fmt_time(a, sizeof a, m->at);
        fmt_time(u, sizeof u, m->until);
        switch (m->kind) {
        case MARK_WARMUP: snprintf(text, sizeof text, "warmup (not counted)"); break;
        case MARK_FLUSH: snprintf(text, sizeof text, "cache flush at %s", a); break;
        case MARK_SLOWDOWN:
            fill = "#f7e1cc";
            if (isfinite(m->factor)) snprintf(num, sizeof num, " \u00d7%g", m->factor);
            else num[0] = 0;
            snprintf(text, sizeof text, "DB slowdown%s, %.6g\u2013%s", num, m->at, u);
            break;
        case MARK_BURST:
            fill = "#d6e8f5";
            report_fmt_count(num, sizeof num, m->requests);
            snprintf(text, sizeof text, "burst of %s requests at %s", isfinite(m->requests) ? num : "?", a);
            break;
        }
        if (window) {
            sb_printf(lines, "set object %d rectangle from ", obj++);
            gp_num(lines, m->at);
            sb_puts(lines, ", graph 0 to ");
            gp_num(lines, m->until);
            sb_printf(lines, ", graph 1 behind fillcolor rgb '%s' fillstyle solid 1.0 noborder\n", fill);
        } else {
            sb_printf(lines, "set arrow %d from ", arrow++);
            gp_num(lines, m->at);
            sb_puts(lines, ", graph 0 to ");
            gp_num(lines, m->at);
            sb_puts(lines, ", graph 1 nohead back linecolor rgb '#777777' dashtype 2 linewidth 1.5\n");
        }
        /* Left-aligned at the mark, or right-aligned when it is near the end. */
        bool right = m->at > 0.7 * xmax;
        sb_printf(labels, "set label %d ", lab);
        sb_gp_quote(labels, text);
        sb_puts(labels, " at ");
        gp_num(labels, right && window ? m->until : m->at);
        sb_printf(labels, ", graph 1 %s offset character %s, %s textcolor rgb '#444444' font ',12'\n",
                  right ? "right" : "left", right ? "-0.2" : "0.2", lab % 2 ? "0.7" : "1.8");
        lab++;
    }
    /* After duration no request arrives: the bins there only see the work in
     * flight end (often all failing), which is not the system's state. */
    if (isfinite(rf->duration) && xmax > rf->duration + 0.5 * rf->bin) {
        sb_printf(lines, "set object %d rectangle from ", obj++);
        gp_num(lines, rf->duration);
        sb_puts(lines, ", graph 0 to ");
        gp_num(lines, xmax);
        sb_puts(lines, ", graph 1 behind fillcolor rgb '#f2f2f2' fillstyle pattern 2 noborder\n");
    }
}

/* Markers of one line as a datablock $NAME: about NMARKERS rows among those
 * with a positive value, offset per label so that equal lines show every
 * label's markers.  Returns false when no row qualifies (no block). */
static bool gen_points(strbuf *pts, const char *name, const run_folder *rf, size_t i, int col, double scale)
{
    const run_label *L = &rf->labels[i];
    size_t m = 0;
    for (size_t r = 0; r < L->nbins; r++) m += L->ts[col][r] > 0;
    if (!m) return false;
    size_t step = m / NMARKERS > 0 ? m / NMARKERS : 1, first = step * i / rf->nlabels, k = 0;
    sb_printf(pts, "%s << EOD\n", name);
    for (size_t r = 0; r < L->nbins; r++) {
        double v = L->ts[col][r];
        if (!(v > 0)) continue;
        if (k >= first && (k - first) % step == 0) {
            gp_num(pts, L->ts[TS_T][r] + rf->bin / 2);
            sb_puts(pts, ",");
            gp_num(pts, v * scale);
            sb_puts(pts, "\n");
        }
        k++;
    }
    sb_puts(pts, "EOD\n");
    return true;
}

/* The clauses plotting one column of timeseries.csv for each label with
 * draw[i]: the line from the file (yexpr of the row, `extra` appended to its
 * style) and, with markers, its marker block in POINTS.  Returns how many lines
 * it drew. */
static size_t gen_ts_series(chart *c, const char *key, const run_folder *rf, const bool *draw, int col,
                            const char *yexpr, double scale, const char *extra, bool markers)
{
    strbuf *b = ch(c, key), *pts = ch(c, "POINTS");
    size_t drawn = 0;
    for (size_t i = 0; i < rf->nlabels; i++) {
        if (!draw[i]) continue;
        sb_puts(b, b->len ? ", \\\n     " : "");
        gp_file(b, rf, i, "timeseries.csv");
        sb_printf(b, " using (column(\"t\") + bin/2):(%s) with lines linetype %d%s%s notitle", yexpr, style_of(i),
                  extra ? " " : "", extra ? extra : "");
        char name[64];
        snprintf(name, sizeof name, "$%s_%zu", ts_names[col], i + 1);
        if (markers && gen_points(pts, name, rf, i, col, scale))
            sb_printf(b, ", \\\n     %s using 1:2 with points linetype %d notitle", name, style_of(i));
        drawn++;
    }
    return drawn;
}

/* Key entries naming each label in its line type (dt overrides the dash type
 * when not NULL); a label without a line gets `missing` after its name. */
static void gen_label_keys(strbuf *b, const run_folder *rf, const bool *drawn, const char *missing, const char *dt)
{
    for (size_t i = 0; i < rf->nlabels; i++) {
        sb_puts(b, b->len ? ", \\\n     " : "");
        sb_printf(b, "keyentry with linespoints linetype %d%s%s title ", style_of(i), dt ? " dashtype " : "",
                  dt ? dt : "");
        if (drawn && !drawn[i] && missing) {
            strbuf t = { 0 };
            sb_printf(&t, "%s (%s)", rf->labels[i].label, missing);
            if (t.oom) b->oom = true;
            else sb_gp_quote(b, t.s);
            sb_free(&t);
        } else {
            sb_gp_quote(b, rf->labels[i].label);
        }
    }
}

/* Tics of a logarithmic latency axis: a label with its unit at each decade of
 * [lo, hi], or every second or third decade when there would be more than
 * maxlabels, the others as minor tics. */
static void gen_latency_tics(strbuf *b, const char *axis, double lo, double hi, int maxlabels)
{
    static const char *const units[] = { "ns", "\u00b5s", "ms", "s" };
    int e0 = (int)lround(log10(lo)), e1 = (int)lround(log10(hi));
    int step = 1;
    while ((e1 - e0) / step + 1 > maxlabels) step++;
    sb_printf(b, "set %stics (", axis);
    for (int e = e0; e <= e1; e++) {
        sb_puts(b, e > e0 ? ", " : "");
        if ((e - e0) % step) {
            sb_printf(b, "\"\" 1e%d 1", e);
            continue;
        }
        int u = e < -9 ? 0 : e >= 0 ? 3 : (e + 9) / 3;
        double v = pow(10, e - (u == 3 ? 0 : 3 * u - 9));
        sb_printf(b, "\"%g %s\" 1e%d", v, units[u], e);
    }
    sb_printf(b, ")\n    set m%stics 10", axis);
}

/* Tics of a linear count axis [0, max]: at most six, at round steps, the labels
 * with thousands separators ("200k", "1.5M" from 100,000 on). */
static void gen_count_tics(strbuf *b, const char *axis, double max)
{
    double raw = max / 5, e = pow(10, floor(log10(raw > 0 ? raw : 1))), step = 10 * e;
    static const double steps[] = { 1, 2, 2.5, 5 };
    for (size_t i = 0; i < 4; i++)
        if (steps[i] * e >= raw * (1 - 1e-12)) {
            step = steps[i] * e;
            break;
        }
    if (!(step >= 1)) step = 1;   /* counts: whole steps */
    sb_printf(b, "set %stics (", axis);
    for (int k = 0; k * step <= max * (1 + 1e-9) && k <= 20; k++) {
        char num[64];
        double v = k * step;
        if (max >= 1e5 && v >= 1e6) snprintf(num, sizeof num, "%gM", v / 1e6);   /* narrow labels */
        else if (max >= 1e5 && v >= 1e3) snprintf(num, sizeof num, "%gk", v / 1e3);
        else report_fmt_count(num, sizeof num, v);
        sb_printf(b, "%s\"%s\" ", k ? ", " : "", num);
        gp_num(b, k * step);
    }
    sb_puts(b, ")");
}

/* Tics of a logarithmic count axis [lo, hi]: 1, 2, 5 in each decade when it
 * spans three decades or fewer, else the decades; the labels with thousands
 * separators.  floor_zero labels lo "0" (the line of empty bins). */
static void gen_log_count_tics(strbuf *b, const char *axis, double lo, double hi, bool floor_zero)
{
    int e0 = (int)floor(log10(lo) + 1e-9), e1 = (int)ceil(log10(hi) - 1e-9);
    bool fine = e1 - e0 <= 3 && !floor_zero;
    sb_printf(b, "set %stics (", axis);
    bool first = true;
    for (int e = e0; e <= e1; e++) {
        static const double m[] = { 1, 2, 5 };
        for (size_t k = 0; k < (fine ? 3u : 1u); k++) {
            double v = m[k] * pow(10, e);
            if (v < lo * (1 - 1e-9) || v > hi * (1 + 1e-9)) continue;
            char num[64];
            if (floor_zero && first) snprintf(num, sizeof num, "0");
            else if (v < 1) snprintf(num, sizeof num, "%g", v);
            else if (v >= 1e6) snprintf(num, sizeof num, "%gM", v / 1e6);
            else if (v >= 1e4) snprintf(num, sizeof num, "%gk", v / 1e3);
            else report_fmt_count(num, sizeof num, v);
            sb_printf(b, "%s\"%s\" ", first ? "" : ", ", num);
            gp_num(b, v);
            first = false;
        }
    }
    sb_printf(b, ")\n    set m%stics 10", axis);
}

/* A note across an empty chart, so that it does not look like a failure. */
static void gen_empty_note(strbuf *b, bool empty, const char *why)
{
    if (!empty) return;
    sb_puts(b, "set label 99 ");
    sb_gp_quote(b, why);
    sb_puts(b, " at graph 0.5, graph 0.5 center textcolor rgb '#777777' font ',16' front");
}

/* ---------------------------------------------------------------- the charts */

typedef struct chart_ctx {
    chartset *cs;
    const run_folder *rf;
    char *err;
    size_t errlen;
} chart_ctx;

static int chart_draw(chart_ctx *cx, chart *c, const char *name, const char *title, const char *caption)
{
    subst s[MAXSUBS];
    int rc = -1;
    for (size_t i = 0; i < c->n; i++) {
        if (c->val[i].oom) goto oom;
        s[i] = (subst){ c->key[i], c->val[i].s ? c->val[i].s : "" };
    }
    if (c->full) {
        snprintf(cx->err, cx->errlen, "%s: more than %d placeholders", name, MAXSUBS);
        goto done;
    }
    rc = chartset_draw(cx->cs, name, name, s, c->n, title, caption, cx->err, cx->errlen);
    goto done;
oom:
    snprintf(cx->err, cx->errlen, "out of memory");
done:
    chart_free(c);
    return rc;
}

static bool *flags(chart_ctx *cx, size_t n)
{
    bool *f = calloc(n + 1, sizeof *f);
    if (!f) snprintf(cx->err, cx->errlen, "out of memory");
    return f;
}

/* The recoveries of every label, on the first panel of a chart over time
 * (RECOVERY) and their removal before the next panel (NO_RECOVERY): a
 * downward arrow in the label's colour where it was back to normal after a
 * trigger, a dotted line from the trigger's end to the end of the run where
 * it was not; one row per label under the top edge, in the key's order, so
 * equal times stay apart. */
static void gen_recovery(chart *c, const run_folder *rf, double xmax)
{
    if (isfinite(rf->duration) && rf->duration < xmax) xmax = rf->duration;   /* judged up to duration */
    strbuf *on = ch(c, "RECOVERY"), *off = ch(c, "NO_RECOVERY");
    int arrow = 1000;
    bool any = false;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        double y = 0.985 - 0.03 * (double)(i % 12);   /* a row per label, in the key's order */
        for (size_t k = 0; k < L->nrec; k++) {
            const run_recovery *r = &L->rec[k];
            if (!r->judged) continue;
            any = true;
            if (r->recovered) {
                sb_printf(on, "set arrow %d from ", arrow);
                gp_num(on, r->end + r->time);
                sb_printf(on, ", graph %.3f to ", y + 0.012);
                gp_num(on, r->end + r->time);
                sb_printf(on, ", graph %.3f head filled size screen 0.009,30 linetype %d dashtype solid "
                              "linewidth 2.5 front\n", y - 0.018, style_of(i));
            } else {
                sb_printf(on, "set arrow %d from ", arrow);
                gp_num(on, r->end);
                sb_printf(on, ", graph %.3f to ", y);
                gp_num(on, xmax);
                sb_printf(on, ", graph %.3f nohead linetype %d dashtype (2,2) linewidth 2.5 front\n", y, style_of(i));
            }
            sb_printf(off, "unset arrow %d\n", arrow++);
        }
    }
    if (any)
        sb_puts(on, "set label 997 'after a trigger (a row each):' at screen 0.795, screen 0.48 left "
                    "textcolor rgb '#444444' font ',11'\n"
                    "set label 998 '\u25bc back to normal' at screen 0.795, screen 0.45 left "
                    "textcolor rgb '#444444' font ',11'\n"
                    "set label 999 '\u2508 never back to normal' at screen 0.795, screen 0.42 left "
                    "textcolor rgb '#444444' font ',11'\n");
}

static int chart_latency(chart_ctx *cx)
{
    const run_folder *rf = cx->rf;
    static const char *const pexpr[3] = { "pos(column(\"p50\"))", "pos(column(\"p99\"))", "pos(column(\"p999\"))" };
    static const char *const pname[3] = { "p50", "p99", "p999" };
    static const char *const pdt[3] = { "3", "1", "2" };   /* dotted, solid, dashed */
    static const char *const pstyle[3] = { "dashtype 3 linewidth 1.5", "dashtype 1", "dashtype 2 linewidth 1.5" };
    chart c = { 0 };
    bool *has = flags(cx, rf->nlabels), *draw_p = flags(cx, rf->nlabels);
    if (!has || !draw_p) {
        free(has);
        free(draw_p);
        return -1;
    }
    double lo = INFINITY, hi = 0, fmin = 100;
    bool fail_cols = false;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        for (size_t r = 0; r < L->nbins; r++) {
            double sv = L->ts[TS_SUCCEEDED][r], fv = L->ts[TS_FAILED][r];
            fail_cols |= isfinite(sv) && isfinite(fv);
            if (fv > 0 && 100 * fv / (sv + fv) < fmin) fmin = 100 * fv / (sv + fv);
        }
        has[i] = L->lat_any[0] || L->lat_any[1] || L->lat_any[2];
        if (!has[i]) continue;
        if (L->lat_min < lo) lo = L->lat_min;
        if (L->lat_max > hi) hi = L->lat_max;
    }
    /* Time up to the last bin where a request ended: after that only queries
     * nobody waits for drain (the DB chart shows them). */
    double xmax = time_end(rf);
    if (fail_cols) {
        double last = 0;
        for (size_t i = 0; i < rf->nlabels; i++) {
            const run_label *L = &rf->labels[i];
            for (size_t r = L->nbins; r-- > 0;)
                if (L->ts[TS_SUCCEEDED][r] + L->ts[TS_FAILED][r] > 0) {
                    if (L->ts[TS_T][r] + rf->bin > last) last = L->ts[TS_T][r] + rf->bin;
                    break;
                }
        }
        if (last > 0 && last < xmax) xmax = last;
    }
    /* Room above the lines for a row of recovery marks per label. */
    size_t rows = 0;
    for (size_t i = 0; i < rf->nlabels; i++)
        for (size_t k = 0; k < rf->labels[i].nrec; k++)
            if (rf->labels[i].rec[k].judged) {
                rows = i % 12 + 1 > rows ? i % 12 + 1 : rows;
                break;
            }
    double ya, yb;
    log_range(isfinite(lo) ? lo : 1e-3, hi > 0 ? hi : 1, &ya, &yb);
    if (rows) {
        double f = 0.03 * (double)rows + 0.03, top = hi > 0 ? hi : 1;
        double need = exp(log(ya) + (log(top) - log(ya)) / (1 - f));
        if (need > yb) yb = decade_ceil(need);
    }
    gp_title(ch(&c, "TITLE"), rf, "latency over time");
    gp_num(ch(&c, "BIN"), rf->bin);
    gp_num(ch(&c, "XMAX"), xmax);
    gp_num(ch(&c, "YMIN"), ya);
    gp_num(ch(&c, "YMAX"), yb);
    gen_latency_tics(ch(&c, "YTICS"), "y", ya, yb, 8);
    gen_marks(&c, rf, xmax);
    gen_recovery(&c, rf, xmax);
    size_t drawn = 0;
    for (int k = 2; k >= 0; k--) {   /* p999 first, so p50 lies on top; markers on p99 */
        for (size_t i = 0; i < rf->nlabels; i++) draw_p[i] = rf->labels[i].lat_any[k];
        drawn += gen_ts_series(&c, "SERIES", rf, draw_p, TS_P50 + k, pexpr[k], 1, pstyle[k], k == 1);
    }
    strbuf *s = ch(&c, "SERIES"), *pts = ch(&c, "POINTS");
    /* × on p99 in the bins where more than 1% of the requests ending there
     * failed: its rank falls among them, and the line hides them. */
    bool hides = false;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        bool open = false;
        for (size_t r = 0; r < L->nbins; r++) {
            double sv = L->ts[TS_SUCCEEDED][r], fv = L->ts[TS_FAILED][r], p = L->ts[TS_P99][r];
            if (!(fv > 0.01 * (sv + fv)) || !(p > 0)) continue;
            if (!open) sb_printf(pts, "$hidden_%zu << EOD\n", i + 1);
            open = true;
            gp_num(pts, L->ts[TS_T][r] + rf->bin / 2);
            sb_puts(pts, ",");
            gp_num(pts, p);
            sb_puts(pts, "\n");
        }
        if (!open) continue;
        sb_puts(pts, "EOD\n");
        hides = true;
        sb_printf(s, ", \\\n     $hidden_%zu using 1:2 with points linetype %d pointtype 2 pointsize 1.1 "
                     "linewidth 1.5 notitle", i + 1, style_of(i));
    }
    if (!drawn) sb_puts(s, "1e-300 notitle");
    gen_empty_note(ch(&c, "EMPTY_NOTE"), !drawn, "no request was answered");
    gen_label_keys(s, rf, has, "no answers", "1");
    sb_puts(s, ", \\\n     keyentry with lines linecolor rgb 'white' title ' '");
    for (int k = 0; k < 3; k++)
        sb_printf(s, ", \\\n     keyentry with lines linecolor rgb '#444444' dashtype %s title '%s'", pdt[k], pname[k]);
    if (hides)
        sb_puts(s, ", \\\n     keyentry with points linecolor rgb '#444444' pointtype 2 linewidth 1.5 "
                   "title 'p99 hides failures'");
    /* The failed share per bin, on a log axis down to a decade below the
     * smallest, where a bin without failures is drawn (labelled 0). */
    double fa = fmin < 100 ? decade_floor(fmin) / 10 : 0.01;
    if (fa < 1e-4) fa = 1e-4;
    gp_num(ch(&c, "FAIL_MIN"), fa);
    gen_log_count_tics(ch(&c, "FAILTICS"), "y", fa, 100, true);
    strbuf *fl = ch(&c, "FAILED");
    for (size_t i = 0; i < rf->nlabels && fail_cols; i++) {
        sb_puts(fl, fl->len ? ", \\\n     " : "");
        gp_file(fl, rf, i, "timeseries.csv");
        sb_printf(fl, " using (column(\"t\") + bin/2):(failed_pct(column(\"succeeded\"), column(\"failed\"))) "
                      "with lines linetype %d dashtype 1 linewidth 2 notitle", style_of(i));
    }
    /* The line above which p99 of answered requests hides failures. */
    sb_puts(fl, fl->len ? ", \\\n     " : "");
    sb_puts(fl, "1 with lines linecolor rgb '#333333' dashtype 2 linewidth 1.2 notitle");
    free(has);
    free(draw_p);
    return chart_draw(cx, &c, "latency", "Latency over time",
                      "Top: the median (p50, dotted), p99 (solid, with markers) and p999 (dashed) latency of the "
                      "requests answered in each time bin, per strategy, on a logarithmic axis; a \u00d7 marks a bin "
                      "where more than 1% of the requests ending in it failed, so its p99 of answered requests hides "
                      "them. Bottom: the share of the requests ending in each bin that failed (log scale; the dashed "
                      "line is 1%). Shaded windows and dashed lines mark the warmup, faults and bursts; arrows mark "
                      "when each strategy was back to normal after a trigger. A gap in a line is a bin where nobody "
                      "was answered (top) or no request ended (bottom).");
}

static int chart_db_load(chart_ctx *cx)
{
    const run_folder *rf = cx->rf;
    chart c = { 0 };
    bool *all = flags(cx, rf->nlabels);
    if (!all) return -1;
    double inflight = 0, started = 0, queue = 0;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        all[i] = true;
        if (L->inflight_max > inflight) inflight = L->inflight_max;
        if (L->started_max > started) started = L->started_max;
        if (L->queue_max > queue) queue = L->queue_max;
    }
    double knee = rf->usl ? sqrt((1 - rf->sigma) / rf->kappa) : NAN;
    bool show_knee = isfinite(knee) && !(isfinite(rf->workers) && knee >= rf->workers);
    double top = inflight, xmax = time_end(rf);
    if (isfinite(rf->workers) && rf->workers > top) top = rf->workers;
    if (show_knee && knee > top) top = knee;
    /* A long drain after duration (a queue left behind) would squeeze the run
     * into a corner: a quarter of the run's length of it is shown, and a
     * note under the time axis's right end says how long it went on. */
    strbuf *note = ch(&c, "DRAIN_NOTE");
    if (isfinite(rf->duration) && xmax > 1.25 * rf->duration) {
        char t[64], msg[160];
        fmt_time(t, sizeof t, xmax);
        snprintf(msg, sizeof msg, "the DB drains until %s \u2192", t);
        xmax = 1.25 * rf->duration;
        sb_puts(note, "set label 98 ");
        sb_gp_quote(note, msg);
        sb_puts(note, " at graph 1, graph 0 right offset character 0, -2.6 textcolor rgb '#444444' font ',11' front");
    }
    gp_title(ch(&c, "TITLE"), rf, "database load over time");
    gp_num(ch(&c, "BIN"), rf->bin);
    gp_num(ch(&c, "XMAX"), xmax);
    double y1 = nice_ceil(top * 1.08), y3 = nice_ceil(queue * 1.08);
    gp_num(ch(&c, "Y1MAX"), y1);
    gen_count_tics(ch(&c, "Y1TICS"), "y", y1);
    /* Queries/s on a log axis from a decade below one query per bin, where a
     * bin that started none is drawn (labelled 0), to the busiest bin. */
    double sa, sb;
    log_range(0.1 / rf->bin, started > 0 ? started / rf->bin : 1 / rf->bin, &sa, &sb);
    gp_num(ch(&c, "Y2MIN"), sa);
    gp_num(ch(&c, "Y2MAX"), sb);
    gen_log_count_tics(ch(&c, "Y2TICS"), "y", sa, sb, true);
    gp_num(ch(&c, "Y3MAX"), y3);
    gen_count_tics(ch(&c, "Y3TICS"), "y", y3);
    sb_puts(ch(&c, "QUEUE_PANEL"), queue > 0 ? "1" : "0");
    gen_marks(&c, rf, xmax);
    gen_recovery(&c, rf, xmax);
    gen_ts_series(&c, "INFLIGHT", rf, all, TS_INFLIGHT, "column(\"db_inflight_max\")", 1, NULL, true);
    /* The key has a panel of its own: eight labels would not fit beside one. */
    strbuf *in = ch(&c, "INFLIGHT"), *key = ch(&c, "KEY");
    gen_label_keys(key, rf, NULL, NULL, NULL);
    char num[64];
    static const char *const pool_style = "linecolor rgb '#333333' dashtype 2 linewidth 1.5";
    static const char *const knee_style = "linecolor rgb '#882255' dashtype 4 linewidth 1.5";
    if (isfinite(rf->workers)) {
        report_fmt_count(num, sizeof num, rf->workers);
        sb_puts(in, ", \\\n     ");
        gp_num(in, rf->workers);
        sb_printf(in, " with lines %s notitle", pool_style);
        sb_printf(key, ", \\\n     keyentry with lines %s title 'worker pool (%s)'", pool_style, num);
    }
    if (show_knee) {
        sb_puts(in, ", \\\n     ");
        gp_num(in, knee);
        sb_printf(in, " with lines %s notitle", knee_style);
        sb_printf(key, ", \\\n     keyentry with lines %s title 'USL knee n* = %.1f'", knee_style, knee);
    }
    sb_puts(key, ", \\\n     -1 notitle");
    gen_ts_series(&c, "STARTED", rf, all, TS_STARTED, "at_least_floor(column(\"db_started\")/bin)", 1 / rf->bin,
                  NULL, true);
    gen_ts_series(&c, "QUEUE", rf, all, TS_QUEUE, "column(\"db_queue_max\")", 1, NULL, true);
    free(all);
    return chart_draw(cx, &c, "db_load", "Database load over time",
                      "Top: the most queries in service at once in each bin, against the worker pool (and, under USL "
                      "overload, the knee n* past which the database's throughput falls). Middle: queries started per "
                      "second (log scale). Bottom: the longest queue of queries waiting for a worker (left out when "
                      "no query ever waited). Arrows mark when each strategy was back to normal after a trigger.");
}

static int chart_latency_cdf(chart_ctx *cx)
{
    const run_folder *rf = cx->rf;
    chart c = { 0 };
    bool *has = flags(cx, rf->nlabels);
    if (!has) return -1;
    double lo = INFINITY, hi = 0, most = 1;
    bool fails = false;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        has[i] = L->nhist > 0;
        if (!has[i]) continue;
        if (L->hist_lo < lo) lo = L->hist_lo;
        if (L->hist_hi > hi) hi = L->hist_hi;
        /* The tail goes down to one request in all, or to the share that failed. */
        double all = L->answered_share > 0 ? L->answered / L->answered_share : L->answered;
        double floor_i = L->answered_share < 1 ? 1 - L->answered_share : 1 / (all > 1 ? all : 1);
        if (1 / floor_i > most) most = 1 / floor_i;
        fails |= L->answered_share < 1;
    }
    double xa, xb;
    log_range(lo, hi, &xa, &xb);
    gp_title(ch(&c, "TITLE"), rf, "latency distribution of every request");
    gp_num(ch(&c, "XMIN"), xa);
    gp_num(ch(&c, "XMAX"), xb);
    gp_num(ch(&c, "YMIN"), most > 1 ? decade_floor(0.999 / most) / (fails ? 10 : 1) : 0.1);
    gen_latency_tics(ch(&c, "XTICS"), "x", xa, xb, 6);
    strbuf *cdf = ch(&c, "CDF"), *ccdf = ch(&c, "CCDF"), *data = ch(&c, "DATA");
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        if (!has[i]) continue;
        size_t every = L->nhist / NMARKERS > 0 ? L->nhist / NMARKERS : 1, first = every * i / rf->nlabels;
        bool level = L->answered_share < 1;
        if (level) {   /* where the curve levels off: the failed requests never come */
            sb_printf(data, "$level_%zu << EOD\n", i + 1);
            gp_num(data, L->hist_hi);
            sb_printf(data, ",%.10g\n", L->answered_share);
            gp_num(data, xb);
            sb_printf(data, ",%.10g\nEOD\n", L->answered_share);
        }
        for (int tail = 0; tail < 2; tail++) {
            if (tail && !L->ccdf_any) continue;
            strbuf *o = tail ? ccdf : cdf;
            char y[64];
            snprintf(y, sizeof y, tail ? "pos(1 - column(\"%s\"))" : "column(\"%s\")", L->cdf_col);
            sb_puts(o, o->len ? ", \\\n     " : "");
            gp_file(o, rf, i, "latency_hist.csv");
            sb_printf(o, " using \"upper\":(%s) with steps linetype %d notitle, \\\n     ", y, style_of(i));
            gp_file(o, rf, i, "latency_hist.csv");
            sb_printf(o, " every %zu::%zu using \"upper\":(%s) with points linetype %d notitle", every, first, y,
                      style_of(i));
            if (level)
                sb_printf(o, ", \\\n     $level_%zu using 1:(%s) with lines linetype %d dashtype (4,4) "
                             "linewidth 1.5 notitle", i + 1, tail ? "1 - $2" : "$2", style_of(i));
        }
    }
    gen_empty_note(ch(&c, "EMPTY_NOTE"), !cdf->len, "no request was answered");
    if (!cdf->len) sb_puts(cdf, "-1 notitle");
    if (!ccdf->len) sb_puts(ccdf, "1e-300 notitle");
    /* Where each curve levels off, the share answered, written at the right
     * edge; values closer than a line of text are stacked downwards. */
    strbuf *lv = ch(&c, "LEVELS");
    double last = INFINITY;
    size_t *order = calloc(rf->nlabels + 1, sizeof *order), n = 0;
    if (!order) lv->oom = true;
    for (size_t i = 0; order && i < rf->nlabels; i++)
        if (has[i] && rf->labels[i].answered_share < 1) order[n++] = i;
    for (size_t a = 1; a < n; a++)   /* highest first */
        for (size_t b = a; b > 0 && rf->labels[order[b]].answered_share > rf->labels[order[b - 1]].answered_share; b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    for (size_t k = 0; k < n; k++) {
        const run_label *L = &rf->labels[order[k]];
        double y = L->answered_share;
        if (y > last - 0.035) y = last - 0.035;
        last = y;
        char pct[64];
        report_fmt_pct(pct, sizeof pct, L->answered_share);
        sb_printf(lv, "set label %zu '%s' at graph 1, first %.6f right offset character -0.3, 0.5 "
                      "textcolor linetype %d font ',11' front\n", 100 + k, pct, y, style_of(order[k]));
    }
    free(order);
    gen_label_keys(cdf, rf, has, "no answers", NULL);
    if (fails)
        sb_puts(cdf, ", \\\n     keyentry with lines linecolor rgb '#444444' dashtype (4,4) "
                     "title 'the rest failed'");
    free(has);
    return chart_draw(cx, &c, "latency_cdf", "Latency distribution of every request",
                      "Left: the fraction of all requests answered within a given time (CDF); a failed request counts "
                      "as never answered, so each curve levels off at the share that succeeded (dashed beyond its "
                      "last answer). Right: the fraction not answered within a given time (1 - CDF) on log-log axes, "
                      "where the tail shows: p99 of all requests is where a curve crosses 1%, p999 where it crosses "
                      "0.1%; a curve that levels off above 1% has its p99 among the failed requests. Counted requests "
                      "only (after the warmup).");
}

/* ---------------------------------------------------------------- the comparison */

/* One panel of the comparison chart: a bar per label, stacked in up to
 * MAXSTACK layers (each a fill pattern: solid, hatched, ...), with its text
 * on top.  A label whose total is NAN gets "n/a" and no bar; one whose total
 * is +inf gets a hatched bar to the top of the panel and its text ("never",
 * "failed").  Values are in the panel's unit already. */
#define MAXSTACK 6
typedef struct panel {
    char title[256];
    double ymax;
    bool count_tics;          /* tics with thousands separators; else gnuplot's */
    double *v[MAXSTACK];      /* layer values per label; v[0] alone for plain bars */
    int nlayers;
    char **text;              /* per label */
    char extra[512];          /* more plot clauses: a target or pool line */
    char ytics[1024];         /* explicit tics, or "" */
    const char *layer_names[MAXSTACK];   /* a key naming the layers that are not all zero; NULL: none */
} panel;

/* Fill patterns of the layers (0: solid), and their names for the key. */
static const int stack_patterns[MAXSTACK] = { 0, 4, 1, 5, 2, 7 };

static void gen_panel(strbuf *o, strbuf *data, const run_folder *rf, const panel *p, int no)
{
    size_t n = rf->nlabels;
    sb_puts(o, "    set title ");
    sb_gp_quote(o, p->title);
    sb_puts(o, "\n    set yrange [0:");
    gp_num(o, p->ymax);
    sb_puts(o, "]\n");
    bool finite = false;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < p->nlayers; k++) finite |= isfinite(p->v[k][i]);
    sb_puts(o, "    set ytics nomirror\n");
    if (!finite) sb_puts(o, "    unset ytics\n");   /* every bar is "never", "failed" or "n/a" */
    else if (*p->ytics) sb_printf(o, "    %s\n", p->ytics);
    else if (p->count_tics) {
        sb_puts(o, "    ");
        gen_count_tics(o, "y", p->ymax);
        sb_puts(o, "\n");
    } else {
        sb_puts(o, "    set ytics autofreq\n    set format y \"%g\"\n");
    }
    sb_printf(data, "$panel%d << EOD\n", no);
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        bool nan = false, inf = false;
        for (int k = 0; k < p->nlayers; k++) {
            double v = p->v[k][i];
            nan |= isnan(v);
            inf |= v == INFINITY;
            sum += isfinite(v) ? v : 0;
        }
        sb_printf(data, "%zu", i + 1);
        /* Cumulative heights, top layer first: each drawn over the next. */
        double cum = 0;
        for (int k = 0; k < p->nlayers; k++) {
            double v = p->v[k][i];
            cum += isfinite(v) ? v : 0;
            sb_puts(data, ",");
            if (nan && !inf) sb_puts(data, "NaN");
            else gp_num(data, inf ? p->ymax : cum);
        }
        sb_puts(data, "\n");
        sb_printf(o, "    set label %zu ", i + 1);
        const char *text = nan && !inf ? "n/a" : p->text[i], *nl = strchr(text, '\n');
        if (nl)   /* two lines: numbers only, in a double-quoted string */
            sb_printf(o, "\"%.*s\\n%s\"", (int)(nl - text), text, nl + 1);
        else sb_gp_quote(o, text);
        sb_printf(o, " at %zu, ", i + 1);
        gp_num(o, inf ? p->ymax * 0.93 : nan ? 0 : sum);
        sb_printf(o, " center offset 0, %s font value_font front%s\n", inf ? "0" : nl ? "1.3" : "0.7",
                  inf ? " boxed" : "");
        (void)sum;
    }
    sb_puts(data, "EOD\n");
    /* A key of the layers, when the panel has one: inside, top right. */
    sb_puts(o, p->layer_names[0] ? "    set key inside top right Left reverse samplen 1.5 spacing 1 font ',10' "
                                   "opaque box linecolor rgb '#cccccc'\n"
                                 : "    unset key\n");
    sb_puts(o, "    plot ");
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        bool inf = false;
        for (int k = 0; k < p->nlayers; k++) inf |= p->v[k][i] == INFINITY;
        for (int k = p->nlayers - 1; k >= 0; k--) {
            int pat = inf ? 4 : stack_patterns[k];
            sb_puts(o, any ? ", \\\n         " : "");
            any = true;
            sb_printf(o, "$panel%d every ::%zu::%zu using 1:%d:(0.7) with boxes linetype %d dashtype 1", no, i, i,
                      2 + k, style_of(i));
            if (pat) sb_printf(o, " fillstyle pattern %d border", pat);
            sb_puts(o, " notitle");
            if (inf) break;
        }
    }
    if (!any) sb_puts(o, "-1 notitle");
    if (*p->extra) sb_printf(o, ", \\\n         %s", p->extra);
    for (int k = 0; k < p->nlayers && p->layer_names[0]; k++) {
        bool used = false;
        for (size_t i = 0; i < n; i++) used |= p->v[k][i] > 0;
        if (!used) continue;
        sb_printf(o, ", \\\n         keyentry with boxes linecolor rgb '#555555' fillstyle %s%d border title ",
                  stack_patterns[k] ? "pattern " : "solid 0.", stack_patterns[k] ? stack_patterns[k] : 85);
        sb_gp_quote(o, p->layer_names[k]);
    }
    sb_puts(o, "\n    unset label\n\n");
}

/* The largest finite total of a panel's labels. */
static double panel_max(const panel *p, size_t n)
{
    double most = 0;
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (int k = 0; k < p->nlayers; k++) sum += isfinite(p->v[k][i]) ? p->v[k][i] : 0;
        if (sum > most) most = sum;
    }
    return most;
}

/* A count in at most four characters, for the crowded bars: "812", "2.25k". */
static void fmt_shorter(char *buf, size_t n, double v)
{
    if (!isfinite(v) || v < 1000) report_fmt_count(buf, n, v);
    else if (v < 1e6) snprintf(buf, n, "%.3gk", v / 1e3);
    else snprintf(buf, n, "%.3gM", v / 1e6);
}

/* A latency panel's unit: the one its largest value reads best in. */
static double latency_scale(double most, const char **unit)
{
    *unit = "s";
    if (most > 0 && most < 1e-3) { *unit = "\u00b5s"; return 1e6; }
    if (most > 0 && most < 1) { *unit = "ms"; return 1e3; }
    return 1;
}

static int chart_comparison(chart_ctx *cx)
{
    const run_folder *rf = cx->rf;
    chart c = { 0 };
    size_t n = rf->nlabels;
    enum { P_FAILED, P_SLO, P_THIRD, P_P99ALL, P_DBQ, P_ATT, NP };
    panel pn[NP];
    memset(pn, 0, sizeof pn);
    int rc = -1;
    bool with_rec = false;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < rf->labels[i].nrec; k++) with_rec |= rf->labels[i].rec[k].judged;
    /* The layers each panel stacks. */
    int layers[NP] = { FAIL_N, 1, 1, 1, 1, 2 };
    for (int p = 0; p < NP; p++) {
        pn[p].nlayers = layers[p];
        for (int k = 0; k < layers[p]; k++)
            if (!(pn[p].v[k] = calloc(n + 1, sizeof(double)))) goto oom;
        if (!(pn[p].text = calloc(n + 1, sizeof(char *)))) goto oom;
    }
    double tnines = isfinite(rf->slo_target) ? -log10(1 - rf->slo_target) : 3, top_nines = tnines + 1;
    double most_all = 0, most_ans = 0;
    for (size_t i = 0; i < n; i++) {
        double g = run_value(rf, i, "good_ratio");
        if (g < 1 && -log10(1 - g) + 0.5 > top_nines) top_nines = -log10(1 - g) + 0.5;
        double pa = run_value(rf, i, "p99_all"), pq = run_value(rf, i, "p99");
        if (isfinite(pa) && pa > most_all) most_all = pa;
        if (isfinite(pq) && pq > most_ans) most_ans = pq;
    }
    top_nines = ceil(top_nines);
    const char *ua, *uq;
    double sa = latency_scale(most_all, &ua), sq = latency_scale(most_ans, &uq);
    for (size_t i = 0; i < n; i++) {
        char a[64], b[64], t[160];
        /* Failed requests, in %, stacked by how they ended. */
        double fr = run_value(rf, i, "failed_ratio"), fsum = 0;
        for (int k = 0; k < FAIL_N; k++) {
            char col[64];
            snprintf(col, sizeof col, "failed_by_%s", failure_names[k]);
            double v = run_value(rf, i, col), req = run_value(rf, i, "requests");
            pn[P_FAILED].v[k][i] = req > 0 ? 100 * v / req : NAN;
            fsum += isfinite(v) ? v : 0;
        }
        if (isnan(fr)) for (int k = 0; k < FAIL_N; k++) pn[P_FAILED].v[k][i] = NAN;
        report_fmt_pct(a, sizeof a, fr);
        if (!(pn[P_FAILED].text[i] = strdup(a))) goto oom;
        /* SLO attainment on a scale of nines. */
        double g = run_value(rf, i, "good_ratio");
        pn[P_SLO].v[0][i] = isnan(g) ? NAN : g >= 1 ? top_nines : -log10(1 - g);
        report_fmt_pct(a, sizeof a, g);
        if (!(pn[P_SLO].text[i] = strdup(a))) goto oom;
        /* Recovery (with triggers), else p99 of answered requests. */
        if (with_rec) {
            double r = run_value(rf, i, "recovery_time");
            pn[P_THIRD].v[0][i] = r;
            if (r == INFINITY) snprintf(a, sizeof a, "%s", run_value(rf, i, "metastable") > 0 ? "never" : "not by end");
            else report_fmt_seconds(a, sizeof a, r);
        } else {
            double q = run_value(rf, i, "p99");
            pn[P_THIRD].v[0][i] = q * sq;
            report_fmt_seconds(a, sizeof a, q);
        }
        if (!(pn[P_THIRD].text[i] = strdup(a))) goto oom;
        double pa = run_value(rf, i, "p99_all");
        pn[P_P99ALL].v[0][i] = pa == INFINITY ? pa : pa * sa;
        if (pa == INFINITY) snprintf(a, sizeof a, "failed");
        else report_fmt_seconds(a, sizeof a, pa);
        if (!(pn[P_P99ALL].text[i] = strdup(a))) goto oom;
        double q = run_value(rf, i, "db_queries");
        pn[P_DBQ].v[0][i] = q;
        report_fmt_count(a, sizeof a, q);
        if (!(pn[P_DBQ].text[i] = strdup(a))) goto oom;
        double to = run_value(rf, i, "timeouts"), er = run_value(rf, i, "errors");
        pn[P_ATT].v[0][i] = to;
        pn[P_ATT].v[1][i] = er;
        fmt_shorter(a, sizeof a, to);
        fmt_shorter(b, sizeof b, er);
        snprintf(t, sizeof t, "%s\n%s", a, b);   /* two lines: timeouts over errors */
        if (!(pn[P_ATT].text[i] = strdup(t))) goto oom;
    }
    /* Titles, ranges, and the lines drawn over the bars. */
    strbuf w = { 0 };
    snprintf(pn[P_FAILED].title, sizeof pn[P_FAILED].title, "requests that failed (%%)");
    sb_free(&w);
    for (int k = 0; k < FAIL_N && k < MAXSTACK; k++) pn[P_FAILED].layer_names[k] = failure_words[k];
    pn[P_FAILED].ymax = nice_ceil(panel_max(&pn[P_FAILED], n) * 1.6);   /* room for the key */
    if (pn[P_FAILED].ymax > 100) pn[P_FAILED].ymax = 100;
    pn[P_FAILED].count_tics = false;
    char tgt[64], lat[64];
    report_fmt_pct(tgt, sizeof tgt, isfinite(rf->slo_target) ? rf->slo_target : 0.999);
    if (isfinite(rf->slo_latency)) {
        report_fmt_seconds(lat, sizeof lat, rf->slo_latency);
        snprintf(pn[P_SLO].title, sizeof pn[P_SLO].title, "SLO: answered within %s (target %s)", lat, tgt);
    } else {
        snprintf(pn[P_SLO].title, sizeof pn[P_SLO].title, "SLO: requests answered (target %s)", tgt);
    }
    pn[P_SLO].ymax = top_nines;
    {
        strbuf y = { 0 };
        sb_puts(&y, "set ytics (");
        for (int k = 0; k <= (int)top_nines; k++) {
            char num[32];
            snprintf(num, sizeof num, "%.*f", k > 2 ? k - 2 : 0, 100 - pow(10, 2 - k));
            sb_printf(&y, "%s'%s%%%%' %d", k ? ", " : "", k ? num : "0", k);   /* a tic label is a format */
        }
        sb_puts(&y, ")");
        snprintf(pn[P_SLO].ytics, sizeof pn[P_SLO].ytics, "%s", y.s ? y.s : "");
        sb_free(&y);
    }
    snprintf(pn[P_SLO].extra, sizeof pn[P_SLO].extra, "%.10g with lines linecolor rgb '#333333' dashtype 2 "
             "linewidth 1.5 notitle", tnines);
    if (with_rec) {
        snprintf(pn[P_THIRD].title, sizeof pn[P_THIRD].title, "recovery time, the longest after a trigger (s)");
        double most = panel_max(&pn[P_THIRD], n);
        pn[P_THIRD].ymax = nice_ceil((most > 0 ? most : 1) * 1.15);
    } else {
        snprintf(pn[P_THIRD].title, sizeof pn[P_THIRD].title, "p99 latency of answered requests (%s)", uq);
        pn[P_THIRD].ymax = nice_ceil(panel_max(&pn[P_THIRD], n) * 1.15);
    }
    snprintf(pn[P_P99ALL].title, sizeof pn[P_P99ALL].title, "p99 latency of all requests (%s)", ua);
    pn[P_P99ALL].ymax = nice_ceil(panel_max(&pn[P_P99ALL], n) * 1.15);
    snprintf(pn[P_DBQ].title, sizeof pn[P_DBQ].title, "DB queries issued");
    pn[P_DBQ].ymax = nice_ceil(panel_max(&pn[P_DBQ], n) * 1.15);
    pn[P_DBQ].count_tics = true;
    snprintf(pn[P_ATT].title, sizeof pn[P_ATT].title, "attempts: timeouts (solid) / errors (hatched)");
    pn[P_ATT].ymax = nice_ceil(panel_max(&pn[P_ATT], n) * 1.3);
    pn[P_ATT].count_tics = true;

    strbuf *xt = ch(&c, "XTICS"), *panels = ch(&c, "PANELS");
    sb_puts(xt, "set xtics (");
    for (size_t i = 0; i < n; i++) {
        strbuf tic = { 0 };   /* a tic label is a format: '%' doubles */
        for (const char *q = rf->labels[i].label; *q; q++) sb_putn(&tic, *q == '%' ? "%%" : q, 1 + (*q == '%'));
        if (tic.oom) goto oom;
        sb_puts(xt, i ? ", " : "");
        sb_gp_quote(xt, tic.s);
        sb_free(&tic);
        sb_printf(xt, " %zu", i + 1);
    }
    sb_puts(xt, ")");
    /* Many or long labels: slanted names, more room under each row, smaller
     * values.  A panel is a third of the width: about 36 characters. */
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) chars += strlen(rf->labels[i].label) + 2;
    bool many = n > 4 || chars > 36;
    if (many) sb_puts(xt, " rotate by 30 right");
    sb_puts(ch(&c, "MARGINS"), many ? "0.07, 0.98, 0.15, 0.87" : "0.07, 0.98, 0.08, 0.87");
    sb_puts(ch(&c, "SPACING"), many ? "0.07, 0.22" : "0.07, 0.14");
    sb_puts(ch(&c, "VALUE_FONT"), many ? "',10'" : "',12'");
    sb_printf(ch(&c, "N"), "%zu", n);
    gp_title(ch(&c, "TITLE"), rf, "strategies compared, failures first");
    for (int p = 0; p < NP; p++) gen_panel(panels, ch(&c, "DATA"), rf, &pn[p], p + 1);
    rc = chart_draw(cx, &c, "comparison", "Strategies compared",
                    with_rec
                        ? "Per strategy, in the order a review asks: the share of requests that failed (by how they "
                          "ended), SLO attainment on a scale of nines against the target (dashed), the longest "
                          "recovery time after a trigger (hatched to the top: never back to normal), the p99 latency "
                          "of all requests (hatched: failed, more than 1% failed), DB queries issued, and attempts "
                          "that timed out or failed with an error (retries included). Counted requests only (after "
                          "the warmup)."
                        : "Per strategy, in the order a review asks: the share of requests that failed (by how they "
                          "ended), SLO attainment on a scale of nines against the target (dashed), the p99 latency of "
                          "answered requests and of all requests (hatched: failed, more than 1% failed), DB queries "
                          "issued, and attempts that timed out or failed with an error (retries included). Counted "
                          "requests only (after the warmup).");
    goto done;
oom:
    snprintf(cx->err, cx->errlen, "out of memory");
    chart_free(&c);
done:
    for (int p = 0; p < NP; p++) {
        for (int k = 0; k < MAXSTACK; k++) free(pn[p].v[k]);
        for (size_t i = 0; i < n && pn[p].text; i++) free(pn[p].text[i]);
        free(pn[p].text);
    }
    return rc;
}

static int chart_stampede_sizes(chart_ctx *cx)
{
    const run_folder *rf = cx->rf;
    chart c = { 0 };
    strbuf *data = ch(&c, "DATA"), *series = ch(&c, "SERIES");
    double smax = 1, nmax = 1;
    bool grouped = false;
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        if (!L->nsizes) continue;
        grouped |= L->sizes_grouped;
        /* The largest stampede is known exactly even when its size was binned. */
        double largest = run_value(rf, i, "stampede_max"), last = L->sizes[L->nsizes - 1];
        bool extra = isfinite(largest) && largest > last;
        double top = extra ? largest : last;
        if (top > smax) smax = top;
        if (L->size_ge[0] > nmax) nmax = L->size_ge[0];
        sb_printf(data, "$sizes%zu << EOD\n# ", i + 1);
        for (const char *p = L->label; *p; p++) sb_putn(data, *p == '\n' ? " " : p, 1);
        sb_puts(data, ": size, how many stampedes were at least that large\n");
        if (L->sizes[0] > 1) {   /* every stampede has at least size 1 */
            sb_puts(data, "1,");
            gp_num(data, L->size_ge[0]);
            sb_puts(data, "\n");
        }
        for (size_t k = 0; k < L->nsizes; k++) {
            gp_num(data, L->sizes[k]);
            sb_puts(data, ",");
            gp_num(data, L->size_ge[k]);
            sb_puts(data, "\n");
        }
        if (extra) {
            gp_num(data, largest);
            sb_puts(data, ",1\n");
        }
        sb_puts(data, "EOD\n");
        size_t rows = L->nsizes + (L->sizes[0] > 1) + extra;
        size_t every = rows / NMARKERS > 0 ? rows / NMARKERS : 1;   /* a dozen markers at most */
        sb_printf(series, "%s$sizes%zu using 1:2 with fsteps linetype %d notitle, \\\n     "
                          "$sizes%zu every %zu using 1:2 with points linetype %d notitle",
                  series->len ? ", \\\n     " : "", i + 1, style_of(i), i + 1, every, style_of(i));
    }
    gen_empty_note(ch(&c, "EMPTY_NOTE"), !series->len, "no DB queries");
    if (!series->len) sb_puts(series, "1e-300 notitle");
    /* The key says how many stampedes and the largest, since markers at the
     * same point hide each other. */
    for (size_t i = 0; i < rf->nlabels; i++) {
        const run_label *L = &rf->labels[i];
        char a[64], b[64];
        strbuf t = { 0 };
        if (L->nsizes) {
            report_fmt_count(a, sizeof a, L->size_ge[0]);
            report_fmt_count(b, sizeof b, run_value(rf, i, "stampede_max"));
            sb_printf(&t, "%s: %s stampede%s, largest %s", L->label, a, L->size_ge[0] == 1 ? "" : "s", b);
        } else {
            sb_printf(&t, "%s: no DB queries", L->label);
        }
        if (t.oom) series->oom = true;
        sb_printf(series, ", \\\n     keyentry with linespoints linetype %d title ", style_of(i));
        sb_gp_quote(series, t.s ? t.s : "");
        sb_free(&t);
    }
    double xa, xb, ya, yb;
    log_range(1, smax * 1.5, &xa, &xb);
    log_range(1, nmax * 1.5, &ya, &yb);
    gp_num(ch(&c, "XMAX"), xb);
    gp_num(ch(&c, "YMAX"), yb);
    gen_log_count_tics(ch(&c, "XTICS"), "x", 1, xb, false);
    gen_log_count_tics(ch(&c, "YTICS"), "y", 1, yb, false);
    sb_puts(ch(&c, "XLABEL"), grouped ? "'stampede size (DB queries; sizes above 1,024 binned by powers of 2)'"
                                      : "'stampede size (DB queries)'");
    gp_title(ch(&c, "TITLE"), rf, "stampede sizes");
    return chart_draw(cx, &c, "stampede_sizes", "Stampede sizes",
                      "How many stampedes had at least a given size, per strategy, on log-log axes. A stampede is a "
                      "group of DB queries for one key, each issued while an earlier one was still running; size 1 is "
                      "a lone query. A protected strategy stays at the left; an unprotected one reaches far right.");
}

/* ---------------------------------------------------------------- folder kinds */

/* Draws every chart of a results folder and writes its report.  Returns an
 * exit status. */
static int plot_results_folder(const char *dir, unsigned formats)
{
    char err[8192] = "";
    run_folder rf;
    int rc = run_folder_read(&rf, dir, err, sizeof err);
    if (rc) {
        fprintf(stderr, "stampede: %s\n", err);
        run_folder_free(&rf);
        return rc == -2 ? 2 : 1;
    }
    chartset cs;
    int status = 1;
    if (chartset_open(&cs, rf.dir, formats, err, sizeof err)) goto fail;
    chart_ctx cx = { .cs = &cs, .rf = &rf, .err = err, .errlen = sizeof err };
    static int (*const charts[])(chart_ctx *) = {
        chart_latency, chart_db_load, chart_latency_cdf, chart_comparison, chart_stampede_sizes,
    };
    for (size_t i = 0; i < sizeof charts / sizeof *charts; i++)
        if (charts[i](&cx)) goto fail;
    if (chartset_commit(&cs, err, sizeof err)) goto fail;
    if (report_write_run(&rf, &cs, err, sizeof err)) goto fail;
    printf("charts: %s/charts/\nreport: %s/report.html\n", rf.dir, rf.dir);
    status = 0;
    goto done;
fail:
    fprintf(stderr, "stampede: %s\n", err);
done:
    chartset_close(&cs);
    run_folder_free(&rf);
    return status;
}

/* The kinds of folder `plot` draws, each known by a file only it has.  A sweep
 * folder (sweep.csv) gets its own entry and function here. */
/* A sweep folder: its charts are drawn by plot_sweep.c. */
static int plot_sweep(const char *dir, unsigned formats)
{
    char list[32] = "", err[1024] = "";
    static const struct { unsigned bit; const char *name; } fmts[] = {
        { PLOT_SVG, "svg" }, { PLOT_PNG, "png" }, { PLOT_PDF, "pdf" },
    };
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++)
        if (formats & fmts[i].bit) {
            if (*list) strcat(list, ",");
            strcat(list, fmts[i].name);
        }
    if (plot_sweep_folder(dir, list, err, sizeof err)) {
        fprintf(stderr, "stampede: plot: %s\n", err);
        return 1;
    }
    printf("charts: %s/charts/\n", dir);
    return 0;
}

static const struct folder_kind {
    const char *marker;
    int (*plot)(const char *dir, unsigned formats);
} folder_kinds[] = {
    { "comparison.csv", plot_results_folder },
    { "sweep.csv", plot_sweep },
};

int plot_command(int argc, char **argv)
{
    const char *dir = NULL, *fmt = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage_plot, stdout);
            return 0;
        }
        if (!strcmp(a, "--format") || !strncmp(a, "--format=", 9)) {
            if (a[8] == '=') fmt = a + 9;
            else if (i + 1 < argc) fmt = argv[++i];
            else {
                fputs("stampede: plot: --format needs a value (see 'stampede plot --help')\n", stderr);
                return 2;
            }
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "stampede: plot: unknown option %s (see 'stampede plot --help')\n", a);
            return 2;
        } else if (dir) {
            fprintf(stderr, "stampede: plot: one folder at a time (got %s and %s) (see 'stampede plot --help')\n",
                    dir, a);
            return 2;
        } else {
            dir = a;
        }
    }
    if (!dir) {
        fputs("stampede: plot: which folder? give a results folder DIR (see 'stampede plot --help')\n", stderr);
        return 2;
    }
    unsigned formats = PLOT_FORMATS_DEFAULT;
    if (fmt && plot_parse_formats(fmt, &formats)) {
        fprintf(stderr, "stampede: plot: unknown format in \"%s\" (formats: svg, png, pdf)\n", fmt);
        return 2;
    }
    if (!is_dir(dir)) {
        fprintf(stderr, "stampede: plot: %s: %s\n", dir, access(dir, F_OK) ? "no such folder" : "not a folder");
        return 2;
    }
    for (size_t k = 0; k < sizeof folder_kinds / sizeof *folder_kinds; k++) {
        char *m = joinp(dir, folder_kinds[k].marker);
        if (!m) {
            fputs("stampede: out of memory\n", stderr);
            return 1;
        }
        bool found = is_file(m);
        free(m);
        if (found) return folder_kinds[k].plot(dir, formats);
    }
    fprintf(stderr, "stampede: plot: %s is not a stampede results or sweep folder (it has no comparison.csv or sweep.csv)\n", dir);
    return 2;
}
