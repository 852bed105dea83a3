/* cliopt.h - what the commands share: the one way they read an option
 * ("--name=value" or "--name", its value then the next argument), choose
 * strategy labels and print a scenario's problems. */
#ifndef STAMPEDE_CLIOPT_H
#define STAMPEDE_CLIOPT_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/load.h"

/* Puts the option's name ("--name", or "" when a is not a long option) in
 * name and sets *val to the text after '=', or NULL when there is none. */
static inline void cli_option(const char *a, char *name, size_t len, const char **val)
{
    const char *eq = strchr(a, '=');
    *val = NULL;
    name[0] = 0;
    if (strncmp(a, "--", 2)) return;
    if (eq && (size_t)(eq - a) < len) {
        memcpy(name, a, (size_t)(eq - a));
        name[eq - a] = 0;
        *val = eq + 1;
    } else {
        snprintf(name, len, "%s", a);
    }
}

/* A usage error of command cmd ("run", "sweep", ...; "" for the program):
 * "stampede: <message> (see 'stampede cmd --help')" on stderr; returns 2. */
__attribute__((format(printf, 2, 3)))
static inline int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("stampede: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see 'stampede %s%s--help')\n", cmd, *cmd ? " " : "");
    return 2;
}

/* The options of `run` and `live`: the scenario, --strategy, --set, --seed,
 * --out, --trace, --quiet, --force. */
typedef struct run_args {
    const char *path, *labels, *out;
    int trace, quiet, force;
    override *ovr;      /* the --set overrides, then --seed's; the caller frees it */
    size_t novr;
} run_args;

/* Parses argv for command cmd ("run", "live") into r: run's options, plus
 * the command's own, named in `valued` (NULL-terminated; each one's value
 * goes to vals[i]) and `flags` (each sets flagv[i] to 1).  --seed is checked
 * and appended to the overrides; r->ovr has room for one more.  Returns 0;
 * 1 when --help was asked; 2 after printing a usage error; -1 out of memory. */
static inline int cli_run_args(const char *cmd, int argc, char **argv, run_args *r, const char *const *valued,
                               const char **vals, const char *const *flags, int *flagv)
{
    const char *seed = NULL;
    memset(r, 0, sizeof *r);
    if (!(r->ovr = calloc((size_t)argc + 2, sizeof *r->ovr))) return -1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val;
        char name[64];
        cli_option(a, name, sizeof name, &val);
        int own = -1, own_flag = -1;
        for (int k = 0; valued && valued[k]; k++)
            if (!strcmp(name, valued[k])) own = k;
        for (int k = 0; flags && flags[k]; k++)
            if (!strcmp(a, flags[k])) own_flag = k;
        int takes = own >= 0 || !strcmp(name, "--strategy") || !strcmp(name, "--set") || !strcmp(name, "--seed") ||
                    !strcmp(name, "--out");
        if (takes && !val) {
            if (i + 1 >= argc) return cli_usage_error(cmd, "%s: %s needs a value", cmd, name);
            val = argv[++i];
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return 1;
        else if (own >= 0) vals[own] = val;
        else if (own_flag >= 0) flagv[own_flag] = 1;
        else if (!strcmp(a, "--trace")) r->trace = 1;
        else if (!strcmp(a, "--force")) r->force = 1;
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) r->quiet = 1;
        else if (!strcmp(name, "--strategy")) r->labels = val;
        else if (!strcmp(name, "--out")) r->out = val;
        else if (!strcmp(name, "--seed")) seed = val;
        else if (!strcmp(name, "--set")) {
            char *e = strchr(val, '=');
            if (!e || e == val) return cli_usage_error(cmd, "%s: --set needs PATH=VALUE (got \"%s\")", cmd, val);
            *e = 0;   /* argv is ours to split */
            r->ovr[r->novr].path = val;
            r->ovr[r->novr++].value = e + 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(cmd, "%s: unknown option %s", cmd, a);
        } else if (r->path) {
            return cli_usage_error(cmd, "%s: one scenario at a time (got %s and %s)", cmd, r->path, a);
        } else {
            r->path = a;
        }
    }
    if (!r->path) return cli_usage_error(cmd, "%s: which scenario? give SCENARIO.json", cmd);
    if (r->out && !*r->out) return cli_usage_error(cmd, "%s: --out needs a folder name (got \"\")", cmd);
    if (seed) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(seed, &end, 10);
        (void)v;
        if (!*seed || *end || errno || seed[0] == '-')
            return cli_usage_error(cmd, "%s: --seed needs an integer >= 0 (got \"%s\")", cmd, seed);
        r->ovr[r->novr].path = "seed";
        r->ovr[r->novr++].value = seed;
    }
    return 0;
}

/* Splits "a,b,c" and finds each label; returns 0 or prints the problem. */
static inline int cli_select_labels(const scenario *sc, const char *list, size_t *idx, size_t *n)
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

static inline void cli_print_diag(const diag *d)
{
    for (size_t i = 0; i < d->n; i++) fprintf(stderr, "stampede: %s\n", d->msgs[i]);
}

/* Prints each line of text (limits' messages) as "stampede: LINE". */
static inline void cli_print_lines(const char *text)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(stderr, "stampede: %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
}

#endif
