/* jsonloc.c - the strict JSON scanner behind jsonloc.h.  One recursive-descent
 * pass builds a compact tree of spans: values in pre-order (the root is node 0),
 * and each object's members sorted by (name, offset), so a pointer lookup is a
 * binary search and repeated names end up side by side. */
#include "jsonloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct node {
    size_t key, start, end;
    size_t name;          /* members: offset of the decoded name in pool */
    size_t kids, nkids;   /* containers: children are kidx[kids, kids + nkids) */
    char type;            /* '{', '[' or 'v' (any other value) */
} node;

struct jl_doc {
    const char *text;
    size_t len;
    node *nodes;
    size_t nnodes, capnodes;
    size_t *kidx;
    size_t nkidx, capkidx;
    char *pool;           /* decoded member names, each NUL-terminated */
    size_t npool, cappool;
    size_t *lines;        /* offset where each line starts */
    size_t nlines;
    jl_dup *dups;
    size_t ndups, capdups;
};

/* One step of the path from the root to the container being scanned. */
typedef struct seg {
    bool member;
    size_t name;          /* member: offset in pool */
    size_t index;         /* element: its index */
} seg;

/* A member while its object is sorted. */
typedef struct sortkey {
    const char *name;
    size_t start, node;
} sortkey;

typedef struct scan {
    jl_doc *d;
    const unsigned char *s;
    size_t len, i;
    jl_error *err;
    bool failed;
    size_t *pend;         /* children of the open containers, innermost last */
    size_t npend, cappend;
    seg *path;
    size_t npath, cappath;
    sortkey *scratch;
    size_t capscratch;
} scan;

/* Returns p grown to hold need elements (updating *cap), or NULL leaving p as is. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap && p)
        return p;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 4 / size)
            return NULL;
        n *= 2;
    }
    void *t = realloc(p, n * size);
    if (t)
        *cap = n;
    return t;
}

__attribute__((format(printf, 3, 4)))
static bool fail(scan *sc, size_t off, const char *fmt, ...)
{
    if (sc->failed)
        return false;
    sc->failed = true;
    sc->err->off = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sc->err->msg, sizeof sc->err->msg, fmt, ap);
    va_end(ap);
    return false;
}

static bool oom(scan *sc)
{
    return fail(sc, JL_NONE, "out of memory");
}

/* How a byte reads in a message: 'x', byte 0xff or end of file. */
static const char *what(const scan *sc, size_t i, char buf[16])
{
    if (i >= sc->len)
        return "end of file";
    unsigned c = sc->s[i];
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, 16, "'%c'", (char)c);
    else
        snprintf(buf, 16, "byte 0x%02x", c);
    return buf;
}

static bool is_digit(unsigned c) { return c >= '0' && c <= '9'; }
static bool is_alpha(unsigned c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static bool is_ws(unsigned c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void skip_ws(scan *sc)
{
    while (sc->i < sc->len && is_ws(sc->s[sc->i]))
        sc->i++;
}

/* Length of the UTF-8 sequence at p (at most n bytes), 0 when malformed. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0], cp, min;
    size_t k;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) { k = 2; cp = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { k = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { k = 4; cp = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < k)
        return 0;
    for (size_t j = 1; j < k; j++) {
        if ((p[j] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[j] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return k;
}

bool jl_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len(p + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

static size_t new_node(scan *sc, char type)
{
    jl_doc *d = sc->d;
    node *t = grow(d->nodes, &d->capnodes, d->nnodes + 1, sizeof *t);
    if (!t) {
        oom(sc);
        return JL_NONE;
    }
    d->nodes = t;
    t[d->nnodes] = (node){ .key = JL_NONE, .start = sc->i, .end = sc->i, .type = type };
    return d->nnodes++;
}

static bool pool_put(scan *sc, const void *bytes, size_t n)
{
    jl_doc *d = sc->d;
    char *t = grow(d->pool, &d->cappool, d->npool + n, 1);
    if (!t)
        return oom(sc);
    d->pool = t;
    memcpy(t + d->npool, bytes, n);
    d->npool += n;
    return true;
}

/* Four hex digits at s[i]: the value, or -1. */
static long hex4(const scan *sc, size_t i)
{
    if (i > sc->len || sc->len - i < 4)
        return -1;
    long v = 0;
    for (size_t j = 0; j < 4; j++) {
        unsigned c = sc->s[i + j];
        int h = is_digit(c) ? (int)(c - '0')
              : ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') ? (int)((c | 0x20) - 'a' + 10) : -1;
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* A \u escape at sc->i: decodes it (and its surrogate pair) into out. */
static bool scan_u_escape(scan *sc, unsigned char out[4], size_t *nout)
{
    size_t at = sc->i;
    long cp = hex4(sc, at + 2);
    if (cp < 0)
        return fail(sc, at, "invalid \\u escape in a string (expected 4 hex digits)");
    if (cp == 0)
        return fail(sc, at, "\\u0000 is not allowed in a string");
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail(sc, at, "unpaired surrogate \\u%.4s in a string", (const char *)sc->s + at + 2);
    sc->i += 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        long lo = (sc->i + 1 < sc->len && sc->s[sc->i] == '\\' && sc->s[sc->i + 1] == 'u')
                ? hex4(sc, sc->i + 2) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return fail(sc, at, "unpaired surrogate \\u%.4s in a string", (const char *)sc->s + at + 2);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        sc->i += 6;
    }
    unsigned long u = (unsigned long)cp;
    if (u < 0x80) { out[0] = (unsigned char)u; *nout = 1; }
    else if (u < 0x800) {
        out[0] = (unsigned char)(0xC0 | u >> 6); out[1] = (unsigned char)(0x80 | (u & 0x3F)); *nout = 2;
    } else if (u < 0x10000) {
        out[0] = (unsigned char)(0xE0 | u >> 12); out[1] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
        out[2] = (unsigned char)(0x80 | (u & 0x3F)); *nout = 3;
    } else {
        out[0] = (unsigned char)(0xF0 | u >> 18); out[1] = (unsigned char)(0x80 | (u >> 12 & 0x3F));
        out[2] = (unsigned char)(0x80 | (u >> 6 & 0x3F)); out[3] = (unsigned char)(0x80 | (u & 0x3F));
        *nout = 4;
    }
    return true;
}

/* The string at sc->i (a '"'); with keep, its decoded bytes and a NUL go to the pool. */
static bool scan_string(scan *sc, bool keep)
{
    size_t open = sc->i++;
    char b[16];
    for (;;) {
        if (sc->i >= sc->len)
            return fail(sc, open, "string not closed (it runs to the end of the file)");
        unsigned c = sc->s[sc->i];
        unsigned char out[4];
        size_t nout = 1;
        if (c == '"') {
            sc->i++;
            break;
        } else if (c == '\\') {
            if (sc->i + 1 >= sc->len)
                return fail(sc, open, "string not closed (it runs to the end of the file)");
            unsigned e = sc->s[sc->i + 1];
            const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
            const char *hit = e ? strchr(from, (int)e) : NULL;
            if (hit) {
                out[0] = (unsigned char)to[hit - from];
                sc->i += 2;
            } else if (e == 'u') {
                if (!scan_u_escape(sc, out, &nout))
                    return false;
            } else {
                return fail(sc, sc->i, "invalid escape '\\' followed by %s in a string",
                            what(sc, sc->i + 1, b));
            }
        } else if (c < 0x20) {
            if (c == 0)
                return fail(sc, sc->i, "NUL byte in a string");
            if (c == '\n' || c == '\r')
                return fail(sc, sc->i, "line break in a string (a missing '\"'?)");
            return fail(sc, sc->i, "control character U+%04X in a string (write it as an escape such as \\t)", c);
        } else {
            nout = utf8_len(sc->s + sc->i, sc->len - sc->i);
            if (!nout)
                return fail(sc, sc->i, "invalid UTF-8 (byte 0x%02x) in a string", c);
            memcpy(out, sc->s + sc->i, nout);
            sc->i += nout;
        }
        if (keep && !pool_put(sc, out, nout))
            return false;
    }
    return !keep || pool_put(sc, "", 1);
}

static bool scan_number(scan *sc)
{
    const unsigned char *s = sc->s;
    size_t st = sc->i, i = st, n = sc->len;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0')
        i++;
    else if (i < n && is_digit(s[i]))
        while (i < n && is_digit(s[i]))
            i++;
    else
        goto bad;
    if (i < n && s[i] == '.') {
        if (++i >= n || !is_digit(s[i]))
            goto bad;
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !is_digit(s[i]))
            goto bad;
        while (i < n && is_digit(s[i]))
            i++;
    }
    if (i < n && !is_ws(s[i]) && s[i] != ',' && s[i] != ']' && s[i] != '}')
        goto bad;
    if (i - st > JL_MAX_NUMBER)
        return fail(sc, st, "number longer than %d characters", JL_MAX_NUMBER);
    sc->i = i;
    return true;
bad:
    /* The whole run of number-like characters, so the message shows the token. */
    for (i = st; i < n && (is_digit(s[i]) || is_alpha(s[i]) || s[i] == '.' || s[i] == '+' || s[i] == '-'); i++)
        ;
    size_t len = i - st;
    const char *p = (const char *)s + st;
    size_t z = (p[0] == '-');
    bool lead0 = len > z + 1 && p[z] == '0' && is_digit((unsigned char)p[z + 1]);
    return fail(sc, st, "invalid number \"%.*s%s\"%s", (int)(len > 24 ? 24 : len), p,
                len > 24 ? "..." : "", lead0 ? " (no leading zeros)" : "");
}

static bool scan_word(scan *sc)
{
    static const char *const lits[] = { "true", "false", "null" };
    size_t st = sc->i, i = st;
    while (i < sc->len && (is_alpha(sc->s[i]) || is_digit(sc->s[i]) || sc->s[i] == '_'))
        i++;
    size_t n = i - st;
    const char *w = (const char *)sc->s + st;
    for (size_t k = 0; k < 3; k++)
        if (n == strlen(lits[k]) && memcmp(w, lits[k], n) == 0) {
            sc->i = i;
            return true;
        }
    for (size_t k = 0; k < 3; k++) {
        size_t m = strlen(lits[k]), j = 0;
        while (n == m && j < n && (w[j] | 0x20) == lits[k][j])
            j++;
        if (n == m && j == n)
            return fail(sc, st, "\"%.*s\" is not JSON: write %s", (int)n, w, lits[k]);
    }
    return fail(sc, st, "unexpected word \"%.*s%s\" (strings need double quotes)",
                (int)(n > 24 ? 24 : n), w, n > 24 ? "..." : "");
}

static bool starts_value(unsigned c)
{
    return c == '"' || c == '{' || c == '[' || c == '-' || is_digit(c) || is_alpha(c);
}

/* The pointer of the container whose path is open, plus a member name. */
static char *member_pointer(scan *sc, const char *name)
{
    size_t cap = 0, n = 0;
    char *p = NULL;
    for (size_t k = 0; k <= sc->npath; k++) {
        char num[32];
        const char *t;
        if (k == sc->npath)
            t = name;
        else if (sc->path[k].member)
            t = sc->d->pool + sc->path[k].name;
        else {
            snprintf(num, sizeof num, "%zu", sc->path[k].index);
            t = num;
        }
        size_t need = n + 2 + 2 * strlen(t);
        char *q = grow(p, &cap, need, 1);
        if (!q) {
            free(p);
            return NULL;
        }
        p = q;
        p[n++] = '/';
        for (; *t; t++) {
            if (*t == '~' || *t == '/') {
                p[n++] = '~';
                p[n++] = *t == '~' ? '0' : '1';
            } else {
                p[n++] = *t;
            }
        }
        p[n] = 0;
    }
    return p;
}

static int cmp_sortkey(const void *a, const void *b)
{
    const sortkey *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->start > y->start) - (x->start < y->start);
}

/* Sorts an object's members, records repeated names, files the children. */
static bool finish_container(scan *sc, size_t n, size_t base, bool obj)
{
    jl_doc *d = sc->d;
    size_t cnt = sc->npend - base;
    size_t *kids = cnt ? sc->pend + base : NULL;   /* no arithmetic on a NULL pend */
    if (obj && cnt > 1) {
        sortkey *t = grow(sc->scratch, &sc->capscratch, cnt, sizeof *t);
        if (!t)
            return oom(sc);
        sc->scratch = t;
        for (size_t k = 0; k < cnt; k++)
            t[k] = (sortkey){ d->pool + d->nodes[kids[k]].name, d->nodes[kids[k]].start, kids[k] };
        qsort(t, cnt, sizeof *t, cmp_sortkey);
        size_t run = 0;
        for (size_t k = 0; k < cnt; k++) {
            kids[k] = t[k].node;
            if (k == 0 || strcmp(t[k].name, t[run].name) != 0) {
                run = k;
                continue;
            }
            jl_dup *dd = grow(d->dups, &d->capdups, d->ndups + 1, sizeof *dd);
            if (!dd)
                return oom(sc);
            d->dups = dd;
            char *ptr = member_pointer(sc, t[k].name);
            if (!ptr)
                return oom(sc);
            dd[d->ndups++] = (jl_dup){ ptr, d->nodes[t[k].node].key, d->nodes[t[run].node].key };
        }
    }
    size_t *t = grow(d->kidx, &d->capkidx, d->nkidx + cnt, sizeof *t);
    if (!t)
        return oom(sc);
    d->kidx = t;
    if (cnt)
        memcpy(t + d->nkidx, kids, cnt * sizeof *t);
    d->nodes[n].kids = d->nkidx;
    d->nodes[n].nkids = cnt;
    d->nkidx += cnt;
    sc->npend = base;
    return true;
}

static size_t parse_value(scan *sc, size_t depth);

static size_t parse_container(scan *sc, size_t depth)
{
    bool obj = sc->s[sc->i] == '{';
    char close = obj ? '}' : ']', b[16];
    if (depth >= JL_MAX_DEPTH) {
        fail(sc, sc->i, "nesting deeper than %d levels", JL_MAX_DEPTH);
        return JL_NONE;
    }
    size_t n = new_node(sc, obj ? '{' : '[');
    if (n == JL_NONE)
        return JL_NONE;
    size_t base = sc->npend;
    sc->i++;
    skip_ws(sc);
    if (sc->i < sc->len && sc->s[sc->i] == (unsigned char)close) {
        sc->i++;
    } else {
        for (size_t k = 0;; k++) {
            size_t name = 0, key = JL_NONE;
            if (obj) {
                skip_ws(sc);
                unsigned c = sc->i < sc->len ? sc->s[sc->i] : 0;
                if (sc->i >= sc->len || c != '"') {
                    if (c == '\'')
                        fail(sc, sc->i, "single quotes are not JSON: use double quotes");
                    else if (c == '/')
                        fail(sc, sc->i, "comments are not allowed in JSON");
                    else if (is_alpha(c) || c == '_')
                        fail(sc, sc->i, "field names need double quotes, got %s", what(sc, sc->i, b));
                    else
                        fail(sc, sc->i, "expected a field name in double quotes, got %s", what(sc, sc->i, b));
                    return JL_NONE;
                }
                key = sc->i;
                name = sc->d->npool;
                if (!scan_string(sc, true))
                    return JL_NONE;
                skip_ws(sc);
                if (sc->i >= sc->len || sc->s[sc->i] != ':') {
                    fail(sc, sc->i, "expected ':' after the field name, got %s", what(sc, sc->i, b));
                    return JL_NONE;
                }
                sc->i++;
            }
            seg *p = grow(sc->path, &sc->cappath, sc->npath + 1, sizeof *p);
            if (!p) {
                oom(sc);
                return JL_NONE;
            }
            sc->path = p;
            p[sc->npath++] = (seg){ obj, name, k };
            size_t v = parse_value(sc, depth + 1);
            sc->npath--;
            if (v == JL_NONE)
                return JL_NONE;
            sc->d->nodes[v].key = key;
            sc->d->nodes[v].name = name;
            size_t *q = grow(sc->pend, &sc->cappend, sc->npend + 1, sizeof *q);
            if (!q) {
                oom(sc);
                return JL_NONE;
            }
            sc->pend = q;
            q[sc->npend++] = v;
            skip_ws(sc);
            if (sc->i < sc->len && sc->s[sc->i] == ',') {
                size_t comma = sc->i++;
                skip_ws(sc);
                if (sc->i < sc->len && sc->s[sc->i] == (unsigned char)close) {
                    fail(sc, comma, "trailing comma before '%c'", close);
                    return JL_NONE;
                }
                continue;
            }
            if (sc->i < sc->len && sc->s[sc->i] == (unsigned char)close) {
                sc->i++;
                break;
            }
            if (sc->i < sc->len && sc->s[sc->i] == '/') {
                fail(sc, sc->i, "comments are not allowed in JSON");
                return JL_NONE;
            }
            bool missing = sc->i < sc->len && starts_value(sc->s[sc->i]);
            fail(sc, sc->i, "expected ',' or '%c' after %s, got %s%s", close,
                 obj ? "a field" : "an element", what(sc, sc->i, b), missing ? " (a missing ','?)" : "");
            return JL_NONE;
        }
    }
    if (!finish_container(sc, n, base, obj))
        return JL_NONE;
    sc->d->nodes[n].end = sc->i;
    return n;
}

static size_t parse_value(scan *sc, size_t depth)
{
    char b[16];
    skip_ws(sc);
    if (sc->i >= sc->len) {
        fail(sc, sc->i, "expected a value, got end of file");
        return JL_NONE;
    }
    unsigned c = sc->s[sc->i];
    if (c == '{' || c == '[')
        return parse_container(sc, depth);
    size_t n = new_node(sc, 'v');
    if (n == JL_NONE)
        return JL_NONE;
    bool ok;
    if (c == '"')
        ok = scan_string(sc, false);
    else if (c == '-' || c == '+' || c == '.' || is_digit(c))
        ok = scan_number(sc);
    else if (is_alpha(c) || c == '_')
        ok = scan_word(sc);
    else if (c == '\'')
        ok = fail(sc, sc->i, "single quotes are not JSON: use double quotes");
    else if (c == '/')
        ok = fail(sc, sc->i, "comments are not allowed in JSON");
    else
        ok = fail(sc, sc->i, "expected a value, got %s", what(sc, sc->i, b));
    if (!ok)
        return JL_NONE;
    sc->d->nodes[n].end = sc->i;
    return n;
}

static int cmp_dup(const void *a, const void *b)
{
    const jl_dup *x = a, *y = b;
    return (x->off > y->off) - (x->off < y->off);
}

static bool build_lines(jl_doc *d)
{
    size_t n = 1;
    for (size_t i = 0; i < d->len; i++)
        n += d->text[i] == '\n';
    d->lines = malloc(n * sizeof *d->lines);
    if (!d->lines)
        return false;
    d->lines[0] = 0;
    d->nlines = 1;
    for (size_t i = 0; i < d->len; i++)
        if (d->text[i] == '\n')
            d->lines[d->nlines++] = i + 1;
    return true;
}

jl_doc *jl_parse(const char *text, size_t len, jl_error *err)
{
    jl_error spare;
    if (!err)
        err = &spare;
    jl_doc *d = calloc(1, sizeof *d);
    if (!d) {
        err->off = JL_NONE;
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return NULL;
    }
    d->text = text;
    d->len = len;
    scan sc = { .d = d, .s = (const unsigned char *)text, .len = len, .err = err };
    /* A UTF-8 byte order mark is allowed and ignored (RFC 8259, 8.1). */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        sc.i = 3;
    skip_ws(&sc);
    char b[16];
    if (sc.i >= len)
        fail(&sc, sc.i, "the file is empty");
    else if (parse_value(&sc, 0) != JL_NONE) {
        skip_ws(&sc);
        if (sc.i < len)
            fail(&sc, sc.i, "unexpected %s after the end of the JSON value", what(&sc, sc.i, b));
    }
    free(sc.pend);
    free(sc.path);
    free(sc.scratch);
    if (!sc.failed && !build_lines(d))
        oom(&sc);
    if (sc.failed) {
        jl_free(d);
        return NULL;
    }
    if (d->ndups > 1)
        qsort(d->dups, d->ndups, sizeof *d->dups, cmp_dup);
    return d;
}

void jl_free(jl_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ndups; i++)
        free(d->dups[i].pointer);
    free(d->dups);
    free(d->nodes);
    free(d->kidx);
    free(d->pool);
    free(d->lines);
    free(d);
}

size_t jl_ndups(const jl_doc *d) { return d ? d->ndups : 0; }
const jl_dup *jl_dups(const jl_doc *d) { return d ? d->dups : NULL; }

/* The first member of object nd named name, or JL_NONE. */
static size_t find_member(const jl_doc *d, const node *nd, const char *name)
{
    const size_t *k = d->kidx + nd->kids;
    size_t lo = 0, hi = nd->nkids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(d->pool + d->nodes[k[mid]].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < nd->nkids && strcmp(d->pool + d->nodes[k[lo]].name, name) == 0)
        return k[lo];
    return JL_NONE;
}

/* Element idx of array nd (idx: "0" or digits without a leading zero), or JL_NONE. */
static size_t find_element(const jl_doc *d, const node *nd, const char *idx)
{
    size_t i = 0;
    if (!*idx || (idx[0] == '0' && idx[1]))
        return JL_NONE;
    for (const char *p = idx; *p; p++) {
        if (!is_digit((unsigned char)*p) || i > (SIZE_MAX - 9) / 10)
            return JL_NONE;
        i = i * 10 + (size_t)(*p - '0');
    }
    return i < nd->nkids ? d->kidx[nd->kids + i] : JL_NONE;
}

int jl_find(const jl_doc *d, const char *pointer, jl_span *out)
{
    if (!d || !d->nnodes || (*pointer && *pointer != '/'))
        return -1;
    char *buf = malloc(strlen(pointer) + 1);
    if (!buf)
        return -1;
    size_t n = 0;
    const char *p = pointer;
    while (*p && n != JL_NONE) {
        size_t k = 0;
        for (p++; *p && *p != '/'; p++) {
            if (*p != '~')
                buf[k++] = *p;
            else if (p[1] == '0' || p[1] == '1')
                buf[k++] = *++p == '0' ? '~' : '/';
            else
                n = JL_NONE;
        }
        buf[k] = 0;
        if (n == JL_NONE)
            break;
        const node *nd = &d->nodes[n];
        n = nd->type == '{' ? find_member(d, nd, buf)
          : nd->type == '[' ? find_element(d, nd, buf) : JL_NONE;
    }
    free(buf);
    if (n == JL_NONE)
        return -1;
    *out = (jl_span){ d->nodes[n].key, d->nodes[n].start, d->nodes[n].end };
    return 0;
}

void jl_linecol(const jl_doc *d, size_t off, size_t *line, size_t *col)
{
    size_t lo = 0, hi = d->nlines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = lo + 1;
    *col = off - d->lines[lo] + 1;
}

void jl_text_linecol(const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
    size_t l = 1, start = 0;
    for (size_t i = 0; i < off && i < len; i++)
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *col = off - start + 1;
}
