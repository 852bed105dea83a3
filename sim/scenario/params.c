/* params.c - the strategies of a scenario: each read through its ops'
 * parameter table (defaults in scenario syntax), a recompute as a nested
 * strategy, and labels checked for duplicates. */
#include "loader.h"

static void put_double(void *at, double x) { memcpy(at, &x, sizeof x); }

/* A parameter's default, in scenario syntax, into the params struct. */
static bool param_default(const param_spec *p, const range *r, void *at)
{
    double x = INFINITY;
    bool b = false;
    int k = -1;
    switch (p->type) {
    case PARAM_DURATION:
        if (p->def && (num_duration(p->def, false, false, &x) != 0 || !scn_in_range(r, x)))
            return false;
        put_double(at, x);
        return true;
    case PARAM_NUMBER:
        if (p->def && (!num_text(p->def, &x) || !scn_in_range(r, x)))
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
        if (p->def && (!p->choices || (k = scn_index_of(p->def, p->choices)) < 0))
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
        scn_report(L, 0, "internal error: strategy \"%s\" has an invalid default \"%s\" for \"%s\"",
               ops->name, p->def, p->name);
        return false;
    }
    size_t m = scn_ptr_push(L, p->name);
    bool ok = false;
    double x;
    int k;
    switch (p->type) {
    case PARAM_DURATION:
        if ((ok = scn_v_duration(L, v, &r, &x, DURATION_HINT)))
            put_double(at, x);
        break;
    case PARAM_NUMBER:
        if ((ok = scn_v_number(L, v, &r, &x)))
            put_double(at, x);
        break;
    case PARAM_BOOL:
        if ((ok = cJSON_IsBool(v))) {
            bool b = cJSON_IsTrue(v);
            memcpy(at, &b, sizeof b);
        } else {
            scn_report(L, R_GOT, "expected true or false");
        }
        break;
    case PARAM_ENUM:
        if ((ok = (k = scn_v_enum(L, v, "value", p->choices ? p->choices : no_choices)) >= 0))
            memcpy(at, &k, sizeof k);
        break;
    case PARAM_STRATEGY:
        ok = load_recompute(L, v, at);
        break;
    }
    scn_ptr_pop(L, m);
    return ok;
}

static void load_strategy(loader *L, const cJSON *v, const char *const *names, strategy_cfg *cfg)
{
    if (!scn_v_object(L, v, "expected an object such as {\"name\": \"none\"}"))
        return;
    const strategy_ops *ops = NULL;
    const cJSON *nm = scn_field(L, v, "name", true);
    if (nm) {
        size_t m = scn_ptr_push(L, "name");
        if (scn_v_enum(L, nm, "strategy", names) >= 0)
            ops = strategy_find(nm->valuestring);
        scn_ptr_pop(L, m);
    }
    const char *label = NULL;
    bool label_ok = true;
    const cJSON *lb = scn_field(L, v, "label", false);
    if (lb) {
        size_t m = scn_ptr_push(L, "label");
        if ((label_ok = cJSON_IsString(lb) && scn_valid_name(lb->valuestring)))
            label = lb->valuestring;
        else
            scn_report(L, R_GOT, NAME_HINT);
        scn_ptr_pop(L, m);
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
    scn_check_fields(L, v, allowed);
    free(allowed);
    cfg->ops = ops;
    bool ok = true;
    for (size_t i = 0; i < ops->nparams; i++)
        ok &= load_param(L, v, ops, &ops->params[i], cfg->params);
    const char *msg = ok && ops->check ? ops->check(cfg->params) : NULL;
    if (msg)
        scn_report(L, 0, "%s", msg);
    if (label_ok)
        cfg->label = scn_sdup(L, label ? label : ops->name);
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
        size_t m = scn_ptr_push_idx(L, t[k].idx);
        if (cJSON_GetObjectItemCaseSensitive(el, "label"))
            scn_ptr_push(L, "label");
        scn_report(L, 0, "duplicate label \"%s\", also used by /strategies/%zu; give each a distinct \"label\"",
               t[k].label, t[first].idx);
        scn_ptr_pop(L, m);
    }
    free(t);
}

void scn_load_strategies(loader *L, const cJSON *root, scenario *s)
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
    const cJSON *v = scn_field(L, root, "strategies", false);
    size_t m = scn_ptr_push(L, "strategies");
    if (!v) {
        /* The default, [{"name": "none"}], checked as if it were written. */
        cJSON *def = cJSON_CreateObject();
        s->strategies = calloc(1, sizeof *s->strategies);
        if (!def || !s->strategies || !cJSON_AddStringToObject(def, "name", "none")) {
            L->oom = true;
        } else {
            size_t m2 = scn_ptr_push_idx(L, 0);
            s->nstrategies = 1;
            load_strategy(L, def, names, &s->strategies[0]);
            scn_ptr_pop(L, m2);
        }
        cJSON_Delete(def);
    } else if (!cJSON_IsArray(v) || !v->child) {
        scn_report(L, R_GOT, "expected a non-empty array such as [{\"name\": \"none\"}]");
    } else if (!(s->strategies = calloc(scn_count_items(v), sizeof *s->strategies))) {
        L->oom = true;
    } else {
        size_t i = 0;
        for (const cJSON *c = v->child; c; c = c->next, i++) {
            size_t m2 = scn_ptr_push_idx(L, i);
            load_strategy(L, c, names, &s->strategies[s->nstrategies++]);
            scn_ptr_pop(L, m2);
        }
        check_labels(L, v, s);
    }
    scn_ptr_pop(L, m);
    free(names);
}
