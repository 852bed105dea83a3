/* textin.c - reads text files line by line, checking every byte (see
 * textin.h).  Invariant: line[0, checked) holds no NUL, no stray CR and only
 * well-formed UTF-8, so an error is found at its first byte, even in a line
 * that is too long to finish. */
#include "textin.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 65536

int textin_utf8_seq(const unsigned char *p, size_t avail)
{
    unsigned c = p[0];
    if (c < 0x80) return 1;
    int len;
    unsigned lo = 0x80, hi = 0xBF;   /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;          /* no overlongs */
        else if (c == 0xED) hi = 0x9F;     /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        else if (c == 0xF4) hi = 0x8F;     /* nothing past U+10FFFF */
    } else {
        return 0;
    }
    for (int k = 1; k < len; k++) {
        if ((size_t)k >= avail) return -1;
        unsigned b = p[k];
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return 0;
    }
    return len;
}

size_t textin_utf8_check(const char *s, size_t n, bool partial, size_t *cut)
{
    const unsigned char *p = (const unsigned char *)s;
    if (cut) *cut = n;
    for (size_t i = 0; i < n;) {
        int k = textin_utf8_seq(p + i, n - i);
        if (k > 0) {
            i += (size_t)k;
            continue;
        }
        if (k < 0 && partial) {
            if (cut) *cut = i;
            return n;
        }
        return i;
    }
    return n;
}

void textin_show(char *buf, size_t n, const char *s, size_t len, size_t max)
{
    if (!n) return;
    size_t o = 0;
    bool cut = len > max;
    if (cut) len = max;
    buf[o++] = '"';
    for (size_t i = 0; i < len && o + 8 < n;) {
        unsigned char c = (unsigned char)s[i];
        int k = c >= 0x80 ? textin_utf8_seq((const unsigned char *)s + i, len - i) : 0;
        if (k == 3 && !memcmp(s + i, "\xEF\xBB\xBF", 3)) {   /* a byte-order mark: invisible */
            o += (size_t)snprintf(buf + o, n - o, "\\uFEFF");
            i += 3;
        } else if (k > 0) {
            if (o + (size_t)k + 8 >= n) break;
            memcpy(buf + o, s + i, (size_t)k);
            o += (size_t)k;
            i += (size_t)k;
        } else if (c < 0x20 || c == 0x7f || c >= 0x80) {
            o += (size_t)snprintf(buf + o, n - o, "\\x%02X", c);
            i++;
        } else if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
            i++;
        } else {
            buf[o++] = (char)c;
            i++;
        }
    }
    if (cut && o + 5 < n) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    if (o + 1 < n) buf[o++] = '"';
    buf[o < n ? o : n - 1] = 0;
}

/* ---------------------------------------------------------------- opening */

static int start(textin *t, const char *name, unsigned flags, size_t maxline, char *err, size_t errlen)
{
    t->flags = flags;
    t->maxline = maxline;
    t->name = strdup(name);
    t->linecap = 256;
    t->line = malloc(t->linecap);
    if (t->fd >= 0) {
        t->bufcap = CHUNK;
        t->buf = malloc(t->bufcap);
    }
    if (!t->name || !t->line || (t->fd >= 0 && !t->buf)) {
        snprintf(err, errlen, "out of memory");
        return TI_IO;
    }
    return 0;
}

int textin_open(textin *t, const char *path, const char *name, unsigned flags, size_t maxline, volatile int *stop,
                char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->stop = stop;
    if (!name) name = path;
    /* What it is, before opening: opening a FIFO waits for its writer, and a
     * folder or a disk is never a text file. */
    struct stat st;
    if (stat(path, &st)) {
        snprintf(err, errlen, "%s: error: cannot read: %s", name, strerror(errno));
        return TI_BAD;
    }
    const char *what = S_ISDIR(st.st_mode)    ? "a folder"
                     : S_ISBLK(st.st_mode)    ? "a block device"
                     : S_ISSOCK(st.st_mode)   ? "a socket"
                     : (flags & TI_REGULAR) && !S_ISREG(st.st_mode) ? (S_ISFIFO(st.st_mode) ? "a pipe" : "a device")
                     : NULL;
    if (what) {
        snprintf(err, errlen, "%s: error: %s, not a%s file", name, what, flags & TI_REGULAR ? " regular" : " text");
        return TI_BAD;
    }
    for (;;) {
        t->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (t->fd >= 0) break;
        if (errno == EINTR && !(stop && *stop)) continue;
        if (errno == EINTR) return TI_STOP;
        snprintf(err, errlen, "%s: error: cannot read: %s", name, strerror(errno));
        return TI_BAD;
    }
    return start(t, name, flags, maxline, err, errlen);
}

int textin_open_mem(textin *t, const char *name, const char *data, size_t len, unsigned flags, size_t maxline,
                    char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    t->mem = data;
    t->memlen = len;
    return start(t, name, flags, maxline, err, errlen);
}

void textin_close(textin *t)
{
    if (t->fd >= 0) close(t->fd);
    free(t->buf);
    free(t->line);
    free(t->name);
    memset(t, 0, sizeof *t);
    t->fd = -1;
}

/* ---------------------------------------------------------------- reading */

/* More bytes into buf: 1, 0 at the end, or an error. */
static int fill(textin *t, char *err, size_t errlen)
{
    if (t->mem || t->fd < 0) {
        if (t->mempos >= t->memlen) return 0;
        size_t k = t->memlen - t->mempos;
        if (k > CHUNK) k = CHUNK;
        t->chunk = t->mem + t->mempos;   /* read in place */
        t->buflen = k;
        t->bufpos = 0;
        t->mempos += k;
        return 1;
    }
    for (;;) {
        if (t->stop && *t->stop) return TI_STOP;
        ssize_t k = read(t->fd, t->buf, t->bufcap);
        if (k > 0) {
            t->chunk = t->buf;
            t->buflen = (size_t)k;
            t->bufpos = 0;
            return 1;
        }
        if (k == 0) return 0;
        if (errno == EINTR) continue;
        snprintf(err, errlen, "%s:%llu: error: cannot read: %s", t->name, (unsigned long long)t->lineno,
                 strerror(errno));
        return TI_BAD;
    }
}

static int bad(textin *t, size_t col, char *err, size_t errlen, const char *what)
{
    if (col) snprintf(err, errlen, "%s:%llu:%zu: error: %s", t->name, (unsigned long long)t->lineno, col, what);
    else snprintf(err, errlen, "%s:%llu: error: %s", t->name, (unsigned long long)t->lineno, what);
    t->eof = true;
    return TI_BAD;
}

/* Checks line[checked, linelen); a CR or an incomplete UTF-8 sequence at the
 * end waits for what follows (final: nothing follows but the line end). */
static int check(textin *t, bool final, char *err, size_t errlen)
{
    const unsigned char *s = (const unsigned char *)t->line;
    size_t n = t->linelen, i = t->checked;
    while (i < n) {
        unsigned c = s[i];
        if (c == 0) return bad(t, i + 1, err, errlen, "a NUL byte (is this a binary file?)");
        if (c == '\r') {
            if (i + 1 < n)
                return bad(t, i + 1, err, errlen,
                           "a carriage return inside a line (lines end with LF or CRLF, not CR alone)");
            if (!final) break;   /* maybe CRLF */
            i++;
            continue;
        }
        int k = textin_utf8_seq(s + i, n - i);
        if (k < 0 && !final) break;
        if (k <= 0) {
            char what[96];
            snprintf(what, sizeof what, "invalid UTF-8 (byte 0x%02X)", c);
            return bad(t, i + 1, err, errlen, what);
        }
        i += (size_t)k;
    }
    t->checked = i;
    return 0;
}

int textin_line(textin *t, char **line, size_t *len, char *err, size_t errlen)
{
    if (t->eof) return TI_END;
    t->linelen = 0;
    t->checked = 0;
    t->lineno++;
    for (;;) {
        if (t->bufpos == t->buflen) {
            int r = fill(t, err, errlen);
            if (r < 0 || r == TI_STOP) {
                t->eof = true;
                return r;
            }
            if (r == 0) {
                t->eof = true;
                if (!t->linelen) {
                    t->lineno--;
                    return TI_END;
                }
                if (check(t, true, err, errlen)) return TI_BAD;
                if (t->flags & TI_NEED_EOL)
                    return bad(t, 0, err, errlen, "the last line has no line end (is the file cut short?)");
                break;
            }
            if (!t->started) {
                t->started = true;
                if ((t->flags & TI_SKIP_BOM) && t->buflen >= 3 && !memcmp(t->chunk, "\xEF\xBB\xBF", 3)) t->bufpos = 3;
            }
            continue;
        }
        const char *from = t->chunk + t->bufpos, *nl = memchr(from, '\n', t->buflen - t->bufpos);
        size_t k = nl ? (size_t)(nl - from) : t->buflen - t->bufpos;
        size_t room = t->maxline + 2 - t->linelen;   /* the limit, a CR, and one byte to know it is over */
        size_t take = k < room ? k : room;
        if (t->linelen + take + 1 > t->linecap) {
            size_t cap = t->linecap;
            while (cap < t->linelen + take + 1) cap *= 2;
            char *p = realloc(t->line, cap);
            if (!p) {
                snprintf(err, errlen, "out of memory");
                t->eof = true;
                return TI_IO;
            }
            t->line = p;
            t->linecap = cap;
        }
        memcpy(t->line + t->linelen, from, take);
        t->linelen += take;
        t->bufpos += take;
        if (check(t, false, err, errlen)) return TI_BAD;
        size_t body = t->linelen - (t->linelen && t->line[t->linelen - 1] == '\r');
        if (body > t->maxline) {
            char what[96];
            snprintf(what, sizeof what, "line too long (more than %zu bytes)", t->maxline);
            return bad(t, 0, err, errlen, what);
        }
        if (take == k && nl) {
            t->bufpos++;   /* the LF */
            if (check(t, true, err, errlen)) return TI_BAD;
            break;
        }
    }
    if (t->linelen && t->line[t->linelen - 1] == '\r') t->linelen--;
    t->line[t->linelen] = 0;
    *line = t->line;
    *len = t->linelen;
    return TI_LINE;
}

int textin_read_all(const char *path, size_t max, bool streams, char **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    struct stat st;
    int e = 0;
    if (fstat(fd, &st) != 0) e = errno;
    else if (S_ISDIR(st.st_mode)) e = EISDIR;
    else if (!S_ISREG(st.st_mode) && !streams) e = ESPIPE;
    else if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) e = EFBIG;
    size_t cap = !e && S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536, n = 0;
    if (cap > max + 1) cap = max + 1;
    char *buf = e ? NULL : malloc(cap + 1);
    if (!e && !buf) e = ENOMEM;
    while (!e) {
        if (n == cap) {
            /* pipes and devices have no size, and a file may grow while read:
             * read on, up to the limit */
            size_t ncap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
            char *t = ncap > cap ? realloc(buf, ncap + 1) : NULL;
            if (!t) {
                e = ncap > cap ? ENOMEM : EFBIG;
                break;
            }
            buf = t;
            cap = ncap;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0) e = errno;
        else if (k == 0) break;
        else if ((n += (size_t)k) > max) e = EFBIG;
    }
    close(fd);
    if (e) {
        free(buf);
        return e;
    }
    buf[n] = 0;
    *out = buf;
    if (len) *len = n;
    return 0;
}

char *textin_slurp(const char *path, size_t max, size_t *len, int *rc, char *err, size_t errlen)
{
    *rc = TI_BAD;
    struct stat st;
    if (stat(path, &st)) {
        snprintf(err, errlen, "%s: error: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: error: %s, not a regular file", path,
                 S_ISDIR(st.st_mode) ? "a folder" : S_ISFIFO(st.st_mode) ? "a pipe" : "a device");
        return NULL;
    }
    if ((uint64_t)st.st_size > max) {
        snprintf(err, errlen, "%s: error: %lld bytes, more than the %zu a file here may hold", path,
                 (long long)st.st_size, max);
        return NULL;
    }
    char *s = NULL;
    int e = textin_read_all(path, max, false, &s, len);
    if (e == ENOMEM) {
        snprintf(err, errlen, "out of memory");
        *rc = TI_IO;
    } else if (e == EFBIG) {
        snprintf(err, errlen, "%s: error: more than the %zu bytes a file here may hold", path, max);
    } else if (e) {
        snprintf(err, errlen, "%s: error: cannot read: %s", path, strerror(e));
    } else {
        *rc = 0;
    }
    return s;
}
