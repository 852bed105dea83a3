/* vary.h - the values of one --vary: a list "a,b,c" (commas inside JSON
 * brackets or strings do not split), a range "lo:hi:step" (the step must land
 * on hi, within 1e-9 relative; else the error names the nearest ends) or "lo:hi:xN" (N geometrically spaced
 * points, both ends included); bounds and step are numbers or durations
 * ("10s"). */
#ifndef STAMPEDE_SWEEP_VARY_H
#define STAMPEDE_SWEEP_VARY_H

#include <stddef.h>

#include "results/sweepfile.h"

/* Parses VALUES into *out (ended by sweep_values_free).  Returns 0, or -1
 * with a message in err and *out empty. */
int sweep_parse_values(const char *spec, sweep_values *out, char *err, size_t errlen);
/* A number or a duration, signed ("-10s"): 0 with *x, or -1. */
int sweep_bound_value(const char *s, double *x);

#endif
