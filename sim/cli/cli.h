/* cli.h - commands whose command line lives in a file of its own
 * (sim/cli_NAME.c): argument parsing, printing, signals and exit statuses
 * are there and nowhere below.  Each takes argv from the command's name on
 * (argv[0] is "fit") and returns the exit status: 0 success, 1 a failure
 * while running, 2 bad usage or bad input (nothing written). */
#ifndef STAMPEDE_CLI_H
#define STAMPEDE_CLI_H

int cli_fit(int argc, char **argv);

#endif
