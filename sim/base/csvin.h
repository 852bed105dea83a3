/* csvin.h - the one strict reader of the CSV files stampede writes
 * (comparison.csv, timeseries.csv, latency_hist.csv, stampede_sizes.csv,
 * runs.csv, sweep.csv), for plot and merge.
 *
 * A file is a header and rows (RFC 4180: fields separated by commas, quoted
 * with "" when they hold a comma, a quote or a line break; LF or CRLF line
 * ends, the last line ended too), read line by line through textin (no
 * fixed-size buffer, NUL bytes and invalid UTF-8 refused).  Columns are found
 * by name, so a column this version does not know is no error; a row with
 * more or fewer fields than the header is.  Cells are read by kind, each
 * with its range; the first problem is "FILE:LINE:COL: error: column: what
 * (got X)".
 *
 * Ownership: csvin_open fills a caller-owned struct that csvin_close ends
 * (safe on a zeroed or failed one); cells live until the next csvin_row. */
#ifndef STAMPEDE_CSVIN_H
#define STAMPEDE_CSVIN_H

#include <stdbool.h>
#include <stddef.h>

#include "textin.h"

#define CSV_MAX_LINE (1u << 20)   /* bytes per line */

/* What a cell holds.  The kinds are numbers in a range; CK_EMPTY may be or'ed
 * in where an empty cell (a value that does not exist: no answered request)
 * is allowed, and reads as NAN; CK_INF where "inf" is (a latency counting
 * failures as infinitely slow, a recovery that never came). */
enum cell_kind {
    CK_ANY = 0,         /* a column read by name only: a number, else NAN; never an error */
    CK_COUNT,           /* an integer from 0 to 2^53 */
    CK_REAL,            /* a number from 0 to 1e15 */
    CK_FRACTION,        /* a number from 0 to 1 */
    CK_SECONDS,         /* a number of seconds from 0 to 1e15 */
    CK_SIGNED,          /* a number from -1e15 to 1e15 (a difference) */
    CK_KIND = 0xff,
    CK_EMPTY = 0x100,
    CK_INF = 0x200,
};

typedef struct csvin {
    textin t;
    char **head;          /* column names */
    size_t ncols;
    char **cell;          /* the current row, ncols cells */
    size_t *col;          /* the byte column where each cell starts */
    char *buf;            /* the unquoted cells */
    size_t bufcap;
} csvin;

/* Opens path (a regular file) and reads its header.  Returns 0, TI_BAD (no
 * such file, not a file, empty, malformed header, a column named twice) or
 * TI_IO (no memory), with err set. */
int csvin_open(csvin *c, const char *path, char *err, size_t errlen);
/* The same over memory (for the fuzzers), named name. */
int csvin_open_mem(csvin *c, const char *name, const char *data, size_t len, char *err, size_t errlen);
/* The index of a column, or -1. */
int csvin_find(const csvin *c, const char *name);
/* The index of a column that must be there; -1 with "FILE:1: error: no
 * column NAME" in err. */
int csvin_need(csvin *c, const char *name, char *err, size_t errlen);
/* The next row: TI_LINE, TI_END, or TI_BAD / TI_IO with err set. */
int csvin_row(csvin *c, char *err, size_t errlen);
static inline const char *csvin_cell(const csvin *c, int col) { return c->cell[col]; }
static inline unsigned long long csvin_lineno(const csvin *c) { return (unsigned long long)c->t.lineno; }
/* The cell of column col read as kind: 0 with *out, or TI_BAD with err. */
int csvin_num(csvin *c, int col, unsigned kind, double *out, char *err, size_t errlen);
/* An error about cell col of the current row: "FILE:LINE:COL: error: NAME:
 * what"; returns TI_BAD. */
int csvin_error(csvin *c, int col, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void csvin_close(csvin *c);

#endif
