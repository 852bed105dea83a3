/* numtext.h - numbers and durations as text: the one reader of a decimal
 * number, of a duration ("250us", "20ms", "1.5s", "2m", "1h") and of an exact
 * unsigned integer literal, and the two ways stampede writes a number: the
 * shortest text that reads back (scenarios, messages) and a CSV cell (results).
 * Locale-free: the program runs in the C locale. */
#ifndef STAMPEDE_NUMTEXT_H
#define STAMPEDE_NUMTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A decimal number at the start of t (digits, optional fraction and exponent;
 * a leading '-' when sign): 0 with *x (never -0) and *end after it, 1 when
 * there is none, 2 when it is not finite. */
int num_scan(const char *t, bool sign, double *x, const char **end);
/* A duration, the whole of t: a number of seconds (unless need_unit) or a
 * number with a unit us, ms, s, m or h.  0 with *x, 1 when it is not one, 2
 * when it is not finite.  "20ms" is the double nearest 0.02. */
int num_duration(const char *t, bool need_unit, bool sign, double *x);
/* A duration, unsigned, a bare number allowed: 0 with *out, or -1. */
int num_parse_duration(const char *text, double *out);
/* A plain number, the whole of t: true with *x. */
bool num_text(const char *t, double *x);
/* A JSON number literal of n bytes read exactly (seeds up to 2^64-1): true
 * with *out when it is an integer in [0, 2^64).  "1e3" and "2.0" are
 * integers; "-0" is 0. */
bool num_literal_uint(const char *s, size_t n, uint64_t *out);
/* A strict decimal number of n bytes: -?digits[.digits][e[+-]digits] (JSON's
 * grammar but with leading zeros allowed), no spaces, no hex, inf or nan;
 * returns 0 and the value (which may still be infinite when huge), or -1. */
int num_parse_decimal(const char *s, size_t n, double *out);

/* The shortest decimal text that reads back as v ("0.2", not
 * "0.20000000000000001"). */
void num_fmt_shortest(char *buf, size_t n, double v);
/* A number as a CSV cell of stampede's outputs: integers exactly, others
 * with 9 significant digits, +inf "inf" (a recovery that never came, a
 * percentile among failed requests), NaN empty (buf "").  Read back by
 * csvin. */
void num_fmt_csv(char *buf, size_t n, double v);

#endif
