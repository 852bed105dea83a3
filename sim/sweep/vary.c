/* vary.c - the values of one --vary (vary.h). */
#include "vary.h"

#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/numtext.h"

static int values_add(sweep_values *v, const char *text, const char *shown, double num)
{
    if (v->n == SWEEP_MAX_VALUES) return -2;
    char **t = realloc(v->text, (v->n + 1) * sizeof *t);
    if (!t) return -1;
    v->text = t;
    char **s = realloc(v->shown, (v->n + 1) * sizeof *s);
    if (!s) return -1;
    v->shown = s;
    double *d = realloc(v->num, (v->n + 1) * sizeof *d);
    if (!d) return -1;
    v->num = d;
    char *ct = strdup(text), *cs = strdup(shown);
    if (!ct || !cs) { free(ct); free(cs); return -1; }
    v->text[v->n] = ct;
    v->shown[v->n] = cs;
    v->num[v->n++] = num;
    return 0;
}

/* A plain number (strtod, the whole text, finite). */
static int plain_number(const char *s, double *x)
{
    char *end;
    if (!*s || strchr(" \t\n", *s)) return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v)) return -1;
    /* hex floats and "inf"/"nan" are not JSON numbers */
    if (strpbrk(s, "xXnN")) return -1;
    *x = v;
    return 0;
}

int sweep_bound_value(const char *s, double *x)
{
    if (plain_number(s, x) == 0) return 0;
    if (*s == '-') {
        double y;
        if (num_parse_duration(s + 1, &y) == 0) { *x = -y; return 0; }
        return -1;
    }
    return num_parse_duration(s, x);
}

/* Rounds to 12 significant digits, so 0.1 + 2*0.1 is 0.3. */
static double clean(double v)
{
    char b[64];
    snprintf(b, sizeof b, "%.12g", v);
    return strtod(b, NULL) + 0.0;
}

static int add_number(sweep_values *v, double x)
{
    char text[64], shown[64];
    snprintf(text, sizeof text, "%.12g", x);
    num_fmt_csv(shown, sizeof shown, x);
    return values_add(v, text, shown, x);
}

/* What a list item shows in the CSV: numbers and durations in seconds, a JSON
 * string without escapes as its content, anything else as given. */
static void shown_of(const char *item, char *buf, size_t n, double *num)
{
    double x;
    size_t len = strlen(item);
    *num = NAN;
    if (plain_number(item, &x) == 0 || num_parse_duration(item, &x) == 0) {
        *num = x;
        num_fmt_csv(buf, n, x);
        return;
    }
    if (len >= 2 && item[0] == '"' && item[len - 1] == '"' && !memchr(item + 1, '"', len - 2) &&
        !memchr(item + 1, '\\', len - 2) && len - 2 < n) {
        memcpy(buf, item + 1, len - 2);
        buf[len - 2] = 0;
        if (num_parse_duration(buf, &x) == 0) {
            *num = x;
            num_fmt_csv(buf, n, x);
        }
        return;
    }
    snprintf(buf, n, "%s", item);
}

/* A range bound as the user would write it: with a unit when the range's
 * start had one ("114s", "250ms"), else a plain number. */
static void fmt_bound(char *buf, size_t n, double x, bool dur)
{
    if (!dur) { snprintf(buf, n, "%.12g", x); return; }
    double a = fabs(x);
    if (a == 0 || a >= 1) snprintf(buf, n, "%.12gs", x);
    else if (a >= 1e-3) snprintf(buf, n, "%.12gms", clean(x * 1e3));
    else snprintf(buf, n, "%.12gus", clean(x * 1e6));
}

static int parse_range(char *parts[3], sweep_values *out, char *err, size_t errlen)
{
    double lo, hi, step;
    for (int i = 0; i < 2; i++)
        if (sweep_bound_value(parts[i], i ? &hi : &lo)) {
            snprintf(err, errlen, "range %s \"%s\" is not a number or a duration", i ? "end" : "start", parts[i]);
            return -1;
        }
    int rc = 0;
    if (parts[2][0] == 'x') {
        char *end;
        errno = 0;
        unsigned long long k = strtoull(parts[2] + 1, &end, 10);
        if (!parts[2][1] || *end || errno || parts[2][1] == '-' || parts[2][1] == '+' || k < 2) {
            snprintf(err, errlen, "a logarithmic range ends in xN with N an integer >= 2 (got \"%s\")", parts[2]);
            return -1;
        }
        if (k > SWEEP_MAX_VALUES) {
            snprintf(err, errlen, "%llu points is more than %d", k, SWEEP_MAX_VALUES);
            return -1;
        }
        if (!(lo > 0 && hi > 0)) {
            snprintf(err, errlen, "a logarithmic range needs lo > 0 and hi > 0");
            return -1;
        }
        out->log = true;
        for (unsigned long long i = 0; i < k && !rc; i++) {
            double x = i == 0 ? lo : i == k - 1 ? hi : clean(lo * pow(hi / lo, (double)i / (double)(k - 1)));
            rc = add_number(out, x);
        }
    } else {
        if (sweep_bound_value(parts[2], &step)) {
            snprintf(err, errlen, "range step \"%s\" is not a number, a duration or xN", parts[2]);
            return -1;
        }
        if (step == 0 || (hi - lo) / step < 0) {
            snprintf(err, errlen, "a step of %g never gets from %g to %g", step, lo, hi);
            return -1;
        }
        double kf = (hi - lo) / step;
        kf = floor(kf + 1e-9 * fmax(1.0, fabs(kf)));
        if (!(kf < SWEEP_MAX_VALUES)) {
            snprintf(err, errlen, "the range has more than %d values", SWEEP_MAX_VALUES);
            return -1;
        }
        double last = clean(lo + kf * step);
        if (fabs(last - hi) > 1e-9 * fmax(fabs(hi), fabs(step))) {
            /* a step that misses the end: say the two ends it would reach */
            char a[64], b[64], st[64];
            bool dur = num_parse_duration(parts[0], &(double){ 0 }) == 0 && plain_number(parts[0], &(double){ 0 }) != 0;
            fmt_bound(a, sizeof a, last, dur);
            fmt_bound(b, sizeof b, clean(last + step), dur);
            snprintf(st, sizeof st, "%s", parts[2]);
            snprintf(err, errlen, "the step %s does not land on the end %s: the nearest ends it reaches are %s and %s "
                                  "(write %s:%s:%s or %s:%s:%s)", st, parts[1], a, b, parts[0], a, st, parts[0], b, st);
            return -1;
        }
        size_t k = (size_t)kf + 1;
        for (size_t i = 0; i < k && !rc; i++) {
            double x = clean(lo + (double)i * step);
            if (fabs(x - hi) <= 1e-9 * fmax(fabs(hi), fabs(step))) x = hi;
            rc = add_number(out, x);
        }
    }
    if (rc) snprintf(err, errlen, "out of memory");
    return rc ? -1 : 0;
}

int sweep_parse_values(const char *spec, sweep_values *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!spec || !*spec) {
        snprintf(err, errlen, "no values");
        return -1;
    }
    if (strpbrk(spec, "\r\n")) {
        snprintf(err, errlen, "a value holds a line break");
        return -1;
    }
    char *s = strdup(spec);
    if (!s) { snprintf(err, errlen, "out of memory"); return -1; }
    /* Top-level commas split the list; count the colons on the way. */
    size_t ncolon = 0, ncomma = 0;
    int depth = 0, instr = 0, structured = 0;
    for (char *p = s; *p; p++) {
        if (instr) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == '"') instr = 0;
            continue;
        }
        if (*p == '"') { instr = 1; structured = 1; }
        else if (*p == '[' || *p == '{') { depth++; structured = 1; }
        else if ((*p == ']' || *p == '}') && depth > 0) depth--;
        else if (*p == ',' && depth == 0) { *p = 0x1f; ncomma++; }   /* unit separator marks a split */
        else if (*p == ':' && depth == 0) ncolon++;
    }
    int rc = 0;
    if (!structured && ncomma == 0 && ncolon > 0) {
        char *parts[3] = { s, NULL, NULL };
        if (ncolon == 2) {
            parts[1] = strchr(s, ':');
            *parts[1]++ = 0;
            parts[2] = strchr(parts[1], ':');
            *parts[2]++ = 0;
        }
        if (ncolon != 2 || !*parts[0] || !*parts[1] || !*parts[2]) {
            snprintf(err, errlen, "a range is lo:hi:step or lo:hi:xN (got \"%s\")", spec);
            rc = -1;
        } else {
            rc = parse_range(parts, out, err, errlen);
        }
    } else {
        char *item = s;
        for (size_t i = 0; i <= ncomma && !rc; i++) {
            char *sep = strchr(item, 0x1f);
            if (sep) *sep = 0;
            while (*item == ' ' || *item == '\t') item++;
            size_t n = strlen(item);
            while (n && (item[n - 1] == ' ' || item[n - 1] == '\t')) item[--n] = 0;
            if (!n) {
                snprintf(err, errlen, "empty value at position %zu of the list \"%s\"", i + 1, spec);
                rc = -1;
                break;
            }
            char shown[4096];
            double num;
            shown_of(item, shown, sizeof shown, &num);
            int a = values_add(out, item, shown, num);
            if (a == -2) snprintf(err, errlen, "the list has more than %d values", SWEEP_MAX_VALUES);
            else if (a) snprintf(err, errlen, "out of memory");
            rc = a ? -1 : 0;
            if (sep) item = sep + 1;
        }
    }
    free(s);
    if (rc) sweep_values_free(out);
    return rc;
}
