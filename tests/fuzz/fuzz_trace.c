/* fuzz_trace.c - libFuzzer target for the trace reader (trace.c) and the line
 * reader under it (textin.c).  An input is a trace file; it is read row by
 * row as a run of 100 keys on 4 nodes reads it.  Every row it hands out must
 * be one the format allows (t finite, >= 0, not below the previous row's;
 * key < 100; node < 4 or none), and after an error nothing more may come: any
 * other answer, a crash, a leak or a sanitizer report is a bug. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    trace_in tr;
    char err[1024];
    if (trace_open_mem(&tr, "fuzz.csv", (const char *)data, size, 100, 4, err, sizeof err)) abort();
    trace_row row;
    double last = 0;
    int r;
    while ((r = trace_read(&tr, &row, err, sizeof err)) == TI_LINE) {
        if (!isfinite(row.t) || row.t < last || row.key >= 100 || (row.node >= 4 && row.node != UINT32_MAX)) abort();
        last = row.t;
    }
    if (r == TI_BAD) {
        if (strncmp(err, "fuzz.csv:", 9) || !strstr(err, "error: ")) abort();   /* located, and says so */
        if (trace_read(&tr, &row, err, sizeof err) != TI_END) abort();
    } else if (r != TI_END) {
        abort();   /* from memory: no I/O error, no stop */
    }
    trace_close(&tr);
    return 0;
}
