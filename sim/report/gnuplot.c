/* gnuplot.c - the one gnuplot runner, its data escapers, the chart formats
 * and the template filler (gnuplot.h). */
#include "gnuplot.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/stop.h"
#include "base/textin.h"

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
            int k = textin_utf8_seq((const unsigned char *)s + i, n - i);
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

void gp_quote(strbuf *b, const char *s)
{
    sb_putn(b, "'", 1);
    gp_text(b, s, "'", NULL);
    sb_putn(b, "'", 1);
}

void gp_tic(strbuf *b, const char *s)
{
    sb_putn(b, "'", 1);
    gp_text(b, s, "'%", NULL);
    sb_putn(b, "'", 1);
}

void gp_comment(strbuf *b, const char *s)
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

/* ---------------------------------------------------------------- finding things */

/* The first executable NAME on $PATH, malloc'd; NULL when there is none. */
char *gp_find_program(const char *name)
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
char *gp_templates_dir(void)
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
int gp_fill_template(strbuf *out, const char *tpl, const char *tplname, const subst *subs, size_t n, char *err,
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
int gp_run(const char *gnuplot, const char *dir, const char *script, strbuf *msgs)
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

const char gp_missing[] = "gnuplot not found; install it with: apt-get install gnuplot-nox";

int plot_ready(char *err, size_t errlen)
{
    char *g = gp_find_program("gnuplot");
    if (!g) snprintf(err, errlen, "%s", gp_missing);
    free(g);
    return g ? 0 : -1;
}

/* A number for a gnuplot script: exact and locale-free. */
void gp_num(strbuf *b, double v)
{
    if (isfinite(v)) sb_printf(b, "%.10g", v);
    else sb_puts(b, "NaN");   /* never "inf" or "nan", which gnuplot reads as names */
}
