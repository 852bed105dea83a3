/* csvout.h - writing the CSV files stampede makes (comparison.csv,
 * timeseries.csv, runs.csv, sweep.csv, ...): cells as csvin reads them back. */
#ifndef STAMPEDE_CSVOUT_H
#define STAMPEDE_CSVOUT_H

#include <stdio.h>

/* A number as num_fmt_csv writes it (numtext.h): integers exactly, others
 * with 9 significant digits, +inf "inf", NaN an empty cell. */
void csvout_num(FILE *f, double v);
/* A text cell, quoted (RFC 4180) when it holds a comma, a quote or a line
 * break. */
void csvout_field(FILE *f, const char *s);

#endif
