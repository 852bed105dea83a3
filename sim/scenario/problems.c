/* problems.c - the loader's problems: each kept with its place (a byte
 * offset in the file, or the --set it came from), located by JSON pointer,
 * and worded with the value as written and a "did you mean". */
#include "loader.h"

bool scn_in_range(const range *r, double x)
{
    return (r->min_open ? x > r->min : x >= r->min) && (r->max_open ? x < r->max : x <= r->max);
}

/* " >= 0", " in [0, 1)", ... or "" for any value. */
void scn_range_text(char *buf, size_t n, const range *r)
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
const char *scn_suggest(const char *s, const char *const *list)
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

int scn_index_of(const char *s, const char *const *list)
{
    for (int k = 0; list[k]; k++)
        if (strcmp(s, list[k]) == 0)
            return k;
    return -1;
}

/* ---- the loader ------------------------------------------------------------ */






void scn_ptr_escape(strbuf *b, const char *seg)
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

size_t scn_ptr_push(loader *L, const char *seg)
{
    size_t mark = L->ptr.len;
    scn_ptr_escape(&L->ptr, seg);
    return mark;
}

size_t scn_ptr_push_idx(loader *L, size_t i)
{
    size_t mark = L->ptr.len;
    sb_printf(&L->ptr, "/%zu", i);
    return mark;
}

void scn_ptr_pop(loader *L, size_t mark)
{
    L->ptr.len = mark;
    if (L->ptr.s)
        L->ptr.s[mark] = 0;
}

char *scn_sdup(loader *L, const char *s)
{
    char *t = strdup(s);
    if (!t)
        L->oom = true;
    return t;
}

void scn_add_problem(loader *L, int cls, size_t pos, strbuf *m)
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


where scn_locate(const loader *L, const char *ptr, bool at_key)
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
void scn_show_raw(strbuf *m, const char *raw, size_t n)
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

void scn_show_pointer(strbuf *m, const char *ptr)
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

/* The units guard: a bare number of 10 or more in a latency or timeout
 * field is seconds, as the contract says, yet more likely meant as
 * milliseconds ("timeout": 1000).  A warning at the value, which loads as
 * it is; writing the unit ("1000ms", or "1000s") silences it. */
void scn_warn_bare_seconds(loader *L, const cJSON *v, double x)
{
    const char *ptr = cur_ptr(L);
    if (!L->warns || !cJSON_IsNumber(v) || !(x >= 10) || (!strstr(ptr, "latency") && !strstr(ptr, "timeout")))
        return;
    where w = scn_locate(L, ptr, false);
    strbuf m = { 0 };
    char a[40];
    if (w.ov) {
        sb_printf(&m, "--set %s: warning: ", w.ov->path);
    } else if (w.found) {
        size_t line, col;
        jl_linecol(L->doc, w.off, &line, &col);
        sb_printf(&m, "%s:%zu:%zu: warning: ", L->file, line, col);
    } else {
        sb_printf(&m, "%s: warning: ", L->file);
    }
    scn_show_pointer(&m, ptr);
    num_fmt_shortest(a, sizeof a, x);
    sb_printf(&m, ": %s without a unit is %s seconds; if you meant milliseconds write \"%sms\" (\"%ss\" keeps "
                  "seconds and silences this)", a, a, a, a);
    if (m.oom)
        L->oom = true;
    else
        diag_add(L->warns, "%s", m.s);
    free(m.s);
}

/* Reports a problem with the value at the current pointer. */
__attribute__((format(printf, 3, 4)))
void scn_report(loader *L, int flags, const char *fmt, ...)
{
    if (L->npr >= MAX_PROBLEMS) {   /* a hostile file: no time spent on what is not shown */
        L->dropped++;
        return;
    }
    const char *ptr = cur_ptr(L);
    where w = scn_locate(L, ptr, flags & R_KEY);
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
    scn_show_pointer(&m, ptr);
    sb_puts(&m, ": ");
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&m, fmt, ap);
    va_end(ap);
    if ((flags & R_GOT) && (w.raw || w.str)) {
        sb_puts(&m, " (got ");
        if (w.raw)
            scn_show_raw(&m, w.raw, w.rawlen);
        else
            show_string(&m, w.str);
        sb_puts(&m, ")");
    }
    scn_add_problem(L, cls, pos, &m);
}

/* "a, b, c" from a NULL-terminated list. */
char *scn_join(loader *L, const char *const *list)
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
