/* jsonfile.h - a JSON file of a stampede folder (summary.json, scenario.json,
 * sweep.json, the folder marker) read whole and strictly: a syntax error, a
 * duplicate field or a value of the wrong kind is "FILE:LINE:COL: error:
 * /json/pointer: what".  cJSON reads the values, jsonloc (jsonloc.h) finds
 * where they are.
 *
 * Ownership: jfile_open fills a caller-owned struct that jfile_close ends
 * (safe on a zeroed or failed one); values found in it live as long. */
#ifndef STAMPEDE_JSONFILE_H
#define STAMPEDE_JSONFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define JFILE_MAX (64u << 20)   /* bytes */

struct cJSON;
struct jl_doc;

typedef struct jfile {
    char *name;               /* the path, for messages */
    char *text;
    size_t len;
    struct jl_doc *doc;
    struct cJSON *root;
} jfile;

/* Reads and parses path.  Returns 0, TI_BAD (unreadable, not JSON, a field
 * given twice) or TI_IO (no memory) with err set. */
int jfile_open(jfile *j, const char *path, char *err, size_t errlen);
/* The same from memory (copied), named name. */
int jfile_open_mem(jfile *j, const char *name, const char *data, size_t len, char *err, size_t errlen);
void jfile_close(jfile *j);

/* The value at a JSON pointer ("" the root, "/faults/0/at"), or NULL. */
const struct cJSON *jfile_get(const jfile *j, const char *pointer);
/* "NAME:LINE:COL: error: POINTER: what" located at the value (or, when it is
 * missing, at the nearest object that holds it); returns TI_BAD. */
int jfile_error(const jfile *j, const char *pointer, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Typed reads of the value at pointer; each returns 0 (*out set, or left
 * alone when the value is absent and not required) or TI_BAD with err. */
int jfile_string(const jfile *j, const char *pointer, bool required, const char **out, char *err, size_t errlen);
/* A number in [lo, hi]; integer: a whole number too. */
int jfile_number(const jfile *j, const char *pointer, bool required, double lo, double hi, bool integer, double *out,
                 char *err, size_t errlen);
/* A duration (a number of seconds or a string "20ms") in [lo, hi]. */
int jfile_duration(const jfile *j, const char *pointer, bool required, double lo, double hi, double *out, char *err,
                   size_t errlen);

/* The header of a file stampede writes: an object whose "format" is format
 * and "format_version" version (what names the file in the message).  0 or
 * TI_BAD with err. */
int jfile_format(const jfile *j, const char *what, const char *format, double version, char *err, size_t errlen);

/* Writes s as a JSON string literal (quotes, backslashes and control
 * characters escaped). */
void jfile_put_string(FILE *f, const char *s);

#endif
