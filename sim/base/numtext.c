/* numtext.c - numbers and durations as text (numtext.h). */
#include "numtext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

int num_scan(const char *t, bool sign, double *x, const char **end)
{
    const char *p = t;
    size_t nd = 0;
    if (sign && *p == '-')
        p++;
    for (; is_digit(*p); p++)
        nd++;
    if (*p == '.')
        for (p++; is_digit(*p); p++)
            nd++;
    if (!nd)
        return 1;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-')
            q++;
        if (is_digit(*q)) {
            while (is_digit(*q))
                q++;
            p = q;
        }
    }
    size_t n = (size_t)(p - t);
    char small[64], *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return 1;
    memcpy(buf, t, n);
    buf[n] = 0;
    /* strtod reads '.' as the decimal point: the program runs in the C locale. */
    double v = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    *end = p;
    if (!isfinite(v))
        return 2;
    *x = v + 0.0;   /* no negative zero */
    return 0;
}

int num_duration(const char *t, bool need_unit, bool sign, double *x)
{
    static const struct { const char *unit; double mul, div; } units[] = {
        { "us", 1, 1e6 }, { "ms", 1, 1e3 }, { "s", 1, 1 }, { "m", 60, 1 }, { "h", 3600, 1 },
    };
    const char *u;
    double v;
    int rc = num_scan(t, sign, &v, &u);
    if (rc)
        return rc;
    if (!*u) {
        if (need_unit)
            return 1;
        *x = v;
        return 0;
    }
    for (size_t k = 0; k < sizeof units / sizeof *units; k++)
        if (strcmp(u, units[k].unit) == 0) {
            /* Dividing by an exact 1e3 rounds once: "20ms" is the double nearest 0.02. */
            v = v * units[k].mul / units[k].div;
            if (!isfinite(v))
                return 2;
            *x = v + 0.0;
            return 0;
        }
    return 1;
}

int num_parse_duration(const char *text, double *out)
{
    double x;
    if (!text || num_duration(text, false, false, &x) != 0)
        return -1;
    *out = x;
    return 0;
}

bool num_text(const char *t, double *x)
{
    const char *end;
    return num_scan(t, true, x, &end) == 0 && !*end;
}

bool num_literal_uint(const char *s, size_t n, uint64_t *out)
{
    char d[64];
    size_t i = 0, nd = 0;
    long frac = 0, e = 0;
    bool neg = false;
    if (i < n && s[i] == '-') {
        neg = true;
        i++;
    }
    for (; i < n && is_digit(s[i]); i++) {
        if (nd == sizeof d)
            return false;
        d[nd++] = s[i];
    }
    if (i < n && s[i] == '.')
        for (i++; i < n && is_digit(s[i]); i++, frac++) {
            if (nd == sizeof d)
                return false;
            d[nd++] = s[i];
        }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        for (; i < n && is_digit(s[i]); i++)
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
        if (eneg)
            e = -e;
    }
    if (i != n || nd == 0)
        return false;
    size_t a = 0, b = nd;
    while (a < nd && d[a] == '0')
        a++;
    if (a == nd) {
        *out = 0;
        return true;
    }
    if (neg)
        return false;
    while (b > a && d[b - 1] == '0') {
        b--;
        e++;
    }
    long ex = e - frac;
    if (ex < 0 || (long)(b - a) + ex > 20)
        return false;
    uint64_t v = 0;
    for (size_t k = a; k < b; k++) {
        unsigned dg = (unsigned)(d[k] - '0');
        if (v > (UINT64_MAX - dg) / 10)
            return false;
        v = v * 10 + dg;
    }
    for (long k = 0; k < ex; k++) {
        if (v > UINT64_MAX / 10)
            return false;
        v *= 10;
    }
    *out = v;
    return true;
}

int num_parse_decimal(const char *s, size_t n, double *out)
{
    size_t i = 0, digits = 0;
    if (i < n && s[i] == '-') i++;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++, digits++;
    }
    if (!digits) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t e = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++, e++;
        if (!e) return -1;
    }
    if (i != n || n >= 128) return -1;
    char tmp[128];
    memcpy(tmp, s, n);
    tmp[n] = 0;
    *out = strtod(tmp, NULL);
    return 0;
}

void num_fmt_shortest(char *buf, size_t n, double v)
{
    if (!buf || n == 0) return;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}

void num_fmt_csv(char *buf, size_t n, double v)
{
    if (v == INFINITY) snprintf(buf, n, "inf");
    else if (!isfinite(v)) snprintf(buf, n, "%s", "");
    else if (v == floor(v) && fabs(v) < 9.007199254740992e15) snprintf(buf, n, "%.0f", v == 0 ? 0.0 : v);
    else snprintf(buf, n, "%.9g", v);
}
