/* values.c - the loader's typed values and fields: objects, strings,
 * numbers and integers in ranges, durations, enums and distributions; a
 * value of the wrong type is one problem and is not looked into. */
#include "loader.h"

/* ---- values ------------------------------------------------------------------ */

/* An integer read from the number's text (exact beyond 2^53). */
bool scn_exact_uint(const loader *L, const cJSON *v, uint64_t *out)
{
    where w = scn_locate(L, cur_ptr(L), false);
    if (w.raw)
        return num_literal_uint(w.raw, w.rawlen, out);
    double d = v->valuedouble;   /* no text: exact only below 2^53 */
    if (!(d >= 0 && d < 9007199254740992.0 && d == floor(d)))
        return false;
    *out = (uint64_t)d;
    return true;
}

bool scn_v_object(loader *L, const cJSON *v, const char *expected)
{
    if (cJSON_IsObject(v))
        return true;
    scn_report(L, R_GOT, "%s", expected ? expected : "expected an object");
    return false;
}

bool scn_v_string(loader *L, const cJSON *v)
{
    if (cJSON_IsString(v))
        return true;
    scn_report(L, R_GOT, "expected a string");
    return false;
}

bool scn_v_duration(loader *L, const cJSON *v, const range *r, double *out, const char *hint)
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
        scn_report(L, R_GOT, "not a finite number");
        return false;
    }
    if (rc != 0) {
        scn_report(L, R_GOT, "%s", hint);
        return false;
    }
    if (!scn_in_range(r, x)) {
        char rt[96];
        scn_range_text(rt, sizeof rt, r);
        scn_report(L, R_GOT, "expected a duration%s", rt);
        return false;
    }
    scn_warn_bare_seconds(L, v, x);
    *out = x;
    return true;
}

bool scn_v_number(loader *L, const cJSON *v, const range *r, double *out)
{
    char rt[96];
    scn_range_text(rt, sizeof rt, r);
    if (cJSON_IsNumber(v) && !isfinite(v->valuedouble)) {
        scn_report(L, R_GOT, "not a finite number");
        return false;
    }
    if (!cJSON_IsNumber(v) || !scn_in_range(r, v->valuedouble)) {
        scn_report(L, R_GOT, "expected a number%s", rt);
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
        scn_report(L, R_GOT, "not a finite number");
        return false;
    }
    if (cJSON_IsNumber(v) && scn_exact_uint(L, v, &x) && x >= lo && x <= hi) {
        *out = x;
        return true;
    }
    char rt[96];
    /* An integer too large for 64 bits gets the upper bound too. */
    if (hi == UINT64_MAX && !(cJSON_IsNumber(v) && v->valuedouble >= 18446744073709551616.0))
        snprintf(rt, sizeof rt, " >= %" PRIu64, lo);
    else
        snprintf(rt, sizeof rt, " in [%" PRIu64 ", %" PRIu64 "]", lo, hi);
    scn_report(L, R_GOT, "expected an integer%s%s", rt, unlimited ? " or \"unlimited\"" : "");
    return false;
}

/* The index of v in choices, or -1 after reporting; what names the kind of
 * value in "unknown WHAT". */
int scn_v_enum(loader *L, const cJSON *v, const char *what, const char *const *choices)
{
    int k = cJSON_IsString(v) ? scn_index_of(v->valuestring, choices) : -1;
    if (k >= 0)
        return k;
    const char *hint = cJSON_IsString(v) ? scn_suggest(v->valuestring, choices) : NULL;
    char *list = scn_join(L, choices);
    if (!cJSON_IsString(v))
        scn_report(L, R_GOT, "expected one of: %s", list ? list : "");
    else if (hint)
        scn_report(L, R_GOT, "unknown %s (did you mean \"%s\"?)", what, hint);
    else
        scn_report(L, R_GOT, "unknown %s (expected one of: %s)", what, list ? list : "");
    free(list);
    return -1;
}

/* Member name of obj; reports it missing when required. */
const cJSON *scn_field(loader *L, const cJSON *obj, const char *name, bool required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v && required)
        scn_report(L, 0, "missing required field \"%s\"", name);
    return v;
}

/* Reports every member of obj whose name is not in allowed. */
void scn_check_fields(loader *L, const cJSON *obj, const char *const *allowed)
{
    char *list = NULL;
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (scn_index_of(c->string, allowed) >= 0)
            continue;
        if (L->npr >= MAX_PROBLEMS) {   /* not shown: no hint to look for */
            L->dropped++;
            continue;
        }
        if (!list && !(list = scn_join(L, allowed)))
            return;
        const char *hint = scn_suggest(c->string, allowed);
        size_t m = scn_ptr_push(L, c->string);
        if (hint)
            scn_report(L, R_KEY, "unknown field (did you mean \"%s\"?)", hint);
        else
            scn_report(L, R_KEY, "unknown field (expected one of: %s)", list);
        scn_ptr_pop(L, m);
    }
    free(list);
}

/* The typed getters: BAD (reported), ABSENT (out left as is) or SET. */
int scn_get_duration(loader *L, const cJSON *obj, const char *name, bool req, const range *r, double *out)
{
    const cJSON *v = scn_field(L, obj, name, req);
    if (!v)
        return req ? BAD : ABSENT;
    size_t m = scn_ptr_push(L, name);
    bool ok = scn_v_duration(L, v, r, out, DURATION_HINT);
    scn_ptr_pop(L, m);
    return ok ? SET : BAD;
}

int scn_get_number(loader *L, const cJSON *obj, const char *name, bool req, const range *r, double *out)
{
    const cJSON *v = scn_field(L, obj, name, req);
    if (!v)
        return req ? BAD : ABSENT;
    size_t m = scn_ptr_push(L, name);
    bool ok = scn_v_number(L, v, r, out);
    scn_ptr_pop(L, m);
    return ok ? SET : BAD;
}

int scn_get_uint(loader *L, const cJSON *obj, const char *name, bool req, uint64_t lo, uint64_t hi,
                    bool unlimited, uint64_t *out)
{
    const cJSON *v = scn_field(L, obj, name, req);
    if (!v)
        return req ? BAD : ABSENT;
    size_t m = scn_ptr_push(L, name);
    bool ok = v_uint(L, v, lo, hi, unlimited, out);
    scn_ptr_pop(L, m);
    return ok ? SET : BAD;
}

int scn_get_enum(loader *L, const cJSON *obj, const char *name, const char *const *choices, int *out)
{
    const cJSON *v = scn_field(L, obj, name, false);
    if (!v)
        return ABSENT;
    size_t m = scn_ptr_push(L, name);
    int k = scn_v_enum(L, v, "value", choices);
    scn_ptr_pop(L, m);
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
        if (!scn_v_duration(L, v, &NONNEG, &x, DIST_HINT))
            return false;
        *out = (dist){ DIST_CONSTANT, x, 0 };
        return true;
    }
    if (!cJSON_IsObject(v)) {
        scn_report(L, R_GOT, "%s", DIST_HINT);
        return false;
    }
    const cJSON *k = scn_field(L, v, "dist", true);
    if (!k)
        return false;
    size_t m = scn_ptr_push(L, "dist");
    int kind = scn_v_enum(L, k, "distribution", DIST_NAMES);
    scn_ptr_pop(L, m);
    if (kind < 0)
        return false;
    const struct dist_def *dd = &DISTS[kind];
    const char *const allowed[] = { "dist", dd->p1, dd->p2, NULL };
    scn_check_fields(L, v, allowed);
    dist d = { (enum dist_kind)kind, 0, 0 };
    bool ok = scn_get_duration(L, v, dd->p1, true, dd->r1, &d.p1) == SET;
    if (dd->p2) {
        int r2 = dd->p2_number ? scn_get_number(L, v, dd->p2, true, dd->r2, &d.p2)
                               : scn_get_duration(L, v, dd->p2, true, dd->r2, &d.p2);
        ok = ok && r2 == SET;
        if (ok && kind == DIST_UNIFORM && d.p2 < d.p1) {
            char a[40];
            num_fmt_shortest(a, sizeof a, d.p1);
            m = scn_ptr_push(L, "max");
            scn_report(L, R_GOT, "expected a duration >= %s s, the \"min\"", a);
            scn_ptr_pop(L, m);
            ok = false;
        }
    }
    if (ok)
        *out = d;
    return ok;
}

int scn_get_dist(loader *L, const cJSON *obj, const char *name, bool req, dist *out)
{
    const cJSON *v = scn_field(L, obj, name, req);
    if (!v)
        return req ? BAD : ABSENT;
    size_t m = scn_ptr_push(L, name);
    bool ok = v_dist(L, v, out);
    scn_ptr_pop(L, m);
    return ok ? SET : BAD;
}

/* ---- names and arrays --------------------------------------------------------- */

size_t scn_count_items(const cJSON *v)
{
    size_t n = 0;
    for (const cJSON *c = v->child; c; c = c->next)
        n++;
    return n;
}

bool scn_valid_name(const char *s)
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
    return scn_valid_name(s);
}
