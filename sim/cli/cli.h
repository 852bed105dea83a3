/* cli.h - the command line, the only part of stampede that reads argv,
 * prints, installs signal handlers or chooses an exit status: main.c
 * dispatches to one file per command (cmd_NAME.c), each parsing its options
 * with getopt_long; usage.c holds every usage text, signals.c the handlers.
 * Below cli/ a failure comes back as a status with its message
 * (base/status.h); here it becomes "stampede: MESSAGE" on stderr and an exit
 * status (cli_exit_code).
 *
 * Each command takes argv from the command's name on (argv[0] is "run") and
 * returns the exit status: 0 success, 1 a failure while running, 2 bad usage
 * or bad input (nothing written). */
#ifndef STAMPEDE_CLI_H
#define STAMPEDE_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "base/status.h"

#define EXIT_OK 0
#define EXIT_FAILED 1   /* a failure while running, or interrupted */
#define EXIT_USAGE 2    /* bad usage or bad input: nothing was written */

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_live(int argc, char **argv);

/* The exit status of a status code: OK 0, INPUT and USAGE 2, FAILED and
 * STOPPED 1. */
int cli_exit_code(enum status_code code);
/* "stampede: LINE" for each line of st's message on stderr. */
void cli_report(const struct status *st);
/* The same, as a usage error of command cmd (cli_usage_error) when st's
 * code is STATUS_USAGE. */
void cli_report_cmd(const char *cmd, const struct status *st);
/* A usage error of command cmd ("run", "sweep", ...; "" for the program):
 * "stampede: <message> (see 'stampede cmd --help')" on stderr; returns
 * EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct diag;
struct scenario;
/* The strategies --strategy L[,L...] selects (all, in order, without it):
 * their indices in idx (room for every strategy) and how many; 0, or -1
 * after saying which label is unknown. */
int cli_select_labels(const struct scenario *sc, const char *list, size_t *idx, size_t *n);
/* Each message of a loader's diag list (scenario/load.h) as "stampede: MSG"
 * on stderr. */
void cli_print_diag(const struct diag *d);
/* Each line of text as "stampede: LINE" on stderr. */
void cli_print_lines(const char *text);
struct option;
/* The usage error of an option getopt_long did not know (arg as given,
 * "--sett=x" or "-z"): "CMD: unknown option --sett (did you mean --set?)"
 * when one of opts is close; returns EXIT_USAGE. */
int cli_unknown_option(const char *cmd, const char *arg, const struct option *opts);
/* Every sweep metric with its unit and what it counts (sweep --metrics). */
void cli_print_metrics(FILE *f);
/* A non-negative integer, the whole text (no sign, no space): 0 with *out,
 * or -1. */
int cli_parse_u64(const char *s, unsigned long long *out);
/* The monotonic clock in seconds, for progress lines. */
double cli_wall_now(void);

#endif
