/* load.h - the loader that builds a scenario (model/scenario.h) from a JSON
 * file.
 *
 * scenario_load checks every field and reports every problem in the file at
 * once; on success the caller owns the scenario and frees it with
 * scenario_free, on failure nothing is allocated and the errors are in the
 * diag list.  cJSON stays inside scenario.c and jsonloc.c. */
#ifndef STAMPEDE_SCENARIO_LOAD_H
#define STAMPEDE_SCENARIO_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "model/scenario.h"

/* Errors found while loading: each is already formatted as the contract's
 * "FILE:LINE:COL: error: /pointer: what is wrong (got X)" without the
 * leading "stampede: ". */
typedef struct diag {
    char **msgs;
    size_t n, cap;
} diag;

void diag_add(diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_free(diag *d);

/* A --set override: a dotted path ("cache.ttl", "strategies.3.beta") and the
 * text after '='; read as JSON when it parses, else as a string. */
typedef struct override { const char *path; const char *value; } override;

/* Loads and checks a scenario file with overrides applied. Returns NULL with
 * every problem in *errs (at least one), or the scenario. */
scenario *scenario_load(const char *path, const override *ovr, size_t novr, diag *errs);
/* The same, with the warnings of the units guard added to *warns: a bare
 * number of 10 or more in a latency or timeout field (a duration whose
 * pointer names "latency" or "timeout") is seconds, perhaps meant as
 * milliseconds; "FILE:LINE:COL: warning: /pointer: ..." or "--set PATH:
 * warning: ...".  The scenario loads as it would without them. */
scenario *scenario_load_warn(const char *path, const override *ovr, size_t novr, diag *errs, diag *warns);
/* The same from len bytes of text (not necessarily NUL-terminated, copied),
 * read as if they were the file name: it names them in messages, gives the
 * default scenario name and the folder of a relative trace path. */
scenario *scenario_load_text(const char *name, const char *text, size_t len, const override *ovr, size_t novr,
                             diag *errs);
void scenario_free(scenario *s);

/* True when s may name a scenario, a label or a results folder: 1 to 255
 * letters, digits, '.', '_' and '-', starting with a letter or digit. */
bool scenario_valid_name(const char *s);

/* True when the scenario replays a trace that can be read only once (a FIFO,
 * a pipe, a character device): each run reads it whole, so only one run may. */
bool scenario_trace_once(const scenario *s);

#endif
