/* textin.h - the one way stampede reads a text file: line by line, with no
 * fixed-size buffer, the line number always right, and every byte checked.
 * A line is refused (with its position) when it holds a NUL byte, invalid
 * UTF-8 or a carriage return that does not end it, or when it is longer than
 * the reader's stated limit; LF and CRLF both end a line.  Pipes and FIFOs
 * are read as streams; folders and block devices are refused up front.
 *
 * Ownership: textin_open fills a caller-owned struct that textin_close ends
 * (safe on a zeroed or failed one).  The line textin_line hands out belongs
 * to the reader and lives until the next call.  Messages go to the caller's
 * buffer as "NAME:LINE[:COL]: error: what" (no "stampede: " prefix). */
#ifndef STAMPEDE_TEXTIN_H
#define STAMPEDE_TEXTIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What textin_open, textin_line and the readers built on them return. */
enum {
    TI_STOP = 2,   /* the stop flag was set while waiting for input */
    TI_LINE = 1,   /* a line */
    TI_END = 0,    /* the end of the file */
    TI_IO = -1,    /* no memory: exit 1 */
    TI_BAD = -2,   /* the file cannot be opened or read, or its content is malformed: exit 2 */
};

/* Options of textin_open. */
enum {
    TI_SKIP_BOM = 1,    /* a UTF-8 byte-order mark opening the file is skipped */
    TI_NEED_EOL = 2,    /* a last line without a line end is an error (a file cut short) */
    TI_REGULAR = 4,     /* only a regular file (the files of a results folder), no pipe or device */
};

typedef struct textin {
    int fd;                   /* -1: reading from memory */
    const char *mem;          /* memory source */
    size_t memlen, mempos;
    char *name;               /* for messages */
    unsigned flags;
    size_t maxline;           /* longest line, in bytes, line end excluded */
    volatile int *stop;       /* checked before each read; may be NULL */
    char *buf;                /* the read buffer (files) */
    size_t bufcap;
    const char *chunk;        /* the bytes read last: buf, or a piece of mem */
    size_t buflen, bufpos;
    char *line;               /* the line being assembled */
    size_t linecap, linelen, checked;   /* bytes of line checked for NUL, CR and UTF-8 */
    uint64_t lineno;
    bool eof, started;
} textin;

/* Opens path (name names it in messages; NULL: path itself).  Returns 0, or
 * TI_IO / TI_BAD (a folder, a block device, a socket; with TI_REGULAR anything
 * but a regular file) / TI_STOP with the reason in err. */
int textin_open(textin *t, const char *path, const char *name, unsigned flags, size_t maxline, volatile int *stop,
                char *err, size_t errlen);
/* The same over len bytes of memory (not copied: they must outlive t). */
int textin_open_mem(textin *t, const char *name, const char *data, size_t len, unsigned flags, size_t maxline,
                    char *err, size_t errlen);
/* The next line: TI_LINE with *line (NUL-terminated, without its line end)
 * and *len, TI_END, or TI_BAD / TI_IO / TI_STOP with err set.  After an error
 * every later call returns TI_END. */
int textin_line(textin *t, char **line, size_t *len, char *err, size_t errlen);
/* The number of the line textin_line returned last (1-based). */
static inline uint64_t textin_lineno(const textin *t) { return t->lineno; }
void textin_close(textin *t);

/* The offset of the first byte of s[0, n) that is not well-formed UTF-8
 * (overlongs, surrogates and code points past U+10FFFF are not), or n when it
 * all is.  With partial, a sequence cut short by the end of s is no error
 * (its offset is returned in *cut, else *cut = n). */
size_t textin_utf8_check(const char *s, size_t n, bool partial, size_t *cut);

/* The UTF-8 sequence at p (avail bytes there): its length, 0 when it is not
 * well-formed, or -1 when it is cut short by the end of the bytes. */
int textin_utf8_seq(const unsigned char *p, size_t avail);

/* Puts s into buf for a message, quoted, at most max bytes of it, control
 * bytes and invalid UTF-8 as \xNN escapes: "0.1;1", "\x00abc"... */
void textin_show(char *buf, size_t n, const char *s, size_t len, size_t max);

/* The one whole-file reader: path, NUL-terminated, at most max bytes: 0 with
 * *out (malloc'd) and its length in *len (which may be NULL), or an errno:
 * EFBIG beyond max bytes, EISDIR a folder, ESPIPE a pipe or a device when not
 * streams (with streams they are read to their end), ENOMEM, or open's and
 * read's. */
int textin_read_all(const char *path, size_t max, bool streams, char **out, size_t *len);
/* The same with its message: path, a regular file of at most max bytes, NUL-terminated
 * (its length in *len, which may be NULL); NULL with *rc TI_BAD (missing,
 * unreadable, not a regular file, too large) or TI_IO (no memory) and err
 * set.  For files read whole: JSON, templates. */
char *textin_slurp(const char *path, size_t max, size_t *len, int *rc, char *err, size_t errlen);

#endif
