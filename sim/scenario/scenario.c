/* scenario.c - the scenario loader: reads a file, checks its JSON syntax
 * (jsonloc) and parses it (cJSON), applies --set overrides, then checks every
 * field while it builds the scenario.  Each problem is kept with its place (a
 * byte offset in the file, or the --set it came from) and all are reported
 * together, sorted by place; a value of the wrong type yields one error and
 * its contents are not looked at, so errors never cascade. */
#include "load.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/numtext.h"
#include "base/jsonloc.h"
#include "base/strbuf.h"
#include "base/textin.h"
#include "strategies/strategy.h"

#define MAX_FILE_BYTES ((size_t)64 << 20)
#define GOT_CHARS 40            /* longest value shown in "(got X)" */
#define PTR_SHOWN 200           /* longest pointer shown in a message */
#define NAME_MAX_LEN 255        /* a name is a folder name */
#define MIN_DURATION 1e-9       /* 1 ns, the histogram's finest latency: a run must last that long */
#define MAX_BINS 1e7            /* time-series rows a run may ask for */
#define MAX_RETRIES 65534       /* the model numbers attempts in 16 bits */
#define MAX_POPULATION 1000000000u
#define MAX_NODES 1000000u
#define MAX_KEYS 4294967295u
#define MAX_PROBLEMS 1000       /* errors kept and shown; the rest are counted */

#define DURATION_HINT "expected a duration such as 30, \"250us\", \"20ms\", \"1.5s\", \"2m\" or \"1h\""
#define DIST_HINT "expected a duration such as \"20ms\" or a distribution such as " \
                  "{\"dist\": \"exponential\", \"mean\": \"20ms\"}"
#define NAME_HINT "expected a name of letters, digits, \".\", \"_\" and \"-\" that starts " \
                  "with a letter or digit (at most 255 characters)"

/* ---- diagnostics ---------------------------------------------------------- */

__attribute__((format(printf, 1, 0)))
static char *vformat(const char *fmt, va_list ap)
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
    char *m = vformat(fmt, ap);
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

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alnum(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

typedef struct range {
    double min, max;
    bool min_open, max_open;
} range;

static const range NONNEG = { 0, INFINITY, false, false };
static const range POS = { 0, INFINITY, true, false };
static const range UNIT = { 0, 1, false, false };
static const range UNIT_OPEN = { 0, 1, false, true };
static const range GE1 = { 1, INFINITY, false, false };
static const range UNIT_OPEN_BOTH = { 0, 1, true, true };

static bool in_range(const range *r, double x)
{
    return (r->min_open ? x > r->min : x >= r->min) && (r->max_open ? x < r->max : x <= r->max);
}

/* " >= 0", " in [0, 1)", ... or "" for any value. */
static void range_text(char *buf, size_t n, const range *r)
{
    char a[40], b[40];
    num_fmt_shortest(a, sizeof a, r->min);
    num_fmt_shortest(b, sizeof b, r->max);
    bool lo = r->min > -INFINITY, hi = r->max < INFINITY;
    if (lo && hi)
        snprintf(buf, n, " in %c%s, %s%c", r->min_open ? '(' : '[', a, b, r->max_open ? ')' : ']');
    else if (lo)
        snprintf(buf, n, " %s %s", r->min_open ? ">" : ">=", a);
    else if (hi)
        snprintf(buf, n, " %s %s", r->max_open ? "<" : "<=", b);
    else
        buf[0] = 0;
}

/* ---- "did you mean" --------------------------------------------------------- */

/* Damerau-Levenshtein distance (optimal string alignment); 4 means "4 or more". */
static size_t osa(const char *a, size_t la, const char *b, size_t lb)
{
    uint8_t d[65][65];
    if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > 3)
        return 4;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (uint8_t)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (uint8_t)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            unsigned v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1] ? 1u : 0u);
            if (d[i - 1][j] + 1u < v) v = d[i - 1][j] + 1u;
            if (d[i][j - 1] + 1u < v) v = d[i][j - 1] + 1u;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1u < v)
                v = d[i - 2][j - 2] + 1u;
            d[i][j] = (uint8_t)v;
        }
    return d[la][lb];
}

/* The closest of list (NULL-terminated) to s: a case-insensitive match, else
 * the nearest at distance 1, 2 between words of 6 letters or more, or 3 from
 * 10 letters ("strategy" for "strategies"); shorter words that far apart are
 * different words ("mean" is not "min").  NULL when none is close. */
static const char *suggest(const char *s, const char *const *list)
{
    for (size_t k = 0; list[k]; k++)
        if (strcasecmp(s, list[k]) == 0)
            return list[k];
    const char *best = NULL;
    size_t bestd = 4, ls = strlen(s);
    for (size_t k = 0; list[k]; k++) {
        size_t lc = strlen(list[k]), d = osa(s, ls, list[k], lc);
        size_t longer = ls > lc ? ls : lc, allowed = longer >= 10 ? 3 : longer >= 6 ? 2 : 1;
        if (d < bestd && d <= allowed && d < longer) {
            best = list[k];
            bestd = d;
        }
    }
    return best;
}

static int index_of(const char *s, const char *const *list)
{
    for (int k = 0; list[k]; k++)
        if (strcmp(s, list[k]) == 0)
            return k;
    return -1;
}

/* ---- the loader ------------------------------------------------------------ */

/* A --set applied to the tree; errors at or below ptr are reported at it. */
typedef struct ovrec {
    char *ptr;            /* RFC 6901 pointer of the value it set */
    size_t idx;           /* position on the command line */
    const char *path;     /* as given */
    char *text;           /* the value's text (doc points into it) */
    jl_doc *doc;          /* when the value was JSON, else it is the string text */
    bool live;            /* false once a later --set replaced it or a parent */
} ovrec;

/* One error, sorted by (cls, pos, seq): cls 0 is in the file at byte pos,
 * cls 1 comes from the --set at position pos. */
typedef struct problem {
    int cls;
    size_t pos, seq;
    char *msg;
} problem;

typedef struct loader {
    const char *file;
    const char *text;
    size_t len;
    jl_doc *doc;
    ovrec *ov;
    size_t nov;
    problem *pr;
    size_t npr, cappr;
    strbuf ptr;               /* pointer of the value being checked */
    size_t dropped;       /* problems beyond MAX_PROBLEMS, counted only */
    bool oom;
    bool keys_ok;         /* keys.count is known (for burst keys) */
} loader;

enum { R_GOT = 1, R_KEY = 2 };     /* report flags: show the value; point at the key */
enum { BAD = -1, ABSENT = 0, SET = 1 };

static const char *cur_ptr(const loader *L) { return L->ptr.s ? L->ptr.s : ""; }

static void ptr_escape(strbuf *b, const char *seg)
{
    sb_putn(b, "/", 1);
    for (const char *p = seg; *p; p++) {
        if (*p == '~')
            sb_putn(b, "~0", 2);
        else if (*p == '/')
            sb_putn(b, "~1", 2);
        else
            sb_putn(b, p, 1);
    }
}

static size_t ptr_push(loader *L, const char *seg)
{
    size_t mark = L->ptr.len;
    ptr_escape(&L->ptr, seg);
    return mark;
}

static size_t ptr_push_idx(loader *L, size_t i)
{
    size_t mark = L->ptr.len;
    sb_printf(&L->ptr, "/%zu", i);
    return mark;
}

static void ptr_pop(loader *L, size_t mark)
{
    L->ptr.len = mark;
    if (L->ptr.s)
        L->ptr.s[mark] = 0;
}

static char *sdup(loader *L, const char *s)
{
    char *t = strdup(s);
    if (!t)
        L->oom = true;
    return t;
}

static void add_problem(loader *L, int cls, size_t pos, strbuf *m)
{
    if (L->npr >= MAX_PROBLEMS) {
        L->dropped++;
        free(m->s);
        return;
    }
    if (!m->oom && L->npr == L->cappr) {
        size_t cap = L->cappr ? L->cappr * 2 : 16;
        problem *t = realloc(L->pr, cap * sizeof *t);
        if (t) {
            L->pr = t;
            L->cappr = cap;
        }
    }
    if (m->oom || L->npr == L->cappr) {
        L->oom = true;
        free(m->s);
        return;
    }
    L->pr[L->npr] = (problem){ cls, pos, L->npr, m->s };
    L->npr++;
}

/* The live --set whose pointer is the longest prefix of ptr, or NULL. */
static const ovrec *covering(const loader *L, const char *ptr)
{
    const ovrec *best = NULL;
    size_t bestlen = 0;
    for (size_t i = 0; i < L->nov; i++) {
        const ovrec *o = &L->ov[i];
        size_t n = strlen(o->ptr);
        if (o->live && strncmp(ptr, o->ptr, n) == 0 && (ptr[n] == 0 || ptr[n] == '/') && (!best || n > bestlen)) {
            best = o;
            bestlen = n;
        }
    }
    return best;
}

/* Where the value at a pointer came from, and its text as written. */
typedef struct where {
    bool found;
    const ovrec *ov;      /* the --set it came from, or NULL: the file */
    size_t off;           /* file: offset of the value (or its key) */
    const char *raw;      /* the value as written, rawlen bytes */
    size_t rawlen;
    const char *str;      /* a --set value taken as a string */
} where;

static where locate(const loader *L, const char *ptr, bool at_key)
{
    where w = { 0 };
    jl_span sp;
    const ovrec *o = covering(L, ptr);
    if (o) {
        const char *sub = ptr + strlen(o->ptr);
        w.found = true;
        w.ov = o;
        if (o->doc && jl_find(o->doc, sub, &sp) == 0) {
            w.raw = o->text + sp.start;
            w.rawlen = sp.end - sp.start;
        } else if (!o->doc && !*sub) {
            w.str = o->text;
        }
    } else if (jl_find(L->doc, ptr, &sp) == 0) {
        w.found = true;
        w.off = at_key && sp.key != JL_NONE ? sp.key : sp.start;
        w.raw = L->text + sp.start;
        w.rawlen = sp.end - sp.start;
    }
    return w;
}

static bool is_cont(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

/* The inside of a string literal, cut after GOT_CHARS characters (an escape
 * or a UTF-8 sequence counts as one). */
static void show_literal(strbuf *m, const char *s, size_t n)
{
    size_t i = 0, chars = 0;
    sb_putn(m, "\"", 1);
    while (i < n && chars < GOT_CHARS) {
        size_t k = 1;
        if (s[i] == '\\')
            k = i + 1 < n && s[i + 1] == 'u' ? 6 : 2;
        else
            while (i + k < n && is_cont(s[i + k]))
                k++;
        if (k > n - i)
            k = n - i;
        sb_putn(m, s + i, k);
        i += k;
        chars++;
    }
    sb_puts(m, i < n ? "...\"" : "\"");
}

/* A value as written: strings quoted, containers on one line, cut at GOT_CHARS. */
static void show_raw(strbuf *m, const char *raw, size_t n)
{
    if (n >= 2 && raw[0] == '"') {
        show_literal(m, raw + 1, n - 2);
        return;
    }
    size_t chars = 0;
    bool in_str = false, esc = false;
    char prev = 0;
    for (size_t i = 0; i < n; i++) {
        char c = raw[i];
        if (!in_str && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            size_t j = i;
            while (j < n && (raw[j] == ' ' || raw[j] == '\t' || raw[j] == '\n' || raw[j] == '\r'))
                j++;
            i = j - 1;
            if (prev == '[' || prev == '{' || j == n || raw[j] == ']' || raw[j] == '}')
                continue;
            c = ' ';
        }
        if (!is_cont(c) && chars++ == GOT_CHARS) {
            sb_puts(m, "...");
            return;
        }
        sb_putn(m, &c, 1);
        prev = c;
        if (!in_str)
            in_str = c == '"';
        else if (esc)
            esc = false;
        else if (c == '\\')
            esc = true;
        else if (c == '"')
            in_str = false;
    }
}

/* A string from --set, shown as the JSON literal it would be. */
static void show_string(strbuf *m, const char *s)
{
    strbuf lit = { 0 };
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t" : NULL;
        if (esc)
            sb_puts(&lit, esc);
        else if (c < 0x20 || c == 0x7f)
            sb_printf(&lit, "\\u%04x", c);
        else
            sb_putn(&lit, p, 1);
    }
    if (lit.oom)
        m->oom = true;
    else
        show_literal(m, lit.s ? lit.s : "", lit.len);
    free(lit.s);
}

static void show_pointer(strbuf *m, const char *ptr)
{
    size_t n = strlen(ptr);
    if (!n) {
        sb_puts(m, "/");
        return;
    }
    if (n <= PTR_SHOWN) {
        sb_putn(m, ptr, n);
        return;
    }
    n = PTR_SHOWN;
    while (n > 0 && is_cont(ptr[n]))
        n--;
    sb_putn(m, ptr, n);
    sb_puts(m, "...");
}

/* Reports a problem with the value at the current pointer. */
__attribute__((format(printf, 3, 4)))
static void report(loader *L, int flags, const char *fmt, ...)
{
    if (L->npr >= MAX_PROBLEMS) {   /* a hostile file: no time spent on what is not shown */
        L->dropped++;
        return;
    }
    const char *ptr = cur_ptr(L);
    where w = locate(L, ptr, flags & R_KEY);
    strbuf m = { 0 };
    int cls = 0;
    size_t pos = 0;
    if (w.ov) {
        cls = 1;
        pos = w.ov->idx;
        sb_printf(&m, "--set %s: error: ", w.ov->path);
    } else if (w.found) {
        size_t line, col;
        jl_linecol(L->doc, w.off, &line, &col);
        pos = w.off;
        sb_printf(&m, "%s:%zu:%zu: error: ", L->file, line, col);
    } else {
        sb_printf(&m, "%s: error: ", L->file);
    }
    show_pointer(&m, ptr);
    sb_puts(&m, ": ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&m, fmt, ap);
    va_end(ap);
    if ((flags & R_GOT) && (w.raw || w.str)) {
        sb_puts(&m, " (got ");
        if (w.raw)
            show_raw(&m, w.raw, w.rawlen);
        else
            show_string(&m, w.str);
        sb_puts(&m, ")");
    }
    add_problem(L, cls, pos, &m);
}

/* "a, b, c" from a NULL-terminated list. */
static char *join(loader *L, const char *const *list)
{
    strbuf b = { 0 };
    sb_puts(&b, "");
    for (size_t k = 0; list[k]; k++) {
        if (k)
            sb_puts(&b, ", ");
        sb_puts(&b, list[k]);
    }
    if (b.oom) {
        L->oom = true;
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* ---- values ------------------------------------------------------------------ */

/* An integer read from the number's text (exact beyond 2^53). */
static bool exact_uint(const loader *L, const cJSON *v, uint64_t *out)
{
    where w = locate(L, cur_ptr(L), false);
    if (w.raw)
        return num_literal_uint(w.raw, w.rawlen, out);
    double d = v->valuedouble;   /* no text: exact only below 2^53 */
    if (!(d >= 0 && d < 9007199254740992.0 && d == floor(d)))
        return false;
    *out = (uint64_t)d;
    return true;
}

static bool v_object(loader *L, const cJSON *v, const char *expected)
{
    if (cJSON_IsObject(v))
        return true;
    report(L, R_GOT, "%s", expected ? expected : "expected an object");
    return false;
}

static bool v_string(loader *L, const cJSON *v)
{
    if (cJSON_IsString(v))
        return true;
    report(L, R_GOT, "expected a string");
    return false;
}

static bool v_duration(loader *L, const cJSON *v, const range *r, double *out, const char *hint)
{
    double x = 0;
    int rc = 1;
    if (cJSON_IsNumber(v)) {
        rc = isfinite(v->valuedouble) ? 0 : 2;
        x = v->valuedouble + 0.0;
    } else if (cJSON_IsString(v)) {
        rc = num_duration(v->valuestring, true, true, &x);
    }
    if (rc == 2) {
        report(L, R_GOT, "not a finite number");
        return false;
    }
    if (rc != 0) {
        report(L, R_GOT, "%s", hint);
        return false;
    }
    if (!in_range(r, x)) {
        char rt[96];
        range_text(rt, sizeof rt, r);
        report(L, R_GOT, "expected a duration%s", rt);
        return false;
    }
    *out = x;
    return true;
}

static bool v_number(loader *L, const cJSON *v, const range *r, double *out)
{
    char rt[96];
    range_text(rt, sizeof rt, r);
    if (cJSON_IsNumber(v) && !isfinite(v->valuedouble)) {
        report(L, R_GOT, "not a finite number");
        return false;
    }
    if (!cJSON_IsNumber(v) || !in_range(r, v->valuedouble)) {
        report(L, R_GOT, "expected a number%s", rt);
        return false;
    }
    *out = v->valuedouble + 0.0;
    return true;
}

static bool v_uint(loader *L, const cJSON *v, uint64_t lo, uint64_t hi, bool unlimited, uint64_t *out)
{
    uint64_t x;
    if (unlimited && cJSON_IsString(v) && strcmp(v->valuestring, "unlimited") == 0) {
        *out = UNLIMITED;
        return true;
    }
    if (cJSON_IsNumber(v) && !isfinite(v->valuedouble)) {
        report(L, R_GOT, "not a finite number");
        return false;
    }
    if (cJSON_IsNumber(v) && exact_uint(L, v, &x) && x >= lo && x <= hi) {
        *out = x;
        return true;
    }
    char rt[96];
    /* An integer too large for 64 bits gets the upper bound too. */
    if (hi == UINT64_MAX && !(cJSON_IsNumber(v) && v->valuedouble >= 18446744073709551616.0))
        snprintf(rt, sizeof rt, " >= %" PRIu64, lo);
    else
        snprintf(rt, sizeof rt, " in [%" PRIu64 ", %" PRIu64 "]", lo, hi);
    report(L, R_GOT, "expected an integer%s%s", rt, unlimited ? " or \"unlimited\"" : "");
    return false;
}

/* The index of v in choices, or -1 after reporting; what names the kind of
 * value in "unknown WHAT". */
static int v_enum(loader *L, const cJSON *v, const char *what, const char *const *choices)
{
    int k = cJSON_IsString(v) ? index_of(v->valuestring, choices) : -1;
    if (k >= 0)
        return k;
    const char *hint = cJSON_IsString(v) ? suggest(v->valuestring, choices) : NULL;
    char *list = join(L, choices);
    if (!cJSON_IsString(v))
        report(L, R_GOT, "expected one of: %s", list ? list : "");
    else if (hint)
        report(L, R_GOT, "unknown %s (did you mean \"%s\"?)", what, hint);
    else
        report(L, R_GOT, "unknown %s (expected one of: %s)", what, list ? list : "");
    free(list);
    return -1;
}

/* Member name of obj; reports it missing when required. */
static const cJSON *field(loader *L, const cJSON *obj, const char *name, bool required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v && required)
        report(L, 0, "missing required field \"%s\"", name);
    return v;
}

/* Reports every member of obj whose name is not in allowed. */
static void check_fields(loader *L, const cJSON *obj, const char *const *allowed)
{
    char *list = NULL;
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (index_of(c->string, allowed) >= 0)
            continue;
        if (L->npr >= MAX_PROBLEMS) {   /* not shown: no hint to look for */
            L->dropped++;
            continue;
        }
        if (!list && !(list = join(L, allowed)))
            return;
        const char *hint = suggest(c->string, allowed);
        size_t m = ptr_push(L, c->string);
        if (hint)
            report(L, R_KEY, "unknown field (did you mean \"%s\"?)", hint);
        else
            report(L, R_KEY, "unknown field (expected one of: %s)", list);
        ptr_pop(L, m);
    }
    free(list);
}

/* The typed getters: BAD (reported), ABSENT (out left as is) or SET. */
static int get_duration(loader *L, const cJSON *obj, const char *name, bool req, const range *r, double *out)
{
    const cJSON *v = field(L, obj, name, req);
    if (!v)
        return req ? BAD : ABSENT;
    size_t m = ptr_push(L, name);
    bool ok = v_duration(L, v, r, out, DURATION_HINT);
    ptr_pop(L, m);
    return ok ? SET : BAD;
}

static int get_number(loader *L, const cJSON *obj, const char *name, bool req, const range *r, double *out)
{
    const cJSON *v = field(L, obj, name, req);
    if (!v)
        return req ? BAD : ABSENT;
    size_t m = ptr_push(L, name);
    bool ok = v_number(L, v, r, out);
    ptr_pop(L, m);
    return ok ? SET : BAD;
}

static int get_uint(loader *L, const cJSON *obj, const char *name, bool req, uint64_t lo, uint64_t hi,
                    bool unlimited, uint64_t *out)
{
    const cJSON *v = field(L, obj, name, req);
    if (!v)
        return req ? BAD : ABSENT;
    size_t m = ptr_push(L, name);
    bool ok = v_uint(L, v, lo, hi, unlimited, out);
    ptr_pop(L, m);
    return ok ? SET : BAD;
}

static int get_enum(loader *L, const cJSON *obj, const char *name, const char *const *choices, int *out)
{
    const cJSON *v = field(L, obj, name, false);
    if (!v)
        return ABSENT;
    size_t m = ptr_push(L, name);
    int k = v_enum(L, v, "value", choices);
    ptr_pop(L, m);
    if (k < 0)
        return BAD;
    *out = k;
    return SET;
}

/* ---- distributions ------------------------------------------------------------ */

/* Same order as enum dist_kind. */
static const char *const DIST_NAMES[] = {
    "constant", "exponential", "uniform", "normal", "lognormal", "gamma", "weibull", "pareto", NULL,
};

/* Each kind's fields: p1 is a duration; p2 a duration or, for shapes and
 * sigma, a plain number. */
static const struct dist_def {
    const char *p1, *p2;
    bool p2_number;
    const range *r1, *r2;
} DISTS[] = {
    [DIST_CONSTANT] = { "value", NULL, false, &NONNEG, NULL },
    [DIST_EXPONENTIAL] = { "mean", NULL, false, &POS, NULL },
    [DIST_UNIFORM] = { "min", "max", false, &NONNEG, &NONNEG },
    [DIST_NORMAL] = { "mean", "stddev", false, &NONNEG, &POS },
    [DIST_LOGNORMAL] = { "median", "sigma", true, &POS, &POS },
    [DIST_GAMMA] = { "mean", "shape", true, &POS, &POS },
    [DIST_WEIBULL] = { "scale", "shape", true, &POS, &POS },
    [DIST_PARETO] = { "scale", "shape", true, &POS, &POS },
};

static bool v_dist(loader *L, const cJSON *v, dist *out)
{
    if (cJSON_IsNumber(v) || cJSON_IsString(v)) {
        double x;
        if (!v_duration(L, v, &NONNEG, &x, DIST_HINT))
            return false;
        *out = (dist){ DIST_CONSTANT, x, 0 };
        return true;
    }
    if (!cJSON_IsObject(v)) {
        report(L, R_GOT, "%s", DIST_HINT);
        return false;
    }
    const cJSON *k = field(L, v, "dist", true);
    if (!k)
        return false;
    size_t m = ptr_push(L, "dist");
    int kind = v_enum(L, k, "distribution", DIST_NAMES);
    ptr_pop(L, m);
    if (kind < 0)
        return false;
    const struct dist_def *dd = &DISTS[kind];
    const char *const allowed[] = { "dist", dd->p1, dd->p2, NULL };
    check_fields(L, v, allowed);
    dist d = { (enum dist_kind)kind, 0, 0 };
    bool ok = get_duration(L, v, dd->p1, true, dd->r1, &d.p1) == SET;
    if (dd->p2) {
        int r2 = dd->p2_number ? get_number(L, v, dd->p2, true, dd->r2, &d.p2)
                               : get_duration(L, v, dd->p2, true, dd->r2, &d.p2);
        ok = ok && r2 == SET;
        if (ok && kind == DIST_UNIFORM && d.p2 < d.p1) {
            char a[40];
            num_fmt_shortest(a, sizeof a, d.p1);
            m = ptr_push(L, "max");
            report(L, R_GOT, "expected a duration >= %s s, the \"min\"", a);
            ptr_pop(L, m);
            ok = false;
        }
    }
    if (ok)
        *out = d;
    return ok;
}

static int get_dist(loader *L, const cJSON *obj, const char *name, bool req, dist *out)
{
    const cJSON *v = field(L, obj, name, req);
    if (!v)
        return req ? BAD : ABSENT;
    size_t m = ptr_push(L, name);
    bool ok = v_dist(L, v, out);
    ptr_pop(L, m);
    return ok ? SET : BAD;
}

/* ---- the sections ------------------------------------------------------------- */

static size_t count_items(const cJSON *v)
{
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        n++;
    return n;
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NAME_MAX_LEN || !is_alnum(s[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
            return false;
    return true;
}

bool scenario_valid_name(const char *s)
{
    return valid_name(s);
}

static void load_name(loader *L, const cJSON *root, scenario *s)
{
    const cJSON *v = field(L, root, "name", false);
    if (v) {
        size_t m = ptr_push(L, "name");
        if (v_string(L, v)) {
            if (valid_name(v->valuestring))
                s->name = sdup(L, v->valuestring);
            else
                report(L, R_GOT, NAME_HINT);
        }
        ptr_pop(L, m);
        return;
    }
    /* The default: the file name without ".json". */
    const char *base = strrchr(L->file, '/');
    base = base ? base + 1 : L->file;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    char *name = strndup(base, n);
    if (!name) {
        L->oom = true;
        return;
    }
    if (valid_name(name))
        s->name = name;
    else {
        report(L, 0, "missing field \"name\": the file name \"%s\" cannot name the results folder "
                     "(use letters, digits, \".\", \"_\" and \"-\", starting with a letter or digit)", name);
        free(name);
    }
}

static void load_keys(loader *L, const cJSON *root, scenario *s)
{
    static const char *const fields[] = { "count", "popularity", NULL };
    static const char *const uniform[] = { "uniform", NULL };
    const char *pop_hint = "expected \"uniform\" or {\"zipf\": s}";
    L->keys_ok = true;
    const cJSON *k = field(L, root, "keys", false);
    if (!k)
        return;
    size_t m = ptr_push(L, "keys");
    if (!v_object(L, k, NULL)) {
        L->keys_ok = false;
        ptr_pop(L, m);
        return;
    }
    check_fields(L, k, fields);
    if (get_uint(L, k, "count", false, 1, MAX_KEYS, false, &s->keys.count) == BAD)
        L->keys_ok = false;
    const cJSON *p = field(L, k, "popularity", false);
    if (p) {
        size_t m2 = ptr_push(L, "popularity");
        if (cJSON_IsString(p) && strcmp(p->valuestring, "uniform") != 0) {
            const char *hint = suggest(p->valuestring, uniform);
            if (hint)
                report(L, R_GOT, "unknown value (did you mean \"%s\"?)", hint);
            else
                report(L, R_GOT, "%s", pop_hint);
        } else if (cJSON_IsObject(p)) {
            static const char *const zf[] = { "zipf", NULL };
            check_fields(L, p, zf);
            get_number(L, p, "zipf", true, &NONNEG, &s->keys.zipf_s);
        } else if (!cJSON_IsString(p)) {
            report(L, R_GOT, "%s", pop_hint);
        }
        ptr_pop(L, m2);
    }
    ptr_pop(L, m);
}

static int cmp_step(const void *a, const void *b)
{
    const sched_step *x = a, *y = b;
    return (x->at > y->at) - (x->at < y->at);
}

static void load_schedule(loader *L, const cJSON *v, scenario *s)
{
    static const char *const fields[] = { "at", "rate", NULL };
    const char *shape = "expected a non-empty array of {\"at\": D, \"rate\": R}";
    if (!cJSON_IsArray(v) || !v->child) {
        report(L, R_GOT, "%s", shape);
        return;
    }
    s->clients.steps = calloc(count_items(v), sizeof *s->clients.steps);
    if (!s->clients.steps) {
        L->oom = true;
        return;
    }
    double prev = 0;
    bool have_prev = false;
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        size_t m = ptr_push_idx(L, i);
        if (v_object(L, c, "expected an object {\"at\": D, \"rate\": R}")) {
            check_fields(L, c, fields);
            sched_step st = { 0, 0 };
            int at = get_duration(L, c, "at", true, &NONNEG, &st.at);
            get_number(L, c, "rate", true, &NONNEG, &st.rate);
            if (at == SET) {
                if (have_prev && st.at <= prev) {
                    char a[40];
                    num_fmt_shortest(a, sizeof a, prev);
                    size_t m2 = ptr_push(L, "at");
                    report(L, R_GOT, "expected a duration > %s s, the previous step's \"at\"", a);
                    ptr_pop(L, m2);
                }
                prev = st.at;
                have_prev = true;
            }
            s->clients.steps[s->clients.nsteps++] = st;
        }
        ptr_pop(L, m);
    }
    qsort(s->clients.steps, s->clients.nsteps, sizeof *s->clients.steps, cmp_step);
}

/* NULL when path can be read as a stream of text: a file, a FIFO, a pipe or
 * a character device; else why not, in buf. */
static const char *unreadable(const char *path, char *buf, size_t n)
{
    struct stat st;
    const char *why = stat(path, &st) != 0 ? strerror(errno)
                    : S_ISDIR(st.st_mode) ? strerror(EISDIR)
                    : S_ISBLK(st.st_mode) ? "a block device, not a stream of text"
                    : NULL;
    /* A FIFO or a device is not opened to be checked: a FIFO's writer would
     * take the check for its reader and write into nothing. */
    if (!why && !S_ISREG(st.st_mode) && access(path, R_OK)) why = strerror(errno);
    int fd = why || !S_ISREG(st.st_mode) ? -1 : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (!why && S_ISREG(st.st_mode) && fd < 0) why = strerror(errno);
    if (fd >= 0) close(fd);
    if (why) snprintf(buf, n, "%s", why);
    return why ? buf : NULL;
}

static void load_trace(loader *L, const cJSON *v, scenario *s)
{
    if (!cJSON_IsString(v) || !*v->valuestring) {
        report(L, R_GOT, "expected the path of a CSV file");
        return;
    }
    /* Relative paths are relative to the scenario file's folder. */
    const char *t = v->valuestring, *slash = strrchr(L->file, '/');
    size_t dirlen = t[0] == '/' || !slash ? 0 : (size_t)(slash - L->file) + 1;
    char *path = malloc(dirlen + strlen(t) + 1);
    if (!path) {
        L->oom = true;
        return;
    }
    memcpy(path, L->file, dirlen);
    strcpy(path + dirlen, t);
    char why[128];
    if (unreadable(path, why, sizeof why))
        report(L, R_GOT, "cannot read %s: %s", path, why);
    free(s->clients.trace);
    s->clients.trace = path;
}

static void load_arrivals(loader *L, const cJSON *a, scenario *s)
{
    /* Same order as enum arrivals_kind. */
    static const char *const kinds[] = { "rate", "schedule", "closed", "trace", NULL };
    static const char *const closed_fields[] = { "population", "think", NULL };
    check_fields(L, a, kinds);
    const char *first = NULL;
    for (const cJSON *c = a->child; c; c = c->next) {
        int k = index_of(c->string, kinds);
        if (k < 0)
            continue;
        size_t m = ptr_push(L, c->string);
        if (!first) {
            first = c->string;
            s->clients.kind = (enum arrivals_kind)k;
        } else {
            report(L, R_KEY, "conflicts with \"%s\": give exactly one of rate, schedule, closed or trace", first);
        }
        if (k == ARR_RATE) {
            v_number(L, c, &POS, &s->clients.rate);
        } else if (k == ARR_SCHEDULE) {
            load_schedule(L, c, s);
        } else if (k == ARR_CLOSED) {
            if (v_object(L, c, "expected an object {\"population\": N, \"think\": DIST}")) {
                check_fields(L, c, closed_fields);
                get_uint(L, c, "population", true, 1, MAX_POPULATION, false, &s->clients.population);
                get_dist(L, c, "think", true, &s->clients.think);
            }
        } else {
            load_trace(L, c, s);
        }
        ptr_pop(L, m);
    }
    if (!first)
        report(L, 0, "missing required field: one of \"rate\", \"schedule\", \"closed\" or \"trace\"");
}

static void load_burst_key(loader *L, const cJSON *v, const scenario *s, burst *b)
{
    uint64_t x;
    if (cJSON_IsString(v) && strcmp(v->valuestring, "hot") == 0) {
        b->key = BURST_KEY_HOT;
    } else if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && exact_uint(L, v, &x)
               && x <= INT64_MAX && (!L->keys_ok || x < s->keys.count)) {
        b->key = (int64_t)x;
    } else if (L->keys_ok) {
        report(L, R_GOT, "expected \"hot\" or a key index in [0, %" PRIu64 "]", s->keys.count - 1);
    } else {
        report(L, R_GOT, "expected \"hot\" or a key index >= 0");
    }
}

static void load_bursts(loader *L, const cJSON *v, scenario *s)
{
    static const char *const fields[] = { "at", "requests", "over", "key", NULL };
    if (!cJSON_IsArray(v)) {
        report(L, R_GOT, "expected an array of {\"at\": D, \"requests\": N}");
        return;
    }
    size_t n = count_items(v), i = 0;
    if (!n)
        return;
    s->clients.bursts = calloc(n, sizeof *s->clients.bursts);
    if (!s->clients.bursts) {
        L->oom = true;
        return;
    }
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        size_t m = ptr_push_idx(L, i);
        if (v_object(L, c, "expected an object {\"at\": D, \"requests\": N}")) {
            check_fields(L, c, fields);
            burst b = { .key = BURST_KEY_DRAWN };
            get_duration(L, c, "at", true, &NONNEG, &b.at);
            get_uint(L, c, "requests", true, 1, UINT64_MAX, false, &b.requests);
            get_duration(L, c, "over", false, &NONNEG, &b.over);
            const cJSON *k = field(L, c, "key", false);
            if (k) {
                size_t m2 = ptr_push(L, "key");
                load_burst_key(L, k, s, &b);
                ptr_pop(L, m2);
            }
            s->clients.bursts[s->clients.nbursts++] = b;
        }
        ptr_pop(L, m);
    }
}

static void load_clients(loader *L, const cJSON *c, scenario *s)
{
    static const char *const fields[] = { "arrivals", "bursts", "timeout", "retries", "cancel", NULL };
    static const char *const retry_fields[] = { "max", "backoff", "multiplier", "jitter", "budget", NULL };
    static const char *const jitters[] = { "full", "none", NULL };
    /* Same order as enum cancel_kind. */
    static const char *const cancels[] = { "none", "queued", "all", NULL };
    check_fields(L, c, fields);
    const cJSON *a = field(L, c, "arrivals", true);
    if (a) {
        size_t m = ptr_push(L, "arrivals");
        if (v_object(L, a, "expected an object such as {\"rate\": 100}"))
            load_arrivals(L, a, s);
        ptr_pop(L, m);
    }
    const cJSON *b = field(L, c, "bursts", false);
    if (b) {
        size_t m = ptr_push(L, "bursts");
        load_bursts(L, b, s);
        ptr_pop(L, m);
    }
    int timeout = get_duration(L, c, "timeout", false, &POS, &s->clients.timeout);
    int k;
    if (get_enum(L, c, "cancel", cancels, &k) == SET) {
        s->clients.cancel = (enum cancel_kind)k;
        if (k != CANCEL_NONE && timeout == ABSENT) {
            size_t m = ptr_push(L, "cancel");
            report(L, R_GOT, "has no effect without a \"timeout\": a query is cancelled when an attempt waiting "
                             "on it times out");
            ptr_pop(L, m);
        }
    }
    const cJSON *r = field(L, c, "retries", false);
    if (r) {
        size_t m = ptr_push(L, "retries");
        if (v_object(L, r, "expected an object such as {\"max\": 3, \"backoff\": \"100ms\"}")) {
            check_fields(L, r, retry_fields);
            uint64_t max;
            if (get_uint(L, r, "max", true, 0, MAX_RETRIES, false, &max) == SET)
                s->clients.retries_max = (uint32_t)max;
            get_duration(L, r, "backoff", false, &NONNEG, &s->clients.backoff);
            get_number(L, r, "multiplier", false, &GE1, &s->clients.multiplier);
            int j;
            if (get_enum(L, r, "jitter", jitters, &j) == SET)
                s->clients.full_jitter = j == 0;
            get_number(L, r, "budget", false, &NONNEG, &s->clients.retry_budget);
        }
        ptr_pop(L, m);
    }
}

static void load_cache(loader *L, const cJSON *c, scenario *s)
{
    static const char *const fields[] = { "latency", "ttl", "ttl_jitter", "initial", NULL };
    /* Same order as enum initial_kind. */
    static const char *const initial[] = { "spread", "synchronized", "cold", NULL };
    check_fields(L, c, fields);
    get_dist(L, c, "latency", false, &s->cache.latency);
    get_duration(L, c, "ttl", true, &NONNEG, &s->cache.ttl);
    get_number(L, c, "ttl_jitter", false, &UNIT_OPEN, &s->cache.ttl_jitter);
    int k;
    if (get_enum(L, c, "initial", initial, &k) == SET)
        s->cache.initial = (enum initial_kind)k;
}

static void load_db(loader *L, const cJSON *d, scenario *s)
{
    static const char *const fields[] = { "workers", "queue_limit", "latency", "overload", "queue_timeout",
                                          "statement_timeout", NULL };
    static const char *const ofields[] = { "usl", NULL };
    static const char *const ufields[] = { "sigma", "kappa", NULL };
    check_fields(L, d, fields);
    get_uint(L, d, "workers", true, 1, UINT64_MAX, true, &s->db.workers);
    get_uint(L, d, "queue_limit", false, 0, UINT64_MAX, true, &s->db.queue_limit);
    get_dist(L, d, "latency", true, &s->db.latency);
    get_duration(L, d, "queue_timeout", false, &POS, &s->db.queue_timeout);
    get_duration(L, d, "statement_timeout", false, &POS, &s->db.statement_timeout);
    const cJSON *o = field(L, d, "overload", false);
    if (!o)
        return;
    size_t m = ptr_push(L, "overload");
    if (v_object(L, o, "expected an object {\"usl\": {\"sigma\": S, \"kappa\": K}}")) {
        check_fields(L, o, ofields);
        const cJSON *u = field(L, o, "usl", true);
        if (u) {
            size_t m2 = ptr_push(L, "usl");
            if (v_object(L, u, "expected an object {\"sigma\": S, \"kappa\": K}")) {
                check_fields(L, u, ufields);
                int a = get_number(L, u, "sigma", true, &UNIT, &s->db.sigma);
                int b = get_number(L, u, "kappa", true, &NONNEG, &s->db.kappa);
                s->db.usl = a == SET && b == SET;
            }
            ptr_pop(L, m2);
        }
    }
    ptr_pop(L, m);
}

const char *const trigger_names[TRIG_N] = {
#define X(id, name) name,
    TRIGGER_KINDS(X)
#undef X
};

static void load_faults(loader *L, const cJSON *v, scenario *s)
{
    /* Same order as enum fault_kind. */
    static const char *const types[] = {
#define X(id, name) name,
        FAULT_KINDS(X)
#undef X
        NULL,
    };
    static const char *const flush_fields[] = { "at", "type", NULL };
    static const char *const slow_fields[] = { "at", "until", "type", "factor", NULL };
    if (!cJSON_IsArray(v)) {
        report(L, R_GOT, "expected an array of faults such as {\"at\": D, \"type\": \"cache_flush\"}");
        return;
    }
    size_t n = count_items(v), i = 0;
    if (!n)
        return;
    s->faults = calloc(n, sizeof *s->faults);
    if (!s->faults) {
        L->oom = true;
        return;
    }
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        size_t m = ptr_push_idx(L, i);
        if (v_object(L, c, "expected an object such as {\"at\": D, \"type\": \"cache_flush\"}")) {
            const cJSON *t = field(L, c, "type", true);
            int k = -1;
            if (t) {
                size_t m2 = ptr_push(L, "type");
                k = v_enum(L, t, "fault type", types);
                ptr_pop(L, m2);
            }
            /* Without a known type the other fields mean nothing yet. */
            if (k >= 0) {
                fault f = { .kind = (enum fault_kind)k, .factor = 1 };
                check_fields(L, c, k == FAULT_CACHE_FLUSH ? flush_fields : slow_fields);
                int at = get_duration(L, c, "at", true, &NONNEG, &f.at);
                f.until = f.at;
                if (k == FAULT_DB_SLOWDOWN) {
                    int until = get_duration(L, c, "until", true, &NONNEG, &f.until);
                    if (at == SET && until == SET && f.until <= f.at) {
                        char a[40];
                        num_fmt_shortest(a, sizeof a, f.at);
                        size_t m2 = ptr_push(L, "until");
                        report(L, R_GOT, "expected a duration > %s s, the \"at\"", a);
                        ptr_pop(L, m2);
                    }
                    get_number(L, c, "factor", true, &POS, &f.factor);
                }
                s->faults[s->nfaults++] = f;
            }
        }
        ptr_pop(L, m);
    }
}

static void put_double(void *at, double x) { memcpy(at, &x, sizeof x); }

/* A parameter's default, in scenario syntax, into the params struct. */
static bool param_default(const param_spec *p, const range *r, void *at)
{
    double x = INFINITY;
    bool b = false;
    int k = -1;
    switch (p->type) {
    case PARAM_DURATION:
        if (p->def && (num_duration(p->def, false, false, &x) != 0 || !in_range(r, x)))
            return false;
        put_double(at, x);
        return true;
    case PARAM_NUMBER:
        if (p->def && (!num_text(p->def, &x) || !in_range(r, x)))
            return false;
        put_double(at, x);
        return true;
    case PARAM_BOOL:
        if (p->def && strcmp(p->def, "true") != 0 && strcmp(p->def, "false") != 0)
            return false;
        b = p->def && strcmp(p->def, "true") == 0;
        memcpy(at, &b, sizeof b);
        return true;
    case PARAM_ENUM:
        if (p->def && (!p->choices || (k = index_of(p->def, p->choices)) < 0))
            return false;
        memcpy(at, &k, sizeof k);
        return true;
    case PARAM_STRATEGY: {
        strategy_cfg *none = NULL;
        memcpy(at, &none, sizeof none);
        return !p->def;
    }
    }
    return false;
}

static void load_strategy(loader *L, const cJSON *v, const char *const *names, strategy_cfg *cfg);

/* A nested strategy that coordinates recomputes: one with an `early` hook. */
static bool load_recompute(loader *L, const cJSON *v, void *at)
{
    size_t nreg = 0, n = 0;
    while (strategy_registry[nreg])
        nreg++;
    const char **names = malloc((nreg + 1) * sizeof *names);
    strategy_cfg *cfg = calloc(1, sizeof *cfg);
    if (!names || !cfg) {
        free(names);
        free(cfg);
        L->oom = true;
        return false;
    }
    for (size_t i = 0; i < nreg; i++)
        if (strategy_registry[i]->early)
            names[n++] = strategy_registry[i]->name;
    names[n] = NULL;
    load_strategy(L, v, names, cfg);
    free(names);
    memcpy(at, &cfg, sizeof cfg);
    return cfg->ops != NULL;
}

static bool load_param(loader *L, const cJSON *obj, const strategy_ops *ops, const param_spec *p, void *params)
{
    static const char *const no_choices[] = { NULL };
    range r = { p->min, p->max, p->min_open, p->max_open };
    char *at = (char *)params + p->offset;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, p->name);
    if (!v) {
        if (param_default(p, &r, at))
            return true;
        report(L, 0, "internal error: strategy \"%s\" has an invalid default \"%s\" for \"%s\"",
               ops->name, p->def, p->name);
        return false;
    }
    size_t m = ptr_push(L, p->name);
    bool ok = false;
    double x;
    int k;
    switch (p->type) {
    case PARAM_DURATION:
        if ((ok = v_duration(L, v, &r, &x, DURATION_HINT)))
            put_double(at, x);
        break;
    case PARAM_NUMBER:
        if ((ok = v_number(L, v, &r, &x)))
            put_double(at, x);
        break;
    case PARAM_BOOL:
        if ((ok = cJSON_IsBool(v))) {
            bool b = cJSON_IsTrue(v);
            memcpy(at, &b, sizeof b);
        } else {
            report(L, R_GOT, "expected true or false");
        }
        break;
    case PARAM_ENUM:
        if ((ok = (k = v_enum(L, v, "value", p->choices ? p->choices : no_choices)) >= 0))
            memcpy(at, &k, sizeof k);
        break;
    case PARAM_STRATEGY:
        ok = load_recompute(L, v, at);
        break;
    }
    ptr_pop(L, m);
    return ok;
}

static void load_strategy(loader *L, const cJSON *v, const char *const *names, strategy_cfg *cfg)
{
    if (!v_object(L, v, "expected an object such as {\"name\": \"none\"}"))
        return;
    const strategy_ops *ops = NULL;
    const cJSON *nm = field(L, v, "name", true);
    if (nm) {
        size_t m = ptr_push(L, "name");
        if (v_enum(L, nm, "strategy", names) >= 0)
            ops = strategy_find(nm->valuestring);
        ptr_pop(L, m);
    }
    const char *label = NULL;
    bool label_ok = true;
    const cJSON *lb = field(L, v, "label", false);
    if (lb) {
        size_t m = ptr_push(L, "label");
        if ((label_ok = cJSON_IsString(lb) && valid_name(lb->valuestring)))
            label = lb->valuestring;
        else
            report(L, R_GOT, NAME_HINT);
        ptr_pop(L, m);
    }
    /* Without a known strategy its parameters cannot be checked. */
    if (!ops)
        return;
    const char **allowed = malloc((ops->nparams + 3) * sizeof *allowed);
    cfg->params = calloc(1, ops->params_size ? ops->params_size : 1);
    if (!allowed || !cfg->params) {
        free(allowed);
        L->oom = true;
        return;
    }
    allowed[0] = "name";
    allowed[1] = "label";
    for (size_t i = 0; i < ops->nparams; i++)
        allowed[i + 2] = ops->params[i].name;
    allowed[ops->nparams + 2] = NULL;
    check_fields(L, v, allowed);
    free(allowed);
    cfg->ops = ops;
    bool ok = true;
    for (size_t i = 0; i < ops->nparams; i++)
        ok &= load_param(L, v, ops, &ops->params[i], cfg->params);
    const char *msg = ok && ops->check ? ops->check(cfg->params) : NULL;
    if (msg)
        report(L, 0, "%s", msg);
    if (label_ok)
        cfg->label = sdup(L, label ? label : ops->name);
}

typedef struct labelref {
    const char *label;
    size_t idx;
} labelref;

static int cmp_label(const void *a, const void *b)
{
    const labelref *x = a, *y = b;
    int c = strcmp(x->label, y->label);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Reports each label used by an earlier strategy, at the later one. */
static void check_labels(loader *L, const cJSON *arr, scenario *s)
{
    labelref *t = malloc(s->nstrategies * sizeof *t);
    size_t n = 0;
    if (!t) {
        L->oom = true;
        return;
    }
    for (size_t i = 0; i < s->nstrategies; i++)
        if (s->strategies[i].label)
            t[n++] = (labelref){ s->strategies[i].label, i };
    qsort(t, n, sizeof *t, cmp_label);
    for (size_t k = 1, first = 0; k < n; k++) {
        if (strcmp(t[k].label, t[first].label) != 0) {
            first = k;
            continue;
        }
        const cJSON *el = cJSON_GetArrayItem(arr, (int)t[k].idx);
        size_t m = ptr_push_idx(L, t[k].idx);
        if (cJSON_GetObjectItemCaseSensitive(el, "label"))
            ptr_push(L, "label");
        report(L, 0, "duplicate label \"%s\", also used by /strategies/%zu; give each a distinct \"label\"",
               t[k].label, t[first].idx);
        ptr_pop(L, m);
    }
    free(t);
}

static void load_strategies(loader *L, const cJSON *root, scenario *s)
{
    size_t nreg = 0;
    while (strategy_registry[nreg])
        nreg++;
    const char **names = malloc((nreg + 1) * sizeof *names);
    if (!names) {
        L->oom = true;
        return;
    }
    for (size_t i = 0; i <= nreg; i++)
        names[i] = strategy_registry[i] ? strategy_registry[i]->name : NULL;
    const cJSON *v = field(L, root, "strategies", false);
    size_t m = ptr_push(L, "strategies");
    if (!v) {
        /* The default, [{"name": "none"}], checked as if it were written. */
        cJSON *def = cJSON_CreateObject();
        s->strategies = calloc(1, sizeof *s->strategies);
        if (!def || !s->strategies || !cJSON_AddStringToObject(def, "name", "none")) {
            L->oom = true;
        } else {
            size_t m2 = ptr_push_idx(L, 0);
            s->nstrategies = 1;
            load_strategy(L, def, names, &s->strategies[0]);
            ptr_pop(L, m2);
        }
        cJSON_Delete(def);
    } else if (!cJSON_IsArray(v) || !v->child) {
        report(L, R_GOT, "expected a non-empty array such as [{\"name\": \"none\"}]");
    } else if (!(s->strategies = calloc(count_items(v), sizeof *s->strategies))) {
        L->oom = true;
    } else {
        size_t i = 0;
        for (const cJSON *c = v->child; c; c = c->next, i++) {
            size_t m2 = ptr_push_idx(L, i);
            load_strategy(L, c, names, &s->strategies[s->nstrategies++]);
            ptr_pop(L, m2);
        }
        check_labels(L, v, s);
    }
    ptr_pop(L, m);
    free(names);
}

/* ---- checks across fields --------------------------------------------------- */

/* The size of a delay drawn from d: its value, or its scale (uniform: max). */
static double dist_scale(const dist *d)
{
    switch (d->kind) {
    case DIST_UNIFORM:
        return d->p2;
    case DIST_NORMAL:
        return d->p1 + d->p2;
    default:
        return d->p1;
    }
}

/* Reports a problem at the pointer made of segs (NULL-terminated). */
__attribute__((format(printf, 3, 4)))
static void report_at(loader *L, const char *const *segs, const char *fmt, ...)
{
    size_t m = L->ptr.len;
    for (size_t i = 0; segs[i]; i++)
        ptr_push(L, segs[i]);
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    if (msg)
        report(L, R_GOT, "%s", msg);
    else
        L->oom = true;
    free(msg);
    ptr_pop(L, m);
}

/* Arrivals that can never happen: a rate so small that the time between
 * arrivals is infinite, schedule steps and bursts at or after duration, when
 * arrivals have stopped. */
static void check_arrivals_in_time(loader *L, const scenario *s)
{
    char d[40];
    num_fmt_shortest(d, sizeof d, s->duration);
    size_t m = ptr_push(L, "clients");
    if (s->clients.kind == ARR_RATE && !isfinite(1 / s->clients.rate)) {
        size_t m2 = ptr_push(L, "arrivals");
        ptr_push(L, "rate");
        report(L, R_GOT, "too small: the mean time between arrivals, 1/rate, is infinite");
        ptr_pop(L, m2);
    }
    for (size_t i = 0; s->clients.kind == ARR_SCHEDULE && i < s->clients.nsteps; i++) {
        const sched_step *st = &s->clients.steps[i];   /* sorted: in file order once valid */
        bool late = st->at >= s->duration, tiny = st->rate > 0 && !isfinite(1 / st->rate);
        if (!late && !tiny)
            continue;
        size_t m2 = ptr_push(L, "arrivals");
        ptr_push(L, "schedule");
        ptr_push_idx(L, i);
        ptr_push(L, late ? "at" : "rate");
        if (late)
            report(L, R_GOT, "expected a time < %s s, the \"duration\": a step at or after it never applies", d);
        else
            report(L, R_GOT, "too small: the mean time between arrivals, 1/rate, is infinite");
        ptr_pop(L, m2);
    }
    for (size_t i = 0; i < s->clients.nbursts; i++) {
        if (s->clients.bursts[i].at < s->duration)
            continue;
        size_t m2 = ptr_push(L, "bursts");
        ptr_push_idx(L, i);
        ptr_push(L, "at");
        report(L, R_GOT, "expected a time < %s s, the \"duration\": arrivals stop then, so the burst would send nothing",
               d);
        ptr_pop(L, m2);
    }
    ptr_pop(L, m);
}

/* A closed-loop client answered at once and thinking 0 s would send its next
 * request at the same instant, forever: simulated time would never move. */
static void check_closed_loop(loader *L, const scenario *s)
{
    static const char *const think[] = { "clients", "arrivals", "closed", "think", NULL };
    if (s->clients.kind != ARR_CLOSED || dist_scale(&s->clients.think) > 0 || dist_scale(&s->cache.latency) > 0)
        return;
    const char *why = s->cache.ttl > 0                 ? "a cache hit"
                    : s->db.queue_limit != UNLIMITED    ? "a query rejected by the full DB"
                    : dist_scale(&s->db.latency) <= 0   ? "a DB query of latency 0"
                                                        : NULL;
    if (why)
        report_at(L, think, "expected a think time > 0 when cache.latency is 0: a client answered at once "
                            "(%s) would send its next request at the same instant, forever", why);
}

#define RESOLUTION_MSG "shorter than %s s, the clock's resolution at t = %s s (the \"duration\"): " \
                       "such a delay would not move the clock"

static void check_cfg_resolution(loader *L, const strategy_cfg *c, double res, const char *rt, const char *dt);

/* The smallest delay that still moves the clock at every time up to the
 * duration: t + dt > t in double for t <= duration needs dt >= duration * 2^-52. */
static void check_resolution(loader *L, const scenario *s)
{
    double res = s->duration * 0x1p-52;
    char rt[40], dt[40];
    /* Shown rounded up to 3 digits, so that the value shown is itself enough. */
    double unit = pow(10, floor(log10(res)) - 2), up = ceil(res / unit) * unit;
    for (snprintf(rt, sizeof rt, "%.3g", up); strtod(rt, NULL) < res; snprintf(rt, sizeof rt, "%.3g", up))
        up += unit;
    num_fmt_shortest(dt, sizeof dt, s->duration);
    const struct { const char *const segs[5]; double x; } delays[] = {
        { { "cache", "latency", NULL }, dist_scale(&s->cache.latency) },
        { { "db", "latency", NULL }, dist_scale(&s->db.latency) },
        { { "clients", "arrivals", "closed", "think", NULL },
          s->clients.kind == ARR_CLOSED ? dist_scale(&s->clients.think) : 0 },
        { { "clients", "timeout", NULL }, s->clients.timeout },
        { { "clients", "retries", "backoff", NULL }, s->clients.backoff },
        { { "db", "queue_timeout", NULL }, s->db.queue_timeout },
        { { "db", "statement_timeout", NULL }, s->db.statement_timeout },
    };
    for (size_t i = 0; i < sizeof delays / sizeof *delays; i++)
        if (delays[i].x > 0 && delays[i].x < res)
            report_at(L, delays[i].segs, RESOLUTION_MSG, rt, dt);
    size_t m = ptr_push(L, "strategies");
    for (size_t i = 0; i < s->nstrategies; i++) {
        size_t m2 = ptr_push_idx(L, i);
        check_cfg_resolution(L, &s->strategies[i], res, rt, dt);
        ptr_pop(L, m2);
    }
    ptr_pop(L, m);
}

/* The duration parameters of a strategy (at the current pointer) and of the
 * strategies nested in it. */
static void check_cfg_resolution(loader *L, const strategy_cfg *c, double res, const char *rt, const char *dt)
{
    for (size_t k = 0; c->ops && c->params && k < c->ops->nparams; k++) {
        const param_spec *p = &c->ops->params[k];
        const char *at = (const char *)c->params + p->offset;
        double x;
        const strategy_cfg *inner;
        size_t m = ptr_push(L, p->name);
        if (p->type == PARAM_DURATION) {
            memcpy(&x, at, sizeof x);
            if (x > 0 && x < res)
                report(L, R_GOT, RESOLUTION_MSG, rt, dt);
        } else if (p->type == PARAM_STRATEGY) {
            memcpy(&inner, at, sizeof inner);
            if (inner)
                check_cfg_resolution(L, inner, res, rt, dt);
        }
        ptr_pop(L, m);
    }
}
#undef RESOLUTION_MSG

/* "slo" and "recovery": what a good request is, and when a run is back to
 * normal after a trigger.  recovery.hold defaults to 10 bins. */
static void load_slo_recovery(loader *L, const cJSON *root, scenario *s)
{
    static const char *const slo_fields[] = { "latency", "target", NULL };
    static const char *const rec_fields[] = { "tolerance", "latency_factor", "hold", NULL };
    const cJSON *o = field(L, root, "slo", false);
    if (o) {
        size_t m = ptr_push(L, "slo");
        if (v_object(L, o, "expected an object such as {\"latency\": \"200ms\", \"target\": 0.999}")) {
            check_fields(L, o, slo_fields);
            get_duration(L, o, "latency", false, &POS, &s->slo.latency);
            get_number(L, o, "target", false, &UNIT_OPEN_BOTH, &s->slo.target);
        }
        ptr_pop(L, m);
    }
    bool hold = false;
    if ((o = field(L, root, "recovery", false))) {
        size_t m = ptr_push(L, "recovery");
        if (v_object(L, o, "expected an object such as {\"tolerance\": 0.01, \"latency_factor\": 2, \"hold\": \"10s\"}")) {
            check_fields(L, o, rec_fields);
            get_number(L, o, "tolerance", false, &UNIT, &s->recovery.tolerance);
            get_number(L, o, "latency_factor", false, &GE1, &s->recovery.latency_factor);
            hold = get_duration(L, o, "hold", false, &POS, &s->recovery.hold) == SET;
        }
        ptr_pop(L, m);
    }
    if (!hold)
        s->recovery.hold = 10 * s->bin;
}

static void load_root(loader *L, const cJSON *root, scenario *s)
{
    static const char *const fields[] = {
        "name", "description", "seed", "duration", "warmup", "bin", "drain", "clients", "keys", "app",
        "cache", "db", "faults", "strategies", "slo", "recovery", NULL,
    };
    static const char *const app_fields[] = { "nodes", NULL };
    if (!v_object(L, root, NULL))
        return;
    check_fields(L, root, fields);
    load_name(L, root, s);
    const cJSON *d = field(L, root, "description", false);
    if (d) {
        size_t m = ptr_push(L, "description");
        if (v_string(L, d)) {
            bool one_line = true;
            for (const char *p = d->valuestring; *p; p++)
                one_line &= (unsigned char)*p >= 0x20 && *p != 0x7f;
            if (one_line) {
                free(s->description);
                s->description = sdup(L, d->valuestring);
            } else {
                report(L, R_GOT, "expected one line of text");
            }
        }
        ptr_pop(L, m);
    }
    get_uint(L, root, "seed", false, 0, UINT64_MAX, false, &s->seed);
    int dur = get_duration(L, root, "duration", true, &POS, &s->duration);
    int warm = get_duration(L, root, "warmup", false, &NONNEG, &s->warmup);
    int bin = get_duration(L, root, "bin", false, &POS, &s->bin);
    static const range DRAIN = { 0, 1e15, false, false };
    int drain = get_duration(L, root, "drain", false, &DRAIN, &s->drain);
    s->drain_given = drain == SET;
    if (dur == SET && bin != BAD && drain != SET) {
        /* DRAIN_FACTOR run lengths, within DRAIN_MAX_BINS rows in all */
        double room = DRAIN_MAX_BINS * s->bin - s->duration;
        s->drain = DRAIN_FACTOR * s->duration;
        if (s->drain > room) s->drain = room > 0 ? room : 0;
    }
    char a[40];
    if (dur == SET && s->duration < MIN_DURATION) {
        size_t m = ptr_push(L, "duration");
        report(L, R_GOT, "expected a duration >= 1ns: a shorter run would not move simulated time");
        ptr_pop(L, m);
        dur = BAD;
    }
    if (dur == SET && warm == SET && s->warmup >= s->duration) {
        num_fmt_shortest(a, sizeof a, s->duration);
        size_t m = ptr_push(L, "warmup");
        report(L, R_GOT, "expected a duration < %s s, the \"duration\"", a);
        ptr_pop(L, m);
    }
    if (dur == SET && bin != BAD && s->duration / s->bin > MAX_BINS) {
        num_fmt_shortest(a, sizeof a, s->duration / MAX_BINS);
        size_t m = ptr_push(L, bin == SET ? "bin" : "duration");
        if (bin == SET)
            report(L, R_GOT, "expected a duration >= %s s, for at most %.0f bins over the \"duration\"", a, MAX_BINS);
        else
            report(L, R_GOT, "expected a duration <= %.0f s with the default \"bin\" of 1 s (at most %.0f bins)",
                   MAX_BINS, MAX_BINS);
        ptr_pop(L, m);
    }
    load_keys(L, root, s);
    const struct { const char *name; void (*load)(loader *, const cJSON *, scenario *); } sections[] = {
        { "clients", load_clients }, { "cache", load_cache }, { "db", load_db },
    };
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++) {
        const cJSON *v = field(L, root, sections[i].name, true);
        if (!v)
            continue;
        size_t m = ptr_push(L, sections[i].name);
        if (v_object(L, v, NULL))
            sections[i].load(L, v, s);
        ptr_pop(L, m);
    }
    const cJSON *app = field(L, root, "app", false);
    if (app) {
        size_t m = ptr_push(L, "app");
        uint64_t nodes;
        if (v_object(L, app, NULL)) {
            check_fields(L, app, app_fields);
            if (get_uint(L, app, "nodes", false, 1, MAX_NODES, false, &nodes) == SET)
                s->app.nodes = (uint32_t)nodes;
        }
        ptr_pop(L, m);
    }
    const cJSON *f = field(L, root, "faults", false);
    if (f) {
        size_t m = ptr_push(L, "faults");
        load_faults(L, f, s);
        ptr_pop(L, m);
    }
    load_strategies(L, root, s);
    load_slo_recovery(L, root, s);
    /* Checks across fields, on a scenario that is otherwise valid. */
    if (!L->npr && !L->oom) {
        check_closed_loop(L, s);
        check_arrivals_in_time(L, s);
        check_resolution(L, s);
    }
}

/* ---- --set overrides ----------------------------------------------------------- */

__attribute__((format(printf, 4, 5)))
static void set_error(loader *L, size_t idx, const char *path, const char *fmt, ...)
{
    strbuf m = { 0 };
    sb_printf(&m, "--set %s: error: ", path);
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&m, fmt, ap);
    va_end(ap);
    add_problem(L, 1, idx, &m);
}

static const char *type_name(const cJSON *v)
{
    return cJSON_IsObject(v) ? "an object" : cJSON_IsArray(v) ? "an array" : cJSON_IsString(v) ? "a string"
         : cJSON_IsNumber(v) ? "a number" : cJSON_IsBool(v) ? "a boolean" : "null";
}

/* A canonical array index ("0", "12"), as RFC 6901 has it. */
static bool parse_index(const char *s, size_t *out)
{
    size_t i = 0;
    if (!*s || (s[0] == '0' && s[1]))
        return false;
    for (; *s; s++) {
        if (!is_digit(*s) || i > (SIZE_MAX - 9) / 10)
            return false;
        i = i * 10 + (size_t)(*s - '0');
    }
    *out = i;
    return true;
}

/* The closest member name of obj to s, or NULL. */
static const char *suggest_member(const cJSON *obj, const char *s)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        const char *one[] = { c->string, NULL };
        if (suggest(s, one))
            return c->string;
    }
    return NULL;
}

/* Walks path in the tree and puts item there; on success returns true with
 * the value's pointer in *ptr and item owned by the tree. */
static bool set_at(loader *L, cJSON *root, size_t idx, const char *path, cJSON *item, strbuf *ptr)
{
    static const char *const on_demand[] = { "slo", "recovery", NULL };
    cJSON *cur = root;
    const char *p = path;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char *seg = strndup(p, n);
        const char *at = ptr->len ? ptr->s : "/";
        size_t k;
        bool ok = false, done = !dot;
        if (!seg) {
            L->oom = true;
            return false;
        }
        if (!n) {
            set_error(L, idx, path, "empty field name in the path");
        } else if (cJSON_IsObject(cur)) {
            cJSON *next = cJSON_GetObjectItemCaseSensitive(cur, seg);
            if (done) {
                ptr_escape(ptr, seg);
                ok = next ? cJSON_ReplaceItemInObjectCaseSensitive(cur, seg, item)
                          : cJSON_AddItemToObject(cur, seg, item);
                if (!ok)
                    L->oom = true;
            } else if (next) {
                ptr_escape(ptr, seg);
                cur = next;
                ok = true;
            } else if (cur == root && index_of(seg, on_demand) >= 0) {
                /* A section whose every field has a default: made empty, so
                 * --set slo.target=0.95 works on any scenario. */
                cJSON *o = cJSON_CreateObject();
                ok = o && cJSON_AddItemToObject(cur, seg, o);
                if (!ok) {
                    cJSON_Delete(o);
                    L->oom = true;
                } else {
                    ptr_escape(ptr, seg);
                    cur = o;
                }
            } else {
                const char *hint = suggest_member(cur, seg);
                if (hint)
                    set_error(L, idx, path, "no such field \"%s\" in %s (did you mean \"%s\"?)", seg, at, hint);
                else
                    set_error(L, idx, path, "no such field \"%s\" in %s", seg, at);
            }
        } else if (cJSON_IsArray(cur)) {
            size_t size = count_items(cur);
            if (!parse_index(seg, &k)) {
                set_error(L, idx, path, "no field \"%s\" in %s (it is an array)", seg, at);
            } else if (k >= size) {
                set_error(L, idx, path, "no element %zu in %s (it has %zu)", k, at, size);
            } else {
                sb_printf(ptr, "/%zu", k);
                ok = done ? cJSON_ReplaceItemInArray(cur, (int)k, item) : true;
                if (!ok)
                    L->oom = true;
                cur = done ? cur : cJSON_GetArrayItem(cur, (int)k);
            }
        } else {
            set_error(L, idx, path, "no field \"%s\" in %s (it is %s)", seg, at, type_name(cur));
        }
        free(seg);
        if (!ok || done)
            return ok && !ptr->oom;
        p = dot + 1;
    }
}

static void apply_override(loader *L, cJSON *root, const override *o, size_t idx)
{
    const char *path = o->path ? o->path : "";
    if (!*path) {
        set_error(L, idx, path, "empty path");
        return;
    }
    char *text = strdup(o->value ? o->value : "");
    if (!text) {
        L->oom = true;
        return;
    }
    size_t len = strlen(text);
    jl_error je;
    jl_doc *doc = jl_parse(text, len, &je);
    cJSON *item = NULL;
    if (!doc && je.off == JL_NONE)
        L->oom = true;
    if (doc && jl_ndups(doc)) {
        set_error(L, idx, path, "duplicate field %s in the value", jl_dups(doc)[0].pointer);
        goto fail;
    }
    /* Read as JSON when it parses (strictly), else as a string. */
    if (doc && !(item = cJSON_ParseWithOpts(text, NULL, 1))) {
        jl_free(doc);
        doc = NULL;
    }
    if (!item) {
        if (!jl_utf8_valid(text, len)) {
            set_error(L, idx, path, "the value is not valid UTF-8");
            goto fail;
        }
        if (!(item = cJSON_CreateString(text))) {
            L->oom = true;
            goto fail;
        }
    }
    strbuf ptr = { 0 };
    if (!set_at(L, root, idx, path, item, &ptr)) {
        free(ptr.s);
        goto fail;
    }
    /* A --set hides every earlier one at or below its pointer. */
    for (size_t i = 0; i < L->nov; i++) {
        size_t n = strlen(ptr.s);
        if (strncmp(L->ov[i].ptr, ptr.s, n) == 0 && (L->ov[i].ptr[n] == 0 || L->ov[i].ptr[n] == '/'))
            L->ov[i].live = false;
    }
    L->ov[L->nov++] = (ovrec){ ptr.s, idx, path, text, doc, true };
    return;
fail:
    /* item is still ours here: set_at only gives it away on success. */
    cJSON_Delete(item);
    jl_free(doc);
    free(text);
}

/* ---- duplicate keys ---------------------------------------------------------- */

typedef struct memberref {
    const char *name;
    size_t order;
    cJSON *item;
    bool drop;
} memberref;

static int cmp_member(const void *a, const void *b)
{
    const memberref *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* Keeps only the first of members with the same name (jsonloc reported the
 * others), so the tree agrees with the positions jsonloc gives. */
static bool dedupe(cJSON *v)
{
    if (cJSON_IsObject(v) && v->child && v->child->next) {
        size_t n = count_items(v), k = 0;
        memberref *t = malloc(n * sizeof *t);
        if (!t)
            return false;
        for (cJSON *c = v->child; c; c = c->next, k++)
            t[k] = (memberref){ c->string, k, c, false };
        qsort(t, n, sizeof *t, cmp_member);
        for (k = 1; k < n; k++)
            t[k].drop = strcmp(t[k].name, t[k - 1].name) == 0;
        for (k = 0; k < n; k++)
            if (t[k].drop)
                cJSON_Delete(cJSON_DetachItemViaPointer(v, t[k].item));
        free(t);
    }
    for (cJSON *c = v->child; c; c = c->next)
        if (!dedupe(c))
            return false;
    return true;
}

/* ---- loading --------------------------------------------------------------------- */

/* A message on one line: control bytes (from names in the file) escaped. */
static void emit(diag *errs, const char *msg)
{
    strbuf b = { 0 };
    for (const char *p = msg; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            sb_printf(&b, "\\u%04x", c);
        else
            sb_putn(&b, p, 1);
    }
    diag_add(errs, "%s", b.oom ? "out of memory" : b.s ? b.s : "");
    free(b.s);
}

__attribute__((format(printf, 2, 3)))
static void emitf(diag *errs, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = vformat(fmt, ap);
    va_end(ap);
    emit(errs, m ? m : "out of memory");
    free(m);
}

static int cmp_problem(const void *a, const void *b)
{
    const problem *x = a, *y = b;
    if (x->cls != y->cls)
        return x->cls - y->cls;
    if (x->pos != y->pos)
        return (x->pos > y->pos) - (x->pos < y->pos);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static void report_dups(loader *L)
{
    const jl_dup *d = jl_dups(L->doc);
    for (size_t i = 0; i < jl_ndups(L->doc); i++) {
        if (L->npr >= MAX_PROBLEMS) {
            L->dropped += jl_ndups(L->doc) - i;
            break;
        }
        size_t line, col, fline, fcol;
        jl_linecol(L->doc, d[i].off, &line, &col);
        jl_linecol(L->doc, d[i].first, &fline, &fcol);
        (void)fcol;
        /* The name as written, from its key string. */
        const char *key = L->text + d[i].off;
        const char *end = key + 1;
        while (*end != '"')
            end += *end == '\\' ? 2 : 1;
        strbuf m = { 0 };
        sb_printf(&m, "%s:%zu:%zu: error: ", L->file, line, col);
        show_pointer(&m, d[i].pointer);
        sb_puts(&m, ": duplicate field ");
        show_raw(&m, key, (size_t)(end + 1 - key));
        sb_printf(&m, ", first given at line %zu", fline);
        add_problem(L, 0, d[i].off, &m);
    }
}

static void free_loader(loader *L)
{
    for (size_t i = 0; i < L->nov; i++) {
        free(L->ov[i].ptr);
        free(L->ov[i].text);
        jl_free(L->ov[i].doc);
    }
    free(L->ov);
    for (size_t i = 0; i < L->npr; i++)
        free(L->pr[i].msg);
    free(L->pr);
    free(L->ptr.s);
    jl_free(L->doc);
}

static scenario *load_buffer(const char *path, char *text, size_t len, const override *ovr, size_t novr,
                             diag *errs);

scenario *scenario_load(const char *path, const override *ovr, size_t novr, diag *errs)
{
    char *text = NULL;
    size_t len = 0;
    int e = textin_read_all(path, MAX_FILE_BYTES, true, &text, &len);
    if (e == EFBIG) {
        emitf(errs, "%s: error: cannot read: the file is larger than 64 MiB", path);
        return NULL;
    }
    if (e) {
        emitf(errs, "%s: error: cannot read: %s", path, strerror(e));
        return NULL;
    }
    return load_buffer(path, text, len, ovr, novr, errs);
}

scenario *scenario_load_text(const char *name, const char *text, size_t len, const override *ovr, size_t novr,
                             diag *errs)
{
    if (len > MAX_FILE_BYTES) {
        emitf(errs, "%s: error: cannot read: the file is larger than 64 MiB", name);
        return NULL;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        emitf(errs, "%s: error: out of memory", name);
        return NULL;
    }
    memcpy(copy, text, len);
    copy[len] = 0;
    return load_buffer(name, copy, len, ovr, novr, errs);
}

/* Loads from text (len bytes, NUL-terminated, freed here) as if read from path. */
static scenario *load_buffer(const char *path, char *text, size_t len, const override *ovr, size_t novr,
                             diag *errs)
{
    loader L = { .file = path, .text = text, .len = len };
    jl_error je;
    size_t line, col;
    cJSON *root = NULL;
    scenario *s = NULL;
    if (!(L.doc = jl_parse(text, len, &je))) {
        if (je.off == JL_NONE) {
            L.oom = true;
        } else {
            jl_text_linecol(text, len, je.off, &line, &col);
            emitf(errs, "%s:%zu:%zu: error: invalid JSON: %s", path, line, col, je.msg);
        }
        goto out;
    }
    /* jsonloc accepted it; cJSON can then only fail for want of memory. */
    size_t bom = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const char *end = NULL;
    if (!(root = cJSON_ParseWithOpts(text + bom, &end, 1))) {
        size_t off = end ? (size_t)(end - text) : 0;
        jl_linecol(L.doc, off, &line, &col);
        emitf(errs, "%s:%zu:%zu: error: invalid JSON: cannot parse here (out of memory?)", path, line, col);
        goto out;
    }
    if (jl_ndups(L.doc)) {
        report_dups(&L);
        if (!dedupe(root))
            L.oom = true;
    }
    if (novr && !(L.ov = calloc(novr, sizeof *L.ov)))
        L.oom = true;
    for (size_t i = 0; i < novr && !L.oom; i++)
        apply_override(&L, root, &ovr[i], i);
    if (!(s = calloc(1, sizeof *s))) {
        L.oom = true;
        goto out;
    }
    s->path = sdup(&L, path);
    s->description = sdup(&L, "");
    s->seed = 1;
    s->bin = 1;
    s->clients.timeout = INFINITY;
    s->clients.multiplier = 2;
    s->clients.full_jitter = true;
    s->keys.count = 1;
    s->keys.zipf_s = -1;
    s->app.nodes = 1;
    s->cache.latency = (dist){ DIST_CONSTANT, 0, 0 };
    s->cache.initial = INIT_SPREAD;
    s->db.workers = UNLIMITED;
    s->db.queue_limit = UNLIMITED;
    s->slo.latency = INFINITY;
    s->slo.target = 0.999;
    s->recovery.tolerance = 0.01;
    s->recovery.latency_factor = 2;
    s->db.queue_timeout = INFINITY;
    s->db.statement_timeout = INFINITY;
    s->clients.retry_budget = INFINITY;
    if (!L.oom)
        load_root(&L, root, s);
    if (L.ptr.oom)
        L.oom = true;
    if (!L.oom && !L.npr && !(s->json = cJSON_Print(root)))
        L.oom = true;
out:
    if (L.oom) {
        emitf(errs, "%s: error: out of memory", path);
    } else if (L.npr) {
        qsort(L.pr, L.npr, sizeof *L.pr, cmp_problem);
        for (size_t i = 0; i < L.npr; i++)
            emit(errs, L.pr[i].msg);
        if (L.dropped)
            emitf(errs, "%s: error: %zu more errors not shown (at most %d are)", path, L.dropped, MAX_PROBLEMS);
    }
    if (L.oom || L.npr || !root) {
        scenario_free(s);
        s = NULL;
    }
    cJSON_Delete(root);
    free_loader(&L);
    free(text);
    return s;
}

/* Frees what a strategy_cfg owns, nested recompute strategies included. */
static void free_cfg(strategy_cfg *c)
{
    for (size_t k = 0; c->ops && c->params && k < c->ops->nparams; k++) {
        const param_spec *p = &c->ops->params[k];
        strategy_cfg *inner;
        if (p->type != PARAM_STRATEGY)
            continue;
        memcpy(&inner, (char *)c->params + p->offset, sizeof inner);
        if (inner) {
            free_cfg(inner);
            free(inner);
        }
    }
    free(c->label);
    free(c->params);
}

bool scenario_trace_once(const scenario *s)
{
    struct stat st;
    return s->clients.kind == ARR_TRACE && stat(s->clients.trace, &st) == 0 && !S_ISREG(st.st_mode);
}

void scenario_free(scenario *s)
{
    if (!s)
        return;
    free(s->path);
    free(s->json);
    free(s->name);
    free(s->description);
    free(s->clients.steps);
    free(s->clients.trace);
    free(s->clients.bursts);
    free(s->faults);
    for (size_t i = 0; i < s->nstrategies; i++)
        free_cfg(&s->strategies[i]);
    free(s->strategies);
    free(s);
}
