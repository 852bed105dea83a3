/* man.c - writes the manual page stampede(1) to stdout, made from the usage
 * texts --help prints (sim/cli/usage.c): the program's text is the
 * description, each command's text a section of its own, so the page and
 * --help cannot drift apart.  Built and run by `make man` / `make install`. */
#include <stdio.h>
#include <string.h>

#include "cli/usage.h"

/* One line of a usage text as roff text: backslashes doubled, a leading '.'
 * or '\'' protected, '-' kept a hyphen-minus. */
static void put_line(const char *s, size_t n)
{
    if (n && (s[0] == '.' || s[0] == '\'')) fputs("\\&", stdout);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\') fputs("\\e", stdout);
        else if (s[i] == '-') fputs("\\-", stdout);
        else putchar(s[i]);
    }
    putchar('\n');
}

/* A usage text, without its first line ("usage: ...", given as the synopsis),
 * as preformatted lines: the texts are laid out for a terminal already. */
static void put_text(const char *text, int skip_first)
{
    const char *p = text;
    if (skip_first) {
        const char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : p + strlen(p);
        while (*p == '\n') p++;
    }
    puts(".nf");
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        put_line(p, n);
        p += n + (nl ? 1 : 0);
    }
    puts(".fi");
}

static void put_synopsis(const char *text)
{
    const char *u = "usage: ";
    if (!strncmp(text, u, strlen(u))) text += strlen(u);
    const char *nl = strchr(text, '\n');
    puts(".PP");
    put_line(text, nl ? (size_t)(nl - text) : strlen(text));
}

int main(void)
{
    puts(".TH STAMPEDE 1 \"\" \"stampede\" \"User Commands\"");
    puts(".SH NAME");
    puts("stampede \\- a discrete-event simulator of cache stampedes");
    puts(".SH SYNOPSIS");
    puts(".nf");
    put_synopsis(usage_main);
    for (const usage_command *c = usage_commands; c->name; c++) put_synopsis(c->text);
    puts(".fi");
    puts(".SH DESCRIPTION");
    put_text(usage_main, 1);
    puts(".SH COMMANDS");
    for (const usage_command *c = usage_commands; c->name; c++) {
        printf(".SS %s\n", c->name);
        put_synopsis(c->text);
        put_text(c->text, 1);
    }
    puts(".SH ENVIRONMENT");
    puts(".TP");
    puts(".B STAMPEDE_PLOTS_DIR");
    puts("the folder of the gnuplot chart templates, instead of the one installed");
    puts("beside the program (\\fI../share/stampede/plots\\fR from its folder).");
    puts(".SH SEE ALSO");
    puts(".BR gnuplot (1)");
    return ferror(stdout) ? 1 : 0;
}
