/* trace.h - the reader of a replayed trace (clients.arrivals.trace): rows
 * "t,key[,node]" read as a stream, one at a time, so memory stays flat.
 *
 * The format, exactly: lines end with LF or CRLF and hold at most
 * TRACE_MAX_LINE bytes; a UTF-8 byte-order mark may open the file; blank
 * lines and lines starting with '#' are skipped; the first other line may be
 * the header "t,key" or "t,key,node"; every other line is a row of two or
 * three comma-separated fields (spaces and tabs around a field are allowed):
 * t, a decimal number of seconds >= 0, not below the previous row's; key, an
 * integer below keys.count; node, an integer below app.nodes.  Anything else
 * (NUL bytes, invalid UTF-8, a lone CR, quotes, hex or inf, trailing bytes)
 * is an error "FILE:LINE:COL: error: what".
 *
 * Ownership: trace_open fills a caller-owned struct ended by trace_close
 * (safe on a zeroed or failed one). */
#ifndef STAMPEDE_TRACE_H
#define STAMPEDE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/textin.h"

#define TRACE_MAX_LINE 4096   /* bytes per line, its line end excluded */

typedef struct trace_in {
    textin t;
    uint64_t keys;            /* keys.count */
    uint32_t nodes;           /* app.nodes */
    double last;              /* t of the previous row */
    uint64_t rows;            /* rows read so far */
    bool header_allowed;      /* no row or header yet */
} trace_in;

typedef struct trace_row {
    double t;
    uint64_t key;
    uint32_t node;            /* UINT32_MAX when the row gives none */
} trace_row;

/* Opens the trace at path (a file, a FIFO or a pipe; a folder or a block
 * device is refused).  stop (may be NULL) is checked while waiting for input.
 * Returns 0 or a TI_* error with err set. */
int trace_open(trace_in *tr, const char *path, uint64_t keys, uint32_t nodes, volatile int *stop, char *err,
               size_t errlen);
/* The same over len bytes of memory, named name in messages. */
int trace_open_mem(trace_in *tr, const char *name, const char *data, size_t len, uint64_t keys, uint32_t nodes,
                   char *err, size_t errlen);
/* The next row: TI_LINE with *row, TI_END, or TI_BAD / TI_IO / TI_STOP with
 * err set. */
int trace_read(trace_in *tr, trace_row *row, char *err, size_t errlen);
/* The line of the row (or problem) returned last. */
static inline uint64_t trace_lineno(const trace_in *tr) { return textin_lineno(&tr->t); }
void trace_close(trace_in *tr);

#endif
