/* usage.h - the usage texts of stampede, stampede-mpi and stampede-live (usage.c): what
 * `--help` prints for the program and each command, and what the manual
 * page stampede(1) is made of.  Each is the whole text, ending in a line
 * break; its first line is "usage: ...". */
#ifndef STAMPEDE_USAGE_H
#define STAMPEDE_USAGE_H

extern const char usage_main[];
extern const char usage_run[];
extern const char usage_validate[];
extern const char usage_plot[];
extern const char usage_sweep[];
extern const char usage_merge[];
extern const char usage_fit[];
extern const char usage_live[];
extern const char usage_mpi[];

/* The commands in the order --help lists them, with their texts. */
typedef struct usage_command {
    const char *name;
    const char *text;
} usage_command;
extern const usage_command usage_commands[];   /* NULL-terminated */

#endif
