/* csvin.c - reads the CSV files stampede writes, strictly (see csvin.h):
 * lines from textin, fields split by RFC 4180, cells checked by kind. */
#include "csvin.h"

#include "numtext.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csvin_close(csvin *c)
{
    textin_close(&c->t);
    if (c->head)
        for (size_t i = 0; i < c->ncols; i++) free(c->head[i]);
    free(c->head);
    free(c->cell);
    free(c->col);
    free(c->buf);
    memset(c, 0, sizeof *c);
    c->t.fd = -1;
}

static int line_error(csvin *c, size_t col, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "%s:%llu:%zu: error: %s", c->t.name, csvin_lineno(c), col, what);
    return TI_BAD;
}

/* Splits line into at most max fields (unquoted into buf, which holds len + 1
 * + max bytes); returns how many there are (max + 1 when more), or TI_BAD. */
static long split(csvin *c, const char *line, size_t len, char **cells, size_t *cols, size_t max, char *buf,
                  char *err, size_t errlen)
{
    size_t n = 0, i = 0, o = 0;
    for (;;) {
        if (n == max) return (long)max + 1;
        cells[n] = buf + o;
        cols[n] = i + 1;
        n++;
        if (i < len && line[i] == '"') {
            size_t open = i++;
            for (;;) {
                if (i == len)
                    return line_error(c, open + 1, err, errlen,
                                      "a quoted field is not closed on its line (line breaks in fields are not read)");
                if (line[i] == '"') {
                    if (i + 1 < len && line[i + 1] == '"') {
                        buf[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                buf[o++] = line[i++];
            }
            if (i < len && line[i] != ',') return line_error(c, i + 1, err, errlen, "text after a closing quote");
        } else {
            while (i < len && line[i] != ',') {
                if (line[i] == '"') return line_error(c, i + 1, err, errlen, "a quote inside an unquoted field");
                buf[o++] = line[i++];
            }
        }
        buf[o++] = 0;
        if (i == len) return (long)n;
        i++;   /* the comma */
    }
}

static int start(csvin *c, char *err, size_t errlen)
{
    char *line;
    size_t len;
    int r = textin_line(&c->t, &line, &len, err, errlen);
    if (r == TI_END) {
        snprintf(err, errlen, "%s: error: the file is empty (a header was expected)", c->t.name);
        return TI_BAD;
    }
    if (r != TI_LINE) return r;
    size_t max = 1;
    for (size_t i = 0; i < len; i++) max += line[i] == ',';
    c->bufcap = len + 1 + max;
    c->head = calloc(max, sizeof *c->head);
    c->cell = calloc(max, sizeof *c->cell);
    c->col = calloc(max, sizeof *c->col);
    c->buf = malloc(c->bufcap);
    if (!c->head || !c->cell || !c->col || !c->buf) {
        snprintf(err, errlen, "out of memory");
        return TI_IO;
    }
    long n = split(c, line, len, c->cell, c->col, max, c->buf, err, errlen);
    if (n < 0) return (int)n;
    c->ncols = (size_t)n;
    for (size_t i = 0; i < c->ncols; i++) {
        if (!*c->cell[i]) return line_error(c, c->col[i], err, errlen, "a column without a name in the header");
        for (size_t k = 0; k < i; k++)
            if (!strcmp(c->head[k], c->cell[i])) {
                char what[256];
                snprintf(what, sizeof what, "column \"%.100s\" is named twice in the header", c->cell[i]);
                return line_error(c, c->col[i], err, errlen, what);
            }
        if (!(c->head[i] = strdup(c->cell[i]))) {
            snprintf(err, errlen, "out of memory");
            return TI_IO;
        }
    }
    return 0;
}

int csvin_open(csvin *c, const char *path, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    int r = textin_open(&c->t, path, NULL, TI_REGULAR | TI_NEED_EOL, CSV_MAX_LINE, NULL, err, errlen);
    return r ? r : start(c, err, errlen);
}

int csvin_open_mem(csvin *c, const char *name, const char *data, size_t len, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    int r = textin_open_mem(&c->t, name, data, len, TI_NEED_EOL, CSV_MAX_LINE, err, errlen);
    return r ? r : start(c, err, errlen);
}

int csvin_find(const csvin *c, const char *name)
{
    for (size_t i = 0; i < c->ncols; i++)
        if (!strcmp(c->head[i], name)) return (int)i;
    return -1;
}

int csvin_need(csvin *c, const char *name, char *err, size_t errlen)
{
    int k = csvin_find(c, name);
    if (k < 0) snprintf(err, errlen, "%s:1: error: no column \"%s\" in the header", c->t.name, name);
    return k;
}

int csvin_row(csvin *c, char *err, size_t errlen)
{
    char *line;
    size_t len;
    int r = textin_line(&c->t, &line, &len, err, errlen);
    if (r != TI_LINE) return r;
    if (len + 1 + c->ncols > c->bufcap) {
        size_t cap = len + 1 + c->ncols;
        char *b = realloc(c->buf, cap);
        if (!b) {
            snprintf(err, errlen, "out of memory");
            return TI_IO;
        }
        c->buf = b;
        c->bufcap = cap;
    }
    long n = split(c, line, len, c->cell, c->col, c->ncols, c->buf, err, errlen);
    if (n < 0) return (int)n;
    if ((size_t)n != c->ncols) {
        char what[128];
        if ((size_t)n > c->ncols) snprintf(what, sizeof what, "more fields than the header's %zu", c->ncols);
        else snprintf(what, sizeof what, "%ld fields where the header has %zu", n, c->ncols);
        return line_error(c, 1, err, errlen, what);
    }
    return TI_LINE;
}

int csvin_error(csvin *c, int col, char *err, size_t errlen, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s:%llu:%zu: error: %s: %s", c->t.name, csvin_lineno(c), c->col[col], c->head[col], what);
    return TI_BAD;
}

int csvin_num(csvin *c, int col, unsigned kind, double *out, char *err, size_t errlen)
{
    const char *s = c->cell[col];
    size_t n = strlen(s);
    unsigned k = kind & CK_KIND;
    double v;
    *out = NAN;
    if (!n && (kind & CK_EMPTY || k == CK_ANY)) return 0;
    if ((kind & CK_INF) && !strcmp(s, "inf")) {
        *out = INFINITY;
        return 0;
    }
    bool num = num_parse_decimal(s, n, &v) == 0;
    if (k == CK_ANY) {
        if (num && isfinite(v)) *out = v;
        return 0;
    }
    static const char *const what[] = {
        [CK_COUNT] = "an integer from 0 to 2^53",
        [CK_REAL] = "a number from 0 to 1e15",
        [CK_FRACTION] = "a number from 0 to 1",
        [CK_SECONDS] = "a number of seconds from 0 to 1e15",
        [CK_SIGNED] = "a number from -1e15 to 1e15",
    };
    bool ok = num && isfinite(v);
    switch (k) {
    case CK_COUNT: ok = ok && v >= 0 && v <= 9007199254740992.0 && v == floor(v); break;
    case CK_REAL:
    case CK_SECONDS: ok = ok && v >= 0 && v <= 1e15; break;
    case CK_FRACTION: ok = ok && v >= 0 && v <= 1; break;
    case CK_SIGNED: ok = ok && v >= -1e15 && v <= 1e15; break;
    default: ok = false; break;
    }
    if (!ok) {
        char got[96];
        textin_show(got, sizeof got, s, n, 40);
        return csvin_error(c, col, err, errlen, "expected %s%s%s (got %s)",
                           k < sizeof what / sizeof *what && what[k] ? what[k] : "a number",
                           kind & CK_INF ? ", or inf" : "", kind & CK_EMPTY ? ", or nothing" : "", got);
    }
    *out = v == 0 ? 0.0 : v;   /* no -0 */
    return 0;
}
