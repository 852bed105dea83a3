/* cliopt.h - the one way the commands read an option: "--name=value" or
 * "--name" (its value then the next argument). */
#ifndef STAMPEDE_CLIOPT_H
#define STAMPEDE_CLIOPT_H

#include <stdio.h>
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

#endif
