/* status.c - the error convention (status.h). */
#include "status.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 4, 0)))
static enum status_code set_v(struct status *st, enum status_code code, const char *suffix, const char *fmt, va_list ap)
{
    if (!st) return code;
    free(st->msg);
    st->msg = NULL;
    st->code = code;
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) return code;
    size_t len = (size_t)n, extra = suffix ? strlen(suffix) + 2 : 0;
    char *m = malloc(len + extra + 1);
    if (!m) return code;
    vsnprintf(m, len + 1, fmt, ap);
    if (suffix) snprintf(m + len, extra + 1, ": %s", suffix);
    st->msg = m;
    return code;
}

enum status_code status_set(struct status *st, enum status_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_v(st, code, NULL, fmt, ap);
    va_end(ap);
    return code;
}

enum status_code status_errno(struct status *st, enum status_code code, const char *fmt, ...)
{
    const char *why = strerror(errno);
    va_list ap;
    va_start(ap, fmt);
    set_v(st, code, why, fmt, ap);
    va_end(ap);
    return code;
}

const char *status_msg(const struct status *st)
{
    if (st && st->msg) return st->msg;
    switch (st ? st->code : STATUS_OK) {
    case STATUS_OK: return "no error";
    case STATUS_INPUT: return "bad input";
    case STATUS_USAGE: return "bad usage";
    case STATUS_STOPPED: return "stopped";
    case STATUS_FAILED: break;
    }
    return "failed (out of memory)";
}

void status_clear(struct status *st)
{
    if (!st) return;
    free(st->msg);
    st->msg = NULL;
    st->code = STATUS_OK;
}
