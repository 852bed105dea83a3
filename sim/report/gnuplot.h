/* gnuplot.h - stampede and gnuplot: the one runner (`gnuplot -d`, so a
 * user's ~/.gnuplot never changes a chart), the escapers every piece of data
 * goes through on its way into a script, the chart formats and the
 * templates of plots/ with their placeholders.
 *
 * Strings returned malloc'd are the caller's to free. */
#ifndef STAMPEDE_GNUPLOT_H
#define STAMPEDE_GNUPLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strbuf.h"

/* Data in a gnuplot script.  Every string that comes from a file lands in
 * script text through one of these, escaped for exactly where it lands; no
 * line break of it ever reaches the script (a new line is a new command),
 * nor a byte that is not UTF-8 (it becomes '?').  Numbers go in through "%.10g"
 * (gp_num), never as text; per-row data go in datablocks or the
 * folder's own files, which gnuplot reads as data.  Terminals are
 * `noenhanced`, so no text is markup either. */

/* s as a gnuplot single-quoted string ('it''s'), which gnuplot takes
 * literally: no backslash escapes, no macro or backquote expansion. */
void gp_quote(strbuf *b, const char *s);
/* s as a quoted tic label, which gnuplot also reads as a format: '%' doubled. */
void gp_tic(strbuf *b, const char *s);
/* s in a comment (after a '#' the caller wrote): a backslash, which at the end
 * of the line would carry the comment onto the next one, becomes '/'. */
void gp_comment(strbuf *b, const char *s);

/* A number for a gnuplot script: "%.10g", exact and locale-free; NaN and
 * the infinities as NaN (never "inf" or "nan", which gnuplot reads as names). */
void gp_num(strbuf *b, double v);

/* ---------------------------------------------------------------- formats */

enum plot_format { PLOT_SVG = 1, PLOT_PNG = 2, PLOT_PDF = 4 };
#define PLOT_FORMATS_DEFAULT (PLOT_SVG | PLOT_PNG)

/* Parses "svg,png,pdf" (any order, any subset); returns 0 or -1. */
int plot_parse_formats(const char *list, unsigned *formats);
/* The file extension of one format ("svg", "png", "pdf"). */
const char *plot_format_ext(unsigned format);

/* ---------------------------------------------------------------- templates */

/* A template placeholder and its value.  In a template, @KEY@ (upper case,
 * digits, underscores) is replaced by the value; a placeholder alone on its
 * line gets the line's indentation on every line of a multi-line value.  A
 * placeholder without a value is an error, so a template typo cannot reach
 * gnuplot. */
typedef struct subst {
    const char *key;
    const char *value;
} subst;

/* Copies tpl (the text of the template named tplname, for messages) into
 * out with every @KEY@ replaced by its value in subs[0..n) (later entries
 * win); 0, or -1 with the template's line in err. */
int gp_fill_template(strbuf *out, const char *tpl, const char *tplname, const subst *subs, size_t n, char *err,
                     size_t errlen);
/* The folder holding the templates, malloc'd: $STAMPEDE_PLOTS_DIR, the
 * folder the build compiled in (STAMPEDE_PLOTS_DIR: PREFIX/share/stampede/plots
 * once installed), beside the program (../share/stampede/plots, plots,
 * ../plots), or ./plots; NULL when none holds common.gp. */
char *gp_templates_dir(void);

/* ---------------------------------------------------------------- running */

/* What to say when gnuplot is missing. */
extern const char gp_missing[];
/* The first executable NAME on $PATH, malloc'd; NULL when there is none. */
char *gp_find_program(const char *name);
/* 0 when gnuplot is on PATH, else -1 with what to install in err. */
int plot_ready(char *err, size_t errlen);

/* Runs `gnuplot -d SCRIPT` (the program at path gnuplot) in dir, stdin and
 * stdout /dev/null; what it prints on stderr goes to *msgs.  A raised stop
 * flag (base/stop.h) stops gnuplot too.  Returns its exit status, -1 when it
 * could not be run, -2 when stopped. */
int gp_run(const char *gnuplot, const char *dir, const char *script, strbuf *msgs);

#endif
