/* scenario.c - the scenario loader: reads a file, checks its JSON syntax
 * (jsonloc) and parses it (cJSON), applies --set overrides, then checks every
 * field while it builds the scenario.  Each problem is kept with its place (a
 * byte offset in the file, or the --set it came from) and all are reported
 * together, sorted by place; a value of the wrong type yields one error and
 * its contents are not looked at, so errors never cascade.  The parts are in
 * the files loader.h lists. */
#include "loader.h"

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
        size_t n = scn_count_items(v), k = 0;
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
    char *m = scn_vformat(fmt, ap);
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
        scn_show_pointer(&m, d[i].pointer);
        sb_puts(&m, ": duplicate field ");
        scn_show_raw(&m, key, (size_t)(end + 1 - key));
        sb_printf(&m, ", first given at line %zu", fline);
        scn_add_problem(L, 0, d[i].off, &m);
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
                             diag *errs, diag *warns);

scenario *scenario_load(const char *path, const override *ovr, size_t novr, diag *errs)
{
    return scenario_load_warn(path, ovr, novr, errs, NULL);
}

scenario *scenario_load_warn(const char *path, const override *ovr, size_t novr, diag *errs, diag *warns)
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
    return load_buffer(path, text, len, ovr, novr, errs, warns);
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
    return load_buffer(name, copy, len, ovr, novr, errs, NULL);
}

/* Loads from text (len bytes, NUL-terminated, freed here) as if read from path. */
static scenario *load_buffer(const char *path, char *text, size_t len, const override *ovr, size_t novr,
                             diag *errs, diag *warns)
{
    loader L = { .file = path, .text = text, .len = len, .warns = warns };
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
        scn_apply_override(&L, root, &ovr[i], i);
    if (!(s = calloc(1, sizeof *s))) {
        L.oom = true;
        goto out;
    }
    s->path = scn_sdup(&L, path);
    s->description = scn_sdup(&L, "");
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
    s->cache.timeout = INFINITY;
    s->db.statement_timeout = INFINITY;
    s->clients.retry_budget = INFINITY;
    if (!L.oom)
        scn_load_root(&L, root, s);
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
