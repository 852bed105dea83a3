/* trace.c - reads a replayed trace row by row (the format: trace.h).  Every
 * line is checked whole: its bytes by textin, its fields here, so a row is
 * either exactly what the file says or an error that names its line and
 * column. */
#include "trace.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/numtext.h"

int trace_open(trace_in *tr, const char *path, uint64_t keys, uint32_t nodes, volatile int *stop, char *err,
               size_t errlen)
{
    memset(tr, 0, sizeof *tr);
    tr->keys = keys;
    tr->nodes = nodes;
    tr->header_allowed = true;
    return textin_open(&tr->t, path, NULL, TI_SKIP_BOM, TRACE_MAX_LINE, stop, err, errlen);
}

int trace_open_mem(trace_in *tr, const char *name, const char *data, size_t len, uint64_t keys, uint32_t nodes,
                   char *err, size_t errlen)
{
    memset(tr, 0, sizeof *tr);
    tr->keys = keys;
    tr->nodes = nodes;
    tr->header_allowed = true;
    return textin_open_mem(&tr->t, name, data, len, TI_SKIP_BOM, TRACE_MAX_LINE, err, errlen);
}

void trace_close(trace_in *tr)
{
    textin_close(&tr->t);
}

typedef struct field { const char *s; size_t n, col; } field;

static bool blank(char c) { return c == ' ' || c == '\t'; }

/* Splits the line at commas into at most 4 fields, each without the blanks
 * around it; returns how many there are. */
static size_t split(const char *line, size_t len, field *f)
{
    size_t n = 0, i = 0;
    for (;;) {
        size_t start = i;
        while (i < len && line[i] != ',') i++;
        size_t a = start, b = i;
        while (a < b && blank(line[a])) a++;
        while (b > a && blank(line[b - 1])) b--;
        if (n < 4) f[n] = (field){ line + a, b - a, a + 1 };
        n++;
        if (i == len) return n;
        i++;
    }
}

static bool is(const field *f, const char *word) { return f->n == strlen(word) && !memcmp(f->s, word, f->n); }

__attribute__((format(printf, 5, 6)))
static int row_error(trace_in *tr, size_t col, char *err, size_t errlen, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s:%llu:%zu: error: %s", tr->t.name, (unsigned long long)trace_lineno(tr), col, what);
    tr->t.eof = true;   /* nothing after an error */
    return TI_BAD;
}

/* An integer field below limit (of what): 0 or an error. */
static int integer(trace_in *tr, const field *f, const char *name, uint64_t limit, const char *of, uint64_t *out,
                   char *err, size_t errlen)
{
    char got[96];
    textin_show(got, sizeof got, f->s, f->n, 40);
    uint64_t v = 0;
    bool ok = f->n > 0, over = false;
    for (size_t i = 0; i < f->n && ok; i++) {
        if (f->s[i] < '0' || f->s[i] > '9') ok = false;
        else if (v > (UINT64_MAX - (uint64_t)(f->s[i] - '0')) / 10) over = true;   /* beyond 2^64 - 1 */
        else v = v * 10 + (uint64_t)(f->s[i] - '0');
    }
    if (!ok)
        return row_error(tr, f->col, err, errlen, "%s: expected an integer from 0 to %llu (got %s)", name,
                         (unsigned long long)limit - 1, got);
    if (over || v >= limit)
        return row_error(tr, f->col, err, errlen, "%s: %s is beyond %s (%llu): expected 0 to %llu", name, got, of,
                         (unsigned long long)limit, (unsigned long long)limit - 1);
    *out = v;
    return 0;
}

int trace_read(trace_in *tr, trace_row *row, char *err, size_t errlen)
{
    for (;;) {
        char *line;
        size_t len;
        int r = textin_line(&tr->t, &line, &len, err, errlen);
        if (r != TI_LINE) return r;
        size_t i = 0;
        while (i < len && blank(line[i])) i++;
        if (i == len || line[i] == '#') continue;
        field f[4];
        size_t n = split(line, len, f);
        bool first = tr->header_allowed;
        tr->header_allowed = false;
        if (first && (n == 2 || n == 3) && is(&f[0], "t") && is(&f[1], "key") && (n == 2 || is(&f[2], "node")))
            continue;   /* the header */
        for (size_t k = 0; k < n && k < 4; k++)
            if (f[k].n && f[k].s[0] == '"')
                return row_error(tr, f[k].col, err, errlen,
                                 "a quoted field: write rows t,key[,node] as plain numbers, without quotes");
        if (n < 2 || n > 3) {
            const char *hint = n == 1 && (memchr(line, ';', len) || memchr(line, '\t', len))
                                   ? " separated by commas" : "";
            return row_error(tr, n > 3 ? f[3].col : 1, err, errlen,
                             "expected a row t,key[,node]%s: 2 or 3 fields (got %zu)", hint, n);
        }
        char got[96];
        textin_show(got, sizeof got, f[0].s, f[0].n, 40);
        double t;
        if (num_parse_decimal(f[0].s, f[0].n, &t))
            return row_error(tr, f[0].col, err, errlen, "t: expected a time in seconds, a decimal number >= 0 (got %s)%s",
                             got, first ? "; a header must be exactly t,key or t,key,node" : "");
        if (t < 0 || (t == 0 && f[0].s[0] == '-'))
            return row_error(tr, f[0].col, err, errlen, "t: expected a time >= 0 (got %s)", got);
        if (!isfinite(t)) return row_error(tr, f[0].col, err, errlen, "t: %s is not a finite number", got);
        if (t < tr->last) {
            char prev[40];
            num_fmt_shortest(prev, sizeof prev, tr->last);
            return row_error(tr, f[0].col, err, errlen,
                             "t: %s is before the previous row's %s: rows must be in time order", got, prev);
        }
        uint64_t key, node = UINT32_MAX;
        if (integer(tr, &f[1], "key", tr->keys, "keys.count", &key, err, errlen)) return TI_BAD;
        if (n == 3 && integer(tr, &f[2], "node", tr->nodes, "app.nodes", &node, err, errlen)) return TI_BAD;
        tr->last = t;
        tr->rows++;
        row->t = t;
        row->key = key;
        row->node = (uint32_t)node;
        return TI_LINE;
    }
}
