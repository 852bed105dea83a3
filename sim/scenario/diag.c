/* diag.c - the list of errors a load hands back to its caller, each already
 * formatted (load.h). */
#include "loader.h"

/* ---- diagnostics ---------------------------------------------------------- */

__attribute__((format(printf, 1, 0)))
char *scn_vformat(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

void diag_add(diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = scn_vformat(fmt, ap);
    va_end(ap);
    if (!m && !(m = strdup("out of memory")))
        return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        char **t = realloc(d->msgs, cap * sizeof *t);
        if (!t) {
            free(m);
            return;
        }
        d->msgs = t;
        d->cap = cap;
    }
    d->msgs[d->n++] = m;
}

void diag_free(diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->msgs[i]);
    free(d->msgs);
    d->msgs = NULL;
    d->n = d->cap = 0;
}
