/* plot.c - `stampede plot`: reads a results folder, fills the gnuplot script
 * templates of plots/ with its data, runs gnuplot on each and writes report.html.
 * Charts are drawn in DIR/charts.tmp-<pid> and renamed to DIR/charts only when
 * every one was drawn without a word from gnuplot on stderr. */
#include "plot.h"
#include "sweep/sweep.h"

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

#include "base/fs.h"
#include "base/csvin.h"
#include "base/hist.h"
#include "base/jsonfile.h"
#include "model/metrics.h"
#include "results/output.h"
#include "report.h"
#include "base/stop.h"
#include "base/textin.h"
#include "scenario/load.h"
#include "strategies/strategy.h"

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
    "Needs gnuplot (Debian: apt-get install gnuplot-nox).  DIR/charts and\n"
    "DIR/report.html are replaced together or not at all, and only when stampede\n"
    "drew them; a gnuplot warning fails the command.\n";

/* ---------------------------------------------------------------- text */

/* s as script text in one context: a control character (a line break above
 * all: a new line is a new command) becomes a space, a byte that is not
 * UTF-8 a '?', and each byte of `twice` is written twice. */
static void gp_text(strbuf *b, const char *s, const char *twice, const char *slash_as)
{
    for (size_t i = 0, n = strlen(s); i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            sb_putn(b, " ", 1);
            i++;
        } else if (c >= 0x80) {
            int k = utf8_seq((const unsigned char *)s + i, n - i);
            if (k <= 0) {
                sb_putn(b, "?", 1);
                i++;
                continue;
            }
            sb_putn(b, s + i, (size_t)k);
            i += (size_t)k;
        } else if (c == '\\' && slash_as) {
            sb_puts(b, slash_as);
            i++;
        } else {
            sb_putn(b, s + i, 1);
            if (twice && strchr(twice, c)) sb_putn(b, s + i, 1);
            i++;
        }
    }
}

void sb_gp_quote(strbuf *b, const char *s)
{
    sb_putn(b, "'", 1);
    gp_text(b, s, "'", NULL);
    sb_putn(b, "'", 1);
}

void sb_gp_tic(strbuf *b, const char *s)
{
    sb_putn(b, "'", 1);
    gp_text(b, s, "'%", NULL);
    sb_putn(b, "'", 1);
}

void sb_gp_comment(strbuf *b, const char *s)
{
    gp_text(b, s, NULL, "/");
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
        char *p = fs_join(dir, name);
        if (!p) return NULL;
        if (fs_is_file(p) && access(p, X_OK) == 0) return p;
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
        char *probe = fs_join(cand[i], "common.gp");
        if (!probe) return NULL;
        bool ok = fs_is_file(probe);
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

/* The one way stampede runs gnuplot: `gnuplot -d SCRIPT` in dir (-d: no
 * gnuplotrc or ~/.gnuplot, so every user gets the same charts), stdin and
 * stdout /dev/null; what it prints on stderr goes to *msgs.  Returns its exit
 * status, or -1 when it could not be run. */
static int run_gnuplot(const char *gnuplot, const char *dir, const char *script, strbuf *msgs)
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
        if (chdir(dir)) {
            dprintf(2, "cannot enter %s: %s\n", dir, strerror(errno));
            _exit(126);
        }
        execl(gnuplot, "gnuplot", "-d", script, (char *)NULL);
        dprintf(2, "cannot run %s: %s\n", gnuplot, strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    char buf[4096];
    bool killed = false;
    for (;;) {
        ssize_t k = read(fd[0], buf, sizeof buf);
        if (k > 0) sb_putn(msgs, buf, (size_t)k);
        else if (k == 0 || errno != EINTR) break;
        if (stop_requested() && !killed) {   /* a signal: gnuplot stops too */
            kill(pid, SIGTERM);
            killed = true;
        }
    }
    close(fd[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    if (stop_requested()) return -2;
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static const char gnuplot_missing[] = "gnuplot not found; install it with: apt-get install gnuplot-nox";

int plot_ready(char *err, size_t errlen)
{
    char *g = find_program("gnuplot");
    if (!g) snprintf(err, errlen, "%s", gnuplot_missing);
    free(g);
    return g ? 0 : -1;
}

/* ---------------------------------------------------------------- chartset */

static const char *const charts_kinds[] = { OUT_CHARTS, NULL };

int chartset_open(chartset *cs, const char *dir, unsigned formats, bool report, char *err, size_t errlen)
{
    memset(cs, 0, sizeof *cs);
    cs->formats = formats;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    cs->dir = strndup(dir, n);
    char *charts = cs->dir ? fs_join(cs->dir, "charts") : NULL;
    if (!charts) {
        free(charts);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!(cs->gnuplot = find_program("gnuplot"))) {
        free(charts);
        snprintf(err, errlen, "%s", gnuplot_missing);
        return -1;
    }
    cs->open = true;   /* chartset_close ends cs->out, even half-opened */
    int rc = outdir_open(&cs->out, charts, OUT_CHARTS, charts_kinds, report ? "report.html" : NULL, err, errlen);
    free(charts);
    return rc;
}

/* plots/<tpl>.gp with its placeholders filled, malloc'd; NULL with err. */
static char *fill_named(chartset *cs, const char *tpl, const subst *subs, size_t n, char *err, size_t errlen)
{
    if (!cs->tpl_dir && !(cs->tpl_dir = find_templates())) {
        snprintf(err, errlen,
                 "cannot find the chart templates (plots/common.gp); set STAMPEDE_PLOTS_DIR to the plots "
                 "folder of the stampede sources");
        return NULL;
    }
    char file[256];
    snprintf(file, sizeof file, "%s.gp", tpl);
    char *path = fs_join(cs->tpl_dir, file);
    int rd = TI_IO;
    char *text = path ? textin_slurp(path, 1u << 20, NULL, &rd, err, errlen) : NULL;
    if (!path) snprintf(err, errlen, "out of memory");
    free(path);
    if (!text) return NULL;
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

int chartset_draw_script(chartset *cs, const char *name, const char *script, const char *title, const char *caption,
                         char *err, size_t errlen)
{
    int rc = -1;
    char file[300], *path = NULL;
    strbuf msgs = { 0 };
    snprintf(file, sizeof file, "%s.gp", name);
    if (outdir_text(&cs->out, file, script, err, errlen)) goto done;
    int st = stop_requested() ? -2 : run_gnuplot(cs->gnuplot, cs->out.tmp, file, &msgs);
    if (st == -2) {
        snprintf(err, errlen, "interrupted; nothing was written to %s", cs->out.dir);
        goto done;
    }
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
        char img[300];
        snprintf(img, sizeof img, "%s.%s", name, format_names[i].ext);
        free(path);
        if (!(path = outdir_path(&cs->out, img))) goto oom;
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
    free(path);
    sb_free(&msgs);
    return rc;
}

int chartset_draw(chartset *cs, const char *name, const char *tpl, const subst *subs, size_t nsubs,
                  const char *title, const char *caption, char *err, size_t errlen)
{
    int rc = -1;
    char *common = NULL, *style = NULL, *script = NULL;
    strbuf fmts = { 0 }, fmtq = { 0 };
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
    rc = chartset_draw_script(cs, name, script, title, caption, err, errlen);
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
done:
    free(common);
    free(style);
    free(script);
    free(all);
    sb_free(&fmts);
    sb_free(&fmtq);
    return rc;
}

int chartset_commit(chartset *cs, const char *report, char *err, size_t errlen)
{
    if (report && outdir_beside_text(&cs->out, report, err, errlen)) return -1;
    return outdir_commit(&cs->out, err, errlen);
}

void chartset_close(chartset *cs)
{
    if (cs->open) outdir_close(&cs->out);
    for (size_t i = 0; i < cs->ncharts; i++) {
        free(cs->charts[i].name);
        free(cs->charts[i].title);
        free(cs->charts[i].caption);
    }
    free(cs->charts);
    free(cs->dir);
    free(cs->tpl_dir);
    free(cs->gnuplot);
    memset(cs, 0, sizeof *cs);
}

/* ---------------------------------------------------------------- reading a results folder */

/* Every file of a results folder is read strictly (csvin.h, jsonfile.h): the
 * first problem is "FILE:LINE:COL: error: what" and the folder is refused with
 * exit status 2.  Columns and fields this version does not know are no error
 * (a newer stampede may add them); every one it knows is checked by kind. */

#define MAX_BINS_READ 10000001   /* the time-series rows a run may write (LIMIT_BINS), and one */

double run_value(const run_folder *rf, size_t i, const char *col)
{
    for (size_t k = 0; k < rf->ncols; k++)
        if (!strcmp(rf->cols[k], col)) return rf->labels[i].v[k];
    return NAN;
}

/* Read results: TI_BAD -> -2, TI_IO -> -1 (plot.h's convention). */
static int status_of(int ti) { return ti == TI_IO ? -1 : ti ? -2 : 0; }

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
    mark *nm = realloc(rf->marks, (rf->nmarks + 1) * sizeof *nm);
    if (!nm) return -1;
    rf->marks = nm;
    rf->marks[rf->nmarks++] = m;
    return 0;
}

/* One line of text: no control characters (a description, a version). */
static bool one_line(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f) return false;
    return true;
}

#define BIG 1e15   /* the largest time, factor or count a folder may hold */

/* scenario.json: the facts the charts mark and the table of parameters. */
static int read_scenario(run_folder *rf, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) && errno == ENOENT) return 0;   /* written by an older stampede: no marks */
    jfile j;
    int rc = jfile_open(&j, path, err, errlen);
    const char *s = NULL;
    char ptr[96];
    if (rc) goto done;
    rc = TI_BAD;
    if (!cJSON_IsObject(j.root)) {
        jfile_error(&j, "", err, errlen, "expected an object (the effective scenario)");
        goto done;
    }
    rf->have_scenario = true;
    if (jfile_string(&j, "/name", false, &s, err, errlen)) goto done;
    if (s && !scenario_valid_name(s)) {
        jfile_error(&j, "/name", err, errlen, "expected a name of letters, digits, '.', '_' and '-'");
        goto done;
    }
    if (s && !(rf->name = strdup(s))) goto oom;
    s = NULL;
    if (jfile_string(&j, "/description", false, &s, err, errlen)) goto done;
    if (s && !one_line(s)) {
        jfile_error(&j, "/description", err, errlen, "expected one line of text");
        goto done;
    }
    if (s && !(rf->description = strdup(s))) goto oom;
    if (jfile_duration(&j, "/bin", false, 0, BIG, &rf->bin, err, errlen) ||
        jfile_duration(&j, "/duration", false, 0, BIG, &rf->duration, err, errlen) ||
        jfile_duration(&j, "/warmup", false, 0, BIG, &rf->warmup, err, errlen))
        goto done;
    if (rf->bin == 0 || rf->duration == 0) {
        jfile_error(&j, rf->bin == 0 ? "/bin" : "/duration", err, errlen, "expected a duration > 0");
        goto done;
    }
    const cJSON *w = jfile_get(&j, "/db/workers");
    if (cJSON_IsString(w) && !strcmp(w->valuestring, "unlimited")) rf->workers = INFINITY;
    else if (w && jfile_number(&j, "/db/workers", true, 1, 9007199254740992.0, true, &rf->workers, err, errlen))
        goto done;
    if (jfile_get(&j, "/db/overload/usl")) {
        rf->sigma = 0;
        rf->kappa = NAN;
        if (jfile_number(&j, "/db/overload/usl/sigma", false, 0, 1, false, &rf->sigma, err, errlen) ||
            jfile_number(&j, "/db/overload/usl/kappa", false, 0, BIG, false, &rf->kappa, err, errlen))
            goto done;
        rf->usl = rf->kappa > 0 && rf->sigma < 1;
    }
    if (rf->warmup > 0 && add_mark(rf, (mark){ .kind = MARK_WARMUP, .at = 0, .until = rf->warmup })) goto oom;
    const cJSON *f;
    int i = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(j.root, "faults"))
    {
        const char *type = NULL;
        snprintf(ptr, sizeof ptr, "/faults/%d/type", i);
        if (jfile_string(&j, ptr, true, &type, err, errlen)) goto done;
        mark m = { .until = NAN, .factor = NAN };
        if (!strcmp(type, "cache_flush")) m.kind = MARK_FLUSH;
        else if (!strcmp(type, "db_slowdown")) m.kind = MARK_SLOWDOWN;
        else {   /* a kind of fault this version does not draw */
            i++;
            continue;
        }
        snprintf(ptr, sizeof ptr, "/faults/%d/at", i);
        if (jfile_duration(&j, ptr, true, 0, BIG, &m.at, err, errlen)) goto done;
        if (m.kind == MARK_SLOWDOWN) {
            snprintf(ptr, sizeof ptr, "/faults/%d/until", i);
            if (jfile_duration(&j, ptr, true, m.at, BIG, &m.until, err, errlen)) goto done;
            snprintf(ptr, sizeof ptr, "/faults/%d/factor", i);
            if (jfile_number(&j, ptr, true, 1e-15, BIG, false, &m.factor, err, errlen)) goto done;
        } else {
            m.until = m.at;
        }
        if (add_mark(rf, m)) goto oom;
        i++;
    }
    const cJSON *b;
    i = 0;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j.root, "clients"), "bursts"))
    {
        mark m = { .kind = MARK_BURST };
        double over = 0;
        snprintf(ptr, sizeof ptr, "/clients/bursts/%d/at", i);
        if (jfile_duration(&j, ptr, true, 0, BIG, &m.at, err, errlen)) goto done;
        snprintf(ptr, sizeof ptr, "/clients/bursts/%d/requests", i);
        if (jfile_number(&j, ptr, true, 0, BIG, true, &m.requests, err, errlen)) goto done;
        snprintf(ptr, sizeof ptr, "/clients/bursts/%d/over", i);
        if (jfile_duration(&j, ptr, false, 0, BIG, &over, err, errlen)) goto done;
        m.until = m.at + over;
        if (add_mark(rf, m)) goto oom;
        i++;
    }
    if (flatten(rf, "", j.root)) goto oom;
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    jfile_close(&j);
    return status_of(rc);
}

/* summary.json: the label's own (it must say so), the scenario's name,
 * version and seed (first label) and the label's strategy parameters. */
static int read_summary(run_folder *rf, run_label *L, const char *path, char *err, size_t errlen)
{
    jfile j;
    int rc = jfile_open(&j, path, err, errlen);
    const char *s = NULL;
    if (rc) goto done;
    rc = TI_BAD;
    if (!cJSON_IsObject(j.root)) {
        jfile_error(&j, "", err, errlen, "expected an object (a label's summary)");
        goto done;
    }
    if (jfile_string(&j, "/label", true, &s, err, errlen)) goto done;
    if (strcmp(s, L->label)) {
        jfile_error(&j, "/label", err, errlen, "the summary of another label (comparison.csv says %s)", L->label);
        goto done;
    }
    if (jfile_string(&j, "/strategy", true, &s, err, errlen)) goto done;
    if (strcmp(s, L->strategy)) {
        jfile_error(&j, "/strategy", err, errlen, "not the strategy comparison.csv gives its label (%s)", L->strategy);
        goto done;
    }
    s = NULL;
    if (jfile_string(&j, "/scenario", false, &s, err, errlen)) goto done;
    if (s && !scenario_valid_name(s)) {
        jfile_error(&j, "/scenario", err, errlen, "expected a name of letters, digits, '.', '_' and '-'");
        goto done;
    }
    if (s && !rf->name && !(rf->name = strdup(s))) goto oom;
    s = NULL;
    if (jfile_string(&j, "/version", false, &s, err, errlen)) goto done;
    if (s && !one_line(s)) {
        jfile_error(&j, "/version", err, errlen, "expected one line of text");
        goto done;
    }
    if (s && !rf->version && !(rf->version = strdup(s))) goto oom;
    double seed = NAN;
    if (jfile_number(&j, "/seed", false, 0, 18446744073709551616.0, true, &seed, err, errlen)) goto done;
    if (!isfinite(rf->seed)) rf->seed = seed;
    const cJSON *params = jfile_get(&j, "/params"), *p;
    if (params && !cJSON_IsObject(params)) {
        jfile_error(&j, "/params", err, errlen, "expected an object");
        goto done;
    }
    strbuf b = { 0 };
    cJSON_ArrayForEach(p, params)
    {
        sb_printf(&b, "%s%s ", b.len ? ", " : "", p->string);
        json_compact(&b, p);
    }
    if (!(L->params = sb_take(&b))) goto oom;
    /* A run cut at the drain limit says why (absent from older folders). */
    const cJSON *dl = jfile_get(&j, "/sim/drain_limited");
    if (dl && !cJSON_IsBool(dl)) {
        jfile_error(&j, "/sim/drain_limited", err, errlen, "expected true or false");
        goto done;
    }
    if (cJSON_IsTrue(dl)) {
        s = NULL;
        if (jfile_string(&j, "/sim/cut", true, &s, err, errlen)) goto done;
        if (!one_line(s)) {
            jfile_error(&j, "/sim/cut", err, errlen, "expected one line of text");
            goto done;
        }
        if (!(L->cut = strdup(s))) goto oom;
    }
    /* The SLO (the first label's) and how the label came back after each
     * trigger, both as run wrote them. */
    if (jfile_get(&j, "/slo") && isnan(rf->slo_target)) {
        const cJSON *lat = jfile_get(&j, "/slo/latency");
        if (cJSON_IsNull(lat)) rf->slo_latency = INFINITY;
        else if (jfile_number(&j, "/slo/latency", true, 0, BIG, false, &rf->slo_latency, err, errlen)) goto done;
        if (jfile_number(&j, "/slo/target", true, 0, 1, false, &rf->slo_target, err, errlen)) goto done;
    }
    const cJSON *rec = jfile_get(&j, "/recovery");
    if (rec && !cJSON_IsArray(rec)) {
        jfile_error(&j, "/recovery", err, errlen, "expected an array");
        goto done;
    }
    int n = rec ? cJSON_GetArraySize(rec) : 0;
    if (n > 0 && !(L->rec = calloc((size_t)n, sizeof *L->rec))) goto oom;
    for (int i = 0; i < n; i++) {
        char ptr[96];
        const char *t = NULL;
        run_recovery *r = &L->rec[L->nrec];
        snprintf(ptr, sizeof ptr, "/recovery/%d/trigger", i);
        if (jfile_string(&j, ptr, true, &t, err, errlen)) goto done;
        if (!one_line(t)) {
            jfile_error(&j, ptr, err, errlen, "expected one line of text");
            goto done;
        }
        if (!(r->trigger = strdup(t))) goto oom;
        L->nrec++;
        r->at = r->end = r->time = r->worst = NAN;
        static const char *const nums[] = { "at", "end", "recovery_time", "worst_good_ratio", "baseline_good_ratio" };
        double *dst[] = { &r->at, &r->end, &r->time, &r->worst, NULL };
        for (size_t k = 0; k < 5; k++) {
            double x = NAN;
            snprintf(ptr, sizeof ptr, "/recovery/%d/%s", i, nums[k]);
            const cJSON *v = jfile_get(&j, ptr);
            if (v && !cJSON_IsNull(v) && jfile_number(&j, ptr, true, 0, k >= 3 ? 1 : BIG, false, &x, err, errlen))
                goto done;
            if (dst[k]) *dst[k] = x;
            else r->judged = isfinite(x);
        }
        static const char *const flags[] = { "recovered", "metastable" };
        bool *fdst[] = { &r->recovered, &r->metastable };
        for (size_t k = 0; k < 2; k++) {
            snprintf(ptr, sizeof ptr, "/recovery/%d/%s", i, flags[k]);
            const cJSON *v = jfile_get(&j, ptr);
            if (v && !cJSON_IsBool(v)) {
                jfile_error(&j, ptr, err, errlen, "expected true or false");
                goto done;
            }
            *fdst[k] = cJSON_IsTrue(v);
        }
    }
    rc = 0;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    jfile_close(&j);
    return status_of(rc);
}

/* Appends v to a growing array of doubles (cap doubles as needed). */
static int push(double **a, size_t n, size_t *cap, double v)
{
    if (n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        double *t = realloc(*a, c * sizeof *t);
        if (!t) return -1;
        *a = t;
        *cap = c;
    }
    (*a)[n] = v;
    return 0;
}

static const char *const ts_names[TS_N] = {
    "t", "p50", "p99", "p999", "db_inflight_max", "db_started", "db_queue_max", "succeeded", "failed",
};
/* Columns an older stampede did not write: NAN when absent. */
#define TS_FIRST_OPTIONAL TS_SUCCEEDED

/* The columns timeseries.csv has, and what each holds. */
static const struct { const char *name; unsigned kind; } ts_kinds[] = {
    { "t", CK_SECONDS }, { "arrivals", CK_COUNT }, { "hits", CK_COUNT }, { "misses", CK_COUNT },
    { "stale", CK_COUNT }, { "waited", CK_COUNT }, { "timeouts", CK_COUNT }, { "errors", CK_COUNT },
    { "db_started", CK_COUNT }, { "db_completed", CK_COUNT }, { "db_inflight_max", CK_COUNT },
    { "db_queue_max", CK_COUNT }, { "p50", CK_SECONDS | CK_EMPTY }, { "p99", CK_SECONDS | CK_EMPTY },
    { "p999", CK_SECONDS | CK_EMPTY }, { "succeeded", CK_COUNT }, { "failed", CK_COUNT }, { "good", CK_COUNT },
    { "p99_all", CK_SECONDS | CK_EMPTY | CK_INF },
};
#define NTS_KINDS (sizeof ts_kinds / sizeof *ts_kinds)

static int read_timeseries(run_folder *rf, run_label *L, const char *path, char *err, size_t errlen)
{
    csvin c;
    int rc = csvin_open(&c, path, err, errlen);
    int col[TS_N], known[NTS_KINDS];
    size_t cap[TS_N] = { 0 };
    if (rc) goto done;
    rc = TI_BAD;
    for (int k = 0; k < TS_N; k++)
        if ((col[k] = k < TS_FIRST_OPTIONAL ? csvin_need(&c, ts_names[k], err, errlen) : csvin_find(&c, ts_names[k])) < 0 &&
            k < TS_FIRST_OPTIONAL)
            goto done;
    for (size_t k = 0; k < NTS_KINDS; k++) known[k] = csvin_find(&c, ts_kinds[k].name);
    L->lat_min = INFINITY;
    L->lat_max = 0;
    double prev = -1;
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        if (L->nbins == MAX_BINS_READ) {
            snprintf(err, errlen, "%s:%llu: error: more than %d rows, beyond what a run writes", path, csvin_lineno(&c),
                     MAX_BINS_READ - 1);
            rc = TI_BAD;
            goto done;
        }
        double v[TS_N], x = 0;
        for (size_t k = 0; k < NTS_KINDS; k++)
            if (known[k] >= 0 && (rc = csvin_num(&c, known[k], ts_kinds[k].kind, &x, err, errlen))) goto done;
        for (int k = 0; k < TS_N; k++) {
            v[k] = NAN;
            if (col[k] >= 0) csvin_num(&c, col[k], CK_ANY, &v[k], err, errlen);   /* checked above */
            if (push(&L->ts[k], L->nbins, &cap[k], v[k])) {
                snprintf(err, errlen, "out of memory");
                rc = TI_IO;
                goto done;
            }
        }
        if (!(v[TS_T] > prev)) {
            rc = csvin_error(&c, col[TS_T], err, errlen, "%s is not after the previous row's bin", csvin_cell(&c, col[TS_T]));
            goto done;
        }
        prev = v[TS_T];
        L->nbins++;
        for (int k = 0; k < 3; k++) {
            double p = v[TS_P50 + k];
            if (!(p > 0)) continue;
            L->lat_any[k] = true;
            if (p < L->lat_min) L->lat_min = p;
            if (p > L->lat_max) L->lat_max = p;
        }
        if (v[TS_INFLIGHT] > L->inflight_max) L->inflight_max = v[TS_INFLIGHT];
        if (v[TS_STARTED] > L->started_max) L->started_max = v[TS_STARTED];
        if (v[TS_QUEUE] > L->queue_max) L->queue_max = v[TS_QUEUE];
    }
    if (rc != TI_END) goto done;
    rc = 0;
    if (!L->nbins) {
        snprintf(err, errlen, "%s: error: no rows (a run writes at least one time bin)", path);
        rc = TI_BAD;
        goto done;
    }
    if (!(rf->bin > 0) && L->nbins > 1) rf->bin = L->ts[TS_T][1] - L->ts[TS_T][0];
    L->t_end = L->ts[TS_T][L->nbins - 1] + (rf->bin > 0 ? rf->bin : 0);
done:
    csvin_close(&c);
    return status_of(rc);
}

static int read_latency_hist(run_label *L, const char *path, char *err, size_t errlen)
{
    csvin c;
    int rc = csvin_open(&c, path, err, errlen);
    if (rc) goto done;
    rc = TI_BAD;
    int clo = csvin_need(&c, "lower", err, errlen), chi = clo < 0 ? -1 : csvin_need(&c, "upper", err, errlen),
        ccnt = chi < 0 ? -1 : csvin_need(&c, "count", err, errlen), ccdf = ccnt < 0 ? -1 : csvin_need(&c, "cdf", err, errlen);
    if (ccdf < 0) goto done;
    /* The CDF over every request, a failed one counting as infinitely slow;
     * an older stampede wrote the CDF of answered requests only. */
    int call = csvin_find(&c, "cdf_all"), cplain = ccdf;
    if (call >= 0) ccdf = call;
    L->cdf_col = call >= 0 ? "cdf_all" : "cdf";
    L->answered_share = 1;
    L->hist_lo = NAN;
    L->hist_hi = NAN;
    double prev_hi = 0, prev_cdf = 0;
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        double lo, hi, n, cdf, plain;
        if ((rc = csvin_num(&c, clo, CK_SECONDS, &lo, err, errlen)) || (rc = csvin_num(&c, chi, CK_SECONDS | CK_EMPTY, &hi, err, errlen)) ||
            (rc = csvin_num(&c, ccnt, CK_COUNT, &n, err, errlen)) || (rc = csvin_num(&c, cplain, CK_FRACTION, &plain, err, errlen)) ||
            (rc = csvin_num(&c, ccdf, CK_FRACTION, &cdf, err, errlen)))
            goto done;
        L->answered_share = cdf;
        if (L->nhist == HIST_NBUCKETS) {
            rc = csvin_error(&c, clo, err, errlen, "more rows than the histogram has buckets (%d)", HIST_NBUCKETS);
            goto done;
        }
        if (lo < prev_hi || !(hi > lo || isnan(hi))) {
            rc = csvin_error(&c, clo, err, errlen, "buckets must follow each other, each with lower < upper");
            goto done;
        }
        if (n < 1 || cdf < prev_cdf) {
            rc = csvin_error(&c, n < 1 ? ccnt : ccdf, err, errlen, "%s",
                             n < 1 ? "a bucket written is never empty" : "the CDF must not decrease");
            goto done;
        }
        prev_hi = isnan(hi) ? INFINITY : hi;
        prev_cdf = cdf;
        L->nhist++;
        L->answered += n;
        if (cdf < 1 - 1e-12) L->ccdf_any = true;
        /* The CDF starts at its 0.1% point, past the bucket of zero latencies. */
        if (isnan(L->hist_lo) && lo > 0 && isfinite(hi) && cdf >= 1e-3) L->hist_lo = hi;
        if (isfinite(hi)) L->hist_hi = hi;
        else if (lo > 0) L->hist_hi = lo;
    }
    if (rc == TI_END) rc = 0;
done:
    csvin_close(&c);
    return status_of(rc);
}

static int read_sizes(run_label *L, const char *path, char *err, size_t errlen)
{
    csvin c;
    int rc = csvin_open(&c, path, err, errlen);
    size_t cap1 = 0, cap2 = 0;
    if (rc) goto done;
    rc = TI_BAD;
    int cmin = csvin_need(&c, "size_min", err, errlen), cmax = cmin < 0 ? -1 : csvin_need(&c, "size_max", err, errlen),
        ccount = cmax < 0 ? -1 : csvin_need(&c, "count", err, errlen);
    if (ccount < 0) goto done;
    double prev = 0;
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        double lo, hi, n;
        if ((rc = csvin_num(&c, cmin, CK_COUNT, &lo, err, errlen)) || (rc = csvin_num(&c, cmax, CK_COUNT, &hi, err, errlen)) ||
            (rc = csvin_num(&c, ccount, CK_COUNT, &n, err, errlen)))
            goto done;
        if (L->nsizes == SIZE_EXACT + 64) {
            rc = csvin_error(&c, cmin, err, errlen, "more rows than there are sizes (%d)", SIZE_EXACT + 64);
            goto done;
        }
        if (lo < 1 || lo <= prev || hi < lo || n < 1) {
            rc = csvin_error(&c, lo < 1 || lo <= prev ? cmin : hi < lo ? cmax : ccount, err, errlen, "%s",
                             lo < 1 ? "a stampede has at least one query"
                             : lo <= prev ? "sizes must increase from row to row"
                             : hi < lo ? "size_max is below size_min" : "a size written is never empty");
            goto done;
        }
        prev = hi;
        if (hi > lo) L->sizes_grouped = true;
        if (push(&L->sizes, L->nsizes, &cap1, lo) || push(&L->size_ge, L->nsizes, &cap2, n)) {
            snprintf(err, errlen, "out of memory");
            rc = TI_IO;
            goto done;
        }
        L->nsizes++;
    }
    if (rc == TI_END) rc = 0;
    for (size_t i = L->nsizes; i-- > 1;) L->size_ge[i - 1] += L->size_ge[i];
done:
    csvin_close(&c);
    return status_of(rc);
}

static int read_label(run_folder *rf, run_label *L, char *err, size_t errlen)
{
    static const char *const files[] = { "summary.json", "timeseries.csv", "latency_hist.csv", "stampede_sizes.csv" };
    char *dir = fs_join(rf->dir, L->label);
    if (!dir) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < 4 && !rc; i++) {
        char *p = fs_join(dir, files[i]);
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

/* comparison.csv: a row per label, each of a strategy this version knows,
 * every number of a kind this version knows checked. */
static int read_comparison(run_folder *rf, const char *path, char *err, size_t errlen)
{
    csvin c;
    int rc = csvin_open(&c, path, err, errlen);
    unsigned *kinds = NULL;
    int *which = NULL;
    size_t cap = 0;
    if (rc) goto done;
    rc = TI_BAD;
    int cl = csvin_need(&c, "label", err, errlen), cs = cl < 0 ? -1 : csvin_need(&c, "strategy", err, errlen);
    if (cs < 0) goto done;
    rc = TI_IO;
    rf->ncols = c.ncols - 2;
    if (!(rf->cols = calloc(rf->ncols + 1, sizeof *rf->cols)) || !(kinds = calloc(rf->ncols + 1, sizeof *kinds)) ||
        !(which = calloc(rf->ncols + 1, sizeof *which)))
        goto oom;
    for (size_t i = 0, k = 0; i < c.ncols; i++) {
        if ((int)i == cl || (int)i == cs) continue;
        if (!(rf->cols[k] = strdup(c.head[i]))) goto oom;
        kinds[k] = col_kind_of(c.head[i]);
        which[k++] = (int)i;
    }
    rf->baseline = SIZE_MAX;
    while ((rc = csvin_row(&c, err, errlen)) == TI_LINE) {
        const char *label = csvin_cell(&c, cl), *strategy = csvin_cell(&c, cs);
        char got[96];
        textin_show(got, sizeof got, label, strlen(label), 40);
        if ((rc = results_row_names(&c, cl, cs, err, errlen))) goto done;
        for (size_t i = 0; i < rf->nlabels; i++)
            if (!strcmp(rf->labels[i].label, label)) {
                rc = csvin_error(&c, cl, err, errlen, "%s is on an earlier row too", got);
                goto done;
            }
        if (rf->nlabels == cap) {
            size_t nc = cap ? cap * 2 : 8;
            run_label *t = realloc(rf->labels, nc * sizeof *t);
            if (!t) goto oom;
            rf->labels = t;
            cap = nc;
        }
        run_label *L = &rf->labels[rf->nlabels];
        memset(L, 0, sizeof *L);
        rf->nlabels++;
        L->label = strdup(label);
        L->strategy = strdup(strategy);
        L->v = calloc(rf->ncols + 1, sizeof *L->v);
        if (!L->label || !L->strategy || !L->v) goto oom;
        for (size_t k = 0; k < rf->ncols; k++)
            if ((rc = csvin_num(&c, which[k], kinds[k], &L->v[k], err, errlen))) goto done;
        if (rf->baseline == SIZE_MAX && !strcmp(L->strategy, "none")) rf->baseline = rf->nlabels - 1;
    }
    if (rc != TI_END) goto done;
    rc = 0;
    if (!rf->nlabels) {
        snprintf(err, errlen, "%s: error: no rows (a run writes one per strategy)", path);
        rc = TI_BAD;
    }
    if (rf->baseline == SIZE_MAX) rf->baseline = rf->nlabels;
    goto done;
oom:
    snprintf(err, errlen, "out of memory");
    rc = TI_IO;
done:
    free(kinds);
    free(which);
    csvin_close(&c);
    return status_of(rc);
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
    if (!fs_is_dir(rf->dir)) {
        snprintf(err, errlen, "%s: %s", rf->dir, access(rf->dir, F_OK) ? "no such folder" : "not a folder");
        return -2;
    }
    char *p = fs_join(rf->dir, "comparison.csv");
    if (!p) goto oom;
    int rc = read_comparison(rf, p, err, errlen);
    free(p);
    if (rc) return rc;
    char *sp = fs_join(rf->dir, "scenario.json");
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
        free(L->cut);
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
static void gp_num(strbuf *b, double v)
{
    if (isfinite(v)) sb_printf(b, "%.10g", v);
    else sb_puts(b, "NaN");   /* never "inf" or "nan", which gnuplot reads as names */
}

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
        bool cut = false;
        for (size_t i = 0; i < rf->nlabels; i++) cut |= rf->labels[i].cut != NULL;
        snprintf(msg, sizeof msg, cut ? "cut at the drain limit, %s \u2192" : "the DB drains until %s \u2192", t);
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
#define MAXSTACK 7
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
static const int stack_patterns[MAXSTACK] = { 0, 4, 1, 5, 2, 7, 6 };
_Static_assert(FAIL_N <= MAXSTACK, "a layer per way of failing");

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
        sb_puts(xt, i ? ", " : "");
        sb_gp_tic(xt, rf->labels[i].label);   /* a tic label is a format too */
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
        sb_gp_comment(data, L->label);
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

int plot_run_charts(const run_folder *rf, chartset *cs, char *err, size_t errlen)
{
    chart_ctx cx = { .cs = cs, .rf = rf, .err = err, .errlen = errlen };
    static int (*const charts[])(chart_ctx *) = {
        chart_latency, chart_db_load, chart_latency_cdf, chart_comparison, chart_stampede_sizes,
    };
    for (size_t i = 0; i < sizeof charts / sizeof *charts; i++)
        if (charts[i](&cx)) return -1;
    return 0;
}

/* Draws every chart of a results folder and writes its report, together.
 * Returns an exit status. */
static int plot_results_folder(const char *dir, unsigned formats)
{
    char err[8192] = "";
    run_folder rf;
    chartset cs;
    memset(&cs, 0, sizeof cs);
    char *html = NULL;
    int rc = run_folder_read(&rf, dir, err, sizeof err), status = rc == -2 ? 2 : 1;
    if (rc) goto fail;
    if ((rc = chartset_open(&cs, rf.dir, formats, true, err, sizeof err))) {
        status = rc == -2 ? 2 : 1;
        goto fail;
    }
    status = 1;
    if (plot_run_charts(&rf, &cs, err, sizeof err)) goto fail;
    if (!(html = report_html(&rf, &cs, err, sizeof err))) goto fail;
    if (chartset_commit(&cs, html, err, sizeof err)) goto fail;
    printf("charts: %s/\nreport: %s/report.html\n", cs.out.dir, rf.dir);
    status = 0;
    goto done;
fail:
    fprintf(stderr, "stampede: %s\n", err);
done:
    free(html);
    chartset_close(&cs);
    run_folder_free(&rf);
    return status;
}

/* A sweep folder: its charts are drawn by plot_sweep.c. */
static int plot_sweep(const char *dir, unsigned formats)
{
    char err[8192] = "";
    int rc = plot_sweep_folder(dir, formats, err, sizeof err);
    if (rc) {
        fprintf(stderr, "stampede: %s\n", err);
        return rc == -2 ? 2 : 1;
    }
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    printf("charts: %.*s/charts/\n", (int)n, dir);
    return 0;
}

/* The kind of folder DIR is: its marker says (output.h); a folder of a
 * stampede that wrote none is known by a file only that kind has. */
static int plot_folder(const char *dir, unsigned formats)
{
    char err[4096];
    outmark m;
    int rc = outmark_read(dir, &m, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "stampede: plot: %s\n", err);
        return rc == TI_IO ? 1 : 2;
    }
    if (rc == 0) {
        char kind[32];
        snprintf(kind, sizeof kind, "%s", m.kind);
        outmark_free(&m);
        if (!strcmp(kind, OUT_RUN)) return plot_results_folder(dir, formats);
        if (!strcmp(kind, OUT_SWEEP)) return plot_sweep(dir, formats);
        if (!strcmp(kind, OUT_SWEEP_PART))
            fprintf(stderr, "stampede: plot: %s is one part of a sweep (it has no sweep.csv): join the parts with "
                            "stampede merge, then plot the merged folder\n", dir);
        else
            fprintf(stderr, "stampede: plot: %s is the charts folder of a results folder: plot the folder that holds "
                            "it\n", dir);
        return 2;
    }
    static const struct { const char *file; int (*plot)(const char *, unsigned); } kinds[] = {
        { "comparison.csv", plot_results_folder },
        { "sweep.csv", plot_sweep },
    };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        char *f = fs_join(dir, kinds[k].file);
        if (!f) {
            fputs("stampede: out of memory\n", stderr);
            return 1;
        }
        struct stat st;
        bool found = lstat(f, &st) == 0;
        free(f);
        if (found) return kinds[k].plot(dir, formats);
    }
    fprintf(stderr, "stampede: plot: %s is not a stampede results or sweep folder (it has no comparison.csv or "
                    "sweep.csv)\n", dir);
    return 2;
}

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
    stop_install();
    unsigned formats = PLOT_FORMATS_DEFAULT;
    if (fmt && plot_parse_formats(fmt, &formats)) {
        fprintf(stderr, "stampede: plot: unknown format in \"%s\" (formats: svg, png, pdf)\n", fmt);
        return 2;
    }
    if (!fs_is_dir(dir)) {
        fprintf(stderr, "stampede: plot: %s: %s\n", dir, access(dir, F_OK) ? "no such folder" : "not a folder");
        return 2;
    }
    return plot_folder(dir, formats);
}
