/* reporttext.h - numbers in words for the pages and charts, and text escaped
 * for HTML (reporttext.c). */
#ifndef STAMPEDE_REPORTTEXT_H
#define STAMPEDE_REPORTTEXT_H

#include <stddef.h>

#include "base/strbuf.h"

/* A count with thousands separators ("12,157"); "n/a" for NAN. */
void report_fmt_count(char *buf, size_t n, double v);
/* A fraction as a percentage that is never rounded to 0% or 100% when it is
 * neither ("99.99%", "0.52%"); "n/a" for NAN. */
void report_fmt_pct(char *buf, size_t n, double x);
/* A duration in seconds in the unit that reads best, three significant digits
 * ("750 µs", "22.3 ms", "4.27 s"); "n/a" for NAN. */
void report_fmt_seconds(char *buf, size_t n, double s);

/* s as HTML text: markup characters escaped, control characters as spaces,
 * invalid UTF-8 as '?'. */
void report_html_escape(strbuf *b, const char *s);

#endif
