/* reporttext.c - the words of numbers on the pages and charts (counts with
 * separators, shares never rounded to 0% or 100%, durations in the unit that
 * reads best) and text escaped for HTML: what report.html, the live section
 * (agreement.c), the charts and the fit and sweep pages share. */
#include "reporttext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/textin.h"

/* ---------------------------------------------------------------- numbers */

void report_fmt_count(char *buf, size_t n, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "n/a");
        return;
    }
    if (v != floor(v) || fabs(v) >= 1e18) {
        snprintf(buf, n, "%.3g", v);
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t len = strlen(digits), o = 0;
    char out[48];
    if (v < 0) out[o++] = '-';
    for (size_t i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = 0;
    snprintf(buf, n, "%s", out);
}

/* Three significant digits, no exponent, trailing zeros kept ("4.20"). */
static void sig3(char *buf, size_t n, double v, const char *unit)
{
    int dec = v >= 100 ? 0 : v >= 10 ? 1 : 2;
    snprintf(buf, n, "%.*f %s", dec, v, unit);
}

void report_fmt_seconds(char *buf, size_t n, double s)
{
    if (!isfinite(s)) snprintf(buf, n, "n/a");
    else if (s == 0) snprintf(buf, n, "0 s");
    else if (s < 1e-6) sig3(buf, n, s * 1e9, "ns");
    else if (s < 1e-3) sig3(buf, n, s * 1e6, "\u00b5s");
    else if (s < 1) sig3(buf, n, s * 1e3, "ms");
    else sig3(buf, n, s, "s");
    /* 999.6 ms rounds to "1000 ms": say "1.00 s" instead. */
    if (isfinite(s) && s > 0 && strncmp(buf, "1000 ", 5) == 0) {
        if (s < 1e-6) snprintf(buf, n, "1.00 \u00b5s");
        else if (s < 1e-3) snprintf(buf, n, "1.00 ms");
        else if (s < 1) snprintf(buf, n, "1.00 s");
    }
}

/* A fraction as a percentage that is never rounded to 0% or 100% when it is
 * neither ("99.99%", "0.52%"). */
void report_fmt_pct(char *buf, size_t n, double x)
{
    if (!buf || n == 0) return;
    if (!isfinite(x)) {
        snprintf(buf, n, "n/a");
        return;
    }
    double p = 100 * x;
    for (int dec = p >= 1 || p == 0 ? 1 : 2; dec <= 6; dec++) {
        snprintf(buf, n, "%.*f%%", dec, p);
        double back = strtod(buf, NULL);
        if ((back == 100) == (p == 100) && (back == 0) == (p == 0)) break;
    }
}

/* ---------------------------------------------------------------- HTML */

void report_html_escape(strbuf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            sb_puts(b, " ");
            continue;
        }
        if (c >= 0x80) {
            int k = textin_utf8_seq((const unsigned char *)s, strlen(s));
            if (k <= 0) {
                sb_puts(b, "?");
                continue;
            }
            sb_putn(b, s, (size_t)k);
            s += k - 1;
            continue;
        }
        switch (*s) {
        case '&': sb_puts(b, "&amp;"); break;
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '"': sb_puts(b, "&quot;"); break;
        case '\'': sb_puts(b, "&#39;"); break;
        default: sb_putn(b, s, 1);
        }
    }
}
