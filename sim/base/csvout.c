/* csvout.c - CSV cells (csvout.h). */
#include "csvout.h"

#include <string.h>

#include "numtext.h"

void csvout_num(FILE *f, double v)
{
    char b[64];
    num_fmt_csv(b, sizeof b, v);
    fputs(b, f);
}

void csvout_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
