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

#endif
