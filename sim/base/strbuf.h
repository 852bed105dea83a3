/* strbuf.h - the one string builder: text built in memory.
 *
 * An allocation failure sticks (oom) and later calls do nothing, so a writer
 * checks once at the end.  Zero-initialise (strbuf b = { 0 }); end with
 * sb_free, or take the text with sb_take.  b.s is NUL-terminated once
 * anything was added (NULL before). */
#ifndef STAMPEDE_STRBUF_H
#define STAMPEDE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct strbuf {
    char *s;
    size_t len, cap;
    bool oom;
} strbuf;

void sb_puts(strbuf *b, const char *s);
void sb_putn(strbuf *b, const char *s, size_t n);
void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The text, malloc'd ("" when nothing was added), and b emptied; NULL (and b
 * freed) when it ran out of memory. */
char *sb_take(strbuf *b);
void sb_free(strbuf *b);

#endif
