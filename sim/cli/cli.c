/* cli.c - what every command of the command line shares (cli.h). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "results/output.h"
#include "scenario/load.h"
#include "sweep/metricdoc.h"

int cli_exit_code(enum status_code code)
{
    switch (code) {
    case STATUS_OK: return EXIT_OK;
    case STATUS_INPUT:
    case STATUS_USAGE: return EXIT_USAGE;
    case STATUS_FAILED:
    case STATUS_STOPPED: break;
    }
    return EXIT_FAILED;
}

void cli_report(const struct status *st)
{
    cli_print_lines(status_msg(st));
}

void cli_report_cmd(const char *cmd, const struct status *st)
{
    if (st->code == STATUS_USAGE) cli_usage_error(cmd, "%s", status_msg(st));
    else cli_report(st);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("stampede: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'stampede %s%s--help')\n", cmd, *cmd ? " " : "");
    return EXIT_USAGE;
}

void cli_print_diag(const struct diag *d)
{
    for (size_t i = 0; i < d->n; i++) fprintf(stderr, "stampede: %s\n", d->msgs[i]);
}

int cli_select_labels(const struct scenario *sc, const char *list, size_t *idx, size_t *n)
{
    *n = 0;
    if (!list) {
        for (size_t i = 0; i < sc->nstrategies; i++) idx[(*n)++] = i;
        return 0;
    }
    char *copy = strdup(list);
    if (!copy) return -1;
    int rc = 0;
    for (char *save, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < sc->nstrategies && strcmp(sc->strategies[i].label, tok)) i++;
        if (i == sc->nstrategies) {
            fprintf(stderr, "stampede: --strategy: no strategy labelled \"%s\" in %s (labels:", tok, sc->path);
            for (size_t j = 0; j < sc->nstrategies; j++) fprintf(stderr, " %s", sc->strategies[j].label);
            fputs(")\n", stderr);
            rc = -1;
            break;
        }
        for (size_t j = 0; j < *n; j++)
            if (idx[j] == i) goto dup;
        idx[(*n)++] = i;
    dup:;
    }
    free(copy);
    if (rc == 0 && *n == 0) {
        fputs("stampede: --strategy: no label given\n", stderr);
        rc = -1;
    }
    return rc;
}

void cli_print_lines(const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(stderr, "stampede: %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
}

int cli_parse_u64(const char *s, unsigned long long *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+' || *s == ' ') return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno) return -1;
    *out = v;
    return 0;
}

double cli_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Edit distance (insertions, deletions, substitutions, adjacent swaps),
 * capped at 9. */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t d[33][33];
    if (la > 32 || lb > 32) return 9;
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

int cli_unknown_option(const char *cmd, const char *arg, const struct option *opts)
{
    const char *name = arg;
    while (*name == '-') name++;
    size_t n = strcspn(name, "=");
    const char *best = NULL;
    size_t bestd = 3;
    /* one or two edits, and fewer than half the name's letters */
    for (const struct option *o = opts; o && o->name; o++) {
        size_t d = distance(name, n, o->name, strlen(o->name));
        if (d < bestd && 2 * d < strlen(o->name)) {
            best = o->name;
            bestd = d;
        }
    }
    if (best) return cli_usage_error(cmd, "%s: unknown option %.*s (did you mean --%s?)", cmd, (int)((size_t)(name - arg) + n), arg, best);
    return cli_usage_error(cmd, "%s: unknown option %.*s", cmd, (int)((size_t)(name - arg) + n), arg);
}

void cli_print_metrics(FILE *f)
{
    fputs("The metrics of a sweep (columns of runs.csv; sweep.csv has METRIC_mean and\n"
          "METRIC_ci95 of each): --minimize, --maximize and --subject-to take them as\n"
          "METRIC or LABEL.METRIC.  Durations are in seconds in the files; bounds may\n"
          "be given as durations (p99<=2.5ms).\n\n", f);
    for (int c = 0; c < COL_N; c++)
        fprintf(f, "  %-28s %-9s %s\n", output_col_names[c], sweep_metric_unit(c), sweep_metric_about(c));
}
